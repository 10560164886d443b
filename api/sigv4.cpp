#include "api/sigv4.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "api/crypto.hpp"
#include "api/protocol/url.hpp"

namespace trailbox::api {
namespace {

constexpr int64_t kMaxSkewMs = 15 * 60 * 1000;

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

std::string uriEncode(std::string_view in, bool keep_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size() * 3);
  for (unsigned char c : in) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string canonicalUri(std::string_view raw_path) {
  // Both SDKs drop empty and "." segments and resolve ".." before escaping the (already
  // percent-encoded) path once more.
  std::vector<std::string_view> segments;
  for (auto seg : pathSegments(raw_path)) {
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(seg);
  }
  std::string path = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i) path += "/";
    path += segments[i];
  }
  if (raw_path.size() > 1 && raw_path.back() == '/' && !segments.empty()) path += "/";
  return uriEncode(path, true);
}

std::string canonicalQuery(std::string_view raw_query, bool presigned) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t pos = 0;
  while (pos < raw_query.size()) {
    size_t amp = raw_query.find('&', pos);
    if (amp == std::string_view::npos) amp = raw_query.size();
    std::string_view item = raw_query.substr(pos, amp - pos);
    pos = amp + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string key, value;
    if (!percentDecode(item.substr(0, eq), key)) key = std::string(item.substr(0, eq));
    std::string_view raw_value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    if (!percentDecode(raw_value, value)) value = std::string(raw_value);
    if (presigned && key == "X-Amz-Signature") continue;
    params.emplace_back(uriEncode(key, false), uriEncode(value, false));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

std::string collapse(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t next = s.find(sep, pos);
    if (next == std::string::npos) next = s.size();
    if (next > pos) out.push_back(s.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

std::string queryParam(std::string_view raw_query, std::string_view key) {
  QueryParams q;
  parseQuery(raw_query, q);
  for (const auto& [k, v] : q) {
    if (k == key) return v;
  }
  return {};
}

bool parseAmzDate(const std::string& s, int64_t& ms) {
  // YYYYMMDD'T'HHMMSS'Z'
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return false;
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && (s[i] < '0' || s[i] > '9')) return false;
  }
  std::tm tm{};
  tm.tm_year = std::atoi(s.substr(0, 4).c_str()) - 1900;
  tm.tm_mon = std::atoi(s.substr(4, 2).c_str()) - 1;
  tm.tm_mday = std::atoi(s.substr(6, 2).c_str());
  tm.tm_hour = std::atoi(s.substr(9, 2).c_str());
  tm.tm_min = std::atoi(s.substr(11, 2).c_str());
  tm.tm_sec = std::atoi(s.substr(13, 2).c_str());
  ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  return true;
}

}  // namespace

std::string signingKey(const std::string& secret_key, const std::string& date, const std::string& region,
                       const std::string& service) {
  std::string k = hmacSha256("AWS4" + secret_key, date);
  k = hmacSha256(k, region);
  k = hmacSha256(k, service);
  return hmacSha256(k, "aws4_request");
}

std::string canonicalRequest(const Request& request, const SigV4Scope& scope) {
  Target target = splitTarget(request.target);
  std::string headers;
  for (const auto& name : split(scope.signed_headers, ';')) {
    std::string values;
    for (const auto& [k, v] : request.headers) {
      if (k != name) continue;
      if (!values.empty()) values += ',';
      values += collapse(v);
    }
    headers += name + ":" + values + "\n";
  }
  std::string payload(request.header("x-amz-content-sha256"));
  if (payload.empty()) payload = hexEncode(sha256(request.body));
  return request.method + "\n" + canonicalUri(target.path) + "\n" + canonicalQuery(target.query, scope.presigned) +
         "\n" + headers + "\n" + scope.signed_headers + "\n" + payload;
}

Status verifySigV4(const Request& request, const SigV4Scope& scope, const std::string& secret_key,
                   int64_t wall_clock_ms) {
  Target target = splitTarget(request.target);
  std::string amz_date = scope.presigned ? queryParam(target.query, "X-Amz-Date")
                                         : std::string(request.header("x-amz-date"));
  int64_t signed_at = 0;
  if (!parseAmzDate(amz_date, signed_at)) {
    return fail(ErrorCode::kInvalidSignatureException,
                "X-Amz-Date must be present in the form YYYYMMDD'T'HHMMSS'Z', got '" + amz_date + "'");
  }
  if (amz_date.substr(0, 8) != scope.date) {
    return fail(ErrorCode::kInvalidSignatureException,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                    scope.date + "' != '" + amz_date.substr(0, 8) + "'");
  }
  if (scope.presigned) {
    // SigV4 caps presigned URLs at a week; the cap also keeps `expires * 1000` from overflowing
    // (the fuzzer sent 9223372036854775807).
    constexpr int64_t kMaxExpiresSeconds = 604800;
    std::string text = queryParam(target.query, "X-Amz-Expires");
    int64_t expires = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), expires);
    if (ec != std::errc() || end != text.data() + text.size() || expires <= 0 || expires > kMaxExpiresSeconds) {
      return fail(ErrorCode::kInvalidSignatureException,
                  "X-Amz-Expires must be a number of seconds from 1 to 604800 (a week), got '" + text + "'");
    }
    if (wall_clock_ms > signed_at + expires * 1000) {
      return fail(ErrorCode::kInvalidSignatureException, "Signature expired: the presigned request expired");
    }
  } else if (std::llabs(wall_clock_ms - signed_at) > kMaxSkewMs) {
    return fail(ErrorCode::kInvalidSignatureException,
                "Signature expired: " + amz_date + " is more than 15 minutes away from the server's time");
  }
  for (const auto& name : split(scope.signed_headers, ';')) {
    if (!request.hasHeader(name)) {
      return fail(ErrorCode::kIncompleteSignatureException, "Signed header '" + name + "' is not in the request");
    }
  }
  std::string credential_scope = scope.date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + credential_scope + "\n" +
                        hexEncode(sha256(canonicalRequest(request, scope)));
  std::string expected = hexEncode(hmacSha256(signingKey(secret_key, scope.date, scope.region, scope.service), to_sign));
  std::string given = scope.signature;
  std::transform(given.begin(), given.end(), given.begin(), [](unsigned char c) { return std::tolower(c); });
  if (given.size() != expected.size()) {
    return fail(ErrorCode::kInvalidSignatureException,
                "The request signature we calculated does not match the signature you provided. Check your AWS "
                "Secret Access Key and signing method.");
  }
  unsigned char diff = 0;
  for (size_t i = 0; i < expected.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
  if (diff != 0) {
    return fail(ErrorCode::kInvalidSignatureException,
                "The request signature we calculated does not match the signature you provided. Check your AWS "
                "Secret Access Key and signing method.");
  }
  return {};
}

}  // namespace trailbox::api
