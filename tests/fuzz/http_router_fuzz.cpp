// fuzz_http_router: raw HTTP requests through api::Router::handle, the whole request path below
// the HTTP server (protocol choice, SigV4 caller, decoding, validation, the EMR Serverless and
// CloudTrail services, recording, the admin API).
//
// Input: one or more HTTP/1.1 requests (see fuzz::parseHttp), separated by a line holding only
// "=====", so that an input can be a scenario (create an application, start it, run a job,
// look the events up, deliver a trail). At most kMaxRequests are sent; the emulated clock moves
// one second between requests.
//
// Every input starts from the same state: the router is reset through POST /_trailbox/reset and
// the fake clock is set back, so a crash reproduces from its input alone.
//
// Checked for every response: `respond` is called exactly once and within kResponseTimeout;
// the status is 200-599 and not 5xx (the in-memory store cannot fail, so a 5xx means an input
// reached a bug); x-amzn-RequestId is set; errors carry x-amzn-ErrorType; every body that is
// not an HTML/JS/CSS page is valid JSON. Trail delivery must not write outside its directory.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/clock.hpp"
#include "api/ids.hpp"
#include "api/router.hpp"
#include "harness.hpp"
#include "store/store.hpp"

namespace fs = std::filesystem;
using trailbox::api::Json;
using trailbox::api::Request;
using trailbox::api::Response;
using trailbox::fuzz::printable;

namespace {

constexpr size_t kMaxRequests = 8;
constexpr auto kResponseTimeout = std::chrono::seconds(8);
constexpr int64_t kStartMs = 1767225600000;  // 2026-01-01T00:00:00Z, FakeClock's default
// A trail whose S3KeyPrefix is absolute once made delivery write outside the S3 directory (fixed
// in DirectorySink::put). So that a regression cannot write anywhere on this machine, the harness
// lets through only absolute prefixes under this probe directory, and fails when delivery created it.
constexpr std::string_view kEscapeProbe = "/tmp/trailbox-fuzz-escape";

// Splits `input` into the requests of a scenario: parts separated by a line that is exactly
// "=====" (CRLF or LF). The line break before the separator belongs to it, not to the body.
std::vector<std::string_view> splitRequests(std::string_view input, size_t max) {
  std::vector<std::string_view> out;
  size_t start = 0;
  size_t pos = 0;
  while (out.size() + 1 < max) {
    size_t at = input.find("\n=====", pos);
    if (at == std::string_view::npos) break;
    size_t end = at + 6;
    if (end < input.size() && input[end] == '\r') ++end;
    if (end < input.size() && input[end] != '\n') {
      pos = at + 1;
      continue;
    }
    std::string_view part = input.substr(start, at - start);
    if (!part.empty() && part.back() == '\r') part.remove_suffix(1);
    out.push_back(part);
    start = end < input.size() ? end + 1 : input.size();
    pos = start;
  }
  out.push_back(input.substr(start));
  return out;
}

struct World {
  trailbox::api::FakeClock clock{kStartMs};
  trailbox::api::RandomIdGenerator ids{42};
  std::unique_ptr<trailbox::store::Store> store;
  std::unique_ptr<trailbox::api::Router> router;
  std::string s3_dir;
};

World& world() {
  // Deliberately never destroyed: the store's writer thread stays up until the process exits
  // (still reachable, so LeakSanitizer does not count it).
  static World* w = [] {
    auto* created = new World();
    char tmpl[] = "/tmp/trailbox-fuzz-s3-XXXXXX";
    const char* dir = mkdtemp(tmpl);
    FUZZ_CHECK(dir != nullptr, "mkdtemp failed");
    created->s3_dir = dir;
    auto store = trailbox::store::Store::open({":memory:"});
    FUZZ_CHECK(store.ok(), store.ok() ? "" : store.error().message);
    created->store = std::move(*store);
    trailbox::api::ApiOptions options;
    options.s3_dir = created->s3_dir;
    options.config = Json{{"fuzz", true}};
    auto router = trailbox::api::Router::create(*created->store, created->clock, created->ids, std::move(options));
    FUZZ_CHECK(router.ok(), router.ok() ? "" : router.error().message);
    created->router = std::move(*router);
    return created;
  }();
  return *w;
}

std::string headerOf(const Response& r, std::string_view name) {
  std::string want = trailbox::fuzz::lower(name);
  for (const auto& [k, v] : r.headers) {
    if (trailbox::fuzz::lower(k) == want) return v;
  }
  return {};
}

bool hasHeader(const Response& r, std::string_view name) {
  std::string want = trailbox::fuzz::lower(name);
  for (const auto& [k, v] : r.headers) {
    if (trailbox::fuzz::lower(k) == want) return true;
  }
  return false;
}

// TRAILBOX_FUZZ_VERBOSE=1 prints every request and response (for writing seeds and replaying).
bool verbose() {
  static const bool on = std::getenv("TRAILBOX_FUZZ_VERBOSE") != nullptr;
  return on;
}

std::string describe(const Request& q, const Response& r) {
  return "request: " + printable(q.method) + " " + printable(q.target) + " body " + printable(q.body, 300) +
         "\nresponse: " + std::to_string(r.status) + " " + printable(r.body, 600);
}

// Sends `request` and returns the response, checking that it comes exactly once.
Response send(Request request) {
  struct Waiter {
    std::promise<Response> promise;
    std::atomic<int> calls{0};
  };
  auto waiter = std::make_shared<Waiter>();
  auto future = waiter->promise.get_future();
  std::string what = printable(request.method) + " " + printable(request.target);
  try {
    world().router->handle(std::move(request), [waiter, what](Response r) {
      int n = ++waiter->calls;
      FUZZ_CHECK(n == 1, "respond called " + std::to_string(n) + " times for " + what);
      waiter->promise.set_value(std::move(r));
    });
  } catch (const std::exception& e) {
    // The server turns this into a 500 ("last line of defence"); it is a bug all the same.
    trailbox::fuzz::fail(__FILE__, __LINE__, "Router::handle threw", what + ": " + e.what());
  }
  FUZZ_CHECK(future.wait_for(kResponseTimeout) == std::future_status::ready, "no response within 8 s to " + what);
  return future.get();
}

void checkResponse(const Request& q, const Response& r) {
  FUZZ_CHECK(r.status >= 200 && r.status <= 599, "status out of range\n" + describe(q, r));
  FUZZ_CHECK(!headerOf(r, "x-amzn-RequestId").empty(), "no x-amzn-RequestId\n" + describe(q, r));
  std::string type = headerOf(r, "content-type");
  FUZZ_CHECK(!type.empty(), "no Content-Type\n" + describe(q, r));
  bool page = type.rfind("text/", 0) == 0;
  if (!page) FUZZ_CHECK(trailbox::fuzz::isValidJson(r.body), "body is not valid JSON\n" + describe(q, r));
  if (r.status >= 400) {
    FUZZ_CHECK(hasHeader(r, "x-amzn-ErrorType"), "error without x-amzn-ErrorType\n" + describe(q, r));
    if (!page) {
      Json body = Json::parse(r.body, nullptr, false);
      FUZZ_CHECK(body.is_object(), "error body is not an object\n" + describe(q, r));
    }
  }
  FUZZ_CHECK(r.status < 500, "server error (5xx) for a client request\n" + describe(q, r));
}

// Requests the harness does not send (see kEscapeProbe).
bool unsafe(const Request& q) {
  if (q.body.find("S3KeyPrefix") == std::string::npos) return false;
  Json body = Json::parse(q.body, nullptr, false);
  if (!body.is_object()) return false;
  auto it = body.find("S3KeyPrefix");
  if (it == body.end() || !it->is_string()) return false;
  const std::string& prefix = it->get_ref<const std::string&>();
  if (prefix.empty() || prefix.front() != '/') return false;
  return prefix.rfind(std::string(kEscapeProbe), 0) != 0 || prefix.find("..") != std::string::npos;
}

void resetWorld() {
  Request reset;
  reset.method = "POST";
  reset.target = "/_trailbox/reset";
  reset.peer_ip = "127.0.0.1";
  Response r = send(reset);
  FUZZ_CHECK(r.status == 200, "reset failed: " + printable(r.body));
  World& w = world();
  w.clock.setMs(kStartMs);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  World& w = world();
  resetWorld();
  std::error_code ec;
  fs::remove_all(std::string(kEscapeProbe), ec);
  bool delivered = false;

  bool first = true;
  for (std::string_view one : splitRequests(input, kMaxRequests)) {
    if (!first) w.clock.advanceMs(1000);
    first = false;
    Request q = trailbox::fuzz::parseHttp(one);
    if (unsafe(q)) continue;
    // Reset and clock changes are allowed: they only touch this world (a reset in the middle of
    // a scenario makes the rest of it start over).
    delivered = delivered || q.target.find("/_trailbox/trails/deliver") != std::string::npos;
    Response r = send(q);
    if (verbose()) std::fprintf(stderr, "%s\n", describe(q, r).c_str());
    checkResponse(q, r);
  }

  FUZZ_CHECK(!fs::exists(std::string(kEscapeProbe), ec),
             "trail delivery wrote outside its S3 directory, under " + std::string(kEscapeProbe));
  if (delivered) {
    // Keep the S3 stand-in small; it is recreated on demand.
    for (const auto& entry : fs::directory_iterator(w.s3_dir, ec)) fs::remove_all(entry.path(), ec);
  }
  return 0;
}
