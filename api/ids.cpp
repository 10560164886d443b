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
  // "00" + 8 base-36 digits of milliseconds since 2020 (good for 89 years) + 6 random digits.
  int64_t t = std::max<int64_t>(0, idTime(now_ms) - kIdEpochMs);
  std::string prefix(8, '0');
  for (int i = 7; i >= 0 && t > 0; --i) {
    prefix[static_cast<size_t>(i)] = kBase36[static_cast<size_t>(t % 36)];
    t /= 36;
  }
  return "00" + prefix + randomString(6, kBase36);
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
