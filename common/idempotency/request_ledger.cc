#include "common/idempotency/request_ledger.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace ecoplan::common {

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.size() > kMaxRequestIdLength) {
    return absl::InvalidArgumentError(absl::StrCat("request_id is longer than ",
                                                   kMaxRequestIdLength, " characters (",
                                                   request_id.size(), ")"));
  }
  for (size_t i = 0; i < request_id.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(request_id[i]);
    if (c <= 0x20 || c >= 0x7f) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request_id: character ", i + 1,
          " is not printable ASCII (request ids are 1..128 characters '!'..'~', no spaces)"));
    }
  }
  return absl::OkStatus();
}

absl::Status RequestLedger::ReusedError(absl::string_view request_id,
                                        const RequestRecord& earlier) {
  const absl::string_view method =
      earlier.method.empty() ? absl::string_view("another request") : earlier.method;
  std::string message =
      absl::StrCat("request_id \"", request_id, "\" was already used for ", method);
  if (!earlier.resource.empty()) absl::StrAppend(&message, " of ", earlier.resource);
  absl::StrAppend(&message, "; use a new request_id for a new request");
  return absl::InvalidArgumentError(message);
}

absl::StatusOr<RequestDecision> RequestLedger::Decide(const RequestCall& call,
                                                      const RequestRecord* earlier) {
  if (absl::Status valid = ValidateRequestId(call.request_id); !valid.ok()) return valid;
  if (call.request_id.empty() || earlier == nullptr) return RequestDecision::kFresh;
  // Empty parts are unknown (an older record, a resource the service chooses): not compared.
  const bool same_method = earlier->method.empty() || earlier->method == call.method;
  const bool same_resource =
      call.resource.empty() || earlier->resource.empty() || earlier->resource == call.resource;
  const bool same_content = call.fingerprint.empty() || earlier->fingerprint.empty() ||
                            earlier->fingerprint == call.fingerprint;
  if (same_method && same_resource && same_content) return RequestDecision::kRetry;
  return ReusedError(call.request_id, *earlier);
}

absl::StatusOr<const RequestRecord*> RequestLedger::Check(const RequestCall& call) const {
  const RequestRecord* earlier = call.request_id.empty() ? nullptr : Find(call.request_id);
  absl::StatusOr<RequestDecision> decision = Decide(call, earlier);
  if (!decision.ok()) return decision.status();
  return *decision == RequestDecision::kRetry ? earlier : nullptr;
}

void RequestLedger::Record(RequestRecord record) {
  std::string id = record.request_id;
  records_[std::move(id)] = std::move(record);
}

const RequestRecord* RequestLedger::Find(absl::string_view request_id) const {
  auto it = records_.find(request_id);
  return it == records_.end() ? nullptr : &it->second;
}

}  // namespace ecoplan::common
