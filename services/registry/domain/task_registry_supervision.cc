// TaskRegistry: supervision tasks (督办任务) the bureau adds to a plan.

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/calendar/checkpoints.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"
#include "services/registry/domain/task_registry.h"
#include "services/registry/domain/task_registry_internal.h"

namespace ecoplan::registry {

using registry_internal::CheckRequestId;
using registry_internal::CheckText;
using registry_internal::Fingerprint;
using registry_internal::kCreateSupervisionMethod;
using registry_internal::RefsText;
using registry_internal::ResolveCallerDeadline;

namespace {

// The checks of a draft that need no plan.
absl::Status CheckDraft(const SupervisionTaskDraft& draft, const ChangeContext& context) {
  ECOPLAN_RETURN_IF_ERROR(CheckRequestId(context.request_id, /*required=*/true));
  ECOPLAN_RETURN_IF_ERROR(CheckText(draft.title, "title", kMaxTitleLength, true));
  ECOPLAN_RETURN_IF_ERROR(
      CheckText(draft.description, "description", kMaxDescriptionLength, false));
  ECOPLAN_RETURN_IF_ERROR(CheckText(draft.assigned_by, "assigned_by", kMaxNameLength, false));
  if (draft.measures.empty()) {
    return absl::InvalidArgumentError("measures: a supervision task needs at least one measure");
  }
  if (draft.measures.size() > kMaxSupervisionMeasures) {
    return absl::InvalidArgumentError(
        absl::StrCat("measures: at most ", kMaxSupervisionMeasures, " measures"));
  }
  return absl::OkStatus();
}

std::string DraftFingerprint(const SupervisionTaskDraft& draft) {
  std::vector<std::string> parts{draft.plan_id, draft.title, draft.description, draft.assigned_by};
  for (const SupervisionMeasureDraft& m : draft.measures) {
    parts.push_back(m.text);
    parts.push_back(m.deadline_raw);
    parts.push_back(RefsText(m.leads));
    parts.push_back(RefsText(m.responsibles));
  }
  return Fingerprint(parts);
}

// Who assigns the task, as stored: the canonical name of the one organization
// `draft.assigned_by` names (a caller cannot put a made-up authority on a
// task), or of the caller's own organization when it may assign only in that.
absl::StatusOr<std::string> AssigningOrganization(const SupervisionTaskDraft& draft,
                                                  const OrganizationDirectory& directory) {
  const std::string& own_id = draft.assigning_organization_id;
  if (draft.assigned_by.empty() && own_id.empty()) return std::string();
  std::string id = own_id;
  if (!draft.assigned_by.empty()) {
    absl::StatusOr<OrgRef> ref = directory.Resolve(draft.assigned_by);
    if (!ref.ok() || ref->org_id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "assigned_by: \"", draft.assigned_by,
          "\" is not one organization of the registry (ListOrganizations shows them)"));
    }
    if (!own_id.empty() && ref->org_id != own_id) {
      return absl::PermissionDeniedError(absl::StrCat(
          "assigned_by: \"", draft.assigned_by,
          "\" is not the caller's organization; a viewer assigns in its own name only"));
    }
    id = ref->org_id;
  }
  const Organization* organization = directory.FindById(id);
  if (organization == nullptr) {
    return absl::PermissionDeniedError(
        "the caller's organization is not in the registry: it cannot assign supervision tasks");
  }
  return organization->name;
}

// The number of the next supervision task of a plan with `tasks`: s1, s2, …
int NextSupervisionNumber(const std::vector<Task>& tasks) {
  int number = 1;
  for (const Task& t : tasks) {
    if (t.origin == TaskOrigin::kSupervision) number = std::max(number, t.sequence_number + 1);
  }
  return number;
}

}  // namespace

void TaskRegistry::CreateSupervisionTask(const SupervisionTaskDraft& draft,
                                         const ChangeContext& context, Done<Task> done) {
  if (absl::Status s = CheckDraft(draft, context); !s.ok()) {
    done(s);
    return;
  }
  RunWrite<Task>(
      [this, draft, context]() -> absl::StatusOr<Decided<Task>> {
        const std::string fingerprint = DraftFingerprint(draft);
        std::shared_ptr<const State> state = Snapshot();
        ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view,
                                 FindPlan(*state, draft.plan_id));
        ECOPLAN_ASSIGN_OR_RETURN(
            std::optional<std::string> earlier,
            CheckRequest(context.request_id, kCreateSupervisionMethod, fingerprint));
        if (earlier) {
          absl::string_view task_id = *earlier;
          if (auto pos = task_id.rfind('/'); pos != absl::string_view::npos) {
            task_id = task_id.substr(pos + 1);
          }
          ECOPLAN_ASSIGN_OR_RETURN(Task task, GetTask(draft.plan_id, task_id));
          return Decided<Task>{std::move(task)};
        }

        const int number = NextSupervisionNumber(view->stored.tasks);
        const absl::Time now = clock_->Now();
        Task task;
        task.id = absl::StrCat("s", number);
        task.origin = TaskOrigin::kSupervision;
        task.sequence_number = number;
        task.title = common::NormalizeDocumentText(draft.title);
        task.description = draft.description;
        ECOPLAN_ASSIGN_OR_RETURN(task.assigned_by,
                                 AssigningOrganization(draft, *state->organizations));
        task.create_time = now;
        for (size_t i = 0; i < draft.measures.size(); ++i) {
          ECOPLAN_ASSIGN_OR_RETURN(
              Measure m, DraftedMeasure(draft.measures[i], i, task.id, now, view->stored.plan,
                                        *state->organizations));
          task.measures.push_back(std::move(m));
        }

        StoredPlan next_plan = view->stored;
        next_plan.tasks.push_back(task);
        ++next_plan.plan.summary.supervision_task_count;
        std::optional<RequestRecord> request =
            RequestRecord{context.request_id, std::string(kCreateSupervisionMethod),
                          absl::StrCat("plans/", draft.plan_id, "/tasks/", task.id), fingerprint};
        auto next = std::make_shared<State>(*state);
        next->plans[draft.plan_id] = MakeView(std::move(next_plan));
        Decided<Task> decided{task, std::move(next)};
        decided.commit = [this, plan_id = draft.plan_id, task = std::move(task), request,
                          context](PlanStore::Done committed) {
          store_->CommitSupervisionTask(plan_id, task, request,
                                        SupervisionTaskCreated{plan_id, task}, context,
                                        std::move(committed));
        };
        return decided;
      },
      std::move(done));
}

absl::StatusOr<Measure> TaskRegistry::DraftedMeasure(const SupervisionMeasureDraft& in, size_t i,
                                                     const std::string& task_id, absl::Time now,
                                                     const Plan& plan,
                                                     const OrganizationDirectory& directory) const {
  const std::string field = absl::StrCat("measures[", i, "]");
  ECOPLAN_RETURN_IF_ERROR(
      CheckText(in.text, absl::StrCat(field, ".text"), kMaxMeasureTextLength, true));
  Measure m;
  m.id = absl::StrCat(task_id, "-m", i + 1);
  m.task_id = task_id;
  m.ordinal = static_cast<int>(i + 1);
  m.text = in.text;
  m.update_time = now;
  ECOPLAN_ASSIGN_OR_RETURN(m.deadline, ResolveCallerDeadline(in.deadline_raw, plan.year,
                                                             absl::StrCat(field, ".deadline.raw")));
  if (in.leads.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".lead_organizations: at least one lead is required"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(
      m.leads, ResolveInputs(directory, in.leads, absl::StrCat(field, ".lead_organizations")));
  ECOPLAN_ASSIGN_OR_RETURN(
      m.responsibles,
      ResolveInputs(directory, in.responsibles, absl::StrCat(field, ".responsible_organizations")));
  m.checkpoints = common::ExtractCheckpoints(
                      m.text, CheckpointContextOf(plan.year, plan.issue_date, m.deadline))
                      .checkpoints;
  return m;
}

}  // namespace ecoplan::registry
