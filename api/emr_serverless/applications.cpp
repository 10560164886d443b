// EMR Serverless application operations: Create, Get, Update, Delete, List, Start, Stop.

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "api/clock.hpp"
#include "api/emr_serverless/releases.hpp"
#include "api/emr_serverless/service_internal.hpp"

namespace trailbox::api::emr {
namespace {

// "4 vCPU" -> 4, "16GB" -> 16; 0 when not a number.
int leadingNumber(const std::string& text) {
  int n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') break;
    n = n * 10 + (c - '0');
    if (n > 1000000) break;
  }
  return n;
}

// Worker sizes EMR Serverless supports: 1, 2, 4, 8 or 16 vCPU, memory in a range per vCPU
// count (1 GB steps up to 4 vCPU, then 4 and 8 GB steps), disk 20-200 GB.
Status checkWorker(const std::string& worker_type, const Json& config) {
  int cpu = leadingNumber(config.value("cpu", ""));
  int memory = leadingNumber(config.value("memory", ""));
  struct Size {
    int cpu, min_gb, max_gb, step;
  };
  static const Size kSizes[] = {{1, 2, 8, 1}, {2, 4, 16, 1}, {4, 8, 30, 1}, {8, 16, 60, 4}, {16, 32, 120, 8}};
  const Size* size = nullptr;
  for (const auto& s : kSizes) {
    if (s.cpu == cpu) size = &s;
  }
  std::string who = "Worker configuration for '" + worker_type + "'";
  if (!size) {
    return fail(ErrorCode::kValidationException,
                who + " has cpu '" + config.value("cpu", "") + "'; supported sizes are 1, 2, 4, 8 and 16 vCPU");
  }
  if (memory < size->min_gb || memory > size->max_gb || (memory - size->min_gb) % size->step != 0) {
    return fail(ErrorCode::kValidationException,
                who + " has memory '" + config.value("memory", "") + "'; " + std::to_string(cpu) +
                    " vCPU workers take " + std::to_string(size->min_gb) + " to " + std::to_string(size->max_gb) +
                    " GB in steps of " + std::to_string(size->step) + " GB");
  }
  if (config.contains("disk")) {
    int disk = leadingNumber(config.value("disk", ""));
    if (disk < 20 || disk > 200) {
      return fail(ErrorCode::kValidationException,
                  who + " has disk '" + config.value("disk", "") + "'; disk must be 20 to 200 GB");
    }
  }
  return {};
}

// SPARK/Spark/spark -> "Spark"; the service returns the capitalised form.
std::optional<std::string> normalizeType(const std::string& type) {
  std::string upper = type;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  if (upper == "SPARK") return "Spark";
  if (upper == "HIVE") return "Hive";
  return std::nullopt;
}

Json applicationSummary(const Json& doc) {
  Json s = Json::object();
  s["id"] = doc.value("applicationId", "");
  for (const char* key : {"name", "arn", "releaseLabel", "type", "state", "stateDetails", "createdAt", "updatedAt",
                          "architecture"}) {
    if (doc.contains(key)) s[key] = doc[key];
  }
  return s;
}

// Members of Create/UpdateApplication copied into the application as given (after defaults).
constexpr const char* kConfigMembers[] = {
    "initialCapacity",           "maximumCapacity",           "autoStartConfiguration",
    "autoStopConfiguration",     "networkConfiguration",      "architecture",
    "imageConfiguration",        "workerTypeSpecifications",  "runtimeConfiguration",
    "monitoringConfiguration",   "diskEncryptionConfiguration", "interactiveConfiguration",
    "schedulerConfiguration",    "identityCenterConfiguration", "jobLevelCostAllocationConfiguration",
};

// Fills the defaults the service applies to configuration blocks that were sent partially.
void fillDefaults(Json& app) {
  // Works on copies: ordered_json stores members in a vector, so a reference to one member does
  // not survive adding another.
  Json start = app.value("autoStartConfiguration", Json::object());
  if (!start.contains("enabled")) start["enabled"] = true;
  app["autoStartConfiguration"] = start;
  Json stop = app.value("autoStopConfiguration", Json::object());
  if (!stop.contains("enabled")) stop["enabled"] = true;
  if (stop.value("enabled", true) && !stop.contains("idleTimeoutMinutes")) stop["idleTimeoutMinutes"] = 15;
  app["autoStopConfiguration"] = stop;
  if (!app.contains("architecture")) app["architecture"] = "X86_64";
  if (app.contains("initialCapacity")) {
    Json capacity = app["initialCapacity"];
    for (auto& [type, cap] : capacity.items()) {
      if (cap.contains("workerConfiguration") && cap["workerConfiguration"].contains("disk") &&
          !cap["workerConfiguration"].contains("diskType")) {
        cap["workerConfiguration"]["diskType"] = "STANDARD";
      }
    }
    app["initialCapacity"] = capacity;
  }
  if (app.contains("schedulerConfiguration")) {
    Json sched = app["schedulerConfiguration"];
    if (!sched.contains("maxConcurrentRuns")) sched["maxConcurrentRuns"] = 15;
    if (!sched.contains("queueTimeoutMinutes")) sched["queueTimeoutMinutes"] = 360;
    app["schedulerConfiguration"] = sched;
  }
  if (app.contains("monitoringConfiguration")) {
    Json mon = app["monitoringConfiguration"];
    if (mon.contains("managedPersistenceMonitoringConfiguration") &&
        !mon["managedPersistenceMonitoringConfiguration"].contains("enabled")) {
      mon["managedPersistenceMonitoringConfiguration"]["enabled"] = true;
    }
    app["monitoringConfiguration"] = mon;
  }
  if (app.contains("imageConfiguration") && app["imageConfiguration"].contains("imageUri")) {
    Json uri = app["imageConfiguration"]["imageUri"];
    app["imageConfiguration"] = Json{{"imageUri", uri}};
  }
}

}  // namespace

Status EmrService::checkApplicationConfig(const Json& app) const {
  std::string label = app.value("releaseLabel", "");
  std::string type = app.value("type", "");
  if (!isKnownRelease(label) || !normalizeType(type)) {
    return fail(ErrorCode::kValidationException,
                "Type '" + type + "' is not supported for release label '" + label +
                    "' or release label does not exist");
  }
  if (app.contains("initialCapacity")) {
    for (const auto& [worker, cap] : app["initialCapacity"].items()) {
      if (cap.contains("workerConfiguration")) {
        if (auto s = checkWorker(worker, cap["workerConfiguration"]); !s.ok()) return s;
      }
    }
  }
  if (app.contains("maximumCapacity")) {
    const Json& max = app["maximumCapacity"];
    if (leadingNumber(max.value("cpu", "")) <= 0 || leadingNumber(max.value("memory", "")) <= 0) {
      return fail(ErrorCode::kValidationException, "maximumCapacity needs positive cpu and memory");
    }
  }
  const Json& stop = app.value("autoStopConfiguration", Json::object());
  if (stop.contains("idleTimeoutMinutes")) {
    int64_t idle = stop["idleTimeoutMinutes"].get<int64_t>();
    if (idle < 1 || idle > 10080) {
      return fail(ErrorCode::kValidationException,
                  "Value '" + std::to_string(idle) +
                      "' at 'autoStopConfiguration.idleTimeoutMinutes' failed to satisfy constraint: Member must "
                      "have value between 1 and 10080");
    }
  }
  if (app.contains("schedulerConfiguration")) {
    if (!releaseAtLeast(label, 7, 0, 0)) {
      return fail(ErrorCode::kValidationException,
                  "schedulerConfiguration is supported with release label emr-7.0.0 and later, not '" + label + "'");
    }
    const Json& sched = app["schedulerConfiguration"];
    int64_t max_runs = sched.value("maxConcurrentRuns", int64_t{15});
    int64_t queue = sched.value("queueTimeoutMinutes", int64_t{360});
    if (max_runs < 1 || max_runs > 1000) {
      return fail(ErrorCode::kValidationException,
                  "schedulerConfiguration.maxConcurrentRuns must be between 1 and 1000, not " + std::to_string(max_runs));
    }
    if (queue < 15 || queue > 720) {
      return fail(ErrorCode::kValidationException,
                  "schedulerConfiguration.queueTimeoutMinutes must be between 15 and 720, not " + std::to_string(queue));
    }
  }
  if (app.value("interactiveConfiguration", Json::object()).value("sessionEnabled", false) &&
      !releaseAtLeast(label, 7, 13, 0)) {
    return fail(ErrorCode::kValidationException,
                "Interactive sessions (interactiveConfiguration.sessionEnabled) require release label emr-7.13.0 or "
                "later, not '" + label + "'");
  }
  if (app.contains("workerTypeSpecifications")) {
    std::string t = normalizeType(type).value_or("");
    for (const auto& [worker, spec] : app["workerTypeSpecifications"].items()) {
      bool ok = t == "Spark" ? (worker == "Driver" || worker == "Executor")
                             : (worker == "HiveDriver" || worker == "TezTask");
      if (!ok) {
        return fail(ErrorCode::kValidationException,
                    "Worker type '" + worker + "' is not valid for " + t +
                        " applications (Spark: Driver, Executor; Hive: HiveDriver, TezTask)");
      }
    }
  }
  return {};
}

Result<Json> EmrService::createApplication(Env& env, const Json& in) {
  std::string hash = requestHash(in);
  auto earlier = earlierCreate(env, kApplication, "", in, hash, "CreateApplication");
  if (!earlier.ok()) return store::Unexpected<AwsError>(earlier.error());
  if (*earlier) {
    const Json& doc = **earlier;
    Json out = Json::object();
    if (doc.contains("name")) out["name"] = doc["name"];
    out["applicationId"] = doc["applicationId"];
    out["arn"] = doc["arn"];
    return out;
  }
  if (auto s = checkApplicationConfig(in); !s.ok()) return store::Unexpected<AwsError>(s.error());

  std::string id = ids_.resourceId(env.now());
  double now = epochSeconds(env.now());
  Json app = Json::object();
  app["applicationId"] = id;
  if (in.contains("name")) app["name"] = in["name"];
  app["arn"] = appArn(env.ctx, id);
  app["releaseLabel"] = in["releaseLabel"];
  app["type"] = *normalizeType(in["type"].get<std::string>());
  app["state"] = "CREATING";
  app["stateDetails"] = "";
  app["createdAt"] = now;
  app["updatedAt"] = now;
  app["tags"] = in.value("tags", Json::object());
  for (const char* key : kConfigMembers) {
    if (in.contains(key)) app[key] = in[key];
  }
  fillDefaults(app);
  app["_tb"] = Json{{"since", env.now()}, {"requestHash", hash}, {"liveRuns", 0}, {"activeRuns", 0}, {"liveSessions", 0}};

  store::ResourceRow row;
  row.kind = kApplication;
  row.account = env.account();
  row.region = env.region();
  row.id = id;
  row.state = "CREATING";
  row.created_ms = env.now();
  row.client_token = in.value("clientToken", "");
  row.doc = dumpJson(app);
  row.next_event_ms = env.now() + timings_.app_creating;
  if (auto s = env.rs.insert(row); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));

  // The output keeps the member order of AWS's published CreateApplication record.
  Json out = Json::object();
  if (app.contains("name")) out["name"] = app["name"];
  out["applicationId"] = id;
  out["arn"] = app["arn"];
  return out;
}

Result<Json> EmrService::getApplication(Env& env, const Json& in) {
  auto app = loadApp(env, in.value("applicationId", ""));
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  Json doc = publicView(parseDoc(app->doc));
  if (doc.value("stateDetails", "").empty()) doc.erase("stateDetails");
  return Json{{"application", std::move(doc)}};
}

Result<Json> EmrService::updateApplication(Env& env, const Json& in) {
  std::string id = in.value("applicationId", "");
  auto app = loadApp(env, id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  if (app->state != "CREATED" && app->state != "STOPPED") {
    return fail(ErrorCode::kValidationException, "Application " + id +
                                                     " must be in one of the statuses to be updated: [STOPPED, "
                                                     "CREATED]. Current status: " + app->state);
  }
  Json doc = parseDoc(app->doc);
  Json merged = doc;
  if (in.contains("releaseLabel")) merged["releaseLabel"] = in["releaseLabel"];
  for (const char* key : kConfigMembers) {
    if (in.contains(key)) merged[key] = in[key];
  }
  fillDefaults(merged);
  // The stored type is the capitalised form; check it the way Create does.
  if (auto s = checkApplicationConfig(merged); !s.ok()) return store::Unexpected<AwsError>(s.error());
  merged["updatedAt"] = epochSeconds(env.now());
  app->doc = dumpJson(merged);
  if (auto s = env.engine.save(*app); !s.ok()) return store::Unexpected<AwsError>(s.error());
  Json view = publicView(merged);
  if (view.value("stateDetails", "").empty()) view.erase("stateDetails");
  return Json{{"application", std::move(view)}};
}

Result<Json> EmrService::deleteApplication(Env& env, const Json& in) {
  std::string id = in.value("applicationId", "");
  auto app = loadApp(env, id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  if (app->state != "CREATED" && app->state != "STOPPED") {
    return fail(ErrorCode::kValidationException, "Application " + id +
                                                     " must be in one of the following statuses [CREATED, STOPPED]. "
                                                     "Current status: " + app->state);
  }
  env.engine.setAppState(*app, "TERMINATED");
  if (auto s = env.engine.save(*app); !s.ok()) return store::Unexpected<AwsError>(s.error());
  return Json::object();
}

Result<Json> EmrService::listApplications(Env& env, const Json& in) {
  if (auto s = env.engine.advanceAll(env.account(), env.region()); !s.ok()) return store::Unexpected<AwsError>(s.error());
  store::ResourceListQuery q;
  q.kind = kApplication;
  q.account = env.account();
  q.region = env.region();
  if (in.contains("states")) {
    q.states = in["states"].get<std::vector<std::string>>();
  } else {
    // Deleted applications do not appear in the list unless asked for by state.
    q.states = {"CREATING", "CREATED", "STARTING", "STARTED", "STOPPING", "STOPPED"};
  }
  Json filters = Json{{"op", "ListApplications"}, {"account", q.account}, {"region", q.region},
                      {"states", in.value("states", Json::array())}};
  return pagedList(env, tokens_, q, in, filters, "applications",
                   [](const store::ResourceRow& row) { return applicationSummary(parseDoc(row.doc)); });
}

Result<Json> EmrService::startApplication(Env& env, const Json& in) {
  std::string id = in.value("applicationId", "");
  auto app = loadApp(env, id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  const std::string& state = app->state;
  if (state == "STARTING" || state == "STARTED") return Json::object();
  if (state != "CREATED" && state != "STOPPED") {
    return fail(ErrorCode::kValidationException, "Application " + id +
                                                     " cannot be started. Applications must be in one of the "
                                                     "following statuses: [CREATED, STOPPED]. Current status: " +
                                                     state);
  }
  env.engine.setAppState(*app, "STARTING");
  if (auto s = env.engine.save(*app); !s.ok()) return store::Unexpected<AwsError>(s.error());
  return Json::object();
}

Result<Json> EmrService::stopApplication(Env& env, const Json& in) {
  std::string id = in.value("applicationId", "");
  auto app = loadApp(env, id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());
  const std::string& state = app->state;
  if (state != "STARTING" && state != "STARTED") {
    return fail(ErrorCode::kValidationException,
                "Application cannot be STOPPED. Applications must be in one of the following statuses: [STARTING, "
                "STARTED]. Current status: " + state);
  }
  Json doc = parseDoc(app->doc);
  const Json& tb = internal(doc);
  int64_t runs = tb.value("liveRuns", int64_t{0});
  int64_t sessions = tb.value("liveSessions", int64_t{0});
  if (runs > 0 || sessions > 0) {
    return fail(ErrorCode::kValidationException,
                "Application " + id + " has " + std::to_string(runs) + " job run(s) and " + std::to_string(sessions) +
                    " session(s) that have not finished. All scheduled and running jobs must be completed or "
                    "cancelled before stopping an application");
  }
  env.engine.setAppState(*app, "STOPPING");
  if (auto s = env.engine.save(*app); !s.ok()) return store::Unexpected<AwsError>(s.error());
  return Json::object();
}

}  // namespace trailbox::api::emr
