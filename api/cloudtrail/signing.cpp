#include "api/cloudtrail/signing.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "api/crypto.hpp"
#include "store/store.hpp"

namespace trailbox::api::cloudtrail {
namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

PKey loadPrivate(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  return PKey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, &EVP_PKEY_free);
}

std::optional<std::string> publicDer(EVP_PKEY* key) {
  // PKCS#1 RSAPublicKey (what i2d_PublicKey writes for RSA keys): the form ListPublicKeys returns
  // and `aws cloudtrail validate-logs` loads.
  unsigned char* out = nullptr;
  int n = i2d_PublicKey(key, &out);
  if (n <= 0) return std::nullopt;
  std::string der(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return der;
}

std::string md5Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  return hexEncode(std::string(reinterpret_cast<char*>(digest), len));
}

}  // namespace

Status DigestSigner::ensureKey(store::Database& db, int64_t now_ms) {
  std::scoped_lock lock(mutex_);
  if (public_) return {};
  auto stored = store::getMeta(db, "digest_private_key");
  if (!stored.ok()) return fail(ErrorCode::kInternalFailure, stored.error().message);
  auto created = store::getMeta(db, "digest_key_created_ms");
  if (!created.ok()) return fail(ErrorCode::kInternalFailure, created.error().message);
  std::string pem;
  int64_t created_ms = now_ms;
  if (*stored) {
    pem = **stored;
    if (*created) created_ms = std::strtoll((*created)->c_str(), nullptr, 10);
  } else {
    PKey key(EVP_RSA_gen(2048), &EVP_PKEY_free);
    if (!key) return fail(ErrorCode::kInternalFailure, "could not generate the digest signing key");
    Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      return fail(ErrorCode::kInternalFailure, "could not serialize the digest signing key");
    }
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    pem.assign(data, static_cast<size_t>(len));
    if (auto s = store::setMeta(db, "digest_private_key", pem); !s.ok()) {
      return fail(ErrorCode::kInternalFailure, s.error().message);
    }
    if (auto s = store::setMeta(db, "digest_key_created_ms", std::to_string(now_ms)); !s.ok()) {
      return fail(ErrorCode::kInternalFailure, s.error().message);
    }
  }
  PKey key = loadPrivate(pem);
  if (!key) return fail(ErrorCode::kInternalFailure, "the stored digest signing key is unreadable");
  auto der = publicDer(key.get());
  if (!der) return fail(ErrorCode::kInternalFailure, "could not derive the digest public key");
  private_pem_ = pem;
  public_ = PublicKeyInfo{*der, md5Hex(*der), created_ms};
  return {};
}

std::optional<PublicKeyInfo> DigestSigner::publicKey() const {
  std::scoped_lock lock(mutex_);
  return public_;
}

Result<std::string> DigestSigner::signHex(const std::string& data) const {
  std::string pem;
  {
    std::scoped_lock lock(mutex_);
    pem = private_pem_;
  }
  PKey key = loadPrivate(pem);
  if (!key) return fail(ErrorCode::kInternalFailure, "no digest signing key");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return fail(ErrorCode::kInternalFailure, "signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return fail(ErrorCode::kInternalFailure, "signing failed");
  }
  sig.resize(len);
  return hexEncode(sig);
}

bool verifyHexSignature(const std::string& public_der, const std::string& data, const std::string& signature_hex) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(public_der.data());
  PKey key(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(public_der.size())), &EVP_PKEY_free);
  if (!key) return false;
  std::string sig;
  if (signature_hex.size() % 2 != 0) return false;
  auto nibble = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < signature_hex.size(); i += 2) {
    int hi = nibble(signature_hex[i]);
    int lo = nibble(signature_hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    sig.push_back(static_cast<char>((hi << 4) | lo));
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

}  // namespace trailbox::api::cloudtrail
