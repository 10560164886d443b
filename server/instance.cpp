#include "server/instance.hpp"

#include <fstream>
#include <future>
#include <sstream>

#include "api/router.hpp"
#include "server/server.hpp"
#include "store/store.hpp"

namespace trailbox::server {

struct Instance::Parts {
  Config config;
  Logger logger{LogLevel::kInfo};
  std::unique_ptr<store::Store> store;
  api::OffsetClock clock;
  std::unique_ptr<api::RandomIdGenerator> ids;
  std::unique_ptr<api::Router> router;
  std::unique_ptr<Server> server;
  bool stopped = false;
};

namespace {

api::Json configView(const Config& c, size_t identity_count) {
  return api::Json{{"host", c.host},
                   {"port", c.port},
                   {"db", c.db},
                   {"threads", c.threads},
                   {"logLevel", logLevelName(c.log_level)},
                   {"sync", c.sync_full ? "full" : "normal"},
                   {"seed", c.seed ? api::Json(*c.seed) : api::Json()},
                   {"identities", c.identities_file},
                   {"identityCount", identity_count},
                   {"strictSignatures", c.strict_signatures},
                   {"s3Dir", c.s3_dir},
                   {"trailDeliveryIntervalMs", c.trail_delivery_interval_ms},
                   {"digestIntervalMs", c.digest_interval_ms},
                   {"eventVisibilityDelayMs", c.event_visibility_delay_ms},
                   {"lookupEventsRate", c.lookup_events_rate},
                   {"limits", api::Json{{"maxHeaderBytes", c.limits.max_header_bytes},
                                        {"maxBodyBytes", c.limits.max_body_bytes},
                                        {"maxJsonDepth", c.max_json_depth},
                                        {"maxConnections", c.limits.max_connections},
                                        {"maxRequestsPerConnection", c.limits.max_requests_per_connection},
                                        {"headerTimeoutMs", c.limits.header_timeout_ms},
                                        {"bodyTimeoutMs", c.limits.body_timeout_ms},
                                        {"idleTimeoutMs", c.limits.idle_timeout_ms}}}};
}

// Reads and parses the identities file; "" and null on failure with `error` set. Out of line: GCC 12
// reports a false free-nonheap-object error when the Result's destructor is inlined into start().
[[gnu::noinline]] std::shared_ptr<const api::IdentityDirectory> loadIdentities(const std::string& path,
                                                                              std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read --identities file '" + path + "'";
    return nullptr;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = api::IdentityDirectory::parse(text.str());
  if (!parsed.ok()) {
    error = "--identities '" + path + "': " + parsed.error().message;
    return nullptr;
  }
  return std::make_shared<const api::IdentityDirectory>(std::move(*parsed));
}

}  // namespace

std::unique_ptr<Instance> Instance::start(const Config& config, std::string* error, int* exit_code) {
  auto failed = [&](int code, std::string message) -> std::unique_ptr<Instance> {
    if (error) *error = std::move(message);
    if (exit_code) *exit_code = code;
    return nullptr;
  };
  auto parts = std::make_unique<Parts>();
  parts->config = config;
  parts->logger = Logger(config.log_level);

  api::emr::Timings timings;
  std::string timing_error;
  if (!api::emr::applyTimingOverrides(config.timings, timings, timing_error)) {
    return failed(2, "--timings: " + timing_error);
  }
  std::shared_ptr<const api::IdentityDirectory> identities;
  if (!config.identities_file.empty()) {
    std::string identities_error;
    identities = loadIdentities(config.identities_file, identities_error);
    if (!identities) return failed(2, identities_error);
  }

  store::StoreOptions store_options;
  store_options.path = config.db;
  store_options.sync_full = config.sync_full;
  auto store = store::Store::open(store_options);
  if (!store.ok()) return failed(3, "cannot open the store '" + config.db + "': " + store.error().message);
  parts->store = std::move(*store);

  parts->ids = std::make_unique<api::RandomIdGenerator>(config.seed);
  api::ApiOptions options;
  options.identity.account_id = config.account_id;
  options.identity.region = config.region;
  options.timings = timings;
  options.record_cloudtrail_calls = config.record_cloudtrail_calls;
  options.identities = identities;
  options.strict_signatures = config.strict_signatures;
  options.s3_dir = config.s3_dir;
  options.delivery.interval_ms = config.trail_delivery_interval_ms;
  options.delivery.digest_interval_ms = config.digest_interval_ms;
  options.event_history.visibility_delay_ms = config.event_visibility_delay_ms;
  options.event_history.lookup_rate_per_s = config.lookup_events_rate;
  options.max_json_depth = config.max_json_depth;
  options.config = configView(config, identities ? identities->size() : 0);
  auto router = api::Router::create(*parts->store, parts->clock, *parts->ids, options);
  if (!router.ok()) return failed(3, "cannot start: " + router.error().message);
  parts->router = std::move(*router);

  ServerOptions server_options;
  server_options.host = config.host;
  server_options.port = config.port;
  server_options.threads = config.threads;
  server_options.limits = config.limits;
  server_options.shutdown_timeout_ms = config.shutdown_timeout_ms;
  server_options.noop = config.noop;
  parts->server = std::make_unique<Server>(*parts->router, server_options, parts->logger);
  if (auto bind_error = parts->server->bind(); !bind_error.empty()) return failed(4, bind_error);
  // Bound above, so the port is known; connections are accepted from here on.
  auto instance = std::unique_ptr<Instance>(new Instance(std::move(parts)));
  instance->parts_->server->start();
  return instance;
}

Instance::Instance(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Instance::~Instance() { stop(); }

std::string Instance::endpoint() const {
  const std::string& host = parts_->config.host;
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "http://" + shown + ":" + std::to_string(port());
}

uint16_t Instance::port() const { return parts_->server->port(); }

const Logger& Instance::logger() const { return parts_->logger; }

bool Instance::reset() {
  auto done = std::make_shared<std::promise<bool>>();
  auto future = done->get_future();
  api::Request request;
  request.method = "POST";
  request.target = "/_trailbox/reset";
  request.peer_ip = "127.0.0.1";
  parts_->router->handle(std::move(request), [done](api::Response r) { done->set_value(r.status == 200); });
  return future.get();
}

void Instance::stop() {
  if (!parts_ || parts_->stopped) return;
  parts_->stopped = true;
  parts_->server->stop();
  parts_->server->wait();
  parts_->store->stop();
}

}  // namespace trailbox::server
