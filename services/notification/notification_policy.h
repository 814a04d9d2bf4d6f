#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "common/auth/authorization.h"

namespace ecoplan::notification {

// Who may call which NotificationService RPC (docs/SECURITY.md). Reporters
// reach only their own organization's inbox, contacts and mutes: checked by
// the Notifier once it knows the notification's recipient.
const common::PolicyTable& NotificationPolicy();

// "/ecoplan.notification.v1.NotificationService/<method>".
std::string NotificationMethod(absl::string_view method);

}  // namespace ecoplan::notification
