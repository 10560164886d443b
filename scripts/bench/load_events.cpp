// trailbox_bench_load: fills a trailbox store with synthetic CloudTrail events for the benchmark
// (scripts/bench.py), straight through the store's EventWriter, in large transactions. The
// records are built with the same code as real calls (api::toEventRow), with realistic sizes:
// several operations, ~1000 access keys, 10,000 applications as resources.
//
//   trailbox_bench_load <db> <count> [account] [region]

#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/clock.hpp"
#include "api/event_record.hpp"
#include "api/identity.hpp"
#include "api/ids.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"

using namespace trailbox;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <db> <count> [account] [region]\n", argv[0]);
    return 2;
  }
  std::string path = argv[1];
  long count = std::atol(argv[2]);
  std::string account = argc > 3 ? argv[3] : "123456789012";
  std::string region = argc > 4 ? argv[4] : "us-east-1";
  auto db = store::Database::open(path, store::Database::Mode::kReadWrite);
  if (!db.ok() || !(*db)->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;").ok() ||
      !store::migrate(**db).ok()) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    return 1;
  }
  store::EventWriter writer(**db);
  api::RandomIdGenerator ids(42);
  api::OffsetClock clock;
  const char* names[] = {"GetJobRun", "GetJobRun", "GetJobRun", "ListApplications", "ListApplications",
                         "StartJobRun", "StartJobRun", "CreateApplication", "CancelJobRun", "GetApplication"};
  const char* agent =
      "Boto3/1.43.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.18.44 md/arch#x86_64 lang/python#3.11.7 "
      "md/pyimpl#CPython m/b,Z,N,D,g cfg/retry-mode#legacy Botocore/1.43.11";
  // Spread over the last 80 days, oldest first, as a long-lived store would hold them.
  int64_t now = clock.nowMs();
  int64_t span = 80LL * 24 * 3600 * 1000;
  if (!(*db)->exec("BEGIN").ok()) return 1;
  for (long i = 0; i < count; ++i) {
    api::SigV4Scope scope;
    scope.present = true;
    char key[32];
    std::snprintf(key, sizeof key, "AKIABENCH%011ld", i % 1000);
    scope.access_key_id = key;
    scope.region = region;
    api::IdentityDefaults defaults;
    defaults.account_id = account;
    api::Caller caller = api::deriveCaller(scope, defaults, now);
    char app[32];
    std::snprintf(app, sizeof app, "00bench%09ld", i % 10000);
    std::string arn = "arn:aws:emr-serverless:" + region + ":" + account + ":/applications/" + app;
    api::CallRecord rec;
    rec.caller = &caller;
    rec.event_source = "emr-serverless.amazonaws.com";
    rec.event_name = names[i % 10];
    rec.read_only = rec.event_name.rfind("Get", 0) == 0 || rec.event_name.rfind("List", 0) == 0;
    rec.request_id = ids.uuid();
    rec.event_id = ids.uuid();
    rec.time_ms = now - span + span * i / std::max(1L, count);
    rec.source_ip = "127.0.0.1";
    rec.user_agent = agent;
    rec.request_parameters = api::Json{{"applicationId", app}, {"clientToken", ids.uuid()}};
    if (!rec.read_only) rec.response_elements = api::Json{{"applicationId", app}, {"arn", arn}};
    if (rec.event_name != "ListApplications") rec.resources = {{"AWS::EMRServerless::Application", arn}};
    auto seq = writer.insert(api::toEventRow(rec));
    if (!seq.ok()) {
      std::fprintf(stderr, "insert failed: %s\n", seq.error().message.c_str());
      return 1;
    }
    if (i % 20000 == 19999 && (!(*db)->exec("COMMIT").ok() || !(*db)->exec("BEGIN").ok())) return 1;
  }
  if (!(*db)->exec("COMMIT").ok() || !(*db)->exec("PRAGMA wal_checkpoint(TRUNCATE)").ok()) return 1;
  std::printf("%ld\n", count);
  return 0;
}
