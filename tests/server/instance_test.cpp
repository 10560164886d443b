// The embedding example: a test suite running trailbox inside its own process.
#include "server/instance.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace trailbox::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct Reply {
  int status = 0;
  nlohmann::json body;
  std::string request_id;
};

// A minimal synchronous HTTP client (a real suite would point an AWS SDK at endpoint()).
Reply send(const Instance& tb, http::verb method, const std::string& target, const std::string& body = "",
           const std::string& amz_target = "") {
  boost::asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(tb.port())));
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!amz_target.empty()) {
    req.set("X-Amz-Target", amz_target);
    req.set(http::field::content_type, "application/x-amz-json-1.1");
  } else if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
  }
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  Reply reply;
  reply.status = static_cast<int>(res.result_int());
  reply.body = nlohmann::json::parse(res.body(), nullptr, false);
  reply.request_id = std::string(res["x-amzn-RequestId"]);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return reply;
}

class EmbeddedTrailbox : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Config config;
    config.port = 0;  // any free port
    config.db = ":memory:";
    config.log_level = LogLevel::kOff;
    config.timings = "app_creating=0";
    std::string error;
    instance_ = Instance::start(config, &error).release();
    ASSERT_NE(instance_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete instance_;  // stops gracefully
    instance_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(instance_->reset()); }  // every test starts from nothing

  static Instance* instance_;
};

Instance* EmbeddedTrailbox::instance_ = nullptr;

TEST_F(EmbeddedTrailbox, EndpointIsALoopbackUrlOnTheBoundPort) {
  EXPECT_EQ(instance_->endpoint(), "http://127.0.0.1:" + std::to_string(instance_->port()));
  EXPECT_NE(instance_->port(), 0);
  EXPECT_EQ(send(*instance_, http::verb::get, "/_trailbox/health").status, 200);
}

TEST_F(EmbeddedTrailbox, CallsAreRecordedAndReadBackWithLookupEvents) {
  Reply created = send(*instance_, http::verb::post, "/applications",
                       R"({"name":"embedded","releaseLabel":"emr-7.1.0","type":"SPARK","clientToken":"t1"})");
  ASSERT_EQ(created.status, 200);
  std::string app = created.body["applicationId"];
  EXPECT_EQ(send(*instance_, http::verb::get, "/applications/" + app).body["application"]["state"], "CREATED");
  Reply events = send(*instance_, http::verb::post, "/",
                      R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateApplication"}]})",
                      "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents");
  ASSERT_EQ(events.status, 200);
  ASSERT_EQ(events.body["Events"].size(), 1u);
  auto record = nlohmann::json::parse(events.body["Events"][0]["CloudTrailEvent"].get<std::string>());
  EXPECT_EQ(record["requestID"], created.request_id);
  EXPECT_EQ(record["responseElements"]["applicationId"], app);
}

TEST_F(EmbeddedTrailbox, ResetForgetsEverything) {
  ASSERT_EQ(send(*instance_, http::verb::post, "/applications",
                 R"({"releaseLabel":"emr-7.1.0","type":"HIVE","clientToken":"t2"})")
                .status,
            200);
  ASSERT_TRUE(instance_->reset());
  EXPECT_EQ(send(*instance_, http::verb::get, "/applications").body["applications"].size(), 0u);
  EXPECT_EQ(send(*instance_, http::verb::get, "/_trailbox/events/count").body["count"], 1);  // the list call
}

TEST(Instance, StartFailsCleanlyOnABadConfiguration) {
  Config config;
  config.port = 0;
  config.db = ":memory:";
  config.timings = "no_such_timing=1";
  std::string error;
  int code = 0;
  EXPECT_EQ(Instance::start(config, &error, &code), nullptr);
  EXPECT_EQ(code, 2);
  EXPECT_NE(error.find("no_such_timing"), std::string::npos);
}

TEST(Instance, ManyInstancesCanRunSideBySide) {
  Config config;
  config.port = 0;
  config.db = ":memory:";
  config.log_level = LogLevel::kOff;
  std::string error;
  auto a = Instance::start(config, &error);
  auto b = Instance::start(config, &error);
  ASSERT_TRUE(a && b) << error;
  EXPECT_NE(a->port(), b->port());
  EXPECT_EQ(send(*a, http::verb::get, "/_trailbox/health").status, 200);
  EXPECT_EQ(send(*b, http::verb::get, "/_trailbox/health").status, 200);
}

}  // namespace
}  // namespace trailbox::server
