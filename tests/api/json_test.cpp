#include "api/json.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace trailbox::api {
namespace {

std::string reference(const Json& v) { return v.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace); }

TEST(DumpJson, MatchesNlohmannOnEveryKindOfValue) {
  Json values = Json::array({
      nullptr, true, false, 0, -1, 42, INT64_MIN, INT64_MAX, UINT64_MAX, 0.5, -0.0, 1e300, 3.0, 1.0 / 3,
      "", "plain", "quote \" backslash \\ slash /", "\b\f\n\r\t", std::string("nul\0byte", 8), "\x01\x1f\x7f",
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "bad \xff utf8", "truncated \xe2\x82", "lone \x80",
      Json::object(), Json::array(), Json{{"k\"ey", {1, 2, {{"n", nullptr}}}}, {"\xc3\xa9", "v"}, {"bad\xfe", 1}},
      Json::binary({1, 2, 3}),
  });
  for (const auto& v : values) EXPECT_EQ(dumpJson(v), reference(v)) << reference(v);
  EXPECT_EQ(dumpJson(values), reference(values));
  // A record embedded as a string, as LookupEvents returns it.
  Json record = Json{{"CloudTrailEvent", reference(values)}};
  EXPECT_EQ(dumpJson(record), reference(record));
}

TEST(DumpJson, MatchesNlohmannOnRandomStrings) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> ascii(0, 127);
  std::uniform_int_distribution<int> length(0, 40);
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    int n = length(rng);
    bool mostly_ascii = i % 2 == 0;
    for (int j = 0; j < n; ++j) s.push_back(static_cast<char>(mostly_ascii ? ascii(rng) : byte(rng)));
    Json v = Json{{s, s}, {"a", Json::array({s, i})}};
    ASSERT_EQ(dumpJson(v), reference(v)) << i;
  }
}

}  // namespace
}  // namespace trailbox::api
