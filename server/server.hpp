#pragma once

// The HTTP server: an io_context, its worker threads, the listener and graceful shutdown. The
// only part of trailbox that knows about Asio. Embeddable: a test can run one in-process (see
// tests/server/embedded_example_test.cpp).

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/router.hpp"
#include "server/config.hpp"
#include "server/log.hpp"

namespace boost::asio {
class io_context;
}

namespace trailbox::server {

class Listener;
struct SessionShared;
struct WorkGuard;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  int threads = 0;  // 0 = one per core
  Limits limits;
  int64_t shutdown_timeout_ms = 10000;
  // Answer every request with a fixed 200 (the benchmark's ceiling for this server layer).
  bool noop = false;
  // How often scheduled work (trail delivery) runs; 0 disables it.
  int64_t scheduler_tick_ms = 1000;
};

class Server {
 public:
  Server(api::Router& router, ServerOptions options, const Logger& logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (nothing is accepted yet). Returns "" or why it failed.
  std::string bind();
  // The bound port (after bind()).
  uint16_t port() const;
  // Starts accepting on the worker threads. Returns immediately.
  void start();
  // Graceful stop: stops accepting, closes idle connections, lets requests in flight finish
  // (at most shutdown_timeout_ms), then stops the threads. Idempotent; thread-safe.
  void stop();
  // Blocks until the server has stopped.
  void wait();

 private:
  api::Router& router_;
  ServerOptions options_;
  const Logger& logger_;
  std::unique_ptr<boost::asio::io_context> ioc_;
  std::unique_ptr<SessionShared> shared_;
  // Keeps the I/O threads in run() while a request waits for the store's writer with no Asio
  // operation pending, so its response can still be sent during a graceful stop.
  std::unique_ptr<WorkGuard> work_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};

  // Scheduled work runs on its own thread so that file I/O never holds up request handling.
  void runScheduler();
  std::thread scheduler_;
  std::mutex scheduler_mutex_;
  std::condition_variable scheduler_wake_;
};

}  // namespace trailbox::server
