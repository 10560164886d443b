#include "store/resource_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "tests/store/store_test_support.hpp"

namespace trailbox::store::test {
namespace {

constexpr const char* kAccount = "111111111111";
constexpr const char* kOtherAccount = "222222222222";
constexpr const char* kRegion = "us-east-1";
constexpr const char* kOtherRegion = "eu-west-1";

ResourceRow makeRow(const std::string& kind, const std::string& id, int64_t created_ms,
                    const std::string& state = "CREATED", const std::string& parent_id = "") {
  ResourceRow r;
  r.kind = kind;
  r.account = kAccount;
  r.region = kRegion;
  r.id = id;
  r.parent_id = parent_id;
  r.state = state;
  r.created_ms = created_ms;
  r.doc = R"({"id":")" + id + R"("})";
  return r;
}

void expectSameRow(const ResourceRow& got, const ResourceRow& want) {
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.account, want.account);
  EXPECT_EQ(got.region, want.region);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.parent_id, want.parent_id);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.created_ms, want.created_ms);
  EXPECT_EQ(got.next_event_ms, want.next_event_ms);
  EXPECT_EQ(got.client_token, want.client_token);
  EXPECT_EQ(got.doc, want.doc);
}

std::vector<std::string> idsOf(const std::vector<ResourceRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

using Ids = std::vector<std::string>;

// The suite is named after the unit, so this fixture shadows store::ResourceStore here.
class ResourceStore : public MemoryDbTest {
 protected:
  void SetUp() override {
    MemoryDbTest::SetUp();
    store_ = std::make_unique<store::ResourceStore>(db());
  }

  void add(const ResourceRow& r) {
    auto s = store_->insert(r);
    ASSERT_TRUE(s.ok()) << r.id << ": " << s.error().message;
  }

  std::optional<ResourceRow> get(const std::string& kind, const std::string& id, const std::string& account = kAccount,
                                 const std::string& region = kRegion) {
    auto r = store_->get(kind, account, region, id);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::nullopt;
  }

  Ids list(const ResourceListQuery& q) {
    auto rows = store_->list(q);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? idsOf(*rows) : Ids{};
  }

  static ResourceListQuery query(const std::string& kind) {
    ResourceListQuery q;
    q.kind = kind;
    q.account = kAccount;
    q.region = kRegion;
    return q;
  }

  std::unique_ptr<store::ResourceStore> store_;
};

TEST_F(ResourceStore, InsertThenGetReturnsEveryField) {
  ResourceRow full = makeRow("job_run", "00f0000000000002", 1767225600123, "SUBMITTED", "00f0000000000001");
  full.next_event_ms = 1767225601000;
  full.client_token = "token-1";
  full.doc = R"({"name":"caf\u00e9","tags":{"a":"b"},"n":[1,2]})";
  add(full);
  ResourceRow bare = makeRow("application", "00f0000000000001", 5);
  add(bare);

  auto got = get("job_run", "00f0000000000002");
  ASSERT_TRUE(got);
  expectSameRow(*got, full);
  auto got_bare = get("application", "00f0000000000001");
  ASSERT_TRUE(got_bare);
  expectSameRow(*got_bare, bare);
  EXPECT_FALSE(got_bare->next_event_ms.has_value());
  EXPECT_FALSE(got_bare->client_token.has_value());
}

TEST_F(ResourceStore, GetMissingReturnsNullopt) {
  add(makeRow("application", "a1", 1));
  EXPECT_FALSE(get("application", "a2"));
  EXPECT_FALSE(get("job_run", "a1"));  // kind is part of the key
  EXPECT_TRUE(get("application", "a1"));
}

TEST_F(ResourceStore, UpdateReplacesStateNextEventAndDocOnly) {
  ResourceRow r = makeRow("job_run", "jr-1", 100, "SUBMITTED", "app-1");
  r.next_event_ms = 200;
  r.client_token = "tok";
  add(r);

  ResourceRow changed = r;
  changed.state = "RUNNING";
  changed.next_event_ms.reset();
  changed.doc = R"({"state":"RUNNING"})";
  // Not updatable: these must keep their stored values.
  changed.parent_id = "app-other";
  changed.created_ms = 999;
  changed.client_token = "other-token";
  auto s = store_->update(changed);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(db().changes(), 1);

  auto got = get("job_run", "jr-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->state, "RUNNING");
  EXPECT_FALSE(got->next_event_ms.has_value());
  EXPECT_EQ(got->doc, R"({"state":"RUNNING"})");
  EXPECT_EQ(got->parent_id, "app-1");
  EXPECT_EQ(got->created_ms, 100);
  EXPECT_EQ(got->client_token, std::optional<std::string>("tok"));

  changed.next_event_ms = 300;
  ASSERT_TRUE(store_->update(changed).ok());
  EXPECT_EQ(get("job_run", "jr-1")->next_event_ms, std::optional<int64_t>(300));
}

TEST_F(ResourceStore, UpdateOfAMissingResourceChangesNothing) {
  add(makeRow("application", "a1", 1));
  ResourceRow ghost = makeRow("application", "ghost", 1, "STARTED");
  auto s = store_->update(ghost);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(db().changes(), 0);
  EXPECT_FALSE(get("application", "ghost"));
  EXPECT_EQ(get("application", "a1")->state, "CREATED");
}

TEST_F(ResourceStore, RemoveDeletesOnlyThatResource) {
  add(makeRow("application", "a1", 1));
  add(makeRow("application", "a2", 2));
  add(makeRow("job_run", "a1", 3));
  ASSERT_TRUE(store_->remove("application", kAccount, kRegion, "a1").ok());
  EXPECT_EQ(db().changes(), 1);
  EXPECT_FALSE(get("application", "a1"));
  EXPECT_TRUE(get("application", "a2"));
  EXPECT_TRUE(get("job_run", "a1"));
  ASSERT_TRUE(store_->remove("application", kAccount, kRegion, "a1").ok());  // already gone: no-op
  EXPECT_EQ(db().changes(), 0);
  // The removed key can be used again.
  add(makeRow("application", "a1", 4));
  EXPECT_EQ(get("application", "a1")->created_ms, 4);
}

TEST_F(ResourceStore, AccountAndRegionAreIsolated) {
  ResourceRow home = makeRow("application", "app", 1);
  home.doc = "home";
  ResourceRow other_account = home;
  other_account.account = kOtherAccount;
  other_account.doc = "other-account";
  ResourceRow other_region = home;
  other_region.region = kOtherRegion;
  other_region.doc = "other-region";
  add(home);
  add(other_account);
  add(other_region);

  EXPECT_EQ(get("application", "app")->doc, "home");
  EXPECT_EQ(get("application", "app", kOtherAccount)->doc, "other-account");
  EXPECT_EQ(get("application", "app", kAccount, kOtherRegion)->doc, "other-region");
  EXPECT_FALSE(get("application", "app", kOtherAccount, kOtherRegion));

  EXPECT_EQ(list(query("application")), Ids{"app"});
  auto q = query("application");
  q.account = kOtherAccount;
  auto rows = store_->list(q);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].doc, "other-account");

  ResourceRow updated = home;
  updated.state = "STOPPED";
  ASSERT_TRUE(store_->update(updated).ok());
  EXPECT_EQ(get("application", "app", kOtherAccount)->state, "CREATED");
  EXPECT_EQ(get("application", "app", kAccount, kOtherRegion)->state, "CREATED");

  ASSERT_TRUE(store_->remove("application", kAccount, kRegion, "app").ok());
  EXPECT_FALSE(get("application", "app"));
  EXPECT_TRUE(get("application", "app", kOtherAccount));
  EXPECT_TRUE(get("application", "app", kAccount, kOtherRegion));
}

TEST_F(ResourceStore, DuplicateKeyFailsWithConstraint) {
  add(makeRow("application", "a1", 1, "CREATED"));
  ResourceRow dup = makeRow("application", "a1", 2, "STARTED");
  auto s = store_->insert(dup);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code & 0xff, SQLITE_CONSTRAINT);
  EXPECT_EQ(s.error().code, SQLITE_CONSTRAINT_PRIMARYKEY);
  auto got = get("application", "a1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->state, "CREATED");
  EXPECT_EQ(got->created_ms, 1);
}

TEST_F(ResourceStore, DuplicateClientTokenUnderTheSameParentFailsWithConstraint) {
  ResourceRow first = makeRow("job_run", "jr-1", 1, "SUBMITTED", "app-1");
  first.client_token = "tok";
  add(first);

  ResourceRow same = makeRow("job_run", "jr-2", 2, "SUBMITTED", "app-1");
  same.client_token = "tok";
  auto s = store_->insert(same);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code & 0xff, SQLITE_CONSTRAINT);
  EXPECT_EQ(s.error().code, SQLITE_CONSTRAINT_UNIQUE);
  EXPECT_FALSE(get("job_run", "jr-2"));

  // The same token is free under another parent, kind, account or region.
  ResourceRow other_parent = same;
  other_parent.parent_id = "app-2";
  add(other_parent);
  ResourceRow other_kind = makeRow("session", "s-1", 3, "SUBMITTED", "app-1");
  other_kind.client_token = "tok";
  add(other_kind);
  ResourceRow other_account = makeRow("job_run", "jr-3", 4, "SUBMITTED", "app-1");
  other_account.account = kOtherAccount;
  other_account.client_token = "tok";
  add(other_account);
  ResourceRow other_region = makeRow("job_run", "jr-4", 5, "SUBMITTED", "app-1");
  other_region.region = kOtherRegion;
  other_region.client_token = "tok";
  add(other_region);
  // Resources without a token never conflict.
  add(makeRow("job_run", "jr-5", 6, "SUBMITTED", "app-1"));
  add(makeRow("job_run", "jr-6", 7, "SUBMITTED", "app-1"));
  EXPECT_EQ(queryInt(db(), "SELECT count(*) FROM resources"), 7);
}

TEST_F(ResourceStore, FindByClientTokenReturnsTheResourceCreatedWithIt) {
  ResourceRow r = makeRow("job_run", "jr-1", 1, "SUBMITTED", "app-1");
  r.client_token = "tok-1";
  add(r);
  ResourceRow other = makeRow("job_run", "jr-2", 2, "SUBMITTED", "app-1");
  other.client_token = "tok-2";
  add(other);
  add(makeRow("job_run", "jr-3", 3, "SUBMITTED", "app-1"));

  auto found = store_->findByClientToken("job_run", kAccount, kRegion, "app-1", "tok-1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  expectSameRow(**found, r);

  for (auto [kind, account, region, parent, token] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>>{
           {"job_run", kAccount, kRegion, "app-2", "tok-1"},
           {"job_run", kAccount, kRegion, "app-1", "tok-3"},
           {"session", kAccount, kRegion, "app-1", "tok-1"},
           {"job_run", kOtherAccount, kRegion, "app-1", "tok-1"},
           {"job_run", kAccount, kOtherRegion, "app-1", "tok-1"},
           {"job_run", kAccount, kRegion, "app-1", ""}}) {
    auto miss = store_->findByClientToken(kind, account, region, parent, token);
    ASSERT_TRUE(miss.ok());
    EXPECT_FALSE(miss->has_value()) << kind << " " << account << " " << region << " " << parent << " " << token;
  }
}

TEST_F(ResourceStore, ListReturnsNewestFirstWithIdBreakingTies) {
  add(makeRow("application", "b", 100));
  add(makeRow("application", "a", 300));
  add(makeRow("application", "c", 200));
  add(makeRow("application", "d", 200));
  add(makeRow("job_run", "e", 400));
  EXPECT_EQ(list(query("application")), (Ids{"a", "d", "c", "b"}));
  auto q = query("application");
  q.limit = 2;
  EXPECT_EQ(list(q), (Ids{"a", "d"}));
}

TEST_F(ResourceStore, ListFiltersByStates) {
  add(makeRow("application", "a1", 1, "CREATED"));
  add(makeRow("application", "a2", 2, "STARTED"));
  add(makeRow("application", "a3", 3, "STOPPED"));
  add(makeRow("application", "a4", 4, "STARTED"));
  auto q = query("application");
  q.states = {"STARTED"};
  EXPECT_EQ(list(q), (Ids{"a4", "a2"}));
  q.states = {"CREATED", "STOPPED"};
  EXPECT_EQ(list(q), (Ids{"a3", "a1"}));
  q.states = {"TERMINATED"};
  EXPECT_EQ(list(q), Ids{});
  q.states = {};
  EXPECT_EQ(list(q), (Ids{"a4", "a3", "a2", "a1"}));
}

TEST_F(ResourceStore, ListCreatedRangeIsInclusive) {
  for (int i = 1; i <= 5; ++i) add(makeRow("application", "a" + std::to_string(i), i * 100));
  auto q = query("application");
  q.created_after_ms = 200;
  q.created_before_ms = 400;
  EXPECT_EQ(list(q), (Ids{"a4", "a3", "a2"}));
  q.created_after_ms = 300;
  q.created_before_ms = 300;
  EXPECT_EQ(list(q), (Ids{"a3"}));
  q.created_after_ms = 401;
  q.created_before_ms.reset();
  EXPECT_EQ(list(q), (Ids{"a5"}));
  q.created_after_ms.reset();
  q.created_before_ms = 199;
  EXPECT_EQ(list(q), (Ids{"a1"}));
}

TEST_F(ResourceStore, ListDocEqualsMatchesJsonValues) {
  auto with_doc = [](const std::string& id, int64_t created, const std::string& doc) {
    ResourceRow r = makeRow("job_run", id, created, "RUNNING", "app-1");
    r.doc = doc;
    return r;
  };
  add(with_doc("j1", 1, R"({"mode":"BATCH","cfg":{"tier":"gold"}})"));
  add(with_doc("j2", 2, R"({"mode":"STREAMING","cfg":{"tier":"gold"}})"));
  add(with_doc("j3", 3, R"({"mode":"BATCH","cfg":{"tier":"silver"}})"));
  add(with_doc("j4", 4, R"({"cfg":{"tier":"gold"}})"));
  auto q = query("job_run");
  q.doc_equals = {{"$.mode", "BATCH"}};
  EXPECT_EQ(list(q), (Ids{"j3", "j1"}));
  q.doc_equals = {{"$.mode", "STREAMING"}};
  EXPECT_EQ(list(q), (Ids{"j2"}));
  q.doc_equals = {{"$.mode", "BATCH"}, {"$.cfg.tier", "gold"}};
  EXPECT_EQ(list(q), (Ids{"j1"}));
  q.doc_equals = {{"$.mode", "batch"}};
  EXPECT_EQ(list(q), Ids{});
}

TEST_F(ResourceStore, ListByParentOnlyReturnsThatParentsChildren) {
  add(makeRow("job_run", "j1", 1, "RUNNING", "app-1"));
  add(makeRow("job_run", "j2", 2, "RUNNING", "app-2"));
  add(makeRow("job_run", "j3", 3, "RUNNING", "app-1"));
  auto q = query("job_run");
  q.parent_id = "app-1";
  EXPECT_EQ(list(q), (Ids{"j3", "j1"}));
  q.parent_id = "app-3";
  EXPECT_EQ(list(q), Ids{});
  q.parent_id.reset();
  EXPECT_EQ(list(q), (Ids{"j3", "j2", "j1"}));
}

TEST_F(ResourceStore, ListAfterCursorPaginatesNewestFirstWithoutDuplicatesOrGaps) {
  std::vector<std::pair<int64_t, std::string>> expected;
  for (int i = 0; i < 23; ++i) {
    // Creation times repeat so that the id has to break ties across page boundaries.
    int64_t created = 1000 + (i % 5) * 10;
    std::string id = "r" + std::to_string(100 + (i * 7) % 23);
    add(makeRow("application", id, created, i % 2 ? "STARTED" : "CREATED"));
    expected.emplace_back(created, id);
  }
  ResourceRow other = makeRow("application", "r999", 1020);  // same kind, another account
  other.account = kOtherAccount;
  add(other);
  std::sort(expected.begin(), expected.end(), std::greater<>());

  for (int limit : {1, 4, 5, 50}) {
    auto q = query("application");
    q.limit = limit;
    std::vector<std::pair<int64_t, std::string>> walked;
    for (int page = 0; page < 100; ++page) {
      auto rows = store_->list(q);
      ASSERT_TRUE(rows.ok());
      if (rows->empty()) break;
      EXPECT_LE(rows->size(), static_cast<size_t>(limit));
      for (const auto& r : *rows) walked.emplace_back(r.created_ms, r.id);
      q.after = std::make_pair(rows->back().created_ms, rows->back().id);
    }
    EXPECT_EQ(walked, expected) << "limit " << limit;
  }
}

TEST_F(ResourceStore, ChildrenAreOldestFirstAndOnlyThatParentsAndKinds) {
  add(makeRow("job_run", "j2", 20, "RUNNING", "app-1"));
  add(makeRow("job_run", "j1", 10, "SUCCESS", "app-1"));
  add(makeRow("job_run", "j0", 20, "FAILED", "app-1"));
  add(makeRow("job_run", "x1", 5, "RUNNING", "app-2"));
  add(makeRow("session", "s1", 1, "RUNNING", "app-1"));
  ResourceRow elsewhere = makeRow("job_run", "y1", 1, "RUNNING", "app-1");
  elsewhere.account = kOtherAccount;
  add(elsewhere);
  auto rows = store_->children("job_run", kAccount, kRegion, "app-1");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(idsOf(*rows), (Ids{"j1", "j0", "j2"}));
  auto none = store_->children("job_run", kAccount, kRegion, "app-9");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(ResourceStore, ChildrenInStateAreOldestFirstUpToTheLimit) {
  add(makeRow("job_run", "j4", 40, "PENDING", "app-1"));
  add(makeRow("job_run", "j1", 10, "PENDING", "app-1"));
  add(makeRow("job_run", "j2", 20, "RUNNING", "app-1"));
  add(makeRow("job_run", "j3", 30, "PENDING", "app-1"));
  add(makeRow("job_run", "x1", 5, "PENDING", "app-2"));
  auto two = store_->childrenInState("job_run", kAccount, kRegion, "app-1", "PENDING", 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(idsOf(*two), (Ids{"j1", "j3"}));
  auto all = store_->childrenInState("job_run", kAccount, kRegion, "app-1", "PENDING", 10);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(idsOf(*all), (Ids{"j1", "j3", "j4"}));
  auto running = store_->childrenInState("job_run", kAccount, kRegion, "app-1", "RUNNING", 10);
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(idsOf(*running), (Ids{"j2"}));
}

TEST_F(ResourceStore, NextDueChildPicksTheEarliestOnlyOnceItIsDue) {
  auto child = [](const std::string& id, int64_t created, std::optional<int64_t> next, const std::string& parent) {
    ResourceRow r = makeRow("job_run", id, created, "RUNNING", parent);
    r.next_event_ms = next;
    return r;
  };
  add(child("late", 1, 500, "app-1"));
  add(child("early", 2, 300, "app-1"));
  add(child("never", 3, std::nullopt, "app-1"));
  add(child("tie-b", 5, 400, "app-1"));
  add(child("tie-a", 4, 400, "app-1"));
  add(child("other-parent", 0, 100, "app-2"));

  auto at = [&](int64_t now) -> std::string {
    auto r = store_->nextDueChild("job_run", kAccount, kRegion, "app-1", now);
    EXPECT_TRUE(r.ok());
    return r.ok() && r->has_value() ? (*r)->id : std::string("<none>");
  };
  EXPECT_EQ(at(299), "<none>");
  EXPECT_EQ(at(300), "early");
  EXPECT_EQ(at(10000), "early");
  ResourceRow done = *get("job_run", "early");
  done.next_event_ms.reset();
  ASSERT_TRUE(store_->update(done).ok());
  EXPECT_EQ(at(399), "<none>");
  EXPECT_EQ(at(400), "tie-a");  // equal next_event_ms: the older one first
  EXPECT_EQ(at(10000), "tie-a");
}

TEST_F(ResourceStore, EarliestChildEventIsTheMinimumNextEventOfThatParent) {
  auto none = store_->earliestChildEvent("job_run", kAccount, kRegion, "app-1");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  add(makeRow("job_run", "never", 1, "SUCCESS", "app-1"));
  auto still_none = store_->earliestChildEvent("job_run", kAccount, kRegion, "app-1");
  ASSERT_TRUE(still_none.ok());
  EXPECT_FALSE(still_none->has_value());

  for (auto [id, next, parent] : std::vector<std::tuple<std::string, int64_t, std::string>>{
           {"a", 700, "app-1"}, {"b", 300, "app-1"}, {"c", 900, "app-1"}, {"d", 100, "app-2"}}) {
    ResourceRow r = makeRow("job_run", id, 1, "RUNNING", parent);
    r.next_event_ms = next;
    add(r);
  }
  ResourceRow session = makeRow("session", "s", 1, "RUNNING", "app-1");
  session.next_event_ms = 50;
  add(session);
  auto earliest = store_->earliestChildEvent("job_run", kAccount, kRegion, "app-1");
  ASSERT_TRUE(earliest.ok());
  EXPECT_EQ(*earliest, std::optional<int64_t>(300));
}

TEST_F(ResourceStore, DueReturnsResourcesOfThatAccountAndRegionEarliestFirst) {
  auto due_row = [](const std::string& id, std::optional<int64_t> next, const char* account, const char* region) {
    ResourceRow r = makeRow("application", id, 1, "STARTING");
    r.account = account;
    r.region = region;
    r.next_event_ms = next;
    return r;
  };
  add(due_row("a500", 500, kAccount, kRegion));
  add(due_row("a100", 100, kAccount, kRegion));
  add(due_row("a300", 300, kAccount, kRegion));
  add(due_row("a900", 900, kAccount, kRegion));
  add(due_row("never", std::nullopt, kAccount, kRegion));
  add(due_row("b100", 100, kOtherAccount, kRegion));
  add(due_row("c100", 100, kAccount, kOtherRegion));
  ResourceRow job = makeRow("job_run", "j", 1, "RUNNING", "a100");
  job.next_event_ms = 50;
  add(job);

  auto due = [&](int64_t now, int limit, const char* account = kAccount, const char* region = kRegion) {
    auto rows = store_->due("application", account, region, now, limit);
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? idsOf(*rows) : Ids{};
  };
  EXPECT_EQ(due(99, 10), Ids{});
  EXPECT_EQ(due(100, 10), (Ids{"a100"}));
  EXPECT_EQ(due(500, 10), (Ids{"a100", "a300", "a500"}));
  EXPECT_EQ(due(10000, 2), (Ids{"a100", "a300"}));
  EXPECT_EQ(due(10000, 10), (Ids{"a100", "a300", "a500", "a900"}));
  EXPECT_EQ(due(10000, 10, kOtherAccount), (Ids{"b100"}));
  EXPECT_EQ(due(10000, 10, kAccount, kOtherRegion), (Ids{"c100"}));
}

TEST_F(ResourceStore, AllReturnsEveryAccountAndRegionNewestFirst) {
  ResourceRow a = makeRow("trail", "t1", 100);
  ResourceRow b = makeRow("trail", "t2", 300);
  b.account = kOtherAccount;
  ResourceRow c = makeRow("trail", "t3", 200);
  c.region = kOtherRegion;
  add(a);
  add(b);
  add(c);
  add(makeRow("application", "x", 400));
  auto rows = store_->all("trail", 10);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(idsOf(*rows), (Ids{"t2", "t3", "t1"}));
  EXPECT_EQ((*rows)[0].account, kOtherAccount);
  EXPECT_EQ((*rows)[1].region, kOtherRegion);
  auto limited = store_->all("trail", 2);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(idsOf(*limited), (Ids{"t2", "t3"}));
  auto none = store_->all("session", 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace trailbox::store::test
