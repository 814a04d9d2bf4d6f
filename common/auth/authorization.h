#pragma once

// Who may call which RPC: one PolicyTable per service, as data, so that
// docs/SECURITY.md is rendered from it (RenderPolicyMarkdown) and a test keeps
// the document equal to the code.
//
//   const PolicyTable& policy = RegistryPolicy();
//   ECOPLAN_RETURN_IF_ERROR(Authorize(principal, policy, kImportPlanMethod, ResourceScope::Any()));
//   // A reporter writing a report for a measure owned by two organizations:
//   Authorize(principal, policy, kSubmitMethod, ResourceScope::OwnedBy({"o-1", "o-2"}));
//
// Deny by default: a method missing from the table is refused to everyone.
// Service principals (role `service`) are authorized by subject as well: a
// rule names the services that may call it (AllowServices), and any other
// service subject is refused, so the backup job may back up and nothing else,
// and a follower reads what it follows and nothing else:
//   t->Allow("ExportPlan", readers, {}, "…").AllowServices("ExportPlan", {"progress"});
// Pure: no gRPC.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth/principal.h"

namespace ecoplan::common {

// The subjects of ecoplan's own service principals: the sub of the tokens each
// service mints with its own key (the JWKS binds each key to its subject), or
// the common name of its client certificate. docs/SECURITY.md "Keys".
inline constexpr absl::string_view kRegistrySubject = "registry";
inline constexpr absl::string_view kProgressSubject = "progress";
inline constexpr absl::string_view kIndicatorSubject = "indicator";
inline constexpr absl::string_view kNotificationSubject = "notification";
// The backup CronJobs (AdminService.CreateBackup and ListBackups only).
inline constexpr absl::string_view kBackupSubject = "backup";
inline constexpr absl::string_view kServiceSubjects[] = {
    kRegistrySubject, kProgressSubject, kIndicatorSubject, kNotificationSubject, kBackupSubject};

// The rule of one RPC.
struct MethodRule {
  // Roles that may call it at all.
  std::set<Role> roles;
  // Of those, the roles that may act only on resources of their own
  // organization (typically {kReporter}): the handler names the resource's
  // organizations in a ResourceScope, and the caller's organization must be
  // one of them.
  std::set<Role> own_organization_roles;
  // When `roles` holds kService: the service subjects that may call it (any
  // other service principal is refused). Empty otherwise.
  std::set<std::string> service_subjects;
  // One line for the document ("plan is public within the government", …).
  std::string note;
};

// The organizations a call touches, as the handler knows them.
class ResourceScope {
 public:
  // The call is not about one organization's data (e.g. reading the plan).
  static ResourceScope Any() { return ResourceScope(false, {}); }
  // The call reads or writes data owned by any of `organization_ids`
  // (e.g. a measure's lead and responsible organizations).
  static ResourceScope OwnedBy(std::vector<std::string> organization_ids) {
    return ResourceScope(true, std::move(organization_ids));
  }

  bool organization_specific() const { return organization_specific_; }
  const std::vector<std::string>& organization_ids() const { return organization_ids_; }

 private:
  ResourceScope(bool specific, std::vector<std::string> ids)
      : organization_specific_(specific), organization_ids_(std::move(ids)) {}
  bool organization_specific_;
  std::vector<std::string> organization_ids_;
};

// A service's policy: full gRPC method path ("/ecoplan.registry.v1.RegistryService/ImportPlan")
// → rule.
struct PolicyTable {
  std::string service;  // full service name, e.g. "ecoplan.registry.v1.RegistryService"
  std::map<std::string, MethodRule> rules;

  // "/<service>/<method>".
  std::string MethodPath(absl::string_view method) const;
  // Adds the rule for `method` (the short name, e.g. "ImportPlan").
  // `roles` should not hold kService: services are let in by subject, with
  // AllowServices (a kService without subjects admits no service).
  PolicyTable& Allow(absl::string_view method, std::set<Role> roles,
                     std::set<Role> own_organization_roles = {}, std::string note = "");
  // Lets the service principals named `subjects` call `method` (adds kService
  // to its rule, creating the rule if there is none).
  PolicyTable& AllowServices(absl::string_view method, std::set<std::string> subjects);
};

// Decides whether `principal` may call `method_path` on `scope`. Errors:
// PermissionDenied with a message naming the role (for a service, its
// subject) and the method (and, for an organization-restricted role, that the
// resource belongs to another organization). A rule restricting the role to its own organization
// denies a scope of Any() — such a method needs the handler to name the owner — unless the role is
// also unrestricted.
absl::Status Authorize(const Principal& principal, const PolicyTable& policy,
                       absl::string_view method_path, const ResourceScope& scope);

// The markdown table of `policy`: one row per RPC (sorted by method name),
// columns administrator | reporter | viewer | service | supervisor | notes; a
// cell is "yes", "own org" or "—", and the service cell lists the service
// subjects allowed (e.g. "progress, indicator") or "—".
std::string RenderPolicyMarkdown(const PolicyTable& policy);

}  // namespace ecoplan::common
