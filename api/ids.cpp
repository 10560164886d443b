#include "api/ids.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <algorithm>
#include <cstdio>

namespace trailbox::api {

namespace {

constexpr std::string_view kBase36 = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr int64_t kIdEpochMs = 1577836800000;  // 2020-01-01T00:00:00Z

}  // namespace

std::string IdGenerator::resourceId(int64_t now_ms) {
  // "00" + 8 base-36 digits of milliseconds since 2020 (good for 89 years) + 6 base-36 digits
  // that are random for the first id of a millisecond and then count up, so two ids made in the
  // same millisecond still sort in creation order.
  constexpr uint64_t kSuffixSpace = 2176782336ULL;  // 36^6
  std::string random = randomString(6, kBase36);
  uint64_t suffix = 0;
  for (char c : random) suffix = suffix * 36 + kBase36.find(c);
  int64_t t = std::max<int64_t>(0, idTime(now_ms) - kIdEpochMs);
  {
    std::scoped_lock lock(order_mutex_);
    if (t <= last_time_) {
      t = last_time_;
      // Leave random room above the previous id (ids stay hard to guess) but keep increasing.
      suffix = last_suffix_ + 1 + suffix % 1024;
      if (suffix >= kSuffixSpace) {
        ++t;
        suffix %= 1024;
      }
    } else {
      suffix %= kSuffixSpace / 2;  // room for the ids that may follow in this millisecond
    }
    last_time_ = t;
    last_suffix_ = suffix;
  }
  std::string out = "00" + std::string(14, '0');
  for (int i = 15; i >= 10; --i, suffix /= 36) out[static_cast<size_t>(i)] = kBase36[suffix % 36];
  for (int i = 9; i >= 2 && t > 0; --i, t /= 36) out[static_cast<size_t>(i)] = kBase36[static_cast<size_t>(t % 36)];
  return out;
}

void IdGenerator::resetOrder() {
  std::scoped_lock lock(order_mutex_);
  last_time_ = -1;
  last_suffix_ = 0;
}

std::string IdGenerator::timeOrderedUuid(int64_t now_ms) {
  std::string random = randomString(20, "0123456789abcdef");
  uint64_t t = static_cast<uint64_t>(std::max<int64_t>(0, idTime(now_ms))) & 0xFFFFFFFFFFFFULL;
  char head[13];
  std::snprintf(head, sizeof head, "%012llx", static_cast<unsigned long long>(t));
  std::string h(head);
  // xxxxxxxx-xxxx-7xxx-Vxxx-xxxxxxxxxxxx, V one of 8, 9, a, b (the RFC 4122 variant).
  static const char* kVariant = "89ab";
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-7" + random.substr(0, 3) + "-" +
         kVariant[random[3] % 4] + random.substr(4, 3) + "-" + random.substr(7, 12);
}

int64_t RandomIdGenerator::idTime(int64_t now_ms) {
  // Seeded generators must not depend on the wall clock: a counter keeps ids reproducible and
  // still increasing.
  if (seed_) return kIdEpochMs + counter_.fetch_add(1);
  return now_ms;
}

RandomIdGenerator::RandomIdGenerator(std::optional<uint64_t> seed) : seed_(seed) { reseed(); }

void RandomIdGenerator::reseed() {
  counter_.store(0);
  resetOrder();
  std::scoped_lock lock(mutex_);
  if (seed_) {
    engine_.seed(*seed_);
  } else {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    engine_.seed(seq);
  }
}

std::string RandomIdGenerator::uuid() {
  std::scoped_lock lock(mutex_);
  boost::uuids::basic_random_generator<std::mt19937_64> gen(engine_);
  return boost::uuids::to_string(gen());
}

std::string RandomIdGenerator::randomString(size_t n, std::string_view alphabet) {
  std::scoped_lock lock(mutex_);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(alphabet[pick(engine_)]);
  return out;
}

}  // namespace trailbox::api
