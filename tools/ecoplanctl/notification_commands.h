#pragma once

#include <vector>

#include "tools/ecoplanctl/cli.h"

namespace ecoplan::ctl {

// The "notify" group (ecoplan.notification.v1.NotificationService): inbox,
// read, ack, rules, subscriptions, deliveries, replay, enable, run-schedule.
// --notification names the server (default: $ECOPLAN_NOTIFICATION_ADDRESS or
// 127.0.0.1:50054).
std::vector<CommandGroup> NotificationCommandGroups();

}  // namespace ecoplan::ctl
