#pragma once

// RocksDB adapter of NotificationStore.
//
// Column family "notify"; values are protobuf records of
// notification_storage.proto (package ecoplan.notification.storage; a field
// added later reads as its zero value in older records, so adding one needs
// no migration, changing one's meaning does). Index entries are keys with an
// empty value.
//   n/<number: u64 BE>                  → NotificationRecord
//   i/<org>/<number: u64 BE>            → ""   inbox index (newest = last)
//   u/<org>/<number: u64 BE>            → ""   unread index
//   k/<idempotency key>                 → DedupRecord (notification 0 while in a digest)
//   r/<rule id>                         → RuleRecord (with its mutes)
//   a/<rule id>                         → DefaultRuleInstalledRecord (empty: that default rule
//                                         was installed once; never again)
//   s/<subscription id>                 → SubscriptionRecord (with its secrets' key bytes,
//                                         sealed by the SecretCipher when there is one)
//   d/<subscription id>/<number: u64 BE>→ DeliveryRecord (with its last 50 attempts)
//   p/<subscription id>/<number: u64 BE>→ ""   pending deliveries
//   c/<org>                             → OrgContactsRecord
//   v/<plan>                            → PlanViewRecord (the local view of the registry)
//   h/<year: 4 digits>                  → HolidayYearRecord (the progress service's holidays)
//   m/<plan>|<org>|<period>             → SubmissionRecord (empty: a report was submitted)
//   t/<plan>|<measure>|<day>|<org>|<period> → MetCheckpointRecord (empty: that report states
//                                         the checkpoint occurrence due <day> met)
//   o/<order name>                      → SupervisionOrderViewRecord (an open 督办单, for 催办)
//   l/<problem name>                    → ProblemItemViewRecord (a problem item not closed)
//   e/<escalation key>                  → EscalationRecord
//   g/<recipient>|<rule>                → DigestBucketRecord
//   q/<stream consumer>                 → StreamConsumerRecord (position and owner)
//   x/<request id>                      → RequestRecord
//   #/notification, #/delivery, #/subscription → CounterRecord (the next number)
// Development builds before this format wrote JSON values: reading one fails
// with FailedPrecondition naming the data directory (see docs/OPERATIONS.md).
// Events (NotificationCreated, …) go to the shared "events" family in the same
// batch; the followers' cursors to "meta".
//
// Thread-safe. `db` must outlive the store.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/storage/rocksdb_db.h"
#include "services/notification/domain/notification_store.h"
#include "services/notification/storage/notification_storage.pb.h"
#include "services/notification/storage/secret_cipher.h"

namespace ecoplan::notification {

class RocksDbNotificationStore final : public NotificationStore {
 public:
  // The column families to pass to RocksDb::Open.
  static std::vector<std::string> ColumnFamilies();

  // `cipher` (may be null: secrets are then written in the clear) seals the subscriptions'
  // signing keys on every write and opens them on Load.
  explicit RocksDbNotificationStore(common::RocksDb* db, const SecretCipher* cipher = nullptr);

  absl::StatusOr<LoadedState> Load() override;
  absl::Status Commit(const Changes& changes) override;
  // Through RocksDb::CommitAsync, the group committer: `done` runs on its thread.
  void CommitAsync(const Changes& changes, std::function<void(absl::Status)> done) override;
  absl::StatusOr<Notification> GetNotification(uint64_t number) override;
  absl::StatusOr<bool> HasDedupKey(const std::string& key) override;
  absl::StatusOr<InboxPage> ListInbox(const std::string& organization_id, bool unread_only,
                                      Kind kind, int page_size,
                                      const std::string& page_token) override;
  absl::StatusOr<DeliveryPage> ListDeliveries(const std::string& subscription_id,
                                              DeliveryState state, int page_size,
                                              const std::string& page_token) override;
  absl::StatusOr<Delivery> GetDelivery(const std::string& subscription_id,
                                       uint64_t number) override;
  uint64_t LastEventSequence() const override;

  // The stored holidays of `year`; nullopt when none are. Not part of the
  // port: the progress follower compares what the progress service has now
  // with this at start. Errors: FailedPrecondition, DataLoss, Internal.
  absl::StatusOr<std::optional<HolidayYear>> GetHolidays(int year) const;

  // The write of `changes` (for followers, which add their cursor and commit
  // it themselves). Errors: Internal.
  absl::StatusOr<common::WriteRequest> Encode(const Changes& changes) const;

  // Seals with the cipher's current key every stored secret that is in the clear or sealed with
  // another key (in one write), then flushes and compacts the family so that the replaced values
  // leave the data directory. Returns how many subscriptions it rewrote (0 without a cipher).
  // Call at start, before traffic. Errors: FailedPrecondition (a key id the file no longer
  // holds), DataLoss, Internal.
  absl::StatusOr<int> ResealSecrets();

 private:
  // The parts of Load(), each adding to `state`. Errors: FailedPrecondition, DataLoss, Internal.
  absl::Status LoadConfiguration(LoadedState* state) const;
  absl::Status LoadViews(LoadedState* state) const;
  absl::Status LoadBookkeeping(LoadedState* state) const;
  absl::Status LoadPendingDeliveries(LoadedState* state) const;
  absl::Status LoadCounters(LoadedState* state) const;
  // The record's secrets sealed (in place; nothing without a cipher). Errors: Internal.
  absl::Status SealSecrets(storage::SubscriptionRecord* record) const;
  // The record's sealed secrets opened into `key`. Errors: FailedPrecondition (sealed but no
  // cipher, or an unknown key id), DataLoss (does not open).
  absl::Status OpenSecrets(storage::SubscriptionRecord* record) const;
  bool NeedsResealing(const storage::SubscriptionRecord& record) const;

  common::RocksDb* const db_;
  const SecretCipher* const cipher_;
};

}  // namespace ecoplan::notification
