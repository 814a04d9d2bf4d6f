// Problem ledgers on RocksDbReportStore (a real RocksDB in a temp dir),
// driven through the ProblemLedger: items, their request records, an
// import's outcome and their events are committed together, and a reopened
// store shows the same items and answers a retried import the same.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/synchronization/notification.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "services/progress/domain/problem_ledger.h"
#include "services/progress/problem_mapping.h"
#include "services/progress/storage/rocksdb_report_store.h"

namespace ecoplan::progress {
namespace {

constexpr char kPlan[] = "2026-abc";

std::shared_ptr<PlanInfo> Plan() {
  auto plan = std::make_shared<PlanInfo>();
  plan->id = kPlan;
  plan->year = 2026;
  plan->organizations = {{"o-water", "区水务局"}, {"o-town", "龙泉镇"}};
  MeasureInfo m;
  m.id = "a1-t25-m3";
  m.lead_org_ids = {"o-water"};
  m.responsible_org_ids = {"o-town"};
  plan->measures = {m};
  plan->Index();
  return plan;
}

class RocksDbProblemStoreTest : public ::testing::Test {
 protected:
  RocksDbProblemStoreTest() : clock_(absl::FromUnixSeconds(1779242400)) {  // 2026-05-20
    plans_.Put(Plan());
    plans_.SetConnected(true);
  }

  // The committer's last callbacks release the ledger's leases: stopped before the ledger goes.
  ~RocksDbProblemStoreTest() override {
    if (db_ != nullptr) db_->Shutdown();
  }

  void Open() {
    if (db_ != nullptr) db_->Shutdown();
    ledger_.reset();
    store_.reset();
    db_.reset();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbReportStore::ColumnFamilies();
    options.event_source = RocksDbReportStore::kEventSource;
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbReportStore>(db_.get());
    ledger_ = std::make_unique<ProblemLedger>(store_.get(), &plans_, &clock_,
                                              [](std::function<void()> fn) { fn(); });
  }

  template <typename T>
  absl::StatusOr<T> Wait(const std::function<void(Callback<T>)>& call) {
    absl::Notification done;
    absl::StatusOr<T> result = absl::InternalError("no answer");
    call([&](absl::StatusOr<T> r) {
      result = std::move(r);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  static Caller As(Caller::Role role, const std::string& org = "",
                   const std::string& request_id = "") {
    Caller c;
    c.role = role;
    c.org_id = org;
    c.actor = role == Caller::Role::kReporter ? "龙泉镇-李四" : "督查室";
    c.request_id = request_id;
    return c;
  }

  common::TempDir dir_;
  PlanDirectory plans_;
  common::FakeClock clock_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbReportStore> store_;
  std::unique_ptr<ProblemLedger> ledger_;
};

TEST_F(RocksDbProblemStoreTest, ItemsImportsAndEventsSurviveAReopen) {
  Open();
  const std::string csv =
      "编号,名称,责任单位,整改期限,类别\r\n"
      "PWK-001,永定河左岸排污口,龙泉镇,2026-06-30,排污口\r\n"
      "PWK-002,坏日期,龙泉镇,2026-06-31,排污口\r\n";
  const Caller importer = As(Caller::Role::kSupervisor, "", "imp-1");
  ASSERT_OK_AND_ASSIGN(
      ProblemImportResult imported,
      Wait<ProblemImportResult>([&](Callback<ProblemImportResult> cb) {
        ledger_->Import(kPlan, {ProblemFileFormat::kCsv, csv}, "a1-t25-m3", false, importer, cb);
      }));
  ASSERT_EQ(imported.items.size(), 1u);
  ASSERT_EQ(imported.errors.size(), 1u);
  clock_.Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(
      ProblemItem before, Wait<ProblemItem>([&](Callback<ProblemItem> cb) {
        ledger_->Transition(
            kPlan, "00001",
            {ProblemTransition::kClaimRectified, "已封堵", {"https://example.gov.cn/pwk-001.jpg"}},
            "p1", As(Caller::Role::kReporter, "o-town"), cb);
      }));

  Open();  // as after a restart
  ASSERT_OK_AND_ASSIGN(ProblemItem after, ledger_->Get(kPlan, "00001", As(Caller::Role::kViewer)));
  const absl::TimeZone zone = ledger_->Zone(kPlan);
  EXPECT_EQ(ToProto(after, clock_.Now(), zone).DebugString(),
            ToProto(before, clock_.Now(), zone).DebugString());
  EXPECT_EQ(after.state, ProblemState::kRectificationClaimed);
  EXPECT_EQ(after.steps.size(), 2u);
  EXPECT_EQ(after.steps[1].evidence_links[0], "https://example.gov.cn/pwk-001.jpg");
  EXPECT_EQ(after.version, 2);
  // The retried import answers the first, with the item as it is now.
  ASSERT_OK_AND_ASSIGN(
      ProblemImportResult retried, Wait<ProblemImportResult>([&](Callback<ProblemImportResult> cb) {
        ledger_->Import(kPlan, {ProblemFileFormat::kCsv, csv}, "a1-t25-m3", false, importer, cb);
      }));
  ASSERT_EQ(retried.items.size(), 1u);
  EXPECT_EQ(retried.items[0].state, ProblemState::kRectificationClaimed);
  ASSERT_EQ(retried.errors.size(), 1u);
  EXPECT_EQ(retried.errors[0].line, 3);
  EXPECT_EQ(retried.rows, 2);
  ASSERT_OK_AND_ASSIGN(std::vector<ProblemItem> all, store_->ListProblems(kPlan));
  EXPECT_EQ(all.size(), 1u);

  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadEvents(0, 10));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type(), "ecoplan.progress.v1.ProblemItemOpened");
  EXPECT_EQ(events[0].request_id(), "imp-1");
  EXPECT_EQ(events[0].resource(), "plans/2026-abc/problems/00001");
  v1::ProblemItemOpened opened;
  ASSERT_TRUE(events[0].payload().UnpackTo(&opened));
  EXPECT_EQ(opened.item().organization_display_name(), "龙泉镇");
  EXPECT_EQ(opened.item().category(), v1::PROBLEM_CATEGORY_DRAINAGE_OUTLET);
  EXPECT_EQ(events[1].type(), "ecoplan.progress.v1.ProblemItemTransitioned");
  v1::ProblemItemTransitioned moved;
  ASSERT_TRUE(events[1].payload().UnpackTo(&moved));
  EXPECT_EQ(moved.from_state(), v1::PROBLEM_STATE_OPEN);
  EXPECT_EQ(moved.step().transition(), v1::PROBLEM_TRANSITION_CLAIM_RECTIFIED);
  EXPECT_EQ(moved.item().state(), v1::PROBLEM_STATE_RECTIFICATION_CLAIMED);
  EXPECT_EQ(moved.step().actor(), "龙泉镇-李四");
}

}  // namespace
}  // namespace ecoplan::progress
