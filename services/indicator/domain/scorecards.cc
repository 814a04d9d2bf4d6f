#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/indicator/domain/dashboard.h"
#include "services/indicator/domain/dashboard_internal.h"

// The department scorecards (ScoreOrganizations, dashboard.h), under the
// plan's scoring rules, with the facts behind every score when asked.

namespace ecoplan::indicator {

namespace {

using dashboard_internal::CheckpointText;
using dashboard_internal::ClearingIncomplete;
using dashboard_internal::Confirmed;
using dashboard_internal::CountedCompleted;
using dashboard_internal::Day;
using dashboard_internal::DayZh;
using dashboard_internal::DeclarationText;
using dashboard_internal::JudgeCheckpoints;
using dashboard_internal::JudgedCheckpoint;
using dashboard_internal::PeriodKey;
using dashboard_internal::StatementText;
using dashboard_internal::UnresolvedProblems;

// One organization's counts and facts while scoring.
struct OrgTally {
  ScoreRole lead, responsible;
  double report_credit = 0;  // Σ credits of its report entries
  int indicators = 0, indicators_good = 0;
  double checkpoint_credit = 0;  // Σ credits of the checkpoint occurrences passed
  ScoreSupervision supervision;
  ScoreProblems problems;
  // Facts per component, in component order (see kComponents).
  std::vector<ScoreFact> facts[6];
};

constexpr const char* kComponents[6] = {"on_time_reporting",   "completion_of_due_measures",
                                        "no_overdue_measures", "indicators_on_track",
                                        "checkpoints_met",     "supervision_replies_on_time"};
constexpr int kCheckpoints = 4;
constexpr int kSupervision = 5;

// The deadline the score holds `m` to under `rules`.
std::optional<absl::CivilDay> ScoredDue(const MeasureInfo& m, const ScoringRules& rules) {
  if (rules.extensions == ExtensionScoring::kPlanDeadline && m.original_due.has_value()) {
    return m.original_due;
  }
  return m.due;
}

// "完成时限2026年6月30日（计划时限，已延期至2026年7月31日）".
std::string ScoredDueTextZh(const MeasureInfo& m, absl::CivilDay due) {
  std::string out = absl::StrCat("完成时限", DayZh(due));
  if (m.due.has_value() && *m.due != due) {
    absl::StrAppend(&out, "（计划时限，已延期至", DayZh(*m.due), "）");
  } else if (m.original_due.has_value() && *m.original_due != due) {
    absl::StrAppend(&out, "（由", DayZh(*m.original_due), "延期）");
  }
  return out;
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

  // `checkpoints`: the occurrences of the measure's checkpoints, judged as of
  // as_of (JudgeCheckpoints).
  void Count(const MeasureInfo& m, const std::string& owner, bool lead,
             const std::vector<JudgedCheckpoint>& checkpoints, OrgTally& tally) const {
    ScoreRole& r = lead ? tally.lead : tally.responsible;
    const char* role = lead ? "lead" : "responsible";
    const bool completed = CountedCompleted(m, as_of_);
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
                         "counted as completed", CompletionNote(m, as_of_))};
      });
    }
    const bool overdue = due.has_value() && *due < as_of_ && !completed;
    if (overdue) {
      ++r.overdue_measures;
      r.overdue.push_back(absl::StrCat(m.id, " (", ScoredDueText(m, *due), ")"));
      r.overdue_zh.push_back(absl::StrCat(m.id, "（", ScoredDueTextZh(m, *due), "）"));
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
    // Checkpoints are judged as on the light: not for a measure counted as completed.
    if (rules_.weights.checkpoints_met > 0 && !completed) {
      for (const JudgedCheckpoint& c : checkpoints)
        CountCheckpoint(m, c, checkpoints, role, r, tally);
    }
  }

 private:
  void CountCheckpoint(const MeasureInfo& m, const JudgedCheckpoint& c,
                       const std::vector<JudgedCheckpoint>& all, const char* role, ScoreRole& r,
                       OrgTally& tally) const {
    const CheckpointJudgement& j = c.judgement;
    if (!(j.due < as_of_)) return;  // not passed yet: nothing to score
    ++r.checkpoints_due;
    double credit = 0;
    std::string outcome;
    std::string how;
    switch (j.state) {
      case CheckpointState::kMet:
        ++r.checkpoints_met;
        credit = 1;
        outcome = "met";
        how = absl::StrCat(": stated met ", StatementText(c));
        break;
      case CheckpointState::kMetLate:
        ++r.checkpoints_met_late;
        credit = rules_.late_checkpoint_credit;
        outcome = "met_late";
        how = absl::StrCat(": stated met only after its due day ", StatementText(c));
        break;
      default:  // passed without a statement: kMissed
        ++r.checkpoints_missed;
        outcome = "missed";
        how = " passed: no report of an owner states it met";
    }
    tally.checkpoint_credit += credit;
    Fact(tally, kCheckpoints, [&] {
      std::string key = absl::StrCat(kComponents[kCheckpoints], "/", m.id, "/", Day(j.due));
      for (const JudgedCheckpoint& other : all) {
        if (&other != &c && other.judgement.due == j.due) {
          absl::StrAppend(&key, "/", j.phrase);  // two checkpoints due that day
          break;
        }
      }
      return ScoreFact{std::move(key), role,     std::move(outcome),
                       credit,         j.report, absl::StrCat(m.id, " ", CheckpointText(j), how)};
    });
  }

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

  static std::string CompletionNote(const MeasureInfo& m, absl::CivilDay as_of) {
    if (!m.declaration.has_value()) return "";
    const CompletionDeclaration& d = *m.declaration;
    std::string out = absl::StrCat(" (", DeclarationText(d), ", ", CompletionStateName(d.state));
    if (Confirmed(m) && ClearingIncomplete(m, as_of)) {
      absl::StrAppend(&out, ", 动态清零 with ", UnresolvedProblems(m, as_of),
                      " ledger items unresolved");
    } else if (Confirmed(m) && !CountedCompleted(m, as_of)) {
      absl::StrAppend(&out, ", an indicator is off track");
    }
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

// The card's counts: both roles summed, each role as it is.
Scorecard CardCounts(const std::string& org, const OrgTally& t) {
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
  card.supervision = t.supervision;
  card.problems = t.problems;
  return card;
}

// One addressee's replies owed on one order ("supervision_replies_on_time/
// 2026-003/2026-06-10": order id and reply day), and whether it is overdue on
// the day (the light's rule).
void CountOrder(const SupervisionOrderFact& o, const OrderStanding& standing,
                const SupervisionAddresseeFact& a, absl::CivilDay as_of, bool with_facts,
                OrgTally& t) {
  ScoreSupervision& s = t.supervision;
  ++s.orders;
  if (standing.open) ++s.open;
  if (std::find(standing.overdue.begin(), standing.overdue.end(), &a) != standing.overdue.end()) {
    s.overdue.push_back(absl::StrCat(o.id, " (", SupervisionLevelWord(standing.deadline->level),
                                     ", reply due ", Day(standing.deadline->day), ")"));
  }
  for (const OwedReply& owed : RepliesOwed(o, a, as_of)) {
    ++s.replies_due;
    const char* outcome = "overdue";
    switch (owed.outcome) {
      case OwedReply::Outcome::kOnTime:
        ++s.replies_on_time;
        outcome = "on_time";
        break;
      case OwedReply::Outcome::kLate:
        ++s.replies_late;
        outcome = "late";
        break;
      case OwedReply::Outcome::kOverdue:
        ++s.replies_overdue;
        break;
    }
    if (!with_facts) continue;
    const absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
    std::string detail = absl::StrCat("督办单 ", o.id, " «", o.title, "» (",
                                      SupervisionLevelWord(owed.deadline->level), "), reply due ",
                                      Day(owed.deadline->day), ": ");
    if (owed.replied.has_value()) {
      absl::StrAppend(&detail, "first replied on ", Day(absl::ToCivilDay(*owed.replied, shanghai)),
                      owed.outcome == OwedReply::Outcome::kOnTime ? " (on time)" : " (late)");
    } else {
      absl::StrAppend(&detail, "no reply by ", Day(as_of));
    }
    t.facts[kSupervision].push_back(
        {absl::StrCat(kComponents[kSupervision], "/", o.id, "/", Day(owed.deadline->day)),
         "addressee", outcome, owed.outcome == OwedReply::Outcome::kOnTime ? 1.0 : 0.0, o.name,
         std::move(detail)});
  }
}

// The orders addressed to each organization and the ledger items it owns, as
// of the day, each order and item once (an order may concern several measures).
void CountSupervisionAndProblems(const std::vector<MeasureInfo>& measures, absl::CivilDay as_of,
                                 bool with_facts, std::map<std::string, OrgTally>& by_org) {
  std::set<std::string> orders_seen, items_seen;
  const absl::Time cut = EndOfDay(as_of);
  for (const MeasureInfo& m : measures) {
    for (const SupervisionOrderFact& o : m.supervision_orders) {
      if (!orders_seen.insert(o.id).second || o.issue_time >= cut) continue;
      const OrderStanding standing = OrderAsOf(o, as_of);
      for (const SupervisionAddresseeFact& a : o.addressees) {
        CountOrder(o, standing, a, as_of, with_facts, by_org[a.organization]);
      }
    }
    for (const ProblemItemFact& item : m.problems) {
      if (!items_seen.insert(item.id).second) continue;
      const ProblemStanding s = ProblemAsOf(item, as_of);
      if (!s.exists) continue;
      ScoreProblems& p = by_org[item.organization].problems;
      ++p.total;
      if (s.unresolved) ++p.unresolved;
      if (s.overdue) ++p.overdue;
      if (s.reopened) ++p.reopened;
    }
  }
}

std::string SupervisionDetail(const ScoreSupervision& s) {
  std::string out = absl::StrCat(s.replies_on_time, " of ", s.replies_due,
                                 " supervision replies owed were first given by the reply day (",
                                 s.replies_late, " late, ", s.replies_overdue, " not given); ",
                                 s.orders, " orders addressed, ", s.open, " open");
  if (!s.overdue.empty()) absl::StrAppend(&out, ", overdue on ", absl::StrJoin(s.overdue, ", "));
  return out;
}

// Component `component` of the card, with the facts the tally gathered for it
// (moved out of `t`); no rate when there was nothing to count (`den` 0).
ScoreComponent Component(int component, double weight, double num, int den, std::string detail,
                         OrgTally& t) {
  ScoreComponent comp;
  comp.name = kComponents[component];
  comp.weight = weight;
  if (den > 0) comp.rate = num / den;
  comp.detail = std::move(detail);
  comp.facts = std::move(t.facts[component]);
  return comp;
}

std::string ReportingDetail(const Scorecard& card, const OrgTally& t, const ScoringRules& rules) {
  std::string out =
      absl::StrCat(card.reports_on_time, " of ", card.reports_due, " reports on time (",
                   card.reports_late, " late, ", card.reports_missing, " missing); ",
                   RoleCounts(t.lead, t.responsible, [](const ScoreRole& x) {
                     return absl::StrCat(x.reports_on_time, " of ", x.reports_due, " (",
                                         x.reports_late, " late, ", x.reports_missing, " missing)");
                   }));
  if (rules.late_report_credit > 0 || rules.returned_report_credit < 1) {
    absl::StrAppend(&out, "; credit ", absl::StrFormat("%.2f", t.report_credit),
                    " (a late report earns ", rules.late_report_credit, ", a returned one keeps ",
                    rules.returned_report_credit, " of its credit)");
  }
  return out;
}

std::string OverdueDetail(const Scorecard& card, const OrgTally& t) {
  const int measures = t.lead.measures + t.responsible.measures;
  return absl::StrCat(card.overdue_measures, " of ", measures, " measures owned are overdue; ",
                      RoleCounts(t.lead, t.responsible, [](const ScoreRole& x) {
                        std::string s = absl::StrCat(x.overdue_measures, " of ", x.measures);
                        if (!x.overdue.empty()) {
                          absl::StrAppend(&s, " (", absl::StrJoin(x.overdue, ", "), ")");
                        }
                        return s;
                      }));
}

std::string CheckpointDetail(const OrgTally& t, const ScoringRules& rules) {
  const ScoreRole& l = t.lead;
  const ScoreRole& r = t.responsible;
  std::string out = absl::StrCat(
      l.checkpoints_met + r.checkpoints_met, " of ", l.checkpoints_due + r.checkpoints_due,
      " checkpoint occurrences of measure texts passed were stated met by their due day (",
      l.checkpoints_met_late + r.checkpoints_met_late, " late, ",
      l.checkpoints_missed + r.checkpoints_missed, " missed); ",
      RoleCounts(l, r, [](const ScoreRole& x) {
        return absl::StrCat(x.checkpoints_met, " of ", x.checkpoints_due, " (",
                            x.checkpoints_met_late, " late, ", x.checkpoints_missed, " missed)");
      }));
  if (l.checkpoints_met_late + r.checkpoints_met_late > 0) {
    absl::StrAppend(&out, "; credit ", absl::StrFormat("%.2f", t.checkpoint_credit),
                    " (one stated met late earns ", rules.late_checkpoint_credit, ")");
  }
  return out;
}

// The score: Σ rate × weight / Σ weights of the components present × 100.
void Weigh(Scorecard* card) {
  double present_weight = 0;
  for (const ScoreComponent& comp : card->components) {
    if (comp.rate.has_value()) present_weight += comp.weight;
  }
  for (ScoreComponent& comp : card->components) {
    if (!comp.rate.has_value() || present_weight <= 0) continue;
    comp.points = *comp.rate * comp.weight / present_weight * 100.0;
    card->score += comp.points;
  }
}

Scorecard CardOf(const std::string& org, OrgTally& t, absl::CivilDay as_of,
                 const ScoringRules& rules) {
  const ScoreRole& l = t.lead;
  const ScoreRole& r = t.responsible;
  Scorecard card = CardCounts(org, t);
  const int measures = l.measures + r.measures;
  const int due = l.measures_due + r.measures_due;
  const int due_completed = l.measures_completed + r.measures_completed;
  std::vector<ScoreComponent>& components = card.components;
  components.push_back(Component(0, rules.weights.on_time_reporting, t.report_credit,
                                 card.reports_due, ReportingDetail(card, t, rules), t));
  components.push_back(Component(
      1, rules.weights.completion_of_due_measures, due_completed, due,
      absl::StrCat(due_completed, " of ", due, " measures due by ", Day(as_of),
                   " completed as confirmed by the bureau (no indicator off track); ",
                   RoleCounts(l, r,
                              [](const ScoreRole& x) {
                                return absl::StrCat(x.measures_completed, " of ", x.measures_due);
                              })),
      t));
  components.push_back(Component(2, rules.weights.no_overdue_measures,
                                 measures - card.overdue_measures, measures, OverdueDetail(card, t),
                                 t));
  components.push_back(Component(3, rules.weights.indicators_on_track, t.indicators_good,
                                 t.indicators,
                                 absl::StrCat(t.indicators_good, " of ", t.indicators,
                                              " indicators owned are achieved or on track"),
                                 t));
  if (rules.weights.checkpoints_met > 0) {
    components.push_back(Component(kCheckpoints, rules.weights.checkpoints_met, t.checkpoint_credit,
                                   l.checkpoints_due + r.checkpoints_due,
                                   CheckpointDetail(t, rules), t));
  }
  if (rules.weights.supervision_replies > 0) {
    components.push_back(Component(kSupervision, rules.weights.supervision_replies,
                                   t.supervision.replies_on_time, t.supervision.replies_due,
                                   SupervisionDetail(t.supervision), t));
  }
  Weigh(&card);
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
  std::map<std::string, std::vector<const ProgressReport*>> by_measure;
  if (rules.weights.checkpoints_met > 0) {
    for (const ProgressReport& r : reports) by_measure[r.measure_id].push_back(&r);
  }
  static const std::vector<const ProgressReport*> kNoEntries;
  for (const MeasureInfo& m : measures) {
    std::vector<JudgedCheckpoint> checkpoints;
    if (rules.weights.checkpoints_met > 0 && !m.checkpoints.empty()) {
      auto it = by_measure.find(m.id);
      checkpoints = JudgeCheckpoints(m, it == by_measure.end() ? kNoEntries : it->second, as_of);
    }
    for (const std::string& owner : m.owners) {
      scorer.Count(m, owner, true, checkpoints, by_org[owner]);
    }
    for (const std::string& owner : m.responsible) {
      if (std::find(m.owners.begin(), m.owners.end(), owner) != m.owners.end()) continue;
      scorer.Count(m, owner, false, checkpoints, by_org[owner]);
    }
  }
  for (const OwnedIndicator& ind : indicators) CountIndicator(ind, with_facts, by_org);
  CountSupervisionAndProblems(measures, as_of, with_facts, by_org);
  std::vector<Scorecard> out;
  for (auto& [org, tally] : by_org) out.push_back(CardOf(org, tally, as_of, rules));
  std::sort(out.begin(), out.end(), [](const Scorecard& a, const Scorecard& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.organization < b.organization;
  });
  return out;
}

}  // namespace ecoplan::indicator
