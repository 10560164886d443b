#pragma once

// The api layer's entry point: one Request in, one Response out.
//
// Router::handle() picks the protocol (CloudTrail's awsJson1_1 by X-Amz-Target on POST /,
// EMR Serverless' restJson1 by method and path, the admin API under /_trailbox/), resolves the
// caller from the SigV4 headers, decodes and validates the input against the service model, runs
// the operation and records the call as a CloudTrail event - the state change and its event in
// one store transaction, committed before the response is handed back.
//
// Threading: handle() may be called from any number of threads at once. `respond` is called
// exactly once, either before handle() returns or later on the store's writer thread; it must
// not block.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/clock.hpp"
#include "api/cloudtrail/delivery.hpp"
#include "api/cloudtrail/service.hpp"
#include "api/emr_serverless/service.hpp"
#include "api/http_types.hpp"
#include "api/identities.hpp"
#include "api/identity.hpp"
#include "api/ids.hpp"
#include "api/model/shape_model.hpp"
#include "api/pagination.hpp"
#include "api/protocol/rest_json.hpp"
#include "store/store.hpp"

namespace trailbox::api {

struct ApiOptions {
  IdentityDefaults identity;
  emr::Timings timings;
  // Record CloudTrail's own API calls (LookupEvents, ...) as AWS does.
  bool record_cloudtrail_calls = true;
  // Access keys with full identities (and secrets); null when no identities file was given.
  std::shared_ptr<const IdentityDirectory> identities;
  // Verify SigV4 signatures against the identities' secret keys; unsigned and unknown callers
  // are refused.
  bool strict_signatures = false;
  // The directory standing for S3: trails deliver to <s3_dir>/<bucket>/<key>.
  std::string s3_dir = "trailbox-s3";
  cloudtrail::DeliveryOptions delivery;
  // Event history's retention, visibility delay and LookupEvents throttle.
  cloudtrail::EventHistoryOptions event_history;
  // Request bodies nesting JSON deeper are a SerializationException (before parsing).
  int max_json_depth = kDefaultMaxJsonDepth;
  // Shown by GET /_trailbox/config (the server fills in its own settings).
  Json config = Json::object();
};

class AdminApi;
namespace cloudtrail {
class DigestSigner;
class DirectorySink;
class TrailDelivery;
class TrailService;
}  // namespace cloudtrail

class Router {
 public:
  using Respond = std::function<void(Response)>;
  // Called on the writer thread with each event right after it is committed.
  using EventListener = std::function<void(const store::EventRow&)>;

  // Loads the service models and the persisted settings (pagination secret, clock offset).
  // Fails when the store cannot be read or written.
  static Result<std::unique_ptr<Router>> create(store::Store& store, OffsetClock& clock, RandomIdGenerator& ids,
                                                ApiOptions options);
  ~Router();

  void handle(Request request, Respond respond);

  // Registers `listener` for every event committed from now on; returns a handle for
  // unsubscribe(). Thread-safe.
  int subscribe(EventListener listener);
  void unsubscribe(int handle);

  // Delivers due trail log files (and digests); called by the server's scheduler and by
  // POST /_trailbox/trails/deliver. Blocking; thread-safe.
  Result<Json> deliverTrails(bool force, bool force_digest);

  // A fresh request id, for responses produced outside handle() (e.g. HTTP-level errors).
  std::string newRequestId() { return ids_.uuid(); }

  store::Store& store() { return store_; }
  OffsetClock& clock() { return clock_; }
  const ApiOptions& options() const { return options_; }

 private:
  friend class AdminApi;
  Router(store::Store& store, OffsetClock& clock, RandomIdGenerator& ids, ApiOptions options);

  void handleEmr(const Request& request, const std::string& path, const QueryParams& query,
                 const std::string& request_id, Respond respond);
  void handleCloudTrail(const Request& request, const QueryParams& query, const std::string& request_id,
                        Respond respond);
  // An operation that changes (or reads) service state and is recorded in the same transaction.
  struct RecordedCall {
    Protocol protocol = Protocol::kRestJson1;
    std::string event_source;
    std::string operation;
    bool read_only = false;
    std::shared_ptr<Caller> caller;
    std::string request_id;
    std::string source_ip;
    std::string user_agent;
    Json recorded_parameters;              // requestParameters (set even when decoding failed)
    std::optional<AwsError> decode_error;  // the call failed before reaching the service
    std::function<Result<Json>(store::Database&, int64_t now)> run;
    std::function<Json(const Json& output)> response_elements;
    std::function<std::vector<store::EventResource>(const Json* output, int64_t now)> resources;
  };
  // Runs `call` on the writer: the operation in a savepoint (undone if it fails), then its event;
  // answers after the commit.
  void runRecorded(std::shared_ptr<RecordedCall> call, Respond respond);
  void fillSource(RecordedCall& call, const Request& request) const;
  // Commits `event` (when set) and then answers `response`; a failed commit answers 500.
  void recordThenRespond(std::optional<store::EventRow> event, Response response, Protocol protocol, Respond respond);
  void publish(const store::EventRow& row);
  // Who signed `request`: from the identities file when it knows the key, else derived from the
  // credential scope. In strict mode also checks the signature. Errors are 403s that are not
  // recorded (the caller is not who it claims to be).
  Result<Caller> resolveCaller(const Request& request, const QueryParams& query) const;
  std::string baseUrl(const Request& request) const;

  store::Store& store_;
  OffsetClock& clock_;
  RandomIdGenerator& ids_;
  ApiOptions options_;
  std::unique_ptr<ServiceModel> emr_model_;
  std::unique_ptr<ServiceModel> cloudtrail_model_;
  std::unique_ptr<RestJsonRouter> emr_routes_;
  std::unique_ptr<TokenCodec> tokens_;
  std::unique_ptr<emr::EmrService> emr_;
  std::unique_ptr<cloudtrail::CloudTrailService> cloudtrail_;
  std::unique_ptr<AdminApi> admin_;
  std::unique_ptr<cloudtrail::DigestSigner> signer_;
  std::unique_ptr<cloudtrail::TrailService> trails_;
  std::unique_ptr<cloudtrail::DirectorySink> sink_;
  std::unique_ptr<cloudtrail::TrailDelivery> delivery_;

  std::mutex listeners_mutex_;
  std::vector<std::pair<int, EventListener>> listeners_;  // guarded by listeners_mutex_
  int next_listener_ = 1;                                  // guarded by listeners_mutex_
};

}  // namespace trailbox::api
