#include "services/indicator/registry_plan_follower.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/event_log.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/indicator/testing/follower_test_fixture.h"

namespace ecoplan::indicator {
namespace {

namespace rv1 = ::ecoplan::registry::v1;

constexpr char kPlan[] = "2026-resync";

// The registry as the follower sees it: ExportPlan answers the plan as it is now.
class FakeRegistry final : public rv1::RegistryService::Service {
 public:
  void Set(rv1::ExportPlanResponse exported) {
    absl::MutexLock lock(&mu_);
    exported_ = std::move(exported);
  }
  grpc::Status ExportPlan(grpc::ServerContext*, const rv1::ExportPlanRequest* request,
                          rv1::ExportPlanResponse* response) override {
    absl::MutexLock lock(&mu_);
    if (request->name() != exported_.plan().name()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such plan");
    }
    *response = exported_;
    return grpc::Status::OK;
  }

 private:
  absl::Mutex mu_;
  rv1::ExportPlanResponse exported_ ABSL_GUARDED_BY(mu_);
};

rv1::TableRow Row(std::initializer_list<const char*> cells) {
  rv1::TableRow row;
  for (const char* text : cells) {
    rv1::TableCell* cell = row.add_cells();
    cell->set_text(text);
    cell->set_state(rv1::CELL_STATE_VALUE);
  }
  return row;
}

// A plan whose annex 4 has the district's PM2.5 (A), good-day ratio (B, only
// when `with_good_days`) and heavy-pollution days (C), and whose measure
// a1-t9-m1 (only when `with_measure`) states a quantitative target (D's source).
rv1::ExportPlanResponse Export(bool with_good_days, bool with_measure) {
  rv1::ExportPlanResponse e;
  rv1::Plan* plan = e.mutable_plan();
  plan->set_name(absl::StrCat("plans/", kPlan));
  plan->set_year(2026);
  plan->set_district("门头沟区");
  rv1::Annex* annex = plan->add_annexes();
  annex->set_number(4);
  annex->set_kind(rv1::ANNEX_KIND_INDICATOR_TABLE);
  rv1::IndicatorTable* table = annex->add_indicator_tables();
  table->set_index(0);
  if (with_good_days) {
    *table->add_header_rows() =
        Row({"区", "PM2.5年均浓度（微克/立方米）", "优良天数比率（%）", "重污染天数（天）"});
    *table->add_rows() = Row({"门头沟区", "27", "78", "3"});
  } else {
    *table->add_header_rows() = Row({"区", "PM2.5年均浓度（微克/立方米）", "重污染天数（天）"});
    *table->add_rows() = Row({"门头沟区", "27", "3"});
  }
  rv1::Organization* org = e.add_organizations();
  org->set_name("organizations/o-city");
  org->set_display_name("区城市管理委");
  rv1::Task* task = e.add_tasks();
  task->set_name(absl::StrCat("plans/", kPlan, "/tasks/a1-t9"));
  rv1::Measure* keep = task->add_measures();
  keep->set_name(absl::StrCat("plans/", kPlan, "/measures/a1-t9-m2"));
  keep->set_text("加强道路清扫保洁。");
  keep->add_lead_organizations()->set_organization("organizations/o-city");
  if (with_measure) {
    rv1::Measure* m = task->add_measures();
    m->set_name(absl::StrCat("plans/", kPlan, "/measures/a1-t9-m1"));
    m->set_text("城市道路车行道机械化作业率达到97.5%。");
    m->add_lead_organizations()->set_organization("organizations/o-city");
  }
  return e;
}

class RegistryPlanFollowerTest
    : public FollowerTest<rv1::RegistryService, FakeRegistry, RegistryPlanFollower> {
 protected:
  RegistryPlanFollowerTest() : FollowerTest(absl::CivilDay(2026, 4, 1)) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartUpstream());
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    follower_ = std::make_unique<RegistryPlanFollower>(evaluator_.get(), store_.get(), stub_.get(),
                                                       absl::Seconds(10), QuietLogger());
  }

  // The registry now exports `exported`; the follower handles its PlanImported
  // and the effect is committed, as the EventFollower does.
  void Import(rv1::ExportPlanResponse exported) {
    registry_.Set(std::move(exported));
    clock_.Advance(absl::Hours(1));
    rv1::PlanImported payload;
    payload.set_plan(absl::StrCat("plans/", kPlan));
    Follow(payload, payload.plan());
  }

  Indicator Get(const std::string& id) {
    absl::StatusOr<Indicator> ind = evaluator_->GetIndicator(kPlan, id);
    EXPECT_TRUE(ind.ok()) << id << ": " << ind.status();
    return ind.ok() ? *ind : Indicator{};
  }

  // Waits for an asynchronous evaluator write.
  static absl::StatusOr<Indicator> Await(const std::function<void(Done<Indicator>)>& call) {
    absl::Notification done;
    absl::StatusOr<Indicator> result = absl::UnknownError("not called");
    call([&](absl::StatusOr<Indicator> r) {
      result = std::move(r);
      done.Notify();
    });
    if (!done.WaitForNotificationWithTimeout(absl::Seconds(30))) {
      return absl::DeadlineExceededError("no answer");
    }
    return result;
  }

  FakeRegistry& registry_ = fake_;
};

TEST_F(RegistryPlanFollowerTest,
       RetiresWhatThePlanNoLongerProducesReinstatesItAndLeavesHandWorkAlone) {
  // v1: A, B, C from annex 4 and D from the text of measure a1-t9-m1.
  Import(Export(/*with_good_days=*/true, /*with_measure=*/true));
  const Indicator a1 = Get("a4-pm25");
  const Indicator b1 = Get("a4-good-days");
  const Indicator c1 = Get("a4-heavy-days");
  for (const Indicator& i : {a1, b1, c1}) {
    EXPECT_EQ(i.origin, Origin::kAnnex4) << i.id;
    EXPECT_EQ(i.revision, 1) << i.id;
    EXPECT_FALSE(i.retired) << i.id;
  }
  std::string d_id;
  for (const Indicator& i : evaluator_->ListIndicators(kPlan, true, Origin::kUnspecified)) {
    if (i.origin == Origin::kMeasureText &&
        std::find(i.measures.begin(), i.measures.end(), "a1-t9-m1") != i.measures.end()) {
      d_id = i.id;
    }
  }
  ASSERT_FALSE(d_id.empty()) << "measure a1-t9-m1 built no indicator";
  // An administrator corrects D and creates E by hand.
  Indicator correction;
  correction.target_value = 98;
  ASSERT_OK_AND_ASSIGN(Indicator d_corrected, Await([&](Done<Indicator> done) {
                         evaluator_->UpdateIndicator(kPlan, d_id, correction, {"target_value"},
                                                     IndicatorEtag(Get(d_id)), "区城管委更正", "",
                                                     "admin", std::move(done));
                       }));
  EXPECT_TRUE(d_corrected.manually_corrected);
  Indicator e;
  e.plan_id = kPlan;
  e.id = "hand-made";
  e.display_name = "手工指标";
  e.comparator = Comparator::kAtLeast;
  e.target_value = 1;
  e.period_start = absl::CivilDay(2026, 1, 1);
  e.period_end = absl::CivilDay(2026, 12, 31);
  ASSERT_OK_AND_ASSIGN(Indicator e_created, Await([&](Done<Indicator> done) {
                         evaluator_->CreateIndicator(e, "by hand", "", "admin", std::move(done));
                       }));

  // v2 drops B's column and D's measure.
  Import(Export(/*with_good_days=*/false, /*with_measure=*/false));
  const Indicator b2 = Get("a4-good-days");
  EXPECT_TRUE(b2.retired);
  EXPECT_TRUE(b2.retired_by_sync);
  EXPECT_TRUE(absl::StrContains(b2.retired_reason, "no longer produces it")) << b2.retired_reason;
  EXPECT_EQ(b2.revision, 2);
  ASSERT_OK_AND_ASSIGN(std::vector<IndicatorRevision> b_history,
                       evaluator_->ListRevisions(kPlan, "a4-good-days"));
  ASSERT_EQ(b_history.size(), 2u);
  EXPECT_EQ(b_history.back().revision, 2);
  EXPECT_EQ(b_history.back().actor, "registry sync");
  EXPECT_EQ(b_history.back().reason, b2.retired_reason);
  ASSERT_TRUE(b_history.back().before.has_value());
  EXPECT_FALSE(b_history.back().before->retired);
  EXPECT_TRUE(b_history.back().after.retired);
  // Not listed among the active indicators, still there with the retired ones.
  bool listed = false;
  for (const Indicator& i : evaluator_->ListIndicators(kPlan, false, Origin::kUnspecified)) {
    listed = listed || i.id == "a4-good-days";
  }
  EXPECT_FALSE(listed);
  EXPECT_EQ(Get("a4-pm25"), a1);
  EXPECT_EQ(Get("a4-heavy-days"), c1);
  EXPECT_EQ(Get(d_id), d_corrected);
  EXPECT_EQ(Get("hand-made"), e_created);
  ASSERT_OK_AND_ASSIGN(std::vector<IndicatorRevision> a_history,
                       evaluator_->ListRevisions(kPlan, "a4-pm25"));
  EXPECT_EQ(a_history.size(), 1u);

  // v3 brings B back: reinstated, with its history.
  Import(Export(/*with_good_days=*/true, /*with_measure=*/false));
  const Indicator b3 = Get("a4-good-days");
  EXPECT_FALSE(b3.retired);
  EXPECT_FALSE(b3.retired_by_sync);
  EXPECT_EQ(b3.retired_reason, "");
  EXPECT_EQ(b3.revision, 3);
  EXPECT_EQ(b3.target_value, b1.target_value);
  ASSERT_OK_AND_ASSIGN(b_history, evaluator_->ListRevisions(kPlan, "a4-good-days"));
  ASSERT_EQ(b_history.size(), 3u);
  EXPECT_TRUE(absl::StrContains(b_history.back().reason, "reinstated")) << b_history.back().reason;
  EXPECT_EQ(Get("a4-pm25"), a1);
  EXPECT_EQ(Get("a4-heavy-days"), c1);
  EXPECT_EQ(Get(d_id), d_corrected);
  EXPECT_EQ(Get("hand-made"), e_created);

  // What was committed is what the evaluator holds: a restart reads the same.
  follower_.reset();
  evaluator_ = std::make_unique<IndicatorEvaluator>(store_.get(), &clock_, &ingest_);
  ASSERT_OK(evaluator_->Load());
  EXPECT_EQ(Get("a4-good-days"), b3);
  EXPECT_EQ(Get(d_id), d_corrected);
}

TEST_F(RegistryPlanFollowerTest, AHandRetiredIndicatorStaysRetiredWhenThePlanProducesItAgain) {
  Import(Export(/*with_good_days=*/true, /*with_measure=*/false));
  ASSERT_OK_AND_ASSIGN(Indicator retired, Await([&](Done<Indicator> done) {
                         evaluator_->RetireIndicator(kPlan, "a4-heavy-days",
                                                     IndicatorEtag(Get("a4-heavy-days")),
                                                     "监测口径调整", "", "admin", std::move(done));
                       }));
  EXPECT_TRUE(retired.retired);
  EXPECT_FALSE(retired.retired_by_sync);
  Import(Export(/*with_good_days=*/false, /*with_measure=*/false));
  Import(Export(/*with_good_days=*/true, /*with_measure=*/false));
  EXPECT_EQ(Get("a4-heavy-days"), retired);
  EXPECT_FALSE(Get("a4-good-days").retired);
}

TEST_F(RegistryPlanFollowerTest, AHandEditStillBeingCommittedIsNotOverwrittenByASync) {
  Import(Export(/*with_good_days=*/true, /*with_measure=*/false));
  // Hold the committer, so the administrator's correction of B is in flight
  // (queued, not yet durable) while the sync of a plan without B is prepared.
  absl::Notification committer_held, release;
  db_->CommitAsync(common::WriteRequest(), [&](absl::StatusOr<common::CommitResult>) {
    committer_held.Notify();
    release.WaitForNotification();
  });
  committer_held.WaitForNotification();
  Indicator correction;
  correction.target_value = 80;
  absl::Notification corrected;
  absl::StatusOr<Indicator> edit = absl::UnknownError("not answered");
  evaluator_->UpdateIndicator(kPlan, "a4-good-days", correction, {"target_value"},
                              IndicatorEtag(Get("a4-good-days")), "区生态环境局更正", "", "admin",
                              [&](absl::StatusOr<Indicator> r) {
                                edit = std::move(r);
                                corrected.Notify();
                              });
  registry_.Set(Export(/*with_good_days=*/false, /*with_measure=*/false));
  rv1::PlanImported payload;
  payload.set_plan(absl::StrCat("plans/", kPlan));
  common::v1::Event event = common::MakeEvent(payload, payload.plan());
  event.set_sequence(++sequence_);
  ASSERT_OK_AND_ASSIGN(common::FollowEffect sync, follower_->Handle(event));
  release.Notify();
  ASSERT_TRUE(corrected.WaitForNotificationWithTimeout(absl::Seconds(30)));
  ASSERT_OK(edit.status());
  ASSERT_OK(db_->Commit(std::move(sync.write)).status());
  if (sync.on_committed) sync.on_committed();
  // The hand edit stands, in memory and on disk (a fresh evaluator loads it).
  EXPECT_EQ(Get("a4-good-days"), *edit);
  EXPECT_FALSE(edit->retired);
  IndicatorEvaluator reloaded(store_.get(), &clock_, &ingest_);
  ASSERT_OK(reloaded.Load());
  ASSERT_OK_AND_ASSIGN(Indicator stored, reloaded.GetIndicator(kPlan, "a4-good-days"));
  EXPECT_EQ(stored, *edit);
}

TEST_F(RegistryPlanFollowerTest, TheViewKeepsResponsibleOrganizationsByCanonicalName) {
  rv1::ExportPlanResponse e = Export(/*with_good_days=*/false, /*with_measure=*/false);
  const std::vector<std::pair<std::string, std::string>> orgs = {
      {"o-town1", "甲镇"}, {"o-town2", "乙街道"}, {"o-water", "区水务局"}};
  for (const auto& [id, name] : orgs) {
    rv1::Organization* o = e.add_organizations();
    o->set_name(absl::StrCat("organizations/", id));
    o->set_display_name(name);
  }
  rv1::Measure* m = e.mutable_tasks(0)->mutable_measures(0);
  // The lead again (not listed twice), 各镇街 (its members), an alias.
  rv1::OrgRef* lead = m->add_responsible_organizations();
  lead->set_written_name("区城管委");
  lead->set_organization("organizations/o-city");
  rv1::OrgRef* towns = m->add_responsible_organizations();
  towns->set_written_name("各镇街");
  towns->mutable_group()->set_word("各镇街");
  towns->mutable_group()->set_kind(rv1::ORG_GROUP_KIND_ALL_TOWNS);
  towns->mutable_group()->set_resolved(true);
  towns->add_members("organizations/o-town1");
  towns->add_members("organizations/o-town2");
  rv1::OrgRef* water = m->add_responsible_organizations();
  water->set_written_name("区水务");
  water->set_organization("organizations/o-water");
  ASSERT_NO_FATAL_FAILURE(Import(e));
  auto responsible = [&]() -> std::vector<std::string> {
    absl::StatusOr<std::map<std::string, PlanView>> views = store_->LoadPlanViews();
    EXPECT_TRUE(views.ok()) << views.status();
    if (!views.ok() || !views->count(kPlan)) return {};
    for (const MeasureView& v : views->at(kPlan).measures) {
      if (v.id == "a1-t9-m2") return v.responsible_organizations;
    }
    return {};
  };
  EXPECT_THAT(responsible(), ::testing::ElementsAre("甲镇", "乙街道", "区水务局"));

  // A MeasureUpdated names organizations by resource name and as written:
  // the follower resolves them to canonical names through the plan's export.
  rv1::MeasureUpdated updated;
  rv1::Measure* after = updated.mutable_revision()->mutable_after();
  *after = *m;
  after->clear_responsible_organizations();
  *after->add_responsible_organizations() = *water;
  *after->add_responsible_organizations() = *towns;
  common::v1::Event event = common::MakeEvent(updated, after->name());
  event.set_sequence(++sequence_);
  ASSERT_OK_AND_ASSIGN(common::FollowEffect effect, follower_->Handle(event));
  ASSERT_OK(db_->Commit(std::move(effect.write)).status());
  if (effect.on_committed) effect.on_committed();
  EXPECT_THAT(responsible(), ::testing::ElementsAre("区水务局", "甲镇", "乙街道"));
}

TEST_F(RegistryPlanFollowerTest, TheViewKeepsTheCheckpointsOfTheMeasureText) {
  rv1::ExportPlanResponse e = Export(/*with_good_days=*/false, /*with_measure=*/false);
  rv1::Measure* m = e.mutable_tasks(0)->mutable_measures(0);
  rv1::Checkpoint* quarterly = m->add_checkpoints();
  quarterly->set_phrase("按季度");
  quarterly->set_kind(rv1::CHECKPOINT_KIND_RECURRING);
  quarterly->set_recurrence(rv1::CHECKPOINT_RECURRENCE_QUARTERLY);
  for (int month : {6, 9, 12}) {
    common::v1::Date* d = quarterly->add_due_dates();
    d->set_year(2026);
    d->set_month(month);
    d->set_day(month == 6 || month == 9 ? 30 : 31);
  }
  rv1::Checkpoint* may = m->add_checkpoints();
  may->set_phrase("5月底前");
  may->set_kind(rv1::CHECKPOINT_KIND_DUE);
  may->mutable_due_date()->set_year(2026);
  may->mutable_due_date()->set_month(5);
  may->mutable_due_date()->set_day(31);
  m->set_text(m->text() + "发现问题动态清零。");
  ASSERT_NO_FATAL_FAILURE(Import(e));
  ASSERT_OK_AND_ASSIGN(auto views, store_->LoadPlanViews());
  ASSERT_TRUE(views.count(kPlan));
  for (const MeasureView& v : views.at(kPlan).measures) {
    EXPECT_EQ(v.clear_all_required, v.id == "a1-t9-m2") << v.id;  // only its text says so
  }
  const MeasureView* view = nullptr;
  for (const MeasureView& v : views.at(kPlan).measures) {
    if (v.id == "a1-t9-m2") view = &v;
  }
  ASSERT_NE(view, nullptr);
  ASSERT_EQ(view->checkpoints.size(), 2u);
  EXPECT_EQ(view->checkpoints[0].phrase, "按季度");
  ASSERT_EQ(view->checkpoints[0].due_dates.size(), 3u);
  EXPECT_EQ(view->checkpoints[0].due_dates[2], absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(view->checkpoints[1].phrase, "5月底前");
  ASSERT_EQ(view->checkpoints[1].due_dates.size(), 1u);
  EXPECT_EQ(view->checkpoints[1].due_dates[0], absl::CivilDay(2026, 5, 31));
}

// A view stored by a release before view formats (and before checkpoints,
// responsible organizations, organization ids and the issue date) is read
// again from the registry when the follower's first stream opens.
TEST_F(RegistryPlanFollowerTest, AViewOfAnOlderFormatIsRefreshedFromTheRegistryAtStart) {
  rv1::ExportPlanResponse e = Export(/*with_good_days=*/false, /*with_measure=*/false);
  e.mutable_plan()->mutable_issue_date()->set_year(2026);
  e.mutable_plan()->mutable_issue_date()->set_month(3);
  e.mutable_plan()->mutable_issue_date()->set_day(31);
  rv1::Measure* m = e.mutable_tasks(0)->mutable_measures(0);
  rv1::Checkpoint* may = m->add_checkpoints();
  may->set_phrase("5月底前");
  may->set_kind(rv1::CHECKPOINT_KIND_DUE);
  may->mutable_due_date()->set_year(2026);
  may->mutable_due_date()->set_month(5);
  may->mutable_due_date()->set_day(31);
  registry_.Set(e);

  // The old bytes: what that release wrote for the plan (no field 8 "format").
  storage::PlanViewRecord old;
  old.set_plan_id(kPlan);
  old.set_year(2026);
  old.set_reporting_due_day(25);
  old.set_registry_sequence(3);
  storage::MeasureView* measure = old.add_measures();
  measure->set_id("a1-t9-m2");
  measure->add_owners("区城市管理委");
  const std::string bytes = old.SerializeAsString();
  storage::PlanViewRecord reparsed;
  ASSERT_TRUE(reparsed.ParseFromString(bytes));
  ASSERT_EQ(reparsed.format(), 0u);
  common::WriteRequest write;
  write.batch.Put(db_->Cf("plan_views"), kPlan, bytes);
  ASSERT_OK(db_->Commit(std::move(write)).status());

  // A restart of the service: the evaluator loads the old view.
  std::vector<std::string> lines;
  absl::Mutex lines_mu;
  evaluator_ = std::make_unique<IndicatorEvaluator>(store_.get(), &clock_, &ingest_);
  ASSERT_OK(evaluator_->Load());
  follower_ = std::make_unique<RegistryPlanFollower>(
      evaluator_.get(), store_.get(), stub_.get(), absl::Seconds(10),
      common::Logger("indicator", [&](absl::string_view line) {
        absl::MutexLock lock(&lines_mu);
        lines.emplace_back(line);
      }));
  ASSERT_EQ(evaluator_->OldFormatViews().size(), 1u);
  EXPECT_TRUE(evaluator_->OldFormatViews()[0].measures.at(0).checkpoints.empty());

  // The follower's first stream opens: the view is refreshed before it.
  int opened = 0;
  common::StreamOpener open = follower_->WithViewRefresh(
      [&opened](grpc::ClientContext*, uint64_t) -> std::unique_ptr<common::EventStream> {
        ++opened;
        return nullptr;
      });
  grpc::ClientContext context;
  open(&context, 3);
  EXPECT_EQ(opened, 1);
  EXPECT_TRUE(evaluator_->OldFormatViews().empty());  // in memory: the current format
  ASSERT_OK_AND_ASSIGN(auto views, store_->LoadPlanViews());
  ASSERT_TRUE(views.count(kPlan));
  const PlanView& view = views.at(kPlan);
  EXPECT_EQ(view.stored_format, kPlanViewFormat);
  EXPECT_EQ(view.registry_sequence, 3u);  // the events applied stay applied
  EXPECT_EQ(view.issue_date, absl::CivilDay(2026, 3, 31));
  EXPECT_EQ(view.organization_names.at("o-city"), "区城市管理委");
  ASSERT_EQ(view.measures.size(), 1u);
  EXPECT_EQ(view.measures[0].organization_ids, std::vector<std::string>({"o-city"}));
  ASSERT_EQ(view.measures[0].checkpoints.size(), 1u);
  EXPECT_EQ(view.measures[0].checkpoints[0].phrase, "5月底前");
  EXPECT_EQ(view.measures[0].checkpoints[0].due_dates,
            std::vector<absl::CivilDay>({absl::CivilDay(2026, 5, 31)}));
  {
    absl::MutexLock lock(&lines_mu);
    EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
      return absl::StrContains(l, "plan view of an older format refreshed from the registry");
    }));
  }
  // Nothing left to refresh: the next stream asks the registry nothing.
  grpc::ClientContext again;
  registry_.Set(rv1::ExportPlanResponse());  // would fail a refresh (no such plan)
  open(&again, 3);
  EXPECT_EQ(opened, 2);
  ASSERT_OK_AND_ASSIGN(views, store_->LoadPlanViews());
  EXPECT_EQ(views.at(kPlan).measures.at(0).checkpoints.size(), 1u);
}

}  // namespace
}  // namespace ecoplan::indicator
