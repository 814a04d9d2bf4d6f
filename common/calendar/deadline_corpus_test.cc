// Replays the deadline fuzz corpus (and every crash the fuzzer ever found,
// which is added to it) in every build.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/calendar/deadline_invariants.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

TEST(DeadlineCorpusTest, EveryCorpusInputResolvesCoherently) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ECOPLAN_DEADLINE_CORPUS_DIR)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_OK(CheckDeadlineText(text.str(), 2026)) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 10);
}

}  // namespace
}  // namespace ecoplan::common
