#include "api/emr_serverless/service.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/clock.hpp"
#include "router_fixture.hpp"

namespace trailbox::testing {
namespace {

// ISO 8601 with milliseconds, as botocore sends datetimes with a fraction.
std::string isoMillis(int64_t ms) {
  std::string text = api::isoSeconds(ms);
  text.pop_back();
  std::string millis = std::to_string(1000 + ms % 1000).substr(1);
  return text + "." + millis + "Z";
}

class EmrJobRuns : public RouterTest {
 protected:
  api::Response cancel(const std::string& app, const std::string& run, const std::string& query = "") {
    return call("DELETE", "/applications/" + app + "/jobruns/" + run + (query.empty() ? "" : "?" + query));
  }
  Json listRuns(const std::string& app, const std::string& query = "") {
    auto r = call("GET", "/applications/" + app + "/jobruns" + (query.empty() ? "" : "?" + query));
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }
  std::vector<std::string> listedRunIds(const std::string& app, const std::string& query = "") {
    std::vector<std::string> ids;
    for (const auto& run : listRuns(app, query).value("jobRuns", Json::array())) ids.push_back(run.value("id", ""));
    return ids;
  }
  static Json tags(const Json& tags) { return Json{{"tags", tags}}; }
};

TEST_F(EmrJobRuns, StartReturnsIdsAndArn) {
  std::string app = startedApp();
  auto r = startJobRun(app);
  ASSERT_EQ(r.status, 200) << r.body;
  Json body = json(r);
  ASSERT_EQ(body.size(), 3u);
  EXPECT_EQ(body["applicationId"], app);
  std::string run = body["jobRunId"];
  EXPECT_TRUE(looksLikeResourceId(run)) << run;
  EXPECT_NE(run, app);
  EXPECT_EQ(body["arn"], "arn:aws:emr-serverless:us-east-1:123456789012:/applications/" + app + "/jobruns/" + run);
}

TEST_F(EmrJobRuns, RunOnCreatedApplicationAutoStartsItAndWalksEveryStateAtDefaultTimings) {
  std::string app = createdApp();
  int64_t t0 = now();
  std::string run = startRun(app);
  EXPECT_EQ(appState(app), "STARTING");
  Json submitted = getRun(app, run);
  EXPECT_EQ(submitted["state"], "SUBMITTED");
  EXPECT_FALSE(submitted.contains("startedAt"));
  EXPECT_FALSE(submitted.contains("endedAt"));
  EXPECT_FALSE(submitted.contains("totalExecutionDurationSeconds"));

  advance(999);
  EXPECT_EQ(appState(app), "STARTING");
  EXPECT_EQ(runState(app, run), "SUBMITTED");
  advance(1);  // t0 + 1000: the application has started and admits the run at once
  EXPECT_EQ(appState(app), "STARTED");
  EXPECT_EQ(runState(app, run), "PENDING");
  advance(499);
  EXPECT_EQ(runState(app, run), "PENDING");
  advance(1);
  EXPECT_EQ(runState(app, run), "SCHEDULED");
  advance(500);
  Json running = getRun(app, run);
  EXPECT_EQ(running["state"], "RUNNING");
  EXPECT_DOUBLE_EQ(running["startedAt"].get<double>(), (t0 + 2000) / 1000.0);
  EXPECT_DOUBLE_EQ(running["updatedAt"].get<double>(), (t0 + 2000) / 1000.0);
  advance(1999);
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(1);

  Json done = getRun(app, run);
  EXPECT_EQ(done["state"], "SUCCESS");
  EXPECT_EQ(done["applicationId"], app);
  EXPECT_EQ(done["jobRunId"], run);
  EXPECT_EQ(done["arn"], runArn(app, run));
  EXPECT_EQ(done["name"], "etl");
  EXPECT_EQ(done["createdBy"], "arn:aws:iam::123456789012:user/AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(done["executionRole"], kRoleArn);
  EXPECT_EQ(done["releaseLabel"], "emr-7.1.0");
  EXPECT_EQ(done["type"], "Spark");
  EXPECT_EQ(done["mode"], "BATCH");
  EXPECT_EQ(done["executionTimeoutMinutes"], 720);
  EXPECT_EQ(done["retryPolicy"], (Json{{"maxAttempts", 1}}));
  EXPECT_EQ(done["attempt"], 1);
  EXPECT_EQ(done["stateDetails"], "");
  EXPECT_EQ(done["jobDriver"], (Json{{"sparkSubmit", Json{{"entryPoint", "s3://bucket/job.py"}}}}));
  EXPECT_DOUBLE_EQ(done["createdAt"].get<double>(), t0 / 1000.0);
  EXPECT_DOUBLE_EQ(done["startedAt"].get<double>(), (t0 + 2000) / 1000.0);
  EXPECT_DOUBLE_EQ(done["endedAt"].get<double>(), (t0 + 4000) / 1000.0);
  EXPECT_DOUBLE_EQ(done["updatedAt"].get<double>(), (t0 + 4000) / 1000.0);
  EXPECT_EQ(done["totalExecutionDurationSeconds"], 2);
  // 2 s on three notional 4 vCPU / 16 GB / 20 GB workers; billing counts at least a minute.
  EXPECT_EQ(done["totalResourceUtilization"],
            (Json{{"vCPUHour", 0.007}, {"memoryGBHour", 0.027}, {"storageGBHour", 0.033}}));
  EXPECT_EQ(done["billedResourceUtilization"],
            (Json{{"vCPUHour", 0.2}, {"memoryGBHour", 0.8}, {"storageGBHour", 0.0}}));
  EXPECT_FALSE(done.contains("_tb"));
}

TEST_F(EmrJobRuns, RunOnStartedApplicationLeavesSubmittedAfterTheSubmittedTiming) {
  std::string app = startedApp();
  std::string run = startRun(app);
  advance(499);
  EXPECT_EQ(runState(app, run), "SUBMITTED");
  advance(1);
  EXPECT_EQ(runState(app, run), "PENDING");
  advance(3000);
  EXPECT_EQ(runState(app, run), "SUCCESS");
}

TEST_F(EmrJobRuns, AutoStartDisabledNeedsAStartedApplication) {
  std::string app = createdApp({{"autoStartConfiguration", Json{{"enabled", false}}}});
  auto r = startJobRun(app);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(json(r)["message"], "Application " + app +
                                    " is CREATED and autoStartConfiguration is disabled; start it first. Cannot start "
                                    "job run.");
  EXPECT_EQ(appState(app), "CREATED");
  EXPECT_TRUE(listedRunIds(app).empty());

  ASSERT_EQ(call("POST", "/applications/" + app + "/start").status, 200);
  // Without auto-start only a STARTED application takes runs (aws-behaviour.md B.3).
  auto starting = startJobRun(app);
  EXPECT_EQ(starting.status, 400);
  EXPECT_EQ(errorType(starting), "ValidationException");
  advance(1000);
  ASSERT_EQ(appState(app), "STARTED");
  std::string run = startRun(app);
  EXPECT_EQ(runState(app, run), "SUBMITTED");
  advance(500);
  EXPECT_EQ(runState(app, run), "PENDING");
}

TEST_F(EmrJobRuns, StartOnMissingApplicationIsNotFound) {
  auto r = startJobRun("00nosuchapp00000");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorType(r), "ResourceNotFoundException");
}

TEST_F(EmrJobRuns, StartOnTerminatedApplicationIsValidationException) {
  std::string app = createdApp();
  ASSERT_EQ(call("DELETE", "/applications/" + app).status, 200);
  auto r = startJobRun(app);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(json(r)["message"], "Application " + app + " is terminated. Cannot start job run.");
}

TEST_F(EmrJobRuns, CancelMovesThroughCancellingToCancelled) {
  std::string app = startedApp();
  std::string run = startRun(app);
  advance(1500);
  ASSERT_EQ(runState(app, run), "RUNNING");
  auto r = cancel(app, run);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r), (Json{{"applicationId", app}, {"jobRunId", run}}));
  Json cancelling = getRun(app, run);
  EXPECT_EQ(cancelling["state"], "CANCELLING");
  EXPECT_EQ(cancelling["stateDetails"], "Job run was cancelled by user request (CancelJobRun)");
  // Cancelling again while CANCELLING is accepted.
  EXPECT_EQ(cancel(app, run).status, 200);
  advance(999);
  EXPECT_EQ(runState(app, run), "CANCELLING");
  advance(1);
  Json cancelled = getRun(app, run);
  EXPECT_EQ(cancelled["state"], "CANCELLED");
  EXPECT_DOUBLE_EQ(cancelled["endedAt"].get<double>(), now() / 1000.0);
  EXPECT_EQ(cancelled["stateDetails"], "Job run was cancelled by user request (CancelJobRun)");
  EXPECT_TRUE(cancelled.contains("totalExecutionDurationSeconds"));
}

TEST_F(EmrJobRuns, CancelWithGracePeriodCancelsAfterThatPeriod) {
  std::string app = startedApp();
  std::string run = startRun(app);
  advance(1500);
  ASSERT_EQ(cancel(app, run, "shutdownGracePeriodInSeconds=5").status, 200);
  advance(4999);
  EXPECT_EQ(runState(app, run), "CANCELLING");
  advance(1);
  EXPECT_EQ(runState(app, run), "CANCELLED");
}

TEST_F(EmrJobRuns, CancelFinishedRunIsValidationException) {
  std::string app = startedApp();
  std::string run = startRun(app);
  advance(3500);
  ASSERT_EQ(runState(app, run), "SUCCESS");
  auto r = cancel(app, run);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(json(r)["message"], "Job run " + run +
                                    " is in SUCCESS state and cannot be cancelled. Only job runs that have not "
                                    "finished can be cancelled");
  EXPECT_EQ(runState(app, run), "SUCCESS");
}

TEST_F(EmrJobRuns, CancelOfMissingRunIsNotFound) {
  std::string app = startedApp();
  auto r = cancel(app, "00nosuchrun00000");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorType(r), "ResourceNotFoundException");
  EXPECT_EQ(json(r)["message"], "Job run 00nosuchrun00000 does not exist for application " + app);
}

TEST_F(EmrJobRuns, RunOfAnotherApplicationIsNotFound) {
  std::string app = startedApp();
  std::string other = startedApp();
  std::string run = startRun(app);
  auto r = call("GET", "/applications/" + other + "/jobruns/" + run);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorType(r), "ResourceNotFoundException");
}

TEST_F(EmrJobRuns, HangingRunIsCancelledWhenTheExecutionTimeoutIsReached) {
  std::string app = startedApp();
  std::string run = startRun(app, {{"executionTimeoutMinutes", 5}, {"tags", Json{{"trailbox:outcome", "HANG"}}}});
  advance(1500);
  ASSERT_EQ(runState(app, run), "RUNNING");
  advance(5 * kMinuteMs - 1);
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(1);
  Json timed_out = getRun(app, run);
  EXPECT_EQ(timed_out["state"], "CANCELLING");
  EXPECT_EQ(timed_out["executionTimeoutMinutes"], 5);
  EXPECT_EQ(timed_out["stateDetails"], "Job run timed out after 5 minutes (executionTimeoutMinutes) and was cancelled");
  advance(1000);
  Json cancelled = getRun(app, run);
  EXPECT_EQ(cancelled["state"], "CANCELLED");
  EXPECT_NE(cancelled["stateDetails"].get<std::string>().find("timed out"), std::string::npos);
  EXPECT_EQ(cancelled["totalExecutionDurationSeconds"], 5 * 60 + 1);
}

TEST_F(EmrJobRuns, HangingRunWithoutTimeoutRunsUntilTheDefault720Minutes) {
  std::string app = startedApp();
  std::string run = startRun(app, tags({{"trailbox:outcome", "HANG"}}));
  advance(1500 + 720 * kMinuteMs - 1);
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(1);
  EXPECT_EQ(runState(app, run), "CANCELLING");
}

TEST_F(EmrJobRuns, ScriptedFailureEndsFailedWithTheGivenDetails) {
  std::string app = startedApp();
  std::string run = startRun(app, tags({{"trailbox:outcome", "FAILED"}, {"trailbox:failure", "Boom: executor lost"}}));
  advance(3499);
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(1);
  Json failed = getRun(app, run);
  EXPECT_EQ(failed["state"], "FAILED");
  EXPECT_EQ(failed["stateDetails"], "Boom: executor lost");
  EXPECT_DOUBLE_EQ(failed["endedAt"].get<double>(), now() / 1000.0);
  EXPECT_EQ(failed["totalExecutionDurationSeconds"], 2);
}

TEST_F(EmrJobRuns, ScriptedFailureWithoutTextUsesTheDefaultDetails) {
  std::string app = startedApp();
  std::string run = startRun(app, tags({{"trailbox:outcome", "FAILED"}}));
  advance(3500);
  Json failed = getRun(app, run);
  EXPECT_EQ(failed["state"], "FAILED");
  EXPECT_EQ(failed["stateDetails"],
            "Job failed, please check complete logs in configured logging destination. ExitCode: 1.");
}

TEST_F(EmrJobRuns, FailedAttemptsAreRetriedUpToMaxAttempts) {
  std::string app = startedApp();
  int64_t t0 = now();
  std::string run =
      startRun(app, {{"retryPolicy", Json{{"maxAttempts", 3}}}, {"tags", Json{{"trailbox:failed-attempts", "2"}}}});
  // Attempt 1: PENDING +500, SCHEDULED +1000, RUNNING +1500, fails at +3500 -> attempt 2 PENDING.
  advance(3500);
  Json second = getRun(app, run);
  EXPECT_EQ(second["attempt"], 2);
  EXPECT_EQ(second["state"], "PENDING");
  EXPECT_DOUBLE_EQ(second["attemptCreatedAt"].get<double>(), (t0 + 3500) / 1000.0);
  // Attempt 2 fails at +6500, attempt 3 runs from +7500 and succeeds at +9500.
  advance(5999);
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(1);
  Json done = getRun(app, run);
  EXPECT_EQ(done["state"], "SUCCESS");
  EXPECT_EQ(done["attempt"], 3);
  EXPECT_EQ(done["retryPolicy"], (Json{{"maxAttempts", 3}}));
  EXPECT_DOUBLE_EQ(done["startedAt"].get<double>(), (t0 + 1500) / 1000.0);
  EXPECT_DOUBLE_EQ(done["endedAt"].get<double>(), (t0 + 9500) / 1000.0);

  auto attempts = call("GET", "/applications/" + app + "/jobruns/" + run + "/attempts");
  ASSERT_EQ(attempts.status, 200) << attempts.body;
  Json list = json(attempts)["jobRunAttempts"];
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0]["attempt"], 3);
  EXPECT_EQ(list[0]["state"], "SUCCESS");
  EXPECT_EQ(list[1]["attempt"], 2);
  EXPECT_EQ(list[1]["state"], "FAILED");
  EXPECT_EQ(list[2]["attempt"], 1);
  EXPECT_EQ(list[2]["state"], "FAILED");
  for (const auto& a : list) {
    EXPECT_EQ(a["id"], run);
    EXPECT_EQ(a["applicationId"], app);
    EXPECT_DOUBLE_EQ(a["jobCreatedAt"].get<double>(), t0 / 1000.0);
  }
  EXPECT_DOUBLE_EQ(list[2]["createdAt"].get<double>(), t0 / 1000.0);
  EXPECT_DOUBLE_EQ(list[2]["updatedAt"].get<double>(), (t0 + 3500) / 1000.0);
  EXPECT_FALSE(json(attempts).contains("nextToken"));

  Json first = getRun(app, run, "attempt=1");
  EXPECT_EQ(first["attempt"], 1);
  EXPECT_EQ(first["state"], "FAILED");
  EXPECT_EQ(first["stateDetails"],
            "Job failed, please check complete logs in configured logging destination. ExitCode: 1.");
  EXPECT_EQ(getRun(app, run, "attempt=3")["state"], "SUCCESS");
  auto missing = call("GET", "/applications/" + app + "/jobruns/" + run + "?attempt=4");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errorType(missing), "ResourceNotFoundException");
}

TEST_F(EmrJobRuns, AttemptsPaginateNewestFirst) {
  std::string app = startedApp();
  std::string run =
      startRun(app, {{"retryPolicy", Json{{"maxAttempts", 3}}}, {"tags", Json{{"trailbox:failed-attempts", "2"}}}});
  advance(9500);
  std::string base = "/applications/" + app + "/jobruns/" + run + "/attempts?maxResults=2";
  auto page1 = call("GET", base);
  ASSERT_EQ(page1.status, 200) << page1.body;
  ASSERT_EQ(json(page1)["jobRunAttempts"].size(), 2u);
  EXPECT_EQ(json(page1)["jobRunAttempts"][0]["attempt"], 3);
  EXPECT_EQ(json(page1)["jobRunAttempts"][1]["attempt"], 2);
  std::string next = json(page1)["nextToken"];
  auto page2 = call("GET", base + "&nextToken=" + encodeLabel(next));
  ASSERT_EQ(page2.status, 200) << page2.body;
  ASSERT_EQ(json(page2)["jobRunAttempts"].size(), 1u);
  EXPECT_EQ(json(page2)["jobRunAttempts"][0]["attempt"], 1);
  EXPECT_FALSE(json(page2).contains("nextToken"));
}

TEST_F(EmrJobRuns, FailedAttemptsBeyondMaxAttemptsEndFailed) {
  std::string app = startedApp();
  std::string run =
      startRun(app, {{"retryPolicy", Json{{"maxAttempts", 2}}}, {"tags", Json{{"trailbox:failed-attempts", "5"}}}});
  advance(6500);
  Json failed = getRun(app, run);
  EXPECT_EQ(failed["state"], "FAILED");
  EXPECT_EQ(failed["attempt"], 2);
}

TEST_F(EmrJobRuns, PerStateDurationTagsSetHowLongEachStateLasts) {
  std::string app = startedApp();
  std::string run = startRun(app, tags({{"trailbox:submitted-ms", "100"},
                                        {"trailbox:pending-ms", "200"},
                                        {"trailbox:scheduled-ms", "300"},
                                        {"trailbox:running-ms", "10000"}}));
  advance(99);
  EXPECT_EQ(runState(app, run), "SUBMITTED");
  advance(1);
  EXPECT_EQ(runState(app, run), "PENDING");
  advance(200);
  EXPECT_EQ(runState(app, run), "SCHEDULED");
  advance(300);
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(9999);
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(1);
  Json done = getRun(app, run);
  EXPECT_EQ(done["state"], "SUCCESS");
  EXPECT_EQ(done["totalExecutionDurationSeconds"], 10);
  EXPECT_EQ(done["tags"]["trailbox:running-ms"], "10000");
}

TEST_F(EmrJobRuns, SparkSubmitParametersScriptTheOutcome) {
  std::string app = startedApp();
  Json driver = Json{{"sparkSubmit", Json{{"entryPoint", "s3://bucket/job.py"},
                                          {"sparkSubmitParameters",
                                           "--conf spark.executor.cores=4 --conf spark.trailbox.outcome=FAILED "
                                           "--conf spark.trailbox.running-ms=500"}}}};
  std::string run = startRun(app, {{"jobDriver", driver}});
  advance(1999);
  EXPECT_EQ(runState(app, run), "RUNNING");
  advance(1);
  EXPECT_EQ(runState(app, run), "FAILED");
}

TEST_F(EmrJobRuns, ApplicationTagsAreDefaultsThatRunTagsOverride) {
  std::string app = startedApp({{"tags", Json{{"trailbox:outcome", "FAILED"}, {"team", "data"}}}});
  std::string inherits = startRun(app);
  std::string overrides = startRun(app, tags({{"trailbox:outcome", "SUCCESS"}}));
  advance(3500);
  EXPECT_EQ(runState(app, inherits), "FAILED");
  EXPECT_EQ(runState(app, overrides), "SUCCESS");
  // Application tags are not copied onto the run.
  EXPECT_EQ(getRun(app, inherits)["tags"], Json::object());
}

TEST_F(EmrJobRuns, BadScriptValueIsValidationExceptionAndCreatesNothing) {
  std::string app = createdApp();
  auto r = startJobRun(app, tags({{"trailbox:outcome", "MAYBE"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(json(r)["message"], "The job run tag trailbox:outcome must be SUCCESS, FAILED or HANG, not 'MAYBE'");
  EXPECT_EQ(appState(app), "CREATED") << "a rejected run must not auto-start the application";
  EXPECT_TRUE(listedRunIds(app).empty());
}

TEST_F(EmrJobRuns, MaxConcurrentRunsQueuesTheSecondRunUntilTheFirstFinishes) {
  std::string app = startedApp({{"schedulerConfiguration", Json{{"maxConcurrentRuns", 1}}}});
  int64_t t0 = now();
  std::string first = startRun(app);
  advance(1);
  std::string second = startRun(app);
  advance(499);  // t0 + 500
  EXPECT_EQ(runState(app, first), "PENDING");
  EXPECT_EQ(runState(app, second), "SUBMITTED");
  advance(1);  // t0 + 501
  EXPECT_EQ(runState(app, second), "QUEUED");
  advance(2998);  // t0 + 3499
  EXPECT_EQ(runState(app, first), "RUNNING");
  EXPECT_EQ(runState(app, second), "QUEUED");
  advance(1);  // t0 + 3500: the first finishes and frees its slot
  EXPECT_EQ(runState(app, first), "SUCCESS");
  Json admitted = getRun(app, second);
  EXPECT_EQ(admitted["state"], "PENDING");
  EXPECT_EQ(admitted["queuedDurationMilliseconds"], 2999);
  EXPECT_DOUBLE_EQ(admitted["updatedAt"].get<double>(), (t0 + 3500) / 1000.0);
  advance(3000);
  Json done = getRun(app, second);
  EXPECT_EQ(done["state"], "SUCCESS");
  EXPECT_EQ(done["queuedDurationMilliseconds"], 2999);
  EXPECT_FALSE(getRun(app, first).contains("queuedDurationMilliseconds"));
}

TEST_F(EmrJobRuns, QueuedRunsAreAdmittedInSubmissionOrder) {
  std::string app = startedApp({{"schedulerConfiguration", Json{{"maxConcurrentRuns", 1}}}});
  std::vector<std::string> runs;
  for (int i = 0; i < 4; ++i) {
    runs.push_back(startRun(app));
    advance(1);
  }
  // Each run takes 3000 ms from PENDING to SUCCESS; they must finish one after another, in order.
  advance(499 + 3000);
  EXPECT_EQ(runState(app, runs[0]), "SUCCESS");
  EXPECT_EQ(runState(app, runs[1]), "PENDING");
  EXPECT_EQ(runState(app, runs[2]), "QUEUED");
  EXPECT_EQ(runState(app, runs[3]), "QUEUED");
  advance(3000);
  EXPECT_EQ(runState(app, runs[1]), "SUCCESS");
  EXPECT_EQ(runState(app, runs[2]), "PENDING");
  EXPECT_EQ(runState(app, runs[3]), "QUEUED");
}

TEST_F(EmrJobRuns, ListIsNewestFirstAndFiltersByStateAndCreationTime) {
  std::string app = startedApp();
  int64_t t0 = now();
  std::string a = startRun(app, {{"name", "a"}});
  advance(1000);
  std::string b = startRun(app, {{"name", "b"}});
  advance(1000);
  std::string c = startRun(app, {{"name", "c"}, {"tags", Json{{"trailbox:outcome", "HANG"}}}});
  advance(3500);  // a and b succeeded, c is running
  EXPECT_EQ(listedRunIds(app), (std::vector<std::string>{c, b, a}));
  EXPECT_EQ(listedRunIds(app, "states=SUCCESS"), (std::vector<std::string>{b, a}));
  EXPECT_EQ(listedRunIds(app, "states=RUNNING"), (std::vector<std::string>{c}));
  EXPECT_EQ(listedRunIds(app, "states=RUNNING&states=SUCCESS"), (std::vector<std::string>{c, b, a}));
  EXPECT_EQ(listedRunIds(app, "createdAtAfter=" + encodeLabel(api::isoSeconds(t0 + 1000))),
            (std::vector<std::string>{c, b}));
  EXPECT_EQ(listedRunIds(app, "createdAtBefore=" + encodeLabel(api::isoSeconds(t0 + 1000))),
            (std::vector<std::string>{b, a}));
  EXPECT_EQ(isoMillis(t0 + 500), api::isoSeconds(t0).substr(0, 19) + ".500Z");
  EXPECT_EQ(listedRunIds(app, "createdAtAfter=" + encodeLabel(isoMillis(t0 + 500)) +
                                  "&createdAtBefore=" + encodeLabel(isoMillis(t0 + 1500))),
            (std::vector<std::string>{b}));
  EXPECT_EQ(listedRunIds(app, "createdAtAfter=" + encodeLabel(isoMillis(t0 + 2001))), std::vector<std::string>{});
  EXPECT_EQ(listedRunIds(app, "mode=STREAMING"), std::vector<std::string>{});

  Json summary = listRuns(app, "states=RUNNING")["jobRuns"][0];
  EXPECT_EQ(summary["applicationId"], app);
  EXPECT_EQ(summary["id"], c);
  EXPECT_EQ(summary["name"], "c");
  EXPECT_EQ(summary["arn"], runArn(app, c));
  EXPECT_EQ(summary["state"], "RUNNING");
  EXPECT_EQ(summary["type"], "Spark");
  EXPECT_EQ(summary["mode"], "BATCH");
  EXPECT_EQ(summary["releaseLabel"], "emr-7.1.0");
  EXPECT_EQ(summary["executionRole"], kRoleArn);
  EXPECT_FALSE(summary.contains("jobDriver"));
}

TEST_F(EmrJobRuns, ListPaginatesEveryRunOnce) {
  std::string app = startedApp();
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.push_back(startRun(app));
    advance(5);
  }
  std::vector<std::string> seen;
  std::string next;
  int pages = 0;
  while (pages < 10) {
    ++pages;
    Json body = listRuns(app, "maxResults=2" + (next.empty() ? "" : "&nextToken=" + encodeLabel(next)));
    for (const auto& r : body["jobRuns"]) seen.push_back(r["id"]);
    if (!body.contains("nextToken")) break;
    next = body["nextToken"];
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, std::vector<std::string>(created.rbegin(), created.rend()));
  // A token is bound to its filters.
  Json first = listRuns(app, "maxResults=1");
  auto r = call("GET", "/applications/" + app + "/jobruns?maxResults=1&states=SUCCESS&nextToken=" +
                           encodeLabel(first["nextToken"].get<std::string>()));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
}

TEST_F(EmrJobRuns, ListOfMissingApplicationIsNotFound) {
  auto r = call("GET", "/applications/00nosuchapp00000/jobruns");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorType(r), "ResourceNotFoundException");
}

TEST_F(EmrJobRuns, JobDriverMustMatchTheApplicationType) {
  std::string spark = startedApp();
  auto r1 = startJobRun(spark, {{"jobDriver", Json{{"sparkSubmit", nullptr}, {"hive", Json{{"query", "SELECT 1"}}}}}});
  EXPECT_EQ(r1.status, 400);
  EXPECT_EQ(errorType(r1), "ValidationException");
  EXPECT_EQ(json(r1)["message"], "Job driver hive does not match the application type Spark");

  std::string hive = startedApp({{"type", "HIVE"}});
  auto r2 = startJobRun(hive);
  EXPECT_EQ(r2.status, 400);
  EXPECT_EQ(errorType(r2), "ValidationException");
  EXPECT_EQ(json(r2)["message"], "Job driver sparkSubmit does not match the application type Hive");

  auto ok = startJobRun(hive, {{"jobDriver", Json{{"sparkSubmit", nullptr}, {"hive", Json{{"query", "SELECT 1"}}}}}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(getRun(hive, json(ok)["jobRunId"])["type"], "Hive");
}

TEST_F(EmrJobRuns, MissingJobDriverIsValidationException) {
  std::string app = startedApp();
  auto r = startJobRun(app, {{"jobDriver", nullptr}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
}

TEST_F(EmrJobRuns, BadExecutionRoleIsValidationException) {
  std::string app = startedApp();
  auto r = startJobRun(app, {{"executionRoleArn", "arn:aws:iam::123:role/x"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
}

TEST_F(EmrJobRuns, RetryPolicyMustMatchTheMode) {
  std::string app = startedApp();
  auto batch = startJobRun(app, {{"retryPolicy", Json{{"maxFailedAttemptsPerHour", 2}}}});
  EXPECT_EQ(errorType(batch), "ValidationException");
  auto streaming = startJobRun(app, {{"mode", "STREAMING"}, {"retryPolicy", Json{{"maxAttempts", 2}}}});
  EXPECT_EQ(errorType(streaming), "ValidationException");
  std::string run = startRun(app, {{"mode", "STREAMING"}});
  Json doc = getRun(app, run);
  EXPECT_EQ(doc["mode"], "STREAMING");
  EXPECT_EQ(doc["retryPolicy"], (Json{{"maxFailedAttemptsPerHour", 5}}));
  // Streaming runs keep running until cancelled (or timed out).
  advance(60 * kMinuteMs);
  EXPECT_EQ(runState(app, run), "RUNNING");
}

TEST_F(EmrJobRuns, StreamingRunsRetryFailedAttemptsAndThenKeepRunning) {
  std::string app = startedApp();
  std::string run = startRun(app, {{"mode", "STREAMING"}, {"tags", Json{{"trailbox:failed-attempts", "2"}}}});
  // Attempts 1 and 2 fail after their 2 s RUNNING (at +3500 and +6500); attempt 3 runs on.
  advance(7500);
  Json doc = getRun(app, run);
  EXPECT_EQ(doc["state"], "RUNNING");
  EXPECT_EQ(doc["attempt"], 3);
  advance(60 * kMinuteMs);
  EXPECT_EQ(runState(app, run), "RUNNING");
}

TEST_F(EmrJobRuns, StreamingRunFailsWhenTooManyAttemptsFailWithinAnHour) {
  std::string app = startedApp();
  std::string run = startRun(app, {{"mode", "STREAMING"},
                                   {"retryPolicy", Json{{"maxFailedAttemptsPerHour", 2}}},
                                   {"tags", Json{{"trailbox:failed-attempts", "5"}}}});
  advance(6500);  // the second failure within the hour ends the run
  Json doc = getRun(app, run);
  EXPECT_EQ(doc["state"], "FAILED");
  EXPECT_EQ(doc["attempt"], 2);
}

TEST_F(EmrJobRuns, CancellingARunThatWaitsForItsApplication) {
  std::string app = createdApp();
  std::string run = startRun(app);
  ASSERT_EQ(runState(app, run), "SUBMITTED");
  ASSERT_EQ(cancel(app, run).status, 200);
  EXPECT_EQ(runState(app, run), "CANCELLING");
  advance(1000);
  Json doc = getRun(app, run);
  EXPECT_EQ(doc["state"], "CANCELLED");
  EXPECT_FALSE(doc.contains("startedAt"));
  EXPECT_EQ(doc["totalExecutionDurationSeconds"], 0);
  EXPECT_EQ(appState(app), "STARTED");
  advance(15 * kMinuteMs);
  EXPECT_EQ(appState(app), "STOPPING") << "nothing keeps the application busy";
}

TEST_F(EmrJobRuns, SameClientTokenAndRequestReturnsTheSameRun) {
  std::string app = startedApp();
  Json body = runRequest();
  std::string path = "/applications/" + app + "/jobruns";
  auto first = callJson("POST", path, body);
  advance(100);
  auto second = callJson("POST", path, body);
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(json(first), json(second));
  EXPECT_EQ(listedRunIds(app).size(), 1u);

  Json changed = body;
  changed["name"] = "other";
  auto conflict = callJson("POST", path, changed);
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(errorType(conflict), "ConflictException");
  EXPECT_EQ(listedRunIds(app).size(), 1u);
}

TEST_F(EmrJobRuns, DashboardUrlPointsAtTheRunAndExpiresInAnHour) {
  std::string app = startedApp();
  std::string run = startRun(app);
  auto r = call("GET", "/applications/" + app + "/jobruns/" + run + "/dashboard");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r), (Json{{"url", "http://127.0.0.1:4566/_trailbox/dashboard/applications/" + app + "/jobruns/" + run +
                                       "?attempt=1&expires=" + std::to_string((now() + 3600000) / 1000)}}));
  auto missing = call("GET", "/applications/" + app + "/jobruns/" + run + "/dashboard?attempt=2");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errorType(missing), "ResourceNotFoundException");
}

}  // namespace
}  // namespace trailbox::testing
