#include "api/cloudtrail/delivery.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <future>
#include <set>

#include "api/cloudtrail/trails.hpp"
#include "api/compress.hpp"
#include "api/crypto.hpp"
#include "api/event_record.hpp"
#include "store/event_store.hpp"
#include "store/resource_store.hpp"

namespace trailbox::api::cloudtrail {
namespace {

constexpr int kMaxDigestPeriodsPerRun = 100;

Json parseDoc(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_object() ? j : Json::object();
}

std::string datePath(int64_t ms) {
  std::string iso = isoSeconds(ms);  // 2026-01-02T03:04:05Z
  return iso.substr(0, 4) + "/" + iso.substr(5, 2) + "/" + iso.substr(8, 2);
}

// YYYYMMDDTHHMMSSZ (digest names carry seconds).
std::string compactSeconds(int64_t ms) {
  std::string iso = isoSeconds(ms);
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 2) + iso.substr(14, 2) +
         iso.substr(17, 2) + "Z";
}

// The 16-character "unique string" of a log file name, derived from what the file holds so
// that writing the same delivery twice lands on the same key.
std::string uniqueString(const std::string& seed) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string digest = sha256(seed);
  std::string out;
  for (size_t i = 0; i < 16; ++i) out.push_back(kAlphabet[static_cast<unsigned char>(digest[i]) % 62]);
  return out;
}

std::string keyPrefix(const Json& trail) {
  std::string prefix = trail.value("S3KeyPrefix", "");
  return prefix.empty() ? "" : prefix + "/";
}

store::StoreStatus writeAndWait(store::Store& store, store::Store::Job job) {
  auto done = std::make_shared<std::promise<store::StoreStatus>>();
  auto future = done->get_future();
  store.write(std::move(job), [done](const store::StoreStatus& s) { done->set_value(s); });
  return future.get();
}

void readAndWait(store::Store& store, const std::function<void(store::Database&)>& fn) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  store.read([&fn, done](store::Database& db) {
    fn(db);
    done->set_value();
  });
  future.get();
}

Json splitTb(Json& doc) {
  Json tb = doc.value("_tb", Json::object());
  doc.erase("_tb");
  return tb;
}

void joinTb(store::ResourceRow& row, Json doc, const Json& tb) {
  doc["_tb"] = tb;
  row.doc = dumpJson(doc);
}

}  // namespace

Status DirectorySink::put(const std::string& bucket, const std::string& key, const std::string& bytes,
                          const std::map<std::string, std::string>& metadata) {
  namespace fs = std::filesystem;
  if (key.find("..") != std::string::npos || bucket.empty() || bucket.find('/') != std::string::npos ||
      bucket == ".") {
    return fail(ErrorCode::kInvalidParameterException, "refusing to write outside the bucket: " + key);
  }
  // An S3 key may start with '/' or hold '//' (S3KeyPrefix "/logs"), but appended to a path as is
  // a leading '/' would make it absolute and escape the directory: keys map to the relative path
  // of their non-empty segments.
  fs::path relative;
  for (size_t pos = 0; pos <= key.size();) {
    size_t slash = key.find('/', pos);
    if (slash == std::string::npos) slash = key.size();
    if (slash > pos) relative /= key.substr(pos, slash - pos);
    pos = slash + 1;
  }
  if (relative.empty()) return fail(ErrorCode::kInvalidParameterException, "empty object key");
  auto write = [](const fs::path& path, const std::string& data) -> Status {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return fail(ErrorCode::kInternalFailure, "cannot create " + path.parent_path().string() + ": " + ec.message());
    fs::path tmp = path;
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fail(ErrorCode::kInternalFailure, "cannot write " + tmp.string() + ": " + std::strerror(errno));
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0) {
        int err = errno;
        ::close(fd);
        return fail(ErrorCode::kInternalFailure, "cannot write " + tmp.string() + ": " + std::strerror(err));
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    // Durable before it becomes visible under its real name.
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      return fail(ErrorCode::kInternalFailure, "cannot sync " + tmp.string() + ": " + std::strerror(errno));
    }
    fs::rename(tmp, path, ec);
    if (ec) return fail(ErrorCode::kInternalFailure, "cannot rename " + tmp.string() + ": " + ec.message());
    return {};
  };
  fs::path object = fs::path(root_) / bucket / relative;
  if (!metadata.empty()) {
    Json meta = Json::object();
    for (const auto& [k, v] : metadata) meta[k] = v;
    fs::path meta_path = fs::path(root_) / ".s3-metadata" / bucket / relative;
    meta_path += ".json";
    if (auto s = write(meta_path, dumpJson(meta)); !s.ok()) return s;
  }
  return write(object, bytes);
}

Result<Json> TrailDelivery::run(bool force, bool force_digest) {
  std::scoped_lock lock(run_mutex_);
  int64_t now = clock_.nowMs();
  auto plans = plan(force, now);
  if (!plans.ok()) return plans;
  Json outcomes = writeFiles(*plans);
  auto completed = complete(outcomes, now);
  if (!completed.ok()) return completed;
  auto digest_files = digests(force_digest, now);
  if (!digest_files.ok()) return digest_files;
  Json summary = *completed;
  summary["digestFiles"] = *digest_files;
  return summary;
}

Result<Json> TrailDelivery::plan(bool force, int64_t now) {
  auto plans = std::make_shared<Json>(Json::array());
  const DeliveryOptions opts = options_;
  auto status = writeAndWait(store_, [plans, force, now, opts](store::Database& db, store::EventWriter&) -> store::StoreStatus {
    store::ResourceStore rs(db);
    store::EventReader reader(db);
    auto trails = rs.all(kTrail, 100000);
    if (!trails.ok()) return store::makeUnexpected(trails.error());
    auto max_seq = reader.maxSeq();
    if (!max_seq.ok()) return store::makeUnexpected(max_seq.error());
    for (auto& row : *trails) {
      Json doc = parseDoc(row.doc);
      Json tb = splitTb(doc);
      if (tb.contains("pending")) {
        plans->push_back(Json{{"account", row.account}, {"region", row.region}, {"name", row.id}, {"trail", doc},
                              {"pending", tb["pending"]}});
        continue;
      }
      bool logging = tb.value("logging", false);
      // A stopped trail still owes the events recorded before StopLogging.
      int64_t until = logging ? *max_seq : std::min(*max_seq, tb.value("deliverUntil", int64_t{0}));
      if (!logging && tb.value("cursor", int64_t{0}) >= until) continue;
      int64_t last = std::max(tb.value("lastCheckMs", int64_t{0}), tb.value("startLoggingMs", int64_t{0}));
      if (!force && logging && now < last + opts.interval_ms) continue;
      store::EventQuery q;
      q.account = row.account;
      if (!doc.value("IsMultiRegionTrail", false)) q.region = row.region;
      q.order = store::EventQuery::Order::kCommitOrder;
      q.after_seq = tb.value("cursor", int64_t{0});
      q.max_seq = until;
      q.limit = opts.max_events_per_file;
      auto events = reader.query(q);
      if (!events.ok()) return store::makeUnexpected(events.error());
      std::map<std::string, Json> by_region;
      int64_t scanned = q.after_seq;
      for (const auto& e : *events) {
        scanned = e.seq;
        if (!selectorsMatch(tb, e)) continue;
        Json& seqs = by_region[e.region];
        if (!seqs.is_array()) seqs = Json::array();
        seqs.push_back(e.seq);
      }
      tb["lastCheckMs"] = now;
      if (by_region.empty()) {
        tb["cursor"] = scanned;  // nothing the selectors keep: move on without a file
      } else {
        Json files = Json::array();
        std::string arn = doc.value("TrailARN", "");
        for (auto& [region, seqs] : by_region) {
          std::string unique = uniqueString(arn + "|" + region + "|" + dumpJson(seqs));
          std::string key = keyPrefix(doc) + "AWSLogs/" + row.account + "/CloudTrail/" + region + "/" + datePath(now) +
                            "/" + row.account + "_CloudTrail_" + region + "_" + compactMinutes(now) + "_" + unique +
                            ".json.gz";
          files.push_back(Json{{"region", region}, {"bucket", doc.value("S3BucketName", "")}, {"key", key}, {"seqs", seqs}});
        }
        tb["pending"] = Json{{"cursor", scanned}, {"files", files}};
        plans->push_back(Json{{"account", row.account}, {"region", row.region}, {"name", row.id}, {"trail", doc},
                              {"pending", tb["pending"]}});
      }
      joinTb(row, doc, tb);
      if (auto s = rs.update(row); !s.ok()) return s;
    }
    return {};
  });
  if (!status.ok()) return fail(ErrorCode::kInternalFailure, "trail delivery planning failed: " + status.error().message);
  return *plans;
}

Json TrailDelivery::writeFiles(const Json& plans) {
  Json outcomes = Json::array();
  for (const auto& plan : plans) {
    Json trail_outcome = Json{{"account", plan["account"]}, {"region", plan["region"]}, {"name", plan["name"]},
                              {"files", Json::array()}, {"error", nullptr}};
    for (const auto& file : plan["pending"]["files"]) {
      std::set<int64_t> wanted;
      for (const auto& s : file["seqs"]) wanted.insert(s.get<int64_t>());
      if (wanted.empty()) continue;
      std::string body = R"({"Records":[)";
      int64_t newest = 0;
      int64_t oldest = INT64_MAX;
      bool first = true;
      std::string read_error;
      readAndWait(store_, [&](store::Database& db) {
        store::EventReader reader(db);
        store::EventQuery q;
        q.account = plan["account"].get<std::string>();
        q.region = file["region"].get<std::string>();
        q.order = store::EventQuery::Order::kCommitOrder;
        q.after_seq = *wanted.begin() - 1;
        q.max_seq = *wanted.rbegin();
        q.limit = static_cast<int>(*wanted.rbegin() - *wanted.begin() + 1);
        auto events = reader.query(q);
        if (!events.ok()) {
          read_error = events.error().message;
          return;
        }
        for (const auto& e : *events) {
          if (!wanted.count(e.seq)) continue;
          if (!first) body += ',';
          first = false;
          body += renderRecord(e);
          newest = std::max(newest, e.time_ms);
          oldest = std::min(oldest, e.time_ms);
        }
      });
      body += "]}";
      Json result = Json{{"region", file["region"]}, {"bucket", file["bucket"]}, {"key", file["key"]}};
      if (!read_error.empty()) {
        trail_outcome["error"] = "reading events failed: " + read_error;
        break;
      }
      auto put = sink_.put(file["bucket"].get<std::string>(), file["key"].get<std::string>(), gzipCompress(body), {});
      if (!put.ok()) {
        trail_outcome["error"] = put.error().message;
        break;
      }
      result["hashValue"] = hexEncode(sha256(body));
      result["newestEventTime"] = isoSeconds(newest);
      result["oldestEventTime"] = isoSeconds(oldest == INT64_MAX ? newest : oldest);
      trail_outcome["files"].push_back(result);
    }
    outcomes.push_back(trail_outcome);
  }
  return outcomes;
}

Result<Json> TrailDelivery::complete(const Json& outcomes, int64_t now) {
  auto summary = std::make_shared<Json>(Json{{"logFiles", Json::array()}, {"errors", Json::array()}});
  auto status = writeAndWait(store_, [&outcomes, summary, now](store::Database& db, store::EventWriter&) -> store::StoreStatus {
    store::ResourceStore rs(db);
    for (const auto& o : outcomes) {
      auto row = rs.get(kTrail, o["account"].get<std::string>(), o["region"].get<std::string>(), o["name"].get<std::string>());
      if (!row.ok()) return store::makeUnexpected(row.error());
      if (!*row) continue;  // deleted meanwhile: its files stay, like objects in S3
      Json doc = parseDoc((*row)->doc);
      Json tb = splitTb(doc);
      if (!tb.contains("pending")) continue;
      tb["latestDeliveryAttemptMs"] = now;
      if (!o["error"].is_null()) {
        tb["latestDeliveryError"] = o["error"];
        (*summary)["errors"].push_back(Json{{"trail", doc.value("TrailARN", "")}, {"error", o["error"]}});
      } else {
        tb["cursor"] = tb["pending"]["cursor"];
        tb["latestDeliveryMs"] = now;
        tb.erase("latestDeliveryError");
        if (!tb.contains("digestLogFiles")) tb["digestLogFiles"] = Json::array();
        for (const auto& f : o["files"]) {
          tb["digestLogFiles"].push_back(f);
          (*summary)["logFiles"].push_back(f["key"]);
        }
        tb.erase("pending");
      }
      joinTb(**row, doc, tb);
      if (auto s = rs.update(**row); !s.ok()) return s;
    }
    return {};
  });
  if (!status.ok()) return fail(ErrorCode::kInternalFailure, "trail delivery bookkeeping failed: " + status.error().message);
  return *summary;
}

Result<Json> TrailDelivery::digests(bool force, int64_t now) {
  auto written = std::make_shared<Json>(Json::array());
  const DeliveryOptions opts = options_;
  DigestSigner& signer = signer_;
  ObjectSink& sink = sink_;
  auto status = writeAndWait(store_, [=, &signer, &sink](store::Database& db, store::EventWriter&) -> store::StoreStatus {
    store::ResourceStore rs(db);
    auto trails = rs.all(kTrail, 100000);
    if (!trails.ok()) return store::makeUnexpected(trails.error());
    for (auto& row : *trails) {
      Json doc = parseDoc(row.doc);
      Json tb = splitTb(doc);
      if (!doc.value("LogFileValidationEnabled", false) || !tb.contains("startLoggingMs")) continue;
      if (!tb.value("logging", false) && !tb.contains("digestLogFiles")) continue;
      if (auto s = signer.ensureKey(db, now); !s.ok()) {
        tb["latestDigestError"] = s.error().message;
        joinTb(row, doc, tb);
        if (auto u = rs.update(row); !u.ok()) return u;
        continue;
      }
      auto key_info = signer.publicKey();
      int64_t start = tb.value("digestStartMs", tb["startLoggingMs"].get<int64_t>());
      bool changed = false;
      for (int period = 0; period < kMaxDigestPeriodsPerRun; ++period) {
        int64_t end = start + opts.digest_interval_ms;
        if (end > now) {
          if (!force || period > 0 || now <= start) break;
          end = now;
        }
        Json files = tb.value("digestLogFiles", Json::array());
        std::set<std::string> regions{row.region};
        for (const auto& f : files) regions.insert(f["region"].get<std::string>());
        for (const auto& region : regions) {
          Json logs = Json::array();
          std::string newest, oldest;
          for (const auto& f : files) {
            if (f["region"] != region) continue;
            logs.push_back(Json{{"s3Bucket", f["bucket"]}, {"s3Object", f["key"]}, {"hashValue", f["hashValue"]},
                                {"hashAlgorithm", "SHA-256"}, {"newestEventTime", f["newestEventTime"]},
                                {"oldestEventTime", f["oldestEventTime"]}});
            std::string n = f["newestEventTime"].get<std::string>();
            std::string o = f["oldestEventTime"].get<std::string>();
            if (newest.empty() || n > newest) newest = n;
            if (oldest.empty() || o < oldest) oldest = o;
          }
          std::string bucket = doc.value("S3BucketName", "");
          std::string key = keyPrefix(doc) + "AWSLogs/" + row.account + "/CloudTrail-Digest/" + region + "/" +
                            datePath(end) + "/" + row.account + "_CloudTrail-Digest_" + region + "_" + row.id + "_" +
                            row.region + "_" + compactSeconds(end) + ".json.gz";
          Json prev = tb.value("previousDigests", Json::object()).value(region, Json());
          Json digest = Json{{"awsAccountId", row.account},
                             {"digestStartTime", isoSeconds(start)},
                             {"digestEndTime", isoSeconds(end)},
                             {"digestS3Bucket", bucket},
                             {"digestS3Object", key},
                             {"digestPublicKeyFingerprint", key_info ? key_info->fingerprint : ""},
                             {"digestSignatureAlgorithm", "SHA256withRSA"},
                             {"newestEventTime", newest.empty() ? Json() : Json(newest)},
                             {"oldestEventTime", oldest.empty() ? Json() : Json(oldest)},
                             {"previousDigestS3Bucket", prev.is_object() ? prev["bucket"] : Json()},
                             {"previousDigestS3Object", prev.is_object() ? prev["key"] : Json()},
                             {"previousDigestHashValue", prev.is_object() ? prev["hash"] : Json()},
                             {"previousDigestHashAlgorithm", prev.is_object() ? Json("SHA-256") : Json()},
                             {"previousDigestSignature", prev.is_object() ? prev["signature"] : Json()},
                             {"logFiles", logs}};
          std::string body = dumpJson(digest);
          std::string hash = hexEncode(sha256(body));
          std::string previous_signature = prev.is_object() ? prev["signature"].get<std::string>() : "null";
          std::string to_sign = isoSeconds(end) + "\n" + bucket + "/" + key + "\n" + hash + "\n" + previous_signature;
          auto signature = signer.signHex(to_sign);
          if (!signature.ok()) {
            tb["latestDigestError"] = signature.error().message;
            continue;
          }
          auto put = sink.put(bucket, key, gzipCompress(body),
                              {{"signature", *signature}, {"signature-algorithm", "SHA256withRSA"}});
          if (!put.ok()) {
            tb["latestDigestError"] = put.error().message;
            continue;
          }
          if (!tb.contains("previousDigests")) tb["previousDigests"] = Json::object();
          tb["previousDigests"][region] = Json{{"bucket", bucket}, {"key", key}, {"hash", hash}, {"signature", *signature}};
          tb["latestDigestMs"] = now;
          tb.erase("latestDigestError");
          written->push_back(key);
        }
        tb["digestLogFiles"] = Json::array();
        start = end;
        tb["digestStartMs"] = start;
        changed = true;
      }
      if (!tb.value("logging", false) && tb.value("digestLogFiles", Json::array()).empty()) tb.erase("digestLogFiles");
      if (changed) {
        joinTb(row, doc, tb);
        if (auto s = rs.update(row); !s.ok()) return s;
      }
    }
    return {};
  });
  if (!status.ok()) return fail(ErrorCode::kInternalFailure, "digest delivery failed: " + status.error().message);
  return *written;
}

}  // namespace trailbox::api::cloudtrail
