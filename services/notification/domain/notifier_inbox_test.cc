// Notifier unit tests of the inbox: who sees what, who may mark and
// acknowledge (the command center its own inbox), and acknowledging with a
// disposal note and a reference.

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

// The plan's PLAN_IMPORTED notification (n-1) is the bureau's (o-bureau).
class InboxTest : public NotifierTest {
 protected:
  InboxTest() { ImportPlan(); }
  static constexpr uint64_t kItem = 1;
  const Caller viewer_of_bureau_{"command-center", "o-bureau", Caller::Role::kViewer};
  const Caller viewer_of_other_{"town-screen", "o-a", Caller::Role::kViewer};
  const Caller viewer_without_org_{"wall-screen", "", Caller::Role::kViewer};
  const Caller service_{"indicator", "", Caller::Role::kService};
};

TEST_F(InboxTest, AViewerMarksAndAcknowledgesOnlyTheInboxItsCredentialsName) {
  ASSERT_OK_AND_ASSIGN(Notification n, notifier_->GetNotification(admin_, kItem));
  ASSERT_EQ(n.recipient, "o-bureau");
  // Reading stays open to every viewer.
  for (const Caller& viewer : {viewer_of_bureau_, viewer_of_other_, viewer_without_org_}) {
    EXPECT_OK(notifier_->GetNotification(viewer, kItem).status()) << viewer.subject;
    EXPECT_OK(notifier_->ListInbox(viewer, "o-bureau", false, Kind::kUnspecified, 0, "").status())
        << viewer.subject;
  }
  // Changing: another organization's viewer, a viewer without an organization and a service
  // never; nothing is written.
  const int commits = store_.commits();
  for (const Caller& other : {viewer_of_other_, viewer_without_org_, service_}) {
    EXPECT_EQ(notifier_->MarkRead(other, kItem).status().code(),
              absl::StatusCode::kPermissionDenied)
        << other.subject;
    EXPECT_EQ(notifier_->Acknowledge(other, kItem).status().code(),
              absl::StatusCode::kPermissionDenied)
        << other.subject;
  }
  EXPECT_THAT(notifier_->Acknowledge(viewer_without_org_, kItem).status().message(),
              ::testing::HasSubstr("name no organization"));
  EXPECT_EQ(store_.commits(), commits);
  ASSERT_OK_AND_ASSIGN(n, notifier_->GetNotification(admin_, kItem));
  EXPECT_FALSE(n.read_time.has_value());
  EXPECT_FALSE(n.acknowledge_time.has_value());

  // The viewer whose credentials name the bureau's organization: its own inbox.
  ASSERT_OK_AND_ASSIGN(n, notifier_->MarkRead(viewer_of_bureau_, kItem));
  EXPECT_TRUE(n.read_time.has_value());
  ASSERT_OK_AND_ASSIGN(n, notifier_->Acknowledge(viewer_of_bureau_, kItem));
  EXPECT_EQ(n.acknowledged_by, "command-center");
  EXPECT_TRUE(n.acknowledge_time.has_value());
}

TEST_F(InboxTest, ReportersChangeTheirOwnOrganizationsItemsAndTheBureauAny) {
  const Caller other_reporter{"a", "o-a", Caller::Role::kReporter};
  EXPECT_EQ(notifier_->Acknowledge(other_reporter, kItem).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(notifier_->MarkRead(other_reporter, kItem).status().code(),
            absl::StatusCode::kPermissionDenied);
  const Caller own_reporter{"bureau-clerk", "o-bureau", Caller::Role::kReporter};
  ASSERT_OK_AND_ASSIGN(Notification n, notifier_->MarkRead(own_reporter, kItem));
  EXPECT_TRUE(n.read_time.has_value());
  ASSERT_OK_AND_ASSIGN(n, notifier_->Acknowledge(admin_, kItem));
  EXPECT_EQ(n.acknowledged_by, "admin");
}

TEST_F(InboxTest, CallerSplitsReadingFromChanging) {
  EXPECT_TRUE(viewer_without_org_.MayReadFor("o-a"));
  EXPECT_FALSE(viewer_without_org_.MayChangeFor("o-a"));
  EXPECT_FALSE(viewer_without_org_.MayChangeFor(""));
  EXPECT_TRUE(viewer_of_other_.MayReadFor("o-bureau"));
  EXPECT_FALSE(viewer_of_other_.MayChangeFor("o-bureau"));
  EXPECT_TRUE(viewer_of_other_.MayChangeFor("o-a"));
  EXPECT_TRUE(service_.MayReadFor("o-a"));
  EXPECT_FALSE(service_.MayChangeFor("o-a"));
  EXPECT_TRUE(admin_.MayChangeFor("o-a"));
  const Caller reporter{"a", "o-a", Caller::Role::kReporter};
  EXPECT_FALSE(reporter.MayReadFor("o-b"));
  EXPECT_FALSE(reporter.MayChangeFor("o-b"));
  EXPECT_TRUE(reporter.MayChangeFor("o-a"));
}

TEST_F(InboxTest, AcknowledgingKeepsTheNoteAndTheReferenceAndAnswersRepeatsWithTheFirst) {
  const uint64_t events = store_.LastEventSequence();
  ASSERT_OK_AND_ASSIGN(
      Notification first,
      notifier_->Acknowledge(viewer_of_bureau_, kItem, {"已派遣至区交通局处置", "MTG-2026-0042"}));
  EXPECT_EQ(first.acknowledge_comment, "已派遣至区交通局处置");
  EXPECT_EQ(first.external_reference, "MTG-2026-0042");
  EXPECT_EQ(store_.LastEventSequence(), events + 1);  // NotificationAcknowledged
  // Stored, and so answered by a read after a restart.
  Restart();
  ASSERT_OK_AND_ASSIGN(Notification read, notifier_->GetNotification(admin_, kItem));
  EXPECT_EQ(read.acknowledge_comment, "已派遣至区交通局处置");
  EXPECT_EQ(read.external_reference, "MTG-2026-0042");

  // A repeat (the same reference, none, another comment) answers the first, writing nothing.
  clock_.Advance(absl::Hours(1));
  const int commits = store_.commits();
  for (const AcknowledgeNote& again :
       {AcknowledgeNote{"已派遣至区交通局处置", "MTG-2026-0042"}, AcknowledgeNote{},
        AcknowledgeNote{"另一条意见", ""}, AcknowledgeNote{"另一条意见", "MTG-2026-0042"}}) {
    ASSERT_OK_AND_ASSIGN(Notification n, notifier_->Acknowledge(admin_, kItem, again));
    EXPECT_EQ(n.acknowledge_time, first.acknowledge_time);
    EXPECT_EQ(n.acknowledged_by, "command-center");
    EXPECT_EQ(n.acknowledge_comment, "已派遣至区交通局处置");
    EXPECT_EQ(n.external_reference, "MTG-2026-0042");
  }
  EXPECT_EQ(store_.commits(), commits);
  EXPECT_EQ(store_.LastEventSequence(), events + 1);

  // Another reference than the recorded one: refused, nothing changes.
  absl::StatusOr<Notification> other =
      notifier_->Acknowledge(viewer_of_bureau_, kItem, {"", "MTG-2026-0043"});
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(), ::testing::HasSubstr("MTG-2026-0042"));
  ASSERT_OK_AND_ASSIGN(read, notifier_->GetNotification(admin_, kItem));
  EXPECT_EQ(read.external_reference, "MTG-2026-0042");
}

TEST_F(InboxTest, AReferenceLearnedAfterTheAcknowledgementIsRecordedOnce) {
  ASSERT_OK_AND_ASSIGN(Notification first,
                       notifier_->Acknowledge(viewer_of_bureau_, kItem, {"已签收", ""}));
  EXPECT_EQ(first.external_reference, "");
  const uint64_t events = store_.LastEventSequence();
  clock_.Advance(absl::Hours(2));
  ASSERT_OK_AND_ASSIGN(Notification later, notifier_->Acknowledge(viewer_of_bureau_, kItem,
                                                                  {"已立案", "MTG-2026-0050"}));
  EXPECT_EQ(later.external_reference, "MTG-2026-0050");
  EXPECT_EQ(later.acknowledge_comment, "已签收");  // the first's
  EXPECT_EQ(later.acknowledge_time, first.acknowledge_time);
  EXPECT_EQ(store_.LastEventSequence(), events + 1);  // the stream learns the reference
  ASSERT_OK_AND_ASSIGN(Notification read, notifier_->GetNotification(admin_, kItem));
  EXPECT_EQ(read.external_reference, "MTG-2026-0050");
  // Now it is recorded: the same again changes nothing, another is refused.
  ASSERT_OK(notifier_->Acknowledge(viewer_of_bureau_, kItem, {"", "MTG-2026-0050"}).status());
  EXPECT_EQ(store_.LastEventSequence(), events + 1);
  EXPECT_EQ(notifier_->Acknowledge(viewer_of_bureau_, kItem, {"", "MTG-2026-0051"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(InboxTest, TheNoteAndTheReferenceAreLimited) {
  std::string longest_comment;
  for (int i = 0; i < 2000; ++i) longest_comment += "意";  // 2000 characters, 6000 bytes
  const std::string longest_ref(64, 'R');
  struct Case {
    AcknowledgeNote note;
    const char* field;
  };
  for (const Case& c :
       std::vector<Case>{{{longest_comment + "x", ""}, "comment"},
                         {{"", longest_ref + "R"}, "external_reference"},
                         {{"", "MTG\n0042"}, "external_reference"},
                         {{"", "MTG\t0042"}, "external_reference"},
                         {{"", "MTG\x7f"}, "external_reference"},
                         {{"", "MTG\xc2\x85"}, "external_reference"},  // U+0085 NEXT LINE
                         {{"", "\xff\xfe"}, "external_reference"},     // not UTF-8
                         {{"\xc3", ""}, "comment"}}) {
    absl::StatusOr<Notification> refused = notifier_->Acknowledge(admin_, kItem, c.note);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(refused.status().message(), ::testing::HasSubstr(c.field));
  }
  ASSERT_OK_AND_ASSIGN(Notification n, notifier_->GetNotification(admin_, kItem));
  EXPECT_FALSE(n.acknowledge_time.has_value());
  // At the limits, with spaces and CJK in the reference: accepted.
  ASSERT_OK_AND_ASSIGN(
      n, notifier_->Acknowledge(admin_, kItem, {longest_comment, "门城 案-2026/0042 #7"}));
  EXPECT_EQ(n.external_reference, "门城 案-2026/0042 #7");
  EXPECT_EQ(n.acknowledge_comment, longest_comment);
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
