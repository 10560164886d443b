#pragma once

// awsJson1_1 (CloudTrail): POST / with X-Amz-Target "<targetPrefix>.<Operation>" (botocore, CLI)
// or "<ServiceName>.<Operation>" (JS SDK v3), a JSON object body, and errors as 400 with
// {"__type": ..., "Message": ...} in the body.

#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "api/json.hpp"
#include "api/model/shape_model.hpp"
#include "api/model/validator.hpp"
#include "api/result.hpp"

namespace trailbox::api {

// Returns the operation named by `target`, or UnknownOperationException.
Result<const Operation*> resolveTarget(const ServiceModel& model, std::string_view target);

// True when `target` names this model's service (either prefix form), whatever the operation.
bool targetsService(const ServiceModel& model, std::string_view target);

struct JsonInput {
  Json input = Json::object();     // as sent (absent body = {})
  Json recorded = Json::object();  // lowerCamelCase member names, sensitive values hidden
};

// Parses the body and checks JSON types (SerializationException). Constraint violations are
// returned in `violations` rather than failing, because CloudTrail maps them to
// operation-specific exceptions.
// Bodies nesting deeper than `max_json_depth` are a SerializationException.
Result<JsonInput> decodeAwsJson(const Operation& op, const std::string& body, std::vector<Violation>& violations,
                                int max_json_depth = kDefaultMaxJsonDepth);

// `value` with every structure member renamed to lowerCamelCase, recursively, as CloudTrail records
// the requests and responses of its own (UpperCamelCase) API.
Json lowerCamelMembers(const Json& value, const Shape& shape);

Response awsJsonOk(const Json& output, const std::string& request_id);
Response awsJsonError(const AwsError& error, const std::string& request_id);

}  // namespace trailbox::api
