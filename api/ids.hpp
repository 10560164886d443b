#pragma once

// Identifier generation, injected so tests and seeded servers get reproducible ids.

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

  // EMR Serverless style: 16 characters, lower-case alphanumerics, starting with "00".
  std::string resourceId();
};

// Thread-safe. Seeded from `seed` when given (deterministic sequence), else from the OS.
class RandomIdGenerator : public IdGenerator {
 public:
  explicit RandomIdGenerator(std::optional<uint64_t> seed = std::nullopt);
  std::string uuid() override;
  std::string randomString(size_t n, std::string_view alphabet) override;
  // Restarts the sequence (seeded generators only), e.g. on an admin reset.
  void reseed();

 private:
  std::optional<uint64_t> seed_;
  std::mutex mutex_;
  std::mt19937_64 engine_;  // guarded by mutex_
};

}  // namespace trailbox::api
