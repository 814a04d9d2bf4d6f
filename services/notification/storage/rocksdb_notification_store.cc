#include "services/notification/storage/rocksdb_notification_store.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/events/event_log.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "ecoplan/notification/v1/notification_service.pb.h"
#include "services/notification/proto_mapping.h"
#include "services/notification/storage/notification_storage.pb.h"
#include "services/notification/storage/record_mapping.h"

namespace ecoplan::notification {
namespace {

constexpr char kCf[] = "notify";
using common::EncodeUint64;

template <typename Record>
std::string Serialize(const Record& record) {
  return record.SerializeAsString();
}

// Development builds before the storage records were protobuf wrote JSON
// objects. No protobuf record of ours starts with '{' (0x7B would be field 15
// as a group, which proto3 never writes), so the first byte tells them apart.
absl::Status CheckNotJson(const common::RocksDb* db, absl::string_view value,
                          absl::string_view key) {
  if (value.empty() || value.front() != '{') return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the notification data directory ", db->db()->GetName(),
      " was written by a development build that stored JSON records (found at key \"",
      absl::CHexEscape(key.substr(0, 80)),
      "\"); this build stores protobuf records and cannot read it. No release wrote that "
      "format: move the directory away and start with an empty one (the service relearns "
      "plans, reports and holidays from the registry and progress services)"));
}

// The stored record at `key`. Errors: FailedPrecondition (a JSON record of an
// older development build), DataLoss (not a record of this type).
template <typename Record>
absl::StatusOr<Record> ParseRecord(const common::RocksDb* db, absl::string_view value,
                                   absl::string_view key) {
  ECOPLAN_RETURN_IF_ERROR(CheckNotJson(db, value, key));
  Record record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("corrupt ", Record::descriptor()->name(), " at key \"",
                                            absl::CHexEscape(key.substr(0, 80)), "\" in ",
                                            db->db()->GetName()));
  }
  return record;
}

// The domain struct stored at `key`.
template <typename Record>
auto Decode(const common::RocksDb* db, absl::string_view value, absl::string_view key)
    -> absl::StatusOr<decltype(FromRecord(std::declval<Record>()))> {
  ECOPLAN_ASSIGN_OR_RETURN(Record record, ParseRecord<Record>(db, value, key));
  return FromRecord(record);
}

std::string Counter(uint64_t next) {
  storage::CounterRecord r;
  r.set_next_number(next);
  return Serialize(r);
}

std::string NotificationKey(uint64_t n) { return absl::StrCat("n/", EncodeUint64(n)); }
std::string InboxKey(const std::string& org, uint64_t n) {
  return absl::StrCat("i/", org, "/", EncodeUint64(n));
}
std::string UnreadKey(const std::string& org, uint64_t n) {
  return absl::StrCat("u/", org, "/", EncodeUint64(n));
}
std::string DeliveryKey(const std::string& sub, uint64_t n) {
  return absl::StrCat("d/", sub, "/", EncodeUint64(n));
}
std::string PendingKey(const std::string& sub, uint64_t n) {
  return absl::StrCat("p/", sub, "/", EncodeUint64(n));
}

// Calls fn(key, value) for every key with `prefix`, in order (reverse if asked),
// starting at `start` (inclusive) when given; stops when fn returns false.
template <typename Fn>
absl::Status Scan(common::RocksDb* db, const std::string& prefix, bool reverse,
                  const std::string& start, Fn fn) {
  rocksdb::ReadOptions options;
  const std::string upper = common::PrefixEnd(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::Slice lower_slice(prefix);
  options.iterate_upper_bound = &upper_slice;
  options.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->db()->NewIterator(options, db->Cf(kCf)));
  if (reverse) {
    if (start.empty())
      it->SeekToLast();
    else
      it->SeekForPrev(start);
  } else {
    if (start.empty())
      it->Seek(prefix);
    else
      it->Seek(start);
  }
  for (; it->Valid(); reverse ? it->Prev() : it->Next()) {
    if (!fn(it->key().ToString(), it->value())) break;
  }
  return common::FromRocksDb(it->status(), "scan");
}

}  // namespace

std::vector<std::string> RocksDbNotificationStore::ColumnFamilies() { return {kCf}; }

RocksDbNotificationStore::RocksDbNotificationStore(common::RocksDb* db, const SecretCipher* cipher)
    : db_(db), cipher_(cipher) {}

uint64_t RocksDbNotificationStore::LastEventSequence() const { return db_->LastEventSequence(); }

namespace {

using Id = const std::string&;
using Value = absl::string_view;
using Key = const std::string&;

// Calls handle(id, value, key) for every record under `prefix` (id = the key without it); stops at
// the first error.
template <typename Handle>
absl::Status ForEachRecord(common::RocksDb* db, const std::string& prefix, Handle handle) {
  absl::Status error;
  ECOPLAN_RETURN_IF_ERROR(
      Scan(db, prefix, false, "", [&](const std::string& key, rocksdb::Slice value) {
        error =
            handle(key.substr(prefix.size()), absl::string_view(value.data(), value.size()), key);
        return error.ok();
      }));
  return error;
}

}  // namespace

// Rules, installed defaults, subscriptions (with their request ids) and contacts.
absl::Status RocksDbNotificationStore::LoadConfiguration(LoadedState* state) const {
  // Rules first: every directory has them, so a JSON directory fails here, clearly.
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "r/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state->rules[id], Decode<storage::RuleRecord>(db_, v, key));
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "a/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_RETURN_IF_ERROR(ParseRecord<storage::DefaultRuleInstalledRecord>(db_, v, key).status());
    state->installed_default_rules.insert(id);
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "s/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(storage::SubscriptionRecord record,
                             ParseRecord<storage::SubscriptionRecord>(db_, v, key));
    ECOPLAN_RETURN_IF_ERROR(OpenSecrets(&record));
    Subscription s = FromRecord(record);
    if (!s.request_id.empty()) state->request_ids[s.request_id] = s.id;
    state->subscriptions[id] = std::move(s);
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "c/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state->contacts[id], Decode<storage::OrgContactsRecord>(db_, v, key));
    return absl::OkStatus();
  }));
  return absl::OkStatus();
}

// The local views: plans, holidays, submissions, checkpoints stated met, open supervision orders
// and problem items not closed.
absl::Status RocksDbNotificationStore::LoadViews(LoadedState* state) const {
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "v/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state->plans[id], Decode<storage::PlanViewRecord>(db_, v, key));
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "h/", [&](Id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(HolidayYear h, Decode<storage::HolidayYearRecord>(db_, v, key));
    state->holidays[h.year] = std::move(h);
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "m/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_RETURN_IF_ERROR(ParseRecord<storage::SubmissionRecord>(db_, v, key).status());
    state->submissions.insert(id);
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "t/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_RETURN_IF_ERROR(ParseRecord<storage::MetCheckpointRecord>(db_, v, key).status());
    state->met_statements.insert(id);
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "o/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state->supervision_orders[id],
                             Decode<storage::SupervisionOrderViewRecord>(db_, v, key));
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "l/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state->problems[id],
                             Decode<storage::ProblemItemViewRecord>(db_, v, key));
    return absl::OkStatus();
  }));
  return absl::OkStatus();
}

// Escalations, digest buckets, stream consumers and request ids (idempotency keys are looked up:
// HasDedupKey).
absl::Status RocksDbNotificationStore::LoadBookkeeping(LoadedState* state) const {
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "e/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state->escalations[id],
                             Decode<storage::EscalationRecord>(db_, v, key));
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "g/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state->digests[id], Decode<storage::DigestBucketRecord>(db_, v, key));
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "q/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(storage::StreamConsumerRecord r,
                             ParseRecord<storage::StreamConsumerRecord>(db_, v, key));
    state->stream_consumers[id] = StreamConsumer{r.acknowledged_sequence(), r.owner()};
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "x/", [&](Id id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(storage::RequestRecord r,
                             ParseRecord<storage::RequestRecord>(db_, v, key));
    state->request_ids[id] = r.resource();
    return absl::OkStatus();
  }));
  return absl::OkStatus();
}

// The pending deliveries, in delivery-number order.
absl::Status RocksDbNotificationStore::LoadPendingDeliveries(LoadedState* state) const {
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "p/", [&](Id id, Value, Key) -> absl::Status {
    // "<subscription>/<8 bytes>": the number's bytes may include '/'.
    if (id.size() < 10 || id[id.size() - 9] != '/') return absl::DataLossError("bad pending key");
    const std::string sub = id.substr(0, id.size() - 9);
    const uint64_t n = common::DecodeUint64(id.substr(id.size() - 8)).value_or(0);
    const std::string key = DeliveryKey(sub, n);
    ECOPLAN_ASSIGN_OR_RETURN(std::string v, db_->Get(kCf, key));
    ECOPLAN_ASSIGN_OR_RETURN(Delivery d, Decode<storage::DeliveryRecord>(db_, v, key));
    state->pending_deliveries.push_back(std::move(d));
    return absl::OkStatus();
  }));
  std::sort(state->pending_deliveries.begin(), state->pending_deliveries.end(),
            [](const Delivery& a, const Delivery& b) { return a.number < b.number; });
  return absl::OkStatus();
}

// The next notification, delivery and subscription numbers.
absl::Status RocksDbNotificationStore::LoadCounters(LoadedState* state) const {
  auto counter = [&](const char* name, uint64_t* out) -> absl::Status {
    const std::string key = absl::StrCat("#/", name);
    absl::StatusOr<std::string> v = db_->Get(kCf, key);
    if (absl::IsNotFound(v.status())) return absl::OkStatus();
    if (!v.ok()) return v.status();
    ECOPLAN_ASSIGN_OR_RETURN(storage::CounterRecord r,
                             ParseRecord<storage::CounterRecord>(db_, *v, key));
    *out = r.next_number();
    return absl::OkStatus();
  };
  ECOPLAN_RETURN_IF_ERROR(counter("notification", &state->next_notification_number));
  ECOPLAN_RETURN_IF_ERROR(counter("delivery", &state->next_delivery_number));
  ECOPLAN_RETURN_IF_ERROR(counter("subscription", &state->next_subscription_number));
  return absl::OkStatus();
}

absl::StatusOr<LoadedState> RocksDbNotificationStore::Load() {
  LoadedState state;
  ECOPLAN_RETURN_IF_ERROR(LoadConfiguration(&state));
  ECOPLAN_RETURN_IF_ERROR(LoadViews(&state));
  ECOPLAN_RETURN_IF_ERROR(LoadBookkeeping(&state));
  ECOPLAN_RETURN_IF_ERROR(LoadPendingDeliveries(&state));
  ECOPLAN_RETURN_IF_ERROR(LoadCounters(&state));
  return state;
}

absl::StatusOr<std::optional<HolidayYear>> RocksDbNotificationStore::GetHolidays(int year) const {
  const std::string key = absl::StrFormat("h/%04d", year);
  absl::StatusOr<std::string> v = db_->Get(kCf, key);
  if (absl::IsNotFound(v.status())) return std::optional<HolidayYear>();
  if (!v.ok()) return v.status();
  ECOPLAN_ASSIGN_OR_RETURN(HolidayYear h, Decode<storage::HolidayYearRecord>(db_, *v, key));
  return std::optional<HolidayYear>(std::move(h));
}

namespace {

// Puts and deletes the records of one change in the "notify" family (index entries are keys with
// an empty value).
class BatchWriter {
 public:
  BatchWriter(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* cf)
      : batch_(batch), cf_(cf) {}
  void Put(const std::string& key, const std::string& value) { batch_->Put(cf_, key, value); }
  void PutIndex(const std::string& key) { batch_->Put(cf_, key, ""); }
  void Delete(const std::string& key) { batch_->Delete(cf_, key); }
  void DeletePrefix(const std::string& prefix) {
    batch_->DeleteRange(cf_, prefix, common::PrefixEnd(prefix));
  }

 private:
  rocksdb::WriteBatch* const batch_;
  rocksdb::ColumnFamilyHandle* const cf_;
};

// Notifications with their inbox and unread entries, and the idempotency keys.
void WriteNotifications(const Changes& c, BatchWriter& w) {
  for (const Notification& n : c.notifications) {
    w.Put(NotificationKey(n.number), Serialize(ToRecord(n)));
    w.PutIndex(InboxKey(n.recipient, n.number));
    if (n.read_time.has_value())
      w.Delete(UnreadKey(n.recipient, n.number));
    else
      w.PutIndex(UnreadKey(n.recipient, n.number));
  }
  for (const auto& [key, number] : c.dedup_keys) {
    storage::DedupRecord r;
    r.set_notification_number(number);
    w.Put(absl::StrCat("k/", key), Serialize(r));
  }
}

// Rules (and the defaults installed), subscriptions (a deleted one with its deliveries) and
// deliveries with their pending entries.
void WriteRulesAndSubscriptions(const Changes& c, BatchWriter& w) {
  for (const Rule& r : c.rules) w.Put(absl::StrCat("r/", r.id), Serialize(ToRecord(r)));
  for (const std::string& id : c.deleted_rules) w.Delete(absl::StrCat("r/", id));
  for (const std::string& id : c.installed_default_rules) {
    w.Put(absl::StrCat("a/", id), Serialize(storage::DefaultRuleInstalledRecord()));
  }
  // Subscriptions: RocksDbNotificationStore::Encode (their secrets are sealed).
  for (const std::string& id : c.deleted_subscriptions) {
    w.Delete(absl::StrCat("s/", id));
    for (const char* prefix : {"d/", "p/"}) w.DeletePrefix(absl::StrCat(prefix, id, "/"));
  }
  for (const Delivery& d : c.deliveries) {
    w.Put(DeliveryKey(d.subscription_id, d.number), Serialize(ToRecord(d)));
    if (d.state == DeliveryState::kPending)
      w.PutIndex(PendingKey(d.subscription_id, d.number));
    else
      w.Delete(PendingKey(d.subscription_id, d.number));
  }
}

// What the notifier decides with: contacts, the local views of plans, holidays, submissions and
// checkpoints stated met, escalations and digest buckets.
void WriteViewsAndSchedule(const Changes& c, BatchWriter& w) {
  for (const OrgContacts& oc : c.contacts) {
    w.Put(absl::StrCat("c/", oc.organization_id), Serialize(ToRecord(oc)));
  }
  for (const PlanView& p : c.plans) w.Put(absl::StrCat("v/", p.plan_id), Serialize(ToRecord(p)));
  for (const HolidayYear& h : c.holidays) {
    w.Put(absl::StrFormat("h/%04d", h.year), Serialize(ToRecord(h)));
  }
  for (const std::string& s : c.submissions) {
    w.Put(absl::StrCat("m/", s), Serialize(storage::SubmissionRecord()));
  }
  for (const std::string& s : c.deleted_met_statements) w.Delete(absl::StrCat("t/", s));
  for (const std::string& s : c.met_statements) {
    w.Put(absl::StrCat("t/", s), Serialize(storage::MetCheckpointRecord()));
  }
  for (const SupervisionOrderView& o : c.supervision_orders) {
    w.Put(absl::StrCat("o/", o.name), Serialize(ToRecord(o)));
  }
  for (const std::string& k : c.deleted_supervision_orders) w.Delete(absl::StrCat("o/", k));
  for (const ProblemItemView& p : c.problems) {
    w.Put(absl::StrCat("l/", p.name), Serialize(ToRecord(p)));
  }
  for (const std::string& k : c.deleted_problems) w.Delete(absl::StrCat("l/", k));
  for (const Escalation& e : c.escalations) {
    w.Put(absl::StrCat("e/", e.key), Serialize(ToRecord(e)));
  }
  for (const std::string& k : c.deleted_escalations) w.Delete(absl::StrCat("e/", k));
  for (const std::string& k : c.deleted_digests) w.Delete(absl::StrCat("g/", k));
  for (const DigestBucket& b : c.digests) {
    w.Put(absl::StrCat("g/", DigestKey(b.recipient, b.rule_id)), Serialize(ToRecord(b)));
  }
}

// Stream consumers' positions, request ids and the counters.
void WriteBookkeeping(const Changes& c, BatchWriter& w) {
  for (const auto& [id, consumer] : c.stream_consumers) {
    storage::StreamConsumerRecord r;
    r.set_acknowledged_sequence(consumer.position);
    r.set_owner(consumer.owner);
    w.Put(absl::StrCat("q/", id), Serialize(r));
  }
  for (const auto& [req, resource] : c.request_ids) {
    storage::RequestRecord r;
    r.set_resource(resource);
    w.Put(absl::StrCat("x/", req), Serialize(r));
  }
  if (c.next_notification_number) w.Put("#/notification", Counter(c.next_notification_number));
  if (c.next_delivery_number) w.Put("#/delivery", Counter(c.next_delivery_number));
  if (c.next_subscription_number) w.Put("#/subscription", Counter(c.next_subscription_number));
}

// NotificationCreated / NotificationAcknowledged of a notification of the change (`by_number`:
// the change's notifications). Errors: Internal (the notification is not in the change).
absl::StatusOr<common::v1::Event> NotificationEvent(
    const std::map<uint64_t, const Notification*>& by_number, const ChangeEvent& e) {
  auto it = by_number.find(e.notification_number);
  if (it == by_number.end())
    return absl::InternalError("event of a notification not in the change");
  const Notification* n = it->second;
  const v1::Notification proto = ToProto(*n);
  if (e.type == ChangeEvent::Type::kNotificationCreated) {
    v1::NotificationCreated payload;
    *payload.mutable_notification() = proto;
    return common::MakeEvent(payload, proto.name());
  }
  v1::NotificationAcknowledged payload;
  *payload.mutable_notification() = proto;
  return common::MakeEvent(payload, proto.name(), "", n->acknowledged_by);
}

// RuleChanged: the rule as the change writes it, or only its name (deleted).
common::v1::Event RuleChangedEvent(const Changes& c, const ChangeEvent& e) {
  v1::RuleChanged payload;
  payload.set_deleted(e.deleted);
  bool found = false;
  for (const Rule& r : c.rules) {
    if (r.id == e.rule_id) {
      *payload.mutable_rule() = ToProto(r);
      found = true;
    }
  }
  if (!found) payload.mutable_rule()->set_name(absl::StrCat("rules/", e.rule_id));
  return common::MakeEvent(payload, absl::StrCat("rules/", e.rule_id));
}

// SubscriptionChanged: the subscription as the change writes it, or only its name (deleted).
common::v1::Event SubscriptionChangedEvent(const Changes& c, const ChangeEvent& e) {
  v1::SubscriptionChanged payload;
  payload.set_deleted(e.deleted);
  bool found = false;
  for (const Subscription& s : c.subscriptions) {
    if (s.id == e.subscription_id) {
      *payload.mutable_subscription() = ToProto(s, 0);
      found = true;
    }
  }
  if (!found) {
    payload.mutable_subscription()->set_name(absl::StrCat("subscriptions/", e.subscription_id));
  }
  return common::MakeEvent(payload, absl::StrCat("subscriptions/", e.subscription_id));
}

// ContactsChanged: the organization, the new etag and how many contacts (never the contacts:
// personal data).
common::v1::Event ContactsChangedEvent(const Changes& c, const ChangeEvent& e) {
  v1::ContactsChanged payload;
  payload.set_organization(absl::StrCat("organizations/", e.organization_id));
  for (const OrgContacts& contacts : c.contacts) {
    if (contacts.organization_id != e.organization_id) continue;
    payload.set_etag(absl::StrCat("c", contacts.revision));
    payload.set_contact_count(static_cast<int32_t>(contacts.contacts.size()));
  }
  return common::MakeEvent(payload, payload.organization());
}

// DeliveryReplayed: the new delivery as the change writes it.
common::v1::Event DeliveryReplayedEvent(const Changes& c, const ChangeEvent& e) {
  v1::DeliveryReplayed payload;
  for (const Delivery& d : c.deliveries) {
    if (d.subscription_id == e.subscription_id && d.number == e.delivery_number) {
      *payload.mutable_delivery() = ToProto(d);
    }
  }
  const std::string resource = payload.delivery().name().empty()
                                   ? absl::StrCat("subscriptions/", e.subscription_id)
                                   : payload.delivery().name();
  return common::MakeEvent(payload, resource);
}

// StreamConsumerMoved: the consumer's position before and after, and its owner.
common::v1::Event StreamConsumerMovedEvent(const Changes& c, const ChangeEvent& e) {
  v1::StreamConsumerMoved payload;
  payload.set_consumer(absl::StrCat("streamConsumers/", e.consumer));
  payload.set_previous_sequence(e.previous_position);
  auto it = c.stream_consumers.find(e.consumer);
  if (it != c.stream_consumers.end()) {
    payload.set_sequence(it->second.position);
    payload.set_owner(it->second.owner);
  }
  return common::MakeEvent(payload, payload.consumer());
}

// The associated data of a subscription's sealed secrets: a sealed key moved to another record
// does not open.
std::string SecretAssociatedData(const std::string& subscription_id) {
  return absl::StrCat("webhook-secret:", subscription_id);
}

}  // namespace

absl::Status RocksDbNotificationStore::SealSecrets(storage::SubscriptionRecord* record) const {
  if (cipher_ == nullptr) return absl::OkStatus();  // in the clear (warned about at start)
  const std::string associated = SecretAssociatedData(record->id());
  for (storage::SecretRecord& secret : *record->mutable_secrets()) {
    if (secret.key().empty()) continue;
    ECOPLAN_ASSIGN_OR_RETURN(SecretCipher::Sealed sealed, cipher_->Seal(secret.key(), associated));
    secret.set_sealed_key(std::move(sealed.bytes));
    secret.set_sealing_key_id(std::move(sealed.key_id));
    secret.clear_key();
  }
  return absl::OkStatus();
}

absl::Status RocksDbNotificationStore::OpenSecrets(storage::SubscriptionRecord* record) const {
  const std::string associated = SecretAssociatedData(record->id());
  for (storage::SecretRecord& secret : *record->mutable_secrets()) {
    if (secret.sealed_key().empty()) continue;  // in the clear (older, or without a key file)
    if (cipher_ == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "subscriptions/", record->id(), " has secrets sealed with key \"",
          secret.sealing_key_id(),
          "\": start notification_server with --webhook_secret_key_file naming that key"));
    }
    absl::StatusOr<std::string> key =
        cipher_->Open({secret.sealing_key_id(), secret.sealed_key()}, associated);
    if (!key.ok()) {
      return absl::Status(key.status().code(), absl::StrCat("subscriptions/", record->id(), ": ",
                                                            key.status().message()));
    }
    secret.set_key(*std::move(key));
  }
  return absl::OkStatus();
}

bool RocksDbNotificationStore::NeedsResealing(const storage::SubscriptionRecord& record) const {
  if (cipher_ == nullptr) return false;
  for (const storage::SecretRecord& secret : record.secrets()) {
    if (!secret.key().empty() ||
        (!secret.sealed_key().empty() && secret.sealing_key_id() != cipher_->current_key_id())) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<int> RocksDbNotificationStore::ResealSecrets() {
  if (cipher_ == nullptr) return 0;
  common::WriteRequest w;
  BatchWriter writer(&w.batch, db_->Cf(kCf));
  int resealed = 0;
  ECOPLAN_RETURN_IF_ERROR(ForEachRecord(db_, "s/", [&](Id, Value v, Key key) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(storage::SubscriptionRecord record,
                             ParseRecord<storage::SubscriptionRecord>(db_, v, key));
    if (!NeedsResealing(record)) return absl::OkStatus();
    ECOPLAN_RETURN_IF_ERROR(OpenSecrets(&record));
    ECOPLAN_RETURN_IF_ERROR(SealSecrets(&record));
    writer.Put(key, Serialize(record));
    ++resealed;
    return absl::OkStatus();
  }));
  if (resealed == 0) return 0;
  ECOPLAN_RETURN_IF_ERROR(db_->Commit(std::move(w)).status());
  // The clear values just overwritten stay in the memtable, the WAL and older SST files until
  // compacted away: flush and compact the family now, so that they leave the data directory.
  rocksdb::FlushOptions flush;
  ECOPLAN_RETURN_IF_ERROR(common::FromRocksDb(db_->db()->Flush(flush, db_->Cf(kCf)), "flush"));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  ECOPLAN_RETURN_IF_ERROR(common::FromRocksDb(
      db_->db()->CompactRange(compact, db_->Cf(kCf), nullptr, nullptr), "compact"));
  return resealed;
}

absl::StatusOr<common::WriteRequest> RocksDbNotificationStore::Encode(const Changes& c) const {
  common::WriteRequest w;
  BatchWriter writer(&w.batch, db_->Cf(kCf));
  WriteNotifications(c, writer);
  for (const Subscription& s : c.subscriptions) {
    storage::SubscriptionRecord record = ToRecord(s);
    ECOPLAN_RETURN_IF_ERROR(SealSecrets(&record));
    writer.Put(absl::StrCat("s/", s.id), Serialize(record));
  }
  WriteRulesAndSubscriptions(c, writer);
  WriteViewsAndSchedule(c, writer);
  WriteBookkeeping(c, writer);
  std::map<uint64_t, const Notification*> by_number;
  for (const Notification& n : c.notifications) by_number[n.number] = &n;
  for (const ChangeEvent& e : c.events) {
    switch (e.type) {
      case ChangeEvent::Type::kNotificationCreated:
      case ChangeEvent::Type::kNotificationAcknowledged: {
        ECOPLAN_ASSIGN_OR_RETURN(common::v1::Event event, NotificationEvent(by_number, e));
        w.events.push_back(std::move(event));
        break;
      }
      case ChangeEvent::Type::kRuleChanged:
        w.events.push_back(RuleChangedEvent(c, e));
        break;
      case ChangeEvent::Type::kSubscriptionChanged:
        w.events.push_back(SubscriptionChangedEvent(c, e));
        break;
      case ChangeEvent::Type::kNotificationRead: {
        auto it = by_number.find(e.notification_number);
        if (it == by_number.end()) {
          return absl::InternalError("event of a notification not in the change");
        }
        v1::NotificationRead payload;
        *payload.mutable_notification() = ToProto(*it->second);
        w.events.push_back(common::MakeEvent(payload, payload.notification().name()));
        break;
      }
      case ChangeEvent::Type::kContactsChanged:
        w.events.push_back(ContactsChangedEvent(c, e));
        break;
      case ChangeEvent::Type::kDeliveryReplayed:
        w.events.push_back(DeliveryReplayedEvent(c, e));
        break;
      case ChangeEvent::Type::kStreamConsumerMoved:
        w.events.push_back(StreamConsumerMovedEvent(c, e));
        break;
    }
  }
  // Who made the change, for the audit log (an event that names its actor keeps it).
  for (common::v1::Event& event : w.events) {
    if (event.actor().empty()) event.set_actor(c.actor);
    if (event.request_id().empty()) event.set_request_id(c.request_id);
  }
  return w;
}

absl::Status RocksDbNotificationStore::Commit(const Changes& changes) {
  ECOPLAN_ASSIGN_OR_RETURN(common::WriteRequest w, Encode(changes));
  return db_->Commit(std::move(w)).status();
}

void RocksDbNotificationStore::CommitAsync(const Changes& changes,
                                           std::function<void(absl::Status)> done) {
  absl::StatusOr<common::WriteRequest> w = Encode(changes);
  if (!w.ok()) {
    done(w.status());
    return;
  }
  db_->CommitAsync(std::move(*w),
                   [done = std::move(done)](absl::StatusOr<common::CommitResult> committed) {
                     done(committed.status());
                   });
}

absl::StatusOr<Notification> RocksDbNotificationStore::GetNotification(uint64_t number) {
  absl::StatusOr<std::string> v = db_->Get(kCf, NotificationKey(number));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(
        absl::StrCat("notifications/", NotificationId(number), " not found"));
  }
  if (!v.ok()) return v.status();
  return Decode<storage::NotificationRecord>(db_, *v, NotificationKey(number));
}

absl::StatusOr<bool> RocksDbNotificationStore::HasDedupKey(const std::string& key) {
  const std::string stored_key = absl::StrCat("k/", key);
  absl::StatusOr<std::string> v = db_->Get(kCf, stored_key);
  if (absl::IsNotFound(v.status())) return false;
  if (!v.ok()) return v.status();
  ECOPLAN_RETURN_IF_ERROR(ParseRecord<storage::DedupRecord>(db_, *v, stored_key).status());
  return true;
}

absl::StatusOr<InboxPage> RocksDbNotificationStore::ListInbox(const std::string& org,
                                                              bool unread_only, Kind kind,
                                                              int page_size,
                                                              const std::string& page_token) {
  InboxPage page;
  uint64_t before = UINT64_MAX;
  if (!page_token.empty()) {
    std::optional<uint64_t> t = common::DecodeUint64(absl::HexStringToBytes(page_token));
    if (!t.has_value() || page_token.size() != 16) {
      return absl::InvalidArgumentError("page_token is not a token this service returned");
    }
    before = *t;
  }
  const std::string prefix = absl::StrCat(unread_only ? "u/" : "i/", org, "/");
  const std::string start =
      before == UINT64_MAX ? "" : absl::StrCat(prefix, EncodeUint64(before - 1));
  absl::Status error;
  size_t scanned = 0;
  ECOPLAN_RETURN_IF_ERROR(
      Scan(db_, prefix, true, start, [&](const std::string& key, rocksdb::Slice) {
        const uint64_t n =
            common::DecodeUint64(absl::string_view(key).substr(prefix.size())).value_or(0);
        if (page.notifications.size() >= static_cast<size_t>(page_size) || ++scanned > 10000) {
          page.next_page_token = absl::BytesToHexString(EncodeUint64(n + 1));
          return false;
        }
        absl::StatusOr<Notification> notification = GetNotification(n);
        if (!notification.ok()) {
          error = notification.status();
          return false;
        }
        if (kind == Kind::kUnspecified || notification->kind == kind) {
          page.notifications.push_back(std::move(*notification));
        }
        return true;
      }));
  ECOPLAN_RETURN_IF_ERROR(error);
  const std::string unread_prefix = absl::StrCat("u/", org, "/");
  ECOPLAN_RETURN_IF_ERROR(
      Scan(db_, unread_prefix, false, "", [&](const std::string&, rocksdb::Slice) {
        ++page.unread_count;
        return true;
      }));
  return page;
}

absl::StatusOr<DeliveryPage> RocksDbNotificationStore::ListDeliveries(
    const std::string& sub, DeliveryState state, int page_size, const std::string& page_token) {
  DeliveryPage page;
  uint64_t after = 0;
  if (!page_token.empty()) {
    std::optional<uint64_t> t = common::DecodeUint64(absl::HexStringToBytes(page_token));
    if (!t.has_value() || page_token.size() != 16) {
      return absl::InvalidArgumentError("page_token is not a token this service returned");
    }
    after = *t;
  }
  const std::string prefix = absl::StrCat("d/", sub, "/");
  absl::Status error;
  ECOPLAN_RETURN_IF_ERROR(Scan(db_, prefix, false, absl::StrCat(prefix, EncodeUint64(after)),
                               [&](const std::string& key, rocksdb::Slice value) {
                                 absl::StatusOr<Delivery> d = Decode<storage::DeliveryRecord>(
                                     db_, absl::string_view(value.data(), value.size()), key);
                                 if (!d.ok()) {
                                   error = d.status();
                                   return false;
                                 }
                                 if (page.deliveries.size() >= static_cast<size_t>(page_size)) {
                                   page.next_page_token =
                                       absl::BytesToHexString(EncodeUint64(d->number));
                                   return false;
                                 }
                                 if (state == DeliveryState::kUnspecified || d->state == state)
                                   page.deliveries.push_back(*d);
                                 return true;
                               }));
  ECOPLAN_RETURN_IF_ERROR(error);
  return page;
}

absl::StatusOr<Delivery> RocksDbNotificationStore::GetDelivery(const std::string& sub,
                                                               uint64_t number) {
  absl::StatusOr<std::string> v = db_->Get(kCf, DeliveryKey(sub, number));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(
        absl::StrCat("subscriptions/", sub, "/deliveries/", number, " not found"));
  }
  if (!v.ok()) return v.status();
  return Decode<storage::DeliveryRecord>(db_, *v, DeliveryKey(sub, number));
}

}  // namespace ecoplan::notification
