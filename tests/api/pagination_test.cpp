#include "api/pagination.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace trailbox::api {
namespace {

const Json kFilters = Json{{"applicationId", "00f1abcdefghij0k"}, {"states", Json::array({"RUNNING"})}};
const Json kPosition = Json{{"t", 1717174870123}, {"s", 42}};

bool tokenShaped(const std::string& token) {
  static const std::regex kToken("[A-Za-z0-9_=-]+");
  return std::regex_match(token, kToken);
}

TEST(TokenCodec, RoundTripsThePosition) {
  TokenCodec codec("secret");
  std::string token = codec.encode(kPosition, kFilters);
  auto decoded = codec.decode(token, kFilters);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, kPosition);
}

TEST(TokenCodec, RoundTripsAnyJsonPosition) {
  TokenCodec codec("secret");
  for (const Json& position : {Json("00f1abcdefghij0k"), Json(7), Json::array({1, "two", 3.5}), Json(),
                               Json{{"nested", {{"a", Json::array()}}}}}) {
    auto decoded = codec.decode(codec.encode(position, kFilters), kFilters);
    ASSERT_TRUE(decoded.has_value()) << position.dump();
    EXPECT_EQ(*decoded, position);
  }
}

TEST(TokenCodec, EncodingIsDeterministic) {
  TokenCodec a("secret");
  TokenCodec b("secret");
  EXPECT_EQ(a.encode(kPosition, kFilters), b.encode(kPosition, kFilters));
}

TEST(TokenCodec, TokensFitTheNextTokenPattern) {
  TokenCodec codec("secret");
  std::set<std::string> tokens;
  for (int i = 0; i < 300; ++i) {
    Json position = {{"t", 1717174870000LL + i * 7919}, {"id", std::string(static_cast<size_t>(i % 37), 'z')}};
    std::string token = codec.encode(position, Json{{"n", i}});
    EXPECT_TRUE(tokenShaped(token)) << token;
    EXPECT_LE(token.size(), 1024u);
    tokens.insert(token);
  }
  EXPECT_EQ(tokens.size(), 300u);
}

TEST(TokenCodec, TokenForOtherFiltersIsRejected) {
  TokenCodec codec("secret");
  std::string token = codec.encode(kPosition, kFilters);
  Json other = kFilters;
  other["states"] = Json::array({"FAILED"});
  EXPECT_FALSE(codec.decode(token, other).has_value());
  EXPECT_FALSE(codec.decode(token, Json::object()).has_value());
  EXPECT_FALSE(codec.decode(token, Json()).has_value());
}

TEST(TokenCodec, TamperedTokenIsRejected) {
  TokenCodec codec("secret");
  std::string token = codec.encode(kPosition, kFilters);
  // Every character but the last carries six significant bits; change each in turn.
  for (size_t i = 0; i + 1 < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(codec.decode(tampered, kFilters).has_value()) << "position " << i;
  }
  EXPECT_FALSE(codec.decode(token.substr(0, token.size() - 4), kFilters).has_value());
  EXPECT_FALSE(codec.decode(token + "AAAA", kFilters).has_value());
  EXPECT_FALSE(codec.decode("AAAA" + token, kFilters).has_value());
}

TEST(TokenCodec, TokenFromAnotherSecretIsRejected) {
  TokenCodec mine("secret");
  TokenCodec theirs("other-secret");
  EXPECT_FALSE(mine.decode(theirs.encode(kPosition, kFilters), kFilters).has_value());
}

TEST(TokenCodec, GenerationChangeInvalidatesOldTokens) {
  TokenCodec codec("secret");
  std::string old_token = codec.encode(kPosition, kFilters);
  codec.setGeneration(1);
  EXPECT_FALSE(codec.decode(old_token, kFilters).has_value());
  std::string new_token = codec.encode(kPosition, kFilters);
  EXPECT_NE(new_token, old_token);
  auto decoded = codec.decode(new_token, kFilters);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, kPosition);
  codec.setGeneration(2);
  EXPECT_FALSE(codec.decode(new_token, kFilters).has_value());
}

TEST(TokenCodec, GarbageIsRejected) {
  TokenCodec codec("secret");
  for (std::string garbage :
       {"", "!", "not a token", "AAAA", "A", "====", "abc+/def", "%2F", "eyJwIjoxLCJmIjoiMDAwMDAwMDAwMDAwMDAwMCJ9"}) {
    EXPECT_FALSE(codec.decode(garbage, kFilters).has_value()) << garbage;
  }
  EXPECT_FALSE(codec.decode(std::string(5000, 'A'), kFilters).has_value());
  EXPECT_FALSE(codec.decode(std::string(100, 'A'), kFilters).has_value());
}

TEST(TokenCodec, ForgedPayloadWithoutTheSecretIsRejected) {
  // A token whose MAC was computed under a different secret but whose payload is identical.
  TokenCodec codec("secret");
  TokenCodec forger("");
  std::string forged = forger.encode(Json{{"t", 0}, {"s", 0}}, kFilters);
  EXPECT_FALSE(codec.decode(forged, kFilters).has_value());
}

}  // namespace
}  // namespace trailbox::api
