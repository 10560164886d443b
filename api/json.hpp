#pragma once

// The JSON type used across api/: insertion-ordered so that records and responses keep the
// member order clients sent and AWS uses.

#include <nlohmann/json.hpp>
#include <string>

namespace trailbox::api {

using Json = nlohmann::ordered_json;

// Serializes compactly. Invalid UTF-8 (possible in decoded query strings and paths) is replaced
// with U+FFFD instead of throwing, so any value can be recorded and returned.
inline std::string dumpJson(const Json& value) {
  return value.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

}  // namespace trailbox::api
