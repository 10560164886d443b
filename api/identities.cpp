#include "api/identities.hpp"

#include <algorithm>

#include "api/clock.hpp"

namespace trailbox::api {
namespace {

bool isAccount(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string str(const Json& j, const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; }

}  // namespace

Result<IdentityDirectory> IdentityDirectory::parse(std::string_view json_text) {
  Json doc = Json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("identities") || !doc["identities"].is_array()) {
    return fail(ErrorCode::kInvalidParameterException,
                "the identities file must be a JSON object with an \"identities\" array");
  }
  IdentityDirectory dir;
  size_t index = 0;
  for (const auto& e : doc["identities"]) {
    std::string where = "identities[" + std::to_string(index++) + "]";
    if (!e.is_object()) return fail(ErrorCode::kInvalidParameterException, where + " must be an object");
    IdentityEntry entry;
    entry.access_key_id = str(e, "accessKeyId");
    entry.secret_access_key = str(e, "secretAccessKey");
    entry.session_token = str(e, "sessionToken");
    entry.spec = e;
    std::string type = str(e, "type");
    std::string account = str(e, "accountId");
    auto need = [&](const char* key) -> Status {
      if (str(e, key).empty()) {
        return fail(ErrorCode::kInvalidParameterException, where + " (" + type + ") needs \"" + key + "\"");
      }
      return {};
    };
    if (entry.access_key_id.empty()) return fail(ErrorCode::kInvalidParameterException, where + " needs \"accessKeyId\"");
    if (!isAccount(account)) {
      return fail(ErrorCode::kInvalidParameterException, where + " needs \"accountId\" of 12 digits");
    }
    Status s;
    if (type == "IAMUser") {
      s = need("userName");
    } else if (type == "AssumedRole") {
      s = need("roleName");
      if (s.ok()) s = need("sessionName");
    } else if (type == "FederatedUser") {
      s = need("federatedName");
    } else if (type == "AWSService") {
      s = need("invokedBy");
    } else if (type != "Root") {
      return fail(ErrorCode::kInvalidParameterException,
                  where + " has type '" + type + "'; use IAMUser, AssumedRole, Root, FederatedUser or AWSService");
    }
    if (!s.ok()) return store::Unexpected<AwsError>(s.error());
    if (!dir.entries_.emplace(entry.access_key_id, entry).second) {
      return fail(ErrorCode::kInvalidParameterException, where + " repeats access key " + entry.access_key_id);
    }
  }
  return dir;
}

const IdentityEntry* IdentityDirectory::find(const std::string& access_key_id) const {
  auto it = entries_.find(access_key_id);
  return it == entries_.end() ? nullptr : &it->second;
}

Caller callerFor(const IdentityEntry& entry, const SigV4Scope& scope, int64_t now_ms) {
  const Json& e = entry.spec;
  Caller c;
  c.account_id = str(e, "accountId");
  c.region = scope.region;
  c.access_key_id = entry.access_key_id;
  c.type = str(e, "type");
  std::string path = str(e, "path").empty() ? "/" : str(e, "path");
  const std::string& acct = c.account_id;
  if (c.type == "IAMUser") {
    std::string user = str(e, "userName");
    c.arn = "arn:aws:iam::" + acct + ":user" + path + user;
    c.username = user;
    std::string pid = str(e, "principalId").empty() ? principalIdFor("AIDA", acct + ":user/" + user) : str(e, "principalId");
    c.user_identity = Json{{"type", "IAMUser"}, {"principalId", pid}, {"arn", c.arn}, {"accountId", acct},
                           {"accessKeyId", c.access_key_id}, {"userName", user}};
  } else if (c.type == "AssumedRole") {
    std::string role = str(e, "roleName");
    std::string session = str(e, "sessionName");
    std::string role_id = str(e, "roleId").empty() ? principalIdFor("AROA", acct + ":role/" + role) : str(e, "roleId");
    c.arn = "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + session;
    c.username = session;
    std::string created = str(e, "creationDate").empty() ? isoSeconds(now_ms - now_ms % 3600000) : str(e, "creationDate");
    Json attributes = Json{{"creationDate", created}, {"mfaAuthenticated", e.value("mfaAuthenticated", false) ? "true" : "false"}};
    Json context = Json{{"sessionIssuer", Json{{"type", "Role"},
                                               {"principalId", role_id},
                                               {"arn", "arn:aws:iam::" + acct + ":role" + path + role},
                                               {"accountId", acct},
                                               {"userName", role}}},
                        {"webIdFederationData", Json::object()},
                        {"attributes", attributes}};
    if (!str(e, "sourceIdentity").empty()) context["sourceIdentity"] = str(e, "sourceIdentity");
    c.user_identity = Json{{"type", "AssumedRole"}, {"principalId", role_id + ":" + session}, {"arn", c.arn},
                           {"accountId", acct}, {"accessKeyId", c.access_key_id}, {"sessionContext", context}};
  } else if (c.type == "Root") {
    c.arn = "arn:aws:iam::" + acct + ":root";
    c.username = "root";
    c.user_identity = Json{{"type", "Root"}, {"principalId", acct}, {"arn", c.arn}, {"accountId", acct},
                           {"accessKeyId", c.access_key_id}};
    // CloudTrail adds userName for the root user only when the account has an alias.
    if (!str(e, "accountAlias").empty()) c.user_identity["userName"] = str(e, "accountAlias");
  } else if (c.type == "FederatedUser") {
    std::string name = str(e, "federatedName");
    std::string broker = str(e, "userName").empty() ? "federation-broker" : str(e, "userName");
    c.arn = "arn:aws:sts::" + acct + ":federated-user/" + name;
    c.username = name;
    std::string created = str(e, "creationDate").empty() ? isoSeconds(now_ms - now_ms % 3600000) : str(e, "creationDate");
    c.user_identity = Json{
        {"type", "FederatedUser"},
        {"principalId", acct + ":" + name},
        {"arn", c.arn},
        {"accountId", acct},
        {"accessKeyId", c.access_key_id},
        {"sessionContext",
         Json{{"sessionIssuer", Json{{"type", "IAMUser"},
                                     {"principalId", principalIdFor("AIDA", acct + ":user/" + broker)},
                                     {"arn", "arn:aws:iam::" + acct + ":user" + path + broker},
                                     {"accountId", acct},
                                     {"userName", broker}}},
              {"webIdFederationData", Json::object()},
              {"attributes", Json{{"creationDate", created},
                                  {"mfaAuthenticated", e.value("mfaAuthenticated", false) ? "true" : "false"}}}}}};
  } else {  // AWSService
    c.invoked_by = str(e, "invokedBy");
    c.arn = "";
    c.username = "";
    c.user_identity = Json{{"type", "AWSService"}, {"invokedBy", c.invoked_by}};
  }
  return c;
}

}  // namespace trailbox::api
