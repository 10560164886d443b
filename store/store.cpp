#include "store/store.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <utility>

#include "store/schema.hpp"

namespace trailbox::store {
namespace {

StoreStatus configure(Database& db, bool in_memory, bool sync_full) {
  std::string pragmas = "PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000;";
  if (in_memory) {
    pragmas += "PRAGMA journal_mode = MEMORY;";
  } else {
    // The checkpointer thread checkpoints; the writer never does it inline on commit.
    // When the WAL starts over it is cut back to 64 MiB, so a burst does not leave a huge file.
    pragmas += "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;";
    pragmas += sync_full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;";
  }
  return db.exec(pragmas);
}

// Jobs come from the api layer; an exception escaping one (a bug) must undo that job only and
// keep the writer thread alive.
StoreStatus guarded(const Store::Job& job, Database& db, EventWriter& events) {
  try {
    return job(db, events);
  } catch (const std::exception& e) {
    return makeUnexpected(StoreError{SQLITE_INTERNAL, std::string("unexpected exception: ") + e.what()});
  } catch (...) {
    return makeUnexpected(StoreError{SQLITE_INTERNAL, "unexpected exception"});
  }
}

// 16 Ki pages of 4 KiB: the WAL size past which the writer starts it over.
constexpr int kWalRestartPages = 16384;

StoreStatus runCached(Database& db, const char* sql) {
  auto stmt = db.prepare(sql);
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  return s->run();
}

}  // namespace

StoreResult<std::unique_ptr<Store>> Store::open(const StoreOptions& options) {
  bool in_memory = options.path == ":memory:" || options.path.empty();
  if (!in_memory && std::filesystem::exists(options.path + "-wal")) {
    // A WAL left by a crash may hold a newer trailbox's schema. Look through a read-only
    // connection: closing a read-write one would checkpoint the WAL into the file and delete it,
    // changing a store we are about to refuse. (Without a WAL the read-write look below changes
    // nothing, while a read-only one would leave -wal and -shm files behind.)
    if (auto look = Database::open(options.path, Database::Mode::kReadOnly); look.ok()) {
      if (auto s = checkCompatible(**look); !s.ok()) return makeUnexpected(s.error());
    }
  }
  auto db = Database::open(options.path, Database::Mode::kReadWrite);
  if (!db.ok()) return makeUnexpected(db.error());
  if (auto s = checkCompatible(**db); !s.ok()) return makeUnexpected(s.error());
  if (auto s = configure(**db, in_memory, options.sync_full); !s.ok()) return makeUnexpected(s.error());
  if (auto s = migrate(**db); !s.ok()) return makeUnexpected(s.error());
  return std::unique_ptr<Store>(new Store(options, std::move(*db)));
}

Store::Store(StoreOptions options, std::unique_ptr<Database> writer_db)
    : options_(std::move(options)),
      in_memory_(options_.path == ":memory:" || options_.path.empty()),
      writer_db_(std::move(writer_db)),
      events_(std::make_unique<EventWriter>(*writer_db_)) {
  writer_ = std::thread([this] { run(); });
  if (!in_memory_) checkpointer_ = std::thread([this] { runCheckpointer(); });
}

void Store::runCheckpointer() {
  auto db = Database::open(options_.path, Database::Mode::kReadWrite);
  if (!db.ok()) return;
  // Reading the schema makes the connection open the WAL; until then it has nothing to checkpoint.
  (void)(*db)->exec("PRAGMA busy_timeout = 1000; SELECT count(*) FROM sqlite_master;");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    checkpoint_wake_.wait_for(lock, std::chrono::milliseconds(20), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    int log_pages = 0;
    int done_pages = 0;
    // PASSIVE copies what it can without waiting for readers or the writer. Once the whole WAL
    // is in the database, the writer starts the WAL over from the beginning by itself.
    sqlite3_wal_checkpoint_v2((*db)->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_pages, &done_pages);
    if (log_pages > kWalRestartPages) restart_wal_.store(true);
    lock.lock();
  }
  lock.unlock();
  // A final full checkpoint leaves a compact database behind on a clean shutdown.
  sqlite3_wal_checkpoint_v2((*db)->handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
}

Store::~Store() { stop(); }

void Store::stop() {
  {
    std::scoped_lock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  // Only one caller joins; others return once it has (call_once blocks them meanwhile).
  checkpoint_wake_.notify_all();
  std::call_once(joined_, [this] {
    if (writer_.joinable()) writer_.join();
    if (checkpointer_.joinable()) checkpointer_.join();
  });
}

void Store::write(Job job, Done done) {
  {
    std::scoped_lock lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(job), std::move(done), {}});
      wake_.notify_one();
      return;
    }
  }
  if (done) done(makeUnexpected(StoreError{SQLITE_ABORT, "the store is shutting down"}));
}

void Store::read(const ReadFn& fn) {
  if (in_memory_) {
    // A private in-memory database has exactly one connection: the writer's.
    write(
        [fn](Database& db, EventWriter&) -> StoreStatus {
          fn(db);
          return {};
        },
        [](const StoreStatus&) {});
    return;
  }
  auto db = takeReader();
  if (!db) {
    // Could not open a reader (e.g. file vanished): fall back to the writer connection.
    write(
        [fn](Database& wdb, EventWriter&) -> StoreStatus {
          fn(wdb);
          return {};
        },
        [](const StoreStatus&) {});
    return;
  }
  fn(*db);
  returnReader(std::move(db));
}

std::unique_ptr<Database> Store::takeReader() {
  {
    std::scoped_lock lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return db;
    }
  }
  auto db = Database::open(options_.path, Database::Mode::kReadOnly);
  if (!db.ok()) return nullptr;
  (void)(*db)->exec("PRAGMA busy_timeout = 5000; PRAGMA cache_size = -8000;");
  return std::move(*db);
}

void Store::returnReader(std::unique_ptr<Database> db) {
  std::scoped_lock lock(readers_mutex_);
  idle_readers_.push_back(std::move(db));
}

WriterStats Store::stats() {
  std::scoped_lock lock(mutex_);
  return stats_;
}

void Store::run() {
  std::vector<Pending> batch;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping and drained
      size_t n = std::min(queue_.size(), static_cast<size_t>(std::max(1, options_.max_batch)));
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    runBatch(batch);
    uint64_t failed = 0;
    for (auto& p : batch) failed += p.result.ok() ? 0 : 1;
    {
      // Counted before the completions run, so a caller woken by `done` sees its own job.
      std::scoped_lock lock(mutex_);
      stats_.jobs += batch.size();
      stats_.batches += 1;
      stats_.failed_jobs += failed;
      stats_.largest_batch = std::max<uint64_t>(stats_.largest_batch, batch.size());
    }
    for (auto& p : batch) {
      if (!p.done) continue;
      try {
        p.done(p.result);
      } catch (...) {
        // A completion must not take the writer thread down; its request already failed.
      }
    }
    batch.clear();  // destroys the closures outside the lock
  }
}

void Store::runBatch(std::vector<Pending>& batch) {
  Database& db = *writer_db_;
  if (restart_wal_.exchange(false)) {
    // Between transactions: finish the checkpoint the background thread has mostly done and start
    // the WAL over, bounding its size under sustained load.
    // RESTART (not TRUNCATE): the file is reused from its start, cut back to journal_size_limit,
    // instead of being truncated to nothing and grown again.
    sqlite3_wal_checkpoint_v2(db.handle(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
  }
  std::vector<Pending*> committed;  // jobs whose changes ride on the open transaction
  auto failAll = [&](std::vector<Pending*>& jobs, const StoreError& e) {
    for (auto* p : jobs) p->result = makeUnexpected(e);
    jobs.clear();
  };
  auto begin = [&]() -> StoreStatus { return runCached(db, "BEGIN IMMEDIATE"); };

  if (auto s = begin(); !s.ok()) {
    for (auto& p : batch) p.result = makeUnexpected(s.error());
    events_->forgetCache();
    return;
  }
  for (auto& p : batch) {
    StoreStatus status;
    {
      Savepoint sp(db, "job");
      status = sp.status();
      if (status.ok()) status = guarded(p.job, db, *events_);
      if (status.ok()) status = sp.release();
      // On failure the savepoint's destructor undoes this job alone.
    }
    if (status.ok()) {
      committed.push_back(&p);
      continue;
    }
    p.result = std::move(status);
    events_->forgetCache();
    if (!db.inTransaction()) {
      // SQLite abandoned the whole transaction (e.g. disk full, I/O error): the earlier jobs of
      // this batch were undone with it and must not be acknowledged.
      failAll(committed, p.result.error());
      if (auto s = begin(); !s.ok()) {
        for (auto& rest : batch) {
          if (rest.result.ok() && &rest != &p) rest.result = makeUnexpected(s.error());
        }
        return;
      }
    }
  }
  if (auto s = runCached(db, "COMMIT"); !s.ok()) {
    (void)runCached(db, "ROLLBACK");
    events_->forgetCache();
    failAll(committed, s.error());
  }
}

StoreResult<std::optional<std::string>> getMeta(Database& db, const std::string& key) {
  auto stmt = db.prepare("SELECT value FROM meta WHERE key = ?");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(key));
  auto row = s->step();
  if (!row.ok()) return makeUnexpected(row.error());
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(s->columnText(0));
}

StoreStatus setMeta(Database& db, const std::string& key, const std::string& value) {
  auto stmt = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(key)).bind(2, std::string_view(value));
  return s->run();
}

}  // namespace trailbox::store
