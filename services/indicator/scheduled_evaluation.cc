#include "services/indicator/scheduled_evaluation.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/indicator/indicator_policy.h"
#include "services/indicator/proto_mapping.h"

namespace ecoplan::indicator {
namespace {

namespace admin_v1 = ::ecoplan::admin::v1;

const char* TriggerName(EvaluationTrigger trigger) {
  switch (trigger) {
    case EvaluationTrigger::kDaily:
      return "daily";
    case EvaluationTrigger::kNewData:
      return "new data";
    default:
      return "request";
  }
}

}  // namespace

ScheduledEvaluation::ScheduledEvaluation(IndicatorEvaluator* evaluator, common::AuditLog* audit,
                                         const common::Clock* clock, common::Logger log)
    : evaluator_(evaluator), audit_(audit), clock_(clock), log_(std::move(log)) {}

void ScheduledEvaluation::Run(const std::string& plan_id, absl::CivilDay as_of,
                              EvaluationTrigger trigger, std::function<void()> done) {
  const absl::Time start = clock_->Now();
  evaluator_->RecordEvaluation(
      plan_id, as_of, trigger, kServiceSubject,
      [this, plan_id, as_of, trigger, start,
       done = std::move(done)](absl::StatusOr<RunOutcome> outcome) {
        if (outcome.ok() && outcome->changes.empty()) {
          done();  // nothing changed: nothing written
          return;
        }
        if (outcome.ok()) {
          log_.Info("evaluation recorded",
                    {{"plan", plan_id},
                     {"as_of", absl::FormatCivilTime(as_of)},
                     {"trigger", TriggerName(trigger)},
                     {"changes", static_cast<int64_t>(outcome->changes.size())}});
        } else {
          log_.Error("scheduled evaluation failed", {{"plan", plan_id},
                                                     {"as_of", absl::FormatCivilTime(as_of)},
                                                     {"trigger", TriggerName(trigger)},
                                                     {"error", outcome.status().ToString()}});
        }
        if (audit_ == nullptr) {
          done();
          return;
        }
        admin_v1::AuditRecord record;
        const absl::Time end = clock_->Now();
        *record.mutable_time() = TimeToProto(end);
        *record.mutable_duration() = common::DurationToProto(end - start);
        record.set_method(IndicatorMethod("RecordEvaluation"));
        record.set_call_kind(admin_v1::AUDIT_CALL_KIND_WRITE);
        admin_v1::AuditActor* actor = record.mutable_actor();
        actor->set_authenticated(true);
        actor->set_subject(kServiceSubject);
        actor->set_role("service");
        actor->set_authenticated_via("internal");
        record.set_peer(absl::StrCat("internal:scheduler (", TriggerName(trigger), ")"));
        record.set_code(absl::StatusCodeToString(outcome.status().code()));
        if (!outcome.ok()) record.set_message(std::string(outcome.status().message()));
        record.add_resources(absl::StrCat("plans/", plan_id));
        if (outcome.ok()) {
          record.set_change_count(static_cast<uint32_t>(outcome->changes.size()));
          uint64_t sequence = outcome->first_sequence;
          for (const RecordedChange& c : outcome->changes) {
            if (record.changes_size() >= 32) break;
            admin_v1::AuditChange* change = record.add_changes();
            change->set_event_sequence(sequence++);
            change->set_type("ecoplan.indicator.v1.IndicatorStatusChanged");
            change->set_resource(IndicatorName(plan_id, c.indicator_id));
          }
        }
        audit_->AppendAsync(std::move(record), [this, done](absl::StatusOr<uint64_t> appended) {
          if (!appended.ok()) {
            log_.Error("cannot append the scheduled run's audit record",
                       {{"error", appended.status().ToString()}});
          }
          done();
        });
      });
}

}  // namespace ecoplan::indicator
