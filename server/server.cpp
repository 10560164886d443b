#include "server/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>

#include "server/http_session.hpp"
#include "server/listener.hpp"

namespace trailbox::server {

struct WorkGuard {
  net::executor_work_guard<net::io_context::executor_type> guard;
};

Server::Server(api::Router& router, ServerOptions options, const Logger& logger)
    : router_(router),
      options_(std::move(options)),
      logger_(logger),
      ioc_(std::make_unique<net::io_context>()),
      shared_(std::make_unique<SessionShared>(router, options_.limits, logger)) {
  shared_->noop = options_.noop;
  listener_ = std::make_shared<Listener>(*ioc_, *shared_);
}

Server::~Server() {
  stop();
  wait();
  // Handlers still queued in the io_context hold sessions, whose destructors use *shared_:
  // destroy them first (members would go in the opposite order).
  listener_.reset();
  ioc_.reset();
}

std::string Server::bind() { return listener_->open(options_.host, options_.port); }

uint16_t Server::port() const { return listener_->port(); }

void Server::runScheduler() {
  while (true) {
    {
      std::unique_lock lock(scheduler_mutex_);
      scheduler_wake_.wait_for(lock, std::chrono::milliseconds(options_.scheduler_tick_ms),
                               [this] { return stopping_.load(); });
      if (stopping_.load()) return;
    }
    auto result = router_.deliverTrails(false, false);
    if (!result.ok()) {
      logger_.log(LogLevel::kError, "trail delivery failed", api::Json{{"error", result.error().message}});
    } else if (!(*result)["logFiles"].empty() || !(*result)["digestFiles"].empty() || !(*result)["errors"].empty()) {
      logger_.log((*result)["errors"].empty() ? LogLevel::kInfo : LogLevel::kWarn, "trail delivery", *result);
    }
  }
}

void Server::start() {
  work_ = std::make_unique<WorkGuard>(WorkGuard{net::make_work_guard(*ioc_)});
  listener_->start();
  if (options_.scheduler_tick_ms > 0) scheduler_ = std::thread([this] { runScheduler(); });
  int n = options_.threads > 0 ? options_.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < n; ++i) {
    threads_.emplace_back([this] {
      // Handlers never throw by design; if one did, keep the thread serving instead of dying.
      while (true) {
        try {
          ioc_->run();
          return;
        } catch (const std::exception& e) {
          logger_.log(LogLevel::kError, "unexpected exception in an I/O handler", api::Json{{"error", e.what()}});
        }
      }
    });
  }
}

void Server::stop() {
  if (stopping_.exchange(true)) return;
  {
    std::scoped_lock lock(scheduler_mutex_);
  }
  scheduler_wake_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  shared_->draining.store(true);
  listener_->stop();
  // Collect the sessions under the lock, drain them outside it: the last reference to a session
  // may be dropped here, and its destructor takes the lock.
  std::vector<std::shared_ptr<HttpSession>> live;
  {
    std::scoped_lock lock(shared_->sessions_mutex);
    for (auto& [ptr, weak] : shared_->sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->drain();
  live.clear();
  // Requests in flight finish on their own (each session closes after its response because
  // draining is set); wait for them, but not forever.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.shutdown_timeout_ms);
  while (shared_->connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (work_) work_->guard.reset();
  ioc_->stop();
}

void Server::wait() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace trailbox::server
