#pragma once

// restJson1 (EMR Serverless): operations are chosen by HTTP method and path template from the
// model; inputs come from path labels, query parameters and a JSON body; errors carry the
// model's status, an x-amzn-ErrorType header and {"message": ...}.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_types.hpp"
#include "api/json.hpp"
#include "api/model/shape_model.hpp"
#include "api/protocol/url.hpp"
#include "api/result.hpp"

namespace trailbox::api {

struct RouteMatch {
  const Operation* operation = nullptr;
  std::vector<std::pair<std::string, std::string>> labels;  // decoded values
};

// Thread-safe after construction (read-only).
class RestJsonRouter {
 public:
  explicit RestJsonRouter(const ServiceModel& model);

  enum class Miss { kNone, kNoPath, kWrongMethod };
  // Finds the operation for `method` and the raw (encoded) `path`. Path labels match exactly one
  // segment and are percent-decoded after matching, so "%2F" inside an ARN stays in its label.
  std::optional<RouteMatch> match(std::string_view method, std::string_view path, Miss& miss) const;
  // True when `path` falls under one of this service's path prefixes (e.g. /applications).
  bool ownsPath(std::string_view path) const;

 private:
  struct Route {
    const Operation* operation;
    std::vector<std::string> segments;  // literal, or "{label}"
  };
  std::vector<Route> routes_;
};

// The operation input assembled from a request: `input` with typed values for the handler and
// `recorded` with what was actually sent (sensitive members hidden) for the CloudTrail record.
struct DecodedInput {
  Json input = Json::object();
  Json recorded = Json::object();
};

// Decodes and validates. Errors: SerializationException (body is not a JSON object, wrong JSON
// types, nesting deeper than `max_json_depth`), ValidationException (constraints, unparseable
// query values).
Result<DecodedInput> decodeRestJson(const Operation& op, const RouteMatch& match, const QueryParams& query,
                                    const std::string& body, int max_json_depth = kDefaultMaxJsonDepth);

// What a request that failed decoding still sent, for its CloudTrail record: the labels, query
// values and body members that could be read (sensitive ones hidden); null when nothing was.
Json recordedParameters(const Operation& op, const RouteMatch& match, const QueryParams& query,
                        const std::string& body, int max_json_depth = kDefaultMaxJsonDepth);

// Pre-scan for JSON nesting deeper than `max_depth`; such bodies are refused before parsing.
bool jsonDepthWithin(std::string_view text, int max_depth);

Response restJsonOk(const Json& output, const std::string& request_id);
Response restJsonError(const AwsError& error, const std::string& request_id);

}  // namespace trailbox::api
