#include "api/admin.hpp"

#include <charconv>
#include <cmath>

#include "api/cloudtrail/signing.hpp"
#include "api/emr_serverless/engine.hpp"
#include "api/event_record.hpp"
#include "store/resource_store.hpp"
#include "store/schema.hpp"

namespace trailbox::embedded {
extern const std::string_view ui_index_html;
extern const std::string_view ui_app_js;
extern const std::string_view ui_app_css;
}  // namespace trailbox::embedded

namespace trailbox::api {
namespace {

constexpr int kDefaultEventLimit = 1000;
constexpr int kMaxEventLimit = 10000;

std::string param(const QueryParams& q, std::string_view key) {
  for (const auto& [k, v] : q) {
    if (k == key) return v;
  }
  return {};
}

bool hasParam(const QueryParams& q, std::string_view key) {
  for (const auto& kv : q) {
    if (kv.first == key) return true;
  }
  return false;
}

// Accepts ISO 8601 or epoch seconds (fractions allowed).
bool parseTime(const std::string& text, int64_t& ms) {
  if (parseIso8601(text, ms)) return true;
  char* end = nullptr;
  double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(seconds)) return false;
  ms = clampedEpochMs(seconds);
  return true;
}

bool parseInt(const std::string& text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

std::string htmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Response adminJson(int status, const Json& body, const std::string& request_id) {
  Response r;
  r.status = status;
  r.body = dumpJson(body);
  r.headers = {{"Content-Type", "application/json"}, {"x-amzn-RequestId", request_id}};
  r.request_id = request_id;
  return r;
}

Response adminError(int status, const std::string& code, const std::string& message, const std::string& request_id) {
  Response r = adminJson(status, Json{{"__type", code}, {"message", message}}, request_id);
  r.setHeader("x-amzn-ErrorType", code);
  r.error_code = code;
  return r;
}

void AdminApi::handle(const Request& request, const std::string& path, const QueryParams& query,
                      const std::string& request_id, Router::Respond respond) {
  auto route = [&](const char* method, std::string_view p) { return request.method == method && path == p; };
  auto named = [&](Response r, std::string op) {
    r.operation = "admin:" + std::move(op);
    return r;
  };
  Router::Respond tagged = [respond, path](Response r) {
    if (r.operation.empty()) r.operation = "admin:" + path;
    respond(std::move(r));
  };
  // The Event history page and its assets, compiled into the binary.
  struct Asset {
    const char* path;
    const std::string_view* bytes;
    const char* type;
  };
  static const Asset kAssets[] = {
      {"/_trailbox/", &embedded::ui_index_html, "text/html; charset=utf-8"},
      {"/_trailbox", &embedded::ui_index_html, "text/html; charset=utf-8"},
      {"/_trailbox/ui/app.js", &embedded::ui_app_js, "text/javascript; charset=utf-8"},
      {"/_trailbox/ui/app.css", &embedded::ui_app_css, "text/css; charset=utf-8"},
  };
  for (const auto& asset : kAssets) {
    if (request.method == "GET" && path == asset.path) {
      Response r;
      r.status = 200;
      r.body = std::string(*asset.bytes);
      r.headers = {{"Content-Type", asset.type}, {"Cache-Control", "no-cache"}, {"x-amzn-RequestId", request_id}};
      r.request_id = request_id;
      r.operation = "admin:ui";
      respond(std::move(r));
      return;
    }
  }
  if (route("GET", "/_trailbox/health") || route("HEAD", "/_trailbox/health")) {
    auto stats = router_.store().stats();
    Json body = Json{{"status", "ok"},
                     {"store", router_.store().path()},
                     {"now", isoSeconds(router_.clock().nowMs())},
                     {"writer", Json{{"jobs", stats.jobs},
                                     {"batches", stats.batches},
                                     {"failedJobs", stats.failed_jobs},
                                     {"largestBatch", stats.largest_batch}}}};
    respond(named(adminJson(200, body, request_id), "health"));
    return;
  }
  if (route("GET", "/_trailbox/events")) return events(query, request_id, std::move(tagged), false);
  if (route("GET", "/_trailbox/events/count")) return events(query, request_id, std::move(tagged), true);
  if (route("POST", "/_trailbox/reset")) return reset(request_id, std::move(tagged));
  if (path == "/_trailbox/clock" && (request.method == "GET" || request.method == "POST")) {
    return clock(request, query, request_id, std::move(tagged));
  }
  if (route("GET", "/_trailbox/config")) {
    Json config = router_.options().config;
    config["timings"] = emr::timingsToJson(router_.options().timings);
    config["defaultAccountId"] = router_.options().identity.account_id;
    config["defaultRegion"] = router_.options().identity.region;
    config["recordCloudTrailCalls"] = router_.options().record_cloudtrail_calls;
    config["schemaVersion"] = store::currentSchemaVersion();
    respond(named(adminJson(200, config, request_id), "config"));
    return;
  }
  if (route("GET", "/_trailbox/resources")) return resources(request_id, std::move(tagged));
  if (route("POST", "/_trailbox/trails/deliver")) {
    // Delivers everything pending now, whatever the cadence; ?digest=true also closes the current
    // digest period. Runs on the calling thread: it waits for the store.
    auto result = router_.deliverTrails(true, param(query, "digest") == "true");
    if (!result.ok()) {
      respond(named(adminError(500, "InternalServerException", result.error().message, request_id), "deliver"));
      return;
    }
    respond(named(adminJson(200, *result, request_id), "deliver"));
    return;
  }
  if (request.method == "GET" && path.rfind("/_trailbox/dashboard/", 0) == 0) {
    // Dashboard links are valid for one hour, like the real ones.
    int64_t expires = 0;
    if (hasParam(query, "expires") &&
        (!parseInt(param(query, "expires"), expires) || router_.clock().nowMs() / 1000 > expires)) {
      respond(named(adminError(403, "AccessDeniedException", "This dashboard link has expired; request a new one",
                               request_id),
                    "dashboard"));
      return;
    }
    return dashboard(path, request_id, std::move(tagged));
  }
  respond(named(adminError(404, "UnknownOperationException",
                           "No trailbox endpoint " + request.method + " " + path +
                               " (see README: health, events, events/count, reset, clock, config, resources)",
                           request_id),
                "unknown"));
}

Result<EventSelection> parseEventSelection(const QueryParams& query) {
  EventSelection sel;
  store::EventQuery& q = sel.query;
  q.order = store::EventQuery::Order::kCommitOrder;
  static const std::pair<const char*, store::EventAttribute> kFilters[] = {
      {"eventId", store::EventAttribute::kEventId},         {"eventName", store::EventAttribute::kEventName},
      {"readOnly", store::EventAttribute::kReadOnly},       {"username", store::EventAttribute::kUsername},
      {"resourceType", store::EventAttribute::kResourceType}, {"resourceName", store::EventAttribute::kResourceName},
      {"eventSource", store::EventAttribute::kEventSource}, {"accessKeyId", store::EventAttribute::kAccessKeyId},
      {"errorCode", store::EventAttribute::kErrorCode},
  };
  for (const auto& [name, attribute] : kFilters) {
    if (hasParam(query, name)) q.filters.push_back({attribute, param(query, name)});
  }
  if (hasParam(query, "readOnly") && param(query, "readOnly") != "true" && param(query, "readOnly") != "false") {
    return fail(ErrorCode::kValidationException, "readOnly must be true or false");
  }
  if (hasParam(query, "account")) q.account = param(query, "account");
  if (hasParam(query, "region")) q.region = param(query, "region");
  q.errors_only = param(query, "errorsOnly") == "true";
  for (const char* key : {"startTime", "endTime"}) {
    if (!hasParam(query, key)) continue;
    int64_t ms = 0;
    if (!parseTime(param(query, key), ms)) {
      return fail(ErrorCode::kValidationException,
                  std::string(key) + " must be ISO 8601 (2026-01-02T03:04:05Z) or epoch seconds");
    }
    (std::string(key) == "startTime" ? q.start_ms : q.end_ms) = ms;
  }
  int64_t limit = kDefaultEventLimit;
  if (hasParam(query, "limit") && (!parseInt(param(query, "limit"), limit) || limit < 1 || limit > kMaxEventLimit)) {
    return fail(ErrorCode::kValidationException, "limit must be a whole number from 1 to " + std::to_string(kMaxEventLimit));
  }
  q.limit = static_cast<int>(limit);
  if (hasParam(query, "after") && !parseInt(param(query, "after"), q.after_seq)) {
    return fail(ErrorCode::kValidationException, "after must be a sequence number (x-trailbox-last-seq)");
  }
  if (hasParam(query, "order") && param(query, "order") != "asc" && param(query, "order") != "desc") {
    return fail(ErrorCode::kValidationException, "order must be asc or desc, not '" + param(query, "order") + "'");
  }
  if (param(query, "order") == "desc") q.order = store::EventQuery::Order::kNewestFirst;
  if (hasParam(query, "before")) {
    // Newest-first paging: before=<time_ms>:<seq> of the last record seen (x-trailbox-last-cursor).
    std::string b = param(query, "before");
    size_t colon = b.find(':');
    int64_t time_ms = 0, seq = 0;
    if (colon == std::string::npos || !parseInt(b.substr(0, colon), time_ms) || !parseInt(b.substr(colon + 1), seq)) {
      return fail(ErrorCode::kValidationException, "before must be <time_ms>:<seq> (the x-trailbox-last-cursor header)");
    }
    q.order = store::EventQuery::Order::kNewestFirst;
    q.before = std::make_pair(time_ms, seq);
  }
  for (const auto& [k, v] : query) {
    if (k != "where") continue;
    size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fail(ErrorCode::kValidationException,
                  "where must be <member path>=<value>, e.g. where=requestParameters.name=my-app, not '" + v + "'");
    }
    sel.where.emplace_back(v.substr(0, eq), v.substr(eq + 1));
  }
  return sel;
}

namespace {

// The value at a dotted path of a record, as text ("true", "42", a string's own text); nullopt
// when the path does not exist.
std::optional<std::string> valueAt(const Json& record, const std::string& path) {
  const Json* node = &record;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t dot = path.find('.', pos);
    std::string part = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (node->is_object()) {
      auto it = node->find(part);
      if (it == node->end()) return std::nullopt;
      node = &*it;
    } else if (node->is_array()) {
      int64_t index = -1;
      if (!parseInt(part, index) || index < 0 || static_cast<size_t>(index) >= node->size()) return std::nullopt;
      node = &(*node)[static_cast<size_t>(index)];
    } else {
      return std::nullopt;
    }
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  if (node->is_string()) return node->get<std::string>();
  if (node->is_null()) return std::string("null");
  return dumpJson(*node);
}

bool whereMatches(const EventSelection& sel, const store::EventRow& row) {
  if (sel.where.empty()) return true;
  Json record = Json::parse(renderRecord(row), nullptr, false);
  for (const auto& [path, value] : sel.where) {
    auto got = valueAt(record, path);
    if (!got || *got != value) return false;
  }
  return true;
}

}  // namespace

bool selectionMatches(const EventSelection& sel, const store::EventRow& row) {
  const store::EventQuery& q = sel.query;
  if (q.account && row.account != *q.account) return false;
  if (q.region && row.region != *q.region) return false;
  if (q.errors_only && row.error_code.empty()) return false;
  if (q.start_ms && row.time_ms < *q.start_ms) return false;
  if (q.end_ms && row.time_ms > *q.end_ms) return false;
  for (const auto& f : q.filters) {
    bool ok = false;
    switch (f.attribute) {
      case store::EventAttribute::kEventId: ok = row.event_id == f.value; break;
      case store::EventAttribute::kEventName: ok = row.event_name == f.value; break;
      case store::EventAttribute::kReadOnly: ok = (row.read_only ? "true" : "false") == f.value; break;
      case store::EventAttribute::kUsername: ok = row.username == f.value; break;
      case store::EventAttribute::kEventSource: ok = row.event_source == f.value; break;
      case store::EventAttribute::kAccessKeyId: ok = row.access_key_id == f.value; break;
      case store::EventAttribute::kErrorCode: ok = row.error_code == f.value; break;
      case store::EventAttribute::kResourceType:
      case store::EventAttribute::kResourceName:
        for (const auto& r : row.resources) {
          ok = ok || (f.attribute == store::EventAttribute::kResourceType ? r.type : r.name) == f.value;
        }
        break;
    }
    if (!ok) return false;
  }
  return whereMatches(sel, row);
}

void AdminApi::events(const QueryParams& query, const std::string& request_id, Router::Respond respond,
                      bool count_only) {
  auto parsed = parseEventSelection(query);
  if (!parsed.ok()) {
    respond(adminError(400, "ValidationException", parsed.error().message, request_id));
    return;
  }
  auto sel = std::make_shared<EventSelection>(std::move(*parsed));
  auto shared_respond = std::make_shared<Router::Respond>(std::move(respond));
  router_.store().read([sel, count_only, request_id, shared_respond](store::Database& db) {
    store::EventReader reader(db);
    if (count_only && sel->where.empty()) {
      auto n = reader.count(sel->query);
      if (!n.ok()) {
        (*shared_respond)(adminError(500, "InternalServerException", n.error().message, request_id));
        return;
      }
      (*shared_respond)(adminJson(200, Json{{"count", *n}}, request_id));
      return;
    }
    // where-conditions are checked on the rendered records: walk the indexed candidates in chunks
    // until enough match (or, for a count, until the end).
    std::vector<store::EventRow> matched;
    store::EventQuery q = sel->query;
    size_t wanted = count_only ? SIZE_MAX : static_cast<size_t>(sel->query.limit);
    int64_t counted = 0;
    constexpr int kChunk = 1000;
    while (matched.size() < wanted) {
      q.limit = sel->where.empty() ? sel->query.limit : kChunk;
      auto rows = reader.query(q);
      if (!rows.ok()) {
        (*shared_respond)(adminError(500, "InternalServerException", rows.error().message, request_id));
        return;
      }
      for (auto& row : *rows) {
        if (!whereMatches(*sel, row)) continue;
        ++counted;
        if (!count_only && matched.size() < wanted) matched.push_back(std::move(row));
      }
      if (sel->where.empty() || static_cast<int>(rows->size()) < q.limit) break;
      const auto& last = rows->back();
      if (q.order == store::EventQuery::Order::kCommitOrder) {
        q.after_seq = last.seq;
      } else {
        q.before = std::make_pair(last.time_ms, last.seq);
      }
    }
    if (count_only) {
      (*shared_respond)(adminJson(200, Json{{"count", counted}}, request_id));
      return;
    }
    std::string body = R"({"Records":[)";
    for (size_t i = 0; i < matched.size(); ++i) {
      if (i) body += ',';
      body += renderRecord(matched[i]);
    }
    body += "]}";
    Response r = adminJson(200, Json::object(), request_id);
    r.body = std::move(body);
    r.setHeader("x-trailbox-last-seq", std::to_string(matched.empty() ? 0 : matched.back().seq));
    if (!matched.empty()) {
      r.setHeader("x-trailbox-last-cursor",
                  std::to_string(matched.back().time_ms) + ":" + std::to_string(matched.back().seq));
    }
    (*shared_respond)(std::move(r));
  });
}

void AdminApi::reset(const std::string& request_id, Router::Respond respond) {
  auto generation = std::make_shared<uint64_t>(0);
  router_.store().write(
      [generation](store::Database& db, store::EventWriter& events) -> store::StoreStatus {
        auto secret = store::getMeta(db, "token_secret");
        if (!secret.ok()) return store::makeUnexpected(secret.error());
        auto g = store::getMeta(db, "generation");
        if (!g.ok()) return store::makeUnexpected(g.error());
        *generation = (*g ? std::strtoull((*g)->c_str(), nullptr, 10) : 0) + 1;
        if (auto s = store::clearAll(db); !s.ok()) return s;
        events.forgetCache();
        if (*secret) {
          if (auto s = store::setMeta(db, "token_secret", **secret); !s.ok()) return s;
        }
        return store::setMeta(db, "generation", std::to_string(*generation));
      },
      [this, generation, request_id, respond = std::move(respond)](const store::StoreStatus& status) {
        if (!status.ok()) {
          respond(adminError(500, "InternalServerException", "reset failed: " + status.error().message, request_id));
          return;
        }
        router_.clock().setOffsetMs(0);
        router_.tokens_->setGeneration(*generation);
        router_.ids_.reseed();
        respond(adminJson(200, Json{{"reset", true}}, request_id));
      });
}

void AdminApi::clock(const Request& request, const QueryParams& query, const std::string& request_id,
                     Router::Respond respond) {
  auto view = [this]() {
    int64_t now = router_.clock().nowMs();
    return Json{{"now", isoSeconds(now)}, {"nowMs", now}, {"offsetMs", router_.clock().offsetMs()}};
  };
  if (request.method == "GET") {
    respond(adminJson(200, view(), request_id));
    return;
  }
  // POST: advance by seconds/minutes/hours/ms, from the JSON body or the query string.
  Json body = request.body.empty() ? Json::object() : Json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    respond(adminError(400, "SerializationException", "The body must be a JSON object such as {\"seconds\": 60}",
                       request_id));
    return;
  }
  static const std::pair<const char*, int64_t> kUnits[] = {{"ms", 1}, {"seconds", 1000}, {"minutes", 60000}, {"hours", 3600000}};
  int64_t delta = 0;
  bool given = false;
  for (const auto& [unit, scale] : kUnits) {
    double amount = 0;
    if (body.contains(unit)) {
      if (!body[unit].is_number()) {
        respond(adminError(400, "ValidationException", std::string(unit) + " must be a number", request_id));
        return;
      }
      amount = body[unit].get<double>();
    } else if (hasParam(query, unit)) {
      char* end = nullptr;
      std::string text = param(query, unit);
      amount = std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size()) {
        respond(adminError(400, "ValidationException", std::string(unit) + " must be a number", request_id));
        return;
      }
    } else {
      continue;
    }
    if (!std::isfinite(amount) || amount < 0 || amount > 1e13 / static_cast<double>(scale)) {
      respond(adminError(400, "ValidationException",
                         "The clock only moves forward, by at most 10^13 ms: " + std::string(unit) + " must be >= 0",
                         request_id));
      return;
    }
    delta += static_cast<int64_t>(amount * static_cast<double>(scale));
    given = true;
  }
  if (!given) {
    respond(adminError(400, "ValidationException", "Say how far to advance: {\"seconds\": N}, minutes, hours or ms",
                       request_id));
    return;
  }
  auto offset = std::make_shared<int64_t>(0);
  router_.store().write(
      [offset, delta](store::Database& db, store::EventWriter&) -> store::StoreStatus {
        auto current = store::getMeta(db, "clock_offset_ms");
        if (!current.ok()) return store::makeUnexpected(current.error());
        *offset = (*current ? std::strtoll((*current)->c_str(), nullptr, 10) : 0) + delta;
        return store::setMeta(db, "clock_offset_ms", std::to_string(*offset));
      },
      [this, offset, view, request_id, respond = std::move(respond)](const store::StoreStatus& status) {
        if (!status.ok()) {
          respond(adminError(500, "InternalServerException", status.error().message, request_id));
          return;
        }
        router_.clock().setOffsetMs(*offset);
        respond(adminJson(200, view(), request_id));
      });
}

void AdminApi::resources(const std::string& request_id, Router::Respond respond) {
  auto body = std::make_shared<Json>(Json{{"applications", Json::array()}, {"jobRuns", Json::array()},
                                          {"sessions", Json::array()}});
  const emr::Timings& timings = router_.options().timings;
  int64_t now = router_.clock().nowMs();
  router_.store().write(
      [body, &timings, now](store::Database& db, store::EventWriter&) -> store::StoreStatus {
        store::ResourceStore rs(db);
        emr::Engine engine(rs, timings, now);
        auto apps = rs.all(emr::kApplication, 1000);
        if (!apps.ok()) return store::makeUnexpected(apps.error());
        for (auto& app : *apps) {
          if (auto s = engine.advance(app); !s.ok()) return store::makeUnexpected(store::StoreError{SQLITE_ERROR, s.error().message});
          Json doc = emr::publicView(Json::parse(app.doc, nullptr, false));
          doc["accountId"] = app.account;
          doc["region"] = app.region;
          (*body)["applications"].push_back(doc);
        }
        for (const char* kind : {emr::kJobRun, emr::kSession}) {
          auto rows = rs.all(kind, 1000);
          if (!rows.ok()) return store::makeUnexpected(rows.error());
          for (auto& row : *rows) {
            Json doc = emr::publicView(Json::parse(row.doc, nullptr, false));
            doc["accountId"] = row.account;
            doc["region"] = row.region;
            (*body)[std::string(kind) == emr::kJobRun ? "jobRuns" : "sessions"].push_back(doc);
          }
        }
        return {};
      },
      [body, request_id, respond = std::move(respond)](const store::StoreStatus& status) {
        if (!status.ok()) {
          respond(adminError(500, "InternalServerException", status.error().message, request_id));
          return;
        }
        respond(adminJson(200, *body, request_id));
      });
}

void AdminApi::dashboard(const std::string& path, const std::string& request_id, Router::Respond respond) {
  // /_trailbox/dashboard/applications/<app>/(jobruns|sessions)/<id>
  auto segments = pathSegments(path);
  if (segments.size() != 6 || segments[2] != "applications" || (segments[4] != "jobruns" && segments[4] != "sessions")) {
    respond(adminError(404, "ResourceNotFoundException", "No dashboard at " + path, request_id));
    return;
  }
  std::string app_id(segments[3]);
  std::string kind = segments[4] == "jobruns" ? emr::kJobRun : emr::kSession;
  std::string id(segments[5]);
  const emr::Timings& timings = router_.options().timings;
  int64_t now = router_.clock().nowMs();
  auto found = std::make_shared<std::optional<store::ResourceRow>>();
  router_.store().write(
      [found, app_id, kind, id, &timings, now](store::Database& db, store::EventWriter&) -> store::StoreStatus {
        store::ResourceStore rs(db);
        // Dashboards are opened without credentials, so look the ids up in every account/region.
        auto apps = rs.all(emr::kApplication, 100000);
        if (!apps.ok()) return store::makeUnexpected(apps.error());
        for (auto& app : *apps) {
          if (app.id != app_id) continue;
          emr::Engine engine(rs, timings, now);
          if (auto s = engine.advance(app); !s.ok()) return store::makeUnexpected(store::StoreError{SQLITE_ERROR, s.error().message});
          auto row = rs.get(kind, app.account, app.region, id);
          if (!row.ok()) return store::makeUnexpected(row.error());
          if (*row && (*row)->parent_id == app_id) *found = std::move(**row);
        }
        return {};
      },
      [found, kind, request_id, respond = std::move(respond)](const store::StoreStatus& status) {
        if (!status.ok()) {
          respond(adminError(500, "InternalServerException", status.error().message, request_id));
          return;
        }
        if (!*found) {
          respond(adminError(404, "ResourceNotFoundException", "No such job run or session", request_id));
          return;
        }
        Json doc = emr::publicView(Json::parse((*found)->doc, nullptr, false));
        std::string title = (kind == emr::kJobRun ? "Job run " : "Session ") + (*found)->id;
        Response r;
        r.status = 200;
        r.request_id = request_id;
        r.headers = {{"Content-Type", "text/html; charset=utf-8"}, {"x-amzn-RequestId", request_id}};
        r.body = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + htmlEscape(title) +
                 "</title></head><body><h1>" + htmlEscape(title) + " &mdash; " + htmlEscape((*found)->state) +
                 "</h1><p>trailbox emulates EMR Serverless: there is no Spark UI, this page shows the resource as "
                 "the API reports it. <a href=\"/_trailbox/\">Event history</a></p><pre>" +
                 htmlEscape(doc.dump(2, ' ', false, nlohmann::detail::error_handler_t::replace)) + "</pre></body></html>";
        respond(std::move(r));
      });
}

}  // namespace trailbox::api
