// Replays the router's fuzz corpus (and every crash the fuzzer ever found,
// which is added to it) in every build.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/http/http_rule_router_invariants.h"
#include "common/http/http_rule_router_real_services.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

TEST(HttpRuleRouterCorpusTest, EveryCorpusInputKeepsTheInvariants) {
  absl::StatusOr<HttpRuleRouter> router = HttpRuleRouter::Build(RealServiceDescriptors());
  ASSERT_OK(router);
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(ECOPLAN_HTTP_RULE_ROUTER_CORPUS_DIR)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_OK(CheckRouterInput(*router, text.str())) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 10);
}

}  // namespace
}  // namespace ecoplan::common
