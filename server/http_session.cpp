#include "server/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "api/admin.hpp"
#include "api/event_record.hpp"

namespace trailbox::server {
namespace {

// Body for errors raised before a request reaches the router: readable by both SDK families
// (x-amzn-ErrorType for restJson1, __type for awsJson1_1).
std::string errorBody(const char* code, const std::string& message) {
  return api::dumpJson(api::Json{{"__type", code}, {"message", message}});
}

}  // namespace

HttpSession::HttpSession(tcp::socket&& socket, SessionShared& shared)
    : stream_(std::move(socket)), deadline_(stream_.get_executor()), shared_(shared) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  peer_ip_ = ec ? "127.0.0.1" : endpoint.address().to_string();
  if (peer_ip_.rfind("::ffff:", 0) == 0) peer_ip_ = peer_ip_.substr(7);
}

HttpSession::~HttpSession() {
  if (subscription_) shared_.router.unsubscribe(subscription_);
  shared_.connections.fetch_sub(1);
  std::scoped_lock lock(shared_.sessions_mutex);
  shared_.sessions.erase(this);
}

void HttpSession::run() {
  {
    std::scoped_lock lock(shared_.sessions_mutex);
    shared_.sessions.emplace(this, weak_from_this());
  }
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->doRead(); });
}

void HttpSession::refuse() {
  {
    std::scoped_lock lock(shared_.sessions_mutex);
    shared_.sessions.emplace(this, weak_from_this());
  }
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->busy_ = true;
    self->failRequest(503, "ServiceUnavailableException",
                      "trailbox is at its connection limit (" + std::to_string(self->shared_.limits.max_connections) +
                          ") or shutting down; retry later");
  });
}

void HttpSession::drain() {
  auto self = shared_from_this();
  net::post(stream_.get_executor(), [self] {
    if (self->streaming_) {
      if (self->heartbeat_) self->heartbeat_->cancel();
      if (self->subscription_) {
        self->shared_.router.unsubscribe(self->subscription_);
        self->subscription_ = 0;
      }
      return self->close();
    }
    if (!self->busy_) self->close();
  });
}

void HttpSession::doRead() {
  if (closed_) return;
  if (shared_.draining.load()) return close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(shared_.limits.max_header_bytes));
  parser_->body_limit(shared_.limits.max_body_bytes);
  if (buffer_.size() > 0) return readHeader();  // a pipelined request is already here
  // Wait for the first byte under the (longer) keep-alive timeout, then give the client the
  // header timeout to send the rest: a slow sender cannot hold the connection indefinitely.
  stream_.expires_after(std::chrono::milliseconds(shared_.limits.idle_timeout_ms));
  stream_.async_read_some(buffer_.prepare(4096),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            // closed_: a drain closed the connection after these bytes arrived;
                            // reading on from the buffer would run a request nobody can answer.
                            if (ec || self->closed_) return self->close();
                            self->buffer_.commit(n);
                            self->readHeader();
                          });
}

void HttpSession::armDeadline(int64_t ms) {
  timed_out_ = false;
  deadline_.expires_after(std::chrono::milliseconds(ms));
  deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;  // cancelled: the read finished in time
    self->timed_out_ = true;
    beast::error_code ignored;
    self->stream_.socket().cancel(ignored);
  });
}

void HttpSession::readHeader() {
  busy_ = true;
  started_ = std::chrono::steady_clock::now();
  stream_.expires_never();
  armDeadline(shared_.limits.header_timeout_ms);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onReadHeader(ec); });
}

void HttpSession::onReadHeader(beast::error_code ec) {
  deadline_.cancel();
  if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset) return close();
  if (timed_out_) {
    return failRequest(408, "RequestTimeoutException", "The request header was not received within " +
                                                           std::to_string(shared_.limits.header_timeout_ms) + " ms");
  }
  if (ec == http::error::header_limit) {
    return failRequest(431, "RequestHeaderFieldsTooLarge",
                       "The request header exceeds " + std::to_string(shared_.limits.max_header_bytes) + " bytes");
  }
  if (ec == http::error::body_limit) {
    return failRequest(413, "RequestEntityTooLargeException",
                       "The request body exceeds " + std::to_string(shared_.limits.max_body_bytes) + " bytes");
  }
  if (ec) return failRequest(400, "BadRequestException", "Malformed HTTP request: " + ec.message());
  method_ = std::string(parser_->get().method_string());
  target_ = std::string(parser_->get().target());
  if (auto te = parser_->get().find(http::field::transfer_encoding); te != parser_->get().end()) {
    // Only "chunked" frames a request body; anything else would leave the body's end unknown and
    // let its bytes be read as a further request (RFC 9112 6.3), so the connection is closed.
    std::string codings;
    for (char c : te->value()) {
      if (c != ' ' && c != '\t') codings += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!parser_->chunked()) {
      return failRequest(400, "BadRequestException",
                         "Transfer-Encoding '" + std::string(te->value()) + "' does not end with chunked");
    }
    if (codings != "chunked") {
      return failRequest(501, "NotImplemented",
                         "Transfer-Encoding '" + std::string(te->value()) + "' is not supported; send chunked alone");
    }
  }
  if (parser_->is_done()) return dispatch();
  armDeadline(shared_.limits.body_timeout_ms);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec2, std::size_t) { self->onReadBody(ec2); });
}

void HttpSession::onReadBody(beast::error_code ec) {
  deadline_.cancel();
  if (ec == http::error::body_limit) {
    return failRequest(413, "RequestEntityTooLargeException",
                       "The request body exceeds " + std::to_string(shared_.limits.max_body_bytes) + " bytes");
  }
  if (timed_out_) {
    return failRequest(408, "RequestTimeoutException", "The request body was not received within " +
                                                           std::to_string(shared_.limits.body_timeout_ms) + " ms");
  }
  if (ec == http::error::end_of_stream || ec == net::error::eof || ec == http::error::partial_message ||
      ec == net::error::connection_reset) {
    return close();  // the client went away mid-request; nothing was acknowledged
  }
  if (ec) return failRequest(400, "BadRequestException", "Malformed HTTP request body: " + ec.message());
  dispatch();
}

void HttpSession::dispatch() {
  if (closed_) return;  // the answer could not be sent: do not run (and commit) the request
  stream_.expires_never();  // the router answers when the store has committed
  http::request<http::string_body> req = parser_->release();
  api::Request request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  request.peer_ip = peer_ip_;
  request.headers.reserve(16);
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(req.body());
  if (request.method == "GET" && request.target.substr(0, request.target.find('?')) == "/_trailbox/events/stream") {
    return startStream(request);
  }
  bool keep_alive = req.keep_alive();
  ++served_;
  size_t cap = shared_.limits.max_requests_per_connection;
  bool close_after = !keep_alive || (cap > 0 && served_ >= cap);

  auto self = shared_from_this();
  if (shared_.noop) {
    api::Response fixed;
    fixed.body = R"({"ok":true})";
    fixed.headers = {{"Content-Type", "application/json"}};
    return send(std::move(fixed), close_after);
  }
  try {
    shared_.router.handle(std::move(request), [self, close_after](api::Response response) {
      net::post(self->stream_.get_executor(), [self, close_after, response = std::move(response)]() mutable {
        self->send(std::move(response), close_after);
      });
    });
  } catch (const std::exception& e) {
    // Last line of defence: nothing may escape into Asio.
    failRequest(500, "InternalServerException", std::string("Unexpected error: ") + e.what());
  }
}

void HttpSession::send(api::Response response, bool close_after) {
  if (closed_) return;
  bool close = close_after || shared_.draining.load();
  auto res = std::make_shared<http::response<http::string_body>>();
  res->version(11);
  res->result(static_cast<unsigned>(response.status));
  for (auto& [name, value] : response.headers) res->set(name, value);
  res->set(http::field::server, "trailbox");
  res->body() = std::move(response.body);
  res->keep_alive(!close);
  res->prepare_payload();
  if (method_ == "HEAD") {
    // A HEAD response announces the length a GET would have, and carries no content (RFC 9110
    // 9.3.2); a keep-alive client would read any bytes as the next response.
    res->body().clear();
  }
  response_ = res;

  if (shared_.logger.enabled(LogLevel::kInfo)) {
    double latency_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    api::Json fields = api::Json{{"requestId", response.request_id},
                                 {"operation", response.operation},
                                 {"status", response.status},
                                 {"latencyMs", static_cast<double>(static_cast<int64_t>(latency_ms * 1000)) / 1000.0},
                                 {"caller", response.caller},
                                 {"method", method_},
                                 {"path", target_.substr(0, target_.find('?'))},
                                 {"client", peer_ip_}};
    if (!response.error_code.empty()) fields["error"] = response.error_code;
    shared_.logger.log(response.status >= 500 ? LogLevel::kError : LogLevel::kInfo, "request", fields);
  }
  stream_.expires_after(std::chrono::milliseconds(shared_.limits.write_timeout_ms));
  http::async_write(stream_, *res, [self = shared_from_this(), close](beast::error_code ec, std::size_t) {
    self->onWrite(close, ec);
  });
}

void HttpSession::onWrite(bool close_now, beast::error_code ec) {
  response_.reset();
  busy_ = false;
  if (ec || close_now) return close();
  doRead();
}

void HttpSession::failRequest(int status, const char* code, const std::string& message) {
  // The request could not be read completely, so the connection's framing is unknown: answer
  // and close.
  api::Response r;
  r.status = status;
  r.body = errorBody(code, message);
  r.request_id = shared_.router.newRequestId();
  r.headers = {{"Content-Type", "application/json"}, {"x-amzn-RequestId", r.request_id}, {"x-amzn-ErrorType", code}};
  r.operation = "http";
  r.error_code = code;
  if (method_.empty() && parser_) method_ = "?";
  send(std::move(r), true);
}

void HttpSession::close() {
  if (closed_) return;
  closed_ = true;
  deadline_.cancel();
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
}

}  // namespace trailbox::server

namespace trailbox::server {

namespace {
constexpr size_t kMaxOutbox = 10000;  // a tail that falls this far behind is cut off
constexpr auto kHeartbeat = std::chrono::seconds(15);
}  // namespace

void HttpSession::startStream(const api::Request& request) {
  api::Target target = api::splitTarget(request.target);
  api::QueryParams query;
  api::parseQuery(target.query, query);
  // A reconnecting EventSource sends Last-Event-ID: resume after it, whatever the URL says.
  std::string last_event_id(request.header("last-event-id"));
  if (!last_event_id.empty()) {
    std::erase_if(query, [](const auto& kv) { return kv.first == "after"; });
    query.emplace_back("after", last_event_id);
  }
  auto parsed = api::parseEventSelection(query);
  if (!parsed.ok()) return failRequest(400, "ValidationException", parsed.error().message);
  auto selection = std::make_shared<api::EventSelection>(std::move(*parsed));
  bool replay = false;
  for (const auto& [k, v] : query) replay = replay || k == "after";

  streaming_ = true;
  replaying_ = replay;
  stream_.expires_never();
  std::string request_id = shared_.router.newRequestId();
  outbox_.push_back(
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      "Connection: close\r\nX-Accel-Buffering: no\r\nServer: trailbox\r\nx-amzn-RequestId: " +
      request_id + "\r\n\r\n: trailbox live tail\n\n");
  streamFlush();
  if (shared_.logger.enabled(LogLevel::kInfo)) {
    shared_.logger.log(LogLevel::kInfo, "request",
                       api::Json{{"requestId", request_id}, {"operation", "admin:events/stream"}, {"status", 200},
                                 {"method", "GET"}, {"path", target.path}, {"client", peer_ip_}});
  }

  std::weak_ptr<HttpSession> weak = weak_from_this();
  // Subscribe before replaying, holding live events back until the replay is out, so that nothing
  // committed in between is missed or sent twice.
  subscription_ = shared_.router.subscribe([weak, selection](const store::EventRow& row) {
    if (!api::selectionMatches(*selection, row)) return;
    auto self = weak.lock();
    if (!self) return;
    std::string text = "id: " + std::to_string(row.seq) + "\nevent: record\ndata: " + api::renderRecord(row) + "\n\n";
    net::post(self->stream_.get_executor(),
              [self, seq = row.seq, text = std::move(text)]() mutable { self->streamSend(seq, std::move(text)); });
  });
  if (replay) {
    store::EventQuery q = selection->query;
    q.order = store::EventQuery::Order::kCommitOrder;
    shared_.router.store().read([weak, selection, q](store::Database& db) {
      auto self = weak.lock();
      if (!self) return;
      store::EventReader reader(db);
      auto rows = reader.query(q);
      std::vector<std::pair<int64_t, std::string>> texts;
      if (rows.ok()) {
        for (const auto& row : *rows) {
          if (!api::selectionMatches(*selection, row)) continue;
          texts.emplace_back(row.seq, "id: " + std::to_string(row.seq) + "\nevent: record\ndata: " +
                                          api::renderRecord(row) + "\n\n");
        }
      }
      net::post(self->stream_.get_executor(), [self, texts = std::move(texts)]() mutable {
        self->replaying_ = false;
        for (auto& [seq, text] : texts) self->streamSend(seq, std::move(text));
        auto held = std::move(self->held_);
        for (auto& [seq, text] : held) self->streamSend(seq, std::move(text));
      });
    });
  }
  heartbeat_ = std::make_unique<net::steady_timer>(stream_.get_executor());
  streamHeartbeat();
  streamWatchClose();
}

void HttpSession::streamSend(int64_t seq, std::string text) {
  if (closed_) return;
  if (replaying_) {
    held_.emplace_back(seq, std::move(text));
    return;
  }
  if (seq <= last_seq_) return;  // already sent by the replay
  last_seq_ = seq;
  if (outbox_.size() >= kMaxOutbox) return close();
  outbox_.push_back(std::move(text));
  streamFlush();
}

void HttpSession::streamFlush() {
  if (writing_ || outbox_.empty() || closed_) return;
  writing_ = true;
  auto self = shared_from_this();
  net::async_write(stream_.socket(), net::buffer(outbox_.front()), [self](beast::error_code ec, std::size_t) {
    self->writing_ = false;
    if (ec) return self->close();
    self->outbox_.pop_front();
    self->streamFlush();
  });
}

void HttpSession::streamHeartbeat() {
  heartbeat_->expires_after(kHeartbeat);
  heartbeat_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closed_) return;
    self->outbox_.push_back(": ping\n\n");
    self->streamFlush();
    self->streamHeartbeat();
  });
}

void HttpSession::streamWatchClose() {
  // A tail only writes; a completed read means the client closed (or sent garbage): hang up.
  stream_.socket().async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      self->close();
      if (self->heartbeat_) self->heartbeat_->cancel();
      if (self->subscription_) {
        self->shared_.router.unsubscribe(self->subscription_);
        self->subscription_ = 0;
      }
      return;
    }
    self->streamWatchClose();
  });
}

}  // namespace trailbox::server
