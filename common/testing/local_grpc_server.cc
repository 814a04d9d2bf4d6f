#include "common/testing/local_grpc_server.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ecoplan::common {

LocalGrpcServer::LocalGrpcServer(const std::vector<grpc::Service*>& services) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  server_ = builder.BuildAndStart();
  if (server_ != nullptr && port <= 0) Shutdown();
  if (server_ != nullptr) address_ = absl::StrCat("127.0.0.1:", port);
}

LocalGrpcServer::~LocalGrpcServer() { Shutdown(); }

std::shared_ptr<grpc::Channel> LocalGrpcServer::Channel() const {
  return grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
}

void LocalGrpcServer::Shutdown() {
  if (server_ == nullptr) return;
  server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  server_->Wait();
  server_.reset();
}

}  // namespace ecoplan::common
