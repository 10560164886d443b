// trailbox: runs one Instance (store, api, HTTP server) until SIGTERM or SIGINT.

#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "server/config.hpp"
#include "server/instance.hpp"

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

  std::string error;
  int exit_code = 1;
  auto instance = server::Instance::start(config, &error, &exit_code);
  if (!instance) {
    std::cerr << "trailbox: " << error << "\n";
    return exit_code;
  }
  // Fixtures read this first line to learn the port; nothing is written to stdout before it.
  std::printf("%s\n", instance->endpoint().c_str());
  std::fflush(stdout);
  instance->logger().log(server::LogLevel::kInfo, "listening",
                         api::Json{{"address", instance->endpoint()}, {"db", config.db}});

  int received = 0;
  sigwait(&signals, &received);
  instance->logger().log(server::LogLevel::kInfo, "shutting down",
                         api::Json{{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
  instance->stop();
  instance->logger().log(server::LogLevel::kInfo, "stopped");
  return 0;
}
