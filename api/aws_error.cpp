#include "api/aws_error.hpp"

#include <array>

namespace trailbox::api {
namespace {

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;
  int rest_status;  // restJson1 (EMR Serverless): the model's httpError
  int json_status;  // awsJson1_1 (CloudTrail): 400 for every modeled client error
};

constexpr std::array kErrors = {
    ErrorInfo{ErrorCode::kSerializationException, "SerializationException", 400, 400},
    ErrorInfo{ErrorCode::kUnknownOperationException, "UnknownOperationException", 404, 400},
    ErrorInfo{ErrorCode::kIncompleteSignatureException, "IncompleteSignatureException", 403, 403},
    ErrorInfo{ErrorCode::kInvalidSignatureException, "InvalidSignatureException", 403, 403},
    ErrorInfo{ErrorCode::kUnrecognizedClientException, "UnrecognizedClientException", 403, 403},
    ErrorInfo{ErrorCode::kMissingAuthenticationTokenException, "MissingAuthenticationTokenException", 403, 403},
    ErrorInfo{ErrorCode::kAccessDeniedException, "AccessDeniedException", 403, 400},
    ErrorInfo{ErrorCode::kRequestEntityTooLargeException, "RequestEntityTooLargeException", 413, 413},
    ErrorInfo{ErrorCode::kThrottlingException, "ThrottlingException", 429, 400},
    ErrorInfo{ErrorCode::kInternalFailure, "InternalFailure", 500, 500},
    ErrorInfo{ErrorCode::kValidationException, "ValidationException", 400, 400},
    ErrorInfo{ErrorCode::kResourceNotFoundException, "ResourceNotFoundException", 404, 400},
    ErrorInfo{ErrorCode::kConflictException, "ConflictException", 409, 400},
    ErrorInfo{ErrorCode::kServiceQuotaExceededException, "ServiceQuotaExceededException", 402, 400},
    ErrorInfo{ErrorCode::kInternalServerException, "InternalServerException", 500, 500},
    ErrorInfo{ErrorCode::kInvalidLookupAttributesException, "InvalidLookupAttributesException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidTimeRangeException, "InvalidTimeRangeException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidMaxResultsException, "InvalidMaxResultsException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidNextTokenException, "InvalidNextTokenException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidEventCategoryException, "InvalidEventCategoryException", 400, 400},
    ErrorInfo{ErrorCode::kTrailNotFoundException, "TrailNotFoundException", 400, 400},
    ErrorInfo{ErrorCode::kTrailAlreadyExistsException, "TrailAlreadyExistsException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidTrailNameException, "InvalidTrailNameException", 400, 400},
    ErrorInfo{ErrorCode::kS3BucketDoesNotExistException, "S3BucketDoesNotExistException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidS3BucketNameException, "InvalidS3BucketNameException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidS3PrefixException, "InvalidS3PrefixException", 400, 400},
    ErrorInfo{ErrorCode::kMaximumNumberOfTrailsExceededException, "MaximumNumberOfTrailsExceededException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidParameterCombinationException, "InvalidParameterCombinationException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidParameterException, "InvalidParameterException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidHomeRegionException, "InvalidHomeRegionException", 400, 400},
    ErrorInfo{ErrorCode::kCloudTrailARNInvalidException, "CloudTrailARNInvalidException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidEventSelectorsException, "InvalidEventSelectorsException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidTagParameterException, "InvalidTagParameterException", 400, 400},
    ErrorInfo{ErrorCode::kTagsLimitExceededException, "TagsLimitExceededException", 400, 400},
    ErrorInfo{ErrorCode::kResourceTypeNotSupportedException, "ResourceTypeNotSupportedException", 400, 400},
    ErrorInfo{ErrorCode::kOperationNotPermittedException, "OperationNotPermittedException", 400, 400},
    ErrorInfo{ErrorCode::kUnsupportedOperationException, "UnsupportedOperationException", 400, 400},
    ErrorInfo{ErrorCode::kInvalidKmsKeyIdException, "InvalidKmsKeyIdException", 400, 400},
    ErrorInfo{ErrorCode::kCloudTrailInvalidClientTokenIdException, "CloudTrailInvalidClientTokenIdException", 400, 400},
};

const ErrorInfo& info(ErrorCode code) {
  for (const auto& e : kErrors) {
    if (e.code == code) return e;
  }
  return kErrors[static_cast<size_t>(ErrorCode::kInternalServerException)];
}

}  // namespace

std::string_view errorName(ErrorCode code) { return info(code).name; }

int httpStatus(ErrorCode code, Protocol protocol) {
  const auto& e = info(code);
  return protocol == Protocol::kRestJson1 ? e.rest_status : e.json_status;
}

bool isServerError(ErrorCode code) { return info(code).rest_status >= 500; }

}  // namespace trailbox::api
