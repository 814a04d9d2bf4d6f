// IndicatorEvaluator, plan sync: what the registry and the progress service
// say about a plan. Each Prepare* returns the Change to commit (by an event
// follower with its cursor, or CommitEffect) and what to publish in memory
// once it is durable:
//   PrepareSync          a registry plan → its indicators, report and view;
//   PrepareMeasureUpdate a measure's owners or deadline changed;
//   PrepareProgress      a progress report's entries and reported values;
//   PrepareCalendar, PrepareHolidays  the progress service's reporting calendar.

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/indicator/domain/indicator_evaluator.h"

namespace ecoplan::indicator {
namespace {

// The definition fields of an indicator (what a sync may change).
bool SameDefinition(const Indicator& a, const Indicator& b) {
  Indicator x = a, y = b;
  for (Indicator* i : {&x, &y}) {
    i->revision = 0;
    i->update_time = absl::InfinitePast();
    i->retired = false;
    i->retired_reason.clear();
    i->retired_by_sync = false;
    i->manually_corrected = false;
  }
  return x == y;
}

using IndicatorKey = std::pair<std::string, std::string>;  // plan id, indicator id
using HeldIndicators = std::map<IndicatorKey, Indicator>;

// What a sync writes for `built`, which the plan produces: each new or changed
// indicator, and each one a sync retired that the plan produces again
// (reinstated); never over an administrator's creation, correction or
// retirement, also one still being committed (`busy`: the sync would write over
// it on disk while the memory kept the hand edit). Adds the writes to `change`
// and the indicators to `changed`; returns the ids the plan produces.
std::set<std::string> SyncBuilt(std::vector<Indicator>* built, const HeldIndicators& held,
                                const std::set<IndicatorKey>& busy, absl::Time now,
                                const std::string& plan_id, Change* change,
                                std::vector<Indicator>* changed) {
  std::set<std::string> built_ids;
  for (Indicator& ind : *built) {
    built_ids.insert(ind.id);
    auto it = held.find({ind.plan_id, ind.id});
    bool reinstated = false;
    if (it != held.end()) {
      const Indicator& was = it->second;
      if (was.manually_corrected || (was.retired && !was.retired_by_sync) ||
          busy.count(it->first)) {
        continue;
      }
      reinstated = was.retired;
      if (!reinstated && SameDefinition(was, ind)) continue;
      ind.revision = was.revision + 1;
    } else {
      ind.revision = 1;
    }
    ind.update_time = now;
    IndicatorRevision rev;
    rev.revision = ind.revision;
    rev.time = now;
    rev.actor = "registry sync";
    rev.reason =
        reinstated ? absl::StrCat("reinstated: the registry's plan ", plan_id, " produces it again")
                   : absl::StrCat("built from the registry's plan ", plan_id);
    if (it != held.end()) rev.before = it->second;
    rev.after = ind;
    change->indicators.push_back({ind, std::move(rev), "synced"});
    changed->push_back(ind);
  }
  return built_ids;
}

// What the plan no longer produces (not in `built_ids`) is retired, never
// deleted; never what an administrator made or changed, nor one being
// committed. Adds the writes to `change` and the indicators to `changed`.
void RetireUnproduced(const std::set<std::string>& built_ids, const HeldIndicators& held,
                      const std::set<IndicatorKey>& busy, absl::Time now,
                      const std::string& plan_id, Change* change, std::vector<Indicator>* changed) {
  for (auto it = held.lower_bound({plan_id, ""}); it != held.end() && it->first.first == plan_id;
       ++it) {
    const Indicator& was = it->second;
    if (built_ids.count(was.id) || was.retired || was.manually_corrected ||
        was.origin == Origin::kManual || was.origin == Origin::kUnspecified ||
        busy.count(it->first)) {
      continue;
    }
    Indicator after = was;
    after.retired = true;
    after.retired_by_sync = true;
    after.retired_reason =
        absl::StrCat("the registry's plan ", plan_id, " no longer produces it (re-sync)");
    after.revision = was.revision + 1;
    after.update_time = now;
    IndicatorRevision rev{after.revision, now, "registry sync", after.retired_reason, was, after};
    change->indicators.push_back({after, std::move(rev), "retired"});
    changed->push_back(std::move(after));
  }
}

}  // namespace

absl::StatusOr<SyncEffect> IndicatorEvaluator::PrepareSync(const PlanSource& source, PlanView view,
                                                           const std::string& request_id) {
  PlanIndicators built = BuildPlanIndicators(source);
  built.report.time = clock_->Now();
  SyncEffect effect;
  effect.report = built.report;
  const absl::Time now = clock_->Now();
  std::vector<Indicator> changed;
  const std::string plan_name = "plans/" + source.plan_id;
  {
    absl::ReaderMutexLock lock(&mu_);
    // A retry answers the plan's extraction report and changes nothing (its
    // change is empty); an id used for another write is refused.
    absl::StatusOr<const RequestRecord*> retried =
        requests_.Check({request_id, "SyncPlan", plan_name, ""});
    if (!retried.ok()) return retried.status();
    if (*retried != nullptr) {
      if (auto held = reports_.find(source.plan_id); held != reports_.end()) {
        effect.report = held->second;
      }
      return effect;
    }
    const std::set<std::string> built_ids = SyncBuilt(&built.indicators, indicators_, busy_, now,
                                                      source.plan_id, &effect.change, &changed);
    // Nothing is retired when the build came out empty (an empty export is not a plan).
    if (!built_ids.empty()) {
      RetireUnproduced(built_ids, indicators_, busy_, now, source.plan_id, &effect.change,
                       &changed);
    }
  }
  effect.changed = static_cast<int>(changed.size());
  effect.change.report = built.report;
  view.plan_id = source.plan_id;
  effect.change.plan_view = view;
  if (!request_id.empty()) {
    effect.change.request = RequestRecord{request_id, "SyncPlan", plan_name, "", 0};
  }
  effect.change.request_id = request_id;
  effect.publish = [this, changed = std::move(changed), report = built.report, view,
                    request = effect.change.request]() {
    absl::MutexLock lock(&mu_);
    for (const Indicator& ind : changed) {
      Indicator& slot = indicators_[{ind.plan_id, ind.id}];
      // A hand correction committed meanwhile wins.
      if (slot.revision < ind.revision) slot = ind;
    }
    reports_[view.plan_id] = report;
    views_[view.plan_id] = view;
    if (request.has_value()) requests_.Record(*request);
  };
  return effect;
}

absl::StatusOr<SyncEffect> IndicatorEvaluator::PrepareMeasureUpdate(const std::string& plan_id,
                                                                    MeasureView measure) {
  SyncEffect effect;
  PlanView view;
  std::vector<Indicator> changed;
  const absl::Time now = clock_->Now();
  {
    absl::ReaderMutexLock lock(&mu_);
    auto v = views_.find(plan_id);
    if (v == views_.end()) return effect;  // plan not synced: nothing to follow
    view = v->second;
    bool found = false;
    for (MeasureView& m : view.measures) {
      if (m.id == measure.id) {
        m = measure;
        found = true;
      }
    }
    if (!found) view.measures.push_back(measure);
    const std::vector<std::string>& owners = measure.owners;
    for (auto it = indicators_.lower_bound({plan_id, ""});
         it != indicators_.end() && it->first.first == plan_id; ++it) {
      const Indicator& ind = it->second;
      if (ind.origin != Origin::kMeasureText || ind.manually_corrected || ind.retired ||
          busy_.count(it->first)) {
        continue;  // a hand edit being committed wins
      }
      if (std::find(ind.measures.begin(), ind.measures.end(), measure.id) == ind.measures.end()) {
        continue;
      }
      if (ind.owners == owners) continue;
      Indicator after = ind;
      after.owners = owners;
      after.revision = ind.revision + 1;
      after.update_time = now;
      IndicatorRevision rev{after.revision,
                            now,
                            "registry sync",
                            absl::StrCat("measure ", measure.id, " reassigned in the registry"),
                            ind,
                            after};
      effect.change.indicators.push_back({after, std::move(rev), "synced"});
      changed.push_back(std::move(after));
    }
  }
  effect.changed = static_cast<int>(changed.size());
  effect.change.plan_view = view;
  effect.publish = [this, changed = std::move(changed), view]() {
    absl::MutexLock lock(&mu_);
    for (const Indicator& ind : changed) {
      Indicator& slot = indicators_[{ind.plan_id, ind.id}];
      if (slot.revision < ind.revision) slot = ind;
    }
    views_[view.plan_id] = view;
  };
  return effect;
}

std::vector<PlanView> IndicatorEvaluator::OldFormatViews() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<PlanView> out;
  for (const auto& [id, view] : views_) {
    if (view.stored_format < kPlanViewFormat) out.push_back(view);
  }
  return out;
}

SyncEffect IndicatorEvaluator::PrepareViewRefresh(PlanView view) {
  view.stored_format = kPlanViewFormat;
  SyncEffect effect;
  effect.change.plan_view = view;
  effect.publish = [this, view]() {
    absl::MutexLock lock(&mu_);
    views_[view.plan_id] = view;
  };
  return effect;
}

absl::StatusOr<SyncEffect> IndicatorEvaluator::PrepareProgress(const ProgressUpdate& update) {
  SyncEffect effect;
  struct ValueWrite {
    std::string id;
    absl::CivilDay day;
    std::optional<double> value;
  };
  std::vector<ValueWrite> writes;
  LedgerChange change;
  const absl::Time now = clock_->Now();
  ObservationsEvent event;
  {
    absl::ReaderMutexLock lock(&mu_);
    std::vector<Indicator> indicators;
    for (auto it = indicators_.lower_bound({update.plan_id, ""});
         it != indicators_.end() && it->first.first == update.plan_id; ++it) {
      indicators.push_back(it->second);
    }
    change = progress_.Prepare(update, indicators);
    effect.change.ledger = change;
    const std::map<std::string, std::map<absl::CivilDay, double>>* held_values = nullptr;
    if (auto p = reported_.find(update.plan_id); p != reported_.end()) held_values = &p->second;
    std::optional<absl::CivilDay> first, last;
    for (const ObservationChange& o : change.observations) {
      std::optional<double> held;
      if (held_values != nullptr) {
        if (auto i = held_values->find(o.indicator_id); i != held_values->end()) {
          if (auto d = i->second.find(o.day); d != i->second.end()) held = d->second;
        }
      }
      if (held == o.value) continue;
      // Put (or withdrawn), the value it replaces kept as a correction record.
      effect.change.values.push_back(
          {update.plan_id, o.indicator_id, o.day, o.value, o.source, held, now});
      if (o.value.has_value() && !held.has_value()) ++event.accepted;
      if (held.has_value()) ++event.replaced;
      first = first.has_value() ? std::min(*first, o.day) : o.day;
      last = last.has_value() ? std::max(*last, o.day) : o.day;
      writes.push_back({o.indicator_id, o.day, o.value});
    }
    if (!writes.empty()) {
      event.resource = absl::StrCat("plans/", update.plan_id, "/observations");
      event.first_day = first;
      event.last_day = last;
      effect.change.observations = std::move(event);
      effect.change.actor = "progress follower";
    }
  }
  effect.changed = static_cast<int>(writes.size());
  if (change.empty()) return effect;
  effect.publish = [this, change = std::move(change), writes = std::move(writes),
                    plan = update.plan_id]() {
    {
      absl::MutexLock lock(&mu_);
      progress_.Apply(change);
      for (const ValueWrite& w : writes) {
        if (w.value.has_value()) {
          reported_[plan][w.id][w.day] = *w.value;
        } else {
          reported_[plan][w.id].erase(w.day);
        }
      }
    }
    NotifyData(plan);
  };
  return effect;
}

absl::StatusOr<ExtractionReport> IndicatorEvaluator::GetReport(const std::string& plan_id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = reports_.find(plan_id);
  if (it == reports_.end()) {
    return absl::NotFoundError(absl::StrCat("plans/", plan_id, " was never synced"));
  }
  return it->second;
}

absl::StatusOr<SyncEffect> IndicatorEvaluator::PrepareCalendar(const std::string& plan_id,
                                                               common::CalendarRule calendar) {
  SyncEffect effect;
  effect.change.calendar = std::make_pair(plan_id, calendar);
  effect.changed = 1;
  effect.publish = [this, plan_id, calendar = std::move(calendar)] {
    absl::MutexLock lock(&mu_);
    calendars_.SetCalendar(plan_id, calendar);
  };
  return effect;
}

absl::StatusOr<SyncEffect> IndicatorEvaluator::PrepareHolidays(common::HolidayYear year) {
  SyncEffect effect;
  effect.change.holidays = year;
  effect.changed = 1;
  effect.publish = [this, year = std::move(year)] {
    absl::MutexLock lock(&mu_);
    calendars_.SetHolidays(year);
  };
  return effect;
}

std::optional<common::HolidayYear> IndicatorEvaluator::Holidays(int year) const {
  absl::ReaderMutexLock lock(&mu_);
  return calendars_.HolidaysOf(year);
}

std::optional<common::CalendarRule> IndicatorEvaluator::Calendar(const std::string& plan_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return calendars_.SetCalendarOf(plan_id);
}

bool IndicatorEvaluator::HasPlan(const std::string& plan_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return views_.count(plan_id) > 0;
}

}  // namespace ecoplan::indicator
