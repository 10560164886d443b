#include "api/cloudtrail/trails.hpp"

#include <algorithm>
#include <cctype>

#include "api/clock.hpp"
#include "api/crypto.hpp"

namespace trailbox::api::cloudtrail {
namespace {

constexpr int kMaxTagsPerTrail = 50;

Json parseDoc(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_object() ? j : Json::object();
}

AwsError storeFailure(const store::StoreError& e) { return {ErrorCode::kInternalFailure, "The store failed: " + e.message}; }

std::string trailArn(const std::string& region, const std::string& account, const std::string& name) {
  return "arn:aws:cloudtrail:" + region + ":" + account + ":trail/" + name;
}

bool isSpecial(char c) { return c == '.' || c == '_' || c == '-'; }

bool looksLikeIp(const std::string& s) {
  int dots = 0;
  for (char c : s) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 3;
}

std::string bucketNameProblem(const std::string& b) {
  if (b.size() < 3 || b.size() > 63) return "Bucket name must be 3 to 63 characters long";
  for (char c : b) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
          c == '-')) {
      return "Bucket name can only contain lowercase letters, numbers, periods (.) and hyphens (-)";
    }
  }
  if (!std::isalnum(static_cast<unsigned char>(b.front())) || !std::isalnum(static_cast<unsigned char>(b.back()))) {
    return "Bucket name must begin and end with a letter or number";
  }
  if (b.find("..") != std::string::npos) return "Bucket name must not contain two adjacent periods";
  if (looksLikeIp(b)) return "Bucket name must not be formatted as an IP address";
  return "";
}

// A trail found by name or ARN, from the caller's point of view.
struct Found {
  store::ResourceRow row;
  Json doc;     // public part
  Json tb;      // private part
  bool shadow;  // a multi-region trail seen from a region other than its home
};

// Every trail of the account (trails are few; no index needed).
Result<std::vector<store::ResourceRow>> accountTrails(store::ResourceStore& rs, const std::string& account) {
  auto all = rs.all(kTrail, 100000);
  if (!all.ok()) return store::Unexpected<AwsError>(storeFailure(all.error()));
  std::vector<store::ResourceRow> out;
  for (auto& r : *all) {
    if (r.account == account) out.push_back(std::move(r));
  }
  return out;
}

Found split(store::ResourceRow row, const std::string& caller_region) {
  Json doc = parseDoc(row.doc);
  Json tb = doc.value("_tb", Json::object());
  doc.erase("_tb");
  bool shadow = row.region != caller_region;
  return Found{std::move(row), std::move(doc), std::move(tb), shadow};
}

void save(Found& f) {
  Json full = f.doc;
  full["_tb"] = f.tb;
  f.row.doc = dumpJson(full);
  f.row.state = f.tb.value("logging", false) ? "LOGGING" : "STOPPED";
}

// Resolves a Name/TrailName parameter (a name or a trail ARN) to a trail the caller can see.
Result<Found> findTrail(const CallContext& ctx, store::ResourceStore& rs, const std::string& name_or_arn) {
  std::string name = name_or_arn;
  std::string region = ctx.caller.region;
  std::string account = ctx.caller.account_id;
  if (name_or_arn.rfind("arn:", 0) == 0) {
    // arn:aws:cloudtrail:<region>:<account>:trail/<name>
    std::vector<std::string> parts;
    size_t pos = 0;
    for (int i = 0; i < 5; ++i) {
      size_t colon = name_or_arn.find(':', pos);
      if (colon == std::string::npos) break;
      parts.push_back(name_or_arn.substr(pos, colon - pos));
      pos = colon + 1;
    }
    std::string resource = pos < name_or_arn.size() ? name_or_arn.substr(pos) : "";
    if (parts.size() != 5 || parts[2] != "cloudtrail" || resource.rfind("trail/", 0) != 0) {
      return fail(ErrorCode::kCloudTrailARNInvalidException,
                  "ARN " + name_or_arn + " is not a valid trail ARN (arn:aws:cloudtrail:<region>:<account>:trail/<name>)");
    }
    region = parts[3];
    account = parts[4];
    name = resource.substr(6);
  } else if (auto problem = trailNameProblem(name); !problem.empty()) {
    return fail(ErrorCode::kInvalidTrailNameException, problem);
  }
  auto not_found = [&] {
    return fail(ErrorCode::kTrailNotFoundException, "Unknown trail: " + name + " for the user: " + ctx.caller.account_id);
  };
  if (account != ctx.caller.account_id) return not_found();
  auto trails = accountTrails(rs, account);
  if (!trails.ok()) return store::Unexpected<AwsError>(trails.error());
  for (auto& row : *trails) {
    if (row.id != name) continue;
    bool visible = row.region == ctx.caller.region;
    if (!visible) {
      // Seen from another region only when it is multi-region (a shadow trail), or addressed by
      // its ARN (which names the home region).
      Json doc = parseDoc(row.doc);
      visible = doc.value("IsMultiRegionTrail", false) || row.region == region;
    }
    if (visible) return split(std::move(row), ctx.caller.region);
  }
  return not_found();
}

Status requireHomeRegion(const CallContext& ctx, const Found& f) {
  if (f.row.region != ctx.caller.region) {
    return fail(ErrorCode::kInvalidHomeRegionException,
                "This operation must be called from the trail's home region (" + f.row.region + ")");
  }
  return {};
}

// The members CreateTrail/UpdateTrail return (and GetTrail adds HomeRegion and Has*Selectors to).
Json trailResponse(const Json& doc) {
  Json out = Json::object();
  for (const char* key : {"Name", "S3BucketName", "S3KeyPrefix", "SnsTopicName", "SnsTopicARN",
                          "IncludeGlobalServiceEvents", "IsMultiRegionTrail", "TrailARN", "LogFileValidationEnabled",
                          "CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn", "KmsKeyId", "IsOrganizationTrail"}) {
    if (doc.contains(key)) out[key] = doc[key];
  }
  return out;
}

Json trailView(const Json& doc, const Json& tb) {
  Json out = Json::object();
  for (const char* key : {"Name", "S3BucketName", "S3KeyPrefix", "SnsTopicName", "SnsTopicARN",
                          "IncludeGlobalServiceEvents", "IsMultiRegionTrail", "HomeRegion", "TrailARN",
                          "LogFileValidationEnabled", "CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn", "KmsKeyId"}) {
    if (doc.contains(key)) out[key] = doc[key];
  }
  out["HasCustomEventSelectors"] = tb.contains("eventSelectors") || tb.contains("advancedEventSelectors");
  out["HasInsightSelectors"] = false;
  out["IsOrganizationTrail"] = doc.value("IsOrganizationTrail", false);
  return out;
}

// Applies the settings members shared by CreateTrail and UpdateTrail; returns the error for a
// bad value.
Status applySettings(const CallContext& ctx, const Json& in, Json& doc) {
  if (in.contains("S3BucketName")) {
    std::string bucket = in["S3BucketName"].get<std::string>();
    if (auto problem = bucketNameProblem(bucket); !problem.empty()) {
      return fail(ErrorCode::kInvalidS3BucketNameException, "S3 bucket name '" + bucket + "' is invalid: " + problem);
    }
    doc["S3BucketName"] = bucket;
  }
  if (in.contains("S3KeyPrefix")) {
    std::string prefix = in["S3KeyPrefix"].get<std::string>();
    if (prefix.size() > 200) {
      return fail(ErrorCode::kInvalidS3PrefixException, "S3KeyPrefix must be at most 200 characters");
    }
    if (prefix.empty()) {
      doc.erase("S3KeyPrefix");
    } else {
      doc["S3KeyPrefix"] = prefix;
    }
  }
  if (in.contains("SnsTopicName")) {
    std::string topic = in["SnsTopicName"].get<std::string>();
    doc["SnsTopicName"] = topic;
    doc["SnsTopicARN"] = topic.rfind("arn:", 0) == 0
                             ? topic
                             : "arn:aws:sns:" + ctx.caller.region + ":" + ctx.caller.account_id + ":" + topic;
  }
  for (const auto& [from, to] : std::vector<std::pair<const char*, const char*>>{
           {"IncludeGlobalServiceEvents", "IncludeGlobalServiceEvents"},
           {"IsMultiRegionTrail", "IsMultiRegionTrail"},
           {"EnableLogFileValidation", "LogFileValidationEnabled"},
           {"IsOrganizationTrail", "IsOrganizationTrail"}}) {
    if (in.contains(from)) doc[to] = in[from].get<bool>();
  }
  for (const char* key : {"CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn", "KmsKeyId"}) {
    if (in.contains(key)) doc[key] = in[key];
  }
  if (doc.value("IsMultiRegionTrail", false) && !doc.value("IncludeGlobalServiceEvents", true)) {
    return fail(ErrorCode::kInvalidParameterCombinationException,
                "Multi-Region trail must include global service events.");
  }
  if (doc.value("IsOrganizationTrail", false)) {
    return fail(ErrorCode::kOperationNotPermittedException,
                "Organization trails need AWS Organizations, which trailbox does not emulate");
  }
  return {};
}

Status checkTags(const Json& tags) {
  for (const auto& t : tags) {
    std::string key = t.value("Key", "");
    if (key.rfind("aws:", 0) == 0) {
      return fail(ErrorCode::kInvalidTagParameterException, "Tag keys may not start with 'aws:'");
    }
  }
  return {};
}

// Validates basic event selectors (at most 5) or advanced ones.
Status checkSelectors(const Json& in) {
  bool basic = in.contains("EventSelectors");
  bool advanced = in.contains("AdvancedEventSelectors");
  if (basic == advanced) {
    return fail(ErrorCode::kInvalidParameterCombinationException,
                "Specify either EventSelectors or AdvancedEventSelectors, not both and not neither");
  }
  if (basic) {
    const Json& list = in["EventSelectors"];
    if (list.size() > 5) {
      return fail(ErrorCode::kInvalidEventSelectorsException, "A trail can have at most 5 event selectors");
    }
    for (const auto& sel : list) {
      for (const auto& dr : sel.value("DataResources", Json::array())) {
        static const char* kTypes[] = {"AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"};
        std::string type = dr.value("Type", "");
        if (std::none_of(std::begin(kTypes), std::end(kTypes), [&](const char* t) { return type == t; })) {
          return fail(ErrorCode::kInvalidEventSelectorsException,
                      "DataResources Type '" + type + "' is not valid for basic event selectors");
        }
      }
    }
    return {};
  }
  static const char* kFields[] = {"eventCategory", "readOnly", "eventSource", "eventName", "eventType", "errorCode",
                                  "resources.type", "resources.ARN", "userIdentity.arn", "sessionCredentialFromConsole",
                                  "vpcEndpointId"};
  for (const auto& sel : in["AdvancedEventSelectors"]) {
    bool has_category = false;
    for (const auto& f : sel["FieldSelectors"]) {
      std::string field = f.value("Field", "");
      if (std::none_of(std::begin(kFields), std::end(kFields), [&](const char* k) { return field == k; })) {
        return fail(ErrorCode::kInvalidEventSelectorsException, "Field '" + field + "' is not a valid selector field");
      }
      has_category = has_category || field == "eventCategory";
      bool any_operator = false;
      for (const char* op : {"Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith"}) {
        any_operator = any_operator || f.contains(op);
      }
      if (!any_operator) {
        return fail(ErrorCode::kInvalidEventSelectorsException, "Field selector '" + field + "' has no operator");
      }
    }
    if (!has_category) {
      return fail(ErrorCode::kInvalidEventSelectorsException, "Each advanced event selector needs an eventCategory field");
    }
  }
  return {};
}

std::string fieldValue(const store::EventRow& e, const std::string& field) {
  if (field == "eventCategory") return "Management";
  if (field == "readOnly") return e.read_only ? "true" : "false";
  if (field == "eventSource") return e.event_source;
  if (field == "eventName") return e.event_name;
  if (field == "eventType") return e.event_type;
  if (field == "errorCode") return e.error_code;
  if (field == "userIdentity.arn") {
    Json id = Json::parse(e.user_identity, nullptr, false);
    return id.is_object() ? id.value("arn", "") : "";
  }
  return "";
}

bool fieldMatches(const Json& selector, const std::string& value, const std::vector<std::string>& multi = {}) {
  std::vector<std::string> values = multi.empty() ? std::vector<std::string>{value} : multi;
  auto any = [&](const char* op, auto pred) {
    if (!selector.contains(op)) return true;
    for (const auto& want : selector[op]) {
      for (const auto& v : values) {
        if (pred(v, want.get<std::string>())) return true;
      }
    }
    return false;
  };
  auto none = [&](const char* op, auto pred) {
    if (!selector.contains(op)) return true;
    for (const auto& want : selector[op]) {
      for (const auto& v : values) {
        if (pred(v, want.get<std::string>())) return false;
      }
    }
    return true;
  };
  auto eq = [](const std::string& v, const std::string& w) { return v == w; };
  auto starts = [](const std::string& v, const std::string& w) { return v.rfind(w, 0) == 0; };
  auto ends = [](const std::string& v, const std::string& w) {
    return v.size() >= w.size() && v.compare(v.size() - w.size(), w.size(), w) == 0;
  };
  return any("Equals", eq) && any("StartsWith", starts) && any("EndsWith", ends) && none("NotEquals", eq) &&
         none("NotStartsWith", starts) && none("NotEndsWith", ends);
}

}  // namespace

std::string trailNameProblem(const std::string& name) {
  if (name.size() < 3) {
    return "Trail name too short. Minimum allowed length: 3 characters. Specified name length: " +
           std::to_string(name.size()) + " characters.";
  }
  if (name.size() > 128) {
    return "Trail name too long. Maximum allowed length: 128 characters. Specified name length: " +
           std::to_string(name.size()) + " characters.";
  }
  if (!std::isalnum(static_cast<unsigned char>(name.front()))) return "Trail name must starts with a letter or number.";
  if (!std::isalnum(static_cast<unsigned char>(name.back()))) return "Trail name must ends with a letter or number.";
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || isSpecial(c))) {
      return "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens "
             "(-), and underscores (_).";
    }
    if (i > 0 && isSpecial(c) && isSpecial(name[i - 1])) return "Trail name cannot contain consecutive special characters.";
  }
  if (looksLikeIp(name)) return "Trail name cannot be formatted as an IP address.";
  return "";
}

bool selectorsMatch(const Json& tb, const store::EventRow& e) {
  if (tb.contains("advancedEventSelectors")) {
    for (const auto& sel : tb["advancedEventSelectors"]) {
      bool all = true;
      for (const auto& f : sel["FieldSelectors"]) {
        std::string field = f.value("Field", "");
        std::vector<std::string> multi;
        if (field == "resources.type" || field == "resources.ARN") {
          for (const auto& r : e.resources) multi.push_back(field == "resources.type" ? r.type : r.name);
          if (multi.empty()) multi.push_back("");
        }
        if (!fieldMatches(f, fieldValue(e, field), multi)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }
  // Default when never set: all management events, read and write.
  Json selectors = tb.value("eventSelectors", Json::array({Json{{"ReadWriteType", "All"}, {"IncludeManagementEvents", true}}}));
  for (const auto& sel : selectors) {
    if (!sel.value("IncludeManagementEvents", true)) continue;
    std::string rw = sel.value("ReadWriteType", "All");
    if (rw == "ReadOnly" && !e.read_only) continue;
    if (rw == "WriteOnly" && e.read_only) continue;
    bool excluded = false;
    for (const auto& source : sel.value("ExcludeManagementEventSources", Json::array())) {
      excluded = excluded || source.get<std::string>() == e.event_source;
    }
    if (!excluded) return true;
  }
  return false;
}

bool TrailService::handles(const std::string& op) {
  static const char* kOps[] = {"CreateTrail",     "GetTrail",          "DescribeTrails",    "ListTrails",
                               "UpdateTrail",     "DeleteTrail",       "StartLogging",      "StopLogging",
                               "GetTrailStatus",  "PutEventSelectors", "GetEventSelectors", "AddTags",
                               "RemoveTags",      "ListTags",          "ListPublicKeys"};
  return std::any_of(std::begin(kOps), std::end(kOps), [&](const char* o) { return op == o; });
}

std::vector<store::EventResource> TrailService::resourcesOf(const CallContext& ctx, const Json& input, const Json* output) {
  std::string name;
  if (output && output->is_object() && output->contains("TrailARN")) return {{"AWS::CloudTrail::Trail", (*output)["TrailARN"]}};
  for (const char* key : {"Name", "TrailName", "ResourceId"}) {
    if (input.contains(key) && input[key].is_string()) name = input[key].get<std::string>();
  }
  if (name.empty()) return {};
  std::string arn = name.rfind("arn:", 0) == 0 ? name : trailArn(ctx.caller.region, ctx.caller.account_id, name);
  return {{"AWS::CloudTrail::Trail", arn}};
}

Result<Json> TrailService::call(const std::string& op, const CallContext& ctx, const Json& in, store::Database& db) {
  store::ResourceStore rs(db);
  if (op == "CreateTrail") return createTrail(ctx, in, rs);
  if (op == "UpdateTrail") return updateTrail(ctx, in, rs);
  if (op == "DeleteTrail") return deleteTrail(ctx, in, rs);
  if (op == "GetTrail") return getTrail(ctx, in, rs);
  if (op == "DescribeTrails") return describeTrails(ctx, in, rs);
  if (op == "ListTrails") return listTrails(ctx, in, rs);
  if (op == "StartLogging") {
    // Delivery begins with the events recorded after this call.
    store::EventReader reader(db);
    auto max = reader.maxSeq();
    if (!max.ok()) return store::Unexpected<AwsError>(storeFailure(max.error()));
    return setLogging(ctx, in, rs, true, *max);
  }
  if (op == "StopLogging") {
    store::EventReader reader(db);
    auto max = reader.maxSeq();
    if (!max.ok()) return store::Unexpected<AwsError>(storeFailure(max.error()));
    // Everything recorded while logging is still delivered, up to and including this call's own
    // event, which the writer commits right after this handler (seq = max + 1).
    return setLogging(ctx, in, rs, false, *max + 1);
  }
  if (op == "GetTrailStatus") return getTrailStatus(ctx, in, rs);
  if (op == "PutEventSelectors") return putEventSelectors(ctx, in, rs);
  if (op == "GetEventSelectors") return getEventSelectors(ctx, in, rs);
  if (op == "AddTags") return changeTags(ctx, in, rs, true);
  if (op == "RemoveTags") return changeTags(ctx, in, rs, false);
  if (op == "ListTags") return listTags(ctx, in, rs);
  if (op == "ListPublicKeys") return listPublicKeys(ctx, in, db);
  return fail(ErrorCode::kUnsupportedOperationException, "trailbox does not implement CloudTrail " + op);
}

Result<Json> TrailService::createTrail(const CallContext& ctx, const Json& in, store::ResourceStore& rs) {
  std::string name = in.value("Name", "");
  if (auto problem = trailNameProblem(name); !problem.empty()) {
    return fail(ErrorCode::kInvalidTrailNameException, problem);
  }
  auto trails = accountTrails(rs, ctx.caller.account_id);
  if (!trails.ok()) return store::Unexpected<AwsError>(trails.error());
  int in_region = 0;
  for (const auto& row : *trails) {
    Json doc = parseDoc(row.doc);
    bool visible_here = row.region == ctx.caller.region || doc.value("IsMultiRegionTrail", false);
    if (row.id == name && (visible_here || in.value("IsMultiRegionTrail", false))) {
      return fail(ErrorCode::kTrailAlreadyExistsException,
                  "Trail " + name + " already exists for customer: " + ctx.caller.account_id);
    }
    if (visible_here) ++in_region;
  }
  if (in_region >= kMaxTrailsPerRegion) {
    return fail(ErrorCode::kMaximumNumberOfTrailsExceededException,
                "User: " + ctx.caller.account_id + " already has " + std::to_string(in_region) +
                    " trails in " + ctx.caller.region + " (the limit is 5 per Region)");
  }
  if (in.contains("TagsList")) {
    if (in["TagsList"].size() > kMaxTagsPerTrail) {
      return fail(ErrorCode::kTagsLimitExceededException, "A trail can have at most 50 tags");
    }
    if (auto s = checkTags(in["TagsList"]); !s.ok()) return store::Unexpected<AwsError>(s.error());
  }
  Json doc = Json{{"Name", name}, {"IncludeGlobalServiceEvents", true}, {"IsMultiRegionTrail", false},
                  {"HomeRegion", ctx.caller.region}, {"TrailARN", trailArn(ctx.caller.region, ctx.caller.account_id, name)},
                  {"LogFileValidationEnabled", false}, {"IsOrganizationTrail", false}};
  if (auto s = applySettings(ctx, in, doc); !s.ok()) return store::Unexpected<AwsError>(s.error());
  Found f{store::ResourceRow{}, doc, Json{{"logging", false}, {"tags", in.value("TagsList", Json::array())},
                                          {"createdMs", ctx.now_ms}}, false};
  f.row.kind = kTrail;
  f.row.account = ctx.caller.account_id;
  f.row.region = ctx.caller.region;
  f.row.id = name;
  f.row.created_ms = ctx.now_ms;
  save(f);
  if (auto s = rs.insert(f.row); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  // The trail is created stopped: it logs nothing until StartLogging.
  return trailResponse(doc);
}

Result<Json> TrailService::updateTrail(const CallContext& ctx, const Json& in, store::ResourceStore& rs) {
  auto f = findTrail(ctx, rs, in.value("Name", ""));
  if (!f.ok()) return store::Unexpected<AwsError>(f.error());
  if (auto s = requireHomeRegion(ctx, *f); !s.ok()) return store::Unexpected<AwsError>(s.error());
  if (auto s = applySettings(ctx, in, f->doc); !s.ok()) return store::Unexpected<AwsError>(s.error());
  save(*f);
  if (auto s = rs.update(f->row); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  return trailResponse(f->doc);
}

Result<Json> TrailService::deleteTrail(const CallContext& ctx, const Json& in, store::ResourceStore& rs) {
  auto f = findTrail(ctx, rs, in.value("Name", ""));
  if (!f.ok()) return store::Unexpected<AwsError>(f.error());
  if (auto s = requireHomeRegion(ctx, *f); !s.ok()) return store::Unexpected<AwsError>(s.error());
  // Log files already delivered stay where they are, as they do in S3.
  if (auto s = rs.remove(kTrail, f->row.account, f->row.region, f->row.id); !s.ok()) {
    return store::Unexpected<AwsError>(storeFailure(s.error()));
  }
  return Json::object();
}

Result<Json> TrailService::getTrail(const CallContext& ctx, const Json& in, store::ResourceStore& rs) {
  auto f = findTrail(ctx, rs, in.value("Name", ""));
  if (!f.ok()) return store::Unexpected<AwsError>(f.error());
  return Json{{"Trail", trailView(f->doc, f->tb)}};
}

Result<Json> TrailService::describeTrails(const CallContext& ctx, const Json& in, store::ResourceStore& rs) {
  Json list = Json::array();
  bool shadows = in.value("includeShadowTrails", true);
  const Json names = in.value("trailNameList", Json::array());
  if (!names.empty()) {
    for (const auto& n : names) {
      auto f = findTrail(ctx, rs, n.get<std::string>());
      if (!f.ok()) {
        if (f.error().code == ErrorCode::kTrailNotFoundException) continue;  // DescribeTrails skips unknown names
        return store::Unexpected<AwsError>(f.error());
      }
      if (f->shadow && !shadows) continue;
      list.push_back(trailView(f->doc, f->tb));
    }
    return Json{{"trailList", list}};
  }
  auto trails = accountTrails(rs, ctx.caller.account_id);
  if (!trails.ok()) return store::Unexpected<AwsError>(trails.error());
  for (auto& row : *trails) {
    Found f = split(row, ctx.caller.region);
    bool visible = !f.shadow || (shadows && f.doc.value("IsMultiRegionTrail", false));
    if (visible) list.push_back(trailView(f.doc, f.tb));
  }
  return Json{{"trailList", list}};
}

Result<Json> TrailService::listTrails(const CallContext& ctx, const Json&, store::ResourceStore& rs) {
  auto trails = accountTrails(rs, ctx.caller.account_id);
  if (!trails.ok()) return store::Unexpected<AwsError>(trails.error());
  Json list = Json::array();
  for (auto& row : *trails) {
    Found f = split(row, ctx.caller.region);
    if (f.shadow && !f.doc.value("IsMultiRegionTrail", false)) continue;
    list.push_back(Json{{"TrailARN", f.doc.value("TrailARN", "")}, {"Name", f.row.id}, {"HomeRegion", f.row.region}});
  }
  // Every trail fits in one page (at most 5 per region), so no NextToken is ever returned.
  return Json{{"Trails", list}};
}

Result<Json> TrailService::setLogging(const CallContext& ctx, const Json& in, store::ResourceStore& rs, bool on,
                                      int64_t cursor) {
  auto f = findTrail(ctx, rs, in.value("Name", ""));
  if (!f.ok()) return store::Unexpected<AwsError>(f.error());
  if (auto s = requireHomeRegion(ctx, *f); !s.ok()) return store::Unexpected<AwsError>(s.error());
  bool was = f->tb.value("logging", false);
  if (was != on) {
    f->tb["logging"] = on;
    f->tb[on ? "startLoggingMs" : "stopLoggingMs"] = ctx.now_ms;
    // Events recorded while the trail was not logging are never delivered.
    if (on) {
      f->tb["cursor"] = cursor;
      f->tb.erase("deliverUntil");
    } else {
      f->tb["deliverUntil"] = cursor;
    }
    save(*f);
    if (auto s = rs.update(f->row); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  }
  return Json::object();
}

Result<Json> TrailService::getTrailStatus(const CallContext& ctx, const Json& in, store::ResourceStore& rs) {
  auto f = findTrail(ctx, rs, in.value("Name", ""));
  if (!f.ok()) return store::Unexpected<AwsError>(f.error());
  const Json& tb = f->tb;
  Json out = Json::object();
  out["IsLogging"] = tb.value("logging", false);
  auto number = [&](const char* key, const char* member) {
    if (tb.contains(key)) out[member] = epochSeconds(tb[key].get<int64_t>());
  };
  auto text = [&](const char* key, const char* member) {
    out[member] = tb.contains(key) ? isoSeconds(tb[key].get<int64_t>()) : std::string();
  };
  if (tb.contains("latestDeliveryError")) out["LatestDeliveryError"] = tb["latestDeliveryError"];
  number("latestDeliveryMs", "LatestDeliveryTime");
  number("startLoggingMs", "StartLoggingTime");
  number("stopLoggingMs", "StopLoggingTime");
  number("latestDigestMs", "LatestDigestDeliveryTime");
  if (tb.contains("latestDigestError")) out["LatestDigestDeliveryError"] = tb["latestDigestError"];
  text("latestDeliveryAttemptMs", "LatestDeliveryAttemptTime");
  out["LatestNotificationAttemptTime"] = "";
  out["LatestNotificationAttemptSucceeded"] = "";
  text("latestDeliveryMs", "LatestDeliveryAttemptSucceeded");
  text("startLoggingMs", "TimeLoggingStarted");
  text("stopLoggingMs", "TimeLoggingStopped");
  return out;
}

Result<Json> TrailService::putEventSelectors(const CallContext& ctx, const Json& in, store::ResourceStore& rs) {
  auto f = findTrail(ctx, rs, in.value("TrailName", ""));
  if (!f.ok()) return store::Unexpected<AwsError>(f.error());
  if (auto s = requireHomeRegion(ctx, *f); !s.ok()) return store::Unexpected<AwsError>(s.error());
  if (auto s = checkSelectors(in); !s.ok()) return store::Unexpected<AwsError>(s.error());
  Json out = Json{{"TrailARN", f->doc.value("TrailARN", "")}};
  if (in.contains("EventSelectors")) {
    Json selectors = Json::array();
    for (auto sel : in["EventSelectors"]) {
      if (!sel.contains("ReadWriteType")) sel["ReadWriteType"] = "All";
      if (!sel.contains("IncludeManagementEvents")) sel["IncludeManagementEvents"] = true;
      if (!sel.contains("DataResources")) sel["DataResources"] = Json::array();
      if (!sel.contains("ExcludeManagementEventSources")) sel["ExcludeManagementEventSources"] = Json::array();
      selectors.push_back(sel);
    }
    f->tb["eventSelectors"] = selectors;
    f->tb.erase("advancedEventSelectors");
    out["EventSelectors"] = selectors;
  } else {
    f->tb["advancedEventSelectors"] = in["AdvancedEventSelectors"];
    f->tb.erase("eventSelectors");
    out["AdvancedEventSelectors"] = in["AdvancedEventSelectors"];
  }
  save(*f);
  if (auto s = rs.update(f->row); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  return out;
}

Result<Json> TrailService::getEventSelectors(const CallContext& ctx, const Json& in, store::ResourceStore& rs) {
  auto f = findTrail(ctx, rs, in.value("TrailName", ""));
  if (!f.ok()) return store::Unexpected<AwsError>(f.error());
  Json out = Json{{"TrailARN", f->doc.value("TrailARN", "")}};
  if (f->tb.contains("advancedEventSelectors")) {
    out["AdvancedEventSelectors"] = f->tb["advancedEventSelectors"];
  } else {
    out["EventSelectors"] = f->tb.value(
        "eventSelectors", Json::array({Json{{"ReadWriteType", "All"}, {"IncludeManagementEvents", true},
                                             {"DataResources", Json::array()},
                                             {"ExcludeManagementEventSources", Json::array()}}}));
  }
  return out;
}

Result<Json> TrailService::changeTags(const CallContext& ctx, const Json& in, store::ResourceStore& rs, bool add) {
  std::string id = in.value("ResourceId", "");
  if (id.rfind("arn:", 0) != 0) {
    return fail(ErrorCode::kCloudTrailARNInvalidException, "ResourceId must be a trail ARN, not '" + id + "'");
  }
  auto f = findTrail(ctx, rs, id);
  if (!f.ok()) {
    if (f.error().code == ErrorCode::kTrailNotFoundException) {
      return fail(ErrorCode::kResourceNotFoundException, "Resource " + id + " does not exist");
    }
    return store::Unexpected<AwsError>(f.error());
  }
  if (auto s = checkTags(in.value("TagsList", Json::array())); !s.ok()) return store::Unexpected<AwsError>(s.error());
  Json tags = f->tb.value("tags", Json::array());
  for (const auto& t : in.value("TagsList", Json::array())) {
    std::string key = t.value("Key", "");
    Json kept = Json::array();
    for (const auto& existing : tags) {
      bool same_key = existing.value("Key", "") == key;
      // RemoveTags with a Value removes the tag only when the value matches.
      bool remove = same_key && (add || !t.contains("Value") || existing.value("Value", "") == t.value("Value", ""));
      if (!remove) kept.push_back(existing);
    }
    tags = kept;
    if (add) tags.push_back(t);
  }
  if (tags.size() > kMaxTagsPerTrail) {
    return fail(ErrorCode::kTagsLimitExceededException, "A trail can have at most 50 tags");
  }
  f->tb["tags"] = tags;
  save(*f);
  if (auto s = rs.update(f->row); !s.ok()) return store::Unexpected<AwsError>(storeFailure(s.error()));
  return Json::object();
}

Result<Json> TrailService::listTags(const CallContext& ctx, const Json& in, store::ResourceStore& rs) {
  Json out = Json::array();
  for (const auto& id : in.value("ResourceIdList", Json::array())) {
    std::string arn = id.get<std::string>();
    if (arn.rfind("arn:", 0) != 0) {
      return fail(ErrorCode::kCloudTrailARNInvalidException, "ResourceId must be a trail ARN, not '" + arn + "'");
    }
    auto f = findTrail(ctx, rs, arn);
    if (!f.ok()) {
      if (f.error().code == ErrorCode::kTrailNotFoundException) {
        return fail(ErrorCode::kResourceNotFoundException, "Resource " + arn + " does not exist");
      }
      return store::Unexpected<AwsError>(f.error());
    }
    out.push_back(Json{{"ResourceId", arn}, {"TagsList", f->tb.value("tags", Json::array())}});
  }
  return Json{{"ResourceTagList", out}};
}

Result<Json> TrailService::listPublicKeys(const CallContext& ctx, const Json&, store::Database& db) {
  if (auto s = signer_.ensureKey(db, ctx.now_ms); !s.ok()) return store::Unexpected<AwsError>(s.error());
  auto key = signer_.publicKey();
  Json list = Json::array();
  if (key) {
    list.push_back(Json{{"Value", base64Encode(key->der)},
                        {"ValidityStartTime", epochSeconds(key->created_ms)},
                        {"ValidityEndTime", epochSeconds(key->created_ms + 10LL * 365 * 24 * 3600 * 1000)},
                        {"Fingerprint", key->fingerprint}});
  }
  return Json{{"PublicKeyList", list}};
}

}  // namespace trailbox::api::cloudtrail
