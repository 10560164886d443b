#pragma once

// Checks a JSON value against a model shape: JSON types, required members, string lengths,
// numeric ranges, list/map sizes, patterns, enums and unions - everything the service enforces
// server-side that botocore and the JS SDK do not check before sending.

#include <string>
#include <vector>

#include "api/json.hpp"
#include "api/model/shape_model.hpp"
#include "api/result.hpp"

namespace trailbox::api {

struct Violation {
  std::string path;     // e.g. "initialCapacity.Driver.workerCount", "subnetIds[0]"
  std::string message;  // "Value '51' at 'maxResults' failed to satisfy constraint: ..."
  bool type_error = false;  // the JSON type itself is wrong (a serialization problem)
};

// Returns every constraint `value` breaks; empty when it conforms. `path` prefixes member paths.
std::vector<Violation> validate(const Json& value, const Shape& shape, const std::string& path = "");

// The error a service answers for `violations` (non-empty): SerializationException naming the
// first wrongly typed member when there is one, else ValidationException in the AWS form
// "N validation error(s) detected: <v1>; <v2>".
AwsError toError(const std::vector<Violation>& violations);

// A copy of `value` with every member whose shape is marked sensitive replaced by the string
// CloudTrail uses, "HIDDEN_DUE_TO_SECURITY_REASONS".
Json redact(const Json& value, const Shape& shape);

inline constexpr const char* kHidden = "HIDDEN_DUE_TO_SECURITY_REASONS";

}  // namespace trailbox::api
