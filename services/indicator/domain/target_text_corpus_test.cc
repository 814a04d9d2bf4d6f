// Replays the target-text fuzz corpus (and every crash the fuzzer ever found,
// which is added to it) through ParseTextTargets in every build.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/testing/corpus.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "services/indicator/domain/target_text_invariants.h"

namespace ecoplan::indicator {
namespace {

using common::CorpusInput;
using common::ReadCorpus;
using common::ReadFileBytes;

TEST(TargetTextCorpusTest, EveryCorpusInputSatisfiesTheInvariants) {
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_TARGET_TEXT_CORPUS_DIR);
  for (const CorpusInput& input : corpus) {
    EXPECT_OK(CheckTextTargets(input.bytes)) << input.path;
  }
  EXPECT_GE(corpus.size(), 10u);
}

// The invariants are not vacuous: the corpus's seed phrases yield targets.
TEST(TargetTextCorpusTest, TheSeedPhrasesOfTheCorpusYieldTargets) {
  const TextTargets found = ParseTextTargets(
      ReadFileBytes(std::filesystem::path(ECOPLAN_TARGET_TEXT_CORPUS_DIR) / "seed_phrases"));
  EXPECT_GE(found.targets.size(), 5u);
}

}  // namespace
}  // namespace ecoplan::indicator
