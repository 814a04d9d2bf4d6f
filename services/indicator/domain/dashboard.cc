#include "services/indicator/domain/dashboard.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::indicator {
namespace {

using ReportKey = std::pair<std::string, std::string>;  // organization, measure

// Latest report per (organization, measure) and the set of on-time periods.
struct ReportIndex {
  std::map<ReportKey, const ProgressReport*> latest;
  std::set<std::tuple<std::string, std::string, absl::CivilMonth>> on_time;
  std::map<std::string, std::set<absl::CivilMonth>> org_on_time_periods;
};

ReportIndex Index(const std::vector<ProgressReport>& reports) {
  ReportIndex index;
  for (const ProgressReport& r : reports) {
    const ProgressReport*& latest = index.latest[{r.organization, r.measure_id}];
    if (latest == nullptr || latest->period <= r.period) latest = &r;
    if (r.on_time) index.on_time.insert({r.organization, r.measure_id, r.period});
  }
  return index;
}

bool Completed(const ReportIndex& index, const MeasureInfo& m) {
  for (const std::string& owner : m.owners) {
    auto it = index.latest.find({owner, m.id});
    if (it != index.latest.end() && it->second->status == ReportedStatus::kCompleted) return true;
  }
  return false;
}

// Consecutive most recent due periods without an on-time report by `owner` for `m`.
int MissedAtEnd(const ReportIndex& index, const std::string& owner, const MeasureInfo& m,
                const std::vector<absl::CivilMonth>& due_periods) {
  int missed = 0;
  for (auto it = due_periods.rbegin(); it != due_periods.rend(); ++it) {
    if (index.on_time.count({owner, m.id, *it})) break;
    ++missed;
  }
  return missed;
}

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

}  // namespace

std::vector<absl::CivilMonth> DuePeriods(absl::CivilMonth first, int due_day,
                                         bool due_in_same_month, absl::CivilDay as_of) {
  std::vector<absl::CivilMonth> out;
  for (absl::CivilMonth m = first; m <= absl::CivilMonth(as_of); ++m) {
    const absl::CivilMonth due_month = due_in_same_month ? m : m + 1;
    const absl::CivilDay due(due_month.year(), due_month.month(), due_day);
    if (due > as_of) break;
    out.push_back(m);
  }
  return out;
}

std::vector<MeasureLight> ColourMeasures(const std::vector<MeasureInfo>& measures,
                                         const std::vector<ProgressReport>& reports,
                                         const std::vector<absl::CivilMonth>& due_periods,
                                         absl::CivilDay as_of, const LightRules& rules) {
  const ReportIndex index = Index(reports);
  std::vector<MeasureLight> out;
  for (const MeasureInfo& m : measures) {
    MeasureLight light;
    light.measure_id = m.id;
    light.owners = m.owners;
    auto raise = [&](Colour c, std::string reason) {
      light.colour = std::max(light.colour, c);
      light.reasons.push_back(std::move(reason));
    };
    if (Completed(index, m)) {
      light.reasons.push_back("reported completed");
      out.push_back(std::move(light));
      continue;
    }
    if (m.due.has_value()) {
      if (as_of > *m.due) {
        raise(Colour::kRed, absl::StrCat("due ", Day(*m.due), " passed, not reported completed"));
      } else if (*m.due - as_of <= rules.yellow_days_before_due) {
        raise(Colour::kYellow, absl::StrCat("due ", Day(*m.due), " in ", *m.due - as_of,
                                            " days, not reported completed"));
      }
    }
    for (const std::string& owner : m.owners) {
      const int missed = MissedAtEnd(index, owner, m, due_periods);
      if (missed >= rules.red_missed_reports) {
        raise(Colour::kRed, absl::StrCat(owner, " missed the last ", missed,
                                         " reporting periods (or reported late)"));
      } else if (missed > 0) {
        raise(Colour::kYellow, absl::StrCat(owner, " missed the last reporting period ",
                                            absl::FormatCivilTime(due_periods.back()),
                                            " (or reported late)"));
      }
      auto it = index.latest.find({owner, m.id});
      if (it != index.latest.end() && it->second->status == ReportedStatus::kBlocked) {
        raise(Colour::kYellow, absl::StrCat(owner, " reports the measure blocked"));
      }
    }
    if (light.reasons.empty()) light.reasons.push_back("on schedule");
    out.push_back(std::move(light));
  }
  return out;
}

std::vector<Scorecard> ScoreOrganizations(const std::vector<MeasureInfo>& measures,
                                          const std::vector<ProgressReport>& reports,
                                          const std::vector<absl::CivilMonth>& due_periods,
                                          const std::vector<OwnedIndicator>& indicators,
                                          absl::CivilDay as_of, const ScoreWeights& weights) {
  const ReportIndex index = Index(reports);
  struct Counts {
    int led = 0, due = 0, due_completed = 0, overdue = 0;
    int reports_due = 0, reports_on_time = 0;
    int indicators = 0, indicators_good = 0;
  };
  std::map<std::string, Counts> by_org;
  for (const MeasureInfo& m : measures) {
    const bool completed = Completed(index, m);
    for (const std::string& owner : m.owners) {
      Counts& c = by_org[owner];
      ++c.led;
      if (m.due.has_value() && *m.due <= as_of) {
        ++c.due;
        if (completed) ++c.due_completed;
      }
      if (m.due.has_value() && *m.due < as_of && !completed) ++c.overdue;
      for (absl::CivilMonth p : due_periods) {
        ++c.reports_due;
        if (index.on_time.count({owner, m.id, p})) ++c.reports_on_time;
      }
    }
  }
  for (const OwnedIndicator& ind : indicators) {
    if (ind.status == IndicatorStatus::kInsufficientData ||
        ind.status == IndicatorStatus::kUnspecified) {
      continue;
    }
    for (const std::string& owner : ind.owners) {
      Counts& c = by_org[owner];
      ++c.indicators;
      if (ind.status == IndicatorStatus::kAchieved || ind.status == IndicatorStatus::kOnTrack) {
        ++c.indicators_good;
      }
    }
  }
  std::vector<Scorecard> out;
  for (const auto& [org, c] : by_org) {
    Scorecard card;
    card.organization = org;
    card.measures_led = c.led;
    card.overdue_measures = c.overdue;
    auto add = [&](const char* name, double weight, int num, int den, std::string detail) {
      ScoreComponent comp;
      comp.name = name;
      comp.weight = weight;
      if (den > 0) comp.rate = static_cast<double>(num) / den;
      comp.detail = std::move(detail);
      card.components.push_back(std::move(comp));
    };
    add("on_time_reporting", weights.on_time_reporting, c.reports_on_time, c.reports_due,
        absl::StrCat(c.reports_on_time, " of ", c.reports_due, " reports on time"));
    add("completion_of_due_measures", weights.completion_of_due_measures, c.due_completed, c.due,
        absl::StrCat(c.due_completed, " of ", c.due, " measures due by ", Day(as_of),
                     " reported completed"));
    add("no_overdue_measures", weights.no_overdue_measures, c.led - c.overdue, c.led,
        absl::StrCat(c.overdue, " of ", c.led, " measures led are overdue"));
    add("indicators_on_track", weights.indicators_on_track, c.indicators_good, c.indicators,
        absl::StrCat(c.indicators_good, " of ", c.indicators,
                     " indicators owned are achieved or on track"));
    double present_weight = 0;
    for (const ScoreComponent& comp : card.components) {
      if (comp.rate.has_value()) present_weight += comp.weight;
    }
    for (ScoreComponent& comp : card.components) {
      if (!comp.rate.has_value() || present_weight <= 0) continue;
      comp.points = *comp.rate * comp.weight / present_weight * 100.0;
      card.score += comp.points;
    }
    out.push_back(std::move(card));
  }
  std::sort(out.begin(), out.end(), [](const Scorecard& a, const Scorecard& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.organization < b.organization;
  });
  return out;
}

}  // namespace ecoplan::indicator
