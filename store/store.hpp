#pragma once

// The store: one SQLite database, one writer thread that group-commits, and a pool of
// read-only connections.
//
// Threading model
//   * All writes go through write(): jobs queue up and the writer thread runs every job queued
//     so far inside ONE transaction (each job in its own savepoint, so a failing job undoes only
//     itself), commits once, and only then calls each job's `done`. Concurrent requests therefore
//     share a commit instead of paying one each, and nothing is acknowledged before it is durable.
//   * read() runs its function on the calling thread with a read-only connection taken from a
//     pool (WAL mode lets readers work while the writer commits). For `:memory:` databases,
//     which cannot be shared between connections, reads are queued to the writer instead.
//   * Both are safe to call from any thread. The callbacks run on the writer thread or the
//     calling thread and must not block.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "store/event_store.hpp"

namespace trailbox::store {

struct StoreOptions {
  std::string path = "trailbox.db";  // or ":memory:"
  // true: fsync the WAL at every group commit (survives power loss). false (default):
  // synchronous=NORMAL, which survives any crash of the process, the case a test fixture faces.
  bool sync_full = false;
  int max_batch = 512;  // jobs per group commit
};

struct WriterStats {
  uint64_t jobs = 0;
  uint64_t batches = 0;
  uint64_t failed_jobs = 0;
  uint64_t largest_batch = 0;
};

class Store {
 public:
  // Runs on the writer thread inside its own savepoint. Returning an error (or throwing, which is
  // caught and treated as an error) undoes the job.
  using Job = std::function<StoreStatus(Database&, EventWriter&)>;
  // Runs on the writer thread once the job's transaction committed (ok) or failed.
  using Done = std::function<void(const StoreStatus&)>;
  using ReadFn = std::function<void(Database&)>;

  // Opens (creating if needed) and migrates the database, then starts the writer thread.
  // Fails with a readable StoreError when the file is corrupt, not a trailbox store, or newer.
  static StoreResult<std::unique_ptr<Store>> open(const StoreOptions& options);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  void write(Job job, Done done);
  void read(const ReadFn& fn);

  // Stops accepting jobs, runs and commits every job already queued, then joins the writer.
  // Idempotent.
  void stop();

  bool inMemory() const { return in_memory_; }
  WriterStats stats();
  const std::string& path() const { return options_.path; }

 private:
  struct Pending {
    Job job;
    Done done;
    StoreStatus result;
  };

  Store(StoreOptions options, std::unique_ptr<Database> writer_db);
  void run();
  void runBatch(std::vector<Pending>& batch);
  std::unique_ptr<Database> takeReader();
  void returnReader(std::unique_ptr<Database> db);

  StoreOptions options_;
  bool in_memory_;
  std::unique_ptr<Database> writer_db_;  // used only by the writer thread
  std::unique_ptr<EventWriter> events_;  // used only by the writer thread

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;  // guarded by mutex_
  bool stopping_ = false;      // guarded by mutex_
  WriterStats stats_;          // guarded by mutex_
  std::thread writer_;
  std::once_flag joined_;

  // WAL checkpoints run on their own thread and connection (PASSIVE: they never block the
  // writer), so commits never wait for the fsyncs a checkpoint needs.
  void runCheckpointer();
  std::thread checkpointer_;
  std::condition_variable checkpoint_wake_;  // waits on mutex_
  // Set by the checkpointer when the WAL has grown large: under constant writes a PASSIVE
  // checkpoint never catches up with the writer, so the writer itself finishes the checkpoint
  // (cheap by then: little is left to copy) and starts the WAL over, between two batches.
  std::atomic<bool> restart_wal_{false};

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Database>> idle_readers_;  // guarded by readers_mutex_
};

// Small key/value settings kept with the data (clock offset, token secret, ...).
StoreResult<std::optional<std::string>> getMeta(Database& db, const std::string& key);
StoreStatus setMeta(Database& db, const std::string& key, const std::string& value);

}  // namespace trailbox::store
