#include "api/model/shape_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace trailbox::embedded {
extern const std::string_view emr_serverless_model;
extern const std::string_view cloudtrail_model;
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

const ServiceModel& cloudTrailModel() {
  static const std::unique_ptr<ServiceModel> model = [] {
    auto r = ServiceModel::load(embedded::cloudtrail_model);
    if (!r.ok()) std::abort();
    return std::move(r).value();
  }();
  return *model;
}

const Pattern& patternOf(std::string_view shape_name) {
  const Shape* s = emrModel().shape(shape_name);
  if (!s || !s->pattern) std::abort();
  return *s->pattern;
}

TEST(ServiceModel, LoadsTheEmbeddedEmrServerlessModel) {
  auto r = ServiceModel::load(embedded::emr_serverless_model);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->operations().size(), 22u);
  EXPECT_EQ((*r)->signingName(), "emr-serverless");
  EXPECT_EQ((*r)->targetPrefix(), "");
}

TEST(ServiceModel, LoadsTheEmbeddedCloudTrailModel) {
  auto r = ServiceModel::load(embedded::cloudtrail_model);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->operations().size(), 60u);
  EXPECT_EQ((*r)->targetPrefix(), "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101");
  EXPECT_EQ((*r)->signingName(), "cloudtrail");
  const Operation* op = (*r)->operation("LookupEvents");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->method, "POST");
  EXPECT_EQ(op->request_uri, "/");
  ASSERT_NE(op->input, nullptr);
  EXPECT_EQ(op->input->name, "LookupEventsRequest");
  ASSERT_NE(op->output, nullptr);
  EXPECT_EQ(op->output->name, "LookupEventsResponse");
  EXPECT_EQ(op->errors.size(), 7u);
  EXPECT_EQ(op->errors.front(), "InvalidLookupAttributesException");
}

TEST(ServiceModel, EmrOperationsHaveTheModelsMethodsAndUris) {
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"CancelJobRun", {"DELETE", "/applications/{applicationId}/jobruns/{jobRunId}"}},
      {"CreateApplication", {"POST", "/applications"}},
      {"DeleteApplication", {"DELETE", "/applications/{applicationId}"}},
      {"GetApplication", {"GET", "/applications/{applicationId}"}},
      {"GetDashboardForJobRun", {"GET", "/applications/{applicationId}/jobruns/{jobRunId}/dashboard"}},
      {"GetJobRun", {"GET", "/applications/{applicationId}/jobruns/{jobRunId}"}},
      {"GetResourceDashboard", {"GET", "/applications/{applicationId}/dashboard"}},
      {"GetSession", {"GET", "/applications/{applicationId}/sessions/{sessionId}"}},
      {"GetSessionEndpoint", {"GET", "/applications/{applicationId}/sessions/{sessionId}/endpoint"}},
      {"ListApplications", {"GET", "/applications"}},
      {"ListJobRunAttempts", {"GET", "/applications/{applicationId}/jobruns/{jobRunId}/attempts"}},
      {"ListJobRuns", {"GET", "/applications/{applicationId}/jobruns"}},
      {"ListSessions", {"GET", "/applications/{applicationId}/sessions"}},
      {"ListTagsForResource", {"GET", "/tags/{resourceArn}"}},
      {"StartApplication", {"POST", "/applications/{applicationId}/start"}},
      {"StartJobRun", {"POST", "/applications/{applicationId}/jobruns"}},
      {"StartSession", {"POST", "/applications/{applicationId}/sessions"}},
      {"StopApplication", {"POST", "/applications/{applicationId}/stop"}},
      {"TagResource", {"POST", "/tags/{resourceArn}"}},
      {"TerminateSession", {"DELETE", "/applications/{applicationId}/sessions/{sessionId}"}},
      {"UntagResource", {"DELETE", "/tags/{resourceArn}"}},
      {"UpdateApplication", {"PATCH", "/applications/{applicationId}"}},
  };
  ASSERT_EQ(emrModel().operations().size(), expected.size());
  for (const auto& [name, route] : expected) {
    const Operation* op = emrModel().operation(name);
    ASSERT_NE(op, nullptr) << name;
    EXPECT_EQ(op->name, name);
    EXPECT_EQ(op->method, route.first) << name;
    EXPECT_EQ(op->request_uri, route.second) << name;
    ASSERT_NE(op->input, nullptr) << name;
    EXPECT_EQ(op->input->name, name + "Request");
    ASSERT_NE(op->output, nullptr) << name;
    EXPECT_EQ(op->output->name, name + "Response");
  }
}

TEST(ServiceModel, OperationErrorsComeFromTheModel) {
  const Operation* start = emrModel().operation("StartApplication");
  ASSERT_NE(start, nullptr);
  EXPECT_NE(std::find(start->errors.begin(), start->errors.end(), "ServiceQuotaExceededException"),
            start->errors.end());
  const Operation* list = emrModel().operation("ListApplications");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(std::find(list->errors.begin(), list->errors.end(), "ResourceNotFoundException"), list->errors.end());
  EXPECT_NE(std::find(list->errors.begin(), list->errors.end(), "ValidationException"), list->errors.end());
}

TEST(ServiceModel, UnknownOperationAndShapeAreNull) {
  EXPECT_EQ(emrModel().operation("LookupEvents"), nullptr);
  EXPECT_EQ(emrModel().shape("NoSuchShape"), nullptr);
  EXPECT_EQ(cloudTrailModel().operation("CreateApplication"), nullptr);
}

TEST(ServiceModel, ShapesCarryTheirConstraints) {
  const Shape* name = emrModel().shape("ApplicationName");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->type, Shape::Type::kString);
  EXPECT_EQ(name->min, 1.0);
  EXPECT_EQ(name->max, 64.0);
  ASSERT_NE(name->pattern, nullptr);
  EXPECT_EQ(name->pattern->source(), "[A-Za-z0-9._/#-]+");

  const Shape* arch = emrModel().shape("Architecture");
  ASSERT_NE(arch, nullptr);
  EXPECT_EQ(arch->enum_values, (std::vector<std::string>{"ARM64", "X86_64"}));

  const Shape* driver = emrModel().shape("JobDriver");
  ASSERT_NE(driver, nullptr);
  EXPECT_TRUE(driver->is_union);
  ASSERT_EQ(driver->members.size(), 2u);
  EXPECT_EQ(driver->members[0].name, "sparkSubmit");
  EXPECT_EQ(driver->members[1].name, "hive");

  EXPECT_TRUE(emrModel().shape("EntryPointPath")->sensitive);
  EXPECT_TRUE(emrModel().shape("SensitivePropertiesMap")->sensitive);
  EXPECT_FALSE(emrModel().shape("ApplicationName")->sensitive);

  const Shape* counts = emrModel().shape("WorkerCounts");
  ASSERT_NE(counts, nullptr);
  EXPECT_EQ(counts->type, Shape::Type::kLong);
  EXPECT_EQ(counts->min, 1.0);
  EXPECT_EQ(counts->max, 1000000.0);
  EXPECT_EQ(emrModel().shape("Date")->type, Shape::Type::kTimestamp);
  EXPECT_EQ(emrModel().shape("Boolean")->type, Shape::Type::kBoolean);
}

TEST(ServiceModel, ListsAndMapsLinkTheirElementShapes) {
  const Shape* subnets = emrModel().shape("SubnetIds");
  ASSERT_NE(subnets, nullptr);
  EXPECT_EQ(subnets->type, Shape::Type::kList);
  ASSERT_NE(subnets->member, nullptr);
  EXPECT_EQ(subnets->member->name, "SubnetString");
  EXPECT_EQ(subnets->max, 16.0);

  const Shape* capacity = emrModel().shape("InitialCapacityConfigMap");
  ASSERT_NE(capacity, nullptr);
  EXPECT_EQ(capacity->type, Shape::Type::kMap);
  ASSERT_NE(capacity->key, nullptr);
  ASSERT_NE(capacity->value, nullptr);
  EXPECT_EQ(capacity->key->name, "WorkerTypeString");
  EXPECT_EQ(capacity->value->name, "InitialCapacityConfig");
}

TEST(ServiceModel, MembersCarryLocationsAndIdempotency) {
  const Shape* in = emrModel().shape("ListJobRunsRequest");
  ASSERT_NE(in, nullptr);
  const Member* app = in->findMember("applicationId");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->location, "uri");
  EXPECT_EQ(app->location_name, "applicationId");
  const Member* states = in->findMember("states");
  ASSERT_NE(states, nullptr);
  EXPECT_EQ(states->location, "querystring");
  EXPECT_EQ(states->location_name, "states");
  EXPECT_EQ(states->shape->name, "JobRunStateSet");
  EXPECT_TRUE(in->isRequired("applicationId"));
  EXPECT_FALSE(in->isRequired("states"));
  EXPECT_EQ(in->findMember("nope"), nullptr);

  const Shape* create = emrModel().shape("CreateApplicationRequest");
  ASSERT_NE(create, nullptr);
  const Member* token = create->findMember("clientToken");
  ASSERT_NE(token, nullptr);
  EXPECT_TRUE(token->idempotency_token);
  EXPECT_EQ(token->location, "");
  EXPECT_EQ(token->location_name, "clientToken");  // defaults to the member name
  EXPECT_FALSE(create->findMember("name")->idempotency_token);
  EXPECT_EQ(create->required, (std::vector<std::string>{"releaseLabel", "type", "clientToken"}));
  EXPECT_EQ(create->members.front().name, "name");  // model order
}

TEST(ServiceModel, RejectsTextThatIsNotAModel) {
  for (std::string_view text : {"", "not json", "[]", "{}", R"({"shapes":{}})", R"({"operations":{}})"}) {
    auto r = ServiceModel::load(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInternalServerException) << text;
  }
}

TEST(ServiceModel, RejectsUnknownShapeTypes) {
  auto r = ServiceModel::load(R"({"shapes":{"X":{"type":"bignum"}},"operations":{}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInternalServerException);
}

TEST(ServiceModel, RejectsMembersWithoutShapes) {
  auto r = ServiceModel::load(
      R"({"shapes":{"S":{"type":"structure","members":{"a":{"shape":"Missing"}}}},"operations":{}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInternalServerException);
}

TEST(ServiceModel, MalformedFieldsFailInsteadOfThrowing) {
  auto r = ServiceModel::load(R"({"shapes":{"S":{"type":"string","min":"one"}},"operations":{}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInternalServerException);
}

TEST(ServiceModel, LoadsAMinimalModel) {
  auto r = ServiceModel::load(
      R"({"metadata":{"endpointPrefix":"svc"},
          "shapes":{"In":{"type":"structure","required":["a"],"members":{"a":{"shape":"S"}}},
                    "S":{"type":"string","min":2,"pattern":"[a-z]+"}},
          "operations":{"Op":{"http":{"method":"PUT","requestUri":"/x/{a}"},"input":"In"}}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->signingName(), "svc");
  const Operation* op = (*r)->operation("Op");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->method, "PUT");
  EXPECT_EQ(op->request_uri, "/x/{a}");
  EXPECT_EQ(op->output, nullptr);
  ASSERT_NE(op->input, nullptr);
  EXPECT_EQ(op->input->members.at(0).shape, (*r)->shape("S"));
}

TEST(Pattern, EmptySourceConstrainsNothing) {
  Pattern p;
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(p.kind(), Pattern::Kind::kNone);
  EXPECT_TRUE(p.matches(""));
  EXPECT_TRUE(p.matches("anything at all"));
}

TEST(Pattern, CharClassWithPlus) {
  Pattern p("[A-Za-z0-9._-]+");
  EXPECT_EQ(p.kind(), Pattern::Kind::kCharClass);
  EXPECT_FALSE(p.empty());
  EXPECT_TRUE(p.matches("2f73cb1d-cc24-4ff7-93c7-3419a85099c8"));
  EXPECT_TRUE(p.matches("a.b_c-D9"));
  EXPECT_FALSE(p.matches(""));
  EXPECT_FALSE(p.matches("a b"));
  EXPECT_FALSE(p.matches("abc/"));
  EXPECT_FALSE(p.matches("\xC3\xA9"));  // é
}

TEST(Pattern, CharClassWithStarAcceptsEmpty) {
  Pattern p("[A-Za-z0-9 /_.:=+@-]*");
  EXPECT_EQ(p.kind(), Pattern::Kind::kCharClass);
  EXPECT_TRUE(p.matches(""));
  EXPECT_TRUE(p.matches("team: data @ eng"));
  EXPECT_FALSE(p.matches("a,b"));
}

TEST(Pattern, NegatedCharClass) {
  const Pattern& p = patternOf("LogStreamNamePrefix");  // [^:*]*
  EXPECT_EQ(p.kind(), Pattern::Kind::kCharClass);
  EXPECT_TRUE(p.matches(""));
  EXPECT_TRUE(p.matches("spark/driver"));
  EXPECT_FALSE(p.matches("a:b"));
  EXPECT_FALSE(p.matches("a*"));
}

TEST(Pattern, CharClassEscapesAndUnicodeRanges) {
  Pattern escaped("[\\.\\-_/#A-Za-z0-9]+");
  EXPECT_EQ(escaped.kind(), Pattern::Kind::kCharClass);
  EXPECT_TRUE(escaped.matches("/aws/emr-serverless.logs#1"));
  EXPECT_FALSE(escaped.matches("a b"));

  Pattern unicode("[\\u0041-\\u0043\\u00e9]+");
  EXPECT_EQ(unicode.kind(), Pattern::Kind::kCharClass);
  EXPECT_TRUE(unicode.matches("ABC\xC3\xA9"));
  EXPECT_FALSE(unicode.matches("ABD"));

  Pattern bracket("[\\]a]+");
  EXPECT_EQ(bracket.kind(), Pattern::Kind::kCharClass);
  EXPECT_TRUE(bracket.matches("]a]"));
  EXPECT_FALSE(bracket.matches("[a"));
}

TEST(Pattern, ParenthesisedCharClass) {
  const Pattern& p = patternOf("PolicyDocument");  // "([<4 spaces>-\u00ff]+)" as botocore ships it
  EXPECT_EQ(p.kind(), Pattern::Kind::kCharClass);
  EXPECT_TRUE(p.matches("{\"Version\": \"2012-10-17\"}"));
  EXPECT_TRUE(p.matches("caf\xC3\xA9"));    // U+00E9 is inside the range
  EXPECT_FALSE(p.matches("\xE2\x82\xAC"));  // U+20AC is beyond U+00FF
  EXPECT_FALSE(p.matches("line\nbreak"));   // control characters are not in the class
}

TEST(Pattern, NonBlank) {
  Pattern p(".*\\S.*");
  EXPECT_EQ(p.kind(), Pattern::Kind::kNonBlank);
  EXPECT_TRUE(p.matches("x"));
  EXPECT_TRUE(p.matches("  s3://bucket/main.py  "));
  EXPECT_TRUE(p.matches("\xC3\xA9"));
  EXPECT_TRUE(p.matches("line\nbreak"));
  EXPECT_FALSE(p.matches(""));
  EXPECT_FALSE(p.matches("   "));
  EXPECT_FALSE(p.matches(" \t\r\n\f\v"));
}

TEST(Pattern, DotStarAroundAClassAcceptsEverything) {
  const Pattern& p = patternOf("UriString");
  EXPECT_EQ(p.kind(), Pattern::Kind::kAny);
  EXPECT_TRUE(p.matches(""));
  EXPECT_TRUE(p.matches("s3://bucket/logs/"));
  EXPECT_TRUE(p.matches("\xF0\x9F\x98\x80"));  // U+1F600
}

TEST(Pattern, IamRoleArnRegex) {
  const Pattern& p = patternOf("IAMRoleArn");
  EXPECT_EQ(p.kind(), Pattern::Kind::kRegex);
  EXPECT_TRUE(p.matches("arn:aws:iam::123456789012:role/EMRServerlessRole"));
  EXPECT_TRUE(p.matches("arn:aws:iam::123456789012:role/service-role/my.role+x=y,z@w-1"));
  EXPECT_TRUE(p.matches("arn:aws-cn:iam::123456789012:role/R"));
  EXPECT_FALSE(p.matches("arn:aws:iam::12345:role/EMRServerlessRole"));
  EXPECT_FALSE(p.matches("arn:aws:iam::123456789012:user/Alice"));
  EXPECT_FALSE(p.matches("arn:aws:iam::123456789012:role/"));
  EXPECT_FALSE(p.matches("xarn:aws:iam::123456789012:role/R"));  // whole-string match
  EXPECT_FALSE(p.matches("arn:aws:iam::123456789012:role/R "));
}

TEST(Pattern, EcrImageUriRegex) {
  const Pattern& p = patternOf("ImageUri");
  EXPECT_EQ(p.kind(), Pattern::Kind::kRegex);
  EXPECT_TRUE(p.matches("123456789012.dkr.ecr.us-east-1.amazonaws.com/my-repo:latest"));
  EXPECT_TRUE(p.matches("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/spark-image:v1.2"));
  EXPECT_TRUE(p.matches("123456789012.dkr.ecr.us-east-1.amazonaws.com/my-repo@sha256:" + std::string(64, 'a')));
  EXPECT_FALSE(p.matches("123456789012.dkr.ecr.us-east-1.amazonaws.com/my-repo"));  // tag or digest required
  EXPECT_FALSE(p.matches("docker.io/library/spark:latest"));
  EXPECT_FALSE(p.matches("123456789012.dkr.ecr.us-east-1.amazonaws.com/My-Repo:latest"));
}

TEST(Pattern, AlternationRegex) {
  const Pattern& p = patternOf("DiskType");
  EXPECT_EQ(p.kind(), Pattern::Kind::kRegex);
  EXPECT_TRUE(p.matches("SHUFFLE_OPTIMIZED"));
  EXPECT_TRUE(p.matches("shuffle_Optimized"));
  EXPECT_TRUE(p.matches("Standard"));
  EXPECT_FALSE(p.matches("FAST"));
  EXPECT_FALSE(p.matches("STANDARDX"));
}

TEST(Pattern, OuterParenthesesAroundAnAlternationAreNotACharClass) {
  Pattern p("([a-z]+)|([0-9]+)");
  EXPECT_EQ(p.kind(), Pattern::Kind::kRegex);
  EXPECT_TRUE(p.matches("abc"));
  EXPECT_TRUE(p.matches("123"));
  EXPECT_FALSE(p.matches("abc123"));
}

TEST(Pattern, ClassFollowedByMoreIsARegex) {
  const Pattern& worker = patternOf("WorkerTypeString");  // [a-zA-Z]+[-_]*[a-zA-Z]+
  EXPECT_EQ(worker.kind(), Pattern::Kind::kRegex);
  EXPECT_TRUE(worker.matches("Driver"));
  EXPECT_TRUE(worker.matches("Tez_Task"));
  EXPECT_FALSE(worker.matches("D"));
  EXPECT_FALSE(worker.matches("1Driver"));
  const Pattern& cpu = patternOf("CpuSize");
  EXPECT_EQ(cpu.kind(), Pattern::Kind::kRegex);
  EXPECT_TRUE(cpu.matches("4 vCPU"));
  EXPECT_TRUE(cpu.matches("16"));
  EXPECT_FALSE(cpu.matches("0 vCPU"));
}

TEST(Pattern, SurrogatePairEscapesInAClassMeanSupplementaryCharacters) {
  // AWS models (e.g. CloudTrail PartitionKeyName) write "every code point above U+FFFF" the Java
  // way, as the surrogate-pair range \uD800\uDC00-\uDBFF\uDFFF.
  Pattern p("[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*");
  EXPECT_EQ(p.kind(), Pattern::Kind::kCharClass);
  EXPECT_TRUE(p.matches("partition key"));
  EXPECT_FALSE(p.matches("a\nb"));
  bool emoji = p.matches("key \xF0\x9F\x98\x80");  // U+1F600
  EXPECT_TRUE(emoji);
}

TEST(Pattern, InvalidUtf8NeverMatches) {
  const std::vector<std::string> invalid = {
      "\xFF",              // not a lead byte
      "abc\xC3",           // truncated 2-byte sequence
      "\xE2\x82",          // truncated 3-byte sequence
      "\xC0\xAF",          // overlong '/'
      "\xED\xA0\x80",      // UTF-16 surrogate
      "\xF4\x90\x80\x80",  // beyond U+10FFFF
      "a\x80z",            // stray continuation byte
  };
  std::vector<std::unique_ptr<Pattern>> patterns;
  patterns.push_back(std::make_unique<Pattern>(".*[\\u0020-\\uD7FF]*.*"));  // kAny
  patterns.push_back(std::make_unique<Pattern>(".*\\S.*"));                 // kNonBlank
  patterns.push_back(std::make_unique<Pattern>("[^:]*"));                   // kCharClass (negated, star)
  patterns.push_back(std::make_unique<Pattern>("(.*)"));                    // kRegex
  EXPECT_EQ(patterns[0]->kind(), Pattern::Kind::kAny);
  EXPECT_EQ(patterns[1]->kind(), Pattern::Kind::kNonBlank);
  EXPECT_EQ(patterns[2]->kind(), Pattern::Kind::kCharClass);
  EXPECT_EQ(patterns[3]->kind(), Pattern::Kind::kRegex);
  for (const auto& p : patterns) {
    for (const auto& text : invalid) EXPECT_FALSE(p->matches(text)) << p->source();
    EXPECT_TRUE(p->matches("ok")) << p->source();
  }
}

TEST(Pattern, LongInputsDoNotCrash) {
  std::string long_text(1 << 20, 'a');
  EXPECT_TRUE(Pattern("[a-z]+").matches(long_text));
  EXPECT_TRUE(Pattern(".*\\S.*").matches(std::string(1 << 20, ' ') + "x"));
  EXPECT_FALSE(Pattern(".*\\S.*").matches(std::string(1 << 20, ' ')));

  const Pattern& role = patternOf("IAMRoleArn");
  std::string near_limit = "arn:aws:iam::123456789012:role/" + std::string(4000, 'r');
  EXPECT_TRUE(role.matches(near_limit));
  std::string huge = "arn:aws:iam::123456789012:role/" + std::string(1 << 20, 'r');
  EXPECT_FALSE(role.matches(huge));  // beyond the regex input limit: refused, not recursed into
}

TEST(Pattern, UnsupportedRegexConstrainsNothing) {
  Pattern p("(?<name>a)+");  // named groups are not ECMAScript
  EXPECT_EQ(p.kind(), Pattern::Kind::kRegex);
  EXPECT_TRUE(p.matches("anything"));
}

TEST(Pattern, RegexIsSafeToMatchFromManyThreads) {
  Pattern p("arn:(aws[a-zA-Z0-9-]*):kms:[a-zA-Z0-9\\-]*:([0-9]{12}):key\\/[a-zA-Z0-9-]+");
  std::vector<std::thread> threads;
  std::vector<int> hits(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&p, &hits, t] {
      for (int i = 0; i < 50; ++i) {
        if (p.matches("arn:aws:kms:us-east-1:123456789012:key/abcd-1234")) ++hits[static_cast<size_t>(t)];
        if (p.matches("arn:aws:kms:us-east-1:1234:key/abcd")) hits[static_cast<size_t>(t)] += 1000;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int h : hits) EXPECT_EQ(h, 50);
}

TEST(Utf8, LengthCountsCodePoints) {
  EXPECT_EQ(utf8Length(""), 0u);
  EXPECT_EQ(utf8Length("abc"), 3u);
  EXPECT_EQ(utf8Length("\xC3\xA9"), 1u);          // é
  EXPECT_EQ(utf8Length("\xE2\x82\xAC"), 1u);      // €
  EXPECT_EQ(utf8Length("\xF0\x9F\x98\x80"), 1u);  // U+1F600
  EXPECT_EQ(utf8Length("a\xC3\xA9\xF0\x9F\x98\x80z"), 4u);
  EXPECT_EQ(utf8Length(std::string_view("a\0b", 3)), 3u);
}

TEST(Utf8, InvalidSequencesAreRejected) {
  EXPECT_EQ(utf8Length("\xFF"), std::string_view::npos);
  EXPECT_EQ(utf8Length("\xC3"), std::string_view::npos);
  EXPECT_EQ(utf8Length("\xF0\x9F\x98"), std::string_view::npos);
  EXPECT_EQ(utf8Length("\xC0\x80"), std::string_view::npos);
  EXPECT_EQ(utf8Length("\xE0\x80\xAF"), std::string_view::npos);
  EXPECT_EQ(utf8Length("\xED\xBF\xBF"), std::string_view::npos);
  EXPECT_EQ(utf8Length("\xF4\x90\x80\x80"), std::string_view::npos);
  EXPECT_EQ(utf8Length("\xF8\x88\x80\x80\x80"), std::string_view::npos);
}

TEST(Utf8, DecodeProducesCodePoints) {
  std::u32string out;
  ASSERT_TRUE(decodeUtf8("a\xC3\xA9\xF4\x8F\xBF\xBF", out));
  EXPECT_EQ(out, (std::u32string{U'a', U'\u00e9', U'\U0010FFFF'}));
  EXPECT_FALSE(decodeUtf8("\xC3(", out));
}

}  // namespace
}  // namespace trailbox::api
