// IndicatorEvaluator, evaluation: EvaluateIndicator and EvaluatePlan (pure
// reads of the in-memory state), RecordEvaluation (the status changes of a
// run, written once), and what the plan view says about a plan (ScopeOf,
// PlanIds, IssueDate).

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/indicator/domain/indicator_evaluator.h"

namespace ecoplan::indicator {

PlanEvaluationInput IndicatorEvaluator::InputLocked(const std::string& plan_id,
                                                    const std::vector<Indicator>& indicators,
                                                    absl::CivilDay as_of,
                                                    std::vector<MeasureInfo>* measures,
                                                    std::vector<ProgressReport>* reports) const {
  static const std::map<std::string, std::vector<ReportedValue>> kNone;
  static const std::map<std::string, IndicatorStatus> kNoStatus;
  PlanEvaluationInput input;
  input.indicators = &indicators;
  input.book = &book_;
  input.calibers = &calibers_;
  input.exceptional_events = &exceptional_events_;
  auto s = statuses_.find(plan_id);
  input.last_status = s == statuses_.end() ? &kNoStatus : &s->second;
  auto v = views_.find(plan_id);
  int year = static_cast<int>(as_of.year());
  int due_day = 25;
  std::optional<absl::CivilDay> issue_date;
  if (v != views_.end()) {
    year = v->second.year > 0 ? v->second.year : year;
    due_day = v->second.reporting_due_day > 0 ? v->second.reporting_due_day : 25;
    issue_date = v->second.issue_date;
    for (const MeasureView& m : v->second.measures) {
      MeasureInfo info;
      info.id = m.id;
      info.due = m.due;
      info.owners.assign(m.owners.begin(), m.owners.end());
      for (const std::string& r : m.responsible_organizations) {
        if (std::find(info.owners.begin(), info.owners.end(), r) == info.owners.end()) {
          info.responsible.push_back(r);
        }
      }
      for (const CheckpointView& c : m.checkpoints) {
        CheckpointDue due{c.phrase, {}};
        for (absl::CivilDay day : c.due_dates) due.dues.push_back(day);
        std::sort(due.dues.begin(), due.dues.end());
        info.checkpoints.push_back(std::move(due));
      }
      info.clear_all_required = m.clear_all_required;
      measures->push_back(std::move(info));
    }
  }
  progress_.Annotate(plan_id, measures);
  // Supervision addressees and ledger owners without a name in their event:
  // the plan view's canonical name, else the id.
  auto name_of = [&](const std::string& id) -> std::string {
    if (v != views_.end()) {
      auto n = v->second.organization_names.find(id);
      if (n != v->second.organization_names.end()) return n->second;
    }
    return id;
  };
  for (MeasureInfo& m : *measures) {
    for (SupervisionOrderFact& o : m.supervision_orders) {
      for (SupervisionAddresseeFact& a : o.addressees) {
        if (a.organization.empty()) a.organization = name_of(a.organization_id);
      }
    }
    for (ProblemItemFact& p : m.problems) {
      if (p.organization.empty()) p.organization = name_of(p.organization_id);
    }
  }
  *reports = progress_.Reports(plan_id);
  input.measures = measures;
  input.reports = reports;
  // The progress service's calendar of the plan (its due rule, holidays and
  // make-up days), owed from the plan's issue date.
  input.due_periods = OwedMonthlyPeriods(calendars_.CalendarOf(plan_id, due_day), year,
                                         calendars_.Days(), issue_date, as_of);
  return input;
}

bool IndicatorEvaluator::KnowsPlanLocked(const std::string& plan_id) const {
  if (views_.count(plan_id)) return true;
  auto it = indicators_.lower_bound({plan_id, ""});
  return it != indicators_.end() && it->first.first == plan_id;
}

std::vector<std::string> IndicatorEvaluator::PlanIds() const {
  absl::ReaderMutexLock lock(&mu_);
  std::set<std::string> ids;
  for (const auto& [plan, view] : views_) ids.insert(plan);
  for (const auto& [key, ind] : indicators_) ids.insert(key.first);
  return {ids.begin(), ids.end()};
}

OrganizationScope IndicatorEvaluator::ScopeOf(const std::string& plan_id,
                                              const std::string& organization_id) const {
  absl::ReaderMutexLock lock(&mu_);
  OrganizationScope scope;
  scope.organization_id = organization_id;
  auto v = views_.find(plan_id);
  if (v == views_.end() || organization_id.empty()) return scope;
  auto name = v->second.organization_names.find(organization_id);
  if (name != v->second.organization_names.end()) scope.name = name->second;
  for (const MeasureView& m : v->second.measures) {
    if (std::find(m.organization_ids.begin(), m.organization_ids.end(), organization_id) !=
        m.organization_ids.end()) {
      scope.measure_ids.insert(m.id);
    }
  }
  return scope;
}

PlanEvaluation IndicatorEvaluator::EvaluateLocked(const std::string& plan_id, absl::CivilDay as_of,
                                                  PlanData* data, const ScoringRules* scoring,
                                                  bool with_facts) const {
  for (auto it = indicators_.lower_bound({plan_id, ""});
       it != indicators_.end() && it->first.first == plan_id; ++it) {
    data->indicators.push_back(it->second);
  }
  if (auto p = reported_.find(plan_id); p != reported_.end()) {
    for (const auto& [id, values] : p->second) {
      for (const auto& [day, v] : values) data->reported[id].push_back({day, v});
    }
  }
  data->input = InputLocked(plan_id, data->indicators, as_of, &data->measures, &data->reports);
  data->input.reported = &data->reported;
  if (scoring == nullptr) return ::ecoplan::indicator::EvaluatePlan(as_of, data->input, rules_);
  PlanEvaluationRules rules = rules_;
  rules.scoring = *scoring;
  return ::ecoplan::indicator::EvaluatePlan(as_of, data->input, rules, with_facts);
}

std::optional<absl::CivilDay> IndicatorEvaluator::IssueDate(const std::string& plan_id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto v = views_.find(plan_id);
  if (v == views_.end()) return std::nullopt;
  return v->second.issue_date;
}

absl::StatusOr<std::pair<Indicator, Evaluation>> IndicatorEvaluator::EvaluateIndicator(
    const std::string& plan_id, const std::string& id, absl::CivilDay as_of) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = indicators_.find({plan_id, id});
  if (it == indicators_.end()) {
    return absl::NotFoundError(absl::StrCat("no indicator ", IndicatorName(plan_id, id)));
  }
  std::vector<Indicator> one = {it->second};
  std::vector<MeasureInfo> measures;
  std::vector<ProgressReport> reports;
  std::map<std::string, std::vector<ReportedValue>> reported;
  if (auto p = reported_.find(plan_id); p != reported_.end()) {
    if (auto r = p->second.find(id); r != p->second.end()) {
      for (const auto& [day, v] : r->second) reported[id].push_back({day, v});
    }
  }
  PlanEvaluationInput input = InputLocked(plan_id, one, as_of, &measures, &reports);
  input.reported = &reported;
  return std::make_pair(it->second, EvaluateOne(it->second, as_of, input, rules_.evaluation));
}

absl::StatusOr<PlanResult> IndicatorEvaluator::EvaluatePlan(const std::string& plan_id,
                                                            absl::CivilDay as_of,
                                                            const ScoringRules& scoring,
                                                            bool with_facts) const {
  PlanResult result;
  result.plan_id = plan_id;
  {
    absl::ReaderMutexLock lock(&mu_);
    if (!KnowsPlanLocked(plan_id)) {
      return absl::NotFoundError(
          absl::StrCat("plan plans/", plan_id, " has no indicators (run SyncPlan first)"));
    }
    PlanData data;
    PlanEvaluation e = EvaluateLocked(plan_id, as_of, &data, &scoring, with_facts);
    const auto [entries, report_count] = progress_.Counts(plan_id);
    result.reports_source = entries == 0
                                ? "none yet (no progress report received for this plan)"
                                : absl::StrCat("progress service: ", entries, " entries of ",
                                               report_count, " monthly reports");
    result.reports_source_zh =
        entries == 0 ? "尚无（本计划尚未收到进度报告）"
                     : absl::StrCat("进度服务：", report_count, "份月报中的", entries, "条填报");
    result.unmatched_reported_values = progress_.UnmatchedValues(plan_id);
    for (auto& [ind, ev] : e.evaluations) result.evaluations.emplace_back(*ind, std::move(ev));
    result.town_ranking = std::move(e.town_ranking);
    result.lights = std::move(e.lights);
    result.scorecards = std::move(e.scorecards);
    result.status_counts = std::move(e.status_counts);
    if (auto days = book_.SharedAreaDays("district"); days.ok()) {
      const absl::CivilDay from(as_of.year(), 1, 1);
      DataDays data = TallyVerification(DaysWithin(**days, from, as_of), from, as_of);
      if (!data.empty()) result.data = data;
    }
  }
  result.rules = {absl::StrCat("at risk within ", rules_.evaluation.at_risk_margin_percent,
                               "% of the target; insufficient data below ",
                               rules_.evaluation.min_days_for_projection, " valid days"),
                  absl::StrCat(DescribeLightRules(scoring.lights), " (the plan's rules)"),
                  absl::StrCat("scoring (the plan's rules): ", DescribeScoringRules(scoring))};
  return result;
}

absl::Status IndicatorEvaluator::CheckRecordingDayLocked(const std::string& plan_id,
                                                         absl::CivilDay as_of) const {
  auto t = recorded_through_.find(plan_id);
  if (t == recorded_through_.end() || as_of >= t->second) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "statuses of plans/", plan_id, " were recorded as of ", absl::FormatCivilTime(t->second),
      "; recording as of the earlier ", absl::FormatCivilTime(as_of),
      " would turn them back (and alert again): EvaluatePlan shows a past day without recording"));
}

namespace {

// OK when `as_of` has come at `now` in Asia/Shanghai; else FailedPrecondition:
// statuses are recorded for days that have come.
absl::Status DayHasCome(absl::CivilDay as_of, absl::Time now) {
  const absl::CivilDay today = absl::ToCivilDay(now, absl::FixedTimeZone(8 * 3600));
  if (as_of <= today) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("as_of ", absl::FormatCivilTime(as_of), " has not come (today is ",
                   absl::FormatCivilTime(today),
                   " in Asia/Shanghai): statuses are recorded for days that "
                   "have come; EvaluatePlan projects a later day"));
}

// The serializer's key of a plan's recordings: its runs are decided one at a
// time (indicator names are "plans/<plan>/indicators/<id>", so no other write
// shares it).
std::string RecordingKey(const std::string& plan_id) {
  return absl::StrCat("plans/", plan_id, "/statuses");
}

}  // namespace

void IndicatorEvaluator::RecordEvaluation(const std::string& plan_id, absl::CivilDay as_of,
                                          EvaluationTrigger trigger, std::string actor,
                                          Done<RunOutcome> done) {
  RunOutcome outcome;
  outcome.plan_id = plan_id;
  outcome.as_of = as_of;
  outcome.trigger = trigger;
  outcome.actor = std::move(actor);
  outcome.time = clock_->Now();
  if (absl::Status come = DayHasCome(as_of, outcome.time); !come.ok()) {
    done(come);
    return;
  }
  // The plan is the key: a run waits for the one before it to be published,
  // so it is decided against the statuses that run recorded.
  serializer_.Run(RecordingKey(plan_id), [this, outcome = std::move(outcome),
                                          done = std::move(done)](Lease lease) mutable {
    RecordHoldingKey(std::move(outcome), std::move(lease), std::move(done));
  });
}

absl::Status IndicatorEvaluator::DecideRunLocked(RunOutcome* run) const {
  if (!KnowsPlanLocked(run->plan_id)) {
    return absl::NotFoundError(
        absl::StrCat("plan plans/", run->plan_id, " has no indicators (run SyncPlan first)"));
  }
  ECOPLAN_RETURN_IF_ERROR(CheckRecordingDayLocked(run->plan_id, run->as_of));
  PlanData data;
  PlanEvaluation e = EvaluateLocked(run->plan_id, run->as_of, &data);
  run->evaluated = static_cast<int>(e.evaluations.size());
  static const std::map<std::string, IndicatorStatus> kNone;
  auto s = statuses_.find(run->plan_id);
  run->changes = StatusChanges(e.evaluations, s == statuses_.end() ? kNone : s->second, run->as_of,
                               data.input);
  return absl::OkStatus();
}

void IndicatorEvaluator::RecordHoldingKey(RunOutcome run, Lease lease, Done<RunOutcome> done) {
  absl::Status decided;
  {
    // The reader lock: reads and other keys' writes go on while the plan is evaluated.
    absl::ReaderMutexLock lock(&mu_);
    decided = DecideRunLocked(&run);
  }
  if (!decided.ok() || run.changes.empty()) {
    lease.reset();
    if (!decided.ok()) {
      done(decided);
    } else {
      done(std::move(run));  // nothing changed: nothing to write
    }
    return;
  }
  // The statuses, the run record and an IndicatorStatusChanged event per
  // change (actor `run.actor`), in one batch.
  Change change;
  change.run = run;
  change.actor = run.actor;
  store_->CommitAsync(std::move(change),
                      [this, run = std::move(run), lease = std::move(lease),
                       done = std::move(done)](absl::StatusOr<Committed> committed) mutable {
                        // Not durable: memory is as it was, and the next run records these changes.
                        if (committed.ok()) PublishRun(run);
                        lease.reset();  // published: the plan's next run may be decided
                        if (!committed.ok()) {
                          done(committed.status());
                          return;
                        }
                        run.first_sequence = committed->first_sequence;
                        run.last_sequence = committed->last_sequence;
                        done(std::move(run));
                      });
}

void IndicatorEvaluator::PublishRun(const RunOutcome& run) {
  absl::MutexLock lock(&mu_);
  std::map<std::string, IndicatorStatus>& last = statuses_[run.plan_id];
  for (const RecordedChange& c : run.changes) last[c.indicator_id] = c.status;
  // Not before the day already recorded through (CheckRecordingDayLocked).
  recorded_through_[run.plan_id] = run.as_of;
}

std::map<std::string, IndicatorStatus> IndicatorEvaluator::RecordedStatuses(
    const std::string& plan_id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto s = statuses_.find(plan_id);
  return s == statuses_.end() ? std::map<std::string, IndicatorStatus>() : s->second;
}

}  // namespace ecoplan::indicator
