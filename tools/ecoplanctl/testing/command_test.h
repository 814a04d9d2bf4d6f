#pragma once

// What the ecoplanctl command tests share: fake gRPC services served on
// 127.0.0.1 (a free port, stopped after each test), a Cli run whose output is
// captured, and the two answers every fake gives.
//
//   class FooCommandsTest : public CommandTest {
//    protected:
//     void SetUp() override { address_ = Serve({&fake_}); ... }
//     int Run(std::vector<std::string> args) { return RunCli(*cli_, args); }
//   };

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/local_grpc_server.h"
#include "tools/ecoplanctl/cli.h"

namespace ecoplan::ctl::ctl_testing {

// A fake's unary reactor, finished at once with `status`.
inline grpc::ServerUnaryReactor* FinishFake(grpc::CallbackServerContext* ctx, grpc::Status status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(std::move(status));
  return reactor;
}

// NOT_FOUND "<name> not found", as the fakes answer for names they lack.
inline grpc::Status FakeNotFound(const std::string& name) {
  return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat(name, " not found"));
}

class CommandTest : public ::testing::Test {
 protected:
  // Stops the server before the test's fakes go away.
  void TearDown() override { server_.reset(); }

  // Serves `services` (owned by the test) on 127.0.0.1, a free port; returns
  // the address "127.0.0.1:<port>" (empty, with a test failure, if it cannot).
  std::string Serve(const std::vector<grpc::Service*>& services) {
    server_ = std::make_unique<common::LocalGrpcServer>(services);
    EXPECT_TRUE(server_->ok());
    return server_->address();
  }

  // Runs `cli` with `args` as the binary does; the output lands in out_ and
  // err_ (emptied first).
  int RunCli(Cli& cli, const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    return cli.Run(args, out_, err_);
  }

  std::ostringstream out_;
  std::ostringstream err_;

 private:
  std::unique_ptr<common::LocalGrpcServer> server_;
};

}  // namespace ecoplan::ctl::ctl_testing
