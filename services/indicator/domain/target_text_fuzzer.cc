// libFuzzer target: ParseTextTargets (the quantitative targets in measure
// texts: 不低于30%, 不超过4%, 达到97.5%, 50%以上, 不少于2家, 2300万立方米, ...)
// on arbitrary bytes must never crash, hang or read out of bounds, and what it
// finds satisfies CheckTextTargets (values as written, units, comparators
// that agree with their words, clauses and subjects inside the text).
// Built with -DECOPLAN_FUZZ=ON and clang (scripts/fuzz.sh); corpus in
// testdata/target_text_corpus/, replayed by target_text_corpus_test in every build.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "services/indicator/domain/target_text_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  if (!ecoplan::indicator::CheckTextTargets(text).ok()) std::abort();
  return 0;
}
