#include "store/store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/event_store.hpp"
#include "store/schema.hpp"
#include "tests/store/store_test_support.hpp"

namespace trailbox::store::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kWait = 60s;  // generous: the writer normally answers in milliseconds

EventRow event(const std::string& id, int64_t time_ms = 1000, const std::string& name = "ListApplications") {
  EventRow e;
  e.event_id = id;
  e.time_ms = time_ms;
  e.account = "111111111111";
  e.region = "us-east-1";
  e.event_source = "emr-serverless.amazonaws.com";
  e.event_name = name;
  e.read_only = true;
  e.user_identity = "{}";
  e.source_ip = "127.0.0.1";
  return e;
}

// A job that inserts one event.
store::Store::Job insertJob(const std::string& id, const std::string& name = "ListApplications") {
  return [id, name](Database&, EventWriter& events) -> StoreStatus {
    auto seq = events.insert(event(id, 1000, name));
    if (!seq.ok()) return makeUnexpected(seq.error());
    return {};
  };
}

// Collects the statuses passed to `done` callbacks, by name.
class Completions {
 public:
  store::Store::Done add(const std::string& name) {
    return [this, name](const StoreStatus& status) {
      std::scoped_lock lock(mutex_);
      results_.emplace(name, status);
      changed_.notify_all();
    };
  }

  bool waitFor(size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kWait, [&] { return results_.size() >= n; });
  }

  // The status `name` finished with; a failure when it has not finished.
  StoreStatus get(const std::string& name) {
    std::scoped_lock lock(mutex_);
    auto it = results_.find(name);
    if (it == results_.end()) return makeUnexpected(StoreError{-1, "not finished: " + name});
    return it->second;
  }

  size_t size() {
    std::scoped_lock lock(mutex_);
    return results_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, StoreStatus> results_;
};

// Holds the writer thread inside a job until opened, so that the jobs queued meanwhile form
// the next batch. Opens itself on destruction, so a failing test cannot leave the writer stuck.
class Gate {
 public:
  Gate() : opened_future_(opened_.get_future().share()) {}
  ~Gate() { open(); }

  store::Store::Job job() {
    return [this, opened = opened_future_](Database&, EventWriter&) -> StoreStatus {
      entered_.set_value();
      opened.wait_for(kWait);
      return {};
    };
  }
  bool waitEntered() { return entered_.get_future().wait_for(kWait) == std::future_status::ready; }
  void open() {
    if (!is_open_.exchange(true)) opened_.set_value();
  }

 private:
  std::promise<void> opened_;
  std::shared_future<void> opened_future_;
  std::promise<void> entered_;
  std::atomic<bool> is_open_{false};
};

// The suite is named after the unit, so this fixture shadows store::Store here.
class Store : public ::testing::Test {
 protected:
  std::unique_ptr<store::Store> open(const std::string& path, int max_batch = 512) {
    StoreOptions options;
    options.path = path;
    options.max_batch = max_batch;
    auto s = store::Store::open(options);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? std::move(*s) : nullptr;
  }

  // Runs `job` through the writer and waits for its completion.
  static StoreStatus writeAndWait(store::Store& s, store::Store::Job job) {
    auto promise = std::make_shared<std::promise<StoreStatus>>();
    auto future = promise->get_future();
    s.write(std::move(job), [promise](const StoreStatus& status) { promise->set_value(status); });
    if (future.wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "write did not complete";
      return makeUnexpected(StoreError{-1, "timeout"});
    }
    return future.get();
  }

  // Runs `fn` through read() and waits until it ran (reads on `:memory:` are asynchronous).
  static void readAndWait(store::Store& s, const std::function<void(Database&)>& fn) {
    auto ran = std::make_shared<std::promise<void>>();
    auto future = ran->get_future();
    s.read([&fn, ran](Database& db) {
      fn(db);
      ran->set_value();
    });
    ASSERT_EQ(future.wait_for(kWait), std::future_status::ready) << "read did not run";
  }

  static int64_t eventCount(store::Store& s) {
    int64_t n = -1;
    readAndWait(s, [&](Database& db) {
      EventReader reader(db);
      auto c = reader.count(EventQuery{});
      if (c.ok()) n = *c;
    });
    return n;
  }

  static std::vector<std::string> eventIds(store::Store& s) {
    std::vector<std::string> out;
    readAndWait(s, [&](Database& db) {
      EventReader reader(db);
      EventQuery q;
      q.order = EventQuery::Order::kCommitOrder;
      q.limit = 100000;
      auto rows = reader.query(q);
      ASSERT_TRUE(rows.ok()) << rows.error().message;
      for (const auto& e : *rows) out.push_back(e.event_id);
    });
    return out;
  }

  TempDbPath path_;
};

// ---------------------------------------------------------------------------------------------
// open

TEST_F(Store, OpenMemoryStoreIsMigrated) {
  auto s = open(":memory:");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->inMemory());
  EXPECT_EQ(s->path(), ":memory:");
  std::optional<std::string> version;
  readAndWait(*s, [&](Database& db) {
    auto v = getMeta(db, "schema_version");
    ASSERT_TRUE(v.ok());
    version = *v;
  });
  EXPECT_EQ(version, std::optional<std::string>(std::to_string(currentSchemaVersion())));
}

TEST_F(Store, OpenFileStoreCreatesAWalDatabase) {
  auto s = open(path_.str());
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->inMemory());
  EXPECT_EQ(s->path(), path_.str());
  EXPECT_TRUE(std::filesystem::exists(path_.str()));
  std::string mode, version;
  readAndWait(*s, [&](Database& db) {
    mode = queryText(db, "PRAGMA journal_mode");
    version = queryText(db, "SELECT value FROM meta WHERE key = 'schema_version'");
  });
  EXPECT_EQ(mode, "wal");
  EXPECT_EQ(version, std::to_string(currentSchemaVersion()));
}

TEST_F(Store, DataSurvivesReopeningAFileStore) {
  {
    auto s = open(path_.str());
    ASSERT_TRUE(s);
    ASSERT_TRUE(writeAndWait(*s, insertJob("kept-1")).ok());
    ASSERT_TRUE(writeAndWait(*s, [](Database& db, EventWriter&) { return setMeta(db, "clock_offset", "42"); }).ok());
  }
  auto s = open(path_.str());
  ASSERT_TRUE(s);
  EXPECT_EQ(eventIds(*s), (std::vector<std::string>{"kept-1"}));
  std::optional<std::string> offset;
  readAndWait(*s, [&](Database& db) { offset = *getMeta(db, "clock_offset"); });
  EXPECT_EQ(offset, std::optional<std::string>("42"));
}

TEST_F(Store, OpenRefusesAnSqliteFileThatIsNotATrailboxStore) {
  {
    auto db = Database::open(path_.str(), Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES('mine');").ok());
  }
  StoreOptions options;
  options.path = path_.str();
  auto s = store::Store::open(options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, SQLITE_NOTADB);
  EXPECT_TRUE(s.error().corrupt());
}

TEST_F(Store, OpenLeavesAFileItRefusesUnchanged) {
  {
    auto db = Database::open(path_.str(), Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES('mine');").ok());
  }
  const std::string before = readFileBytes(path_.str());
  StoreOptions options;
  options.path = path_.str();
  EXPECT_FALSE(store::Store::open(options).ok());
  EXPECT_TRUE(readFileBytes(path_.str()) == before) << "the file was modified";
  auto db = Database::open(path_.str(), Database::Mode::kReadWrite);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(queryText(**db, "PRAGMA journal_mode"), "delete");
}

TEST_F(Store, OpenRefusesAStoreWrittenByANewerVersion) {
  {
    auto s = open(path_.str());
    ASSERT_TRUE(s);
    ASSERT_TRUE(writeAndWait(*s, [](Database& db, EventWriter&) {
                  return setMeta(db, "schema_version", std::to_string(currentSchemaVersion() + 1));
                }).ok());
  }
  StoreOptions options;
  options.path = path_.str();
  auto s = store::Store::open(options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, SQLITE_CANTOPEN);
  auto db = Database::open(path_.str(), Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(queryText(**db, "SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(currentSchemaVersion() + 1));
}

TEST_F(Store, OpenFailsWithCorruptOnAFileThatIsNotSqlite) {
  std::string garbage(8192, '\x5a');
  writeFileBytes(path_.str(), garbage);
  StoreOptions options;
  options.path = path_.str();
  auto s = store::Store::open(options);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().corrupt()) << s.error().code;
  EXPECT_TRUE(readFileBytes(path_.str()) == garbage) << "the file was modified";
}

TEST_F(Store, OpenFailsWhenTheDirectoryDoesNotExist) {
  StoreOptions options;
  options.path = path_.str() + ".missing-dir/trailbox.db";
  auto s = store::Store::open(options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code & 0xff, SQLITE_CANTOPEN);
}

// ---------------------------------------------------------------------------------------------
// write

TEST_F(Store, DoneRunsOnlyAfterTheCommitIsVisibleToOtherConnections) {
  auto s = open(path_.str());
  ASSERT_TRUE(s);
  const std::string path = path_.str();
  std::atomic<int64_t> seen_inside_job{-1};
  std::atomic<int64_t> seen_in_done{-1};
  auto countFromNewConnection = [path](const std::string& id) -> int64_t {
    auto ro = Database::open(path, Database::Mode::kReadOnly);
    if (!ro.ok()) return -2;
    EventReader reader(**ro);
    EventQuery q;
    q.filters = {{EventAttribute::kEventId, id}};
    auto n = reader.count(q);
    return n.ok() ? *n : -3;
  };
  auto promise = std::make_shared<std::promise<StoreStatus>>();
  auto future = promise->get_future();
  s->write(
      [&](Database& db, EventWriter& events) -> StoreStatus {
        auto seq = events.insert(event("durable-1"));
        if (!seq.ok()) return makeUnexpected(seq.error());
        seen_inside_job = countFromNewConnection("durable-1");  // not committed yet
        EXPECT_TRUE(db.inTransaction());
        return {};
      },
      [&, promise](const StoreStatus& status) {
        seen_in_done = countFromNewConnection("durable-1");
        promise->set_value(status);
      });
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  EXPECT_TRUE(future.get().ok());
  EXPECT_EQ(seen_inside_job.load(), 0);
  EXPECT_EQ(seen_in_done.load(), 1);
}

TEST_F(Store, DoneReceivesTheJobsError) {
  auto s = open(":memory:");
  ASSERT_TRUE(s);
  auto r = writeAndWait(*s, [](Database&, EventWriter&) -> StoreStatus {
    return makeUnexpected(StoreError{SQLITE_CONSTRAINT, "rejected"});
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, SQLITE_CONSTRAINT);
  ASSERT_TRUE(writeAndWait(*s, insertJob("dup")).ok());
  auto dup = writeAndWait(*s, insertJob("dup"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, SQLITE_CONSTRAINT_UNIQUE);
}

TEST_F(Store, ManyConcurrentWritersAllCommitWithGroupCommit) {
  auto s = open(path_.str());
  ASSERT_TRUE(s);
  constexpr int kThreads = 8;
  constexpr int kJobsPerThread = 500;
  constexpr int kTotal = kThreads * kJobsPerThread;
  std::atomic<int> ok{0}, failed{0};
  std::mutex mutex;
  std::condition_variable all_done;
  auto done = [&](const StoreStatus& status) {
    (status.ok() ? ok : failed)++;
    if (ok + failed == kTotal) {
      std::scoped_lock lock(mutex);
      all_done.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kJobsPerThread; ++i) {
        s->write(insertJob("t" + std::to_string(t) + "-" + std::to_string(i)), done);
      }
    });
  }
  for (auto& th : threads) th.join();
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(all_done.wait_for(lock, kWait, [&] { return ok + failed == kTotal; }));
  }
  EXPECT_EQ(ok.load(), kTotal);
  EXPECT_EQ(failed.load(), 0);

  auto ids = eventIds(*s);
  ASSERT_EQ(ids.size(), static_cast<size_t>(kTotal));
  // Each thread's jobs commit in the order that thread queued them.
  std::vector<int> next(kThreads, 0);
  for (const auto& id : ids) {
    int t = std::stoi(id.substr(1, id.find('-') - 1));
    int i = std::stoi(id.substr(id.find('-') + 1));
    EXPECT_EQ(i, next[t]) << id;
    next[t] = i + 1;
  }
  int64_t max_seq = 0;
  readAndWait(*s, [&](Database& db) { max_seq = *EventReader(db).maxSeq(); });
  EXPECT_EQ(max_seq, kTotal);

  s->stop();  // stats are final once the writer has exited
  auto stats = s->stats();
  EXPECT_EQ(stats.jobs, static_cast<uint64_t>(kTotal));
  EXPECT_EQ(stats.failed_jobs, 0u);
  EXPECT_LT(stats.batches, stats.jobs);
  EXPECT_GT(stats.largest_batch, 1u);
  EXPECT_LE(stats.largest_batch, 512u);
}

TEST_F(Store, AFailedJobIsUndoneWhileTheRestOfItsBatchCommits) {
  Completions results;  // declared first: outlives the store's callbacks
  auto s = open(":memory:");
  ASSERT_TRUE(s);
  Gate gate;  // declared last: opens before the store is destroyed
  s->write(gate.job(), results.add("gate"));
  ASSERT_TRUE(gate.waitEntered());
  s->write(insertJob("a"), results.add("a"));
  s->write(
      [](Database&, EventWriter& events) -> StoreStatus {
        // Interns a new string, then fails: the string goes with the rollback.
        auto seq = events.insert(event("b", 1000, "OnlyInB"));
        if (!seq.ok()) return makeUnexpected(seq.error());
        return makeUnexpected(StoreError{SQLITE_CONSTRAINT, "rejected after writing"});
      },
      results.add("b"));
  s->write(insertJob("c", "OnlyInB"), results.add("c"));
  gate.open();
  ASSERT_TRUE(results.waitFor(4));

  EXPECT_TRUE(results.get("a").ok());
  ASSERT_FALSE(results.get("b").ok());
  EXPECT_EQ(results.get("b").error().code, SQLITE_CONSTRAINT);
  EXPECT_TRUE(results.get("c").ok());
  EXPECT_EQ(eventIds(*s), (std::vector<std::string>{"a", "c"}));
  std::string c_name;
  readAndWait(*s, [&](Database& db) {
    EventQuery q;
    q.filters = {{EventAttribute::kEventId, "c"}};
    auto rows = EventReader(db).query(q);
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    c_name = (*rows)[0].event_name;
  });
  EXPECT_EQ(c_name, "OnlyInB");  // re-interned after b's rollback, not a dangling id

  s->stop();
  auto stats = s->stats();
  EXPECT_EQ(stats.jobs, 6u);  // gate, a, b, c, and the two reads
  EXPECT_EQ(stats.failed_jobs, 1u);
  EXPECT_EQ(stats.largest_batch, 3u);  // a, b and c shared one commit
  EXPECT_EQ(stats.batches, 4u);
}

TEST_F(Store, AJobThatAbandonsTheTransactionFailsTheEarlierJobsOfItsBatch) {
  Completions results;  // declared first: outlives the store's callbacks
  auto s = open(":memory:");
  ASSERT_TRUE(s);
  Gate gate;  // declared last: opens before the store is destroyed
  s->write(gate.job(), results.add("gate"));
  ASSERT_TRUE(gate.waitEntered());
  s->write(insertJob("a"), results.add("a"));
  s->write(
      [](Database& db, EventWriter&) -> StoreStatus {
        // What SQLite does by itself on some I/O errors: the whole transaction is gone.
        if (auto r = db.exec("ROLLBACK"); !r.ok()) return r;
        return makeUnexpected(StoreError{SQLITE_IOERR, "transaction lost"});
      },
      results.add("b"));
  s->write(insertJob("c"), results.add("c"));
  gate.open();
  ASSERT_TRUE(results.waitFor(4));

  EXPECT_FALSE(results.get("a").ok()) << "a was rolled back with the transaction and must not be acknowledged";
  ASSERT_FALSE(results.get("b").ok());
  EXPECT_EQ(results.get("b").error().code, SQLITE_IOERR);
  EXPECT_TRUE(results.get("c").ok());
  EXPECT_EQ(eventIds(*s), (std::vector<std::string>{"c"}));
}

TEST_F(Store, AThrowingJobFailsAndTheWriterKeepsWorking) {
  auto s = open(":memory:");
  ASSERT_TRUE(s);
  auto thrown = writeAndWait(*s, [](Database&, EventWriter& events) -> StoreStatus {
    (void)events.insert(event("written-then-thrown"));
    throw std::runtime_error("bug in a job");
  });
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error().code, SQLITE_INTERNAL);
  auto thrown_int = writeAndWait(*s, [](Database&, EventWriter&) -> StoreStatus { throw 42; });
  ASSERT_FALSE(thrown_int.ok());
  EXPECT_EQ(thrown_int.error().code, SQLITE_INTERNAL);

  EXPECT_TRUE(writeAndWait(*s, insertJob("after")).ok());
  EXPECT_EQ(eventIds(*s), (std::vector<std::string>{"after"}));
  s->stop();
  EXPECT_EQ(s->stats().failed_jobs, 2u);
}

TEST_F(Store, AThrowingDoneDoesNotStopTheWriter) {
  auto s = open(":memory:");
  ASSERT_TRUE(s);
  s->write(insertJob("first"), [](const StoreStatus&) { throw std::runtime_error("bug in a completion"); });
  EXPECT_TRUE(writeAndWait(*s, insertJob("second")).ok());
  EXPECT_EQ(eventIds(*s), (std::vector<std::string>{"first", "second"}));
}

TEST_F(Store, ADiskFullJobFailsWithDiskFullAndLaterJobsSucceed) {
  auto s = open(":memory:");
  ASSERT_TRUE(s);
  ASSERT_TRUE(writeAndWait(*s, insertJob("small-1")).ok());
  ASSERT_TRUE(writeAndWait(*s, [](Database& db, EventWriter&) -> StoreStatus {
                int64_t pages = queryInt(db, "PRAGMA page_count");
                return db.exec("PRAGMA max_page_count = " + std::to_string(pages + 1));
              }).ok());
  auto full = writeAndWait(*s, [](Database&, EventWriter& events) -> StoreStatus {
    EventRow big = event("big");
    big.request_parameters = "\"" + std::string(2 << 20, 'x') + "\"";
    auto seq = events.insert(big);
    if (!seq.ok()) return makeUnexpected(seq.error());
    return {};
  });
  ASSERT_FALSE(full.ok());
  EXPECT_TRUE(full.error().diskFull()) << full.error().code;
  ASSERT_TRUE(writeAndWait(*s, [](Database& db, EventWriter&) {
                return db.exec("PRAGMA max_page_count = 1073741823");
              }).ok());
  EXPECT_TRUE(writeAndWait(*s, insertJob("small-2")).ok());
  EXPECT_EQ(eventIds(*s), (std::vector<std::string>{"small-1", "small-2"}));
}

TEST_F(Store, MaxBatchBoundsTheGroupCommit) {
  Completions results;  // declared first: outlives the store's callbacks
  auto s = open(":memory:", 4);
  ASSERT_TRUE(s);
  Gate gate;  // declared last: opens before the store is destroyed
  s->write(gate.job(), results.add("gate"));
  ASSERT_TRUE(gate.waitEntered());
  for (int i = 0; i < 20; ++i) s->write(insertJob("e" + std::to_string(i)), results.add("e" + std::to_string(i)));
  gate.open();
  ASSERT_TRUE(results.waitFor(21));
  s->stop();
  auto stats = s->stats();
  EXPECT_EQ(stats.jobs, 21u);
  EXPECT_EQ(stats.largest_batch, 4u);
  EXPECT_EQ(stats.batches, 6u);  // the gate alone, then five batches of four
}

TEST_F(Store, WriteFromADoneCallbackIsAccepted) {
  auto s = open(":memory:");
  ASSERT_TRUE(s);
  auto promise = std::make_shared<std::promise<StoreStatus>>();
  auto future = promise->get_future();
  store::Store* raw = s.get();
  s->write(insertJob("outer"), [raw, promise](const StoreStatus&) {
    raw->write(insertJob("inner"), [promise](const StoreStatus& status) { promise->set_value(status); });
  });
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  EXPECT_TRUE(future.get().ok());
  EXPECT_EQ(eventIds(*s), (std::vector<std::string>{"outer", "inner"}));
}

// ---------------------------------------------------------------------------------------------
// read

TEST_F(Store, ReadOnAFileStoreRunsOnTheCallingThreadWithAReadOnlyConnection) {
  auto s = open(path_.str());
  ASSERT_TRUE(s);
  ASSERT_TRUE(writeAndWait(*s, insertJob("r1")).ok());
  bool ran = false;
  std::thread::id ran_on;
  int64_t count = -1;
  std::optional<StoreError> write_error;
  s->read([&](Database& db) {
    ran = true;
    ran_on = std::this_thread::get_id();
    count = *EventReader(db).count(EventQuery{});
    auto w = db.exec("INSERT INTO meta(key, value) VALUES('x', 'y')");
    if (!w.ok()) write_error = w.error();
  });
  EXPECT_TRUE(ran);  // synchronous: done by the time read() returns
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(count, 1);
  ASSERT_TRUE(write_error.has_value());
  EXPECT_TRUE(write_error->readOnly()) << write_error->code;
}

TEST_F(Store, ReadOnAMemoryStoreRunsOnTheWriterThread) {
  auto s = open(":memory:");
  ASSERT_TRUE(s);
  std::thread::id writer_id;
  ASSERT_TRUE(writeAndWait(*s, [&](Database&, EventWriter& events) -> StoreStatus {
                writer_id = std::this_thread::get_id();
                auto seq = events.insert(event("m1"));
                if (!seq.ok()) return makeUnexpected(seq.error());
                return {};
              }).ok());
  std::thread::id read_on;
  int64_t count = -1;
  readAndWait(*s, [&](Database& db) {
    read_on = std::this_thread::get_id();
    count = *EventReader(db).count(EventQuery{});
  });
  EXPECT_EQ(read_on, writer_id);
  EXPECT_NE(read_on, std::this_thread::get_id());
  EXPECT_EQ(count, 1);
}

TEST_F(Store, ConcurrentReadersSeeAGrowingCommittedPrefix) {
  Completions results;
  auto s = open(path_.str());
  ASSERT_TRUE(s);
  constexpr int kEvents = 300;
  std::atomic<bool> stop_readers{false};
  std::atomic<int> violations{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      int64_t last = 0;
      do {
        s->read([&](Database& db) {
          // One read transaction, so both statements see the same snapshot.
          if (!db.exec("BEGIN").ok()) ++violations;
          auto max = EventReader(db).maxSeq();
          auto n = EventReader(db).count(EventQuery{});
          if (!db.exec("COMMIT").ok()) ++violations;
          if (!max.ok() || !n.ok() || *max < last || *n != *max) ++violations;
          if (max.ok()) last = *max;
          ++reads;
        });
      } while (!stop_readers);
    });
  }
  for (int i = 0; i < kEvents; ++i) s->write(insertJob("g" + std::to_string(i)), results.add(std::to_string(i)));
  ASSERT_TRUE(results.waitFor(kEvents));
  stop_readers = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(eventCount(*s), kEvents);
}

// ---------------------------------------------------------------------------------------------
// stop

TEST_F(Store, StopDrainsQueuedJobsAndLaterWritesFail) {
  Completions results;  // declared first: outlives the store's callbacks
  auto s = open(path_.str());
  ASSERT_TRUE(s);
  Gate gate;  // declared last: opens before the store is destroyed
  s->write(gate.job(), results.add("gate"));
  ASSERT_TRUE(gate.waitEntered());
  constexpr int kQueued = 100;
  for (int i = 0; i < kQueued; ++i) s->write(insertJob("q" + std::to_string(i)), results.add("q" + std::to_string(i)));

  std::thread stopper([&] { s->stop(); });
  // Wait until stop() has closed the queue: a no-op probe is then refused on this thread.
  int accepted_probes = 0;
  auto refused = std::chrono::steady_clock::now() + kWait;
  while (std::chrono::steady_clock::now() < refused) {
    // 0: pending, 1: ran, 2: refused. Shared: an accepted probe completes after this loop.
    auto probe = std::make_shared<std::atomic<int>>(0);
    s->write([](Database&, EventWriter&) -> StoreStatus { return {}; },
             [probe](const StoreStatus& status) { *probe = status.ok() ? 1 : 2; });
    if (*probe == 2) break;  // refused synchronously: the store is stopping
    ++accepted_probes;
    std::this_thread::sleep_for(1ms);
  }
  gate.open();
  stopper.join();

  ASSERT_EQ(results.size(), static_cast<size_t>(kQueued + 1));
  for (int i = 0; i < kQueued; ++i) EXPECT_TRUE(results.get("q" + std::to_string(i)).ok()) << i;
  auto stats = s->stats();
  EXPECT_EQ(stats.jobs, static_cast<uint64_t>(kQueued + 1 + accepted_probes));

  // Refused after stop: done runs at once with an error and the job never runs.
  bool job_ran = false;
  std::optional<StoreStatus> late;
  s->write(
      [&](Database&, EventWriter&) -> StoreStatus {
        job_ran = true;
        return {};
      },
      [&](const StoreStatus& status) { late = status; });
  ASSERT_TRUE(late.has_value());
  ASSERT_FALSE(late->ok());
  EXPECT_EQ(late->error().code, SQLITE_ABORT);
  EXPECT_FALSE(job_ran);

  auto db = Database::open(path_.str(), Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(queryInt(**db, "SELECT count(*) FROM events"), kQueued);
}

TEST_F(Store, StopIsIdempotent) {
  auto s = open(":memory:");
  ASSERT_TRUE(s);
  ASSERT_TRUE(writeAndWait(*s, insertJob("x")).ok());
  s->stop();
  s->stop();
  auto stats = s->stats();
  EXPECT_EQ(stats.jobs, 1u);
  EXPECT_EQ(stats.batches, 1u);
  s.reset();  // the destructor stops again without hanging
  SUCCEED();
}

TEST_F(Store, WriteAfterStopWithoutADoneCallbackIsHarmless) {
  auto s = open(":memory:");
  ASSERT_TRUE(s);
  s->stop();
  EXPECT_NO_THROW(s->write([](Database&, EventWriter&) -> StoreStatus { return {}; }, store::Store::Done()));
}

// ---------------------------------------------------------------------------------------------
// getMeta / setMeta

class Meta : public MemoryDbTest {};

TEST_F(Meta, GetMissingKeyReturnsNullopt) {
  auto v = getMeta(db(), "clock_offset");
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->has_value());
}

TEST_F(Meta, SetThenGetAndOverwrite) {
  ASSERT_TRUE(setMeta(db(), "clock_offset", "42").ok());
  auto v = getMeta(db(), "clock_offset");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, std::optional<std::string>("42"));
  ASSERT_TRUE(setMeta(db(), "clock_offset", "").ok());
  v = getMeta(db(), "clock_offset");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, std::optional<std::string>(""));
  EXPECT_EQ(queryInt(db(), "SELECT count(*) FROM meta WHERE key = 'clock_offset'"), 1);
}

TEST_F(Meta, KeysAreIndependentAndIncludeTheSchemaVersion) {
  ASSERT_TRUE(setMeta(db(), "a", "1").ok());
  ASSERT_TRUE(setMeta(db(), "b", "2").ok());
  EXPECT_EQ(*getMeta(db(), "a"), std::optional<std::string>("1"));
  EXPECT_EQ(*getMeta(db(), "b"), std::optional<std::string>("2"));
  EXPECT_EQ(*getMeta(db(), "schema_version"), std::optional<std::string>(std::to_string(currentSchemaVersion())));
}

TEST_F(Meta, SetOnAnUnmigratedDatabaseFails) {
  auto raw = Database::open(":memory:", Database::Mode::kReadWrite);
  ASSERT_TRUE(raw.ok());
  auto s = setMeta(**raw, "a", "1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, SQLITE_ERROR);
  auto g = getMeta(**raw, "a");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, SQLITE_ERROR);
}

}  // namespace
}  // namespace trailbox::store::test
