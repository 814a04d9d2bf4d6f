#include "common/server/unparsable_request_interceptor.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/server_context.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/auth/client_address.h"

namespace ecoplan::common {
namespace {

class UnparsableRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit UnparsableRequestInterceptor(grpc::experimental::ServerRpcInfo* info) : info_(info) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      std::optional<grpc::Status> refusal;
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
        refusal = FrontDoorRefusal();
      }
      if (refusal.has_value()) {
        methods->ModifySendStatus(*refusal);
      } else if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
                 status.error_message().empty()) {
        methods->ModifySendStatus(grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            "the request could not be parsed: a string field holds invalid UTF-8, or the "
            "message bytes are malformed"));
      }
    }
    methods->Proceed();
  }

 private:
  // The HTTP front door's refusal (kFrontDoorRefusalMetadata), believed only
  // from the in-process channel, which no remote caller can reach.
  std::optional<grpc::Status> FrontDoorRefusal() const {
    const grpc::ServerContextBase* ctx = info_->server_context();
    if (ctx == nullptr) return std::nullopt;
    const auto& metadata = ctx->client_metadata();
    const auto proof = metadata.find(kFrontDoorProofMetadata);
    if (proof == metadata.end() ||
        !IsFrontDoorProof(absl::string_view(proof->second.data(), proof->second.size()))) {
      return std::nullopt;
    }
    auto it = metadata.find(kFrontDoorRefusalMetadata);
    if (it == metadata.end() || it->second.size() < 1) return std::nullopt;
    const int code = static_cast<unsigned char>(*it->second.data());
    if (code <= 0 || code > grpc::StatusCode::UNAUTHENTICATED) return std::nullopt;
    return grpc::Status(static_cast<grpc::StatusCode>(code),
                        std::string(it->second.data() + 1, it->second.size() - 1));
  }

  grpc::experimental::ServerRpcInfo* info_;
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
  if (UnknownToThePool(
          method, service,
          slash == absl::string_view::npos ? absl::string_view() : method.substr(slash + 1))) {
    return nullptr;
  }
  return new UnparsableRequestInterceptor(info);
}

bool UnparsableRequestInterceptorFactory::UnknownToThePool(absl::string_view path,
                                                           absl::string_view service,
                                                           absl::string_view method) {
  {
    absl::ReaderMutexLock lock(&known_mu_);
    auto it = unknown_by_path_.find(path);
    if (it != unknown_by_path_.end()) return it->second;
  }
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(service));
  const bool unknown =
      descriptor != nullptr &&
      (method.empty() || descriptor->FindMethodByName(std::string(method)) == nullptr);
  absl::MutexLock lock(&known_mu_);
  if (unknown_by_path_.size() < kMaxKnownMethods) unknown_by_path_.emplace(path, unknown);
  return unknown;
}

}  // namespace ecoplan::common
