#include "api/protocol/rest_json.hpp"

#include <charconv>

#include "api/clock.hpp"
#include "api/model/validator.hpp"

namespace trailbox::api {
namespace {


bool isLabel(const std::string& segment) { return segment.size() > 2 && segment.front() == '{' && segment.back() == '}'; }

std::string labelName(const std::string& segment) {
  std::string name = segment.substr(1, segment.size() - 2);
  if (!name.empty() && name.back() == '+') name.pop_back();
  return name;
}

bool parseInteger(const std::string& text, int64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Converts one query member to its typed value; returns an error message when it cannot.
std::optional<std::string> queryValue(const Member& m, const std::vector<std::string>& values, Json& typed,
                                      Json& recorded) {
  const Shape& shape = *m.shape;
  const std::string& first = values.front();
  switch (shape.type) {
    case Shape::Type::kList:
      typed = Json::array();
      for (const auto& v : values) typed.push_back(v);
      recorded = typed;
      return std::nullopt;
    case Shape::Type::kInteger:
    case Shape::Type::kLong: {
      int64_t n = 0;
      if (!parseInteger(first, n)) return "Member must be an integer";
      if (shape.type == Shape::Type::kInteger && (n > 2147483647 || n < -2147483648LL)) {
        return "Member must be an integer";
      }
      typed = n;
      recorded = n;
      return std::nullopt;
    }
    case Shape::Type::kBoolean:
      if (first != "true" && first != "false") return "Member must be a boolean (true or false)";
      typed = first == "true";
      recorded = typed;
      return std::nullopt;
    case Shape::Type::kTimestamp: {
      int64_t ms = 0;
      if (!parseIso8601(first, ms)) return "Member must be an ISO 8601 timestamp such as 2024-01-02T03:04:05Z";
      typed = epochSeconds(ms);
      recorded = first;
      return std::nullopt;
    }
    default:
      typed = first;
      recorded = first;
      return std::nullopt;
  }
}

}  // namespace

RestJsonRouter::RestJsonRouter(const ServiceModel& model) {
  for (const auto& op : model.operations()) {
    Route r{&op, {}};
    std::string uri = op.request_uri.substr(0, op.request_uri.find('?'));
    for (auto seg : pathSegments(uri)) r.segments.emplace_back(seg);
    routes_.push_back(std::move(r));
  }
}

bool RestJsonRouter::ownsPath(std::string_view path) const {
  auto segments = pathSegments(path);
  if (segments.empty()) return false;
  for (const auto& r : routes_) {
    if (!r.segments.empty() && !isLabel(r.segments[0]) && r.segments[0] == segments[0]) return true;
  }
  return false;
}

std::optional<RouteMatch> RestJsonRouter::match(std::string_view method, std::string_view path, Miss& miss) const {
  miss = Miss::kNoPath;
  auto segments = pathSegments(path);
  for (const auto& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      ok = isLabel(r.segments[i]) ? !segments[i].empty() : r.segments[i] == segments[i];
    }
    if (!ok) continue;
    if (r.operation->method != method) {
      miss = Miss::kWrongMethod;
      continue;
    }
    RouteMatch m{r.operation, {}};
    for (size_t i = 0; i < segments.size(); ++i) {
      if (!isLabel(r.segments[i])) continue;
      std::string decoded;
      if (!percentDecode(segments[i], decoded)) decoded = std::string(segments[i]);
      m.labels.emplace_back(labelName(r.segments[i]), std::move(decoded));
    }
    miss = Miss::kNone;
    return m;
  }
  return std::nullopt;
}

bool jsonDepthWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

namespace {

// Fills `out` from labels, query and body as far as they can be read; returns the first
// serialization problem, if any. Query values that cannot be converted are recorded as sent and
// reported in `query_problems`.
std::optional<AwsError> decodeParts(const Shape& input_shape, const RouteMatch& match, const QueryParams& query,
                                    const std::string& body, int max_json_depth, DecodedInput& out,
                                    std::vector<Violation>& query_problems) {
  for (const auto& m : input_shape.members) {
    if (m.location != "uri") continue;
    for (const auto& [name, value] : match.labels) {
      if (name == m.location_name) {
        out.input[m.name] = value;
        out.recorded[m.name] = value;
      }
    }
  }
  for (const auto& m : input_shape.members) {
    if (m.location != "querystring") continue;
    std::vector<std::string> values;
    for (const auto& [k, v] : query) {
      if (k == m.location_name) values.push_back(v);
    }
    if (values.empty()) continue;
    Json typed, recorded;
    if (auto problem = queryValue(m, values, typed, recorded)) {
      query_problems.push_back(
          {m.name, "Value '" + values.front() + "' at '" + m.name + "' failed to satisfy constraint: " + *problem, false});
      out.recorded[m.name] = values.size() == 1 ? Json(values.front()) : Json(values);
      continue;
    }
    out.input[m.name] = std::move(typed);
    out.recorded[m.name] = std::move(recorded);
  }
  bool has_body_members = false;
  for (const auto& m : input_shape.members) has_body_members = has_body_members || m.location.empty();
  bool blank = body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (!has_body_members || blank) return std::nullopt;
  if (!jsonDepthWithin(body, max_json_depth)) {
    return AwsError{ErrorCode::kSerializationException,
                    "The request body nests JSON deeper than " + std::to_string(max_json_depth) + " levels"};
  }
  Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    return AwsError{ErrorCode::kSerializationException, "The request body is not valid JSON (or not valid UTF-8)"};
  }
  if (!parsed.is_object()) return AwsError{ErrorCode::kSerializationException, "The request body must be a JSON object"};
  // Body members are taken in the order the client sent them; unknown members are ignored, as
  // AWS does, and not recorded.
  for (auto it = parsed.begin(); it != parsed.end(); ++it) {
    const Member* m = input_shape.findMember(it.key());
    if (!m || !m->location.empty() || it.value().is_null()) continue;
    out.input[m->name] = it.value();
    out.recorded[m->name] = it.value();
  }
  return std::nullopt;
}

}  // namespace

Result<DecodedInput> decodeRestJson(const Operation& op, const RouteMatch& match, const QueryParams& query,
                                    const std::string& body, int max_json_depth) {
  DecodedInput out;
  if (!op.input) return out;
  const Shape& input_shape = *op.input;
  std::vector<Violation> query_problems;
  if (auto problem = decodeParts(input_shape, match, query, body, max_json_depth, out, query_problems)) {
    return store::Unexpected<AwsError>(std::move(*problem));
  }
  auto violations = validate(out.input, input_shape);
  violations.insert(violations.begin(), query_problems.begin(), query_problems.end());
  if (!violations.empty()) return store::Unexpected<AwsError>(toError(violations));
  out.recorded = redact(out.recorded, input_shape);
  return out;
}

Json recordedParameters(const Operation& op, const RouteMatch& match, const QueryParams& query,
                        const std::string& body, int max_json_depth) {
  if (!op.input) return Json();
  DecodedInput out;
  std::vector<Violation> ignored;
  (void)decodeParts(*op.input, match, query, body, max_json_depth, out, ignored);
  if (out.recorded.empty()) return Json();
  return redact(out.recorded, *op.input);
}

Response restJsonOk(const Json& output, const std::string& request_id) {
  Response r;
  r.status = 200;
  r.body = dumpJson(output.is_null() ? Json::object() : output);
  r.headers = {{"Content-Type", "application/json"}, {"x-amzn-RequestId", request_id}};
  r.request_id = request_id;
  return r;
}

Response restJsonError(const AwsError& error, const std::string& request_id) {
  Response r;
  r.status = httpStatus(error.code, Protocol::kRestJson1);
  r.body = dumpJson(Json{{"message", error.message}});
  r.headers = {{"Content-Type", "application/json"},
               {"x-amzn-RequestId", request_id},
               {"x-amzn-ErrorType", std::string(errorName(error.code))}};
  r.error_code = std::string(errorName(error.code));
  r.request_id = request_id;
  return r;
}

}  // namespace trailbox::api
