#pragma once

// Time as the emulator sees it. Everything that depends on time (event times, lifecycles,
// token expiry) asks a Clock, so tests run on a FakeClock and an operator can move time forward.

#include <atomic>
#include <cstdint>
#include <string>

namespace trailbox::api {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. Thread-safe.
  virtual int64_t nowMs() const = 0;
};

// A base time plus an adjustable offset: the admin clock control moves the offset, which is
// stored with the data so that a restart keeps the emulated time. Thread-safe.
class OffsetClock : public Clock {
 public:
  int64_t nowMs() const override { return baseMs() + offset_ms_.load(); }
  int64_t offsetMs() const { return offset_ms_.load(); }
  void setOffsetMs(int64_t offset) { offset_ms_.store(offset); }

 protected:
  // The wall clock; FakeClock replaces it with a time that only tests move.
  virtual int64_t baseMs() const;

 private:
  std::atomic<int64_t> offset_ms_{0};
};

// A clock that moves only when told to. Thread-safe.
class FakeClock : public OffsetClock {
 public:
  explicit FakeClock(int64_t start_ms = 1767225600000) : base_ms_(start_ms) {}  // 2026-01-01T00:00:00Z
  void advanceMs(int64_t delta) { base_ms_ += delta; }
  void setMs(int64_t now) { base_ms_.store(now - offsetMs()); }

 protected:
  int64_t baseMs() const override { return base_ms_.load(); }

 private:
  std::atomic<int64_t> base_ms_;
};

// "2024-05-31T17:01:10Z" (second precision, as CloudTrail records show times).
std::string isoSeconds(int64_t ms);
// "20240531T1701Z" / "20240531T170110Z" (trail file names).
std::string compactMinutes(int64_t ms);
// Parses ISO 8601 UTC ("2024-01-02T03:04:05Z", optional fraction, "+00:00" suffix accepted)
// into epoch milliseconds; returns false when the text is not such a time.
bool parseIso8601(const std::string& text, int64_t& ms_out);
// Epoch seconds (any finite double) to epoch milliseconds, clamped to years 0001..9999 so that
// arithmetic on the result cannot overflow; NaN maps to 0.
int64_t clampedEpochMs(double seconds);
// Seconds as a JSON-friendly double with millisecond precision.
inline double epochSeconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

}  // namespace trailbox::api
