#include "store/event_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/store/store_test_support.hpp"

namespace trailbox::store::test {
namespace {

// Suites are named after the units (EventWriter, EventReader), so the fixtures below shadow the
// store classes inside this namespace; the store classes are spelled store::EventWriter etc.

constexpr const char* kAccount = "111111111111";
constexpr const char* kOtherAccount = "222222222222";
constexpr const char* kRegion = "us-east-1";
constexpr const char* kOtherRegion = "eu-west-1";
constexpr const char* kEmr = "emr-serverless.amazonaws.com";
constexpr const char* kCloudTrail = "cloudtrail.amazonaws.com";
constexpr const char* kApp = "AWS::EMRServerless::Application";
constexpr const char* kJobRun = "AWS::EMRServerless::JobRun";
constexpr const char* kTrail = "AWS::CloudTrail::Trail";

std::string uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "6f1c2b9e-8a4d-4c3e-9b2a-%012d", n);
  return buf;
}

std::string toUpper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

EventRow baseEvent(const std::string& id, int64_t time_ms) {
  EventRow e;
  e.event_id = id;
  e.time_ms = time_ms;
  e.account = kAccount;
  e.region = kRegion;
  e.event_source = kEmr;
  e.event_name = "ListApplications";
  e.read_only = true;
  e.username = "alice";
  e.access_key_id = "AKIAALICE";
  e.user_identity = R"({"type":"IAMUser","userName":"alice"})";
  e.user_agent = "aws-cli/2.15.0";
  e.source_ip = "127.0.0.1";
  return e;
}

void expectSameEvent(const EventRow& got, const EventRow& want) {
  EXPECT_EQ(got.event_id, want.event_id);
  EXPECT_EQ(got.time_ms, want.time_ms);
  EXPECT_EQ(got.account, want.account);
  EXPECT_EQ(got.region, want.region);
  EXPECT_EQ(got.event_source, want.event_source);
  EXPECT_EQ(got.event_name, want.event_name);
  EXPECT_EQ(got.read_only, want.read_only);
  EXPECT_EQ(got.event_type, want.event_type);
  EXPECT_EQ(got.username, want.username);
  EXPECT_EQ(got.access_key_id, want.access_key_id);
  EXPECT_EQ(got.user_identity, want.user_identity);
  EXPECT_EQ(got.user_agent, want.user_agent);
  EXPECT_EQ(got.source_ip, want.source_ip);
  EXPECT_EQ(got.request_id, want.request_id);
  EXPECT_EQ(got.error_code, want.error_code);
  EXPECT_EQ(got.error_message, want.error_message);
  EXPECT_EQ(got.request_parameters, want.request_parameters);
  EXPECT_EQ(got.response_elements, want.response_elements);
  EXPECT_EQ(got.additional_event_data, want.additional_event_data);
  ASSERT_EQ(got.resources.size(), want.resources.size());
  for (size_t i = 0; i < want.resources.size(); ++i) {
    EXPECT_EQ(got.resources[i].type, want.resources[i].type) << i;
    EXPECT_EQ(got.resources[i].name, want.resources[i].name) << i;
  }
}

class EventDb : public MemoryDbTest {
 protected:
  void SetUp() override {
    MemoryDbTest::SetUp();
    writer_ = std::make_unique<store::EventWriter>(db());
    reader_ = std::make_unique<store::EventReader>(db());
  }

  int64_t add(const EventRow& row) {
    auto seq = writer_->insert(row);
    EXPECT_TRUE(seq.ok()) << seq.error().message;
    return seq.ok() ? *seq : -1;
  }

  std::vector<EventRow> run(const EventQuery& q) {
    auto rows = reader_->query(q);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? *rows : std::vector<EventRow>();
  }

  std::vector<std::string> ids(const EventQuery& q) {
    std::vector<std::string> out;
    for (const auto& e : run(q)) out.push_back(e.event_id);
    return out;
  }

  int64_t count(const EventQuery& q) {
    auto n = reader_->count(q);
    EXPECT_TRUE(n.ok()) << n.error().message;
    return n.ok() ? *n : -1;
  }

  static EventQuery scoped(std::vector<EventFilter> filters = {}) {
    EventQuery q;
    q.account = kAccount;
    q.region = kRegion;
    q.filters = std::move(filters);
    return q;
  }

  // Seven events in kAccount/kRegion (ids evt-1 .. evt-7, time = 1000 * n) plus copies of
  // evt-2, evt-3, evt-5 and evt-6 in another account and in another region, which every
  // scoped query must ignore.
  void seedMixed() {
    struct Spec {
      const char* name;
      const char* source;
      bool read_only;
      const char* user;
      const char* key;
      std::vector<EventResource> resources;
      const char* error;
    };
    const std::map<int, Spec> specs = {
        {1, {"CreateApplication", kEmr, false, "alice", "AKIA1", {{kApp, "app-1"}}, ""}},
        {2, {"GetApplication", kEmr, true, "bob", "AKIA2", {{kApp, "app-1"}}, ""}},
        {3, {"StartJobRun", kEmr, false, "alice", "AKIA1", {{kApp, "app-1"}, {kJobRun, "jr-1"}}, ""}},
        {4, {"LookupEvents", kCloudTrail, true, "carol", "AKIA3", {}, ""}},
        {5, {"GetApplication", kEmr, true, "alice", "", {{kApp, "app-2"}}, "ResourceNotFoundException"}},
        {6, {"CreateTrail", kCloudTrail, false, "bob", "AKIA2", {{kTrail, "trail-1"}}, "AccessDenied"}},
        {7, {"StartJobRun", kEmr, false, "", "", {{kApp, "app-2"}, {kJobRun, "jr-2"}}, ""}},
    };
    auto make = [&](int n, const std::string& id, const char* account, const char* region) {
      const Spec& s = specs.at(n);
      EventRow e = baseEvent(id, 1000 * n);
      e.account = account;
      e.region = region;
      e.event_name = s.name;
      e.event_source = s.source;
      e.read_only = s.read_only;
      e.username = s.user;
      e.access_key_id = s.key;
      e.resources = s.resources;
      e.error_code = s.error;
      if (!e.error_code.empty()) e.error_message = std::string("failed: ") + s.error;
      return e;
    };
    for (int n = 1; n <= 7; ++n) add(make(n, "evt-" + std::to_string(n), kAccount, kRegion));
    for (int n : {2, 3, 5, 6}) {
      add(make(n, "acct-" + std::to_string(n), kOtherAccount, kRegion));
      add(make(n, "region-" + std::to_string(n), kAccount, kOtherRegion));
    }
  }

  // Pages through `q` with `before` and checks that every match comes exactly once, in
  // (time_ms DESC, seq DESC) order.
  void walkPages(EventQuery q, const std::vector<std::pair<int64_t, int64_t>>& expected) {
    std::vector<std::pair<int64_t, int64_t>> walked;
    q.limit = 4;
    for (int page = 0; page < 100; ++page) {
      auto rows = run(q);
      if (rows.empty()) break;
      EXPECT_LE(rows.size(), 4u);
      for (const auto& e : rows) walked.emplace_back(e.time_ms, e.seq);
      q.before = std::make_pair(rows.back().time_ms, rows.back().seq);
    }
    EXPECT_EQ(walked, expected);
  }

  std::unique_ptr<store::EventWriter> writer_;
  std::unique_ptr<store::EventReader> reader_;
};

class EventWriter : public EventDb {};
class EventReader : public EventDb {};

using Ids = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// packId / unpackId

TEST(PackId, CanonicalUuidPacksToSixteenBytes) {
  std::string packed = packId("00112233-4455-6677-8899-aabbccddeeff");
  ASSERT_EQ(packed.size(), 16u);
  EXPECT_EQ(packed, std::string("\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16));
  EXPECT_EQ(unpackId(packed), "00112233-4455-6677-8899-aabbccddeeff");
}

TEST(PackId, UppercaseUuidPacksLikeLowercaseAndUnpacksLowercase) {
  std::string upper = "6F1C2B9E-8A4D-4C3E-9B2A-1D2E3F4A5B6C";
  std::string lower = "6f1c2b9e-8a4d-4c3e-9b2a-1d2e3f4a5b6c";
  EXPECT_EQ(packId(upper), packId(lower));
  EXPECT_EQ(packId(upper).size(), 16u);
  EXPECT_EQ(unpackId(packId(upper)), lower);
}

TEST(PackId, NonUuidTextIsStoredVerbatim) {
  for (const std::string& id : {std::string(""), std::string("evt-1"), std::string("not-a-uuid"),
                               std::string("00112233445566778899aabbccddeeff"),        // no dashes
                               std::string("00112233-4455-6677-8899-aabbccddeefg"),    // g is not hex
                               std::string("0011223-34455-6677-8899-aabbccddeeff"),    // dash misplaced
                               std::string("00112233-4455-6677-8899-aabbccddeeff0"),   // 37 chars
                               std::string("{00112233-4455-6677-8899-aabbccddeef}")}) {
    EXPECT_EQ(packId(id), id);
    EXPECT_EQ(unpackId(packId(id)), id);
  }
}

TEST(PackId, SixteenCharacterNonUuidIsNotAUuid) {
  // Non-UUID ids are stored as TEXT (see EventWriter.SixteenCharacterIdDoesNotCollideWithAUuid);
  // packId leaves them as they are and isUuid tells the writer which column type to use.
  EXPECT_EQ(packId("abcdefghijklmnop"), "abcdefghijklmnop");
  EXPECT_FALSE(isUuid("abcdefghijklmnop"));
  EXPECT_TRUE(isUuid("61626364-6566-6768-696a-6b6c6d6e6f70"));
}

// ---------------------------------------------------------------------------------------------
// EventWriter

TEST_F(EventWriter, InsertReturnsIncreasingSeq) {
  int64_t a = add(baseEvent(uuid(1), 5000));
  int64_t b = add(baseEvent(uuid(2), 1000));  // older time, later commit
  int64_t c = add(baseEvent("evt-3", 3000));
  EXPECT_GT(a, 0);
  EXPECT_GT(b, a);
  EXPECT_GT(c, b);
  auto max = reader_->maxSeq();
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(*max, c);
}

TEST_F(EventWriter, EveryFieldRoundTrips) {
  EventRow e = baseEvent("6f1c2b9e-8a4d-4c3e-9b2a-1d2e3f4a5b6c", 1767225600123);
  e.region = "ap-southeast-2";
  e.event_source = kEmr;
  e.event_name = "StartJobRun";
  e.read_only = false;
  e.event_type = "AwsServiceEvent";
  e.username = "deploy-bot";
  e.access_key_id = "ASIAEXAMPLEKEY";
  e.user_identity = R"({"type":"AssumedRole","arn":"arn:aws:sts::111111111111:assumed-role/r/s"})";
  e.user_agent = "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0";
  e.source_ip = "203.0.113.7";
  e.request_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  e.error_code = "ValidationException";
  e.error_message = "Application \"x\" is in state \u00e9tat";
  e.request_parameters = "{\n  \"applicationId\": \"00f0000000000001\",\n  \"name\": \"caf\u00e9\",\n  \"n\": [1, 2.5, null]\n}";
  e.response_elements = R"({"jobRunId":"00f0000000000002","arn":"arn:aws:emr-serverless:x"})";
  e.additional_event_data = R"({"note":"extra"})";
  e.resources = {{kApp, "00f0000000000001"}, {kJobRun, "00f0000000000002"}};
  int64_t seq = add(e);

  auto rows = run(scoped({{EventAttribute::kEventId, e.event_id}}));
  ASSERT_EQ(rows.size(), 0u);  // scoped() is us-east-1; this event is in ap-southeast-2
  EventQuery q;
  q.filters = {{EventAttribute::kEventId, e.event_id}};
  rows = run(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].seq, seq);
  expectSameEvent(rows[0], e);
}

TEST_F(EventWriter, EmptyOptionalFieldsAreStoredAsNullAndReadBackEmpty) {
  EventRow e;
  e.event_id = "evt-minimal";
  e.time_ms = 42;
  e.account = kAccount;
  e.region = kRegion;
  e.event_source = kEmr;
  e.event_name = "ListApplications";
  e.user_identity = "{}";
  e.source_ip = "127.0.0.1";
  int64_t seq = add(e);

  auto rows = run(scoped());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].seq, seq);
  expectSameEvent(rows[0], e);
  EXPECT_EQ(rows[0].event_type, "AwsApiCall");
  EXPECT_FALSE(rows[0].read_only);

  EXPECT_EQ(queryInt(db(),
                     "SELECT (username IS NULL) + (access_key IS NULL) + (user_agent IS NULL) + "
                     "(request_id IS NULL) + (error_code IS NULL) + (error_message IS NULL) + "
                     "(request_parameters IS NULL) + (response_elements IS NULL) + "
                     "(additional_event_data IS NULL) + (resources IS NULL) FROM events"),
            10);
  EXPECT_EQ(queryInt(db(), "SELECT count(*) FROM event_resources"), 0);
}

TEST_F(EventWriter, JsonTextIsStoredAsTextVerbatim) {
  EventRow e = baseEvent("evt-json", 1);
  e.request_parameters = R"({ "a" : 1 ,"b":{"c":[true,false]}})";
  e.response_elements = "null-ish but not null";
  add(e);
  EXPECT_EQ(queryText(db(), "SELECT typeof(request_parameters) FROM events"), "text");
  EXPECT_EQ(queryText(db(), "SELECT request_parameters FROM events"), e.request_parameters);
  EXPECT_EQ(queryText(db(), "SELECT json_extract(request_parameters, '$.b.c[0]') FROM events"), "1");
  auto rows = run(scoped());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].request_parameters, e.request_parameters);
  EXPECT_EQ(rows[0].response_elements, e.response_elements);
}

TEST_F(EventWriter, UuidIdsAreStoredAsSixteenByteBlobsAndOthersAsText) {
  EventRow a = baseEvent(uuid(1), 1);
  a.request_id = uuid(2);
  add(a);
  add(baseEvent("evt-text-id", 2));
  EXPECT_EQ(queryInt(db(), "SELECT length(event_id) FROM events WHERE seq = 1"), 16);
  EXPECT_EQ(queryInt(db(), "SELECT length(request_id) FROM events WHERE seq = 1"), 16);
  EXPECT_EQ(queryText(db(), "SELECT event_id FROM events WHERE seq = 2"), "evt-text-id");
}

TEST_F(EventWriter, DuplicateEventIdFailsWithConstraint) {
  add(baseEvent(uuid(1), 1000));
  EventRow dup = baseEvent(uuid(1), 2000);
  dup.event_name = "Other";
  auto r = writer_->insert(dup);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code & 0xff, SQLITE_CONSTRAINT);
  EXPECT_EQ(r.error().code, SQLITE_CONSTRAINT_UNIQUE);
  EXPECT_EQ(count(EventQuery{}), 1);

  // The same UUID in upper case is the same event id.
  std::string upper = uuid(1);
  upper = toUpper(upper);
  auto r2 = writer_->insert(baseEvent(upper, 3000));
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code & 0xff, SQLITE_CONSTRAINT);
}

TEST_F(EventWriter, SixteenCharacterIdDoesNotCollideWithAUuid) {
  add(baseEvent("abcdefghijklmnop", 1));
  auto r = writer_->insert(baseEvent("61626364-6566-6768-696a-6b6c6d6e6f70", 2));
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_EQ(ids(scoped({{EventAttribute::kEventId, "abcdefghijklmnop"}})), (Ids{"abcdefghijklmnop"}));
}

TEST_F(EventWriter, RepeatedValuesAreInternedOnce) {
  for (int i = 0; i < 10; ++i) {
    EventRow e = baseEvent(uuid(i), i);
    e.resources = {{kApp, "app-1"}};
    add(e);
  }
  for (const char* value : {kAccount, kRegion, kEmr, "ListApplications", "alice", "AKIAALICE", "aws-cli/2.15.0",
                            "127.0.0.1", "AwsApiCall", kApp, "app-1"}) {
    EXPECT_EQ(queryInt(db(), std::string("SELECT count(*) FROM strings WHERE value = '") + value + "'"), 1) << value;
  }
  // account, region, source, name, type, identity, ip, username, key, agent, resource type, resource name.
  EXPECT_EQ(queryInt(db(), "SELECT count(*) FROM strings"), 12);
  EXPECT_EQ(queryInt(db(), "SELECT count(*) FROM event_resources"), 10);
}

TEST_F(EventWriter, InterningSurvivesForgetCache) {
  EventRow a = baseEvent("evt-a", 1);
  a.resources = {{kApp, "app-1"}};
  add(a);
  int64_t strings = queryInt(db(), "SELECT count(*) FROM strings");
  writer_->forgetCache();
  EventRow b = baseEvent("evt-b", 2);
  b.resources = {{kApp, "app-1"}};
  int64_t seq = add(b);  // must find the existing strings instead of inserting duplicates
  EXPECT_GT(seq, 0);
  EXPECT_EQ(queryInt(db(), "SELECT count(*) FROM strings"), strings);
  auto rows = run(scoped({{EventAttribute::kResourceName, "app-1"}}));
  ASSERT_EQ(rows.size(), 2u);
  expectSameEvent(rows[0], b);
  expectSameEvent(rows[1], a);
}

TEST_F(EventWriter, ForgetCacheAfterRollbackReinternsRolledBackStrings) {
  add(baseEvent("evt-1", 1));
  {
    Savepoint sp(db(), "job");
    EventRow e = baseEvent("evt-2", 2);
    e.event_name = "OnlyInRolledBackJob";
    add(e);
  }  // rolled back, including the new string
  writer_->forgetCache();
  EXPECT_EQ(queryInt(db(), "SELECT count(*) FROM strings WHERE value = 'OnlyInRolledBackJob'"), 0);
  EventRow e = baseEvent("evt-3", 3);
  e.event_name = "OnlyInRolledBackJob";
  add(e);
  EXPECT_EQ(ids(scoped({{EventAttribute::kEventName, "OnlyInRolledBackJob"}})), (Ids{"evt-3"}));
  auto rows = run(scoped());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].event_name, "OnlyInRolledBackJob");
  EXPECT_EQ(rows[1].event_name, "ListApplications");
}

// ---------------------------------------------------------------------------------------------
// EventReader: filters

TEST_F(EventReader, LookupByEventIdReturnsOnlyThatEvent) {
  seedMixed();
  add(baseEvent(uuid(77), 500));
  EXPECT_EQ(ids(scoped({{EventAttribute::kEventId, "evt-4"}})), (Ids{"evt-4"}));
  EXPECT_EQ(ids(scoped({{EventAttribute::kEventId, uuid(77)}})), (Ids{uuid(77)}));
  std::string upper = uuid(77);
  upper = toUpper(upper);
  EXPECT_EQ(ids(scoped({{EventAttribute::kEventId, upper}})), (Ids{uuid(77)}));
  EXPECT_EQ(count(scoped({{EventAttribute::kEventId, "evt-4"}})), 1);
}

TEST_F(EventReader, LookupByEventNameReturnsNewestFirst) {
  seedMixed();
  EXPECT_EQ(ids(scoped({{EventAttribute::kEventName, "GetApplication"}})), (Ids{"evt-5", "evt-2"}));
  EXPECT_EQ(ids(scoped({{EventAttribute::kEventName, "StartJobRun"}})), (Ids{"evt-7", "evt-3"}));
  EXPECT_EQ(count(scoped({{EventAttribute::kEventName, "GetApplication"}})), 2);
}

TEST_F(EventReader, LookupByReadOnlyTrue) {
  seedMixed();
  EXPECT_EQ(ids(scoped({{EventAttribute::kReadOnly, "true"}})), (Ids{"evt-5", "evt-4", "evt-2"}));
  EXPECT_EQ(count(scoped({{EventAttribute::kReadOnly, "true"}})), 3);
}

TEST_F(EventReader, LookupByReadOnlyFalse) {
  seedMixed();
  EXPECT_EQ(ids(scoped({{EventAttribute::kReadOnly, "false"}})), (Ids{"evt-7", "evt-6", "evt-3", "evt-1"}));
  EXPECT_EQ(count(scoped({{EventAttribute::kReadOnly, "false"}})), 4);
}

TEST_F(EventReader, LookupByUsername) {
  seedMixed();
  EXPECT_EQ(ids(scoped({{EventAttribute::kUsername, "alice"}})), (Ids{"evt-5", "evt-3", "evt-1"}));
  EXPECT_EQ(ids(scoped({{EventAttribute::kUsername, "bob"}})), (Ids{"evt-6", "evt-2"}));
  EXPECT_EQ(count(scoped({{EventAttribute::kUsername, "alice"}})), 3);
}

TEST_F(EventReader, LookupByResourceType) {
  seedMixed();
  EXPECT_EQ(ids(scoped({{EventAttribute::kResourceType, kApp}})), (Ids{"evt-7", "evt-5", "evt-3", "evt-2", "evt-1"}));
  EXPECT_EQ(ids(scoped({{EventAttribute::kResourceType, kJobRun}})), (Ids{"evt-7", "evt-3"}));
  EXPECT_EQ(count(scoped({{EventAttribute::kResourceType, kApp}})), 5);
}

TEST_F(EventReader, LookupByResourceName) {
  seedMixed();
  EXPECT_EQ(ids(scoped({{EventAttribute::kResourceName, "app-1"}})), (Ids{"evt-3", "evt-2", "evt-1"}));
  EXPECT_EQ(ids(scoped({{EventAttribute::kResourceName, "jr-2"}})), (Ids{"evt-7"}));
  EXPECT_EQ(count(scoped({{EventAttribute::kResourceName, "app-1"}})), 3);
}

TEST_F(EventReader, LookupByEventSource) {
  seedMixed();
  EXPECT_EQ(ids(scoped({{EventAttribute::kEventSource, kCloudTrail}})), (Ids{"evt-6", "evt-4"}));
  EXPECT_EQ(ids(scoped({{EventAttribute::kEventSource, kEmr}})), (Ids{"evt-7", "evt-5", "evt-3", "evt-2", "evt-1"}));
  EXPECT_EQ(count(scoped({{EventAttribute::kEventSource, kCloudTrail}})), 2);
}

TEST_F(EventReader, LookupByAccessKeyId) {
  seedMixed();
  EXPECT_EQ(ids(scoped({{EventAttribute::kAccessKeyId, "AKIA1"}})), (Ids{"evt-3", "evt-1"}));
  EXPECT_EQ(ids(scoped({{EventAttribute::kAccessKeyId, "AKIA3"}})), (Ids{"evt-4"}));
  EXPECT_EQ(count(scoped({{EventAttribute::kAccessKeyId, "AKIA1"}})), 2);
}

TEST_F(EventReader, LookupByErrorCode) {
  seedMixed();
  EXPECT_EQ(ids(scoped({{EventAttribute::kErrorCode, "AccessDenied"}})), (Ids{"evt-6"}));
  EXPECT_EQ(ids(scoped({{EventAttribute::kErrorCode, "ResourceNotFoundException"}})), (Ids{"evt-5"}));
  EXPECT_EQ(count(scoped({{EventAttribute::kErrorCode, "AccessDenied"}})), 1);
}

TEST_F(EventReader, ErrorsOnlyReturnsEveryFailedEvent) {
  seedMixed();
  EventQuery q = scoped();
  q.errors_only = true;
  EXPECT_EQ(ids(q), (Ids{"evt-6", "evt-5"}));
  EXPECT_EQ(count(q), 2);
  auto rows = run(q);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].error_message, "failed: AccessDenied");
}

TEST_F(EventReader, AllFiltersMustMatch) {
  seedMixed();
  EXPECT_EQ(ids(scoped({{EventAttribute::kEventName, "StartJobRun"}, {EventAttribute::kUsername, "alice"}})),
            (Ids{"evt-3"}));
  EXPECT_EQ(ids(scoped({{EventAttribute::kResourceName, "app-2"}, {EventAttribute::kReadOnly, "false"}})),
            (Ids{"evt-7"}));
  // Two resource filters: the first drives the query, the second is checked per event.
  EXPECT_EQ(ids(scoped({{EventAttribute::kResourceType, kJobRun}, {EventAttribute::kResourceName, "app-1"}})),
            (Ids{"evt-3"}));
  EXPECT_EQ(ids(scoped({{EventAttribute::kResourceName, "app-1"}, {EventAttribute::kResourceType, kJobRun}})),
            (Ids{"evt-3"}));
  EXPECT_EQ(ids(scoped({{EventAttribute::kResourceName, "trail-1"}, {EventAttribute::kResourceType, kApp}})), Ids{});
  EXPECT_EQ(count(scoped({{EventAttribute::kEventName, "StartJobRun"}, {EventAttribute::kUsername, "alice"}})), 1);
}

TEST_F(EventReader, UnknownFilterValuesReturnEmptyNotError) {
  seedMixed();
  for (auto attribute : {EventAttribute::kEventId, EventAttribute::kEventName, EventAttribute::kUsername,
                         EventAttribute::kResourceType, EventAttribute::kResourceName, EventAttribute::kEventSource,
                         EventAttribute::kAccessKeyId, EventAttribute::kErrorCode}) {
    EventQuery q = scoped({{attribute, "no-such-value"}});
    auto rows = reader_->query(q);
    ASSERT_TRUE(rows.ok()) << static_cast<int>(attribute);
    EXPECT_TRUE(rows->empty()) << static_cast<int>(attribute);
    EXPECT_EQ(count(q), 0) << static_cast<int>(attribute);
  }
  EXPECT_EQ(ids(scoped({{EventAttribute::kEventId, uuid(999)}})), Ids{});
  EventQuery other_account = scoped();
  other_account.account = "999999999999";
  EXPECT_EQ(ids(other_account), Ids{});
}

TEST_F(EventReader, AccountAndRegionAreIsolated) {
  seedMixed();
  EventQuery acct = scoped();
  acct.account = kOtherAccount;
  EXPECT_EQ(ids(acct), (Ids{"acct-6", "acct-5", "acct-3", "acct-2"}));
  acct.filters = {{EventAttribute::kResourceName, "app-1"}};
  EXPECT_EQ(ids(acct), (Ids{"acct-3", "acct-2"}));

  EventQuery region = scoped();
  region.region = kOtherRegion;
  EXPECT_EQ(ids(region), (Ids{"region-6", "region-5", "region-3", "region-2"}));
  region.filters = {{EventAttribute::kUsername, "bob"}};
  EXPECT_EQ(ids(region), (Ids{"region-6", "region-2"}));

  EXPECT_EQ(count(scoped()), 7);
  EventQuery everywhere;
  EXPECT_EQ(count(everywhere), 15);
  everywhere.filters = {{EventAttribute::kEventName, "CreateTrail"}};
  EXPECT_EQ(ids(everywhere), (Ids{"region-6", "acct-6", "evt-6"}));  // same time: newest commit first
  EventQuery all_regions;
  all_regions.account = kAccount;
  EXPECT_EQ(count(all_regions), 11);
}

// ---------------------------------------------------------------------------------------------
// EventReader: windows, order, cursors

TEST_F(EventReader, StartAndEndAreInclusive) {
  seedMixed();
  EventQuery q = scoped();
  q.start_ms = 2000;
  q.end_ms = 5000;
  EXPECT_EQ(ids(q), (Ids{"evt-5", "evt-4", "evt-3", "evt-2"}));
  EXPECT_EQ(count(q), 4);
  q.start_ms = 3000;
  q.end_ms = 3000;
  EXPECT_EQ(ids(q), (Ids{"evt-3"}));
  q.start_ms = 3001;
  q.end_ms = 3999;
  EXPECT_EQ(ids(q), Ids{});
  q.start_ms = 6000;
  q.end_ms.reset();
  EXPECT_EQ(ids(q), (Ids{"evt-7", "evt-6"}));
  q.start_ms.reset();
  q.end_ms = 1000;
  EXPECT_EQ(ids(q), (Ids{"evt-1"}));
  // With a resource filter driving the query.
  q = scoped({{EventAttribute::kResourceName, "app-1"}});
  q.start_ms = 2000;
  q.end_ms = 3000;
  EXPECT_EQ(ids(q), (Ids{"evt-3", "evt-2"}));
}

TEST_F(EventReader, NewestFirstBreaksTimeTiesBySeqDescending) {
  std::vector<int64_t> seqs;
  for (int i = 0; i < 5; ++i) seqs.push_back(add(baseEvent("same-" + std::to_string(i), 7000)));
  int64_t older = add(baseEvent("older", 6999));
  int64_t newer = add(baseEvent("newer", 7001));
  auto rows = run(scoped());
  std::vector<int64_t> got;
  for (const auto& e : rows) got.push_back(e.seq);
  EXPECT_EQ(got, (std::vector<int64_t>{newer, seqs[4], seqs[3], seqs[2], seqs[1], seqs[0], older}));
}

TEST_F(EventReader, LimitCapsTheResult) {
  seedMixed();
  EventQuery q = scoped();
  q.limit = 3;
  EXPECT_EQ(ids(q), (Ids{"evt-7", "evt-6", "evt-5"}));
  q.limit = 1;
  EXPECT_EQ(ids(q), (Ids{"evt-7"}));
}

TEST_F(EventReader, BeforeCursorWalksEveryMatchOnceAcrossPagesWithEqualTimes) {
  std::vector<std::pair<int64_t, int64_t>> all, named, by_resource;
  for (int i = 0; i < 30; ++i) {
    // Times repeat (seven distinct values) and are inserted out of order.
    int64_t time = 1000 + ((i * 3) % 7) * 10;
    EventRow e = baseEvent("page-" + std::to_string(i), time);
    e.event_name = i % 2 ? "Odd" : "Even";
    e.resources = {{kApp, i % 3 ? "app-x" : "app-y"}};
    int64_t seq = add(e);
    all.emplace_back(time, seq);
    if (i % 2) named.emplace_back(time, seq);
    if (i % 3) by_resource.emplace_back(time, seq);
  }
  // Noise elsewhere that must never show up.
  EventRow noise = baseEvent("noise", 1030);
  noise.account = kOtherAccount;
  noise.event_name = "Odd";
  noise.resources = {{kApp, "app-x"}};
  add(noise);

  auto newest_first = [](std::vector<std::pair<int64_t, int64_t>> v) {
    std::sort(v.begin(), v.end(), std::greater<>());
    return v;
  };
  walkPages(scoped(), newest_first(all));
  walkPages(scoped({{EventAttribute::kEventName, "Odd"}}), newest_first(named));
  walkPages(scoped({{EventAttribute::kResourceName, "app-x"}}), newest_first(by_resource));
  walkPages(scoped({{EventAttribute::kResourceType, kApp}}), newest_first(all));
}

TEST_F(EventReader, MaxSeqSnapshotHidesLaterInserts) {
  seedMixed();
  auto snapshot = reader_->maxSeq();
  ASSERT_TRUE(snapshot.ok());
  add(baseEvent("later-newer", 9000));
  add(baseEvent("later-older", 500));
  EventRow later_app = baseEvent("later-app", 2500);
  later_app.resources = {{kApp, "app-1"}};
  add(later_app);

  EventQuery q = scoped();
  q.max_seq = *snapshot;
  EXPECT_EQ(ids(q), (Ids{"evt-7", "evt-6", "evt-5", "evt-4", "evt-3", "evt-2", "evt-1"}));
  EXPECT_EQ(count(q), 7);
  q.limit = 3;
  q.before = std::make_pair(int64_t{4000}, int64_t{4});
  EXPECT_EQ(ids(q), (Ids{"evt-3", "evt-2", "evt-1"}));

  EventQuery by_resource = scoped({{EventAttribute::kResourceName, "app-1"}});
  by_resource.max_seq = *snapshot;
  EXPECT_EQ(ids(by_resource), (Ids{"evt-3", "evt-2", "evt-1"}));
  by_resource.max_seq.reset();
  EXPECT_EQ(ids(by_resource), (Ids{"evt-3", "later-app", "evt-2", "evt-1"}));
  EXPECT_EQ(count(scoped()), 10);
}

TEST_F(EventReader, CommitOrderReturnsSeqAscendingAfterTheCursor) {
  int64_t s1 = add(baseEvent("c1", 5000));
  int64_t s2 = add(baseEvent("c2", 1000));
  EventRow other = baseEvent("c-other", 3000);
  other.event_name = "Other";
  int64_t s3 = add(other);
  int64_t s4 = add(baseEvent("c4", 2000));

  EventQuery q = scoped();
  q.order = EventQuery::Order::kCommitOrder;
  q.limit = 2;
  auto page1 = run(q);
  ASSERT_EQ(page1.size(), 2u);
  EXPECT_EQ(page1[0].seq, s1);
  EXPECT_EQ(page1[1].seq, s2);
  q.after_seq = page1.back().seq;
  auto page2 = run(q);
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_EQ(page2[0].seq, s3);
  EXPECT_EQ(page2[1].seq, s4);
  q.after_seq = s4;
  EXPECT_TRUE(run(q).empty());

  EventQuery named = scoped({{EventAttribute::kEventName, "ListApplications"}});
  named.order = EventQuery::Order::kCommitOrder;
  EXPECT_EQ(ids(named), (Ids{"c1", "c2", "c4"}));
  named.after_seq = s2;
  EXPECT_EQ(ids(named), (Ids{"c4"}));
  EXPECT_EQ(count(named), 3);  // count ignores the cursor
}

TEST_F(EventReader, CountIgnoresLimitOrderAndCursors) {
  seedMixed();
  EventQuery q = scoped();
  q.limit = 1;
  q.before = std::make_pair(int64_t{2000}, int64_t{2});
  EXPECT_EQ(count(q), 7);
  q.order = EventQuery::Order::kCommitOrder;
  q.after_seq = 1000;
  EXPECT_EQ(count(q), 7);
  q.start_ms = 2000;
  q.end_ms = 4000;
  EXPECT_EQ(count(q), 3);
}

TEST_F(EventReader, MaxSeqIsZeroWhenEmptyAndTheHighestSeqOtherwise) {
  auto empty = reader_->maxSeq();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, 0);
  add(baseEvent("m1", 1));
  int64_t last = add(baseEvent("m2", 0));
  EXPECT_FALSE(writer_->insert(baseEvent("m2", 5)).ok());  // duplicate: no seq consumed
  auto max = reader_->maxSeq();
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(*max, last);
}

TEST_F(EventReader, ResourceFilterReturnsAnEventWithTwoMatchingResourcesOnce) {
  EventRow e = baseEvent("two-apps", 1000);
  e.resources = {{kApp, "app-1"}, {kApp, "app-2"}};
  add(e);
  EXPECT_EQ(ids(scoped({{EventAttribute::kResourceType, kApp}})), (Ids{"two-apps"}));
  EXPECT_EQ(count(scoped({{EventAttribute::kResourceType, kApp}})), 1);
}

TEST_F(EventReader, QueryWorksOnAReadOnlyConnection) {
  TempDbPath path;
  {
    auto rw = Database::open(path.str(), Database::Mode::kReadWrite);
    ASSERT_TRUE(rw.ok());
    ASSERT_TRUE(migrate(**rw).ok());
    store::EventWriter writer(**rw);
    EventRow e = baseEvent(uuid(5), 123);
    e.resources = {{kApp, "app-ro"}};
    ASSERT_TRUE(writer.insert(e).ok());
  }
  auto ro = Database::open(path.str(), Database::Mode::kReadOnly);
  ASSERT_TRUE(ro.ok());
  store::EventReader reader(**ro);
  auto rows = reader.query(scoped({{EventAttribute::kResourceName, "app-ro"}}));
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].event_id, uuid(5));
  ASSERT_EQ((*rows)[0].resources.size(), 1u);
  EXPECT_EQ((*rows)[0].resources[0].name, "app-ro");
}

// ---------------------------------------------------------------------------------------------
// EventQueryPlan: every LookupEvents attribute and the time window are served by an index.

class EventQueryPlan : public EventDb {
 protected:
  // Runs the query (and the count) through EventReader, finds the SQL the reader prepared among
  // the connection's statements, and returns EXPLAIN QUERY PLAN details for each.
  std::vector<std::string> plans(const EventQuery& q) {
    std::vector<std::string> out;
    std::set<std::string> seen = eventSql();
    EXPECT_TRUE(reader_->query(q).ok());
    std::set<std::string> after_query = eventSql();
    EXPECT_TRUE(reader_->count(q).ok());
    std::set<std::string> after_count = eventSql();
    std::vector<std::string> fresh;
    for (const auto& s : after_count) {
      if (!seen.count(s)) fresh.push_back(s);
    }
    EXPECT_EQ(fresh.size(), 2u) << "expected one query and one count statement";
    EXPECT_EQ(after_query.size(), seen.size() + 1);
    for (const auto& sql : fresh) out.push_back(explain(sql));
    return out;
  }

  std::set<std::string> eventSql() {
    std::set<std::string> out;
    for (sqlite3_stmt* s = sqlite3_next_stmt(db().handle(), nullptr); s; s = sqlite3_next_stmt(db().handle(), s)) {
      std::string sql = sqlite3_sql(s);
      if (sql.find("FROM events e ") != std::string::npos || sql.find("FROM event_resources er ") != std::string::npos ||
          sql.find("FROM event_resource_types er ") != std::string::npos) {
        out.insert(sql);
      }
    }
    return out;
  }

  std::string explain(const std::string& sql) {
    std::string plan = sql + "\n";
    auto stmt = db().prepare("EXPLAIN QUERY PLAN " + sql);
    EXPECT_TRUE(stmt.ok()) << (stmt.ok() ? "" : stmt.error().message);
    if (!stmt.ok()) return plan;
    Statement::Use s(**stmt);
    while (true) {
      auto row = s->step();
      EXPECT_TRUE(row.ok());
      if (!row.ok() || !*row) break;
      plan += "  " + s->columnText(3) + "\n";
    }
    return plan;
  }

  // No full scan of any table (SCAN ...), and for newest-first queries no sort: the index
  // delivers (time_ms, seq) order.
  void expectIndexed(const EventQuery& q, const std::string& index) {
    auto got = plans(q);
    for (const auto& plan : got) {
      EXPECT_EQ(plan.find("\n  SCAN "), std::string::npos) << plan;
      EXPECT_NE(plan.find(index), std::string::npos) << "expected " << index << " in\n" << plan;
      EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
    }
  }

  void SetUp() override {
    EventDb::SetUp();
    seedMixed();
  }
};

EventQuery scopedWindow(std::vector<EventFilter> filters = {}) {
  EventQuery q;
  q.account = kAccount;
  q.region = kRegion;
  q.filters = std::move(filters);
  q.start_ms = 1000;
  q.end_ms = 5000;
  return q;
}

TEST_F(EventQueryPlan, ExplainReportsAFullScanWhenNoIndexApplies) {
  // Checks the checker: an unscoped errors-only query has no usable index.
  EventQuery q;
  q.errors_only = true;
  auto got = plans(q);
  ASSERT_EQ(got.size(), 2u);
  for (const auto& plan : got) EXPECT_NE(plan.find("\n  SCAN e"), std::string::npos) << plan;
}

TEST_F(EventQueryPlan, TimeWindowOnlyUsesTheTimeIndex) { expectIndexed(scopedWindow(), "events_time"); }

TEST_F(EventQueryPlan, EventIdUsesTheUniqueIndex) {
  expectIndexed(scopedWindow({{EventAttribute::kEventId, uuid(1)}}), "events_event_id");
}

TEST_F(EventQueryPlan, EventNameUsesItsIndex) {
  expectIndexed(scopedWindow({{EventAttribute::kEventName, "GetApplication"}}), "events_name");
}

TEST_F(EventQueryPlan, ReadOnlyUsesItsIndex) {
  expectIndexed(scopedWindow({{EventAttribute::kReadOnly, "true"}}), "events_read_only");
}

TEST_F(EventQueryPlan, UsernameUsesItsIndex) {
  expectIndexed(scopedWindow({{EventAttribute::kUsername, "alice"}}), "events_username");
}

TEST_F(EventQueryPlan, ResourceTypeUsesTheResourceTypePrimaryKey) {
  expectIndexed(scopedWindow({{EventAttribute::kResourceType, kApp}}), "PRIMARY KEY");
}

TEST_F(EventQueryPlan, ResourceNameUsesTheResourcePrimaryKey) {
  expectIndexed(scopedWindow({{EventAttribute::kResourceName, "app-1"}}), "PRIMARY KEY");
}

TEST_F(EventQueryPlan, EventSourceUsesItsIndex) {
  expectIndexed(scopedWindow({{EventAttribute::kEventSource, kEmr}}), "events_source");
}

TEST_F(EventQueryPlan, AccessKeyIdUsesItsIndex) {
  expectIndexed(scopedWindow({{EventAttribute::kAccessKeyId, "AKIA1"}}), "events_access_key");
}

TEST_F(EventQueryPlan, ErrorCodeUsesAnIndex) {
  // There is no error_code index: the (account, region, time_ms) index bounds the search.
  expectIndexed(scopedWindow({{EventAttribute::kErrorCode, "AccessDenied"}}), "events_time");
}

}  // namespace
}  // namespace trailbox::store::test
