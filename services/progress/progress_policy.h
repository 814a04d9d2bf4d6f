#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "common/auth/authorization.h"

namespace ecoplan::progress {

// Who may call each ProgressService RPC (docs/SECURITY.md's progress table is
// rendered from this; progress_policy_test keeps them equal). A reporter
// writes and reads only its own organization's reports, extensions and
// completion declarations (the handler names the organization the call is
// about; the recorder then checks that the organization owns each measure);
// only the bureau reviews, decides and configures the calendar; viewers (the
// command center) and services read everything and write nothing, except
// that the command center acknowledges supervision orders (签收). Problem
// ledgers (问题清单) are kept by the 督查室 and the bureau; a reporter moves
// only its own organization's items (the desk checks the item's owner).
const common::PolicyTable& ProgressPolicy();

// "/ecoplan.progress.v1.ProgressService/<method>".
std::string ProgressMethod(absl::string_view method);

}  // namespace ecoplan::progress
