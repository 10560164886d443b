#include "api/ids.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace trailbox::api {

std::string IdGenerator::resourceId() {
  return "00" + randomString(14, "0123456789abcdefghijklmnopqrstuvwxyz");
}

RandomIdGenerator::RandomIdGenerator(std::optional<uint64_t> seed) : seed_(seed) { reseed(); }

void RandomIdGenerator::reseed() {
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
