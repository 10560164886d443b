#pragma once

// CloudTrail records: built from an API call (toEventRow) and rendered back (renderRecord,
// lookupEvent). The record layout follows the one verbatim EMR Serverless record AWS publishes
// (the CreateApplication example in the EMR Serverless user guide), member for member.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/aws_error.hpp"
#include "api/identity.hpp"
#include "api/json.hpp"
#include "store/event_store.hpp"

namespace trailbox::api {

inline constexpr const char* kEventVersion = "1.08";

// Everything known about one API call once it has been answered.
struct CallRecord {
  const Caller* caller = nullptr;  // not owned
  std::string event_source;        // e.g. "emr-serverless.amazonaws.com"
  std::string event_name;          // the operation
  bool read_only = false;
  std::string request_id;
  std::string event_id;
  int64_t time_ms = 0;
  std::string source_ip;
  std::string user_agent;
  Json request_parameters;  // object, or null when nothing was sent
  Json response_elements;   // object for successful writes, else null
  std::optional<AwsError> error;
  std::vector<store::EventResource> resources;  // for LookupEvents' Resources
};

store::EventRow toEventRow(const CallRecord& call);

// The full record as CloudTrail writes it to log files and returns in CloudTrailEvent.
std::string renderRecord(const store::EventRow& row);

// One element of LookupEvents' Events list.
Json lookupEvent(const store::EventRow& row);

}  // namespace trailbox::api
