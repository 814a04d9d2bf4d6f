#pragma once

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "common/auth/authorization.h"
#include "common/auth/server_security.h"

namespace ecoplan::common {

// Who may call the AdminService: administrators, and of the service
// principals only the backup CronJob (subject "backup"). docs/SECURITY.md's
// admin table is rendered from it; admin_policy_test keeps them equal.
const PolicyTable& AdminPolicy();

// "/ecoplan.admin.v1.AdminService/<method>".
std::string AdminMethod(absl::string_view method);

// An authenticator for the AdminService with the same credentials, rate
// limiter and development mode as `security`'s. `security` and `metrics`
// must outlive it.
std::unique_ptr<CallAuthenticator> AdminAuthenticator(const ServerSecurity& security,
                                                      MetricsRegistry* metrics,
                                                      const Logger& logger);

}  // namespace ecoplan::common
