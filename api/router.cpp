#include "api/router.hpp"

#include <future>

#include "api/admin.hpp"
#include "api/cloudtrail/delivery.hpp"
#include "api/cloudtrail/trails.hpp"
#include "api/crypto.hpp"
#include "api/event_record.hpp"
#include "api/model/validator.hpp"
#include "api/protocol/aws_json.hpp"
#include "api/protocol/url.hpp"
#include "api/sigv4.hpp"

namespace trailbox::embedded {
extern const std::string_view emr_serverless_model;
extern const std::string_view cloudtrail_model;
}  // namespace trailbox::embedded

namespace trailbox::api {
namespace {

constexpr std::string_view kAdminPrefix = "/_trailbox";

Response genericError(ErrorCode code, const std::string& message, const std::string& request_id, int status) {
  Response r;
  r.status = status;
  r.body = dumpJson(Json{{"__type", std::string(errorName(code))}, {"message", message}});
  r.headers = {{"Content-Type", "application/json"},
               {"x-amzn-RequestId", request_id},
               {"x-amzn-ErrorType", std::string(errorName(code))}};
  r.error_code = std::string(errorName(code));
  r.request_id = request_id;
  return r;
}

Response protocolError(Protocol protocol, const AwsError& e, const std::string& request_id) {
  return protocol == Protocol::kRestJson1 ? restJsonError(e, request_id) : awsJsonError(e, request_id);
}

// Runs `fn` as a write job and waits for its commit; used only at start-up and by admin calls
// that change settings, never on the request path.
store::StoreStatus writeAndWait(store::Store& store, store::Store::Job fn) {
  auto done = std::make_shared<std::promise<store::StoreStatus>>();
  auto future = done->get_future();
  store.write(std::move(fn), [done](const store::StoreStatus& s) { done->set_value(s); });
  return future.get();
}

}  // namespace

Result<std::unique_ptr<Router>> Router::create(store::Store& store, OffsetClock& clock, RandomIdGenerator& ids,
                                               ApiOptions options) {
  auto router = std::unique_ptr<Router>(new Router(store, clock, ids, std::move(options)));
  auto emr_model = ServiceModel::load(embedded::emr_serverless_model);
  if (!emr_model.ok()) return store::Unexpected<AwsError>(emr_model.error());
  auto ct_model = ServiceModel::load(embedded::cloudtrail_model);
  if (!ct_model.ok()) return store::Unexpected<AwsError>(ct_model.error());
  router->emr_model_ = std::move(*emr_model);
  router->cloudtrail_model_ = std::move(*ct_model);
  router->emr_routes_ = std::make_unique<RestJsonRouter>(*router->emr_model_);

  // Settings that must survive restarts live in the store's meta table.
  std::string secret;
  int64_t offset = 0;
  uint64_t generation = 0;
  std::string fresh_secret = ids.randomString(32, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
  auto status = writeAndWait(store, [&](store::Database& db, store::EventWriter&) -> store::StoreStatus {
    auto s = store::getMeta(db, "token_secret");
    if (!s.ok()) return store::makeUnexpected(s.error());
    if (*s) {
      secret = **s;
    } else {
      secret = fresh_secret;
      if (auto w = store::setMeta(db, "token_secret", secret); !w.ok()) return w;
    }
    auto o = store::getMeta(db, "clock_offset_ms");
    if (!o.ok()) return store::makeUnexpected(o.error());
    if (*o) offset = std::strtoll((*o)->c_str(), nullptr, 10);
    auto g = store::getMeta(db, "generation");
    if (!g.ok()) return store::makeUnexpected(g.error());
    if (*g) generation = std::strtoull((*g)->c_str(), nullptr, 10);
    return {};
  });
  if (!status.ok()) {
    return fail(ErrorCode::kInternalServerException, "cannot read settings from the store: " + status.error().message);
  }
  clock.setOffsetMs(offset);
  router->tokens_ = std::make_unique<TokenCodec>(secret);
  router->tokens_->setGeneration(generation);
  router->emr_ = std::make_unique<emr::EmrService>(*router->emr_model_, ids, router->options_.timings, *router->tokens_);
  router->cloudtrail_ = std::make_unique<cloudtrail::CloudTrailService>(*router->tokens_, router->options_.event_history);
  router->signer_ = std::make_unique<cloudtrail::DigestSigner>();
  router->trails_ = std::make_unique<cloudtrail::TrailService>(*router->signer_);
  router->sink_ = std::make_unique<cloudtrail::DirectorySink>(router->options_.s3_dir);
  router->delivery_ = std::make_unique<cloudtrail::TrailDelivery>(store, clock, *router->signer_, *router->sink_,
                                                                  router->options_.delivery);
  router->admin_ = std::make_unique<AdminApi>(*router);
  return router;
}

Router::Router(store::Store& store, OffsetClock& clock, RandomIdGenerator& ids, ApiOptions options)
    : store_(store), clock_(clock), ids_(ids), options_(std::move(options)) {}

Router::~Router() = default;

Result<Json> Router::deliverTrails(bool force, bool force_digest) { return delivery_->run(force, force_digest); }

int Router::subscribe(EventListener listener) {
  std::scoped_lock lock(listeners_mutex_);
  int id = next_listener_++;
  listeners_.emplace_back(id, std::move(listener));
  return id;
}

void Router::unsubscribe(int handle) {
  std::scoped_lock lock(listeners_mutex_);
  std::erase_if(listeners_, [handle](const auto& l) { return l.first == handle; });
}

void Router::publish(const store::EventRow& row) {
  // Called without the lock held, so a listener may (un)subscribe, directly or by destroying
  // what it captured.
  std::vector<std::pair<int, EventListener>> listeners;
  {
    std::scoped_lock lock(listeners_mutex_);
    if (listeners_.empty()) return;
    listeners = listeners_;
  }
  for (const auto& [id, listener] : listeners) listener(row);
}

Result<Caller> Router::resolveCaller(const Request& request, const QueryParams& query) const {
  auto scope = parseSigV4(request, query);
  if (!scope.ok()) return store::Unexpected<AwsError>(scope.error());
  const IdentityEntry* entry =
      scope->present && options_.identities ? options_.identities->find(scope->access_key_id) : nullptr;
  if (options_.strict_signatures) {
    if (!scope->present) {
      return fail(ErrorCode::kMissingAuthenticationTokenException,
                  "Missing Authentication Token: trailbox runs with --strict-signatures, sign the request with SigV4");
    }
    if (!entry || entry->session_token != scope->security_token) {
      return fail(ErrorCode::kUnrecognizedClientException, "The security token included in the request is invalid.");
    }
    // Signatures are dated by the client's wall clock, not the emulated one.
    int64_t wall = clock_.nowMs() - clock_.offsetMs();
    if (auto s = verifySigV4(request, *scope, entry->secret_access_key, wall); !s.ok()) {
      return store::Unexpected<AwsError>(s.error());
    }
  }
  if (entry) return callerFor(*entry, *scope, clock_.nowMs());
  return deriveCaller(*scope, options_.identity, clock_.nowMs());
}

std::string Router::baseUrl(const Request& request) const {
  std::string_view host = request.header("host");
  return "http://" + std::string(host.empty() ? "localhost" : host);
}

void Router::handle(Request request, Respond respond) {
  std::string request_id = ids_.uuid();
  Target target = splitTarget(request.target);
  QueryParams query;
  bool query_ok = parseQuery(target.query, query);

  if (!query_ok) {
    respond(genericError(ErrorCode::kSerializationException, "The query string has a malformed percent-escape",
                         request_id, 400));
    return;
  }
  if (target.path == kAdminPrefix || target.path.rfind(std::string(kAdminPrefix) + "/", 0) == 0) {
    admin_->handle(request, target.path, query, request_id, std::move(respond));
    return;
  }
  if (request.method == "POST" && target.path == "/" && request.hasHeader("x-amz-target")) {
    handleCloudTrail(request, query, request_id, std::move(respond));
    return;
  }
  // Only origin-form targets ("/..."; absolute-form is reduced to it by splitTarget) name a route.
  if (target.path.starts_with('/') && emr_routes_->ownsPath(target.path)) {
    handleEmr(request, target.path, query, request_id, std::move(respond));
    return;
  }
  std::string message = request.method == "POST" && target.path == "/"
                            ? "POST / needs an X-Amz-Target header naming a CloudTrail operation"
                            : "No operation matches " + request.method + " " + target.path +
                                  " (EMR Serverless paths start with /applications or /tags; CloudTrail is POST / "
                                  "with X-Amz-Target; trailbox's own endpoints are under /_trailbox/)";
  respond(genericError(ErrorCode::kUnknownOperationException, message, request_id,
                       request.method == "POST" && target.path == "/" ? 400 : 404));
}

namespace {

Response protocolOk(Protocol protocol, const Json& output, const std::string& request_id) {
  return protocol == Protocol::kRestJson1 ? restJsonOk(output, request_id) : awsJsonOk(output, request_id);
}

}  // namespace

void Router::runRecorded(std::shared_ptr<RecordedCall> call, Respond respond) {
  auto response = std::make_shared<Response>();
  auto row = std::make_shared<store::EventRow>();
  auto job = [this, call, response, row](store::Database& db, store::EventWriter& events) -> store::StoreStatus {
    int64_t now = clock_.nowMs();
    CallRecord rec;
    rec.caller = call->caller.get();
    rec.event_source = call->event_source;
    rec.event_name = call->operation;
    rec.read_only = call->read_only;
    rec.request_id = call->request_id;
    rec.event_id = ids_.timeOrderedUuid(now);
    rec.time_ms = now;
    rec.source_ip = call->source_ip;
    rec.user_agent = call->user_agent;
    rec.request_parameters = call->recorded_parameters;
    Json output;
    if (call->decode_error) {
      rec.error = call->decode_error;
    } else {
      store::Savepoint sp(db, "op");
      if (!sp.status().ok()) return sp.status();
      auto result = call->run(db, now);
      if (!result.ok()) {
        // A server-side failure (the store) aborts the whole call: nothing changes, nothing is
        // recorded, and the client gets a 500.
        if (isServerError(result.error().code)) {
          return store::makeUnexpected(store::StoreError{SQLITE_ERROR, result.error().message});
        }
        sp.rollback();
        rec.error = result.error();
      } else {
        output = std::move(*result);
        if (!rec.read_only && call->response_elements) rec.response_elements = call->response_elements(output);
      }
      if (auto s = sp.release(); !s.ok()) return s;
    }
    if (call->resources) rec.resources = call->resources(rec.error ? nullptr : &output, now);
    *row = toEventRow(rec);
    auto seq = events.insert(*row);
    if (!seq.ok()) return store::makeUnexpected(seq.error());
    row->seq = *seq;
    *response = rec.error ? protocolError(call->protocol, *rec.error, call->request_id)
                          : protocolOk(call->protocol, output, call->request_id);
    return {};
  };
  store_.write(std::move(job), [this, call, response, row, respond = std::move(respond)](const store::StoreStatus& status) {
    ErrorCode internal = call->protocol == Protocol::kRestJson1 ? ErrorCode::kInternalServerException
                                                                 : ErrorCode::kInternalFailure;
    Response out = status.ok() ? std::move(*response)
                               : protocolError(call->protocol,
                                               {internal, "The request could not be recorded: " + status.error().message},
                                               call->request_id);
    out.operation = call->operation;
    out.caller = call->caller->arn;
    if (status.ok()) publish(*row);
    respond(std::move(out));
  });
}

void Router::handleEmr(const Request& request, const std::string& path, const QueryParams& query,
                       const std::string& request_id, Respond respond) {
  RestJsonRouter::Miss miss;
  auto match = emr_routes_->match(request.method, path, miss);
  if (!match) {
    std::string message = miss == RestJsonRouter::Miss::kWrongMethod
                              ? "EMR Serverless has no " + request.method + " operation on " + path
                              : "No EMR Serverless operation matches " + request.method + " " + path;
    respond(restJsonError({ErrorCode::kUnknownOperationException, message}, request_id));
    return;
  }
  const Operation& op = *match->operation;
  auto resolved = resolveCaller(request, query);
  if (!resolved.ok()) {
    auto r = restJsonError(resolved.error(), request_id);
    r.operation = op.name;
    respond(std::move(r));
    return;
  }
  auto call = std::make_shared<RecordedCall>();
  call->protocol = Protocol::kRestJson1;
  call->event_source = emr::kEventSource;
  call->operation = op.name;
  call->read_only = emr::EmrService::isReadOnly(op.name);
  call->caller = std::make_shared<Caller>(std::move(*resolved));
  call->request_id = request_id;
  fillSource(*call, request);
  auto decoded = decodeRestJson(op, *match, query, request.body, options_.max_json_depth);
  Json input;
  if (decoded.ok()) {
    input = std::move(decoded->input);
    call->recorded_parameters = decoded->recorded.empty() ? Json() : std::move(decoded->recorded);
  } else {
    // A request rejected while decoding is still recorded with what it sent.
    call->decode_error = decoded.error();
    call->recorded_parameters = recordedParameters(op, *match, query, request.body, options_.max_json_depth);
    input = call->recorded_parameters.is_object() ? call->recorded_parameters : Json::object();
  }
  auto shared_input = std::make_shared<Json>(std::move(input));
  std::string base_url = baseUrl(request);
  // The functions stored in `call` must not capture `call` itself (a reference cycle would keep
  // every call alive forever): they capture what they need by value.
  auto context = [caller = call->caller, request_id, base_url](int64_t now) {
    return emr::CallContext{*caller, request_id, now, base_url};
  };
  call->run = [this, &op, shared_input, context](store::Database& db, int64_t now) {
    return emr_->call(op.name, context(now), *shared_input, db);
  };
  call->response_elements = [&op](const Json& output) { return op.output ? redact(output, *op.output) : output; };
  call->resources = [&op, shared_input, context](const Json* output, int64_t now) {
    return emr::EmrService::resourcesOf(op.name, context(now), *shared_input, output);
  };
  runRecorded(std::move(call), std::move(respond));
}

void Router::fillSource(RecordedCall& call, const Request& request) const {
  // Calls made by an AWS service on your behalf show the service as source and agent.
  const std::string& service = call.caller->invoked_by;
  call.user_agent = service.empty() ? std::string(request.header("user-agent")) : service;
  call.source_ip = service.empty() ? request.peer_ip : service;
}

void Router::handleCloudTrail(const Request& request, const QueryParams& query, const std::string& request_id,
                              Respond respond) {
  auto op_result = resolveTarget(*cloudtrail_model_, request.header("x-amz-target"));
  if (!op_result.ok()) {
    respond(awsJsonError(op_result.error(), request_id));
    return;
  }
  const Operation& op = **op_result;
  auto resolved = resolveCaller(request, query);
  if (!resolved.ok()) {
    auto r = awsJsonError(resolved.error(), request_id);
    r.operation = op.name;
    respond(std::move(r));
    return;
  }
  if (op.name != "LookupEvents" && !cloudtrail::TrailService::handles(op.name)) {
    auto r = awsJsonError({ErrorCode::kUnsupportedOperationException,
                           "trailbox does not implement CloudTrail " + op.name +
                               " (it serves LookupEvents, trails and ListPublicKeys)"},
                          request_id);
    r.operation = op.name;
    respond(std::move(r));
    return;
  }
  std::vector<Violation> violations;
  auto decoded = decodeAwsJson(op, request.body, violations, options_.max_json_depth);
  if (op.name != "LookupEvents") {
    auto call = std::make_shared<RecordedCall>();
    call->protocol = Protocol::kAwsJson11;
    call->event_source = cloudtrail::kEventSource;
    call->operation = op.name;
    call->read_only = cloudtrail::CloudTrailService::isReadOnly(op.name);
    call->caller = std::make_shared<Caller>(std::move(*resolved));
    call->request_id = request_id;
    fillSource(*call, request);
    auto input = std::make_shared<Json>(decoded.ok() ? decoded->input : Json::object());
    if (!decoded.ok()) {
      call->decode_error = decoded.error();
    } else {
      call->recorded_parameters = decoded->recorded.empty() ? Json() : decoded->recorded;
      // The model's constraints, reported with CloudTrail's generic parameter error.
      if (!violations.empty()) {
        call->decode_error = AwsError{ErrorCode::kInvalidParameterException, toError(violations).message};
      }
    }
    auto context = [caller = call->caller, request_id](int64_t now) {
      return cloudtrail::CallContext{*caller, request_id, now};
    };
    call->run = [this, &op, input, context](store::Database& db, int64_t now) {
      return trails_->call(op.name, context(now), *input, db);
    };
    call->response_elements = [&op](const Json& output) {
      return op.output ? lowerCamelMembers(output, *op.output) : output;
    };
    call->resources = [input, context](const Json* output, int64_t now) {
      return cloudtrail::TrailService::resourcesOf(context(now), *input, output);
    };
    runRecorded(std::move(call), std::move(respond));
    return;
  }
  auto caller = std::make_shared<Caller>(std::move(*resolved));
  CallRecord rec;
  rec.caller = caller.get();
  rec.event_source = cloudtrail::kEventSource;
  rec.event_name = op.name;
  rec.read_only = cloudtrail::CloudTrailService::isReadOnly(op.name);
  rec.request_id = request_id;
  rec.source_ip = caller->invoked_by.empty() ? request.peer_ip : caller->invoked_by;
  rec.user_agent = caller->invoked_by.empty() ? std::string(request.header("user-agent")) : caller->invoked_by;

  auto finish = [this, caller, rec, request_id, respond = std::move(respond), name = op.name](Result<Json> result,
                                                                                               Json recorded) mutable {
    rec.caller = caller.get();
    rec.time_ms = clock_.nowMs();
    rec.event_id = ids_.timeOrderedUuid(rec.time_ms);
    rec.request_parameters = recorded.empty() ? Json() : std::move(recorded);
    Response response = result.ok() ? awsJsonOk(*result, request_id) : awsJsonError(result.error(), request_id);
    response.operation = name;
    response.caller = caller->arn;
    if (!result.ok()) rec.error = result.error();
    std::optional<store::EventRow> row;
    if (options_.record_cloudtrail_calls) row = toEventRow(rec);
    recordThenRespond(std::move(row), std::move(response), Protocol::kAwsJson11, std::move(respond));
  };
  if (!decoded.ok()) {
    finish(store::Unexpected<AwsError>(decoded.error()), Json());
    return;
  }
  auto input = std::make_shared<JsonInput>(std::move(*decoded));
  auto shared_finish = std::make_shared<decltype(finish)>(std::move(finish));
  auto shared_violations = std::make_shared<std::vector<Violation>>(std::move(violations));
  store_.read([this, caller, input, shared_violations, shared_finish, request_id](store::Database& db) {
    cloudtrail::CallContext ctx{*caller, request_id, clock_.nowMs()};
    Result<Json> result = fail(ErrorCode::kInternalFailure, "LookupEvents failed");
    try {
      result = cloudtrail_->lookupEvents(ctx, input->input, *shared_violations, db);
    } catch (const std::exception& e) {
      result = fail(ErrorCode::kInternalFailure, std::string("LookupEvents failed: ") + e.what());
    }
    (*shared_finish)(std::move(result), input->recorded);
  });
}

void Router::recordThenRespond(std::optional<store::EventRow> event, Response response, Protocol protocol,
                               Respond respond) {
  if (!event) {
    respond(std::move(response));
    return;
  }
  auto row = std::make_shared<store::EventRow>(std::move(*event));
  auto shared_response = std::make_shared<Response>(std::move(response));
  store_.write(
      [row](store::Database&, store::EventWriter& events) -> store::StoreStatus {
        auto seq = events.insert(*row);
        if (!seq.ok()) return store::makeUnexpected(seq.error());
        row->seq = *seq;
        return {};
      },
      [this, row, shared_response, protocol, respond = std::move(respond)](const store::StoreStatus& status) {
        if (!status.ok()) {
          ErrorCode code = protocol == Protocol::kRestJson1 ? ErrorCode::kInternalServerException : ErrorCode::kInternalFailure;
          Response failed = protocolError(protocol, {code, "The request could not be recorded: " + status.error().message},
                                          shared_response->request_id);
          failed.operation = shared_response->operation;
          failed.caller = shared_response->caller;
          respond(std::move(failed));
          return;
        }
        publish(*row);
        respond(std::move(*shared_response));
      });
}

}  // namespace trailbox::api
