// libFuzzer target: ParsePlanDocument on arbitrary bytes must never crash,
// hang or read out of bounds; it answers a plan or INVALID_ARGUMENT, and a
// plan it answers satisfies CheckParsedPlanInvariants.
// Built with -DECOPLAN_FUZZ=ON and clang (scripts/fuzz.sh); corpus in
// testdata/plan_parser_corpus/, replayed by plan_parser_corpus_test in every build.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "services/registry/domain/plan_parser.h"
#include "services/registry/testing/plan_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<ecoplan::registry::ParsedPlan> parsed = ecoplan::registry::ParsePlanDocument(text);
  if (!parsed.ok()) {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  if (!ecoplan::registry::CheckParsedPlanInvariants(*parsed, text).ok()) std::abort();
  return 0;
}
