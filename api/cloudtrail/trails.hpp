#pragma once

// CloudTrail trails: CreateTrail, GetTrail, DescribeTrails, ListTrails, UpdateTrail, DeleteTrail,
// StartLogging, StopLogging, GetTrailStatus, PutEventSelectors, GetEventSelectors, AddTags,
// RemoveTags, ListTags, ListPublicKeys.
//
// Trails are stored as resources (kind "trail", region = home region, id = name) with their
// settings as the public document and logging/delivery state in "_tb". A trail logs nothing until
// StartLogging; delivery itself is TrailDelivery's job (delivery.hpp).

#include <string>
#include <vector>

#include "api/cloudtrail/signing.hpp"
#include "api/cloudtrail/service.hpp"
#include "api/json.hpp"
#include "api/result.hpp"
#include "store/database.hpp"
#include "store/event_store.hpp"
#include "store/resource_store.hpp"

namespace trailbox::api::cloudtrail {

inline constexpr const char* kTrail = "trail";
inline constexpr int kMaxTrailsPerRegion = 5;

// Thread-safe: immutable configuration only (the signing key is created once, under its lock).
class TrailService {
 public:
  explicit TrailService(DigestSigner& signer) : signer_(signer) {}

  // True for the operations this class serves.
  static bool handles(const std::string& operation);
  // Runs a trail operation against `db` (inside the writer's transaction). Errors are the model's
  // CloudTrail exceptions (all HTTP 400); store failures are InternalFailure.
  Result<Json> call(const std::string& operation, const CallContext& ctx, const Json& input, store::Database& db);
  // LookupEvents resources for a call: the trail it names.
  static std::vector<store::EventResource> resourcesOf(const CallContext& ctx, const Json& input, const Json* output);

 private:
  Result<Json> createTrail(const CallContext& ctx, const Json& in, store::ResourceStore& rs);
  Result<Json> updateTrail(const CallContext& ctx, const Json& in, store::ResourceStore& rs);
  Result<Json> deleteTrail(const CallContext& ctx, const Json& in, store::ResourceStore& rs);
  Result<Json> getTrail(const CallContext& ctx, const Json& in, store::ResourceStore& rs);
  Result<Json> describeTrails(const CallContext& ctx, const Json& in, store::ResourceStore& rs);
  Result<Json> listTrails(const CallContext& ctx, const Json& in, store::ResourceStore& rs);
  Result<Json> setLogging(const CallContext& ctx, const Json& in, store::ResourceStore& rs, bool on, int64_t cursor);
  Result<Json> getTrailStatus(const CallContext& ctx, const Json& in, store::ResourceStore& rs);
  Result<Json> putEventSelectors(const CallContext& ctx, const Json& in, store::ResourceStore& rs);
  Result<Json> getEventSelectors(const CallContext& ctx, const Json& in, store::ResourceStore& rs);
  Result<Json> changeTags(const CallContext& ctx, const Json& in, store::ResourceStore& rs, bool add);
  Result<Json> listTags(const CallContext& ctx, const Json& in, store::ResourceStore& rs);
  Result<Json> listPublicKeys(const CallContext& ctx, const Json& in, store::Database& db);

  DigestSigner& signer_;
};

// Trail name rules (3-128 characters of letters, digits, '.', '_', '-', starting and ending with a
// letter or digit, no two special characters in a row, not shaped like an IP address). Returns
// the InvalidTrailNameException message, or "" when the name is valid.
std::string trailNameProblem(const std::string& name);

// Which events a trail's selectors let through (management events only exist locally).
bool selectorsMatch(const Json& trail_internal, const store::EventRow& event);

}  // namespace trailbox::api::cloudtrail
