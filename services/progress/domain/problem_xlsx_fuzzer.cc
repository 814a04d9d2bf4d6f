// libFuzzer target: reading a problem ledger (问题清单) from an uploaded .xlsx
// workbook — arbitrary bytes through libzip and pugixml — must never crash,
// hang or read out of bounds, must keep its limits (a zip bomb is refused,
// not unpacked), and must keep the invariants of CheckProblemXlsxInput (as
// for CSV files). Built with -DECOPLAN_FUZZ=ON and clang (scripts/fuzz.sh);
// corpus in testdata/problem_xlsx_corpus/, replayed by ProblemXlsxCorpusTest.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "services/progress/domain/problem_csv_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  if (!ecoplan::progress::CheckProblemXlsxInput(input).ok()) std::abort();
  return 0;
}
