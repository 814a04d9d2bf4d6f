#pragma once

// The fixture of the Notifier's unit tests (notifier_*_test.cc): a notifier on
// a fake store and clock, the sample plan (one measure, a lead and a
// responsible organization, the bureau), and helpers to feed events and run
// the schedule.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/testing/status_matchers.h"
#include "common/time/clock.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/testing/fake_notification_store.h"

namespace ecoplan::notification::notifier_test {

// 2026-xx-dd 09:00 Asia/Shanghai.
inline absl::Time At(int month, int day) {
  absl::TimeZone tz;
  absl::LoadTimeZone("Asia/Shanghai", &tz);
  return absl::FromCivil(absl::CivilHour(2026, month, day, 9), tz);
}

class AllowAll final : public UrlChecker {
 public:
  absl::Status CheckUrl(const std::string&) const override { return absl::OkStatus(); }
};

class RecordingSink final : public DeliverySink {
 public:
  void DeliveriesQueued(const std::vector<Delivery>& d) override {
    queued.insert(queued.end(), d.begin(), d.end());
  }
  void SubscriptionUpdated(const Subscription&) override {}
  void SubscriptionDeleted(const std::string&) override {}
  std::vector<Delivery> queued;
};

inline constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";  // 27 bytes

inline PlanView SamplePlan() {
  PlanView p;
  p.plan_id = "2026-abc";
  p.title = "美丽门头沟建设2026年行动计划";
  p.year = 2026;
  p.issue_date = absl::CivilDay(2026, 3, 31);
  p.bureau_organization = "o-bureau";
  p.organization_names = {{"o-a", "区交通局"}, {"o-b", "龙泉镇"}, {"o-bureau", "区生态环境局"}};
  MeasureView m;
  m.id = "a1-t1-m1";
  m.title = "推广新能源货车";
  m.due = absl::CivilDay(2026, 6, 30);
  m.lead_organizations = {"o-a"};
  m.responsible_organizations = {"o-b"};
  p.measures[m.id] = m;
  return p;
}

class NotifierTest : public ::testing::Test {
 protected:
  NotifierTest() : clock_(At(4, 1)) { Restart(); }

  void Restart() {
    notifier_ = std::make_unique<Notifier>(&store_, &clock_, &allow_);
    ASSERT_OK(notifier_->Load());
    notifier_->SetDeliverySink(&sink_);
  }

  void Upstream(UpstreamInput in) {
    absl::StatusOr<Changes> changes = notifier_->BeginUpstream(in);
    ASSERT_OK(changes.status());
    absl::Status committed = store_.Commit(*changes);
    notifier_->FinishUpstream(*changes, committed.ok());
    ASSERT_OK(committed);
  }

  void ImportPlan() {
    UpstreamInput in;
    in.type = UpstreamInput::Type::kPlanImported;
    in.event_ref = "registry#1";
    in.plan_id = "2026-abc";
    in.plan = SamplePlan();
    Upstream(in);
  }

  std::vector<Notification> OfKind(Kind kind) {
    std::vector<Notification> out;
    for (const Notification& n : store_.AllNotifications()) {
      if (n.kind == kind) out.push_back(n);
    }
    return out;
  }

  int Run() {
    absl::StatusOr<int> created = notifier_->RunSchedule();
    EXPECT_OK(created.status());
    return created.value_or(-1);
  }

  common::FakeClock clock_;
  FakeNotificationStore store_;
  AllowAll allow_;
  RecordingSink sink_;
  std::unique_ptr<Notifier> notifier_;
  Caller admin_{"admin", "", Caller::Role::kAdministrator};
};
}  // namespace ecoplan::notification::notifier_test
