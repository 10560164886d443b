#include "api/protocol/aws_json.hpp"

#include <cctype>

#include "api/model/validator.hpp"
#include "api/protocol/rest_json.hpp"

namespace trailbox::api {
namespace {


std::string lowerCamel(const std::string& name) {
  std::string out = name;
  // "EventName" -> "eventName", "S3BucketName" -> "s3BucketName", "KMSKeyId" -> "kMSKeyId"
  // (CloudTrail lower-cases only the first letter).
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

// CloudTrail records request members in lowerCamelCase whatever their wire spelling.
Json recordedForm(const Json& value, const Shape& shape) {
  switch (shape.type) {
    case Shape::Type::kStructure: {
      if (!value.is_object()) return value;
      Json out = Json::object();
      for (auto it = value.begin(); it != value.end(); ++it) {
        const Member* m = shape.findMember(it.key());
        if (!m) continue;
        out[lowerCamel(it.key())] = recordedForm(it.value(), *m->shape);
      }
      return out;
    }
    case Shape::Type::kList: {
      if (!value.is_array() || !shape.member) return value;
      Json out = Json::array();
      for (const auto& v : value) out.push_back(recordedForm(v, *shape.member));
      return out;
    }
    default:
      return value;
  }
}

}  // namespace

bool targetsService(const ServiceModel& model, std::string_view target) {
  auto dot = target.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string_view prefix = target.substr(0, dot);
  const std::string& full = model.targetPrefix();
  std::string_view short_form = std::string_view(full).substr(full.rfind('.') + 1);
  return prefix == full || prefix == short_form;
}

Result<const Operation*> resolveTarget(const ServiceModel& model, std::string_view target) {
  if (!targetsService(model, target)) {
    return fail(ErrorCode::kUnknownOperationException,
                "X-Amz-Target '" + std::string(target) + "' does not name an operation of this service");
  }
  std::string name(target.substr(target.rfind('.') + 1));
  const Operation* op = model.operation(name);
  if (!op) return fail(ErrorCode::kUnknownOperationException, "Unknown operation " + name);
  return op;
}

Result<JsonInput> decodeAwsJson(const Operation& op, const std::string& body, std::vector<Violation>& violations,
                                int max_json_depth) {
  JsonInput out;
  bool blank = body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (!blank) {
    if (!jsonDepthWithin(body, max_json_depth)) {
      return fail(ErrorCode::kSerializationException,
                  "The request body nests JSON deeper than " + std::to_string(max_json_depth) + " levels");
    }
    Json parsed = Json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
      return fail(ErrorCode::kSerializationException, "The request body is not valid JSON (or not valid UTF-8)");
    }
    if (!parsed.is_object()) return fail(ErrorCode::kSerializationException, "The request body must be a JSON object");
    // Drop explicit nulls: the SDKs never send them and they mean "absent".
    for (auto it = parsed.begin(); it != parsed.end(); ++it) {
      if (!it.value().is_null()) out.input[it.key()] = it.value();
    }
  }
  if (!op.input) return out;
  violations = validate(out.input, *op.input);
  for (const auto& v : violations) {
    if (v.type_error) return fail(ErrorCode::kSerializationException, v.message);
  }
  out.recorded = recordedForm(redact(out.input, *op.input), *op.input);
  return out;
}

Json lowerCamelMembers(const Json& value, const Shape& shape) { return recordedForm(value, shape); }

Response awsJsonOk(const Json& output, const std::string& request_id) {
  Response r;
  r.status = 200;
  r.body = dumpJson(output.is_null() ? Json::object() : output);
  r.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"x-amzn-RequestId", request_id}};
  r.request_id = request_id;
  return r;
}

Response awsJsonError(const AwsError& error, const std::string& request_id) {
  Response r;
  r.status = httpStatus(error.code, Protocol::kAwsJson11);
  r.body = dumpJson(Json{{"__type", std::string(errorName(error.code))}, {"Message", error.message}});
  r.headers = {{"Content-Type", "application/x-amz-json-1.1"},
               {"x-amzn-RequestId", request_id},
               {"x-amzn-ErrorType", std::string(errorName(error.code))}};
  r.error_code = std::string(errorName(error.code));
  r.request_id = request_id;
  return r;
}

}  // namespace trailbox::api
