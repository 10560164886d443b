#pragma once

// Who made a call: parsed from the SigV4 credential scope (Authorization header or presigned
// query) and turned into the CloudTrail userIdentity that the call's event records.

#include <cstdint>
#include <string>

#include "api/http_types.hpp"
#include "api/json.hpp"
#include "api/protocol/url.hpp"
#include "api/result.hpp"

namespace trailbox::api {

// The parts of a SigV4 signature a request carried (nothing is verified here).
struct SigV4Scope {
  bool present = false;  // false for unsigned requests
  bool presigned = false;
  std::string access_key_id;
  std::string date;     // YYYYMMDD from the scope
  std::string region;
  std::string service;  // signing name, e.g. "emr-serverless"
  std::string signed_headers;
  std::string signature;
  std::string security_token;  // X-Amz-Security-Token, "" when absent
};

// Parses the Authorization header or, failing that, the X-Amz-* query parameters. A request with
// neither is unsigned (present == false). A malformed one fails with
// IncompleteSignatureException, naming what is missing.
Result<SigV4Scope> parseSigV4(const Request& request, const QueryParams& query);

struct Caller {
  std::string account_id;
  std::string region;
  std::string access_key_id;  // "" for unsigned calls
  std::string type;           // IAMUser, AssumedRole, Root, ...
  std::string arn;
  std::string username;       // LookupEvents' Username; "" when the type has none
  std::string invoked_by;     // AWSService callers: the service, recorded as sourceIPAddress
  Json user_identity;         // the record's userIdentity object
};

struct IdentityDefaults {
  std::string account_id = "123456789012";
  std::string region = "us-east-1";
  // Name of the IAM user unsigned calls are attributed to.
  std::string anonymous_user = "trailbox";
};

// Derives the caller without an identities file:
//   * unsigned: IAM user `defaults.anonymous_user` in the default account and region;
//   * signed with long-term credentials: IAM user named after the access key id;
//   * signed with a session token: role "trailbox" assumed with the access key id as session name.
// A 12-digit access key id is the account id; any other key belongs to the default account.
Caller deriveCaller(const SigV4Scope& scope, const IdentityDefaults& defaults, int64_t now_ms);

// A stable, AWS-looking unique id ("AIDA" + 17 characters) for a principal.
std::string principalIdFor(std::string_view prefix, std::string_view seed);

}  // namespace trailbox::api
