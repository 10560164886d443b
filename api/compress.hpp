#pragma once

// gzip through zlib (trail log and digest files are gzip-compressed JSON).

#include <optional>
#include <string>
#include <string_view>

namespace trailbox::api {

std::string gzipCompress(std::string_view data);
// Returns std::nullopt when `data` is not a complete gzip stream.
std::optional<std::string> gzipDecompress(std::string_view data);

}  // namespace trailbox::api
