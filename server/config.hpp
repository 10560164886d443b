#pragma once

// Process configuration: every setting is a command-line flag and a TRAILBOX_* environment
// variable (--account-id <-> TRAILBOX_ACCOUNT_ID); flags win over the environment.

#include <cstdint>
#include <optional>
#include <string>

namespace trailbox::server {

// Connection limits and timeouts; every one answers with an HTTP status and an AWS-shaped error
// where a response is still possible.
struct Limits {
  size_t max_header_bytes = 16 * 1024;     // 431 beyond
  size_t max_body_bytes = 5 * 1024 * 1024;  // 413 beyond
  size_t max_connections = 1024;            // 503 beyond
  size_t max_requests_per_connection = 0;   // 0 = unlimited; then "Connection: close"
  int64_t header_timeout_ms = 10000;        // whole request header (408 on expiry)
  int64_t body_timeout_ms = 30000;          // whole request body (408 on expiry)
  int64_t idle_timeout_ms = 60000;          // keep-alive wait for the next request
  int64_t write_timeout_ms = 30000;         // sending a response to a client that does not read
};

enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

struct Config {
  std::string host = "127.0.0.1";
  uint16_t port = 4566;
  std::string db = "trailbox.db";
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  int threads = 0;  // 0 = one per core
  LogLevel log_level = LogLevel::kInfo;
  bool sync_full = false;
  std::string timings;  // "run_running=5000,app_creating=0"
  std::optional<uint64_t> seed;
  bool record_cloudtrail_calls = true;
  std::string identities_file;  // "" = none
  std::string s3_dir = "trailbox-s3";
  int64_t trail_delivery_interval_ms = 5000;
  int64_t digest_interval_ms = 3600000;
  int64_t event_visibility_delay_ms = 0;
  double lookup_events_rate = 0;  // per second per account and region; 0 = no throttle
  bool strict_signatures = false;
  int64_t shutdown_timeout_ms = 10000;
  // Benchmark ceiling: answer every request with a fixed 200 without touching the api layer.
  bool noop = false;
  Limits limits;
  int max_json_depth = 64;  // deeper request bodies: 400 SerializationException
};

struct ParseResult {
  std::optional<Config> config;  // set when the server should start
  std::string output;            // --help / --version text, or the error
  int exit_code = 0;             // when config is unset: 0 for help/version, 2 for bad input
};

// Parses flags (argv) and the process environment (`environ`).
ParseResult parseConfig(int argc, const char* const argv[]);

const char* logLevelName(LogLevel level);

}  // namespace trailbox::server
