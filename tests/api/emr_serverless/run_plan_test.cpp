#include "api/emr_serverless/run_plan.hpp"

#include <gtest/gtest.h>

#include <string>

namespace trailbox::api::emr {
namespace {

Json plan(const Json& run_tags, const Json& app_tags = Json::object(), const std::string& spark = "") {
  auto r = planFor(run_tags, app_tags, spark);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Json();
}

AwsError planError(const Json& run_tags, const Json& app_tags = Json::object(), const std::string& spark = "") {
  auto r = planFor(run_tags, app_tags, spark);
  EXPECT_FALSE(r.ok());
  return r.ok() ? AwsError{} : r.error();
}

TEST(RunPlan, NoScriptIsAnEmptyPlan) {
  EXPECT_EQ(plan(Json::object()), Json::object());
  EXPECT_EQ(plan(Json{{"team", "data"}, {"trailbox:owner", "me"}}), Json::object()) << "other keys are plain tags";
  EXPECT_EQ(plan(Json(), Json()), Json::object()) << "absent tag maps";
}

TEST(RunPlan, OutcomeAndFailureFromRunTags) {
  Json p = plan(Json{{"trailbox:outcome", "FAILED"}, {"trailbox:failure", "Boom: disk full"}});
  EXPECT_EQ(p["outcome"], "FAILED");
  EXPECT_EQ(p["failure"], "Boom: disk full");
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(plan(Json{{"trailbox:outcome", "HANG"}})["outcome"], "HANG");
  EXPECT_EQ(plan(Json{{"trailbox:outcome", "SUCCESS"}})["outcome"], "SUCCESS");
}

TEST(RunPlan, RunTagsBeatSparkParametersWhichBeatApplicationTags) {
  Json app = Json{{"trailbox:outcome", "FAILED"}, {"trailbox:running-ms", "100"}};
  std::string spark = "--conf spark.trailbox.outcome=HANG --conf spark.trailbox.pending-ms=7";
  EXPECT_EQ(plan(Json::object(), app)["outcome"], "FAILED");
  EXPECT_EQ(plan(Json::object(), app, spark)["outcome"], "HANG");
  Json p = plan(Json{{"trailbox:outcome", "SUCCESS"}}, app, spark);
  EXPECT_EQ(p["outcome"], "SUCCESS");
  EXPECT_EQ(p["durations"]["pending"], 7);
  EXPECT_EQ(p["durations"]["running"], 100);
}

TEST(RunPlan, DurationsAndFailedAttempts) {
  Json p = plan(Json{{"trailbox:submitted-ms", "1"},
                     {"trailbox:pending-ms", "2"},
                     {"trailbox:scheduled-ms", "3"},
                     {"trailbox:running-ms", "4"},
                     {"trailbox:cancelling-ms", "0"},
                     {"trailbox:failed-attempts", "2"}});
  EXPECT_EQ(p["failedAttempts"], 2);
  Json d = p["durations"];
  EXPECT_EQ(d.size(), 5u);
  EXPECT_EQ(d["submitted"], 1);
  EXPECT_EQ(d["pending"], 2);
  EXPECT_EQ(d["scheduled"], 3);
  EXPECT_EQ(d["running"], 4);
  EXPECT_EQ(d["cancelling"], 0);
}

TEST(RunPlan, SparkParametersAreReadAnywhereInTheString) {
  Json p = plan(Json::object(), Json::object(),
                "--conf spark.executor.cores=4\t--conf spark.trailbox.running-ms=250\n--conf "
                "spark.trailbox.outcome=FAILED");
  EXPECT_EQ(p["outcome"], "FAILED");
  EXPECT_EQ(p["durations"]["running"], 250);
  EXPECT_EQ(plan(Json::object(), Json::object(), "--conf spark.executor.memory=4g"), Json::object());
}

TEST(RunPlan, BadOutcomeNamesItsSource) {
  AwsError run = planError(Json{{"trailbox:outcome", "MAYBE"}});
  EXPECT_EQ(run.code, ErrorCode::kValidationException);
  EXPECT_EQ(run.message, "The job run tag trailbox:outcome must be SUCCESS, FAILED or HANG, not 'MAYBE'");
  AwsError app = planError(Json::object(), Json{{"trailbox:outcome", "failed"}});
  EXPECT_EQ(app.message, "The application tag trailbox:outcome must be SUCCESS, FAILED or HANG, not 'failed'");
  AwsError spark = planError(Json::object(), Json::object(), "--conf spark.trailbox.outcome=NOPE");
  EXPECT_EQ(spark.message,
            "The sparkSubmitParameters --conf spark.trailbox.outcome must be SUCCESS, FAILED or HANG, not 'NOPE'");
}

TEST(RunPlan, BadNumbersAreValidationException) {
  for (const char* value : {"abc", "-5", "1.5", "", "10ms", "100000000001"}) {
    AwsError e = planError(Json{{"trailbox:running-ms", value}});
    EXPECT_EQ(e.code, ErrorCode::kValidationException) << value;
    EXPECT_EQ(e.message, std::string("The job run tag trailbox:running-ms must be a non-negative whole number, not '") +
                             value + "'");
  }
  EXPECT_EQ(planError(Json{{"trailbox:failed-attempts", "x"}}).code, ErrorCode::kValidationException);
}

TEST(RunPlan, DurationOfAnUnknownStateIsValidationException) {
  AwsError e = planError(Json{{"trailbox:queued-ms", "5"}});
  EXPECT_EQ(e.code, ErrorCode::kValidationException);
  EXPECT_EQ(e.message, "The job run tag trailbox:queued-ms names no job run state");
}

}  // namespace
}  // namespace trailbox::api::emr
