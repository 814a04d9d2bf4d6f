#include "services/notification/storage/rocksdb_notification_store.h"

#include <gtest/gtest.h>

#include <memory>

#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"

namespace ecoplan::notification {
namespace {

class RocksDbNotificationStoreTest : public ::testing::Test {
 protected:
  void Open() {
    store_.reset();
    db_.reset();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbNotificationStore::ColumnFamilies();
    options.event_source = "ecoplan.notification.v1.NotificationService";
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbNotificationStore>(db_.get());
  }

  static Notification Make(uint64_t number, std::string org) {
    Notification n;
    n.number = number;
    n.kind = Kind::kReportOverdue;
    n.severity = Severity::kCritical;
    n.recipient = std::move(org);
    n.title = "月报已逾期";
    n.create_time = absl::FromUnixSeconds(1780000000 + number);
    return n;
  }

  common::TempDir dir_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbNotificationStore> store_;
};

TEST_F(RocksDbNotificationStoreTest, NotificationsKeysDeliveriesAndEventsSurviveAReopen) {
  Open();
  Changes c;
  c.notifications = {Make(1, "o-a"), Make(2, "o-b"), Make(3, "o-a")};
  c.dedup_keys["k1"] = 1;
  Delivery d;
  d.subscription_id = "s-1";
  d.number = 1;
  d.notification_number = 1;
  d.webhook_id = "msg_n-000000000001";
  c.deliveries.push_back(d);
  c.next_notification_number = 4;
  c.next_delivery_number = 2;
  PlanView plan;
  plan.plan_id = "2026-x";
  plan.issue_date = absl::CivilDay(2026, 3, 31);
  MeasureView m;
  m.id = "a1-t1-m1";
  m.due = absl::CivilDay(2026, 6, 30);
  plan.measures[m.id] = m;
  c.plans.push_back(plan);
  for (uint64_t n = 1; n <= 3; ++n) {
    c.events.push_back(ChangeEvent{ChangeEvent::Type::kNotificationCreated, n, "", "", false});
  }
  ASSERT_OK(store_->Commit(c));
  EXPECT_EQ(store_->LastEventSequence(), 3u);
  Open();
  ASSERT_OK_AND_ASSIGN(LoadedState state, store_->Load());
  EXPECT_EQ(state.next_notification_number, 4u);
  EXPECT_EQ(state.dedup_keys.count("k1"), 1u);
  ASSERT_EQ(state.pending_deliveries.size(), 1u);
  EXPECT_EQ(state.pending_deliveries[0].webhook_id, "msg_n-000000000001");
  ASSERT_EQ(state.plans.count("2026-x"), 1u);
  EXPECT_EQ(*state.plans["2026-x"].measures["a1-t1-m1"].due, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(state.plans["2026-x"].issue_date, absl::CivilDay(2026, 3, 31));
  ASSERT_OK_AND_ASSIGN(std::vector<common::v1::Event> events, db_->ReadEvents(0, 10));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type(), "ecoplan.notification.v1.NotificationCreated");
  EXPECT_EQ(events[0].resource(), "notifications/n-000000000001");
}

TEST_F(RocksDbNotificationStoreTest, InboxIsNewestFirstPagedAndCountsUnread) {
  Open();
  Changes c;
  for (uint64_t n = 1; n <= 5; ++n) c.notifications.push_back(Make(n, "o-a"));
  c.notifications[0].read_time = absl::Now();
  ASSERT_OK(store_->Commit(c));
  ASSERT_OK_AND_ASSIGN(InboxPage page, store_->ListInbox("o-a", false, Kind::kUnspecified, 2, ""));
  ASSERT_EQ(page.notifications.size(), 2u);
  EXPECT_EQ(page.notifications[0].number, 5u);
  EXPECT_EQ(page.unread_count, 4);
  ASSERT_OK_AND_ASSIGN(InboxPage next,
                       store_->ListInbox("o-a", false, Kind::kUnspecified, 10, page.next_page_token));
  ASSERT_EQ(next.notifications.size(), 3u);
  EXPECT_EQ(next.notifications[0].number, 3u);
  ASSERT_OK_AND_ASSIGN(InboxPage unread, store_->ListInbox("o-a", true, Kind::kUnspecified, 10, ""));
  EXPECT_EQ(unread.notifications.size(), 4u);
  EXPECT_EQ(store_->ListInbox("o-a", false, Kind::kUnspecified, 10, "zz").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RocksDbNotificationStoreTest, FinishedDeliveriesLeaveThePendingIndex) {
  Open();
  Changes c;
  Delivery d;
  d.subscription_id = "s-1";
  d.number = 7;
  c.deliveries.push_back(d);
  ASSERT_OK(store_->Commit(c));
  d.state = DeliveryState::kSucceeded;
  d.attempts.push_back(DeliveryAttempt{absl::Now(), 204, absl::Milliseconds(3), ""});
  d.attempt_count = 1;
  Changes done;
  done.deliveries.push_back(d);
  ASSERT_OK(store_->Commit(done));
  // 47 is '/' in its big-endian key bytes: still found.
  Delivery slash = d;
  slash.number = 47;
  slash.state = DeliveryState::kPending;
  Changes more;
  more.deliveries.push_back(slash);
  ASSERT_OK(store_->Commit(more));
  ASSERT_OK_AND_ASSIGN(LoadedState state, store_->Load());
  ASSERT_EQ(state.pending_deliveries.size(), 1u);
  EXPECT_EQ(state.pending_deliveries[0].number, 47u);
  ASSERT_OK_AND_ASSIGN(Delivery read, store_->GetDelivery("s-1", 7));
  EXPECT_EQ(read.attempts[0].status_code, 204);
}

}  // namespace
}  // namespace ecoplan::notification
