#include "api/cloudtrail/delivery.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace trailbox::api::cloudtrail {
namespace {

namespace fs = std::filesystem;

class DirectorySinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("trailbox-sink-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "s3");
  }
  void TearDown() override { fs::remove_all(base_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path base_;
};

TEST_F(DirectorySinkTest, WritesTheObjectAndItsMetadataUnderTheBucket) {
  DirectorySink sink((base_ / "s3").string());
  ASSERT_TRUE(sink.put("bucket", "AWSLogs/1/CloudTrail/x.json.gz", "data", {{"signature", "abc"}}).ok());
  EXPECT_EQ(read(base_ / "s3" / "bucket" / "AWSLogs/1/CloudTrail/x.json.gz"), "data");
  EXPECT_NE(read(base_ / "s3" / ".s3-metadata" / "bucket" / "AWSLogs/1/CloudTrail/x.json.gz.json").find("abc"),
            std::string::npos);
}

TEST_F(DirectorySinkTest, AKeyStartingWithASlashStaysInsideTheBucket) {
  // S3KeyPrefix "/<absolute path>" once made delivery write at that absolute path (found by fuzzing).
  DirectorySink sink((base_ / "s3").string());
  fs::path outside = base_ / "outside";
  std::string key = outside.string() + "/AWSLogs/f.json.gz";
  ASSERT_EQ(key.front(), '/');
  ASSERT_TRUE(sink.put("bucket", key, "data", {{"m", "v"}}).ok());
  EXPECT_FALSE(fs::exists(outside));
  fs::path relative = outside.relative_path() / "AWSLogs/f.json.gz";
  EXPECT_EQ(read(base_ / "s3" / "bucket" / relative), "data");
  ASSERT_TRUE(sink.put("bucket", "//double//slashes/g", "more", {}).ok());
  EXPECT_EQ(read(base_ / "s3" / "bucket" / "double/slashes/g"), "more");
}

TEST_F(DirectorySinkTest, RefusesKeysAndBucketsThatLeaveTheDirectory) {
  DirectorySink sink((base_ / "s3").string());
  EXPECT_FALSE(sink.put("bucket", "../escape", "x", {}).ok());
  EXPECT_FALSE(sink.put("bucket", "a/../../escape", "x", {}).ok());
  EXPECT_FALSE(sink.put("../b", "k", "x", {}).ok());
  EXPECT_FALSE(sink.put("", "k", "x", {}).ok());
  EXPECT_FALSE(sink.put("bucket", "///", "x", {}).ok());
  EXPECT_FALSE(fs::exists(base_ / "escape"));
}

}  // namespace
}  // namespace trailbox::api::cloudtrail
