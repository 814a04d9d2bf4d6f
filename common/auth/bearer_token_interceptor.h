#pragma once

// Adds "authorization: Bearer <token>" to every call of a channel.
//
//   std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> i;
//   i.push_back(std::make_unique<BearerTokenInterceptorFactory>([&] { return source.Header(); }));
//   auto channel = grpc::experimental::CreateCustomChannelWithInterceptors(address, creds, args,
//                                                                          std::move(i));
//
// An interceptor rather than grpc::CallCredentials, because gRPC sends call
// credentials only over TLS and local development runs are plaintext.

#include <grpcpp/support/client_interceptor.h>

#include <functional>
#include <string>

namespace ecoplan::common {

class BearerTokenInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  // `header` returns the whole header value ("Bearer …") at the start of each
  // call, or "" to send none; it must be thread-safe and outlive the channel.
  explicit BearerTokenInterceptorFactory(std::function<std::string()> header);

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override;

 private:
  const std::function<std::string()> header_;
};

}  // namespace ecoplan::common
