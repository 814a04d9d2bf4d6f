#include "common/server/serve.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/captured_log.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/testing/v1/echo_test_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace ecoplan::common {
namespace {

namespace tv1 = ::ecoplan::testing::v1;
using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

class EchoService final : public tv1::EchoTestService::CallbackService {};

class ServeUntilSignalTest : public ::testing::Test {
 protected:
  ServeUntilSignalTest() {
    config_.host = "127.0.0.1";
    config_.port = 0;
    config_.db_path = dir_.Sub("db");
    config_.shutdown_grace = absl::Milliseconds(300);
    config_.port_file = dir_.Sub("port");
    spec_.service_name = "echo";
    spec_.services = {&echo_};
  }

  // The port in the port file, once it appears (0 after 10 s without it).
  int WaitForPortFile() const {
    for (int i = 0; i < 1000; ++i) {
      std::ifstream in(config_.port_file);
      std::string text;
      int port = 0;
      if (in && std::getline(in, text) && absl::SimpleAtoi(text, &port)) return port;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return 0;
  }

  TempDir dir_;
  ServerConfig config_;
  ServeSpec spec_;
  EchoService echo_;
  CapturedLog log_;
};

TEST_F(ServeUntilSignalTest, ServesWritesThePortFileAndStopsCleanlyOnSigterm) {
  bool on_signal_called = false;
  spec_.on_signal = [&] { on_signal_called = true; };
  std::string serving_address;
  spec_.log_serving = [&](const std::string& address) { serving_address = address; };
  int exit_code = -1;
  std::thread runner([&] {
    // Blocked before the signal can be sent, so the default action cannot kill the test.
    BlockTerminationSignals();
    exit_code = ServeUntilSignal(config_, spec_, log_.logger());
  });
  const int port = WaitForPortFile();
  ASSERT_GT(port, 0) << log_.text();

  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  for (const char* name : {"", "echo", "ecoplan.testing.v1.EchoTestService"}) {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service(name);
    HealthCheckResponse response;
    ASSERT_TRUE(Health::NewStub(channel)->Check(&context, request, &response).ok()) << name;
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING) << name;
  }
  EXPECT_FALSE(on_signal_called);

  // Thread-directed, so no other (unblocked) thread of the test can take it.
  ASSERT_EQ(pthread_kill(runner.native_handle(), SIGTERM), 0);
  runner.join();
  EXPECT_EQ(exit_code, 0);
  EXPECT_TRUE(on_signal_called);
  EXPECT_EQ(serving_address, absl::StrCat("127.0.0.1:", port));
  EXPECT_TRUE(absl::StrContains(log_.text(), "\"stopped\"")) << log_.text();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  HealthCheckResponse response;
  EXPECT_FALSE(Health::NewStub(channel)->Check(&context, {}, &response).ok());  // gone
}

TEST_F(ServeUntilSignalTest, WithoutLogServingTheServingLineNamesTheAddress) {
  std::thread runner([&] {
    BlockTerminationSignals();
    ServeUntilSignal(config_, spec_, log_.logger());
  });
  const int port = WaitForPortFile();
  ASSERT_GT(port, 0) << log_.text();
  ASSERT_EQ(pthread_kill(runner.native_handle(), SIGTERM), 0);
  runner.join();
  EXPECT_TRUE(absl::StrContains(log_.text(), absl::StrCat("\"127.0.0.1:", port, "\"")))
      << log_.text();
}

TEST_F(ServeUntilSignalTest, AServerThatCannotStartGivesExitCode1AndNoPortFile) {
  config_.port = 70000;  // refused by RunningServer::Start
  EXPECT_EQ(ServeUntilSignal(config_, spec_, log_.logger()), 1);
  EXPECT_TRUE(absl::StrContains(log_.text(), "cannot start server")) << log_.text();
  EXPECT_FALSE(std::filesystem::exists(config_.port_file));
}

TEST_F(ServeUntilSignalTest, APortFileThatCannotBeWrittenGivesExitCode1) {
  config_.port_file = dir_.Sub("no/such/dir/port");
  EXPECT_EQ(ServeUntilSignal(config_, spec_, log_.logger()), 1);
  EXPECT_TRUE(absl::StrContains(log_.text(), "cannot write the port file")) << log_.text();
}

TEST(MakeServerOptionsTest, CarriesTheConfigAndTheSpec) {
  ServerConfig config;
  config.host = "0.0.0.0";
  config.port = 50052;
  config.metrics_port = 9092;
  config.health_port = 50062;
  config.max_message_bytes = 4 << 20;
  config.shutdown_grace = absl::Seconds(3);
  MetricsRegistry metrics;
  ServeSpec spec;
  spec.service_name = "progress";
  spec.metrics = &metrics;
  const ServerOptions options = MakeServerOptions(config, spec);
  EXPECT_EQ(options.host, "0.0.0.0");
  EXPECT_EQ(options.port, 50052);
  EXPECT_EQ(options.metrics_port, 9092);
  EXPECT_EQ(options.health_port, 50062);
  EXPECT_EQ(options.max_receive_message_bytes, 4 << 20);
  EXPECT_EQ(options.max_send_message_bytes, 4 << 20);
  EXPECT_EQ(options.shutdown_grace, absl::Seconds(3));
  EXPECT_EQ(options.service_name, "progress");
  EXPECT_EQ(options.metrics, &metrics);
}

}  // namespace
}  // namespace ecoplan::common
