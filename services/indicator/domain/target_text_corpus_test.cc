// Replays the target-text fuzz corpus (and every crash the fuzzer ever found,
// which is added to it) through ParseTextTargets in every build.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "services/indicator/domain/target_text_invariants.h"

namespace ecoplan::indicator {
namespace {

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(TargetTextCorpusTest, EveryCorpusInputSatisfiesTheInvariants) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ECOPLAN_TARGET_TEXT_CORPUS_DIR)) {
    EXPECT_OK(CheckTextTargets(Read(entry.path()))) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 10);
}

// The invariants are not vacuous: the corpus's seed phrases yield targets.
TEST(TargetTextCorpusTest, TheSeedPhrasesOfTheCorpusYieldTargets) {
  const TextTargets found = ParseTextTargets(
      Read(std::filesystem::path(ECOPLAN_TARGET_TEXT_CORPUS_DIR) / "seed_phrases"));
  EXPECT_GE(found.targets.size(), 5u);
}

}  // namespace
}  // namespace ecoplan::indicator
