#pragma once

// CloudTrail: Event history (LookupEvents) over the recorded events.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
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

struct EventHistoryOptions {
  // Events older than this are outside Event history.
  int64_t retention_ms = kDefaultRetentionMs;
  // LookupEvents does not see events younger than this (real Event history lags by minutes);
  // 0 shows every committed event at once.
  int64_t visibility_delay_ms = 0;
  // LookupEvents calls allowed per second per account and region (AWS: 2, not adjustable);
  // 0 turns the throttle off.
  double lookup_rate_per_s = 0;
};

// Thread-safe: the configuration is immutable and the throttle's buckets are guarded by a mutex.
class CloudTrailService {
 public:
  explicit CloudTrailService(const TokenCodec& tokens, EventHistoryOptions options = {})
      : tokens_(tokens), options_(options) {}

  // LookupEvents in the caller's account and region, newest first. `violations` are the
  // model's constraint failures for `input`, mapped here to CloudTrail's exceptions
  // (InvalidLookupAttributes, InvalidMaxResults, InvalidEventCategory); other errors:
  // InvalidTimeRangeException, InvalidNextTokenException, and ThrottlingException (HTTP 400, so
  // the SDKs back off and retry) beyond the configured rate.
  Result<Json> lookupEvents(const CallContext& ctx, const Json& input, const std::vector<Violation>& violations,
                            store::Database& db) const;

  static bool isReadOnly(const std::string& operation);

 private:
  // Token bucket per account and region holding at most one second's worth of calls.
  bool admit(const std::string& account, const std::string& region, int64_t now_ms) const;

  struct Bucket {
    double tokens = 0;
    int64_t refilled_ms = 0;
  };

  const TokenCodec& tokens_;
  EventHistoryOptions options_;
  mutable std::mutex buckets_mutex_;
  mutable std::map<std::pair<std::string, std::string>, Bucket> buckets_;
};

}  // namespace trailbox::api::cloudtrail
