#include "api/emr_serverless/run_plan.hpp"

#include <charconv>
#include <map>

namespace trailbox::api::emr {
namespace {

constexpr std::string_view kTagPrefix = "trailbox:";
constexpr std::string_view kConfPrefix = "spark.trailbox.";

// Collects "spark.trailbox.<key>=<value>" from "--conf k=v" pairs.
void fromSparkParameters(const std::string& params, std::map<std::string, std::pair<std::string, std::string>>& out) {
  size_t pos = 0;
  while ((pos = params.find(kConfPrefix, pos)) != std::string::npos) {
    size_t eq = params.find('=', pos);
    if (eq == std::string::npos) break;
    size_t end = params.find_first_of(" \t\n", eq);
    std::string key = params.substr(pos + kConfPrefix.size(), eq - pos - kConfPrefix.size());
    std::string value = params.substr(eq + 1, end == std::string::npos ? std::string::npos : end - eq - 1);
    out[key] = {value, "sparkSubmitParameters --conf spark.trailbox." + key};
    pos = eq;
  }
}

void fromTags(const Json& tags, const std::string& where,
              std::map<std::string, std::pair<std::string, std::string>>& out) {
  if (!tags.is_object()) return;
  for (auto it = tags.begin(); it != tags.end(); ++it) {
    if (it.key().rfind(kTagPrefix, 0) != 0 || !it.value().is_string()) continue;
    std::string key = it.key().substr(kTagPrefix.size());
    out[key] = {it.value().get<std::string>(), where + " tag " + it.key()};
  }
}

}  // namespace

Result<Json> planFor(const Json& run_tags, const Json& app_tags, const std::string& spark_submit_parameters) {
  // Lowest precedence first; later sources overwrite.
  std::map<std::string, std::pair<std::string, std::string>> settings;
  fromTags(app_tags, "application", settings);
  fromSparkParameters(spark_submit_parameters, settings);
  fromTags(run_tags, "job run", settings);

  Json plan = Json::object();
  Json durations = Json::object();
  for (const auto& [key, entry] : settings) {
    const auto& [value, where] = entry;
    if (key == "outcome") {
      if (value != "SUCCESS" && value != "FAILED" && value != "HANG") {
        return fail(ErrorCode::kValidationException,
                    "The " + where + " must be SUCCESS, FAILED or HANG, not '" + value + "'");
      }
      plan["outcome"] = value;
    } else if (key == "failure") {
      plan["failure"] = value;
    } else if (key == "failed-attempts" || (key.size() > 3 && key.compare(key.size() - 3, 3, "-ms") == 0)) {
      int64_t n = -1;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || n < 0 || n > 100000000000LL) {
        return fail(ErrorCode::kValidationException,
                    "The " + where + " must be a non-negative whole number, not '" + value + "'");
      }
      if (key == "failed-attempts") {
        plan["failedAttempts"] = n;
      } else {
        std::string state = key.substr(0, key.size() - 3);
        if (state != "submitted" && state != "pending" && state != "scheduled" && state != "running" &&
            state != "cancelling") {
          return fail(ErrorCode::kValidationException, "The " + where + " names no job run state");
        }
        durations[state] = n;
      }
    }
    // Other trailbox:* keys are plain tags.
  }
  if (!durations.empty()) plan["durations"] = durations;
  return plan;
}

}  // namespace trailbox::api::emr
