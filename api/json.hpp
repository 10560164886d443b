#pragma once

// The JSON type used across api/: insertion-ordered so that records and responses keep the
// member order clients sent and AWS uses.

#include <nlohmann/json.hpp>
#include <string>

namespace trailbox::api {

using Json = nlohmann::ordered_json;

// Deepest JSON nesting a request body may have unless configured otherwise (--max-json-depth).
inline constexpr int kDefaultMaxJsonDepth = 64;

// Serializes compactly, byte for byte as nlohmann's dump(-1) does. Invalid UTF-8 (possible in
// decoded query strings and paths) is replaced with U+FFFD instead of throwing, so any value can
// be recorded and returned. Faster than dump() on the long, quote-heavy strings the service
// returns (a LookupEvents page carries 50 records as JSON strings). Thread-safe; never throws
// except std::bad_alloc.
std::string dumpJson(const Json& value);

}  // namespace trailbox::api
