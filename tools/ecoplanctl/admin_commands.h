#pragma once

#include <vector>

#include "tools/ecoplanctl/cli.h"

namespace ecoplan::ctl {

// The "admin" group: operator commands served by every ecoplan server
// (ecoplan.admin.v1.AdminService): backup, backups, audit. --target names the server
// (default: the --registry address).
std::vector<CommandGroup> AdminCommandGroups();

}  // namespace ecoplan::ctl
