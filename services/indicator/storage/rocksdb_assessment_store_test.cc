#include "services/indicator/storage/rocksdb_assessment_store.h"

#include <memory>

#include "absl/synchronization/notification.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/indicator/v1/assessment_service.pb.h"
#include "gtest/gtest.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {
namespace {

class RocksDbAssessmentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    store_.reset();
    db_.reset();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbAssessmentStore::ColumnFamilies();
    options.event_source = RocksDbIndicatorStore::kEventSource;
    auto db = common::RocksDb::Open(options);
    ASSERT_OK(db.status());
    db_ = *std::move(db);
    store_ = std::make_unique<RocksDbAssessmentStore>(db_.get());
  }
  absl::Status Commit(AssessmentWrite w) {
    absl::Status result;
    absl::Notification n;
    store_->Commit(std::move(w), [&](absl::Status s) {
      result = s;
      n.Notify();
    });
    n.WaitForNotification();
    return result;
  }
  common::TempDir dir_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbAssessmentStore> store_;
};

TEST_F(RocksDbAssessmentStoreTest, AClosedMonthAndAContestReadBackAsWrittenWithTheirEvents) {
  MonthAssessment june;
  june.plan_id = "2026-test";
  june.month = absl::CivilMonth(2026, 6);
  june.as_of = absl::CivilDay(2026, 6, 30);
  june.closed = true;
  june.closed_at = absl::FromUnixSeconds(1782864000);
  june.closed_by = "bureau";
  june.reason = "2026年6月月度结账";
  june.rules.late_report_credit = 0.5;
  june.rules.weights.supervision_replies = 0.15;
  MeasureLight light;
  light.measure_id = "a1-t2-m3";
  light.colour = Colour::kRed;
  light.reasons = {"due 2026-06-30 passed"};
  light.owners = {"区交通局"};
  light.responsible = {"大峪街道"};
  light.due = absl::CivilDay(2026, 6, 30);
  light.checkpoints = {{"5月底前", absl::CivilDay(2026, 5, 31), CheckpointState::kMissed},
                       {"按季度", absl::CivilDay(2026, 6, 30), CheckpointState::kMetLate,
                        "区交通局", "plans/p/reports/o-1_2026-06", absl::CivilDay(2026, 7, 2)}};
  light.supervision_orders = {{"plans/2026-test/supervisionOrders/2026-003",
                               "2026-003",
                               "渣土车遗撒",
                               "red",
                               absl::CivilDay(2026, 6, 16),
                               {"区交通局"}}};
  light.problems = LightProblems{12, 3, 1, 1, {"PWK-0012 (due 2026-05-31, 区交通局)"}, true};
  june.scores.lights = {light};
  Scorecard card;
  card.organization = "区交通局";
  card.score = 42.5;
  card.supervision = {2, 1, 3, 1, 1, 1, {"2026-003 (红色督办, reply due 2026-06-16)"}};
  card.problems = {12, 3, 1, 2};
  ScoreComponent c;
  c.name = "on_time_reporting";
  c.rate = 0.5;
  c.weight = 0.3;
  c.facts = {{"on_time_reporting/a1-t2-m3/2026-06", "lead", "late", 0.5, "plans/x/reports/r",
              "report on a1-t2-m3 for 2026-06 submitted after its due time"}};
  card.components = {c};
  june.scores.scorecards = {card};
  Adjustment a;
  a.corrects = absl::CivilMonth(2026, 5);
  a.organization = "区交通局";
  a.item = "score";
  a.points = 2.5;
  june.adjustments = {a};
  june.contest_points = {{"区交通局", 1.5}};
  AssessmentWrite close;
  close.plan_id = "2026-test";
  close.closed_month = june;
  close.request_id = "req-close";
  close.resource = "plans/2026-test/months/2026-06";
  close.actor = "bureau";
  ASSERT_OK(Commit(close));

  Contest contest;
  contest.plan_id = "2026-test";
  contest.number = 1;
  contest.month = june.month;
  contest.organization = "区交通局";
  contest.item = "light/a1-t2-m3";
  contest.reason = "extension requested in time";
  contest.filed_by = "jt";
  contest.filed_at = absl::FromUnixSeconds(1783000000);
  AssessmentWrite file;
  file.plan_id = "2026-test";
  file.contest = contest;
  file.actor = "jt";
  ASSERT_OK(Commit(file));
  contest.state = ContestState::kAccepted;
  contest.points = 2;
  contest.comment = "ok";
  contest.decided_by = "bureau";
  contest.decided_at = absl::FromUnixSeconds(1783100000);
  contest.recorded_in = absl::CivilMonth(2026, 7);
  file.contest = contest;
  ASSERT_OK(Commit(file));

  Open();  // what a restart reads
  absl::StatusOr<AssessmentRecords> records = store_->Load();
  ASSERT_OK(records.status());
  ASSERT_EQ(records->months.size(), 1u);
  const MonthAssessment& back = records->months[0];
  EXPECT_EQ(back.month, june.month);
  EXPECT_EQ(back.as_of, june.as_of);
  EXPECT_EQ(back.closed_at, june.closed_at);
  EXPECT_EQ(back.reason, june.reason);
  EXPECT_EQ(back.rules, june.rules);
  ASSERT_EQ(back.scores.lights.size(), 1u);
  EXPECT_EQ(back.scores.lights[0].colour, Colour::kRed);
  EXPECT_EQ(back.scores.lights[0].responsible, light.responsible);
  // A closed month keeps how each checkpoint stood.
  ASSERT_EQ(back.scores.lights[0].checkpoints.size(), 2u);
  EXPECT_EQ(back.scores.lights[0].checkpoints[0].state, CheckpointState::kMissed);
  EXPECT_EQ(back.scores.lights[0].checkpoints[0].due, absl::CivilDay(2026, 5, 31));
  EXPECT_FALSE(back.scores.lights[0].checkpoints[0].stated_on.has_value());
  EXPECT_EQ(back.scores.lights[0].checkpoints[1].phrase, "按季度");
  EXPECT_EQ(back.scores.lights[0].checkpoints[1].state, CheckpointState::kMetLate);
  EXPECT_EQ(back.scores.lights[0].checkpoints[1].report, "plans/p/reports/o-1_2026-06");
  EXPECT_EQ(back.scores.lights[0].checkpoints[1].stated_on, absl::CivilDay(2026, 7, 2));
  // ... and its supervision orders and problem ledger, on the light and the card.
  ASSERT_EQ(back.scores.lights[0].supervision_orders.size(), 1u);
  const LightSupervisionOrder& order = back.scores.lights[0].supervision_orders[0];
  EXPECT_EQ(order.order, "plans/2026-test/supervisionOrders/2026-003");
  EXPECT_EQ(order.id, "2026-003");
  EXPECT_EQ(order.title, "渣土车遗撒");
  EXPECT_EQ(order.level, "red");
  EXPECT_EQ(order.reply_due, absl::CivilDay(2026, 6, 16));
  EXPECT_EQ(order.overdue_organizations, std::vector<std::string>{"区交通局"});
  ASSERT_TRUE(back.scores.lights[0].problems.has_value());
  EXPECT_EQ(back.scores.lights[0].problems->unresolved, 3);
  EXPECT_EQ(back.scores.lights[0].problems->claimed, 1);
  EXPECT_TRUE(back.scores.lights[0].problems->clear_all_required);
  EXPECT_EQ(back.scores.lights[0].problems->overdue_items,
            std::vector<std::string>{"PWK-0012 (due 2026-05-31, 区交通局)"});
  ASSERT_EQ(back.scores.scorecards.size(), 1u);
  EXPECT_EQ(back.scores.scorecards[0].supervision.replies_due, 3);
  EXPECT_EQ(back.scores.scorecards[0].supervision.replies_overdue, 1);
  EXPECT_EQ(back.scores.scorecards[0].supervision.overdue, card.supervision.overdue);
  EXPECT_EQ(back.scores.scorecards[0].problems.reopened, 2);
  EXPECT_EQ(back.rules.weights.supervision_replies, 0.15);
  EXPECT_EQ(back.scores.scorecards[0].components[0].facts, c.facts);
  EXPECT_EQ(back.scores.scorecards[0].components[0].rate, 0.5);
  ASSERT_EQ(back.adjustments.size(), 1u);
  EXPECT_EQ(back.adjustments[0].points, 2.5);
  EXPECT_EQ(back.contest_points.at("区交通局"), 1.5);
  ASSERT_EQ(records->contests.size(), 1u);  // the latest state only
  EXPECT_EQ(records->contests[0].state, ContestState::kAccepted);
  EXPECT_EQ(records->contests[0].recorded_in, absl::CivilMonth(2026, 7));
  EXPECT_EQ(records->requests.at("req-close"), "plans/2026-test/months/2026-06");

  absl::StatusOr<std::vector<ecoplan::common::v1::Event>> events = db_->ReadEvents(0, 10);
  ASSERT_OK(events.status());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].type(), "ecoplan.indicator.v1.MonthClosed");
  EXPECT_EQ((*events)[0].resource(), "plans/2026-test/months/2026-06");
  EXPECT_EQ((*events)[0].request_id(), "req-close");
  EXPECT_EQ((*events)[1].type(), "ecoplan.indicator.v1.ContestFiled");
  EXPECT_EQ((*events)[2].type(), "ecoplan.indicator.v1.ContestDecided");
  ecoplan::indicator::v1::ContestDecided decided;
  ASSERT_TRUE((*events)[2].payload().UnpackTo(&decided));
  EXPECT_EQ(decided.contest().points(), 2);
  EXPECT_EQ(decided.contest().recorded_in_month(), "2026-07");
}

}  // namespace
}  // namespace ecoplan::indicator
