#include "api/cloudtrail/service.hpp"

#include <algorithm>
#include <cmath>

#include "api/clock.hpp"
#include "api/event_record.hpp"
#include "store/event_store.hpp"

namespace trailbox::api::cloudtrail {
namespace {

std::optional<store::EventAttribute> attributeKey(const std::string& key) {
  using A = store::EventAttribute;
  if (key == "EventId") return A::kEventId;
  if (key == "EventName") return A::kEventName;
  if (key == "ReadOnly") return A::kReadOnly;
  if (key == "Username") return A::kUsername;
  if (key == "ResourceType") return A::kResourceType;
  if (key == "ResourceName") return A::kResourceName;
  if (key == "EventSource") return A::kEventSource;
  if (key == "AccessKeyId") return A::kAccessKeyId;
  return std::nullopt;
}

// The validator admits epoch seconds and ISO 8601 strings; both end up as whole seconds, clamped
// to a range whose millisecond arithmetic cannot overflow.
int64_t secondsOf(const Json& v) {
  int64_t ms = 0;
  if (v.is_string()) {
    if (!parseIso8601(v.get<std::string>(), ms)) ms = 0;
  } else {
    ms = clampedEpochMs(v.get<double>());
  }
  return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

}  // namespace

bool CloudTrailService::isReadOnly(const std::string& operation) {
  return operation.rfind("Get", 0) == 0 || operation.rfind("List", 0) == 0 ||
         operation.rfind("Describe", 0) == 0 || operation == "LookupEvents";
}

bool CloudTrailService::admit(const std::string& account, const std::string& region, int64_t now_ms) const {
  const double rate = options_.lookup_rate_per_s;
  std::scoped_lock lock(buckets_mutex_);
  auto [it, fresh] = buckets_.try_emplace({account, region}, Bucket{rate, now_ms});
  Bucket& b = it->second;
  if (!fresh && now_ms > b.refilled_ms) {
    b.tokens = std::min(rate, b.tokens + rate * static_cast<double>(now_ms - b.refilled_ms) / 1000.0);
    b.refilled_ms = now_ms;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

Result<Json> CloudTrailService::lookupEvents(const CallContext& ctx, const Json& in,
                                             const std::vector<Violation>& violations, store::Database& db) const {
  if (options_.lookup_rate_per_s > 0 && !admit(ctx.caller.account_id, ctx.caller.region, ctx.now_ms)) {
    return fail(ErrorCode::kThrottlingException, "Rate exceeded");
  }
  for (const auto& v : violations) {
    if (v.path.rfind("MaxResults", 0) == 0) {
      return fail(ErrorCode::kInvalidMaxResultsException, "MaxResults must be between 1 and 50. " + v.message);
    }
    if (v.path.rfind("EventCategory", 0) == 0) {
      return fail(ErrorCode::kInvalidEventCategoryException, "EventCategory must be 'insight'. " + v.message);
    }
    return fail(ErrorCode::kInvalidLookupAttributesException, v.message);
  }

  store::EventQuery q;
  q.account = ctx.caller.account_id;
  q.region = ctx.caller.region;
  const Json attrs = in.value("LookupAttributes", Json::array());
  if (attrs.size() > 1) {
    return fail(ErrorCode::kInvalidLookupAttributesException,
                "You can specify only one lookup attribute; the request has " + std::to_string(attrs.size()));
  }
  for (const auto& a : attrs) {
    std::string key = a["AttributeKey"].get<std::string>();
    std::string value = a["AttributeValue"].get<std::string>();
    auto attribute = attributeKey(key);
    if (!attribute) {
      return fail(ErrorCode::kInvalidLookupAttributesException, "Unknown lookup attribute key " + key);
    }
    if (*attribute == store::EventAttribute::kReadOnly && value != "true" && value != "false") {
      return fail(ErrorCode::kInvalidLookupAttributesException,
                  "The value of the ReadOnly lookup attribute must be true or false, not '" + value + "'");
    }
    q.filters.push_back({*attribute, value});
  }

  // Inclusive bounds at one-second resolution, the precision of the records' eventTime.
  std::optional<int64_t> start_s, end_s;
  if (in.contains("StartTime")) start_s = secondsOf(in["StartTime"]);
  if (in.contains("EndTime")) end_s = secondsOf(in["EndTime"]);
  if (start_s && end_s && *start_s > *end_s) {
    return fail(ErrorCode::kInvalidTimeRangeException,
                "Either the start time occurs after the end time, or the time range is outside the range of possible "
                "values");
  }
  // Event history keeps 90 days: an earlier StartTime is clamped, as the console does.
  int64_t window_start_ms = ctx.now_ms - options_.retention_ms;
  q.start_ms = std::max(window_start_ms, start_s ? *start_s * 1000 : window_start_ms);
  if (end_s) q.end_ms = *end_s * 1000 + 999;
  if (options_.visibility_delay_ms > 0) {
    int64_t visible_until = ctx.now_ms - options_.visibility_delay_ms;
    q.end_ms = q.end_ms ? std::min(*q.end_ms, visible_until) : visible_until;
  }

  bool insights = in.value("EventCategory", "") == "insight";
  Json filters = Json{{"account", *q.account}, {"region", *q.region}, {"attrs", attrs},
                      {"start", in.value("StartTime", Json())}, {"end", in.value("EndTime", Json())},
                      {"category", in.value("EventCategory", Json())}};
  store::EventReader reader(db);
  if (in.contains("NextToken")) {
    auto position = tokens_.decode(in["NextToken"].get<std::string>(), filters);
    // Tokens are authenticated, but a token minted by another version (or a leaked key) must still
    // be an error, not a type exception.
    if (!position || !position->is_array() || position->size() != 3 ||
        !std::all_of(position->begin(), position->end(), [](const Json& v) { return v.is_number_integer(); })) {
      return fail(ErrorCode::kInvalidNextTokenException,
                  "The NextToken is not valid, or was issued for a request with different parameters");
    }
    q.before = std::make_pair((*position)[0].get<int64_t>(), (*position)[1].get<int64_t>());
    q.max_seq = (*position)[2].get<int64_t>();
  } else {
    auto max = reader.maxSeq();
    if (!max.ok()) return fail(ErrorCode::kInternalFailure, "The event store failed: " + max.error().message);
    q.max_seq = *max;
  }
  int limit = in.value("MaxResults", 50);
  q.limit = limit + 1;
  Json events = Json::array();
  Json out = Json::object();
  if (insights) {
    // Insights events are never generated locally.
    out["Events"] = std::move(events);
    return out;
  }
  auto rows = reader.query(q);
  if (!rows.ok()) return fail(ErrorCode::kInternalFailure, "The event store failed: " + rows.error().message);
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < limit; ++i) events.push_back(lookupEvent((*rows)[i]));
  out["Events"] = std::move(events);
  if (static_cast<int>(rows->size()) > limit) {
    const auto& last = (*rows)[static_cast<size_t>(limit) - 1];
    out["NextToken"] = tokens_.encode(Json::array({last.time_ms, last.seq, *q.max_seq}), filters);
  }
  return out;
}

}  // namespace trailbox::api::cloudtrail
