#pragma once

// Domain structs ↔ the notification service's storage records
// (notification_storage.proto). Used only by RocksDbNotificationStore.
//
// Lossless for every field the domain keeps: FromRecord(ToRecord(x)) equals x
// (times to the nanosecond, InfinitePast as an unset Timestamp).

#include "services/notification/domain/model.h"
#include "services/notification/storage/notification_storage.pb.h"

namespace ecoplan::notification {

// `storage::` is the generated ecoplan::notification::storage.

storage::NotificationRecord ToRecord(const Notification& n);
Notification FromRecord(const storage::NotificationRecord& r);

storage::RuleRecord ToRecord(const Rule& rule);
Rule FromRecord(const storage::RuleRecord& r);

storage::SubscriptionRecord ToRecord(const Subscription& s);
Subscription FromRecord(const storage::SubscriptionRecord& r);

storage::DeliveryRecord ToRecord(const Delivery& d);
Delivery FromRecord(const storage::DeliveryRecord& r);

storage::OrgContactsRecord ToRecord(const OrgContacts& c);
OrgContacts FromRecord(const storage::OrgContactsRecord& r);

storage::PlanViewRecord ToRecord(const PlanView& p);
PlanView FromRecord(const storage::PlanViewRecord& r);

storage::HolidayYearRecord ToRecord(const HolidayYear& h);
HolidayYear FromRecord(const storage::HolidayYearRecord& r);

storage::EscalationRecord ToRecord(const Escalation& e);
Escalation FromRecord(const storage::EscalationRecord& r);

storage::SupervisionOrderViewRecord ToRecord(const SupervisionOrderView& o);
SupervisionOrderView FromRecord(const storage::SupervisionOrderViewRecord& r);

storage::ProblemItemViewRecord ToRecord(const ProblemItemView& p);
ProblemItemView FromRecord(const storage::ProblemItemViewRecord& r);

storage::DigestBucketRecord ToRecord(const DigestBucket& b);
DigestBucket FromRecord(const storage::DigestBucketRecord& r);

}  // namespace ecoplan::notification
