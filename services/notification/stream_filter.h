#pragma once

// Which events a StreamNotifications call carries (its kinds, organizations
// and severities filters), as a filter for the event stream.

#include "absl/status/statusor.h"
#include "common/events/watch_events_reactor.h"
#include "ecoplan/notification/v1/notification_service.pb.h"

namespace ecoplan::notification {

// Empty (carries everything) when the request sets no filter; else accepts
// only NotificationCreated events whose notification matches every set
// filter. Errors: InvalidArgument naming the field (an unknown or
// UNSPECIFIED kind or severity, an organization that is not
// organizations/{id}, more than 30 kinds or 100 organizations).
absl::StatusOr<common::EventFilter> StreamFilterOf(
    const ecoplan::notification::v1::StreamNotificationsRequest& request);

}  // namespace ecoplan::notification
