#pragma once

// Hashing, HMAC and base64 through OpenSSL's libcrypto.

#include <string>
#include <string_view>

namespace trailbox::api {

std::string sha256(std::string_view data);  // raw 32 bytes
std::string hmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string hexEncode(std::string_view bytes);  // lower case
std::string base64Encode(std::string_view bytes);
// URL-safe alphabet ('-', '_'), no padding: fits EMR Serverless' nextToken pattern [A-Za-z0-9_=-]+.
std::string base64UrlEncode(std::string_view bytes);
// Accepts both alphabets, with or without padding. Returns false on invalid input.
bool base64Decode(std::string_view text, std::string& out);

}  // namespace trailbox::api
