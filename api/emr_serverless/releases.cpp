#include "api/emr_serverless/releases.hpp"

#include <array>
#include <cstdio>

namespace trailbox::api::emr {
namespace {

// Releases available on EMR Serverless. Add a line when AWS ships one.
constexpr std::array<std::string_view, 26> kReleases = {
    "emr-6.6",  // the label in AWS's own CloudTrail example for CreateApplication
    "emr-6.6.0",  "emr-6.7.0",  "emr-6.8.0",  "emr-6.9.0",  "emr-6.10.0", "emr-6.11.0", "emr-6.12.0",
    "emr-6.13.0", "emr-6.14.0", "emr-6.15.0", "emr-7.0.0",  "emr-7.1.0",  "emr-7.2.0",  "emr-7.3.0",
    "emr-7.4.0",  "emr-7.5.0",  "emr-7.6.0",  "emr-7.7.0",  "emr-7.8.0",  "emr-7.9.0",  "emr-7.10.0",
    "emr-7.11.0", "emr-7.12.0", "emr-7.13.0", "emr-6.10.1",
};

}  // namespace

bool isKnownRelease(std::string_view label) {
  for (auto r : kReleases) {
    if (r == label) return true;
  }
  return false;
}

bool releaseAtLeast(std::string_view label, int major, int minor, int patch) {
  int a = 0, b = 0, c = 0;
  std::string text(label);
  int n = std::sscanf(text.c_str(), "emr-%d.%d.%d", &a, &b, &c);
  if (n < 2) return false;
  if (a != major) return a > major;
  if (b != minor) return b > minor;
  return c >= patch;
}

}  // namespace trailbox::api::emr
