// libFuzzer target: reading a Word document (.docx) uploaded for a plan
// import — arbitrary bytes through libzip and pugixml — must never crash,
// hang or read out of bounds, and must keep its limits (a zip bomb, a
// DOCTYPE or deep nesting is refused with InvalidArgument, never unpacked or
// walked). Built with -DECOPLAN_FUZZ=ON and clang (scripts/fuzz.sh); corpus
// in testdata/docx_reader_corpus/, replayed by DocxReaderCorpusTest.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "common/docx/docx_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<ecoplan::common::DocxDocument> got = ecoplan::common::ReadDocx(input);
  if (!got.ok() && got.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
  return 0;
}
