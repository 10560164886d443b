#include "api/emr_serverless/engine.hpp"

#include <algorithm>
#include <charconv>
#include <climits>

#include "api/clock.hpp"

namespace trailbox::api::emr {
namespace {

constexpr int64_t kMinute = 60000;
constexpr int kMaxStepsPerAdvance = 1000000;

int64_t msOf(const Json& j, const char* key, int64_t fallback = 0) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return fallback;
  return it->get<int64_t>();
}

int intOf(const Json& j, const char* key, int fallback = 0) { return static_cast<int>(msOf(j, key, fallback)); }

Json parseDoc(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_object() ? j : Json::object();
}

std::optional<int64_t> earliest(std::optional<int64_t> a, std::optional<int64_t> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

// A resource document being changed. The private part ("_tb") is held apart from the public
// members while editing: ordered_json keeps members in a vector, so a reference into one member
// would dangle as soon as another member is added.
struct Doc {
  explicit Doc(store::ResourceRow& r) : row(r), json(parseDoc(r.doc)) {
    auto it = json.find("_tb");
    if (it != json.end() && it->is_object()) tb = std::move(*it);
    json.erase("_tb");
  }
  void commit() {
    json["_tb"] = tb;
    row.doc = dumpJson(json);
    json.erase("_tb");
  }
  store::ResourceRow& row;
  Json json;
  Json tb = Json::object();
};

// The scheduler limits of an application; 0 = no limit (no schedulerConfiguration).
int maxConcurrentRuns(const Json& app) {
  auto it = app.find("schedulerConfiguration");
  if (it == app.end() || !it->is_object()) return 0;
  return intOf(*it, "maxConcurrentRuns", 15);
}

int64_t queueTimeoutMs(const Json& app) {
  auto it = app.find("schedulerConfiguration");
  if (it == app.end() || !it->is_object()) return 0;
  return msOf(*it, "queueTimeoutMinutes", 360) * kMinute;
}

void setUtilization(Json& run, int64_t running_ms) {
  // A notional driver plus two executors of 4 vCPU, 16 GB memory and 20 GB disk each; billing
  // counts at least one minute per worker.
  constexpr double kWorkers = 3, kCpu = 4, kMemory = 16, kDisk = 20;
  double hours = static_cast<double>(running_ms) / 3600000.0;
  double billed_hours = static_cast<double>(std::max<int64_t>(running_ms, 60000)) / 3600000.0;
  auto round3 = [](double v) { return static_cast<double>(static_cast<int64_t>(v * 1000.0 + 0.5)) / 1000.0; };
  run["totalResourceUtilization"] = Json{{"vCPUHour", round3(kWorkers * kCpu * hours)},
                                         {"memoryGBHour", round3(kWorkers * kMemory * hours)},
                                         {"storageGBHour", round3(kWorkers * kDisk * hours)}};
  run["billedResourceUtilization"] = Json{{"vCPUHour", round3(kWorkers * kCpu * billed_hours)},
                                          {"memoryGBHour", round3(kWorkers * kMemory * billed_hours)},
                                          {"storageGBHour", round3(kWorkers * kDisk * billed_hours)}};
}

}  // namespace

AwsError storeFailure(const store::StoreError& e) {
  return AwsError{ErrorCode::kInternalServerException, "The store failed: " + e.message};
}

Json& internal(Json& doc) {
  auto it = doc.find("_tb");
  if (it == doc.end() || !it->is_object()) doc["_tb"] = Json::object();
  return doc["_tb"];
}

const Json& internal(const Json& doc) {
  static const Json kEmpty = Json::object();
  auto it = doc.find("_tb");
  return it == doc.end() ? kEmpty : *it;
}

Json publicView(const Json& doc) {
  Json out = doc;
  out.erase("_tb");
  return out;
}

bool isTerminalRunState(const std::string& s) { return s == "SUCCESS" || s == "FAILED" || s == "CANCELLED"; }
bool isTerminalSessionState(const std::string& s) { return s == "FAILED" || s == "TERMINATED"; }

bool applyTimingOverrides(const std::string& spec, Timings& t, std::string& error) {
  struct Field {
    const char* name;
    int64_t Timings::*member;
  };
  static const Field kFields[] = {
      {"app_creating", &Timings::app_creating},         {"app_starting", &Timings::app_starting},
      {"app_stopping", &Timings::app_stopping},         {"run_submitted", &Timings::run_submitted},
      {"run_pending", &Timings::run_pending},           {"run_scheduled", &Timings::run_scheduled},
      {"run_running", &Timings::run_running},           {"run_cancelling", &Timings::run_cancelling},
      {"session_starting", &Timings::session_starting}, {"session_started", &Timings::session_started},
      {"session_terminating", &Timings::session_terminating},
  };
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t comma = spec.find(',', pos);
    std::string item = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? spec.size() : comma + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string::npos) {
      error = "timing '" + item + "' is not name=milliseconds";
      return false;
    }
    std::string name = item.substr(0, eq);
    int64_t value = -1;
    auto [end, ec] = std::from_chars(item.data() + eq + 1, item.data() + item.size(), value);
    if (ec != std::errc() || end != item.data() + item.size() || value < 0) {
      error = "timing '" + item + "' needs a non-negative number of milliseconds";
      return false;
    }
    bool found = false;
    for (const auto& f : kFields) {
      if (name == f.name) {
        t.*(f.member) = value;
        found = true;
      }
    }
    if (!found) {
      error = "unknown timing '" + name + "'";
      return false;
    }
  }
  return true;
}

Json timingsToJson(const Timings& t) {
  return Json{{"app_creating", t.app_creating},         {"app_starting", t.app_starting},
              {"app_stopping", t.app_stopping},         {"run_submitted", t.run_submitted},
              {"run_pending", t.run_pending},           {"run_scheduled", t.run_scheduled},
              {"run_running", t.run_running},           {"run_cancelling", t.run_cancelling},
              {"session_starting", t.session_starting}, {"session_started", t.session_started},
              {"session_terminating", t.session_terminating}};
}

int64_t Engine::runDuration(const Json& doc, const char* state) const {
  const Json& durations = internal(doc).value("plan", Json::object()).value("durations", Json::object());
  std::string s(state);
  int64_t fallback = s == "submitted"    ? t_.run_submitted
                     : s == "pending"    ? t_.run_pending
                     : s == "scheduled"  ? t_.run_scheduled
                     : s == "running"    ? t_.run_running
                     : s == "cancelling" ? t_.run_cancelling
                                         : 0;
  return msOf(durations, state, fallback);
}

std::optional<int64_t> Engine::appNext(const store::ResourceRow& app) const {
  Json doc = parseDoc(app.doc);
  const Json& tb = internal(doc);
  int64_t since = msOf(tb, "since");
  const std::string& s = app.state;
  if (s == "CREATING") return since + t_.app_creating;
  if (s == "STARTING") return since + t_.app_starting;
  if (s == "STOPPING") return since + t_.app_stopping;
  bool busy = intOf(tb, "liveRuns") > 0 || intOf(tb, "liveSessions") > 0;
  if (s == "STARTED") {
    const Json& stop = doc.value("autoStopConfiguration", Json::object());
    if (!busy && stop.value("enabled", true)) {
      int64_t idle = msOf(stop, "idleTimeoutMinutes", 15) * kMinute;
      return std::max(since, msOf(tb, "lastActivity", since)) + idle;
    }
    return std::nullopt;
  }
  if ((s == "CREATED" || s == "STOPPED") && busy) return since;  // work waits: start now
  return std::nullopt;
}

std::optional<int64_t> Engine::runNext(const store::ResourceRow& app, const store::ResourceRow& run) const {
  Json doc = parseDoc(run.doc);
  const Json& tb = internal(doc);
  int64_t since = msOf(tb, "since");
  const std::string& s = run.state;
  if (s == "SUBMITTED") {
    if (app.state != "STARTED") return std::nullopt;  // woken when the application has started
    Json app_doc = parseDoc(app.doc);
    return std::max(since + runDuration(doc, "submitted"), msOf(internal(app_doc), "since"));
  }
  if (s == "QUEUED") {
    int64_t timeout = queueTimeoutMs(parseDoc(app.doc));
    if (timeout <= 0) return std::nullopt;
    return since + timeout;
  }
  if (s == "PENDING") return since + runDuration(doc, "pending");
  if (s == "SCHEDULED") return since + runDuration(doc, "scheduled");
  if (s == "RUNNING") {
    std::optional<int64_t> next;
    const Json& plan = tb.value("plan", Json::object());
    bool streaming = doc.value("mode", "BATCH") == "STREAMING";
    std::string outcome = plan.value("outcome", streaming ? "HANG" : "SUCCESS");
    int attempt = intOf(doc, "attempt", 1);
    bool fails = outcome == "FAILED" || attempt <= intOf(plan, "failedAttempts");
    if (outcome != "HANG" || fails) next = since + runDuration(doc, "running");
    int64_t timeout = msOf(tb, "timeoutMs");
    if (timeout > 0) next = earliest(next, msOf(tb, "startedMs", since) + timeout);
    return next;
  }
  if (s == "CANCELLING") return since + msOf(tb, "cancelMs", runDuration(doc, "cancelling"));
  return std::nullopt;
}

std::optional<int64_t> Engine::sessionNext(const store::ResourceRow& app, const store::ResourceRow& session) const {
  Json doc = parseDoc(session.doc);
  const Json& tb = internal(doc);
  int64_t since = msOf(tb, "since");
  const std::string& s = session.state;
  if (s == "SUBMITTED") {
    if (app.state != "STARTED") return std::nullopt;
    return std::max(since, msOf(internal(parseDoc(app.doc)), "since"));
  }
  if (s == "STARTING") return since + t_.session_starting;
  if (s == "STARTED") return since + t_.session_started;
  if (s == "IDLE") {
    int64_t idle = msOf(tb, "idleTimeoutMs");
    if (idle <= 0) return std::nullopt;
    return since + idle;
  }
  if (s == "TERMINATING") return since + t_.session_terminating;
  return std::nullopt;
}

void Engine::setAppState(store::ResourceRow& app, const std::string& state) {
  Doc d(app);
  d.json["state"] = state;
  d.json["updatedAt"] = epochSeconds(now_);
  d.tb["since"] = now_;
  app.state = state;
  d.commit();
}

void Engine::moveRun(store::ResourceRow& run, const std::string& state, int64_t t) {
  Doc d(run);
  d.json["state"] = state;
  d.json["updatedAt"] = epochSeconds(t);
  d.json["attemptUpdatedAt"] = epochSeconds(t);
  d.tb["since"] = t;
  run.state = state;
  d.commit();
}

Status Engine::putChild(store::ResourceRow& row, std::optional<int64_t> next) {
  row.next_event_ms = next;
  auto s = rs_.update(row);
  if (!s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  return {};
}

Status Engine::save(store::ResourceRow& app) {
  auto runs = rs_.earliestChildEvent(kJobRun, app.account, app.region, app.id);
  if (!runs.ok()) return store::Unexpected<AwsError>(storeFailure(runs.error()));
  auto sessions = rs_.earliestChildEvent(kSession, app.account, app.region, app.id);
  if (!sessions.ok()) return store::Unexpected<AwsError>(storeFailure(sessions.error()));
  app.next_event_ms = earliest(appNext(app), earliest(*runs, *sessions));
  auto s = rs_.update(app);
  if (!s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  return {};
}

Status Engine::advance(store::ResourceRow& app) {
  if (app.state == "TERMINATED") return {};
  std::string before_doc = app.doc;
  auto before_next = app.next_event_ms;
  bool changed = false;
  for (int step = 0; step < kMaxStepsPerAdvance; ++step) {
    // INT64_MAX stands for "nothing due" (std::optional here trips GCC 12's uninitialized check).
    constexpr int64_t kNever = INT64_MAX;
    int64_t a = appNext(app).value_or(kNever);
    if (a > now_) a = kNever;
    auto run = rs_.nextDueChild(kJobRun, app.account, app.region, app.id, now_);
    if (!run.ok()) return store::Unexpected<AwsError>(storeFailure(run.error()));
    auto session = rs_.nextDueChild(kSession, app.account, app.region, app.id, now_);
    if (!session.ok()) return store::Unexpected<AwsError>(storeFailure(session.error()));
    int64_t r = *run ? (*run)->next_event_ms.value_or(kNever) : kNever;
    int64_t s = *session ? (*session)->next_event_ms.value_or(kNever) : kNever;
    int64_t t = std::min({a, r, s});
    if (t == kNever) break;
    changed = true;
    // Ties resolve application first, then job runs, then sessions, so an application that
    // finishes STARTING at the same instant a run would move sees the run waiting for it.
    if (a == t) {
      if (auto st = applyApp(app, t); !st.ok()) return st;
    } else if (r == t) {
      if (auto st = applyRun(app, **run, t); !st.ok()) return st;
    } else {
      if (auto st = applySession(app, **session, t); !st.ok()) return st;
    }
  }
  if (!changed && before_doc == app.doc && before_next == app.next_event_ms) return {};
  return save(app);
}

Status Engine::advanceAll(const std::string& account, const std::string& region) {
  while (true) {
    auto due = rs_.due(kApplication, account, region, now_, 100);
    if (!due.ok()) return store::Unexpected<AwsError>(storeFailure(due.error()));
    if (due->empty()) return {};
    for (auto& app : *due) {
      if (auto s = advance(app); !s.ok()) return s;
      // An application whose next event is still due would loop forever; save() always moves it
      // past now_, but guard against a corrupt document anyway.
      if (app.next_event_ms && *app.next_event_ms <= now_) {
        app.next_event_ms.reset();
        if (auto s = rs_.update(app); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
      }
    }
  }
}

Status Engine::applyApp(store::ResourceRow& app, int64_t t) {
  Doc d(app);
  Json& tb = d.tb;
  std::string next;
  const std::string& s = app.state;
  if (s == "CREATING") next = "CREATED";
  else if (s == "STARTING") next = "STARTED";
  else if (s == "STOPPING") next = "STOPPED";
  else if (s == "STARTED") next = "STOPPING";  // idle timeout reached
  else if (s == "CREATED" || s == "STOPPED") next = "STARTING";
  else return {};
  d.json["state"] = next;
  d.json["updatedAt"] = epochSeconds(t);
  tb["since"] = t;
  if (next == "STARTED") tb["lastActivity"] = t;
  app.state = next;
  d.commit();
  if (next == "STARTED") return wakeWaitingChildren(app, t);
  return {};
}

Status Engine::wakeWaitingChildren(store::ResourceRow& app, int64_t) {
  for (const char* kind : {kJobRun, kSession}) {
    auto waiting = rs_.childrenInState(kind, app.account, app.region, app.id, "SUBMITTED", INT32_MAX);
    if (!waiting.ok()) return store::Unexpected<AwsError>(storeFailure(waiting.error()));
    for (auto& child : *waiting) {
      auto next = std::string(kind) == kJobRun ? runNext(app, child) : sessionNext(app, child);
      if (auto s = putChild(child, next); !s.ok()) return s;
    }
  }
  return {};
}

Status Engine::admitQueued(store::ResourceRow& app, int64_t t) {
  Doc d(app);
  int max = maxConcurrentRuns(d.json);
  if (max <= 0) return {};
  Json& tb = d.tb;
  while (intOf(tb, "activeRuns") < max) {
    auto head = rs_.childrenInState(kJobRun, app.account, app.region, app.id, "QUEUED", 1);
    if (!head.ok()) return store::Unexpected<AwsError>(storeFailure(head.error()));
    if (head->empty()) break;
    auto& run = head->front();
    {
      Doc r(run);
      Json& rtb = r.tb;
      int64_t queued = msOf(rtb, "queuedMs") + (t - msOf(rtb, "since"));
      rtb["queuedMs"] = queued;
      rtb["slot"] = true;
      r.json["queuedDurationMilliseconds"] = queued;
      r.commit();
    }
    tb["activeRuns"] = intOf(tb, "activeRuns") + 1;
    moveRun(run, "PENDING", t);
    if (auto s = putChild(run, runNext(app, run)); !s.ok()) return s;
  }
  d.commit();
  return {};
}

void Engine::runFinished(store::ResourceRow& app, store::ResourceRow& run, int64_t t) {
  Doc r(run);
  Json& rtb = r.tb;
  r.json["endedAt"] = epochSeconds(t);
  rtb["endedMs"] = t;
  if (rtb.contains("startedMs")) {
    int64_t started = msOf(rtb, "startedMs");
    r.json["totalExecutionDurationSeconds"] = (t - started + 999) / 1000;
  } else {
    r.json["totalExecutionDurationSeconds"] = 0;
  }
  setUtilization(r.json, msOf(rtb, "runningMs"));
  if (rtb.contains("queuedMs")) r.json["queuedDurationMilliseconds"] = msOf(rtb, "queuedMs");
  bool held = rtb.value("slot", false);
  rtb["slot"] = false;
  r.commit();

  Doc a(app);
  Json& atb = a.tb;
  if (held) atb["activeRuns"] = std::max(0, intOf(atb, "activeRuns") - 1);
  atb["liveRuns"] = std::max(0, intOf(atb, "liveRuns") - 1);
  if (intOf(atb, "liveRuns") == 0 && intOf(atb, "liveSessions") == 0) atb["lastActivity"] = t;
  a.commit();
}

Status Engine::applyRun(store::ResourceRow& app, store::ResourceRow& run, int64_t t) {
  const std::string state = run.state;
  if (state == "SUBMITTED") {
    Doc a(app);
    Json& atb = a.tb;
    int max = maxConcurrentRuns(a.json);
    if (max > 0 && intOf(atb, "activeRuns") >= max) {
      moveRun(run, "QUEUED", t);
    } else {
      atb["activeRuns"] = intOf(atb, "activeRuns") + 1;
      a.commit();
      Doc r(run);
      r.tb["slot"] = true;
      r.commit();
      moveRun(run, "PENDING", t);
    }
  } else if (state == "QUEUED") {
    Doc r(run);
    Json& rtb = r.tb;
    int64_t queued = msOf(rtb, "queuedMs") + (t - msOf(rtb, "since"));
    rtb["queuedMs"] = queued;
    r.json["stateDetails"] = "Job run exceeded the queue timeout of " +
                             std::to_string(queueTimeoutMs(parseDoc(app.doc)) / kMinute) + " minutes";
    r.commit();
    moveRun(run, "FAILED", t);
    runFinished(app, run, t);
  } else if (state == "PENDING") {
    moveRun(run, "SCHEDULED", t);
  } else if (state == "SCHEDULED") {
    Doc r(run);
    Json& rtb = r.tb;
    if (!rtb.contains("startedMs")) {
      rtb["startedMs"] = t;
      r.json["startedAt"] = epochSeconds(t);
    }
    r.commit();
    moveRun(run, "RUNNING", t);
  } else if (state == "RUNNING") {
    Doc r(run);
    Json& rtb = r.tb;
    rtb["runningMs"] = msOf(rtb, "runningMs") + (t - msOf(rtb, "since"));
    int64_t timeout = msOf(rtb, "timeoutMs");
    const Json plan = rtb.value("plan", Json::object());
    bool streaming = r.json.value("mode", "BATCH") == "STREAMING";
    std::string outcome = plan.value("outcome", streaming ? "HANG" : "SUCCESS");
    int attempt = intOf(r.json, "attempt", 1);
    if (timeout > 0 && t >= msOf(rtb, "startedMs", t) + timeout) {
      r.json["stateDetails"] = "Job run timed out after " + std::to_string(timeout / kMinute) +
                               " minutes (executionTimeoutMinutes) and was cancelled";
      rtb.erase("cancelMs");
      r.commit();
      moveRun(run, "CANCELLING", t);
    } else if (outcome == "FAILED" || attempt <= intOf(plan, "failedAttempts")) {
      std::string details = plan.value(
          "failure", "Job failed, please check complete logs in configured logging destination. ExitCode: 1.");
      Json past = Json{{"attempt", attempt},
                       {"state", "FAILED"},
                       {"stateDetails", details},
                       {"createdAt", r.json.value("attemptCreatedAt", epochSeconds(msOf(rtb, "since")))},
                       {"updatedAt", epochSeconds(t)}};
      if (!rtb.contains("attempts")) rtb["attempts"] = Json::array();
      rtb["attempts"].push_back(past);
      bool retry = false;
      if (streaming) {
        // STREAMING retries while fewer than maxFailedAttemptsPerHour attempts failed in the
        // last hour.
        int per_hour = intOf(r.json.value("retryPolicy", Json::object()), "maxFailedAttemptsPerHour", 5);
        int recent = 0;
        for (const auto& p : rtb["attempts"]) {
          if (p.value("updatedAt", 0.0) * 1000.0 >= static_cast<double>(t - 3600000)) ++recent;
        }
        retry = recent < per_hour;
      } else {
        retry = attempt < intOf(r.json.value("retryPolicy", Json::object()), "maxAttempts", 1);
      }
      if (retry) {
        r.json["attempt"] = attempt + 1;
        r.json["attemptCreatedAt"] = epochSeconds(t);
        r.commit();
        moveRun(run, "PENDING", t);
      } else {
        r.json["stateDetails"] = details;
        r.commit();
        moveRun(run, "FAILED", t);
        runFinished(app, run, t);
      }
    } else {
      r.json["stateDetails"] = "";
      r.commit();
      moveRun(run, "SUCCESS", t);
      runFinished(app, run, t);
    }
  } else if (state == "CANCELLING") {
    moveRun(run, "CANCELLED", t);
    runFinished(app, run, t);
  }
  if (auto s = putChild(run, runNext(app, run)); !s.ok()) return s;
  if (isTerminalRunState(run.state)) return admitQueued(app, t);
  return {};
}

Status Engine::applySession(store::ResourceRow& app, store::ResourceRow& session, int64_t t) {
  Doc d(session);
  Json& tb = d.tb;
  std::string next;
  const std::string& s = session.state;
  bool finished = false;
  if (s == "SUBMITTED") {
    next = "STARTING";
  } else if (s == "STARTING") {
    if (tb.value("plan", Json::object()).value("outcome", "") == "FAILED") {
      next = "FAILED";
      d.json["stateDetails"] = tb["plan"].value("failure", "Session failed to start");
      finished = true;
    } else {
      next = "STARTED";
      d.json["startedAt"] = epochSeconds(t);
    }
  } else if (s == "STARTED") {
    next = "IDLE";
    d.json["idleSince"] = epochSeconds(t);
  } else if (s == "IDLE") {
    next = "TERMINATING";
    d.json["stateDetails"] = "Session was idle for " + std::to_string(msOf(tb, "idleTimeoutMs") / kMinute) +
                             " minutes (idleTimeoutMinutes) and is terminating";
  } else if (s == "TERMINATING") {
    next = "TERMINATED";
    finished = true;
  } else {
    return putChild(session, std::nullopt);
  }
  d.json["state"] = next;
  d.json["updatedAt"] = epochSeconds(t);
  tb["since"] = t;
  if (finished) {
    d.json["endedAt"] = epochSeconds(t);
    if (d.json.contains("startedAt")) {
      int64_t started = static_cast<int64_t>(d.json["startedAt"].get<double>() * 1000.0);
      d.json["totalExecutionDurationSeconds"] = (t - started + 999) / 1000;
    }
  }
  session.state = next;
  d.commit();
  if (finished) {
    Doc a(app);
    Json& atb = a.tb;
    atb["liveSessions"] = std::max(0, intOf(atb, "liveSessions") - 1);
    if (intOf(atb, "liveRuns") == 0 && intOf(atb, "liveSessions") == 0) atb["lastActivity"] = t;
    a.commit();
  }
  return putChild(session, sessionNext(app, session));
}

Status Engine::submitRun(store::ResourceRow& app, store::ResourceRow& run) {
  {
    Doc a(app);
    Json& atb = a.tb;
    atb["liveRuns"] = intOf(atb, "liveRuns") + 1;
    a.commit();
  }
  if (app.state == "CREATED" || app.state == "STOPPED") setAppState(app, "STARTING");
  run.next_event_ms = runNext(app, run);
  if (auto s = rs_.insert(run); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  return save(app);
}

Status Engine::cancelRun(store::ResourceRow& app, store::ResourceRow& run, const std::string& details,
                         std::optional<int64_t> grace_ms) {
  {
    Doc r(run);
    Json& rtb = r.tb;
    if (run.state == "RUNNING") rtb["runningMs"] = msOf(rtb, "runningMs") + (now_ - msOf(rtb, "since"));
    if (run.state == "QUEUED") rtb["queuedMs"] = msOf(rtb, "queuedMs") + (now_ - msOf(rtb, "since"));
    if (grace_ms) {
      rtb["cancelMs"] = *grace_ms;
    } else {
      rtb.erase("cancelMs");
    }
    r.json["stateDetails"] = details;
    r.commit();
  }
  moveRun(run, "CANCELLING", now_);
  if (auto s = putChild(run, runNext(app, run)); !s.ok()) return s;
  return save(app);
}

Status Engine::submitSession(store::ResourceRow& app, store::ResourceRow& session) {
  {
    Doc a(app);
    Json& atb = a.tb;
    atb["liveSessions"] = intOf(atb, "liveSessions") + 1;
    a.commit();
  }
  if (app.state == "CREATED" || app.state == "STOPPED") setAppState(app, "STARTING");
  session.next_event_ms = sessionNext(app, session);
  if (auto s = rs_.insert(session); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  return save(app);
}

Status Engine::terminateSession(store::ResourceRow& app, store::ResourceRow& session) {
  Doc d(session);
  d.json["state"] = "TERMINATING";
  d.json["updatedAt"] = epochSeconds(now_);
  d.json["stateDetails"] = "Session terminated by TerminateSession";
  d.tb["since"] = now_;
  session.state = "TERMINATING";
  d.commit();
  if (auto s = putChild(session, sessionNext(app, session)); !s.ok()) return s;
  return save(app);
}

}  // namespace trailbox::api::emr
