#pragma once

// EMR Serverless: the 22 operations over validated inputs.
//
// Each operation is a plain function of (call context, input, state) -> output or AwsError. The
// input has already been decoded and checked against the model by the protocol adapter, so the
// handlers enforce only the service's semantic rules (states, release labels, worker sizes,
// idempotency). State lives in the store; handlers run inside the writer's transaction, so a
// handler that fails leaves nothing behind.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/emr_serverless/engine.hpp"
#include "api/identity.hpp"
#include "api/ids.hpp"
#include "api/json.hpp"
#include "api/model/shape_model.hpp"
#include "api/pagination.hpp"
#include "api/result.hpp"
#include "store/database.hpp"
#include "store/event_store.hpp"

namespace trailbox::api::emr {

inline constexpr const char* kEventSource = "emr-serverless.amazonaws.com";

struct CallContext {
  const Caller& caller;
  std::string request_id;
  int64_t now_ms = 0;
  // Scheme, host and port the client used (from the Host header), for URLs the service hands
  // out (dashboards, session endpoints).
  std::string base_url;
};

// Thread-safe: holds only immutable configuration; all state is in the store.
class EmrService {
 public:
  EmrService(const ServiceModel& model, IdGenerator& ids, const Timings& timings, const TokenCodec& tokens);

  // Runs `operation` against the state in `db`. Store failures surface as
  // InternalServerException; everything else as the operation's modeled errors.
  Result<Json> call(const std::string& operation, const CallContext& ctx, const Json& input, store::Database& db);

  // CloudTrail's readOnly for the operation.
  static bool isReadOnly(const std::string& operation);
  // The resources an event about this call names (for LookupEvents' Resources).
  static std::vector<store::EventResource> resourcesOf(const std::string& operation, const CallContext& ctx,
                                                       const Json& input, const Json* output);

  const Timings& timings() const { return timings_; }

  struct Env;  // per-call state (store access, engine); defined in service_internal.hpp

 private:
  using Handler = Result<Json> (EmrService::*)(Env&, const Json&);
  struct OperationInfo {
    Handler handler;
    bool read_only;
  };
  // Handler and CloudTrail readOnly per model operation name.
  static const std::unordered_map<std::string, OperationInfo>& operationTable();

  Result<Json> createApplication(Env& env, const Json& in);
  Result<Json> getApplication(Env& env, const Json& in);
  Result<Json> updateApplication(Env& env, const Json& in);
  Result<Json> deleteApplication(Env& env, const Json& in);
  Result<Json> listApplications(Env& env, const Json& in);
  Result<Json> startApplication(Env& env, const Json& in);
  Result<Json> stopApplication(Env& env, const Json& in);
  Result<Json> startJobRun(Env& env, const Json& in);
  Result<Json> getJobRun(Env& env, const Json& in);
  Result<Json> cancelJobRun(Env& env, const Json& in);
  Result<Json> listJobRuns(Env& env, const Json& in);
  Result<Json> listJobRunAttempts(Env& env, const Json& in);
  Result<Json> getDashboardForJobRun(Env& env, const Json& in);
  Result<Json> getResourceDashboard(Env& env, const Json& in);
  Result<Json> startSession(Env& env, const Json& in);
  Result<Json> getSession(Env& env, const Json& in);
  Result<Json> getSessionEndpoint(Env& env, const Json& in);
  Result<Json> listSessions(Env& env, const Json& in);
  Result<Json> terminateSession(Env& env, const Json& in);
  Result<Json> tagResource(Env& env, const Json& in);
  Result<Json> untagResource(Env& env, const Json& in);
  Result<Json> listTagsForResource(Env& env, const Json& in);

  // Loads the application and brings its lifecycle up to now; ResourceNotFoundException when
  // it does not exist in the caller's account and region.
  Result<store::ResourceRow> loadApp(Env& env, const std::string& id);
  Result<store::ResourceRow> loadChild(Env& env, const char* kind, const std::string& app_id, const std::string& id);
  // Application rules shared by Create and Update (release label, type, workers, scheduler...).
  Status checkApplicationConfig(const Json& app) const;
  // `summary` maps (application, child row) to a list item.
  Result<Json> listChildren(Env& env, const char* kind, const Json& in, const char* result_key,
                            Json (*summary)(const Json& doc));

  const ServiceModel& model_;
  IdGenerator& ids_;
  Timings timings_;
  const TokenCodec& tokens_;
};

}  // namespace trailbox::api::emr
