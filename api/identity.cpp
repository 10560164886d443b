#include "api/identity.hpp"

#include <algorithm>

#include "api/clock.hpp"
#include "api/crypto.hpp"

namespace trailbox::api {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

bool validRegion(const std::string& r) {
  if (r.empty() || r.size() > 32) return false;
  return std::all_of(r.begin(), r.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool validAccessKey(const std::string& k) {
  if (k.empty() || k.size() > 128) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Result<SigV4Scope> parseCredential(const std::string& credential, SigV4Scope scope, const std::string& what) {
  // <AKID>/<YYYYMMDD>/<region>/<service>/aws4_request
  std::vector<std::string> parts;
  size_t pos = 0;
  while (true) {
    size_t slash = credential.find('/', pos);
    parts.push_back(credential.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos));
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  if (parts.size() != 5 || parts[4] != "aws4_request" || parts[1].size() != 8) {
    return fail(ErrorCode::kIncompleteSignatureException,
                "Credential should be scoped with a valid terminator: 'aws4_request', in the form "
                "<AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request; got '" + credential + "' in " + what);
  }
  if (!validAccessKey(parts[0])) {
    return fail(ErrorCode::kIncompleteSignatureException, "The access key id in the " + what + " is malformed");
  }
  if (!validRegion(parts[2])) {
    return fail(ErrorCode::kIncompleteSignatureException,
                "Credential should be scoped to a valid region, not '" + parts[2] + "'");
  }
  scope.access_key_id = parts[0];
  scope.date = parts[1];
  scope.region = parts[2];
  scope.service = parts[3];
  return scope;
}

std::string findQuery(const QueryParams& q, std::string_view key) {
  for (const auto& [k, v] : q) {
    if (k == key) return v;
  }
  return {};
}

}  // namespace

Result<SigV4Scope> parseSigV4(const Request& request, const QueryParams& query) {
  SigV4Scope scope;
  std::string_view auth = request.header("authorization");
  if (!auth.empty()) {
    scope.present = true;
    scope.security_token = std::string(request.header("x-amz-security-token"));
    const std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
    std::string text = trim(auth);
    if (text.rfind(kAlgorithm, 0) != 0) {
      return fail(ErrorCode::kIncompleteSignatureException,
                  "Authorization header must use the AWS4-HMAC-SHA256 algorithm (Signature Version 4)");
    }
    std::string rest = text.substr(kAlgorithm.size());
    std::string credential;
    size_t pos = 0;
    while (pos < rest.size()) {
      size_t comma = rest.find(',', pos);
      std::string item = trim(std::string_view(rest).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      size_t eq = item.find('=');
      if (eq != std::string::npos) {
        std::string key = item.substr(0, eq);
        std::string value = item.substr(eq + 1);
        if (key == "Credential") credential = value;
        if (key == "SignedHeaders") scope.signed_headers = value;
        if (key == "Signature") scope.signature = value;
      }
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    std::string missing;
    if (credential.empty()) missing += "Authorization header requires 'Credential' parameter. ";
    if (scope.signature.empty()) missing += "Authorization header requires 'Signature' parameter. ";
    if (scope.signed_headers.empty()) missing += "Authorization header requires 'SignedHeaders' parameter. ";
    if (!missing.empty()) {
      missing.pop_back();
      return fail(ErrorCode::kIncompleteSignatureException, missing);
    }
    return parseCredential(credential, std::move(scope), "Authorization header");
  }
  std::string credential = findQuery(query, "X-Amz-Credential");
  if (!credential.empty()) {
    scope.present = true;
    scope.presigned = true;
    scope.signature = findQuery(query, "X-Amz-Signature");
    scope.signed_headers = findQuery(query, "X-Amz-SignedHeaders");
    scope.security_token = findQuery(query, "X-Amz-Security-Token");
    if (findQuery(query, "X-Amz-Algorithm") != "AWS4-HMAC-SHA256" || scope.signature.empty() ||
        scope.signed_headers.empty()) {
      return fail(ErrorCode::kIncompleteSignatureException,
                  "A presigned request needs X-Amz-Algorithm=AWS4-HMAC-SHA256, X-Amz-Credential, "
                  "X-Amz-SignedHeaders and X-Amz-Signature");
    }
    return parseCredential(credential, std::move(scope), "X-Amz-Credential parameter");
  }
  return scope;
}

std::string principalIdFor(std::string_view prefix, std::string_view seed) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string digest = sha256(seed);
  std::string out(prefix);
  for (size_t i = 0; i < 17; ++i) out.push_back(kAlphabet[static_cast<unsigned char>(digest[i]) % 32]);
  return out;
}

Caller deriveCaller(const SigV4Scope& scope, const IdentityDefaults& defaults, int64_t now_ms) {
  Caller c;
  c.region = scope.present ? scope.region : defaults.region;
  c.access_key_id = scope.present ? scope.access_key_id : "";
  bool digits12 = c.access_key_id.size() == 12 &&
                  std::all_of(c.access_key_id.begin(), c.access_key_id.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  c.account_id = digits12 ? c.access_key_id : defaults.account_id;

  if (scope.present && !scope.security_token.empty()) {
    // Temporary credentials: an assumed-role session named after the key.
    const std::string role = "trailbox";
    const std::string session = c.access_key_id;
    std::string role_id = principalIdFor("AROA", c.account_id + ":role/" + role);
    c.type = "AssumedRole";
    c.arn = "arn:aws:sts::" + c.account_id + ":assumed-role/" + role + "/" + session;
    c.username = session;
    // Sessions are taken to start at the top of the hour, so the identity (and its interned
    // copy in the store) stays the same for every call made within that hour.
    int64_t created = now_ms - (now_ms % 3600000);
    c.user_identity = Json{{"type", "AssumedRole"},
                           {"principalId", role_id + ":" + session},
                           {"arn", c.arn},
                           {"accountId", c.account_id},
                           {"accessKeyId", c.access_key_id},
                           {"sessionContext",
                            Json{{"sessionIssuer", Json{{"type", "Role"},
                                                        {"principalId", role_id},
                                                        {"arn", "arn:aws:iam::" + c.account_id + ":role/" + role},
                                                        {"accountId", c.account_id},
                                                        {"userName", role}}},
                                 {"webIdFederationData", Json::object()},
                                 {"attributes", Json{{"creationDate", isoSeconds(created)}, {"mfaAuthenticated", "false"}}}}}};
    return c;
  }
  const std::string user = scope.present ? c.access_key_id : defaults.anonymous_user;
  c.type = "IAMUser";
  c.arn = "arn:aws:iam::" + c.account_id + ":user/" + user;
  c.username = user;
  c.user_identity = Json{{"type", "IAMUser"},
                         {"principalId", principalIdFor("AIDA", c.account_id + ":user/" + user)},
                         {"arn", c.arn},
                         {"accountId", c.account_id}};
  if (!c.access_key_id.empty()) c.user_identity["accessKeyId"] = c.access_key_id;
  c.user_identity["userName"] = user;
  return c;
}

}  // namespace trailbox::api
