#pragma once

// Trail delivery: writes the events of logging trails as gzipped {"Records": [...]} log files, and
// (with log file validation) hourly signed digest files, into an ObjectSink that stands for S3.
//
// Exactly once, across crashes: a delivery is first planned in the store (which events go into
// which file, under a key derived from the events themselves), then the files are written, then
// the trail's cursor moves past those events. A crash between the steps leaves the plan in the
// store; the next run writes the same bytes under the same keys again and completes it. So no
// event is lost, and none lands in two files.
//
// Threading: run() may be called from any thread; calls are serialized internally.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "api/clock.hpp"
#include "api/cloudtrail/signing.hpp"
#include "api/json.hpp"
#include "api/result.hpp"
#include "store/store.hpp"

namespace trailbox::api::cloudtrail {

// Where log files go: an S3 stand-in. Thread-safe implementations only.
class ObjectSink {
 public:
  virtual ~ObjectSink() = default;
  // Stores `bytes` at bucket/key (replacing what is there) with the given object metadata.
  virtual Status put(const std::string& bucket, const std::string& key, const std::string& bytes,
                     const std::map<std::string, std::string>& metadata) = 0;
};

// Objects as files: <root>/<bucket>/<key>, metadata as JSON in <root>/.s3-metadata/<bucket>/<key>.json.
// Files are written to a temporary name, synced and renamed, so readers never see half a file.
class DirectorySink : public ObjectSink {
 public:
  explicit DirectorySink(std::string root) : root_(std::move(root)) {}
  Status put(const std::string& bucket, const std::string& key, const std::string& bytes,
             const std::map<std::string, std::string>& metadata) override;
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

struct DeliveryOptions {
  int64_t interval_ms = 5000;          // how often a logging trail delivers (emulated time)
  int64_t digest_interval_ms = 3600000;  // digest period (AWS: one hour)
  int max_events_per_file = 5000;
};

class TrailDelivery {
 public:
  TrailDelivery(store::Store& store, const Clock& clock, DigestSigner& signer, ObjectSink& sink,
                DeliveryOptions options)
      : store_(store), clock_(clock), signer_(signer), sink_(sink), options_(options) {}

  // Delivers what is due (everything pending when `force`), then writes the digests that are due
  // (`force_digest`: close the current digest period now). Returns a summary
  // {"logFiles": [...keys], "digestFiles": [...], "errors": [...]}.
  Result<Json> run(bool force, bool force_digest);

  const DeliveryOptions& options() const { return options_; }

 private:
  Result<Json> plan(bool force, int64_t now);
  Json writeFiles(const Json& plans);
  Result<Json> complete(const Json& outcomes, int64_t now);
  Result<Json> digests(bool force, int64_t now);

  store::Store& store_;
  const Clock& clock_;
  DigestSigner& signer_;
  ObjectSink& sink_;
  DeliveryOptions options_;
  std::mutex run_mutex_;
};

}  // namespace trailbox::api::cloudtrail
