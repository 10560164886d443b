#pragma once

// Service resources (EMR Serverless applications, job runs and sessions; CloudTrail trails)
// stored as documents owned by the api layer, plus the columns queries filter and sort on.
// Every key includes the account and region, so resources of one never leak into another.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace trailbox::store {

struct ResourceRow {
  std::string kind;  // "application", "job_run", "session", "trail", ...
  std::string account;
  std::string region;
  std::string id;
  std::string parent_id;  // e.g. the application of a job run; "" when none
  std::string state;
  int64_t created_ms = 0;
  std::optional<int64_t> next_event_ms;  // when the lifecycle next changes on its own
  std::optional<std::string> client_token;
  std::string doc;  // JSON text, opaque to the store
};

struct ResourceListQuery {
  std::string kind;
  std::string account;
  std::string region;
  std::optional<std::string> parent_id;
  std::vector<std::string> states;  // empty = any state
  std::optional<int64_t> created_after_ms;   // inclusive
  std::optional<int64_t> created_before_ms;  // inclusive
  // (JSON path, value) pairs the document must hold, e.g. {"$.mode", "BATCH"}.
  std::vector<std::pair<std::string, std::string>> doc_equals;
  // Newest first; continue strictly after the (created_ms, id) of the last row returned.
  std::optional<std::pair<int64_t, std::string>> after;
  // With several states: rows grouped by state in the order `states` lists them (newest first
  // within a group); `after_group` is the group of the `after` row.
  bool group_by_state = false;
  int after_group = 0;
  int limit = 50;
};

// Not thread-safe: bound to one connection.
class ResourceStore {
 public:
  explicit ResourceStore(Database& db) : db_(db) {}

  // Returns the resource, or std::nullopt when there is none with that key.
  StoreResult<std::optional<ResourceRow>> get(const std::string& kind, const std::string& account,
                                               const std::string& region, const std::string& id);
  // Returns the resource created with `client_token` under `parent_id`, if any.
  StoreResult<std::optional<ResourceRow>> findByClientToken(const std::string& kind, const std::string& account,
                                                            const std::string& region, const std::string& parent_id,
                                                            const std::string& client_token);
  // Inserts a new resource; fails (SQLITE_CONSTRAINT) when the key or client token is taken.
  StoreStatus insert(const ResourceRow& row);
  // Replaces state, next_event_ms and doc of an existing resource.
  StoreStatus update(const ResourceRow& row);
  StoreStatus remove(const std::string& kind, const std::string& account, const std::string& region,
                     const std::string& id);

  // Matching resources, newest first (created_ms DESC, id DESC).
  StoreResult<std::vector<ResourceRow>> list(const ResourceListQuery& query);
  // Every resource of `kind` under `parent_id`, oldest first.
  StoreResult<std::vector<ResourceRow>> children(const std::string& kind, const std::string& account,
                                                 const std::string& region, const std::string& parent_id);
  // Children of `kind` under `parent_id` in `state`, oldest first.
  StoreResult<std::vector<ResourceRow>> childrenInState(const std::string& kind, const std::string& account,
                                                        const std::string& region, const std::string& parent_id,
                                                        const std::string& state, int limit);
  // The child under `parent_id` with the earliest next_event_ms, if that is <= now_ms.
  StoreResult<std::optional<ResourceRow>> nextDueChild(const std::string& kind, const std::string& account,
                                                       const std::string& region, const std::string& parent_id,
                                                       int64_t now_ms);
  // The earliest next_event_ms among the children under `parent_id`, if any has one.
  StoreResult<std::optional<int64_t>> earliestChildEvent(const std::string& kind, const std::string& account,
                                                         const std::string& region, const std::string& parent_id);
  // Resources of `kind` in the account and region whose next_event_ms <= now_ms, earliest first.
  StoreResult<std::vector<ResourceRow>> due(const std::string& kind, const std::string& account,
                                            const std::string& region, int64_t now_ms, int limit);
  // Every resource of `kind` in every account and region (admin views).
  StoreResult<std::vector<ResourceRow>> all(const std::string& kind, int limit);

 private:
  StoreResult<std::vector<ResourceRow>> collect(Statement& s);

  Database& db_;
};

}  // namespace trailbox::store
