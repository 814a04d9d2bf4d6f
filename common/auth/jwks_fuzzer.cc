// libFuzzer target: ParseJwks on arbitrary bytes must never crash, hang or
// read out of bounds, and must answer OK or INVALID_ARGUMENT only.
// Built with -DECOPLAN_FUZZ=ON and clang; corpus in testdata/jwks_corpus/.
//   build-fuzz/common/auth/jwks_fuzzer -max_total_time=60 common/auth/testdata/jwks_corpus

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "common/auth/jwks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::StatusOr<ecoplan::common::KeySet> keys =
      ecoplan::common::ParseJwks(absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!keys.ok() && keys.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
  return 0;
}
