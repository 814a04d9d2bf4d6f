#include "services/indicator/domain/progress_ledger.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "services/indicator/domain/plan_indicators.h"

namespace ecoplan::indicator {
namespace {

bool IsCountUnit(const std::string& unit) {
  for (const char* u :
       {"家", "个", "处",   "项",   "座", "条",       "台",     "辆", "次",   "宗", "件",
        "块", "户", "公里", "千米", "吨", "万立方米", "立方米", "亩", "公顷", "天"}) {
    if (unit == u) return true;
  }
  return false;
}

absl::CivilDay LastDay(absl::CivilMonth m) { return absl::CivilDay(m + 1) - 1; }

// The observation day of a period: its due day, or its last day when earlier.
absl::CivilDay ObservationDay(absl::CivilMonth period, std::optional<absl::CivilDay> due) {
  const absl::CivilDay last = LastDay(period);
  if (!due.has_value()) return last;
  return std::min(last, *due);
}

const Indicator* Find(const std::vector<Indicator>& indicators, const std::string& id) {
  for (const Indicator& i : indicators) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

std::string Number(double v) { return absl::StrCat(v); }

}  // namespace

bool LedgerEntry::operator==(const LedgerEntry& o) const {
  if (values.size() != o.values.size()) return false;
  for (size_t i = 0; i < values.size(); ++i) {
    const EntryValue& a = values[i];
    const EntryValue& b = o.values[i];
    if (a.name != b.name || a.value != b.value || a.unit != b.unit ||
        a.indicator_id != b.indicator_id || a.note != b.note) {
      return false;
    }
  }
  return organization_id == o.organization_id && organization == o.organization &&
         period == o.period && measure_id == o.measure_id && report == o.report &&
         report_revision == o.report_revision && status == o.status &&
         percent_done == o.percent_done && on_time == o.on_time && returned == o.returned &&
         day == o.day && met_checkpoints == o.met_checkpoints;
}

std::string NormalizeUnit(const std::string& unit) {
  return absl::StrReplaceAll(unit, {{"％", "%"}, {" ", ""}, {"\u3000", ""}, {"\t", ""}});
}

std::string MatchReportedValue(const std::vector<Indicator>& indicators,
                               const std::string& measure_id, const EntryValue& value,
                               std::string* note) {
  const std::string unit = NormalizeUnit(value.unit);
  std::vector<const Indicator*> of_measure, compatible;
  for (const Indicator& ind : indicators) {
    if (ind.retired || ind.source != SourceKind::kReported) continue;
    if (std::find(ind.measures.begin(), ind.measures.end(), measure_id) == ind.measures.end()) {
      continue;
    }
    of_measure.push_back(&ind);
    const std::string ind_unit = NormalizeUnit(ind.unit);
    const bool fits = unit.empty() ? (ind_unit.empty() || IsCountUnit(ind_unit)) : unit == ind_unit;
    if (fits) compatible.push_back(&ind);
  }
  if (of_measure.empty()) {
    *note = absl::StrCat("no reported indicator belongs to measure ", measure_id);
    return "";
  }
  if (compatible.empty()) {
    std::vector<std::string> units;
    for (const Indicator* i : of_measure) units.push_back(absl::StrCat(i->id, " «", i->unit, "»"));
    *note = absl::StrCat("unit «", value.unit, "» fits no indicator of measure ", measure_id, " (",
                         absl::StrJoin(units, ", "), ")");
    return "";
  }
  const Indicator* best = nullptr;
  double best_score = 0;
  bool tie = false;
  for (const Indicator* i : compatible) {
    const double score = std::max(NameSimilarity(i->display_name, value.name),
                                  NameSimilarity(value.name, i->display_name));
    if (score > best_score + 1e-12) {
      best = i;
      best_score = score;
      tie = false;
    } else if (best != nullptr && std::fabs(score - best_score) <= 1e-12) {
      tie = true;
    }
  }
  if (best != nullptr && best_score > 0 && !tie) {
    *note = absl::StrCat("matched by name and unit (similarity ", Number(best_score), ")");
    return best->id;
  }
  if (compatible.size() == 1) {
    *note = "matched by unit: the measure's only indicator in this unit";
    return compatible[0]->id;
  }
  std::vector<std::string> ids;
  for (const Indicator* i : compatible) ids.push_back(i->id);
  *note = absl::StrCat("ambiguous: «", value.name, "» could be any of ", absl::StrJoin(ids, ", "));
  return "";
}

namespace {

// The completion or declaration a completion event changes, into `change`:
// nothing for a late or repeated delivery. `plan` is the ledger's plan.
template <typename Plan>
void PrepareCompletion(const ProgressUpdate& u, const Plan& plan, LedgerChange* change) {
  if (u.kind == ProgressUpdate::Kind::kCompletionConfirmed &&
      !plan.completions.count(u.measure_id)) {
    change->completion = {u.measure_id, u.day};
  }
  CompletionDeclaration d = u.declaration;
  if (d.organization.empty()) {
    // The declaring organization's name as its reports give it.
    d.organization = d.organization_id;
    for (const auto& [key, e] : plan.entries) {
      if (e.organization_id == d.organization_id) {
        d.organization = e.organization;
        break;
      }
    }
  }
  auto held = plan.declarations.find(u.measure_id);
  if (held != plan.declarations.end()) {
    const CompletionDeclaration& h = held->second;
    // Late or repeated delivery: an older declaration, or a change to a
    // confirmed one (final), leaves the ledger as it is.
    if (h.number > d.number) return;
    if (h.number == d.number && h.state == CompletionState::kConfirmed) return;
    if (h.number == d.number && d.state == CompletionState::kDeclared &&
        h.state != CompletionState::kDeclared) {
      return;
    }
    if (h == d) return;
  }
  change->declaration = {u.measure_id, std::move(d)};
}

// The observation of (indicator `id`, day `d`) from a set of ledger entries,
// with its source; nullopt when no entry holds a value of the indicator.
template <typename Entries>
std::optional<double> CombineObservation(const std::vector<Indicator>& indicators,
                                         const Entries& entries, const std::string& id,
                                         absl::CivilDay d, std::string* source) {
  const Indicator* ind = Find(indicators, id);
  std::vector<std::pair<const LedgerEntry*, double>> contributions;
  for (const auto& [key, e] : entries) {
    if (e.day != d) continue;
    std::optional<double> v;
    for (const EntryValue& x : e.values) {
      if (x.indicator_id == id) v = x.value;
    }
    if (v.has_value()) contributions.emplace_back(&e, *v);
  }
  if (contributions.empty()) return std::nullopt;
  if (contributions.size() == 1) {
    *source = absl::StrCat("progress: ", contributions[0].first->report, " (",
                           contributions[0].first->organization, ")");
    return contributions[0].second;
  }
  std::vector<std::string> orgs;
  double sum = 0;
  int n = 0;
  const bool count = ind != nullptr && ind->aggregation == Aggregation::kCumulativeCount;
  bool owners_reported = false;
  if (!count && ind != nullptr) {
    for (const auto& [e, v] : contributions) {
      if (std::find(ind->owners.begin(), ind->owners.end(), e->organization) != ind->owners.end()) {
        owners_reported = true;
      }
    }
  }
  for (const auto& [e, v] : contributions) {
    if (owners_reported &&
        std::find(ind->owners.begin(), ind->owners.end(), e->organization) == ind->owners.end()) {
      continue;
    }
    sum += v;
    ++n;
    orgs.push_back(e->organization);
  }
  *source = absl::StrCat("progress: ", count ? "sum" : "mean", " of ", n, " organizations (",
                         absl::StrJoin(orgs, ", "), ")");
  return count ? sum : sum / n;
}

// Observations touched by `change`: (indicator, day) of every value of its
// entries, before (`before`: the entries the report held) and after.
std::set<std::pair<std::string, absl::CivilDay>> TouchedObservations(
    const LedgerChange& change, const std::map<std::string, const LedgerEntry*>& before) {
  std::set<std::pair<std::string, absl::CivilDay>> touched;
  for (const auto* list : {&change.put_entries, &change.deleted_entries}) {
    for (const LedgerEntry& e : *list) {
      auto old = before.find(e.measure_id);
      if (old != before.end()) {
        for (const EntryValue& v : old->second->values) {
          if (!v.indicator_id.empty()) touched.insert({v.indicator_id, old->second->day});
        }
      }
      for (const EntryValue& v : e.values) {
        if (!v.indicator_id.empty()) touched.insert({v.indicator_id, e.day});
      }
    }
  }
  return touched;
}

// The ledger entry of one measure of report `u`, on the observation day `day`;
// `old` is the entry the report held for the measure (nullptr: none). Each
// value is matched to an indicator of the measure; each checkpoint statement is
// dated by the submission that first carried it (a statement of a returned
// report counts again from its resubmission).
LedgerEntry EntryOf(const ProgressUpdate& u, const ProgressUpdate::Entry& e, absl::CivilDay day,
                    const LedgerEntry* old, const std::vector<Indicator>& indicators) {
  LedgerEntry entry;
  entry.organization_id = u.organization_id;
  entry.organization = u.organization;
  entry.period = u.period;
  entry.measure_id = e.measure_id;
  entry.report = u.report;
  entry.report_revision = u.report_revision;
  entry.status = e.status;
  entry.percent_done = e.percent_done;
  entry.on_time = u.on_time;
  entry.returned = u.returned;
  entry.day = day;
  for (EntryValue v : e.values) {
    v.indicator_id = MatchReportedValue(indicators, e.measure_id, v, &v.note);
    entry.values.push_back(std::move(v));
  }
  for (CheckpointStatement c : e.met_checkpoints) {
    c.stated_on = u.submitted_day.value_or(day);
    if (old != nullptr && (!old->returned || u.returned)) {
      for (const CheckpointStatement& held : old->met_checkpoints) {
        if (held.due == c.due && held.phrase == c.phrase) c.stated_on = held.stated_on;
      }
    }
    entry.met_checkpoints.push_back(std::move(c));
  }
  return entry;
}

}  // namespace

LedgerChange ProgressLedger::Prepare(const ProgressUpdate& u,
                                     const std::vector<Indicator>& indicators) const {
  LedgerChange change;
  change.plan_id = u.plan_id;
  static const Plan kEmpty;
  auto p = plans_.find(u.plan_id);
  const Plan& plan = p == plans_.end() ? kEmpty : p->second;
  switch (u.kind) {
    case ProgressUpdate::Kind::kCompletionDeclared:
    case ProgressUpdate::Kind::kCompletionConfirmed:
    case ProgressUpdate::Kind::kCompletionRejected:
      PrepareCompletion(u, plan, &change);
      return change;
    case ProgressUpdate::Kind::kExtensionApproved: {
      auto it = plan.extensions.find(u.measure_id);
      if (it == plan.extensions.end() || it->second != u.day)
        change.extension = {u.measure_id, u.day};
      return change;
    }
    case ProgressUpdate::Kind::kSupervisionOrder:
      PrepareOrder(u, plan, &change);
      return change;
    case ProgressUpdate::Kind::kProblemItem:
      if (u.problem.has_value()) {
        auto it = plan.problems.find(u.problem->id);
        if (it == plan.problems.end() || it->second.sequence < u.problem->sequence) {
          change.problem = u.problem;
        }
      }
      return change;
    case ProgressUpdate::Kind::kReport:
      break;
  }
  // The entries this report held so far (same organization and period).
  std::map<std::string, const LedgerEntry*> before;
  for (auto it = plan.entries.lower_bound({u.organization_id, u.period, ""});
       it != plan.entries.end() && std::get<0>(it->first) == u.organization_id &&
       std::get<1>(it->first) == u.period;
       ++it) {
    before[it->second.measure_id] = &it->second;
  }
  // A period keeps the day it was first given.
  absl::CivilDay day = ObservationDay(u.period, u.due_day);
  if (!before.empty()) day = before.begin()->second->day;

  std::map<EntryKey, LedgerEntry> after = plan.entries;
  std::set<std::string> seen;
  for (const ProgressUpdate::Entry& e : u.entries) {
    if (!seen.insert(e.measure_id).second) continue;
    auto old = before.find(e.measure_id);
    LedgerEntry entry = EntryOf(u, e, day, old == before.end() ? nullptr : old->second, indicators);
    if (old == before.end() || !(*old->second == entry)) change.put_entries.push_back(entry);
    after[{u.organization_id, u.period, e.measure_id}] = std::move(entry);
  }
  for (const auto& [measure, entry] : before) {
    if (seen.count(measure)) continue;
    change.deleted_entries.push_back(*entry);
    after.erase({u.organization_id, u.period, measure});
  }

  const std::set<std::pair<std::string, absl::CivilDay>> touched =
      TouchedObservations(change, before);
  for (const auto& [id, d] : touched) {
    std::string ignored, source;
    const std::optional<double> old_value =
        CombineObservation(indicators, plan.entries, id, d, &ignored);
    const std::optional<double> new_value = CombineObservation(indicators, after, id, d, &source);
    if (old_value == new_value) continue;
    change.observations.push_back({id, d, new_value, new_value ? source : "progress: withdrawn"});
  }
  return change;
}

void ProgressLedger::Apply(const LedgerChange& change) {
  Plan& plan = plans_[change.plan_id];
  for (const LedgerEntry& e : change.deleted_entries) {
    plan.entries.erase({e.organization_id, e.period, e.measure_id});
  }
  for (const LedgerEntry& e : change.put_entries) {
    plan.entries[{e.organization_id, e.period, e.measure_id}] = e;
  }
  if (change.completion) plan.completions[change.completion->first] = change.completion->second;
  if (change.extension) plan.extensions[change.extension->first] = change.extension->second;
  if (change.declaration) {
    plan.declarations[change.declaration->first] = change.declaration->second;
  }
  if (change.order) plan.orders[change.order->id] = *change.order;
  if (change.problem) plan.problems[change.problem->id] = *change.problem;
}

void ProgressLedger::PrepareOrder(const ProgressUpdate& u, const Plan& plan, LedgerChange* change) {
  if (!u.order.has_value()) return;
  SupervisionOrderFact order = *u.order;
  auto held = plan.orders.find(order.id);
  if (held != plan.orders.end()) {
    if (held->second.sequence >= order.sequence) return;  // a replay or an older event
    // The deadline given at issue, which a later snapshot no longer states.
    if (!u.initial_deadline_known && !held->second.deadlines.empty() && !order.deadlines.empty()) {
      order.deadlines.front() = held->second.deadlines.front();
    }
  }
  change->order = std::move(order);
}

void ProgressLedger::PutOrder(const std::string& plan_id, SupervisionOrderFact order) {
  std::string id = order.id;
  plans_[plan_id].orders[std::move(id)] = std::move(order);
}

void ProgressLedger::PutProblem(const std::string& plan_id, ProblemItemFact item) {
  std::string id = item.id;
  plans_[plan_id].problems[std::move(id)] = std::move(item);
}

void ProgressLedger::PutEntry(const std::string& plan_id, LedgerEntry entry) {
  EntryKey key{entry.organization_id, entry.period, entry.measure_id};
  plans_[plan_id].entries[std::move(key)] = std::move(entry);
}

void ProgressLedger::PutCompletion(const std::string& plan_id, const std::string& measure_id,
                                   absl::CivilDay day) {
  plans_[plan_id].completions[measure_id] = day;
}

void ProgressLedger::PutExtension(const std::string& plan_id, const std::string& measure_id,
                                  absl::CivilDay due) {
  plans_[plan_id].extensions[measure_id] = due;
}

void ProgressLedger::PutDeclaration(const std::string& plan_id, const std::string& measure_id,
                                    CompletionDeclaration declaration) {
  plans_[plan_id].declarations[measure_id] = std::move(declaration);
}

std::vector<ProgressReport> ProgressLedger::Reports(const std::string& plan_id) const {
  std::vector<ProgressReport> out;
  auto p = plans_.find(plan_id);
  if (p == plans_.end()) return out;
  for (const auto& [key, e] : p->second.entries) {
    ProgressReport r;
    r.organization = e.organization;
    r.measure_id = e.measure_id;
    r.period = e.period;
    r.status = e.status;
    r.on_time = e.on_time;
    r.percent_done = e.percent_done;
    r.returned = e.returned;
    r.report = e.report;
    r.met_checkpoints = e.met_checkpoints;
    out.push_back(std::move(r));
  }
  return out;
}

void ProgressLedger::Annotate(const std::string& plan_id,
                              std::vector<MeasureInfo>* measures) const {
  auto p = plans_.find(plan_id);
  if (p == plans_.end()) return;
  for (MeasureInfo& m : *measures) {
    if (auto c = p->second.completions.find(m.id); c != p->second.completions.end()) {
      m.completion_confirmed = true;
      m.confirmed_on = c->second;
    }
    if (auto d = p->second.declarations.find(m.id); d != p->second.declarations.end()) {
      m.declaration = d->second;
      if (d->second.state == CompletionState::kConfirmed) {
        m.completion_confirmed = true;
        if (!m.confirmed_on.has_value()) m.confirmed_on = d->second.decided;
      }
    }
    auto x = p->second.extensions.find(m.id);
    if (x != p->second.extensions.end()) {
      m.original_due = m.due;
      m.due = x->second;
    }
    for (const auto& [id, order] : p->second.orders) {
      if (std::find(order.measure_ids.begin(), order.measure_ids.end(), m.id) !=
          order.measure_ids.end()) {
        m.supervision_orders.push_back(order);
      }
    }
    for (const auto& [id, item] : p->second.problems) {
      if (item.measure_id == m.id) m.problems.push_back(item);
    }
  }
}

std::vector<std::string> ProgressLedger::UnmatchedValues(const std::string& plan_id) const {
  std::vector<std::string> out;
  auto p = plans_.find(plan_id);
  if (p == plans_.end()) return out;
  for (const auto& [key, e] : p->second.entries) {
    for (const EntryValue& v : e.values) {
      if (!v.indicator_id.empty()) continue;
      out.push_back(absl::StrCat(
          "measure ", e.measure_id, ", ", e.organization, " ", absl::FormatCivilTime(e.period),
          ": «", v.name, "» ", Number(v.value), v.unit.empty() ? "" : " ", v.unit, " — ", v.note));
    }
  }
  return out;
}

std::pair<int, int> ProgressLedger::Counts(const std::string& plan_id) const {
  auto p = plans_.find(plan_id);
  if (p == plans_.end()) return {0, 0};
  std::set<std::pair<std::string, absl::CivilMonth>> reports;
  for (const auto& [key, e] : p->second.entries) reports.insert({e.organization_id, e.period});
  return {static_cast<int>(p->second.entries.size()), static_cast<int>(reports.size())};
}

bool ProgressLedger::HasPlan(const std::string& plan_id) const { return plans_.count(plan_id) > 0; }

}  // namespace ecoplan::indicator
