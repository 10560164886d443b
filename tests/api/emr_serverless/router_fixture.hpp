#pragma once

// Test harness for the service tests (EMR Serverless here, CloudTrail and admin through a
// relative include): a fresh in-memory store, a FakeClock, a seeded id generator and a Router,
// plus helpers that send requests the way botocore does and read back the recorded events.
//
// Time moves only through advance() / clock_.advanceMs(); nothing sleeps.

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/clock.hpp"
#include "api/http_types.hpp"
#include "api/ids.hpp"
#include "api/json.hpp"
#include "api/router.hpp"
#include "store/store.hpp"

namespace trailbox::testing {

using Json = nlohmann::ordered_json;
using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr const char* kAccessKey = "AKIAIOSFODNN7EXAMPLE";
inline constexpr const char* kAccount = "123456789012";
inline constexpr const char* kRegion = "us-east-1";
inline constexpr const char* kRoleArn = "arn:aws:iam::123456789012:role/EMRServerlessRole";
inline constexpr const char* kLookupTarget = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";
inline constexpr const char* kEmrSource = "emr-serverless.amazonaws.com";
inline constexpr const char* kCloudTrailSource = "cloudtrail.amazonaws.com";
inline constexpr const char* kHost = "127.0.0.1:4566";
inline constexpr const char* kUserAgent =
    "Boto3/1.43.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.18.44 md/arch#x86_64 lang/python#3.11.7 "
    "md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.43.11";
// FakeClock's default start, 2026-01-01T00:00:00Z.
inline constexpr int64_t kStartMs = 1767225600000;
inline constexpr int64_t kMinuteMs = 60000;
inline constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

// A SigV4 Authorization header in botocore's layout (trailbox reads the scope, not the signature).
inline std::string authorization(const std::string& access_key = kAccessKey, const std::string& region = kRegion,
                                 const std::string& service = "emr-serverless") {
  return "AWS4-HMAC-SHA256 Credential=" + access_key + "/20261124/" + region + "/" + service +
         "/aws4_request, SignedHeaders=host;x-amz-date, "
         "Signature=f9bc04e528b54d3d601b217ba0e48c66a3015abb7dcb404fdd2675236798d85d";
}

// Headers that sign as another caller: a 12-digit access key id is that account's key.
inline Headers as(const std::string& access_key, const std::string& region = kRegion,
                  const std::string& service = "emr-serverless") {
  return {{"authorization", authorization(access_key, region, service)}};
}

// Headers for an unsigned request (an empty authorization header is dropped by call()).
inline Headers unsignedRequest() { return {{"authorization", ""}}; }

// botocore's encoding of a path label: every reserved character escaped (":" -> %3A, "/" -> %2F).
inline std::string encodeLabel(const std::string& value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                 c == '.' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

inline std::string appArn(const std::string& app_id, const std::string& account = kAccount,
                          const std::string& region = kRegion) {
  return "arn:aws:emr-serverless:" + region + ":" + account + ":/applications/" + app_id;
}

inline std::string runArn(const std::string& app_id, const std::string& run_id) {
  return appArn(app_id) + "/jobruns/" + run_id;
}

// True for EMR Serverless style ids: 16 characters of [0-9a-z] starting with "00".
inline bool looksLikeResourceId(const std::string& id) {
  if (id.size() != 16 || id.rfind("00", 0) != 0) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void TearDown() override {
    router_.reset();
    if (store_) store_->stop();
  }

  // Override to change the router's options before it is created.
  virtual void configure(api::ApiOptions& /*options*/) {}
  // Override to use a database file instead of ":memory:".
  virtual std::string storePath() { return ":memory:"; }

  void open() {
    auto store = store::Store::open({storePath()});
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    api::ApiOptions options;
    configure(options);
    auto router = api::Router::create(*store_, clock_, ids_, std::move(options));
    ASSERT_TRUE(router.ok()) << router.error().message;
    router_ = std::move(*router);
  }

  // Simulates a restart: drops the router and the store, then opens both again (the clock and
  // the id generator carry on, as the process's wall clock and random ids would).
  void reopen() {
    router_.reset();
    store_->stop();
    store_.reset();
    open();
  }

  int64_t now() const { return clock_.nowMs(); }
  void advance(int64_t ms) { clock_.advanceMs(ms); }

  // Sends one request through Router::handle and waits for its answer (which may come from the
  // store's writer thread). Header names are lower case; an Authorization header for the
  // default caller is added unless `headers` has one (an empty one means "unsigned").
  api::Response call(const std::string& method, const std::string& target, const std::string& body = "",
                     Headers headers = {}) {
    api::Request request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.peer_ip = "127.0.0.1";
    bool has_auth = false;
    for (const auto& [k, v] : headers) has_auth = has_auth || k == "authorization";
    if (!has_auth) request.headers.emplace_back("authorization", authorization());
    for (auto& [k, v] : headers) {
      if (k == "authorization" && v.empty()) continue;
      request.headers.emplace_back(k, v);
    }
    request.headers.emplace_back("host", kHost);
    request.headers.emplace_back("x-amz-date", "20261124T200834Z");
    request.headers.emplace_back("user-agent", kUserAgent);
    if (!body.empty()) {
      bool has_type = false;
      for (const auto& [k, v] : request.headers) has_type = has_type || k == "content-type";
      if (!has_type) request.headers.emplace_back("content-type", "application/json");
    }
    auto promise = std::make_shared<std::promise<api::Response>>();
    auto future = promise->get_future();
    router_->handle(std::move(request), [promise](api::Response r) { promise->set_value(std::move(r)); });
    if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      ADD_FAILURE() << "no response to " << method << " " << target;
      return api::Response{};
    }
    return future.get();
  }

  api::Response callJson(const std::string& method, const std::string& target, const Json& body, Headers headers = {}) {
    return call(method, target, body.dump(), std::move(headers));
  }

  static Json json(const api::Response& r) {
    Json j = Json::parse(r.body, nullptr, false);
    if (j.is_discarded()) ADD_FAILURE() << "response body is not JSON: " << r.body;
    return j;
  }

  static std::string header(const api::Response& r, const std::string& name) {
    auto lower = [](std::string s) {
      for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    };
    for (const auto& [k, v] : r.headers) {
      if (lower(k) == lower(name)) return v;
    }
    return "";
  }

  static std::string errorType(const api::Response& r) { return header(r, "x-amzn-ErrorType"); }
  static std::string requestId(const api::Response& r) { return header(r, "x-amzn-RequestId"); }

  // A fresh idempotency token, as the SDKs generate one per call.
  std::string token() { return "token-" + std::to_string(++tokens_); }

  // --- EMR Serverless -------------------------------------------------------------------------

  // A CreateApplication body (Spark, emr-7.1.0) with `patch` merged in (null removes a member).
  Json appRequest(const Json& patch = Json::object()) {
    Json body = Json{{"name", "my-app"}, {"releaseLabel", "emr-7.1.0"}, {"type", "SPARK"}, {"clientToken", token()}};
    if (patch.is_object()) body.merge_patch(patch);
    return body;
  }

  api::Response createApplication(const Json& patch = Json::object(), Headers headers = {}) {
    return callJson("POST", "/applications", appRequest(patch), std::move(headers));
  }

  // Creates an application and returns its id ("" after a failed assertion).
  std::string createApp(const Json& patch = Json::object(), Headers headers = {}) {
    auto r = createApplication(patch, std::move(headers));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json(r).value("applicationId", "") : "";
  }

  // Creates an application and waits (on the fake clock) until it is CREATED.
  std::string createdApp(const Json& patch = Json::object(), Headers headers = {}) {
    std::string id = createApp(patch, headers);
    advance(1000);
    EXPECT_EQ(appState(id, headers), "CREATED");
    return id;
  }

  // A CREATED application that was started and is now STARTED.
  std::string startedApp(const Json& patch = Json::object()) {
    std::string id = createdApp(patch);
    auto r = call("POST", "/applications/" + id + "/start");
    EXPECT_EQ(r.status, 200) << r.body;
    advance(1000);
    EXPECT_EQ(appState(id), "STARTED");
    return id;
  }

  Json getApp(const std::string& id, Headers headers = {}) {
    auto r = call("GET", "/applications/" + id, "", std::move(headers));
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).value("application", Json());
  }

  std::string appState(const std::string& id, Headers headers = {}) {
    return getApp(id, std::move(headers)).value("state", "");
  }

  // A StartJobRun body (Spark driver, default role) with `patch` merged in.
  Json runRequest(const Json& patch = Json::object()) {
    Json body = Json{{"clientToken", token()},
                     {"executionRoleArn", kRoleArn},
                     {"name", "etl"},
                     {"jobDriver", Json{{"sparkSubmit", Json{{"entryPoint", "s3://bucket/job.py"}}}}}};
    if (patch.is_object()) body.merge_patch(patch);
    return body;
  }

  api::Response startJobRun(const std::string& app, const Json& patch = Json::object()) {
    return callJson("POST", "/applications/" + app + "/jobruns", runRequest(patch));
  }

  std::string startRun(const std::string& app, const Json& patch = Json::object()) {
    auto r = startJobRun(app, patch);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json(r).value("jobRunId", "") : "";
  }

  Json getRun(const std::string& app, const std::string& run, const std::string& query = "") {
    auto r = call("GET", "/applications/" + app + "/jobruns/" + run + (query.empty() ? "" : "?" + query));
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).value("jobRun", Json());
  }

  std::string runState(const std::string& app, const std::string& run) { return getRun(app, run).value("state", ""); }

  // --- recorded events ------------------------------------------------------------------------

  // GET /_trailbox/events?<query>: the records, oldest first unless the query says otherwise.
  Json events(const std::string& query = "") {
    auto r = call("GET", "/_trailbox/events" + (query.empty() ? "" : "?" + query), "", unsignedRequest());
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).value("Records", Json::array());
  }

  int64_t eventCount(const std::string& query = "") {
    auto r = call("GET", "/_trailbox/events/count" + (query.empty() ? "" : "?" + query), "", unsignedRequest());
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r).value("count", int64_t{-1});
  }

  // The newest recorded event (null when there is none).
  Json lastEvent() {
    Json all = events("order=desc&limit=1");
    return all.empty() ? Json() : all[0];
  }

  // The record of the call answered with `response` (matched on requestID).
  Json eventFor(const api::Response& response) {
    Json found;
    int matches = 0;
    for (const auto& e : events()) {
      if (e.value("requestID", "") == requestId(response)) {
        found = e;
        ++matches;
      }
    }
    EXPECT_EQ(matches, 1) << "events recorded for request " << requestId(response);
    return found;
  }

  // CloudTrail LookupEvents with `body`, signed for the cloudtrail service by default.
  api::Response lookup(const Json& body, Headers headers = {}) {
    bool has_auth = false;
    for (const auto& [k, v] : headers) has_auth = has_auth || k == "authorization";
    if (!has_auth) headers.emplace_back("authorization", authorization(kAccessKey, kRegion, "cloudtrail"));
    headers.emplace_back("x-amz-target", kLookupTarget);
    headers.emplace_back("content-type", "application/x-amz-json-1.1");
    return call("POST", "/", body.dump(), std::move(headers));
  }

  Json lookupEvents(const Json& body, Headers headers = {}) {
    auto r = lookup(body, std::move(headers));
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }

  // EventNames of a LookupEvents Events list, in order.
  static std::vector<std::string> names(const Json& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.value("EventName", e.value("eventName", "")));
    return out;
  }

  api::FakeClock clock_;
  api::RandomIdGenerator ids_{42};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Router> router_;
  int tokens_ = 0;
};

}  // namespace trailbox::testing
