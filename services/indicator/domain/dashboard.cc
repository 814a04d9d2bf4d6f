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

using PeriodKey = std::tuple<std::string, std::string, absl::CivilMonth>;

// Latest report per (organization, measure), the on-time and the late entries,
// and who reported on each measure.
struct ReportIndex {
  std::map<ReportKey, const ProgressReport*> latest;
  std::set<PeriodKey> on_time;
  std::set<PeriodKey> late;
  std::map<std::string, std::set<std::string>> reporters;  // measure → organizations
};

ReportIndex Index(const std::vector<ProgressReport>& reports) {
  ReportIndex index;
  for (const ProgressReport& r : reports) {
    const ProgressReport*& latest = index.latest[{r.organization, r.measure_id}];
    if (latest == nullptr || latest->period <= r.period) latest = &r;
    (r.on_time ? index.on_time : index.late).insert({r.organization, r.measure_id, r.period});
    index.reporters[r.measure_id].insert(r.organization);
  }
  return index;
}

// A lead's latest report says completed (and the bureau did not return it).
const ProgressReport* ReportedCompleted(const ReportIndex& index, const MeasureInfo& m) {
  for (const std::string& owner : m.owners) {
    auto it = index.latest.find({owner, m.id});
    if (it != index.latest.end() && it->second->status == ReportedStatus::kCompleted &&
        !it->second->returned) {
      return it->second;
    }
  }
  return nullptr;
}

bool Completed(const ReportIndex& index, const MeasureInfo& m) {
  return m.completion_confirmed || ReportedCompleted(index, m) != nullptr;
}

std::vector<OwnerProgress> ProgressOf(const ReportIndex& index, const MeasureInfo& m) {
  std::vector<OwnerProgress> out;
  auto add = [&](const std::string& org, bool lead) {
    auto it = index.latest.find({org, m.id});
    if (it == index.latest.end()) return;
    const ProgressReport& r = *it->second;
    out.push_back({org, lead, r.period, r.status, r.percent_done, r.on_time, r.returned});
  };
  for (const std::string& owner : m.owners) add(owner, true);
  auto reporters = index.reporters.find(m.id);
  if (reporters != index.reporters.end()) {
    for (const std::string& org : reporters->second) {
      if (std::find(m.owners.begin(), m.owners.end(), org) == m.owners.end()) add(org, false);
    }
  }
  return out;
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

std::string DueText(const MeasureInfo& m) {
  std::string out = absl::StrCat("due ", Day(*m.due));
  if (m.original_due.has_value() && *m.original_due != *m.due) {
    absl::StrAppend(&out, " (extended from ", Day(*m.original_due), ")");
  }
  return out;
}

}  // namespace

const char* ReportedStatusName(ReportedStatus status) {
  switch (status) {
    case ReportedStatus::kNotStarted: return "not_started";
    case ReportedStatus::kInProgress: return "in_progress";
    case ReportedStatus::kCompleted: return "completed";
    case ReportedStatus::kBlocked: return "blocked";
    case ReportedStatus::kDelayed: return "delayed";
  }
  return "in_progress";
}

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
    light.progress = ProgressOf(index, m);
    light.completion_confirmed = m.completion_confirmed;
    light.due = m.due;
    light.original_due = m.original_due;
    auto raise = [&](Colour c, std::string reason) {
      light.colour = std::max(light.colour, c);
      light.reasons.push_back(std::move(reason));
    };
    if (m.completion_confirmed) {
      light.reasons.push_back("completion confirmed by the bureau");
      out.push_back(std::move(light));
      continue;
    }
    if (const ProgressReport* done = ReportedCompleted(index, m)) {
      light.reasons.push_back(absl::StrCat("reported completed by ", done->organization, " for ",
                                           absl::FormatCivilTime(done->period),
                                           " (completion not yet confirmed by the bureau)"));
      out.push_back(std::move(light));
      continue;
    }
    if (m.due.has_value()) {
      if (as_of > *m.due) {
        raise(Colour::kRed, absl::StrCat(DueText(m), " passed, not reported completed"));
      } else if (*m.due - as_of <= rules.yellow_days_before_due) {
        raise(Colour::kYellow, absl::StrCat(DueText(m), " in ", *m.due - as_of,
                                            " days, not reported completed"));
      }
    }
    for (const std::string& owner : m.owners) {
      const int missed = MissedAtEnd(index, owner, m, due_periods);
      int late = 0;
      for (size_t k = 0; k < static_cast<size_t>(missed); ++k) {
        late += index.late.count({owner, m.id, due_periods[due_periods.size() - 1 - k]}) ? 1 : 0;
      }
      const std::string how =
          late == 0 ? "no entry" : late == missed ? "reported late" : absl::StrCat(
                                                                          late, " late, ",
                                                                          missed - late,
                                                                          " without entry");
      if (missed >= rules.red_missed_reports) {
        raise(Colour::kRed, absl::StrCat(owner, " missed the last ", missed,
                                         " reporting periods (", how, ")"));
      } else if (missed > 0) {
        raise(Colour::kYellow, absl::StrCat(owner, " missed the last reporting period ",
                                            absl::FormatCivilTime(due_periods.back()), " (",
                                            how, ")"));
      }
      auto it = index.latest.find({owner, m.id});
      if (it != index.latest.end()) {
        const ProgressReport& r = *it->second;
        if (r.status == ReportedStatus::kBlocked) {
          raise(Colour::kYellow, absl::StrCat(owner, " reports the measure blocked (",
                                              absl::FormatCivilTime(r.period), ")"));
        } else if (r.status == ReportedStatus::kDelayed) {
          raise(Colour::kYellow, absl::StrCat(owner, " reports the measure delayed (",
                                              absl::FormatCivilTime(r.period), ")"));
        }
        if (r.returned) {
          raise(Colour::kYellow, absl::StrCat("the bureau returned ", owner, "'s report for ",
                                              absl::FormatCivilTime(r.period)));
        }
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
    int reports_due = 0, reports_on_time = 0, reports_late = 0;
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
        if (index.late.count({owner, m.id, p})) ++c.reports_late;
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
    card.reports_due = c.reports_due;
    card.reports_on_time = c.reports_on_time;
    card.reports_late = c.reports_late;
    card.reports_missing = c.reports_due - c.reports_on_time - c.reports_late;
    auto add = [&](const char* name, double weight, int num, int den, std::string detail) {
      ScoreComponent comp;
      comp.name = name;
      comp.weight = weight;
      if (den > 0) comp.rate = static_cast<double>(num) / den;
      comp.detail = std::move(detail);
      card.components.push_back(std::move(comp));
    };
    add("on_time_reporting", weights.on_time_reporting, c.reports_on_time, c.reports_due,
        absl::StrCat(c.reports_on_time, " of ", c.reports_due, " reports on time (",
                     c.reports_late, " late, ", c.reports_due - c.reports_on_time - c.reports_late,
                     " missing)"));
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
