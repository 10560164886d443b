#include "api/pagination.hpp"

#include "api/crypto.hpp"

namespace trailbox::api {
namespace {

constexpr size_t kMacBytes = 16;

std::string filterDigest(const Json& filters) { return sha256(dumpJson(filters)).substr(0, 8); }

}  // namespace

std::string TokenCodec::mac(const std::string& payload) const {
  return hmacSha256(secret_, std::to_string(generation_.load()) + "|" + payload).substr(0, kMacBytes);
}

std::string TokenCodec::encode(const Json& position, const Json& filters) const {
  std::string payload = dumpJson(Json{{"p", position}, {"f", hexEncode(filterDigest(filters))}});
  return base64UrlEncode(payload + mac(payload));
}

std::optional<Json> TokenCodec::decode(const std::string& token, const Json& filters) const {
  if (token.size() > 4096) return std::nullopt;
  std::string raw;
  if (!base64Decode(token, raw) || raw.size() <= kMacBytes) return std::nullopt;
  std::string payload = raw.substr(0, raw.size() - kMacBytes);
  std::string given = raw.substr(raw.size() - kMacBytes);
  std::string expected = mac(payload);
  // Constant-time comparison is not needed for pagination, but costs nothing.
  unsigned char diff = 0;
  for (size_t i = 0; i < kMacBytes; ++i) diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
  if (diff != 0) return std::nullopt;
  Json j = Json::parse(payload, nullptr, false);
  if (!j.is_object() || !j.contains("p") || j.value("f", "") != hexEncode(filterDigest(filters))) return std::nullopt;
  return j["p"];
}

}  // namespace trailbox::api
