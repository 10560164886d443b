#pragma once

// RAII wrappers over one SQLite connection: Database (the connection and its cache of prepared
// statements), Statement (bind, step, read columns) and Savepoint (rolls back unless released).
//
// Thread-safety: none. A Database and its statements belong to one thread at a time; the
// Writer owns the single read-write connection, and each reader thread opens its own
// read-only connection (see store.hpp).

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/expected.hpp"

namespace trailbox::store {

// A failed SQLite call. `code` is the SQLite result code (extended codes included).
struct StoreError {
  int code = SQLITE_ERROR;
  std::string message;

  bool diskFull() const { return (code & 0xff) == SQLITE_FULL; }
  bool readOnly() const { return (code & 0xff) == SQLITE_READONLY; }
  bool corrupt() const { return (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB; }
};

template <class T>
using StoreResult = Expected<T, StoreError>;
using StoreStatus = Expected<void, StoreError>;

class Database;

// A prepared statement. Obtained from Database::prepare(), which keeps it cached; every use
// must end with reset() (the Use guard below does it), so the next user starts clean.
class Statement {
 public:
  Statement(Database& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds are 1-based like SQLite's. Text and blobs are copied (SQLITE_TRANSIENT).
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bindBlob(int index, std::string_view bytes);
  Statement& bindNull(int index);
  Statement& bindOptional(int index, const std::optional<std::string>& text);

  // Returns true when a row is available, false when the statement is done.
  StoreResult<bool> step();
  // Runs a statement that returns no rows.
  StoreStatus run();

  int64_t columnInt(int index) const;
  std::string columnText(int index) const;
  bool columnIsNull(int index) const;
  bool columnIsBlob(int index) const;

  void reset();

  // Resets the statement when it goes out of scope, whatever path the caller leaves by.
  class Use {
   public:
    explicit Use(Statement& s) : s_(s) {}
    ~Use() { s_.reset(); }
    Statement* operator->() { return &s_; }
    Statement& operator*() { return s_; }

   private:
    Statement& s_;
  };

 private:
  Database& db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (creating when kReadWrite) the database at `path`. `:memory:` gives a private
  // in-memory database. Returns the SQLite error when the file cannot be opened.
  static StoreResult<std::unique_ptr<Database>> open(const std::string& path, Mode mode);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Returns the cached prepared statement for `sql` (compiled on first use). The reference
  // stays valid for the connection's lifetime.
  StoreResult<Statement*> prepare(std::string_view sql);
  // Runs one or more statements without parameters (DDL, PRAGMA, BEGIN/COMMIT).
  StoreStatus exec(std::string_view sql);

  StoreError lastError(int code) const;
  bool inTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
  int64_t lastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

// A SAVEPOINT that is rolled back (and released) on destruction unless release() succeeded.
// Savepoints nest, so this works inside the writer's batch transaction and on its own.
class Savepoint {
 public:
  // Check ok() before relying on it: creation fails when the database cannot write.
  Savepoint(Database& db, std::string name);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;

  const StoreStatus& status() const { return status_; }
  StoreStatus release();
  // Undoes everything since the savepoint was opened; the savepoint stays open.
  void rollback();

 private:
  Database& db_;
  std::string name_;
  StoreStatus status_;
  bool done_ = false;
};

}  // namespace trailbox::store
