// The task, measure and supervision commands against a fake RegistryService.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/registry_commands_test_fixture.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl::registry_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(RegistryCommandsTest, MeasuresListByOrgSendsTheOrganizationAndPrintsMatchingIds) {
  ASSERT_EQ(Run({"measures", "list", "--org", "区交通局"}), 0) << err_.str();
  const auto requests = fake_.list_measures_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].parent(), kPlan);  // the newest plan
  EXPECT_EQ(requests[0].filter().organization(), "区交通局");
  EXPECT_EQ(requests[0].filter().role(), v1::ORG_ROLE_UNSPECIFIED);
  EXPECT_THAT(out_.str(), HasSubstr("a1-t1-m1"));
  EXPECT_THAT(out_.str(), HasSubstr("a1-t2-m1"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("a2-t1-m1")));
  EXPECT_THAT(out_.str(), HasSubstr("6月底前 (2026-06-30)"));
  EXPECT_THAT(out_.str(), HasSubstr("2 of 2 measures"));
}

TEST_F(RegistryCommandsTest, DueBeforeWordsResolveAgainstThePlanYear) {
  ASSERT_EQ(Run({"measures", "list", "--due-before", "6月底前", "--due-after", "2026-03-01"}), 0)
      << err_.str();
  const auto requests = fake_.list_measures_requests();
  ASSERT_FALSE(requests.empty());
  const cv1::Date& before = requests[0].filter().due_before();
  EXPECT_EQ(before.year(), 2026);
  EXPECT_EQ(before.month(), 6);
  EXPECT_EQ(before.day(), 30);
  const cv1::Date& after = requests[0].filter().due_after();
  EXPECT_EQ(after.year(), 2026);
  EXPECT_EQ(after.month(), 3);
  EXPECT_EQ(after.day(), 1);
}

TEST_F(RegistryCommandsTest, DueWordsWithAnExplicitPlanReadTheYearFromGetPlan) {
  ASSERT_EQ(Run({"measures", "list", "--plan", "2026-5b6a16527908", "--due-before", "年底前"}), 0)
      << err_.str();
  EXPECT_EQ(fake_.get_plan_calls(), 1);
  const auto requests = fake_.list_measures_requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests[0].parent(), kPlan);
  EXPECT_EQ(requests[0].filter().due_before().month(), 12);
  EXPECT_EQ(requests[0].filter().due_before().day(), 31);
}

TEST_F(RegistryCommandsTest, OngoingWordsAreNotADueDay) {
  EXPECT_EQ(Run({"measures", "list", "--due-before", "长期实施"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--due-before"));
  EXPECT_TRUE(fake_.list_measures_requests().empty());
}

TEST_F(RegistryCommandsTest, ListReadsEveryPage) {
  ASSERT_EQ(Run({"measures", "list"}), 0) << err_.str();
  const auto requests = fake_.list_measures_requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].page_token(), "2");
  EXPECT_THAT(out_.str(), HasSubstr("a2-t1-m1"));
  EXPECT_THAT(out_.str(), HasSubstr("3 of 3 measures"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("next page")));
}

TEST_F(RegistryCommandsTest, PageSizeReadsOnePageAndPrintsTheNextToken) {
  ASSERT_EQ(Run({"measures", "list", "--page-size", "1"}), 0) << err_.str();
  ASSERT_EQ(fake_.list_measures_requests().size(), 1u);
  EXPECT_THAT(out_.str(), HasSubstr("1 of 3 measures"));
  EXPECT_THAT(out_.str(), HasSubstr("next page: --page-token 1"));
}

TEST_F(RegistryCommandsTest, TableColumnsAlignWithChineseText) {
  ASSERT_EQ(Run({"measures", "list"}), 0) << err_.str();
  std::vector<std::string> lines = absl::StrSplit(out_.str(), '\n');
  ASSERT_GE(lines.size(), 4u);
  // The TEXT column starts at the same display column on every row.
  const size_t header_text = lines[0].find("TEXT");
  ASSERT_NE(header_text, std::string::npos);
  const int text_column = DisplayWidth(lines[0].substr(0, header_text));
  const std::vector<std::string> texts = {"推广新能源车", "加强柴油货车", "推进污水处理"};
  for (size_t i = 0; i < texts.size(); ++i) {
    const size_t at = lines[i + 1].find(texts[i]);
    ASSERT_NE(at, std::string::npos) << lines[i + 1];
    EXPECT_EQ(DisplayWidth(lines[i + 1].substr(0, at)), text_column) << lines[i + 1];
  }
}

TEST_F(RegistryCommandsTest, MeasureUpdateReadsTheEtagAndBuildsTheMask) {
  ASSERT_EQ(Run({"measure", "update", "a1-t2-m1", "--deadline", "9月底前", "--members",
                 "相关镇街=城子街道、龙泉镇", "--reason", "区城指中心调整"}),
            0)
      << err_.str();
  EXPECT_THAT(fake_.get_measure_names(), ElementsAre(absl::StrCat(kPlan, "/measures/a1-t2-m1")));
  const v1::UpdateMeasureRequest request = fake_.update_request();
  EXPECT_EQ(request.etag(), "etag-a1-t2-m1");
  EXPECT_EQ(request.reason(), "区城指中心调整");
  EXPECT_THAT(request.update_mask().paths(), ElementsAre("deadline", "responsible_organizations"));
  EXPECT_EQ(request.measure().deadline().raw(), "9月底前");
  ASSERT_EQ(request.measure().responsible_organizations_size(), 2);
  EXPECT_EQ(request.measure().responsible_organizations(0).written_name(), "区交通局");
  EXPECT_EQ(request.measure().responsible_organizations(1).written_name(), "相关镇街");
  EXPECT_THAT(request.measure().responsible_organizations(1).members(),
              ElementsAre("城子街道", "龙泉镇"));
  EXPECT_THAT(out_.str(), HasSubstr("Updated a1-t2-m1 (revision 1)"));
}

TEST_F(RegistryCommandsTest, MeasureUpdateWithAnEtagSkipsTheRead) {
  EXPECT_EQ(Run({"measure", "update", "a1-t1-m1", "--leads", "区交通局,区发改委", "--etag", "old",
                 "--reason", "r"}),
            1);
  EXPECT_TRUE(fake_.get_measure_names().empty());
  EXPECT_THAT(fake_.update_request().update_mask().paths(), ElementsAre("lead_organizations"));
  EXPECT_EQ(fake_.update_request().measure().lead_organizations_size(), 2);
  EXPECT_EQ(err_.str(), "error: ABORTED: stale etag\n");
}

TEST_F(RegistryCommandsTest, MeasureUpdateNamesCheckpointsInThePlansWords) {
  ASSERT_EQ(Run({"measure", "update", "a1-t2-m1", "--checkpoints", "5月底前、按季度,两轮次",
                 "--reason", "督查室要求"}),
            0)
      << err_.str();
  const v1::UpdateMeasureRequest request = fake_.update_request();
  EXPECT_THAT(request.update_mask().paths(), ElementsAre("checkpoints"));
  ASSERT_EQ(request.measure().checkpoints_size(), 3);
  EXPECT_EQ(request.measure().checkpoints(0).phrase(), "5月底前");
  EXPECT_EQ(request.measure().checkpoints(1).phrase(), "按季度");
  EXPECT_EQ(request.measure().checkpoints(2).phrase(), "两轮次");
  // "" removes them all.
  ASSERT_EQ(Run({"measure", "update", "a1-t2-m1", "--checkpoints", "", "--reason", "r"}), 0)
      << err_.str();
  EXPECT_THAT(fake_.update_request().update_mask().paths(), ElementsAre("checkpoints"));
  EXPECT_EQ(fake_.update_request().measure().checkpoints_size(), 0);
}

TEST_F(RegistryCommandsTest, SupervisionCreateGeneratesAndPrintsARequestId) {
  ASSERT_EQ(Run({"supervision", "create", "--title", "道路扬尘整治", "--assigned-by", "区城指中心",
                 "--measure", "对主干道开展扬尘专项检查", "--deadline", "6月底前", "--leads",
                 "区城管委", "--responsibles", "各镇街"}),
            0)
      << err_.str();
  const v1::CreateSupervisionTaskRequest request = fake_.create_request();
  EXPECT_EQ(request.parent(), kPlan);
  ASSERT_FALSE(request.request_id().empty());
  EXPECT_THAT(err_.str(), HasSubstr(absl::StrCat("--request-id ", request.request_id())));
  ASSERT_EQ(request.measures_size(), 1);
  EXPECT_EQ(request.measures(0).deadline().raw(), "6月底前");
  EXPECT_EQ(request.measures(0).lead_organizations(0).written_name(), "区城管委");
  EXPECT_EQ(request.measures(0).responsible_organizations(0).written_name(), "各镇街");
  EXPECT_THAT(out_.str(), HasSubstr("Created supervision task s-1"));

  ASSERT_EQ(Run({"supervision", "create", "--title", "t", "--measure", "m", "--deadline", "年底前",
                 "--leads", "区城管委", "--request-id", "mine"}),
            0);
  EXPECT_EQ(fake_.create_request().request_id(), "mine");
  EXPECT_EQ(err_.str(), "");
}

}  // namespace
}  // namespace ecoplan::ctl::registry_test
