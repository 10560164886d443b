#include "api/emr_serverless/service.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "router_fixture.hpp"

namespace trailbox::testing {
namespace {

// --- readOnly and resourcesOf (static, no router needed) -------------------------------------

TEST(EmrServiceReadOnly, GetAndListOperationsAreReadOnly) {
  for (const char* op :
       {"GetApplication", "ListApplications", "GetJobRun", "ListJobRuns", "ListJobRunAttempts", "GetDashboardForJobRun",
        "GetResourceDashboard", "GetSession", "GetSessionEndpoint", "ListSessions", "ListTagsForResource"}) {
    EXPECT_TRUE(api::emr::EmrService::isReadOnly(op)) << op;
  }
}

TEST(EmrServiceReadOnly, WriteOperationsAreNotReadOnly) {
  for (const char* op :
       {"CreateApplication", "UpdateApplication", "DeleteApplication", "StartApplication", "StopApplication",
        "StartJobRun", "CancelJobRun", "StartSession", "TerminateSession", "TagResource", "UntagResource"}) {
    EXPECT_FALSE(api::emr::EmrService::isReadOnly(op)) << op;
  }
  EXPECT_FALSE(api::emr::EmrService::isReadOnly("NoSuchOperation"));
}

class EmrServiceResources : public ::testing::Test {
 protected:
  EmrServiceResources() {
    caller_.account_id = "123456789012";
    caller_.region = "eu-west-1";
  }
  std::vector<store::EventResource> resources(const std::string& op, const Json& input, const Json* output = nullptr) {
    api::emr::CallContext ctx{caller_, "request-id", 0, "http://localhost"};
    return api::emr::EmrService::resourcesOf(op, ctx, input, output);
  }
  static std::vector<std::pair<std::string, std::string>> pairs(const std::vector<store::EventResource>& rs) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : rs) out.emplace_back(r.type, r.name);
    return out;
  }
  api::Caller caller_;
  const std::string app_ = "00f1abcdefghij0k";
  const std::string app_arn_ = "arn:aws:emr-serverless:eu-west-1:123456789012:/applications/00f1abcdefghij0k";
};

TEST_F(EmrServiceResources, CreateApplicationNamesTheNewApplication) {
  Json output = Json{{"name", "x"}, {"applicationId", app_}, {"arn", app_arn_}};
  EXPECT_EQ(pairs(resources("CreateApplication", Json{{"name", "x"}}, &output)),
            (std::vector<std::pair<std::string, std::string>>{{"AWS::EMRServerless::Application", app_arn_}}));
  EXPECT_TRUE(resources("CreateApplication", Json{{"name", "x"}}, nullptr).empty()) << "failed creates name nothing";
}

TEST_F(EmrServiceResources, StartJobRunNamesApplicationAndRun) {
  Json output = Json{{"applicationId", app_}, {"jobRunId", "00runid000000001"}};
  EXPECT_EQ(pairs(resources("StartJobRun", Json{{"applicationId", app_}}, &output)),
            (std::vector<std::pair<std::string, std::string>>{
                {"AWS::EMRServerless::Application", app_arn_},
                {"AWS::EMRServerless::JobRun", app_arn_ + "/jobruns/00runid000000001"}}));
  EXPECT_EQ(pairs(resources("GetJobRun", Json{{"applicationId", app_}, {"jobRunId", "00runid000000001"}})),
            (std::vector<std::pair<std::string, std::string>>{
                {"AWS::EMRServerless::Application", app_arn_},
                {"AWS::EMRServerless::JobRun", app_arn_ + "/jobruns/00runid000000001"}}));
}

TEST_F(EmrServiceResources, SessionsAreNamedFromOutputOrResourceId) {
  Json output = Json{{"applicationId", app_}, {"sessionId", "00session0000001"}};
  std::string session_arn = app_arn_ + "/sessions/00session0000001";
  EXPECT_EQ(pairs(resources("StartSession", Json{{"applicationId", app_}}, &output)),
            (std::vector<std::pair<std::string, std::string>>{{"AWS::EMRServerless::Application", app_arn_},
                                                              {"AWS::EMRServerless::Session", session_arn}}));
  EXPECT_EQ(
      pairs(resources("GetResourceDashboard",
                      Json{{"applicationId", app_}, {"resourceId", "00session0000001"}, {"resourceType", "SESSION"}})),
      (std::vector<std::pair<std::string, std::string>>{{"AWS::EMRServerless::Application", app_arn_},
                                                        {"AWS::EMRServerless::Session", session_arn}}));
}

TEST_F(EmrServiceResources, TagOperationsNameTheArn) {
  std::string run_arn = app_arn_ + "/jobruns/00runid000000001";
  EXPECT_EQ(pairs(resources("TagResource", Json{{"resourceArn", app_arn_}})),
            (std::vector<std::pair<std::string, std::string>>{{"AWS::EMRServerless::Application", app_arn_}}));
  EXPECT_EQ(pairs(resources("ListTagsForResource", Json{{"resourceArn", run_arn}})),
            (std::vector<std::pair<std::string, std::string>>{{"AWS::EMRServerless::JobRun", run_arn}}));
}

TEST_F(EmrServiceResources, IdsThatCannotNameAResourceAreSkipped) {
  EXPECT_TRUE(resources("GetApplication", Json{{"applicationId", "NOT-AN-ID"}}).empty());
  EXPECT_TRUE(resources("ListApplications", Json::object()).empty());
  EXPECT_EQ(pairs(resources("GetJobRun", Json{{"applicationId", app_}, {"jobRunId", "Bad/Id"}})),
            (std::vector<std::pair<std::string, std::string>>{{"AWS::EMRServerless::Application", app_arn_}}));
}

// --- tags over the wire ----------------------------------------------------------------------

class EmrTags : public RouterTest {
 protected:
  std::string tagsPath(const std::string& arn) { return "/tags/" + encodeLabel(arn); }
  Json listTags(const std::string& arn) {
    auto r = call("GET", tagsPath(arn));
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).value("tags", Json());
  }
};

TEST_F(EmrTags, TagUntagAndListOnAnApplication) {
  std::string app = createApp({{"tags", Json{{"owner", "alice"}}}});
  std::string arn = appArn(app);
  EXPECT_EQ(tagsPath(arn), "/tags/arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A123456789012%3A%2Fapplications%2F" + app);
  EXPECT_EQ(listTags(arn), (Json{{"owner", "alice"}}));

  auto tag = callJson("POST", tagsPath(arn), Json{{"tags", Json{{"team", "data"}, {"env", "dev"}}}});
  ASSERT_EQ(tag.status, 200) << tag.body;
  EXPECT_EQ(json(tag), Json::object());
  EXPECT_EQ(listTags(arn), (Json{{"owner", "alice"}, {"team", "data"}, {"env", "dev"}}));
  EXPECT_EQ(getApp(app)["tags"], (Json{{"owner", "alice"}, {"team", "data"}, {"env", "dev"}}));

  // Re-tagging overwrites the value.
  ASSERT_EQ(callJson("POST", tagsPath(arn), Json{{"tags", Json{{"env", "prod"}}}}).status, 200);
  EXPECT_EQ(listTags(arn)["env"], "prod");

  auto untag = call("DELETE", tagsPath(arn) + "?tagKeys=team&tagKeys=env");
  ASSERT_EQ(untag.status, 200) << untag.body;
  EXPECT_EQ(json(untag), Json::object());
  EXPECT_EQ(listTags(arn), (Json{{"owner", "alice"}}));
  // Removing a key that is not there is fine.
  EXPECT_EQ(call("DELETE", tagsPath(arn) + "?tagKeys=nothing").status, 200);
}

TEST_F(EmrTags, TagsOnAJobRun) {
  std::string app = startedApp();
  std::string run = startRun(app, {{"tags", Json{{"step", "1"}}}});
  std::string arn = runArn(app, run);
  EXPECT_EQ(listTags(arn), (Json{{"step", "1"}}));
  ASSERT_EQ(callJson("POST", tagsPath(arn), Json{{"tags", Json{{"batch", "nightly"}}}}).status, 200);
  EXPECT_EQ(listTags(arn), (Json{{"step", "1"}, {"batch", "nightly"}}));
  EXPECT_EQ(getRun(app, run)["tags"], (Json{{"step", "1"}, {"batch", "nightly"}}));
  EXPECT_EQ(listTags(appArn(app)), Json::object()) << "run tags do not touch the application";
}

TEST_F(EmrTags, UnknownArnIsNotFound) {
  std::string app = createApp();
  for (const std::string& arn : {appArn("00nosuchapp00000"), runArn(app, "00nosuchrun00000")}) {
    auto r = call("GET", tagsPath(arn));
    EXPECT_EQ(r.status, 404) << arn;
    EXPECT_EQ(errorType(r), "ResourceNotFoundException") << arn;
    EXPECT_EQ(json(r)["message"], "Resource " + arn + " does not exist");
    auto t = callJson("POST", tagsPath(arn), Json{{"tags", Json{{"a", "b"}}}});
    EXPECT_EQ(t.status, 404) << arn;
  }
}

TEST_F(EmrTags, ArnOfAnotherAccountOrRegionIsNotFound) {
  std::string app = createApp();
  for (const auto& arn : {appArn(app, "111122223333"), appArn(app, kAccount, "eu-west-1")}) {
    auto r = call("GET", tagsPath(arn));
    EXPECT_EQ(r.status, 404) << arn;
    EXPECT_EQ(errorType(r), "ResourceNotFoundException") << arn;
  }
  // And the other account cannot reach ours by its real ARN either.
  auto r = call("GET", tagsPath(appArn(app)), "", as("111122223333"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorType(r), "ResourceNotFoundException");
}

TEST_F(EmrTags, RunArnUnderTheWrongApplicationIsNotFound) {
  std::string app = startedApp();
  std::string other = createApp();
  std::string run = startRun(app);
  auto r = call("GET", tagsPath(runArn(other, run)));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorType(r), "ResourceNotFoundException");
}

TEST_F(EmrTags, AResourceHoldsAtMost200Tags) {
  Json many = Json::object();
  for (int i = 0; i < 150; ++i) many["k" + std::to_string(i)] = "v";
  std::string app = createApp({{"tags", many}});
  std::string arn = appArn(app);
  Json more = Json::object();
  for (int i = 150; i < 210; ++i) more["k" + std::to_string(i)] = "v";
  auto r = callJson("POST", tagsPath(arn), Json{{"tags", more}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  EXPECT_EQ(json(r)["message"], "A resource can have at most 200 tags; this request would leave it with 210");
  EXPECT_EQ(listTags(arn).size(), 150u) << "nothing was added";
}

TEST_F(EmrTags, MalformedArnIsValidationException) {
  auto r = call("GET", tagsPath("arn:aws:s3:::bucket-name-that-is-long-enough-for-the-minimum-length-of-sixty"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  auto bad_key = callJson("POST", tagsPath(appArn(createApp())), Json{{"tags", Json{{"bad,key", "v"}}}});
  EXPECT_EQ(bad_key.status, 400);
  EXPECT_EQ(errorType(bad_key), "ValidationException");
}

// --- the CloudTrail record of each call ------------------------------------------------------

class EmrRecording : public RouterTest {};

TEST_F(EmrRecording, SuccessfulWriteIsRecordedOnceWithRequestAndResponse) {
  Json body = appRequest();
  auto r = callJson("POST", "/applications", body);
  ASSERT_EQ(r.status, 200);
  Json all = events();
  ASSERT_EQ(all.size(), 1u);
  Json e = all[0];
  EXPECT_EQ(e["eventVersion"], "1.08");
  EXPECT_EQ(e["userIdentity"]["type"], "IAMUser");
  EXPECT_EQ(e["userIdentity"]["arn"], "arn:aws:iam::123456789012:user/AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(e["userIdentity"]["accountId"], kAccount);
  EXPECT_EQ(e["userIdentity"]["accessKeyId"], kAccessKey);
  EXPECT_EQ(e["userIdentity"]["userName"], kAccessKey);
  EXPECT_EQ(e["eventTime"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(e["eventSource"], kEmrSource);
  EXPECT_EQ(e["eventName"], "CreateApplication");
  EXPECT_EQ(e["awsRegion"], kRegion);
  EXPECT_EQ(e["sourceIPAddress"], "127.0.0.1");
  EXPECT_EQ(e["userAgent"], kUserAgent);
  EXPECT_FALSE(e.contains("errorCode"));
  EXPECT_EQ(e["requestParameters"], body) << "the body as sent, clientToken included";
  EXPECT_EQ(e["responseElements"], json(r));
  EXPECT_EQ(e["requestID"], requestId(r));
  EXPECT_EQ(e["eventID"].get<std::string>().size(), 36u);
  EXPECT_NE(e["eventID"], e["requestID"]);
  EXPECT_EQ(e["readOnly"], false);
  EXPECT_EQ(e["eventType"], "AwsApiCall");
  EXPECT_EQ(e["managementEvent"], true);
  EXPECT_EQ(e["recipientAccountId"], kAccount);
  EXPECT_EQ(e["eventCategory"], "Management");
}

TEST_F(EmrRecording, FailedCallIsRecordedWithItsErrorAndNoResponse) {
  Json body = appRequest({{"releaseLabel", "emr-0.0.1"}});
  auto r = callJson("POST", "/applications", body);
  ASSERT_EQ(r.status, 400);
  Json e = eventFor(r);
  EXPECT_EQ(e["eventName"], "CreateApplication");
  EXPECT_EQ(e["errorCode"], "ValidationException");
  EXPECT_EQ(e["errorMessage"], json(r)["message"]);
  EXPECT_EQ(e["requestParameters"], body);
  EXPECT_TRUE(e["responseElements"].is_null());
  EXPECT_EQ(e["readOnly"], false);
  EXPECT_EQ(eventCount(), 1);
}

TEST_F(EmrRecording, NotFoundIsRecordedWithThePathLabel) {
  auto r = call("GET", "/applications/00nosuchapp00000");
  ASSERT_EQ(r.status, 404);
  Json e = eventFor(r);
  EXPECT_EQ(e["eventName"], "GetApplication");
  EXPECT_EQ(e["errorCode"], "ResourceNotFoundException");
  EXPECT_EQ(e["errorMessage"], "Application 00nosuchapp00000 does not exist");
  EXPECT_EQ(e["requestParameters"], (Json{{"applicationId", "00nosuchapp00000"}}));
  EXPECT_EQ(e["readOnly"], true);
}

TEST_F(EmrRecording, ModelValidationFailureIsRecorded) {
  auto r = call("GET", "/applications?maxResults=51");
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  Json e = eventFor(r);
  EXPECT_EQ(e["eventName"], "ListApplications");
  EXPECT_EQ(e["errorCode"], "ValidationException");
  EXPECT_EQ(e["readOnly"], true);
  EXPECT_EQ(e["errorMessage"], json(r)["message"]);
}

TEST_F(EmrRecording, ValidationFailureStillRecordsWhatWasSent) {
  // The record of a rejected call keeps the request parameters (path labels, query and body
  // members) and the resources it names, so LookupEvents by ResourceName finds it too.
  std::string app = createApp();
  auto r = call("GET", "/applications/" + app + "/jobruns?maxResults=51");
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "ValidationException");
  Json e = eventFor(r);
  EXPECT_EQ(e["errorCode"], "ValidationException");
  EXPECT_EQ(e["requestParameters"], (Json{{"applicationId", app}, {"maxResults", 51}}));
  EXPECT_EQ(eventCount("resourceName=" + encodeLabel(appArn(app)) + "&eventName=ListJobRuns"), 1);
}

TEST_F(EmrRecording, ReadOnlyFollowsTheOperation) {
  std::string app = createApp();
  getApp(app);
  call("GET", "/applications");
  call("GET", "/tags/" + encodeLabel(appArn(app)));
  Json all = events();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(names(all), (std::vector<std::string>{"CreateApplication", "GetApplication", "ListApplications",
                                                  "ListTagsForResource"}));
  EXPECT_EQ(all[0]["readOnly"], false);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(all[i]["readOnly"], true) << all[i]["eventName"];
    EXPECT_TRUE(all[i]["responseElements"].is_null()) << all[i]["eventName"];
  }
  EXPECT_EQ(all[1]["requestParameters"], (Json{{"applicationId", app}}));
  EXPECT_TRUE(all[2]["requestParameters"].is_null()) << "nothing was sent";
  EXPECT_EQ(all[3]["requestParameters"], (Json{{"resourceArn", appArn(app)}}));
}

TEST_F(EmrRecording, EveryOperationIsRecordedOnceUnderItsName) {
  std::string app =
      createdApp({{"releaseLabel", "emr-7.13.0"}, {"interactiveConfiguration", Json{{"sessionEnabled", true}}}});
  std::string run = startRun(app);
  advance(1000);
  int64_t before = eventCount();
  std::string base = "/applications/" + app;
  std::string run_path = base + "/jobruns/" + run;
  std::string arn = encodeLabel(appArn(app));
  std::vector<std::pair<std::string, api::Response>> calls;
  auto record = [&](const std::string& name, api::Response r) { calls.emplace_back(name, std::move(r)); };
  record("GetJobRun", call("GET", run_path));
  record("ListJobRuns", call("GET", base + "/jobruns"));
  record("ListJobRunAttempts", call("GET", run_path + "/attempts"));
  record("GetDashboardForJobRun", call("GET", run_path + "/dashboard"));
  record("CancelJobRun", call("DELETE", run_path + "?shutdownGracePeriodInSeconds=1"));
  auto started = callJson("POST", base + "/sessions", Json{{"clientToken", token()}, {"executionRoleArn", kRoleArn}});
  std::string session = json(started)["sessionId"];
  record("StartSession", started);
  record("GetSession", call("GET", base + "/sessions/" + session));
  record("ListSessions", call("GET", base + "/sessions"));
  record("GetResourceDashboard", call("GET", base + "/dashboard?resourceId=" + session + "&resourceType=SESSION"));
  advance(2000);
  record("GetSessionEndpoint", call("GET", base + "/sessions/" + session + "/endpoint"));
  record("TerminateSession", call("DELETE", base + "/sessions/" + session));
  record("TagResource", callJson("POST", "/tags/" + arn, Json{{"tags", Json{{"k", "v"}}}}));
  record("UntagResource", call("DELETE", "/tags/" + arn + "?tagKeys=k"));
  advance(5000);
  record("StopApplication", call("POST", base + "/stop"));
  advance(1000);
  record("UpdateApplication", callJson("PATCH", base, Json{{"clientToken", token()}}));
  record("StartApplication", call("POST", base + "/start"));
  record("StopApplication", call("POST", base + "/stop"));
  advance(1000);
  record("DeleteApplication", call("DELETE", base));

  for (const auto& [name, r] : calls) {
    EXPECT_EQ(r.status, 200) << name << ": " << r.body;
    Json e = eventFor(r);
    EXPECT_EQ(e["eventName"], name);
    EXPECT_EQ(e["eventSource"], kEmrSource);
    EXPECT_EQ(e["readOnly"], api::emr::EmrService::isReadOnly(name)) << name;
    EXPECT_FALSE(e.contains("errorCode")) << name;
    if (api::emr::EmrService::isReadOnly(name)) {
      EXPECT_TRUE(e["responseElements"].is_null()) << name;
    }
  }
  EXPECT_EQ(eventCount(), before + static_cast<int64_t>(calls.size()));
}

TEST_F(EmrRecording, StartJobRunHidesSensitiveMembersButKeepsTheRest) {
  std::string app = startedApp();
  Json body =
      Json{{"clientToken", "tok-1"},
           {"executionRoleArn", kRoleArn},
           {"name", "myjob"},
           {"jobDriver", Json{{"sparkSubmit", Json{{"entryPoint", "s3://bucket/secret.py"},
                                                   {"entryPointArguments", Json::array({"--password", "x"})},
                                                   {"sparkSubmitParameters", "--conf a=b"}}}}},
           {"configurationOverrides",
            Json{{"applicationConfiguration", Json::array({Json{{"classification", "spark-defaults"},
                                                                {"properties", Json{{"spark.secret", "s3cr3t"}}}}})}}}};
  auto r = callJson("POST", "/applications/" + app + "/jobruns", body);
  ASSERT_EQ(r.status, 200) << r.body;
  Json e = eventFor(r);
  Json expected = Json{
      {"applicationId", app},
      {"clientToken", "tok-1"},
      {"executionRoleArn", kRoleArn},
      {"name", "myjob"},
      {"jobDriver", Json{{"sparkSubmit", Json{{"entryPoint", "HIDDEN_DUE_TO_SECURITY_REASONS"},
                                              {"entryPointArguments", Json::array({"HIDDEN_DUE_TO_SECURITY_REASONS",
                                                                                   "HIDDEN_DUE_TO_SECURITY_REASONS"})},
                                              {"sparkSubmitParameters", "HIDDEN_DUE_TO_SECURITY_REASONS"}}}}},
      {"configurationOverrides",
       Json{{"applicationConfiguration", Json::array({Json{{"classification", "spark-defaults"},
                                                           {"properties", "HIDDEN_DUE_TO_SECURITY_REASONS"}}})}}}};
  EXPECT_EQ(e["requestParameters"], expected);
  EXPECT_EQ(e["responseElements"], json(r));
  EXPECT_EQ(e["responseElements"]["jobRunId"], json(r)["jobRunId"]);
  // The API itself still returns what was sent.
  Json run = getRun(app, json(r)["jobRunId"]);
  EXPECT_EQ(run["jobDriver"]["sparkSubmit"]["entryPoint"], "s3://bucket/secret.py");
}

TEST_F(EmrRecording, QueryParametersAreRecordedTyped) {
  std::string app = startedApp();
  std::string run = startRun(app);
  auto r = call("DELETE", "/applications/" + app + "/jobruns/" + run + "?shutdownGracePeriodInSeconds=60");
  ASSERT_EQ(r.status, 200) << r.body;
  Json e = eventFor(r);
  EXPECT_EQ(e["requestParameters"],
            (Json{{"applicationId", app}, {"jobRunId", run}, {"shutdownGracePeriodInSeconds", 60}}));
  EXPECT_EQ(e["responseElements"], (Json{{"applicationId", app}, {"jobRunId", run}}));

  auto list = call("GET", "/applications?maxResults=10&states=STARTED&states=CREATED");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(eventFor(list)["requestParameters"],
            (Json{{"maxResults", 10}, {"states", Json::array({"STARTED", "CREATED"})}}));
}

TEST_F(EmrRecording, EmptyOutputWritesRecordNullResponseElements) {
  // aws-behaviour.md C.3: operations with an empty output record "responseElements": null.
  std::string app = createdApp();
  auto start = call("POST", "/applications/" + app + "/start");
  ASSERT_EQ(start.status, 200);
  EXPECT_TRUE(eventFor(start)["responseElements"].is_null()) << eventFor(start)["responseElements"].dump();
}

TEST_F(EmrRecording, FailedCallLeavesNoStateChange) {
  std::string app = createdApp();
  int64_t before = eventCount();
  auto bad = startJobRun(app, {{"tags", Json{{"trailbox:running-ms", "soon"}}}});
  ASSERT_EQ(bad.status, 400);
  EXPECT_EQ(errorType(bad), "ValidationException");
  EXPECT_EQ(eventCount(), before + 1);
  EXPECT_EQ(appState(app), "CREATED");
  auto runs = call("GET", "/applications/" + app + "/jobruns");
  EXPECT_EQ(json(runs), (Json{{"jobRuns", Json::array()}}));

  Json body = appRequest();
  ASSERT_EQ(callJson("POST", "/applications", body).status, 200);
  body["name"] = "changed";
  ASSERT_EQ(callJson("POST", "/applications", body).status, 409);
  auto list = call("GET", "/applications");
  EXPECT_EQ(json(list)["applications"].size(), 2u);
}

TEST_F(EmrRecording, UnknownRoutesAndMalformedSignaturesAreNotRecorded) {
  createApp();
  int64_t before = eventCount();
  auto deep = call("GET", "/applications/a/b/c/d/e");
  EXPECT_EQ(deep.status, 404);
  EXPECT_EQ(errorType(deep), "UnknownOperationException");
  auto wrong_method = call("PUT", "/applications");
  EXPECT_EQ(wrong_method.status, 404);
  EXPECT_EQ(errorType(wrong_method), "UnknownOperationException");
  auto elsewhere = call("GET", "/nothing-here");
  EXPECT_EQ(elsewhere.status, 404);
  EXPECT_EQ(errorType(elsewhere), "UnknownOperationException");
  auto bad_sig = call("GET", "/applications", "", {{"authorization", "AWS4-HMAC-SHA256 Credential=broken"}});
  EXPECT_EQ(bad_sig.status, 403);
  EXPECT_EQ(errorType(bad_sig), "IncompleteSignatureException");
  EXPECT_EQ(eventCount(), before);
}

TEST_F(EmrRecording, UnsignedCallsAreAttributedToTheDefaultUser) {
  auto r = createApplication(Json::object(), unsignedRequest());
  ASSERT_EQ(r.status, 200);
  Json e = eventFor(r);
  EXPECT_EQ(e["userIdentity"]["arn"], "arn:aws:iam::123456789012:user/trailbox");
  EXPECT_FALSE(e["userIdentity"].contains("accessKeyId"));
  EXPECT_EQ(e["awsRegion"], kRegion);
}

TEST_F(EmrRecording, SessionCredentialsAreRecordedAsAnAssumedRole) {
  Headers headers = as("ASIAIOSFODNN7EXAMPLE");
  headers.emplace_back("x-amz-security-token", "FwoGZXIvYXdzEXAMPLE");
  auto r = createApplication(Json::object(), headers);
  ASSERT_EQ(r.status, 200);
  Json identity = eventFor(r)["userIdentity"];
  EXPECT_EQ(identity["type"], "AssumedRole");
  EXPECT_EQ(identity["arn"], "arn:aws:sts::123456789012:assumed-role/trailbox/ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(identity["accessKeyId"], "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(identity["sessionContext"]["sessionIssuer"]["arn"], "arn:aws:iam::123456789012:role/trailbox");
  EXPECT_EQ(identity["sessionContext"]["attributes"]["mfaAuthenticated"], "false");
}

TEST_F(EmrRecording, EventTimeIsTheClockAtTheCall) {
  advance(90061000);  // one day, one hour, one minute and one second
  auto r = createApplication();
  EXPECT_EQ(eventFor(r)["eventTime"], "2026-01-02T01:01:01Z");
}

TEST_F(EmrRecording, ErrorResponsesCarryTheErrorTypeHeaderAndMessage) {
  auto r = call("GET", "/applications/00nosuchapp00000");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(header(r, "content-type"), "application/json");
  EXPECT_EQ(header(r, "x-amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_EQ(requestId(r).size(), 36u);
  EXPECT_EQ(json(r), (Json{{"message", "Application 00nosuchapp00000 does not exist"}}));
}

TEST_F(EmrRecording, MalformedBodyIsSerializationExceptionAndRecorded) {
  auto r = call("POST", "/applications", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorType(r), "SerializationException");
  Json e = eventFor(r);
  EXPECT_EQ(e["errorCode"], "SerializationException");
  EXPECT_EQ(e["eventName"], "CreateApplication");
}

}  // namespace
}  // namespace trailbox::testing
