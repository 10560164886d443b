#pragma once

// The identities file: access keys mapped to full AWS identities (and, for strict mode, their
// secret keys). Format (JSON):
//
//   {"identities": [
//     {"accessKeyId": "AKIA...", "secretAccessKey": "...", "type": "IAMUser",
//      "accountId": "111122223333", "userName": "alice"},
//     {"accessKeyId": "ASIA...", "secretAccessKey": "...", "sessionToken": "...", "type": "AssumedRole",
//      "accountId": "111122223333", "roleName": "Admin", "sessionName": "alice",
//      "mfaAuthenticated": true, "creationDate": "2026-01-01T00:00:00Z", "sourceIdentity": "alice"},
//     {"accessKeyId": "AKIAROOT...", "secretAccessKey": "...", "type": "Root", "accountId": "..."},
//     {"accessKeyId": "ASIAFED...", "secretAccessKey": "...", "type": "FederatedUser",
//      "accountId": "...", "federatedName": "bob", "userName": "broker"},
//     {"accessKeyId": "AKIASVC...", "secretAccessKey": "...", "type": "AWSService",
//      "accountId": "...", "invokedBy": "emr-serverless.amazonaws.com"}
//   ]}
//
// Optional members: principalId / roleId / userId (derived stably when absent), path ("/" by
// default), accountAlias (Root: becomes userName).

#include <string>
#include <string_view>
#include <unordered_map>

#include "api/identity.hpp"
#include "api/json.hpp"
#include "api/result.hpp"

namespace trailbox::api {

struct IdentityEntry {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" when the key is long-term
  Json spec;                  // the entry as written in the file
};

// Immutable after parse(): safe to share between threads.
class IdentityDirectory {
 public:
  // Parses the file's text. Fails with InvalidParameterException naming the entry and member
  // that is wrong (unknown type, missing accountId, duplicate access key, ...).
  static Result<IdentityDirectory> parse(std::string_view json_text);

  const IdentityEntry* find(const std::string& access_key_id) const;
  size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<std::string, IdentityEntry> entries_;
};

// The caller a request signed with `entry`'s key represents, with the userIdentity CloudTrail
// records for that type and the Username LookupEvents derives from it.
Caller callerFor(const IdentityEntry& entry, const SigV4Scope& scope, int64_t now_ms);

}  // namespace trailbox::api
