// Supervision orders on RocksDbReportStore (a real RocksDB in a temp dir),
// driven through the SupervisionDesk: the orders, their request records and
// their events are committed together, and a reopened store shows the same
// orders.

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
#include "services/progress/domain/supervision_desk.h"
#include "services/progress/storage/rocksdb_report_store.h"
#include "services/progress/supervision_mapping.h"

namespace ecoplan::progress {
namespace {

constexpr char kPlan[] = "2026-abc";

std::shared_ptr<PlanInfo> Plan() {
  auto plan = std::make_shared<PlanInfo>();
  plan->id = kPlan;
  plan->year = 2026;
  plan->organizations = {
      {"o-eco", "区生态环境局"}, {"o-city", "区城管委"}, {"o-center", "区城指中心"}};
  MeasureInfo m;
  m.id = "a1-t1-m1";
  m.lead_org_ids = {"o-eco"};
  m.responsible_org_ids = {"o-city"};
  plan->measures = {m};
  plan->Index();
  return plan;
}

class RocksDbSupervisionStoreTest : public ::testing::Test {
 protected:
  RocksDbSupervisionStoreTest() : clock_(absl::FromUnixSeconds(1779242400)) {  // 2026-05-20
    plans_.Put(Plan());
    plans_.SetConnected(true);
  }

  // The committer's last callbacks release the desk's leases: stopped before the desk goes.
  ~RocksDbSupervisionStoreTest() override {
    if (db_ != nullptr) db_->Shutdown();
  }

  void Open() {
    if (db_ != nullptr) db_->Shutdown();
    desk_.reset();
    store_.reset();
    db_.reset();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbReportStore::ColumnFamilies();
    options.event_source = RocksDbReportStore::kEventSource;
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbReportStore>(db_.get());
    desk_ = std::make_unique<SupervisionDesk>(
        store_.get(), &plans_, &clock_, [] { return common::WorkingDays(); },
        [](std::function<void()> fn) { fn(); });
  }

  // Runs a write of the desk and waits for its answer (the committer thread).
  absl::StatusOr<SupervisionOrder> Wait(
      const std::function<void(Callback<SupervisionOrder>)>& call) {
    absl::Notification done;
    absl::StatusOr<SupervisionOrder> result = absl::InternalError("no answer");
    call([&](absl::StatusOr<SupervisionOrder> r) {
      result = std::move(r);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  static Caller Supervisor(const std::string& request_id = "") {
    Caller c;
    c.role = Caller::Role::kSupervisor;
    c.actor = "督查室";
    c.request_id = request_id;
    return c;
  }

  common::TempDir dir_;
  PlanDirectory plans_;
  common::FakeClock clock_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbReportStore> store_;
  std::unique_ptr<SupervisionDesk> desk_;
};

TEST_F(RocksDbSupervisionStoreTest, OrdersTheirRequestsAndEventsSurviveAReopen) {
  Open();
  OrderIssue issue;
  issue.plan_id = kPlan;
  issue.title = "渣土车遗撒";
  issue.description = "请核实处置";
  issue.source = {SupervisionSourceKind::kHotlineTicket, "12345-0042"};
  issue.level = SupervisionLevel::kYellow;
  issue.measure_ids = {"a1-t1-m1"};
  issue.org_ids = {"o-eco", "o-city"};
  issue.external_case_number = "MTG-0199";
  issue.requesting_org_id = "o-center";
  ASSERT_OK_AND_ASSIGN(SupervisionOrder issued, Wait([&](Callback<SupervisionOrder> cb) {
                         desk_->Issue(issue, Supervisor("issue-1"), cb);
                       }));
  OrderReply reply;
  reply.plan_id = kPlan;
  reply.order_id = issued.id;
  reply.org_id = "o-city";
  reply.content = "已清理";
  reply.evidence_links = {"https://example.gov.cn/1.jpg"};
  Caller admin;
  admin.role = Caller::Role::kAdministrator;
  admin.actor = "局";
  ASSERT_OK(Wait([&](Callback<SupervisionOrder> cb) { desk_->Reply(reply, admin, cb); }));
  clock_.Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(SupervisionOrder before, Wait([&](Callback<SupervisionOrder> cb) {
                         desk_->Verify(kPlan, issued.id, "o-city", false, "证据不足", "",
                                       Supervisor(), cb);
                       }));

  Open();  // as after a restart
  ASSERT_OK_AND_ASSIGN(SupervisionOrder after, desk_->Get(kPlan, issued.id, Supervisor()));
  EXPECT_EQ(ToProto(after, clock_.Now()).DebugString(),
            ToProto(before, clock_.Now()).DebugString());
  EXPECT_EQ(after.Find("o-city")->state(), SupervisionReplyState::kReturned);
  EXPECT_EQ(after.Find("o-city")->replies[0].evidence_links[0], "https://example.gov.cn/1.jpg");
  EXPECT_EQ(after.external_case_number, "MTG-0199");
  EXPECT_EQ(after.requesting_org_id, "o-center");
  EXPECT_EQ(after.version, 3);
  ASSERT_OK_AND_ASSIGN(std::optional<RequestRecord> request, store_->FindRequest("issue-1"));
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->method, "IssueSupervisionOrder");
  // The retry after the restart answers the same order and issues none.
  ASSERT_OK_AND_ASSIGN(SupervisionOrder retried, Wait([&](Callback<SupervisionOrder> cb) {
                         desk_->Issue(issue, Supervisor("issue-1"), cb);
                       }));
  EXPECT_EQ(retried.id, issued.id);
  ASSERT_OK_AND_ASSIGN(std::vector<SupervisionOrder> all, store_->ListOrders(kPlan));
  EXPECT_EQ(all.size(), 1u);

  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadEvents(0, 10));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type(), "ecoplan.progress.v1.SupervisionOrderIssued");
  EXPECT_EQ(events[0].request_id(), "issue-1");
  EXPECT_EQ(events[0].resource(), "plans/2026-abc/supervisionOrders/2026-001");
  v1::SupervisionOrderIssued issued_event;
  ASSERT_TRUE(events[0].payload().UnpackTo(&issued_event));
  EXPECT_EQ(issued_event.order().requesting_organization(), "organizations/o-center");
  EXPECT_EQ(events[1].type(), "ecoplan.progress.v1.SupervisionOrderReplied");
  EXPECT_EQ(events[2].type(), "ecoplan.progress.v1.SupervisionOrderReplyReturned");
  v1::SupervisionOrderReplyReturned returned;
  ASSERT_TRUE(events[2].payload().UnpackTo(&returned));
  EXPECT_EQ(returned.organization(), "organizations/o-city");
  EXPECT_EQ(returned.reply().verdict_comment(), "证据不足");
  EXPECT_EQ(returned.order().addressees(1).state(), v1::SUPERVISION_REPLY_STATE_RETURNED);
  EXPECT_EQ(returned.order().external_case_number(), "MTG-0199");
  EXPECT_EQ(returned.order().requesting_organization(), "organizations/o-center");
}

TEST_F(RocksDbSupervisionStoreTest, ARecordStoredBeforeRequestingOrganizationsLoadsWithoutOne) {
  // A stored order of an earlier release has no field 23; it maps to none.
  v1::SupervisionOrder old;
  old.set_name("plans/2026-abc/supervisionOrders/2026-001");
  old.set_etag("s1");
  old.set_issuing_organization("organizations/o-dcs");
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, FromProto(old));
  EXPECT_TRUE(order.requesting_org_id.empty());
  EXPECT_EQ(order.issuing_org_id, "o-dcs");
  EXPECT_TRUE(ToProto(order, clock_.Now()).requesting_organization().empty());
  order.requesting_org_id = "o-center";
  ASSERT_OK_AND_ASSIGN(SupervisionOrder back, FromProto(ToProto(order, clock_.Now())));
  EXPECT_EQ(back.requesting_org_id, "o-center");
}

}  // namespace
}  // namespace ecoplan::progress
