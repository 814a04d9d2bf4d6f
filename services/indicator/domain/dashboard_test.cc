#include "services/indicator/domain/dashboard.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

using ::testing::HasSubstr;

TEST(DashboardTest, DuePeriodsFollowTheReportingDay) {
  const auto periods =
      DuePeriods(absl::CivilMonth(2026, 4), 25, true, absl::CivilDay(2026, 6, 24));
  EXPECT_THAT(periods, ::testing::ElementsAre(absl::CivilMonth(2026, 4),
                                              absl::CivilMonth(2026, 5)));
}

TEST(DashboardTest, ColoursMeasuresByDeadlineReportsAndStatus) {
  const absl::CivilDay as_of(2026, 7, 10);
  const std::vector<absl::CivilMonth> due = {absl::CivilMonth(2026, 4), absl::CivilMonth(2026, 5),
                                             absl::CivilMonth(2026, 6)};
  std::vector<MeasureInfo> measures = {
      {"overdue", absl::CivilDay(2026, 6, 30), {"区交通局"}},
      {"done", absl::CivilDay(2026, 6, 30), {"区交通局"}},
      {"soon", absl::CivilDay(2026, 7, 31), {"区交通局"}},
      {"silent", std::nullopt, {"区水务局"}},
      {"fine", absl::CivilDay(2026, 12, 31), {"区交通局"}},
  };
  std::vector<ProgressReport> reports;
  for (absl::CivilMonth m : due) {
    for (const char* id : {"overdue", "soon", "fine"}) {
      reports.push_back({"区交通局", id, m, ReportedStatus::kInProgress, true});
    }
  }
  reports.push_back({"区交通局", "done", absl::CivilMonth(2026, 6), ReportedStatus::kCompleted,
                     true});
  const auto lights = ColourMeasures(measures, reports, due, as_of, LightRules());
  ASSERT_EQ(lights.size(), 5u);
  EXPECT_EQ(lights[0].colour, Colour::kRed);
  EXPECT_THAT(lights[0].reasons[0], HasSubstr("due 2026-06-30 passed"));
  EXPECT_EQ(lights[1].colour, Colour::kGreen);
  EXPECT_EQ(lights[2].colour, Colour::kYellow);
  EXPECT_EQ(lights[3].colour, Colour::kRed);  // three periods unreported
  EXPECT_THAT(lights[3].reasons[0], HasSubstr("missed the last 3"));
  EXPECT_EQ(lights[4].colour, Colour::kGreen);
}

TEST(DashboardTest, ScorecardShowsEveryComponentAndRedistributesMissingWeights) {
  const absl::CivilDay as_of(2026, 7, 10);
  const std::vector<absl::CivilMonth> due = {absl::CivilMonth(2026, 6)};
  std::vector<MeasureInfo> measures = {
      {"a", absl::CivilDay(2026, 6, 30), {"区交通局"}},
      {"b", absl::CivilDay(2026, 12, 31), {"区交通局"}},
  };
  std::vector<ProgressReport> reports = {
      {"区交通局", "a", absl::CivilMonth(2026, 6), ReportedStatus::kCompleted, true},
      {"区交通局", "b", absl::CivilMonth(2026, 6), ReportedStatus::kInProgress, false},
  };
  const auto cards = ScoreOrganizations(measures, reports, due, {}, as_of, ScoreWeights());
  ASSERT_EQ(cards.size(), 1u);
  const Scorecard& c = cards[0];
  ASSERT_EQ(c.components.size(), 4u);
  EXPECT_EQ(c.components[0].rate, 0.5);  // 1 of 2 on time
  EXPECT_EQ(c.components[1].rate, 1.0);  // a done
  EXPECT_EQ(c.components[2].rate, 1.0);  // nothing overdue
  EXPECT_FALSE(c.components[3].rate.has_value());
  // (0.5×0.3 + 1×0.3 + 1×0.2) / 0.8 × 100
  EXPECT_NEAR(c.score, 81.25, 1e-9);
  EXPECT_EQ(c.components[0].detail, "1 of 2 reports on time (1 late, 0 missing)");
  EXPECT_EQ(c.reports_late, 1);
  EXPECT_EQ(c.reports_missing, 0);
}

}  // namespace
}  // namespace ecoplan::indicator
