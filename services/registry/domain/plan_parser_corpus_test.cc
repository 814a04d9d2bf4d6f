// Replays the fuzz corpus (and every crash the fuzzer ever found, which is
// added to it) through the parser in every build, not only fuzzing runs.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "services/registry/domain/plan_parser.h"
#include "services/registry/testing/plan_invariants.h"

namespace ecoplan::registry {
namespace {

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(PlanParserCorpusTest, EveryCorpusInputParsesOrIsRejectedCleanly) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ECOPLAN_PARSER_CORPUS_DIR)) {
    const std::string text = Read(entry.path());
    absl::StatusOr<ParsedPlan> parsed = ParsePlanDocument(text);
    ++files;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << entry.path();
      continue;
    }
    EXPECT_OK(CheckParsedPlanInvariants(*parsed, text)) << entry.path();
  }
  EXPECT_GE(files, 3);
}

TEST(PlanParserCorpusTest, TheSmallestCompleteDocumentOfTheCorpusParses) {
  const std::string text =
      Read(std::filesystem::path(ECOPLAN_PARSER_CORPUS_DIR) / "one_annex_one_task");
  ASSERT_OK_AND_ASSIGN(ParsedPlan parsed, ParsePlanDocument(text));
  ASSERT_EQ(parsed.tasks.size(), 1u);
  EXPECT_EQ(parsed.tasks[0].title, "目标任务");
  EXPECT_EQ(parsed.plan.title, "美丽门头沟建设2026年行动计划");
}

}  // namespace
}  // namespace ecoplan::registry
