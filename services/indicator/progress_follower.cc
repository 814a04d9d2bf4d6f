#include "services/indicator/progress_follower.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace ecoplan::indicator {

ProgressFollower::ProgressFollower(IndicatorEvaluator* evaluator, common::Logger log)
    : evaluator_(evaluator), log_(std::move(log)) {}

absl::StatusOr<common::FollowEffect> ProgressFollower::Handle(
    const ecoplan::common::v1::Event& event) {
  common::FollowEffect out;
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<ProgressUpdate> update, ProgressUpdateFromEvent(event));
  if (!update.has_value()) return out;
  if (!evaluator_->HasPlan(update->plan_id)) {
    return absl::UnavailableError(
        absl::StrCat("plans/", update->plan_id,
                     " has not been built from the registry yet; progress event ",
                     event.sequence(), " waits for it"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(SyncEffect effect, evaluator_->PrepareProgress(*update));
  if (effect.changed > 0) {
    log_.Info("progress values recorded", {{"plan", update->plan_id},
                                           {"observations", effect.changed},
                                           {"progress_sequence", event.sequence()}});
  }
  out.write = std::move(effect.write);
  out.on_committed = std::move(effect.publish);
  return out;
}

}  // namespace ecoplan::indicator
