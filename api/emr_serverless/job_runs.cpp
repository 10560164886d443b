// EMR Serverless job run operations: Start, Get, Cancel, List, ListAttempts, GetDashboardForJobRun.

#include "api/clock.hpp"
#include "api/crypto.hpp"
#include "api/emr_serverless/releases.hpp"
#include "api/emr_serverless/run_plan.hpp"
#include "api/emr_serverless/service_internal.hpp"

namespace trailbox::api::emr {
namespace {

constexpr int64_t kDefaultTimeoutMinutes = 720;

Json jobRunSummary(const Json& doc) {
  Json s = Json::object();
  s["applicationId"] = doc.value("applicationId", "");
  s["id"] = doc.value("jobRunId", "");
  for (const char* key : {"name", "mode", "arn", "createdBy", "createdAt", "updatedAt", "executionRole", "state",
                          "stateDetails", "releaseLabel", "type", "attempt", "attemptCreatedAt", "attemptUpdatedAt"}) {
    if (doc.contains(key)) s[key] = doc[key];
  }
  return s;
}

// The run as an earlier attempt saw it, from the attempt history kept with the run.
std::optional<Json> attemptView(const Json& doc, int attempt) {
  for (const auto& past : internal(doc).value("attempts", Json::array())) {
    if (past.value("attempt", 0) != attempt) continue;
    Json view = publicView(doc);
    view["attempt"] = attempt;
    view["state"] = past.value("state", "FAILED");
    view["stateDetails"] = past.value("stateDetails", "");
    view["attemptCreatedAt"] = past.value("createdAt", 0.0);
    view["attemptUpdatedAt"] = past.value("updatedAt", 0.0);
    return view;
  }
  return std::nullopt;
}

Json attemptSummary(const Json& run, const Json& attempt_view) {
  Json s = Json::object();
  s["applicationId"] = run.value("applicationId", "");
  s["id"] = run.value("jobRunId", "");
  for (const char* key : {"name", "mode", "arn", "createdBy"}) {
    if (run.contains(key)) s[key] = run[key];
  }
  s["jobCreatedAt"] = run.value("createdAt", 0.0);
  s["createdAt"] = attempt_view.value("attemptCreatedAt", run.value("createdAt", 0.0));
  s["updatedAt"] = attempt_view.value("attemptUpdatedAt", run.value("updatedAt", 0.0));
  for (const char* key : {"executionRole", "state", "stateDetails", "releaseLabel", "type", "attempt"}) {
    if (attempt_view.contains(key)) s[key] = attempt_view[key];
  }
  return s;
}

}  // namespace

Result<Json> EmrService::startJobRun(Env& env, const Json& in) {
  std::string app_id = in.value("applicationId", "");
  auto app = loadApp(env, app_id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());

  std::string hash = requestHash(in);
  auto earlier = earlierCreate(env, kJobRun, app_id, in, hash, "StartJobRun");
  if (!earlier.ok()) return store::Unexpected<AwsError>(earlier.error());
  if (*earlier) {
    const Json& doc = **earlier;
    return Json{{"applicationId", app_id}, {"jobRunId", doc["jobRunId"]}, {"arn", doc["arn"]}};
  }

  Json app_doc = parseDoc(app->doc);
  const std::string& state = app->state;
  bool auto_start = app_doc.value("autoStartConfiguration", Json::object()).value("enabled", true);
  // With auto-start, a submission to an application that is not STARTED waits for it: CREATED and
  // STOPPED start now, CREATING and STOPPING start once they reach CREATED / STOPPED.
  // Without auto-start, only a STARTED application accepts job runs.
  if (state == "TERMINATED" || (state != "STARTED" && !auto_start)) {
    std::string why = state == "TERMINATED" ? " is terminated."
                                            : " is " + state + " and autoStartConfiguration is disabled; start it first.";
    return fail(ErrorCode::kValidationException, "Application " + app_id + why + " Cannot start job run.");
  }

  if (!in.contains("jobDriver")) {
    return fail(ErrorCode::kValidationException,
                "Value null at 'jobDriver' failed to satisfy constraint: Member must not be null");
  }
  std::string app_type = app_doc.value("type", "Spark");
  bool spark = in["jobDriver"].contains("sparkSubmit");
  if ((app_type == "Spark") != spark) {
    return fail(ErrorCode::kValidationException, std::string("Job driver ") + (spark ? "sparkSubmit" : "hive") +
                                                     " does not match the application type " + app_type);
  }
  std::string mode = in.value("mode", "BATCH");
  Json retry = in.value("retryPolicy", Json::object());
  if (mode == "BATCH" && retry.contains("maxFailedAttemptsPerHour")) {
    return fail(ErrorCode::kValidationException, "retryPolicy.maxFailedAttemptsPerHour applies only to STREAMING job runs");
  }
  if (mode == "STREAMING" && retry.contains("maxAttempts")) {
    return fail(ErrorCode::kValidationException, "retryPolicy.maxAttempts applies only to BATCH job runs");
  }
  if (mode == "BATCH" && !retry.contains("maxAttempts")) retry["maxAttempts"] = 1;
  if (mode == "STREAMING" && !retry.contains("maxFailedAttemptsPerHour")) retry["maxFailedAttemptsPerHour"] = 5;

  std::string spark_params;
  if (spark) spark_params = in["jobDriver"]["sparkSubmit"].value("sparkSubmitParameters", "");
  auto plan = planFor(in.value("tags", Json::object()), app_doc.value("tags", Json::object()), spark_params);
  if (!plan.ok()) return store::Unexpected<AwsError>(plan.error());

  int64_t timeout_minutes = in.value("executionTimeoutMinutes", kDefaultTimeoutMinutes);
  std::string id = ids_.resourceId(env.now());
  double now = epochSeconds(env.now());
  Json run = Json::object();
  run["applicationId"] = app_id;
  run["jobRunId"] = id;
  if (in.contains("name")) run["name"] = in["name"];
  run["arn"] = runArn(env.ctx, app_id, id);
  run["createdBy"] = env.ctx.caller.arn;
  run["createdAt"] = now;
  run["updatedAt"] = now;
  run["executionRole"] = in["executionRoleArn"];
  if (in.contains("executionIamPolicy")) run["executionIamPolicy"] = in["executionIamPolicy"];
  run["state"] = "SUBMITTED";
  run["stateDetails"] = "";
  run["releaseLabel"] = app_doc.value("releaseLabel", "");
  if (in.contains("configurationOverrides")) run["configurationOverrides"] = in["configurationOverrides"];
  run["jobDriver"] = in["jobDriver"];
  run["tags"] = in.value("tags", Json::object());
  if (app_doc.contains("networkConfiguration")) run["networkConfiguration"] = app_doc["networkConfiguration"];
  run["executionTimeoutMinutes"] = timeout_minutes;
  run["mode"] = mode;
  run["retryPolicy"] = retry;
  run["type"] = app_type;
  run["attempt"] = 1;
  run["attemptCreatedAt"] = now;
  run["attemptUpdatedAt"] = now;
  run["_tb"] = Json{{"since", env.now()}, {"requestHash", hash}, {"plan", *plan},
                    {"timeoutMs", timeout_minutes * 60000}};

  store::ResourceRow row;
  row.kind = kJobRun;
  row.account = env.account();
  row.region = env.region();
  row.id = id;
  row.parent_id = app_id;
  row.state = "SUBMITTED";
  row.created_ms = env.now();
  row.client_token = in.value("clientToken", "");
  row.doc = dumpJson(run);
  if (auto s = env.engine.submitRun(*app, row); !s.ok()) return store::Unexpected<AwsError>(s.error());
  return Json{{"applicationId", app_id}, {"jobRunId", id}, {"arn", run["arn"]}};
}

Result<Json> EmrService::getJobRun(Env& env, const Json& in) {
  std::string app_id = in.value("applicationId", "");
  auto app = loadApp(env, app_id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  auto run = loadChild(env, kJobRun, app_id, in.value("jobRunId", ""));
  if (!run.ok()) return store::Unexpected<AwsError>(run.error());
  Json doc = env.engine.runDocument(*app, *run);
  if (in.contains("attempt")) {
    int attempt = in["attempt"].get<int>();
    int current = doc.value("attempt", 1);
    if (attempt == current) return Json{{"jobRun", publicView(doc)}};
    if (auto view = attemptView(doc, attempt)) return Json{{"jobRun", *view}};
    return fail(ErrorCode::kResourceNotFoundException, "Attempt " + std::to_string(attempt) + " of job run " +
                                                           run->id + " does not exist (latest attempt: " +
                                                           std::to_string(current) + ")");
  }
  return Json{{"jobRun", publicView(doc)}};
}

Result<Json> EmrService::cancelJobRun(Env& env, const Json& in) {
  std::string app_id = in.value("applicationId", "");
  auto app = loadApp(env, app_id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  auto run = loadChild(env, kJobRun, app_id, in.value("jobRunId", ""));
  if (!run.ok()) return store::Unexpected<AwsError>(run.error());
  Json out = Json{{"applicationId", app_id}, {"jobRunId", run->id}};
  std::string state = env.engine.runView(*app, *run).value("state", run->state);
  if (state == "CANCELLING") return out;
  if (isTerminalRunState(state)) {
    return fail(ErrorCode::kValidationException, "Job run " + run->id + " is in " + state +
                                                     " state and cannot be cancelled. Only job runs that have not "
                                                     "finished can be cancelled");
  }
  std::optional<int64_t> grace;
  if (in.contains("shutdownGracePeriodInSeconds")) {
    int64_t seconds = in["shutdownGracePeriodInSeconds"].get<int64_t>();
    if (seconds < 0) {
      return fail(ErrorCode::kValidationException, "shutdownGracePeriodInSeconds must not be negative");
    }
    grace = seconds * 1000;
  }
  if (auto s = env.engine.cancelRun(*app, *run, "Job run was cancelled by user request (CancelJobRun)", grace); !s.ok()) {
    return store::Unexpected<AwsError>(s.error());
  }
  return out;
}

Result<Json> EmrService::listJobRuns(Env& env, const Json& in) {
  return listChildren(env, kJobRun, in, "jobRuns", &jobRunSummary);
}

Result<Json> EmrService::listJobRunAttempts(Env& env, const Json& in) {
  std::string app_id = in.value("applicationId", "");
  auto app = loadApp(env, app_id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  auto run = loadChild(env, kJobRun, app_id, in.value("jobRunId", ""));
  if (!run.ok()) return store::Unexpected<AwsError>(run.error());
  Json doc = env.engine.runDocument(*app, *run);
  int current = doc.value("attempt", 1);
  // Newest attempt first; the page position is the next attempt number to return.
  int start = current;
  Json filters = Json{{"op", "ListJobRunAttempts"}, {"run", run->id}, {"account", env.account()}, {"region", env.region()}};
  if (in.contains("nextToken")) {
    auto position = tokens_.decode(in["nextToken"].get<std::string>(), filters);
    if (!position || !position->is_number_integer()) {
      return fail(ErrorCode::kValidationException,
                  "The nextToken is invalid, or was issued for a request with different parameters");
    }
    start = position->get<int>();
  }
  int limit = in.value("maxResults", 50);
  Json items = Json::array();
  int attempt = start;
  for (; attempt >= 1 && static_cast<int>(items.size()) < limit; --attempt) {
    Json view = attempt == current ? publicView(doc) : attemptView(doc, attempt).value_or(Json());
    if (view.is_null()) continue;
    items.push_back(attemptSummary(doc, view));
  }
  Json out = Json{{"jobRunAttempts", std::move(items)}};
  if (attempt >= 1) out["nextToken"] = tokens_.encode(attempt, filters);
  return out;
}

Result<Json> EmrService::getDashboardForJobRun(Env& env, const Json& in) {
  std::string app_id = in.value("applicationId", "");
  auto app = loadApp(env, app_id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  auto run = loadChild(env, kJobRun, app_id, in.value("jobRunId", ""));
  if (!run.ok()) return store::Unexpected<AwsError>(run.error());
  Json doc = env.engine.runView(*app, *run);
  int attempt = in.value("attempt", doc.value("attempt", 1));
  if (attempt < 1 || attempt > doc.value("attempt", 1)) {
    return fail(ErrorCode::kResourceNotFoundException,
                "Attempt " + std::to_string(attempt) + " of job run " + run->id + " does not exist");
  }
  // The URL is valid for one hour, like the real Spark UI links; it opens trailbox's own view.
  int64_t expires = (env.now() + 3600000) / 1000;
  std::string url = env.ctx.base_url + "/_trailbox/dashboard/applications/" + app_id + "/jobruns/" + run->id +
                    "?attempt=" + std::to_string(attempt) + "&expires=" + std::to_string(expires);
  return Json{{"url", url}};
}

}  // namespace trailbox::api::emr
