// EvaluatePlan keeps what it derives from an area's days (each day's AQI per
// caliber, the seasonal profiles: ObservationBook's AreaMemo) between calls.
// After every kind of change — new readings, corrections, an exceptional
// event, a plan change — an evaluation by the warm evaluator must equal one by
// a fresh evaluator (Reopen: what a restart loads, nothing kept), and differ
// from the evaluation before the change (else the change proved nothing).

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/indicator/domain/indicator_evaluator_test_fixture.h"

namespace ecoplan::indicator {
namespace {

constexpr absl::CivilDay kAsOf(2026, 5, 31);

std::string Opt(const std::optional<double>& v) {
  return v.has_value() ? absl::StrFormat("%.17g", *v) : "-";
}

// Everything the evaluation of the air-quality indicators says, as text.
std::string Describe(const PlanResult& r) {
  std::string out;
  for (const auto& [ind, e] : r.evaluations) {
    absl::StrAppend(&out, ind.id, ": ", IndicatorStatusName(e.status), " now ",
                    Opt(e.current_value), " projected ", Opt(e.projected_value), " [",
                    Opt(e.projected_low), ", ", Opt(e.projected_high), "] days ", e.observed_days,
                    " | ", e.status_reason, " | ", e.projection_method, " | ",
                    e.required_remaining_text, " | ", e.standards_used, "\n");
    for (const CaliberResult& c : e.calibers) {
      absl::StrAppend(&out, "  ", c.caliber, ": ", IndicatorStatusName(c.status), " ",
                      Opt(c.current_value), " ", Opt(c.projected_value), " days ", c.days, "\n");
    }
    if (e.excluding_exceptional_events.has_value()) {
      const ExceptionalEventsFigure& x = *e.excluding_exceptional_events;
      absl::StrAppend(&out, "  without events: ", IndicatorStatusName(x.status), " ",
                      Opt(x.current_value), " ", Opt(x.projected_value), " days ", x.observed_days,
                      " excluded ", x.excluded_days, "\n");
    }
  }
  for (const TownRank& t : r.town_ranking) {
    absl::StrAppend(&out, "town ", t.town, " #", t.rank, " ", Opt(t.pm25), " last year ",
                    Opt(t.pm25_last_year), " change ", Opt(t.year_on_year_percent), "\n");
  }
  if (r.data.has_value()) {
    absl::StrAppend(&out, "data: ", r.data->audited_days, " audited, ", r.data->provisional_days,
                    " provisional\n");
  }
  return out;
}

// A day's hourly value of each pollutant at a station: deterministic, with
// a season, some 重污染 winter days and some 优 summer days.
double Value(Pollutant p, absl::CivilDay day, int hour, int station) {
  const int doy = static_cast<int>(day - absl::CivilDay(day.year(), 1, 1));
  const double season = (doy < 60 || doy > 320) ? 2.0 : (doy > 150 && doy < 250 ? 0.6 : 1.0);
  const double wiggle = ((doy * 37 + hour * 11 + station * 5) % 40) / 40.0;
  switch (p) {
    case Pollutant::kPm25:
      return season * (30 + 60 * wiggle) + (doy % 17 == 0 ? 180 : 0);
    case Pollutant::kPm10:
      return season * (50 + 70 * wiggle);
    case Pollutant::kSo2:
      return 5 + 10 * wiggle;
    case Pollutant::kNo2:
      return 20 + 30 * wiggle;
    case Pollutant::kCo:
      return 0.4 + 0.6 * wiggle;  // mg/m³
    default:
      return (hour > 10 && hour < 18 ? 120 : 40) / season;  // O3
  }
}

class EvaluationMemoTest : public IndicatorEvaluatorTest {
 protected:
  void SetUp() override {
    IndicatorEvaluatorTest::SetUp();
    for (const auto& [id, town] :
         {std::pair<std::string, std::string>{"A", "甲镇"}, {"B", "乙镇"}}) {
      Station s;
      s.id = id;
      s.town = town;
      s.counts_for_district = true;
      ASSERT_OK(Wait<Station>([&](Done<Station> d) { evaluator_->UpsertStation(s, d); }).status());
    }
    // Last year whole (the profile's year), this year to the as-of day; B
    // stops on 2026-05-19 (its last days come later, as new readings).
    ASSERT_OK(Ingest("A", absl::CivilDay(2025, 1, 1), kAsOf));
    ASSERT_OK(Ingest("B", absl::CivilDay(2025, 1, 1), absl::CivilDay(2026, 5, 19)));
    Indicator pm25;
    pm25.plan_id = "p";
    pm25.id = "pm25";
    pm25.display_name = "PM2.5年均浓度";
    pm25.unit = "微克/立方米";
    pm25.comparator = Comparator::kAtMost;
    pm25.target_value = 45;
    pm25.period_start = absl::CivilDay(2026, 1, 1);
    pm25.period_end = absl::CivilDay(2026, 12, 31);
    pm25.aggregation = Aggregation::kMeanOfDaily;
    pm25.source = SourceKind::kAirQuality;
    pm25.air_quality_item = AirQualityItem::kPm25;
    pm25.owners = {"区生态环境局"};
    ASSERT_OK(Create(pm25).status());
    Indicator good = pm25;
    good.id = "good";
    good.unit = "%";
    good.comparator = Comparator::kAtLeast;
    good.target_value = 70;
    good.aggregation = Aggregation::kRatioOfQualifyingDays;
    good.air_quality_item = AirQualityItem::kAqi;
    ASSERT_OK(Create(good).status());
    Indicator heavy = good;
    heavy.id = "heavy";
    heavy.unit = "天";
    heavy.comparator = Comparator::kAtMost;
    heavy.target_value = 8;
    heavy.aggregation = Aggregation::kCountOfDays;
    ASSERT_OK(Create(heavy).status());
    for (const std::string town : {"甲镇", "乙镇"}) {
      Indicator t = pm25;
      t.id = absl::StrCat("town-", town);
      t.scope_kind = ScopeKind::kTown;
      t.scope_name = town;
      ASSERT_OK(Create(t).status());
    }
  }

  // Hourly readings of every pollutant at `station` from `from` to `to`,
  // `scale` times the usual values, one chunk per month.
  absl::Status Ingest(const std::string& station, absl::CivilDay from, absl::CivilDay to,
                      double scale = 1) {
    const int index = station == "A" ? 0 : 1;
    for (absl::CivilDay d = from; d <= to;) {
      IngestChunk chunk;
      const absl::CivilMonth month(d);
      for (; d <= to && absl::CivilMonth(d) == month; ++d) {
        for (int h = 0; h < 24; ++h) {
          const std::string hour =
              absl::StrFormat("%04d-%02d-%02dT%02d", d.year(), d.month(), d.day(), h);
          for (Pollutant p : {Pollutant::kPm25, Pollutant::kPm10, Pollutant::kSo2, Pollutant::kNo2,
                              Pollutant::kCo, Pollutant::kO3}) {
            chunk.readings.push_back(
                {station, hour, p, scale * Value(p, d, h, index), std::nullopt});
          }
        }
      }
      absl::StatusOr<ChunkOutcome> out =
          Wait<ChunkOutcome>([&](Done<ChunkOutcome> done) { evaluator_->Ingest(chunk, done); });
      if (!out.ok()) return out.status();
      if (out->rejected != 0) return absl::InternalError(absl::StrCat(out->rejected, " rejected"));
    }
    return absl::OkStatus();
  }

  std::string Evaluate() {
    absl::StatusOr<PlanResult> r = evaluator_->EvaluatePlan("p", kAsOf);
    EXPECT_OK(r.status());
    return r.ok() ? Describe(*r) : "";
  }

  // The warm evaluator's answer after a change: the same as a fresh
  // evaluator's, and not the same as before the change.
  void ExpectFresh(const std::string& before, const std::string& change) {
    const std::string warm = Evaluate();
    Reopen();
    const std::string fresh = Evaluate();
    EXPECT_EQ(warm, fresh) << change;
    EXPECT_NE(warm, before) << change << " changed nothing: the test proves nothing";
  }
};

TEST_F(EvaluationMemoTest, AWarmEvaluationEqualsAFreshOneAfterEveryKindOfChange) {
  const std::string first = Evaluate();
  ASSERT_NE(first.find("projected"), std::string::npos);
  ASSERT_NE(first.find("seasonal profile of 2025"), std::string::npos) << first;
  EXPECT_EQ(Evaluate(), first);  // from the memo
  {
    SCOPED_TRACE("nothing changed");
    const std::string warm = Evaluate();
    Reopen();
    EXPECT_EQ(Evaluate(), warm);
  }

  // New readings: B's last twelve days of the period to date.
  std::string before = Evaluate();
  ASSERT_OK(Ingest("B", absl::CivilDay(2026, 5, 20), kAsOf));
  ExpectFresh(before, "new readings");

  // Corrections of last year's March (the seasonal profile's year only) at
  // both stations: the profiles change, the year to date does not.
  before = Evaluate();
  ASSERT_OK(Ingest("A", absl::CivilDay(2025, 3, 1), absl::CivilDay(2025, 3, 31), 2.5));
  ASSERT_OK(Ingest("B", absl::CivilDay(2025, 3, 1), absl::CivilDay(2025, 3, 31), 2.5));
  ExpectFresh(before, "corrections of the profile's year");

  // Corrections within the period: a few days of May become 重污染.
  before = Evaluate();
  ASSERT_OK(Ingest("A", absl::CivilDay(2026, 5, 3), absl::CivilDay(2026, 5, 6), 4));
  ASSERT_OK(Ingest("B", absl::CivilDay(2026, 5, 3), absl::CivilDay(2026, 5, 6), 4));
  ExpectFresh(before, "corrections within the period");

  // An exceptional event over some days of the period and of last year.
  before = Evaluate();
  ExceptionalEvent event;
  event.kind = ExceptionalEventKind::kSandDust;
  event.pollutants = {Pollutant::kPm25, Pollutant::kPm10};
  event.first_hour = absl::CivilHour(2026, 5, 3, 0);
  event.last_hour = absl::CivilHour(2026, 5, 6, 23);
  event.reason = "沙尘天气过程";
  event.basis = {"京环发〔2026〕12号", "关于确认沙尘天气过程的通知", "https://example.org/12"};
  ASSERT_OK(Wait<ExceptionalEvent>([&](Done<ExceptionalEvent> d) {
              evaluator_->CreateExceptionalEvent(event, "", "li.admin", d);
            }).status());
  ExpectFresh(before, "an exceptional event");

  // Plan changes: an indicator's aggregation (a profile of another kind) and
  // another's period (another year: no profile behind it).
  before = Evaluate();
  ASSERT_OK_AND_ASSIGN(Indicator good, evaluator_->GetIndicator("p", "good"));
  Indicator values;
  values.aggregation = Aggregation::kCountOfDays;
  values.comparator = Comparator::kAtMost;
  values.target_value = 20;
  ASSERT_OK(Wait<Indicator>([&](Done<Indicator> d) {
              evaluator_->UpdateIndicator("p", "good", values,
                                          {"aggregation", "comparator", "target_value"},
                                          IndicatorEtag(good), "改口径", "", "admin", d);
            }).status());
  ExpectFresh(before, "an indicator's aggregation");

  before = Evaluate();
  ASSERT_OK_AND_ASSIGN(Indicator pm25, evaluator_->GetIndicator("p", "pm25"));
  values = Indicator();
  values.period_start = absl::CivilDay(2025, 6, 1);
  values.period_end = absl::CivilDay(2026, 5, 31);
  ASSERT_OK(Wait<Indicator>([&](Done<Indicator> d) {
              evaluator_->UpdateIndicator("p", "pm25", values, {"period_start", "period_end"},
                                          IndicatorEtag(pm25), "改考核期", "", "admin", d);
            }).status());
  ExpectFresh(before, "an indicator's period");
}

}  // namespace
}  // namespace ecoplan::indicator
