#include "api/emr_serverless/service.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "router_fixture.hpp"

namespace trailbox::testing {
namespace {

class EmrSessions : public RouterTest {
 protected:
  static Json sessionApp(const Json& patch = Json::object()) {
    Json body = Json{{"releaseLabel", "emr-7.13.0"}, {"interactiveConfiguration", Json{{"sessionEnabled", true}}}};
    body.merge_patch(patch);
    return body;
  }
  api::Response startSession(const std::string& app, const Json& patch = Json::object()) {
    Json body = Json{{"clientToken", token()}, {"executionRoleArn", kRoleArn}, {"name", "notebook"}};
    body.merge_patch(patch);
    return callJson("POST", "/applications/" + app + "/sessions", body);
  }
  std::string session(const std::string& app, const Json& patch = Json::object()) {
    auto r = startSession(app, patch);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).value("sessionId", "");
  }
  Json getSession(const std::string& app, const std::string& id) {
    auto r = call("GET", "/applications/" + app + "/sessions/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).value("session", Json());
  }
  std::string sessionState(const std::string& app, const std::string& id) {
    return getSession(app, id).value("state", "");
  }
};

TEST_F(EmrSessions, NeedRelease7_13AndSessionsEnabled) {
  std::string old = createdApp();
  auto r1 = startSession(old);
  EXPECT_EQ(r1.status, 400);
  EXPECT_EQ(errorType(r1), "ValidationException");
  EXPECT_EQ(json(r1)["message"],
            "Sessions are supported for EMR release 7.13.0 and later; application " + old + " uses emr-7.1.0");

  std::string disabled = createdApp({{"releaseLabel", "emr-7.13.0"}});
  auto r2 = startSession(disabled);
  EXPECT_EQ(r2.status, 400);
  EXPECT_EQ(errorType(r2), "ValidationException");
  EXPECT_EQ(json(r2)["message"], "Application " + disabled +
                                     " does not have interactive sessions enabled "
                                     "(interactiveConfiguration.sessionEnabled)");
  EXPECT_EQ(appState(disabled), "CREATED");

  auto r3 = createApplication(sessionApp({{"releaseLabel", "emr-7.12.0"}}));
  EXPECT_EQ(r3.status, 400);
  EXPECT_EQ(errorType(r3), "ValidationException");
}

TEST_F(EmrSessions, SessionStartsGoesIdleAndTerminatesAfterItsIdleTimeout) {
  std::string app = createdApp(sessionApp());
  int64_t t0 = now();
  auto r = startSession(app, {{"idleTimeoutMinutes", 10}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json started = json(r);
  std::string id = started["sessionId"];
  EXPECT_EQ(started["applicationId"], app);
  EXPECT_TRUE(looksLikeResourceId(id)) << id;
  EXPECT_EQ(started["arn"], appArn(app) + "/sessions/" + id);

  Json submitted = getSession(app, id);
  EXPECT_EQ(submitted["state"], "SUBMITTED");
  EXPECT_EQ(submitted["releaseLabel"], "emr-7.13.0");
  EXPECT_EQ(submitted["executionRoleArn"], kRoleArn);
  EXPECT_EQ(submitted["idleTimeoutMinutes"], 10);
  EXPECT_EQ(submitted["name"], "notebook");
  EXPECT_EQ(submitted["createdBy"], "arn:aws:iam::123456789012:user/AKIAIOSFODNN7EXAMPLE");
  EXPECT_FALSE(submitted.contains("_tb"));
  EXPECT_EQ(appState(app), "STARTING");

  advance(1000);  // the application starts; the session starts with it
  EXPECT_EQ(appState(app), "STARTED");
  EXPECT_EQ(sessionState(app, id), "STARTING");
  advance(1000);
  Json ready = getSession(app, id);
  EXPECT_EQ(ready["state"], "STARTED");
  EXPECT_DOUBLE_EQ(ready["startedAt"].get<double>(), (t0 + 2000) / 1000.0);
  advance(1000);
  EXPECT_EQ(sessionState(app, id), "IDLE");
  advance(10 * kMinuteMs - 1);
  EXPECT_EQ(sessionState(app, id), "IDLE");
  advance(1);
  Json terminating = getSession(app, id);
  EXPECT_EQ(terminating["state"], "TERMINATING");
  EXPECT_EQ(terminating["stateDetails"], "Session was idle for 10 minutes (idleTimeoutMinutes) and is terminating");
  advance(1000);
  Json terminated = getSession(app, id);
  EXPECT_EQ(terminated["state"], "TERMINATED");
  EXPECT_DOUBLE_EQ(terminated["endedAt"].get<double>(), now() / 1000.0);
  EXPECT_EQ(terminated["totalExecutionDurationSeconds"], 10 * 60 + 2);
  // A session keeps its application busy; once it ended the application idles out.
  EXPECT_EQ(appState(app), "STARTED");
  advance(15 * kMinuteMs);
  EXPECT_EQ(appState(app), "STOPPING");
}

TEST_F(EmrSessions, SessionWithDefaultIdleTimeoutStaysIdleForAnHour) {
  std::string app = startedApp(sessionApp());
  std::string id = session(app);
  EXPECT_EQ(getSession(app, id)["idleTimeoutMinutes"], 60);
  advance(2000);  // STARTING at +0, STARTED at +1000, IDLE at +2000
  ASSERT_EQ(sessionState(app, id), "IDLE");
  advance(60 * kMinuteMs - 1);
  EXPECT_EQ(sessionState(app, id), "IDLE");
  advance(1);
  EXPECT_EQ(sessionState(app, id), "TERMINATING");
}

TEST_F(EmrSessions, ScriptedFailureFailsTheSessionWhileStarting) {
  std::string app = startedApp(sessionApp());
  std::string id = session(app, {{"tags", Json{{"trailbox:outcome", "FAILED"}, {"trailbox:failure", "No capacity"}}}});
  EXPECT_EQ(sessionState(app, id), "STARTING");
  advance(1000);
  Json failed = getSession(app, id);
  EXPECT_EQ(failed["state"], "FAILED");
  EXPECT_EQ(failed["stateDetails"], "No capacity");
  EXPECT_DOUBLE_EQ(failed["endedAt"].get<double>(), now() / 1000.0);
  EXPECT_EQ(call("POST", "/applications/" + app + "/stop").status, 200) << "a failed session is not live";
}

TEST_F(EmrSessions, TerminateSessionEndsIt) {
  std::string app = startedApp(sessionApp());
  std::string id = session(app);
  advance(2000);
  auto r = call("DELETE", "/applications/" + app + "/sessions/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r), (Json{{"applicationId", app}, {"sessionId", id}}));
  Json terminating = getSession(app, id);
  EXPECT_EQ(terminating["state"], "TERMINATING");
  EXPECT_EQ(terminating["stateDetails"], "Session terminated by TerminateSession");
  // Terminating a TERMINATING session is accepted.
  EXPECT_EQ(call("DELETE", "/applications/" + app + "/sessions/" + id).status, 200);
  advance(999);
  EXPECT_EQ(sessionState(app, id), "TERMINATING");
  advance(1);
  EXPECT_EQ(sessionState(app, id), "TERMINATED");
  auto again = call("DELETE", "/applications/" + app + "/sessions/" + id);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(errorType(again), "ValidationException");
  EXPECT_EQ(json(again)["message"], "Session " + id + " is already TERMINATED and cannot be terminated");
}

TEST_F(EmrSessions, ActiveSessionBlocksStopApplication) {
  std::string app = startedApp(sessionApp());
  std::string id = session(app);
  auto r = call("POST", "/applications/" + app + "/stop");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  ASSERT_EQ(call("DELETE", "/applications/" + app + "/sessions/" + id).status, 200);
  advance(1000);
  EXPECT_EQ(call("POST", "/applications/" + app + "/stop").status, 200);
}

TEST_F(EmrSessions, EndpointIsAvailableOnlyWhenTheSessionIsReady) {
  std::string app = startedApp(sessionApp());
  std::string id = session(app);
  std::string path = "/applications/" + app + "/sessions/" + id + "/endpoint";
  auto early = call("GET", path);
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(errorType(early), "ValidationException");
  // The application is already STARTED, so the session is STARTING at once.
  EXPECT_EQ(json(early)["message"],
            "Session " + id + " is STARTING; its endpoint is available in the STARTED, IDLE and BUSY states");
  advance(1000);
  auto r = call("GET", path);
  ASSERT_EQ(r.status, 200) << r.body;
  Json body = json(r);
  EXPECT_EQ(body["applicationId"], app);
  EXPECT_EQ(body["sessionId"], id);
  EXPECT_EQ(body["endpoint"], "http://127.0.0.1:4566/_trailbox/sessions/" + id);
  EXPECT_FALSE(body["authToken"].get<std::string>().empty());
  EXPECT_DOUBLE_EQ(body["authTokenExpiresAt"].get<double>(), (now() + 3600000) / 1000.0);
  advance(1000);
  EXPECT_EQ(call("GET", path).status, 200) << "IDLE sessions are ready";
  ASSERT_EQ(call("DELETE", "/applications/" + app + "/sessions/" + id).status, 200);
  EXPECT_EQ(call("GET", path).status, 400) << "TERMINATING sessions are not";
}

TEST_F(EmrSessions, ResourceDashboardUrlNamesTheSession) {
  std::string app = startedApp(sessionApp());
  std::string id = session(app);
  auto r = call("GET", "/applications/" + app + "/dashboard?resourceId=" + id + "&resourceType=SESSION");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r), (Json{{"url", "http://127.0.0.1:4566/_trailbox/dashboard/applications/" + app + "/sessions/" + id +
                                       "?expires=" + std::to_string((now() + 3600000) / 1000)}}));
  auto missing = call("GET", "/applications/" + app + "/dashboard?resourceId=00nosuchsession0&resourceType=SESSION");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errorType(missing), "ResourceNotFoundException");
  auto bad_type = call("GET", "/applications/" + app + "/dashboard?resourceId=" + id + "&resourceType=JOB_RUN");
  EXPECT_EQ(bad_type.status, 400);
  EXPECT_EQ(errorType(bad_type), "ValidationException");
}

TEST_F(EmrSessions, AutoStartDisabledNeedsAStartedApplication) {
  std::string app = createdApp(sessionApp({{"autoStartConfiguration", Json{{"enabled", false}}}}));
  auto r = startSession(app);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(json(r)["message"], "Application " + app +
                                    " is CREATED; the application must be in the STARTED state or have AutoStart "
                                    "enabled to start a session");
}

TEST_F(EmrSessions, ListSessionsNewestFirstWithStateFilter) {
  std::string app = startedApp(sessionApp());
  std::string first = session(app);
  advance(10);
  std::string second = session(app);
  ASSERT_EQ(call("DELETE", "/applications/" + app + "/sessions/" + first).status, 200);
  auto all = call("GET", "/applications/" + app + "/sessions");
  ASSERT_EQ(all.status, 200) << all.body;
  Json sessions = json(all)["sessions"];
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0]["sessionId"], second);
  EXPECT_EQ(sessions[1]["sessionId"], first);
  EXPECT_EQ(sessions[1]["state"], "TERMINATING");
  EXPECT_EQ(sessions[0]["arn"], appArn(app) + "/sessions/" + second);
  auto terminating = call("GET", "/applications/" + app + "/sessions?states=TERMINATING");
  ASSERT_EQ(json(terminating)["sessions"].size(), 1u);
  EXPECT_EQ(json(terminating)["sessions"][0]["sessionId"], first);
}

TEST_F(EmrSessions, SameClientTokenReturnsTheSameSession) {
  std::string app = startedApp(sessionApp());
  Json body = Json{{"clientToken", "same-token"}, {"executionRoleArn", kRoleArn}};
  std::string path = "/applications/" + app + "/sessions";
  auto first = callJson("POST", path, body);
  auto second = callJson("POST", path, body);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(json(first), json(second));
  body["name"] = "other";
  auto conflict = callJson("POST", path, body);
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(errorType(conflict), "ConflictException");
}

TEST_F(EmrSessions, GetMissingSessionIsNotFound) {
  std::string app = startedApp(sessionApp());
  auto r = call("GET", "/applications/" + app + "/sessions/00nosuchsession0");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorType(r), "ResourceNotFoundException");
  EXPECT_EQ(json(r)["message"], "Session 00nosuchsession0 does not exist for application " + app);
}

}  // namespace
}  // namespace trailbox::testing
