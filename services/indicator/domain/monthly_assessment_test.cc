#include "services/indicator/domain/monthly_assessment.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CheckClosableTest, AMonthClosesAfterItsLastDayInOrderFromTheIssueMonth) {
  const absl::CivilDay issued(2026, 3, 31);
  const absl::CivilMonth june(2026, 6);
  EXPECT_TRUE(CheckClosable(june, absl::CivilDay(2026, 7, 1), issued, std::nullopt).ok());
  absl::Status s = CheckClosable(june, absl::CivilDay(2026, 6, 30), issued, std::nullopt);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "2026-06 has not ended (today is 2026-06-30): a month closes after its last day");
  s = CheckClosable(absl::CivilMonth(2026, 2), absl::CivilDay(2026, 7, 1), issued, std::nullopt);
  EXPECT_EQ(s.message(), "2026-02 is before the plan was issued on 2026-03-31");
  s = CheckClosable(june, absl::CivilDay(2026, 7, 1), issued, absl::CivilMonth(2026, 4));
  EXPECT_EQ(s.message(), "months close in order: close 2026-05 before 2026-06");
  s = CheckClosable(june, absl::CivilDay(2026, 7, 1), issued, absl::CivilMonth(2026, 6));
  EXPECT_EQ(s.message(), "2026-06 is not after the latest closed month 2026-06");
  EXPECT_TRUE(
      CheckClosable(june, absl::CivilDay(2026, 7, 1), issued, absl::CivilMonth(2026, 5)).ok());
  EXPECT_EQ(LastDayOf(absl::CivilMonth(2026, 2)), absl::CivilDay(2026, 2, 28));
}

Scorecard Card(const std::string& org, double score, std::vector<ScoreFact> facts) {
  Scorecard c;
  c.organization = org;
  c.score = score;
  ScoreComponent comp;
  comp.name = "on_time_reporting";
  comp.facts = std::move(facts);
  c.components.push_back(std::move(comp));
  return c;
}

MeasureLight Light(const std::string& id, Colour colour, std::string reason) {
  MeasureLight l;
  l.measure_id = id;
  l.colour = colour;
  l.reasons = {std::move(reason)};
  l.owners = {"区交通局"};
  return l;
}

MonthAssessment ClosedJune() {
  MonthAssessment june;
  june.plan_id = "p";
  june.month = absl::CivilMonth(2026, 6);
  june.as_of = absl::CivilDay(2026, 6, 30);
  june.closed = true;
  june.scores.lights = {Light("a1-t2-m3", Colour::kRed, "区交通局 missed the last 2 periods"),
                        Light("a1-t2-m4", Colour::kGreen, "on schedule")};
  june.scores.scorecards = {
      Card("区交通局", 50,
           {{"on_time_reporting/a1-t2-m3/2026-06", "lead", "missing", 0, "", "no report"},
            {"on_time_reporting/a1-t2-m4/2026-06", "lead", "on_time", 1, "plans/p/reports/a",
             "on time"}})};
  return june;
}

TEST(CorrectionsTest, ALateReportForAClosedMonthIsAnAdjustmentNamingWhatItCorrects) {
  const MonthAssessment june = ClosedJune();
  MonthScores now = june.scores;
  now.lights[0] = Light("a1-t2-m3", Colour::kYellow, "区交通局 was late for 2026-06");
  now.scorecards[0] =
      Card("区交通局", 62.5,
           {{"on_time_reporting/a1-t2-m3/2026-06", "lead", "late", 0.5, "plans/p/reports/late",
             "report on a1-t2-m3 for 2026-06 submitted after its due time"},
            june.scores.scorecards[0].components[0].facts[1]});
  const std::vector<Adjustment> out = Corrections(june, now);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].item, "light/a1-t2-m3");
  EXPECT_EQ(out[0].before, "red");
  EXPECT_EQ(out[0].after, "yellow");
  EXPECT_EQ(out[0].corrects, absl::CivilMonth(2026, 6));
  EXPECT_EQ(out[1].kind, AdjustmentKind::kCorrection);
  EXPECT_EQ(out[1].organization, "区交通局");
  EXPECT_EQ(out[1].item, "on_time_reporting/a1-t2-m3/2026-06");
  EXPECT_EQ(out[1].before, "missing (credit 0.00)");
  EXPECT_EQ(out[1].after, "late (credit 0.50)");
  EXPECT_EQ(out[1].reference, "plans/p/reports/late");
  EXPECT_EQ(out[1].detail,
            "区交通局, on_time_reporting/a1-t2-m3/2026-06: report on a1-t2-m3 for 2026-06 "
            "submitted after its due time (2026-06 closed with missing (credit 0.00))");
  EXPECT_EQ(out[2].item, "score");
  EXPECT_EQ(out[2].points, 12.5);
  EXPECT_EQ(out[2].detail,
            "区交通局: the score of 2026-06 as corrected is 62.50, +12.50 on the 50.00 it closed "
            "with");
}

TEST(CorrectionsTest, AFactSeveralClosedMonthsCarriedAlikeCorrectsTheFirstOfThem) {
  // April's report was missing when April, May and June closed (scores are
  // year to date); a late one arrives in July: the correction is of April.
  MonthAssessment april = ClosedJune(), may = ClosedJune(), june = ClosedJune();
  april.month = absl::CivilMonth(2026, 4);
  may.month = absl::CivilMonth(2026, 5);
  const ScoreFact missing{
      "on_time_reporting/a1-t2-m3/2026-04", "lead", "missing", 0, "", "no report"};
  for (MonthAssessment* m : {&april, &may, &june}) {
    m->scores.scorecards[0].components[0].facts.push_back(missing);
  }
  MonthScores now = june.scores;
  now.scorecards[0].components[0].facts.back() = {
      "on_time_reporting/a1-t2-m3/2026-04", "lead", "late", 0.5, "plans/p/reports/apr",
      "report for 2026-04 submitted late"};
  now.scorecards[0].score = 55;
  std::vector<Adjustment> out = Corrections(june, now, {&april, &may});
  ASSERT_EQ(out.size(), 2u);  // the fact and the score
  EXPECT_EQ(out[0].item, "on_time_reporting/a1-t2-m3/2026-04");
  EXPECT_EQ(out[0].corrects, absl::CivilMonth(2026, 4));
  EXPECT_EQ(out[0].detail,
            "区交通局, on_time_reporting/a1-t2-m3/2026-04: report for 2026-04 submitted late "
            "(2026-04 to 2026-06 closed with missing (credit 0.00))");
  EXPECT_EQ(out[1].item, "score");
  EXPECT_EQ(out[1].corrects, absl::CivilMonth(2026, 6));  // June's year-to-date score

  // May said something else (a correction it carried): the fact corrects June's.
  may.scores.scorecards[0].components[0].facts.back().outcome = "on_time";
  out = Corrections(june, now, {&april, &may});
  EXPECT_EQ(out[0].corrects, absl::CivilMonth(2026, 6));
  // Without the earlier months (or with a gap), the closed month itself.
  EXPECT_EQ(Corrections(june, now)[0].corrects, absl::CivilMonth(2026, 6));
  EXPECT_EQ(Corrections(june, now, {&april})[0].corrects, absl::CivilMonth(2026, 6));
}

TEST(CorrectionsTest, NothingChangedIsNoAdjustment) {
  const MonthAssessment june = ClosedJune();
  EXPECT_TRUE(Corrections(june, june.scores).empty());
}

TEST(ContestTest, AnItemMustExistInTheClosedMonthAndConcernTheOrganization) {
  const MonthAssessment june = ClosedJune();
  Contest c;
  c.plan_id = "p";
  c.month = june.month;
  c.organization = "区交通局";
  c.item = "on_time_reporting/a1-t2-m3/2026-06";
  EXPECT_EQ(CheckContest(june, c).code(), absl::StatusCode::kInvalidArgument);  // no reason
  c.reason = "submitted on paper on 2026-06-20; the system was down";
  EXPECT_TRUE(CheckContest(june, c).ok());
  c.item = "light/a1-t2-m4";
  EXPECT_TRUE(CheckContest(june, c).ok());
  c.item = "on_time_reporting/a9/2026-06";
  EXPECT_EQ(CheckContest(june, c).message(),
            "no item on_time_reporting/a9/2026-06 on the scorecard of 区交通局 for 2026-06");
  c.organization = "区水务局";
  c.item = "light/a1-t2-m4";
  EXPECT_EQ(CheckContest(june, c).message(),
            "区水务局 neither leads nor is responsible for a1-t2-m4");
  MonthAssessment open = june;
  open.closed = false;
  c.organization = "区交通局";
  EXPECT_EQ(CheckContest(open, c).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ContestTest, DecisionsNeedACommentAndPointsOnlyWhenAccepted) {
  Contest c;
  c.plan_id = "p";
  c.number = 3;
  EXPECT_EQ(CheckDecision(c, true, 2, "").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckDecision(c, true, 101, "ok").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckDecision(c, false, 2, "no").message(),
            "points are given only when a contest is accepted");
  EXPECT_TRUE(CheckDecision(c, true, -3.5, "ok").ok());
  c.state = ContestState::kRejected;
  c.decided_by = "bureau";
  EXPECT_EQ(CheckDecision(c, true, 1, "ok").message(),
            "plans/p/contests/3 was already rejected by bureau");
}

TEST(ContestTest, OnlyAcceptedContestsAdjust) {
  Contest accepted;
  accepted.plan_id = "p";
  accepted.number = 1;
  accepted.month = absl::CivilMonth(2026, 6);
  accepted.organization = "区交通局";
  accepted.item = "on_time_reporting/a1-t2-m3/2026-06";
  accepted.state = ContestState::kAccepted;
  accepted.points = 2.5;
  accepted.comment = "the outage is on record";
  accepted.decided_by = "bureau";
  Contest rejected = accepted;
  rejected.number = 2;
  rejected.state = ContestState::kRejected;
  rejected.points = 0;
  const std::vector<Adjustment> out = ContestAdjustments({accepted, rejected});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, AdjustmentKind::kContest);
  EXPECT_EQ(out[0].reference, "plans/p/contests/1");
  EXPECT_EQ(out[0].points, 2.5);
  EXPECT_EQ(out[0].detail,
            "contest 1 of 区交通局 on on_time_reporting/a1-t2-m3/2026-06 of 2026-06 accepted by "
            "bureau: the outage is on record (+2.50 points)");
}

TEST(NarrowMonthTest, AnOrganizationKeepsItsOwnLightsScorecardAdjustmentsAndContests) {
  MonthAssessment m = ClosedJune();
  m.scores.lights.push_back(Light("a3-t1-m1", Colour::kRed, "x"));
  m.scores.lights.back().owners = {"区水务局"};
  m.scores.scorecards.push_back(Card("区水务局", 10, {}));
  Adjustment own;
  own.organization = "区交通局";
  own.item = "score";
  Adjustment other_light;
  other_light.item = "light/a3-t1-m1";
  Adjustment own_light;
  own_light.item = "light/a1-t2-m3";
  m.adjustments = {own, other_light, own_light};
  m.contest_points = {{"区交通局", 2}, {"区水务局", 1}};
  MonthAssessment jt = m;
  NarrowMonthToOrganization("区交通局", {}, &jt);
  ASSERT_EQ(jt.scores.lights.size(), 2u);
  EXPECT_EQ(jt.scores.lights[1].measure_id, "a1-t2-m4");
  ASSERT_EQ(jt.scores.scorecards.size(), 1u);
  EXPECT_EQ(jt.scores.scorecards[0].organization, "区交通局");
  ASSERT_EQ(jt.adjustments.size(), 2u);
  EXPECT_EQ(jt.adjustments[1].item, "light/a1-t2-m3");
  EXPECT_EQ(jt.contest_points.size(), 1u);
  MonthAssessment unknown = m;
  NarrowMonthToOrganization("", {"a1-t2-m3"}, &unknown);
  EXPECT_TRUE(unknown.scores.lights.empty());
  EXPECT_TRUE(unknown.scores.scorecards.empty());
  EXPECT_TRUE(unknown.adjustments.empty());
  EXPECT_TRUE(unknown.contest_points.empty());
}

}  // namespace
}  // namespace ecoplan::indicator

namespace ecoplan::indicator {
namespace {

IndicatorSnapshot Pm25(std::optional<double> value, IndicatorStatus status, int audited_days,
                       int provisional_days) {
  IndicatorSnapshot s;
  s.indicator_id = "a1-t2-m3-i1";
  s.measures = {"a1-t2-m3"};
  s.value = value;
  s.status = status;
  s.data.audited_days = audited_days;
  s.data.provisional_days = provisional_days;
  return s;
}

// June closed on provisional (实时) PM2.5 data; the audited (审核) data turn the
// indicator off track, its fact and the measure's light with it.
TEST(CorrectionsTest, AuditedDataReplacingProvisionalIsACorrectionWithItsCause) {
  MonthAssessment june = ClosedJune();
  june.scores.lights[0] = Light("a1-t2-m3", Colour::kGreen, "on schedule");
  june.scores.indicators = {Pm25(34, IndicatorStatus::kOnTrack, 150, 31)};
  june.scores.scorecards[0].components[0].facts.push_back(
      {"indicators_on_track/a1-t2-m3-i1", "owner", "on_track", 1, "a1-t2-m3-i1", "PM2.5 34"});
  MonthScores now = june.scores;
  now.lights[0] = Light("a1-t2-m3", Colour::kRed, "indicator a1-t2-m3-i1 is off track");
  now.indicators = {Pm25(36, IndicatorStatus::kOffTrack, 181, 0)};
  now.scorecards[0].components[0].facts[2] = {
      "indicators_on_track/a1-t2-m3-i1", "owner", "off_track", 0, "a1-t2-m3-i1", "PM2.5 36"};
  now.scorecards[0].score = 40;
  // A late report for another measure changes too: its cause is not the audit.
  now.scorecards[0].components[0].facts[1].outcome = "late";
  now.scorecards[0].components[0].facts[1].credit = 0.5;

  const std::vector<Adjustment> out = Corrections(june, now);
  std::map<std::string, const Adjustment*> by_item;
  for (const Adjustment& a : out) by_item[a.item] = &a;
  ASSERT_EQ(by_item.count("light/a1-t2-m3"), 1u);
  EXPECT_EQ(by_item["light/a1-t2-m3"]->cause, CorrectionCause::kAuditedData);
  EXPECT_EQ(by_item["light/a1-t2-m3"]->before, "green");
  EXPECT_EQ(by_item["light/a1-t2-m3"]->after, "red");
  EXPECT_THAT(by_item["light/a1-t2-m3"]->detail,
              HasSubstr("cause: audited monitoring data replaced the provisional data 2026-06 "
                        "closed on"));
  ASSERT_EQ(by_item.count("indicator/a1-t2-m3-i1"), 1u);
  const Adjustment& ind = *by_item["indicator/a1-t2-m3-i1"];
  EXPECT_EQ(ind.cause, CorrectionCause::kAuditedData);
  EXPECT_EQ(ind.before, "34 (on_track; 150 audited days, 31 provisional)");
  EXPECT_EQ(ind.after, "36 (off_track; 181 audited days, 0 provisional)");
  EXPECT_EQ(ind.corrects, absl::CivilMonth(2026, 6));
  ASSERT_EQ(by_item.count("indicators_on_track/a1-t2-m3-i1"), 1u);
  EXPECT_EQ(by_item["indicators_on_track/a1-t2-m3-i1"]->cause, CorrectionCause::kAuditedData);
  EXPECT_EQ(by_item["on_time_reporting/a1-t2-m4/2026-06"]->cause, CorrectionCause::kDataChanged);
  EXPECT_EQ(by_item["score"]->cause, CorrectionCause::kAuditedData);
  EXPECT_EQ(by_item["score"]->points, -10);

  // Versions: the first correction of an item is 1; once a closed month
  // carries it, the next correction of the same item is 2.
  std::vector<Adjustment> first = out;
  VersionCorrections({&june}, &first);
  for (const Adjustment& a : first) EXPECT_EQ(a.version, 1) << a.item;
  MonthAssessment july;
  july.month = absl::CivilMonth(2026, 7);
  july.closed = true;
  july.adjustments = first;
  std::vector<Adjustment> second = out;
  VersionCorrections({&june, &july}, &second);
  for (const Adjustment& a : second) EXPECT_EQ(a.version, 2) << a.item;
}

TEST(CorrectionsTest, SameDataAuditedWithoutChangeIsNoCorrection) {
  MonthAssessment june = ClosedJune();
  june.scores.indicators = {Pm25(34, IndicatorStatus::kOnTrack, 150, 31)};
  MonthScores now = june.scores;
  now.indicators = {Pm25(34, IndicatorStatus::kOnTrack, 181, 0)};
  EXPECT_TRUE(Corrections(june, now).empty());
}

}  // namespace
}  // namespace ecoplan::indicator
