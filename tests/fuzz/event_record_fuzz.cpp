// fuzz_event_record: CloudTrail records built from fuzzed call data (toEventRow), rendered
// (renderRecord, lookupEvent), and stored and read back (EventWriter / EventReader).
//
// Input: newline-separated fields; missing ones are empty, the last one takes the rest of the
// input (so request parameters may span lines):
//    0 flags: 'r' read-only, 'e' failed (each further 'e' picks another error code), 'R' with
//      resources, digits: the event time in seconds since the epoch (at most year 9999)
//    1 eventName            5 userAgent (any bytes, invalid UTF-8 included)
//    2 eventSource          6 sourceIPAddress
//    3 requestID            7 errorMessage
//    4 eventID              8 caller: "<account> <region> <username> <accessKeyId>"
//    9 userIdentity (JSON; anything else is taken as a JSON string)
//   10 responseElements (JSON, same rule)
//   11 requestParameters (JSON, same rule; the rest of the input)
//
// Checked: the record is valid JSON, an object with CloudTrail's members, and every member
// parses back to what was recorded (strings as dumpJson shows them: invalid UTF-8 replaced by
// U+FFFD); userAgent and errorMessage are cut at 1 KB on a UTF-8 boundary; responseElements
// appear only for successful writes; lookupEvent() embeds the same record; and the row read back
// from the store renders to the same record.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/clock.hpp"
#include "api/event_record.hpp"
#include "harness.hpp"
#include "store/database.hpp"
#include "store/event_store.hpp"
#include "store/schema.hpp"

using trailbox::api::ErrorCode;
using trailbox::api::Json;
using trailbox::fuzz::printable;

namespace {

constexpr size_t kFields = 12;
constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z

constexpr ErrorCode kErrors[] = {ErrorCode::kValidationException, ErrorCode::kResourceNotFoundException,
                                 ErrorCode::kConflictException, ErrorCode::kInvalidLookupAttributesException,
                                 ErrorCode::kAccessDeniedException, ErrorCode::kInternalServerException};

struct Store {
  std::unique_ptr<trailbox::store::Database> db;
  std::unique_ptr<trailbox::store::EventWriter> writer;
};

Store& store() {
  static Store* s = [] {
    auto* created = new Store();
    auto db = trailbox::store::Database::open(":memory:", trailbox::store::Database::Mode::kReadWrite);
    FUZZ_CHECK(db.ok(), db.ok() ? "" : db.error().message);
    created->db = std::move(*db);
    auto migrated = trailbox::store::migrate(*created->db);
    FUZZ_CHECK(migrated.ok(), migrated.ok() ? "" : migrated.error().message);
    created->writer = std::make_unique<trailbox::store::EventWriter>(*created->db);
    return created;
  }();
  return *s;
}

std::vector<std::string> splitFields(std::string_view input) {
  std::vector<std::string> out;
  while (out.size() + 1 < kFields) {
    size_t nl = input.find('\n');
    if (nl == std::string_view::npos) break;
    out.emplace_back(input.substr(0, nl));
    input.remove_prefix(nl + 1);
  }
  out.emplace_back(input);
  out.resize(kFields);
  return out;
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t sp = s.find(' ', pos);
    if (sp == std::string::npos) sp = s.size();
    out.push_back(s.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return out;
}

Json jsonOrString(const std::string& text) {
  if (text.empty()) return Json();
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? Json(text) : j;
}

// What a string looks like after a trip through dumpJson and back.
std::string shown(const std::string& s) { return Json::parse(trailbox::api::dumpJson(Json(s))).get<std::string>(); }
Json shownJson(const Json& j) { return Json::parse(trailbox::api::dumpJson(j)); }

bool isValidUtf8(const std::string& s) { return trailbox::api::utf8Length(s) != std::string_view::npos; }

// A cut of `original` at `max` bytes on a UTF-8 boundary (when the text is valid UTF-8).
void checkCut(const std::string& original, const std::string& cut, const char* what) {
  FUZZ_CHECK(cut.size() <= 1024, std::string(what) + " longer than 1 KB: " + std::to_string(cut.size()) + " bytes");
  FUZZ_CHECK(original.compare(0, cut.size(), cut) == 0, std::string(what) + " is not a prefix of the original");
  if (original.size() <= 1024) FUZZ_CHECK(cut == original, std::string(what) + " cut although short enough");
  if (isValidUtf8(original)) FUZZ_CHECK(isValidUtf8(cut), std::string(what) + " cut inside a UTF-8 sequence");
}

void checkRecord(const std::string& text, const trailbox::api::CallRecord& rec, const trailbox::store::EventRow& row,
                 const std::string& context) {
  Json r = Json::parse(text, nullptr, false);
  FUZZ_CHECK(!r.is_discarded(), "renderRecord produced invalid JSON:\n" + printable(text, 3000) + context);
  FUZZ_CHECK(r.is_object(), "record is not an object" + context);
  for (const char* key : {"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
                          "sourceIPAddress", "requestParameters", "responseElements", "requestID", "eventID",
                          "readOnly", "eventType", "managementEvent", "recipientAccountId", "eventCategory"}) {
    FUZZ_CHECK(r.contains(key), std::string("record lacks ") + key + context);
  }
  FUZZ_CHECK(r["eventName"] == shown(rec.event_name), "eventName changed" + context);
  FUZZ_CHECK(r["requestID"] == shown(rec.request_id), "requestID changed" + context);
  FUZZ_CHECK(r["eventID"] == shown(rec.event_id), "eventID changed" + context);
  FUZZ_CHECK(r["eventSource"] == shown(rec.event_source), "eventSource changed" + context);
  FUZZ_CHECK(r["sourceIPAddress"] == shown(rec.source_ip), "sourceIPAddress changed" + context);
  FUZZ_CHECK(r["awsRegion"] == shown(rec.caller->region), "awsRegion changed" + context);
  FUZZ_CHECK(r["recipientAccountId"] == shown(rec.caller->account_id), "recipientAccountId changed" + context);
  FUZZ_CHECK(r["readOnly"] == rec.read_only, "readOnly changed" + context);
  FUZZ_CHECK(r["eventTime"] == trailbox::api::isoSeconds(rec.time_ms), "eventTime changed" + context);
  FUZZ_CHECK(r["userIdentity"] == (row.user_identity.empty() ? Json::object() : shownJson(rec.caller->user_identity)),
             "userIdentity changed" + context);
  FUZZ_CHECK(r["requestParameters"] == shownJson(rec.request_parameters), "requestParameters changed" + context);
  if (rec.user_agent.empty()) {
    FUZZ_CHECK(!r.contains("userAgent"), "userAgent recorded although none was sent" + context);
  } else {
    checkCut(rec.user_agent, row.user_agent, "userAgent");
    if (!row.user_agent.empty()) FUZZ_CHECK(r["userAgent"] == shown(row.user_agent), "userAgent changed" + context);
  }
  if (rec.error) {
    FUZZ_CHECK(r["errorCode"] == std::string(trailbox::api::errorName(rec.error->code)), "errorCode changed" + context);
    checkCut(rec.error->message, row.error_message, "errorMessage");
    FUZZ_CHECK(r["errorMessage"] == shown(row.error_message), "errorMessage changed" + context);
    FUZZ_CHECK(r["responseElements"].is_null(), "responseElements on a failed call" + context);
  } else {
    FUZZ_CHECK(!r.contains("errorCode") && !r.contains("errorMessage"), "error members on a successful call" + context);
    bool expected = !rec.read_only && !rec.response_elements.is_null() &&
                    !(rec.response_elements.is_object() && rec.response_elements.empty());
    FUZZ_CHECK(r["responseElements"] == (expected ? shownJson(rec.response_elements) : Json()),
               "responseElements wrong" + context);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  store();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> f = splitFields(std::string_view(reinterpret_cast<const char*>(data), size));

  const std::string& flags = f[0];
  int64_t seconds = 0;
  int errors = 0;
  for (char c : flags) {
    if (c >= '0' && c <= '9') seconds = std::min<int64_t>(kMaxSeconds, seconds * 10 + (c - '0'));
    if (c == 'e') ++errors;
  }
  std::vector<std::string> who = words(f[8]);
  who.resize(4);
  trailbox::api::Caller caller;
  caller.account_id = who[0];
  caller.region = who[1];
  caller.username = who[2];
  caller.access_key_id = who[3];
  caller.type = "IAMUser";
  caller.arn = "arn:aws:iam::" + who[0] + ":user/" + who[2];
  caller.user_identity = jsonOrString(f[9]);

  trailbox::api::CallRecord rec;
  rec.caller = &caller;
  rec.read_only = flags.find('r') != std::string::npos;
  rec.event_name = f[1];
  rec.event_source = f[2];
  rec.request_id = f[3];
  rec.event_id = f[4];
  rec.user_agent = f[5];
  rec.source_ip = f[6];
  rec.time_ms = seconds * 1000 + static_cast<int64_t>(size % 1000);
  if (errors > 0) {
    rec.error = trailbox::api::AwsError{kErrors[static_cast<size_t>(errors - 1) % std::size(kErrors)], f[7]};
  }
  rec.response_elements = jsonOrString(f[10]);
  rec.request_parameters = jsonOrString(f[11]);
  if (flags.find('R') != std::string::npos) {
    rec.resources.push_back({"AWS::EMRServerless::Application", f[6]});
    rec.resources.push_back({f[2], f[1]});
  }

  std::string context = "\nfields: name=" + printable(rec.event_name, 80) + " requestID=" + printable(rec.request_id, 80) +
                        " userAgent=" + printable(rec.user_agent, 120);
  trailbox::store::EventRow row = trailbox::api::toEventRow(rec);
  std::string text = trailbox::api::renderRecord(row);
  checkRecord(text, rec, row, context);

  Json listed = trailbox::api::lookupEvent(row);
  std::string listed_text = trailbox::api::dumpJson(listed);
  FUZZ_CHECK(trailbox::fuzz::isValidJson(listed_text), "lookupEvent is not valid JSON" + context);
  FUZZ_CHECK(listed["CloudTrailEvent"] == text, "lookupEvent embeds another record" + context);
  FUZZ_CHECK(listed["Resources"].size() == rec.resources.size(), "lookupEvent lost resources" + context);

  // Through the store and back, in a transaction rolled back afterwards.
  Store& s = store();
  FUZZ_CHECK(s.db->exec("BEGIN").ok(), "BEGIN");
  auto seq = s.writer->insert(row);
  if (seq.ok()) {
    trailbox::store::EventReader reader(*s.db);
    trailbox::store::EventQuery q;
    q.order = trailbox::store::EventQuery::Order::kCommitOrder;
    q.after_seq = *seq - 1;
    q.limit = 1;
    auto rows = reader.query(q);
    FUZZ_CHECK(rows.ok() && rows->size() == 1, "inserted event not found: " + (rows.ok() ? std::string() : rows.error().message));
    trailbox::store::EventRow back = (*rows)[0];
    // UUIDs are stored as 16 bytes and come back in canonical lower case.
    if (trailbox::store::isUuid(row.event_id)) back.event_id = row.event_id;
    if (trailbox::store::isUuid(row.request_id)) back.request_id = row.request_id;
    FUZZ_CHECK(trailbox::store::isUuid(row.event_id) ? trailbox::fuzz::lower((*rows)[0].event_id) == trailbox::fuzz::lower(row.event_id) : true,
               "event id changed in the store");
    std::string stored = trailbox::api::renderRecord(back);
    FUZZ_CHECK(stored == text, "the record read back differs:\nwritten: " + printable(text, 2000) +
                                   "\nread:    " + printable(stored, 2000));
    FUZZ_CHECK(back.resources.size() == row.resources.size(), "resources lost in the store");
  } else {
    // Only a repeated event id may be refused; nothing else is written in this transaction.
    trailbox::fuzz::fail(__FILE__, __LINE__, "EventWriter::insert failed", seq.error().message + context);
  }
  FUZZ_CHECK(s.db->exec("ROLLBACK").ok(), "ROLLBACK");
  s.writer->forgetCache();
  return 0;
}
