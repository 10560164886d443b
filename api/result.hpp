#pragma once

// Result<T>: the value of an operation or the AwsError it fails with.

#include <string>
#include <utility>

#include "api/aws_error.hpp"
#include "store/expected.hpp"

namespace trailbox::api {

template <class T>
using Result = store::Expected<T, AwsError>;
using Status = store::Expected<void, AwsError>;

inline store::Unexpected<AwsError> fail(ErrorCode code, std::string message) {
  return store::Unexpected<AwsError>(AwsError{code, std::move(message)});
}

}  // namespace trailbox::api
