#include "store/event_store.hpp"

#include <charconv>
#include <unordered_map>

namespace trailbox::store {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool isUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : hexValue(s[i]) < 0) return false;
  }
  return true;
}

namespace {

// The SELECT list every event query uses; indexes below (kCol*) follow its order.
constexpr const char* kSelect =
    "SELECT e.seq, e.event_id, e.time_ms, acc.value, reg.value, src.value, nam.value, e.read_only, "
    "typ.value, usr.value, akid.value, idn.value, ua.value, ip.value, e.request_id, err.value, "
    "e.error_message, e.request_parameters, e.response_elements, e.additional_event_data, e.resources ";
constexpr const char* kJoins =
    "JOIN strings acc ON acc.id = e.account JOIN strings reg ON reg.id = e.region "
    "JOIN strings src ON src.id = e.source JOIN strings nam ON nam.id = e.name "
    "JOIN strings typ ON typ.id = e.event_type JOIN strings idn ON idn.id = e.identity "
    "JOIN strings ip ON ip.id = e.source_ip "
    "LEFT JOIN strings usr ON usr.id = e.username LEFT JOIN strings akid ON akid.id = e.access_key "
    "LEFT JOIN strings ua ON ua.id = e.user_agent LEFT JOIN strings err ON err.id = e.error_code ";

constexpr const char* kIdOf = "(SELECT id FROM strings WHERE value = ?)";

// A bound parameter. Only fixed SQL text is ever concatenated into queries; values are bound.
struct Param {
  enum class Kind { kText, kBlob, kInt } kind;
  std::string text;
  int64_t number = 0;
};

void bindAll(Statement& s, const std::vector<Param>& params) {
  int i = 1;
  for (const auto& p : params) {
    switch (p.kind) {
      case Param::Kind::kText: s.bind(i, std::string_view(p.text)); break;
      case Param::Kind::kBlob: s.bindBlob(i, p.text); break;
      case Param::Kind::kInt: s.bind(i, p.number); break;
    }
    ++i;
  }
}

// Resource filters drive the query from event_resources, whose keys are ordered by time.
const EventFilter* resourceFilter(const EventQuery& q) {
  for (const auto& f : q.filters) {
    if (f.attribute == EventAttribute::kResourceName || f.attribute == EventAttribute::kResourceType) return &f;
  }
  return nullptr;
}

std::string buildSql(const EventQuery& q, bool count_only, std::vector<Param>& params) {
  const EventFilter* driver = resourceFilter(q);
  // `t` names the table whose (time_ms, seq) order the index delivers.
  std::string t = driver ? "er" : "e";
  std::string sql = count_only ? "SELECT count(*) " : std::string(kSelect);
  if (driver) {
    sql += driver->attribute == EventAttribute::kResourceName
               ? "FROM event_resources er JOIN events e ON e.seq = er.seq "
               : "FROM event_resource_types er JOIN events e ON e.seq = er.seq ";
  } else {
    sql += "FROM events e ";
  }
  if (!count_only) sql += kJoins;
  sql += "WHERE 1 ";
  auto text = [&](std::string v) { params.push_back({Param::Kind::kText, std::move(v), 0}); };
  auto number = [&](int64_t v) { params.push_back({Param::Kind::kInt, {}, v}); };
  if (q.account) {
    sql += "AND " + t + ".account = " + kIdOf + " ";
    text(*q.account);
  }
  if (q.region) {
    sql += "AND " + t + ".region = " + kIdOf + " ";
    text(*q.region);
  }
  for (const auto& f : q.filters) {
    switch (f.attribute) {
      case EventAttribute::kEventId:
        sql += "AND e.event_id = ? ";
        // UUIDs are stored as 16-byte BLOBs, anything else as TEXT; the two never compare equal.
        params.push_back(isUuid(f.value) ? Param{Param::Kind::kBlob, packId(f.value), 0}
                                         : Param{Param::Kind::kText, f.value, 0});
        break;
      case EventAttribute::kEventName: sql += std::string("AND e.name = ") + kIdOf + " "; text(f.value); break;
      case EventAttribute::kEventSource: sql += std::string("AND e.source = ") + kIdOf + " "; text(f.value); break;
      case EventAttribute::kUsername: sql += std::string("AND e.username = ") + kIdOf + " "; text(f.value); break;
      case EventAttribute::kAccessKeyId: sql += std::string("AND e.access_key = ") + kIdOf + " "; text(f.value); break;
      case EventAttribute::kErrorCode: sql += std::string("AND e.error_code = ") + kIdOf + " "; text(f.value); break;
      case EventAttribute::kReadOnly:
        sql += "AND e.read_only = ? ";
        number(f.value == "true" ? 1 : 0);
        break;
      case EventAttribute::kResourceName:
        if (&f == driver) {
          sql += std::string("AND er.name = ") + kIdOf + " ";
        } else {
          sql += std::string("AND EXISTS (SELECT 1 FROM event_resources x WHERE x.seq = e.seq AND x.name = ") + kIdOf +
                 ") ";
        }
        text(f.value);
        break;
      case EventAttribute::kResourceType:
        if (&f == driver) {
          sql += std::string("AND er.type = ") + kIdOf + " ";
        } else {
          sql += std::string("AND EXISTS (SELECT 1 FROM event_resource_types x WHERE x.seq = e.seq AND x.type = ") +
                 kIdOf + ") ";
        }
        text(f.value);
        break;
    }
  }
  if (q.errors_only) sql += "AND e.error_code IS NOT NULL ";
  if (q.start_ms) {
    sql += "AND " + t + ".time_ms >= ? ";
    number(*q.start_ms);
  }
  if (q.end_ms) {
    sql += "AND " + t + ".time_ms <= ? ";
    number(*q.end_ms);
  }
  if (q.max_seq) {
    sql += "AND e.seq <= ? ";
    number(*q.max_seq);
  }
  if (count_only) return sql;
  if (q.order == EventQuery::Order::kNewestFirst) {
    if (q.before) {
      sql += "AND " + t + ".time_ms <= ? AND (" + t + ".time_ms < ? OR " + t + ".seq < ?) ";
      number(q.before->first);
      number(q.before->first);
      number(q.before->second);
    }
    sql += "ORDER BY " + t + ".time_ms DESC, " + t + ".seq DESC ";
  } else {
    sql += "AND e.seq > ? ORDER BY e.seq ASC ";
    number(q.after_seq);
  }
  sql += "LIMIT ?";
  number(q.limit);
  return sql;
}

}  // namespace

std::string packId(const std::string& id) {
  if (!isUuid(id)) return id;
  std::string out;
  out.reserve(16);
  int hi = -1;
  for (char c : id) {
    if (c == '-') continue;
    int v = hexValue(c);
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>((hi << 4) | v));
      hi = -1;
    }
  }
  return out;
}

std::string unpackId(const std::string& stored) {
  if (stored.size() != 16) return stored;
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    auto b = static_cast<unsigned char>(stored[i]);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

StoreResult<int64_t> EventWriter::intern(const std::string& value) {
  if (auto it = cache_.find(value); it != cache_.end()) return it->second;
  auto sel = db_.prepare("SELECT id FROM strings WHERE value = ?");
  if (!sel.ok()) return makeUnexpected(sel.error());
  {
    Statement::Use s(**sel);
    s->bind(1, std::string_view(value));
    auto row = s->step();
    if (!row.ok()) return makeUnexpected(row.error());
    if (*row) {
      int64_t id = s->columnInt(0);
      cache_.emplace(value, id);
      return id;
    }
  }
  auto ins = db_.prepare("INSERT INTO strings(value) VALUES(?)");
  if (!ins.ok()) return makeUnexpected(ins.error());
  Statement::Use s(**ins);
  s->bind(1, std::string_view(value));
  if (auto r = s->run(); !r.ok()) return makeUnexpected(r.error());
  int64_t id = db_.lastInsertRowId();
  // Bound the cache: high-cardinality values (resource names, access keys) would otherwise
  // grow it without limit; the strings table remains the source of truth.
  if (cache_.size() > 50000) cache_.clear();
  cache_.emplace(value, id);
  return id;
}

StoreResult<int64_t> EventWriter::insert(const EventRow& row) {
  int64_t ids[9];
  const std::string* values[9] = {&row.account,       &row.region,        &row.event_source,
                                  &row.event_name,    &row.event_type,    &row.user_identity,
                                  &row.source_ip,     &row.username,      &row.access_key_id};
  for (int i = 0; i < 9; ++i) {
    if (i >= 7 && values[i]->empty()) {
      ids[i] = 0;
      continue;
    }
    auto id = intern(*values[i]);
    if (!id.ok()) return makeUnexpected(id.error());
    ids[i] = *id;
  }
  int64_t ua = 0;
  if (!row.user_agent.empty()) {
    auto id = intern(row.user_agent);
    if (!id.ok()) return makeUnexpected(id.error());
    ua = *id;
  }
  int64_t err = 0;
  if (!row.error_code.empty()) {
    auto id = intern(row.error_code);
    if (!id.ok()) return makeUnexpected(id.error());
    err = *id;
  }
  std::string resources;
  std::vector<std::pair<int64_t, int64_t>> resource_ids;
  for (const auto& r : row.resources) {
    auto t = intern(r.type);
    if (!t.ok()) return makeUnexpected(t.error());
    auto n = intern(r.name);
    if (!n.ok()) return makeUnexpected(n.error());
    if (!resources.empty()) resources += ',';
    resources += std::to_string(*t) + ':' + std::to_string(*n);
    resource_ids.emplace_back(*t, *n);
  }

  auto ins = db_.prepare(
      "INSERT INTO events(event_id, time_ms, account, region, source, name, event_type, identity, source_ip, "
      "username, access_key, read_only, user_agent, request_id, error_code, error_message, request_parameters, "
      "response_elements, additional_event_data, resources) "
      "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!ins.ok()) return makeUnexpected(ins.error());
  {
    Statement::Use s(**ins);
    isUuid(row.event_id) ? s->bindBlob(1, packId(row.event_id)) : s->bind(1, std::string_view(row.event_id));
    s->bind(2, row.time_ms);
    for (int i = 0; i < 7; ++i) s->bind(3 + i, ids[i]);
    ids[7] ? s->bind(10, ids[7]) : s->bindNull(10);
    ids[8] ? s->bind(11, ids[8]) : s->bindNull(11);
    s->bind(12, int64_t{row.read_only ? 1 : 0});
    ua ? s->bind(13, ua) : s->bindNull(13);
    if (row.request_id.empty()) {
      s->bindNull(14);
    } else {
      isUuid(row.request_id) ? s->bindBlob(14, packId(row.request_id)) : s->bind(14, std::string_view(row.request_id));
    }
    err ? s->bind(15, err) : s->bindNull(15);
    row.error_code.empty() ? s->bindNull(16) : s->bind(16, std::string_view(row.error_message));
    row.request_parameters.empty() ? s->bindNull(17) : s->bind(17, std::string_view(row.request_parameters));
    row.response_elements.empty() ? s->bindNull(18) : s->bind(18, std::string_view(row.response_elements));
    row.additional_event_data.empty() ? s->bindNull(19) : s->bind(19, std::string_view(row.additional_event_data));
    resources.empty() ? s->bindNull(20) : s->bind(20, std::string_view(resources));
    if (auto r = s->run(); !r.ok()) return makeUnexpected(r.error());
  }
  int64_t seq = db_.lastInsertRowId();
  if (!resource_ids.empty()) {
    auto names = db_.prepare("INSERT OR IGNORE INTO event_resources(account, region, name, time_ms, seq) VALUES(?,?,?,?,?)");
    if (!names.ok()) return makeUnexpected(names.error());
    auto types =
        db_.prepare("INSERT OR IGNORE INTO event_resource_types(account, region, type, time_ms, seq) VALUES(?,?,?,?,?)");
    if (!types.ok()) return makeUnexpected(types.error());
    for (auto [type, name] : resource_ids) {
      for (auto [stmt, key] : {std::pair{*names, name}, std::pair{*types, type}}) {
        Statement::Use s(*stmt);
        s->bind(1, ids[0]).bind(2, ids[1]).bind(3, key).bind(4, row.time_ms).bind(5, seq);
        if (auto r = s->run(); !r.ok()) return makeUnexpected(r.error());
      }
    }
  }
  return seq;
}

StoreResult<std::string> EventReader::stringById(int64_t id) {
  auto sel = db_.prepare("SELECT value FROM strings WHERE id = ?");
  if (!sel.ok()) return makeUnexpected(sel.error());
  Statement::Use s(**sel);
  s->bind(1, id);
  auto row = s->step();
  if (!row.ok()) return makeUnexpected(row.error());
  if (!*row) return std::string();
  return s->columnText(0);
}

namespace {

// One read transaction around a multi-statement read: consistent, and much cheaper than an implicit
// transaction (and its WAL read-lock round trip) per statement. Does nothing inside a transaction.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db) : db_(db), own_(!db.inTransaction() && db.exec("BEGIN").ok()) {}
  ~ReadTransaction() {
    if (own_) (void)db_.exec("COMMIT");
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Database& db_;
  bool own_;
};

}  // namespace

StoreResult<std::vector<EventRow>> EventReader::query(const EventQuery& q) {
  if (q.limit <= 0) return std::vector<EventRow>();
  ReadTransaction read(db_);
  // Resource names and types repeat across the events of a page: look each up once.
  std::unordered_map<int64_t, std::string> strings;
  auto stringOf = [&](int64_t id) -> StoreResult<std::string> {
    if (auto it = strings.find(id); it != strings.end()) return it->second;
    auto value = stringById(id);
    if (value.ok()) strings.emplace(id, *value);
    return value;
  };
  std::vector<Param> params;
  std::string sql = buildSql(q, false, params);
  auto stmt = db_.prepare(sql);
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  std::vector<EventRow> out;
  {
    Statement::Use s(**stmt);
    bindAll(*s, params);
    while (true) {
      auto row = s->step();
      if (!row.ok()) return makeUnexpected(row.error());
      if (!*row) break;
      EventRow e;
      e.seq = s->columnInt(0);
      e.event_id = s->columnIsBlob(1) ? unpackId(s->columnText(1)) : s->columnText(1);
      e.time_ms = s->columnInt(2);
      e.account = s->columnText(3);
      e.region = s->columnText(4);
      e.event_source = s->columnText(5);
      e.event_name = s->columnText(6);
      e.read_only = s->columnInt(7) != 0;
      e.event_type = s->columnText(8);
      e.username = s->columnText(9);
      e.access_key_id = s->columnText(10);
      e.user_identity = s->columnText(11);
      e.user_agent = s->columnText(12);
      e.source_ip = s->columnText(13);
      e.request_id = s->columnIsBlob(14) ? unpackId(s->columnText(14)) : s->columnText(14);
      e.error_code = s->columnText(15);
      e.error_message = s->columnText(16);
      e.request_parameters = s->columnText(17);
      e.response_elements = s->columnText(18);
      e.additional_event_data = s->columnText(19);
      // Resource ids are resolved after the scan, so the query statement is not interleaved.
      std::string res = s->columnText(20);
      if (!res.empty()) e.resources.push_back({res, ""});
      out.push_back(std::move(e));
    }
  }
  for (auto& e : out) {
    if (e.resources.empty()) continue;
    std::string packed = e.resources.front().type;
    e.resources.clear();
    size_t pos = 0;
    while (pos < packed.size()) {
      size_t comma = packed.find(',', pos);
      if (comma == std::string::npos) comma = packed.size();
      std::string item = packed.substr(pos, comma - pos);
      size_t colon = item.find(':');
      int64_t type_id = 0;
      int64_t name_id = 0;
      if (colon != std::string::npos) {
        std::from_chars(item.data(), item.data() + colon, type_id);
        std::from_chars(item.data() + colon + 1, item.data() + item.size(), name_id);
        auto type = stringOf(type_id);
        if (!type.ok()) return makeUnexpected(type.error());
        auto name = stringOf(name_id);
        if (!name.ok()) return makeUnexpected(name.error());
        e.resources.push_back({std::move(*type), std::move(*name)});
      }
      pos = comma + 1;
    }
  }
  return out;
}

StoreResult<int64_t> EventReader::count(const EventQuery& q) {
  std::vector<Param> params;
  std::string sql = buildSql(q, true, params);
  auto stmt = db_.prepare(sql);
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  bindAll(*s, params);
  auto row = s->step();
  if (!row.ok()) return makeUnexpected(row.error());
  return s->columnInt(0);
}

StoreResult<int64_t> EventReader::maxSeq() {
  auto stmt = db_.prepare("SELECT coalesce(max(seq), 0) FROM events");
  if (!stmt.ok()) return makeUnexpected(stmt.error());
  Statement::Use s(**stmt);
  auto row = s->step();
  if (!row.ok()) return makeUnexpected(row.error());
  return s->columnInt(0);
}

}  // namespace trailbox::store
