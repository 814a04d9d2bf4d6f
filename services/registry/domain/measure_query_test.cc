#include "services/registry/domain/measure_query.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "common/text/normalize.h"

namespace ecoplan::registry {
namespace {

OrgRef Ref(const std::string& id) {
  OrgRef ref;
  ref.written_name = id;
  ref.org_id = id;
  return ref;
}

Measure MakeMeasure(const std::string& task_id, int ordinal, DeadlineKind kind,
                    std::optional<absl::CivilDay> due, std::vector<std::string> leads,
                    std::vector<std::string> responsibles, bool featured = false) {
  Measure m;
  m.id = task_id + "-m" + std::to_string(ordinal);
  m.task_id = task_id;
  m.ordinal = ordinal;
  m.text = "措施" + m.id;
  m.featured = featured;
  m.deadline.kind = kind;
  m.deadline.due = due;
  for (const std::string& id : leads) m.leads.push_back(Ref(id));
  for (const std::string& id : responsibles) m.responsibles.push_back(Ref(id));
  return m;
}

// Two annexes, five tasks, ten measures; the town group "各镇街" stands for t1 and t2.
std::vector<Task> SamplePlan() {
  std::vector<Task> tasks;
  for (int t = 1; t <= 5; ++t) {
    Task task;
    task.annex_number = t <= 3 ? 1 : 2;
    task.sequence_number = t <= 3 ? t : t - 3;
    task.id = "a" + std::to_string(task.annex_number) + "-t" + std::to_string(task.sequence_number);
    task.section_id = t <= 2 ? "s1" : "s2";
    task.subsection_id = task.section_id + ".1";
    task.title = "任务" + std::to_string(t);
    task.measures.push_back(MakeMeasure(task.id, 1, DeadlineKind::kDueDate,
                                        absl::CivilDay(2026, 12, 31), {"o-lead"}, {"o-resp"}));
    task.measures.push_back(MakeMeasure(task.id, 2, DeadlineKind::kDueDate,
                                        absl::CivilDay(2026, 6, 30), {"o-other"}, {}, t == 2));
    tasks.push_back(task);
  }
  OrgRef group{"各镇街", "", OrgGroupKind::kAllTowns, true, {"o-t1", "o-t2"}};
  tasks[4].measures[1].responsibles.push_back(group);
  tasks[3].measures[1].deadline = Deadline{"长期实施", DeadlineKind::kOngoing, {}, {}};
  return tasks;
}

std::vector<std::string> Ids(const MeasurePage& page) {
  std::vector<std::string> ids;
  for (const auto& [m, task] : page.measures) ids.push_back(m->id);
  return ids;
}

TEST(MeasureQueryTest, FiltersByOrganizationAndRole) {
  const std::vector<Task> tasks = SamplePlan();
  MeasureQuery lead{{}, "o-lead", ""};
  lead.input.organization = "o-lead";
  lead.input.role = OrgRole::kLead;
  ASSERT_OK_AND_ASSIGN(MeasurePage page, ListMatchingMeasures(tasks, lead, "p", {}));
  EXPECT_EQ(page.total_size, 5);
  EXPECT_EQ(Ids(page)[0], "a1-t1-m1");

  MeasureQuery as_responsible = lead;
  as_responsible.input.role = OrgRole::kResponsible;
  ASSERT_OK_AND_ASSIGN(page, ListMatchingMeasures(tasks, as_responsible, "p", {}));
  EXPECT_EQ(page.total_size, 0);

  MeasureQuery town{{}, "o-t2", ""};
  town.input.organization = "o-t2";
  ASSERT_OK_AND_ASSIGN(page, ListMatchingMeasures(tasks, town, "p", {}));
  EXPECT_EQ(Ids(page), std::vector<std::string>{"a2-t2-m2"});  // through the group's members
}

// Walks every page of `query` (pages of `size`) with or without the index;
// the ids, totals and tokens of each page in order.
std::vector<std::string> WalkPages(const std::vector<Task>& tasks,
                                   const MeasuresByOrganization* index, const MeasureQuery& query,
                                   int size) {
  std::vector<std::string> seen;
  PageRequest request{size, ""};
  do {
    absl::StatusOr<MeasurePage> page =
        index == nullptr ? ListMatchingMeasures(tasks, query, "p", request)
                         : ListMatchingMeasures(tasks, *index, query, "p", request);
    EXPECT_OK(page);
    if (!page.ok()) break;
    for (const std::string& id : Ids(*page)) seen.push_back(id);
    seen.push_back(absl::StrCat("total ", page->total_size, " next ", page->next_page_token));
    request.page_token = page->next_page_token;
  } while (!request.page_token.empty());
  return seen;
}

TEST(MeasureQueryTest, TheOrganizationIndexGivesTheSamePagesAsTheFullWalk) {
  const std::vector<Task> tasks = SamplePlan();
  const MeasuresByOrganization index = IndexMeasuresByOrganization(tasks);
  ASSERT_TRUE(index.contains("o-lead"));
  ASSERT_TRUE(index.contains("o-t2"));  // a group's member
  std::vector<std::string> orgs = {"o-unknown"};
  for (const auto& [org, positions] : index) orgs.push_back(org);
  for (const std::string& org : orgs) {
    for (OrgRole role : {OrgRole::kEither, OrgRole::kLead, OrgRole::kResponsible}) {
      for (int size : {1, 2, 100}) {
        MeasureQuery q{{}, org, ""};
        q.input.organization = org;
        q.input.role = role;
        const std::vector<std::string> full = WalkPages(tasks, nullptr, q, size);
        EXPECT_EQ(WalkPages(tasks, &index, q, size), full)
            << org << " role " << static_cast<int>(role) << " size " << size;
        q.input.due_before = absl::CivilDay(2026, 6, 30);  // with another filter too
        EXPECT_EQ(WalkPages(tasks, &index, q, size), WalkPages(tasks, nullptr, q, size)) << org;
      }
    }
  }
  // No organization: the full walk.
  MeasureQuery all;
  EXPECT_EQ(WalkPages(tasks, &index, all, 3), WalkPages(tasks, nullptr, all, 3));
}

TEST(MeasureQueryTest, FiltersByDueRangeAndExcludesOngoingWork) {
  const std::vector<Task> tasks = SamplePlan();
  MeasureQuery q;
  q.input.due_before = absl::CivilDay(2026, 6, 30);
  ASSERT_OK_AND_ASSIGN(MeasurePage page, ListMatchingMeasures(tasks, q, "p", {}));
  EXPECT_EQ(page.total_size, 4);  // five June measures, one of them made ongoing
  for (const auto& [m, task] : page.measures) EXPECT_EQ(m->ordinal, 2);

  q.input.due_before.reset();
  q.input.due_after = absl::CivilDay(2026, 7, 1);
  ASSERT_OK_AND_ASSIGN(page, ListMatchingMeasures(tasks, q, "p", {}));
  EXPECT_EQ(page.total_size, 5);
}

TEST(MeasureQueryTest, FiltersByAnnexSectionFeaturedAndText) {
  const std::vector<Task> tasks = SamplePlan();
  MeasureQuery q;
  q.input.annex_number = 2;
  q.input.section_id = "s2.1";
  ASSERT_OK_AND_ASSIGN(MeasurePage page, ListMatchingMeasures(tasks, q, "p", {}));
  EXPECT_EQ(page.total_size, 4);
  q = MeasureQuery{};
  q.input.featured = true;
  ASSERT_OK_AND_ASSIGN(page, ListMatchingMeasures(tasks, q, "p", {}));
  EXPECT_EQ(Ids(page), std::vector<std::string>{"a1-t2-m2"});
  q = MeasureQuery{};
  q.input.text_contains = "任务3";
  ASSERT_OK_AND_ASSIGN(page, ListMatchingMeasures(tasks, q, "p", {}));
  EXPECT_EQ(page.total_size, 2);
}

TEST(MeasureQueryTest, TextFilterMatchesTextsAsWrittenInEitherWidth) {
  // Texts are stored as the document writes them; the filter compares the
  // normalized forms when the plain comparison misses.
  std::vector<Task> tasks = SamplePlan();
  tasks[0].measures[0].text = "持续开展生态问题“监测－核查－整改”闭环管理";
  tasks[1].measures[0].text = "按“监测-核查-整改”闭环处置";
  for (const std::string wanted : {"监测-核查", "监测－核查"}) {
    MeasureQuery q;
    q.input.text_contains = wanted;
    q.normalized_text_contains = common::NormalizeDocumentText(wanted);
    ASSERT_OK_AND_ASSIGN(MeasurePage page, ListMatchingMeasures(tasks, q, "p", {}));
    EXPECT_EQ(Ids(page),
              (std::vector<std::string>{tasks[0].measures[0].id, tasks[1].measures[0].id}))
        << wanted;
    // What is listed is the text as written.
    EXPECT_EQ(page.measures[0].first->text, tasks[0].measures[0].text);
  }
}

TEST(MeasureQueryTest, PagesCoverEverythingOnceAndTokensAreBoundToTheFilter) {
  const std::vector<Task> tasks = SamplePlan();
  MeasureQuery q;
  std::vector<std::string> seen;
  PageRequest request{3, ""};
  int pages = 0;
  do {
    ASSERT_OK_AND_ASSIGN(MeasurePage page, ListMatchingMeasures(tasks, q, "p", request));
    EXPECT_EQ(page.total_size, 10);
    for (const std::string& id : Ids(page)) seen.push_back(id);
    request.page_token = page.next_page_token;
    ++pages;
  } while (!request.page_token.empty());
  EXPECT_EQ(pages, 4);
  ASSERT_EQ(seen.size(), 10u);
  EXPECT_EQ(seen.front(), "a1-t1-m1");
  EXPECT_EQ(seen.back(), "a2-t2-m2");

  ASSERT_OK_AND_ASSIGN(MeasurePage first, ListMatchingMeasures(tasks, q, "p", {3, ""}));
  MeasureQuery other;
  other.input.annex_number = 1;
  EXPECT_STATUS_CODE(ListMatchingMeasures(tasks, other, "p", {3, first.next_page_token}),
                     absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(ListMatchingMeasures(tasks, q, "p", {3, "garbage!"}),
                     absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(ListMatchingMeasures(tasks, q, "p", {1001, ""}),
                     absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(ListMatchingMeasures(tasks, q, "p", {-1, ""}),
                     absl::StatusCode::kInvalidArgument);
}

TEST(MeasureQueryTest, PagesStayStableWhenTasksAreAppended) {
  std::vector<Task> tasks = SamplePlan();
  MeasureQuery q;
  ASSERT_OK_AND_ASSIGN(TaskPage first, ListMatchingTasks(tasks, q, "p", {2, ""}));
  ASSERT_EQ(first.tasks.size(), 2u);
  Task appended = tasks[0];
  appended.id = "s1";
  appended.origin = TaskOrigin::kSupervision;
  tasks.push_back(appended);
  ASSERT_OK_AND_ASSIGN(TaskPage second,
                       ListMatchingTasks(tasks, q, "p", {2, first.next_page_token}));
  ASSERT_EQ(second.tasks.size(), 2u);
  EXPECT_EQ(second.tasks[0].id, "a1-t3");
  EXPECT_EQ(second.total_size, 6);
}

TEST(MeasureQueryTest, ListTasksKeepsOnlyMatchingMeasures) {
  const std::vector<Task> tasks = SamplePlan();
  MeasureQuery q;
  q.input.featured = true;
  ASSERT_OK_AND_ASSIGN(TaskPage page, ListMatchingTasks(tasks, q, "p", {}));
  ASSERT_EQ(page.tasks.size(), 1u);
  EXPECT_EQ(page.tasks[0].id, "a1-t2");
  ASSERT_EQ(page.tasks[0].measures.size(), 1u);
  EXPECT_EQ(page.tasks[0].measures[0].id, "a1-t2-m2");
}

TEST(MeasureQueryTest, ValidatesFilter) {
  MeasureQueryInput in;
  in.role = OrgRole::kLead;
  EXPECT_STATUS_CODE(ValidateQuery(in), absl::StatusCode::kInvalidArgument);
  in = MeasureQueryInput{};
  in.due_after = absl::CivilDay(2026, 7, 1);
  in.due_before = absl::CivilDay(2026, 6, 1);
  EXPECT_STATUS_CODE(ValidateQuery(in), absl::StatusCode::kInvalidArgument);
  in = MeasureQueryInput{};
  in.annex_number = -1;
  EXPECT_STATUS_CODE(ValidateQuery(in), absl::StatusCode::kInvalidArgument);
  in = MeasureQueryInput{};
  in.text_contains = std::string(101, 'x');
  EXPECT_STATUS_CODE(ValidateQuery(in), absl::StatusCode::kInvalidArgument);
  in.text_contains = "";
  for (int i = 0; i < 100; ++i) in.text_contains += "镇";  // 100 characters, 300 bytes
  EXPECT_OK(ValidateQuery(in));
  EXPECT_OK(ValidateQuery(MeasureQueryInput{}));
}

}  // namespace
}  // namespace ecoplan::registry
