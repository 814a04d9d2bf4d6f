// libFuzzer target: TokenVerifier::Verify on arbitrary bytes must never crash,
// hang or read out of bounds, and must answer OK or UNAUTHENTICATED only.
// Built with -DECOPLAN_FUZZ=ON and clang; corpus in testdata/token_verifier_corpus/.
//   build-fuzz/common/auth/token_verifier_fuzzer -max_total_time=60 \
//       common/auth/testdata/token_verifier_corpus

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "absl/strings/string_view.h"
#include "common/auth/token_verifier.h"
#include "common/time/clock.h"

namespace {

// Not a secret: the fuzzer's own key, so that corpus tokens carry valid
// signatures and the fuzzer reaches the claim checks.
constexpr char kFuzzKey[] = "ecoplan-fuzz-key-not-a-secret-0123456789";

const ecoplan::common::TokenVerifier& Verifier() {
  static const ecoplan::common::FakeClock* clock =
      new ecoplan::common::FakeClock(absl::FromUnixSeconds(1774915200));  // 2026-03-31
  static const ecoplan::common::TokenVerifier* verifier = [] {
    ecoplan::common::TokenVerifierOptions options;
    options.key = kFuzzKey;
    options.issuer = "ecoplan-local";
    options.audience = "ecoplan";
    // The corpus tokens live 27 h (iat 1774900000, exp 1775000000).
    options.max_lifetime = absl::Hours(48);
    auto created = ecoplan::common::TokenVerifier::Create(options, clock);
    if (!created.ok()) std::abort();
    return created->release();
  }();
  return *verifier;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::StatusOr<ecoplan::common::Principal> result =
      Verifier().Verify(absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!result.ok() && result.status().code() != absl::StatusCode::kUnauthenticated) std::abort();
  return 0;
}
