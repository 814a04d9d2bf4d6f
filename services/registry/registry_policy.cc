#include "services/registry/registry_policy.h"

#include "absl/strings/str_cat.h"

namespace ecoplan::registry {

const common::PolicyTable& RegistryPolicy() {
  using common::Role;
  static const common::PolicyTable* const kPolicy = [] {
    // The 督查室 (supervisor) reads the plan it supervises.
    // Services are let in by subject (AllowServices below), never by role.
    const std::set<Role> everyone = {Role::kAdministrator, Role::kReporter, Role::kViewer,
                                     Role::kSupervisor};
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
    t->Allow("WatchEvents", {Role::kAdministrator, Role::kViewer}, {},
             "change feed for services and monitoring");
    // The followers: each follows the change feed and reads the whole plan
    // when it (re)builds its view; the indicator service also reads the plan,
    // measures and organizations for its documents (月报).
    for (const char* method : {"WatchEvents", "ExportPlan"}) {
      t->AllowServices(method, {"progress", "indicator", "notification"});
    }
    for (const char* method : {"GetPlan", "ListMeasures", "ListOrganizations"}) {
      t->AllowServices(method, {"indicator"});
    }
    return t;
  }();
  return *kPolicy;
}

std::string RegistryMethod(absl::string_view method) {
  return absl::StrCat("/", RegistryPolicy().service, "/", method);
}

}  // namespace ecoplan::registry
