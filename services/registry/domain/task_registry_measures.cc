// TaskRegistry: corrections of a measure (deadline, organizations,
// checkpoints) and their revisions.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/calendar/checkpoints.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"
#include "services/registry/domain/task_registry.h"
#include "services/registry/domain/task_registry_internal.h"

namespace ecoplan::registry {

using registry_internal::CheckRequestId;
using registry_internal::CheckText;
using registry_internal::Fingerprint;
using registry_internal::kUpdateMethod;
using registry_internal::RefsText;
using registry_internal::ResolveCallerDeadline;
using registry_internal::ResolveCheckpoints;

namespace {

// The checks of an update that need no plan: something to change, sane
// checkpoint phrases, an etag, a reason, a request id, and a lead.
absl::Status CheckUpdate(const MeasureUpdate& update, const ChangeContext& context) {
  if (!update.deadline_raw && !update.leads && !update.responsibles && !update.checkpoint_phrases) {
    return absl::InvalidArgumentError(
        "update_mask names no field to change (deadline, lead_organizations, "
        "responsible_organizations, checkpoints)");
  }
  if (update.checkpoint_phrases) {
    if (update.checkpoint_phrases->size() > kMaxCheckpoints) {
      return absl::InvalidArgumentError(
          absl::StrCat("checkpoints: at most ", kMaxCheckpoints, " checkpoints"));
    }
    for (size_t i = 0; i < update.checkpoint_phrases->size(); ++i) {
      ECOPLAN_RETURN_IF_ERROR(CheckText((*update.checkpoint_phrases)[i],
                                        absl::StrCat("checkpoints[", i, "].phrase"), 64, true));
    }
  }
  if (update.etag.empty()) {
    return absl::InvalidArgumentError("etag is required: read the measure and pass its etag");
  }
  ECOPLAN_RETURN_IF_ERROR(CheckText(update.reason, "reason", kMaxReasonLength, true));
  ECOPLAN_RETURN_IF_ERROR(CheckRequestId(context.request_id, /*required=*/false));
  if (update.leads && update.leads->empty()) {
    return absl::InvalidArgumentError("lead_organizations: a measure needs at least one lead");
  }
  return absl::OkStatus();
}

std::string UpdateFingerprint(const MeasureUpdate& update) {
  return Fingerprint(
      {update.plan_id, update.measure_id, update.deadline_raw.value_or("\x01"),
       update.leads ? RefsText(*update.leads) : "\x01",
       update.responsibles ? RefsText(*update.responsibles) : "\x01",
       update.checkpoint_phrases ? absl::StrJoin(*update.checkpoint_phrases, "\x02") : "\x01",
       update.etag, update.reason});
}

}  // namespace

void TaskRegistry::UpdateMeasure(const MeasureUpdate& update, const ChangeContext& context,
                                 Done<std::pair<Measure, Task>> done) {
  if (absl::Status s = CheckUpdate(update, context); !s.ok()) {
    done(s);
    return;
  }
  using Answer = std::pair<Measure, Task>;
  RunWrite<Answer>(
      [this, update, context]() -> absl::StatusOr<Decided<Answer>> {
        std::shared_ptr<const State> state = Snapshot();
        ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view,
                                 FindPlan(*state, update.plan_id));
        auto it = view->measure_index.find(update.measure_id);
        if (it == view->measure_index.end()) {
          return absl::NotFoundError(absl::StrCat("measure \"plans/", update.plan_id, "/measures/",
                                                  update.measure_id, "\" does not exist"));
        }
        const Task& task = view->stored.tasks[it->second.first];
        const Measure& before = task.measures[it->second.second];
        const std::string fingerprint = UpdateFingerprint(update);
        ECOPLAN_ASSIGN_OR_RETURN(std::optional<std::string> earlier,
                                 CheckRequest(context.request_id, kUpdateMethod, fingerprint));
        if (earlier) {
          // The retried change is the current state or was superseded.
          return Decided<Answer>{{before, task}};
        }
        if (update.etag != MeasureEtag(before)) {
          return absl::AbortedError(
              absl::StrCat("measure \"plans/", update.plan_id, "/measures/", update.measure_id,
                           "\" changed since it was read (etag \"", update.etag, "\", now \"",
                           MeasureEtag(before), "\"); read it again and retry"));
        }
        std::vector<std::string> changed;
        ECOPLAN_ASSIGN_OR_RETURN(Measure after, Corrected(update, before, *state->organizations,
                                                          view->stored.plan, &changed));
        const absl::Time now = clock_->Now();
        after.revision = before.revision + 1;
        after.update_time = now;
        MeasureRevision revision{after.revision, now,    context.actor, update.reason,
                                 changed,        before, after,         context.request_id};
        Task changed_task = task;
        changed_task.measures[it->second.second] = after;
        std::optional<RequestRecord> request;
        if (!context.request_id.empty()) {
          request = RequestRecord{
              context.request_id, std::string(kUpdateMethod),
              absl::StrCat("plans/", update.plan_id, "/measures/", update.measure_id), fingerprint};
        }
        StoredPlan next_plan = view->stored;
        next_plan.tasks[it->second.first] = changed_task;
        auto next = std::make_shared<State>(*state);
        next->plans[update.plan_id] = MakeView(std::move(next_plan));
        Decided<Answer> decided{{after, changed_task}, std::move(next)};
        decided.commit = [this, plan_id = update.plan_id, changed_task = std::move(changed_task),
                          revision = std::move(revision), request,
                          context](PlanStore::Done committed) {
          store_->CommitMeasureUpdate(plan_id, changed_task, revision, request,
                                      MeasureUpdated{plan_id, revision}, context,
                                      std::move(committed));
        };
        return decided;
      },
      std::move(done));
}

absl::StatusOr<Measure> TaskRegistry::Corrected(const MeasureUpdate& update, const Measure& before,
                                                const OrganizationDirectory& directory,
                                                const Plan& plan,
                                                std::vector<std::string>* changed) const {
  Measure after = before;
  if (update.deadline_raw) {
    ECOPLAN_ASSIGN_OR_RETURN(
        after.deadline, ResolveCallerDeadline(*update.deadline_raw, plan.year, "deadline.raw"));
    changed->push_back("deadline");
  }
  if (update.leads) {
    ECOPLAN_ASSIGN_OR_RETURN(after.leads,
                             ResolveInputs(directory, *update.leads, "lead_organizations"));
    changed->push_back("lead_organizations");
  }
  if (update.responsibles) {
    ECOPLAN_ASSIGN_OR_RETURN(after.responsibles, ResolveInputs(directory, *update.responsibles,
                                                               "responsible_organizations"));
    changed->push_back("responsible_organizations");
  }
  if (update.checkpoint_phrases) {
    ECOPLAN_ASSIGN_OR_RETURN(
        after.checkpoints,
        ResolveCheckpoints(*update.checkpoint_phrases,
                           CheckpointContextOf(plan.year, plan.issue_date, after.deadline)));
    after.checkpoints_corrected = true;
    changed->push_back("checkpoints");
  } else if (update.deadline_raw && !after.checkpoints_corrected) {
    // Recurring dues end at the due day: the text's checkpoints follow the new deadline.
    after.checkpoints =
        common::ExtractCheckpoints(common::NormalizeDocumentText(after.text),
                                   CheckpointContextOf(plan.year, plan.issue_date, after.deadline))
            .checkpoints;
  }
  return after;
}

absl::StatusOr<std::vector<MeasureRevision>> TaskRegistry::ListRevisions(
    absl::string_view plan_id, absl::string_view measure_id) const {
  ECOPLAN_RETURN_IF_ERROR(GetMeasure(plan_id, measure_id).status());
  return store_->ListRevisions(plan_id, measure_id);
}

}  // namespace ecoplan::registry
