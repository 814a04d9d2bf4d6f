// Notifier unit tests of the upstream intake: what each event notifies, to whom.

#include <set>
#include <string>
#include <vector>

#include "services/notification/domain/notifier_test_fixture.h"

namespace ecoplan::notification::notifier_test {
namespace {

TEST_F(NotifierTest, PlanImportedNotifiesTheBureauOnce) {
  ImportPlan();
  std::vector<Notification> n = OfKind(Kind::kPlanImported);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-bureau");
  // Named from the plan imported by the same event, not yet stored.
  EXPECT_EQ(n[0].recipient_display_name, "区生态环境局");
  EXPECT_EQ(n[0].event, "registry#1");
  EXPECT_EQ(n[0].resource, "plans/2026-abc");
}

TEST_F(NotifierTest, ReassignmentNotifiesOldAndNewOwners) {
  ImportPlan();
  UpstreamInput in;
  in.type = UpstreamInput::Type::kMeasureChanged;
  in.event_ref = "registry#2";
  in.plan_id = "2026-abc";
  in.before = SamplePlan().measures.at("a1-t1-m1");
  in.after = *in.before;
  in.after.lead_organizations = {"o-c"};
  in.after.due = absl::CivilDay(2026, 9, 30);
  Upstream(in);
  std::vector<Notification> moved = OfKind(Kind::kMeasureReassigned);
  std::set<std::string> to;
  for (const Notification& n : moved) to.insert(n.recipient);
  EXPECT_EQ(to, (std::set<std::string>{"o-a", "o-b", "o-c"}));
  EXPECT_EQ(OfKind(Kind::kMeasureDeadlineChanged).size(), 3u);
}

TEST_F(NotifierTest, ReturnedReportGoesToItsOrganization) {
  ImportPlan();
  UpstreamInput in;
  in.type = UpstreamInput::Type::kReportReturned;
  in.event_ref = "progress#9";
  in.plan_id = "2026-abc";
  in.organization_id = "o-a";
  in.period = "2026-04";
  in.comment = "数据不全";
  Upstream(in);
  std::vector<Notification> n = OfKind(Kind::kReportReturned);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-a");
  EXPECT_EQ(n[0].body, "数据不全");
  EXPECT_EQ(n[0].resource, "plans/2026-abc/reports/o-a_2026-04");
}

TEST_F(NotifierTest, AnEventWhoseKeysCannotBeLookedUpFailsAndNotifiesNobodyUntilTheyCan) {
  ImportPlan();
  UpstreamInput in;
  in.type = UpstreamInput::Type::kReportReturned;
  in.event_ref = "progress#9";
  in.plan_id = "2026-abc";
  in.organization_id = "o-a";
  in.period = "2026-04";
  store_.FailLookups(absl::InternalError("disk read failed"));
  absl::StatusOr<Changes> failed = notifier_->BeginUpstream(in);
  EXPECT_STATUS_CODE(failed, absl::StatusCode::kInternal);
  EXPECT_TRUE(OfKind(Kind::kReportReturned).empty());
  // The schedule's writes fail the same way.
  clock_.Set(At(4, 24));
  EXPECT_STATUS_CODE(notifier_->RunSchedule(), absl::StatusCode::kInternal);

  // The follower retries the event once lookups work: notified once, and a replay (its key now
  // committed, found in the store after a restart) notifies no one again.
  store_.FailLookups(absl::OkStatus());
  Upstream(in);
  EXPECT_EQ(OfKind(Kind::kReportReturned).size(), 1u);
  Restart();
  Upstream(in);
  EXPECT_EQ(OfKind(Kind::kReportReturned).size(), 1u);
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
