#pragma once

// CloudTrail: Event history (LookupEvents) over the recorded events.

#include <cstdint>
#include <string>
#include <vector>

#include "api/identity.hpp"
#include "api/json.hpp"
#include "api/model/validator.hpp"
#include "api/pagination.hpp"
#include "api/result.hpp"
#include "store/database.hpp"

namespace trailbox::api::cloudtrail {

inline constexpr const char* kEventSource = "cloudtrail.amazonaws.com";
inline constexpr int64_t kDefaultRetentionMs = 90LL * 24 * 3600 * 1000;

struct CallContext {
  const Caller& caller;
  std::string request_id;
  int64_t now_ms = 0;
};

// Thread-safe: immutable configuration only.
class CloudTrailService {
 public:
  explicit CloudTrailService(const TokenCodec& tokens, int64_t retention_ms = kDefaultRetentionMs)
      : tokens_(tokens), retention_ms_(retention_ms) {}

  // LookupEvents in the caller's account and region, newest first. `violations` are the
  // model's constraint failures for `input`, mapped here to CloudTrail's exceptions
  // (InvalidLookupAttributes, InvalidMaxResults, InvalidEventCategory); other errors:
  // InvalidTimeRangeException, InvalidNextTokenException.
  Result<Json> lookupEvents(const CallContext& ctx, const Json& input, const std::vector<Violation>& violations,
                            store::Database& db) const;

  static bool isReadOnly(const std::string& operation);

 private:
  const TokenCodec& tokens_;
  int64_t retention_ms_;
};

}  // namespace trailbox::api::cloudtrail
