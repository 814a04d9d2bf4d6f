// IndicatorEvaluator: construction, Load and committing through the
// IndicatorStore. The use cases are in indicator_catalog.cc,
// indicator_intake.cc, indicator_evaluation.cc and indicator_plan_sync.cc.

#include "services/indicator/domain/indicator_evaluator.h"

#include <utility>

#include "common/status/status_macros.h"

namespace ecoplan::indicator {

IndicatorEvaluator::IndicatorEvaluator(IndicatorStore* store, const common::Clock* clock,
                                       common::SerialExecutor* ingest_executor,
                                       PlanEvaluationRules rules)
    : store_(store),
      clock_(clock),
      ingest_executor_(ingest_executor),
      rules_(rules),
      standards_(AirQualityStandards::National()),
      v2012_(SingleVersion(Hj633Of2012())),
      v2026_(SingleVersion(Hj633Of2026())),
      book_(&standards_),
      serializer_([this](std::function<void()> fn) { ingest_executor_->Submit(std::move(fn)); }) {
  calibers_.in_force = &standards_;
  calibers_.fixed = {{v2012_.versions()[0].id, &v2012_}, {v2026_.versions()[0].id, &v2026_}};
}

absl::Status IndicatorEvaluator::Load() {
  absl::MutexLock lock(&mu_);
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Indicator> indicators, store_->LoadIndicators());
  for (Indicator& i : indicators) indicators_[{i.plan_id, i.id}] = std::move(i);
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Station> stations, store_->LoadStations());
  book_.SetStations(std::move(stations));
  ECOPLAN_RETURN_IF_ERROR(store_->LoadReadings(
      1 << 16, [this](std::vector<ReadingWrite> chunk)
                   ABSL_NO_THREAD_SAFETY_ANALYSIS { return book_.Apply(chunk); }));
  ECOPLAN_ASSIGN_OR_RETURN(auto reported, store_->LoadReportedValues());
  for (auto& [plan, by_id] : reported) {
    for (auto& [id, values] : by_id) {
      for (const ReportedValue& v : values) reported_[plan][id][v.day] = v.value;
    }
  }
  ECOPLAN_ASSIGN_OR_RETURN(statuses_, store_->LoadStatuses());
  ECOPLAN_ASSIGN_OR_RETURN(recorded_through_, store_->LoadRecordedThrough());
  ECOPLAN_ASSIGN_OR_RETURN(auto reports, store_->LoadReports());
  for (auto& [plan, report] : reports) reports_[plan] = std::move(report);
  ECOPLAN_ASSIGN_OR_RETURN(views_, store_->LoadPlanViews());
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<RequestRecord> requests, store_->LoadRequests());
  for (RequestRecord& r : requests) {
    // Older releases stored the indicator writes' change word as their method.
    if (r.method == "created") r.method = "CreateIndicator";
    if (r.method == "updated") r.method = "UpdateIndicator";
    if (r.method == "retired") r.method = "RetireIndicator";
    requests_.Record(std::move(r));
  }
  ECOPLAN_RETURN_IF_ERROR(store_->LoadProgress(&progress_));
  ECOPLAN_ASSIGN_OR_RETURN(auto calendars, store_->LoadCalendars());
  for (auto& [plan, calendar] : calendars) calendars_.SetCalendar(plan, std::move(calendar));
  ECOPLAN_ASSIGN_OR_RETURN(auto holidays, store_->LoadHolidays());
  for (common::HolidayYear& year : holidays) calendars_.SetHolidays(std::move(year));
  ECOPLAN_ASSIGN_OR_RETURN(exceptional_events_, store_->LoadExceptionalEvents());
  return absl::OkStatus();
}

void IndicatorEvaluator::SetDataListener(std::function<void(const std::string&)> listener) {
  absl::MutexLock lock(&listener_mu_);
  data_listener_ = std::move(listener);
}

void IndicatorEvaluator::NotifyData(const std::string& plan_id) const {
  absl::MutexLock lock(&listener_mu_);
  if (data_listener_) data_listener_(plan_id);
}

void IndicatorEvaluator::CommitEffect(SyncEffect effect, std::function<void(absl::Status)> done) {
  store_->CommitAsync(std::move(effect.change),
                      [publish = std::move(effect.publish),
                       done = std::move(done)](absl::StatusOr<Committed> committed) {
                        if (committed.ok() && publish) publish();
                        done(committed.status());
                      });
}

absl::Status IndicatorEvaluator::CommitEffectNow(SyncEffect effect) {
  ECOPLAN_RETURN_IF_ERROR(store_->Commit(std::move(effect.change)).status());
  if (effect.publish) effect.publish();
  return absl::OkStatus();
}

}  // namespace ecoplan::indicator
