#include "api/admin.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "../emr_serverless/router_fixture.hpp"
#include "api/emr_serverless/engine.hpp"
#include "store/schema.hpp"

namespace trailbox::testing {
namespace {

class Admin : public RouterTest {
 protected:
  api::Response admin(const std::string& method, const std::string& target, const std::string& body = "") {
    return call(method, target, body, unsignedRequest());
  }
};

TEST_F(Admin, HealthReportsTheStoreAndTheEmulatedTime) {
  auto r = admin("GET", "/_trailbox/health");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "content-type"), "application/json");
  Json body = json(r);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["store"], ":memory:");
  EXPECT_EQ(body["now"], "2026-01-01T00:00:00Z");
  EXPECT_TRUE(body["writer"].contains("jobs"));
  EXPECT_TRUE(body["writer"].contains("batches"));
  EXPECT_EQ(admin("HEAD", "/_trailbox/health").status, 200);
}

TEST_F(Admin, ConfigShowsTimingsIdentityAndSchema) {
  auto r = admin("GET", "/_trailbox/config");
  ASSERT_EQ(r.status, 200) << r.body;
  Json body = json(r);
  EXPECT_EQ(body["timings"], api::emr::timingsToJson(api::emr::Timings{}));
  EXPECT_EQ(body["defaultAccountId"], "123456789012");
  EXPECT_EQ(body["defaultRegion"], "us-east-1");
  EXPECT_EQ(body["recordCloudTrailCalls"], true);
  EXPECT_EQ(body["schemaVersion"], store::currentSchemaVersion());
}

class AdminWithServerConfig : public Admin {
 protected:
  void configure(api::ApiOptions& options) override {
    options.config = Json{{"port", 4566}, {"host", "127.0.0.1"}};
    options.identity.account_id = "999988887777";
    options.record_cloudtrail_calls = false;
  }
};

TEST_F(AdminWithServerConfig, ConfigIncludesTheServerSettings) {
  Json body = json(admin("GET", "/_trailbox/config"));
  EXPECT_EQ(body["port"], 4566);
  EXPECT_EQ(body["host"], "127.0.0.1");
  EXPECT_EQ(body["defaultAccountId"], "999988887777");
  EXPECT_EQ(body["recordCloudTrailCalls"], false);
}

TEST_F(Admin, UnknownAdminPathIsA404Json) {
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{{"GET", "/_trailbox/nope"},
                                                                                     {"DELETE", "/_trailbox/events"},
                                                                                     {"PUT", "/_trailbox/reset"}}) {
    auto r = admin(method, path);
    EXPECT_EQ(r.status, 404) << method << " " << path;
    EXPECT_EQ(header(r, "content-type"), "application/json");
    EXPECT_EQ(errorType(r), "UnknownOperationException");
    Json body = json(r);
    EXPECT_EQ(body["__type"], "UnknownOperationException");
    EXPECT_EQ(body["message"].get<std::string>().rfind("No trailbox endpoint " + method + " " + path, 0), 0u)
        << body["message"];
  }
  EXPECT_EQ(eventCount(), 0);
}

TEST_F(Admin, EventsAreInCommitOrderOrNewestFirst) {
  std::string app = createApp();
  advance(1000);
  getApp(app);
  advance(1000);
  call("GET", "/applications");
  auto r = admin("GET", "/_trailbox/events");
  ASSERT_EQ(r.status, 200);
  Json records = json(r)["Records"];
  EXPECT_EQ(names(records), (std::vector<std::string>{"CreateApplication", "GetApplication", "ListApplications"}));
  EXPECT_EQ(records[0]["eventTime"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(records[2]["eventTime"], "2026-01-01T00:00:02Z");
  EXPECT_EQ(names(events("order=desc")),
            (std::vector<std::string>{"ListApplications", "GetApplication", "CreateApplication"}));
  EXPECT_EQ(names(events("limit=2")), (std::vector<std::string>{"CreateApplication", "GetApplication"}));

  // x-trailbox-last-seq lets a reader continue where it stopped.
  auto page = admin("GET", "/_trailbox/events?limit=1");
  std::string last = header(page, "x-trailbox-last-seq");
  ASSERT_FALSE(last.empty());
  EXPECT_EQ(names(events("after=" + last)), (std::vector<std::string>{"GetApplication", "ListApplications"}));
  auto none = admin("GET", "/_trailbox/events?eventName=Nothing");
  EXPECT_EQ(json(none), (Json{{"Records", Json::array()}}));
  EXPECT_EQ(header(none, "x-trailbox-last-seq"), "0");
}

TEST_F(Admin, EventsFilterOnEveryAttribute) {
  std::string app = createApp();
  advance(1000);
  auto missing = call("GET", "/applications/00nosuchapp00000");
  advance(1000);
  auto bad = call("GET", "/applications?maxResults=51");
  advance(1000);
  createApplication(Json::object(), as("111122223333", "eu-west-1"));
  advance(1000);
  createApplication(Json::object(), as("AKIAOTHERUSEREXAMPLE"));

  EXPECT_EQ(names(events("eventName=CreateApplication")),
            (std::vector<std::string>{"CreateApplication", "CreateApplication", "CreateApplication"}));
  EXPECT_EQ(names(events("readOnly=true")), (std::vector<std::string>{"GetApplication", "ListApplications"}));
  EXPECT_EQ(events("readOnly=false").size(), 3u);
  EXPECT_EQ(names(events("errorsOnly=true")), (std::vector<std::string>{"GetApplication", "ListApplications"}));
  EXPECT_EQ(names(events("errorCode=ValidationException")), (std::vector<std::string>{"ListApplications"}));
  EXPECT_EQ(names(events("errorCode=ResourceNotFoundException")), (std::vector<std::string>{"GetApplication"}));
  EXPECT_EQ(events("eventSource=emr-serverless.amazonaws.com").size(), 5u);
  EXPECT_EQ(events("accessKeyId=AKIAOTHERUSEREXAMPLE").size(), 1u);
  EXPECT_EQ(events("username=AKIAOTHERUSEREXAMPLE").size(), 1u);
  EXPECT_EQ(events("account=111122223333").size(), 1u);
  EXPECT_EQ(events("account=111122223333")[0]["awsRegion"], "eu-west-1");
  EXPECT_EQ(events("region=eu-west-1").size(), 1u);
  EXPECT_EQ(events("account=123456789012&region=us-east-1").size(), 4u);
  EXPECT_EQ(names(events("resourceName=" + encodeLabel(appArn(app)))), (std::vector<std::string>{"CreateApplication"}));
  // Every CreateApplication plus the GetApplication of a well-formed (if missing) id.
  EXPECT_EQ(events("resourceType=AWS::EMRServerless::Application").size(), 4u);
  std::string id = eventFor(missing)["eventID"];
  EXPECT_EQ(events("eventId=" + id)[0]["requestID"], requestId(missing));
  EXPECT_EQ(eventFor(bad)["errorCode"], "ValidationException");
}

TEST_F(Admin, EventsFilterOnTime) {
  createApp();  // t0
  advance(1500);
  call("GET", "/applications");  // t0 + 1.5 s
  advance(1500);
  call("GET", "/applications");  // t0 + 3 s
  EXPECT_EQ(events("startTime=2026-01-01T00:00:01Z").size(), 2u);
  EXPECT_EQ(events("startTime=2026-01-01T00:00:01.5Z").size(), 2u);
  EXPECT_EQ(events("startTime=2026-01-01T00:00:01.501Z").size(), 1u);
  EXPECT_EQ(events("endTime=2026-01-01T00:00:01.500Z").size(), 2u);
  EXPECT_EQ(events("startTime=1767225601.5&endTime=1767225602").size(), 1u);
  EXPECT_EQ(eventCount("startTime=1767225603"), 1);
}

TEST_F(Admin, EventsRejectBadParameters) {
  for (const char* query : {"readOnly=maybe", "limit=0", "limit=10001", "limit=ten", "startTime=yesterday",
                            "endTime=2026-13-01T00:00:00Z", "after=last"}) {
    auto r = admin("GET", std::string("/_trailbox/events?") + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(errorType(r), "ValidationException") << query;
    EXPECT_EQ(json(r)["__type"], "ValidationException") << query;
  }
}

TEST_F(Admin, CountMatchesTheFilters) {
  std::string app = createApp();
  getApp(app);
  getApp(app);
  call("GET", "/applications/00nosuchapp00000");
  auto r = admin("GET", "/_trailbox/events/count");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json(r), (Json{{"count", 4}}));
  EXPECT_EQ(eventCount("eventName=GetApplication"), 3);
  EXPECT_EQ(eventCount("errorsOnly=true"), 1);
  EXPECT_EQ(eventCount("readOnly=false"), 1);
  EXPECT_EQ(eventCount("limit=1"), 4) << "count ignores limit";
}

TEST_F(Admin, AdminCallsAreNotRecorded) {
  admin("GET", "/_trailbox/health");
  admin("GET", "/_trailbox/config");
  admin("GET", "/_trailbox/clock");
  admin("GET", "/_trailbox/resources");
  admin("GET", "/_trailbox/events");
  EXPECT_EQ(eventCount(), 0);
}

TEST_F(Admin, ResetEmptiesEverythingAndInvalidatesOldTokens) {
  std::string app = createApp();
  createApp();
  advance(1000);
  startRun(app);
  advance(2000);
  lookup(Json::object());
  auto list = call("GET", "/applications?maxResults=1");
  std::string list_token = json(list)["nextToken"];
  Json page = lookupEvents(Json{{"MaxResults", 1}});
  std::string lookup_token = page["NextToken"];
  ASSERT_EQ(admin("POST", "/_trailbox/clock", R"({"minutes": 5})").status, 200);
  ASSERT_GT(eventCount(), 0);

  auto r = admin("POST", "/_trailbox/reset");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r), (Json{{"reset", true}}));
  EXPECT_EQ(eventCount(), 0);
  EXPECT_EQ(json(admin("GET", "/_trailbox/clock"))["offsetMs"], 0);

  auto get = call("GET", "/applications/" + app);
  EXPECT_EQ(get.status, 404);
  EXPECT_EQ(errorType(get), "ResourceNotFoundException");
  EXPECT_EQ(json(call("GET", "/applications"))["applications"], Json::array());
  auto old_list = call("GET", "/applications?maxResults=1&nextToken=" + encodeLabel(list_token));
  EXPECT_EQ(old_list.status, 400);
  EXPECT_EQ(errorType(old_list), "ValidationException");
  auto old_lookup = lookup(Json{{"MaxResults", 1}, {"NextToken", lookup_token}});
  EXPECT_EQ(old_lookup.status, 400);
  EXPECT_EQ(json(old_lookup)["__type"], "InvalidNextTokenException");
  Json resources = json(admin("GET", "/_trailbox/resources"));
  EXPECT_EQ(resources,
            (Json{{"applications", Json::array()}, {"jobRuns", Json::array()}, {"sessions", Json::array()}}));

  // The emulator works as new afterwards.
  std::string fresh = createApp();
  EXPECT_EQ(getApp(fresh)["state"], "CREATING");
  EXPECT_EQ(eventCount(), 6) << "GetApplication 404, ListApplications, failed ListApplications, failed "
                                "LookupEvents, CreateApplication, GetApplication";
}

TEST_F(Admin, ResetKeepsTheDigestSigningKey) {
  auto listKeys = [this] {
    Headers headers = {{"authorization", authorization(kAccessKey, kRegion, "cloudtrail")},
                       {"x-amz-target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListPublicKeys"},
                       {"content-type", "application/x-amz-json-1.1"}};
    auto r = call("POST", "/", "{}", std::move(headers));
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r)["PublicKeyList"];
  };
  Json before = listKeys();
  ASSERT_EQ(before.size(), 1u) << before.dump();
  ASSERT_EQ(admin("POST", "/_trailbox/reset").status, 200);
  EXPECT_EQ(listKeys(), before);
}

TEST_F(Admin, ClockMovesForwardAndDrivesLifecycles) {
  std::string app = startedApp();
  auto r = admin("POST", "/_trailbox/clock", R"({"minutes": 15})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json body = json(r);
  EXPECT_EQ(body["offsetMs"], 15 * kMinuteMs);
  EXPECT_EQ(body["nowMs"], now());
  EXPECT_EQ(body["now"], "2026-01-01T00:15:02Z");
  EXPECT_EQ(clock_.offsetMs(), 15 * kMinuteMs);
  EXPECT_EQ(appState(app), "STOPPING") << "15 idle minutes passed";
  auto get = admin("GET", "/_trailbox/clock");
  EXPECT_EQ(json(get), body);
}

TEST_F(Admin, ClockAcceptsUnitsInBodyOrQuery) {
  ASSERT_EQ(admin("POST", "/_trailbox/clock?seconds=30").status, 200);
  EXPECT_EQ(clock_.offsetMs(), 30000);
  ASSERT_EQ(admin("POST", "/_trailbox/clock", R"({"hours": 1, "ms": 5})").status, 200);
  EXPECT_EQ(clock_.offsetMs(), 30000 + 3600000 + 5);
  ASSERT_EQ(admin("POST", "/_trailbox/clock", R"({"seconds": 0.5})").status, 200);
  EXPECT_EQ(clock_.offsetMs(), 30000 + 3600000 + 5 + 500);
  auto r = call("GET", "/applications/00nosuchapp00000");
  EXPECT_EQ(eventFor(r)["eventTime"], "2026-01-01T01:00:30Z");
}

TEST_F(Admin, ClockRejectsBadRequests) {
  struct Case {
    const char* target;
    const char* body;
    const char* code;
  };
  for (const auto& c :
       {Case{"/_trailbox/clock", R"({"minutes": -1})", "ValidationException"},
        Case{"/_trailbox/clock", R"({"minutes": "ten"})", "ValidationException"},
        Case{"/_trailbox/clock", R"({})", "ValidationException"}, Case{"/_trailbox/clock", "", "ValidationException"},
        Case{"/_trailbox/clock", "[1]", "SerializationException"},
        Case{"/_trailbox/clock", "{oops", "SerializationException"},
        Case{"/_trailbox/clock?seconds=abc", "", "ValidationException"}}) {
    auto r = admin("POST", c.target, c.body);
    EXPECT_EQ(r.status, 400) << c.target << " " << c.body;
    EXPECT_EQ(errorType(r), c.code) << c.target << " " << c.body;
  }
  EXPECT_EQ(clock_.offsetMs(), 0);
}

TEST_F(Admin, DashboardPageShowsTheJobRun) {
  std::string app = startedApp();
  std::string run = startRun(app);
  advance(3500);
  auto dash = call("GET", "/applications/" + app + "/jobruns/" + run + "/dashboard");
  std::string url = json(dash)["url"];
  std::string prefix = std::string("http://") + kHost;
  ASSERT_EQ(url.rfind(prefix, 0), 0u) << url;
  auto page = admin("GET", url.substr(prefix.size()));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(header(page, "content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("Job run " + run + " &mdash; SUCCESS"), std::string::npos) << page.body;
  auto missing = admin("GET", "/_trailbox/dashboard/applications/" + app + "/jobruns/00nosuchrun00000");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errorType(missing), "ResourceNotFoundException");
  auto malformed = admin("GET", "/_trailbox/dashboard/whatever");
  EXPECT_EQ(malformed.status, 404);
}

TEST_F(Admin, ResourcesListEveryAccount) {
  std::string mine = createApp();
  std::string theirs = createApp(Json::object(), as("111122223333", "eu-west-1"));
  auto r = admin("GET", "/_trailbox/resources");
  ASSERT_EQ(r.status, 200) << r.body;
  Json apps = json(r)["applications"];
  ASSERT_EQ(apps.size(), 2u);
  std::map<std::string, Json> by_id;
  for (const auto& a : apps) by_id[a["applicationId"]] = a;
  EXPECT_EQ(by_id[mine]["accountId"], kAccount);
  EXPECT_EQ(by_id[mine]["region"], kRegion);
  EXPECT_EQ(by_id[theirs]["accountId"], "111122223333");
  EXPECT_EQ(by_id[theirs]["region"], "eu-west-1");
  EXPECT_FALSE(by_id[mine].contains("_tb"));
}

}  // namespace
}  // namespace trailbox::testing
