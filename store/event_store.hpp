#pragma once

// CloudTrail events: insertion (writer side) and indexed queries (any connection).
//
// An event is stored as its parts (see EventRow); values repeated across events are interned
// in the `strings` table, and the api layer renders the full record from the parts. Every
// LookupEvents attribute and the time window are served by an index.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/database.hpp"

namespace trailbox::store {

struct EventResource {
  std::string type;  // e.g. AWS::EMRServerless::Application
  std::string name;
};

// One CloudTrail record in stored form. Optional text members use "" for "absent".
struct EventRow {
  int64_t seq = 0;  // assigned by insert(); commit order
  std::string event_id;
  int64_t time_ms = 0;
  std::string account;  // recipientAccountId
  std::string region;   // awsRegion
  std::string event_source;
  std::string event_name;
  bool read_only = false;
  std::string event_type = "AwsApiCall";
  std::string username;       // LookupEvents Username
  std::string access_key_id;  // userIdentity.accessKeyId
  std::string user_identity;  // JSON object text
  std::string user_agent;
  std::string source_ip;
  std::string request_id;
  std::string error_code;
  std::string error_message;
  std::string request_parameters;     // JSON text; "" = null
  std::string response_elements;      // JSON text; "" = null
  std::string additional_event_data;  // JSON text; "" = absent
  std::vector<EventResource> resources;
};

enum class EventAttribute {
  kEventId,
  kEventName,
  kReadOnly,  // value "true" / "false"
  kUsername,
  kResourceType,
  kResourceName,
  kEventSource,
  kAccessKeyId,
  kErrorCode,  // exact error code; EventQuery::errors_only matches any error
};

struct EventFilter {
  EventAttribute attribute;
  std::string value;
};

struct EventQuery {
  enum class Order { kNewestFirst, kCommitOrder };

  std::optional<std::string> account;  // unset = every account
  std::optional<std::string> region;   // unset = every region
  std::vector<EventFilter> filters;    // all must match
  std::optional<int64_t> start_ms;     // inclusive
  std::optional<int64_t> end_ms;       // inclusive
  std::optional<int64_t> max_seq;      // snapshot: ignore events committed later
  bool errors_only = false;
  Order order = Order::kNewestFirst;
  // kNewestFirst: return events strictly older than (time_ms, seq) in that order.
  std::optional<std::pair<int64_t, int64_t>> before;
  // kCommitOrder: return events with seq > after_seq.
  int64_t after_seq = 0;
  int limit = 50;
};

// Writes events through one read-write connection. Keeps an in-memory cache of interned
// strings; call forgetCache() whenever a transaction that may have interned strings rolls
// back or the database is cleared. Not thread-safe: confined to the writer thread.
class EventWriter {
 public:
  explicit EventWriter(Database& db) : db_(db) {}

  // Inserts `row` (seq is ignored) and returns its seq. Fails on SQLite errors, including a
  // duplicate event_id.
  StoreResult<int64_t> insert(const EventRow& row);
  void forgetCache() { cache_.clear(); }

 private:
  StoreResult<int64_t> intern(const std::string& value);

  Database& db_;
  std::unordered_map<std::string, int64_t> cache_;
};

// Reads events through any connection. Not thread-safe: one per connection.
class EventReader {
 public:
  explicit EventReader(Database& db) : db_(db) {}

  // Returns up to query.limit events matching `query`, in the requested order.
  StoreResult<std::vector<EventRow>> query(const EventQuery& query);
  // Returns the highest seq committed so far (0 when empty).
  StoreResult<int64_t> maxSeq();
  // Returns the number of events matching `query`, ignoring limit, order and cursors.
  StoreResult<int64_t> count(const EventQuery& query);

 private:
  StoreResult<std::string> stringById(int64_t id);

  Database& db_;
};

// Event and request ids that are UUIDs are stored as 16-byte BLOBs, anything else as TEXT.
bool isUuid(const std::string& id);
// UUID text (any case) -> its 16 bytes; other text is returned unchanged.
std::string packId(const std::string& id);
// 16 bytes -> canonical lower-case UUID text; use only on values stored as BLOBs.
std::string unpackId(const std::string& stored);

}  // namespace trailbox::store
