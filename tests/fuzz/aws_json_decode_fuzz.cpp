// fuzz_aws_json_decode: CloudTrail's awsJson1_1 request decoding on its own - the X-Amz-Target
// header (resolveTarget, targetsService), the JSON body (decodeAwsJson: parsing, JSON types,
// constraint violations) and the lowerCamelCase record of the input.
//
// Input: an HTTP/1.1 request (fuzz::parseHttp); the x-amz-target header and the body are used.
// A request without the header is decoded as LookupEvents, so bodies alone exercise decoding.
//
// Checked: a resolved target names this service and an operation it has; a decoded input has
// no type violations, hides every sensitive member in its record, and the record's members are
// the input's, lowerCamelCase; a failure is SerializationException; response bodies (ok and
// error) are valid JSON.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/protocol/aws_json.hpp"
#include "harness.hpp"

using trailbox::api::ErrorCode;
using trailbox::api::Json;
using trailbox::fuzz::printable;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  trailbox::fuzz::cloudTrailModel();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  trailbox::api::Request request = trailbox::fuzz::parseHttp(input);
  const trailbox::api::ServiceModel& model = trailbox::fuzz::cloudTrailModel();
  const char* kRequestId = "00000000-0000-4000-8000-000000000000";

  const trailbox::api::Operation* op = nullptr;
  if (request.hasHeader("x-amz-target")) {
    std::string_view target = request.header("x-amz-target");
    auto resolved = trailbox::api::resolveTarget(model, target);
    bool ours = trailbox::api::targetsService(model, target);
    if (!resolved.ok()) {
      FUZZ_CHECK(resolved.error().code == ErrorCode::kUnknownOperationException,
                 "resolveTarget failed with " + std::string(trailbox::api::errorName(resolved.error().code)));
      auto r = trailbox::api::awsJsonError(resolved.error(), kRequestId);
      FUZZ_CHECK(trailbox::fuzz::isValidJson(r.body), "error body is not JSON: " + printable(r.body));
      return 0;
    }
    FUZZ_CHECK(ours, "resolved a target that does not name the service: " + printable(target));
    op = *resolved;
    FUZZ_CHECK(op != nullptr, "resolveTarget returned null");
    std::string_view name = target.substr(target.rfind('.') + 1);
    FUZZ_CHECK(op->name == name, "target " + printable(target) + " resolved to " + op->name);
  } else {
    op = model.operation("LookupEvents");
    FUZZ_CHECK(op != nullptr, "the model has no LookupEvents");
  }

  std::vector<trailbox::api::Violation> violations;
  auto decoded = trailbox::api::decodeAwsJson(*op, request.body, violations);
  if (!decoded.ok()) {
    const auto& e = decoded.error();
    FUZZ_CHECK(e.code == ErrorCode::kSerializationException,
               op->name + ": unexpected error " + std::string(trailbox::api::errorName(e.code)) + ": " + e.message);
    auto r = trailbox::api::awsJsonError(e, kRequestId);
    FUZZ_CHECK(r.status == 400, op->name + ": decode error status " + std::to_string(r.status));
    FUZZ_CHECK(trailbox::fuzz::isValidJson(r.body), "error body is not JSON: " + printable(r.body));
    return 0;
  }
  FUZZ_CHECK(decoded->input.is_object(), op->name + ": decoded input is not an object");
  for (const auto& v : violations) {
    FUZZ_CHECK(!v.type_error, op->name + ": decoded despite a type error: " + v.message);
    FUZZ_CHECK(!v.message.empty(), op->name + ": violation without a message at " + v.path);
  }
  if (!violations.empty()) {
    auto e = trailbox::api::toError(violations);
    FUZZ_CHECK(e.code == ErrorCode::kValidationException, "toError of constraint violations is not a ValidationException");
    FUZZ_CHECK(e.message.size() <= 1024, "validation message longer than the model allows");
  }
  for (auto it = decoded->input.begin(); it != decoded->input.end(); ++it) {
    FUZZ_CHECK(!it.value().is_null(), op->name + ": explicit null kept for " + it.key());
  }
  if (op->input) {
    trailbox::fuzz::checkRedacted(decoded->recorded, *op->input, op->name, true);
    // The record holds the input's known members, renamed.
    FUZZ_CHECK(decoded->recorded.is_object(), op->name + ": record is not an object");
    for (auto it = decoded->recorded.begin(); it != decoded->recorded.end(); ++it) {
      std::string key = it.key();
      FUZZ_CHECK(!key.empty() && !(key[0] >= 'A' && key[0] <= 'Z'), op->name + ": record member not lowerCamelCase: " + key);
    }
    Json camel = trailbox::api::lowerCamelMembers(decoded->input, *op->input);
    FUZZ_CHECK(camel.size() == decoded->recorded.size(),
               op->name + ": record has " + std::to_string(decoded->recorded.size()) + " members, the input " +
                   std::to_string(camel.size()));
  }
  std::string text = trailbox::api::dumpJson(decoded->recorded);
  FUZZ_CHECK(trailbox::fuzz::isValidJson(text), "record serializes to invalid JSON: " + printable(text));
  auto ok = trailbox::api::awsJsonOk(decoded->input, kRequestId);
  FUZZ_CHECK(trailbox::fuzz::isValidJson(ok.body), "awsJsonOk body is not JSON: " + printable(ok.body));
  return 0;
}
