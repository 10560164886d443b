#include "store/schema.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "store/event_store.hpp"
#include "store/resource_store.hpp"
#include "tests/store/store_test_support.hpp"

namespace trailbox::store::test {
namespace {

std::vector<std::string> tableNames(Database& db) {
  std::vector<std::string> out;
  auto stmt = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  EXPECT_TRUE(stmt.ok());
  if (!stmt.ok()) return out;
  Statement::Use s(**stmt);
  while (true) {
    auto row = s->step();
    EXPECT_TRUE(row.ok());
    if (!row.ok() || !*row) break;
    out.push_back(s->columnText(0));
  }
  return out;
}

// Every schema object with its SQL, to compare a database before and after an operation.
std::string schemaDump(Database& db) {
  return queryText(db, "SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), ';') "
                       "FROM (SELECT * FROM sqlite_master ORDER BY type, name)");
}

std::unique_ptr<Database> openFile(const std::string& path, Database::Mode mode = Database::Mode::kReadWrite) {
  auto db = Database::open(path, mode);
  EXPECT_TRUE(db.ok()) << db.error().message;
  return db.ok() ? std::move(*db) : nullptr;
}

// An unmigrated `:memory:` database per test.
class Schema : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(":memory:", Database::Mode::kReadWrite);
    ASSERT_TRUE(opened.ok());
    db_ = std::move(*opened);
  }
  std::unique_ptr<Database> db_;
};

TEST_F(Schema, CurrentVersionIsPositive) { EXPECT_GE(currentSchemaVersion(), 1); }

TEST_F(Schema, MigrateOnEmptyDatabaseCreatesTablesAndSetsVersion) {
  ASSERT_TRUE(tableNames(*db_).empty());
  auto s = migrate(*db_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(queryText(*db_, "SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(currentSchemaVersion()));
  EXPECT_EQ(tableNames(*db_), (std::vector<std::string>{"event_resource_types", "event_resources", "events", "meta", "resources", "strings"}));
  EXPECT_EQ(queryInt(*db_, "SELECT count(*) FROM meta"), 1);
  EXPECT_FALSE(db_->inTransaction());
}

TEST_F(Schema, MigrateIsIdempotentAndKeepsData) {
  ASSERT_TRUE(migrate(*db_).ok());
  std::string before = schemaDump(*db_);
  ASSERT_TRUE(db_->exec("INSERT INTO meta(key, value) VALUES('marker', 'kept')").ok());
  ASSERT_TRUE(db_->exec("INSERT INTO strings(value) VALUES('s')").ok());
  for (int i = 0; i < 3; ++i) {
    auto s = migrate(*db_);
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
  EXPECT_EQ(schemaDump(*db_), before);
  EXPECT_EQ(queryText(*db_, "SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(currentSchemaVersion()));
  EXPECT_EQ(queryText(*db_, "SELECT value FROM meta WHERE key = 'marker'"), "kept");
  EXPECT_EQ(queryInt(*db_, "SELECT count(*) FROM strings"), 1);
  EXPECT_FALSE(db_->inTransaction());
}

TEST_F(Schema, MigrateUpgradesAVersionOneStoreKeepingItsEvents) {
  // A store as version 1 left it: without the cross-account time index of migration 2.
  ASSERT_TRUE(migrate(*db_).ok());
  ASSERT_TRUE(db_->exec("DROP INDEX events_time_all; UPDATE meta SET value = '1' WHERE key = 'schema_version';").ok());
  ASSERT_TRUE(db_->exec("INSERT INTO strings(value) VALUES('x'); "
                        "INSERT INTO events(event_id, time_ms, account, region, source, name, read_only, event_type, "
                        "identity, source_ip) VALUES('e1', 1, 1, 1, 1, 1, 0, 1, 1, 1);")
                  .ok());
  ASSERT_TRUE(migrate(*db_).ok());
  EXPECT_EQ(queryText(*db_, "SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(currentSchemaVersion()));
  EXPECT_EQ(queryInt(*db_, "SELECT count(*) FROM sqlite_master WHERE name = 'events_time_all'"), 1);
  EXPECT_EQ(queryInt(*db_, "SELECT count(*) FROM events"), 1);
}

TEST_F(Schema, MigrateRefusesAStoreWithoutSchemaVersion) {
  ASSERT_TRUE(migrate(*db_).ok());
  ASSERT_TRUE(db_->exec("DELETE FROM meta").ok());
  auto s = migrate(*db_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, SQLITE_CORRUPT);
  EXPECT_TRUE(s.error().corrupt());
  EXPECT_EQ(queryInt(*db_, "SELECT count(*) FROM meta"), 0);
}

TEST_F(Schema, MigrateRefusesAnUnreadableSchemaVersion) {
  ASSERT_TRUE(migrate(*db_).ok());
  for (const char* bad : {"abc", "1x", "", " 1", "-"}) {
    auto set = db_->prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'");
    ASSERT_TRUE(set.ok());
    {
      Statement::Use u(**set);
      u->bind(1, std::string_view(bad));
      ASSERT_TRUE(u->run().ok());
    }
    auto s = migrate(*db_);
    ASSERT_FALSE(s.ok()) << "'" << bad << "'";
    EXPECT_EQ(s.error().code, SQLITE_CORRUPT) << "'" << bad << "'";
    EXPECT_EQ(queryText(*db_, "SELECT value FROM meta WHERE key = 'schema_version'"), bad);
  }
}

TEST_F(Schema, MigrateRefusesANewerVersionWithoutModifyingTheFile) {
  TempDbPath path;
  {
    auto db = openFile(path.str());
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db).ok());
    ASSERT_TRUE(db->exec("INSERT INTO meta(key, value) VALUES('marker', 'kept');"
                         "UPDATE meta SET value = '" +
                         std::to_string(currentSchemaVersion() + 1) + "' WHERE key = 'schema_version';")
                    .ok());
  }
  const std::string bytes = readFileBytes(path.str());
  ASSERT_FALSE(bytes.empty());
  {
    auto db = openFile(path.str());
    ASSERT_TRUE(db);
    std::string schema_before = schemaDump(*db);
    auto s = migrate(*db);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, SQLITE_CANTOPEN);
    EXPECT_FALSE(s.error().corrupt());
    EXPECT_FALSE(db->inTransaction());
    EXPECT_EQ(schemaDump(*db), schema_before);
    EXPECT_EQ(queryText(*db, "SELECT value FROM meta WHERE key = 'schema_version'"),
              std::to_string(currentSchemaVersion() + 1));
    EXPECT_EQ(queryText(*db, "SELECT value FROM meta WHERE key = 'marker'"), "kept");
  }
  EXPECT_TRUE(readFileBytes(path.str()) == bytes) << "the file was modified";
}

TEST_F(Schema, MigrateRefusesAnSqliteFileThatIsNotATrailboxStore) {
  TempDbPath path;
  {
    auto db = openFile(path.str());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES('mine');").ok());
  }
  const std::string bytes = readFileBytes(path.str());
  {
    auto db = openFile(path.str());
    ASSERT_TRUE(db);
    auto s = migrate(*db);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, SQLITE_NOTADB);
    EXPECT_TRUE(s.error().corrupt());
    EXPECT_FALSE(db->inTransaction());
    EXPECT_EQ(tableNames(*db), (std::vector<std::string>{"notes"}));
  }
  EXPECT_TRUE(readFileBytes(path.str()) == bytes) << "the file was modified";
}

TEST_F(Schema, MigrateFailsWithCorruptOnAFileThatIsNotSqlite) {
  TempDbPath path;
  std::string garbage;
  for (int i = 0; i < 512; ++i) garbage += "this is not a database ";
  writeFileBytes(path.str(), garbage);
  {
    auto db = Database::open(path.str(), Database::Mode::kReadWrite);
    if (db.ok()) {
      auto s = migrate(**db);
      ASSERT_FALSE(s.ok());
      EXPECT_TRUE(s.error().corrupt()) << s.error().code;
    } else {
      EXPECT_TRUE(db.error().corrupt()) << db.error().code;
    }
  }
  EXPECT_TRUE(readFileBytes(path.str()) == garbage) << "the file was modified";
}

TEST_F(Schema, MigrateOnAReadOnlyConnectionFailsWithReadOnly) {
  TempDbPath path;
  writeFileBytes(path.str(), "");  // an empty file is an empty SQLite database
  auto db = openFile(path.str(), Database::Mode::kReadOnly);
  ASSERT_TRUE(db);
  auto s = migrate(*db);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().readOnly()) << s.error().code;
  EXPECT_FALSE(db->inTransaction());
  EXPECT_TRUE(tableNames(*db).empty());
}

TEST_F(Schema, MigratedFileReopensAtTheCurrentVersion) {
  TempDbPath path;
  {
    auto db = openFile(path.str());
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db).ok());
  }
  auto db = openFile(path.str());
  ASSERT_TRUE(db);
  ASSERT_TRUE(migrate(*db).ok());
  EXPECT_EQ(queryText(*db, "SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(currentSchemaVersion()));
}

TEST_F(Schema, ClearAllEmptiesEveryTableButKeepsTheSchemaVersion) {
  ASSERT_TRUE(migrate(*db_).ok());
  EventWriter events(*db_);
  EventRow e;
  e.event_id = "6f1c2b9e-8a4d-4c3e-9b2a-1d2e3f4a5b6c";
  e.time_ms = 1000;
  e.account = "111111111111";
  e.region = "us-east-1";
  e.event_source = "emr-serverless.amazonaws.com";
  e.event_name = "CreateApplication";
  e.user_identity = "{}";
  e.source_ip = "127.0.0.1";
  e.resources = {{"AWS::EMRServerless::Application", "00f0000000000001"}};
  ASSERT_TRUE(events.insert(e).ok());
  ResourceStore resources(*db_);
  ASSERT_TRUE(resources.insert({"application", "111111111111", "us-east-1", "a1", "", "CREATED", 1, 5, "tok", "{}"}).ok());
  ASSERT_TRUE(db_->exec("INSERT INTO meta(key, value) VALUES('clock_offset', '42')").ok());
  ASSERT_TRUE(db_->exec("INSERT INTO meta(key, value) VALUES('digest_private_key', 'PEM'), "
                        "('digest_key_created_ms', '7')").ok());
  for (const char* table : {"events", "event_resources", "event_resource_types", "strings", "resources"}) {
    ASSERT_GT(queryInt(*db_, std::string("SELECT count(*) FROM ") + table), 0) << table;
  }

  auto s = clearAll(*db_);
  ASSERT_TRUE(s.ok()) << s.error().message;

  for (const char* table : {"events", "event_resources", "event_resource_types", "strings", "resources"}) {
    EXPECT_EQ(queryInt(*db_, std::string("SELECT count(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(queryInt(*db_, "SELECT count(*) FROM meta"), 3);
  EXPECT_EQ(queryText(*db_, "SELECT value FROM meta WHERE key = 'digest_private_key'"), "PEM");
  EXPECT_EQ(queryText(*db_, "SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(currentSchemaVersion()));
  EXPECT_TRUE(migrate(*db_).ok());

  // A cleared store takes new data (the interning cache must be forgotten, per its contract).
  events.forgetCache();
  auto seq = events.insert(e);
  ASSERT_TRUE(seq.ok()) << seq.error().message;
  EventReader reader(*db_);
  auto rows = reader.query(EventQuery{});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].event_name, "CreateApplication");
}

}  // namespace
}  // namespace trailbox::store::test
