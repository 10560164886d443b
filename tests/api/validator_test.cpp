#include "api/model/validator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

const Shape& shape(std::string_view name) {
  const Shape* s = emrModel().shape(name);
  if (!s) std::abort();
  return *s;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// A CreateApplication input that satisfies every constraint.
Json validCreate() {
  return Json{{"name", "my-app"},
              {"releaseLabel", "emr-7.1.0"},
              {"type", "SPARK"},
              {"clientToken", "2f73cb1d-cc24-4ff7-93c7-3419a85099c8"}};
}

// A StartJobRun input that satisfies every constraint.
Json validStartJobRun() {
  return Json{{"applicationId", "00f1abcdefghij0k"},
              {"clientToken", "5a55bae1-096d-4918-882d-bb057f261ada"},
              {"executionRoleArn", "arn:aws:iam::123456789012:role/EMRServerlessRole"},
              {"jobDriver", {{"sparkSubmit", {{"entryPoint", "s3://bucket/main.py"}}}}}};
}

// Validates `input` against `shape_name` and expects exactly one violation at `path`.
Violation single(const Json& input, std::string_view shape_name, const std::string& path) {
  auto v = validate(input, shape(shape_name));
  EXPECT_EQ(v.size(), 1u) << input.dump();
  if (v.empty()) return {};
  EXPECT_EQ(v[0].path, path);
  EXPECT_TRUE(contains(v[0].message, "'" + path + "'")) << v[0].message;
  return v[0];
}

TEST(Validator, ValidInputHasNoViolations) {
  EXPECT_TRUE(validate(validCreate(), shape("CreateApplicationRequest")).empty());
  EXPECT_TRUE(validate(validStartJobRun(), shape("StartJobRunRequest")).empty());
}

TEST(Validator, MissingRequiredMembersAreNull) {
  auto v = validate(Json::object(), shape("CreateApplicationRequest"));
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].path, "releaseLabel");
  EXPECT_EQ(v[1].path, "type");
  EXPECT_EQ(v[2].path, "clientToken");
  EXPECT_EQ(v[0].message, "Value null at 'releaseLabel' failed to satisfy constraint: Member must not be null");
  for (const auto& one : v) EXPECT_FALSE(one.type_error);
}

TEST(Validator, ExplicitNullCountsAsMissing) {
  Json in = validCreate();
  in["type"] = nullptr;
  Violation v = single(in, "CreateApplicationRequest", "type");
  EXPECT_TRUE(contains(v.message, "Member must not be null"));
}

TEST(Validator, StringLengthIsCountedInCodePoints) {
  // EngineType: 1..64 characters, no pattern.
  Json in = validCreate();
  std::string e_acute = "\xC3\xA9";
  std::string sixty_four;
  for (int i = 0; i < 64; ++i) sixty_four += e_acute;  // 128 bytes, 64 code points
  in["type"] = sixty_four;
  EXPECT_TRUE(validate(in, shape("CreateApplicationRequest")).empty());

  in["type"] = sixty_four + "\xF0\x9F\x98\x80";  // 65 code points
  Violation over = single(in, "CreateApplicationRequest", "type");
  EXPECT_TRUE(contains(over.message, "Member must have length less than or equal to 64")) << over.message;

  in["type"] = "";
  Violation under = single(in, "CreateApplicationRequest", "type");
  EXPECT_EQ(under.message,
            "Value '' at 'type' failed to satisfy constraint: Member must have length greater than or equal to 1");
}

TEST(Validator, InvalidUtf8StringIsAConstraintViolation) {
  Json in = validCreate();
  in["type"] = std::string("SP") + '\xFF' + "RK";
  Violation v = single(in, "CreateApplicationRequest", "type");
  EXPECT_FALSE(v.type_error);
  EXPECT_TRUE(contains(v.message, "valid UTF-8"));
}

TEST(Validator, PatternViolationNamesThePattern) {
  Json in = validCreate();
  in["name"] = "my app";
  Violation v = single(in, "CreateApplicationRequest", "name");
  EXPECT_EQ(v.message,
            "Value 'my app' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: "
            "[A-Za-z0-9._/#-]+");
}

TEST(Validator, EnumViolationListsTheValues) {
  Json in = validCreate();
  in["architecture"] = "ARM";
  Violation v = single(in, "CreateApplicationRequest", "architecture");
  EXPECT_TRUE(contains(v.message, "Member must satisfy enum value set: [ARM64, X86_64]")) << v.message;
  in["architecture"] = "X86_64";
  EXPECT_TRUE(validate(in, shape("CreateApplicationRequest")).empty());
}

TEST(Validator, IntegerRange) {
  Json in = validCreate();
  in["autoStopConfiguration"] = {{"enabled", true}, {"idleTimeoutMinutes", 0}};
  Violation low = single(in, "CreateApplicationRequest", "autoStopConfiguration.idleTimeoutMinutes");
  EXPECT_EQ(low.message,
            "Value '0' at 'autoStopConfiguration.idleTimeoutMinutes' failed to satisfy constraint: Member must have "
            "value greater than or equal to 1");
  in["autoStopConfiguration"]["idleTimeoutMinutes"] = 10081;
  Violation high = single(in, "CreateApplicationRequest", "autoStopConfiguration.idleTimeoutMinutes");
  EXPECT_TRUE(contains(high.message, "Member must have value less than or equal to 10080"));
  in["autoStopConfiguration"]["idleTimeoutMinutes"] = 10080;
  EXPECT_TRUE(validate(in, shape("CreateApplicationRequest")).empty());
  in["autoStopConfiguration"]["idleTimeoutMinutes"] = 1;
  EXPECT_TRUE(validate(in, shape("CreateApplicationRequest")).empty());
}

TEST(Validator, MaxResultsAbove50) {
  Violation v = single(Json{{"maxResults", 51}}, "ListApplicationsRequest", "maxResults");
  EXPECT_EQ(v.message,
            "Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50");
}

TEST(Validator, WrongJsonTypesAreTypeErrors) {
  struct Case {
    const char* member;
    Json value;
    const char* path;
  };
  const std::vector<Case> cases = {
      {"name", 5, "name"},
      {"name", Json::array({"a"}), "name"},
      {"autoStartConfiguration", "yes", "autoStartConfiguration"},
      {"networkConfiguration", Json{{"subnetIds", "subnet-1"}}, "networkConfiguration.subnetIds"},
      {"initialCapacity", Json::array(), "initialCapacity"},
      {"autoStopConfiguration", Json{{"enabled", "true"}}, "autoStopConfiguration.enabled"},
      {"autoStopConfiguration", Json{{"idleTimeoutMinutes", "15"}}, "autoStopConfiguration.idleTimeoutMinutes"},
      {"autoStopConfiguration", Json{{"idleTimeoutMinutes", 1.5}}, "autoStopConfiguration.idleTimeoutMinutes"},
      {"autoStopConfiguration", Json{{"idleTimeoutMinutes", 2147483648LL}}, "autoStopConfiguration.idleTimeoutMinutes"},
      {"autoStopConfiguration", Json{{"idleTimeoutMinutes", true}}, "autoStopConfiguration.idleTimeoutMinutes"},
  };
  for (const auto& c : cases) {
    Json in = validCreate();
    in[c.member] = c.value;
    auto v = validate(in, shape("CreateApplicationRequest"));
    ASSERT_EQ(v.size(), 1u) << in.dump();
    EXPECT_TRUE(v[0].type_error) << in.dump();
    EXPECT_EQ(v[0].path, c.path);
    EXPECT_TRUE(contains(v[0].message, std::string("'") + c.path + "'")) << v[0].message;
    AwsError e = toError(v);
    EXPECT_EQ(e.code, ErrorCode::kSerializationException) << in.dump();
  }
}

TEST(Validator, TypeErrorMessageNamesExpectedAndFoundTypes) {
  Json in = validCreate();
  in["name"] = 5;
  auto v = validate(in, shape("CreateApplicationRequest"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "Expected a string at 'name' but found number");
}

TEST(Validator, NonObjectBodyIsATypeErrorOnTheRequestBody) {
  auto v = validate(Json::array({1}), shape("CreateApplicationRequest"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_TRUE(v[0].type_error);
  EXPECT_EQ(v[0].path, "");
  EXPECT_TRUE(contains(v[0].message, "the request body"));
  EXPECT_EQ(toError(v).code, ErrorCode::kSerializationException);
}

TEST(Validator, TypeErrorWinsOverConstraintViolations) {
  Json in = validCreate();
  in.erase("releaseLabel");  // required violation first
  in["name"] = false;        // then a type error
  auto v = validate(in, shape("CreateApplicationRequest"));
  ASSERT_EQ(v.size(), 2u);
  AwsError e = toError(v);
  EXPECT_EQ(e.code, ErrorCode::kSerializationException);
  EXPECT_TRUE(contains(e.message, "'name'"));
}

TEST(Validator, TimestampsAcceptEpochNumbersAndIsoStrings) {
  Json in = {{"applicationId", "00f1abcdefghij0k"}};
  in["createdAtAfter"] = 1704164645;
  EXPECT_TRUE(validate(in, shape("ListJobRunsRequest")).empty());
  in["createdAtAfter"] = 1704164645.25;
  EXPECT_TRUE(validate(in, shape("ListJobRunsRequest")).empty());
  in["createdAtAfter"] = "2024-01-02T03:04:05Z";
  EXPECT_TRUE(validate(in, shape("ListJobRunsRequest")).empty());
  in["createdAtAfter"] = "yesterday";
  auto v = validate(in, shape("ListJobRunsRequest"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_TRUE(v[0].type_error);
  EXPECT_EQ(v[0].path, "createdAtAfter");
}

TEST(Validator, ListSizes) {
  Json in = validCreate();
  in["networkConfiguration"] = {{"securityGroupIds", Json::array({"sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"})}};
  Violation v = single(in, "CreateApplicationRequest", "networkConfiguration.securityGroupIds");
  EXPECT_TRUE(contains(v.message, "Member must have length less than or equal to 5")) << v.message;

  Json untag = {{"resourceArn", "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00f1abcdefghij0k"},
                {"tagKeys", Json::array()}};
  Violation empty = single(untag, "UntagResourceRequest", "tagKeys");
  EXPECT_TRUE(contains(empty.message, "Member must have length greater than or equal to 1")) << empty.message;
}

TEST(Validator, ListItemPathsAreIndexed) {
  Json in = validCreate();
  in["networkConfiguration"] = {{"subnetIds", Json::array({"subnet-0abc", std::string(33, 's')})}};
  Violation v = single(in, "CreateApplicationRequest", "networkConfiguration.subnetIds[1]");
  EXPECT_TRUE(contains(v.message, "Member must have length less than or equal to 32"));

  in["networkConfiguration"] = {{"subnetIds", Json::array({"_subnet"})}};
  Violation p = single(in, "CreateApplicationRequest", "networkConfiguration.subnetIds[0]");
  EXPECT_TRUE(contains(p.message, "regular expression pattern"));
}

TEST(Validator, MapSizes) {
  Json in = validCreate();
  Json capacity = Json::object();
  for (char c = 'a'; c <= 'k'; ++c) capacity[std::string("Worker") + c] = {{"workerCount", 1}};
  ASSERT_EQ(capacity.size(), 11u);
  in["initialCapacity"] = capacity;
  Violation v = single(in, "CreateApplicationRequest", "initialCapacity");
  EXPECT_TRUE(contains(v.message, "Member must have length less than or equal to 10")) << v.message;

  Json tags = Json::object();
  for (int i = 0; i < 201; ++i) tags["k" + std::to_string(i)] = "v";
  in = validCreate();
  in["tags"] = tags;
  Violation t = single(in, "CreateApplicationRequest", "tags");
  EXPECT_TRUE(contains(t.message, "less than or equal to 200"));
}

TEST(Validator, MapKeysAreChecked) {
  Json in = validCreate();
  in["initialCapacity"] = {{"1bad", {{"workerCount", 1}}}};
  auto v = validate(in, shape("CreateApplicationRequest"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_FALSE(v[0].type_error);
  EXPECT_TRUE(contains(v[0].path, "initialCapacity")) << v[0].path;
  EXPECT_TRUE(contains(v[0].path, "1bad")) << v[0].path;
  EXPECT_TRUE(contains(v[0].message, "regular expression pattern: [a-zA-Z]+[-_]*[a-zA-Z]+")) << v[0].message;

  in = validCreate();
  in["tags"] = {{"", "value"}};
  auto empty_key = validate(in, shape("CreateApplicationRequest"));
  ASSERT_FALSE(empty_key.empty());
  EXPECT_TRUE(contains(empty_key[0].path, "tags"));
  EXPECT_TRUE(contains(empty_key[0].message, "Member must have length greater than or equal to 1"));
}

TEST(Validator, MapValuePathsUseTheKey) {
  Json in = validCreate();
  in["initialCapacity"] = {{"Driver", {{"workerCount", 0}}}};
  Violation v = single(in, "CreateApplicationRequest", "initialCapacity.Driver.workerCount");
  EXPECT_EQ(v.message,
            "Value '0' at 'initialCapacity.Driver.workerCount' failed to satisfy constraint: Member must have value "
            "greater than or equal to 1");

  in["initialCapacity"] = {{"Driver", Json::object()}};
  Violation missing = single(in, "CreateApplicationRequest", "initialCapacity.Driver.workerCount");
  EXPECT_TRUE(contains(missing.message, "Member must not be null"));

  in["initialCapacity"] = {
      {"Executor", {{"workerCount", 2}, {"workerConfiguration", {{"cpu", "0 vCPU"}, {"memory", "16 GB"}}}}}};
  single(in, "CreateApplicationRequest", "initialCapacity.Executor.workerConfiguration.cpu");
}

TEST(Validator, LongRangeIsCheckedOnLargeValues) {
  Json in = {{"workerCount", 1000001}};
  Violation v = single(in, "InitialCapacityConfig", "workerCount");
  EXPECT_TRUE(contains(v.message, "less than or equal to 1000000"));
}

TEST(Validator, LongAcceptsTheWholeInt64Range) {
  // 9223372036854775807 is a valid long; WorkerCounts caps it at 1000000, so this is a range
  // violation (ValidationException), not a type error (SerializationException).
  Json in = {{"workerCount", 9223372036854775807LL}};
  auto v = validate(in, shape("InitialCapacityConfig"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].path, "workerCount");
  EXPECT_EQ(toError(v).code, ErrorCode::kValidationException);
}

TEST(Validator, UnionNeedsExactlyOneMember) {
  Json none = validStartJobRun();
  none["jobDriver"] = Json::object();
  Violation zero = single(none, "StartJobRunRequest", "jobDriver");
  EXPECT_TRUE(contains(zero.message, "exactly one of [sparkSubmit, hive]")) << zero.message;
  EXPECT_TRUE(contains(zero.message, "found 0")) << zero.message;

  Json both = validStartJobRun();
  both["jobDriver"]["hive"] = {{"query", "SELECT 1"}};
  Violation two = single(both, "StartJobRunRequest", "jobDriver");
  EXPECT_TRUE(contains(two.message, "found 2")) << two.message;

  Json hive = validStartJobRun();
  hive["jobDriver"] = {{"hive", {{"query", "SELECT 1"}}}};
  EXPECT_TRUE(validate(hive, shape("StartJobRunRequest")).empty());

  Json null_other = validStartJobRun();
  null_other["jobDriver"]["hive"] = nullptr;  // null means absent
  EXPECT_TRUE(validate(null_other, shape("StartJobRunRequest")).empty());
}

TEST(Validator, NestedRequiredMemberInsideUnion) {
  Json in = validStartJobRun();
  in["jobDriver"]["sparkSubmit"] = {{"entryPointArguments", Json::array({"a"})}};
  Violation v = single(in, "StartJobRunRequest", "jobDriver.sparkSubmit.entryPoint");
  EXPECT_TRUE(contains(v.message, "Member must not be null"));
}

TEST(Validator, SensitiveValuesAreNotEchoed) {
  Json in = validStartJobRun();
  in["jobDriver"]["sparkSubmit"]["entryPoint"] = "   ";
  in["jobDriver"]["sparkSubmit"]["sparkSubmitParameters"] = "  ";
  auto v = validate(in, shape("StartJobRunRequest"));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].path, "jobDriver.sparkSubmit.entryPoint");
  EXPECT_EQ(v[1].path, "jobDriver.sparkSubmit.sparkSubmitParameters");
  for (const auto& one : v) {
    EXPECT_TRUE(contains(one.message, "Value '***'")) << one.message;
    EXPECT_FALSE(contains(one.message, "Value '   '")) << one.message;
  }
}

TEST(Validator, ErrorMessageCountsViolations) {
  auto three = validate(Json::object(), shape("CreateApplicationRequest"));
  AwsError e = toError(three);
  EXPECT_EQ(e.code, ErrorCode::kValidationException);
  EXPECT_EQ(e.message,
            "3 validation errors detected: "
            "Value null at 'releaseLabel' failed to satisfy constraint: Member must not be null; "
            "Value null at 'type' failed to satisfy constraint: Member must not be null; "
            "Value null at 'clientToken' failed to satisfy constraint: Member must not be null");

  auto one = validate(Json{{"maxResults", 0}}, shape("ListApplicationsRequest"));
  AwsError single_error = toError(one);
  EXPECT_EQ(single_error.code, ErrorCode::kValidationException);
  EXPECT_EQ(single_error.message,
            "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have "
            "value greater than or equal to 1");
}

TEST(Validator, ErrorMessageIsCappedAt1024Characters) {
  Json in = validCreate();
  Json subnets = Json::array();
  for (int i = 0; i < 16; ++i) subnets.push_back(std::string(40, 'x'));
  in["networkConfiguration"] = {{"subnetIds", subnets}};
  auto v = validate(in, shape("CreateApplicationRequest"));
  ASSERT_EQ(v.size(), 16u);
  EXPECT_EQ(v[15].path, "networkConfiguration.subnetIds[15]");
  AwsError e = toError(v);
  EXPECT_EQ(e.code, ErrorCode::kValidationException);
  EXPECT_EQ(e.message.size(), 1024u);
  EXPECT_EQ(e.message.rfind("16 validation errors detected: ", 0), 0u);
  EXPECT_EQ(e.message.substr(1021), "...");
}

TEST(Validator, PathPrefixIsApplied) {
  auto v = validate(Json{{"maxResults", 51}}, shape("ListApplicationsRequest"), "input");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].path, "input.maxResults");
}

TEST(Validator, UnknownMembersAreIgnored) {
  Json in = validCreate();
  in["notAMember"] = Json::array({1, 2});
  EXPECT_TRUE(validate(in, shape("CreateApplicationRequest")).empty());
}

TEST(Redact, HidesEverySensitiveJobDriverMember) {
  Json in = validStartJobRun();
  in["name"] = "nightly";
  in["jobDriver"]["sparkSubmit"] = {{"entryPoint", "s3://bucket/main.py"},
                                    {"entryPointArguments", Json::array({"--date", "2024-01-01"})},
                                    {"sparkSubmitParameters", "--conf spark.executor.cores=4"}};
  Json out = redact(in, shape("StartJobRunRequest"));
  const Json& spark = out["jobDriver"]["sparkSubmit"];
  EXPECT_EQ(spark["entryPoint"], kHidden);
  EXPECT_EQ(spark["entryPointArguments"], Json::array({kHidden, kHidden}));
  EXPECT_EQ(spark["sparkSubmitParameters"], kHidden);
  EXPECT_EQ(out["name"], "nightly");
  EXPECT_EQ(out["applicationId"], "00f1abcdefghij0k");
  EXPECT_EQ(out["clientToken"], "5a55bae1-096d-4918-882d-bb057f261ada");
  EXPECT_EQ(out["executionRoleArn"], "arn:aws:iam::123456789012:role/EMRServerlessRole");
  // The input itself is untouched.
  EXPECT_EQ(in["jobDriver"]["sparkSubmit"]["entryPoint"], "s3://bucket/main.py");
}

TEST(Redact, HidesHiveMembers) {
  Json in = validStartJobRun();
  in["jobDriver"] = {{"hive", {{"query", "SELECT 1"}, {"initQueryFile", "s3://b/init.sql"}, {"parameters", "--x"}}}};
  Json out = redact(in, shape("StartJobRunRequest"));
  EXPECT_EQ(out["jobDriver"]["hive"], (Json{{"query", kHidden}, {"initQueryFile", kHidden}, {"parameters", kHidden}}));
}

TEST(Redact, HidesSensitivePropertiesMapsAtEveryDepth) {
  Json in = validCreate();
  in["runtimeConfiguration"] = Json::array(
      {{{"classification", "spark-defaults"},
        {"properties", {{"spark.driver.cores", "2"}}},
        {"configurations", Json::array({{{"classification", "export"}, {"properties", {{"JAVA_HOME", "/x"}}}}})}}});
  Json out = redact(in, shape("CreateApplicationRequest"));
  const Json& conf = out["runtimeConfiguration"][0];
  EXPECT_EQ(conf["classification"], "spark-defaults");
  EXPECT_EQ(conf["properties"], kHidden);
  EXPECT_EQ(conf["configurations"][0]["classification"], "export");
  EXPECT_EQ(conf["configurations"][0]["properties"], kHidden);

  Json job = validStartJobRun();
  job["configurationOverrides"] = {
      {"applicationConfiguration", Json::array({{{"classification", "spark-defaults"}, {"properties", {{"k", "v"}}}}})},
      {"monitoringConfiguration", {{"s3MonitoringConfiguration", {{"logUri", "s3://bucket/logs/"}}}}}};
  Json job_out = redact(job, shape("StartJobRunRequest"));
  EXPECT_EQ(job_out["configurationOverrides"]["applicationConfiguration"][0]["properties"], kHidden);
  EXPECT_EQ(job_out["configurationOverrides"]["monitoringConfiguration"]["s3MonitoringConfiguration"]["logUri"],
            "s3://bucket/logs/");
}

TEST(Redact, HidesTheSessionAuthToken) {
  Json out = redact(Json{{"applicationId", "00f1abcdefghij0k"},
                         {"sessionId", "00f1abcdefghij0s"},
                         {"endpoint", "https://example"},
                         {"authToken", "secret-token"},
                         {"authTokenExpiresAt", 1717174870}},
                    shape("GetSessionEndpointResponse"));
  EXPECT_EQ(out["authToken"], kHidden);
  EXPECT_EQ(out["endpoint"], "https://example");
  EXPECT_EQ(out["authTokenExpiresAt"], 1717174870);
}

TEST(Redact, LeavesNonSensitiveInputUnchangedAndInOrder) {
  Json in = validCreate();
  in["tags"] = {{"team", "data"}};
  in["unknownMember"] = "kept";
  Json out = redact(in, shape("CreateApplicationRequest"));
  EXPECT_EQ(out, in);
  EXPECT_EQ(out.begin().key(), "name");
  EXPECT_EQ(std::string(kHidden), "HIDDEN_DUE_TO_SECURITY_REASONS");
}

}  // namespace
}  // namespace trailbox::api
