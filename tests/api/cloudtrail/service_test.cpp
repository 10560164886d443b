#include "api/cloudtrail/service.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "../emr_serverless/router_fixture.hpp"

namespace trailbox::testing {
namespace {

TEST(CloudTrailReadOnly, LookupAndDescribeCallsAreReadOnly) {
  for (const char* op : {"LookupEvents", "GetTrailStatus", "DescribeTrails", "ListTrails", "GetEventSelectors"}) {
    EXPECT_TRUE(api::cloudtrail::CloudTrailService::isReadOnly(op)) << op;
  }
  for (const char* op : {"CreateTrail", "StartLogging", "StopLogging", "DeleteTrail", "PutEventSelectors"}) {
    EXPECT_FALSE(api::cloudtrail::CloudTrailService::isReadOnly(op)) << op;
  }
}

// Six EMR Serverless calls, one second apart (CloudTrail itself not recorded, so lookups do not
// add to what they search):
//   t0+0 CreateApplication (app)        t0+3 GetJobRun
//   t0+1 GetApplication                 t0+4 GetApplication of a missing id (404)
//   t0+2 StartJobRun (run)              t0+5 CreateApplication by another user of the account
class LookupEvents : public RouterTest {
 protected:
  static constexpr const char* kOtherUser = "AKIAOTHERUSEREXAMPLE";

  void configure(api::ApiOptions& options) override { options.record_cloudtrail_calls = false; }

  void SetUp() override {
    RouterTest::SetUp();
    t0_ = now();
    create_ = createApplication();
    app_ = json(create_)["applicationId"];
    advance(1000);
    get_app_ = call("GET", "/applications/" + app_);
    advance(1000);
    start_run_ = startJobRun(app_);
    run_ = json(start_run_)["jobRunId"];
    advance(1000);
    get_run_ = call("GET", "/applications/" + app_ + "/jobruns/" + run_);
    advance(1000);
    missing_ = call("GET", "/applications/00nosuchapp00000");
    advance(1000);
    other_create_ = createApplication(Json::object(), as(kOtherUser));
    advance(1000);
    ASSERT_EQ(eventCount(), 6);
  }

  static Json attribute(const std::string& key, const std::string& value) {
    return Json{{"LookupAttributes", Json::array({Json{{"AttributeKey", key}, {"AttributeValue", value}}})}};
  }

  // Request ids of the events a lookup returned, in order.
  std::vector<std::string> requestIds(const Json& response) {
    std::vector<std::string> out;
    for (const auto& e : response.value("Events", Json::array())) {
      out.push_back(Json::parse(e["CloudTrailEvent"].get<std::string>())["requestID"]);
    }
    return out;
  }
  std::vector<std::string> expected(std::initializer_list<const api::Response*> responses) {
    std::vector<std::string> out;
    for (const auto* r : responses) out.push_back(requestId(*r));
    return out;
  }
  std::vector<std::string> found(const std::string& key, const std::string& value) {
    return requestIds(lookupEvents(attribute(key, value)));
  }

  int64_t t0_ = 0;
  std::string app_, run_;
  api::Response create_, get_app_, start_run_, get_run_, missing_, other_create_;
};

TEST_F(LookupEvents, WithoutAttributesReturnsEveryEventNewestFirst) {
  Json r = lookupEvents(Json::object());
  EXPECT_EQ(requestIds(r), expected({&other_create_, &missing_, &get_run_, &start_run_, &get_app_, &create_}));
  EXPECT_FALSE(r.contains("NextToken"));
  double previous = 1e18;
  for (const auto& e : r["Events"]) {
    EXPECT_LT(e["EventTime"].get<double>(), previous);
    previous = e["EventTime"].get<double>();
  }
}

TEST_F(LookupEvents, EventCarriesTheLookupMembersAndTheFullRecord) {
  Json r = lookupEvents(attribute("EventName", "StartJobRun"));
  ASSERT_EQ(r["Events"].size(), 1u);
  Json e = r["Events"][0];
  std::vector<std::string> keys;
  for (auto it = e.begin(); it != e.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"EventId", "EventName", "ReadOnly", "AccessKeyId", "EventTime",
                                            "EventSource", "Username", "Resources", "CloudTrailEvent"}));
  Json record = eventFor(start_run_);
  EXPECT_EQ(e["EventId"], record["eventID"]);
  EXPECT_EQ(e["EventName"], "StartJobRun");
  EXPECT_EQ(e["ReadOnly"], "false");
  EXPECT_EQ(e["AccessKeyId"], kAccessKey);
  EXPECT_DOUBLE_EQ(e["EventTime"].get<double>(), (t0_ + 2000) / 1000.0);
  EXPECT_EQ(e["EventSource"], kEmrSource);
  EXPECT_EQ(e["Username"], kAccessKey);
  EXPECT_EQ(e["Resources"],
            Json::array({Json{{"ResourceType", "AWS::EMRServerless::Application"}, {"ResourceName", appArn(app_)}},
                         Json{{"ResourceType", "AWS::EMRServerless::JobRun"}, {"ResourceName", runArn(app_, run_)}}}));
  EXPECT_EQ(Json::parse(e["CloudTrailEvent"].get<std::string>()), record);
}

TEST_F(LookupEvents, EventNameAndEventIdMatchExactly) {
  EXPECT_EQ(found("EventName", "CreateApplication"), expected({&other_create_, &create_}));
  EXPECT_EQ(found("EventName", "GetApplication"), expected({&missing_, &get_app_}));
  EXPECT_TRUE(found("EventName", "createapplication").empty());
  std::string id = eventFor(get_run_)["eventID"];
  EXPECT_EQ(found("EventId", id), expected({&get_run_}));
  EXPECT_TRUE(found("EventId", "00000000-0000-4000-8000-000000000000").empty());
}

TEST_F(LookupEvents, ReadOnlySplitsReadsFromWrites) {
  EXPECT_EQ(found("ReadOnly", "true"), expected({&missing_, &get_run_, &get_app_}));
  EXPECT_EQ(found("ReadOnly", "false"), expected({&other_create_, &start_run_, &create_}));
}

TEST_F(LookupEvents, UsernameAndAccessKeyIdIdentifyTheCaller) {
  EXPECT_EQ(found("Username", kAccessKey), expected({&missing_, &get_run_, &start_run_, &get_app_, &create_}));
  EXPECT_EQ(found("Username", kOtherUser), expected({&other_create_}));
  EXPECT_EQ(found("AccessKeyId", kOtherUser), expected({&other_create_}));
  EXPECT_EQ(found("AccessKeyId", kAccessKey), expected({&missing_, &get_run_, &start_run_, &get_app_, &create_}));
}

TEST_F(LookupEvents, ResourceTypeFindsEventsAboutThatKindOfResource) {
  EXPECT_EQ(found("ResourceType", "AWS::EMRServerless::JobRun"), expected({&get_run_, &start_run_}));
  EXPECT_EQ(found("ResourceType", "AWS::EMRServerless::Application"),
            expected({&other_create_, &missing_, &get_run_, &start_run_, &get_app_, &create_}));
  EXPECT_TRUE(found("ResourceType", "AWS::EMRServerless::Session").empty());
}

TEST_F(LookupEvents, ResourceNameIsTheArn) {
  EXPECT_EQ(found("ResourceName", appArn(app_)), expected({&get_run_, &start_run_, &get_app_, &create_}));
  EXPECT_EQ(found("ResourceName", runArn(app_, run_)), expected({&get_run_, &start_run_}));
  EXPECT_TRUE(found("ResourceName", app_).empty()) << "the bare id is not the resource name";
}

TEST_F(LookupEvents, EventSourceSelectsTheService) {
  EXPECT_EQ(found("EventSource", kEmrSource).size(), 6u);
  EXPECT_TRUE(found("EventSource", kCloudTrailSource).empty());
}

TEST_F(LookupEvents, AssumedRoleEventsAreFoundByTheirSessionName) {
  Headers headers = as("ASIAIOSFODNN7EXAMPLE");
  headers.emplace_back("x-amz-security-token", "FwoGZXIvYXdzEXAMPLE");
  auto r = createApplication(Json::object(), headers);
  ASSERT_EQ(r.status, 200);
  Json found_events = lookupEvents(attribute("Username", "ASIAIOSFODNN7EXAMPLE"));
  EXPECT_EQ(requestIds(found_events), expected({&r}));
  EXPECT_EQ(found_events["Events"][0]["Username"], "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(found_events["Events"][0]["AccessKeyId"], "ASIAIOSFODNN7EXAMPLE");
}

TEST_F(LookupEvents, DefaultPageIsFiftyEvents) {
  for (int i = 0; i < 45; ++i) call("GET", "/applications");
  Json first = lookupEvents(Json::object());
  EXPECT_EQ(first["Events"].size(), 50u);
  ASSERT_TRUE(first.contains("NextToken"));
  Json second = lookupEvents(Json{{"NextToken", first["NextToken"]}});
  EXPECT_EQ(second["Events"].size(), 1u);
  EXPECT_EQ(requestIds(second), expected({&create_}));
  EXPECT_FALSE(second.contains("NextToken"));
}

TEST_F(LookupEvents, TwoAttributesAreRejected) {
  Json body = attribute("EventName", "CreateApplication");
  body["LookupAttributes"].push_back(Json{{"AttributeKey", "ReadOnly"}, {"AttributeValue", "false"}});
  auto r = lookup(body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(header(r, "content-type"), "application/x-amz-json-1.1");
  EXPECT_EQ(json(r)["__type"], "InvalidLookupAttributesException");
  EXPECT_EQ(json(r)["Message"], "You can specify only one lookup attribute; the request has 2");
  EXPECT_EQ(requestId(r).size(), 36u);
}

TEST_F(LookupEvents, BadAttributeKeysAndValuesAreRejected) {
  for (const auto& body : {attribute("Foo", "bar"), attribute("ReadOnly", "yes"), attribute("EventName", ""),
                           attribute("eventname", "CreateApplication")}) {
    auto r = lookup(body);
    EXPECT_EQ(r.status, 400) << body.dump();
    EXPECT_EQ(json(r)["__type"], "InvalidLookupAttributesException") << body.dump();
  }
}

TEST_F(LookupEvents, MaxResultsMustBeOneToFifty) {
  for (int n : {0, 51, 1000}) {
    auto r = lookup(Json{{"MaxResults", n}});
    EXPECT_EQ(r.status, 400) << n;
    EXPECT_EQ(json(r)["__type"], "InvalidMaxResultsException") << n;
  }
  EXPECT_EQ(lookupEvents(Json{{"MaxResults", 50}})["Events"].size(), 6u);
  EXPECT_EQ(lookupEvents(Json{{"MaxResults", 1}})["Events"].size(), 1u);
}

TEST_F(LookupEvents, StartAfterEndIsInvalidTimeRange) {
  auto r = lookup(Json{{"StartTime", t0_ / 1000 + 5}, {"EndTime", t0_ / 1000 + 4}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json(r)["__type"], "InvalidTimeRangeException");
}

TEST_F(LookupEvents, TimeBoundsAreInclusiveSeconds) {
  int64_t s = t0_ / 1000;
  EXPECT_EQ(requestIds(lookupEvents(Json{{"StartTime", s + 1}, {"EndTime", s + 3}})),
            expected({&get_run_, &start_run_, &get_app_}));
  EXPECT_EQ(requestIds(lookupEvents(Json{{"StartTime", s + 2}, {"EndTime", s + 2}})), expected({&start_run_}));
  EXPECT_EQ(requestIds(lookupEvents(Json{{"StartTime", s + 4}})), expected({&other_create_, &missing_}));
  EXPECT_EQ(requestIds(lookupEvents(Json{{"EndTime", s}})), expected({&create_}));
  // Fractions (the JS SDK sends them) are cut to the second.
  EXPECT_EQ(requestIds(lookupEvents(Json{{"StartTime", s + 2.9}, {"EndTime", s + 2.1}})), expected({&start_run_}));
}

TEST_F(LookupEvents, EventsWithinASecondMatchThatSecond) {
  advance(500);  // t0 + 6500
  auto late = call("GET", "/applications/" + app_);
  int64_t s = (t0_ + 6000) / 1000;
  EXPECT_EQ(requestIds(lookupEvents(Json{{"StartTime", s}, {"EndTime", s}})), expected({&late}));
  Json e = lookupEvents(Json{{"StartTime", s}, {"EndTime", s}})["Events"][0];
  EXPECT_DOUBLE_EQ(e["EventTime"].get<double>(), static_cast<double>(s)) << "EventTime has whole seconds";
}

TEST_F(LookupEvents, NextTokenWalksEveryEventExactlyOnce) {
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  std::string next;
  for (int page = 0; page < 10; ++page) {
    Json body = Json{{"MaxResults", 2}};
    if (!next.empty()) body["NextToken"] = next;
    Json r = lookupEvents(body);
    auto ids = requestIds(r);
    sizes.push_back(ids.size());
    seen.insert(seen.end(), ids.begin(), ids.end());
    if (!r.contains("NextToken")) break;
    ASSERT_NE(r["NextToken"].get<std::string>(), next);
    next = r["NextToken"];
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 2}));
  EXPECT_EQ(seen, expected({&other_create_, &missing_, &get_run_, &start_run_, &get_app_, &create_}));
}

TEST_F(LookupEvents, NextTokenWithAnAttributeWalksOnlyMatches) {
  Json body = attribute("ReadOnly", "true");
  body["MaxResults"] = 2;
  Json first = lookupEvents(body);
  ASSERT_TRUE(first.contains("NextToken"));
  body["NextToken"] = first["NextToken"];
  Json second = lookupEvents(body);
  EXPECT_FALSE(second.contains("NextToken"));
  auto ids = requestIds(first);
  auto more = requestIds(second);
  ids.insert(ids.end(), more.begin(), more.end());
  EXPECT_EQ(ids, expected({&missing_, &get_run_, &get_app_}));
}

TEST_F(LookupEvents, PagesIgnoreEventsRecordedAfterTheFirstPage) {
  Json first = lookupEvents(Json{{"MaxResults", 3}});
  // The first page ends at t0+3; an event committed later but timed t0+2.5 would land on the
  // second page if the walk were not pinned to the events that existed when it began.
  clock_.advanceMs(-3500);
  call("GET", "/applications/" + app_);
  clock_.advanceMs(3500);
  Json second = lookupEvents(Json{{"MaxResults", 3}, {"NextToken", first["NextToken"]}});
  EXPECT_EQ(requestIds(second), expected({&start_run_, &get_app_, &create_}));
  EXPECT_FALSE(second.contains("NextToken"));
}

TEST_F(LookupEvents, TamperedNextTokenIsRejected) {
  Json first = lookupEvents(Json{{"MaxResults", 2}});
  std::string token = first["NextToken"];
  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  for (const auto& bad : {tampered, std::string("not-a-token"), token.substr(0, token.size() - 4)}) {
    auto r = lookup(Json{{"MaxResults", 2}, {"NextToken", bad}});
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(json(r)["__type"], "InvalidNextTokenException") << bad;
  }
}

TEST_F(LookupEvents, NextTokenOfOtherParametersIsRejected) {
  Json first =
      lookupEvents(Json{{"MaxResults", 1}, {"LookupAttributes", attribute("ReadOnly", "true")["LookupAttributes"]}});
  std::string token = first["NextToken"];
  for (const auto& body : {attribute("ReadOnly", "false"), attribute("EventName", "GetApplication"), Json::object(),
                           Json{{"StartTime", t0_ / 1000}}}) {
    Json request = body;
    request["NextToken"] = token;
    auto r = lookup(request);
    EXPECT_EQ(r.status, 400) << request.dump();
    EXPECT_EQ(json(r)["__type"], "InvalidNextTokenException") << request.dump();
  }
  // Another account cannot use it either.
  Json same = attribute("ReadOnly", "true");
  same["NextToken"] = token;
  auto other = lookup(same, as("111122223333", kRegion, "cloudtrail"));
  EXPECT_EQ(json(other)["__type"], "InvalidNextTokenException");
}

TEST_F(LookupEvents, InsightCategoryIsAlwaysEmpty) {
  Json r = lookupEvents(Json{{"EventCategory", "insight"}});
  EXPECT_EQ(r, (Json{{"Events", Json::array()}}));
  auto bad = lookup(Json{{"EventCategory", "management"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json(bad)["__type"], "InvalidEventCategoryException");
}

TEST_F(LookupEvents, EventsOlderThanNinetyDaysAreNotReturned) {
  // now = t0 + 6 s; the first event leaves the window once it is more than 90 days old.
  advance(90 * kDayMs - 6000);
  EXPECT_EQ(requestIds(lookupEvents(Json::object())).size(), 6u);
  advance(1);
  EXPECT_EQ(requestIds(lookupEvents(Json::object())),
            expected({&other_create_, &missing_, &get_run_, &start_run_, &get_app_}));
  // An older StartTime is clamped to the window rather than rejected.
  EXPECT_EQ(requestIds(lookupEvents(Json{{"StartTime", t0_ / 1000 - 86400}})).size(), 5u);
  advance(kDayMs);
  EXPECT_TRUE(lookupEvents(Json::object())["Events"].empty());
}

TEST_F(LookupEvents, OtherAccountsAndRegionsSeeOnlyTheirOwnEvents) {
  auto theirs = createApplication(Json::object(), as("111122223333"));
  auto elsewhere = createApplication(Json::object(), as(kAccessKey, "eu-west-1"));
  EXPECT_EQ(requestIds(lookupEvents(Json::object(), as("111122223333", kRegion, "cloudtrail"))), expected({&theirs}));
  EXPECT_EQ(requestIds(lookupEvents(Json::object(), as(kAccessKey, "eu-west-1", "cloudtrail"))),
            expected({&elsewhere}));
  EXPECT_EQ(lookupEvents(Json::object())["Events"].size(), 6u);
  EXPECT_TRUE(lookupEvents(attribute("ResourceName", appArn(app_)), as("111122223333", kRegion, "cloudtrail"))["Events"]
                  .empty());
}

TEST_F(LookupEvents, ShortTargetOfTheJavaScriptSdkIsAccepted) {
  Headers headers = {{"authorization", authorization(kAccessKey, kRegion, "cloudtrail")},
                     {"x-amz-target", "CloudTrail_20131101.LookupEvents"},
                     {"content-type", "application/x-amz-json-1.1"}};
  auto r = call("POST", "/", attribute("EventName", "StartJobRun").dump(), headers);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(requestIds(json(r)), expected({&start_run_}));
}

TEST_F(LookupEvents, EmptyBodyMeansNoParameters) {
  Headers headers = {{"authorization", authorization(kAccessKey, kRegion, "cloudtrail")},
                     {"x-amz-target", kLookupTarget},
                     {"content-type", "application/x-amz-json-1.1"}};
  auto r = call("POST", "/", "", headers);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r)["Events"].size(), 6u);
}

TEST_F(LookupEvents, MalformedBodyIsSerializationException) {
  Headers raw = {{"authorization", authorization(kAccessKey, kRegion, "cloudtrail")},
                 {"x-amz-target", kLookupTarget},
                 {"content-type", "application/x-amz-json-1.1"}};
  auto bad = call("POST", "/", "{\"MaxResults\": ", raw);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json(bad)["__type"], "SerializationException");
  auto wrong_type = call("POST", "/", R"({"MaxResults": "ten"})", raw);
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(json(wrong_type)["__type"], "SerializationException");
}

TEST_F(LookupEvents, UnknownOperationIsUnknownOperationException) {
  for (const char* target :
       {"com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.NoSuchThing", "CloudTrail_20131101.NoSuchThing"}) {
    Headers headers = {{"authorization", authorization(kAccessKey, kRegion, "cloudtrail")},
                       {"x-amz-target", target},
                       {"content-type", "application/x-amz-json-1.1"}};
    auto r = call("POST", "/", "{}", headers);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(json(r)["__type"], "UnknownOperationException") << target;
  }
  EXPECT_EQ(eventCount(), 6) << "nothing recorded";
}

// --- LookupEvents is itself recorded (the default) -------------------------------------------

class LookupEventsRecording : public RouterTest {};

TEST_F(LookupEventsRecording, LookupIsRecordedAsAReadOnlyCloudTrailEvent) {
  createApplication();
  advance(1000);
  Json body = Json{
      {"LookupAttributes", Json::array({Json{{"AttributeKey", "EventName"}, {"AttributeValue", "CreateApplication"}}})},
      {"MaxResults", 5}};
  auto r = lookup(body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r)["Events"].size(), 1u);
  Json e = eventFor(r);
  EXPECT_EQ(e["eventSource"], kCloudTrailSource);
  EXPECT_EQ(e["eventName"], "LookupEvents");
  EXPECT_EQ(e["readOnly"], true);
  EXPECT_EQ(e["eventTime"], "2026-01-01T00:00:01Z");
  EXPECT_EQ(e["requestParameters"],
            (Json{{"lookupAttributes",
                   Json::array({Json{{"attributeKey", "EventName"}, {"attributeValue", "CreateApplication"}}})},
                  {"maxResults", 5}}));
  EXPECT_TRUE(e["responseElements"].is_null());
  EXPECT_EQ(e["userIdentity"]["accessKeyId"], kAccessKey);
  EXPECT_FALSE(e.contains("errorCode"));
}

TEST_F(LookupEventsRecording, LookupSeesEarlierLookupsButNotItself) {
  auto first = lookup(Json::object());
  advance(1000);
  Json second =
      lookupEvents(Json{{"LookupAttributes",
                         Json::array({Json{{"AttributeKey", "EventSource"}, {"AttributeValue", kCloudTrailSource}}})}});
  ASSERT_EQ(second["Events"].size(), 1u);
  Json record = Json::parse(second["Events"][0]["CloudTrailEvent"].get<std::string>());
  EXPECT_EQ(record["requestID"], requestId(first));
  EXPECT_EQ(second["Events"][0]["ReadOnly"], "true");
  EXPECT_EQ(second["Events"][0]["Resources"], Json::array());
  EXPECT_EQ(eventCount("eventSource=cloudtrail.amazonaws.com"), 2);
}

TEST_F(LookupEventsRecording, FailedLookupIsRecordedWithItsError) {
  auto r = lookup(Json{{"MaxResults", 51}});
  ASSERT_EQ(r.status, 400);
  Json e = eventFor(r);
  EXPECT_EQ(e["eventName"], "LookupEvents");
  EXPECT_EQ(e["errorCode"], "InvalidMaxResultsException");
  EXPECT_EQ(e["errorMessage"], json(r)["Message"]);
  EXPECT_EQ(e["requestParameters"], (Json{{"maxResults", 51}}));
}


// --- Event history lag and the LookupEvents throttle (both off by default) ----------------------

class DelayedEventHistory : public RouterTest {
 protected:
  void configure(api::ApiOptions& options) override {
    options.record_cloudtrail_calls = false;
    options.event_history.visibility_delay_ms = 120000;
  }
};

TEST_F(DelayedEventHistory, EventsAppearOnlyOnceTheDelayHasPassed) {
  auto created = createApplication();
  ASSERT_EQ(created.status, 200);
  EXPECT_TRUE(lookupEvents(Json::object())["Events"].empty());
  EXPECT_EQ(eventCount(), 1) << "the admin view is not delayed";
  advance(119000);
  EXPECT_TRUE(lookupEvents(Json::object())["Events"].empty());
  advance(1000);
  Json r = lookupEvents(Json::object());
  ASSERT_EQ(r["Events"].size(), 1u);
  EXPECT_EQ(Json::parse(r["Events"][0]["CloudTrailEvent"].get<std::string>())["requestID"], requestId(created));
  // An explicit EndTime later than the visible horizon does not reveal younger events.
  ASSERT_EQ(createApplication().status, 200);
  Json bounded = lookupEvents(Json{{"EndTime", now() / 1000 + 3600}});
  EXPECT_EQ(bounded["Events"].size(), 1u);
}

class ThrottledEventHistory : public RouterTest {
 protected:
  void configure(api::ApiOptions& options) override { options.event_history.lookup_rate_per_s = 2; }
};

TEST_F(ThrottledEventHistory, ThirdCallWithinASecondIsThrottledUntilTokensReturn) {
  EXPECT_EQ(lookup(Json::object()).status, 200);
  EXPECT_EQ(lookup(Json::object()).status, 200);
  auto third = lookup(Json::object());
  EXPECT_EQ(third.status, 400);
  EXPECT_EQ(json(third)["__type"], "ThrottlingException");
  EXPECT_EQ(json(third)["Message"], "Rate exceeded");
  Json e = eventFor(third);
  EXPECT_EQ(e["errorCode"], "ThrottlingException");
  // Another account or region has its own budget.
  EXPECT_EQ(lookup(Json::object(), as("111122223333", kRegion, "cloudtrail")).status, 200);
  EXPECT_EQ(lookup(Json::object(), as(kAccessKey, "eu-west-1", "cloudtrail")).status, 200);
  advance(499);
  EXPECT_EQ(lookup(Json::object()).status, 400);
  advance(1);
  EXPECT_EQ(lookup(Json::object()).status, 200);
  EXPECT_EQ(lookup(Json::object()).status, 400);
  advance(10000);  // the bucket holds one second's worth, not ten
  EXPECT_EQ(lookup(Json::object()).status, 200);
  EXPECT_EQ(lookup(Json::object()).status, 200);
  EXPECT_EQ(lookup(Json::object()).status, 400);
}

TEST_F(LookupEventsRecording, NoThrottleByDefault) {
  for (int i = 0; i < 20; ++i) ASSERT_EQ(lookup(Json::object()).status, 200) << i;
}

}  // namespace
}  // namespace trailbox::testing
