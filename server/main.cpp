// trailbox: wires the store, the api and the server together and waits for a stop signal.

#include <csignal>
#include <fstream>
#include <sstream>
#include <cstdio>
#include <iostream>
#include <pthread.h>

#include "api/router.hpp"
#include "server/config.hpp"
#include "server/log.hpp"
#include "server/server.hpp"
#include "store/store.hpp"

using namespace trailbox;

int main(int argc, char* argv[]) {
  auto parsed = server::parseConfig(argc, argv);
  if (!parsed.config) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.output;
    return parsed.exit_code;
  }
  const server::Config& config = *parsed.config;

  // Signals are taken synchronously by this thread (sigwait below); every other thread inherits
  // the mask and never sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  server::Logger logger(config.log_level);

  api::emr::Timings timings;
  std::string timing_error;
  if (!api::emr::applyTimingOverrides(config.timings, timings, timing_error)) {
    std::cerr << "trailbox: --timings: " << timing_error << "\n";
    return 2;
  }

  store::StoreOptions store_options;
  store_options.path = config.db;
  store_options.sync_full = config.sync_full;
  auto store = store::Store::open(store_options);
  if (!store.ok()) {
    std::cerr << "trailbox: cannot open the store '" << config.db << "': " << store.error().message << "\n";
    return 3;
  }

  std::shared_ptr<const api::IdentityDirectory> identities;
  if (!config.identities_file.empty()) {
    std::ifstream in(config.identities_file);
    if (!in) {
      std::cerr << "trailbox: cannot read --identities file '" << config.identities_file << "'\n";
      return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto parsed_identities = api::IdentityDirectory::parse(text.str());
    if (!parsed_identities.ok()) {
      std::cerr << "trailbox: --identities '" << config.identities_file << "': " << parsed_identities.error().message
                << "\n";
      return 2;
    }
    identities = std::make_shared<const api::IdentityDirectory>(std::move(*parsed_identities));
  }

  api::OffsetClock clock;
  api::RandomIdGenerator ids(config.seed);
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
  options.config = api::Json{{"host", config.host},
                             {"port", config.port},
                             {"db", config.db},
                             {"threads", config.threads},
                             {"logLevel", server::logLevelName(config.log_level)},
                             {"sync", config.sync_full ? "full" : "normal"},
                             {"seed", config.seed ? api::Json(*config.seed) : api::Json()},
                             {"identities", config.identities_file},
                             {"identityCount", identities ? identities->size() : 0},
                             {"strictSignatures", config.strict_signatures},
                             {"s3Dir", config.s3_dir},
                             {"trailDeliveryIntervalMs", config.trail_delivery_interval_ms},
                             {"digestIntervalMs", config.digest_interval_ms},
                             {"limits", api::Json{{"maxHeaderBytes", config.limits.max_header_bytes},
                                                  {"maxBodyBytes", config.limits.max_body_bytes},
                                                  {"maxConnections", config.limits.max_connections},
                                                  {"maxRequestsPerConnection", config.limits.max_requests_per_connection},
                                                  {"headerTimeoutMs", config.limits.header_timeout_ms},
                                                  {"bodyTimeoutMs", config.limits.body_timeout_ms},
                                                  {"idleTimeoutMs", config.limits.idle_timeout_ms}}}};
  auto router = api::Router::create(**store, clock, ids, options);
  if (!router.ok()) {
    std::cerr << "trailbox: cannot start: " << router.error().message << "\n";
    return 3;
  }

  server::ServerOptions server_options;
  server_options.host = config.host;
  server_options.port = config.port;
  server_options.threads = config.threads;
  server_options.limits = config.limits;
  server_options.shutdown_timeout_ms = config.shutdown_timeout_ms;
  server_options.noop = config.noop;
  server::Server server(**router, server_options, logger);
  if (auto error = server.bind(); !error.empty()) {
    std::cerr << "trailbox: " << error << "\n";
    return 4;
  }
  // Fixtures read this first line to learn the port; nothing is written to stdout before it.
  std::string host = config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
  std::printf("http://%s:%u\n", host.c_str(), static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  server.start();
  logger.log(server::LogLevel::kInfo, "listening",
             api::Json{{"address", "http://" + host + ":" + std::to_string(server.port())}, {"db", config.db}});

  int received = 0;
  sigwait(&signals, &received);
  logger.log(server::LogLevel::kInfo, "shutting down", api::Json{{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
  server.stop();
  server.wait();
  (*store)->stop();
  logger.log(server::LogLevel::kInfo, "stopped");
  return 0;
}
