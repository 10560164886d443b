#include "api/protocol/aws_json.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trailbox::embedded {
extern const std::string_view cloudtrail_model;
}  // namespace trailbox::embedded

namespace trailbox::api {
namespace {

const ServiceModel& cloudTrailModel() {
  static const std::unique_ptr<ServiceModel> model = [] {
    auto r = ServiceModel::load(embedded::cloudtrail_model);
    if (!r.ok()) std::abort();
    return std::move(r).value();
  }();
  return *model;
}

const Operation& op(std::string_view name) {
  const Operation* o = cloudTrailModel().operation(name);
  if (!o) std::abort();
  return *o;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

constexpr const char* kFullPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";

TEST(ResolveTarget, AcceptsTheBotocoreForm) {
  auto r = resolveTarget(cloudTrailModel(), std::string(kFullPrefix) + "LookupEvents");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->name, "LookupEvents");
  EXPECT_EQ(*r, &op("LookupEvents"));
}

TEST(ResolveTarget, AcceptsTheJavaScriptSdkShortForm) {
  auto r = resolveTarget(cloudTrailModel(), "CloudTrail_20131101.LookupEvents");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->name, "LookupEvents");
  auto create = resolveTarget(cloudTrailModel(), "CloudTrail_20131101.CreateTrail");
  ASSERT_TRUE(create.ok());
  EXPECT_EQ((*create)->name, "CreateTrail");
}

TEST(ResolveTarget, RejectsOtherTargets) {
  for (std::string target :
       {std::string(kFullPrefix) + "NoSuchOperation", std::string("CloudTrail_20131101.NoSuchOperation"),
        std::string("CloudTrail_20131101."), std::string("LookupEvents"), std::string(""),
        std::string("com.amazonaws.cloudtrail.v20131101.LookupEvents"), std::string("Other_20131101.LookupEvents"),
        std::string("cloudtrail_20131101.LookupEvents"), std::string("DynamoDB_20120810.GetItem"),
        std::string(".LookupEvents"), std::string(kFullPrefix) + "lookupEvents"}) {
    auto r = resolveTarget(cloudTrailModel(), target);
    ASSERT_FALSE(r.ok()) << target;
    EXPECT_EQ(r.error().code, ErrorCode::kUnknownOperationException) << target;
  }
}

TEST(TargetsService, RecognisesBothPrefixesWhateverTheOperation) {
  EXPECT_TRUE(targetsService(cloudTrailModel(), std::string(kFullPrefix) + "LookupEvents"));
  EXPECT_TRUE(targetsService(cloudTrailModel(), std::string(kFullPrefix) + "Nope"));
  EXPECT_TRUE(targetsService(cloudTrailModel(), "CloudTrail_20131101.Nope"));
  EXPECT_FALSE(targetsService(cloudTrailModel(), "DynamoDB_20120810.GetItem"));
  EXPECT_FALSE(targetsService(cloudTrailModel(), "LookupEvents"));
  EXPECT_FALSE(targetsService(cloudTrailModel(), ""));
}

TEST(DecodeAwsJson, EmptyBodyIsAnEmptyObject) {
  for (std::string body : {"", "   ", "\r\n", "{}"}) {
    std::vector<Violation> violations;
    auto r = decodeAwsJson(op("LookupEvents"), body, violations);
    ASSERT_TRUE(r.ok()) << body;
    EXPECT_EQ(r->input, Json::object()) << body;
    EXPECT_EQ(r->recorded, Json::object()) << body;
    EXPECT_TRUE(violations.empty());
  }
}

TEST(DecodeAwsJson, RecordedUsesLowerCamelCaseRecursively) {
  std::string body =
      R"({"LookupAttributes":[{"AttributeKey":"EventSource","AttributeValue":"emr-serverless.amazonaws.com"}],)"
      R"("StartTime":1704164645,"MaxResults":5})";
  std::vector<Violation> violations;
  auto r = decodeAwsJson(op("LookupEvents"), body, violations);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(violations.empty());
  EXPECT_EQ(r->input, Json::parse(body));
  EXPECT_EQ(r->recorded, Json::parse(R"({"lookupAttributes":[{"attributeKey":"EventSource",)"
                                     R"("attributeValue":"emr-serverless.amazonaws.com"}],)"
                                     R"("startTime":1704164645,"maxResults":5})"));
}

TEST(DecodeAwsJson, RecordedLowerCasesOnlyTheFirstLetter) {
  std::string body = R"({"Name":"t","S3BucketName":"b","KmsKeyId":"k","TagsList":[{"Key":"team","Value":"data"}]})";
  std::vector<Violation> violations;
  auto r = decodeAwsJson(op("CreateTrail"), body, violations);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(violations.empty());
  EXPECT_EQ(
      r->recorded,
      Json::parse(R"({"name":"t","s3BucketName":"b","kmsKeyId":"k","tagsList":[{"key":"team","value":"data"}]})"));
}

TEST(DecodeAwsJson, UnknownMembersAreNotRecordedAndNullsAreDropped) {
  std::vector<Violation> violations;
  auto r = decodeAwsJson(op("LookupEvents"), R"({"MaxResults":5,"Bogus":{"x":1},"NextToken":null})", violations);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(violations.empty());
  EXPECT_FALSE(r->input.contains("NextToken"));
  EXPECT_EQ(r->recorded, (Json{{"maxResults", 5}}));
}

TEST(DecodeAwsJson, TypeErrorsAreSerializationExceptions) {
  for (std::string body :
       {R"({"MaxResults":"5"})", R"({"LookupAttributes":{}})", R"({"StartTime":"soon"})",
        R"({"LookupAttributes":[{"AttributeKey":1,"AttributeValue":"x"}]})", R"({"LookupAttributes":["EventName"]})"}) {
    std::vector<Violation> violations;
    auto r = decodeAwsJson(op("LookupEvents"), body, violations);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kSerializationException) << body;
  }
}

TEST(DecodeAwsJson, MalformedBodiesAreSerializationExceptions) {
  std::string deep = "{\"LookupAttributes\":" + std::string(80, '[') + std::string(80, ']') + "}";
  for (std::string body : {std::string("{"), std::string("[]"), std::string("\"x\""), std::string("null"),
                           std::string("{\"MaxResults\":5,}"), std::string("{\"a\":\"\xC3\"}"), deep}) {
    std::vector<Violation> violations;
    auto r = decodeAwsJson(op("LookupEvents"), body, violations);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, ErrorCode::kSerializationException) << body;
  }
}

TEST(DecodeAwsJson, ConstraintViolationsAreReturnedNotFailed) {
  std::vector<Violation> violations;
  auto r = decodeAwsJson(op("LookupEvents"),
                         R"({"MaxResults":51,"LookupAttributes":[{"AttributeKey":"Bogus","AttributeValue":""}]})",
                         violations);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(violations.size(), 3u);
  EXPECT_EQ(violations[0].path, "LookupAttributes[0].AttributeKey");
  EXPECT_TRUE(contains(violations[0].message, "enum value set"));
  EXPECT_EQ(violations[1].path, "LookupAttributes[0].AttributeValue");
  EXPECT_TRUE(contains(violations[1].message, "length greater than or equal to 1"));
  EXPECT_EQ(violations[2].path, "MaxResults");
  EXPECT_TRUE(contains(violations[2].message, "less than or equal to 50"));
  for (const auto& v : violations) EXPECT_FALSE(v.type_error);
  EXPECT_EQ(r->recorded["maxResults"], 51);
}

TEST(DecodeAwsJson, MissingRequiredMembersAreViolations) {
  std::vector<Violation> violations;
  auto r = decodeAwsJson(op("CreateTrail"), R"({"Name":"t"})", violations);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].path, "S3BucketName");
  EXPECT_TRUE(contains(violations[0].message, "Member must not be null"));
}

TEST(AwsJsonResponse, ErrorHasTypeAndMessageAndStatus400) {
  Response r =
      awsJsonError(AwsError{ErrorCode::kTrailNotFoundException, "Unknown trail: myTrail2 for the user: 123456789012"},
                   "0f3d9c2e-5b8a-4e44-9b0e-2f6f8a7f1c11");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(header(r, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(header(r, "x-amzn-RequestId"), "0f3d9c2e-5b8a-4e44-9b0e-2f6f8a7f1c11");
  EXPECT_EQ(Json::parse(r.body), (Json{{"__type", "TrailNotFoundException"},
                                       {"Message", "Unknown trail: myTrail2 for the user: 123456789012"}}));
  EXPECT_EQ(r.error_code, "TrailNotFoundException");
  EXPECT_EQ(r.request_id, "0f3d9c2e-5b8a-4e44-9b0e-2f6f8a7f1c11");
}

TEST(AwsJsonResponse, GenericErrorsAre400WithType) {
  for (ErrorCode code : {ErrorCode::kUnknownOperationException, ErrorCode::kSerializationException,
                         ErrorCode::kInvalidLookupAttributesException, ErrorCode::kInvalidNextTokenException,
                         ErrorCode::kThrottlingException}) {
    Response r = awsJsonError(AwsError{code, "m"}, "r");
    EXPECT_EQ(r.status, 400) << errorName(code);
    EXPECT_EQ(Json::parse(r.body)["__type"], std::string(errorName(code)));
  }
  EXPECT_EQ(awsJsonError(AwsError{ErrorCode::kInternalFailure, "m"}, "r").status, 500);
}

TEST(AwsJsonResponse, OkUsesTheAmzJsonContentType) {
  Response r = awsJsonOk(Json{{"Events", Json::array()}}, "req-2");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(header(r, "x-amzn-RequestId"), "req-2");
  EXPECT_EQ(r.body, R"({"Events":[]})");
  EXPECT_EQ(awsJsonOk(Json(), "r").body, "{}");
}

}  // namespace
}  // namespace trailbox::api
