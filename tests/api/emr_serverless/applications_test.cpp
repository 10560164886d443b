#include "api/emr_serverless/service.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "router_fixture.hpp"

namespace trailbox::testing {
namespace {

class EmrApplications : public RouterTest {
 protected:
  api::Response patch(const std::string& id, const Json& body) {
    return callJson("PATCH", "/applications/" + id, body);
  }
  api::Response list(const std::string& query = "") {
    return call("GET", "/applications" + (query.empty() ? "" : "?" + query));
  }
  std::vector<std::string> listedIds(const std::string& query = "") {
    auto r = list(query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    for (const auto& a : json(r).value("applications", Json::array())) ids.push_back(a.value("id", ""));
    return ids;
  }
};

TEST_F(EmrApplications, CreateReturnsNameIdAndArn) {
  auto r = createApplication();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "content-type"), "application/json");
  EXPECT_EQ(requestId(r).size(), 36u);
  EXPECT_EQ(errorType(r), "");
  Json body = json(r);
  ASSERT_EQ(body.size(), 3u);
  // Member order of AWS's published CreateApplication record.
  EXPECT_EQ(body.begin().key(), "name");
  EXPECT_EQ(body["name"], "my-app");
  std::string id = body["applicationId"];
  EXPECT_TRUE(looksLikeResourceId(id)) << id;
  EXPECT_EQ(body["arn"], "arn:aws:emr-serverless:us-east-1:123456789012:/applications/" + id);
}

TEST_F(EmrApplications, IdsAreUniqueAcrossApplications) {
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.insert(createApp());
  EXPECT_EQ(ids.size(), 20u);
  for (const auto& id : ids) EXPECT_TRUE(looksLikeResourceId(id)) << id;
}

TEST_F(EmrApplications, GetShowsDefaultsAndCapitalisedType) {
  std::string id = createApp();
  Json app = getApp(id);
  EXPECT_EQ(app["applicationId"], id);
  EXPECT_EQ(app["name"], "my-app");
  EXPECT_EQ(app["arn"], appArn(id));
  EXPECT_EQ(app["releaseLabel"], "emr-7.1.0");
  EXPECT_EQ(app["type"], "Spark");
  EXPECT_EQ(app["state"], "CREATING");
  EXPECT_DOUBLE_EQ(app["createdAt"].get<double>(), kStartMs / 1000.0);
  EXPECT_DOUBLE_EQ(app["updatedAt"].get<double>(), kStartMs / 1000.0);
  EXPECT_EQ(app["autoStartConfiguration"], (Json{{"enabled", true}}));
  EXPECT_EQ(app["autoStopConfiguration"], (Json{{"enabled", true}, {"idleTimeoutMinutes", 15}}));
  EXPECT_EQ(app["architecture"], "X86_64");
  EXPECT_EQ(app["tags"], Json::object());
  EXPECT_FALSE(app.contains("_tb")) << "private state leaked: " << app.dump();
  EXPECT_FALSE(app.contains("stateDetails")) << "empty stateDetails is omitted";
}

TEST_F(EmrApplications, CreatingBecomesCreatedAfterTheCreatingTiming) {
  std::string id = createApp();
  advance(999);
  EXPECT_EQ(appState(id), "CREATING");
  advance(1);
  Json app = getApp(id);
  EXPECT_EQ(app["state"], "CREATED");
  EXPECT_DOUBLE_EQ(app["updatedAt"].get<double>(), (kStartMs + 1000) / 1000.0);
  EXPECT_DOUBLE_EQ(app["createdAt"].get<double>(), kStartMs / 1000.0);
}

TEST_F(EmrApplications, HiveTypeIsAcceptedInAnyCaseAndCapitalised) {
  std::string id = createApp({{"type", "hive"}});
  EXPECT_EQ(getApp(id)["type"], "Hive");
  std::string spark = createApp({{"type", "Spark"}});
  EXPECT_EQ(getApp(spark)["type"], "Spark");
}

TEST_F(EmrApplications, UnknownReleaseLabelIsValidationException) {
  auto r = createApplication({{"releaseLabel", "emr-5.36.0"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(json(r)["message"],
            "Type 'SPARK' is not supported for release label 'emr-5.36.0' or release label does not exist");
  EXPECT_TRUE(listedIds().empty());
}

TEST_F(EmrApplications, UnknownTypeIsValidationException) {
  auto r = createApplication({{"type", "PRESTO"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(json(r)["message"],
            "Type 'PRESTO' is not supported for release label 'emr-7.1.0' or release label does not exist");
  EXPECT_TRUE(listedIds().empty());
}

TEST_F(EmrApplications, MissingRequiredMemberIsValidationException) {
  auto r = callJson("POST", "/applications", Json{{"name", "x"}, {"type", "SPARK"}, {"clientToken", "t1"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_NE(json(r)["message"].get<std::string>().find("releaseLabel"), std::string::npos) << r.body;
}

TEST_F(EmrApplications, UnsupportedWorkerSizesAreValidationException) {
  auto capacity = [](const std::string& cpu, const std::string& memory, const std::string& disk = "") {
    Json config = Json{{"cpu", cpu}, {"memory", memory}};
    if (!disk.empty()) config["disk"] = disk;
    return Json{{"initialCapacity", Json{{"Driver", Json{{"workerCount", 1}, {"workerConfiguration", config}}}}}};
  };
  for (const auto& bad : {capacity("3 vCPU", "8 GB"), capacity("4 vCPU", "31 GB"), capacity("4 vCPU", "7 GB"),
                          capacity("8 vCPU", "18 GB"), capacity("16 vCPU", "36 GB"),
                          capacity("2 vCPU", "8 GB", "10 GB"), capacity("2 vCPU", "8 GB", "201 GB")}) {
    auto r = createApplication(bad);
    EXPECT_EQ(r.status, 400) << bad.dump();
    EXPECT_EQ(errorType(r), "ValidationException") << bad.dump();
  }
  EXPECT_TRUE(listedIds().empty());

  std::string id = createApp(capacity("4 vCPU", "16 GB", "20 GB"));
  Json worker = getApp(id)["initialCapacity"]["Driver"]["workerConfiguration"];
  EXPECT_EQ(worker, (Json{{"cpu", "4 vCPU"}, {"memory", "16 GB"}, {"disk", "20 GB"}, {"diskType", "STANDARD"}}));
  EXPECT_NE(createApp(capacity("8 vCPU", "20 GB")), "");
  EXPECT_NE(createApp(capacity("16 vCPU", "40 GB")), "");
  EXPECT_NE(createApp(capacity("1 vCPU", "2 GB")), "");
}

TEST_F(EmrApplications, IdleTimeoutOutOfRangeIsValidationException) {
  for (int minutes : {0, 10081}) {
    auto r = createApplication({{"autoStopConfiguration", Json{{"enabled", true}, {"idleTimeoutMinutes", minutes}}}});
    EXPECT_EQ(r.status, 400) << minutes;
    EXPECT_EQ(errorType(r), "ValidationException") << minutes;
  }
}

TEST_F(EmrApplications, SchedulerConfigurationNeedsRelease7AndGetsDefaults) {
  auto old = createApplication({{"releaseLabel", "emr-6.15.0"}, {"schedulerConfiguration", Json::object()}});
  EXPECT_EQ(old.status, 400);
  EXPECT_EQ(errorType(old), "ValidationException");
  std::string id = createApp({{"schedulerConfiguration", Json::object()}});
  EXPECT_EQ(getApp(id)["schedulerConfiguration"], (Json{{"maxConcurrentRuns", 15}, {"queueTimeoutMinutes", 360}}));
  auto bad = createApplication({{"schedulerConfiguration", Json{{"maxConcurrentRuns", 0}}}});
  EXPECT_EQ(errorType(bad), "ValidationException");
}

TEST_F(EmrApplications, SameClientTokenAndRequestReturnsTheSameApplication) {
  Json body = appRequest();
  auto first = callJson("POST", "/applications", body);
  advance(5000);
  auto second = callJson("POST", "/applications", body);
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(json(first), json(second));
  EXPECT_NE(requestId(first), requestId(second));
  EXPECT_EQ(listedIds(), std::vector<std::string>{json(first)["applicationId"].get<std::string>()});
}

TEST_F(EmrApplications, SameClientTokenWithDifferentRequestIsConflict) {
  Json body = appRequest();
  ASSERT_EQ(callJson("POST", "/applications", body).status, 200);
  Json changed = body;
  changed["name"] = "other-app";
  auto r = callJson("POST", "/applications", changed);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(errorType(r), "ConflictException");
  EXPECT_EQ(json(r)["message"], "The clientToken '" + body["clientToken"].get<std::string>() +
                                    "' was already used for a different CreateApplication request");
  EXPECT_EQ(listedIds().size(), 1u);
}

TEST_F(EmrApplications, SameClientTokenWithMembersInAnotherOrderIsTheSameRequest) {
  // JSON objects are unordered: a retry that serialises the same members in another order (a
  // different SDK, or a re-encoded body) is still the same request and must not conflict.
  std::string tok = token();
  Json body = Json{{"name", "my-app"}, {"releaseLabel", "emr-7.1.0"}, {"type", "SPARK"}, {"clientToken", tok}};
  Json reordered = Json{{"clientToken", tok}, {"type", "SPARK"}, {"releaseLabel", "emr-7.1.0"}, {"name", "my-app"}};
  auto first = callJson("POST", "/applications", body);
  auto second = callJson("POST", "/applications", reordered);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(json(second).value("applicationId", ""), json(first)["applicationId"]);
  EXPECT_EQ(listedIds().size(), 1u);
}

TEST_F(EmrApplications, ClientTokensAreScopedToTheAccount) {
  Json body = appRequest();
  auto mine = callJson("POST", "/applications", body);
  auto theirs = callJson("POST", "/applications", body, as("111122223333"));
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_NE(json(mine)["applicationId"], json(theirs)["applicationId"]);
  EXPECT_EQ(json(theirs)["arn"], appArn(json(theirs)["applicationId"], "111122223333"));
}

TEST_F(EmrApplications, GetMissingApplicationIsNotFound) {
  auto r = call("GET", "/applications/00zzzzzzzzzzzzzz");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorType(r), "ResourceNotFoundException");
  EXPECT_EQ(json(r), (Json{{"message", "Application 00zzzzzzzzzzzzzz does not exist"}}));
}

TEST_F(EmrApplications, OtherAccountCannotSeeTheApplication) {
  std::string id = createApp();
  for (const auto& who : {as("111122223333"), as(kAccessKey, "eu-west-1")}) {
    auto get = call("GET", "/applications/" + id, "", who);
    EXPECT_EQ(get.status, 404);
    EXPECT_EQ(errorType(get), "ResourceNotFoundException");
    auto del = call("DELETE", "/applications/" + id, "", who);
    EXPECT_EQ(del.status, 404);
    auto listed = call("GET", "/applications", "", who);
    EXPECT_EQ(json(listed), (Json{{"applications", Json::array()}}));
  }
  // A non-numeric access key belongs to the default account and sees it.
  EXPECT_EQ(getApp(id, as("AKIAOTHERUSEREXAMPLE"))["applicationId"], id);
  advance(1000);
  EXPECT_EQ(appState(id), "CREATED");
}

TEST_F(EmrApplications, ApplicationOfAnotherRegionHasThatRegionInItsArn) {
  auto r = createApplication(Json::object(), as("111122223333", "eu-west-1"));
  ASSERT_EQ(r.status, 200);
  std::string id = json(r)["applicationId"];
  EXPECT_EQ(json(r)["arn"], "arn:aws:emr-serverless:eu-west-1:111122223333:/applications/" + id);
  EXPECT_EQ(getApp(id, as("111122223333", "eu-west-1"))["state"], "CREATING");
}

TEST_F(EmrApplications, UpdateInCreatedStateChangesConfiguration) {
  std::string id = createdApp();
  advance(1000);
  auto r = patch(id, Json{{"clientToken", token()},
                          {"autoStopConfiguration", Json{{"enabled", true}, {"idleTimeoutMinutes", 30}}},
                          {"architecture", "ARM64"}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json app = json(r)["application"];
  EXPECT_EQ(app["applicationId"], id);
  EXPECT_EQ(app["state"], "CREATED");
  EXPECT_EQ(app["autoStopConfiguration"], (Json{{"enabled", true}, {"idleTimeoutMinutes", 30}}));
  EXPECT_EQ(app["architecture"], "ARM64");
  EXPECT_DOUBLE_EQ(app["updatedAt"].get<double>(), (kStartMs + 2000) / 1000.0);
  EXPECT_FALSE(app.contains("_tb"));
  Json stored = getApp(id);
  EXPECT_EQ(stored["autoStopConfiguration"]["idleTimeoutMinutes"], 30);
  EXPECT_EQ(stored["architecture"], "ARM64");
  EXPECT_EQ(stored["type"], "Spark");
}

TEST_F(EmrApplications, UpdateOutsideCreatedOrStoppedIsValidationException) {
  std::string creating = createApp();
  auto r1 = patch(creating, Json{{"clientToken", token()}, {"architecture", "ARM64"}});
  EXPECT_EQ(r1.status, 400);
  EXPECT_EQ(errorType(r1), "ValidationException");
  EXPECT_EQ(json(r1)["message"], "Application " + creating +
                                     " must be in one of the statuses to be updated: [STOPPED, CREATED]. Current "
                                     "status: CREATING");

  std::string started = startedApp();
  auto r2 = patch(started, Json{{"clientToken", token()}, {"architecture", "ARM64"}});
  EXPECT_EQ(r2.status, 400);
  EXPECT_EQ(json(r2)["message"], "Application " + started +
                                     " must be in one of the statuses to be updated: [STOPPED, CREATED]. Current "
                                     "status: STARTED");
  EXPECT_EQ(getApp(started)["architecture"], "X86_64");
}

TEST_F(EmrApplications, UpdateInStoppedStateIsAllowed) {
  std::string id = startedApp();
  ASSERT_EQ(call("POST", "/applications/" + id + "/stop").status, 200);
  advance(1000);
  ASSERT_EQ(appState(id), "STOPPED");
  auto r = patch(id, Json{{"clientToken", token()}, {"releaseLabel", "emr-7.2.0"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r)["application"]["releaseLabel"], "emr-7.2.0");
  EXPECT_EQ(json(r)["application"]["state"], "STOPPED");
}

TEST_F(EmrApplications, UpdateWithUnknownReleaseLeavesApplicationUnchanged) {
  std::string id = createdApp();
  auto r = patch(id, Json{{"clientToken", token()}, {"releaseLabel", "emr-9.9.9"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(getApp(id)["releaseLabel"], "emr-7.1.0");
}

TEST_F(EmrApplications, UpdateOfMissingApplicationIsNotFound) {
  auto r = patch("00nosuchapp00000", Json{{"clientToken", token()}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorType(r), "ResourceNotFoundException");
}

TEST_F(EmrApplications, DeleteCreatedApplicationTerminatesIt) {
  std::string id = createdApp();
  std::string other = createdApp();
  auto r = call("DELETE", "/applications/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r), Json::object());
  EXPECT_EQ(appState(id), "TERMINATED");
  EXPECT_EQ(listedIds(), std::vector<std::string>{other});
  EXPECT_EQ(listedIds("states=TERMINATED"), std::vector<std::string>{id});
}

TEST_F(EmrApplications, DeleteStartedApplicationIsValidationException) {
  std::string id = startedApp();
  auto r = call("DELETE", "/applications/" + id);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(json(r)["message"], "Application " + id +
                                    " must be in one of the following statuses [CREATED, STOPPED]. Current status: "
                                    "STARTED");
  EXPECT_EQ(appState(id), "STARTED");
}

TEST_F(EmrApplications, DeleteStoppedApplicationIsAllowedAndTerminatedCannotRestart) {
  std::string id = startedApp();
  ASSERT_EQ(call("POST", "/applications/" + id + "/stop").status, 200);
  advance(1000);
  ASSERT_EQ(call("DELETE", "/applications/" + id).status, 200);
  EXPECT_EQ(appState(id), "TERMINATED");
  auto start = call("POST", "/applications/" + id + "/start");
  EXPECT_EQ(start.status, 400);
  EXPECT_EQ(errorType(start), "ValidationException");
  auto again = call("DELETE", "/applications/" + id);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(errorType(again), "ValidationException");
}

TEST_F(EmrApplications, StartAndStopFollowTheirTimings) {
  std::string id = createdApp();
  auto start = call("POST", "/applications/" + id + "/start");
  ASSERT_EQ(start.status, 200) << start.body;
  EXPECT_EQ(json(start), Json::object());
  EXPECT_EQ(appState(id), "STARTING");
  advance(999);
  EXPECT_EQ(appState(id), "STARTING");
  advance(1);
  EXPECT_EQ(appState(id), "STARTED");
  // Starting a started application is accepted and changes nothing.
  EXPECT_EQ(call("POST", "/applications/" + id + "/start").status, 200);
  EXPECT_EQ(appState(id), "STARTED");

  auto stop = call("POST", "/applications/" + id + "/stop");
  ASSERT_EQ(stop.status, 200) << stop.body;
  EXPECT_EQ(json(stop), Json::object());
  EXPECT_EQ(appState(id), "STOPPING");
  advance(999);
  EXPECT_EQ(appState(id), "STOPPING");
  advance(1);
  Json app = getApp(id);
  EXPECT_EQ(app["state"], "STOPPED");
  EXPECT_DOUBLE_EQ(app["updatedAt"].get<double>(), now() / 1000.0);

  ASSERT_EQ(call("POST", "/applications/" + id + "/start").status, 200);
  EXPECT_EQ(appState(id), "STARTING");
  advance(1000);
  EXPECT_EQ(appState(id), "STARTED");
}

TEST_F(EmrApplications, StopOutsideStartingOrStartedIsValidationException) {
  std::string id = createdApp();
  auto r = call("POST", "/applications/" + id + "/stop");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(json(r)["message"],
            "Application cannot be STOPPED. Applications must be in one of the following statuses: [STARTING, "
            "STARTED]. Current status: CREATED");
  EXPECT_EQ(appState(id), "CREATED");
}

TEST_F(EmrApplications, StartWhileCreatingIsValidationException) {
  std::string id = createApp();
  auto r = call("POST", "/applications/" + id + "/start");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(appState(id), "CREATING");
}

TEST_F(EmrApplications, StopIsRefusedWhileJobRunsAreActive) {
  std::string id = startedApp();
  std::string run = startRun(id);
  auto r = call("POST", "/applications/" + id + "/stop");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_NE(json(r)["message"].get<std::string>().find(
                "All scheduled and running jobs must be completed or cancelled before stopping an application"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(appState(id), "STARTED");
  advance(3500);
  ASSERT_EQ(runState(id, run), "SUCCESS");
  EXPECT_EQ(call("POST", "/applications/" + id + "/stop").status, 200);
  EXPECT_EQ(appState(id), "STOPPING");
}

TEST_F(EmrApplications, StartedApplicationStopsAfterIdleTimeout) {
  std::string id = startedApp();
  int64_t started = now();
  advance(15 * kMinuteMs - 1);
  EXPECT_EQ(appState(id), "STARTED");
  advance(1);
  Json app = getApp(id);
  EXPECT_EQ(app["state"], "STOPPING");
  EXPECT_DOUBLE_EQ(app["updatedAt"].get<double>(), (started + 15 * kMinuteMs) / 1000.0);
  advance(1000);
  EXPECT_EQ(appState(id), "STOPPED");
}

TEST_F(EmrApplications, IdleTimeoutCountsFromTheLastJobRun) {
  std::string id = startedApp({{"autoStopConfiguration", Json{{"enabled", true}, {"idleTimeoutMinutes", 1}}}});
  advance(30000);
  std::string run = startRun(id);
  advance(3500);  // PENDING +500, SCHEDULED +500, RUNNING +500, SUCCESS +2000
  ASSERT_EQ(runState(id, run), "SUCCESS");
  advance(kMinuteMs - 1);
  EXPECT_EQ(appState(id), "STARTED");
  advance(1);
  EXPECT_EQ(appState(id), "STOPPING");
}

TEST_F(EmrApplications, DisabledAutoStopKeepsTheApplicationStarted) {
  std::string id = startedApp({{"autoStopConfiguration", Json{{"enabled", false}}}});
  EXPECT_EQ(getApp(id)["autoStopConfiguration"], (Json{{"enabled", false}}));
  advance(2 * kDayMs);
  EXPECT_EQ(appState(id), "STARTED");
}

TEST_F(EmrApplications, ListPaginatesNewestFirstVisitingEveryApplicationOnce) {
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.push_back(createApp({{"name", "app-" + std::to_string(i)}}));
    advance(10);
  }
  std::vector<std::string> seen;
  std::vector<size_t> page_sizes;
  std::string next;
  for (int page = 0; page < 10; ++page) {
    auto r = list("maxResults=2" + (next.empty() ? "" : "&nextToken=" + encodeLabel(next)));
    ASSERT_EQ(r.status, 200) << r.body;
    Json body = json(r);
    page_sizes.push_back(body["applications"].size());
    for (const auto& a : body["applications"]) seen.push_back(a["id"]);
    if (!body.contains("nextToken")) break;
    std::string token_now = body["nextToken"];
    ASSERT_NE(token_now, next) << "the same token twice";
    next = token_now;
  }
  EXPECT_EQ(page_sizes, (std::vector<size_t>{2, 2, 1}));
  std::vector<std::string> expected(created.rbegin(), created.rend());
  EXPECT_EQ(seen, expected);
}

TEST_F(EmrApplications, ListSummariesCarryTheSummaryMembers) {
  std::string id = createApp();
  auto r = list();
  ASSERT_EQ(r.status, 200);
  Json summary = json(r)["applications"][0];
  EXPECT_EQ(summary["id"], id);
  EXPECT_EQ(summary["name"], "my-app");
  EXPECT_EQ(summary["arn"], appArn(id));
  EXPECT_EQ(summary["releaseLabel"], "emr-7.1.0");
  EXPECT_EQ(summary["type"], "Spark");
  EXPECT_EQ(summary["state"], "CREATING");
  EXPECT_EQ(summary["architecture"], "X86_64");
  EXPECT_FALSE(summary.contains("autoStartConfiguration"));
  EXPECT_FALSE(json(r).contains("nextToken"));
}

TEST_F(EmrApplications, ListFiltersByState) {
  std::string created = createdApp();
  std::string started = startedApp();
  EXPECT_EQ(listedIds("states=STARTED"), std::vector<std::string>{started});
  EXPECT_EQ(listedIds("states=CREATED"), std::vector<std::string>{created});
  auto both = listedIds("states=STARTED&states=CREATED");
  EXPECT_EQ(std::set<std::string>(both.begin(), both.end()), (std::set<std::string>{created, started}));
  EXPECT_TRUE(listedIds("states=STOPPED").empty());
}

TEST_F(EmrApplications, ListAdvancesLifecyclesBeforeFiltering) {
  std::string id = createApp();
  advance(1000);
  // No GetApplication in between: the list itself must see the application as CREATED.
  EXPECT_EQ(listedIds("states=CREATED"), std::vector<std::string>{id});
  EXPECT_TRUE(listedIds("states=CREATING").empty());
}

TEST_F(EmrApplications, ListRejectsBadNextTokenAndMaxResults) {
  createApp();
  createApp();
  for (const char* query :
       {"nextToken=bm90LWEtdG9rZW4", "maxResults=51", "maxResults=0", "states=RUNNING", "nextToken=abc%2Fdef"}) {
    auto r = list(query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(errorType(r), "ValidationException") << query;
  }
}

TEST_F(EmrApplications, NextTokenIsBoundToTheStatesFilter) {
  for (int i = 0; i < 3; ++i) createApp();
  auto first = list("maxResults=1&states=CREATING");
  ASSERT_EQ(first.status, 200);
  std::string next = json(first)["nextToken"];
  auto other = list("maxResults=1&nextToken=" + encodeLabel(next));
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(errorType(other), "ValidationException");
  auto same = list("maxResults=1&states=CREATING&nextToken=" + encodeLabel(next));
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(json(same)["applications"].size(), 1u);
}

TEST_F(EmrApplications, NextTokenOfAnotherAccountIsRejected) {
  for (int i = 0; i < 2; ++i) createApp();
  auto first = list("maxResults=1");
  std::string next = json(first)["nextToken"];
  auto r = call("GET", "/applications?maxResults=1&nextToken=" + encodeLabel(next), "", as("111122223333"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
}

}  // namespace
}  // namespace trailbox::testing
