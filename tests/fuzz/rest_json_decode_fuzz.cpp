// fuzz_rest_json_decode: EMR Serverless' restJson1 request decoding on its own - routing by method
// and path (RestJsonRouter::match), labels, query parameters and body (decodeRestJson) and the
// parameters a failed call still records (recordedParameters).
//
// Input: an HTTP/1.1 request (fuzz::parseHttp); the method, the request-target and the body are
// used, headers are ignored (restJson1 takes no input from headers in this model).
//
// Checked: a matched path is owned by the service; labels are the path's segments decoded; a
// decoded input conforms to the model (validate() finds nothing) and its record hides every
// sensitive member; errors are SerializationException or ValidationException with a message,
// and their response bodies are valid JSON; recorded parameters are null or an object that
// serializes to valid JSON and hides sensitive members too.

#include <cstdint>
#include <string>
#include <string_view>

#include "api/protocol/rest_json.hpp"
#include "api/protocol/url.hpp"
#include "harness.hpp"

using trailbox::api::ErrorCode;
using trailbox::api::Json;
using trailbox::fuzz::printable;

namespace {

const trailbox::api::RestJsonRouter& routes() {
  static const auto* r = new trailbox::api::RestJsonRouter(trailbox::fuzz::emrModel());
  return *r;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  routes();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  trailbox::api::Request request = trailbox::fuzz::parseHttp(input);
  trailbox::api::Target target = trailbox::api::splitTarget(request.target);
  trailbox::api::QueryParams query;
  // The router answers a malformed query string before routing.
  if (!trailbox::api::parseQuery(target.query, query)) return 0;

  trailbox::api::RestJsonRouter::Miss miss;
  auto match = routes().match(request.method, target.path, miss);
  bool owned = routes().ownsPath(target.path);
  std::string what = printable(request.method) + " " + printable(request.target);
  if (!match) {
    FUZZ_CHECK(miss != trailbox::api::RestJsonRouter::Miss::kNone, "no match but miss == kNone: " + what);
    if (miss == trailbox::api::RestJsonRouter::Miss::kWrongMethod) {
      FUZZ_CHECK(owned, "a path some operation matches is not owned: " + what);
    }
    return 0;
  }
  FUZZ_CHECK(miss == trailbox::api::RestJsonRouter::Miss::kNone, "match with a miss: " + what);
  FUZZ_CHECK(owned, "matched path not owned by the service: " + what);
  const trailbox::api::Operation& op = *match->operation;
  FUZZ_CHECK(op.method == request.method, "operation " + op.name + " matched for method " + what);

  auto decoded = trailbox::api::decodeRestJson(op, *match, query, request.body);
  Json recorded = trailbox::api::recordedParameters(op, *match, query, request.body);
  FUZZ_CHECK(recorded.is_null() || recorded.is_object(), "recordedParameters is neither null nor an object");
  std::string recorded_text = trailbox::api::dumpJson(recorded);
  FUZZ_CHECK(trailbox::fuzz::isValidJson(recorded_text), "recorded parameters serialize to invalid JSON: " +
                                                             printable(recorded_text));
  if (op.input) trailbox::fuzz::checkRedacted(recorded, *op.input, op.name, false);

  if (decoded.ok()) {
    if (op.input) {
      auto violations = trailbox::api::validate(decoded->input, *op.input);
      FUZZ_CHECK(violations.empty(), op.name + ": decoded input breaks the model: " + violations.front().message +
                                         "\n" + what + " body " + printable(request.body));
      trailbox::fuzz::checkRedacted(decoded->recorded, *op.input, op.name, false);
      // Every label the route has is part of the input.
      for (const auto& [name, value] : match->labels) {
        bool found = false;
        for (const auto& m : op.input->members) {
          if (m.location == "uri" && m.location_name == name) found = decoded->input.contains(m.name);
        }
        FUZZ_CHECK(found, op.name + ": label " + name + " missing from the decoded input: " + what);
      }
    }
    std::string text = trailbox::api::dumpJson(decoded->recorded);
    FUZZ_CHECK(trailbox::fuzz::isValidJson(text), "recorded input serializes to invalid JSON: " + printable(text));
    auto ok = trailbox::api::restJsonOk(decoded->input, "00000000-0000-4000-8000-000000000000");
    FUZZ_CHECK(trailbox::fuzz::isValidJson(ok.body), "restJsonOk body is not JSON: " + printable(ok.body));
  } else {
    const auto& e = decoded.error();
    FUZZ_CHECK(e.code == ErrorCode::kSerializationException || e.code == ErrorCode::kValidationException,
               op.name + ": unexpected error " + std::string(trailbox::api::errorName(e.code)) + ": " + e.message);
    FUZZ_CHECK(!e.message.empty(), op.name + ": error without a message");
    if (e.code == ErrorCode::kValidationException) {
      FUZZ_CHECK(e.message.size() <= 1024, op.name + ": validation message longer than the model allows");
    }
    auto r = trailbox::api::restJsonError(e, "00000000-0000-4000-8000-000000000000");
    FUZZ_CHECK(r.status == 400, op.name + ": decode error status " + std::to_string(r.status));
    FUZZ_CHECK(trailbox::fuzz::isValidJson(r.body), "error body is not JSON: " + printable(r.body));
  }
  return 0;
}
