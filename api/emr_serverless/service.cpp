#include "api/emr_serverless/service.hpp"

#include <algorithm>
#include <unordered_map>

#include "api/clock.hpp"
#include "api/crypto.hpp"
#include "api/emr_serverless/service_internal.hpp"
#include "store/resource_store.hpp"

namespace trailbox::api::emr {

std::string appArn(const CallContext& ctx, const std::string& app_id) {
  return "arn:aws:emr-serverless:" + ctx.caller.region + ":" + ctx.caller.account_id + ":/applications/" + app_id;
}

std::string runArn(const CallContext& ctx, const std::string& app_id, const std::string& run_id) {
  return appArn(ctx, app_id) + "/jobruns/" + run_id;
}

std::string sessionArn(const CallContext& ctx, const std::string& app_id, const std::string& session_id) {
  return appArn(ctx, app_id) + "/sessions/" + session_id;
}

bool isResourceId(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); });
}

std::string requestHash(const Json& input) {
  Json copy = input;
  copy.erase("clientToken");
  // nlohmann::json sorts members, so a retry that sends them in another order hashes the same.
  nlohmann::json canonical = nlohmann::json::parse(dumpJson(copy));
  return hexEncode(sha256(canonical.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace)));
}

Json parseDoc(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_object() ? j : Json::object();
}

Result<std::optional<Json>> earlierCreate(EmrService::Env& env, const char* kind, const std::string& parent_id,
                                          const Json& in, const std::string& hash, const char* operation) {
  std::string token = in.value("clientToken", "");
  auto existing = env.rs.findByClientToken(kind, env.account(), env.region(), parent_id, token);
  if (!existing.ok()) return store::Unexpected<AwsError>(storeFailure(existing.error()));
  if (!*existing) return std::optional<Json>();
  Json doc = parseDoc((*existing)->doc);
  if (internal(doc).value("requestHash", "") != hash) {
    return fail(ErrorCode::kConflictException, "The clientToken '" + token + "' was already used for a different " +
                                                   operation + " request");
  }
  return std::optional<Json>(std::move(doc));
}

Result<Json> pagedList(EmrService::Env& env, const TokenCodec& tokens, store::ResourceListQuery query, const Json& in,
                       const Json& filters, const char* result_key, const RowSummary& summary) {
  int limit = in.contains("maxResults") ? in["maxResults"].get<int>() : 50;
  if (in.contains("nextToken")) {
    auto position = tokens.decode(in["nextToken"].get<std::string>(), filters);
    if (!position || !position->is_array() || position->size() != 3 || !(*position)[0].is_number_integer() ||
        !(*position)[1].is_number_integer() || !(*position)[2].is_string()) {
      return fail(ErrorCode::kValidationException,
                  "The nextToken is invalid, or was issued for a request with different parameters");
    }
    query.after_group = (*position)[0].get<int>();
    query.after = std::make_pair((*position)[1].get<int64_t>(), (*position)[2].get<std::string>());
  }
  // "If this filter contains multiple states, the resulting list will be grouped by the state."
  query.group_by_state = in.contains("states");
  query.limit = limit + 1;
  auto rows = env.rs.list(query);
  if (!rows.ok()) return store::Unexpected<AwsError>(storeFailure(rows.error()));
  Json items = Json::array();
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < limit; ++i) {
    items.push_back(summary((*rows)[i]));
  }
  Json out = Json{{result_key, std::move(items)}};
  if (static_cast<int>(rows->size()) > limit) {
    const auto& last = (*rows)[static_cast<size_t>(limit) - 1];
    int group = 0;
    if (query.group_by_state && query.states.size() > 1) {
      group = static_cast<int>(std::find(query.states.begin(), query.states.end(), last.state) - query.states.begin());
    }
    out["nextToken"] = tokens.encode(Json::array({group, last.created_ms, last.id}), filters);
  }
  return out;
}

const std::unordered_map<std::string, EmrService::OperationInfo>& EmrService::operationTable() {
  static const std::unordered_map<std::string, OperationInfo> kTable = {
      {"CreateApplication", {&EmrService::createApplication, false}},
      {"GetApplication", {&EmrService::getApplication, true}},
      {"UpdateApplication", {&EmrService::updateApplication, false}},
      {"DeleteApplication", {&EmrService::deleteApplication, false}},
      {"ListApplications", {&EmrService::listApplications, true}},
      {"StartApplication", {&EmrService::startApplication, false}},
      {"StopApplication", {&EmrService::stopApplication, false}},
      {"StartJobRun", {&EmrService::startJobRun, false}},
      {"GetJobRun", {&EmrService::getJobRun, true}},
      {"CancelJobRun", {&EmrService::cancelJobRun, false}},
      {"ListJobRuns", {&EmrService::listJobRuns, true}},
      {"ListJobRunAttempts", {&EmrService::listJobRunAttempts, true}},
      {"GetDashboardForJobRun", {&EmrService::getDashboardForJobRun, true}},
      {"GetResourceDashboard", {&EmrService::getResourceDashboard, true}},
      {"StartSession", {&EmrService::startSession, false}},
      {"GetSession", {&EmrService::getSession, true}},
      {"GetSessionEndpoint", {&EmrService::getSessionEndpoint, true}},
      {"ListSessions", {&EmrService::listSessions, true}},
      {"TerminateSession", {&EmrService::terminateSession, false}},
      {"TagResource", {&EmrService::tagResource, false}},
      {"UntagResource", {&EmrService::untagResource, false}},
      {"ListTagsForResource", {&EmrService::listTagsForResource, true}},
  };
  return kTable;
}

EmrService::EmrService(const ServiceModel& model, IdGenerator& ids, const Timings& timings, const TokenCodec& tokens)
    : model_(model), ids_(ids), timings_(timings), tokens_(tokens) {}

bool EmrService::isReadOnly(const std::string& operation) {
  const auto& table = operationTable();
  auto it = table.find(operation);
  return it != table.end() && it->second.read_only;
}

Result<Json> EmrService::call(const std::string& operation, const CallContext& ctx, const Json& input,
                              store::Database& db) {
  const auto& table = operationTable();
  auto it = table.find(operation);
  if (it == table.end()) {
    return fail(ErrorCode::kUnknownOperationException, "Operation " + operation + " is not implemented");
  }
  Env env(ctx, db, timings_);
  return (this->*(it->second.handler))(env, input);
}

std::vector<store::EventResource> EmrService::resourcesOf(const std::string& operation, const CallContext& ctx,
                                                          const Json& input, const Json* output) {
  std::vector<store::EventResource> out;
  std::string app_id = input.value("applicationId", "");
  if (app_id.empty() && output && output->is_object()) app_id = output->value("applicationId", "");
  if (!app_id.empty() && isResourceId(app_id)) {
    out.push_back({"AWS::EMRServerless::Application", appArn(ctx, app_id)});
  }
  std::string run_id = input.value("jobRunId", "");
  if (run_id.empty() && output && output->is_object() && operation == "StartJobRun") run_id = output->value("jobRunId", "");
  if (!app_id.empty() && !run_id.empty() && isResourceId(run_id)) {
    out.push_back({"AWS::EMRServerless::JobRun", runArn(ctx, app_id, run_id)});
  }
  std::string session_id = input.value("sessionId", "");
  if (session_id.empty() && operation == "GetResourceDashboard") session_id = input.value("resourceId", "");
  if (session_id.empty() && output && output->is_object() && operation == "StartSession") {
    session_id = output->value("sessionId", "");
  }
  if (!app_id.empty() && !session_id.empty() && isResourceId(session_id)) {
    out.push_back({"AWS::EMRServerless::Session", sessionArn(ctx, app_id, session_id)});
  }
  if (input.contains("resourceArn") && input["resourceArn"].is_string()) {
    std::string arn = input["resourceArn"].get<std::string>();
    out.push_back({arn.find("/jobruns/") != std::string::npos ? "AWS::EMRServerless::JobRun"
                                                                 : "AWS::EMRServerless::Application",
                   arn});
  }
  return out;
}

Result<store::ResourceRow> EmrService::loadApp(Env& env, const std::string& id) {
  auto row = env.rs.get(kApplication, env.account(), env.region(), id);
  if (!row.ok()) return store::Unexpected<AwsError>(storeFailure(row.error()));
  if (!*row) return fail(ErrorCode::kResourceNotFoundException, "Application " + id + " does not exist");
  store::ResourceRow app = std::move(**row);
  if (auto s = env.engine.advance(app); !s.ok()) return store::Unexpected<AwsError>(s.error());
  return app;
}

Result<store::ResourceRow> EmrService::loadChild(Env& env, const char* kind, const std::string& app_id,
                                                 const std::string& id) {
  auto row = env.rs.get(kind, env.account(), env.region(), id);
  if (!row.ok()) return store::Unexpected<AwsError>(storeFailure(row.error()));
  if (!*row || (*row)->parent_id != app_id) {
    std::string what = std::string(kind) == kJobRun ? "Job run " : "Session ";
    return fail(ErrorCode::kResourceNotFoundException,
                what + id + " does not exist for application " + app_id);
  }
  return std::move(**row);
}

Result<Json> EmrService::listChildren(Env& env, const char* kind, const Json& in, const char* result_key,
                                      Json (*summary)(const Json& doc)) {
  std::string app_id = in.value("applicationId", "");
  auto app = loadApp(env, app_id);
  if (!app.ok()) return store::Unexpected<AwsError>(app.error());

  store::ResourceListQuery q;
  q.kind = kind;
  q.account = env.account();
  q.region = env.region();
  q.parent_id = app_id;
  if (in.contains("states")) q.states = in["states"].get<std::vector<std::string>>();
  if (in.contains("createdAtAfter")) q.created_after_ms = static_cast<int64_t>(in["createdAtAfter"].get<double>() * 1000);
  if (in.contains("createdAtBefore")) {
    q.created_before_ms = static_cast<int64_t>(in["createdAtBefore"].get<double>() * 1000);
  }
  if (in.contains("mode")) q.doc_equals.emplace_back("$.mode", in["mode"].get<std::string>());
  RowSummary row_summary;
  if (std::string(kind) == kJobRun) {
    // Stored job runs may trail behind their derived state; filters need the stored state right.
    if (!q.states.empty()) {
      if (auto s = env.engine.materializeRuns(*app); !s.ok()) return store::Unexpected<AwsError>(s.error());
    }
    row_summary = [view = env.engine.runViews(*app), summary](const store::ResourceRow& row) {
      return summary(view(row));
    };
  } else {
    row_summary = [summary](const store::ResourceRow& row) { return summary(parseDoc(row.doc)); };
  }
  Json filters = Json{{"op", result_key}, {"app", app_id}, {"account", q.account}, {"region", q.region},
                      {"states", in.value("states", Json::array())}, {"after", in.value("createdAtAfter", Json())},
                      {"before", in.value("createdAtBefore", Json())}, {"mode", in.value("mode", Json())}};
  return pagedList(env, tokens_, q, in, filters, result_key, row_summary);
}

// --- tags -------------------------------------------------------------------------------------

namespace {

struct ArnTarget {
  std::string kind;
  std::string app_id;
  std::string id;
};

// Splits an EMR Serverless ARN of the caller's account and region into what it names.
std::optional<ArnTarget> parseArn(const CallContext& ctx, const std::string& arn) {
  std::string prefix = "arn:aws:emr-serverless:" + ctx.caller.region + ":" + ctx.caller.account_id + ":/applications/";
  if (arn.rfind(prefix, 0) != 0) return std::nullopt;
  std::string rest = arn.substr(prefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string::npos) return ArnTarget{kApplication, rest, rest};
  std::string app = rest.substr(0, slash);
  std::string tail = rest.substr(slash + 1);
  if (tail.rfind("jobruns/", 0) == 0) return ArnTarget{kJobRun, app, tail.substr(8)};
  if (tail.rfind("sessions/", 0) == 0) return ArnTarget{kSession, app, tail.substr(9)};
  return std::nullopt;
}

}  // namespace

Result<store::ResourceRow> loadTagTarget(EmrService::Env& env, const std::string& arn) {
  auto target = parseArn(env.ctx, arn);
  auto missing = [&] { return fail(ErrorCode::kResourceNotFoundException, "Resource " + arn + " does not exist"); };
  if (!target || !isResourceId(target->id) || !isResourceId(target->app_id)) return missing();
  auto row = env.rs.get(target->kind, env.account(), env.region(), target->id);
  if (!row.ok()) return store::Unexpected<AwsError>(storeFailure(row.error()));
  if (!*row || (target->kind != kApplication && (*row)->parent_id != target->app_id)) return missing();
  return std::move(**row);
}

Result<Json> EmrService::tagResource(Env& env, const Json& in) {
  auto row = loadTagTarget(env, in.value("resourceArn", ""));
  if (!row.ok()) return store::Unexpected<AwsError>(row.error());
  Json doc = Json::parse(row->doc, nullptr, false);
  Json tags = doc.value("tags", Json::object());
  for (auto it = in["tags"].begin(); it != in["tags"].end(); ++it) tags[it.key()] = it.value();
  if (tags.size() > 200) {
    return fail(ErrorCode::kValidationException,
                "A resource can have at most 200 tags; this request would leave it with " +
                    std::to_string(tags.size()));
  }
  doc["tags"] = tags;
  row->doc = dumpJson(doc);
  if (auto s = env.rs.update(*row); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  return Json::object();
}

Result<Json> EmrService::untagResource(Env& env, const Json& in) {
  auto row = loadTagTarget(env, in.value("resourceArn", ""));
  if (!row.ok()) return store::Unexpected<AwsError>(row.error());
  Json doc = Json::parse(row->doc, nullptr, false);
  Json tags = doc.value("tags", Json::object());
  for (const auto& key : in["tagKeys"]) tags.erase(key.get<std::string>());
  doc["tags"] = tags;
  row->doc = dumpJson(doc);
  if (auto s = env.rs.update(*row); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  return Json::object();
}

Result<Json> EmrService::listTagsForResource(Env& env, const Json& in) {
  auto row = loadTagTarget(env, in.value("resourceArn", ""));
  if (!row.ok()) return store::Unexpected<AwsError>(row.error());
  Json doc = Json::parse(row->doc, nullptr, false);
  return Json{{"tags", doc.value("tags", Json::object())}};
}

}  // namespace trailbox::api::emr
