#pragma once

// A gRPC server of a test's own services (fakes of an upstream) on 127.0.0.1
// on a free port, without TLS, from construction until Shutdown() or
// destruction.
//
//   FakeIndicatorService fake;                       // outlives the server
//   common::LocalGrpcServer server({&fake});
//   ASSERT_TRUE(server.ok());
//   auto stub = iv1::IndicatorService::NewStub(server.Channel());

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

namespace ecoplan::common {

class LocalGrpcServer {
 public:
  // Starts serving `services` (which must outlive the server); ok() says
  // whether it could.
  explicit LocalGrpcServer(const std::vector<grpc::Service*>& services);
  // Shutdown().
  ~LocalGrpcServer();
  LocalGrpcServer(const LocalGrpcServer&) = delete;
  LocalGrpcServer& operator=(const LocalGrpcServer&) = delete;

  bool ok() const { return server_ != nullptr; }
  // "127.0.0.1:<port>" ("" when not ok()).
  const std::string& address() const { return address_; }
  // A new insecure channel to address().
  std::shared_ptr<grpc::Channel> Channel() const;
  // Stops serving: calls still open are cancelled after at most 5 s. Idempotent.
  void Shutdown();

 private:
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace ecoplan::common
