// Replays the JSON fuzz corpus (and every input the fuzzer ever failed on,
// which is added to it) in every build.

#include <gtest/gtest.h>

#include <filesystem>

#include "common/http/proto_json_invariants.h"
#include "common/testing/corpus.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

TEST(ProtoJsonCorpusTest, EveryCorpusInputKeepsTheInvariants) {
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_PROTO_JSON_CORPUS_DIR);
  for (const CorpusInput& input : corpus) {
    EXPECT_OK(CheckProtoJsonInput(input.bytes)) << input.path;
  }
  EXPECT_GE(corpus.size(), 6u);
}

}  // namespace
}  // namespace ecoplan::common
