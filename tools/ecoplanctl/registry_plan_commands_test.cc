// The "plan" commands against a fake RegistryService.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/registry_commands_test_fixture.h"

namespace ecoplan::ctl::registry_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(RegistryCommandsTest, PlanImportPrintsTheSummaryAndEveryWarning) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/ecoplanctl_plan.txt");
  {
    std::ofstream file(path);
    file << "美丽门头沟建设2026年行动计划\n";
  }
  ASSERT_EQ(Run({"plan", "import", path, "--validate-only", "--request-id", "r1"}), 0)
      << err_.str();
  EXPECT_EQ(fake_.import_request().document_text(), "美丽门头沟建设2026年行动计划\n");
  EXPECT_TRUE(fake_.import_request().validate_only());
  EXPECT_EQ(fake_.import_request().request_id(), "r1");
  const std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("Validated: plans/2026-5b6a16527908"));
  EXPECT_THAT(out, HasSubstr("门政办发〔2026〕1号"));
  EXPECT_THAT(out, HasSubstr("Supersedes:"));
  EXPECT_THAT(out, HasSubstr("Reporting due day:"));
  EXPECT_THAT(out, HasSubstr("Measures:"));
  EXPECT_THAT(out, HasSubstr("Warnings (2):"));
  EXPECT_THAT(out, HasSubstr("412"));
  EXPECT_THAT(out, HasSubstr("empty-responsible-cell"));
  EXPECT_THAT(out, HasSubstr("完成时限“适时”无法解析"));
}

TEST_F(RegistryCommandsTest, PlanImportSendsAWordDocumentAsTheFile) {
  // By its .docx name, whatever the content; the bytes as they are.
  const std::string named = absl::StrCat(::testing::TempDir(), "/ecoplanctl_plan.docx");
  const std::string bytes("PK\x03\x04\x00\xff binary", 14);
  {
    std::ofstream file(named, std::ios::binary);
    file << bytes;
  }
  ASSERT_EQ(Run({"plan", "import", named}), 0) << err_.str();
  EXPECT_EQ(fake_.import_request().document_file(), bytes);
  EXPECT_EQ(fake_.import_request().media_type(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_TRUE(fake_.import_request().document_text().empty());
  // By its zip content, whatever the name.
  const std::string unnamed = absl::StrCat(::testing::TempDir(), "/ecoplanctl_plan_download");
  {
    std::ofstream file(unnamed, std::ios::binary);
    file << bytes;
  }
  ASSERT_EQ(Run({"plan", "import", unnamed}), 0) << err_.str();
  EXPECT_EQ(fake_.import_request().document_file(), bytes);
  EXPECT_TRUE(fake_.import_request().document_text().empty());
}

TEST_F(RegistryCommandsTest, PlanImportOfAMissingFileFails) {
  EXPECT_EQ(Run({"plan", "import", "/nonexistent/plan.txt"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("error: NOT_FOUND: cannot read /nonexistent/plan.txt"));
}

}  // namespace
}  // namespace ecoplan::ctl::registry_test
