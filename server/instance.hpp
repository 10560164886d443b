#pragma once

// A complete trailbox in one object: store, api and HTTP server, wired from a Config. main.cpp
// runs one; a test can embed one in its own process:
//
//   trailbox::server::Config config;           // defaults: 127.0.0.1, :memory: below
//   config.port = 0;                           // any free port
//   config.db = ":memory:";
//   std::string error;
//   auto tb = trailbox::server::Instance::start(config, &error);
//   ... point an AWS SDK at tb->endpoint() ...
//   tb->reset();                               // between tests
//   tb->stop();                                // or let the destructor do it
//
// Thread-safety: start/stop/reset may be called from any one thread at a time; the server itself
// serves from its own threads.

#include <memory>
#include <string>

#include "server/config.hpp"
#include "server/log.hpp"

namespace trailbox::server {

class Instance {
 public:
  // Opens the store, builds the api and binds the listener; on failure returns null and sets
  // `error` (and `exit_code`: 2 bad configuration, 3 unusable store, 4 address not bound).
  static std::unique_ptr<Instance> start(const Config& config, std::string* error, int* exit_code = nullptr);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  // "http://127.0.0.1:PORT" (the host as configured).
  std::string endpoint() const;
  uint16_t port() const;
  // Forgets every resource and event, as POST /_trailbox/reset does. Returns false on a store error.
  bool reset();
  // Graceful stop: requests in flight are answered and committed, then everything shuts down.
  // Idempotent.
  void stop();
  const Logger& logger() const;

 private:
  struct Parts;
  explicit Instance(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace trailbox::server
