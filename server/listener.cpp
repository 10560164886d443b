#include "server/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace trailbox::server {

Listener::Listener(net::io_context& ioc, SessionShared& shared)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), shared_(shared) {}

std::string Listener::open(const std::string& host, uint16_t port) {
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) return "invalid --host '" + host + "': " + ec.message();
  tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return "cannot open a socket: " + ec.message();
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return "cannot set SO_REUSEADDR: " + ec.message();
  acceptor_.bind(endpoint, ec);
  if (ec) return "cannot bind " + host + ":" + std::to_string(port) + ": " + ec.message();
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return "cannot listen: " + ec.message();
  return {};
}

uint16_t Listener::port() const {
  beast::error_code ec;
  auto endpoint = acceptor_.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Listener::start() { doAccept(); }

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
}

void Listener::doAccept() {
  acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Listener::onAccept, shared_from_this()));
}

void Listener::onAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (!ec) {
    socket.set_option(tcp::no_delay(true), ec);
    size_t open = shared_.connections.fetch_add(1) + 1;
    auto session = std::make_shared<HttpSession>(std::move(socket), shared_);
    if (open > shared_.limits.max_connections || shared_.draining.load()) {
      session->refuse();
    } else {
      session->run();
    }
  }
  // Accept errors (e.g. too many open files) must not stop the loop.
  doAccept();
}

}  // namespace trailbox::server
