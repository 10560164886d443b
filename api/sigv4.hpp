#pragma once

// Signature Version 4 verification (strict mode): recomputes a request's signature from the
// secret key and compares it with the one the client sent, for both the Authorization header and
// the presigned query-string form.

#include <cstdint>
#include <string>

#include "api/http_types.hpp"
#include "api/identity.hpp"
#include "api/result.hpp"

namespace trailbox::api {

// Returns ok when `request` carries a valid signature for `scope` made with `secret_key`.
// Errors (all HTTP 403): InvalidSignatureException for a wrong signature, a malformed or
// missing X-Amz-Date, or a date more than 15 minutes from `wall_clock_ms` (or past a presigned
// URL's X-Amz-Expires); IncompleteSignatureException when a signed header is missing.
Status verifySigV4(const Request& request, const SigV4Scope& scope, const std::string& secret_key,
                   int64_t wall_clock_ms);

// The pieces of the computation, exposed for tests.
std::string canonicalRequest(const Request& request, const SigV4Scope& scope);
std::string signingKey(const std::string& secret_key, const std::string& date, const std::string& region,
                       const std::string& service);

}  // namespace trailbox::api
