// Domain-level figures for docs/PERFORMANCE.md (## Indicator): parsing and
// validating the 12 Beijing stations × 4 years of hourly data into the
// ObservationBook (no gRPC, no disk), and EvaluatePlan over it. The data is
// read from ../shared/data/beijing-aq relative to the repository root; without it
// the two benchmarks that need it are skipped with a message saying so.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/testing/project_path.h"
#include "services/indicator/domain/observation_book.h"
#include "services/indicator/domain/plan_evaluation.h"

namespace ecoplan::indicator {
namespace {

// DEMONSTRATION ONLY: Beijing national-control stations standing in for
// Mentougou's towns (Dingling, the clean-control point, does not count for the district).
std::vector<Station> DemoStations() {
  const std::pair<const char*, const char*> kTowns[] = {
      {"Aotizhongxin", "大峪街道"}, {"Changping", "城子街道"},  {"Dingling", "清水镇"},
      {"Dongsi", "东辛房街道"},     {"Guanyuan", "大台街道"},   {"Gucheng", "永定镇"},
      {"Huairou", "雁翅镇"},        {"Nongzhanguan", "龙泉镇"}, {"Shunyi", "军庄镇"},
      {"Tiantan", "潭柘寺镇"},      {"Wanliu", "妙峰山镇"},     {"Wanshouxigong", "王平镇"}};
  std::vector<Station> out;
  for (auto [id, town] : kTowns) {
    out.push_back({id, id, town, std::string(id) != "Dingling", true, "demonstration"});
  }
  return out;
}

// Reads one PRSA CSV (gzip) into readings; returns the row count.
size_t ReadCsv(const std::string& path, std::vector<ReadingInput>* out) {
  FILE* f = popen(absl::StrCat("zcat '", path, "'").c_str(), "r");
  if (f == nullptr) return 0;
  char line[512];
  size_t rows = 0;
  constexpr Pollutant kCols[] = {Pollutant::kPm25, Pollutant::kPm10, Pollutant::kSo2,
                                 Pollutant::kNo2,  Pollutant::kCo,   Pollutant::kO3};
  bool header = true;
  while (fgets(line, sizeof line, f) != nullptr) {
    if (header) {
      header = false;
      continue;
    }
    std::vector<absl::string_view> c = absl::StrSplit(absl::StripAsciiWhitespace(line), ',');
    if (c.size() < 18) continue;
    ++rows;
    std::string station(absl::StripSuffix(absl::StripPrefix(c[17], "\""), "\""));
    int y = 0, m = 0, d = 0, h = 0;
    if (!absl::SimpleAtoi(c[1], &y) || !absl::SimpleAtoi(c[2], &m) || !absl::SimpleAtoi(c[3], &d) ||
        !absl::SimpleAtoi(c[4], &h)) {
      continue;
    }
    const std::string hour = absl::FormatCivilTime(absl::CivilHour(y, m, d, h));
    for (int k = 0; k < 6; ++k) {
      double v = 0;
      if (!absl::SimpleAtod(c[5 + k], &v)) continue;  // NA
      out->push_back({station, hour, kCols[k], v,
                      kCols[k] == Pollutant::kCo
                          ? std::optional<Unit>(Unit::kMicrogramsPerCubicMeter)
                          : std::nullopt});
    }
  }
  pclose(f);
  return rows;
}

const char* const kFiles[] = {"Aotizhongxin", "Changping", "Dingling", "Dongsi",
                              "Guanyuan",     "Gucheng",   "Huairou",  "Nongzhanguan",
                              "Shunyi",       "Tiantan",   "Wanliu",   "Wanshouxigong"};

std::string FilePath(const char* station) {
  return absl::StrCat(ECOPLAN_BEIJING_AQ_DIR, "/PRSA_Data_", station, "_20130301-20170228.csv.gz");
}

// False (and the benchmark skipped, saying why) when a data file is missing:
// zcat would read nothing and the figures would be those of an empty book.
bool HaveData(benchmark::State& state) {
  for (const char* s : kFiles) {
    if (!std::filesystem::exists(FilePath(s))) {
      state.SkipWithError(absl::StrCat("skipped: ", FilePath(s),
                                       " not found (the data lives in ../shared/data/beijing-aq)")
                              .c_str());
      return false;
    }
  }
  return true;
}

// Parse + validate + apply all files, chunks of 6000 readings (the ingestion path's work).
void BM_LoadAllStations(benchmark::State& state) {
  if (!HaveData(state)) return;
  const AirQualityStandards standards = AirQualityStandards::National();
  for (auto _ : state) {
    ObservationBook book(&standards);
    book.SetStations(DemoStations());
    size_t rows = 0;
    int64_t accepted = 0, flagged = 0;
    for (const char* s : kFiles) {
      std::vector<ReadingInput> readings;
      rows += ReadCsv(FilePath(s), &readings);
      for (size_t i = 0; i < readings.size(); i += 6000) {
        std::vector<ReadingInput> chunk(readings.begin() + i,
                                        readings.begin() + std::min(readings.size(), i + 6000));
        PreparedBatch p = book.Prepare(chunk, absl::CivilHour(2026, 1, 1, 0));
        accepted += p.accepted;
        flagged += static_cast<int64_t>(p.flags.size());
        if (!book.Apply(p.writes).ok()) state.SkipWithError("apply failed");
      }
    }
    state.counters["rows"] = static_cast<double>(rows);
    state.counters["readings"] = static_cast<double>(accepted);
    state.counters["flags"] = static_cast<double>(flagged);
  }
}
BENCHMARK(BM_LoadAllStations)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_EvaluatePlan(benchmark::State& state) {
  if (!HaveData(state)) return;
  static const AirQualityStandards standards = AirQualityStandards::National();
  static ObservationBook* book = [] {
    auto* b = new ObservationBook(&standards);
    b->SetStations(DemoStations());
    for (const char* s : kFiles) {
      std::vector<ReadingInput> readings;
      ReadCsv(FilePath(s), &readings);
      PreparedBatch p = b->Prepare(readings, absl::CivilHour(2026, 1, 1, 0));
      (void)b->Apply(p.writes);
    }
    return b;
  }();
  // The seed's air-quality targets, judged over 2016 (complete past years 2014, 2015).
  std::vector<Indicator> indicators;
  auto add = [&](std::string id, ScopeKind scope, std::string town, Aggregation agg,
                 AirQualityItem item, Comparator c, double target) {
    Indicator i;
    i.id = std::move(id);
    i.scope_kind = scope;
    i.scope_name = std::move(town);
    i.aggregation = agg;
    i.air_quality_item = item;
    i.comparator = c;
    i.target_value = target;
    i.source = SourceKind::kAirQuality;
    i.unit = "微克/立方米";
    i.period_start = absl::CivilDay(2016, 1, 1);
    i.period_end = absl::CivilDay(2016, 12, 31);
    indicators.push_back(std::move(i));
  };
  add("a4-pm25", ScopeKind::kDistrict, "", Aggregation::kMeanOfDaily, AirQualityItem::kPm25,
      Comparator::kAtMost, 27);
  add("a4-good-days", ScopeKind::kDistrict, "", Aggregation::kRatioOfQualifyingDays,
      AirQualityItem::kAqi, Comparator::kAtLeast, 78);
  add("a4-heavy-days", ScopeKind::kDistrict, "", Aggregation::kCountOfDays, AirQualityItem::kAqi,
      Comparator::kAtMost, 3);
  for (const Station& s : DemoStations()) {
    add(absl::StrCat("a5-", s.town, "-pm25"), ScopeKind::kTown, s.town, Aggregation::kMeanOfDaily,
        AirQualityItem::kPm25, Comparator::kAtMost, 27);
  }
  const AirQualityStandards v2012 = SingleVersion(Hj633Of2012());
  const AirQualityStandards v2026 = SingleVersion(Hj633Of2026());
  Calibers calibers{&standards, {{"HJ 633-2012", &v2012}, {"HJ 633—2026", &v2026}}};
  PlanEvaluationInput input;
  input.indicators = &indicators;
  input.book = book;
  input.calibers = &calibers;
  for (auto _ : state) {
    PlanEvaluation e = EvaluatePlan(absl::CivilDay(2016, 6, 30), input, PlanEvaluationRules());
    benchmark::DoNotOptimize(e);
  }
  state.counters["indicators"] = static_cast<double>(indicators.size());
}
BENCHMARK(BM_EvaluatePlan)->Unit(benchmark::kMillisecond);

// Scorecards of a plan the seed's size: 224 measures, each with a lead and a
// responsible organization among 60, 9 monthly periods owed, 80 % of the
// entries reported (one in five of those late). Arg 0: EvaluatePlan's
// scorecards; arg 1: with the facts behind every score, as a month's
// assessment and CloseMonth compute them.
void BM_ScoreOrganizations(benchmark::State& state) {
  std::vector<MeasureInfo> measures;
  std::vector<ProgressReport> reports;
  std::vector<absl::CivilMonth> periods;
  for (int p = 4; p <= 12; ++p) periods.emplace_back(2026, p);
  for (int i = 0; i < 224; ++i) {
    MeasureInfo m;
    m.id = absl::StrCat("a1-t", i / 4, "-m", i % 4);
    m.due = absl::CivilDay(2026, 6 + i % 7, 28);
    m.owners = {absl::StrCat("org-", i % 60)};
    m.responsible = {absl::StrCat("org-", (i * 7 + 3) % 60)};
    for (const std::string* o : {&m.owners[0], &m.responsible[0]}) {
      for (size_t k = 0; k < periods.size(); ++k) {
        if ((i + k) % 5 == 0) continue;
        reports.push_back({*o, m.id, periods[k], ReportedStatus::kInProgress, (i + k) % 4 != 1, 50,
                           false, absl::StrCat("plans/p/reports/", *o, "_", k)});
      }
    }
    measures.push_back(std::move(m));
  }
  const bool facts = state.range(0) == 1;
  for (auto _ : state) {
    std::vector<Scorecard> cards = ScoreOrganizations(
        measures, reports, periods, {}, absl::CivilDay(2026, 12, 31), ScoringRules(), facts);
    benchmark::DoNotOptimize(cards);
  }
  state.counters["entries"] = static_cast<double>(reports.size());
}
BENCHMARK(BM_ScoreOrganizations)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ecoplan::indicator

BENCHMARK_MAIN();
