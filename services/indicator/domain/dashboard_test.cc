#include "services/indicator/domain/dashboard.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

using ::testing::HasSubstr;

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
  reports.push_back(
      {"区交通局", "done", absl::CivilMonth(2026, 6), ReportedStatus::kCompleted, true});
  const auto lights = ColourMeasures(measures, reports, due, as_of, LightRules());
  ASSERT_EQ(lights.size(), 5u);
  EXPECT_EQ(lights[0].colour, Colour::kRed);
  EXPECT_THAT(lights[0].reasons[0], HasSubstr("due 2026-06-30 passed"));
  // Reported completed is a claim: overdue all the same, shown as declared.
  EXPECT_EQ(lights[1].colour, Colour::kRed);
  EXPECT_EQ(lights[1].completion_state, CompletionState::kDeclared);
  EXPECT_FALSE(lights[1].counted_completed);
  EXPECT_THAT(lights[1].reasons,
              ::testing::ElementsAre(
                  "reported completed by 区交通局 in its report for 2026-06, awaiting the "
                  "bureau's confirmation (no completion declaration pending)",
                  "due 2026-06-30 passed, completion not confirmed by the bureau"));
  EXPECT_EQ(lights[2].colour, Colour::kYellow);
  EXPECT_EQ(lights[3].colour, Colour::kRed);  // three periods unreported
  EXPECT_EQ(lights[3].reasons[0],
            "区水务局 missed the last 3 reporting periods (no entry): 2026-04 no entry, "
            "2026-05 no entry, 2026-06 no entry");
  // Every reason in Chinese too, one for one.
  for (const MeasureLight& light : lights) {
    EXPECT_EQ(light.reasons_zh.size(), light.reasons.size()) << light.measure_id;
  }
  EXPECT_THAT(lights[1].reasons_zh,
              ::testing::ElementsAre(
                  "区交通局在2026年6月报告中报送已完成，待局方确认（尚无待审的办结申请）",
                  "完成时限2026年6月30日已过，局方尚未确认办结"));
  EXPECT_EQ(lights[3].reasons_zh[0],
            "区水务局最近3期未按时报送（未报送）：2026年4月未报送、2026年5月未报送、"
            "2026年6月未报送");
  EXPECT_EQ(lights[4].reasons_zh, std::vector<std::string>{"按计划推进"});
  EXPECT_EQ(lights[4].colour, Colour::kGreen);
}

TEST(DashboardTest, ACloseCheckpointOfTheMeasureTextTurnsItYellow) {
  // A quarterly checkpoint (按季度) on a measure due at the year's end, every report on time.
  const std::vector<absl::CivilMonth> due = {absl::CivilMonth(2026, 4), absl::CivilMonth(2026, 5)};
  MeasureInfo m{"a1-t25-m1", absl::CivilDay(2026, 12, 31), {"区生态环境局"}};
  m.checkpoints = {
      {"按季度",
       {absl::CivilDay(2026, 6, 30), absl::CivilDay(2026, 9, 30), absl::CivilDay(2026, 12, 31)}}};
  std::vector<ProgressReport> reports;
  for (absl::CivilMonth p : due) {
    reports.push_back({"区生态环境局", m.id, p, ReportedStatus::kInProgress, true});
  }
  // A week before the end of June: yellow, naming the checkpoint and its day.
  const auto close = ColourMeasures({m}, reports, due, absl::CivilDay(2026, 6, 24), LightRules());
  ASSERT_EQ(close.size(), 1u);
  EXPECT_EQ(close[0].colour, Colour::kYellow);
  EXPECT_THAT(
      close[0].reasons,
      ::testing::Contains("checkpoint «按季度» of the measure text due 2026-06-30 in 6 days"));
  // Mid-July the next one (September 30) is far, but June 30 has passed and no
  // report states it met: red (dashboard_checkpoints_test.cc has the rules).
  auto far = ColourMeasures({m}, reports, due, absl::CivilDay(2026, 7, 15), LightRules());
  EXPECT_EQ(far[0].colour, Colour::kRed);
  EXPECT_THAT(far[0].reasons, ::testing::Contains("checkpoint «按季度» of the measure text due "
                                                  "2026-06-30 passed: no report of an owner "
                                                  "states it met"));
  // Stated met in the June report on time: green.
  ProgressReport june{"区生态环境局", m.id, absl::CivilMonth(2026, 6), ReportedStatus::kInProgress,
                      true};
  june.met_checkpoints = {{absl::CivilDay(2026, 6, 30), "按季度", absl::CivilDay(2026, 6, 25)}};
  reports.push_back(june);
  far = ColourMeasures({m}, reports, due, absl::CivilDay(2026, 7, 15), LightRules());
  EXPECT_EQ(far[0].colour, Colour::kGreen);
  // Completed (confirmed) measures owe no more checkpoints.
  m.completion_confirmed = true;
  const auto done = ColourMeasures({m}, reports, due, absl::CivilDay(2026, 6, 24), LightRules());
  EXPECT_EQ(done[0].colour, Colour::kGreen);
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
  const auto cards = ScoreOrganizations(measures, reports, due, {}, as_of, ScoringRules());
  ASSERT_EQ(cards.size(), 1u);
  const Scorecard& c = cards[0];
  ASSERT_EQ(c.components.size(), 5u);
  EXPECT_EQ(c.components[0].rate, 0.5);  // 1 of 2 on time
  EXPECT_EQ(c.components[1].rate, 0.0);  // a reported completed, not confirmed
  EXPECT_EQ(c.components[2].rate, 0.5);  // a overdue
  EXPECT_FALSE(c.components[3].rate.has_value());
  EXPECT_EQ(c.components[4].name, "checkpoints_met");  // no checkpoint in these texts
  EXPECT_FALSE(c.components[4].rate.has_value());
  // (0.5×0.3 + 0×0.3 + 0.5×0.2) / 0.8 × 100: neither the indicator nor the
  // checkpoint weight counts, as before checkpoints were scored.
  EXPECT_NEAR(c.score, 31.25, 1e-9);
  EXPECT_EQ(c.components[0].detail,
            "1 of 2 reports on time (1 late, 0 missing); as lead 1 of 2 (1 late, 0 missing); "
            "as responsible unit 0 of 0 (0 late, 0 missing)");
  EXPECT_EQ(c.components[2].detail,
            "1 of 2 measures owned are overdue; as lead 1 of 2 (a (due 2026-06-30)); as "
            "responsible unit 0 of 0");
  EXPECT_EQ(c.reports_late, 1);
  EXPECT_EQ(c.reports_missing, 0);
}

// A measure due 2026-12-31, led by 区交通局 with 各镇街 (two towns) responsible;
// every owner reported June on time.
struct Fixture {
  absl::CivilDay as_of{2026, 7, 10};
  std::vector<absl::CivilMonth> due = {absl::CivilMonth(2026, 6)};
  MeasureInfo measure{"a1-t3-m7", absl::CivilDay(2026, 12, 31), {"区交通局"}};
  std::vector<ProgressReport> reports;
  Fixture() {
    measure.responsible = {"甲镇", "乙街道"};
    for (const char* org : {"区交通局", "甲镇", "乙街道"}) {
      ProgressReport r;
      r.organization = org;
      r.measure_id = measure.id;
      r.period = absl::CivilMonth(2026, 6);
      r.report = absl::StrCat("plans/p/reports/", org, "_2026-06");
      reports.push_back(r);
    }
  }
  CompletionDeclaration Declaration(CompletionState state) const {
    CompletionDeclaration d;
    d.name = "plans/p/measures/a1-t3-m7/completions/1";
    d.number = 1;
    d.organization_id = "o-traffic";
    d.organization = "区交通局";
    d.declared = absl::CivilDay(2026, 5, 20);
    d.state = state;
    if (state != CompletionState::kDeclared) d.decided = absl::CivilDay(2026, 6, 10);
    return d;
  }
  MeasureIndicator Indicator(IndicatorStatus status, double value) const {
    MeasureIndicator i;
    i.id = "a1-t3-m7-i1";
    i.name = "新能源车比例";
    i.status = status;
    i.value = value;
    i.value_day = absl::CivilDay(2026, 6, 25);
    i.unit = "%";
    i.target = "≥ 30 %";
    return i;
  }
  MeasureLight Light() const {
    const auto lights = ColourMeasures({measure}, reports, due, as_of, LightRules());
    EXPECT_EQ(lights.size(), 1u);
    return lights.at(0);
  }
  Scorecard Card(const std::string& org) const {
    for (const Scorecard& c :
         ScoreOrganizations({measure}, reports, due, {}, as_of, ScoringRules())) {
      if (c.organization == org) return c;
    }
    ADD_FAILURE() << "no scorecard for " << org;
    return {};
  }
};

TEST(DashboardTest, ADeclaredCompletionIsAClaimNotGreenAndNotCounted) {
  Fixture f;
  f.measure.due = absl::CivilDay(2026, 7, 1);  // passed
  f.measure.declaration = f.Declaration(CompletionState::kDeclared);
  const MeasureLight light = f.Light();
  EXPECT_EQ(light.colour, Colour::kRed);
  EXPECT_EQ(light.completion_state, CompletionState::kDeclared);
  EXPECT_EQ(light.completion, "plans/p/measures/a1-t3-m7/completions/1");
  EXPECT_FALSE(light.completion_confirmed);
  EXPECT_FALSE(light.counted_completed);
  EXPECT_THAT(light.reasons,
              ::testing::ElementsAre("completion declared by 区交通局 on 2026-05-20 (declaration "
                                     "1), awaiting the bureau's confirmation",
                                     "due 2026-07-01 passed, completion not confirmed by the "
                                     "bureau"));
  const Scorecard card = f.Card("区交通局");
  EXPECT_EQ(card.as_lead.measures_due, 1);
  EXPECT_EQ(card.as_lead.measures_completed, 0);
  EXPECT_EQ(card.as_lead.overdue_measures, 1);
  ASSERT_EQ(card.as_lead.overdue_zh.size(), card.as_lead.overdue.size());
  EXPECT_EQ(card.as_lead.overdue_zh[0],
            absl::StrCat(card.as_lead.overdue[0].substr(0, card.as_lead.overdue[0].find(' ')),
                         "（完成时限2026年7月1日）"));
  EXPECT_EQ(light.reasons_zh[0], "区交通局于2026年5月20日申请办结（第1次申请），待局方确认");
  EXPECT_THAT(card.components[1].detail, HasSubstr("0 of 1 measures due by 2026-07-10"));

  // Not due yet and nothing else fired: on schedule (the rule for a measure
  // not completed), still only declared.
  f.measure.due = absl::CivilDay(2026, 12, 31);
  const MeasureLight later = f.Light();
  EXPECT_EQ(later.colour, Colour::kGreen);
  EXPECT_EQ(later.completion_state, CompletionState::kDeclared);
  EXPECT_THAT(later.reasons, ::testing::Contains("on schedule"));
}

TEST(DashboardTest, ARejectedCompletionRevertsTheMeasureWithTheBureausComment) {
  Fixture f;
  f.measure.due = absl::CivilDay(2026, 7, 1);
  f.measure.declaration = f.Declaration(CompletionState::kRejected);
  f.measure.declaration->comment = "证明材料不全";
  const MeasureLight light = f.Light();
  EXPECT_EQ(light.colour, Colour::kRed);
  EXPECT_EQ(light.completion_state, CompletionState::kRejected);
  EXPECT_FALSE(light.counted_completed);
  ASSERT_GE(light.reasons.size(), 2u);
  EXPECT_EQ(light.reasons[0],
            "completion declaration 1 by 区交通局 rejected by the bureau on 2026-06-10: "
            "证明材料不全 (declared on 2026-05-20); the measure is not completed");
  EXPECT_EQ(light.reasons[1], "due 2026-07-01 passed, completion not confirmed by the bureau");
  EXPECT_EQ(light.reasons_zh[0],
            "区交通局2026年5月20日的第1次办结申请被局方于2026年6月10日退回：证明材料不全；"
            "措施未办结");
}

TEST(DashboardTest, AConfirmedCompletionIsGreenAndCounted) {
  Fixture f;
  f.measure.due = absl::CivilDay(2026, 7, 1);
  f.measure.completion_confirmed = true;
  f.measure.confirmed_on = absl::CivilDay(2026, 6, 10);
  f.measure.declaration = f.Declaration(CompletionState::kConfirmed);
  f.measure.indicators = {f.Indicator(IndicatorStatus::kOnTrack, 35)};
  const MeasureLight light = f.Light();
  EXPECT_EQ(light.colour, Colour::kGreen);
  EXPECT_EQ(light.completion_state, CompletionState::kConfirmed);
  EXPECT_TRUE(light.counted_completed);
  EXPECT_THAT(light.reasons,
              ::testing::ElementsAre("completion confirmed by the bureau on 2026-06-10 "
                                     "(declaration 1 by 区交通局 on 2026-05-20)"));
  const Scorecard card = f.Card("区交通局");
  EXPECT_EQ(card.as_lead.measures_completed, 1);
  EXPECT_EQ(card.overdue_measures, 0);
  // The responsible units share the completion.
  EXPECT_EQ(f.Card("甲镇").as_responsible.measures_completed, 1);
}

TEST(DashboardTest, AConfirmedCompletionWhoseIndicatorIsOffTrackTurnsBackRed) {
  Fixture f;
  f.measure.due = absl::CivilDay(2026, 7, 1);
  f.measure.completion_confirmed = true;
  f.measure.confirmed_on = absl::CivilDay(2026, 6, 10);
  f.measure.declaration = f.Declaration(CompletionState::kConfirmed);
  f.measure.indicators = {f.Indicator(IndicatorStatus::kOffTrack, 26)};
  const MeasureLight light = f.Light();
  EXPECT_EQ(light.colour, Colour::kRed);
  EXPECT_TRUE(light.completion_confirmed);
  EXPECT_EQ(light.completion_state, CompletionState::kConfirmed);
  EXPECT_FALSE(light.counted_completed);
  ASSERT_GE(light.reasons.size(), 2u);
  EXPECT_EQ(light.reasons[0],
            "completion confirmed by the bureau on 2026-06-10 (declaration 1 by 区交通局 on "
            "2026-05-20), but indicator a1-t3-m7-i1 新能源车比例 is off track: 26 % on "
            "2026-06-25 against ≥ 30 %; not counted as completed");
  EXPECT_EQ(light.reasons[1], "due 2026-07-01 passed, not counted as completed");
  const Scorecard card = f.Card("区交通局");
  EXPECT_EQ(card.as_lead.measures_completed, 0);
  EXPECT_EQ(card.as_lead.overdue_measures, 1);
  EXPECT_EQ(f.Card("甲镇").as_responsible.overdue_measures, 1);

  // Confirmed over the indicator check: counted, yellow (never green) while the
  // indicator is off track, with the indicator's facts and the bureau's reason.
  f.measure.declaration->indicator_check_overridden = true;
  f.measure.declaration->override_reason = "指标为年度统计";
  const MeasureLight overridden = f.Light();
  EXPECT_EQ(overridden.colour, Colour::kYellow);
  EXPECT_TRUE(overridden.counted_completed);
  ASSERT_FALSE(overridden.reasons.empty());
  EXPECT_EQ(overridden.reasons[0],
            "completion confirmed by the bureau on 2026-06-10 (declaration 1 by 区交通局 on "
            "2026-05-20), while indicator a1-t3-m7-i1 新能源车比例 is off track: 26 % on "
            "2026-06-25 against ≥ 30 %; counted as completed because the bureau confirmed with "
            "the indicator check overridden: 指标为年度统计");
  EXPECT_EQ(f.Card("区交通局").as_lead.measures_completed, 1);
  f.measure.declaration->indicator_check_overridden = false;

  // At risk only: still counted, but yellow with the indicator named.
  f.measure.indicators = {f.Indicator(IndicatorStatus::kAtRisk, 29)};
  const MeasureLight at_risk = f.Light();
  EXPECT_EQ(at_risk.colour, Colour::kYellow);
  EXPECT_TRUE(at_risk.counted_completed);
  EXPECT_THAT(at_risk.reasons,
              ::testing::Contains("completion confirmed, but indicator a1-t3-m7-i1 新能源车比例 "
                                  "is at risk: 29 % on 2026-06-25 against ≥ 30 %"));
}

TEST(DashboardTest, AStretchGoalOffTrackTakesNoConfirmedCompletionBack) {
  Fixture f;
  f.measure.due = absl::CivilDay(2026, 7, 1);
  f.measure.completion_confirmed = true;
  f.measure.confirmed_on = absl::CivilDay(2026, 6, 10);
  f.measure.declaration = f.Declaration(CompletionState::kConfirmed);
  MeasureIndicator stretch = f.Indicator(IndicatorStatus::kOffTrack, 26);
  stretch.stretch = true;  // 力争: shown, never counted against the measure
  f.measure.indicators = {stretch};
  const MeasureLight light = f.Light();
  EXPECT_EQ(light.colour, Colour::kGreen);
  EXPECT_TRUE(light.counted_completed);
  EXPECT_EQ(f.Card("区交通局").as_lead.measures_completed, 1);
  // The same indicator as a binding target turns the completion back.
  f.measure.indicators[0].stretch = false;
  EXPECT_EQ(f.Light().colour, Colour::kRed);
}

TEST(DashboardTest, AResponsibleUnitMissingReportsColoursTheLightAndItsOwnScorecard) {
  Fixture f;
  f.due = {absl::CivilMonth(2026, 4), absl::CivilMonth(2026, 5), absl::CivilMonth(2026, 6)};
  // The lead and 甲镇 report every month; 乙街道 only April, on time.
  f.reports.clear();
  for (absl::CivilMonth m : f.due) {
    for (const char* org : {"区交通局", "甲镇"}) {
      f.reports.push_back({org, f.measure.id, m, ReportedStatus::kInProgress, true});
    }
  }
  f.reports.push_back(
      {"乙街道", f.measure.id, absl::CivilMonth(2026, 4), ReportedStatus::kInProgress, true});
  MeasureLight light = f.Light();
  EXPECT_EQ(light.colour, Colour::kRed);
  EXPECT_THAT(light.owners, ::testing::ElementsAre("区交通局"));
  EXPECT_THAT(light.responsible, ::testing::ElementsAre("甲镇", "乙街道"));
  EXPECT_THAT(light.reasons,
              ::testing::ElementsAre("乙街道 (responsible unit) missed the last 2 reporting "
                                     "periods (no entry): 2026-05 no entry, 2026-06 no entry"));
  // Progress: the lead first, then the responsible units, marked apart.
  ASSERT_EQ(light.progress.size(), 3u);
  EXPECT_EQ(light.progress[0].organization, "区交通局");
  EXPECT_TRUE(light.progress[0].lead);
  EXPECT_EQ(light.progress[1].organization, "甲镇");
  EXPECT_FALSE(light.progress[1].lead);

  // One period missed: yellow.
  f.reports.push_back(
      {"乙街道", f.measure.id, absl::CivilMonth(2026, 5), ReportedStatus::kInProgress, true});
  light = f.Light();
  EXPECT_EQ(light.colour, Colour::kYellow);
  EXPECT_THAT(light.reasons,
              ::testing::ElementsAre("乙街道 (responsible unit) missed the last reporting period "
                                     "2026-06 (no entry)"));

  // 乙街道 has its own scorecard, with its responsible work apart.
  const Scorecard card = f.Card("乙街道");
  EXPECT_EQ(card.measures_led, 0);
  EXPECT_EQ(card.measures_responsible, 1);
  EXPECT_EQ(card.as_responsible.reports_due, 3);
  EXPECT_EQ(card.as_responsible.reports_on_time, 2);
  EXPECT_EQ(card.as_responsible.reports_missing, 1);
  EXPECT_EQ(card.as_lead.reports_due, 0);
  EXPECT_EQ(card.components[0].detail,
            "2 of 3 reports on time (0 late, 1 missing); as lead 0 of 0 (0 late, 0 missing); "
            "as responsible unit 2 of 3 (0 late, 1 missing)");
  const Scorecard lead = f.Card("区交通局");
  EXPECT_EQ(lead.measures_led, 1);
  EXPECT_EQ(lead.measures_responsible, 0);
  EXPECT_EQ(lead.as_lead.reports_on_time, 3);
}

// Each owner's reporting in the light's reasons, word for word in both
// languages: missed and late periods mixed, only late ones, one period, and
// the latest report blocked, delayed or returned.
TEST(DashboardTest, AnOwnersReportingIsSaidPeriodByPeriodInBothLanguages) {
  std::vector<absl::CivilMonth> due;
  for (int month = 1; month <= 12; ++month) due.push_back(absl::CivilMonth(2025, month));
  MeasureInfo m{"a1-t3-m7", absl::CivilDay(2026, 12, 31), {"区交通局"}};
  m.responsible = {"甲镇", "乙街道"};
  std::vector<ProgressReport> reports;
  auto report = [&](const char* org, int month, bool on_time) -> ProgressReport& {
    reports.push_back(
        {org, m.id, absl::CivilMonth(2025, month), ReportedStatus::kInProgress, on_time});
    return reports.back();
  };
  // 区交通局: on time to August; September late, October none, November late,
  // December none; its latest (November) blocked and returned.
  for (int month = 1; month <= 8; ++month) report("区交通局", month, true);
  report("区交通局", 9, false);
  ProgressReport& november = report("区交通局", 11, false);
  november.status = ReportedStatus::kBlocked;
  november.returned = true;
  november.report = "plans/p/reports/r11";
  // 甲镇: on time but December, late and delayed.
  for (int month = 1; month <= 11; ++month) report("甲镇", month, true);
  report("甲镇", 12, false).status = ReportedStatus::kDelayed;
  // 乙街道: on time but November and December, both late.
  for (int month = 1; month <= 10; ++month) report("乙街道", month, true);
  report("乙街道", 11, false);
  report("乙街道", 12, false);

  const std::vector<MeasureLight> lights =
      ColourMeasures({m}, reports, due, absl::CivilDay(2026, 1, 10), LightRules());
  ASSERT_EQ(lights.size(), 1u);
  EXPECT_EQ(lights[0].colour, Colour::kRed);
  EXPECT_THAT(
      lights[0].reasons,
      ::testing::ElementsAre(
          "区交通局 missed the last 4 reporting periods (2 late, 2 without entry): 2025-09 late, "
          "2025-10 no entry, 2025-11 late, 2025-12 no entry",
          "区交通局 reports the measure blocked (2025-11, plans/p/reports/r11)",
          "the bureau returned 区交通局's report for 2025-11, plans/p/reports/r11",
          "甲镇 (responsible unit) missed the last reporting period 2025-12 (reported late)",
          "甲镇 (responsible unit) reports the measure delayed (2025-12)",
          "乙街道 (responsible unit) missed the last 2 reporting periods (reported late): "
          "2025-11 late, 2025-12 late"));
  EXPECT_THAT(
      lights[0].reasons_zh,
      ::testing::ElementsAre("区交通局最近4期未按时报送（2期逾期，2期未报送）：2025年9月逾期报送、"
                             "2025年10月未报送、2025年11月逾期报送、2025年12月未报送",
                             "区交通局报告措施受阻（2025年11月，plans/p/reports/r11）",
                             "局方退回区交通局2025年11月的报告，plans/p/reports/r11",
                             "甲镇（责任单位）2025年12月未按时报送（逾期报送）",
                             "甲镇（责任单位）报告措施滞后（2025年12月）",
                             "乙街道（责任单位）最近2期未按时报送（逾期报送）：2025年11月逾期报送、"
                             "2025年12月逾期报送"));
}

}  // namespace
}  // namespace ecoplan::indicator
