#include "services/notification/stream_filter.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ecoplan::notification {
namespace {

common::v1::Event Created(v1::NotificationKind kind, const std::string& recipient,
                          v1::Severity severity) {
  v1::NotificationCreated created;
  created.mutable_notification()->set_kind(kind);
  created.mutable_notification()->set_recipient(recipient);
  created.mutable_notification()->set_severity(severity);
  common::v1::Event event;
  event.set_type("ecoplan.notification.v1.NotificationCreated");
  event.mutable_payload()->PackFrom(created);
  return event;
}

TEST(StreamFilterTest, NoFilterCarriesEverything) {
  ASSERT_OK_AND_ASSIGN(common::EventFilter filter,
                       StreamFilterOf(v1::StreamNotificationsRequest()));
  EXPECT_FALSE(filter);
}

TEST(StreamFilterTest, KeepsOnlyCreatedNotificationsMatchingEverySetFilter) {
  v1::StreamNotificationsRequest request;
  request.add_kinds(v1::NOTIFICATION_KIND_SUPERVISION_ORDER_ISSUED);
  request.add_kinds(v1::NOTIFICATION_KIND_SUPERVISION_REPLY_OVERDUE);
  request.add_organizations("organizations/o-water");
  ASSERT_OK_AND_ASSIGN(common::EventFilter filter, StreamFilterOf(request));
  ASSERT_TRUE(filter);
  EXPECT_TRUE(filter(Created(v1::NOTIFICATION_KIND_SUPERVISION_REPLY_OVERDUE,
                             "organizations/o-water", v1::SEVERITY_CRITICAL)));
  EXPECT_FALSE(filter(Created(v1::NOTIFICATION_KIND_REPORT_OVERDUE, "organizations/o-water",
                              v1::SEVERITY_CRITICAL)));
  EXPECT_FALSE(filter(Created(v1::NOTIFICATION_KIND_SUPERVISION_ORDER_ISSUED,
                              "organizations/o-traffic", v1::SEVERITY_WARNING)));
  // Other events of the log (a rule changed, an acknowledgement) are passed over.
  common::v1::Event other = Created(v1::NOTIFICATION_KIND_SUPERVISION_ORDER_ISSUED,
                                    "organizations/o-water", v1::SEVERITY_WARNING);
  other.set_type("ecoplan.notification.v1.NotificationAcknowledged");
  EXPECT_FALSE(filter(other));

  request.add_severities(v1::SEVERITY_CRITICAL);
  ASSERT_OK_AND_ASSIGN(filter, StreamFilterOf(request));
  EXPECT_FALSE(filter(Created(v1::NOTIFICATION_KIND_SUPERVISION_ORDER_ISSUED,
                              "organizations/o-water", v1::SEVERITY_WARNING)));
  EXPECT_TRUE(filter(Created(v1::NOTIFICATION_KIND_SUPERVISION_REPLY_OVERDUE,
                             "organizations/o-water", v1::SEVERITY_CRITICAL)));
}

TEST(StreamFilterTest, RefusesWhatIsNotAFilterNamingTheField) {
  v1::StreamNotificationsRequest request;
  request.add_kinds(v1::NOTIFICATION_KIND_UNSPECIFIED);
  EXPECT_EQ(StreamFilterOf(request).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(StreamFilterOf(request).status().message().find("kinds[0]"), std::string::npos);

  request.Clear();
  request.add_organizations("o-water");
  EXPECT_NE(StreamFilterOf(request).status().message().find("organizations[0]"), std::string::npos);

  request.Clear();
  request.add_severities(static_cast<v1::Severity>(42));
  EXPECT_NE(StreamFilterOf(request).status().message().find("severities[0]"), std::string::npos);

  request.Clear();
  for (int i = 0; i < 65; ++i) request.add_kinds(v1::NOTIFICATION_KIND_REPORT_OVERDUE);
  EXPECT_EQ(StreamFilterOf(request).status().code(), absl::StatusCode::kInvalidArgument);

  // Every kind at once is a filter a command center may well send.
  request.Clear();
  for (int k = 1; v1::NotificationKind_IsValid(k); ++k) {
    request.add_kinds(static_cast<v1::NotificationKind>(k));
  }
  ASSERT_GT(request.kinds_size(), 30);
  EXPECT_TRUE(StreamFilterOf(request).ok()) << StreamFilterOf(request).status();
}

}  // namespace
}  // namespace ecoplan::notification
