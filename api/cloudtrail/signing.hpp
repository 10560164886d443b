#pragma once

// The RSA key that signs digest files (log file integrity validation), created on first use and
// kept in the store so digests stay verifiable across restarts.

#include <mutex>
#include <optional>
#include <string>

#include "api/result.hpp"
#include "store/database.hpp"

namespace trailbox::api::cloudtrail {

struct PublicKeyInfo {
  std::string der;          // PKCS#1 RSAPublicKey, DER
  std::string fingerprint;  // hex MD5 of `der`
  int64_t created_ms = 0;
};

// Thread-safe.
class DigestSigner {
 public:
  // Loads the key from `db` (meta "digest_private_key"), creating and storing a 2048-bit key the
  // first time. Must be called with a writable connection (the writer's).
  Status ensureKey(store::Database& db, int64_t now_ms);
  // Requires ensureKey() to have succeeded.
  std::optional<PublicKeyInfo> publicKey() const;
  // RSA PKCS#1 v1.5 over SHA-256 of `data`; hex signature.
  Result<std::string> signHex(const std::string& data) const;

 private:
  mutable std::mutex mutex_;
  std::string private_pem_;  // guarded by mutex_
  std::optional<PublicKeyInfo> public_;  // guarded by mutex_
};

// Verifies a hex signature made by signHex with the DER public key (used by tests and the
// validation endpoint).
bool verifyHexSignature(const std::string& public_der, const std::string& data, const std::string& signature_hex);

}  // namespace trailbox::api::cloudtrail
