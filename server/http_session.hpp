#pragma once

// One HTTP/1.1 connection: reads requests (with header/body limits and timeouts), hands each to
// api::Router, writes the response, and keeps the connection alive while the client wants it.
// Requests on a connection are answered strictly in order (pipelined ones wait in the buffer).
//
// Threading: all of a session's members are touched only on its strand. The router may answer
// from the store's writer thread; the answer is posted back to the strand before use.

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "api/router.hpp"
#include "server/config.hpp"
#include "server/log.hpp"

namespace trailbox::server {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

class HttpSession;

// What every session of one server shares. Thread-safe.
struct SessionShared {
  api::Router& router;
  const Limits limits;
  const Logger& logger;
  std::atomic<size_t> connections{0};
  std::atomic<bool> draining{false};
  bool noop = false;

  std::mutex sessions_mutex;
  // Live sessions, for draining on shutdown. guarded by sessions_mutex
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions;

  SessionShared(api::Router& r, Limits l, const Logger& log) : router(r), limits(l), logger(log) {}
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, SessionShared& shared);
  ~HttpSession();

  void run();
  // Answers 503 (too many connections) without reading a request, then closes.
  void refuse();
  // Asks the session to finish: an idle connection is closed now, a busy one after its response.
  // Thread-safe.
  void drain();

 private:
  void doRead();
  void readHeader();
  void onReadHeader(beast::error_code ec);
  void onReadBody(beast::error_code ec);
  void dispatch();
  void send(api::Response response, bool close_after);
  void onWrite(bool close, beast::error_code ec);
  void failRequest(int status, const char* code, const std::string& message);
  void close();
  // Live tail (Server-Sent Events): GET /_trailbox/events/stream with the /_trailbox/events
  // filters. Replays stored events after `after` (or Last-Event-ID), then sends each new record
  // as it is committed; ": ping" comments keep idle connections alive.
  void startStream(const api::Request& request);
  void streamSend(int64_t seq, std::string text);
  void streamFlush();
  void streamHeartbeat();
  void streamWatchClose();

  // Header and body reads run under this deadline instead of the stream's own timeout, which
  // would close the socket: on expiry the read is cancelled and the client still gets a 408.
  void armDeadline(int64_t ms);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::string_body>> response_;  // alive until its write completes
  net::steady_timer deadline_;
  bool timed_out_ = false;
  SessionShared& shared_;
  std::string peer_ip_;
  size_t served_ = 0;
  bool busy_ = false;  // a request is being handled or answered
  bool closed_ = false;
  std::chrono::steady_clock::time_point started_;
  std::string method_;
  std::string target_;

  // Live tail state (all on the strand).
  bool streaming_ = false;
  int subscription_ = 0;
  bool replaying_ = false;
  int64_t last_seq_ = 0;
  std::vector<std::pair<int64_t, std::string>> held_;  // live events that arrived during replay
  std::deque<std::string> outbox_;
  bool writing_ = false;
  std::unique_ptr<net::steady_timer> heartbeat_;
  std::array<char, 512> discard_{};
};

}  // namespace trailbox::server
