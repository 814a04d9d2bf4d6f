// Notifier unit tests of the inbox: who sees what.

#include <set>
#include <string>
#include <vector>

#include "services/notification/domain/notifier_test_fixture.h"

namespace ecoplan::notification::notifier_test {
namespace {

TEST_F(NotifierTest, ReportersSeeOnlyTheirOwnInbox) {
  ImportPlan();
  Caller reporter{"a", "o-a", Caller::Role::kReporter};
  EXPECT_EQ(
      notifier_->ListInbox(reporter, "o-bureau", false, Kind::kUnspecified, 0, "").status().code(),
      absl::StatusCode::kPermissionDenied);
  ASSERT_OK_AND_ASSIGN(InboxPage page,
                       notifier_->ListInbox(admin_, "o-bureau", false, Kind::kUnspecified, 0, ""));
  EXPECT_EQ(page.notifications.size(), 1u);
  EXPECT_EQ(page.unread_count, 1);
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
