// MonthFactsGatherer against in-process fakes of the registry and the
// progress service (one item per page) and fake indicator answers: every
// page gathered, the as-of day decided as document_service.proto says, the
// upstreams' errors mapped to the proto's codes, progress reported.

#include "services/indicator/documents/month_facts_gatherer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/indicator/documents/testing/fake_upstreams.h"
#include "services/indicator/documents/testing/ledger_sample_facts.h"

namespace ecoplan::indicator::documents {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::SizeIs;

class GathererTest : public ::testing::Test {
 protected:
  GathererTest()
      : sample_(testing::SampleLedgerFacts()),
        upstreams_(sample_),
        answers_(sample_, absl::CivilDay(2026, 6, 10)),
        gatherer_(upstreams_.registry_stub.get(), upstreams_.progress_stub.get(), &answers_,
                  absl::Seconds(10)) {}

  GatherRequest May() const {
    GatherRequest r;
    r.plan_name = "plans/p2026";
    r.month = absl::CivilMonth(2026, 5);
    return r;
  }

  MonthFacts sample_;
  testing::FakeUpstreams upstreams_;
  testing::FakeAnswers answers_;
  MonthFactsGatherer gatherer_;
};

TEST_F(GathererTest, GathersEveryPageOfEveryAnswer) {
  std::vector<std::pair<std::string, int>> stages;
  absl::StatusOr<MonthFacts> f = gatherer_.Gather(
      May(), [&](const std::string& stage, int done) { stages.emplace_back(stage, done); });
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->plan.title(), sample_.plan.title());
  ASSERT_THAT(f->measures, SizeIs(3));  // three pages of one
  EXPECT_EQ(f->measures[2].name(), "plans/p2026/measures/a2-t1-m2");
  EXPECT_THAT(f->organizations, SizeIs(3));
  ASSERT_THAT(f->reports, SizeIs(2));
  EXPECT_EQ(f->reports[1].organization_display_name(), "区水务局");
  EXPECT_EQ(f->submissions.missing_count(), 1);
  EXPECT_THAT(f->extensions, SizeIs(2));
  EXPECT_THAT(f->completions, SizeIs(1));
  EXPECT_EQ(f->evaluation.evaluations_size(), 2);
  EXPECT_EQ(f->month, "2026-05");
  // An open month before today: as of its last day.
  EXPECT_EQ(f->as_of, absl::CivilDay(2026, 5, 31));
  EXPECT_FALSE(f->month_closed);
  EXPECT_FALSE(f->assessment.has_value());
  EXPECT_THAT(answers_.evaluated, ElementsAre(absl::CivilDay(2026, 5, 31)));
  ASSERT_THAT(stages, SizeIs(MonthFactsGatherer::kGatherSteps));
  EXPECT_THAT(stages[0], Pair("读取规划", 0));
  EXPECT_THAT(stages[3], Pair("评估指标", 3));
  EXPECT_EQ(upstreams_.progress.reports_organization, "");
}

TEST_F(GathererTest, OrganizationNarrowsTheReportsAsked) {
  GatherRequest r = May();
  r.organization = "o-sw";
  absl::StatusOr<MonthFacts> f = gatherer_.Gather(r, nullptr);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(upstreams_.progress.reports_organization, "organizations/o-sw");
  ASSERT_THAT(f->reports, SizeIs(1));
  EXPECT_EQ(f->reports[0].organization(), "organizations/o-sw");
}

TEST_F(GathererTest, AsOfOfAnOpenMonth) {
  // The current month: today.
  GatherRequest june = May();
  june.month = absl::CivilMonth(2026, 6);
  auto d = gatherer_.DecideAsOf(june);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->first, absl::CivilDay(2026, 6, 10));
  // A day asked for.
  GatherRequest r = May();
  r.as_of = absl::CivilDay(2026, 5, 20);
  d = gatherer_.DecideAsOf(r);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->first, absl::CivilDay(2026, 5, 20));
  // Outside the month, after today, a month not begun.
  r.as_of = absl::CivilDay(2026, 6, 1);
  EXPECT_THAT(gatherer_.DecideAsOf(r).status().message(), HasSubstr("as_of"));
  EXPECT_EQ(gatherer_.DecideAsOf(r).status().code(), absl::StatusCode::kInvalidArgument);
  june.as_of = absl::CivilDay(2026, 6, 11);
  EXPECT_THAT(gatherer_.DecideAsOf(june).status().message(), HasSubstr("after today"));
  GatherRequest july = May();
  july.month = absl::CivilMonth(2026, 7);
  EXPECT_EQ(gatherer_.DecideAsOf(july).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(gatherer_.DecideAsOf(july).status().message(), HasSubstr("month"));
}

TEST_F(GathererTest, ClosedMonthIsAsOfItsAssessment) {
  answers_.closed = {"plans/p2026/months/2026-05"};
  answers_.closed_as_of = absl::CivilDay(2026, 5, 31);
  GatherRequest r = May();
  r.as_of = absl::CivilDay(2026, 5, 15);  // ignored: the published assessment's day
  absl::StatusOr<MonthFacts> f = gatherer_.Gather(r, nullptr);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->month_closed);
  EXPECT_EQ(f->as_of, absl::CivilDay(2026, 5, 31));
  ASSERT_TRUE(f->assessment.has_value());
  EXPECT_EQ(f->assessment->name(), "plans/p2026/months/2026-05");
  EXPECT_THAT(answers_.evaluated, ElementsAre(absl::CivilDay(2026, 5, 31)));
}

TEST_F(GathererTest, UpstreamErrorsAsTheProtoSays) {
  upstreams_.registry.fail = grpc::StatusCode::UNAVAILABLE;
  absl::Status s = gatherer_.Gather(May(), nullptr).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("the registry"));
  EXPECT_THAT(s.message(), HasSubstr("GetPlan"));

  upstreams_.registry.fail = grpc::StatusCode::OK;
  upstreams_.progress.fail = grpc::StatusCode::DEADLINE_EXCEEDED;
  s = gatherer_.Gather(May(), nullptr).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("the progress service"));
  EXPECT_THAT(s.message(), HasSubstr("ListReports"));

  upstreams_.progress.fail = grpc::StatusCode::INVALID_ARGUMENT;
  EXPECT_EQ(gatherer_.Gather(May(), nullptr).status().code(), absl::StatusCode::kInternal);
}

TEST_F(GathererTest, UnknownPlanIsNotFound) {
  GatherRequest r = May();
  r.plan_name = "plans/nope";
  absl::Status s = gatherer_.Gather(r, nullptr).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("plans/nope"));
}

TEST_F(GathererTest, NoProgressServiceIsUnavailable) {
  MonthFactsGatherer without(upstreams_.registry_stub.get(), nullptr, &answers_);
  absl::Status s = without.Gather(May(), nullptr).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("progress service"));
}

}  // namespace
}  // namespace ecoplan::indicator::documents
