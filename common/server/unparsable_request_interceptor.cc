#include "common/server/unparsable_request_interceptor.h"

#include <algorithm>

#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace ecoplan::common {
namespace {

class UnparsableRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED && status.error_message().empty()) {
        methods->ModifySendStatus(grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            "the request could not be parsed: a string field holds invalid UTF-8, or the "
            "message bytes are malformed"));
      }
    }
    methods->Proceed();
  }
};

}  // namespace

grpc::experimental::Interceptor* UnparsableRequestInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // "/ecoplan.registry.v1.RegistryService/ImportPlan" → the service's full name.
  absl::string_view method = info->method() == nullptr ? "" : info->method();
  absl::ConsumePrefix(&method, "/");
  const absl::string_view service = method.substr(0, method.find('/'));
  const bool registered = std::find(service_names_->begin(), service_names_->end(), service) !=
                          service_names_->end();
  return registered ? new UnparsableRequestInterceptor() : nullptr;
}

}  // namespace ecoplan::common
