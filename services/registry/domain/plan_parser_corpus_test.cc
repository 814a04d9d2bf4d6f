// Replays the fuzz corpus (and every crash the fuzzer ever found, which is
// added to it) through the parser in every build, not only fuzzing runs.

#include <gtest/gtest.h>

#include <filesystem>

#include "common/testing/corpus.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "services/registry/domain/plan_parser.h"
#include "services/registry/testing/plan_invariants.h"

namespace ecoplan::registry {
namespace {

using common::CorpusInput;
using common::ReadCorpus;
using common::ReadFileBytes;

TEST(PlanParserCorpusTest, EveryCorpusInputParsesOrIsRejectedCleanly) {
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_PARSER_CORPUS_DIR);
  for (const CorpusInput& input : corpus) {
    absl::StatusOr<ParsedPlan> parsed = ParsePlanDocument(input.bytes);
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << input.path;
      continue;
    }
    EXPECT_OK(CheckParsedPlanInvariants(*parsed, input.bytes)) << input.path;
  }
  EXPECT_GE(corpus.size(), 3u);
}

TEST(PlanParserCorpusTest, TheSmallestCompleteDocumentOfTheCorpusParses) {
  const std::string text =
      ReadFileBytes(std::filesystem::path(ECOPLAN_PARSER_CORPUS_DIR) / "one_annex_one_task");
  ASSERT_OK_AND_ASSIGN(ParsedPlan parsed, ParsePlanDocument(text));
  ASSERT_EQ(parsed.tasks.size(), 1u);
  EXPECT_EQ(parsed.tasks[0].title, "目标任务");
  EXPECT_EQ(parsed.plan.title, "美丽门头沟建设2026年行动计划");
}

}  // namespace
}  // namespace ecoplan::registry
