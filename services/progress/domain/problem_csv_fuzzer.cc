// libFuzzer target: reading a problem ledger (问题清单) from arbitrary bytes —
// a file people upload — must never crash, hang or read out of bounds, and
// must keep the invariants of CheckProblemCsvInput (every row accepted or
// refused in file order, nothing accepted twice, owners checked).
// Built with -DECOPLAN_FUZZ=ON and clang (scripts/fuzz.sh); corpus in
// testdata/problem_csv_corpus/, replayed by ProblemCsvCorpusTest.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "services/progress/domain/problem_csv_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  if (!ecoplan::progress::CheckProblemCsvInput(input).ok()) std::abort();
  return 0;
}
