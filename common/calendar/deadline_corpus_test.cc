// Replays the deadline fuzz corpus (and every crash the fuzzer ever found,
// which is added to it) in every build.

#include <gtest/gtest.h>

#include <filesystem>

#include "common/calendar/deadline_invariants.h"
#include "common/testing/corpus.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

TEST(DeadlineCorpusTest, EveryCorpusInputResolvesCoherently) {
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_DEADLINE_CORPUS_DIR);
  for (const CorpusInput& input : corpus) {
    EXPECT_OK(CheckDeadlineText(input.bytes, 2026)) << input.path;
  }
  EXPECT_GE(corpus.size(), 10u);
}

}  // namespace
}  // namespace ecoplan::common
