#include "common/testing/corpus.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "common/testing/temp_dir.h"

namespace ecoplan::common {
namespace {

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(ReadCorpusTest, EveryFileWithItsBytesInNameOrder) {
  TempDir dir;
  Write(dir.Sub("b_second"), std::string("\x00\xff two", 6));
  Write(dir.Sub("a_first"), "一");
  std::filesystem::create_directory(dir.Sub("c_a_folder"));
  const std::vector<CorpusInput> corpus = ReadCorpus(dir.path());
  ASSERT_EQ(corpus.size(), 2u);
  EXPECT_EQ(corpus[0].path.filename(), "a_first");
  EXPECT_EQ(corpus[0].bytes, "一");
  EXPECT_EQ(corpus[1].path.filename(), "b_second");
  EXPECT_EQ(corpus[1].bytes, std::string("\x00\xff two", 6));
}

TEST(ReadCorpusTest, AMissingFolderHasNoInputs) {
  TempDir dir;
  EXPECT_TRUE(ReadCorpus(dir.Sub("absent")).empty());
  EXPECT_EQ(ReadFileBytes(dir.Sub("absent")), "");
}

}  // namespace
}  // namespace ecoplan::common
