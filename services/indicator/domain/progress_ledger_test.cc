#include "services/indicator/domain/progress_ledger.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

Indicator Reported(const std::string& id, const std::string& name, const std::string& unit,
                   std::vector<std::string> measures, Aggregation aggregation,
                   std::vector<std::string> owners = {"区交通局"}) {
  Indicator i;
  i.plan_id = "p";
  i.id = id;
  i.display_name = name;
  i.unit = unit;
  i.comparator = Comparator::kAtLeast;
  i.target_value = 30;
  i.period_start = absl::CivilDay(2026, 1, 1);
  i.period_end = absl::CivilDay(2026, 12, 31);
  i.aggregation = aggregation;
  i.source = SourceKind::kReported;
  i.measures = std::move(measures);
  i.owners = std::move(owners);
  i.origin = Origin::kMeasureText;
  return i;
}

// The plan's indicators: measure m1 has a truck share (%) and a count of
// garages (家); m2 has two percentages; an air-quality indicator never matches.
std::vector<Indicator> Indicators() {
  std::vector<Indicator> out = {
      Reported("trucks", "新注册登记货车新能源化率", "%", {"m1"}, Aggregation::kLatestValue),
      Reported("garages", "新增绿色汽修企业", "家", {"m1"}, Aggregation::kCumulativeCount,
               {"区交通局", "区生态环境局"}),
      Reported("roads", "尘负荷差等级道路数量比例", "%", {"m2"}, Aggregation::kLatestValue),
      Reported("sweep", "道路机械化作业率", "%", {"m2"}, Aggregation::kLatestValue),
  };
  Indicator pm =
      Reported("pm25", "PM2.5年均浓度", "微克/立方米", {"m1"}, Aggregation::kMeanOfDaily);
  pm.source = SourceKind::kAirQuality;
  out.push_back(pm);
  return out;
}

ProgressUpdate Report(const std::string& org_id, const std::string& org, absl::CivilMonth period,
                      int revision, std::vector<ProgressUpdate::Entry> entries) {
  ProgressUpdate u;
  u.kind = ProgressUpdate::Kind::kReport;
  u.plan_id = "p";
  u.report = "plans/p/reports/" + org_id + "_" + absl::FormatCivilTime(period);
  u.report_revision = revision;
  u.organization_id = org_id;
  u.organization = org;
  u.period = period;
  u.due_day = absl::CivilDay(period.year(), period.month(), 25);
  u.on_time = true;
  u.entries = std::move(entries);
  return u;
}

ProgressUpdate::Entry Entry(const std::string& measure, ReportedStatus status, double percent,
                            std::vector<EntryValue> values = {}) {
  return {measure, status, percent, std::move(values)};
}

EntryValue Value(const std::string& name, double value, const std::string& unit) {
  return {name, value, unit, "", ""};
}

TEST(MatchReportedValueTest, PicksTheMeasuresIndicatorByUnitAndName) {
  const std::vector<Indicator> inds = Indicators();
  std::string note;
  EXPECT_EQ(MatchReportedValue(inds, "m1", Value("货车新能源化率", 31, "%"), &note), "trucks");
  EXPECT_THAT(note, HasSubstr("name and unit"));
  // Full-width percent sign, a different wording: the only % indicator of m1.
  EXPECT_EQ(MatchReportedValue(inds, "m1", Value("本月新能源货车占比", 31, "％"), &note), "trucks");
  // A count without unit matches the count indicator.
  EXPECT_EQ(MatchReportedValue(inds, "m1", Value("绿色汽修企业", 1, ""), &note), "garages");
  // m2 has two % indicators: the name decides ...
  EXPECT_EQ(MatchReportedValue(inds, "m2", Value("机械化作业率", 97, "%"), &note), "sweep");
  // ... and without a telling name nothing is guessed.
  EXPECT_EQ(MatchReportedValue(inds, "m2", Value("完成率", 50, "%"), &note), "");
  EXPECT_THAT(note, HasSubstr("ambiguous"));
  // A unit no indicator of the measure has.
  EXPECT_EQ(MatchReportedValue(inds, "m1", Value("充电桩", 12, "个"), &note), "");
  EXPECT_THAT(note, HasSubstr("unit «个»"));
  // A measure without reported indicators (the PM2.5 one is air quality).
  EXPECT_EQ(MatchReportedValue(inds, "m9", Value("x", 1, "%"), &note), "");
  EXPECT_THAT(note, HasSubstr("no reported indicator"));
}

TEST(ProgressLedgerTest, AReportFeedsTheIndicatorOnItsDueDayAndARevisionCorrectsIt) {
  const std::vector<Indicator> inds = Indicators();
  ProgressLedger ledger;
  const absl::CivilMonth may(2026, 5);
  ProgressUpdate first =
      Report("o-1", "区交通局", may, 1,
             {Entry("m1", ReportedStatus::kInProgress, 40,
                    {Value("货车新能源化率", 31.5, "%"), Value("充电桩", 12, "个")})});
  LedgerChange c = ledger.Prepare(first, inds);
  ASSERT_THAT(c.put_entries, SizeIs(1));
  EXPECT_EQ(c.put_entries[0].values[0].indicator_id, "trucks");
  EXPECT_EQ(c.put_entries[0].values[1].indicator_id, "");
  ASSERT_THAT(c.observations, SizeIs(1));
  EXPECT_EQ(c.observations[0].indicator_id, "trucks");
  EXPECT_EQ(c.observations[0].day, absl::CivilDay(2026, 5, 25));
  EXPECT_EQ(c.observations[0].value, 31.5);
  EXPECT_THAT(c.observations[0].source, HasSubstr("区交通局"));
  ledger.Apply(c);

  // The same report delivered again changes nothing.
  EXPECT_TRUE(ledger.Prepare(first, inds).empty());

  // Revised: another value for the same period replaces the observation.
  ProgressUpdate revised = first;
  revised.report_revision = 2;
  revised.entries[0].values[0].value = 28;
  c = ledger.Prepare(revised, inds);
  ASSERT_THAT(c.observations, SizeIs(1));
  EXPECT_EQ(c.observations[0].day, absl::CivilDay(2026, 5, 25));
  EXPECT_EQ(c.observations[0].value, 28);
  ledger.Apply(c);

  // The value withdrawn: the observation goes with it.
  ProgressUpdate withdrawn = revised;
  withdrawn.report_revision = 3;
  withdrawn.entries[0].values.clear();
  c = ledger.Prepare(withdrawn, inds);
  ASSERT_THAT(c.observations, SizeIs(1));
  EXPECT_FALSE(c.observations[0].value.has_value());
  ledger.Apply(c);

  // The unmatched value is listed with its reason while it was there.
  ProgressLedger other;
  other.Apply(ledger.Prepare(first, inds));
  ASSERT_THAT(other.UnmatchedValues("p"), SizeIs(1));
  EXPECT_THAT(other.UnmatchedValues("p")[0], HasSubstr("«充电桩» 12 个"));
}

TEST(ProgressLedgerTest, AnEntryDroppedFromARevisionIsWithdrawn) {
  const std::vector<Indicator> inds = Indicators();
  ProgressLedger ledger;
  ledger.Apply(ledger.Prepare(
      Report("o-1", "区交通局", absl::CivilMonth(2026, 5), 1,
             {Entry("m1", ReportedStatus::kInProgress, 40, {Value("货车新能源化率", 31, "%")}),
              Entry("m2", ReportedStatus::kInProgress, 10)}),
      inds));
  LedgerChange c = ledger.Prepare(Report("o-1", "区交通局", absl::CivilMonth(2026, 5), 2,
                                         {Entry("m2", ReportedStatus::kInProgress, 20)}),
                                  inds);
  ASSERT_THAT(c.deleted_entries, SizeIs(1));
  EXPECT_EQ(c.deleted_entries[0].measure_id, "m1");
  ASSERT_THAT(c.put_entries, SizeIs(1));
  EXPECT_EQ(c.put_entries[0].percent_done, 20);
  ASSERT_THAT(c.observations, SizeIs(1));
  EXPECT_FALSE(c.observations[0].value.has_value());
  ledger.Apply(c);
  EXPECT_THAT(ledger.Reports("p"), SizeIs(1));
}

TEST(ProgressLedgerTest, CountsFromSeveralOrganizationsAddUp) {
  const std::vector<Indicator> inds = Indicators();
  ProgressLedger ledger;
  const absl::CivilMonth june(2026, 6);
  ledger.Apply(ledger.Prepare(
      Report("o-1", "区交通局", june, 1,
             {Entry("m1", ReportedStatus::kInProgress, 50, {Value("新增绿色汽修企业", 1, "家")})}),
      inds));
  LedgerChange c = ledger.Prepare(
      Report("o-2", "区生态环境局", june, 1,
             {Entry("m1", ReportedStatus::kInProgress, 50, {Value("新增绿色汽修企业", 2, "家")})}),
      inds);
  ASSERT_THAT(c.observations, SizeIs(1));
  EXPECT_EQ(c.observations[0].value, 3);
  EXPECT_THAT(c.observations[0].source, HasSubstr("sum of 2 organizations"));
}

TEST(ProgressLedgerTest, ReportsCompletionsAndExtensionsColourTheMeasures) {
  const std::vector<Indicator> inds = Indicators();
  ProgressLedger ledger;
  // m1: reported in May on time, June late; m2: June only, blocked.
  ledger.Apply(ledger.Prepare(Report("o-1", "区交通局", absl::CivilMonth(2026, 5), 1,
                                     {Entry("m1", ReportedStatus::kInProgress, 40)}),
                              inds));
  ProgressUpdate june = Report(
      "o-1", "区交通局", absl::CivilMonth(2026, 6), 1,
      {Entry("m1", ReportedStatus::kInProgress, 60), Entry("m2", ReportedStatus::kBlocked, 10)});
  june.on_time = false;
  ledger.Apply(ledger.Prepare(june, inds));
  // m3: the bureau confirmed its completion; m2's deadline was extended.
  ProgressUpdate done;
  done.kind = ProgressUpdate::Kind::kCompletionConfirmed;
  done.plan_id = "p";
  done.measure_id = "m3";
  done.day = absl::CivilDay(2026, 6, 20);
  LedgerChange c = ledger.Prepare(done, inds);
  ASSERT_TRUE(c.completion.has_value());
  ledger.Apply(c);
  EXPECT_TRUE(ledger.Prepare(done, inds).empty());  // delivered twice
  ProgressUpdate extended;
  extended.kind = ProgressUpdate::Kind::kExtensionApproved;
  extended.plan_id = "p";
  extended.measure_id = "m2";
  extended.day = absl::CivilDay(2026, 9, 30);
  ledger.Apply(ledger.Prepare(extended, inds));

  std::vector<MeasureInfo> measures = {
      {"m1", absl::CivilDay(2026, 12, 31), {"区交通局"}},
      {"m2", absl::CivilDay(2026, 6, 30), {"区交通局"}},
      {"m3", absl::CivilDay(2026, 6, 30), {"区交通局"}},
  };
  ledger.Annotate("p", &measures);
  EXPECT_EQ(measures[1].due, absl::CivilDay(2026, 9, 30));
  EXPECT_EQ(measures[1].original_due, absl::CivilDay(2026, 6, 30));
  EXPECT_TRUE(measures[2].completion_confirmed);

  const absl::CivilDay as_of(2026, 7, 10);
  // Owed as of July 10 with reports due on the 25th: May and June.
  const std::vector<absl::CivilMonth> due = {absl::CivilMonth(2026, 5), absl::CivilMonth(2026, 6)};
  const std::vector<ProgressReport> reports = ledger.Reports("p");
  const std::vector<MeasureLight> lights =
      ColourMeasures(measures, reports, due, as_of, LightRules());
  ASSERT_THAT(lights, SizeIs(3));
  // m1: June was late → yellow, with the latest status and percent shown.
  EXPECT_EQ(lights[0].colour, Colour::kYellow);
  EXPECT_THAT(lights[0].reasons[0], HasSubstr("2026-06 (reported late)"));
  ASSERT_THAT(lights[0].progress, SizeIs(1));
  EXPECT_EQ(lights[0].progress[0].percent_done, 60);
  EXPECT_EQ(lights[0].progress[0].period, absl::CivilMonth(2026, 6));
  EXPECT_FALSE(lights[0].progress[0].on_time);
  // m2: no longer overdue thanks to the extension, but May is missing and
  // June late (red), and it is blocked.
  EXPECT_EQ(lights[1].colour, Colour::kRed);
  EXPECT_THAT(lights[1].reasons[0], HasSubstr("1 late, 1 without entry"));
  EXPECT_THAT(lights[1].reasons[1], HasSubstr("blocked"));
  EXPECT_EQ(lights[1].original_due, absl::CivilDay(2026, 6, 30));
  // m3: completion confirmed.
  EXPECT_EQ(lights[2].colour, Colour::kGreen);
  EXPECT_TRUE(lights[2].completion_confirmed);
  EXPECT_EQ(lights[2].reasons[0], "completion confirmed by the bureau on 2026-06-20");

  // The scorecard counts on time, late and missing entries.
  const std::vector<Scorecard> cards =
      ScoreOrganizations(measures, reports, due, {}, as_of, ScoringRules());
  ASSERT_THAT(cards, SizeIs(1));
  EXPECT_EQ(cards[0].reports_due, 6);  // 3 measures × May, June
  EXPECT_EQ(cards[0].reports_on_time, 1);
  EXPECT_EQ(cards[0].reports_late, 2);
  EXPECT_EQ(cards[0].reports_missing, 3);
  EXPECT_EQ(cards[0].components[0].detail,
            "1 of 6 reports on time (2 late, 3 missing); as lead 1 of 6 (2 late, 3 missing); "
            "as responsible unit 0 of 0 (0 late, 0 missing)");
  EXPECT_EQ(cards[0].overdue_measures, 0);  // m2 extended, m3 completed
  EXPECT_THAT(ledger.UnmatchedValues("p"), IsEmpty());
}

ProgressUpdate Completion(ProgressUpdate::Kind kind, int number, CompletionState state,
                          absl::CivilDay declared, std::optional<absl::CivilDay> decided,
                          const std::string& comment = "") {
  ProgressUpdate u;
  u.kind = kind;
  u.plan_id = "p";
  u.measure_id = "m1";
  u.completion = absl::StrCat("plans/p/measures/m1/completions/", number);
  u.declaration.name = u.completion;
  u.declaration.number = number;
  u.declaration.organization_id = "o-1";
  u.declaration.declared = declared;
  u.declaration.state = state;
  u.declaration.comment = comment;
  u.declaration.decided = decided;
  u.day = decided.value_or(declared);
  return u;
}

TEST(ProgressLedgerTest, KeepsTheLatestDeclarationThroughRejectionAndConfirmation) {
  const std::vector<Indicator> inds = Indicators();
  ProgressLedger ledger;
  // 区交通局 (o-1) reported on m1, so its declaration carries its name.
  ledger.Apply(ledger.Prepare(Report("o-1", "区交通局", absl::CivilMonth(2026, 5), 1,
                                     {Entry("m1", ReportedStatus::kCompleted, 100)}),
                              inds));
  auto annotated = [&] {
    std::vector<MeasureInfo> measures = {{"m1", absl::CivilDay(2026, 12, 31), {"区交通局"}}};
    ledger.Annotate("p", &measures);
    return measures[0];
  };
  using Kind = ProgressUpdate::Kind;
  const absl::CivilDay may20(2026, 5, 20), june1(2026, 6, 1), june5(2026, 6, 5),
      june10(2026, 6, 10);

  // Declared: kept, not confirmed.
  const ProgressUpdate declared =
      Completion(Kind::kCompletionDeclared, 1, CompletionState::kDeclared, may20, std::nullopt);
  LedgerChange c = ledger.Prepare(declared, inds);
  ASSERT_TRUE(c.declaration.has_value());
  EXPECT_FALSE(c.completion.has_value());
  EXPECT_EQ(c.declaration->second.organization, "区交通局");
  ledger.Apply(c);
  EXPECT_TRUE(ledger.Prepare(declared, inds).empty());  // delivered twice
  MeasureInfo m = annotated();
  ASSERT_TRUE(m.declaration.has_value());
  EXPECT_EQ(m.declaration->state, CompletionState::kDeclared);
  EXPECT_FALSE(m.completion_confirmed);

  // Rejected with a comment; the declaration delivered late does not undo it.
  ledger.Apply(ledger.Prepare(Completion(Kind::kCompletionRejected, 1, CompletionState::kRejected,
                                         may20, june1, "证明材料不全"),
                              inds));
  EXPECT_TRUE(ledger.Prepare(declared, inds).empty());
  m = annotated();
  EXPECT_EQ(m.declaration->state, CompletionState::kRejected);
  EXPECT_EQ(m.declaration->comment, "证明材料不全");
  EXPECT_EQ(m.declaration->decided, june1);
  EXPECT_FALSE(m.completion_confirmed);
  {
    const std::vector<MeasureLight> lights =
        ColourMeasures({m}, ledger.Reports("p"), {}, absl::CivilDay(2026, 6, 2), LightRules());
    EXPECT_EQ(lights[0].completion_state, CompletionState::kRejected);
    EXPECT_THAT(lights[0].reasons[0],
                HasSubstr("completion declaration 1 by 区交通局 rejected by the bureau on "
                          "2026-06-01: 证明材料不全"));
    // The report saying completed is still a claim, and says so.
    EXPECT_THAT(lights[0].reasons[1],
                HasSubstr("reported completed by 区交通局 in its report for 2026-05 "
                          "(plans/p/reports/o-1_2026-05), awaiting the bureau's confirmation"));
  }

  // Declared again (number 2), then confirmed: final.
  ledger.Apply(ledger.Prepare(
      Completion(Kind::kCompletionDeclared, 2, CompletionState::kDeclared, june5, std::nullopt),
      inds));
  EXPECT_EQ(annotated().declaration->number, 2);
  c = ledger.Prepare(
      Completion(Kind::kCompletionConfirmed, 2, CompletionState::kConfirmed, june5, june10), inds);
  ASSERT_TRUE(c.completion.has_value());
  EXPECT_EQ(c.completion->second, june10);
  ledger.Apply(c);
  EXPECT_TRUE(ledger
                  .Prepare(Completion(Kind::kCompletionRejected, 2, CompletionState::kRejected,
                                      june5, june10, "迟到的事件"),
                           inds)
                  .empty());
  EXPECT_TRUE(ledger
                  .Prepare(Completion(Kind::kCompletionRejected, 1, CompletionState::kRejected,
                                      may20, june1, "证明材料不全"),
                           inds)
                  .empty());
  m = annotated();
  EXPECT_TRUE(m.completion_confirmed);
  EXPECT_EQ(m.confirmed_on, june10);
  EXPECT_EQ(m.declaration->state, CompletionState::kConfirmed);
  EXPECT_EQ(m.declaration->name, "plans/p/measures/m1/completions/2");

  // Loaded back (as at a restart) the ledger holds the same.
  ProgressLedger loaded;
  loaded.PutDeclaration("p", "m1", *m.declaration);
  std::vector<MeasureInfo> again = {{"m1", absl::CivilDay(2026, 12, 31), {"区交通局"}}};
  loaded.Annotate("p", &again);
  EXPECT_TRUE(again[0].completion_confirmed);
  EXPECT_EQ(again[0].confirmed_on, june10);
}

}  // namespace
}  // namespace ecoplan::indicator
