#pragma once

// HS256 tokens as the local issuer mints them ("ecoplan-local", audience
// "ecoplan"), for handler tests that authenticate their calls.

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"

namespace ecoplan::common::testing {

// A token signed with `key` for `subject` of `role` (reporters belong to
// `organization_id`), issued at `now` and valid for `validity`. Fails the
// calling test's expectations (and returns "") if it cannot be minted.
std::string LocalToken(absl::string_view key, Role role, const std::string& subject,
                       const std::string& organization_id, absl::Time now, absl::Duration validity);

}  // namespace ecoplan::common::testing
