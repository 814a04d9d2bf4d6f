#pragma once

// RocksDB adapter of NotificationStore.
//
// Column family "notify"; values are JSON records of the domain structs
// (fields absent in an older record take their defaults, so adding a field
// needs no migration; renaming one does):
//   n/<number: u64 BE>                  → Notification
//   i/<org>/<number: u64 BE>            → ""   inbox index (newest = last)
//   u/<org>/<number: u64 BE>            → ""   unread index
//   k/<idempotency key>                 → <number: u64 BE> (0 while in a digest)
//   r/<rule id>                         → Rule
//   s/<subscription id>                 → Subscription (with its secrets' key bytes)
//   d/<subscription id>/<number: u64 BE>→ Delivery (with its last 50 attempts)
//   p/<subscription id>/<number: u64 BE>→ ""   pending deliveries
//   c/<org>                             → OrgContacts
//   v/<plan>                            → PlanView (the local view of the registry)
//   h/<year: 4 digits>                  → HolidayYear (the progress service's holidays)
//   m/<plan>|<org>|<period>             → ""   a report was submitted
//   e/<escalation key>                  → Escalation
//   g/<recipient>|<rule>                → DigestBucket
//   q/<stream consumer>                 → <sequence: u64 BE>
//   x/<request id>                      → subscription id
//   #/notification, #/delivery, #/subscription → next number (u64 BE)
// Events (NotificationCreated, …) go to the shared "events" family in the same
// batch; the followers' cursors to "meta".
//
// Thread-safe. `db` must outlive the store.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/storage/rocksdb_db.h"
#include "services/notification/domain/notification_store.h"

namespace ecoplan::notification {

class RocksDbNotificationStore final : public NotificationStore {
 public:
  // The column families to pass to RocksDb::Open.
  static std::vector<std::string> ColumnFamilies();

  explicit RocksDbNotificationStore(common::RocksDb* db);

  absl::StatusOr<LoadedState> Load() override;
  absl::Status Commit(const Changes& changes) override;
  absl::StatusOr<Notification> GetNotification(uint64_t number) override;
  absl::StatusOr<InboxPage> ListInbox(const std::string& organization_id, bool unread_only,
                                      Kind kind, int page_size,
                                      const std::string& page_token) override;
  absl::StatusOr<DeliveryPage> ListDeliveries(const std::string& subscription_id,
                                              DeliveryState state, int page_size,
                                              const std::string& page_token) override;
  absl::StatusOr<Delivery> GetDelivery(const std::string& subscription_id,
                                       uint64_t number) override;
  uint64_t LastEventSequence() const override;

  // The write of `changes` (for followers, which add their cursor and commit
  // it themselves). Errors: Internal.
  absl::StatusOr<common::WriteRequest> Encode(const Changes& changes) const;

 private:
  common::RocksDb* const db_;
};

}  // namespace ecoplan::notification
