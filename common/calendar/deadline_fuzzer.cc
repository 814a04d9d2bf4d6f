// libFuzzer target: ResolveDeadline and FindDatesInText on arbitrary bytes must
// never crash or read out of bounds, and what they resolve satisfies
// CheckDeadlineText. Built with -DECOPLAN_FUZZ=ON and clang (scripts/fuzz.sh);
// corpus in testdata/deadline_corpus/, replayed by deadline_corpus_test in every build.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "common/calendar/deadline_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  if (!ecoplan::common::CheckDeadlineText(text, 2026).ok()) std::abort();
  return 0;
}
