#include "api/aws_error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace trailbox::api {
namespace {

constexpr int kFirstCode = static_cast<int>(ErrorCode::kSerializationException);
constexpr int kLastCode = static_cast<int>(ErrorCode::kCloudTrailInvalidClientTokenIdException);

std::vector<ErrorCode> allCodes() {
  std::vector<ErrorCode> out;
  for (int i = kFirstCode; i <= kLastCode; ++i) out.push_back(static_cast<ErrorCode>(i));
  return out;
}

// The client errors modeled by CloudTrail (all answered as 400 with __type).
const std::vector<ErrorCode> kCloudTrailClientErrors = {
    ErrorCode::kInvalidLookupAttributesException,
    ErrorCode::kInvalidTimeRangeException,
    ErrorCode::kInvalidMaxResultsException,
    ErrorCode::kInvalidNextTokenException,
    ErrorCode::kInvalidEventCategoryException,
    ErrorCode::kTrailNotFoundException,
    ErrorCode::kTrailAlreadyExistsException,
    ErrorCode::kInvalidTrailNameException,
    ErrorCode::kS3BucketDoesNotExistException,
    ErrorCode::kInvalidS3PrefixException,
    ErrorCode::kMaximumNumberOfTrailsExceededException,
    ErrorCode::kInvalidParameterCombinationException,
    ErrorCode::kInvalidParameterException,
    ErrorCode::kInvalidHomeRegionException,
    ErrorCode::kCloudTrailARNInvalidException,
    ErrorCode::kInvalidEventSelectorsException,
    ErrorCode::kInvalidTagParameterException,
    ErrorCode::kTagsLimitExceededException,
    ErrorCode::kResourceTypeNotSupportedException,
    ErrorCode::kOperationNotPermittedException,
    ErrorCode::kUnsupportedOperationException,
    ErrorCode::kInvalidKmsKeyIdException,
    ErrorCode::kCloudTrailInvalidClientTokenIdException,
};

TEST(AwsError, EveryCodeHasANonEmptyUniqueName) {
  std::set<std::string> names;
  for (ErrorCode code : allCodes()) {
    std::string name(errorName(code));
    EXPECT_FALSE(name.empty()) << static_cast<int>(code);
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name << " for code " << static_cast<int>(code);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kLastCode - kFirstCode + 1));
}

TEST(AwsError, NamesAreBareWireIdentifiers) {
  for (ErrorCode code : allCodes()) {
    std::string name(errorName(code));
    for (char c : name) {
      EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << name;
    }
    bool exception_suffix = name.size() > 9 && name.compare(name.size() - 9, 9, "Exception") == 0;
    EXPECT_TRUE(exception_suffix || name == "InternalFailure") << name;
  }
}

TEST(AwsError, NamesMatchTheirCodes) {
  EXPECT_EQ(errorName(ErrorCode::kSerializationException), "SerializationException");
  EXPECT_EQ(errorName(ErrorCode::kUnknownOperationException), "UnknownOperationException");
  EXPECT_EQ(errorName(ErrorCode::kIncompleteSignatureException), "IncompleteSignatureException");
  EXPECT_EQ(errorName(ErrorCode::kValidationException), "ValidationException");
  EXPECT_EQ(errorName(ErrorCode::kResourceNotFoundException), "ResourceNotFoundException");
  EXPECT_EQ(errorName(ErrorCode::kConflictException), "ConflictException");
  EXPECT_EQ(errorName(ErrorCode::kServiceQuotaExceededException), "ServiceQuotaExceededException");
  EXPECT_EQ(errorName(ErrorCode::kInternalServerException), "InternalServerException");
  EXPECT_EQ(errorName(ErrorCode::kInternalFailure), "InternalFailure");
  EXPECT_EQ(errorName(ErrorCode::kInvalidLookupAttributesException), "InvalidLookupAttributesException");
  EXPECT_EQ(errorName(ErrorCode::kTrailNotFoundException), "TrailNotFoundException");
  EXPECT_EQ(errorName(ErrorCode::kCloudTrailARNInvalidException), "CloudTrailARNInvalidException");
  EXPECT_EQ(errorName(ErrorCode::kCloudTrailInvalidClientTokenIdException), "CloudTrailInvalidClientTokenIdException");
}

TEST(AwsError, RestJsonStatusesFollowTheEmrServerlessModel) {
  EXPECT_EQ(httpStatus(ErrorCode::kValidationException, Protocol::kRestJson1), 400);
  EXPECT_EQ(httpStatus(ErrorCode::kResourceNotFoundException, Protocol::kRestJson1), 404);
  EXPECT_EQ(httpStatus(ErrorCode::kConflictException, Protocol::kRestJson1), 409);
  EXPECT_EQ(httpStatus(ErrorCode::kServiceQuotaExceededException, Protocol::kRestJson1), 402);
  EXPECT_EQ(httpStatus(ErrorCode::kInternalServerException, Protocol::kRestJson1), 500);
  EXPECT_EQ(httpStatus(ErrorCode::kSerializationException, Protocol::kRestJson1), 400);
}

TEST(AwsError, EveryCloudTrailClientErrorIs400UnderAwsJson) {
  for (ErrorCode code : kCloudTrailClientErrors) {
    EXPECT_EQ(httpStatus(code, Protocol::kAwsJson11), 400) << errorName(code);
    EXPECT_FALSE(isServerError(code)) << errorName(code);
  }
  EXPECT_EQ(httpStatus(ErrorCode::kSerializationException, Protocol::kAwsJson11), 400);
  EXPECT_EQ(httpStatus(ErrorCode::kUnknownOperationException, Protocol::kAwsJson11), 400);
  EXPECT_EQ(httpStatus(ErrorCode::kThrottlingException, Protocol::kAwsJson11), 400);
}

TEST(AwsError, ServerErrorsAre5xxUnderBothProtocols) {
  EXPECT_TRUE(isServerError(ErrorCode::kInternalServerException));
  EXPECT_TRUE(isServerError(ErrorCode::kInternalFailure));
  EXPECT_EQ(httpStatus(ErrorCode::kInternalFailure, Protocol::kAwsJson11), 500);
  EXPECT_EQ(httpStatus(ErrorCode::kInternalServerException, Protocol::kAwsJson11), 500);
  EXPECT_FALSE(isServerError(ErrorCode::kValidationException));
  EXPECT_FALSE(isServerError(ErrorCode::kThrottlingException));
  for (ErrorCode code : allCodes()) {
    int rest = httpStatus(code, Protocol::kRestJson1);
    int json = httpStatus(code, Protocol::kAwsJson11);
    EXPECT_GE(rest, 400) << errorName(code);
    EXPECT_LT(rest, 600) << errorName(code);
    EXPECT_GE(json, 400) << errorName(code);
    EXPECT_LT(json, 600) << errorName(code);
    EXPECT_EQ(isServerError(code), rest >= 500) << errorName(code);
  }
}

TEST(AwsError, SignatureErrorsAre403) {
  for (ErrorCode code : {ErrorCode::kIncompleteSignatureException, ErrorCode::kInvalidSignatureException,
                         ErrorCode::kUnrecognizedClientException, ErrorCode::kMissingAuthenticationTokenException}) {
    EXPECT_EQ(httpStatus(code, Protocol::kRestJson1), 403) << errorName(code);
    EXPECT_EQ(httpStatus(code, Protocol::kAwsJson11), 403) << errorName(code);
  }
}

TEST(AwsError, DefaultErrorIsInternalServerException) {
  AwsError e;
  EXPECT_EQ(e.code, ErrorCode::kInternalServerException);
  EXPECT_TRUE(e.message.empty());
}

}  // namespace
}  // namespace trailbox::api
