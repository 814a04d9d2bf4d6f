#include "common/server/unparsable_request_interceptor.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <string>

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
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
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
  const size_t slash = method.find('/');
  const absl::string_view service = method.substr(0, slash);
  const bool registered =
      std::find(service_names_->begin(), service_names_->end(), service) != service_names_->end();
  if (!registered) return nullptr;
  // A method the service does not have gets the same empty UNIMPLEMENTED from
  // gRPC's fallback handler: it must stay UNIMPLEMENTED. Services generated
  // from our protos are in the generated pool; others keep the interceptor.
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(service));
  if (descriptor != nullptr &&
      (slash == absl::string_view::npos ||
       descriptor->FindMethodByName(std::string(method.substr(slash + 1))) == nullptr)) {
    return nullptr;
  }
  return new UnparsableRequestInterceptor();
}

}  // namespace ecoplan::common
