#pragma once

// Structured logs: one JSON object per line on stdout. Each line is written with a single
// write(2), so lines from different threads never interleave. The port-0 address line is printed
// before any log line (see main.cpp).

#include <string>

#include "api/json.hpp"
#include "server/config.hpp"

namespace trailbox::server {

class Logger {
 public:
  explicit Logger(LogLevel level) : level_(level) {}

  bool enabled(LogLevel level) const { return level_ != LogLevel::kOff && level >= level_; }
  // Writes {"time", "level", "msg", ...fields} when `level` is enabled. Thread-safe.
  void log(LogLevel level, const std::string& message, const api::Json& fields = api::Json::object()) const;

 private:
  LogLevel level_;
};

}  // namespace trailbox::server
