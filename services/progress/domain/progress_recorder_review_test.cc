// ProgressRecorder::ReviewReport: the bureau accepts or returns a report, and
// the revisions record the exchange.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/progress/domain/progress_recorder_test_fixture.h"

namespace ecoplan::progress::recorder_test {
namespace {

using ::testing::ElementsAre;

TEST_F(ProgressRecorderTest, TheHistoryShowsTheWholeExchangeWithTheBureau) {
  ReportSubmission draft = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 40)});
  draft.draft = true;
  draft.entries[0].work_done = "";  // drafts may be incomplete
  ASSERT_OK_AND_ASSIGN(Report d, Submit(draft));
  EXPECT_EQ(d.state, ReportState::kDraft);
  EXPECT_EQ(d.timeliness, Timeliness::kUnspecified);

  ReportSubmission submit = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 40)});
  submit.etag = ReportEtag(d);
  ASSERT_OK_AND_ASSIGN(Report s, Submit(submit));
  EXPECT_EQ(s.state, ReportState::kSubmitted);

  ReportSubmission late_draft = draft;
  late_draft.etag = ReportEtag(s);
  EXPECT_STATUS_CODE(Submit(late_draft), absl::StatusCode::kFailedPrecondition);

  EXPECT_STATUS_CODE(Review(s, /*accept=*/false, ""), absl::StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(Report returned, Review(s, false, "请补充新能源货车占比的数据来源"));
  EXPECT_EQ(returned.state, ReportState::kReturned);

  ReportSubmission resubmit = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 60)});
  resubmit.etag = ReportEtag(returned);
  ASSERT_OK_AND_ASSIGN(Report again, Submit(resubmit));
  EXPECT_EQ(again.state, ReportState::kSubmitted);
  ASSERT_OK_AND_ASSIGN(Report accepted, Review(again, true, ""));
  EXPECT_EQ(accepted.state, ReportState::kAccepted);

  resubmit.etag = ReportEtag(accepted);
  EXPECT_STATUS_CODE(Submit(resubmit), absl::StatusCode::kFailedPrecondition);

  ASSERT_OK_AND_ASSIGN(std::vector<ReportRevision> history,
                       recorder_.ListRevisions(kPlan, accepted.id()));
  std::vector<RevisionAction> actions;
  for (const ReportRevision& r : history) actions.push_back(r.action);
  EXPECT_THAT(actions, ElementsAre(RevisionAction::kDraftSaved, RevisionAction::kSubmitted,
                                   RevisionAction::kReturned, RevisionAction::kRevised,
                                   RevisionAction::kAccepted));
  EXPECT_EQ(history[2].comment, "请补充新能源货车占比的数据来源");
  EXPECT_EQ(history[2].actor, "区生态环境局-李四");
  EXPECT_THAT(history[3].changes, ::testing::Contains("entries[a1-t1-m1].percent_done: 40 → 60"));
  EXPECT_THAT(history[3].changes, ::testing::Contains("state: RETURNED → SUBMITTED"));
  EXPECT_THAT(store_.events(), ElementsAre(EventType::kReportDraftSaved,
                                           EventType::kReportSubmitted, EventType::kReportReturned,
                                           EventType::kReportRevised, EventType::kReportAccepted));
}

TEST_F(ProgressRecorderTest, AReviewUpdatesTheReportTheNextRevisionStartsFrom) {
  ASSERT_OK_AND_ASSIGN(Report r1, Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1")})));
  ASSERT_OK_AND_ASSIGN(Report accepted, Review(r1, true, ""));
  EXPECT_EQ(accepted.revision, 2);
  ReportSubmission next = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 60)});
  next.etag = ReportEtag(r1);
  EXPECT_STATUS_CODE(Submit(next), absl::StatusCode::kAborted);
  next.etag = ReportEtag(accepted);
  EXPECT_STATUS_CODE(Submit(next), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ecoplan::progress::recorder_test
