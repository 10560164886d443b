#pragma once

// Scripted outcomes: what a job run (or session) will do, chosen by the test that starts it.
//
// Keys, read from (highest precedence first):
//   1. the StartJobRun/StartSession tags "trailbox:<key>";
//   2. for job runs, "--conf spark.trailbox.<key>=<value>" in sparkSubmitParameters;
//   3. the application's tags "trailbox:<key>".
// <key> is one of
//   outcome          SUCCESS (default for BATCH) | FAILED | HANG (stay RUNNING until cancelled
//                    or timed out; the default for STREAMING)
//   failure          stateDetails of a failed attempt
//   failed-attempts  how many attempts fail before `outcome` applies (retries need
//                    retryPolicy.maxAttempts)
//   submitted-ms, pending-ms, scheduled-ms, running-ms, cancelling-ms
//                    time spent in that state, in milliseconds

#include <string>

#include "api/json.hpp"
#include "api/result.hpp"

namespace trailbox::api::emr {

// Builds the plan stored with a job run. ValidationException names the tag or parameter with
// a bad value.
Result<Json> planFor(const Json& run_tags, const Json& app_tags, const std::string& spark_submit_parameters);

}  // namespace trailbox::api::emr
