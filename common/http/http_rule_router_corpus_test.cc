// Replays the router's fuzz corpus (and every crash the fuzzer ever found,
// which is added to it) in every build.

#include <gtest/gtest.h>

#include <filesystem>

#include "common/http/http_rule_router_invariants.h"
#include "common/http/http_rule_router_real_services.h"
#include "common/testing/corpus.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

TEST(HttpRuleRouterCorpusTest, EveryCorpusInputKeepsTheInvariants) {
  absl::StatusOr<HttpRuleRouter> router = HttpRuleRouter::Build(RealServiceDescriptors());
  ASSERT_OK(router);
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_HTTP_RULE_ROUTER_CORPUS_DIR);
  for (const CorpusInput& input : corpus) {
    EXPECT_OK(CheckRouterInput(*router, input.bytes)) << input.path;
  }
  EXPECT_GE(corpus.size(), 10u);
}

}  // namespace
}  // namespace ecoplan::common
