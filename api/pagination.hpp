#pragma once

// Opaque pagination tokens: a JSON payload (the position to continue from plus a hash of the
// request's filters) authenticated with an HMAC under a per-store secret, then base64url
// encoded. A token that was altered, comes from another store, or is replayed with different
// filters is rejected; tokens survive restarts because the secret is kept in the store.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "api/json.hpp"

namespace trailbox::api {

// Thread-safe.
class TokenCodec {
 public:
  explicit TokenCodec(std::string secret) : secret_(std::move(secret)) {}

  // Tokens issued under another generation are rejected; an admin reset bumps it so tokens
  // from before the reset cannot address the new data.
  void setGeneration(uint64_t generation) { generation_.store(generation); }

  // Encodes `position` bound to `filters` (any JSON describing the request's other parameters).
  std::string encode(const Json& position, const Json& filters) const;
  // Returns the position when `token` is authentic and was issued for the same `filters`.
  std::optional<Json> decode(const std::string& token, const Json& filters) const;

 private:
  std::string mac(const std::string& payload) const;

  const std::string secret_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace trailbox::api
