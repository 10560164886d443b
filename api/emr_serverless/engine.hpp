#pragma once

// The EMR Serverless lifecycles, derived from stored timestamps.
//
// Nothing runs in the background. Every resource stores its state, when it entered it, and
// `next_event_ms`: when it will next change by itself (a job run leaving RUNNING, an application
// finishing STARTING, an idle application stopping). Before an operation reads or changes an
// application, Engine::advance() replays, in time order, every transition of that application,
// its job runs and its sessions that is due at `now`, and stores the result. Since each
// transition depends only on stored state and its own time, the outcome is the same whether the
// application is looked at every millisecond or once a day, and a restart continues exactly
// where the previous process stopped. Each transition is processed once, so the cost of a call
// does not grow with the number of job runs.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "api/json.hpp"
#include "api/result.hpp"
#include "store/resource_store.hpp"

namespace trailbox::api::emr {

inline constexpr const char* kApplication = "application";
inline constexpr const char* kJobRun = "job_run";
inline constexpr const char* kSession = "session";

// How long each state lasts when nothing scripts otherwise, in milliseconds.
struct Timings {
  int64_t app_creating = 1000;
  int64_t app_starting = 1000;
  int64_t app_stopping = 1000;
  int64_t run_submitted = 500;
  int64_t run_pending = 500;
  int64_t run_scheduled = 500;
  int64_t run_running = 2000;
  int64_t run_cancelling = 1000;
  int64_t session_starting = 1000;
  int64_t session_started = 1000;  // STARTED -> IDLE
  int64_t session_terminating = 1000;
};

// Parses "name=ms,name=ms" (names as in Timings without the prefix, e.g. "run_running=5000").
// Returns false and sets `error` on an unknown name or a bad number.
bool applyTimingOverrides(const std::string& spec, Timings& timings, std::string& error);
Json timingsToJson(const Timings& timings);

// Accessors for the private part of resource documents ("_tb"): state-entry time, counters,
// scripted plans. Public members are exactly those of the API shapes.
Json& internal(Json& doc);
const Json& internal(const Json& doc);
// A copy of `doc` without the private part, ready to return to a client.
Json publicView(const Json& doc);

bool isTerminalRunState(const std::string& state);
bool isTerminalSessionState(const std::string& state);

class Engine {
 public:
  Engine(store::ResourceStore& resources, const Timings& timings, int64_t now_ms)
      : rs_(resources), t_(timings), now_(now_ms) {}

  int64_t now() const { return now_; }

  // Applies every transition of `app`, its job runs and sessions due at now() and stores them.
  // `app` is updated in place (and saved). Errors are store failures (InternalServerException).
  Status advance(store::ResourceRow& app);
  // Advances every application of the account and region with a transition due (before lists).
  Status advanceAll(const std::string& account, const std::string& region);

  // Moves `app` to `state` now, stamping updatedAt (the caller saves via save()).
  void setAppState(store::ResourceRow& app, const std::string& state);
  // Stores `app` with its next_event_ms recomputed from itself and its children.
  Status save(store::ResourceRow& app);

  // A new job run for `app` (already STARTED, STARTING, or being started by this submission):
  // computes its first transition and the application's counters, and stores both.
  Status submitRun(store::ResourceRow& app, store::ResourceRow& run);
  // CancelJobRun on a non-terminal run; `grace_ms` overrides the CANCELLING duration.
  Status cancelRun(store::ResourceRow& app, store::ResourceRow& run, const std::string& details,
                   std::optional<int64_t> grace_ms);

  Status submitSession(store::ResourceRow& app, store::ResourceRow& session);

  // The run as it is at now() (public members only). Stored runs of applications without a
  // scheduler only record where they end; their intermediate states are derived here.
  Json runView(const store::ResourceRow& app, const store::ResourceRow& run) const;
  // The same, with the private part (attempt history) kept.
  Json runDocument(const store::ResourceRow& app, const store::ResourceRow& run) const;
  // runView for many runs of one application (a list page): the application is read once. The
  // function refers to this engine and must not outlive it.
  std::function<Json(const store::ResourceRow& run)> runViews(const store::ResourceRow& app) const;
  // Stores the current state of every unfinished run of `app` (before filtering by state).
  Status materializeRuns(store::ResourceRow& app);
  Status terminateSession(store::ResourceRow& app, store::ResourceRow& session);

 private:
  // What a run's course depends on in its application.
  struct AppFacts {
    int max_concurrent = 0;  // 0: no scheduler
    int active_runs = 0;
    int64_t queue_timeout_ms = 0;
    std::optional<int64_t> started_at;  // when the application is (or will be) STARTED
  };
  struct StepResult {
    bool finished = false;
    bool took_slot = false;
    bool released_slot = false;
  };
  AppFacts factsOf(const store::ResourceRow& app) const;
  Json runDocumentWith(const AppFacts& facts, const store::ResourceRow& run) const;
  // The time of the run's next transition, if it has one of its own.
  std::optional<int64_t> stepTime(const Json& doc, const Json& tb, const AppFacts& app) const;
  // Applies the transition due at `t` to the run's document (in memory).
  StepResult stepRun(Json& doc, Json& tb, int64_t t, AppFacts& app) const;
  static void moveRun(Json& doc, Json& tb, const std::string& state, int64_t t);
  // Applies every transition due up to `until` (stopping at the end of the run).
  void catchUp(Json& doc, Json& tb, AppFacts& facts, int64_t until) const;

  std::optional<int64_t> appNext(const store::ResourceRow& app) const;
  std::optional<int64_t> runNext(const store::ResourceRow& app, const store::ResourceRow& run) const;
  std::optional<int64_t> sessionNext(const store::ResourceRow& app, const store::ResourceRow& session) const;
  Status applyApp(store::ResourceRow& app, int64_t t);
  Status applyRun(store::ResourceRow& app, store::ResourceRow& run, int64_t t);
  Status applySession(store::ResourceRow& app, store::ResourceRow& session, int64_t t);
  Status wakeWaitingChildren(store::ResourceRow& app, int64_t t);
  Status admitQueued(store::ResourceRow& app, int64_t t);
  void runFinished(store::ResourceRow& app, bool released_slot, int64_t t);
  Status putChild(store::ResourceRow& row, std::optional<int64_t> next);
  int64_t runDuration(const Json& run_internal, const char* state) const;

  store::ResourceStore& rs_;
  const Timings& t_;
  int64_t now_;
};

// Converts a StoreError into the InternalServerException the API answers with.
AwsError storeFailure(const store::StoreError& e);

}  // namespace trailbox::api::emr
