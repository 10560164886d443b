#pragma once

// Request-target parsing: path and query split, percent-decoding, query parameters.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trailbox::api {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct Target {
  std::string path;   // raw (still percent-encoded)
  std::string query;  // raw, without '?'
};

Target splitTarget(std::string_view target);
// Decodes %XX escapes ('+' stays '+', as in paths and SigV4-canonical queries). Returns false on
// a malformed escape; the output may hold any bytes, including NUL and invalid UTF-8.
bool percentDecode(std::string_view in, std::string& out);
// "a=1&b=2&a=3" -> [(a,1),(b,2),(a,3)]; '+' in values decodes to a space as HTML forms do.
// Returns false when an escape is malformed.
bool parseQuery(std::string_view query, QueryParams& out);
// Splits a raw path on '/', ignoring the leading slash; segments stay encoded.
std::vector<std::string_view> pathSegments(std::string_view path);

}  // namespace trailbox::api
