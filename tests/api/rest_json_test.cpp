#include "api/protocol/rest_json.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/model/validator.hpp"

namespace trailbox::embedded {
extern const std::string_view emr_serverless_model;
}  // namespace trailbox::embedded

namespace trailbox::api {
namespace {

const ServiceModel& emrModel() {
  static const std::unique_ptr<ServiceModel> model = [] {
    auto r = ServiceModel::load(embedded::emr_serverless_model);
    if (!r.ok()) std::abort();
    return std::move(r).value();
  }();
  return *model;
}

const RestJsonRouter& router() {
  static const RestJsonRouter r(emrModel());
  return r;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

constexpr const char* kApp = "00f1abcdefghij0k";
constexpr const char* kRun = "00f1abcdefghij0b";
constexpr const char* kArn = "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00f1abcdefghij0k";
constexpr const char* kEncodedArn =
    "arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A123456789012%3A%2Fapplications%2F00f1abcdefghij0k";

// Routes `method path` and decodes it with `query` (raw) and `body`.
Result<DecodedInput> decode(const std::string& method, const std::string& path, const std::string& query,
                            const std::string& body) {
  RestJsonRouter::Miss miss;
  auto m = router().match(method, path, miss);
  if (!m) {
    ADD_FAILURE() << "no route for " << method << " " << path;
    return fail(ErrorCode::kUnknownOperationException, "no route");
  }
  QueryParams q;
  EXPECT_TRUE(parseQuery(query, q));
  return decodeRestJson(*m->operation, *m, q, body);
}

struct RouteCase {
  std::string method;
  std::string path;
  std::string operation;
  std::vector<std::pair<std::string, std::string>> labels;
};

TEST(RestJsonRouter, MatchesAllEmrOperations) {
  const std::string app = std::string("/applications/") + kApp;
  const std::string run = app + "/jobruns/" + kRun;
  const std::string session = app + "/sessions/00f1abcdefghij0s";
  using L = std::vector<std::pair<std::string, std::string>>;
  const std::vector<RouteCase> cases = {
      {"POST", "/applications", "CreateApplication", {}},
      {"GET", "/applications", "ListApplications", {}},
      {"GET", app, "GetApplication", L{{"applicationId", kApp}}},
      {"PATCH", app, "UpdateApplication", L{{"applicationId", kApp}}},
      {"DELETE", app, "DeleteApplication", L{{"applicationId", kApp}}},
      {"POST", app + "/start", "StartApplication", L{{"applicationId", kApp}}},
      {"POST", app + "/stop", "StopApplication", L{{"applicationId", kApp}}},
      {"GET", app + "/dashboard", "GetResourceDashboard", L{{"applicationId", kApp}}},
      {"POST", app + "/jobruns", "StartJobRun", L{{"applicationId", kApp}}},
      {"GET", app + "/jobruns", "ListJobRuns", L{{"applicationId", kApp}}},
      {"GET", run, "GetJobRun", L{{"applicationId", kApp}, {"jobRunId", kRun}}},
      {"DELETE", run, "CancelJobRun", L{{"applicationId", kApp}, {"jobRunId", kRun}}},
      {"GET", run + "/dashboard", "GetDashboardForJobRun", L{{"applicationId", kApp}, {"jobRunId", kRun}}},
      {"GET", run + "/attempts", "ListJobRunAttempts", L{{"applicationId", kApp}, {"jobRunId", kRun}}},
      {"POST", app + "/sessions", "StartSession", L{{"applicationId", kApp}}},
      {"GET", app + "/sessions", "ListSessions", L{{"applicationId", kApp}}},
      {"GET", session, "GetSession", L{{"applicationId", kApp}, {"sessionId", "00f1abcdefghij0s"}}},
      {"DELETE", session, "TerminateSession", L{{"applicationId", kApp}, {"sessionId", "00f1abcdefghij0s"}}},
      {"GET", session + "/endpoint", "GetSessionEndpoint",
       L{{"applicationId", kApp}, {"sessionId", "00f1abcdefghij0s"}}},
      {"GET", std::string("/tags/") + kEncodedArn, "ListTagsForResource", L{{"resourceArn", kArn}}},
      {"POST", std::string("/tags/") + kEncodedArn, "TagResource", L{{"resourceArn", kArn}}},
      {"DELETE", std::string("/tags/") + kEncodedArn, "UntagResource", L{{"resourceArn", kArn}}},
  };
  std::vector<std::string> seen;
  for (const auto& c : cases) {
    RestJsonRouter::Miss miss = RestJsonRouter::Miss::kNoPath;
    auto m = router().match(c.method, c.path, miss);
    ASSERT_TRUE(m.has_value()) << c.method << " " << c.path;
    EXPECT_EQ(miss, RestJsonRouter::Miss::kNone);
    ASSERT_NE(m->operation, nullptr);
    EXPECT_EQ(m->operation->name, c.operation) << c.method << " " << c.path;
    EXPECT_EQ(m->labels, c.labels) << c.operation;
    seen.push_back(m->operation->name);
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
  EXPECT_EQ(seen.size(), 22u);
}

TEST(RestJsonRouter, EncodedArnIsOneSegmentDecodedIntoTheLabel) {
  RestJsonRouter::Miss miss;
  std::string path =
      "/tags/arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A123456789012%3A%2Fapplications%2F00f1abcdefghij0k"
      "%2Fjobruns%2F00f1abcdefghij0b";
  auto m = router().match("GET", path, miss);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->operation->name, "ListTagsForResource");
  ASSERT_EQ(m->labels.size(), 1u);
  EXPECT_EQ(m->labels[0].first, "resourceArn");
  EXPECT_EQ(m->labels[0].second,
            "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00f1abcdefghij0k/jobruns/00f1abcdefghij0b");
}

TEST(RestJsonRouter, UnencodedSlashesInTheArnDoNotMatch) {
  RestJsonRouter::Miss miss = RestJsonRouter::Miss::kNone;
  auto m = router().match("GET", "/tags/arn:aws:emr-serverless:us-east-1:123456789012:/applications/x", miss);
  EXPECT_FALSE(m.has_value());
  EXPECT_EQ(miss, RestJsonRouter::Miss::kNoPath);
}

TEST(RestJsonRouter, WrongMethodIsReported) {
  struct Case {
    const char* method;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"PUT", "/applications"},
      {"DELETE", "/applications"},
      {"POST", std::string("/applications/") + kApp},
      {"GET", std::string("/applications/") + kApp + "/start"},
      {"PATCH", std::string("/applications/") + kApp + "/jobruns"},
      {"PUT", std::string("/tags/") + kEncodedArn},
      {"get", "/applications"},  // methods are case-sensitive (the server upper-cases them)
  };
  for (const auto& c : cases) {
    RestJsonRouter::Miss miss = RestJsonRouter::Miss::kNone;
    auto m = router().match(c.method, c.path, miss);
    EXPECT_FALSE(m.has_value()) << c.method << " " << c.path;
    EXPECT_EQ(miss, RestJsonRouter::Miss::kWrongMethod) << c.method << " " << c.path;
  }
}

TEST(RestJsonRouter, UnknownPathIsNoPath) {
  for (std::string path : {"/", "", "/foo", "/applications/x/unknown", "/applications/x/jobruns/y/z/w",
                           "/applications//jobruns", "/applications/", "/Applications", "/tags"}) {
    RestJsonRouter::Miss miss = RestJsonRouter::Miss::kNone;
    auto m = router().match("GET", path, miss);
    EXPECT_FALSE(m.has_value()) << path;
    EXPECT_EQ(miss, RestJsonRouter::Miss::kNoPath) << path;
  }
}

TEST(RestJsonRouter, MalformedEscapeInALabelIsKeptRaw) {
  RestJsonRouter::Miss miss;
  auto m = router().match("GET", "/applications/ab%zz", miss);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->operation->name, "GetApplication");
  ASSERT_EQ(m->labels.size(), 1u);
  EXPECT_EQ(m->labels[0].second, "ab%zz");
}

TEST(RestJsonRouter, OwnsPathsUnderItsPrefixes) {
  EXPECT_TRUE(router().ownsPath("/applications"));
  EXPECT_TRUE(router().ownsPath("/applications/x/whatever"));
  EXPECT_TRUE(router().ownsPath("/tags/x"));
  EXPECT_FALSE(router().ownsPath("/"));
  EXPECT_FALSE(router().ownsPath(""));
  EXPECT_FALSE(router().ownsPath("/admin/events"));
  EXPECT_FALSE(router().ownsPath("/applicationsx"));
}

TEST(DecodeRestJson, LabelsAndTypedQueryMembers) {
  auto r = decode("GET", std::string("/applications/") + kApp + "/jobruns",
                  "states=RUNNING&states=SUCCESS&createdAtAfter=2024-01-02T03%3A04%3A05Z&maxResults=10&mode=BATCH"
                  "&unknownParam=1",
                  "");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Json& in = r->input;
  EXPECT_EQ(in["applicationId"], kApp);
  EXPECT_EQ(in["maxResults"], 10);
  EXPECT_TRUE(in["maxResults"].is_number_integer());
  EXPECT_EQ(in["states"], Json::array({"RUNNING", "SUCCESS"}));
  EXPECT_TRUE(in["createdAtAfter"].is_number());
  EXPECT_DOUBLE_EQ(in["createdAtAfter"].get<double>(), 1704164645.0);
  EXPECT_EQ(in["mode"], "BATCH");
  EXPECT_FALSE(in.contains("unknownParam"));
  EXPECT_EQ(in.size(), 5u);

  const Json& rec = r->recorded;
  EXPECT_EQ(rec["applicationId"], kApp);
  EXPECT_EQ(rec["maxResults"], 10);
  EXPECT_EQ(rec["states"], Json::array({"RUNNING", "SUCCESS"}));
  EXPECT_EQ(rec["createdAtAfter"], "2024-01-02T03:04:05Z");  // as sent
  EXPECT_FALSE(rec.contains("unknownParam"));
}

TEST(DecodeRestJson, TimestampQueryWithFraction) {
  auto r = decode("GET", std::string("/applications/") + kApp + "/jobruns",
                  "createdAtBefore=2024-01-02T03%3A04%3A05.250000Z", "");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_DOUBLE_EQ(r->input["createdAtBefore"].get<double>(), 1704164645.25);
  EXPECT_EQ(r->recorded["createdAtBefore"], "2024-01-02T03:04:05.250000Z");
}

TEST(DecodeRestJson, BooleanAndIntegerQueryMembers) {
  std::string path = std::string("/applications/") + kApp + "/jobruns/" + kRun + "/dashboard";
  auto r = decode("GET", path, "attempt=2&accessSystemProfileLogs=true", "");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->input["attempt"], 2);
  EXPECT_EQ(r->input["accessSystemProfileLogs"], true);
  EXPECT_EQ(r->recorded["accessSystemProfileLogs"], true);
  EXPECT_EQ(r->input["jobRunId"], kRun);

  auto f = decode("GET", path, "accessSystemProfileLogs=false", "");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->input["accessSystemProfileLogs"], false);
}

TEST(DecodeRestJson, UnparseableQueryValuesAreValidationErrors) {
  const std::string jobruns = std::string("/applications/") + kApp + "/jobruns";
  const std::string dashboard = jobruns + "/" + kRun + "/dashboard";
  struct Case {
    std::string path;
    std::string query;
    std::string member;
  };
  const std::vector<Case> cases = {
      {jobruns, "maxResults=ten", "maxResults"},
      {jobruns, "maxResults=1.5", "maxResults"},
      {jobruns, "maxResults=", "maxResults"},
      {jobruns, "createdAtAfter=yesterday", "createdAtAfter"},
      {jobruns, "createdAtAfter=1704164645", "createdAtAfter"},
      {dashboard, "accessSystemProfileLogs=yes", "accessSystemProfileLogs"},
      {dashboard, "accessSystemProfileLogs=TRUE", "accessSystemProfileLogs"},
  };
  for (const auto& c : cases) {
    auto r = decode("GET", c.path, c.query, "");
    ASSERT_FALSE(r.ok()) << c.query;
    EXPECT_EQ(r.error().code, ErrorCode::kValidationException) << c.query;
    EXPECT_TRUE(contains(r.error().message, "'" + c.member + "'")) << r.error().message;
    EXPECT_EQ(r.error().message.rfind("1 validation error detected: ", 0), 0u) << r.error().message;
  }
}

TEST(DecodeRestJson, OutOfRangeIntegerQueryIsAValidationError) {
  const std::string jobruns = std::string("/applications/") + kApp + "/jobruns";
  // Beyond int64: unparseable, so a ValidationException naming the member.
  auto huge = decode("GET", jobruns, "maxResults=99999999999999999999", "");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, ErrorCode::kValidationException);
  EXPECT_TRUE(contains(huge.error().message, "'maxResults'"));
  // Beyond int32 only: the same kind of client mistake must get the same error.
  auto big = decode("GET", jobruns, "maxResults=99999999999", "");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kValidationException);
  EXPECT_TRUE(contains(big.error().message, "'maxResults'"));
}

TEST(DecodeRestJson, QueryConstraintsAreValidationErrors) {
  const std::string jobruns = std::string("/applications/") + kApp + "/jobruns";
  auto big = decode("GET", jobruns, "maxResults=51", "");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kValidationException);
  EXPECT_TRUE(contains(big.error().message, "'maxResults'"));

  auto state = decode("GET", jobruns, "states=RUNNING&states=BOGUS", "");
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.error().code, ErrorCode::kValidationException);
  EXPECT_TRUE(contains(state.error().message, "'states[1]'")) << state.error().message;

  auto token = decode("GET", jobruns, "nextToken=a%2Fb", "");
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code, ErrorCode::kValidationException);
  EXPECT_TRUE(contains(token.error().message, "'nextToken'"));
}

TEST(DecodeRestJson, RepeatedQueryKeysFormALabelledList) {
  auto r = decode("DELETE", std::string("/tags/") + kEncodedArn, "tagKeys=team&tagKeys=cost+center", "");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->input["resourceArn"], kArn);
  EXPECT_EQ(r->input["tagKeys"], Json::array({"team", "cost center"}));
  EXPECT_EQ(r->recorded, (Json{{"resourceArn", kArn}, {"tagKeys", Json::array({"team", "cost center"})}}));

  auto missing = decode("DELETE", std::string("/tags/") + kEncodedArn, "", "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kValidationException);
  EXPECT_TRUE(contains(missing.error().message, "'tagKeys'"));
}

TEST(DecodeRestJson, BodyMergesWithLabelsAndRecordsSensitiveValuesHidden) {
  std::string body = R"({"clientToken":"5a55bae1-096d-4918-882d-bb057f261ada",)"
                     R"("executionRoleArn":"arn:aws:iam::123456789012:role/EMRServerlessRole","name":"myjob",)"
                     R"("jobDriver":{"sparkSubmit":{"entryPoint":"s3://bucket/main.py",)"
                     R"("entryPointArguments":["--date","2024-01-01"],"sparkSubmitParameters":"--conf x=y"}},)"
                     R"("notModeled":{"a":1},"mode":null})";
  auto r = decode("POST", std::string("/applications/") + kApp + "/jobruns", "", body);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Json& in = r->input;
  EXPECT_EQ(in["applicationId"], kApp);
  EXPECT_EQ(in["jobDriver"]["sparkSubmit"]["entryPoint"], "s3://bucket/main.py");
  EXPECT_EQ(in["jobDriver"]["sparkSubmit"]["entryPointArguments"], Json::array({"--date", "2024-01-01"}));
  EXPECT_FALSE(in.contains("notModeled"));
  EXPECT_FALSE(in.contains("mode"));

  Json expected_recorded = Json::parse(R"({"applicationId":"00f1abcdefghij0k",
      "clientToken":"5a55bae1-096d-4918-882d-bb057f261ada",
      "executionRoleArn":"arn:aws:iam::123456789012:role/EMRServerlessRole","name":"myjob",
      "jobDriver":{"sparkSubmit":{"entryPoint":"HIDDEN_DUE_TO_SECURITY_REASONS",
        "entryPointArguments":["HIDDEN_DUE_TO_SECURITY_REASONS","HIDDEN_DUE_TO_SECURITY_REASONS"],
        "sparkSubmitParameters":"HIDDEN_DUE_TO_SECURITY_REASONS"}}})");
  EXPECT_EQ(r->recorded, expected_recorded);  // order-sensitive: labels first, then body order
}

TEST(DecodeRestJson, CreateApplicationRecordsExactlyTheBodyMembersSent) {
  std::string body =
      R"({"name":"my-serverless-application","releaseLabel":"emr-6.6","type":"SPARK","clientToken":"0a1b234c-de56-7890-1234-567890123456"})";
  auto r = decode("POST", "/applications", "", body);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->recorded, Json::parse(body));
  EXPECT_EQ(r->input, Json::parse(body));
}

TEST(DecodeRestJson, BodyCannotOverrideALabel) {
  std::string body =
      R"({"applicationId":"zzzzzz","clientToken":"t","executionRoleArn":"arn:aws:iam::123456789012:role/R",)"
      R"("jobDriver":{"hive":{"query":"SELECT 1"}}})";
  auto r = decode("POST", std::string("/applications/") + kApp + "/jobruns", "", body);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->input["applicationId"], kApp);
  EXPECT_EQ(r->recorded["applicationId"], kApp);
}

TEST(DecodeRestJson, BodyIsIgnoredForOperationsWithoutBodyMembers) {
  auto r = decode("GET", std::string("/applications/") + kApp, "", "this is not json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->input, (Json{{"applicationId", kApp}}));
  EXPECT_EQ(r->recorded, (Json{{"applicationId", kApp}}));
}

TEST(DecodeRestJson, MalformedOrNonObjectBodiesAreSerializationErrors) {
  for (const std::string& body :
       std::vector<std::string>{"{", "{\"name\":}", "[]", "\"text\"", "42", "null", "{\"name\":\"a\"} trailing",
                                std::string("{\"name\":\"\xFF\"}")}) {
    auto r = decode("POST", "/applications", "", body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kSerializationException) << body;
  }
}

TEST(DecodeRestJson, WrongMemberTypesAreSerializationErrors) {
  auto r =
      decode("POST", "/applications", "", R"({"name":5,"releaseLabel":"emr-7.1.0","type":"SPARK","clientToken":"t"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kSerializationException);
  EXPECT_TRUE(contains(r.error().message, "'name'"));
}

TEST(DecodeRestJson, TooDeepNestingIsASerializationError) {
  std::string deep = "{\"tags\":" + std::string(70, '[') + std::string(70, ']') + "}";
  auto r = decode("POST", "/applications", "", deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kSerializationException);
  EXPECT_TRUE(contains(r.error().message, "64"));
}

TEST(DecodeRestJson, BlankBodyLeavesRequiredMembersMissing) {
  for (std::string body : {"", "  \r\n\t"}) {
    auto r = decode("POST", "/applications", "", body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kValidationException);
    EXPECT_EQ(r.error().message.rfind("3 validation errors detected: ", 0), 0u) << r.error().message;
  }
}

TEST(DecodeRestJson, ConstraintViolationsAreValidationErrors) {
  auto r = decode("POST", "/applications", "",
                  R"({"name":"bad name","releaseLabel":"emr-7.1.0","type":"SPARK","clientToken":"t",)"
                  R"("initialCapacity":{"Driver":{"workerCount":0}},"networkConfiguration":{"subnetIds":["_x"]}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kValidationException);
  EXPECT_EQ(r.error().message.rfind("3 validation errors detected: ", 0), 0u) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, "'name'"));
  EXPECT_TRUE(contains(r.error().message, "'initialCapacity.Driver.workerCount'"));
  EXPECT_TRUE(contains(r.error().message, "'networkConfiguration.subnetIds[0]'"));
}

TEST(DecodeRestJson, LabelsAreValidated) {
  auto bad = decode("GET", "/applications/ABC", "", "");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kValidationException);
  EXPECT_TRUE(contains(bad.error().message, "'applicationId'"));

  auto bytes = decode("GET", "/applications/%FF", "", "");
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code, ErrorCode::kValidationException);

  auto short_arn = decode("GET", "/tags/arn%3Aaws", "", "");
  ASSERT_FALSE(short_arn.ok());
  EXPECT_EQ(short_arn.error().code, ErrorCode::kValidationException);
  EXPECT_TRUE(contains(short_arn.error().message, "'resourceArn'"));
}

TEST(JsonDepthWithin, CountsObjectsAndArrays) {
  EXPECT_TRUE(jsonDepthWithin("{}", 1));
  EXPECT_FALSE(jsonDepthWithin("{\"a\":[]}", 1));
  EXPECT_TRUE(jsonDepthWithin("{\"a\":[]}", 2));
  EXPECT_TRUE(jsonDepthWithin("[[],[],{}]", 2));
  EXPECT_TRUE(jsonDepthWithin("", 0));
  EXPECT_TRUE(jsonDepthWithin(std::string(64, '[') + std::string(64, ']'), 64));
  EXPECT_FALSE(jsonDepthWithin(std::string(65, '[') + std::string(65, ']'), 64));
  EXPECT_FALSE(jsonDepthWithin(std::string(100000, '['), 64));
}

TEST(JsonDepthWithin, IgnoresBracketsInsideStrings) {
  EXPECT_TRUE(jsonDepthWithin(R"({"a":"[[[[{{{{"})", 1));
  EXPECT_TRUE(jsonDepthWithin(R"({"a":"\"[[[["})", 1));
  EXPECT_TRUE(jsonDepthWithin(R"({"a\\":"x","b":"[["})", 1));
  EXPECT_FALSE(jsonDepthWithin(R"({"a":"\\","b":[]})", 1));
}

TEST(RestJsonResponse, OkCarriesJsonAndRequestId) {
  Response r = restJsonOk(Json{{"applicationId", kApp}, {"name", "my-app"}}, "req-1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "Content-Type"), "application/json");
  EXPECT_EQ(header(r, "x-amzn-RequestId"), "req-1");
  EXPECT_EQ(header(r, "x-amzn-ErrorType"), "<absent>");
  EXPECT_EQ(r.body, R"({"applicationId":"00f1abcdefghij0k","name":"my-app"})");
  EXPECT_EQ(r.request_id, "req-1");
  EXPECT_EQ(r.error_code, "");
}

TEST(RestJsonResponse, EmptyOutputIsAnEmptyObject) {
  EXPECT_EQ(restJsonOk(Json(), "r").body, "{}");
  EXPECT_EQ(restJsonOk(Json::object(), "r").body, "{}");
}

TEST(RestJsonResponse, ErrorCarriesTypeHeaderAndMessage) {
  Response r =
      restJsonError(AwsError{ErrorCode::kResourceNotFoundException, "Application 00fabcdefghijk09 does not exist"},
                    "6a1c5b36-0f0e-4d3e-9d43-1d2bdbd7f0c1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(header(r, "Content-Type"), "application/json");
  EXPECT_EQ(header(r, "x-amzn-RequestId"), "6a1c5b36-0f0e-4d3e-9d43-1d2bdbd7f0c1");
  EXPECT_EQ(header(r, "x-amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_EQ(Json::parse(r.body), (Json{{"message", "Application 00fabcdefghijk09 does not exist"}}));
  EXPECT_EQ(r.error_code, "ResourceNotFoundException");
  EXPECT_EQ(r.request_id, "6a1c5b36-0f0e-4d3e-9d43-1d2bdbd7f0c1");
}

TEST(RestJsonResponse, ErrorStatusesFollowTheModel) {
  EXPECT_EQ(restJsonError(AwsError{ErrorCode::kValidationException, "m"}, "r").status, 400);
  EXPECT_EQ(restJsonError(AwsError{ErrorCode::kConflictException, "m"}, "r").status, 409);
  EXPECT_EQ(restJsonError(AwsError{ErrorCode::kServiceQuotaExceededException, "m"}, "r").status, 402);
  EXPECT_EQ(restJsonError(AwsError{ErrorCode::kInternalServerException, "m"}, "r").status, 500);
  Response s = restJsonError(AwsError{ErrorCode::kSerializationException, "m"}, "r");
  EXPECT_EQ(s.status, 400);
  EXPECT_EQ(header(s, "x-amzn-ErrorType"), "SerializationException");
}

TEST(RestJsonResponse, ErrorMessageWithInvalidUtf8StaysValidJson) {
  Response r = restJsonError(AwsError{ErrorCode::kValidationException, std::string("bad \xFF byte")}, "r");
  Json body = Json::parse(r.body);
  EXPECT_EQ(body["message"], "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace trailbox::api
