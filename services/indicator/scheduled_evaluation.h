#pragma once

// ScheduledEvaluation: one run of the EvaluationScheduler, as the service
// itself. It calls IndicatorEvaluator::RecordEvaluation with the actor
// "indicator" (the service principal: the subject this service presents to
// the others) and, when the run recorded changes or failed, appends a record
// to the service's audit log (common/audit, no RPC involved): method
// /ecoplan.indicator.v1.IndicatorService/RecordEvaluation, a write, actor
// {subject "indicator", role service, authenticated_via "internal"}, peer
// "internal:scheduler", the plan as its resource and the events it appended
// as its changes. A run that changed nothing writes nothing, not even an
// audit record (a data-triggered run follows every ingested chunk).
//
// Thread-safe. `evaluator`, `audit` (may be null: no audit record) and `clock`
// must outlive it.

#include <functional>
#include <string>

#include "absl/time/civil_time.h"
#include "common/audit/audit_log.h"
#include "common/log/log.h"
#include "common/time/clock.h"
#include "services/indicator/domain/indicator_evaluator.h"

namespace ecoplan::indicator {

class ScheduledEvaluation {
 public:
  // The subject of the service's own writes.
  static constexpr char kServiceSubject[] = "indicator";

  ScheduledEvaluation(IndicatorEvaluator* evaluator, common::AuditLog* audit,
                      const common::Clock* clock, common::Logger log);

  // Records `plan_id` as of `as_of`; calls `done` once the run (and its audit
  // record) is written, or failed (logged).
  void Run(const std::string& plan_id, absl::CivilDay as_of, EvaluationTrigger trigger,
           std::function<void()> done);

 private:
  IndicatorEvaluator* const evaluator_;
  common::AuditLog* const audit_;
  const common::Clock* const clock_;
  common::Logger log_;
};

}  // namespace ecoplan::indicator
