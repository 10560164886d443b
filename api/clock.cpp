#include "api/clock.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace trailbox::api {
namespace {

std::tm utc(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

bool digits(const std::string& s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

int64_t OffsetClock::baseMs() const {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
}

std::string isoSeconds(int64_t ms) {
  std::tm tm = utc(ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string compactMinutes(int64_t ms) {
  std::tm tm = utc(ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min);
  return buf;
}

int64_t clampedEpochMs(double seconds) {
  constexpr double kMinSeconds = -62135596800.0;  // 0001-01-01T00:00:00Z
  constexpr double kMaxSeconds = 253402300799.0;  // 9999-12-31T23:59:59Z
  if (std::isnan(seconds)) return 0;
  double clamped = std::clamp(seconds, kMinSeconds, kMaxSeconds);
  return static_cast<int64_t>(std::floor(clamped * 1000.0));
}

bool parseIso8601(const std::string& s, int64_t& ms_out) {
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day)) {
    return false;
  }
  size_t pos = 10;
  int millis = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    if (!digits(s, pos + 1, 2, hour) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, minute)) {
      return false;
    }
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, pos + 1, 2, second)) return false;
      pos += 3;
    }
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      if (pos >= s.size() || s[pos] < '0' || s[pos] > '9') return false;  // "05." has no fraction
      int scale = 100;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        millis += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
    }
  }
  if (pos < s.size()) {
    std::string zone = s.substr(pos);
    if (zone != "Z" && zone != "z" && zone != "+00:00" && zone != "+0000" && zone != "-00:00") return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t secs = timegm(&tm);
  // timegm() rolls impossible dates over (Feb 30 -> Mar 1); such input is not a date.
  std::tm check{};
  gmtime_r(&secs, &check);
  if (check.tm_mday != day || check.tm_mon != month - 1 || check.tm_year != year - 1900) return false;
  ms_out = static_cast<int64_t>(secs) * 1000 + millis;
  return true;
}

}  // namespace trailbox::api
