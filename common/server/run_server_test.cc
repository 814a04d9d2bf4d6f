#include "common/server/run_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/sync_stream.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "ecoplan/testing/v1/echo_test_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace ecoplan::common {
namespace {

namespace tv1 = ::ecoplan::testing::v1;
using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

class EchoService final : public tv1::EchoTestService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const tv1::EchoRequest* request,
                                 tv1::EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (request->code() != 0) {
      reactor->Finish(grpc::Status(static_cast<grpc::StatusCode>(request->code()), "as asked"));
    } else {
      response->set_payload(request->payload());
      reactor->Finish(grpc::Status::OK);
    }
    return reactor;
  }
};

constexpr char kEchoName[] = "ecoplan.testing.v1.EchoTestService";

class RunningServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    if (options.service_name.empty()) options.service_name = "echo";
    options.shutdown_grace = absl::Milliseconds(300);
    absl::StatusOr<std::unique_ptr<RunningServer>> server = RunningServer::Start(options, {&echo_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_GT(server_->port(), 0);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
  }

  HealthCheckResponse::ServingStatus Check(const std::string& service, grpc::Status* status) {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    *status = Health::NewStub(channel_)->Check(&context, request, &response);
    return response.status();
  }

  EchoService echo_;
  std::unique_ptr<RunningServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(RunningServerTest, HealthIsServingThenNotServingAfterShutdown) {
  Start();
  grpc::Status status;
  for (const char* name : {"", kEchoName, "echo"}) {
    EXPECT_EQ(Check(name, &status), HealthCheckResponse::SERVING) << name;
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
  }
  Check("no.such.Service", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  // A watcher sees NOT_SERVING before the server stops.
  grpc::ClientContext context;
  HealthCheckRequest request;
  auto watch = Health::NewStub(channel_)->Watch(&context, request);
  HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  std::thread shutdown([&] { server_->Shutdown(); });
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  shutdown.join();
  server_->Shutdown();  // Idempotent.
  context.TryCancel();
  watch->Finish();
}

TEST_F(RunningServerTest, TheHealthPortAnswersHealthOnlyWithTheSameStatuses) {
  ServerOptions options;
  options.health_port = ServerOptions::kPickFreePort;
  Start(options);
  ASSERT_GT(server_->health_port(), 0);
  ASSERT_NE(server_->health_port(), server_->port());
  auto health_channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->health_port()),
                                            grpc::InsecureChannelCredentials());
  auto health = Health::NewStub(health_channel);
  for (const char* name : {"", kEchoName, "echo"}) {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service(name);
    HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << name;
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING) << name;
  }
  {  // The service itself is not reachable through it.
    grpc::ClientContext context;
    tv1::EchoRequest request;
    request.set_payload("through the health port");
    tv1::EchoResponse response;
    EXPECT_EQ(tv1::EchoTestService::NewStub(health_channel)
                  ->Echo(&context, request, &response)
                  .error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
  }
  // Draining: the probes see NOT_SERVING, as on the main port.
  grpc::ClientContext context;
  auto watch = health->Watch(&context, HealthCheckRequest());
  HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  std::thread shutdown([&] { server_->Shutdown(); });
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  shutdown.join();
  context.TryCancel();
  watch->Finish();
}

TEST_F(RunningServerTest, WithoutAHealthPortThereIsNone) {
  Start();
  EXPECT_EQ(server_->health_port(), 0);
}

TEST_F(RunningServerTest, ReflectionListsTheRegisteredServicesWhenAskedFor) {
  ServerOptions options;
  options.reflection = true;
  Start(options);
  // The real reflection messages are already registered by libgrpc++_reflection,
  // so the test speaks the protocol with wire-compatible messages of its own.
  grpc::internal::RpcMethod method("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                   grpc::internal::RpcMethod::BIDI_STREAMING, channel_);
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReaderWriter<tv1::ReflectionRequest, tv1::ReflectionResponse>> stream(
      grpc::internal::ClientReaderWriterFactory<tv1::ReflectionRequest,
                                                tv1::ReflectionResponse>::Create(channel_.get(),
                                                                                 method, &context));
  tv1::ReflectionRequest request;
  request.set_list_services("*");
  ASSERT_TRUE(stream->Write(request));
  stream->WritesDone();
  tv1::ReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::vector<std::string> names;
  for (const auto& s : response.list_services_response().service()) names.push_back(s.name());
  EXPECT_NE(std::find(names.begin(), names.end(), kEchoName), names.end());
  EXPECT_TRUE(stream->Finish().ok());
  const auto& registered = server_->service_names();
  EXPECT_NE(std::find(registered.begin(), registered.end(), kEchoName), registered.end());
}

// By default a server tells nobody its API: reflection is not there.
TEST_F(RunningServerTest, WithoutReflectionTheServiceIsUnimplemented) {
  Start();
  for (int port : {server_->port()}) {
    auto channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    grpc::internal::RpcMethod method(
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        grpc::internal::RpcMethod::BIDI_STREAMING, channel);
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReaderWriter<tv1::ReflectionRequest, tv1::ReflectionResponse>>
        stream(grpc::internal::ClientReaderWriterFactory<
               tv1::ReflectionRequest, tv1::ReflectionResponse>::Create(channel.get(), method,
                                                                        &context));
    tv1::ReflectionRequest request;
    request.set_list_services("*");
    stream->Write(request);
    stream->WritesDone();
    tv1::ReflectionResponse response;
    EXPECT_FALSE(stream->Read(&response)) << port;
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED) << port;
  }
  const auto& registered = server_->service_names();
  EXPECT_EQ(
      std::find(registered.begin(), registered.end(), "grpc.reflection.v1alpha.ServerReflection"),
      registered.end());
}

TEST_F(RunningServerTest, RejectsOversizeMessagesWithResourceExhausted) {
  ServerOptions options;
  EXPECT_EQ(options.max_receive_message_bytes, 8 << 20);
  options.max_receive_message_bytes = 1 << 20;
  Start(options);
  auto stub = tv1::EchoTestService::NewStub(channel_);
  tv1::EchoRequest request;
  tv1::EchoResponse response;
  request.set_payload(std::string(1000, 'x'));
  {
    grpc::ClientContext context;
    EXPECT_TRUE(stub->Echo(&context, request, &response).ok());
  }
  request.set_payload(std::string(2 << 20, 'x'));
  grpc::ClientContext context;
  EXPECT_EQ(stub->Echo(&context, request, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(RunningServerTest, InProcessChannelReachesTheServices) {
  Start();
  auto stub = tv1::EchoTestService::NewStub(server_->InProcessChannel());
  grpc::ClientContext context;
  tv1::EchoRequest request;
  request.set_payload("hi");
  tv1::EchoResponse response;
  ASSERT_TRUE(stub->Echo(&context, request, &response).ok());
  EXPECT_EQ(response.payload(), "hi");
}

TEST_F(RunningServerTest, RejectsBadOptions) {
  ServerOptions options;
  options.port = 70000;
  EXPECT_EQ(RunningServer::Start(options, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RunningServerTest, RunUntilSignalShutsDownOnSigterm) {
  Start();
  absl::Notification blocked;
  bool before_shutdown_called = false;
  std::thread runner([&] {
    // Blocked before the signal is sent, so the default action cannot kill the test.
    BlockTerminationSignals();
    blocked.Notify();
    RunUntilSignal(*server_, [&] { before_shutdown_called = true; });
  });
  blocked.WaitForNotification();
  // Thread-directed, so no other (unblocked) thread of the test can take it.
  ASSERT_EQ(pthread_kill(runner.native_handle(), SIGTERM), 0);
  runner.join();
  EXPECT_TRUE(before_shutdown_called);
  grpc::Status status;
  Check("", &status);
  EXPECT_FALSE(status.ok());  // The server is gone.
}

}  // namespace
}  // namespace ecoplan::common
