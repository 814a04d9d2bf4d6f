#include "services/indicator/domain/evaluation_visibility.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/indicator/domain/progress_ledger.h"

namespace ecoplan::indicator {
namespace {

using ::testing::IsEmpty;

Indicator Ind(const std::string& id, SourceKind source, std::vector<std::string> owners,
              std::vector<std::string> measures = {}) {
  Indicator i;
  i.plan_id = "p";
  i.id = id;
  i.display_name = id;
  i.unit = "%";
  i.source = source;
  i.owners = std::move(owners);
  i.measures = std::move(measures);
  i.period_start = absl::CivilDay(2026, 1, 1);
  i.period_end = absl::CivilDay(2026, 12, 31);
  return i;
}

Evaluation Eval(IndicatorStatus status) {
  Evaluation e;
  e.status = status;
  return e;
}

MeasureLight Light(const std::string& measure, std::vector<std::string> owners,
                   std::vector<std::string> reporters) {
  MeasureLight l;
  l.measure_id = measure;
  l.owners = std::move(owners);
  for (const std::string& r : reporters) {
    OwnerProgress p;
    p.organization = r;
    p.percent_done = 40;
    l.progress.push_back(p);
  }
  return l;
}

Scorecard Card(const std::string& org) {
  Scorecard c;
  c.organization = org;
  c.score = 80;
  return c;
}

// A plan with two departments: 区交通局 leads m1 (区城管委 responsible there),
// 区城管委 leads m2.
EvaluationOutputs Outputs() {
  EvaluationOutputs out;
  out.evaluations = {
      {Ind("pm25", SourceKind::kAirQuality, {"区生态环境局"}), Eval(IndicatorStatus::kOffTrack)},
      {Ind("trucks", SourceKind::kReported, {"区交通局"}, {"m1"}), Eval(IndicatorStatus::kOnTrack)},
      {Ind("roads", SourceKind::kReported, {"区城管委"}, {"m2"}), Eval(IndicatorStatus::kAtRisk)},
  };
  out.lights = {Light("m1", {"区交通局"}, {"区交通局", "区城管委"}),
                Light("m2", {"区城管委"}, {"区城管委"})};
  out.scorecards = {Card("区城管委"), Card("区交通局")};
  out.unmatched_reported_values = {
      "measure m1, 区交通局 2026-05: «充电桩» 12 个 — no indicator of the measure",
      "measure m2, 区城管委 2026-05: «扫保面积» 3 万平方米 — no indicator of the measure"};
  out.status_counts = {{"off_track", 1}, {"on_track", 1}, {"at_risk", 1}};
  return out;
}

TEST(NarrowToOrganizationTest, AReporterSeesItsOwnMeasuresScoresAndReportedValuesOnly) {
  OrganizationScope jiaotong{"o-jt", "区交通局", {"m1"}};
  EvaluationOutputs out = Outputs();
  NarrowToOrganization(jiaotong, &out);

  ASSERT_EQ(out.evaluations.size(), 2u);  // air quality is public; 区城管委's roads are not
  EXPECT_EQ(out.evaluations[0].first.id, "pm25");
  EXPECT_EQ(out.evaluations[1].first.id, "trucks");
  EXPECT_EQ(out.status_counts, (std::map<std::string, int>{{"off_track", 1}, {"on_track", 1}}));

  ASSERT_EQ(out.lights.size(), 1u);
  EXPECT_EQ(out.lights[0].measure_id, "m1");
  ASSERT_EQ(out.lights[0].progress.size(), 1u);  // 区城管委's entry on m1 is removed
  EXPECT_EQ(out.lights[0].progress[0].organization, "区交通局");

  ASSERT_EQ(out.scorecards.size(), 1u);
  EXPECT_EQ(out.scorecards[0].organization, "区交通局");

  ASSERT_EQ(out.unmatched_reported_values.size(), 1u);
  EXPECT_EQ(out.unmatched_reported_values[0].rfind("measure m1, 区交通局 ", 0), 0u);
}

TEST(NarrowToOrganizationTest, AResponsibleOrganizationSeesTheMeasureButOnlyItsOwnEntry) {
  // 区城管委 is responsible for m1 (by id in the plan view) and leads m2.
  OrganizationScope chengguan{"o-cg", "区城管委", {"m1", "m2"}};
  EvaluationOutputs out = Outputs();
  NarrowToOrganization(chengguan, &out);
  ASSERT_EQ(out.lights.size(), 2u);
  for (const MeasureLight& l : out.lights) {
    ASSERT_EQ(l.progress.size(), 1u) << l.measure_id;
    EXPECT_EQ(l.progress[0].organization, "区城管委");
  }
  ASSERT_EQ(out.scorecards.size(), 1u);
  EXPECT_EQ(out.scorecards[0].organization, "区城管委");
  // The trucks indicator belongs to m1, which it answers for: visible too.
  EXPECT_EQ(out.evaluations.size(), 3u);
}

TEST(NarrowToOrganizationTest, AnOrganizationThePlanDoesNotNameSeesOnlyWhatIsPublic) {
  OrganizationScope unknown{"o-zz", "", {}};
  EvaluationOutputs out = Outputs();
  NarrowToOrganization(unknown, &out);
  ASSERT_EQ(out.evaluations.size(), 1u);
  EXPECT_EQ(out.evaluations[0].first.id, "pm25");
  EXPECT_THAT(out.lights, IsEmpty());
  EXPECT_THAT(out.scorecards, IsEmpty());
  EXPECT_THAT(out.unmatched_reported_values, IsEmpty());
}

TEST(NarrowToOrganizationTest, FiltersTheUnmatchedValuesAsTheLedgerWritesThem) {
  // The lines come from ProgressLedger::UnmatchedValues: pin its format here.
  ProgressLedger ledger;
  const std::vector<Indicator> none;
  for (const auto& [id, org] : std::vector<std::pair<std::string, std::string>>{
           {"o-jt", "区交通局"}, {"o-cg", "区城管委"}}) {
    ProgressUpdate u;
    u.plan_id = "p";
    u.report = "plans/p/reports/" + id + "_2026-05";
    u.report_revision = 1;
    u.organization_id = id;
    u.organization = org;
    u.period = absl::CivilMonth(2026, 5);
    u.due_day = absl::CivilDay(2026, 5, 25);
    ProgressUpdate::Entry e;
    e.measure_id = "m1";
    e.values = {{"充电桩", 12, "个", "", ""}};
    u.entries = {e};
    ledger.Apply(ledger.Prepare(u, none));
  }
  EvaluationOutputs out;
  out.unmatched_reported_values = ledger.UnmatchedValues("p");
  ASSERT_EQ(out.unmatched_reported_values.size(), 2u);
  NarrowToOrganization({"o-cg", "区城管委", {"m1"}}, &out);
  ASSERT_EQ(out.unmatched_reported_values.size(), 1u);
  EXPECT_NE(out.unmatched_reported_values[0].find("区城管委"), std::string::npos);
  EXPECT_EQ(out.unmatched_reported_values[0].find("区交通局"), std::string::npos);
}

TEST(OrganizationMaySeeTest, ReportedIndicatorsByOwnerOrMeasureAirQualityAlways) {
  OrganizationScope jiaotong{"o-jt", "区交通局", {"m1"}};
  EXPECT_TRUE(OrganizationMaySee(jiaotong, Ind("pm25", SourceKind::kAirQuality, {})));
  EXPECT_TRUE(OrganizationMaySee(jiaotong, Ind("a", SourceKind::kReported, {"区交通局"})));
  EXPECT_TRUE(OrganizationMaySee(jiaotong, Ind("b", SourceKind::kReported, {}, {"m1"})));
  EXPECT_FALSE(OrganizationMaySee(jiaotong, Ind("c", SourceKind::kReported, {"区城管委"}, {"m2"})));
  EXPECT_FALSE(OrganizationMaySee({"o-zz", "", {}}, Ind("d", SourceKind::kReported, {""})));
}

}  // namespace
}  // namespace ecoplan::indicator
