#include "services/registry/domain/task_registry.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/time/clock.h"
#include "services/registry/testing/blocking_registry.h"
#include "services/registry/testing/fake_plan_store.h"

namespace ecoplan::registry {
namespace {

std::string ReadSeed() {
  std::ifstream in(ECOPLAN_SEED_PATH, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class TaskRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(registry_.Load());
    ASSERT_OK_AND_ASSIGN(ImportResult result,
                         registry_.ImportPlan(seed_, false, "", {"import-1", "admin"}));
    plan_ = result.plan;
  }

  Measure GetMeasure(const std::string& id) {
    auto found = registry_.GetMeasure(plan_.id, id);
    EXPECT_OK(found);
    return found.ok() ? found->first : Measure{};
  }

  std::vector<std::string> MeasureIds(const MeasureQueryInput& query) {
    std::vector<std::string> ids;
    PageRequest page{1000, ""};
    auto result = registry_.ListMeasures(plan_.id, query, page);
    EXPECT_OK(result);
    if (!result.ok()) return ids;
    for (const auto& [m, task] : result->measures) ids.push_back(m->id);
    return ids;
  }

  std::string seed_ = ReadSeed();
  FakePlanStore store_;
  common::FakeClock clock_;
  BlockingRegistry registry_{&store_, &clock_};
  Plan plan_;
};

TEST_F(TaskRegistryTest, ImportsTheSeedPlan) {
  EXPECT_EQ(plan_.title, "美丽门头沟建设2026年行动计划");
  EXPECT_EQ(plan_.document_number, "门政办发〔2026〕1号");
  EXPECT_EQ(plan_.year, 2026);
  EXPECT_EQ(plan_.id.substr(0, 5), "2026-");
  EXPECT_EQ(plan_.import_time, clock_.Now());
  const std::vector<FakePlanStore::Event> events = store_.events();
  ASSERT_EQ(events.size(), 1u);
  const auto& event = std::get<PlanImported>(events[0]);
  EXPECT_EQ(event.plan_id, plan_.id);
  EXPECT_EQ(event.summary.measure_count, plan_.summary.measure_count);

  ASSERT_OK_AND_ASSIGN(Task task, registry_.GetTask(plan_.id, "a1-t3"));
  EXPECT_EQ(task.title, "推动机动车结构优化升级");
  EXPECT_EQ(task.measures.size(), 10u);
}

TEST_F(TaskRegistryTest, ReimportingTheSameDocumentChangesNothing) {
  ASSERT_OK_AND_ASSIGN(ImportResult again, registry_.ImportPlan(seed_, false, "", {}));
  EXPECT_TRUE(again.already_imported);
  EXPECT_EQ(again.plan.id, plan_.id);
  // CRLF line endings and a byte-order mark are the same document.
  const std::string crlf = "\xEF\xBB\xBF" + absl::StrReplaceAll(seed_, {{"\n", "\r\n"}});
  ASSERT_OK_AND_ASSIGN(ImportResult variant, registry_.ImportPlan(crlf, false, "", {}));
  EXPECT_TRUE(variant.already_imported);
  EXPECT_EQ(store_.events().size(), 1u);
  EXPECT_EQ(store_.plan_count(), 1u);
}

TEST_F(TaskRegistryTest, RejectsMalformedDocumentsAndWritesNothing) {
  // Cut at a line boundary in annex 1, as a transfer that stopped early would.
  const std::string truncated = seed_.substr(0, seed_.find('\n', seed_.size() / 3) + 1);
  absl::Status s = registry_.ImportPlan(truncated, false, "", {}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("line"), absl::string_view::npos) << s;
  EXPECT_STATUS_CODE(registry_.ImportPlan("", false, "", {}), absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(registry_.ImportPlan("\xff\xfe garbage", false, "", {}),
                     absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(registry_.ImportPlan(seed_, false, "Mars/Olympus", {}),
                     absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.events().size(), 1u);
}

TEST_F(TaskRegistryTest, ValidateOnlyWritesNothing) {
  FakePlanStore empty_store;
  BlockingRegistry fresh(&empty_store, &clock_);
  ASSERT_OK(fresh.Load());
  ASSERT_OK_AND_ASSIGN(ImportResult result, fresh.ImportPlan(seed_, true, "", {}));
  EXPECT_EQ(result.plan.id, plan_.id);
  EXPECT_FALSE(result.already_imported);
  EXPECT_EQ(empty_store.plan_count(), 0u);
  EXPECT_STATUS_CODE(fresh.GetPlan(plan_.id), absl::StatusCode::kNotFound);
}

TEST_F(TaskRegistryTest, AFailedWriteLeavesNothingVisible) {
  FakePlanStore failing;
  BlockingRegistry fresh(&failing, &clock_);
  ASSERT_OK(fresh.Load());
  failing.FailNextCommit(absl::UnavailableError("disk full"));
  EXPECT_STATUS_CODE(fresh.ImportPlan(seed_, false, "", {}), absl::StatusCode::kUnavailable);
  EXPECT_STATUS_CODE(fresh.GetPlan(plan_.id), absl::StatusCode::kNotFound);
  ASSERT_OK(fresh.ImportPlan(seed_, false, "", {}));  // and a retry succeeds
}

TEST_F(TaskRegistryTest, AnswersWhatAnOrganizationLeads) {
  MeasureQueryInput query;
  query.organization = "区交通局";
  query.role = OrgRole::kLead;
  const std::vector<std::string> leads = MeasureIds(query);
  EXPECT_NE(std::find(leads.begin(), leads.end(), "a1-t3-m2"), leads.end());
  EXPECT_EQ(std::find(leads.begin(), leads.end(), "a1-t3-m1"), leads.end());  // led by 区发改委
  query.role = OrgRole::kResponsible;
  const std::vector<std::string> responsible = MeasureIds(query);
  EXPECT_NE(std::find(responsible.begin(), responsible.end(), "a1-t3-m1"), responsible.end());

  // An alias finds the same organization.
  MeasureQueryInput by_alias;
  by_alias.organization = "区发改委";
  by_alias.role = OrgRole::kLead;
  const std::vector<std::string> ndrc = MeasureIds(by_alias);
  EXPECT_NE(std::find(ndrc.begin(), ndrc.end(), "a1-t3-m1"), ndrc.end());

  MeasureQueryInput unknown;
  unknown.organization = "区不存在局";
  EXPECT_STATUS_CODE(registry_.ListMeasures(plan_.id, unknown, {}), absl::StatusCode::kNotFound);
}

TEST_F(TaskRegistryTest, TownsOwnWhat各镇街Owns) {
  // Annex 1 task 1 names 各镇街 among its leads; every town leads it.
  MeasureQueryInput query;
  query.organization = "清水镇";
  query.role = OrgRole::kLead;
  const std::vector<std::string> ids = MeasureIds(query);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "a1-t1-m1"), ids.end());
}

TEST_F(TaskRegistryTest, FiltersByDeadlineAndFeatured) {
  MeasureQueryInput june;
  june.due_before = absl::CivilDay(2026, 6, 30);
  const std::vector<std::string> due_by_june = MeasureIds(june);
  ASSERT_EQ(due_by_june.size(), 1u);
  EXPECT_EQ(GetMeasure(due_by_june[0]).deadline.raw, "6月底前");

  MeasureQueryInput featured;
  featured.featured = true;
  const std::vector<std::string> stars = MeasureIds(featured);
  EXPECT_EQ(stars.size(), 7u);
  for (const std::string& id : stars) EXPECT_TRUE(GetMeasure(id).featured) << id;

  MeasureQueryInput ongoing;
  ongoing.deadline_kind = DeadlineKind::kOngoing;
  EXPECT_EQ(MeasureIds(ongoing).size(), static_cast<size_t>(plan_.summary.ongoing_deadline_count));
}

TEST_F(TaskRegistryTest, UpdatesAMeasureWithEtagAndAuditTrail) {
  const Measure before = GetMeasure("a1-t3-m2");
  clock_.Advance(absl::Hours(1));
  MeasureUpdate update;
  update.plan_id = plan_.id;
  update.measure_id = "a1-t3-m2";
  update.deadline_raw = "10月底";
  update.leads = std::vector<OrgRefInput>{{"区交通局", {}}, {"区发改委", {}}};
  update.etag = "r0";
  update.reason = "调度会调整";
  ASSERT_OK_AND_ASSIGN(Measure after, registry_.UpdateMeasure(update, {"u-1", "admin"}));
  EXPECT_EQ(after.revision, 1);
  EXPECT_EQ(after.deadline.raw, "10月底");
  EXPECT_EQ(after.deadline.due, absl::CivilDay(2026, 10, 31));
  ASSERT_EQ(after.leads.size(), 2u);
  EXPECT_EQ(after.text, before.text);
  EXPECT_EQ(GetMeasure("a1-t3-m2").revision, 1);

  ASSERT_OK_AND_ASSIGN(std::vector<MeasureRevision> revisions,
                       registry_.ListRevisions(plan_.id, "a1-t3-m2"));
  ASSERT_EQ(revisions.size(), 1u);
  EXPECT_EQ(revisions[0].before.deadline.raw, "年底前");
  EXPECT_EQ(revisions[0].after.deadline.raw, "10月底");
  EXPECT_EQ(revisions[0].actor, "admin");
  EXPECT_EQ(revisions[0].reason, "调度会调整");
  EXPECT_EQ(revisions[0].changed_fields,
            (std::vector<std::string>{"deadline", "lead_organizations"}));
  ASSERT_EQ(store_.events().size(), 2u);
  EXPECT_TRUE(std::holds_alternative<MeasureUpdated>(store_.events()[1]));

  // A retry of the same request is answered without a second revision.
  ASSERT_OK(registry_.UpdateMeasure(update, {"u-1", "admin"}));
  EXPECT_EQ(store_.events().size(), 2u);
  // The old etag is stale now.
  EXPECT_STATUS_CODE(registry_.UpdateMeasure(update, {"u-2", "admin"}), absl::StatusCode::kAborted);
  // The same request id for another change is refused.
  update.etag = "r1";
  update.reason = "另一次调整";
  EXPECT_STATUS_CODE(registry_.UpdateMeasure(update, {"u-1", "admin"}),
                     absl::StatusCode::kInvalidArgument);
}

TEST_F(TaskRegistryTest, RejectsBadUpdatesWithoutWriting) {
  MeasureUpdate update;
  update.plan_id = plan_.id;
  update.measure_id = "a1-t3-m2";
  update.etag = "r0";
  update.reason = "x";
  EXPECT_STATUS_CODE(registry_.UpdateMeasure(update, {}), absl::StatusCode::kInvalidArgument);
  update.deadline_raw = "找个时间";
  EXPECT_STATUS_CODE(registry_.UpdateMeasure(update, {}), absl::StatusCode::kInvalidArgument);
  update.deadline_raw.reset();
  update.leads = std::vector<OrgRefInput>{{"区不存在局", {}}};
  EXPECT_STATUS_CODE(registry_.UpdateMeasure(update, {}), absl::StatusCode::kInvalidArgument);
  update.leads = std::vector<OrgRefInput>{};
  EXPECT_STATUS_CODE(registry_.UpdateMeasure(update, {}), absl::StatusCode::kInvalidArgument);
  update.leads = std::vector<OrgRefInput>{{"区交通局", {}}};
  update.reason = "";
  EXPECT_STATUS_CODE(registry_.UpdateMeasure(update, {}), absl::StatusCode::kInvalidArgument);
  update.reason = "x";
  update.measure_id = "a9-t9-m9";
  EXPECT_STATUS_CODE(registry_.UpdateMeasure(update, {}), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.events().size(), 1u);
}

TEST_F(TaskRegistryTest, TheBureauCorrectsCheckpointsAndADeadlineMovesTheTextsOnes) {
  // a1-t25-m1: 按季度 … 一轮, due 年底前.
  const Measure imported = GetMeasure("a1-t25-m1");
  ASSERT_EQ(imported.checkpoints.size(), 2u);
  EXPECT_FALSE(imported.checkpoints_corrected);

  // Moving the deadline to September re-derives the quarters from the text.
  MeasureUpdate earlier;
  earlier.plan_id = plan_.id;
  earlier.measure_id = "a1-t25-m1";
  earlier.deadline_raw = "9月底前";
  earlier.etag = "r0";
  earlier.reason = "提前完成";
  ASSERT_OK_AND_ASSIGN(Measure moved, registry_.UpdateMeasure(earlier, {"u-1", "admin"}));
  ASSERT_EQ(moved.checkpoints.size(), 2u);
  EXPECT_EQ(moved.checkpoints[0].dues, (std::vector<absl::CivilDay>{absl::CivilDay(2026, 6, 30),
                                                                    absl::CivilDay(2026, 9, 30)}));
  EXPECT_EQ(moved.checkpoints[1].due, absl::CivilDay(2026, 9, 30));

  // The bureau names the checkpoints in the plan's own words.
  MeasureUpdate named;
  named.plan_id = plan_.id;
  named.measure_id = "a1-t25-m1";
  named.checkpoint_phrases = std::vector<std::string>{"每月", "两轮次"};
  named.etag = "r1";
  named.reason = "督查室要求逐月巡查";
  ASSERT_OK_AND_ASSIGN(Measure corrected, registry_.UpdateMeasure(named, {"u-2", "admin"}));
  EXPECT_TRUE(corrected.checkpoints_corrected);
  ASSERT_EQ(corrected.checkpoints.size(), 2u);
  EXPECT_EQ(corrected.checkpoints[0].recurrence, common::Recurrence::kMonthly);
  EXPECT_EQ(corrected.checkpoints[0].dues.size(), 6u);  // April .. September
  EXPECT_EQ(corrected.checkpoints[0].text_offset, -1);
  EXPECT_EQ(corrected.checkpoints[1].rounds, 2);
  ASSERT_OK_AND_ASSIGN(std::vector<MeasureRevision> revisions,
                       registry_.ListRevisions(plan_.id, "a1-t25-m1"));
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[1].changed_fields, (std::vector<std::string>{"checkpoints"}));
  EXPECT_EQ(revisions[1].before.checkpoints[0].phrase, "按季度");
  EXPECT_EQ(revisions[1].after.checkpoints[0].phrase, "每月");

  // A corrected list stays when the deadline moves again.
  MeasureUpdate later;
  later.plan_id = plan_.id;
  later.measure_id = "a1-t25-m1";
  later.deadline_raw = "年底前";
  later.etag = "r2";
  later.reason = "恢复原时限";
  ASSERT_OK_AND_ASSIGN(Measure kept, registry_.UpdateMeasure(later, {"u-3", "admin"}));
  EXPECT_EQ(kept.checkpoints[0].phrase, "每月");

  // A phrase that is not one checkpoint is refused, naming it; nothing is written.
  const size_t events = store_.events().size();
  MeasureUpdate bad = named;
  bad.etag = "r3";
  bad.checkpoint_phrases = std::vector<std::string>{"按季度", "定期"};
  const absl::StatusOr<Measure> refused = registry_.UpdateMeasure(bad, {"u-4", "admin"});
  EXPECT_STATUS_CODE(refused, absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("checkpoints[1].phrase"), std::string::npos);
  EXPECT_EQ(store_.events().size(), events);
  // An empty list removes them.
  bad.checkpoint_phrases = std::vector<std::string>{};
  ASSERT_OK_AND_ASSIGN(Measure cleared, registry_.UpdateMeasure(bad, {"u-5", "admin"}));
  EXPECT_TRUE(cleared.checkpoints.empty());
  EXPECT_TRUE(cleared.checkpoints_corrected);
}

TEST_F(TaskRegistryTest, NamesTheMembersOfARelatedTownsGroup) {
  // Annex 1 task 6 measure 1 is the responsibility of 相关镇街, members unknown.
  const Measure before = GetMeasure("a1-t6-m1");
  ASSERT_EQ(before.responsibles.size(), 1u);
  EXPECT_EQ(before.responsibles[0].group, OrgGroupKind::kRelatedTowns);
  EXPECT_FALSE(before.responsibles[0].group_resolved);
  MeasureUpdate update;
  update.plan_id = plan_.id;
  update.measure_id = "a1-t6-m1";
  update.responsibles = std::vector<OrgRefInput>{{"相关镇街", {"龙泉镇", "永定镇"}}};
  update.etag = "r0";
  update.reason = "明确相关镇街";
  ASSERT_OK_AND_ASSIGN(Measure after, registry_.UpdateMeasure(update, {}));
  ASSERT_EQ(after.responsibles.size(), 1u);
  EXPECT_TRUE(after.responsibles[0].group_resolved);
  EXPECT_EQ(after.responsibles[0].member_ids.size(), 2u);
  MeasureQueryInput query;
  query.organization = "永定镇";
  query.role = OrgRole::kResponsible;
  const std::vector<std::string> ids = MeasureIds(query);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "a1-t6-m1"), ids.end());
}

// A supervision task the command center assigns: cover the bare land along the 永定河.
SupervisionTaskDraft BareLandDraft(const std::string& plan_id) {
  SupervisionTaskDraft draft;
  draft.plan_id = plan_id;
  draft.title = "永定河沿线裸地苫盖";
  draft.assigned_by = "区城指中心";
  draft.measures.push_back({"对沿线裸地全部苫盖并拍照上传", "6月底前", {{"永定镇", {}}}, {}});
  return draft;
}

TEST_F(TaskRegistryTest, ASupervisionTaskIsAssignedByARegisteredOrganizationOnly) {
  SupervisionTaskDraft draft = BareLandDraft(plan_.id);
  draft.assigned_by = "区城市运行指挥中心";  // an alias: stored under the canonical name
  ASSERT_OK_AND_ASSIGN(Task task, registry_.CreateSupervisionTask(draft, {"a-1", "bureau"}));
  EXPECT_EQ(task.assigned_by, "区城指中心");
  draft.assigned_by = "区委督查组";  // no organization of the registry
  absl::StatusOr<Task> refused = registry_.CreateSupervisionTask(draft, {"a-2", "bureau"});
  EXPECT_STATUS_CODE(refused, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(),
            "assigned_by: \"区委督查组\" is not one organization of the registry "
            "(ListOrganizations shows them)");
  draft.assigned_by = "各镇街";  // a group is no one
  EXPECT_STATUS_CODE(registry_.CreateSupervisionTask(draft, {"a-3", "bureau"}),
                     absl::StatusCode::kInvalidArgument);
  draft.assigned_by = "";
  ASSERT_OK_AND_ASSIGN(task, registry_.CreateSupervisionTask(draft, {"a-4", "bureau"}));
  EXPECT_EQ(task.assigned_by, "");

  // A caller that assigns in its own organization's name only.
  ASSERT_OK_AND_ASSIGN(Resolution center, registry_.ResolveOrganization("区城指中心"));
  ASSERT_EQ(center.organizations.size(), 1u);
  draft.assigning_organization_id = center.organizations[0].id;
  ASSERT_OK_AND_ASSIGN(task, registry_.CreateSupervisionTask(draft, {"a-5", "center"}));
  EXPECT_EQ(task.assigned_by, "区城指中心");  // filled in
  draft.assigned_by = "区城管委";
  refused = registry_.CreateSupervisionTask(draft, {"a-6", "center"});
  EXPECT_STATUS_CODE(refused, absl::StatusCode::kPermissionDenied);
  draft.assigned_by = "";
  draft.assigning_organization_id = "o-0000000000";  // unknown to the registry
  EXPECT_STATUS_CODE(registry_.CreateSupervisionTask(draft, {"a-7", "center"}),
                     absl::StatusCode::kPermissionDenied);
}

TEST_F(TaskRegistryTest, CreatesSupervisionTasksIdempotently) {
  SupervisionTaskDraft draft = BareLandDraft(plan_.id);
  EXPECT_STATUS_CODE(registry_.CreateSupervisionTask(draft, {}),
                     absl::StatusCode::kInvalidArgument);  // request id required
  ASSERT_OK_AND_ASSIGN(Task task, registry_.CreateSupervisionTask(draft, {"s-1", "center"}));
  EXPECT_EQ(task.id, "s1");
  EXPECT_EQ(task.origin, TaskOrigin::kSupervision);
  ASSERT_EQ(task.measures.size(), 1u);
  EXPECT_EQ(task.measures[0].deadline.due, absl::CivilDay(2026, 6, 30));
  ASSERT_OK_AND_ASSIGN(Task again, registry_.CreateSupervisionTask(draft, {"s-1", "center"}));
  EXPECT_EQ(again.id, "s1");
  EXPECT_EQ(store_.events().size(), 2u);
  ASSERT_OK_AND_ASSIGN(Task second, registry_.CreateSupervisionTask(draft, {"s-2", "center"}));
  EXPECT_EQ(second.id, "s2");

  MeasureQueryInput query;
  query.origin = TaskOrigin::kSupervision;
  EXPECT_EQ(MeasureIds(query), (std::vector<std::string>{"s1-m1", "s2-m1"}));
  ASSERT_OK_AND_ASSIGN(Plan plan, registry_.GetPlan(plan_.id));
  EXPECT_EQ(plan.summary.supervision_task_count, 2);

  draft.measures[0].leads = {};
  EXPECT_STATUS_CODE(registry_.CreateSupervisionTask(draft, {"s-3", "center"}),
                     absl::StatusCode::kInvalidArgument);
}

TEST_F(TaskRegistryTest, AWriteWhileAnotherIsCommittedWaitsAndIsDecidedAfterIt) {
  const SupervisionTaskDraft draft = BareLandDraft(plan_.id);
  store_.hold_commits(true);
  struct Answer {
    absl::Notification done;
    absl::StatusOr<Task> task = absl::UnknownError("not answered");
  };
  Answer first, second;
  auto create = [&](const std::string& request_id, Answer* answer) {
    static_cast<TaskRegistry&>(registry_).CreateSupervisionTask(
        draft, {request_id, "center"}, [answer](absl::StatusOr<Task> task) {
          answer->task = std::move(task);
          answer->done.Notify();
        });
  };
  create("s-1", &first);
  create("s-2", &second);
  // The first is being committed: not answered, not visible; the second waits
  // for the key (it is neither refused nor committed).
  EXPECT_EQ(store_.held_commits(), 1u);
  EXPECT_FALSE(first.done.HasBeenNotified());
  EXPECT_FALSE(second.done.HasBeenNotified());
  ASSERT_OK_AND_ASSIGN(Plan plan, registry_.GetPlan(plan_.id));
  EXPECT_EQ(plan.summary.supervision_task_count, 0);
  store_.hold_commits(false);
  store_.ReleaseCommits();
  first.done.WaitForNotification();
  second.done.WaitForNotification();
  // Both landed, in order: the second was decided against the first's result.
  ASSERT_OK(first.task.status());
  ASSERT_OK(second.task.status());
  EXPECT_EQ(first.task->id, "s1");
  EXPECT_EQ(second.task->id, "s2");
  EXPECT_EQ(store_.events().size(), 3u);  // the import and the two tasks
  ASSERT_OK_AND_ASSIGN(plan, registry_.GetPlan(plan_.id));
  EXPECT_EQ(plan.summary.supervision_task_count, 2);
}

TEST_F(TaskRegistryTest, ARequestIdUsedForAnotherMethodIsRefusedAndARetryAnswersTheFirstResult) {
  const SupervisionTaskDraft draft = BareLandDraft(plan_.id);
  const std::string id(128, 'k');  // the longest id accepted
  ASSERT_OK_AND_ASSIGN(Task first, registry_.CreateSupervisionTask(draft, {id, "center"}));
  const size_t events = store_.events().size();

  MeasureUpdate update;
  update.plan_id = plan_.id;
  update.measure_id = "a1-t3-m2";
  update.deadline_raw = "9月底前";
  update.etag = "r0";
  update.reason = "调整";
  absl::StatusOr<Measure> reused = registry_.UpdateMeasure(update, {id, "admin"});
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      reused.status().message(),
      absl::StrCat("request_id \"", id, "\" was already used for CreateSupervisionTask of plans/",
                   plan_.id, "/tasks/", first.id, "; use a new request_id for a new request"));
  // The retry of the first call answers the task it created, and writes nothing.
  ASSERT_OK_AND_ASSIGN(Task again, registry_.CreateSupervisionTask(draft, {id, "center"}));
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.title, first.title);
  EXPECT_EQ(store_.events().size(), events);
  // Longer than 128 characters, or with a space: refused.
  EXPECT_STATUS_CODE(registry_.CreateSupervisionTask(draft, {std::string(129, 'k'), "center"}),
                     absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(registry_.CreateSupervisionTask(draft, {"s 9", "center"}),
                     absl::StatusCode::kInvalidArgument);
}

TEST_F(TaskRegistryTest, StateSurvivesAReloadFromTheStore) {
  MeasureUpdate update;
  update.plan_id = plan_.id;
  update.measure_id = "a2-t1-m1";
  update.deadline_raw = "9月底前";
  update.etag = "r0";
  update.reason = "提前";
  ASSERT_OK(registry_.UpdateMeasure(update, {}));
  BlockingRegistry reloaded(&store_, &clock_);
  ASSERT_OK(reloaded.Load());
  ASSERT_OK_AND_ASSIGN(auto found, reloaded.GetMeasure(plan_.id, "a2-t1-m1"));
  EXPECT_EQ(found.first.deadline.raw, "9月底前");
  ASSERT_OK_AND_ASSIGN(Resolution resolution, reloaded.ResolveOrganization("各镇街"));
  EXPECT_EQ(resolution.organizations.size(), 13u);
}

TEST_F(TaskRegistryTest, ResolvesOrganizations) {
  ASSERT_OK_AND_ASSIGN(Resolution alias, registry_.ResolveOrganization("区发改委"));
  ASSERT_EQ(alias.organizations.size(), 1u);
  ASSERT_OK_AND_ASSIGN(Resolution canonical,
                       registry_.ResolveOrganization(alias.organizations[0].name));
  EXPECT_EQ(canonical.reference.org_id, alias.reference.org_id);
  ASSERT_OK_AND_ASSIGN(Resolution towns, registry_.ResolveOrganization("各镇街"));
  EXPECT_EQ(towns.reference.group, OrgGroupKind::kAllTowns);
  EXPECT_EQ(towns.organizations.size(), 13u);
  EXPECT_STATUS_CODE(registry_.ResolveOrganization("火星局"), absl::StatusCode::kNotFound);
  EXPECT_STATUS_CODE(registry_.ResolveOrganization(""), absl::StatusCode::kInvalidArgument);

  ASSERT_OK_AND_ASSIGN(OrganizationPage towns_page,
                       registry_.ListOrganizations(OrganizationKind::kTown, {}));
  ASSERT_OK_AND_ASSIGN(OrganizationPage streets_page,
                       registry_.ListOrganizations(OrganizationKind::kStreet, {}));
  EXPECT_EQ(towns_page.organizations.size() + streets_page.organizations.size(), 13u);
}

TEST_F(TaskRegistryTest, ExportHoldsEveryTaskAndTheOrganizationsNamed) {
  ASSERT_OK_AND_ASSIGN(PlanExport exported, registry_.ExportPlan(plan_.id));
  EXPECT_EQ(static_cast<int>(exported.tasks.size()), plan_.summary.task_count);
  int measures = 0;
  for (const Task& t : exported.tasks) measures += static_cast<int>(t.measures.size());
  EXPECT_EQ(measures, plan_.summary.measure_count);
  EXPECT_EQ(static_cast<int>(exported.organizations.size()), plan_.summary.organization_count);
}

// ListMeasures finds an organization's measures through the plan's index by
// organization: every organization's pages (each role, two page sizes) are
// those of the walk over every measure of the plan.
TEST_F(TaskRegistryTest, ListsAnOrganizationsMeasuresAsTheFullWalkDoes) {
  ASSERT_OK_AND_ASSIGN(PlanExport exported, registry_.ExportPlan(plan_.id));
  ASSERT_GT(exported.organizations.size(), 10u);
  int compared = 0;
  for (const Organization& org : exported.organizations) {
    for (OrgRole role : {OrgRole::kEither, OrgRole::kLead, OrgRole::kResponsible}) {
      for (int size : {7, 1000}) {
        MeasureQueryInput input;
        input.organization = "organizations/" + org.id;
        input.role = role;
        const MeasureQuery resolved{input, org.id, ""};
        PageRequest request{size, ""};
        do {
          ASSERT_OK_AND_ASSIGN(MeasurePage indexed,
                               registry_.ListMeasures(plan_.id, input, request));
          ASSERT_OK_AND_ASSIGN(MeasurePage full,
                               ListMatchingMeasures(exported.tasks, resolved, plan_.id, request));
          ASSERT_EQ(indexed.measures.size(), full.measures.size()) << org.name;
          for (size_t i = 0; i < full.measures.size(); ++i) {
            EXPECT_EQ(indexed.measures[i].first->id, full.measures[i].first->id) << org.name;
            EXPECT_EQ(indexed.measures[i].second->id, full.measures[i].second->id) << org.name;
          }
          EXPECT_EQ(indexed.total_size, full.total_size) << org.name;
          EXPECT_EQ(indexed.next_page_token, full.next_page_token) << org.name;
          compared += static_cast<int>(full.measures.size());
          request.page_token = full.next_page_token;
        } while (!request.page_token.empty());
      }
    }
  }
  EXPECT_GT(compared, plan_.summary.measure_count);
}

}  // namespace
}  // namespace ecoplan::registry
