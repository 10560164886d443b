#include "server/config.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <vector>

namespace trailbox::server {
namespace {

ParseResult parse(std::vector<const char*> args) {
  args.insert(args.begin(), "trailbox");
  return parseConfig(static_cast<int>(args.size()), args.data());
}

TEST(Config, DefaultsAreSecureAndDocumented) {
  auto r = parse({});
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->host, "127.0.0.1");
  EXPECT_EQ(r.config->port, 4566);
  EXPECT_EQ(r.config->db, "trailbox.db");
  EXPECT_EQ(r.config->region, "us-east-1");
  EXPECT_EQ(r.config->account_id, "123456789012");
}

TEST(Config, FlagsOverrideEnvironment) {
  setenv("TRAILBOX_PORT", "5000", 1);
  setenv("TRAILBOX_ACCOUNT_ID", "111122223333", 1);
  auto from_env = parse({});
  ASSERT_TRUE(from_env.config);
  EXPECT_EQ(from_env.config->port, 5000);
  EXPECT_EQ(from_env.config->account_id, "111122223333");
  auto from_flag = parse({"--port", "0"});
  ASSERT_TRUE(from_flag.config);
  EXPECT_EQ(from_flag.config->port, 0);
  unsetenv("TRAILBOX_PORT");
  unsetenv("TRAILBOX_ACCOUNT_ID");
}

TEST(Config, UnknownTrailboxVariablesAreIgnored) {
  setenv("TRAILBOX_NOT_AN_OPTION", "1", 1);
  EXPECT_TRUE(parse({}).config);
  unsetenv("TRAILBOX_NOT_AN_OPTION");
}

TEST(Config, BadValuesAreRejectedWithExitCode2) {
  for (auto args : std::vector<std::vector<const char*>>{{"--port", "70000"},
                                                         {"--account-id", "12"},
                                                         {"--log-level", "loud"},
                                                         {"--sync", "sometimes"},
                                                         {"--seed", "x1"},
                                                         {"--max-json-depth", "0"},
                                                         {"--max-json-depth", "1001"},
                                                         {"--no-such-flag"}}) {
    auto r = parse(args);
    EXPECT_FALSE(r.config) << args[0];
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_NE(r.output.find("trailbox:"), std::string::npos);
  }
}

TEST(Config, HelpListsEveryOption) {
  auto r = parse({"--help"});
  EXPECT_FALSE(r.config);
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--host", "--port", "--db", "--region", "--account-id", "--threads", "--log-level",
                           "--sync", "--timings", "--seed", "--max-body-bytes", "--max-header-bytes",
                           "--max-connections", "--idle-timeout-ms", "--header-timeout-ms", "--body-timeout-ms",
                           "--max-json-depth", "--event-visibility-delay-ms", "--lookup-events-rate", "--s3-dir",
                           "--trail-delivery-interval-ms", "--digest-interval-ms", "--noop"}) {
    EXPECT_NE(r.output.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace trailbox::server
