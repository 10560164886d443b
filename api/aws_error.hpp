#pragma once

// AWS errors as values: a code from a closed set plus a message. One table (aws_error.cpp) maps
// each code to its wire name and HTTP status, per protocol, so no status is written twice.

#include <string>
#include <string_view>

namespace trailbox::api {

enum class ErrorCode {
  // Raised before any operation runs, by either protocol.
  kSerializationException,
  kUnknownOperationException,
  kIncompleteSignatureException,
  kInvalidSignatureException,
  kUnrecognizedClientException,
  kMissingAuthenticationTokenException,
  kAccessDeniedException,
  kRequestEntityTooLargeException,
  kThrottlingException,
  kInternalFailure,  // CloudTrail's server-side failure
  // EMR Serverless (status from the model).
  kValidationException,
  kResourceNotFoundException,
  kConflictException,
  kServiceQuotaExceededException,
  kInternalServerException,
  // CloudTrail (all 400, bodies carry __type).
  kInvalidLookupAttributesException,
  kInvalidTimeRangeException,
  kInvalidMaxResultsException,
  kInvalidNextTokenException,
  kInvalidEventCategoryException,
  kTrailNotFoundException,
  kTrailAlreadyExistsException,
  kInvalidTrailNameException,
  kS3BucketDoesNotExistException,
  kInvalidS3BucketNameException,
  kInvalidS3PrefixException,
  kMaximumNumberOfTrailsExceededException,
  kInvalidParameterCombinationException,
  kInvalidParameterException,
  kInvalidHomeRegionException,
  kCloudTrailARNInvalidException,
  kInvalidEventSelectorsException,
  kInvalidTagParameterException,
  kTagsLimitExceededException,
  kResourceTypeNotSupportedException,
  kOperationNotPermittedException,
  kUnsupportedOperationException,
  kInvalidKmsKeyIdException,
  kCloudTrailInvalidClientTokenIdException,
};

enum class Protocol { kRestJson1, kAwsJson11 };

struct AwsError {
  ErrorCode code = ErrorCode::kInternalServerException;
  std::string message;
};

// The code as it appears on the wire, e.g. "ValidationException".
std::string_view errorName(ErrorCode code);
// The HTTP status a client of `protocol` expects for `code`.
int httpStatus(ErrorCode code, Protocol protocol);
// True for 5xx errors.
bool isServerError(ErrorCode code);

}  // namespace trailbox::api
