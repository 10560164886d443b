#include "api/event_record.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "api/clock.hpp"

namespace trailbox::api {
namespace {

// The CreateApplication record at the end of ../shared/seeds/000_f1356f83331ae5e2.txt (the AWS
// page "Logging Amazon EMR Serverless API calls using AWS CloudTrail"), verbatim.
constexpr const char* kSeedRecord =
    R"({ "eventVersion": "1.08", "userIdentity": { "type": "AssumedRole", "principalId": "AIDACKCEVSQ6C2EXAMPLE:admin", "arn": "arn:aws:sts::012345678910:assumed-role/Admin/admin", "accountId": "012345678910", "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "sessionContext": { "sessionIssuer": { "type": "Role", "principalId": "AIDACKCEVSQ6C2EXAMPLE", "arn": "arn:aws:iam::012345678910:role/Admin", "accountId": "012345678910", "userName": "Admin" }, "webIdFederationData": {}, "attributes": { "creationDate": "2022-06-01T23:46:52Z", "mfaAuthenticated": "false" } } }, "eventTime": "2022-06-01T23:49:28Z", "eventSource": "emr-serverless.amazonaws.com", "eventName": "CreateApplication", "awsRegion": "us-west-2", "sourceIPAddress": "203.0.113.0", "userAgent": "PostmanRuntime/7.26.10", "requestParameters": { "name": "my-serverless-application", "releaseLabel": "emr-6.6", "type": "SPARK", "clientToken": "0a1b234c-de56-7890-1234-567890123456" }, "responseElements": { "name": "my-serverless-application", "applicationId": "1234567890abcdef0", "arn": "arn:aws:emr-serverless:us-west-2:555555555555:/applications/1234567890abcdef0" }, "requestID": "890b8639-e51f-11e7-b038-EXAMPLE", "eventID": "874f89fa-70fc-4798-bc00-EXAMPLE", "readOnly": false, "eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": "012345678910", "eventCategory": "Management" })";

constexpr int64_t kSeedTimeMs = 1654127368000;  // 2022-06-01T23:49:28Z

std::vector<std::string> keys(const Json& object) {
  std::vector<std::string> out;
  for (auto it = object.begin(); it != object.end(); ++it) out.push_back(it.key());
  return out;
}

// The caller of the seed record.
Caller seedCaller() {
  Json seed = Json::parse(kSeedRecord);
  Caller c;
  c.account_id = "012345678910";
  c.region = "us-west-2";
  c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  c.type = "AssumedRole";
  c.arn = "arn:aws:sts::012345678910:assumed-role/Admin/admin";
  c.username = "admin";
  c.user_identity = seed["userIdentity"];
  return c;
}

// The seed's CreateApplication call; `caller` must outlive the result.
CallRecord seedCall(const Caller& caller) {
  Json seed = Json::parse(kSeedRecord);
  CallRecord call;
  call.caller = &caller;
  call.event_source = "emr-serverless.amazonaws.com";
  call.event_name = "CreateApplication";
  call.read_only = false;
  call.request_id = "890b8639-e51f-11e7-b038-EXAMPLE";
  call.event_id = "874f89fa-70fc-4798-bc00-EXAMPLE";
  call.time_ms = kSeedTimeMs;
  call.source_ip = "203.0.113.0";
  call.user_agent = "PostmanRuntime/7.26.10";
  call.request_parameters = Json{{"name", "my-serverless-application"},
                                 {"releaseLabel", "emr-6.6"},
                                 {"type", "SPARK"},
                                 {"clientToken", "0a1b234c-de56-7890-1234-567890123456"}};
  call.response_elements =
      Json{{"name", "my-serverless-application"},
           {"applicationId", "1234567890abcdef0"},
           {"arn", "arn:aws:emr-serverless:us-west-2:555555555555:/applications/1234567890abcdef0"}};
  return call;
}

TEST(EventRecord, RendersTheSeedCreateApplicationRecord) {
  Caller caller = seedCaller();
  Json rendered = Json::parse(renderRecord(toEventRow(seedCall(caller))));
  Json seed = Json::parse(kSeedRecord);
  EXPECT_EQ(keys(rendered), keys(seed));
  EXPECT_EQ(keys(rendered),
            (std::vector<std::string>{"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName",
                                      "awsRegion", "sourceIPAddress", "userAgent", "requestParameters",
                                      "responseElements", "requestID", "eventID", "readOnly", "eventType",
                                      "managementEvent", "recipientAccountId", "eventCategory"}));
  // ordered_json compares member order too, at every depth.
  EXPECT_EQ(rendered, seed) << rendered.dump(2);
}

TEST(EventRecord, SeedRecordFieldsHaveTheirJsonTypes) {
  Caller caller = seedCaller();
  Json r = Json::parse(renderRecord(toEventRow(seedCall(caller))));
  EXPECT_EQ(r["eventVersion"], "1.08");
  EXPECT_EQ(r["eventTime"], "2022-06-01T23:49:28Z");
  EXPECT_EQ(r["eventSource"], "emr-serverless.amazonaws.com");
  EXPECT_EQ(r["eventName"], "CreateApplication");
  EXPECT_EQ(r["awsRegion"], "us-west-2");
  EXPECT_EQ(r["sourceIPAddress"], "203.0.113.0");
  EXPECT_EQ(r["userAgent"], "PostmanRuntime/7.26.10");
  EXPECT_EQ(r["requestID"], "890b8639-e51f-11e7-b038-EXAMPLE");
  EXPECT_EQ(r["eventID"], "874f89fa-70fc-4798-bc00-EXAMPLE");
  EXPECT_TRUE(r["readOnly"].is_boolean());
  EXPECT_EQ(r["readOnly"], false);
  EXPECT_EQ(r["eventType"], "AwsApiCall");
  EXPECT_TRUE(r["managementEvent"].is_boolean());
  EXPECT_EQ(r["managementEvent"], true);
  EXPECT_EQ(r["recipientAccountId"], "012345678910");
  EXPECT_EQ(r["eventCategory"], "Management");
  EXPECT_EQ(r["userIdentity"]["sessionContext"]["attributes"]["mfaAuthenticated"], "false");
  EXPECT_FALSE(r.contains("errorCode"));
  EXPECT_FALSE(r.contains("resources"));
  EXPECT_FALSE(r.contains("tlsDetails"));
}

TEST(EventRecord, ToEventRowKeepsTheLookupFields) {
  Caller caller = seedCaller();
  store::EventRow row = toEventRow(seedCall(caller));
  EXPECT_EQ(row.event_id, "874f89fa-70fc-4798-bc00-EXAMPLE");
  EXPECT_EQ(row.time_ms, kSeedTimeMs);
  EXPECT_EQ(row.account, "012345678910");
  EXPECT_EQ(row.region, "us-west-2");
  EXPECT_EQ(row.event_source, "emr-serverless.amazonaws.com");
  EXPECT_EQ(row.event_name, "CreateApplication");
  EXPECT_FALSE(row.read_only);
  EXPECT_EQ(row.event_type, "AwsApiCall");
  EXPECT_EQ(row.username, "admin");
  EXPECT_EQ(row.access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(Json::parse(row.user_identity), caller.user_identity);
  EXPECT_EQ(row.error_code, "");
  EXPECT_EQ(row.error_message, "");
  EXPECT_EQ(row.request_id, "890b8639-e51f-11e7-b038-EXAMPLE");
}

TEST(EventRecord, FailedCallAddsErrorFieldsAfterUserAgentAndNullsResponse) {
  Caller caller = seedCaller();
  CallRecord call = seedCall(caller);
  call.error = AwsError{ErrorCode::kValidationException, "1 validation error detected: Value 'x' at 'name'"};
  Json r = Json::parse(renderRecord(toEventRow(call)));
  EXPECT_EQ(keys(r),
            (std::vector<std::string>{"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName",
                                      "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage",
                                      "requestParameters", "responseElements", "requestID", "eventID", "readOnly",
                                      "eventType", "managementEvent", "recipientAccountId", "eventCategory"}));
  EXPECT_EQ(r["errorCode"], "ValidationException");
  EXPECT_EQ(r["errorMessage"], "1 validation error detected: Value 'x' at 'name'");
  EXPECT_TRUE(r["responseElements"].is_null());
  EXPECT_EQ(r["requestParameters"], call.request_parameters);
}

TEST(EventRecord, ReadOnlyCallHasNullResponseElements) {
  Caller caller = seedCaller();
  CallRecord call = seedCall(caller);
  call.event_name = "GetApplication";
  call.read_only = true;
  call.request_parameters = Json{{"applicationId", "1234567890abcdef0"}};
  call.response_elements = Json{{"application", {{"applicationId", "1234567890abcdef0"}}}};
  Json r = Json::parse(renderRecord(toEventRow(call)));
  EXPECT_EQ(r["eventName"], "GetApplication");
  EXPECT_EQ(r["readOnly"], true);
  EXPECT_EQ(r["requestParameters"], (Json{{"applicationId", "1234567890abcdef0"}}));
  ASSERT_TRUE(r.contains("responseElements"));
  EXPECT_TRUE(r["responseElements"].is_null());
}

TEST(EventRecord, NothingSentRecordsNullRequestParameters) {
  Caller caller = seedCaller();
  CallRecord call = seedCall(caller);
  call.event_name = "ListApplications";
  call.read_only = true;
  call.request_parameters = Json();
  call.response_elements = Json();
  Json r = Json::parse(renderRecord(toEventRow(call)));
  ASSERT_TRUE(r.contains("requestParameters"));
  EXPECT_TRUE(r["requestParameters"].is_null());
  EXPECT_TRUE(r["responseElements"].is_null());
}

TEST(EventRecord, StringsAreEscaped) {
  Caller caller = seedCaller();
  CallRecord call = seedCall(caller);
  call.user_agent = "agent \"quoted\" \\ back\tslash \xC3\xA9";
  call.error = AwsError{ErrorCode::kConflictException, "line1\nline2 \"q\""};
  std::string text = renderRecord(toEventRow(call));
  Json r = Json::parse(text);
  EXPECT_EQ(r["userAgent"], "agent \"quoted\" \\ back\tslash \xC3\xA9");
  EXPECT_EQ(r["errorMessage"], "line1\nline2 \"q\"");
}

TEST(EventRecord, InvalidUtf8InRecordedValuesStillRendersValidJson) {
  Caller caller = seedCaller();
  CallRecord call = seedCall(caller);
  call.user_agent = std::string("bad\xFF");
  call.request_parameters = Json{{"applicationId", std::string("\xFE")}};
  Json r = Json::parse(renderRecord(toEventRow(call)));
  EXPECT_EQ(r["userAgent"], "bad\xEF\xBF\xBD");
  EXPECT_EQ(r["requestParameters"]["applicationId"], "\xEF\xBF\xBD");
}

TEST(EventRecord, LongUserAgentAndErrorMessageAreCutAt1KiBOnACharacterBoundary) {
  Caller caller = seedCaller();
  CallRecord call = seedCall(caller);
  std::string e_acute = "\xC3\xA9";
  std::string agent = "a";
  for (int i = 0; i < 600; ++i) agent += e_acute;  // 1201 bytes; byte 1024 is a continuation byte
  call.user_agent = agent;
  call.error = AwsError{ErrorCode::kValidationException, std::string(3000, 'm')};
  store::EventRow row = toEventRow(call);
  EXPECT_EQ(row.user_agent.size(), 1023u);
  EXPECT_EQ(row.user_agent, agent.substr(0, 1023));
  EXPECT_EQ(row.error_message.size(), 1024u);
  Json r = Json::parse(renderRecord(row));  // still valid UTF-8 and valid JSON
  EXPECT_EQ(r["userAgent"].get<std::string>().size(), 1023u);
  EXPECT_EQ(r["errorMessage"], std::string(1024, 'm'));

  call.user_agent = std::string(1024, 'x');
  EXPECT_EQ(toEventRow(call).user_agent.size(), 1024u);
}

TEST(EventRecord, AdditionalEventDataFollowsResponseElements) {
  Caller caller = seedCaller();
  store::EventRow row = toEventRow(seedCall(caller));
  row.additional_event_data = R"({"x":1})";
  Json r = Json::parse(renderRecord(row));
  std::vector<std::string> k = keys(r);
  auto at = std::find(k.begin(), k.end(), "additionalEventData");
  ASSERT_NE(at, k.end());
  EXPECT_EQ(*(at - 1), "responseElements");
  EXPECT_EQ(*(at + 1), "requestID");
  EXPECT_EQ(r["additionalEventData"], (Json{{"x", 1}}));
}

TEST(EventRecord, EventTimeIsSecondPrecisionIso) {
  Caller caller = seedCaller();
  CallRecord call = seedCall(caller);
  call.time_ms = kSeedTimeMs + 999;
  Json r = Json::parse(renderRecord(toEventRow(call)));
  EXPECT_EQ(r["eventTime"], "2022-06-01T23:49:28Z");
}

TEST(LookupEvent, HasTheLookupEventsMembers) {
  Caller caller = seedCaller();
  CallRecord call = seedCall(caller);
  call.resources = {{"AWS::EMRServerless::Application", "1234567890abcdef0"}};
  store::EventRow row = toEventRow(call);
  Json e = lookupEvent(row);
  EXPECT_EQ(keys(e), (std::vector<std::string>{"EventId", "EventName", "ReadOnly", "AccessKeyId", "EventTime",
                                               "EventSource", "Username", "Resources", "CloudTrailEvent"}));
  EXPECT_EQ(e["EventId"], "874f89fa-70fc-4798-bc00-EXAMPLE");
  EXPECT_EQ(e["EventName"], "CreateApplication");
  EXPECT_TRUE(e["ReadOnly"].is_string());
  EXPECT_EQ(e["ReadOnly"], "false");
  EXPECT_EQ(e["AccessKeyId"], "AKIAIOSFODNN7EXAMPLE");
  EXPECT_TRUE(e["EventTime"].is_number());
  EXPECT_DOUBLE_EQ(e["EventTime"].get<double>(), 1654127368.0);
  EXPECT_EQ(e["EventSource"], "emr-serverless.amazonaws.com");
  EXPECT_EQ(e["Username"], "admin");
  EXPECT_EQ(
      e["Resources"],
      Json::array({{{"ResourceType", "AWS::EMRServerless::Application"}, {"ResourceName", "1234567890abcdef0"}}}));
  ASSERT_TRUE(e["CloudTrailEvent"].is_string());
  EXPECT_EQ(e["CloudTrailEvent"], renderRecord(row));
  EXPECT_EQ(Json::parse(e["CloudTrailEvent"].get<std::string>()), Json::parse(kSeedRecord));
}

TEST(LookupEvent, ReadOnlyIsAStringAndEmptyOptionalsAreOmitted) {
  Caller caller = seedCaller();
  caller.access_key_id = "";
  caller.username = "";
  CallRecord call = seedCall(caller);
  call.read_only = true;
  call.time_ms = kSeedTimeMs + 750;
  Json e = lookupEvent(toEventRow(call));
  EXPECT_EQ(e["ReadOnly"], "true");
  EXPECT_FALSE(e.contains("AccessKeyId"));
  EXPECT_FALSE(e.contains("Username"));
  EXPECT_EQ(e["Resources"], Json::array());
  EXPECT_DOUBLE_EQ(e["EventTime"].get<double>(), 1654127368.0);
}

}  // namespace
}  // namespace trailbox::api
