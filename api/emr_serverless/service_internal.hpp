#pragma once

// Helpers shared by the EMR Serverless operation files (not part of the api's interface).

#include <functional>
#include <optional>
#include <string>

#include "api/emr_serverless/service.hpp"
#include "store/resource_store.hpp"

namespace trailbox::api::emr {

struct EmrService::Env {
  Env(const CallContext& c, store::Database& db, const Timings& timings)
      : ctx(c), rs(db), engine(rs, timings, c.now_ms) {}

  const std::string& account() const { return ctx.caller.account_id; }
  const std::string& region() const { return ctx.caller.region; }
  int64_t now() const { return ctx.now_ms; }

  const CallContext& ctx;
  store::ResourceStore rs;
  Engine engine;
};

std::string appArn(const CallContext& ctx, const std::string& app_id);
std::string runArn(const CallContext& ctx, const std::string& app_id, const std::string& run_id);
std::string sessionArn(const CallContext& ctx, const std::string& app_id, const std::string& session_id);
// [0-9a-z]{1,64}: only such ids can name a resource (and appear in ARNs we build).
bool isResourceId(const std::string& id);
// Hash of an input without its clientToken: equal for a retried request, different otherwise.
std::string requestHash(const Json& input);
Json parseDoc(const std::string& text);

// clientToken idempotency of a create (`kind` under `parent_id`, "" for applications): the stored
// document of the resource an earlier call with the same token made, nullopt when the token is
// new, ConflictException ("... for a different <operation> request") when the earlier call's input
// differed. `hash` is requestHash(in).
Result<std::optional<Json>> earlierCreate(EmrService::Env& env, const char* kind, const std::string& parent_id,
                                          const Json& in, const std::string& hash, const char* operation);

using RowSummary = std::function<Json(const store::ResourceRow& row)>;

// Runs a ResourceListQuery one page at a time: maxResults (default 50) and nextToken from `in`,
// each row turned into a summary, result under `result_key`, plus nextToken when more remain.
Result<Json> pagedList(EmrService::Env& env, const TokenCodec& tokens, store::ResourceListQuery query, const Json& in,
                       const Json& filters, const char* result_key, const RowSummary& summary);

// The application, job run or session an ARN of the caller's account and region names.
Result<store::ResourceRow> loadTagTarget(EmrService::Env& env, const std::string& arn);

}  // namespace trailbox::api::emr
