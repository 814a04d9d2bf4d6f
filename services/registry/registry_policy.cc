#include "services/registry/registry_policy.h"

#include "absl/strings/str_cat.h"

namespace ecoplan::registry {

const common::PolicyTable& RegistryPolicy() {
  using common::Role;
  static const common::PolicyTable* const kPolicy = [] {
    // The 督查室 (supervisor) reads the plan it supervises.
    const std::set<Role> everyone = {Role::kAdministrator, Role::kReporter, Role::kViewer,
                                     Role::kService, Role::kSupervisor};
    const std::string read = "the plan is public within the government";
    auto* t = new common::PolicyTable;
    t->service = "ecoplan.registry.v1.RegistryService";
    t->Allow("ImportPlan", {Role::kAdministrator}, {}, "the bureau imports plans");
    t->Allow("UpdateMeasure", {Role::kAdministrator}, {},
             "the bureau corrects deadlines and assignments");
    t->Allow("CreateSupervisionTask", {Role::kAdministrator, Role::kViewer}, {},
             "ad-hoc 督办任务, also from the command center (viewer): a viewer in its own "
             "organization's name only (its token names it; `assigned_by` another → "
             "PERMISSION_DENIED), an administrator in any registered organization's");
    for (const char* method : {"GetPlan", "ListPlans", "ExportPlan", "GetTask", "ListTasks",
                               "GetMeasure", "ListMeasures", "ListMeasureRevisions",
                               "GetOrganization", "ListOrganizations", "ResolveOrganization"}) {
      t->Allow(method, everyone, {}, read);
    }
    t->Allow("WatchEvents", {Role::kAdministrator, Role::kViewer, Role::kService}, {},
             "change feed for services and monitoring");
    return t;
  }();
  return *kPolicy;
}

std::string RegistryMethod(absl::string_view method) {
  return absl::StrCat("/", RegistryPolicy().service, "/", method);
}

}  // namespace ecoplan::registry
