#include "store/schema.hpp"

#include <charconv>
#include <string>
#include <vector>

namespace trailbox::store {
namespace {

// Append-only: never edit a migration that has shipped, add a new one.
const std::vector<const char*> kMigrations = {
    // 1: events (interned strings keep rows small), resources, meta.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- Values repeated across many events (names, sources, identities, user agents, accounts,
-- regions, resource names) are stored once and referenced by id.
CREATE TABLE strings(id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);

CREATE TABLE events(
  seq INTEGER PRIMARY KEY,          -- commit order
  event_id BLOB NOT NULL,           -- 16 bytes when a UUID, else text
  time_ms INTEGER NOT NULL,
  account INTEGER NOT NULL,         -- recipientAccountId
  region INTEGER NOT NULL,          -- awsRegion
  source INTEGER NOT NULL,
  name INTEGER NOT NULL,
  read_only INTEGER NOT NULL,
  event_type INTEGER NOT NULL,
  username INTEGER,                 -- LookupEvents Username; NULL when none
  access_key INTEGER,               -- userIdentity.accessKeyId; NULL when none
  identity INTEGER NOT NULL,        -- userIdentity as JSON text
  user_agent INTEGER,
  source_ip INTEGER NOT NULL,
  request_id BLOB,
  error_code INTEGER,
  error_message TEXT,
  request_parameters TEXT,          -- JSON text; NULL for JSON null
  response_elements TEXT,           -- JSON text; NULL for JSON null
  additional_event_data TEXT,       -- JSON text; NULL when absent
  resources TEXT                    -- "typeId:nameId,..." ; NULL when none
);
CREATE UNIQUE INDEX events_event_id ON events(event_id);
CREATE INDEX events_time ON events(account, region, time_ms);
CREATE INDEX events_name ON events(account, region, name, time_ms);
CREATE INDEX events_source ON events(account, region, source, time_ms);
CREATE INDEX events_read_only ON events(account, region, read_only, time_ms);
CREATE INDEX events_username ON events(account, region, username, time_ms);
CREATE INDEX events_access_key ON events(account, region, access_key, time_ms);

-- One row per (event, resource name) and per (event, resource type), so a ResourceName or
-- ResourceType lookup walks its key in time order and meets each event once.
CREATE TABLE event_resources(
  account INTEGER NOT NULL, region INTEGER NOT NULL, name INTEGER NOT NULL,
  time_ms INTEGER NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY(account, region, name, time_ms, seq)) WITHOUT ROWID;
CREATE TABLE event_resource_types(
  account INTEGER NOT NULL, region INTEGER NOT NULL, type INTEGER NOT NULL,
  time_ms INTEGER NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY(account, region, type, time_ms, seq)) WITHOUT ROWID;

-- Service resources (applications, job runs, sessions, trails) as JSON documents owned by the
-- api layer, with the columns that queries filter and sort on.
CREATE TABLE resources(
  kind TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  id TEXT NOT NULL,
  parent_id TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  next_event_ms INTEGER,            -- when its lifecycle next changes by itself; NULL = never
  client_token TEXT,
  doc TEXT NOT NULL,
  PRIMARY KEY(kind, account, region, id)) WITHOUT ROWID;
CREATE INDEX resources_parent ON resources(kind, account, region, parent_id, created_ms);
CREATE INDEX resources_parent_state ON resources(kind, account, region, parent_id, state, created_ms);
CREATE INDEX resources_parent_due ON resources(kind, account, region, parent_id, next_event_ms)
  WHERE next_event_ms IS NOT NULL;
CREATE INDEX resources_due ON resources(kind, account, region, next_event_ms) WHERE next_event_ms IS NOT NULL;
CREATE UNIQUE INDEX resources_token ON resources(kind, account, region, parent_id, client_token)
  WHERE client_token IS NOT NULL;
)sql",
    // 2: newest-first pages across every account and region (the Event history page, admin reads).
    R"sql(
CREATE INDEX events_time_all ON events(time_ms);
)sql",
};

StoreResult<int> readVersion(Database& db) {
  // A database without the meta table is either brand new (no tables at all) or not ours.
  auto tables = db.prepare("SELECT count(*), sum(name = 'meta') FROM sqlite_master WHERE type = 'table'");
  if (!tables.ok()) return makeUnexpected(tables.error());
  Statement::Use t(**tables);
  auto row = t->step();
  if (!row.ok()) return makeUnexpected(row.error());
  int64_t count = t->columnInt(0);
  int64_t has_meta = t->columnInt(1);
  if (count == 0) return 0;
  if (has_meta == 0) {
    return makeUnexpected(StoreError{SQLITE_NOTADB, "the file holds an SQLite database that is not a trailbox store"});
  }
  auto v = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!v.ok()) return makeUnexpected(v.error());
  Statement::Use u(**v);
  auto r = u->step();
  if (!r.ok()) return makeUnexpected(r.error());
  if (!*r) return makeUnexpected(StoreError{SQLITE_CORRUPT, "the trailbox store has no schema version"});
  std::string text = u->columnText(0);
  int parsed = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return makeUnexpected(StoreError{SQLITE_CORRUPT, "the trailbox store has an unreadable schema version"});
  }
  return parsed;
}

}  // namespace

int currentSchemaVersion() { return static_cast<int>(kMigrations.size()); }

StoreStatus checkCompatible(Database& db) {
  auto version = readVersion(db);
  if (!version.ok()) return makeUnexpected(version.error());
  if (*version > currentSchemaVersion()) {
    return makeUnexpected(StoreError{
        SQLITE_CANTOPEN, "the store was written by a newer trailbox (schema version " + std::to_string(*version) +
                             ", this build knows up to " + std::to_string(currentSchemaVersion()) +
                             "); refusing to open it so that nothing is lost"});
  }
  return {};
}

StoreStatus migrate(Database& db) {
  if (auto s = checkCompatible(db); !s.ok()) return s;
  auto version = readVersion(db);
  if (!version.ok()) return makeUnexpected(version.error());
  for (int v = *version; v < currentSchemaVersion(); ++v) {
    if (auto s = db.exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    auto s = db.exec(kMigrations[static_cast<size_t>(v)]);
    if (s.ok()) {
      s = db.exec("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '" + std::to_string(v + 1) + "')");
    }
    if (s.ok()) s = db.exec("COMMIT");
    if (!s.ok()) {
      (void)db.exec("ROLLBACK");
      return s;
    }
  }
  return {};
}

StoreStatus clearAll(Database& db) {
  return db.exec(
      "DELETE FROM events; DELETE FROM event_resources; DELETE FROM event_resource_types; DELETE FROM strings; "
      "DELETE FROM resources;"
      "DELETE FROM meta WHERE key NOT IN ('schema_version', 'digest_private_key', 'digest_key_created_ms');");
}

}  // namespace trailbox::store
