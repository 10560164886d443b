#include "api/identity.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "api/clock.hpp"
#include "api/sigv4.hpp"

namespace trailbox::api {
namespace {

// botocore's header for CreateApplication (aws-behaviour.md A.1).
constexpr const char* kBotocoreAuth =
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/emr-serverless/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, "
    "Signature=f9bc04e528b54d3d601b217ba0e48c66a3015abb7dcb404fdd2675236798d85d";

constexpr int64_t kNow = 1717174870123;  // 2024-05-31T17:01:10.123Z

Request withAuth(const std::string& authorization) {
  Request r;
  r.method = "POST";
  r.target = "/applications";
  r.headers = {{"host", "127.0.0.1:4566"}, {"x-amz-date", "20261124T200834Z"}, {"authorization", authorization}};
  return r;
}

Result<SigV4Scope> parseHeader(const std::string& authorization) { return parseSigV4(withAuth(authorization), {}); }

Result<SigV4Scope> parsePresigned(const std::string& query) {
  Request r;
  r.method = "GET";
  r.target = "/applications?" + query;
  QueryParams q;
  EXPECT_TRUE(parseQuery(query, q));
  return parseSigV4(r, q);
}

std::vector<std::string> keys(const Json& object) {
  std::vector<std::string> out;
  for (auto it = object.begin(); it != object.end(); ++it) out.push_back(it.key());
  return out;
}

TEST(ParseSigV4, BotocoreAuthorizationHeader) {
  auto r = parseHeader(kBotocoreAuth);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->present);
  EXPECT_FALSE(r->presigned);
  EXPECT_EQ(r->access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(r->date, "20261124");
  EXPECT_EQ(r->region, "us-east-1");
  EXPECT_EQ(r->service, "emr-serverless");
  EXPECT_EQ(r->signed_headers, "content-type;host;x-amz-date");
  EXPECT_EQ(r->signature, "f9bc04e528b54d3d601b217ba0e48c66a3015abb7dcb404fdd2675236798d85d");
  EXPECT_EQ(r->security_token, "");
}

TEST(ParseSigV4, CloudTrailHeaderWithSessionToken) {
  Request req = withAuth(
      "AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE/20261124/eu-west-3/cloudtrail/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=4502abcdef");
  req.headers.emplace_back("x-amz-security-token", "FwoGZXIvYXdzEXAMPLETOKEN");
  auto r = parseSigV4(req, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(r->region, "eu-west-3");
  EXPECT_EQ(r->service, "cloudtrail");
  EXPECT_EQ(r->signed_headers, "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
  EXPECT_EQ(r->signature, "4502abcdef");
  EXPECT_EQ(r->security_token, "FwoGZXIvYXdzEXAMPLETOKEN");
}

TEST(ParseSigV4, ToleratesSpacingVariants) {
  auto r = parseHeader(
      "  AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request,SignedHeaders=host;x-amz-date,"
      "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7  ");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(r->date, "20150830");
  EXPECT_EQ(r->service, "iam");
  EXPECT_EQ(r->signed_headers, "host;x-amz-date");
  EXPECT_EQ(r->signature, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(ParseSigV4, PresignedQuery) {
  auto r = parsePresigned(
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261124%2Fap-southeast-2%2F"
      "emr-serverless%2Faws4_request&X-Amz-Date=20261124T200834Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
      "&X-Amz-Security-Token=tok%2Ben&X-Amz-Signature=abc123");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->present);
  EXPECT_TRUE(r->presigned);
  EXPECT_EQ(r->access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(r->date, "20261124");
  EXPECT_EQ(r->region, "ap-southeast-2");
  EXPECT_EQ(r->service, "emr-serverless");
  EXPECT_EQ(r->signed_headers, "host");
  EXPECT_EQ(r->signature, "abc123");
  EXPECT_EQ(r->security_token, "tok+en");
}

TEST(VerifySigV4, PresignedExpiryMustBeOneSecondToAWeek) {
  // 9223372036854775807 once overflowed `expires * 1000` (found by fuzzing, UBSan).
  const int64_t signed_at_ms = 1795550914000;  // 20261124T200834Z
  for (const char* expires : {"9223372036854775807", "604801", "0", "-5", "12x", ""}) {
    std::string query =
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261124%2Fus-east-1%2F"
        "emr-serverless%2Faws4_request&X-Amz-Date=20261124T200834Z&X-Amz-Expires=" +
        std::string(expires) + "&X-Amz-SignedHeaders=host&X-Amz-Signature=abc123";
    Request r;
    r.method = "GET";
    r.target = "/applications?" + query;
    r.headers = {{"host", "127.0.0.1:4566"}};
    auto scope = parsePresigned(query);
    ASSERT_TRUE(scope.ok()) << expires;
    auto v = verifySigV4(r, *scope, "secret", signed_at_ms);
    ASSERT_FALSE(v.ok()) << expires;
    EXPECT_EQ(v.error().code, ErrorCode::kInvalidSignatureException) << expires;
    EXPECT_NE(v.error().message.find("X-Amz-Expires"), std::string::npos) << v.error().message;
  }
}

TEST(ParseSigV4, IncompletePresignedQueryFails) {
  const std::string credential =
      "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261124%2Fus-east-1%2Femr-serverless%2Faws4_request";
  for (const std::string& query : std::vector<std::string>{
           credential + "&X-Amz-SignedHeaders=host&X-Amz-Signature=abc",  // no algorithm
           "X-Amz-Algorithm=AWS4-HMAC-SHA1&" + credential +
               "&X-Amz-SignedHeaders=host&X-Amz-Signature=abc",                             // wrong one
           "X-Amz-Algorithm=AWS4-HMAC-SHA256&" + credential + "&X-Amz-SignedHeaders=host",  // no signature
           "X-Amz-Algorithm=AWS4-HMAC-SHA256&" + credential + "&X-Amz-Signature=abc",       // no headers
           "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261124%2Fus-east-1"
           "&X-Amz-SignedHeaders=host&X-Amz-Signature=abc",  // short scope
       }) {
    auto r = parsePresigned(query);
    ASSERT_FALSE(r.ok()) << query;
    EXPECT_EQ(r.error().code, ErrorCode::kIncompleteSignatureException) << query;
  }
}

TEST(ParseSigV4, MissingHeaderPartsAreIncompleteSignatures) {
  struct Case {
    std::string header;
    std::string missing;
  };
  const std::vector<Case> cases = {
      {"AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc", "Credential"},
      {"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/emr-serverless/aws4_request, "
       "SignedHeaders=host;x-amz-date",
       "Signature"},
      {"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/emr-serverless/aws4_request, "
       "Signature=abc",
       "SignedHeaders"},
      {"AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=abc", "Credential"},
  };
  for (const auto& c : cases) {
    auto r = parseHeader(c.header);
    ASSERT_FALSE(r.ok()) << c.header;
    EXPECT_EQ(r.error().code, ErrorCode::kIncompleteSignatureException) << c.header;
    EXPECT_NE(r.error().message.find("'" + c.missing + "'"), std::string::npos) << r.error().message;
  }
  auto nothing = parseHeader("AWS4-HMAC-SHA256");
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().code, ErrorCode::kIncompleteSignatureException);
}

TEST(ParseSigV4, OtherAlgorithmsAreRejected) {
  for (std::string header : {"AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", "Bearer token",
                             "AWS4-HMAC-SHA1 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/s/aws4_request, "
                             "SignedHeaders=host, Signature=abc"}) {
    auto r = parseHeader(header);
    ASSERT_FALSE(r.ok()) << header;
    EXPECT_EQ(r.error().code, ErrorCode::kIncompleteSignatureException) << header;
  }
}

TEST(ParseSigV4, BadScopeTerminatorIsRejected) {
  for (std::string credential :
       {"AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/emr-serverless/aws4_requestX",
        "AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/emr-serverless/aws5_request",
        "AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/emr-serverless",
        "AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/emr-serverless/aws4_request/extra",
        "AKIAIOSFODNN7EXAMPLE/2026112/us-east-1/emr-serverless/aws4_request", "AKIAIOSFODNN7EXAMPLE"}) {
    auto r = parseHeader("AWS4-HMAC-SHA256 Credential=" + credential + ", SignedHeaders=host, Signature=abc");
    ASSERT_FALSE(r.ok()) << credential;
    EXPECT_EQ(r.error().code, ErrorCode::kIncompleteSignatureException) << credential;
  }
}

TEST(ParseSigV4, BadRegionIsRejected) {
  for (const std::string& region :
       std::vector<std::string>{"", "US-EAST-1", "us_east_1", "us east 1", "us-east-1\xC3\xA9", std::string(33, 'a')}) {
    auto r = parseHeader("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/" + region +
                         "/emr-serverless/aws4_request, SignedHeaders=host, Signature=abc");
    ASSERT_FALSE(r.ok()) << region;
    EXPECT_EQ(r.error().code, ErrorCode::kIncompleteSignatureException) << region;
  }
}

TEST(ParseSigV4, BadAccessKeyIsRejected) {
  for (const std::string& key : std::vector<std::string>{"", "AKIA/X", "AKIA IOSF", "AKIA:1", std::string(129, 'A')}) {
    auto r = parseHeader("AWS4-HMAC-SHA256 Credential=" + key +
                         "/20261124/us-east-1/emr-serverless/aws4_request, SignedHeaders=host, Signature=abc");
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_EQ(r.error().code, ErrorCode::kIncompleteSignatureException) << key;
  }
}

TEST(ParseSigV4, UnsignedRequestIsNotPresent) {
  Request r;
  r.method = "GET";
  r.target = "/applications";
  r.headers = {{"host", "localhost"}};
  QueryParams q = {{"maxResults", "10"}};
  auto scope = parseSigV4(r, q);
  ASSERT_TRUE(scope.ok());
  EXPECT_FALSE(scope->present);
  EXPECT_FALSE(scope->presigned);
  EXPECT_EQ(scope->access_key_id, "");
  EXPECT_EQ(scope->region, "");
}

TEST(DeriveCaller, UnsignedCallIsTheDefaultIamUser) {
  Caller c = deriveCaller(SigV4Scope{}, IdentityDefaults{}, kNow);
  EXPECT_EQ(c.type, "IAMUser");
  EXPECT_EQ(c.account_id, "123456789012");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.access_key_id, "");
  EXPECT_EQ(c.username, "trailbox");
  EXPECT_EQ(c.arn, "arn:aws:iam::123456789012:user/trailbox");
  EXPECT_EQ(keys(c.user_identity), (std::vector<std::string>{"type", "principalId", "arn", "accountId", "userName"}));
  EXPECT_EQ(c.user_identity["type"], "IAMUser");
  EXPECT_EQ(c.user_identity["principalId"], principalIdFor("AIDA", "123456789012:user/trailbox"));
  EXPECT_EQ(c.user_identity["arn"], c.arn);
  EXPECT_EQ(c.user_identity["accountId"], "123456789012");
  EXPECT_EQ(c.user_identity["userName"], "trailbox");
}

TEST(DeriveCaller, UnsignedCallUsesConfiguredDefaults) {
  IdentityDefaults d;
  d.account_id = "111122223333";
  d.region = "eu-west-1";
  d.anonymous_user = "alice";
  Caller c = deriveCaller(SigV4Scope{}, d, kNow);
  EXPECT_EQ(c.account_id, "111122223333");
  EXPECT_EQ(c.region, "eu-west-1");
  EXPECT_EQ(c.arn, "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(c.username, "alice");
}

TEST(DeriveCaller, LongTermKeyIsAnIamUserNamedAfterTheKey) {
  auto scope = parseHeader(kBotocoreAuth);
  ASSERT_TRUE(scope.ok());
  Caller c = deriveCaller(*scope, IdentityDefaults{}, kNow);
  EXPECT_EQ(c.type, "IAMUser");
  EXPECT_EQ(c.account_id, "123456789012");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(c.username, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(c.arn, "arn:aws:iam::123456789012:user/AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(keys(c.user_identity),
            (std::vector<std::string>{"type", "principalId", "arn", "accountId", "accessKeyId", "userName"}));
  EXPECT_EQ(c.user_identity["accessKeyId"], "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(c.user_identity["userName"], "AKIAIOSFODNN7EXAMPLE");
  std::string principal = c.user_identity["principalId"].get<std::string>();
  EXPECT_EQ(principal.size(), 21u);
  EXPECT_EQ(principal.rfind("AIDA", 0), 0u);
}

TEST(DeriveCaller, RegionComesFromTheScope) {
  SigV4Scope scope;
  scope.present = true;
  scope.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  scope.region = "ap-northeast-1";
  Caller c = deriveCaller(scope, IdentityDefaults{}, kNow);
  EXPECT_EQ(c.region, "ap-northeast-1");
}

TEST(DeriveCaller, TwelveDigitKeyIsTheAccount) {
  SigV4Scope scope;
  scope.present = true;
  scope.access_key_id = "210987654321";
  scope.region = "us-west-2";
  Caller c = deriveCaller(scope, IdentityDefaults{}, kNow);
  EXPECT_EQ(c.account_id, "210987654321");
  EXPECT_EQ(c.arn, "arn:aws:iam::210987654321:user/210987654321");
  EXPECT_EQ(c.user_identity["accountId"], "210987654321");

  scope.access_key_id = "21098765432";  // 11 digits: not an account
  EXPECT_EQ(deriveCaller(scope, IdentityDefaults{}, kNow).account_id, "123456789012");
  scope.access_key_id = "2109876543210";  // 13 digits
  EXPECT_EQ(deriveCaller(scope, IdentityDefaults{}, kNow).account_id, "123456789012");
}

TEST(DeriveCaller, SessionTokenIsAnAssumedRole) {
  SigV4Scope scope;
  scope.present = true;
  scope.access_key_id = "ASIAIOSFODNN7EXAMPLE";
  scope.region = "us-west-2";
  scope.security_token = "FwoGZXIvYXdzEXAMPLETOKEN";
  Caller c = deriveCaller(scope, IdentityDefaults{}, kNow);
  EXPECT_EQ(c.type, "AssumedRole");
  EXPECT_EQ(c.account_id, "123456789012");
  EXPECT_EQ(c.region, "us-west-2");
  EXPECT_EQ(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(c.username, "ASIAIOSFODNN7EXAMPLE");  // the session name
  EXPECT_EQ(c.arn, "arn:aws:sts::123456789012:assumed-role/trailbox/ASIAIOSFODNN7EXAMPLE");

  const Json& id = c.user_identity;
  // The same members, in the same order, as the seed's AssumedRole identity.
  EXPECT_EQ(keys(id),
            (std::vector<std::string>{"type", "principalId", "arn", "accountId", "accessKeyId", "sessionContext"}));
  EXPECT_EQ(id["type"], "AssumedRole");
  EXPECT_EQ(id["arn"], c.arn);
  EXPECT_EQ(id["accountId"], "123456789012");
  EXPECT_EQ(id["accessKeyId"], "ASIAIOSFODNN7EXAMPLE");

  const Json& ctx = id["sessionContext"];
  EXPECT_EQ(keys(ctx), (std::vector<std::string>{"sessionIssuer", "webIdFederationData", "attributes"}));
  const Json& issuer = ctx["sessionIssuer"];
  EXPECT_EQ(keys(issuer), (std::vector<std::string>{"type", "principalId", "arn", "accountId", "userName"}));
  EXPECT_EQ(issuer["type"], "Role");
  EXPECT_EQ(issuer["arn"], "arn:aws:iam::123456789012:role/trailbox");
  EXPECT_EQ(issuer["accountId"], "123456789012");
  EXPECT_EQ(issuer["userName"], "trailbox");
  std::string role_id = issuer["principalId"].get<std::string>();
  EXPECT_EQ(role_id, principalIdFor("AROA", "123456789012:role/trailbox"));
  EXPECT_EQ(role_id.size(), 21u);
  EXPECT_EQ(role_id.rfind("AROA", 0), 0u);
  EXPECT_EQ(id["principalId"], role_id + ":ASIAIOSFODNN7EXAMPLE");

  EXPECT_TRUE(ctx["webIdFederationData"].is_object());
  EXPECT_TRUE(ctx["webIdFederationData"].empty());
  EXPECT_EQ(keys(ctx["attributes"]), (std::vector<std::string>{"creationDate", "mfaAuthenticated"}));
  EXPECT_EQ(ctx["attributes"]["creationDate"], "2024-05-31T17:00:00Z");  // the top of the hour
  EXPECT_TRUE(ctx["attributes"]["mfaAuthenticated"].is_string());
  EXPECT_EQ(ctx["attributes"]["mfaAuthenticated"], "false");
}

TEST(DeriveCaller, SessionIdentityIsStableWithinAnHour) {
  SigV4Scope scope;
  scope.present = true;
  scope.access_key_id = "ASIAIOSFODNN7EXAMPLE";
  scope.region = "us-east-1";
  scope.security_token = "t";
  int64_t hour = 1717174800000;  // 2024-05-31T17:00:00Z
  Caller a = deriveCaller(scope, IdentityDefaults{}, hour);
  Caller b = deriveCaller(scope, IdentityDefaults{}, hour + 3599999);
  Caller next = deriveCaller(scope, IdentityDefaults{}, hour + 3600000);
  EXPECT_EQ(a.user_identity, b.user_identity);
  EXPECT_EQ(next.user_identity["sessionContext"]["attributes"]["creationDate"], "2024-05-31T18:00:00Z");
}

TEST(DeriveCaller, CreationDateParsesAsIso8601) {
  SigV4Scope scope;
  scope.present = true;
  scope.access_key_id = "ASIAX";
  scope.region = "us-east-1";
  scope.security_token = "t";
  Caller c = deriveCaller(scope, IdentityDefaults{}, kNow);
  int64_t ms = 0;
  ASSERT_TRUE(parseIso8601(c.user_identity["sessionContext"]["attributes"]["creationDate"].get<std::string>(), ms));
  EXPECT_EQ(ms, 1717174800000);
}

TEST(PrincipalIdFor, IsStableAndAwsShaped) {
  std::string a = principalIdFor("AIDA", "123456789012:user/alice");
  EXPECT_EQ(a, principalIdFor("AIDA", "123456789012:user/alice"));
  EXPECT_EQ(a.size(), 21u);
  EXPECT_EQ(a.rfind("AIDA", 0), 0u);
  for (char ch : a.substr(4)) EXPECT_TRUE((ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7')) << a;
  EXPECT_NE(a, principalIdFor("AIDA", "123456789012:user/bob"));
  EXPECT_EQ(principalIdFor("AROA", "x").size(), 21u);
  EXPECT_EQ(principalIdFor("AROA", "x").substr(4), principalIdFor("AIDA", "x").substr(4));
}

TEST(PrincipalIdFor, DistinctSeedsGiveDistinctIds) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(principalIdFor("AIDA", "user" + std::to_string(i)));
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace trailbox::api
