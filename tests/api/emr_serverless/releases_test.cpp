#include "api/emr_serverless/releases.hpp"

#include <gtest/gtest.h>

namespace trailbox::api::emr {
namespace {

TEST(Releases, KnowsTheEmrServerlessReleases) {
  for (const char* label : {"emr-6.6.0", "emr-6.9.0", "emr-6.10.1", "emr-6.15.0", "emr-7.0.0", "emr-7.1.0",
                            "emr-7.12.0", "emr-7.13.0", "emr-6.6"}) {
    EXPECT_TRUE(isKnownRelease(label)) << label;
  }
}

TEST(Releases, RejectsUnknownLabels) {
  for (const char* label :
       {"", "emr-5.36.0", "emr-6.5.0", "emr-7.99.0", "emr-8.0.0", "EMR-7.1.0", "emr-7.1.0 ", "emr-7.1", "7.1.0"}) {
    EXPECT_FALSE(isKnownRelease(label)) << label;
  }
}

TEST(Releases, ComparesVersionsNumerically) {
  EXPECT_TRUE(releaseAtLeast("emr-7.13.0", 7, 13, 0));
  EXPECT_TRUE(releaseAtLeast("emr-7.14.2", 7, 13, 0));
  EXPECT_FALSE(releaseAtLeast("emr-7.12.0", 7, 13, 0));
  EXPECT_FALSE(releaseAtLeast("emr-7.2.0", 7, 13, 0)) << "7.2 < 7.13, not a string comparison";
  EXPECT_TRUE(releaseAtLeast("emr-7.0.0", 7, 0, 0));
  EXPECT_FALSE(releaseAtLeast("emr-6.15.0", 7, 0, 0));
  EXPECT_TRUE(releaseAtLeast("emr-10.0.0", 7, 13, 0));
  EXPECT_TRUE(releaseAtLeast("emr-6.10.1", 6, 10, 1));
  EXPECT_FALSE(releaseAtLeast("emr-6.10.0", 6, 10, 1));
}

TEST(Releases, ShortAndMalformedLabels) {
  EXPECT_TRUE(releaseAtLeast("emr-6.6", 6, 6, 0)) << "a missing patch counts as 0";
  EXPECT_FALSE(releaseAtLeast("emr-6.6", 6, 6, 1));
  EXPECT_FALSE(releaseAtLeast("spark-3.5.0", 0, 0, 0));
  EXPECT_FALSE(releaseAtLeast("emr-7", 7, 0, 0));
  EXPECT_FALSE(releaseAtLeast("", 0, 0, 0));
}

}  // namespace
}  // namespace trailbox::api::emr
