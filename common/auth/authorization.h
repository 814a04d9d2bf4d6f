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
// Pure: no gRPC.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth/principal.h"

namespace ecoplan::common {

// The rule of one RPC.
struct MethodRule {
  // Roles that may call it at all.
  std::set<Role> roles;
  // Of those, the roles that may act only on resources of their own
  // organization (typically {kReporter}): the handler names the resource's
  // organizations in a ResourceScope, and the caller's organization must be
  // one of them.
  std::set<Role> own_organization_roles;
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
  PolicyTable& Allow(absl::string_view method, std::set<Role> roles,
                     std::set<Role> own_organization_roles = {}, std::string note = "");
};

// Decides whether `principal` may call `method_path` on `scope`. Errors:
// PermissionDenied with a message naming the role and the method (and, for an
// organization-restricted role, that the resource belongs to another
// organization). A rule restricting the role to its own organization denies a
// scope of Any() — such a method needs the handler to name the owner — unless
// the role is also unrestricted.
absl::Status Authorize(const Principal& principal, const PolicyTable& policy,
                       absl::string_view method_path, const ResourceScope& scope);

// The markdown table of `policy`: one row per RPC (sorted by method name),
// columns administrator | reporter | viewer | service | notes; a cell is
// "yes", "own org" or "—".
std::string RenderPolicyMarkdown(const PolicyTable& policy);

}  // namespace ecoplan::common
