#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace ecoplan::common {

inline constexpr char kFrontDoorRefusalMetadata[] = "ecoplan-front-door-refusal-bin";

// Turns gRPC's answer to a request it could not deserialize into
// INVALID_ARGUMENT.
//
// When a request's bytes do not parse (a proto3 string field holding invalid
// UTF-8, or truncated bytes), gRPC 1.51's callback server never calls the
// handler and answers UNIMPLEMENTED with an empty message, which tells the
// client the method does not exist. For a method of a service this server
// registered, this interceptor replaces that answer with INVALID_ARGUMENT and
// a message saying what to fix. Unknown methods, also of a registered service,
// keep UNIMPLEMENTED.
//
// The HTTP front door (common/http) passes a request it refuses itself
// (malformed JSON, an oversized body, a wrong Content-Type) through the same
// path, so the refusal is authenticated, throttled, audited and counted as
// its gRPC twin is: it sends unparsable bytes with kFrontDoorRefusalMetadata
// holding the status to answer (first byte: the code; then the message).
// That metadata is believed only with the front door's proof
// (common/auth/client_address.h, FrontDoorProof).
class UnparsableRequestInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `service_names`: full names of the registered services; read at call
  // time, so it may be filled after the server is built. Must outlive the factory.
  explicit UnparsableRequestInterceptorFactory(const std::vector<std::string>* service_names)
      : service_names_(service_names) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  // Whether the generated pool lacks `method` ("pkg.Service/Method") of the
  // registered service `service`: looked up once per method path (up to
  // kMaxKnownMethods paths kept), not on every call.
  bool UnknownToThePool(absl::string_view path, absl::string_view service,
                        absl::string_view method);
  static constexpr size_t kMaxKnownMethods = 1024;

  const std::vector<std::string>* service_names_;
  absl::Mutex known_mu_;
  absl::flat_hash_map<std::string, bool> unknown_by_path_ ABSL_GUARDED_BY(known_mu_);
};

}  // namespace ecoplan::common
