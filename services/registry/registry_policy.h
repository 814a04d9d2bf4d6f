#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "common/auth/authorization.h"

namespace ecoplan::registry {

// Who may call each RegistryService RPC (docs/SECURITY.md's registry table is
// rendered from this; registry_policy_test keeps them equal):
// the plan is public within the government, so every role reads it;
// administrators import plans and correct measures; administrators and
// viewers (the command center) create supervision tasks; event streams are
// for services, administrators and viewers.
const common::PolicyTable& RegistryPolicy();

// "/ecoplan.registry.v1.RegistryService/<method>".
std::string RegistryMethod(absl::string_view method);

}  // namespace ecoplan::registry
