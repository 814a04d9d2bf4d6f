#pragma once

// v1 messages ↔ domain structs of the notification service, and resource names.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ecoplan/notification/v1/notification_service.pb.h"
#include "services/notification/domain/model.h"

namespace ecoplan::notification {

v1::Notification ToProto(const Notification& n);
v1::Rule ToProto(const Rule& r);
// Secrets only as fingerprints; `pending` fills pending_deliveries.
v1::Subscription ToProto(const Subscription& s, int64_t pending);
v1::Delivery ToProto(const Delivery& d);
v1::Contact ToProto(const Contact& c);

// Errors: InvalidArgument naming the field.
absl::StatusOr<Rule> FromProto(const v1::Rule& r);
absl::StatusOr<Subscription> FromProto(const v1::Subscription& s);
Contact FromProto(const v1::Contact& c);

// "notifications/n-000000000042" → 42. Errors: InvalidArgument.
absl::StatusOr<uint64_t> ParseNotificationName(absl::string_view name, absl::string_view field);
// "<collection>/<id>" → id (id 1..64, no '/'). Errors: InvalidArgument.
absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view collection,
                                      absl::string_view field);
// "subscriptions/s-1/deliveries/7" → {"s-1", 7}. Errors: InvalidArgument.
absl::StatusOr<std::pair<std::string, uint64_t>> ParseDeliveryName(absl::string_view name,
                                                                   absl::string_view field);

}  // namespace ecoplan::notification
