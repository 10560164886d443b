#pragma once

// trailbox's own endpoints under /_trailbox/ (not AWS APIs): health, recorded events as trail
// log records, reset, the emulated clock, configuration, and the dashboard pages that
// GetDashboardForJobRun / GetResourceDashboard link to. See README "Admin endpoints".

#include <string>

#include "api/http_types.hpp"
#include "api/json.hpp"
#include "api/protocol/url.hpp"
#include "api/router.hpp"

namespace trailbox::api {

class AdminApi {
 public:
  explicit AdminApi(Router& router) : router_(router) {}

  void handle(const Request& request, const std::string& path, const QueryParams& query,
              const std::string& request_id, Router::Respond respond);

 private:
  void events(const QueryParams& query, const std::string& request_id, Router::Respond respond, bool count_only);
  void reset(const std::string& request_id, Router::Respond respond);
  void clock(const Request& request, const QueryParams& query, const std::string& request_id, Router::Respond respond);
  void dashboard(const std::string& path, const std::string& request_id, Router::Respond respond);
  void resources(const std::string& request_id, Router::Respond respond);

  Router& router_;
};

// Error response in the generic shape both SDK families parse ({"__type", "message"} plus
// x-amzn-ErrorType), used outside the two AWS protocols.
Response adminError(int status, const std::string& code, const std::string& message, const std::string& request_id);
Response adminJson(int status, const Json& body, const std::string& request_id);

}  // namespace trailbox::api
