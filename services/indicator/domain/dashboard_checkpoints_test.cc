// The lights judge the checkpoints of a measure's text once they are due
// (dashboard.h): passed and stated met by no owner → red; stated met on time
// → nothing to say; stated met late → yellow, then a reason without colour.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/indicator/domain/dashboard.h"

namespace ecoplan::indicator {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kLead[] = "区生态环境局";
constexpr char kResponsible[] = "区水务局";

// A measure due at the year's end with one checkpoint, 5月底前, led by
// 区生态环境局 with 区水务局 responsible.
MeasureInfo MayMeasure() {
  MeasureInfo m{"a1-t21-m4", absl::CivilDay(2026, 12, 31), {kLead}};
  m.responsible = {kResponsible};
  m.checkpoints = {{"5月底前", {absl::CivilDay(2026, 5, 31)}}};
  return m;
}

std::vector<absl::CivilMonth> Periods(int from, int to) {
  std::vector<absl::CivilMonth> out;
  for (int m = from; m <= to; ++m) out.push_back(absl::CivilMonth(2026, m));
  return out;
}

// On-time reports of both owners for every period, stating nothing.
std::vector<ProgressReport> OnTimeReports(const MeasureInfo& m,
                                          const std::vector<absl::CivilMonth>& periods) {
  std::vector<ProgressReport> out;
  for (absl::CivilMonth p : periods) {
    for (const std::string& org : {std::string(kLead), std::string(kResponsible)}) {
      ProgressReport r{org, m.id, p, ReportedStatus::kInProgress, true, 50};
      r.report = absl::StrCat("plans/p/reports/", org == kLead ? "o-eco" : "o-water", "_",
                              absl::FormatCivilTime(p));
      out.push_back(std::move(r));
    }
  }
  return out;
}

// States `due` met in `org`'s report for `period`, submitted on `on`.
void State(std::vector<ProgressReport>* reports, const std::string& org, absl::CivilMonth period,
           absl::CivilDay due, const std::string& phrase, absl::CivilDay on) {
  for (ProgressReport& r : *reports) {
    if (r.organization == org && r.period == period) r.met_checkpoints.push_back({due, phrase, on});
  }
}

TEST(DashboardCheckpointsTest, APassedCheckpointNoReportStatesMetTurnsTheMeasureRed) {
  const MeasureInfo m = MayMeasure();
  // Before the day: yellow, announcing it.
  std::vector<ProgressReport> reports = OnTimeReports(m, Periods(4, 4));
  auto lights = ColourMeasures({m}, reports, Periods(4, 4), absl::CivilDay(2026, 5, 28), {});
  ASSERT_EQ(lights.size(), 1u);
  EXPECT_EQ(lights[0].colour, Colour::kYellow);
  EXPECT_THAT(lights[0].reasons,
              ElementsAre("checkpoint «5月底前» of the measure text due 2026-05-31 in 3 days"));
  ASSERT_EQ(lights[0].checkpoints.size(), 1u);
  EXPECT_EQ(lights[0].checkpoints[0].state, CheckpointState::kUpcoming);

  // After the day, every report on time but none states it met: red.
  reports = OnTimeReports(m, Periods(4, 5));
  lights = ColourMeasures({m}, reports, Periods(4, 5), absl::CivilDay(2026, 6, 5), {});
  EXPECT_EQ(lights[0].colour, Colour::kRed);
  EXPECT_THAT(lights[0].reasons,
              ElementsAre("checkpoint «5月底前» of the measure text due 2026-05-31 passed: no "
                          "report of an owner states it met"));
  ASSERT_EQ(lights[0].checkpoints.size(), 1u);
  EXPECT_EQ(lights[0].checkpoints[0].phrase, "5月底前");
  EXPECT_EQ(lights[0].checkpoints[0].due, absl::CivilDay(2026, 5, 31));
  EXPECT_EQ(lights[0].checkpoints[0].state, CheckpointState::kMissed);

  // A statement the bureau returned, or one by an organization that owns no
  // part of the measure, states nothing.
  State(&reports, kLead, absl::CivilMonth(2026, 5), absl::CivilDay(2026, 5, 31), "5月底前",
        absl::CivilDay(2026, 5, 25));
  for (ProgressReport& r : reports) r.returned = r.organization == kLead;
  ProgressReport stranger{"区交通局", m.id, absl::CivilMonth(2026, 5)};
  stranger.met_checkpoints = {
      {absl::CivilDay(2026, 5, 31), "5月底前", absl::CivilDay(2026, 5, 20)}};
  reports.push_back(stranger);
  lights = ColourMeasures({m}, reports, Periods(4, 5), absl::CivilDay(2026, 6, 5), {});
  EXPECT_EQ(lights[0].colour, Colour::kRed);
  EXPECT_THAT(lights[0].reasons, Contains(HasSubstr("no report of an owner states it met")));
}

TEST(DashboardCheckpointsTest, MetOnTimeByEitherOwnerIsGreenWithoutAReason) {
  const MeasureInfo m = MayMeasure();
  for (const char* org : {kLead, kResponsible}) {
    std::vector<ProgressReport> reports = OnTimeReports(m, Periods(4, 5));
    // One owner's statement suffices; the phrase is for reading only.
    State(&reports, org, absl::CivilMonth(2026, 5), absl::CivilDay(2026, 5, 31), "",
          absl::CivilDay(2026, 5, 25));
    const auto lights = ColourMeasures({m}, reports, Periods(4, 5), absl::CivilDay(2026, 6, 5), {});
    EXPECT_EQ(lights[0].colour, Colour::kGreen) << org;
    EXPECT_THAT(lights[0].reasons, ElementsAre("on schedule")) << org;
    ASSERT_EQ(lights[0].checkpoints.size(), 1u);
    EXPECT_EQ(lights[0].checkpoints[0].state, CheckpointState::kMet);
    EXPECT_EQ(lights[0].checkpoints[0].organization, org);
    EXPECT_EQ(lights[0].checkpoints[0].stated_on, absl::CivilDay(2026, 5, 25));
  }
  // Stated early, before the due day: no reminder either.
  std::vector<ProgressReport> reports = OnTimeReports(m, Periods(4, 4));
  State(&reports, kLead, absl::CivilMonth(2026, 4), absl::CivilDay(2026, 5, 31), "5月底前",
        absl::CivilDay(2026, 4, 25));
  auto lights = ColourMeasures({m}, reports, Periods(4, 4), absl::CivilDay(2026, 5, 28), {});
  EXPECT_EQ(lights[0].colour, Colour::kGreen);
  // Evaluated as of a day before the statement, it is not known yet.
  lights = ColourMeasures({m}, reports, Periods(4, 4), absl::CivilDay(2026, 4, 24), {});
  EXPECT_EQ(lights[0].checkpoints[0].state, CheckpointState::kUpcoming);
}

TEST(DashboardCheckpointsTest, MetLateIsYellowForThirtyDaysThenSaidWithoutColour) {
  const MeasureInfo m = MayMeasure();
  std::vector<ProgressReport> reports = OnTimeReports(m, Periods(4, 6));
  State(&reports, kResponsible, absl::CivilMonth(2026, 6), absl::CivilDay(2026, 5, 31), "5月底前",
        absl::CivilDay(2026, 6, 20));
  const std::string reason =
      "checkpoint «5月底前» of the measure text due 2026-05-31 stated met only after its due "
      "day: by 区水务局 in plans/p/reports/o-water_2026-06 (report for 2026-06) submitted on "
      "2026-06-20";
  auto lights = ColourMeasures({m}, reports, Periods(4, 6), absl::CivilDay(2026, 6, 25), {});
  EXPECT_EQ(lights[0].colour, Colour::kYellow);
  EXPECT_THAT(lights[0].reasons, ElementsAre(reason));
  EXPECT_EQ(lights[0].checkpoints[0].state, CheckpointState::kMetLate);
  // Still a fact 35 days later, but no longer a colour.
  reports = OnTimeReports(m, Periods(4, 7));
  State(&reports, kResponsible, absl::CivilMonth(2026, 6), absl::CivilDay(2026, 5, 31), "5月底前",
        absl::CivilDay(2026, 6, 20));
  lights = ColourMeasures({m}, reports, Periods(4, 7), absl::CivilDay(2026, 7, 25), {});
  EXPECT_EQ(lights[0].colour, Colour::kGreen);
  EXPECT_THAT(lights[0].reasons, ElementsAre(reason, "on schedule"));
}

TEST(DashboardCheckpointsTest, EachQuarterOfARecurringCheckpointIsJudgedOnItsOwn) {
  MeasureInfo m = MayMeasure();
  m.checkpoints = {{"按季度",
                    {absl::CivilDay(2026, 3, 31), absl::CivilDay(2026, 6, 30),
                     absl::CivilDay(2026, 9, 30), absl::CivilDay(2026, 12, 31)}}};
  std::vector<ProgressReport> reports = OnTimeReports(m, Periods(3, 6));
  State(&reports, kLead, absl::CivilMonth(2026, 3), absl::CivilDay(2026, 3, 31), "按季度",
        absl::CivilDay(2026, 3, 25));
  const auto lights = ColourMeasures({m}, reports, Periods(3, 6), absl::CivilDay(2026, 7, 5), {});
  EXPECT_EQ(lights[0].colour, Colour::kRed);
  EXPECT_THAT(lights[0].reasons,
              ElementsAre("checkpoint «按季度» of the measure text due 2026-06-30 passed: no "
                          "report of an owner states it met"));
  std::vector<CheckpointState> states;
  for (const CheckpointJudgement& j : lights[0].checkpoints) states.push_back(j.state);
  EXPECT_THAT(states, ElementsAre(CheckpointState::kMet, CheckpointState::kMissed,
                                  CheckpointState::kUpcoming, CheckpointState::kUpcoming));
  // A statement for the first quarter does not meet the second.
  EXPECT_THAT(lights[0].reasons, Not(Contains(HasSubstr("2026-03-31"))));
}

TEST(DashboardCheckpointsTest, AMeasureCountedAsCompletedIsNotJudged) {
  MeasureInfo m = MayMeasure();
  m.completion_confirmed = true;
  m.confirmed_on = absl::CivilDay(2026, 5, 10);
  const std::vector<ProgressReport> reports = OnTimeReports(m, Periods(4, 5));
  const auto lights = ColourMeasures({m}, reports, Periods(4, 5), absl::CivilDay(2026, 6, 5), {});
  EXPECT_EQ(lights[0].colour, Colour::kGreen);
  EXPECT_THAT(lights[0].checkpoints, IsEmpty());
  EXPECT_THAT(lights[0].reasons, Not(Contains(HasSubstr("checkpoint"))));
}

}  // namespace
}  // namespace ecoplan::indicator
