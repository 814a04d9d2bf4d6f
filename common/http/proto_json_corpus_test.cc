// Replays the JSON fuzz corpus (and every input the fuzzer ever failed on,
// which is added to it) in every build.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/http/proto_json_invariants.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

TEST(ProtoJsonCorpusTest, EveryCorpusInputKeepsTheInvariants) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ECOPLAN_PROTO_JSON_CORPUS_DIR)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_OK(CheckProtoJsonInput(text.str())) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 6);
}

}  // namespace
}  // namespace ecoplan::common
