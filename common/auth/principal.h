#pragma once

// Who is calling: the identity every ecoplan service authorizes against.
// Pure data; no gRPC.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {

// What a caller may do (see docs/SECURITY.md). New roles are appended: the
// numbering is not stored, but kAllRoles lists them in table order.
enum class Role {
  kAdministrator,  // the district ecology bureau (区生态环境局)
  kReporter,       // one organization (a department or a town); writes only its own reports
  kViewer,   // e.g. the command center (区城指中心): reads everything, writes almost nothing
  kService,  // another ecoplan service
  // The district government's supervision office (区政府督查室): issues and
  // follows supervision orders (督办单); reads the plan's progress.
  kSupervisor,
};

// "administrator", "reporter", "viewer", "service", "supervisor".
absl::string_view RoleName(Role role);
// Every role, in the order of the RPC × role tables.
inline constexpr Role kAllRoles[] = {Role::kAdministrator, Role::kReporter, Role::kViewer,
                                     Role::kService, Role::kSupervisor};
// The inverse of RoleName (exact, lowercase). Errors: InvalidArgument.
absl::StatusOr<Role> ParseRole(absl::string_view name);

// How the caller proved who it is.
enum class AuthenticatedVia {
  kToken,              // a verified bearer token
  kClientCertificate,  // a client certificate verified against the configured CA (mTLS)
  kDevelopment,        // nothing: --insecure_development_mode
};

// "token", "client_certificate", "development".
absl::string_view AuthenticatedViaName(AuthenticatedVia via);

struct Principal {
  std::string subject;          // token "sub", or the certificate's common name
  std::string organization_id;  // token "org" (registry id, e.g. "o-…"); required for reporters
  Role role = Role::kViewer;
  std::string issuer;  // token "iss"; empty for certificates and development
  AuthenticatedVia via = AuthenticatedVia::kToken;
};

}  // namespace ecoplan::common
