#include "services/notification/delivery/webhook_body.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ecoplan::notification {
namespace {

Notification ReportOverdue() {
  Notification n;
  n.number = 7;
  n.kind = Kind::kReportOverdue;
  n.recipient = "o-1";
  n.title = "2026-04 月报将于4月25日截止，尚未报送";
  return n;
}

TEST(WebhookBodiesTest, TheTypeNamesTheKind) {
  Notification n = ReportOverdue();
  const absl::Time now = absl::FromUnixSeconds(1780000000);
  std::string body = WebhookBodies::Print(n, now);
  EXPECT_TRUE(absl::StartsWith(
      body, R"({"type":"notification.report_overdue","timestamp":"2026-05-28T20:26:40.000Z")"))
      << body;
  EXPECT_TRUE(absl::StrContains(body, R"("kind":"NOTIFICATION_KIND_REPORT_OVERDUE")")) << body;
  n.kind = Kind::kSupervisionReplyOverdue;  // 催办
  body = WebhookBodies::Print(n, now);
  EXPECT_TRUE(absl::StartsWith(body, R"({"type":"notification.supervision_reply_overdue",)"))
      << body;
}

// A notification's body for its hundredth subscriber reads as the first one's
// (but for the time it is sent), and as printed without the cache.
TEST(WebhookBodiesTest, EverySubscriberGetsWhatPrintingWouldWrite) {
  WebhookBodies bodies;
  const Notification n = ReportOverdue();
  for (int subscriber = 0; subscriber < 100; ++subscriber) {
    const absl::Time now = absl::FromUnixSeconds(1780000000 + subscriber);
    ASSERT_EQ(bodies.For(n, now), WebhookBodies::Print(n, now)) << subscriber;
  }
}

// Read or acknowledged since it was first sent: a retry carries the state it
// has now, not the one cached.
TEST(WebhookBodiesTest, ANotificationChangedByItsInboxIsPrintedAnew) {
  WebhookBodies bodies;
  Notification n = ReportOverdue();
  const absl::Time now = absl::FromUnixSeconds(1780000000);
  const std::string first = bodies.For(n, now);
  EXPECT_FALSE(absl::StrContains(first, "acknowledged_by")) << first;

  n.read_time = now;
  EXPECT_EQ(bodies.For(n, now), WebhookBodies::Print(n, now));
  n.acknowledge_time = now + absl::Minutes(5);
  n.acknowledged_by = "command-center";
  n.acknowledge_comment = "已转区住建委办理";
  n.external_reference = "ZH-2026-0412";
  const std::string acknowledged = bodies.For(n, now);
  EXPECT_EQ(acknowledged, WebhookBodies::Print(n, now));
  EXPECT_TRUE(absl::StrContains(acknowledged, R"("acknowledged_by":"command-center")"))
      << acknowledged;
  EXPECT_TRUE(absl::StrContains(acknowledged, "ZH-2026-0412")) << acknowledged;
  n.acknowledge_comment = "已办结";
  EXPECT_TRUE(absl::StrContains(bodies.For(n, now), "已办结"));
}

TEST(WebhookBodiesTest, KeepsOnlyTheLastNotificationsAndStaysRight) {
  WebhookBodies bodies(/*capacity=*/3);
  const absl::Time now = absl::FromUnixSeconds(1780000000);
  for (int round = 0; round < 2; ++round) {
    for (uint64_t number = 1; number <= 10; ++number) {
      Notification n = ReportOverdue();
      n.number = number;
      n.title = absl::StrCat("notification ", number);
      ASSERT_EQ(bodies.For(n, now), WebhookBodies::Print(n, now)) << number;
    }
  }
}

}  // namespace
}  // namespace ecoplan::notification
