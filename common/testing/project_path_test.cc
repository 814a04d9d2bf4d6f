// ProjectPath: the checkout's folder put back before a path from its top.

#include "common/testing/project_path.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace ecoplan::common {
namespace {

TEST(ProjectPathTest, NamesFilesOfThisCheckout) {
  const std::filesystem::path readme = ProjectPath("README.md");
  EXPECT_TRUE(readme.is_absolute()) << readme;
  EXPECT_TRUE(std::filesystem::is_regular_file(readme)) << readme;
  EXPECT_TRUE(std::filesystem::is_regular_file(ProjectPath("common/testing/project_path.h")));
  EXPECT_EQ(std::filesystem::path(ProjectPath("common/testing")).filename(), "testing");
}

TEST(ProjectPathTest, EachPathIsKeptOnceForTheProcess) {
  const char* first = ProjectPath("seeds");
  EXPECT_EQ(ProjectPath("seeds"), first);  // the same storage, not a copy that may dangle
  EXPECT_NE(ProjectPath("docs"), first);
  EXPECT_STREQ(first, (std::string(ProjectPath("")) + "seeds").c_str());
}

TEST(ProjectPathTest, ThreadsAskingAtOnceGetTheSameAnswers) {
  std::vector<const char*> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] {
      for (int n = 0; n < 1000; ++n) ProjectPath(std::to_string(n));
      seen[i] = ProjectPath("docs/PERFORMANCE.md");
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const char* path : seen) EXPECT_EQ(path, seen[0]);
  EXPECT_EQ(std::strlen(seen[0]),
            std::strlen(ProjectPath("")) + std::strlen("docs/PERFORMANCE.md"));
}

}  // namespace
}  // namespace ecoplan::common
