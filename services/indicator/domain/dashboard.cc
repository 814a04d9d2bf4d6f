#include "services/indicator/domain/dashboard.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

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

// An owner's latest report says completed (and the bureau did not return it):
// a claim, never a completion.
const ProgressReport* ReportedCompleted(const ReportIndex& index, const MeasureInfo& m) {
  for (const std::vector<std::string>* list : {&m.owners, &m.responsible}) {
    for (const std::string& owner : *list) {
      auto it = index.latest.find({owner, m.id});
      if (it != index.latest.end() && it->second->status == ReportedStatus::kCompleted &&
          !it->second->returned) {
        return it->second;
      }
    }
  }
  return nullptr;
}

bool Confirmed(const MeasureInfo& m) {
  return m.completion_confirmed ||
         (m.declaration.has_value() && m.declaration->state == CompletionState::kConfirmed);
}

// The measure's indicators with `status`.
std::vector<const MeasureIndicator*> IndicatorsWith(const MeasureInfo& m, IndicatorStatus status) {
  std::vector<const MeasureIndicator*> out;
  for (const MeasureIndicator& i : m.indicators) {
    if (i.status == status) out.push_back(&i);
  }
  return out;
}

// Confirmed by the bureau and no indicator of the measure off track.
// The bureau confirmed over the indicator check (ConfirmCompletion's override).
bool Overridden(const MeasureInfo& m) {
  return m.declaration.has_value() && m.declaration->state == CompletionState::kConfirmed &&
         m.declaration->indicator_check_overridden;
}

bool CountedCompleted(const MeasureInfo& m) {
  return Confirmed(m) && (IndicatorsWith(m, IndicatorStatus::kOffTrack).empty() || Overridden(m));
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
  for (const std::string& owner : m.responsible) add(owner, false);
  auto reporters = index.reporters.find(m.id);
  if (reporters != index.reporters.end()) {
    for (const std::string& org : reporters->second) {
      if (std::find(m.owners.begin(), m.owners.end(), org) == m.owners.end() &&
          std::find(m.responsible.begin(), m.responsible.end(), org) == m.responsible.end()) {
        add(org, false);
      }
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

std::string Number(double v) { return absl::StrCat(v); }

// "a1-t3-m7-i1 新能源车比例 is off track: 26 % on 2026-06-25 against ≥ 30 %".
std::string IndicatorFact(const MeasureIndicator& i, const char* verdict) {
  std::string out = absl::StrCat("indicator ", i.id, " ", i.name, " is ", verdict, ": ");
  if (i.value.has_value()) {
    absl::StrAppend(&out, Number(*i.value), i.unit.empty() ? "" : " ", i.unit);
    if (i.value_day.has_value()) absl::StrAppend(&out, " on ", Day(*i.value_day));
  } else {
    absl::StrAppend(&out, "no value");
  }
  if (!i.target.empty()) absl::StrAppend(&out, " against ", i.target);
  if (!i.status_reason.empty()) absl::StrAppend(&out, " (", i.status_reason, ")");
  return out;
}

// "declaration 2 by 区交通局 on 2026-05-20".
std::string DeclarationText(const CompletionDeclaration& d) {
  return absl::StrCat("declaration ", d.number, " by ", d.organization, " on ", Day(d.declared));
}

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
    case ReportedStatus::kNotStarted:
      return "not_started";
    case ReportedStatus::kInProgress:
      return "in_progress";
    case ReportedStatus::kCompleted:
      return "completed";
    case ReportedStatus::kBlocked:
      return "blocked";
    case ReportedStatus::kDelayed:
      return "delayed";
  }
  return "in_progress";
}

const char* CompletionStateName(CompletionState state) {
  switch (state) {
    case CompletionState::kNone:
      return "none";
    case CompletionState::kDeclared:
      return "declared";
    case CompletionState::kConfirmed:
      return "confirmed";
    case CompletionState::kRejected:
      return "rejected";
  }
  return "none";
}

bool CompletionDeclaration::operator==(const CompletionDeclaration& o) const {
  return name == o.name && number == o.number && organization_id == o.organization_id &&
         organization == o.organization && declared == o.declared && state == o.state &&
         comment == o.comment && decided == o.decided &&
         indicator_check_overridden == o.indicator_check_overridden &&
         override_reason == o.override_reason;
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
    light.responsible = m.responsible;
    light.progress = ProgressOf(index, m);
    light.completion_confirmed = Confirmed(m);
    light.counted_completed = CountedCompleted(m);
    light.due = m.due;
    light.original_due = m.original_due;
    if (m.declaration.has_value()) {
      light.completion = m.declaration->name;
      light.completion_state = m.declaration->state;
    }
    if (light.completion_confirmed) light.completion_state = CompletionState::kConfirmed;
    bool fired = false;  // a rule raised the colour
    auto raise = [&](Colour c, std::string reason) {
      light.colour = std::max(light.colour, c);
      light.reasons.push_back(std::move(reason));
      fired = true;
    };
    auto note = [&](std::string reason) { light.reasons.push_back(std::move(reason)); };

    // The completion: confirmed (and checked against the measure's
    // indicators), declared, rejected, or claimed in a report.
    const CompletionDeclaration* d = m.declaration ? &*m.declaration : nullptr;
    if (light.completion_confirmed) {
      std::string text = "completion confirmed by the bureau";
      const std::optional<absl::CivilDay> on = m.confirmed_on.has_value() ? m.confirmed_on
                                               : d != nullptr             ? d->decided
                                                                          : std::nullopt;
      if (on.has_value()) absl::StrAppend(&text, " on ", Day(*on));
      if (d != nullptr && d->state == CompletionState::kConfirmed) {
        absl::StrAppend(&text, " (", DeclarationText(*d), ")");
        if (!d->comment.empty()) absl::StrAppend(&text, ": ", d->comment);
      }
      const std::vector<const MeasureIndicator*> off =
          IndicatorsWith(m, IndicatorStatus::kOffTrack);
      const bool overridden = Overridden(m);
      if (off.empty()) {
        note(text);
        if (overridden) {
          note(absl::StrCat("the bureau confirmed with the indicator check overridden: ",
                            d->override_reason));
        }
      }
      for (const MeasureIndicator* i : off) {
        if (overridden) {
          // The bureau has said so with a reason on record: counted, but not green.
          raise(Colour::kYellow,
                absl::StrCat(text, ", while ", IndicatorFact(*i, "off track"),
                             "; counted as completed because the bureau confirmed with the "
                             "indicator check overridden: ",
                             d->override_reason));
        } else {
          raise(Colour::kRed, absl::StrCat(text, ", but ", IndicatorFact(*i, "off track"),
                                           "; not counted as completed"));
        }
      }
      for (const MeasureIndicator* i : IndicatorsWith(m, IndicatorStatus::kAtRisk)) {
        raise(Colour::kYellow,
              absl::StrCat("completion confirmed, but ", IndicatorFact(*i, "at risk")));
      }
      if (light.counted_completed) {
        if (!fired) light.colour = Colour::kGreen;
        out.push_back(std::move(light));
        continue;
      }
      // Turned back: the rules for a measure not completed apply as well.
    } else if (d != nullptr && d->state == CompletionState::kDeclared) {
      note(absl::StrCat("completion declared by ", d->organization, " on ", Day(d->declared),
                        " (declaration ", d->number, "), awaiting the bureau's confirmation"));
    } else if (d != nullptr && d->state == CompletionState::kRejected) {
      std::string text = absl::StrCat("completion declaration ", d->number, " by ", d->organization,
                                      " rejected by the bureau");
      if (d->decided.has_value()) absl::StrAppend(&text, " on ", Day(*d->decided));
      absl::StrAppend(&text, ": ", d->comment.empty() ? "no comment" : d->comment, " (declared on ",
                      Day(d->declared), "); the measure is not completed");
      note(std::move(text));
    }
    if (!light.completion_confirmed) {
      if (const ProgressReport* done = ReportedCompleted(index, m)) {
        if (light.completion_state == CompletionState::kNone) {
          light.completion_state = CompletionState::kDeclared;
        }
        std::string text = absl::StrCat("reported completed by ", done->organization,
                                        " in its report for ", absl::FormatCivilTime(done->period));
        if (!done->report.empty()) absl::StrAppend(&text, " (", done->report, ")");
        absl::StrAppend(&text, ", awaiting the bureau's confirmation");
        if (d == nullptr || d->state == CompletionState::kRejected) {
          absl::StrAppend(&text, " (no completion declaration pending)");
        }
        note(std::move(text));
      }
    }

    const char* not_done = light.completion_confirmed ? "not counted as completed"
                                                      : "completion not confirmed by the bureau";
    if (m.due.has_value()) {
      if (as_of > *m.due) {
        raise(Colour::kRed, absl::StrCat(DueText(m), " passed, ", not_done));
      } else if (*m.due - as_of <= rules.yellow_days_before_due) {
        raise(Colour::kYellow,
              absl::StrCat(DueText(m), " in ", *m.due - as_of, " days, ", not_done));
      }
    }
    // The next due day of each checkpoint of the text, when it is close.
    if (!light.counted_completed) {
      for (const CheckpointDue& c : m.checkpoints) {
        auto next = std::lower_bound(c.dues.begin(), c.dues.end(), as_of);
        if (next == c.dues.end() || *next - as_of > rules.yellow_days_before_checkpoint) continue;
        raise(
            Colour::kYellow,
            absl::StrCat("checkpoint «", c.phrase, "» of the measure text due ", Day(*next),
                         *next == as_of ? " today" : absl::StrCat(" in ", *next - as_of, " days")));
      }
    }
    auto check_owner = [&](const std::string& owner, bool lead) {
      // Leads are named plainly; responsible units are marked as such.
      const std::string who = lead ? owner : absl::StrCat(owner, " (responsible unit)");
      const int missed = MissedAtEnd(index, owner, m, due_periods);
      int late = 0;
      std::vector<std::string> periods;
      for (size_t k = missed; k-- > 0;) {
        const absl::CivilMonth p = due_periods[due_periods.size() - 1 - k];
        const bool was_late = index.late.count({owner, m.id, p}) > 0;
        late += was_late ? 1 : 0;
        periods.push_back(absl::StrCat(absl::FormatCivilTime(p), was_late ? " late" : " no entry"));
      }
      const std::string how = late == 0 ? "no entry"
                              : late == missed
                                  ? "reported late"
                                  : absl::StrCat(late, " late, ", missed - late, " without entry");
      if (missed >= rules.red_missed_reports) {
        raise(Colour::kRed, absl::StrCat(who, " missed the last ", missed, " reporting periods (",
                                         how, "): ", absl::StrJoin(periods, ", ")));
      } else if (missed > 0) {
        raise(Colour::kYellow,
              absl::StrCat(who, " missed the last reporting period ",
                           absl::FormatCivilTime(due_periods.back()), " (", how, ")"));
      }
      auto it = index.latest.find({owner, m.id});
      if (it != index.latest.end()) {
        const ProgressReport& r = *it->second;
        const std::string in = r.report.empty() ? "" : absl::StrCat(", ", r.report);
        if (r.status == ReportedStatus::kBlocked) {
          raise(Colour::kYellow, absl::StrCat(who, " reports the measure blocked (",
                                              absl::FormatCivilTime(r.period), in, ")"));
        } else if (r.status == ReportedStatus::kDelayed) {
          raise(Colour::kYellow, absl::StrCat(who, " reports the measure delayed (",
                                              absl::FormatCivilTime(r.period), in, ")"));
        }
        if (r.returned) {
          raise(Colour::kYellow, absl::StrCat("the bureau returned ", who, "'s report for ",
                                              absl::FormatCivilTime(r.period), in));
        }
      }
    };
    for (const std::string& owner : m.owners) check_owner(owner, true);
    for (const std::string& owner : m.responsible) check_owner(owner, false);
    if (!fired) light.reasons.push_back("on schedule");
    out.push_back(std::move(light));
  }
  return out;
}

namespace {

// One organization's counts and facts while scoring.
struct OrgTally {
  ScoreRole lead, responsible;
  double report_credit = 0;  // Σ credits of its report entries
  int indicators = 0, indicators_good = 0;
  // Facts per component, in component order (see kComponents).
  std::vector<ScoreFact> facts[4];
};

constexpr const char* kComponents[4] = {"on_time_reporting", "completion_of_due_measures",
                                        "no_overdue_measures", "indicators_on_track"};

// The deadline the score holds `m` to under `rules`.
std::optional<absl::CivilDay> ScoredDue(const MeasureInfo& m, const ScoringRules& rules) {
  if (rules.extensions == ExtensionScoring::kPlanDeadline && m.original_due.has_value()) {
    return m.original_due;
  }
  return m.due;
}

std::string ScoredDueText(const MeasureInfo& m, absl::CivilDay due) {
  std::string out = absl::StrCat("due ", Day(due));
  if (m.due.has_value() && *m.due != due) {
    absl::StrAppend(&out, " (the plan's deadline; extended to ", Day(*m.due), ")");
  } else if (m.original_due.has_value() && *m.original_due != due) {
    absl::StrAppend(&out, " (extended from ", Day(*m.original_due), ")");
  }
  return out;
}

// Counts (and, with facts, explains) one owner's work on one measure.
class MeasureScorer {
 public:
  MeasureScorer(const std::map<PeriodKey, const ProgressReport*>& entries,
                const std::vector<absl::CivilMonth>& due_periods, absl::CivilDay as_of,
                const ScoringRules& rules, bool with_facts)
      : entries_(entries),
        due_periods_(due_periods),
        as_of_(as_of),
        rules_(rules),
        with_facts_(with_facts) {}

  void Count(const MeasureInfo& m, const std::string& owner, bool lead, OrgTally& tally) const {
    ScoreRole& r = lead ? tally.lead : tally.responsible;
    const char* role = lead ? "lead" : "responsible";
    const bool completed = CountedCompleted(m);
    const std::optional<absl::CivilDay> due = ScoredDue(m, rules_);
    ++r.measures;
    if (due.has_value() && *due <= as_of_) {
      ++r.measures_due;
      if (completed) ++r.measures_completed;
      Fact(tally, 1, [&] {
        return ScoreFact{
            absl::StrCat(kComponents[1], "/", m.id),
            role,
            completed ? "completed" : "not_completed",
            completed ? 1.0 : 0.0,
            CompletionRef(m),
            absl::StrCat(m.id, " ", ScoredDueText(m, *due), completed ? ": " : ": not ",
                         "counted as completed", CompletionNote(m))};
      });
    }
    const bool overdue = due.has_value() && *due < as_of_ && !completed;
    if (overdue) {
      ++r.overdue_measures;
      r.overdue.push_back(absl::StrCat(m.id, " (", ScoredDueText(m, *due), ")"));
    }
    Fact(tally, 2, [&] {
      return ScoreFact{absl::StrCat(kComponents[2], "/", m.id),
                       role,
                       overdue ? "overdue" : "not_overdue",
                       overdue ? 0.0 : 1.0,
                       CompletionRef(m),
                       due.has_value() ? absl::StrCat(m.id, " ", ScoredDueText(m, *due),
                                                      overdue ? ", passed and not completed" : "")
                                       : absl::StrCat(m.id, " has no deadline (ongoing work)")};
    });
    for (absl::CivilMonth p : due_periods_) CountReport(m, owner, p, role, r, tally);
  }

 private:
  void CountReport(const MeasureInfo& m, const std::string& owner, absl::CivilMonth p,
                   const char* role, ScoreRole& r, OrgTally& tally) const {
    ++r.reports_due;
    auto it = entries_.find({owner, m.id, p});
    const ProgressReport* report = it == entries_.end() ? nullptr : it->second;
    auto key = [&] {
      return absl::StrCat(kComponents[0], "/", m.id, "/", absl::FormatCivilTime(p));
    };
    if (report == nullptr) {
      ++r.reports_missing;
      Fact(tally, 0, [&] {
        return ScoreFact{
            key(), role, "missing",
            0,     "",   absl::StrCat("no report on ", m.id, " for ", absl::FormatCivilTime(p))};
      });
      return;
    }
    double credit = report->on_time ? 1.0 : rules_.late_report_credit;
    if (report->returned) credit *= rules_.returned_report_credit;
    ++(report->on_time ? r.reports_on_time : r.reports_late);
    tally.report_credit += credit;
    Fact(tally, 0, [&] {
      std::string outcome = report->on_time ? "on_time" : "late";
      if (report->returned) outcome += "_returned";
      return ScoreFact{
          key(),
          role,
          std::move(outcome),
          credit,
          report->report,
          absl::StrCat("report on ", m.id, " for ", absl::FormatCivilTime(p),
                       report->on_time ? " submitted on time" : " submitted after its due time",
                       report->returned ? ", returned by the bureau" : "")};
    });
  }

  static std::string CompletionRef(const MeasureInfo& m) {
    return m.declaration.has_value() ? m.declaration->name : "";
  }

  static std::string CompletionNote(const MeasureInfo& m) {
    if (!m.declaration.has_value()) return "";
    const CompletionDeclaration& d = *m.declaration;
    std::string out = absl::StrCat(" (", DeclarationText(d), ", ", CompletionStateName(d.state));
    if (Confirmed(m) && !CountedCompleted(m)) absl::StrAppend(&out, ", an indicator is off track");
    return out + ")";
  }

  // Adds the fact `make()` builds, only when facts are asked for (building
  // their text is most of the cost of scoring).
  template <typename Make>
  void Fact(OrgTally& tally, int component, Make make) const {
    if (with_facts_) tally.facts[component].push_back(make());
  }

  const std::map<PeriodKey, const ProgressReport*>& entries_;
  const std::vector<absl::CivilMonth>& due_periods_;
  const absl::CivilDay as_of_;
  const ScoringRules& rules_;
  const bool with_facts_;
};

// The latest entry per (organization, measure, period).
std::map<PeriodKey, const ProgressReport*> EntriesByPeriod(
    const std::vector<ProgressReport>& reports) {
  std::map<PeriodKey, const ProgressReport*> out;
  for (const ProgressReport& r : reports) out[{r.organization, r.measure_id, r.period}] = &r;
  return out;
}

void CountIndicator(const OwnedIndicator& ind, bool with_facts,
                    std::map<std::string, OrgTally>& by_org) {
  if (ind.status == IndicatorStatus::kInsufficientData ||
      ind.status == IndicatorStatus::kUnspecified) {
    return;
  }
  const bool good =
      ind.status == IndicatorStatus::kAchieved || ind.status == IndicatorStatus::kOnTrack;
  for (const std::string& owner : ind.owners) {
    OrgTally& t = by_org[owner];
    ++t.indicators;
    if (good) ++t.indicators_good;
    if (with_facts) {
      t.facts[3].push_back({absl::StrCat(kComponents[3], "/", ind.id), "owner",
                            IndicatorStatusName(ind.status), good ? 1.0 : 0.0, ind.name_ref,
                            ind.detail});
    }
  }
}

std::string RoleCounts(const ScoreRole& l, const ScoreRole& r,
                       std::string (*fn)(const ScoreRole&)) {
  return absl::StrCat("as lead ", fn(l), "; as responsible unit ", fn(r));
}

Scorecard CardOf(const std::string& org, OrgTally& t, absl::CivilDay as_of,
                 const ScoringRules& rules) {
  const ScoreRole& l = t.lead;
  const ScoreRole& r = t.responsible;
  Scorecard card;
  card.organization = org;
  card.measures_led = l.measures;
  card.measures_responsible = r.measures;
  card.as_lead = l;
  card.as_responsible = r;
  card.overdue_measures = l.overdue_measures + r.overdue_measures;
  card.reports_due = l.reports_due + r.reports_due;
  card.reports_on_time = l.reports_on_time + r.reports_on_time;
  card.reports_late = l.reports_late + r.reports_late;
  card.reports_missing = l.reports_missing + r.reports_missing;
  const int measures = l.measures + r.measures;
  const int due = l.measures_due + r.measures_due;
  const int due_completed = l.measures_completed + r.measures_completed;
  auto add = [&](int component, double weight, double num, int den, std::string detail) {
    ScoreComponent comp;
    comp.name = kComponents[component];
    comp.weight = weight;
    if (den > 0) comp.rate = num / den;
    comp.detail = std::move(detail);
    comp.facts = std::move(t.facts[component]);
    card.components.push_back(std::move(comp));
  };
  std::string reporting = absl::StrCat(
      card.reports_on_time, " of ", card.reports_due, " reports on time (", card.reports_late,
      " late, ", card.reports_missing, " missing); ", RoleCounts(l, r, [](const ScoreRole& x) {
        return absl::StrCat(x.reports_on_time, " of ", x.reports_due, " (", x.reports_late,
                            " late, ", x.reports_missing, " missing)");
      }));
  if (rules.late_report_credit > 0 || rules.returned_report_credit < 1) {
    absl::StrAppend(&reporting, "; credit ", absl::StrFormat("%.2f", t.report_credit),
                    " (a late report earns ", rules.late_report_credit, ", a returned one keeps ",
                    rules.returned_report_credit, " of its credit)");
  }
  add(0, rules.weights.on_time_reporting, t.report_credit, card.reports_due, std::move(reporting));
  add(1, rules.weights.completion_of_due_measures, due_completed, due,
      absl::StrCat(due_completed, " of ", due, " measures due by ", Day(as_of),
                   " completed as confirmed by the bureau (no indicator off track); ",
                   RoleCounts(l, r, [](const ScoreRole& x) {
                     return absl::StrCat(x.measures_completed, " of ", x.measures_due);
                   })));
  add(2, rules.weights.no_overdue_measures, measures - card.overdue_measures, measures,
      absl::StrCat(card.overdue_measures, " of ", measures, " measures owned are overdue; ",
                   RoleCounts(l, r, [](const ScoreRole& x) {
                     std::string s = absl::StrCat(x.overdue_measures, " of ", x.measures);
                     if (!x.overdue.empty()) {
                       absl::StrAppend(&s, " (", absl::StrJoin(x.overdue, ", "), ")");
                     }
                     return s;
                   })));
  add(3, rules.weights.indicators_on_track, t.indicators_good, t.indicators,
      absl::StrCat(t.indicators_good, " of ", t.indicators,
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
  return card;
}

}  // namespace

bool ScoreFact::operator==(const ScoreFact& o) const {
  return key == o.key && role == o.role && outcome == o.outcome && credit == o.credit &&
         reference == o.reference && detail == o.detail;
}

std::vector<Scorecard> ScoreOrganizations(const std::vector<MeasureInfo>& measures,
                                          const std::vector<ProgressReport>& reports,
                                          const std::vector<absl::CivilMonth>& due_periods,
                                          const std::vector<OwnedIndicator>& indicators,
                                          absl::CivilDay as_of, const ScoringRules& rules,
                                          bool with_facts) {
  const std::map<PeriodKey, const ProgressReport*> entries = EntriesByPeriod(reports);
  const MeasureScorer scorer(entries, due_periods, as_of, rules, with_facts);
  std::map<std::string, OrgTally> by_org;
  for (const MeasureInfo& m : measures) {
    for (const std::string& owner : m.owners) scorer.Count(m, owner, true, by_org[owner]);
    for (const std::string& owner : m.responsible) {
      if (std::find(m.owners.begin(), m.owners.end(), owner) != m.owners.end()) continue;
      scorer.Count(m, owner, false, by_org[owner]);
    }
  }
  for (const OwnedIndicator& ind : indicators) CountIndicator(ind, with_facts, by_org);
  std::vector<Scorecard> out;
  for (auto& [org, tally] : by_org) out.push_back(CardOf(org, tally, as_of, rules));
  std::sort(out.begin(), out.end(), [](const Scorecard& a, const Scorecard& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.organization < b.organization;
  });
  return out;
}

}  // namespace ecoplan::indicator
