#include "server/config.hpp"

#include <boost/program_options.hpp>
#include <cctype>
#include <sstream>

namespace trailbox::server {
namespace po = boost::program_options;

namespace {

constexpr const char* kVersion = "trailbox 0.1.0";

// TRAILBOX_ACCOUNT_ID -> account-id; other variables are ignored.
std::string envToOption(const std::string& variable) {
  const std::string prefix = "TRAILBOX_";
  if (variable.rfind(prefix, 0) != 0) return {};
  std::string name = variable.substr(prefix.size());
  for (char& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

bool parseLogLevel(const std::string& text, LogLevel& out) {
  if (text == "debug") out = LogLevel::kDebug;
  else if (text == "info") out = LogLevel::kInfo;
  else if (text == "warn") out = LogLevel::kWarn;
  else if (text == "error") out = LogLevel::kError;
  else if (text == "off") out = LogLevel::kOff;
  else return false;
  return true;
}

bool isAccountId(const std::string& s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

const char* logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
    case LogLevel::kOff: return "off";
  }
  return "info";
}

ParseResult parseConfig(int argc, const char* const argv[]) {
  Config c;
  std::string log_level = "info";
  std::string sync = "normal";
  std::string seed;
  std::string record = "true";
  std::string strict = "false";
  uint32_t port = c.port;
  po::options_description desc(
      "trailbox: a local AWS EMR Serverless + CloudTrail emulator\n\n"
      "Usage: trailbox [options]\n"
      "Every option can also be set as an environment variable: --account-id <-> TRAILBOX_ACCOUNT_ID.\n"
      "Flags take precedence over the environment.\n\nOptions");
  desc.add_options()
      ("help", "print this help and exit")
      ("version", "print the version and exit")
      ("host", po::value(&c.host)->default_value(c.host),
       "address to listen on (0.0.0.0 for every interface, e.g. in a container)")
      ("port", po::value(&port)->default_value(port),
       "TCP port; 0 picks a free port. The bound address is printed as http://HOST:PORT on the first line of stdout")
      ("db", po::value(&c.db)->default_value(c.db), "SQLite database file, or :memory: for a store that lives as long as the process")
      ("region", po::value(&c.region)->default_value(c.region), "region of unsigned requests")
      ("account-id", po::value(&c.account_id)->default_value(c.account_id),
       "account of unsigned requests and of access keys that are not 12-digit account ids")
      ("threads", po::value(&c.threads)->default_value(c.threads), "HTTP worker threads (0 = one per CPU core)")
      ("log-level", po::value(&log_level)->default_value(log_level),
       "debug | info (one JSON line per request) | warn | error | off")
      ("sync", po::value(&sync)->default_value(sync),
       "normal: a commit survives any crash of trailbox; full: also power loss (fsync per group commit)")
      ("timings", po::value(&c.timings)->default_value(""),
       "lifecycle durations in ms, e.g. run_running=5000,app_creating=0 (see README)")
      ("seed", po::value(&seed)->default_value(""), "make ids and request ids deterministic from this number")
      ("record-cloudtrail-calls", po::value(&record)->default_value(record),
       "record CloudTrail's own calls (LookupEvents) as events, as AWS does: true | false")
      ("identities", po::value(&c.identities_file)->default_value(""),
       "JSON file mapping access keys to identities (IAMUser, AssumedRole, Root, FederatedUser, AWSService) and "
       "their secret keys; see README")
      ("strict-signatures", po::value(&strict)->default_value(strict),
       "true: verify SigV4 signatures with the identities file's secret keys and refuse unsigned or unknown callers")
      ("s3-dir", po::value(&c.s3_dir)->default_value(c.s3_dir),
       "directory standing for S3: trails deliver log files to <s3-dir>/<bucket>/<key>")
      ("trail-delivery-interval-ms", po::value(&c.trail_delivery_interval_ms)->default_value(c.trail_delivery_interval_ms),
       "how often a logging trail delivers a log file, in emulated milliseconds (AWS: about 5 minutes)")
      ("digest-interval-ms", po::value(&c.digest_interval_ms)->default_value(c.digest_interval_ms),
       "digest file period for trails with log file validation, in emulated milliseconds (AWS: one hour)")
      ("event-visibility-delay-ms",
       po::value(&c.event_visibility_delay_ms)->default_value(c.event_visibility_delay_ms),
       "LookupEvents hides events younger than this, in emulated milliseconds (AWS: a few minutes); 0 = none")
      ("lookup-events-rate", po::value(&c.lookup_events_rate)->default_value(c.lookup_events_rate),
       "LookupEvents calls per second per account and region before ThrottlingException (AWS: 2); 0 = no limit")
      ("max-header-bytes", po::value(&c.limits.max_header_bytes)->default_value(c.limits.max_header_bytes),
       "largest request header accepted (431 beyond)")
      ("max-body-bytes", po::value(&c.limits.max_body_bytes)->default_value(c.limits.max_body_bytes),
       "largest request body accepted (413 beyond)")
      ("max-json-depth", po::value(&c.max_json_depth)->default_value(c.max_json_depth),
       "deepest JSON nesting of a request body (SerializationException beyond); 1-1000")
      ("max-connections", po::value(&c.limits.max_connections)->default_value(c.limits.max_connections),
       "simultaneous connections (503 beyond)")
      ("max-requests-per-connection",
       po::value(&c.limits.max_requests_per_connection)->default_value(c.limits.max_requests_per_connection),
       "requests served on one keep-alive connection before it is closed (0 = unlimited)")
      ("header-timeout-ms", po::value(&c.limits.header_timeout_ms)->default_value(c.limits.header_timeout_ms),
       "time allowed to send a request's header")
      ("body-timeout-ms", po::value(&c.limits.body_timeout_ms)->default_value(c.limits.body_timeout_ms),
       "time allowed to send a request's body")
      ("idle-timeout-ms", po::value(&c.limits.idle_timeout_ms)->default_value(c.limits.idle_timeout_ms),
       "keep-alive connections idle longer are closed")
      ("noop", po::bool_switch(&c.noop),
       "benchmark ceiling only: answer every request with a fixed 200 JSON, doing nothing else")
      ("shutdown-timeout-ms", po::value(&c.shutdown_timeout_ms)->default_value(c.shutdown_timeout_ms),
       "on SIGTERM/SIGINT, time given to in-flight requests before exiting");

  ParseResult result;
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    // Unknown TRAILBOX_* variables are ignored rather than fatal: other tools share the prefix.
    po::store(po::parse_environment(desc,
                                    [&desc](const std::string& variable) {
                                      std::string name = envToOption(variable);
                                      return !name.empty() && desc.find_nothrow(name, false) ? name : std::string();
                                    }),
              vm);
    if (vm.count("help")) {
      std::ostringstream out;
      out << desc << "\n";
      result.output = out.str();
      return result;
    }
    if (vm.count("version")) {
      result.output = std::string(kVersion) + "\n";
      return result;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    result.output = std::string("trailbox: ") + e.what() + "\n(see trailbox --help)\n";
    result.exit_code = 2;
    return result;
  }
  auto bad = [&](const std::string& message) {
    result.output = "trailbox: " + message + "\n(see trailbox --help)\n";
    result.exit_code = 2;
    return result;
  };
  if (port > 65535) return bad("--port must be 0-65535");
  c.port = static_cast<uint16_t>(port);
  if (!parseLogLevel(log_level, c.log_level)) return bad("--log-level must be debug, info, warn, error or off");
  if (sync != "normal" && sync != "full") return bad("--sync must be normal or full");
  c.sync_full = sync == "full";
  if (record != "true" && record != "false") return bad("--record-cloudtrail-calls must be true or false");
  c.record_cloudtrail_calls = record == "true";
  if (strict != "true" && strict != "false") return bad("--strict-signatures must be true or false");
  c.strict_signatures = strict == "true";
  if (c.strict_signatures && c.identities_file.empty()) {
    return bad("--strict-signatures needs --identities: the secret keys to verify signatures with");
  }
  if (!isAccountId(c.account_id)) return bad("--account-id must be 12 digits");
  if (c.region.empty()) return bad("--region must not be empty");
  if (c.threads < 0 || c.threads > 256) return bad("--threads must be 0-256");
  if (!seed.empty()) {
    try {
      size_t used = 0;
      c.seed = std::stoull(seed, &used);
      if (used != seed.size()) return bad("--seed must be a non-negative integer");
    } catch (const std::exception&) {
      return bad("--seed must be a non-negative integer");
    }
  }
  if (c.trail_delivery_interval_ms < 0 || c.digest_interval_ms < 1000) {
    return bad("--trail-delivery-interval-ms must be >= 0 and --digest-interval-ms >= 1000");
  }
  if (c.event_visibility_delay_ms < 0 || !(c.lookup_events_rate >= 0) || c.lookup_events_rate > 1e6) {
    return bad("--event-visibility-delay-ms must be >= 0 and --lookup-events-rate between 0 and 1000000");
  }
  if (c.max_json_depth < 1 || c.max_json_depth > 1000) return bad("--max-json-depth must be between 1 and 1000");
  if (c.limits.max_body_bytes == 0 || c.limits.max_header_bytes < 1024) {
    return bad("--max-body-bytes must be > 0 and --max-header-bytes >= 1024");
  }
  result.config = c;
  return result;
}

}  // namespace trailbox::server
