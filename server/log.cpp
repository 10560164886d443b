#include "server/log.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace trailbox::server {
namespace {

std::string nowIso() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

void Logger::log(LogLevel level, const std::string& message, const api::Json& fields) const {
  if (!enabled(level)) return;
  api::Json line = api::Json::object();
  line["time"] = nowIso();
  line["level"] = logLevelName(level);
  line["msg"] = message;
  for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  std::string text = api::dumpJson(line);
  text.push_back('\n');
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n <= 0) return;  // stdout closed: logging must never take the server down
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace trailbox::server
