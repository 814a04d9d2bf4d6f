#include "common/auth/principal.h"

#include "absl/strings/str_cat.h"

namespace ecoplan::common {

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdministrator:
      return "administrator";
    case Role::kReporter:
      return "reporter";
    case Role::kViewer:
      return "viewer";
    case Role::kService:
      return "service";
    case Role::kSupervisor:
      return "supervisor";
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(absl::string_view name) {
  for (Role role : kAllRoles) {
    if (name == RoleName(role)) return role;
  }
  // The name is bounded by the caller (a token claim is at most a few KiB);
  // cut it anyway so a message stays readable.
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role \"", name.substr(0, 40),
                   "\"; expected administrator, reporter, viewer, service or supervisor"));
}

absl::string_view AuthenticatedViaName(AuthenticatedVia via) {
  switch (via) {
    case AuthenticatedVia::kToken:
      return "token";
    case AuthenticatedVia::kClientCertificate:
      return "client_certificate";
    case AuthenticatedVia::kDevelopment:
      return "development";
  }
  return "unknown";
}

}  // namespace ecoplan::common
