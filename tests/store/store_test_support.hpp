#pragma once

// Helpers shared by the store tests: a fresh migrated `:memory:` database per test, unique
// temporary database files that clean up after themselves, and small SQL shortcuts.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/schema.hpp"

namespace trailbox::store::test {

// A path in the system temp directory that no other test (or test process) uses. The file and
// its SQLite companions (-wal, -shm, -journal) are deleted on destruction.
class TempDbPath {
 public:
  TempDbPath() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = (std::filesystem::temp_directory_path() /
             ("trailbox-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
              std::to_string(rd()) + ".db"))
                .string();
    removeAll();
  }
  ~TempDbPath() { removeAll(); }
  TempDbPath(const TempDbPath&) = delete;
  TempDbPath& operator=(const TempDbPath&) = delete;

  const std::string& str() const { return path_; }

 private:
  void removeAll() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix, ec);
  }

  std::string path_;
};

inline std::string readFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void writeFileBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Runs `sql` (one row, one column expected) and returns column 0 as text; "<error: ...>" or
// "<no row>" otherwise, so that a failed lookup shows up in the assertion that uses it.
inline std::string queryText(Database& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  if (!stmt.ok()) return "<error: " + stmt.error().message + ">";
  Statement::Use s(**stmt);
  auto row = s->step();
  if (!row.ok()) return "<error: " + row.error().message + ">";
  if (!*row) return "<no row>";
  return s->columnText(0);
}

inline int64_t queryInt(Database& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  if (!stmt.ok()) {
    ADD_FAILURE() << "prepare failed: " << stmt.error().message << " for " << sql;
    return -1;
  }
  Statement::Use s(**stmt);
  auto row = s->step();
  if (!row.ok() || !*row) {
    ADD_FAILURE() << "no row for " << sql;
    return -1;
  }
  return s->columnInt(0);
}

// A fresh, migrated `:memory:` database for every test.
class MemoryDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(":memory:", Database::Mode::kReadWrite);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(*opened);
    auto migrated = migrate(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  }

  Database& db() { return *db_; }

  std::unique_ptr<Database> db_;
};

}  // namespace trailbox::store::test
