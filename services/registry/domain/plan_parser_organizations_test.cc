// The parser on the seed document: organization names as the layout splits
// them, group words, aliases.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/testing/status_matchers.h"
#include "services/registry/domain/plan_parser.h"
#include "services/registry/domain/plan_parser_test_util.h"

namespace ecoplan::registry::parser_test {
namespace {

using ::testing::ElementsAre;

TEST_F(PlanParserSeedTest, OrganizationNamesSplitByTheLayoutAreJoined) {
  const Measure& m = FindMeasure("a1-t35-m1");
  EXPECT_THAT(Names(m.responsibles), ElementsAre("区经信局", "中关村门头沟园管委会", "各镇街"));
  const Organization* park = FindOrg("中关村门头沟园管委会");
  ASSERT_NE(park, nullptr);
  EXPECT_EQ(park->kind, OrganizationKind::kManagementBody);
  EXPECT_EQ(FindOrg("中关村门头沟园"), nullptr);
  EXPECT_EQ(FindOrg("管委会"), nullptr);

  const Measure& g = FindMeasure("a3-t13-m2");
  ASSERT_EQ(g.responsibles.size(), 2u);
  EXPECT_EQ(g.responsibles[1].written_name, "区生态环境损害赔偿制度改革工作领导小组成员单位");
  EXPECT_EQ(g.responsibles[1].group, OrgGroupKind::kRelatedDepartments);
  EXPECT_FALSE(g.responsibles[1].group_resolved);
  EXPECT_TRUE(g.responsibles[1].member_ids.empty());
}

TEST_F(PlanParserSeedTest, GroupWordsAreNotOrganizations) {
  const Measure& m = FindMeasure("a3-t3-m2");  // 区政府办公室 | 相关部门, 各镇街
  EXPECT_THAT(Names(m.leads), ElementsAre("区政府办公室"));
  ASSERT_THAT(Names(m.responsibles), ElementsAre("相关部门", "各镇街"));
  EXPECT_EQ(m.responsibles[0].group, OrgGroupKind::kRelatedDepartments);
  EXPECT_FALSE(m.responsibles[0].group_resolved);
  EXPECT_EQ(m.responsibles[1].group, OrgGroupKind::kAllTowns);
  for (absl::string_view word : {"各镇街", "相关部门", "相关镇街", "管委会", "成员单位"}) {
    EXPECT_EQ(FindOrg(word), nullptr) << word;
  }
  int related_towns = 0;
  for (const Task& t : parsed_->tasks) {
    for (const Measure& me : t.measures) {
      for (const auto* refs : {&me.leads, &me.responsibles}) {
        for (const OrgRef& r : *refs) {
          if (r.group == OrgGroupKind::kRelatedTowns) {
            ++related_towns;
            EXPECT_FALSE(r.group_resolved);
          }
          if (r.group == OrgGroupKind::kNone) {
            EXPECT_FALSE(r.org_id.empty()) << r.written_name;
          }
        }
      }
    }
  }
  EXPECT_EQ(related_towns, 4);
}

TEST_F(PlanParserSeedTest, AliasesMergeIntoOneOrganization) {
  const Organization* ndrc = FindOrg("区发展改革委");
  ASSERT_NE(ndrc, nullptr);
  EXPECT_THAT(ndrc->aliases, ElementsAre("区发展和改革委员会", "区发改委"));
  EXPECT_EQ(ndrc->id, OrganizationIdFor("区发展改革委"));
  EXPECT_EQ(FindOrg("区发改委"), nullptr);
  // Both spellings in the document point at the same organization.
  const Measure& short_form = FindMeasure("a1-t3-m1");
  ASSERT_THAT(Names(short_form.leads), ElementsAre("区发改委"));
  EXPECT_EQ(short_form.leads[0].org_id, ndrc->id);
  int long_form = 0;
  for (const Task& t : parsed_->tasks) {
    for (const Measure& me : t.measures) {
      for (const OrgRef& r : me.leads) {
        if (r.written_name == "区发展改革委") {
          ++long_form;
          EXPECT_EQ(r.org_id, ndrc->id);
        }
      }
      for (const OrgRef& r : me.responsibles) {
        if (r.written_name == "区发展改革委") {
          ++long_form;
          EXPECT_EQ(r.org_id, ndrc->id);
        }
      }
    }
  }
  EXPECT_EQ(long_form, 1);
}

TEST_F(PlanParserSeedTest, ListsEveryOrganizationSortedByName) {
  std::vector<std::string> names;
  std::map<OrganizationKind, int> kinds;
  for (const Organization& o : parsed_->organizations) {
    names.push_back(o.name);
    ++kinds[o.kind];
    EXPECT_EQ(o.id, OrganizationIdFor(o.name));
    EXPECT_EQ(o.id.size(), 12u);
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(kinds[OrganizationKind::kDepartment], 32);
  EXPECT_EQ(kinds[OrganizationKind::kManagementBody], 2);
  EXPECT_EQ(kinds[OrganizationKind::kTown], 9);
  EXPECT_EQ(kinds[OrganizationKind::kStreet], 4);
  EXPECT_THAT(names,
              ElementsAre("东辛房街道", "中关村门头沟园管委会", "军庄镇", "区交通局", "区住建委",
                          "区公安交通支队", "区公安分局", "区公路分局", "区农业农村局", "区医保局",
                          "区卫健委", "区发展改革委", "区司法局", "区商务局", "区园林绿化局",
                          "区国资委", "区城指中心", "区城管委", "区城管执法局", "区市场监管局",
                          "区应急局", "区政府办公室", "区教委", "区文旅局", "区机关事务中心",
                          "区民政局", "区气象局", "区水务局", "区环卫中心", "区生态环境局",
                          "区经信局", "区统计局", "区规自分局", "区财政局", "区重大项目中心",
                          "城子街道", "大台街道", "大峪街道", "妙峰山镇", "斋堂镇", "永定镇",
                          "清水镇", "潭柘寺镇", "王平镇", "百花山管理处", "雁翅镇", "龙泉镇"));
}

}  // namespace
}  // namespace ecoplan::registry::parser_test
