#include "api/emr_serverless/engine.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "router_fixture.hpp"

namespace trailbox::testing {
namespace {

using api::emr::Timings;

// --- pure helpers ----------------------------------------------------------------------------

TEST(EngineTimings, OverridesSetTheNamedTimings) {
  Timings t;
  std::string error;
  ASSERT_TRUE(api::emr::applyTimingOverrides("run_running=5000,app_creating=10,session_started=0,", t, error)) << error;
  EXPECT_EQ(t.run_running, 5000);
  EXPECT_EQ(t.app_creating, 10);
  EXPECT_EQ(t.session_started, 0);
  EXPECT_EQ(t.run_pending, 500) << "others keep their defaults";
  EXPECT_TRUE(api::emr::applyTimingOverrides("", t, error));
  EXPECT_EQ(t.run_running, 5000);
}

TEST(EngineTimings, BadOverridesAreRejectedWithAReason) {
  struct Case {
    const char* spec;
    const char* error;
  };
  for (const auto& c :
       {Case{"nope=1", "unknown timing 'nope'"}, Case{"run_running", "timing 'run_running' is not name=milliseconds"},
        Case{"run_running=-1", "timing 'run_running=-1' needs a non-negative number of milliseconds"},
        Case{"run_running=1x", "timing 'run_running=1x' needs a non-negative number of milliseconds"},
        Case{"run_running=", "timing 'run_running=' needs a non-negative number of milliseconds"}}) {
    Timings t;
    std::string error;
    EXPECT_FALSE(api::emr::applyTimingOverrides(c.spec, t, error)) << c.spec;
    EXPECT_EQ(error, c.error) << c.spec;
  }
}

TEST(EngineTimings, JsonListsEveryTiming) {
  EXPECT_EQ(api::emr::timingsToJson(Timings{}), (Json{{"app_creating", 1000},
                                                      {"app_starting", 1000},
                                                      {"app_stopping", 1000},
                                                      {"run_submitted", 500},
                                                      {"run_pending", 500},
                                                      {"run_scheduled", 500},
                                                      {"run_running", 2000},
                                                      {"run_cancelling", 1000},
                                                      {"session_starting", 1000},
                                                      {"session_started", 1000},
                                                      {"session_terminating", 1000}}));
}

TEST(EngineDocuments, PublicViewDropsThePrivatePart) {
  Json doc = Json{{"state", "RUNNING"}, {"_tb", Json{{"since", 5}}}, {"name", "x"}};
  EXPECT_EQ(api::emr::publicView(doc), (Json{{"state", "RUNNING"}, {"name", "x"}}));
  EXPECT_EQ(api::emr::internal(static_cast<const Json&>(doc))["since"], 5);
  Json bare = Json{{"state", "RUNNING"}};
  EXPECT_EQ(api::emr::internal(static_cast<const Json&>(bare)), Json::object());
  api::emr::internal(bare)["since"] = 7;
  EXPECT_EQ(bare["_tb"], (Json{{"since", 7}}));
}

TEST(EngineStates, TerminalStates) {
  for (const char* s : {"SUCCESS", "FAILED", "CANCELLED"}) EXPECT_TRUE(api::emr::isTerminalRunState(s)) << s;
  for (const char* s : {"SUBMITTED", "PENDING", "SCHEDULED", "RUNNING", "CANCELLING", "QUEUED"}) {
    EXPECT_FALSE(api::emr::isTerminalRunState(s)) << s;
  }
  for (const char* s : {"FAILED", "TERMINATED"}) EXPECT_TRUE(api::emr::isTerminalSessionState(s)) << s;
  for (const char* s : {"SUBMITTED", "STARTING", "STARTED", "IDLE", "BUSY", "TERMINATING"}) {
    EXPECT_FALSE(api::emr::isTerminalSessionState(s)) << s;
  }
}

TEST(EngineErrors, StoreFailureIsInternalServerException) {
  api::AwsError e = api::emr::storeFailure(store::StoreError{5, "database is locked"});
  EXPECT_EQ(e.code, api::ErrorCode::kInternalServerException);
  EXPECT_EQ(e.message, "The store failed: database is locked");
}

// --- lifecycles through the router -----------------------------------------------------------

class EngineLifecycle : public RouterTest {};

TEST_F(EngineLifecycle, LookingAtResourcesDoesNotChangeTheirTimeline) {
  // Two identical applications and runs: one looked at every 250 ms, the other only at the end.
  std::string watched = createdApp();
  std::string idle = createdApp();
  std::string watched_run = startRun(watched);
  std::string idle_run = startRun(idle);
  int64_t t0 = now();
  for (int i = 0; i < 40; ++i) {
    advance(250);
    getRun(watched, watched_run);
    getApp(watched);
  }
  advance(20 * kMinuteMs - 40 * 250);
  Json a = getRun(watched, watched_run);
  Json b = getRun(idle, idle_run);
  EXPECT_EQ(a["state"], "SUCCESS");
  EXPECT_EQ(b["state"], "SUCCESS");
  for (const char* key : {"startedAt", "endedAt", "updatedAt", "totalExecutionDurationSeconds",
                          "totalResourceUtilization", "billedResourceUtilization"}) {
    EXPECT_EQ(a[key], b[key]) << key;
  }
  EXPECT_DOUBLE_EQ(a["endedAt"].get<double>(), (t0 + 4000) / 1000.0);
  Json app_a = getApp(watched);
  Json app_b = getApp(idle);
  EXPECT_EQ(app_a["state"], "STOPPED");
  EXPECT_EQ(app_b["state"], "STOPPED");
  EXPECT_EQ(app_a["updatedAt"], app_b["updatedAt"]);
  EXPECT_DOUBLE_EQ(app_b["updatedAt"].get<double>(), (t0 + 4000 + 15 * kMinuteMs + 1000) / 1000.0);
}

TEST_F(EngineLifecycle, OneReadReplaysEveryDueTransitionInOrder) {
  std::string app = startedApp();
  int64_t t0 = now();
  std::vector<std::string> runs;
  for (int i = 0; i < 3; ++i) runs.push_back(startRun(app));
  advance(kDayMs);
  // The first read after a day: every run finished at t0 + 3500, then the application idled
  // out 15 minutes later and took a second to stop.
  auto list = call("GET", "/applications?states=STOPPED");
  ASSERT_EQ(json(list)["applications"].size(), 1u);
  EXPECT_DOUBLE_EQ(json(list)["applications"][0]["updatedAt"].get<double>(),
                   (t0 + 3500 + 15 * kMinuteMs + 1000) / 1000.0);
  for (const auto& run : runs) {
    Json doc = getRun(app, run);
    EXPECT_EQ(doc["state"], "SUCCESS");
    EXPECT_DOUBLE_EQ(doc["endedAt"].get<double>(), (t0 + 3500) / 1000.0);
  }
}

TEST_F(EngineLifecycle, QueuedRunFailsWhenTheQueueTimeoutIsReached) {
  std::string app =
      startedApp({{"schedulerConfiguration", Json{{"maxConcurrentRuns", 1}, {"queueTimeoutMinutes", 15}}}});
  std::string blocker = startRun(app, {{"tags", Json{{"trailbox:outcome", "HANG"}}}});
  advance(1);
  std::string waiting = startRun(app);
  advance(500);  // the waiting run entered QUEUED at +501
  ASSERT_EQ(runState(app, waiting), "QUEUED");
  advance(15 * kMinuteMs - 1);
  EXPECT_EQ(runState(app, waiting), "QUEUED");
  advance(1);
  Json failed = getRun(app, waiting);
  EXPECT_EQ(failed["state"], "FAILED");
  EXPECT_EQ(failed["stateDetails"], "Job run exceeded the queue timeout of 15 minutes");
  EXPECT_EQ(failed["queuedDurationMilliseconds"], 15 * kMinuteMs);
  EXPECT_EQ(failed["totalExecutionDurationSeconds"], 0);
  EXPECT_FALSE(failed.contains("startedAt"));
  EXPECT_EQ(runState(app, blocker), "RUNNING");
}

TEST_F(EngineLifecycle, CancellingAQueuedRunDoesNotFreeASlot) {
  std::string app = startedApp({{"schedulerConfiguration", Json{{"maxConcurrentRuns", 1}}}});
  std::string first = startRun(app, {{"tags", Json{{"trailbox:outcome", "HANG"}}}});
  advance(1);
  std::string second = startRun(app);
  advance(1);
  std::string third = startRun(app);
  advance(500);
  ASSERT_EQ(runState(app, second), "QUEUED");
  ASSERT_EQ(runState(app, third), "QUEUED");
  ASSERT_EQ(call("DELETE", "/applications/" + app + "/jobruns/" + second).status, 200);
  advance(1000);
  EXPECT_EQ(runState(app, second), "CANCELLED");
  EXPECT_EQ(runState(app, third), "QUEUED") << "the first run still holds the only slot";
  ASSERT_EQ(call("DELETE", "/applications/" + app + "/jobruns/" + first).status, 200);
  advance(1000);
  EXPECT_EQ(runState(app, first), "CANCELLED");
  EXPECT_EQ(runState(app, third), "PENDING");
}

TEST_F(EngineLifecycle, ApplicationStaysStartedWhileARunIsActive) {
  std::string app = startedApp({{"autoStopConfiguration", Json{{"enabled", true}, {"idleTimeoutMinutes", 1}}}});
  std::string run = startRun(app, {{"tags", Json{{"trailbox:outcome", "HANG"}}}});
  advance(30 * kMinuteMs);
  EXPECT_EQ(appState(app), "STARTED");
  ASSERT_EQ(call("DELETE", "/applications/" + app + "/jobruns/" + run).status, 200);
  advance(1000);  // CANCELLED; the idle minute starts now
  EXPECT_EQ(appState(app), "STARTED");
  advance(kMinuteMs);
  EXPECT_EQ(appState(app), "STOPPING");
}

TEST_F(EngineLifecycle, StoppedApplicationRestartsForANewRun) {
  std::string app = startedApp();
  advance(15 * kMinuteMs + 1000);
  ASSERT_EQ(appState(app), "STOPPED");
  std::string run = startRun(app);
  EXPECT_EQ(appState(app), "STARTING");
  advance(1000);
  EXPECT_EQ(appState(app), "STARTED");
  EXPECT_EQ(runState(app, run), "PENDING");
}

class EngineCustomTimings : public RouterTest {
 protected:
  void configure(api::ApiOptions& options) override {
    options.timings.app_creating = 5000;
    options.timings.run_running = 10000;
  }
};

TEST_F(EngineCustomTimings, ConfiguredTimingsDriveTheLifecycles) {
  std::string app = createApp();
  advance(4999);
  EXPECT_EQ(appState(app), "CREATING");
  advance(1);
  EXPECT_EQ(appState(app), "CREATED");
  std::string run = startRun(app);
  advance(2000);
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(9999);
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(1);
  EXPECT_EQ(runState(app, run), "SUCCESS");
  auto config = call("GET", "/_trailbox/config", "", unsignedRequest());
  EXPECT_EQ(json(config)["timings"]["app_creating"], 5000);
  EXPECT_EQ(json(config)["timings"]["run_running"], 10000);
}

class EngineRestart : public RouterTest {
 protected:
  std::string storePath() override { return path_; }
  void TearDown() override {
    RouterTest::TearDown();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  std::string path_ = ::testing::TempDir() + "trailbox_engine_restart_" + std::to_string(::getpid()) + ".db";
};

TEST_F(EngineRestart, LifecyclesContinueAfterARestart) {
  std::string app = createdApp();
  int64_t t0 = now();
  std::string run = startRun(app);
  advance(1500);
  ASSERT_EQ(runState(app, run), "SCHEDULED");
  auto moved = call("POST", "/_trailbox/clock", R"({"seconds": 1})", unsignedRequest());
  ASSERT_EQ(moved.status, 200) << moved.body;
  clock_.setOffsetMs(0);  // forgotten with the process; the store must bring it back
  reopen();
  EXPECT_EQ(clock_.offsetMs(), 1000) << "the admin clock offset survives a restart";
  // t0 + 2500 now: RUNNING since t0 + 2000, finishing at t0 + 4000 as if nothing happened.
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(1499);
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(1);
  Json done = getRun(app, run);
  EXPECT_EQ(done["state"], "SUCCESS");
  EXPECT_DOUBLE_EQ(done["endedAt"].get<double>(), (t0 + 4000) / 1000.0);
  EXPECT_EQ(eventCount("eventName=StartJobRun"), 1) << "events survive too";
}

}  // namespace
}  // namespace trailbox::testing
