#pragma once

// The plain value types the api layer speaks: the server converts its HTTP library's messages to
// and from these, so nothing below server/ depends on Boost.Asio or Beast.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trailbox::api {

struct Request {
  std::string method;  // upper case, e.g. "POST"
  std::string target;  // raw request-target: path plus optional "?query", still percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string peer_ip;  // remote address without port

  // Returns the first header named `name` (lower case), or "" when absent.
  std::string_view header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return {};
  }
  bool hasHeader(std::string_view name) const {
    for (const auto& h : headers) {
      if (h.first == name) return true;
    }
    return false;
  }
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // For the access log; not sent.
  std::string operation;  // e.g. "CreateApplication", "admin:events"
  std::string caller;     // ARN of the caller, or "" when not resolved
  std::string error_code;
  std::string request_id;

  void setHeader(std::string name, std::string value) {
    for (auto& [k, v] : headers) {
      if (k == name) {
        v = std::move(value);
        return;
      }
    }
    headers.emplace_back(std::move(name), std::move(value));
  }
};

}  // namespace trailbox::api
