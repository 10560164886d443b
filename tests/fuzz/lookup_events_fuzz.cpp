// fuzz_lookup_events: CloudTrail LookupEvents as the router runs it - decodeAwsJson of the body,
// then CloudTrailService::lookupEvents with the model's violations - over a small store of
// recorded events; plus TokenCodec, the NextToken codec.
//
// Input: the LookupEvents request body (JSON, as botocore or the JS SDK send it). An optional
// first line "#caller=<n>" picks the caller (see kCallers); it is not part of the body.
//
// The store (built once, read-only afterwards) holds kEvents events of several callers,
// accounts, regions, event names, resources and errors, spread over 100 days before `now`
// with several events per second, so the 90-day window, ties and every attribute matter.
//
// Checked: nothing throws; errors are the documented LookupEvents exceptions; a page holds at
// most MaxResults events, newest first, all in the caller's account and region, inside the
// time range, matching the lookup attribute, each with a CloudTrailEvent that is valid JSON;
// following NextToken (up to kMaxPages pages) never repeats an event nor goes back in time, and
// a token replayed with other parameters is refused. The input's NextToken and the raw input
// are also decoded as tokens directly; encode/decode must round-trip.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/cloudtrail/service.hpp"
#include "api/event_record.hpp"
#include "api/ids.hpp"
#include "api/pagination.hpp"
#include "api/protocol/aws_json.hpp"
#include "harness.hpp"
#include "store/database.hpp"
#include "store/event_store.hpp"
#include "store/schema.hpp"

using trailbox::api::ErrorCode;
using trailbox::api::Json;
using trailbox::fuzz::printable;

namespace {

constexpr int64_t kNowMs = 1767225600000 + 123456789;  // a little after 2026-01-01
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int kEvents = 240;
constexpr int kMaxPages = 4;
constexpr const char* kTokenSecret = "trailbox-fuzz-token-secret";

struct CallerSpec {
  const char* key;  // "" = unsigned
  const char* region;
  const char* token;
};
// 0: the default IAM user; 1: another user; 2: an assumed role; 3: another account (12-digit
// key); 4: the default user in another region; 5: unsigned.
constexpr CallerSpec kCallers[] = {
    {"AKIAIOSFODNN7EXAMPLE", "us-east-1", ""}, {"AKIAOTHERUSEREXAMPLE", "us-east-1", ""},
    {"ASIAQNZGKW5YEXAMPLE1", "us-east-1", "FQoGZXIvYXdzEXAMPLE"}, {"210987654321", "us-east-1", ""},
    {"AKIAIOSFODNN7EXAMPLE", "eu-west-1", ""}, {"", "us-east-1", ""},
};
constexpr size_t kCallerCount = sizeof(kCallers) / sizeof(kCallers[0]);

struct World {
  std::unique_ptr<trailbox::store::Database> db;
  std::vector<trailbox::api::Caller> callers;
  trailbox::api::TokenCodec tokens{kTokenSecret};
  trailbox::api::cloudtrail::CloudTrailService service{tokens};
  const trailbox::api::Operation* op = nullptr;
};

trailbox::api::Caller callerOf(const CallerSpec& spec) {
  trailbox::api::SigV4Scope scope;
  scope.present = spec.key[0] != '\0';
  scope.access_key_id = spec.key;
  scope.region = spec.region;
  scope.date = "20260101";
  scope.service = "cloudtrail";
  scope.security_token = spec.token;
  return trailbox::api::deriveCaller(scope, trailbox::api::IdentityDefaults{}, kNowMs);
}

World& world() {
  static World* w = [] {
    auto* created = new World();
    created->op = trailbox::fuzz::cloudTrailModel().operation("LookupEvents");
    FUZZ_CHECK(created->op != nullptr, "no LookupEvents in the model");
    auto db = trailbox::store::Database::open(":memory:", trailbox::store::Database::Mode::kReadWrite);
    FUZZ_CHECK(db.ok(), db.ok() ? "" : db.error().message);
    created->db = std::move(*db);
    auto migrated = trailbox::store::migrate(*created->db);
    FUZZ_CHECK(migrated.ok(), migrated.ok() ? "" : migrated.error().message);
    for (const auto& spec : kCallers) created->callers.push_back(callerOf(spec));

    static const char* kNames[] = {"CreateApplication", "GetApplication", "StartJobRun", "GetJobRun",
                                   "ListApplications",  "DeleteApplication", "TagResource", "StartSession"};
    trailbox::api::RandomIdGenerator ids(7);
    trailbox::store::EventWriter writer(*created->db);
    FUZZ_CHECK(created->db->exec("BEGIN").ok(), "BEGIN");
    for (int i = 0; i < kEvents; ++i) {
      trailbox::api::CallRecord rec;
      rec.caller = &created->callers[static_cast<size_t>(i) % kCallerCount];
      bool cloudtrail = i % 11 == 0;
      rec.event_source = cloudtrail ? "cloudtrail.amazonaws.com" : "emr-serverless.amazonaws.com";
      rec.event_name = cloudtrail ? (i % 2 ? "LookupEvents" : "CreateTrail") : kNames[i % 8];
      rec.read_only = rec.event_name.rfind("Get", 0) == 0 || rec.event_name.rfind("List", 0) == 0 ||
                      rec.event_name == "LookupEvents";
      rec.request_id = ids.uuid();
      // Oldest first, three events per second in places, the first few beyond 90 days.
      rec.time_ms = kNowMs - 100 * kDayMs + static_cast<int64_t>(i / 3) * (100 * kDayMs / (kEvents / 3)) +
                    (i % 3) * 400;
      rec.event_id = ids.timeOrderedUuid(rec.time_ms);
      rec.source_ip = i % 5 == 4 ? "emr-serverless.amazonaws.com" : "203.0.113." + std::to_string(i % 200);
      rec.user_agent = i % 4 ? "Boto3/1.43.11 md/Botocore#1.43.11" : "aws-sdk-js/3.600.0 ua/2.1 os/linux";
      std::string app = "00f" + std::to_string(1000000000000 + i / 4);
      std::string arn = "arn:aws:emr-serverless:" + rec.caller->region + ":" + rec.caller->account_id +
                        ":/applications/" + app;
      rec.request_parameters = rec.event_name == "ListApplications" ? Json() : Json{{"applicationId", app}};
      if (i % 7 == 3) {
        rec.error = trailbox::api::AwsError{ErrorCode::kResourceNotFoundException, "Application " + app + " does not exist"};
      } else if (!rec.read_only) {
        rec.response_elements = Json{{"applicationId", app}, {"arn", arn}};
      }
      if (!cloudtrail && rec.event_name != "ListApplications") {
        rec.resources.push_back({"AWS::EMRServerless::Application", arn});
      }
      auto seq = writer.insert(trailbox::api::toEventRow(rec));
      FUZZ_CHECK(seq.ok(), seq.ok() ? "" : seq.error().message);
    }
    FUZZ_CHECK(created->db->exec("COMMIT").ok(), "COMMIT");
    return created;
  }();
  return *w;
}

bool lookupError(ErrorCode code) {
  return code == ErrorCode::kInvalidLookupAttributesException || code == ErrorCode::kInvalidTimeRangeException ||
         code == ErrorCode::kInvalidMaxResultsException || code == ErrorCode::kInvalidNextTokenException ||
         code == ErrorCode::kInvalidEventCategoryException;
}

struct Page {
  Json out;
  std::vector<Json> records;  // parsed CloudTrailEvent of each event
};

trailbox::api::Result<Json> lookup(const trailbox::api::Caller& caller, const Json& input,
                                   const std::vector<trailbox::api::Violation>& violations) {
  World& w = world();
  trailbox::api::cloudtrail::CallContext ctx{caller, "11111111-1111-4111-8111-111111111111", kNowMs};
  try {
    return w.service.lookupEvents(ctx, input, violations, *w.db);
  } catch (const std::exception& e) {
    // The router turns this into 500 InternalFailure: a client input must never cause one.
    trailbox::fuzz::fail(__FILE__, __LINE__, "lookupEvents threw",
                         std::string(e.what()) + "\ninput: " + printable(trailbox::api::dumpJson(input)));
  }
}

// Checks one successful page against the request.
Page checkPage(const trailbox::api::Caller& caller, const Json& input, const Json& out) {
  std::string shown = "\ninput: " + printable(trailbox::api::dumpJson(input));
  FUZZ_CHECK(out.is_object() && out.contains("Events") && out["Events"].is_array(), "no Events list" + shown);
  std::string body = trailbox::api::awsJsonOk(out, "r").body;
  FUZZ_CHECK(trailbox::fuzz::isValidJson(body), "response is not valid JSON" + shown);
  const Json& events = out["Events"];
  int64_t max_results = input.value("MaxResults", 50);
  FUZZ_CHECK(static_cast<int64_t>(events.size()) <= max_results,
             std::to_string(events.size()) + " events for MaxResults " + std::to_string(max_results) + shown);
  Page page;
  page.out = out;
  double previous = 1e300;
  for (const auto& e : events) {
    FUZZ_CHECK(e.is_object() && e.contains("EventId") && e.contains("EventName") && e.contains("EventTime") &&
                   e.contains("CloudTrailEvent") && e["CloudTrailEvent"].is_string(),
               "malformed event " + printable(e.dump()) + shown);
    double t = e["EventTime"].get<double>();
    FUZZ_CHECK(t <= previous, "events are not newest first" + shown);
    previous = t;
    Json record = Json::parse(e["CloudTrailEvent"].get<std::string>(), nullptr, false);
    FUZZ_CHECK(record.is_object(), "CloudTrailEvent is not a JSON object" + shown);
    FUZZ_CHECK(record.value("recipientAccountId", "") == caller.account_id && record.value("awsRegion", "") == caller.region,
               "event of another account or region: " + printable(e["CloudTrailEvent"].get<std::string>()) + shown);
    FUZZ_CHECK(record.value("eventID", "") == e["EventId"].get<std::string>() &&
                   record.value("eventName", "") == e["EventName"].get<std::string>(),
               "CloudTrailEvent disagrees with the event's fields" + shown);
    auto t_ms = static_cast<int64_t>(t) * 1000;
    FUZZ_CHECK(t_ms >= kNowMs - 90 * kDayMs - 1000, "event older than 90 days returned" + shown);
    if (input.contains("StartTime") && input["StartTime"].is_number()) {
      FUZZ_CHECK(t + 1 > std::floor(input["StartTime"].get<double>()), "event before StartTime" + shown);
    }
    if (input.contains("EndTime") && input["EndTime"].is_number()) {
      FUZZ_CHECK(t <= std::floor(input["EndTime"].get<double>()), "event after EndTime" + shown);
    }
    const Json attrs = input.value("LookupAttributes", Json::array());
    if (attrs.size() == 1) {
      std::string key = attrs[0].value("AttributeKey", "");
      std::string value = attrs[0].value("AttributeValue", "");
      if (key == "EventName") FUZZ_CHECK(e["EventName"] == value, "EventName filter not applied" + shown);
      if (key == "EventSource") FUZZ_CHECK(e.value("EventSource", "") == value, "EventSource filter not applied" + shown);
      if (key == "Username") FUZZ_CHECK(e.value("Username", "") == value, "Username filter not applied" + shown);
      if (key == "AccessKeyId") FUZZ_CHECK(e.value("AccessKeyId", "") == value, "AccessKeyId filter not applied" + shown);
      if (key == "ReadOnly") FUZZ_CHECK(e.value("ReadOnly", "") == value, "ReadOnly filter not applied" + shown);
    }
    page.records.push_back(std::move(record));
  }
  if (out.contains("NextToken")) {
    FUZZ_CHECK(out["NextToken"].is_string() && !out["NextToken"].get<std::string>().empty(), "empty NextToken" + shown);
    FUZZ_CHECK(static_cast<int64_t>(events.size()) == max_results, "NextToken on a short page" + shown);
  }
  return page;
}

void checkTokens(std::string_view raw, const Json& input) {
  World& w = world();
  Json attrs = input.is_object() ? input.value("LookupAttributes", Json()) : Json();
  Json filters = Json{{"account", "123456789012"}, {"region", "us-east-1"}, {"attrs", attrs}};
  // Whatever the input holds is decoded (and almost always refused: tokens cannot be forged).
  (void)w.tokens.decode(std::string(raw), filters);
  // Round trip of an arbitrary position, bound to its filters. Positions are JSON values as
  // they come back from serialization (invalid UTF-8 and out-of-range numbers do not survive
  // dumpJson, and the server never puts them in a position).
  Json position = input.is_discarded() ? Json::array({raw.size(), raw.empty() ? 0 : static_cast<unsigned char>(raw[0])})
                                       : Json::parse(trailbox::api::dumpJson(input), nullptr, false);
  if (position.is_discarded()) return;
  std::string token = w.tokens.encode(position, filters);
  auto back = w.tokens.decode(token, filters);
  FUZZ_CHECK(back && *back == position, "token round trip lost the position " + printable(trailbox::api::dumpJson(position)));
  Json other = filters;
  other["region"] = "eu-west-1";
  FUZZ_CHECK(!w.tokens.decode(token, other), "token accepted for other filters");
  if (token.size() > 1) {
    std::string altered = token;
    altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
    auto forged = w.tokens.decode(altered, filters);
    FUZZ_CHECK(!forged || *forged == position, "an altered token decoded to another position");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  World& w = world();
  size_t who = 0;
  if (body.rfind("#caller=", 0) == 0) {
    size_t nl = body.find('\n');
    std::string_view line = body.substr(8, nl == std::string_view::npos ? std::string_view::npos : nl - 8);
    if (!line.empty() && line[0] >= '0' && line[0] <= '9') who = static_cast<size_t>(line[0] - '0') % kCallerCount;
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
  }
  const trailbox::api::Caller& caller = w.callers[who];

  Json raw_json = Json::parse(body, nullptr, false);
  if (raw_json.is_object() && raw_json.contains("NextToken") && raw_json["NextToken"].is_string()) {
    checkTokens(raw_json["NextToken"].get<std::string>(), raw_json);
  } else {
    checkTokens(body.substr(0, 4096), raw_json);
  }

  std::vector<trailbox::api::Violation> violations;
  auto decoded = trailbox::api::decodeAwsJson(*w.op, std::string(body), violations);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.error().code == ErrorCode::kSerializationException,
               "decodeAwsJson failed with " + std::string(trailbox::api::errorName(decoded.error().code)));
    return 0;
  }
  const Json& input = decoded->input;

  auto result = lookup(caller, input, violations);
  if (!result.ok()) {
    FUZZ_CHECK(lookupError(result.error().code), "unexpected error " +
                                                     std::string(trailbox::api::errorName(result.error().code)) + ": " +
                                                     result.error().message);
    FUZZ_CHECK(violations.empty() || result.error().code != ErrorCode::kInvalidNextTokenException,
               "constraint violations reported as an invalid token");
    auto r = trailbox::api::awsJsonError(result.error(), "r");
    FUZZ_CHECK(r.status == 400 && trailbox::fuzz::isValidJson(r.body), "LookupEvents error response: " + printable(r.body));
    return 0;
  }
  if (std::getenv("TRAILBOX_FUZZ_VERBOSE")) {
    std::fprintf(stderr, "%s\n", printable(trailbox::api::dumpJson(*result), 4000).c_str());
  }
  FUZZ_CHECK(violations.empty(), "LookupEvents succeeded despite violations: " + violations.front().message);
  Page page = checkPage(caller, input, *result);

  // Follow the pages: no event twice, never newer than the previous page.
  std::set<std::string> seen;
  for (const auto& r : page.records) {
    FUZZ_CHECK(seen.insert(r.value("eventID", "")).second, "event repeated within a page");
  }
  Json request = input;
  for (int i = 1; i < kMaxPages && page.out.contains("NextToken"); ++i) {
    std::string token = page.out["NextToken"].get<std::string>();
    double last = page.out["Events"].back()["EventTime"].get<double>();
    request["NextToken"] = token;
    auto next = lookup(caller, request, {});
    FUZZ_CHECK(next.ok(), "following NextToken failed: " + (next.ok() ? std::string() : next.error().message));
    page = checkPage(caller, request, *next);
    for (const auto& r : page.records) {
      FUZZ_CHECK(seen.insert(r.value("eventID", "")).second, "event repeated across pages");
    }
    if (!page.out["Events"].empty()) {
      FUZZ_CHECK(page.out["Events"][0]["EventTime"].get<double>() <= last, "next page is newer than the previous");
    }
    // The same token with other parameters is refused.
    Json changed = request;
    changed["EventCategory"] = "insight";
    auto refused = lookup(caller, changed, {});
    FUZZ_CHECK(!refused.ok() && refused.error().code == ErrorCode::kInvalidNextTokenException,
               "NextToken accepted with other parameters");
  }
  return 0;
}
