#pragma once

// The Amazon EMR release labels EMR Serverless accepts, and the features that depend on them.

#include <string>
#include <string_view>

namespace trailbox::api::emr {

// True when `label` names a known release (releases.cpp holds the list: one line per release).
bool isKnownRelease(std::string_view label);
// True when `label` is at least `major.minor.patch` (e.g. releaseAtLeast("emr-7.1.0", 7, 0, 0)).
bool releaseAtLeast(std::string_view label, int major, int minor, int patch);

}  // namespace trailbox::api::emr
