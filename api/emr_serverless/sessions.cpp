// EMR Serverless interactive sessions: Start, Get, GetEndpoint, List, Terminate, GetResourceDashboard.

#include "api/clock.hpp"
#include "api/crypto.hpp"
#include "api/emr_serverless/releases.hpp"
#include "api/emr_serverless/run_plan.hpp"
#include "api/emr_serverless/service_internal.hpp"

namespace trailbox::api::emr {
namespace {

constexpr int64_t kDefaultSessionIdleMinutes = 60;

Json sessionSummary(const Json& doc) {
  Json s = Json::object();
  for (const char* key : {"applicationId", "sessionId", "arn", "name", "state", "stateDetails", "releaseLabel",
                          "executionRoleArn", "createdBy", "createdAt", "updatedAt"}) {
    if (doc.contains(key)) s[key] = doc[key];
  }
  return s;
}

bool sessionReady(const std::string& state) { return state == "STARTED" || state == "IDLE" || state == "BUSY"; }

}  // namespace

Result<Json> EmrService::startSession(Env& env, const Json& in) {
  std::string app_id = in.value("applicationId", "");
  auto app = loadApp(env, app_id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());

  std::string hash = requestHash(in);
  auto earlier = earlierCreate(env, kSession, app_id, in, hash, "StartSession");
  if (!earlier.ok()) return store::Unexpected<AwsError>(earlier.error());
  if (*earlier) {
    const Json& doc = **earlier;
    return Json{{"applicationId", app_id}, {"sessionId", doc["sessionId"]}, {"arn", doc["arn"]}};
  }

  Json app_doc = parseDoc(app->doc);
  std::string label = app_doc.value("releaseLabel", "");
  if (!releaseAtLeast(label, 7, 13, 0)) {
    return fail(ErrorCode::kValidationException,
                "Sessions are supported for EMR release 7.13.0 and later; application " + app_id + " uses " + label);
  }
  if (!app_doc.value("interactiveConfiguration", Json::object()).value("sessionEnabled", false)) {
    return fail(ErrorCode::kValidationException,
                "Application " + app_id +
                    " does not have interactive sessions enabled (interactiveConfiguration.sessionEnabled)");
  }
  const std::string& state = app->state;
  bool auto_start = app_doc.value("autoStartConfiguration", Json::object()).value("enabled", true);
  bool startable = state == "STARTED" || (state != "TERMINATED" && auto_start);
  if (!startable) {
    return fail(ErrorCode::kValidationException, "Application " + app_id + " is " + state +
                                                     "; the application must be in the STARTED state or have "
                                                     "AutoStart enabled to start a session");
  }
  auto plan = planFor(in.value("tags", Json::object()), app_doc.value("tags", Json::object()), "");
  if (!plan.ok()) return store::Unexpected<AwsError>(plan.error());

  int64_t idle = in.value("idleTimeoutMinutes", kDefaultSessionIdleMinutes);
  std::string id = ids_.resourceId(env.now());
  double now = epochSeconds(env.now());
  Json session = Json::object();
  session["applicationId"] = app_id;
  session["sessionId"] = id;
  session["arn"] = sessionArn(env.ctx, app_id, id);
  if (in.contains("name")) session["name"] = in["name"];
  session["state"] = "SUBMITTED";
  session["stateDetails"] = "";
  session["releaseLabel"] = label;
  session["executionRoleArn"] = in["executionRoleArn"];
  session["createdBy"] = env.ctx.caller.arn;
  session["createdAt"] = now;
  session["updatedAt"] = now;
  if (in.contains("configurationOverrides")) session["configurationOverrides"] = in["configurationOverrides"];
  if (app_doc.contains("networkConfiguration")) session["networkConfiguration"] = app_doc["networkConfiguration"];
  session["idleTimeoutMinutes"] = idle;
  session["tags"] = in.value("tags", Json::object());
  session["_tb"] = Json{{"since", env.now()}, {"requestHash", hash}, {"plan", *plan}, {"idleTimeoutMs", idle * 60000}};

  store::ResourceRow row;
  row.kind = kSession;
  row.account = env.account();
  row.region = env.region();
  row.id = id;
  row.parent_id = app_id;
  row.state = "SUBMITTED";
  row.created_ms = env.now();
  row.client_token = in.value("clientToken", "");
  row.doc = dumpJson(session);
  if (auto s = env.engine.submitSession(*app, row); !s.ok()) return store::Unexpected<AwsError>(s.error());
  return Json{{"applicationId", app_id}, {"sessionId", id}, {"arn", session["arn"]}};
}

Result<Json> EmrService::getSession(Env& env, const Json& in) {
  std::string app_id = in.value("applicationId", "");
  auto app = loadApp(env, app_id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  auto session = loadChild(env, kSession, app_id, in.value("sessionId", ""));
  if (!session.ok()) return store::Unexpected<AwsError>(session.error());
  return Json{{"session", publicView(parseDoc(session->doc))}};
}

Result<Json> EmrService::getSessionEndpoint(Env& env, const Json& in) {
  std::string app_id = in.value("applicationId", "");
  auto app = loadApp(env, app_id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  auto session = loadChild(env, kSession, app_id, in.value("sessionId", ""));
  if (!session.ok()) return store::Unexpected<AwsError>(session.error());
  if (!sessionReady(session->state)) {
    return fail(ErrorCode::kValidationException, "Session " + session->id + " is " + session->state +
                                                     "; its endpoint is available in the STARTED, IDLE and BUSY states");
  }
  std::string token = base64UrlEncode(hmacSha256(session->id, env.ctx.request_id));
  return Json{{"applicationId", app_id},
              {"sessionId", session->id},
              {"endpoint", env.ctx.base_url + "/_trailbox/sessions/" + session->id},
              {"authToken", token},
              {"authTokenExpiresAt", epochSeconds(env.now() + 3600000)}};
}

Result<Json> EmrService::listSessions(Env& env, const Json& in) {
  return listChildren(env, kSession, in, "sessions", &sessionSummary);
}

Result<Json> EmrService::terminateSession(Env& env, const Json& in) {
  std::string app_id = in.value("applicationId", "");
  auto app = loadApp(env, app_id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  auto session = loadChild(env, kSession, app_id, in.value("sessionId", ""));
  if (!session.ok()) return store::Unexpected<AwsError>(session.error());
  Json out = Json{{"applicationId", app_id}, {"sessionId", session->id}};
  if (session->state == "TERMINATING") return out;
  if (isTerminalSessionState(session->state)) {
    return fail(ErrorCode::kValidationException,
                "Session " + session->id + " is already " + session->state + " and cannot be terminated");
  }
  if (auto s = env.engine.terminateSession(*app, *session); !s.ok()) return store::Unexpected<AwsError>(s.error());
  return out;
}

Result<Json> EmrService::getResourceDashboard(Env& env, const Json& in) {
  std::string app_id = in.value("applicationId", "");
  auto app = loadApp(env, app_id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  auto session = loadChild(env, kSession, app_id, in.value("resourceId", ""));
  if (!session.ok()) return store::Unexpected<AwsError>(session.error());
  int64_t expires = (env.now() + 3600000) / 1000;
  return Json{{"url", env.ctx.base_url + "/_trailbox/dashboard/applications/" + app_id + "/sessions/" + session->id +
                          "?expires=" + std::to_string(expires)}};
}

}  // namespace trailbox::api::emr
