#include "api/clock.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace trailbox::api {
namespace {

int64_t systemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t parsed(const std::string& text) {
  int64_t ms = -1;
  EXPECT_TRUE(parseIso8601(text, ms)) << text;
  return ms;
}

TEST(IsoSeconds, FormatsUtcWithSecondPrecision) {
  EXPECT_EQ(isoSeconds(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(isoSeconds(1717174870123), "2024-05-31T17:01:10Z");
  EXPECT_EQ(isoSeconds(1654127368000), "2022-06-01T23:49:28Z");
  EXPECT_EQ(isoSeconds(1709164800000), "2024-02-29T00:00:00Z");
  EXPECT_EQ(isoSeconds(4102444799999), "2099-12-31T23:59:59Z");
}

TEST(IsoSeconds, NegativeTimesRoundDown) {
  EXPECT_EQ(isoSeconds(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(isoSeconds(-1000), "1969-12-31T23:59:59Z");
  EXPECT_EQ(isoSeconds(-1001), "1969-12-31T23:59:58Z");
}

TEST(CompactMinutes, FormatsTrailFileTimes) {
  EXPECT_EQ(compactMinutes(1717174870123), "20240531T1701Z");
  EXPECT_EQ(compactMinutes(0), "19700101T0000Z");
  EXPECT_EQ(compactMinutes(1767225599999), "20251231T2359Z");
}

TEST(ParseIso8601, BasicUtcForm) {
  EXPECT_EQ(parsed("2024-01-02T03:04:05Z"), 1704164645000);
  EXPECT_EQ(parsed("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parsed("2024-02-29T00:00:00Z"), 1709164800000);
}

TEST(ParseIso8601, FractionsKeepMilliseconds) {
  EXPECT_EQ(parsed("2024-01-02T03:04:05.123Z"), 1704164645123);
  EXPECT_EQ(parsed("2024-01-02T03:04:05.5Z"), 1704164645500);
  EXPECT_EQ(parsed("2024-01-02T03:04:05.123456Z"), 1704164645123);  // botocore's microseconds
  EXPECT_EQ(parsed("2024-01-02T03:04:05.999999999Z"), 1704164645999);
}

TEST(ParseIso8601, UtcOffsetsAndVariants) {
  EXPECT_EQ(parsed("2024-01-02T03:04:05+00:00"), 1704164645000);
  EXPECT_EQ(parsed("2024-01-02T03:04:05+0000"), 1704164645000);
  EXPECT_EQ(parsed("2024-01-02T03:04:05-00:00"), 1704164645000);
  EXPECT_EQ(parsed("2024-01-02t03:04:05z"), 1704164645000);
  EXPECT_EQ(parsed("2024-01-02 03:04:05"), 1704164645000);
  EXPECT_EQ(parsed("2024-01-02T03:04:05"), 1704164645000);  // no zone: taken as UTC
  EXPECT_EQ(parsed("2024-01-02T03:04Z"), 1704164640000);    // no seconds
  EXPECT_EQ(parsed("2024-01-02"), 1704153600000);           // date only
}

TEST(ParseIso8601, RejectsInvalidText) {
  for (std::string bad : {"",
                          "2024",
                          "2024-01",
                          "2024-1-2",
                          "24-01-02",
                          "2024/01/02",
                          "1704164645",
                          "not a date",
                          "2024-01-02T",
                          "2024-01-02T03",
                          "2024-01-02T3:04:05Z",
                          "2024-01-02T03:04:05+01:00",
                          "2024-01-02T03:04:05-05:00",
                          "2024-01-02T03:04:05ZZ",
                          "2024-01-02T03:04:05 Z",
                          "2024-01-02X03:04:05Z",
                          "2024-13-01T00:00:00Z",
                          "2024-00-10T00:00:00Z",
                          "2024-01-32T00:00:00Z",
                          "2024-01-00T00:00:00Z",
                          "2024-01-02T24:00:00Z",
                          "2024-01-02T03:60:00Z",
                          "2024-01-02T03:04:61Z",
                          "2024-01-02T03:04:5Z",
                          "+2024-01-02T03:04:05Z"}) {
    int64_t ms = 12345;
    EXPECT_FALSE(parseIso8601(bad, ms)) << bad;
  }
}

TEST(ParseIso8601, RejectsDaysBeyondTheEndOfTheMonth) {
  int64_t feb30 = 0;
  int64_t feb29_2023 = 0;
  int64_t apr31 = 0;
  bool a = parseIso8601("2024-02-30T00:00:00Z", feb30);
  bool b = parseIso8601("2023-02-29T00:00:00Z", feb29_2023);
  bool c = parseIso8601("2024-04-31T00:00:00Z", apr31);
  EXPECT_FALSE(a);
  EXPECT_FALSE(b);
  EXPECT_FALSE(c);
}

TEST(ParseIso8601, RejectsADecimalPointWithoutDigits) {
  int64_t ms = 0;
  bool bare = parseIso8601("2024-01-02T03:04:05.Z", ms);
  bool trailing = parseIso8601("2024-01-02T03:04:05.", ms);
  EXPECT_FALSE(bare);
  EXPECT_FALSE(trailing);
}

TEST(ParseIso8601, RoundTripsIsoSeconds) {
  for (int64_t ms :
       {int64_t{0}, int64_t{951782400000}, int64_t{1704164645000}, int64_t{1767225600000}, int64_t{4102444799000}}) {
    int64_t back = -1;
    ASSERT_TRUE(parseIso8601(isoSeconds(ms), back)) << ms;
    EXPECT_EQ(back, ms);
  }
}

TEST(EpochSeconds, KeepsMilliseconds) {
  EXPECT_DOUBLE_EQ(epochSeconds(1500), 1.5);
  EXPECT_DOUBLE_EQ(epochSeconds(1704164645123), 1704164645.123);
  EXPECT_DOUBLE_EQ(epochSeconds(0), 0.0);
}

TEST(FakeClock, StartsAt2026AndMovesOnlyWhenTold) {
  FakeClock clock;
  EXPECT_EQ(clock.nowMs(), 1767225600000);
  EXPECT_EQ(isoSeconds(clock.nowMs()), "2026-01-01T00:00:00Z");
  EXPECT_EQ(clock.nowMs(), 1767225600000);
  clock.advanceMs(5000);
  EXPECT_EQ(clock.nowMs(), 1767225605000);
  clock.advanceMs(-1000);
  EXPECT_EQ(clock.nowMs(), 1767225604000);
}

TEST(FakeClock, OffsetAddsToTheBase) {
  FakeClock clock(1000);
  clock.setOffsetMs(3600000);
  EXPECT_EQ(clock.offsetMs(), 3600000);
  EXPECT_EQ(clock.nowMs(), 3601000);
  clock.advanceMs(1);
  EXPECT_EQ(clock.nowMs(), 3601001);
  clock.setOffsetMs(-500);
  EXPECT_EQ(clock.nowMs(), 501);
}

TEST(FakeClock, SetMsKeepsTheOffset) {
  FakeClock clock(0);
  clock.setOffsetMs(86400000);
  clock.setMs(1704164645000);
  EXPECT_EQ(clock.nowMs(), 1704164645000);
  EXPECT_EQ(clock.offsetMs(), 86400000);
  clock.setOffsetMs(0);
  EXPECT_EQ(clock.nowMs(), 1704164645000 - 86400000);
}

TEST(FakeClock, IsUsableThroughTheClockInterface) {
  FakeClock fake(42);
  const Clock& clock = fake;
  EXPECT_EQ(clock.nowMs(), 42);
}

TEST(OffsetClock, FollowsTheWallClockPlusTheOffset) {
  OffsetClock clock;
  EXPECT_EQ(clock.offsetMs(), 0);
  int64_t before = systemNowMs();
  int64_t now = clock.nowMs();
  int64_t after = systemNowMs();
  EXPECT_GE(now, before);
  EXPECT_LE(now, after);

  clock.setOffsetMs(86400000);
  EXPECT_EQ(clock.offsetMs(), 86400000);
  before = systemNowMs();
  now = clock.nowMs();
  after = systemNowMs();
  EXPECT_GE(now, before + 86400000);
  EXPECT_LE(now, after + 86400000);
}

}  // namespace
}  // namespace trailbox::api
