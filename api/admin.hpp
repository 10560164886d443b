#pragma once

// trailbox's own endpoints under /_trailbox/ (not AWS APIs): health, recorded events as trail
// log records, reset, the emulated clock, configuration, and the dashboard pages that
// GetDashboardForJobRun / GetResourceDashboard link to. See README "Admin endpoints".

#include <string>

#include "api/http_types.hpp"
#include "api/json.hpp"
#include "api/protocol/url.hpp"
#include "api/router.hpp"
#include "store/event_store.hpp"

namespace trailbox::api {

// A selection of recorded events, as the /_trailbox/events endpoints and the live tail take it from
// the query string: indexed filters (eventName, eventSource, username, accessKeyId, readOnly,
// resourceName, resourceType, eventId, errorCode, errorsOnly, account, region, startTime, endTime),
// paging (after, limit, order) and `where=<path>=<value>` conditions on any record member, nested
// members by dotted path (requestParameters.name, userIdentity.arn, resources.0.ARN).
struct EventSelection {
  store::EventQuery query;
  std::vector<std::pair<std::string, std::string>> where;
};

// Parses a selection; ValidationException names the parameter with a bad value.
Result<EventSelection> parseEventSelection(const QueryParams& query);
// True when `row` satisfies the selection's filters and where-conditions (paging is ignored).
bool selectionMatches(const EventSelection& selection, const store::EventRow& row);

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
