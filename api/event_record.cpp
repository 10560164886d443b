#include "api/event_record.hpp"

#include "api/clock.hpp"

namespace trailbox::api {
namespace {

// CloudTrail truncates these fields at 1 KB.
constexpr size_t kMaxField = 1024;

std::string quoted(const std::string& s) { return dumpJson(Json(s)); }

// Cuts at a UTF-8 boundary so the record stays valid JSON text.
std::string truncateUtf8(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace

store::EventRow toEventRow(const CallRecord& call) {
  store::EventRow row;
  row.event_id = call.event_id;
  row.time_ms = call.time_ms;
  row.account = call.caller->account_id;
  row.region = call.caller->region;
  row.event_source = call.event_source;
  row.event_name = call.event_name;
  row.read_only = call.read_only;
  row.username = call.caller->username;
  row.access_key_id = call.caller->access_key_id;
  row.user_identity = dumpJson(call.caller->user_identity);
  row.user_agent = truncateUtf8(call.user_agent, kMaxField);
  row.source_ip = call.source_ip;
  row.request_id = call.request_id;
  if (call.error) {
    row.error_code = std::string(errorName(call.error->code));
    row.error_message = truncateUtf8(call.error->message, kMaxField);
  }
  if (!call.request_parameters.is_null()) row.request_parameters = dumpJson(call.request_parameters);
  // Operations with an empty output (DeleteApplication, StartLogging, ...) record null.
  bool empty_object = call.response_elements.is_object() && call.response_elements.empty();
  if (!call.error && !call.read_only && !call.response_elements.is_null() && !empty_object) {
    row.response_elements = dumpJson(call.response_elements);
  }
  row.resources = call.resources;
  return row;
}

std::string renderRecord(const store::EventRow& row) {
  std::string out;
  out.reserve(1024 + row.user_identity.size() + row.request_parameters.size() + row.response_elements.size());
  out += R"({"eventVersion":")";
  out += kEventVersion;
  out += R"(","userIdentity":)";
  out += row.user_identity.empty() ? "{}" : row.user_identity;
  out += R"(,"eventTime":")" + isoSeconds(row.time_ms);
  out += R"(","eventSource":)" + quoted(row.event_source);
  out += R"(,"eventName":)" + quoted(row.event_name);
  out += R"(,"awsRegion":)" + quoted(row.region);
  out += R"(,"sourceIPAddress":)" + quoted(row.source_ip);
  if (!row.user_agent.empty()) out += R"(,"userAgent":)" + quoted(row.user_agent);
  if (!row.error_code.empty()) {
    out += R"(,"errorCode":)" + quoted(row.error_code);
    out += R"(,"errorMessage":)" + quoted(row.error_message);
  }
  out += R"(,"requestParameters":)";
  out += row.request_parameters.empty() ? "null" : row.request_parameters;
  out += R"(,"responseElements":)";
  out += row.response_elements.empty() ? "null" : row.response_elements;
  if (!row.additional_event_data.empty()) out += R"(,"additionalEventData":)" + row.additional_event_data;
  out += R"(,"requestID":)" + quoted(row.request_id);
  out += R"(,"eventID":)" + quoted(row.event_id);
  out += R"(,"readOnly":)";
  out += row.read_only ? "true" : "false";
  out += R"(,"eventType":)" + quoted(row.event_type);
  out += R"(,"managementEvent":true,"recipientAccountId":)" + quoted(row.account);
  out += R"(,"eventCategory":"Management"})";
  return out;
}

Json lookupEvent(const store::EventRow& row) {
  Json e = Json::object();
  e["EventId"] = row.event_id;
  e["EventName"] = row.event_name;
  e["ReadOnly"] = row.read_only ? "true" : "false";
  if (!row.access_key_id.empty()) e["AccessKeyId"] = row.access_key_id;
  e["EventTime"] = static_cast<double>(row.time_ms / 1000);
  e["EventSource"] = row.event_source;
  if (!row.username.empty()) e["Username"] = row.username;
  Json resources = Json::array();
  for (const auto& r : row.resources) resources.push_back(Json{{"ResourceType", r.type}, {"ResourceName", r.name}});
  e["Resources"] = std::move(resources);
  e["CloudTrailEvent"] = renderRecord(row);
  return e;
}

}  // namespace trailbox::api
