// libFuzzer target: the JSON printer and the JSON → wire fast path of
// proto_json.h against protobuf's own, on arbitrary input; keeps
// CheckProtoJsonInput. Built with -DECOPLAN_FUZZ=ON and clang
// (scripts/fuzz.sh); corpus in testdata/proto_json_corpus/, replayed by
// common_http_proto_json_corpus_test in every build.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "common/http/proto_json_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  if (!ecoplan::common::CheckProtoJsonInput(input).ok()) std::abort();
  return 0;
}
