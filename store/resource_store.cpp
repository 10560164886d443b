#include "store/resource_store.hpp"

namespace trailbox::store {
namespace {

constexpr const char* kColumns =
    "SELECT kind, account, region, id, parent_id, state, created_ms, next_event_ms, client_token, doc "
    "FROM resources ";

ResourceRow readRow(Statement& s) {
  ResourceRow r;
  r.kind = s.columnText(0);
  r.account = s.columnText(1);
  r.region = s.columnText(2);
  r.id = s.columnText(3);
  r.parent_id = s.columnText(4);
  r.state = s.columnText(5);
  r.created_ms = s.columnInt(6);
  if (!s.columnIsNull(7)) r.next_event_ms = s.columnInt(7);
  if (!s.columnIsNull(8)) r.client_token = s.columnText(8);
  r.doc = s.columnText(9);
  return r;
}

}  // namespace

StoreResult<std::vector<ResourceRow>> ResourceStore::collect(Statement& s) {
  std::vector<ResourceRow> out;
  while (true) {
    auto row = s.step();
    if (!row.ok()) return makeUnexpected(row.error());
    if (!*row) break;
    out.push_back(readRow(s));
  }
  return out;
}

StoreResult<std::optional<ResourceRow>> ResourceStore::get(const std::string& kind, const std::string& account,
                                                           const std::string& region, const std::string& id) {
  auto stmt = db_.prepare(std::string(kColumns) + "WHERE kind = ? AND account = ? AND region = ? AND id = ?");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(kind)).bind(2, std::string_view(account)).bind(3, std::string_view(region));
  s->bind(4, std::string_view(id));
  auto row = s->step();
  if (!row.ok()) return makeUnexpected(row.error());
  if (!*row) return std::optional<ResourceRow>();
  return std::optional<ResourceRow>(readRow(*s));
}

StoreResult<std::optional<ResourceRow>> ResourceStore::findByClientToken(const std::string& kind,
                                                                         const std::string& account,
                                                                         const std::string& region,
                                                                         const std::string& parent_id,
                                                                         const std::string& client_token) {
  auto stmt = db_.prepare(std::string(kColumns) +
                          "WHERE kind = ? AND account = ? AND region = ? AND parent_id = ? AND client_token = ?");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(kind)).bind(2, std::string_view(account)).bind(3, std::string_view(region));
  s->bind(4, std::string_view(parent_id)).bind(5, std::string_view(client_token));
  auto row = s->step();
  if (!row.ok()) return makeUnexpected(row.error());
  if (!*row) return std::optional<ResourceRow>();
  return std::optional<ResourceRow>(readRow(*s));
}

StoreStatus ResourceStore::insert(const ResourceRow& r) {
  auto stmt = db_.prepare(
      "INSERT INTO resources(kind, account, region, id, parent_id, state, created_ms, next_event_ms, client_token, "
      "doc) VALUES(?,?,?,?,?,?,?,?,?,?)");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(r.kind)).bind(2, std::string_view(r.account)).bind(3, std::string_view(r.region));
  s->bind(4, std::string_view(r.id)).bind(5, std::string_view(r.parent_id)).bind(6, std::string_view(r.state));
  s->bind(7, r.created_ms);
  r.next_event_ms ? s->bind(8, *r.next_event_ms) : s->bindNull(8);
  s->bindOptional(9, r.client_token);
  s->bind(10, std::string_view(r.doc));
  return s->run();
}

StoreStatus ResourceStore::update(const ResourceRow& r) {
  auto stmt = db_.prepare(
      "UPDATE resources SET state = ?, next_event_ms = ?, doc = ? "
      "WHERE kind = ? AND account = ? AND region = ? AND id = ?");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(r.state));
  r.next_event_ms ? s->bind(2, *r.next_event_ms) : s->bindNull(2);
  s->bind(3, std::string_view(r.doc));
  s->bind(4, std::string_view(r.kind)).bind(5, std::string_view(r.account)).bind(6, std::string_view(r.region));
  s->bind(7, std::string_view(r.id));
  return s->run();
}

StoreStatus ResourceStore::remove(const std::string& kind, const std::string& account, const std::string& region,
                                  const std::string& id) {
  auto stmt = db_.prepare("DELETE FROM resources WHERE kind = ? AND account = ? AND region = ? AND id = ?");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(kind)).bind(2, std::string_view(account)).bind(3, std::string_view(region));
  s->bind(4, std::string_view(id));
  return s->run();
}

StoreResult<std::vector<ResourceRow>> ResourceStore::list(const ResourceListQuery& q) {
  std::string sql = std::string(kColumns) + "WHERE kind = ? AND account = ? AND region = ? ";
  if (q.parent_id) sql += "AND parent_id = ? ";
  if (!q.states.empty()) {
    sql += "AND state IN (";
    for (size_t i = 0; i < q.states.size(); ++i) sql += i ? ",?" : "?";
    sql += ") ";
  }
  if (q.created_after_ms) sql += "AND created_ms >= ? ";
  if (q.created_before_ms) sql += "AND created_ms <= ? ";
  for (size_t k = 0; k < q.doc_equals.size(); ++k) sql += "AND json_extract(doc, ?) = ? ";
  bool grouped = q.group_by_state && q.states.size() > 1;
  std::string group;  // the position of the row's state in q.states
  if (grouped) {
    group = "(CASE state";
    for (size_t k = 0; k < q.states.size(); ++k) group += " WHEN ? THEN " + std::to_string(k);
    group += " END)";
  }
  if (q.after) {
    std::string newer = "(created_ms < ? OR (created_ms = ? AND id < ?))";
    sql += grouped ? "AND (" + group + " > ? OR (" + group + " = ? AND " + newer + ")) " : "AND " + newer + " ";
  }
  sql += grouped ? "ORDER BY " + group + ", created_ms DESC, id DESC LIMIT ?" : "ORDER BY created_ms DESC, id DESC LIMIT ?";
  auto stmt = db_.prepare(sql);
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  int i = 1;
  auto text = [&](std::string_view v) { s->bind(i++, v); };
  auto number = [&](int64_t v) { s->bind(i++, v); };
  text(q.kind);
  text(q.account);
  text(q.region);
  if (q.parent_id) text(*q.parent_id);
  for (const auto& st : q.states) text(st);
  if (q.created_after_ms) number(*q.created_after_ms);
  if (q.created_before_ms) number(*q.created_before_ms);
  for (const auto& [path, value] : q.doc_equals) {
    text(path);
    text(value);
  }
  auto group_params = [&] {
    for (const auto& st : q.states) text(st);
  };
  if (q.after) {
    if (grouped) {
      group_params();
      number(q.after_group);
      group_params();
      number(q.after_group);
    }
    number(q.after->first);
    number(q.after->first);
    text(q.after->second);
  }
  if (grouped) group_params();
  number(q.limit);
  return collect(*s);
}

StoreResult<std::vector<ResourceRow>> ResourceStore::children(const std::string& kind, const std::string& account,
                                                              const std::string& region,
                                                              const std::string& parent_id) {
  auto stmt = db_.prepare(std::string(kColumns) +
                          "WHERE kind = ? AND account = ? AND region = ? AND parent_id = ? ORDER BY created_ms, id");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(kind)).bind(2, std::string_view(account)).bind(3, std::string_view(region));
  s->bind(4, std::string_view(parent_id));
  return collect(*s);
}

StoreResult<std::vector<ResourceRow>> ResourceStore::childrenInState(const std::string& kind,
                                                                     const std::string& account,
                                                                     const std::string& region,
                                                                     const std::string& parent_id,
                                                                     const std::string& state, int limit) {
  auto stmt = db_.prepare(std::string(kColumns) +
                          "WHERE kind = ? AND account = ? AND region = ? AND parent_id = ? AND state = ? "
                          "ORDER BY created_ms, id LIMIT ?");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(kind)).bind(2, std::string_view(account)).bind(3, std::string_view(region));
  s->bind(4, std::string_view(parent_id)).bind(5, std::string_view(state)).bind(6, int64_t{limit});
  return collect(*s);
}

StoreResult<std::optional<ResourceRow>> ResourceStore::nextDueChild(const std::string& kind,
                                                                    const std::string& account,
                                                                    const std::string& region,
                                                                    const std::string& parent_id, int64_t now_ms) {
  auto stmt = db_.prepare(std::string(kColumns) +
                          "WHERE kind = ? AND account = ? AND region = ? AND parent_id = ? "
                          "AND next_event_ms IS NOT NULL AND next_event_ms <= ? "
                          "ORDER BY next_event_ms, created_ms, id LIMIT 1");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(kind)).bind(2, std::string_view(account)).bind(3, std::string_view(region));
  s->bind(4, std::string_view(parent_id)).bind(5, now_ms);
  auto row = s->step();
  if (!row.ok()) return makeUnexpected(row.error());
  if (!*row) return std::optional<ResourceRow>();
  return std::optional<ResourceRow>(readRow(*s));
}

StoreResult<std::optional<int64_t>> ResourceStore::earliestChildEvent(const std::string& kind,
                                                                      const std::string& account,
                                                                      const std::string& region,
                                                                      const std::string& parent_id) {
  auto stmt = db_.prepare(
      "SELECT min(next_event_ms) FROM resources WHERE kind = ? AND account = ? AND region = ? AND parent_id = ? "
      "AND next_event_ms IS NOT NULL");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(kind)).bind(2, std::string_view(account)).bind(3, std::string_view(region));
  s->bind(4, std::string_view(parent_id));
  auto row = s->step();
  if (!row.ok()) return makeUnexpected(row.error());
  if (!*row || s->columnIsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(s->columnInt(0));
}

StoreResult<std::vector<ResourceRow>> ResourceStore::due(const std::string& kind, const std::string& account,
                                                         const std::string& region, int64_t now_ms, int limit) {
  auto stmt = db_.prepare(std::string(kColumns) +
                          "WHERE kind = ? AND account = ? AND region = ? AND next_event_ms IS NOT NULL "
                          "AND next_event_ms <= ? ORDER BY next_event_ms, created_ms, id LIMIT ?");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(kind)).bind(2, std::string_view(account)).bind(3, std::string_view(region));
  s->bind(4, now_ms).bind(5, int64_t{limit});
  return collect(*s);
}

StoreResult<std::vector<ResourceRow>> ResourceStore::all(const std::string& kind, int limit) {
  auto stmt = db_.prepare(std::string(kColumns) + "WHERE kind = ? ORDER BY created_ms DESC, id DESC LIMIT ?");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  s->bind(1, std::string_view(kind)).bind(2, int64_t{limit});
  return collect(*s);
}

}  // namespace trailbox::store
