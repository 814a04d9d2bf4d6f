// libFuzzer target: Standard Webhooks signing and verification on arbitrary
// secrets, ids, timestamps, signature headers and bodies must never crash or
// read out of bounds; verification answers OK only for a canonical timestamp
// and a matching v1 signature, InvalidArgument or Unauthenticated otherwise;
// what we sign verifies, and a changed body, timestamp, key or a stale
// delivery does not (CheckWebhookSignatureInput).
// Built with -DECOPLAN_FUZZ=ON and clang (scripts/fuzz.sh); corpus in
// testdata/webhook_signature_corpus/ (fields separated by '\n': secret, id,
// timestamp, signature header, body), replayed by webhook_signature_test.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "services/notification/domain/webhook_signature_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  if (!ecoplan::notification::CheckWebhookSignatureInput(input).ok()) std::abort();
  return 0;
}
