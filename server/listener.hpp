#pragma once

// Accepts connections and starts an HttpSession for each, refusing (503) beyond the
// connection limit.

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "server/http_session.hpp"

namespace trailbox::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, SessionShared& shared);

  // Opens, binds and listens on host:port. Returns "" or a description of the failure.
  std::string open(const std::string& host, uint16_t port);
  uint16_t port() const;
  void start();
  // Stops accepting; established connections are not touched. Thread-safe.
  void stop();

 private:
  void doAccept();
  void onAccept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  SessionShared& shared_;
};

}  // namespace trailbox::server
