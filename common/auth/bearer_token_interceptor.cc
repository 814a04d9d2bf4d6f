#include "common/auth/bearer_token_interceptor.h"

#include <utility>

namespace ecoplan::common {
namespace {

class BearerTokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerTokenInterceptor(const std::function<std::string()>* header) : header_(header) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::string value = (*header_)();
      if (!value.empty()) methods->GetSendInitialMetadata()->insert({"authorization", value});
    }
    methods->Proceed();
  }

 private:
  const std::function<std::string()>* header_;  // owned by the factory, which the channel owns
};

}  // namespace

BearerTokenInterceptorFactory::BearerTokenInterceptorFactory(std::function<std::string()> header)
    : header_(std::move(header)) {}

grpc::experimental::Interceptor* BearerTokenInterceptorFactory::CreateClientInterceptor(
    grpc::experimental::ClientRpcInfo*) {
  return new BearerTokenInterceptor(&header_);
}

}  // namespace ecoplan::common
