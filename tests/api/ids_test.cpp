#include "api/ids.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace trailbox::api {
namespace {

bool isUuidV4(const std::string& s) {
  static const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  return std::regex_match(s, kUuid);
}

std::vector<std::string> sequence(RandomIdGenerator& gen) {
  std::vector<std::string> out;
  for (int i = 0; i < 5; ++i) {
    out.push_back(gen.uuid());
    out.push_back(gen.resourceId(1767225600000));
    out.push_back(gen.randomString(12, "abcdef"));
  }
  return out;
}

TEST(RandomIdGenerator, SameSeedGivesTheSameSequence) {
  RandomIdGenerator a(42);
  RandomIdGenerator b(42);
  EXPECT_EQ(sequence(a), sequence(b));
}

TEST(RandomIdGenerator, DifferentSeedsDiffer) {
  RandomIdGenerator a(42);
  RandomIdGenerator b(43);
  EXPECT_NE(sequence(a), sequence(b));
}

TEST(RandomIdGenerator, ReseedRestartsTheSequence) {
  RandomIdGenerator gen(7);
  std::vector<std::string> first = sequence(gen);
  std::vector<std::string> second = sequence(gen);
  EXPECT_NE(first, second);
  gen.reseed();
  EXPECT_EQ(sequence(gen), first);
}

TEST(RandomIdGenerator, UnseededGeneratorsDiffer) {
  RandomIdGenerator a;
  RandomIdGenerator b;
  EXPECT_NE(a.uuid(), b.uuid());
  std::string before = a.uuid();
  a.reseed();  // reseeds from the OS: does not restart
  EXPECT_NE(a.uuid(), before);
}

TEST(RandomIdGenerator, ResourceIdsMadeLaterSortAfterEarlierOnes) {
  RandomIdGenerator gen;
  std::string a = gen.resourceId(1767225600000);
  std::string b = gen.resourceId(1767225600000 + 86400000);
  EXPECT_LT(a.substr(0, 10), b.substr(0, 10));
  RandomIdGenerator seeded(7);
  std::string c = seeded.resourceId(1767225600000);
  std::string d = seeded.resourceId(1000);  // the seeded sequence ignores the clock and still grows
  EXPECT_LT(c.substr(0, 10), d.substr(0, 10));
}

TEST(RandomIdGenerator, ResourceIdsMadeInOneMillisecondStillIncrease) {
  // ListApplications orders by (createdAt, id): ids made in the same millisecond must follow
  // creation order or a list shows them swapped (seen in CI).
  static const std::regex kId("00[0-9a-z]{14}");
  RandomIdGenerator gen;
  std::string previous = gen.resourceId(1767225600000);
  for (int i = 0; i < 5000; ++i) {
    std::string next = gen.resourceId(1767225600000);
    ASSERT_TRUE(std::regex_match(next, kId)) << next;
    ASSERT_LT(previous, next) << "id " << i;
    previous = next;
  }
  // A clock that steps back does not make ids go back either.
  ASSERT_LT(previous, gen.resourceId(1767225500000));
}

TEST(RandomIdGenerator, TimeOrderedUuidIsVersion7AndSortsByTime) {
  RandomIdGenerator gen;
  std::string a = gen.timeOrderedUuid(1767225600000);
  std::string b = gen.timeOrderedUuid(1767225600001);
  EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))) << a;
  EXPECT_LT(a.substr(0, 13), b.substr(0, 13));
}

TEST(RandomIdGenerator, ResourceIdIsSixteenLowerAlphanumericsStartingWith00) {
  static const std::regex kId("00[0-9a-z]{14}");
  RandomIdGenerator gen(1);
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    std::string id = gen.resourceId(1767225600000);
    EXPECT_EQ(id.size(), 16u);
    EXPECT_TRUE(std::regex_match(id, kId)) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(RandomIdGenerator, UuidIsCanonicalVersion4) {
  RandomIdGenerator gen(1);
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    std::string id = gen.uuid();
    EXPECT_EQ(id.size(), 36u);
    EXPECT_TRUE(isUuidV4(id)) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(RandomIdGenerator, RandomStringUsesOnlyTheAlphabet) {
  RandomIdGenerator gen(3);
  std::string s = gen.randomString(500, "xy");
  EXPECT_EQ(s.size(), 500u);
  EXPECT_EQ(s.find_first_not_of("xy"), std::string::npos);
  EXPECT_NE(s.find('x'), std::string::npos);
  EXPECT_NE(s.find('y'), std::string::npos);
  EXPECT_EQ(gen.randomString(0, "abc"), "");
  EXPECT_EQ(gen.randomString(4, "q"), "qqqq");
}

TEST(RandomIdGenerator, IsSafeToShareBetweenThreads) {
  RandomIdGenerator gen(99);
  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < per_thread.size(); ++t) {
    threads.emplace_back([&gen, &per_thread, t] {
      for (int i = 0; i < 500; ++i) per_thread[t].push_back(gen.uuid());
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& ids : per_thread) {
    for (const auto& id : ids) {
      EXPECT_TRUE(isUuidV4(id)) << id;
      all.insert(id);
    }
  }
  EXPECT_EQ(all.size(), 2000u);
}

}  // namespace
}  // namespace trailbox::api
