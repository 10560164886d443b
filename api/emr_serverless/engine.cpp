#include "api/emr_serverless/engine.hpp"

#include <algorithm>
#include <charconv>
#include <climits>

#include "api/clock.hpp"
#include "api/crypto.hpp"

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
  // Storage is billed only beyond the 20 GB each worker includes.
  run["billedResourceUtilization"] = Json{{"vCPUHour", round3(kWorkers * kCpu * billed_hours)},
                                          {"memoryGBHour", round3(kWorkers * kMemory * billed_hours)},
                                          {"storageGBHour", round3(kWorkers * (kDisk - 20) * billed_hours)}};
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

int64_t Engine::runDuration(const Json& tb, const char* state) const {
  const Json durations = tb.value("plan", Json::object()).value("durations", Json::object());
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

Engine::AppFacts Engine::factsOf(const store::ResourceRow& app) const {
  Json doc = parseDoc(app.doc);
  const Json& tb = internal(doc);
  AppFacts f;
  f.max_concurrent = maxConcurrentRuns(doc);
  f.active_runs = intOf(tb, "activeRuns");
  f.queue_timeout_ms = queueTimeoutMs(doc);
  int64_t since = msOf(tb, "since");
  const std::string& s = app.state;
  if (f.max_concurrent > 0) {
    // With a scheduler, submitted runs wait for the application to be STARTED and are woken
    // then (admission depends on the other runs).
    if (s == "STARTED") f.started_at = since;
  } else if (s == "STARTED") {
    f.started_at = since;
  } else if (s == "STARTING") {
    f.started_at = since + t_.app_starting;
  } else if (s == "CREATING") {
    // An application with work waiting starts as soon as it is created.
    f.started_at = since + t_.app_creating + t_.app_starting;
  } else if (s == "STOPPING") {
    f.started_at = since + t_.app_stopping + t_.app_starting;
  } else if (s == "CREATED" || s == "STOPPED") {
    f.started_at = since + t_.app_starting;
  }
  return f;
}

std::optional<int64_t> Engine::stepTime(const Json& doc, const Json& tb, const AppFacts& app) const {
  int64_t since = msOf(tb, "since");
  const std::string s = doc.value("state", "");
  if (s == "SUBMITTED") {
    if (!app.started_at) return std::nullopt;
    return std::max(since + runDuration(tb, "submitted"), *app.started_at);
  }
  if (s == "QUEUED") {
    if (app.queue_timeout_ms <= 0) return std::nullopt;
    return since + app.queue_timeout_ms;
  }
  if (s == "PENDING") return since + runDuration(tb, "pending");
  if (s == "SCHEDULED") return since + runDuration(tb, "scheduled");
  if (s == "RUNNING") {
    std::optional<int64_t> next;
    const Json& plan = tb.value("plan", Json::object());
    bool streaming = doc.value("mode", "BATCH") == "STREAMING";
    std::string outcome = plan.value("outcome", streaming ? "HANG" : "SUCCESS");
    int attempt = intOf(doc, "attempt", 1);
    bool fails = outcome == "FAILED" || attempt <= intOf(plan, "failedAttempts");
    if (outcome != "HANG" || fails) next = since + runDuration(tb, "running");
    int64_t timeout = msOf(tb, "timeoutMs");
    if (timeout > 0) next = earliest(next, msOf(tb, "startedMs", since) + timeout);
    return next;
  }
  if (s == "CANCELLING") return since + msOf(tb, "cancelMs", runDuration(tb, "cancelling"));
  return std::nullopt;
}

std::optional<int64_t> Engine::runNext(const store::ResourceRow& app, const store::ResourceRow& run) const {
  AppFacts facts = factsOf(app);
  Json doc = parseDoc(run.doc);
  Json tb = internal(doc);
  if (isTerminalRunState(doc.value("state", ""))) return std::nullopt;
  if (facts.max_concurrent > 0) return stepTime(doc, tb, facts);
  // Without a scheduler a run's path does not depend on other runs: what matters to the
  // application is when it ends, so that is the only moment stored as due. Intermediate states
  // are derived when the run is read (runView).
  catchUp(doc, tb, facts, INT64_MAX);
  if (!isTerminalRunState(doc.value("state", ""))) return std::nullopt;
  return msOf(tb, "endedMs");
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

void Engine::moveRun(Json& doc, Json& tb, const std::string& state, int64_t t) {
  doc["state"] = state;
  doc["updatedAt"] = epochSeconds(t);
  doc["attemptUpdatedAt"] = epochSeconds(t);
  tb["since"] = t;
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
  if (next == "STARTED") {
    tb["lastActivity"] = t;
    // Once started, the application reports the digest its image resolved to.
    auto image = d.json.find("imageConfiguration");
    if (image != d.json.end() && image->contains("imageUri") && !image->contains("resolvedImageDigest")) {
      Json resolved = *image;
      resolved["resolvedImageDigest"] = "sha256:" + hexEncode(sha256(resolved["imageUri"].get<std::string>()));
      d.json["imageConfiguration"] = resolved;
    }
  }
  app.state = next;
  d.commit();
  if (next == "STARTED") return wakeWaitingChildren(app, t);
  return {};
}

Status Engine::wakeWaitingChildren(store::ResourceRow& app, int64_t) {
  // Runs of an application without a scheduler already know when it starts (runNext).
  bool scheduler = maxConcurrentRuns(parseDoc(app.doc)) > 0;
  for (const char* kind : {kJobRun, kSession}) {
    if (std::string(kind) == kJobRun && !scheduler) continue;
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
      int64_t queued = msOf(r.tb, "queuedMs") + (t - msOf(r.tb, "since"));
      r.tb["queuedMs"] = queued;
      r.tb["slot"] = true;
      r.json["queuedDurationMilliseconds"] = queued;
      moveRun(r.json, r.tb, "PENDING", t);
      r.commit();
      run.state = "PENDING";
    }
    tb["activeRuns"] = intOf(tb, "activeRuns") + 1;
    d.commit();
    if (auto s = putChild(run, runNext(app, run)); !s.ok()) return s;
  }
  d.commit();
  return {};
}

Engine::StepResult Engine::stepRun(Json& doc, Json& tb, int64_t t, AppFacts& app) const {
  StepResult result;
  const std::string state = doc.value("state", "");
  auto finish = [&](const std::string& final_state) {
    moveRun(doc, tb, final_state, t);
    doc["endedAt"] = epochSeconds(t);
    tb["endedMs"] = t;
    doc["totalExecutionDurationSeconds"] =
        tb.contains("startedMs") ? (t - msOf(tb, "startedMs") + 999) / 1000 : int64_t{0};
    setUtilization(doc, msOf(tb, "runningMs"));
    if (tb.contains("queuedMs")) doc["queuedDurationMilliseconds"] = msOf(tb, "queuedMs");
    result.released_slot = tb.value("slot", false);
    tb["slot"] = false;
    result.finished = true;
  };
  if (state == "SUBMITTED") {
    if (app.max_concurrent > 0 && app.active_runs >= app.max_concurrent) {
      moveRun(doc, tb, "QUEUED", t);
    } else {
      if (app.max_concurrent > 0) {
        ++app.active_runs;
        tb["slot"] = true;
        result.took_slot = true;
      }
      moveRun(doc, tb, "PENDING", t);
    }
  } else if (state == "QUEUED") {
    int64_t queued = msOf(tb, "queuedMs") + (t - msOf(tb, "since"));
    tb["queuedMs"] = queued;
    doc["stateDetails"] = "Job run exceeded the queue timeout of " + std::to_string(app.queue_timeout_ms / kMinute) +
                          " minutes";
    finish("FAILED");
  } else if (state == "PENDING") {
    moveRun(doc, tb, "SCHEDULED", t);
  } else if (state == "SCHEDULED") {
    if (!tb.contains("startedMs")) {
      tb["startedMs"] = t;
      doc["startedAt"] = epochSeconds(t);
    }
    moveRun(doc, tb, "RUNNING", t);
  } else if (state == "RUNNING") {
    tb["runningMs"] = msOf(tb, "runningMs") + (t - msOf(tb, "since"));
    int64_t timeout = msOf(tb, "timeoutMs");
    const Json plan = tb.value("plan", Json::object());
    bool streaming = doc.value("mode", "BATCH") == "STREAMING";
    std::string outcome = plan.value("outcome", streaming ? "HANG" : "SUCCESS");
    int attempt = intOf(doc, "attempt", 1);
    if (timeout > 0 && t >= msOf(tb, "startedMs", t) + timeout) {
      doc["stateDetails"] = "Job run timed out after " + std::to_string(timeout / kMinute) +
                            " minutes (executionTimeoutMinutes) and was cancelled";
      tb.erase("cancelMs");
      moveRun(doc, tb, "CANCELLING", t);
    } else if (outcome == "FAILED" || attempt <= intOf(plan, "failedAttempts")) {
      std::string details = plan.value(
          "failure", "Job failed, please check complete logs in configured logging destination. ExitCode: 1.");
      Json past = Json{{"attempt", attempt},
                       {"state", "FAILED"},
                       {"stateDetails", details},
                       {"createdAt", doc.value("attemptCreatedAt", epochSeconds(msOf(tb, "since")))},
                       {"updatedAt", epochSeconds(t)}};
      Json attempts = tb.value("attempts", Json::array());
      attempts.push_back(past);
      tb["attempts"] = attempts;
      bool retry = false;
      if (streaming) {
        // STREAMING retries while fewer than maxFailedAttemptsPerHour attempts failed in the
        // last hour.
        int per_hour = intOf(doc.value("retryPolicy", Json::object()), "maxFailedAttemptsPerHour", 5);
        int recent = 0;
        for (const auto& p : attempts) {
          if (p.value("updatedAt", 0.0) * 1000.0 >= static_cast<double>(t - 3600000)) ++recent;
        }
        retry = recent < per_hour;
      } else {
        retry = attempt < intOf(doc.value("retryPolicy", Json::object()), "maxAttempts", 1);
      }
      if (retry) {
        doc["attempt"] = attempt + 1;
        doc["attemptCreatedAt"] = epochSeconds(t);
        moveRun(doc, tb, "PENDING", t);
      } else {
        doc["stateDetails"] = details;
        finish("FAILED");
      }
    } else {
      doc["stateDetails"] = "";
      finish("SUCCESS");
    }
  } else if (state == "CANCELLING") {
    finish("CANCELLED");
  }
  return result;
}

void Engine::runFinished(store::ResourceRow& app, bool released_slot, int64_t t) {
  Doc a(app);
  if (released_slot) a.tb["activeRuns"] = std::max(0, intOf(a.tb, "activeRuns") - 1);
  a.tb["liveRuns"] = std::max(0, intOf(a.tb, "liveRuns") - 1);
  if (intOf(a.tb, "liveRuns") == 0 && intOf(a.tb, "liveSessions") == 0) a.tb["lastActivity"] = t;
  a.commit();
}

Status Engine::applyRun(store::ResourceRow& app, store::ResourceRow& run, int64_t t) {
  AppFacts facts = factsOf(app);
  int active_before = facts.active_runs;
  Doc r(run);
  StepResult step;
  if (facts.max_concurrent > 0) {
    step = stepRun(r.json, r.tb, t, facts);
  } else {
    // Catch up through the intermediate states to the end that was due.
    for (int i = 0; i < 1000 && !step.finished; ++i) {
      auto next = stepTime(r.json, r.tb, facts);
      if (!next || *next > t) break;
      step = stepRun(r.json, r.tb, *next, facts);
    }
  }
  r.commit();
  run.state = r.json.value("state", run.state);
  if (facts.active_runs != active_before) {
    Doc a(app);
    a.tb["activeRuns"] = intOf(a.tb, "activeRuns") + (facts.active_runs - active_before);
    a.commit();
  }
  if (step.finished) runFinished(app, step.released_slot, t);
  if (auto s = putChild(run, runNext(app, run)); !s.ok()) return s;
  if (step.finished && step.released_slot) return admitQueued(app, t);
  return {};
}

void Engine::catchUp(Json& doc, Json& tb, AppFacts& facts, int64_t until) const {
  for (int i = 0; i < 1000; ++i) {
    auto t = stepTime(doc, tb, facts);
    if (!t || *t > until) return;
    if (stepRun(doc, tb, *t, facts).finished) return;
  }
}

Json Engine::runDocument(const store::ResourceRow& app, const store::ResourceRow& run) const {
  return runDocumentWith(factsOf(app), run);
}

Json Engine::runDocumentWith(const AppFacts& facts, const store::ResourceRow& run) const {
  Json doc = parseDoc(run.doc);
  Json tb = std::move(internal(doc));  // moved out and back: a list page does this for every run
  doc.erase("_tb");
  AppFacts mine = facts;  // catchUp updates its copy as the run takes and releases capacity
  if (mine.max_concurrent == 0) catchUp(doc, tb, mine, now_);
  doc["_tb"] = std::move(tb);
  return doc;
}

std::function<Json(const store::ResourceRow& run)> Engine::runViews(const store::ResourceRow& app) const {
  return [this, facts = factsOf(app)](const store::ResourceRow& run) { return publicView(runDocumentWith(facts, run)); };
}

Json Engine::runView(const store::ResourceRow& app, const store::ResourceRow& run) const {
  return publicView(runDocument(app, run));
}

Status Engine::materializeRuns(store::ResourceRow& app) {
  AppFacts facts = factsOf(app);
  if (facts.max_concurrent > 0) return {};  // with a scheduler every transition is stored as it happens
  store::ResourceListQuery q;
  q.kind = kJobRun;
  q.account = app.account;
  q.region = app.region;
  q.parent_id = app.id;
  q.states = {"SUBMITTED", "PENDING", "SCHEDULED", "RUNNING", "CANCELLING", "QUEUED"};
  q.limit = INT32_MAX;
  auto runs = rs_.list(q);
  if (!runs.ok()) return store::Unexpected<AwsError>(storeFailure(runs.error()));
  for (auto& run : *runs) {
    Json doc = parseDoc(run.doc);
    Json tb = internal(doc);
    doc.erase("_tb");
    catchUp(doc, tb, facts, now_);
    std::string state = doc.value("state", run.state);
    if (state == run.state) continue;
    doc["_tb"] = tb;
    run.doc = dumpJson(doc);
    run.state = state;
    if (auto s = rs_.update(run); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  }
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
    std::string details = d.json.value("stateDetails", "");
    if (details.find("is terminating") != std::string::npos) {
      d.json["stateDetails"] = details.substr(0, details.find("is terminating")) + "was terminated";
    }
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
    a.tb["liveRuns"] = intOf(a.tb, "liveRuns") + 1;
    a.commit();
  }
  if (app.state == "CREATED" || app.state == "STOPPED") setAppState(app, "STARTING");
  run.next_event_ms = runNext(app, run);
  if (auto s = rs_.insert(run); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  return save(app);
}

Status Engine::cancelRun(store::ResourceRow& app, store::ResourceRow& run, const std::string& details,
                         std::optional<int64_t> grace_ms) {
  AppFacts facts = factsOf(app);
  Doc r(run);
  // Bring the run to where it is now before changing its course.
  if (facts.max_concurrent == 0) catchUp(r.json, r.tb, facts, now_);
  std::string state = r.json.value("state", run.state);
  if (state == "RUNNING") r.tb["runningMs"] = msOf(r.tb, "runningMs") + (now_ - msOf(r.tb, "since"));
  if (state == "QUEUED") r.tb["queuedMs"] = msOf(r.tb, "queuedMs") + (now_ - msOf(r.tb, "since"));
  if (grace_ms) {
    r.tb["cancelMs"] = *grace_ms;
  } else {
    r.tb.erase("cancelMs");
  }
  r.json["stateDetails"] = details;
  moveRun(r.json, r.tb, "CANCELLING", now_);
  r.commit();
  run.state = "CANCELLING";
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
