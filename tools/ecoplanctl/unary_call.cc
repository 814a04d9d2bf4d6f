#include "tools/ecoplanctl/unary_call.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"

namespace ecoplan::ctl {
namespace {

namespace pb = ::google::protobuf;

// Every method of the request's file that takes this request type is marked
// free of side effects or idempotent (a request type serves one method).
bool MethodIsRepeatable(const pb::Descriptor* type) {
  const pb::FileDescriptor* file = type->file();
  bool found = false;
  for (int s = 0; s < file->service_count(); ++s) {
    const pb::ServiceDescriptor* service = file->service(s);
    for (int m = 0; m < service->method_count(); ++m) {
      const pb::MethodDescriptor* method = service->method(m);
      if (method->input_type() != type) continue;
      const pb::MethodOptions::IdempotencyLevel level = method->options().idempotency_level();
      if (level != pb::MethodOptions::NO_SIDE_EFFECTS && level != pb::MethodOptions::IDEMPOTENT) {
        return false;
      }
      found = true;
    }
  }
  return found;
}

bool CarriesRequestId(const pb::Message& request) {
  const pb::FieldDescriptor* field = request.GetDescriptor()->FindFieldByName("request_id");
  return field != nullptr && field->type() == pb::FieldDescriptor::TYPE_STRING &&
         !field->is_repeated() && !request.GetReflection()->GetString(request, field).empty();
}

}  // namespace

bool SafeToRetry(const pb::Message& request) {
  return MethodIsRepeatable(request.GetDescriptor()) || CarriesRequestId(request);
}

absl::Status AsServerGoneAway(absl::Status status) {
  // ecoplanctl never cancels its own calls, so a CANCELLED is the server's:
  // gRPC 1.51 answers it to a call that reached a server as it shut down, before
  // any handler took it (grpc/grpc#41785). Nothing ran; it is UNAVAILABLE.
  if (absl::IsCancelled(status)) {
    return absl::UnavailableError(
        absl::StrCat("the server cancelled the call while shutting down (", status.message(), ")"));
  }
  return status;
}

absl::Duration RetryWait(int retry) {
  return absl::Milliseconds(500) * (1 << std::clamp(retry - 1, 0, 3));
}

absl::Status CallWithRetry(const CallPolicy& policy, const pb::Message& request,
                           absl::FunctionRef<grpc::Status(grpc::ClientContext*)> attempt) {
  const bool repeatable = SafeToRetry(request);
  const int attempts = repeatable ? 1 + std::max(0, policy.retries) : 1;
  for (int n = 1;; ++n) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + policy.timeout));
    const absl::Status status = AsServerGoneAway(common::FromGrpcStatus(attempt(&context)));
    if (!absl::IsUnavailable(status)) return status;
    if (!repeatable) {
      return absl::UnavailableError(absl::StrCat(
          status.message(), " (not retried: the call changes data and carries no request id)"));
    }
    if (n == attempts) {
      return absl::UnavailableError(
          absl::StrCat(status.message(), " (", n, n == 1 ? " attempt)" : " attempts)"));
    }
    const absl::Duration wait = RetryWait(n);
    if (policy.notices != nullptr) {
      *policy.notices << "unavailable: " << status.message() << "; retrying in "
                      << absl::FormatDuration(wait) << " (attempt " << n + 1 << " of " << attempts
                      << ")\n";
    }
    if (policy.sleep) {
      policy.sleep(wait);
    } else {
      absl::SleepFor(wait);
    }
  }
}

}  // namespace ecoplan::ctl
