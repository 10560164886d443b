#pragma once

// Shared pieces of the <name>_fuzz.cpp libFuzzer targets (see tests/fuzz/README.md).
//
// Inputs are text wherever that is natural, so the seed corpus can hold real requests as the
// SDKs send them: an HTTP/1.1 request (request line, headers, blank line, body) for the targets
// that take requests, JSON bodies for LookupEvents, newline-separated fields for records.
//
// A broken invariant is reported with FUZZ_CHECK, which prints what went wrong and aborts: to
// libFuzzer that is a crash, and the input is kept as crash-<sha1>.

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_types.hpp"
#include "api/json.hpp"
#include "api/model/shape_model.hpp"
#include "api/model/validator.hpp"

namespace trailbox::embedded {
extern const std::string_view emr_serverless_model;
extern const std::string_view cloudtrail_model;
}  // namespace trailbox::embedded

namespace trailbox::fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* what, const std::string& detail) {
  std::fprintf(stderr, "\n==FUZZ CHECK FAILED== %s:%d: %s\n%s\n", file, line, what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

#define FUZZ_CHECK(cond, detail)                                              \
  do {                                                                        \
    if (!(cond)) ::trailbox::fuzz::fail(__FILE__, __LINE__, #cond, (detail)); \
  } while (0)

// Shortens `s` for messages and makes control bytes visible.
inline std::string printable(std::string_view s, size_t max = 600) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > max) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

inline bool isValidJson(std::string_view text) { return api::Json::accept(text); }

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

inline std::string_view trimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Reads `data` as an HTTP/1.1 request the way the server hands requests to the router:
//   <METHOD> SP <request-target> [SP HTTP/1.1] (CR)LF
//   <name>: <value> (CR)LF      ... names are lower-cased, values trimmed
//   (CR)LF
//   <body>                       ... everything after the blank line, byte for byte
// Nothing is rejected: a missing target becomes "/", a header line without ':' is ignored and a
// request without a blank line has no body. Content-Length is not interpreted (the server has
// already framed the body by the time the router sees it).
inline api::Request parseHttp(std::string_view data) {
  api::Request r;
  r.peer_ip = "127.0.0.1";
  auto nextLine = [&data](std::string_view& line) {
    if (data.empty()) return false;
    size_t nl = data.find('\n');
    line = data.substr(0, nl);
    data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return true;
  };
  std::string_view line;
  if (!nextLine(line)) {
    r.method = "GET";
    r.target = "/";
    return r;
  }
  size_t sp = line.find(' ');
  r.method = std::string(line.substr(0, sp));
  if (sp != std::string_view::npos) {
    std::string_view rest = line.substr(sp + 1);
    size_t sp2 = rest.find(' ');
    r.target = std::string(rest.substr(0, sp2));
  }
  if (r.target.empty()) r.target = "/";
  while (nextLine(line)) {
    if (line.empty()) {
      r.body = std::string(data);
      return r;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    r.headers.emplace_back(lower(trimSpaces(line.substr(0, colon))), std::string(trimSpaces(line.substr(colon + 1))));
  }
  return r;
}

// The embedded service models, loaded once (and never freed: still reachable, no leak report).
inline const api::ServiceModel& emrModel() {
  static const api::ServiceModel* model = [] {
    auto m = api::ServiceModel::load(embedded::emr_serverless_model);
    if (!m.ok()) fail(__FILE__, __LINE__, "EMR Serverless model loads", m.error().message);
    return m->release();
  }();
  return *model;
}

inline const api::ServiceModel& cloudTrailModel() {
  static const api::ServiceModel* model = [] {
    auto m = api::ServiceModel::load(embedded::cloudtrail_model);
    if (!m.ok()) fail(__FILE__, __LINE__, "CloudTrail model loads", m.error().message);
    return m->release();
  }();
  return *model;
}

// Checks that `recorded` (what a CloudTrail record shows of an input of `shape`) hides every
// sensitive member: the value of such a member must be the redaction marker and nothing else.
// With `lower_camel`, recorded member names are the model's with a lower-case first letter
// (CloudTrail's own API).
inline void checkRedacted(const api::Json& recorded, const api::Shape& shape, const std::string& path, bool lower_camel) {
  if (shape.sensitive) {
    FUZZ_CHECK(recorded.is_string() && recorded.get<std::string>() == api::kHidden,
               "sensitive value recorded at '" + path + "': " + printable(api::dumpJson(recorded)));
    return;
  }
  switch (shape.type) {
    case api::Shape::Type::kStructure:
      if (!recorded.is_object()) return;
      for (auto it = recorded.begin(); it != recorded.end(); ++it) {
        for (const auto& m : shape.members) {
          bool same = m.name == it.key();
          if (!same && lower_camel && !m.name.empty() && m.name.size() == it.key().size()) {
            same = std::tolower(static_cast<unsigned char>(m.name[0])) == static_cast<unsigned char>(it.key()[0]) &&
                   m.name.compare(1, std::string::npos, it.key(), 1) == 0;
          }
          if (same) checkRedacted(it.value(), *m.shape, path + "." + it.key(), lower_camel);
        }
      }
      return;
    case api::Shape::Type::kList:
      if (!recorded.is_array() || !shape.member) return;
      for (size_t i = 0; i < recorded.size(); ++i) {
        checkRedacted(recorded[i], *shape.member, path + "[" + std::to_string(i) + "]", lower_camel);
      }
      return;
    case api::Shape::Type::kMap:
      if (!recorded.is_object() || !shape.value) return;
      for (auto it = recorded.begin(); it != recorded.end(); ++it) {
        checkRedacted(it.value(), *shape.value, path + "." + it.key(), lower_camel);
      }
      return;
    default:
      return;
  }
}

// Open product bugs (tests/fuzz/known_bugs.txt) whose inputs a harness steps around while
// fuzzing, so that one known crash does not hide everything behind it. scripts/fuzz.sh passes
// the open ids in TRAILBOX_FUZZ_SKIP while fuzzing and nothing when replaying tests/fuzz/crashes,
// so the reproducers of open bugs keep failing until the bug is fixed.
inline bool skipping(std::string_view bug_id) {
  static const std::string skip = [] {
    const char* env = std::getenv("TRAILBOX_FUZZ_SKIP");
    return std::string(",") + (env ? env : "") + ",";
  }();
  return skip.find("," + std::string(bug_id) + ",") != std::string::npos;
}

}  // namespace trailbox::fuzz
