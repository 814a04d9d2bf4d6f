// TaskRegistry: tasks and measures: one of each, and filtered lists.

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"
#include "services/registry/domain/task_registry.h"
#include "services/registry/domain/task_registry_internal.h"

namespace ecoplan::registry {

using registry_internal::kOrganizationsPrefix;

absl::StatusOr<Task> TaskRegistry::GetTask(absl::string_view plan_id,
                                           absl::string_view task_id) const {
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, plan_id));
  auto it = view->task_index.find(task_id);
  if (it == view->task_index.end()) {
    return absl::NotFoundError(
        absl::StrCat("task \"plans/", plan_id, "/tasks/", task_id, "\" does not exist"));
  }
  return view->stored.tasks[it->second];
}

absl::StatusOr<std::pair<Measure, Task>> TaskRegistry::GetMeasure(
    absl::string_view plan_id, absl::string_view measure_id) const {
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, plan_id));
  auto it = view->measure_index.find(measure_id);
  if (it == view->measure_index.end()) {
    return absl::NotFoundError(
        absl::StrCat("measure \"plans/", plan_id, "/measures/", measure_id, "\" does not exist"));
  }
  const Task& task = view->stored.tasks[it->second.first];
  Task context = task;
  context.measures.clear();
  return std::make_pair(task.measures[it->second.second], std::move(context));
}

namespace {

// Resolves the filter's organization (resource name, name or alias) to an id.
absl::StatusOr<MeasureQuery> ResolveQuery(const OrganizationDirectory& directory,
                                          const MeasureQueryInput& input) {
  ECOPLAN_RETURN_IF_ERROR(ValidateQuery(input));
  MeasureQuery query{input, "", ""};
  query.normalized_text_contains = common::NormalizeDocumentText(input.text_contains);
  if (input.organization.empty()) return query;
  absl::string_view name = input.organization;
  if (absl::ConsumePrefix(&name, kOrganizationsPrefix)) {
    if (directory.FindById(name) == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("filter.organization: \"", input.organization, "\" does not exist"));
    }
    query.organization_id = std::string(name);
    return query;
  }
  absl::StatusOr<OrgRef> ref = directory.Resolve(name);
  if (!ref.ok() || ref->org_id.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "filter.organization: \"", input.organization,
        "\" is not an organization name or alias (group words such as 各镇街 name no single "
        "organization)"));
  }
  query.organization_id = ref->org_id;
  return query;
}

}  // namespace

absl::StatusOr<TaskPage> TaskRegistry::ListTasks(absl::string_view plan_id,
                                                 const MeasureQueryInput& input,
                                                 const PageRequest& page) const {
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, plan_id));
  ECOPLAN_ASSIGN_OR_RETURN(MeasureQuery query, ResolveQuery(*state->organizations, input));
  return ListMatchingTasks(view->stored.tasks, query, plan_id, page);
}

absl::StatusOr<MeasurePage> TaskRegistry::ListMeasures(absl::string_view plan_id,
                                                       const MeasureQueryInput& input,
                                                       const PageRequest& page) const {
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, plan_id));
  ECOPLAN_ASSIGN_OR_RETURN(MeasureQuery query, ResolveQuery(*state->organizations, input));
  ECOPLAN_ASSIGN_OR_RETURN(MeasurePage result,
                           ListMatchingMeasures(view->stored.tasks, view->measures_by_organization,
                                                query, plan_id, page));
  // The page points into this snapshot's tasks: it keeps the snapshot alive.
  MeasurePage owned;
  owned.next_page_token = std::move(result.next_page_token);
  owned.total_size = result.total_size;
  owned.measures = std::move(result.measures);
  owned.keep_alive = view;
  return owned;
}

}  // namespace ecoplan::registry
