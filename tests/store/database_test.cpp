#include "store/database.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "tests/store/store_test_support.hpp"

namespace trailbox::store::test {
namespace {

// Suites are named after the unit under test, so the fixtures shadow the store types here;
// the store types are spelled store::Database and so on.
int countStatements(store::Database& db) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s; s = sqlite3_next_stmt(db.handle(), s)) ++n;
  return n;
}

// A fresh, unmigrated `:memory:` connection with one untyped table t(id, v).
class RawDb : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Database::open(":memory:", store::Database::Mode::kReadWrite);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(*opened);
    ASSERT_TRUE(db_->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v)").ok());
  }

  int64_t rowCount() { return queryInt(*db_, "SELECT count(*) FROM t"); }

  // Inserts v into t through a cached statement; returns false on failure.
  bool insert(int64_t id) {
    auto stmt = db_->prepare("INSERT INTO t(id, v) VALUES(?, 'x')");
    if (!stmt.ok()) return false;
    store::Statement::Use s(**stmt);
    s->bind(1, id);
    return s->run().ok();
  }

  std::vector<int64_t> ids() {
    std::vector<int64_t> out;
    auto stmt = db_->prepare("SELECT id FROM t ORDER BY id");
    EXPECT_TRUE(stmt.ok());
    if (!stmt.ok()) return out;
    store::Statement::Use s(**stmt);
    while (true) {
      auto row = s->step();
      EXPECT_TRUE(row.ok());
      if (!row.ok() || !*row) break;
      out.push_back(s->columnInt(0));
    }
    return out;
  }

  std::unique_ptr<store::Database> db_;
};

class Database : public RawDb {};
class Statement : public RawDb {
 protected:
  // Binds `bind` to the single parameter of an INSERT, then reads the row back with
  // `typeof(v)` in column 0 and v in column 1.
  template <class BindFn>
  void insertAndSelect(BindFn bind, std::string& type, std::string& text, int64_t& number, bool& is_null) {
    auto ins = db_->prepare("INSERT INTO t(v) VALUES(?)");
    ASSERT_TRUE(ins.ok());
    {
      store::Statement::Use s(**ins);
      bind(*s);
      ASSERT_TRUE(s->run().ok());
    }
    auto sel = db_->prepare("SELECT typeof(v), v FROM t WHERE id = ?");
    ASSERT_TRUE(sel.ok());
    store::Statement::Use s(**sel);
    s->bind(1, db_->lastInsertRowId());
    auto row = s->step();
    ASSERT_TRUE(row.ok());
    ASSERT_TRUE(*row);
    type = s->columnText(0);
    text = s->columnText(1);
    number = s->columnInt(1);
    is_null = s->columnIsNull(1);
  }
};
class Savepoint : public RawDb {};

// ---------------------------------------------------------------------------------------------
// Database

TEST_F(Database, PrepareReturnsTheCachedStatementForTheSameSql) {
  auto first = db_->prepare("SELECT v FROM t WHERE id = ?");
  ASSERT_TRUE(first.ok());
  int after_first = countStatements(*db_);
  auto second = db_->prepare("SELECT v FROM t WHERE id = ?");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(countStatements(*db_), after_first);

  auto other = db_->prepare("SELECT id FROM t WHERE v = ?");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*first, *other);
  EXPECT_EQ(countStatements(*db_), after_first + 1);
}

TEST_F(Database, CachedStatementIsReusableAfterUse) {
  ASSERT_TRUE(insert(1));
  ASSERT_TRUE(insert(2));
  ASSERT_TRUE(insert(3));
  EXPECT_EQ(ids(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(ids(), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(Database, PrepareInvalidSqlReturnsErrorAndCachesNothing) {
  int before = countStatements(*db_);
  auto bad = db_->prepare("SELEKT nothing");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, SQLITE_ERROR);
  auto missing = db_->prepare("SELECT * FROM no_such_table");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, SQLITE_ERROR);
  EXPECT_EQ(countStatements(*db_), before);
  // Still an error the second time: failures are not cached as statements.
  EXPECT_FALSE(db_->prepare("SELEKT nothing").ok());
}

TEST_F(Database, ExecRunsSeveralStatements) {
  ASSERT_TRUE(db_->exec("INSERT INTO t(id, v) VALUES(1, 'a'); INSERT INTO t(id, v) VALUES(2, 'b');").ok());
  EXPECT_EQ(rowCount(), 2);
}

TEST_F(Database, ExecReturnsTheExtendedErrorCode) {
  ASSERT_TRUE(db_->exec("INSERT INTO t(id, v) VALUES(1, 'a')").ok());
  auto dup = db_->exec("INSERT INTO t(id, v) VALUES(1, 'b')");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, SQLITE_CONSTRAINT_PRIMARYKEY);
  auto missing = db_->exec("INSERT INTO nope VALUES(1)");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, SQLITE_ERROR);
  EXPECT_EQ(rowCount(), 1);
}

TEST_F(Database, ChangesAndLastInsertRowIdDescribeTheLastStatement) {
  ASSERT_TRUE(insert(41));
  EXPECT_EQ(db_->lastInsertRowId(), 41);
  EXPECT_EQ(db_->changes(), 1);
  ASSERT_TRUE(insert(42));
  ASSERT_TRUE(db_->exec("UPDATE t SET v = 'y'").ok());
  EXPECT_EQ(db_->changes(), 2);
  ASSERT_TRUE(db_->exec("DELETE FROM t WHERE id = 999").ok());
  EXPECT_EQ(db_->changes(), 0);
}

TEST_F(Database, InTransactionFollowsBeginAndCommit) {
  EXPECT_FALSE(db_->inTransaction());
  ASSERT_TRUE(db_->exec("BEGIN").ok());
  EXPECT_TRUE(db_->inTransaction());
  ASSERT_TRUE(insert(1));
  ASSERT_TRUE(db_->exec("COMMIT").ok());
  EXPECT_FALSE(db_->inTransaction());
  EXPECT_EQ(rowCount(), 1);
}

TEST_F(Database, PathIsTheOneOpened) { EXPECT_EQ(db_->path(), ":memory:"); }

TEST_F(Database, LastErrorPrefersTheConnectionsExtendedCode) {
  EXPECT_FALSE(db_->exec("INSERT INTO t(id, v) VALUES(1, 'a'); INSERT INTO t(id, v) VALUES(1, 'a')").ok());
  EXPECT_EQ(db_->lastError(SQLITE_CONSTRAINT).code, SQLITE_CONSTRAINT_PRIMARYKEY);
}

TEST_F(Database, OpenReadWriteCreatesTheFile) {
  TempDbPath path;
  ASSERT_FALSE(std::filesystem::exists(path.str()));
  auto db = store::Database::open(path.str(), store::Database::Mode::kReadWrite);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ((*db)->path(), path.str());
  ASSERT_TRUE((*db)->exec("CREATE TABLE x(a)").ok());
  EXPECT_TRUE(std::filesystem::exists(path.str()));
}

TEST_F(Database, OpenReadOnlyOnMissingFileFailsWithCantOpen) {
  TempDbPath path;
  auto db = store::Database::open(path.str(), store::Database::Mode::kReadOnly);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code & 0xff, SQLITE_CANTOPEN);
  EXPECT_FALSE(std::filesystem::exists(path.str()));
}

TEST_F(Database, ReadOnlyConnectionSeesDataAndRefusesWrites) {
  TempDbPath path;
  {
    auto rw = store::Database::open(path.str(), store::Database::Mode::kReadWrite);
    ASSERT_TRUE(rw.ok());
    ASSERT_TRUE((*rw)->exec("CREATE TABLE x(a); INSERT INTO x VALUES(7);").ok());
  }
  auto ro = store::Database::open(path.str(), store::Database::Mode::kReadOnly);
  ASSERT_TRUE(ro.ok()) << ro.error().message;
  EXPECT_EQ(queryInt(**ro, "SELECT a FROM x"), 7);
  auto write = (*ro)->exec("INSERT INTO x VALUES(8)");
  ASSERT_FALSE(write.ok());
  EXPECT_TRUE(write.error().readOnly()) << write.error().code;
  EXPECT_FALSE(write.error().diskFull());
  EXPECT_FALSE(write.error().corrupt());
  EXPECT_EQ(queryInt(**ro, "SELECT count(*) FROM x"), 1);
}

// ---------------------------------------------------------------------------------------------
// Statement

TEST_F(Statement, TextRoundTripsByteForByte) {
  const std::string value = std::string("caf\xc3\xa9 \"quoted\" {\"a\":[1,2]}\n\t") + std::string(1, '\0') + "tail";
  std::string type, text;
  int64_t number = 0;
  bool is_null = true;
  insertAndSelect([&](store::Statement& s) { s.bind(1, std::string_view(value)); }, type, text, number, is_null);
  EXPECT_EQ(type, "text");
  EXPECT_EQ(text, value);
  EXPECT_EQ(text.size(), value.size());
  EXPECT_FALSE(is_null);
}

TEST_F(Statement, BlobWithNulBytesRoundTrips) {
  const std::string value("\0\x01\xff\0abc\0", 8);
  std::string type, text;
  int64_t number = 0;
  bool is_null = true;
  insertAndSelect([&](store::Statement& s) { s.bindBlob(1, value); }, type, text, number, is_null);
  EXPECT_EQ(type, "blob");
  ASSERT_EQ(text.size(), 8u);
  EXPECT_EQ(text, value);
  EXPECT_FALSE(is_null);
  EXPECT_EQ(queryInt(*db_, "SELECT length(v) FROM t"), 8);
}

TEST_F(Statement, Int64ExtremesRoundTrip) {
  for (int64_t value : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), int64_t{0},
                        int64_t{-1}, int64_t{1} << 53}) {
    std::string type, text;
    int64_t number = 0;
    bool is_null = true;
    insertAndSelect([&](store::Statement& s) { s.bind(1, value); }, type, text, number, is_null);
    EXPECT_EQ(type, "integer") << value;
    EXPECT_EQ(number, value);
    EXPECT_EQ(text, std::to_string(value));
    EXPECT_FALSE(is_null);
  }
}

TEST_F(Statement, NullRoundTrips) {
  std::string type, text = "sentinel";
  int64_t number = 99;
  bool is_null = false;
  insertAndSelect([](store::Statement& s) { s.bindNull(1); }, type, text, number, is_null);
  EXPECT_EQ(type, "null");
  EXPECT_TRUE(is_null);
  EXPECT_EQ(text, "");
  EXPECT_EQ(number, 0);
}

TEST_F(Statement, BindOptionalBindsNullOrText) {
  std::string type, text;
  int64_t number = 0;
  bool is_null = false;
  insertAndSelect([](store::Statement& s) { s.bindOptional(1, std::nullopt); }, type, text, number, is_null);
  EXPECT_EQ(type, "null");
  EXPECT_TRUE(is_null);

  insertAndSelect([](store::Statement& s) { s.bindOptional(1, std::string("tok")); }, type, text, number, is_null);
  EXPECT_EQ(type, "text");
  EXPECT_EQ(text, "tok");
  EXPECT_FALSE(is_null);

  insertAndSelect([](store::Statement& s) { s.bindOptional(1, std::string()); }, type, text, number, is_null);
  EXPECT_EQ(type, "text");
  EXPECT_EQ(text, "");
  EXPECT_FALSE(is_null);
}

TEST_F(Statement, EmptyStringBindsEmptyTextNotNull) {
  const std::string empty;
  std::string type, text;
  int64_t number = 0;
  bool is_null = true;
  insertAndSelect([&](store::Statement& s) { s.bind(1, std::string_view(empty)); }, type, text, number, is_null);
  EXPECT_EQ(type, "text");
  EXPECT_FALSE(is_null);
  insertAndSelect([&](store::Statement& s) { s.bindBlob(1, empty); }, type, text, number, is_null);
  EXPECT_EQ(type, "blob");
  EXPECT_FALSE(is_null);
}

TEST_F(Statement, DefaultConstructedStringViewBindsEmptyTextNotNull) {
  std::string type, text;
  int64_t number = 0;
  bool is_null = true;
  insertAndSelect([](store::Statement& s) { s.bind(1, std::string_view()); }, type, text, number, is_null);
  EXPECT_EQ(type, "text");
  EXPECT_FALSE(is_null);
  insertAndSelect([](store::Statement& s) { s.bindBlob(1, std::string_view()); }, type, text, number, is_null);
  EXPECT_EQ(type, "blob");
  EXPECT_FALSE(is_null);
}

TEST_F(Statement, StepReturnsRowsThenFalse) {
  ASSERT_TRUE(insert(1));
  ASSERT_TRUE(insert(2));
  auto stmt = db_->prepare("SELECT id FROM t ORDER BY id");
  ASSERT_TRUE(stmt.ok());
  store::Statement::Use s(**stmt);
  auto r1 = s->step();
  ASSERT_TRUE(r1.ok());
  EXPECT_TRUE(*r1);
  EXPECT_EQ(s->columnInt(0), 1);
  auto r2 = s->step();
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(*r2);
  EXPECT_EQ(s->columnInt(0), 2);
  auto r3 = s->step();
  ASSERT_TRUE(r3.ok());
  EXPECT_FALSE(*r3);
}

TEST_F(Statement, UseGuardResetsAndClearsBindings) {
  auto stmt = db_->prepare("SELECT ?");
  ASSERT_TRUE(stmt.ok());
  {
    store::Statement::Use s(**stmt);
    s->bind(1, int64_t{5});
    auto row = s->step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ(s->columnInt(0), 5);
  }
  store::Statement::Use s(**stmt);
  auto row = s->step();
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(*row);  // reset: the statement starts over instead of reporting done
  EXPECT_TRUE(s->columnIsNull(0));
}

TEST_F(Statement, StepErrorCarriesTheExtendedCodeAndTheStatementStaysUsable) {
  ASSERT_TRUE(insert(1));
  auto stmt = db_->prepare("INSERT INTO t(id, v) VALUES(?, 'x')");
  ASSERT_TRUE(stmt.ok());
  {
    store::Statement::Use s(**stmt);
    s->bind(1, int64_t{1});
    auto r = s->step();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, SQLITE_CONSTRAINT_PRIMARYKEY);
    EXPECT_EQ(r.error().code & 0xff, SQLITE_CONSTRAINT);
  }
  {
    store::Statement::Use s(**stmt);
    s->bind(1, int64_t{2});
    EXPECT_TRUE(s->run().ok());
  }
  EXPECT_EQ(ids(), (std::vector<int64_t>{1, 2}));
}

TEST_F(Statement, RunOnAQueryReturnsOkWithoutReadingRows) {
  ASSERT_TRUE(insert(1));
  auto stmt = db_->prepare("SELECT id FROM t");
  ASSERT_TRUE(stmt.ok());
  store::Statement::Use s(**stmt);
  EXPECT_TRUE(s->run().ok());
}

// ---------------------------------------------------------------------------------------------
// Savepoint

TEST_F(Savepoint, ReleaseKeepsTheChanges) {
  {
    store::Savepoint sp(*db_, "sp");
    ASSERT_TRUE(sp.status().ok());
    EXPECT_TRUE(db_->inTransaction());
    ASSERT_TRUE(insert(1));
    ASSERT_TRUE(sp.release().ok());
    EXPECT_FALSE(db_->inTransaction());
  }
  EXPECT_EQ(ids(), (std::vector<int64_t>{1}));
}

TEST_F(Savepoint, DestructionWithoutReleaseRollsBack) {
  ASSERT_TRUE(insert(1));
  {
    store::Savepoint sp(*db_, "sp");
    ASSERT_TRUE(sp.status().ok());
    ASSERT_TRUE(insert(2));
    ASSERT_TRUE(db_->exec("DELETE FROM t WHERE id = 1").ok());
    EXPECT_EQ(ids(), (std::vector<int64_t>{2}));
  }
  EXPECT_EQ(ids(), (std::vector<int64_t>{1}));
  EXPECT_FALSE(db_->inTransaction());
}

TEST_F(Savepoint, RollbackUndoesAndKeepsTheSavepointOpen) {
  store::Savepoint sp(*db_, "sp");
  ASSERT_TRUE(sp.status().ok());
  ASSERT_TRUE(insert(1));
  sp.rollback();
  EXPECT_TRUE(ids().empty());
  EXPECT_TRUE(db_->inTransaction());
  ASSERT_TRUE(insert(2));
  ASSERT_TRUE(sp.release().ok());
  EXPECT_EQ(ids(), (std::vector<int64_t>{2}));
  EXPECT_FALSE(db_->inTransaction());
}

TEST_F(Savepoint, NestedInnerRollbackKeepsOuterChanges) {
  {
    store::Savepoint outer(*db_, "outer");
    ASSERT_TRUE(outer.status().ok());
    ASSERT_TRUE(insert(1));
    {
      store::Savepoint inner(*db_, "inner");
      ASSERT_TRUE(inner.status().ok());
      ASSERT_TRUE(insert(2));
    }
    EXPECT_EQ(ids(), (std::vector<int64_t>{1}));
    EXPECT_TRUE(db_->inTransaction());
    ASSERT_TRUE(insert(3));
    ASSERT_TRUE(outer.release().ok());
  }
  EXPECT_EQ(ids(), (std::vector<int64_t>{1, 3}));
  EXPECT_FALSE(db_->inTransaction());
}

TEST_F(Savepoint, OuterRollbackUndoesAReleasedInner) {
  {
    store::Savepoint outer(*db_, "outer");
    ASSERT_TRUE(insert(1));
    {
      store::Savepoint inner(*db_, "inner");
      ASSERT_TRUE(insert(2));
      ASSERT_TRUE(inner.release().ok());
    }
    EXPECT_EQ(ids(), (std::vector<int64_t>{1, 2}));
  }
  EXPECT_TRUE(ids().empty());
  EXPECT_FALSE(db_->inTransaction());
}

TEST_F(Savepoint, NestedSavepointsWithTheSameNameUnwindInnermostFirst) {
  // The writer names every job's savepoint "job"; a job may open its own "job" savepoint too.
  {
    store::Savepoint outer(*db_, "job");
    ASSERT_TRUE(insert(1));
    {
      store::Savepoint inner(*db_, "job");
      ASSERT_TRUE(inner.status().ok());
      ASSERT_TRUE(insert(2));
    }
    EXPECT_EQ(ids(), (std::vector<int64_t>{1}));
    {
      store::Savepoint inner(*db_, "job");
      ASSERT_TRUE(insert(3));
      ASSERT_TRUE(inner.release().ok());
    }
    EXPECT_TRUE(db_->inTransaction());
    ASSERT_TRUE(outer.release().ok());
  }
  EXPECT_EQ(ids(), (std::vector<int64_t>{1, 3}));
  EXPECT_FALSE(db_->inTransaction());
}

TEST_F(Savepoint, InsideATransactionRollbackLeavesTheTransactionOpen) {
  ASSERT_TRUE(db_->exec("BEGIN IMMEDIATE").ok());
  ASSERT_TRUE(insert(1));
  {
    store::Savepoint sp(*db_, "sp");
    ASSERT_TRUE(insert(2));
  }
  EXPECT_TRUE(db_->inTransaction());
  {
    store::Savepoint sp(*db_, "sp");
    ASSERT_TRUE(insert(3));
    ASSERT_TRUE(sp.release().ok());
  }
  EXPECT_TRUE(db_->inTransaction());  // releasing a nested savepoint does not commit
  ASSERT_TRUE(db_->exec("COMMIT").ok());
  EXPECT_EQ(ids(), (std::vector<int64_t>{1, 3}));
}

TEST_F(Savepoint, FailedCreationReportsErrorAndItsDestructorUndoesNothing) {
  ASSERT_TRUE(db_->exec("BEGIN").ok());
  ASSERT_TRUE(insert(1));
  {
    store::Savepoint bad(*db_, "not a valid name");
    ASSERT_FALSE(bad.status().ok());
    EXPECT_EQ(bad.status().error().code, SQLITE_ERROR);
  }
  EXPECT_TRUE(db_->inTransaction());
  ASSERT_TRUE(db_->exec("COMMIT").ok());
  EXPECT_EQ(ids(), (std::vector<int64_t>{1}));
}

TEST_F(Savepoint, ReleaseOfAnAbandonedSavepointFails) {
  store::Savepoint sp(*db_, "sp");
  ASSERT_TRUE(insert(1));
  ASSERT_TRUE(db_->exec("ROLLBACK").ok());  // ends the transaction and every savepoint in it
  auto released = sp.release();
  ASSERT_FALSE(released.ok());
  EXPECT_EQ(released.error().code, SQLITE_ERROR);
  EXPECT_TRUE(ids().empty());
}

// ---------------------------------------------------------------------------------------------
// StoreError

TEST(StoreError, DefaultsToSqliteError) {
  store::StoreError e;
  EXPECT_EQ(e.code, SQLITE_ERROR);
  EXPECT_FALSE(e.diskFull());
  EXPECT_FALSE(e.readOnly());
  EXPECT_FALSE(e.corrupt());
}

TEST(StoreError, ClassifiesPrimaryAndExtendedCodes) {
  struct Case {
    int code;
    bool disk_full, read_only, corrupt;
  };
  const Case cases[] = {
      {SQLITE_FULL, true, false, false},
      {SQLITE_READONLY, false, true, false},
      {SQLITE_READONLY_DBMOVED, false, true, false},
      {SQLITE_READONLY_ROLLBACK, false, true, false},
      {SQLITE_READONLY_DIRECTORY, false, true, false},
      {SQLITE_CORRUPT, false, false, true},
      {SQLITE_CORRUPT_VTAB, false, false, true},
      {SQLITE_CORRUPT_INDEX, false, false, true},
      {SQLITE_NOTADB, false, false, true},
      {SQLITE_OK, false, false, false},
      {SQLITE_ERROR, false, false, false},
      {SQLITE_BUSY, false, false, false},
      {SQLITE_CANTOPEN, false, false, false},
      {SQLITE_CONSTRAINT_UNIQUE, false, false, false},
      {SQLITE_IOERR_WRITE, false, false, false},
      {SQLITE_INTERNAL, false, false, false},
  };
  for (const auto& c : cases) {
    store::StoreError e{c.code, "msg"};
    EXPECT_EQ(e.diskFull(), c.disk_full) << c.code;
    EXPECT_EQ(e.readOnly(), c.read_only) << c.code;
    EXPECT_EQ(e.corrupt(), c.corrupt) << c.code;
  }
}

TEST(StoreError, RealDiskFullIsClassified) {
  auto db = store::Database::open(":memory:", store::Database::Mode::kReadWrite);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec("CREATE TABLE b(x BLOB)").ok());
  int64_t pages = queryInt(**db, "PRAGMA page_count");
  ASSERT_TRUE((*db)->exec("PRAGMA max_page_count = " + std::to_string(pages + 2)).ok());
  auto stmt = (*db)->prepare("INSERT INTO b VALUES(zeroblob(1000000))");
  ASSERT_TRUE(stmt.ok());
  store::Statement::Use s(**stmt);
  auto r = s->run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, SQLITE_FULL);
  EXPECT_TRUE(r.error().diskFull());
  EXPECT_FALSE(r.error().readOnly());
  EXPECT_FALSE(r.error().corrupt());
}

TEST(StoreError, RealNotADatabaseIsClassifiedAsCorrupt) {
  TempDbPath path;
  writeFileBytes(path.str(), std::string(4096, 'z'));
  auto db = store::Database::open(path.str(), store::Database::Mode::kReadWrite);
  // SQLite opens lazily: the error shows either at open or at the first statement.
  if (!db.ok()) {
    EXPECT_TRUE(db.error().corrupt()) << db.error().code;
    return;
  }
  auto stmt = (*db)->prepare("SELECT count(*) FROM sqlite_master");
  ASSERT_FALSE(stmt.ok());
  EXPECT_EQ(stmt.error().code, SQLITE_NOTADB);
  EXPECT_TRUE(stmt.error().corrupt());
}

}  // namespace
}  // namespace trailbox::store::test
