#include "common/auth/authorization.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ecoplan::common {

std::string PolicyTable::MethodPath(absl::string_view method) const {
  return absl::StrCat("/", service, "/", method);
}

PolicyTable& PolicyTable::Allow(absl::string_view method, std::set<Role> roles,
                                std::set<Role> own_organization_roles, std::string note) {
  MethodRule& rule = rules[MethodPath(method)];
  const std::set<std::string> subjects = std::move(rule.service_subjects);
  rule = MethodRule{std::move(roles), std::move(own_organization_roles), {}, std::move(note)};
  if (!subjects.empty()) {
    rule.roles.insert(Role::kService);
    rule.service_subjects = subjects;
  }
  return *this;
}

PolicyTable& PolicyTable::AllowServices(absl::string_view method, std::set<std::string> subjects) {
  MethodRule& rule = rules[MethodPath(method)];
  rule.roles.insert(Role::kService);
  rule.service_subjects.insert(subjects.begin(), subjects.end());
  return *this;
}

absl::Status Authorize(const Principal& principal, const PolicyTable& policy,
                       absl::string_view method_path, const ResourceScope& scope) {
  const absl::string_view method = method_path.substr(method_path.rfind('/') + 1);
  const auto it = policy.rules.find(std::string(method_path));
  if (it == policy.rules.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat(method, " is not open to any caller (no rule in the policy)"));
  }
  const MethodRule& rule = it->second;
  if (rule.roles.count(principal.role) == 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("role ", RoleName(principal.role), " may not call ", method));
  }
  if (principal.role == Role::kService && rule.service_subjects.count(principal.subject) == 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "service \"", absl::CHexEscape(absl::string_view(principal.subject).substr(0, 64)),
        "\" may not call ", method));
  }
  if (rule.own_organization_roles.count(principal.role) == 0) return absl::OkStatus();
  if (principal.organization_id.empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat("role ", RoleName(principal.role), " needs an organization to call ", method));
  }
  if (!scope.organization_specific()) {
    // Deny by default: the handler did not say whose data this is.
    return absl::PermissionDeniedError(
        absl::StrCat(method, ": the resource's organization is unknown, so role ",
                     RoleName(principal.role), " may not use it"));
  }
  const auto& owners = scope.organization_ids();
  if (std::find(owners.begin(), owners.end(), principal.organization_id) == owners.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat(method, ": the resource belongs to another organization"));
  }
  return absl::OkStatus();
}

std::string RenderPolicyMarkdown(const PolicyTable& policy) {
  std::string out =
      "| RPC | administrator | reporter | viewer | service | supervisor | notes |\n"
      "|---|---|---|---|---|---|---|\n";
  const std::string prefix = absl::StrCat("/", policy.service, "/");
  for (const auto& [path, rule] : policy.rules) {
    absl::string_view method = path;
    if (absl::StartsWith(method, prefix)) method.remove_prefix(prefix.size());
    absl::StrAppend(&out, "| ", method, " |");
    for (Role role : kAllRoles) {
      std::string cell = rule.roles.count(role) == 0                    ? "—"
                         : rule.own_organization_roles.count(role) != 0 ? "own org"
                                                                        : "yes";
      if (role == Role::kService) {
        cell = rule.service_subjects.empty() || rule.roles.count(role) == 0
                   ? "—"
                   : absl::StrJoin(rule.service_subjects, ", ");
      }
      absl::StrAppend(&out, " ", cell, " |");
    }
    absl::StrAppend(&out, " ", rule.note, " |\n");
  }
  return out;
}

}  // namespace ecoplan::common
