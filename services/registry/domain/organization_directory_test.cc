#include "services/registry/domain/organization_directory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ecoplan::registry {
namespace {

// common/testing's EXPECT_STATUS_CODE cannot be used: its parameter `code`
// also replaces the `.code()` call in its body.
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

using ::testing::ElementsAre;

std::vector<std::string> NamesOf(const std::vector<Organization>& orgs) {
  std::vector<std::string> out;
  for (const Organization& o : orgs) out.push_back(o.name);
  return out;
}

TEST(OrganizationIdTest, IsOPlusTenHexOfSha256) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(OrganizationIdFor("abc"), "o-ba7816bf8f");
  EXPECT_EQ(OrganizationIdFor("区生态环境局").size(), 12u);
}

TEST(ClassifyTest, KindsFromNames) {
  EXPECT_EQ(ClassifyOrganizationKind("永定镇"), OrganizationKind::kTown);
  EXPECT_EQ(ClassifyOrganizationKind("大峪街道"), OrganizationKind::kStreet);
  EXPECT_EQ(ClassifyOrganizationKind("中关村门头沟园管委会"), OrganizationKind::kManagementBody);
  EXPECT_EQ(ClassifyOrganizationKind("百花山管理处"), OrganizationKind::kManagementBody);
  EXPECT_EQ(ClassifyOrganizationKind("区城管委"), OrganizationKind::kDepartment);
  EXPECT_EQ(ClassifyOrganizationKind("区公安交通支队"), OrganizationKind::kDepartment);
}

TEST(ClassifyTest, GroupWords) {
  EXPECT_EQ(ClassifyGroupWord("各镇街"), OrgGroupKind::kAllTowns);
  EXPECT_EQ(ClassifyGroupWord(" 各街镇 "), OrgGroupKind::kAllTowns);
  EXPECT_EQ(ClassifyGroupWord("相关镇街"), OrgGroupKind::kRelatedTowns);
  EXPECT_EQ(ClassifyGroupWord("相关部门"), OrgGroupKind::kRelatedDepartments);
  EXPECT_EQ(ClassifyGroupWord("相关单位"), OrgGroupKind::kRelatedDepartments);
  EXPECT_EQ(ClassifyGroupWord("某某领导小组成员单位"), OrgGroupKind::kRelatedDepartments);
  EXPECT_EQ(ClassifyGroupWord("各部门"), OrgGroupKind::kAllDepartments);
  EXPECT_EQ(ClassifyGroupWord("区生态环境局"), OrgGroupKind::kNone);
}

class OrganizationDirectoryTest : public ::testing::Test {
 protected:
  OrganizationDirectory directory_ = OrganizationDirectory::FromWrittenNames(
      {"区发改委", "区生态环境局", "区发展改革委", "各镇街", "永定镇", "大峪街道", "区发改委",
       " 区住建委 ", "百花山管理处", "相关部门", ""});
};

TEST_F(OrganizationDirectoryTest, MergesAliasesUnderTheLongForm) {
  EXPECT_THAT(NamesOf(directory_.organizations()),
              ElementsAre("区住建委", "区发展改革委", "区生态环境局", "大峪街道", "永定镇",
                          "百花山管理处"));
  const Organization* ndrc = directory_.FindById(OrganizationIdFor("区发展改革委"));
  ASSERT_NE(ndrc, nullptr);
  EXPECT_THAT(ndrc->aliases, ElementsAre("区发展和改革委员会", "区发改委"));
  // Only the short form written: it is canonical, the long forms are aliases.
  const Organization* housing = directory_.FindById(OrganizationIdFor("区住建委"));
  ASSERT_NE(housing, nullptr);
  EXPECT_THAT(housing->aliases, ElementsAre("区住房城乡建设委", "区住房和城乡建设委员会"));
}

TEST_F(OrganizationDirectoryTest, ResolvesNamesAliasesAndGroupWords) {
  ASSERT_OK_AND_ASSIGN(OrgRef by_alias, directory_.Resolve("区发改委"));
  EXPECT_EQ(by_alias.written_name, "区发改委");
  EXPECT_EQ(by_alias.org_id, OrganizationIdFor("区发展改革委"));
  EXPECT_EQ(by_alias.group, OrgGroupKind::kNone);
  ASSERT_OK_AND_ASSIGN(OrgRef by_name, directory_.Resolve(" 区生态环境局"));
  EXPECT_EQ(by_name.org_id, OrganizationIdFor("区生态环境局"));

  ASSERT_OK_AND_ASSIGN(OrgRef all_towns, directory_.Resolve("各镇街"));
  EXPECT_EQ(all_towns.group, OrgGroupKind::kAllTowns);
  EXPECT_TRUE(all_towns.group_resolved);
  EXPECT_THAT(all_towns.member_ids,
              ElementsAre(OrganizationIdFor("大峪街道"), OrganizationIdFor("永定镇")));
  ASSERT_OK_AND_ASSIGN(OrgRef related, directory_.Resolve("相关镇街"));
  EXPECT_EQ(related.group, OrgGroupKind::kRelatedTowns);
  EXPECT_FALSE(related.group_resolved);
  EXPECT_TRUE(related.member_ids.empty());
  ASSERT_OK_AND_ASSIGN(OrgRef departments, directory_.Resolve("各部门"));
  EXPECT_EQ(departments.group, OrgGroupKind::kAllDepartments);
  EXPECT_TRUE(departments.group_resolved);
  EXPECT_EQ(departments.member_ids.size(), 3u);  // not the management body, towns or streets

  EXPECT_EQ(StatusOf(directory_.Resolve("区不存在局")).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(StatusOf(directory_.Resolve("")).code(), absl::StatusCode::kNotFound);
}

TEST_F(OrganizationDirectoryTest, FindsByIdAndListsByKind) {
  EXPECT_EQ(directory_.FindById("o-0000000000"), nullptr);
  EXPECT_THAT(NamesOf(directory_.List(OrganizationKind::kTown)), ElementsAre("永定镇"));
  EXPECT_THAT(NamesOf(directory_.List(OrganizationKind::kStreet)), ElementsAre("大峪街道"));
  EXPECT_THAT(NamesOf(directory_.List(OrganizationKind::kManagementBody)),
              ElementsAre("百花山管理处"));
  EXPECT_EQ(directory_.List().size(), 6u);
}

TEST_F(OrganizationDirectoryTest, MergesWithAnotherPlansOrganizations) {
  OrganizationDirectory other = OrganizationDirectory::FromWrittenNames({"区发改委", "区教委"});
  // In the other plan only 区发改委 is written, so it is canonical there: a different id.
  std::vector<Organization> merged = directory_.MergedWith(other.organizations());
  EXPECT_THAT(NamesOf(merged), ElementsAre("区住建委", "区发展改革委", "区发改委", "区教委",
                                           "区生态环境局", "大峪街道", "永定镇", "百花山管理处"));
  Organization extra = *directory_.FindById(OrganizationIdFor("区生态环境局"));
  extra.aliases = {"区环保局"};
  merged = directory_.MergedWith({extra});
  OrganizationDirectory again(merged);
  ASSERT_OK_AND_ASSIGN(OrgRef old_name, again.Resolve("区环保局"));
  EXPECT_EQ(old_name.org_id, OrganizationIdFor("区生态环境局"));
}

TEST(OrganizationDirectoryFromStoredTest, KeepsStoredOrganizations) {
  Organization a{"o-1", "区甲局", {"甲局"}, OrganizationKind::kDepartment};
  Organization b{"o-2", "乙镇", {}, OrganizationKind::kTown};
  OrganizationDirectory d({a, b, a});
  EXPECT_EQ(d.organizations().size(), 2u);
  ASSERT_OK_AND_ASSIGN(OrgRef ref, d.Resolve("甲局"));
  EXPECT_EQ(ref.org_id, "o-1");
  ASSERT_OK_AND_ASSIGN(OrgRef towns, d.Resolve("各镇街"));
  EXPECT_THAT(towns.member_ids, ElementsAre("o-2"));
}

}  // namespace
}  // namespace ecoplan::registry
