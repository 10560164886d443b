#include "store/database.hpp"

#include <utility>

namespace trailbox::store {

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

// SQLite binds a null pointer as NULL, and an empty std::string_view may have one: bind "".
Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data() ? text.data() : "", text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data() ? bytes.data() : "", bytes.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::bindOptional(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bindNull(index);
}

StoreResult<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return makeUnexpected(db_.lastError(rc));
}

StoreStatus Statement::run() {
  auto r = step();
  if (!r.ok()) return makeUnexpected(r.error());
  return {};
}

int64_t Statement::columnInt(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::columnText(int index) const {
  // Blob access covers TEXT and BLOB columns alike and never converts in place.
  const void* p = sqlite3_column_blob(stmt_, index);
  int n = sqlite3_column_bytes(stmt_, index);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

bool Statement::columnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

bool Statement::columnIsBlob(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_BLOB;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

StoreResult<std::unique_ptr<Database>> Database::open(const std::string& path, Mode mode) {
  int flags = SQLITE_OPEN_NOMUTEX;  // each connection is confined to one thread
  flags |= mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    StoreError err{rc, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)};
    sqlite3_close(raw);
    return makeUnexpected(std::move(err));
  }
  sqlite3_extended_result_codes(raw, 1);
  return std::unique_ptr<Database>(new Database(raw, path));
}

Database::~Database() {
  statements_.clear();  // statements must be finalized before the connection closes
  sqlite3_close(db_);
}

StoreResult<Statement*> Database::prepare(std::string_view sql) {
  auto key = std::string(sql);
  auto it = statements_.find(key);
  if (it != statements_.end()) return it->second.get();
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                              &stmt, nullptr);
  if (rc != SQLITE_OK) return makeUnexpected(lastError(rc));
  auto owned = std::make_unique<Statement>(*this, stmt);
  Statement* ptr = owned.get();
  statements_.emplace(std::move(key), std::move(owned));
  return ptr;
}

StoreStatus Database::exec(std::string_view sql) {
  std::string copy(sql);
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    StoreError err{sqlite3_extended_errcode(db_), msg ? msg : sqlite3_errstr(rc)};
    sqlite3_free(msg);
    return makeUnexpected(std::move(err));
  }
  return {};
}

StoreError Database::lastError(int code) const {
  int ext = sqlite3_extended_errcode(db_);
  return StoreError{ext != SQLITE_OK ? ext : code, sqlite3_errmsg(db_)};
}

namespace {
// Savepoint statements run on every request; they go through the statement cache instead of
// being re-parsed by sqlite3_exec each time.
StoreStatus runCached(Database& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use use(**stmt);
  return use->run();
}
}  // namespace

Savepoint::Savepoint(Database& db, std::string name) : db_(db), name_(std::move(name)) {
  status_ = runCached(db_, "SAVEPOINT " + name_);
  done_ = !status_.ok();
}

Savepoint::~Savepoint() {
  if (done_) return;
  rollback();
  // Releasing after a rollback ends the savepoint; errors here leave nothing to undo.
  (void)runCached(db_, "RELEASE " + name_);
}

StoreStatus Savepoint::release() {
  auto s = runCached(db_, "RELEASE " + name_);
  if (s.ok()) done_ = true;
  return s;
}

void Savepoint::rollback() {
  if (db_.inTransaction()) (void)runCached(db_, "ROLLBACK TO " + name_);
}

}  // namespace trailbox::store
