#pragma once

// Identifier generation, injected so tests and seeded servers get reproducible ids.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace trailbox::api {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // A random (version 4) UUID in canonical lower-case form.
  virtual std::string uuid() = 0;
  // `n` characters drawn from `alphabet`.
  virtual std::string randomString(size_t n, std::string_view alphabet) = 0;

  // EMR Serverless style: 16 characters, lower-case alphanumerics, starting with "00". Like the
  // real ones, ids made close in time share a prefix. Ids from one generator strictly increase,
  // even within a millisecond, so lists ordered by (createdAt, id) follow creation order.
  // Thread-safe.
  std::string resourceId(int64_t now_ms);
  // A version 7 UUID: 48 bits of `now_ms`, then random bits. Event ids use it so that the
  // store's event-id index grows at its end instead of at random places.
  std::string timeOrderedUuid(int64_t now_ms);

 protected:
  // The time prefix of ids. Deterministic generators replace it with a counter.
  virtual int64_t idTime(int64_t now_ms) { return now_ms; }
  // Forgets the last id made, so a restarted deterministic sequence repeats itself.
  void resetOrder();

 private:
  std::mutex order_mutex_;
  int64_t last_time_ = -1;     // guarded by order_mutex_
  uint64_t last_suffix_ = 0;   // guarded by order_mutex_
};

// Thread-safe. Seeded from `seed` when given (deterministic sequence), else from the OS.
class RandomIdGenerator : public IdGenerator {
 public:
  explicit RandomIdGenerator(std::optional<uint64_t> seed = std::nullopt);
  std::string uuid() override;
  std::string randomString(size_t n, std::string_view alphabet) override;
  // Restarts the sequence (seeded generators only), e.g. on an admin reset.
  void reseed();

 protected:
  int64_t idTime(int64_t now_ms) override;

 private:
  std::atomic<int64_t> counter_{0};  // seeded generators: stands for time in ids
  std::optional<uint64_t> seed_;
  std::mutex mutex_;
  std::mt19937_64 engine_;  // guarded by mutex_
};

}  // namespace trailbox::api
