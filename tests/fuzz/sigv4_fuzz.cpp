// fuzz_sigv4: SigV4 parsing (parseSigV4: Authorization header or presigned X-Amz-* query), the
// caller derived from it (deriveCaller) and verification (verifySigV4) with a fixed secret.
//
// Input: an HTTP/1.1 request (fuzz::parseHttp). The wall clock is fixed at 2026-11-24T20:08:34Z,
// the X-Amz-Date of the captured requests in the seed corpus.
//
// Checked: nothing throws or crashes; a parsed scope has a well-formed access key, 8-character
// date and region; the derived caller's identity serializes to valid JSON; verification fails
// only with the documented errors. Then the harness signs the request itself, with the same
// secret (recomputing the signature from canonicalRequest and signingKey as a client does), and
// verification of that signature - in any letter case - must not fail with a signature mismatch.

#include <cstdint>
#include <string>
#include <string_view>

#include "api/crypto.hpp"
#include "api/identity.hpp"
#include "api/protocol/url.hpp"
#include "api/sigv4.hpp"
#include "harness.hpp"

using trailbox::api::ErrorCode;
using trailbox::fuzz::printable;

namespace {

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr int64_t kWallClockMs = 1795550914000;  // 2026-11-24T20:08:34Z

std::string amzDateOf(const trailbox::api::Request& request, const trailbox::api::SigV4Scope& scope,
                      const trailbox::api::QueryParams& query) {
  if (!scope.presigned) return std::string(request.header("x-amz-date"));
  for (const auto& [k, v] : query) {
    if (k == "X-Amz-Date") return v;
  }
  return {};
}

// By the message's start: other messages quote request text, which may itself contain these words
// (the fuzzer found one that did).
bool mismatch(const trailbox::api::AwsError& e) {
  return e.message.rfind("The request signature we calculated does not match the signature", 0) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  trailbox::api::Request request = trailbox::fuzz::parseHttp(input);
  trailbox::api::Target target = trailbox::api::splitTarget(request.target);
  trailbox::api::QueryParams query;
  // A malformed query string is answered before the caller is resolved, except under
  // /_trailbox/ which takes no signature: parse what can be parsed either way.
  (void)trailbox::api::parseQuery(target.query, query);

  auto scope = trailbox::api::parseSigV4(request, query);
  if (!scope.ok()) {
    FUZZ_CHECK(scope.error().code == ErrorCode::kIncompleteSignatureException,
               "parseSigV4 failed with " + std::string(trailbox::api::errorName(scope.error().code)));
    FUZZ_CHECK(!scope.error().message.empty(), "parseSigV4 error without a message");
    return 0;
  }
  const trailbox::api::SigV4Scope& s = *scope;
  trailbox::api::IdentityDefaults defaults;
  trailbox::api::Caller caller = trailbox::api::deriveCaller(s, defaults, kWallClockMs);
  std::string identity = trailbox::api::dumpJson(caller.user_identity);
  FUZZ_CHECK(trailbox::fuzz::isValidJson(identity), "userIdentity is not valid JSON: " + printable(identity));
  FUZZ_CHECK(!caller.arn.empty() && !caller.account_id.empty() && !caller.region.empty(),
             "derived caller lacks an ARN, account or region");
  if (!s.present) return 0;
  FUZZ_CHECK(!s.access_key_id.empty() && s.date.size() == 8 && !s.region.empty(),
             "accepted scope with an empty key, region or a bad date: " + printable(s.access_key_id + "/" + s.date));
  FUZZ_CHECK(!s.signature.empty() && !s.signed_headers.empty(), "accepted scope without signature or signed headers");

  auto verified = trailbox::api::verifySigV4(request, s, kSecret, kWallClockMs);
  if (!verified.ok()) {
    ErrorCode code = verified.error().code;
    FUZZ_CHECK(code == ErrorCode::kInvalidSignatureException || code == ErrorCode::kIncompleteSignatureException,
               "verifySigV4 failed with " + std::string(trailbox::api::errorName(code)));
  }

  // Sign the request properly and verify again.
  std::string amz_date = amzDateOf(request, s, query);
  std::string credential_scope = s.date + "/" + s.region + "/" + s.service + "/aws4_request";
  std::string canonical = trailbox::api::canonicalRequest(request, s);
  std::string to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + credential_scope + "\n" +
                        trailbox::api::hexEncode(trailbox::api::sha256(canonical));
  trailbox::api::SigV4Scope signed_scope = s;
  signed_scope.signature = trailbox::api::hexEncode(
      trailbox::api::hmacSha256(trailbox::api::signingKey(kSecret, s.date, s.region, s.service), to_sign));
  auto good = trailbox::api::verifySigV4(request, signed_scope, kSecret, kWallClockMs);
  FUZZ_CHECK(good.ok() || !mismatch(good.error()),
             "a correct signature was rejected as a mismatch\ncanonical request:\n" + printable(canonical, 2000));
  if (good.ok()) {
    // Hex digits compare case-insensitively; any other change must be refused.
    trailbox::api::SigV4Scope upper = signed_scope;
    for (char& c : upper.signature) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    FUZZ_CHECK(trailbox::api::verifySigV4(request, upper, kSecret, kWallClockMs).ok(),
               "an upper-case signature was refused");
    trailbox::api::SigV4Scope wrong = signed_scope;
    wrong.signature[0] = wrong.signature[0] == '0' ? '1' : '0';
    auto bad = trailbox::api::verifySigV4(request, wrong, kSecret, kWallClockMs);
    FUZZ_CHECK(!bad.ok() && mismatch(bad.error()), "a wrong signature was accepted");
    // The original signature verifies exactly when it is the one computed here.
    std::string given = trailbox::fuzz::lower(s.signature);
    FUZZ_CHECK(verified.ok() == (given == signed_scope.signature),
               "verifySigV4 disagrees with the recomputed signature for " + printable(s.signature));
  }
  return 0;
}
