#include "services/notification/storage/rocksdb_notification_store.h"

#include <rocksdb/iterator.h>

#include <memory>
#include <nlohmann/json.hpp>
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

// JSON of the types the domain uses that nlohmann does not know.
namespace nlohmann {
template <typename T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& v) {
    if (v.has_value()) j = *v; else j = nullptr;
  }
  static void from_json(const json& j, std::optional<T>& v) {
    if (j.is_null()) v.reset(); else v = j.get<T>();
  }
};
template <>
struct adl_serializer<absl::Time> {
  static void to_json(json& j, const absl::Time& t) {
    j = t == absl::InfinitePast() ? INT64_MIN : absl::ToUnixMicros(t);
  }
  static void from_json(const json& j, absl::Time& t) {
    const int64_t us = j.get<int64_t>();
    t = us == INT64_MIN ? absl::InfinitePast() : absl::FromUnixMicros(us);
  }
};
template <>
struct adl_serializer<absl::Duration> {
  static void to_json(json& j, const absl::Duration& d) { j = absl::ToInt64Microseconds(d); }
  static void from_json(const json& j, absl::Duration& d) { d = absl::Microseconds(j.get<int64_t>()); }
};
template <>
struct adl_serializer<absl::CivilDay> {
  static void to_json(json& j, const absl::CivilDay& d) {
    j = absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
  }
  static void from_json(const json& j, absl::CivilDay& d) {
    absl::ParseCivilTime(j.get<std::string>(), &d);
  }
};
}  // namespace nlohmann

namespace ecoplan::notification {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Contact, level, display_name, address)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OrgContacts, organization_id, contacts, revision)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DigestItem, resource, title, kind)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Notification, number, kind, severity, recipient,
                                                recipient_display_name, level, contacts, plan_id,
                                                resource, title, body, rule_id, schedule_key, event,
                                                explanation, period, digest_items, escalation_key,
                                                create_time, read_time, acknowledge_time,
                                                acknowledged_by)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Rule, id, kind, severity, enabled, lead_days,
                                                escalation_grace_working_days, digest_window,
                                                muted_until, organization_mutes, description,
                                                revision, update_time)
// The key bytes are binary: base64 in JSON.
void to_json(nlohmann::json& j, const Secret& s) {
  j = nlohmann::json{{"key", absl::Base64Escape(s.key)},
                     {"fingerprint", s.fingerprint},
                     {"create_time", s.create_time},
                     {"expire_time", s.expire_time}};
}
void from_json(const nlohmann::json& j, Secret& s) {
  absl::Base64Unescape(j.value("key", std::string()), &s.key);
  s.fingerprint = j.value("fingerprint", std::string());
  if (j.contains("create_time")) j.at("create_time").get_to(s.create_time);
  if (j.contains("expire_time")) j.at("expire_time").get_to(s.expire_time);
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Subscription, id, url, description, kinds, plans,
                                                organizations, severities, state, state_reason,
                                                secrets, revision, create_time, request_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DeliveryAttempt, time, status_code, latency, error)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Delivery, subscription_id, number,
                                                notification_number, webhook_id, state,
                                                create_time, next_attempt_time, first_attempt_time,
                                                attempts, attempt_count)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MeasureView, id, title, due, lead_organizations,
                                                responsible_organizations, completed)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DueRule, day_of_month, nth_working_day,
                                                month_offset)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PlanView, plan_id, title, year, time_zone,
                                                issue_date, bureau_organization, monthly_due,
                                                quarterly_summaries, half_year_summaries,
                                                annual_summary, summary_due, measures,
                                                organization_names)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HolidayYear, year, holidays, make_up_workdays)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Escalation, key, rule_id, kind, plan_id,
                                                organization_id, resource, period, title, level,
                                                level_since, acknowledged)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DigestBucket, recipient, rule_id, plan_id,
                                                window_start, items)

namespace {

constexpr char kCf[] = "notify";
using common::EncodeUint64;
using nlohmann::json;

template <typename T>
std::string ToJson(const T& value) {
  // Strings come from validated protos; replace rather than throw if one is not UTF-8.
  return json(value).dump(-1, ' ', false, json::error_handler_t::replace);
}

template <typename T>
absl::StatusOr<T> FromJson(absl::string_view text, absl::string_view key) {
  try {
    return json::parse(text.begin(), text.end()).get<T>();
  } catch (const std::exception& e) {
    return absl::DataLossError(absl::StrCat("corrupt record ", key, ": ", e.what()));
  }
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
    if (start.empty()) it->SeekToLast(); else it->SeekForPrev(start);
  } else {
    if (start.empty()) it->Seek(prefix); else it->Seek(start);
  }
  for (; it->Valid(); reverse ? it->Prev() : it->Next()) {
    if (!fn(it->key().ToString(), it->value())) break;
  }
  return common::FromRocksDb(it->status(), "scan");
}

}  // namespace

std::vector<std::string> RocksDbNotificationStore::ColumnFamilies() { return {kCf}; }

RocksDbNotificationStore::RocksDbNotificationStore(common::RocksDb* db) : db_(db) {}

uint64_t RocksDbNotificationStore::LastEventSequence() const { return db_->LastEventSequence(); }

absl::StatusOr<LoadedState> RocksDbNotificationStore::Load() {
  LoadedState state;
  absl::Status error;
  auto load = [&](const std::string& prefix, auto handle) {
    return Scan(db_, prefix, false, "", [&](const std::string& key, rocksdb::Slice value) {
      absl::Status s = handle(key.substr(prefix.size()), absl::string_view(value.data(), value.size()));
      if (!s.ok()) {
        error = s;
        return false;
      }
      return true;
    });
  };
  ECOPLAN_RETURN_IF_ERROR(load("r/", [&](const std::string& id, absl::string_view v) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state.rules[id], FromJson<Rule>(v, id));
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(load("s/", [&](const std::string& id, absl::string_view v) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(Subscription s, FromJson<Subscription>(v, id));
    if (!s.request_id.empty()) state.request_ids[s.request_id] = s.id;
    state.subscriptions[id] = std::move(s);
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(load("c/", [&](const std::string& id, absl::string_view v) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state.contacts[id], FromJson<OrgContacts>(v, id));
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(load("v/", [&](const std::string& id, absl::string_view v) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state.plans[id], FromJson<PlanView>(v, id));
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(load("h/", [&](const std::string& id, absl::string_view v) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(HolidayYear h, FromJson<HolidayYear>(v, id));
    state.holidays[h.year] = std::move(h);
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(load("m/", [&](const std::string& id, absl::string_view) -> absl::Status {
    state.submissions.insert(id);
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(load("e/", [&](const std::string& id, absl::string_view v) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state.escalations[id], FromJson<Escalation>(v, id));
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(load("g/", [&](const std::string& id, absl::string_view v) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(state.digests[id], FromJson<DigestBucket>(v, id));
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(load("k/", [&](const std::string& id, absl::string_view) -> absl::Status {
    state.dedup_keys.insert(id);
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(load("q/", [&](const std::string& id, absl::string_view v) -> absl::Status {
    state.stream_consumers[id] = common::DecodeUint64(v).value_or(0);
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(load("x/", [&](const std::string& id, absl::string_view v) -> absl::Status {
    state.request_ids[id] = std::string(v);
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(load("p/", [&](const std::string& key, absl::string_view) -> absl::Status {
    // "<subscription>/<8 bytes>": the number's bytes may include '/'.
    if (key.size() < 10 || key[key.size() - 9] != '/') return absl::DataLossError("bad pending key");
    const std::string sub = key.substr(0, key.size() - 9);
    const uint64_t n = common::DecodeUint64(key.substr(key.size() - 8)).value_or(0);
    ECOPLAN_ASSIGN_OR_RETURN(std::string v, db_->Get(kCf, DeliveryKey(sub, n)));
    ECOPLAN_ASSIGN_OR_RETURN(Delivery d, FromJson<Delivery>(v, key));
    state.pending_deliveries.push_back(std::move(d));
    return absl::OkStatus();
  }));
  ECOPLAN_RETURN_IF_ERROR(error);
  std::sort(state.pending_deliveries.begin(), state.pending_deliveries.end(),
            [](const Delivery& a, const Delivery& b) { return a.number < b.number; });
  auto counter = [&](const char* name, uint64_t* out) -> absl::Status {
    absl::StatusOr<std::string> v = db_->Get(kCf, absl::StrCat("#/", name));
    if (absl::IsNotFound(v.status())) return absl::OkStatus();
    if (!v.ok()) return v.status();
    *out = common::DecodeUint64(*v).value_or(1);
    return absl::OkStatus();
  };
  ECOPLAN_RETURN_IF_ERROR(counter("notification", &state.next_notification_number));
  ECOPLAN_RETURN_IF_ERROR(counter("delivery", &state.next_delivery_number));
  ECOPLAN_RETURN_IF_ERROR(counter("subscription", &state.next_subscription_number));
  return state;
}

absl::StatusOr<common::WriteRequest> RocksDbNotificationStore::Encode(const Changes& c) const {
  common::WriteRequest w;
  rocksdb::ColumnFamilyHandle* cf = db_->Cf(kCf);
  auto put = [&](const std::string& k, const std::string& v) { return w.batch.Put(cf, k, v); };
  auto del = [&](const std::string& k) { return w.batch.Delete(cf, k); };
  std::map<uint64_t, const Notification*> by_number;
  for (const Notification& n : c.notifications) {
    by_number[n.number] = &n;
    put(NotificationKey(n.number), ToJson(n));
    put(InboxKey(n.recipient, n.number), "");
    if (n.read_time.has_value()) del(UnreadKey(n.recipient, n.number));
    else put(UnreadKey(n.recipient, n.number), "");
  }
  for (const auto& [key, number] : c.dedup_keys) put(absl::StrCat("k/", key), EncodeUint64(number));
  for (const Rule& r : c.rules) put(absl::StrCat("r/", r.id), ToJson(r));
  for (const std::string& id : c.deleted_rules) del(absl::StrCat("r/", id));
  for (const Subscription& s : c.subscriptions) put(absl::StrCat("s/", s.id), ToJson(s));
  for (const std::string& id : c.deleted_subscriptions) {
    del(absl::StrCat("s/", id));
    for (const char* prefix : {"d/", "p/"}) {
      const std::string start = absl::StrCat(prefix, id, "/");
      w.batch.DeleteRange(cf, start, common::PrefixEnd(start));
    }
  }
  for (const Delivery& d : c.deliveries) {
    put(DeliveryKey(d.subscription_id, d.number), ToJson(d));
    if (d.state == DeliveryState::kPending) put(PendingKey(d.subscription_id, d.number), "");
    else del(PendingKey(d.subscription_id, d.number));
  }
  for (const OrgContacts& oc : c.contacts) put(absl::StrCat("c/", oc.organization_id), ToJson(oc));
  for (const PlanView& p : c.plans) put(absl::StrCat("v/", p.plan_id), ToJson(p));
  for (const HolidayYear& h : c.holidays) put(absl::StrFormat("h/%04d", h.year), ToJson(h));
  for (const std::string& s : c.submissions) put(absl::StrCat("m/", s), "");
  for (const Escalation& e : c.escalations) put(absl::StrCat("e/", e.key), ToJson(e));
  for (const std::string& k : c.deleted_escalations) del(absl::StrCat("e/", k));
  for (const std::string& k : c.deleted_digests) del(absl::StrCat("g/", k));
  for (const DigestBucket& b : c.digests) put(absl::StrCat("g/", DigestKey(b.recipient, b.rule_id)), ToJson(b));
  for (const auto& [consumer, seq] : c.stream_consumers) put(absl::StrCat("q/", consumer), EncodeUint64(seq));
  for (const auto& [req, id] : c.request_ids) put(absl::StrCat("x/", req), id);
  if (c.next_notification_number) put("#/notification", EncodeUint64(c.next_notification_number));
  if (c.next_delivery_number) put("#/delivery", EncodeUint64(c.next_delivery_number));
  if (c.next_subscription_number) put("#/subscription", EncodeUint64(c.next_subscription_number));
  for (const ChangeEvent& e : c.events) {
    switch (e.type) {
      case ChangeEvent::Type::kNotificationCreated:
      case ChangeEvent::Type::kNotificationAcknowledged: {
        auto it = by_number.find(e.notification_number);
        if (it == by_number.end()) return absl::InternalError("event of a notification not in the change");
        const v1::Notification proto = ToProto(*it->second);
        if (e.type == ChangeEvent::Type::kNotificationCreated) {
          v1::NotificationCreated payload;
          *payload.mutable_notification() = proto;
          w.events.push_back(common::MakeEvent(payload, proto.name()));
        } else {
          v1::NotificationAcknowledged payload;
          *payload.mutable_notification() = proto;
          w.events.push_back(common::MakeEvent(payload, proto.name(), "", it->second->acknowledged_by));
        }
        break;
      }
      case ChangeEvent::Type::kRuleChanged: {
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
        w.events.push_back(common::MakeEvent(payload, absl::StrCat("rules/", e.rule_id)));
        break;
      }
      case ChangeEvent::Type::kSubscriptionChanged: {
        v1::SubscriptionChanged payload;
        payload.set_deleted(e.deleted);
        bool found = false;
        for (const Subscription& s : c.subscriptions) {
          if (s.id == e.subscription_id) {
            *payload.mutable_subscription() = ToProto(s, 0);
            found = true;
          }
        }
        if (!found) payload.mutable_subscription()->set_name(absl::StrCat("subscriptions/", e.subscription_id));
        w.events.push_back(common::MakeEvent(payload, absl::StrCat("subscriptions/", e.subscription_id)));
        break;
      }
    }
  }
  return w;
}

absl::Status RocksDbNotificationStore::Commit(const Changes& changes) {
  ECOPLAN_ASSIGN_OR_RETURN(common::WriteRequest w, Encode(changes));
  return db_->Commit(std::move(w)).status();
}

absl::StatusOr<Notification> RocksDbNotificationStore::GetNotification(uint64_t number) {
  absl::StatusOr<std::string> v = db_->Get(kCf, NotificationKey(number));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(absl::StrCat("notifications/", NotificationId(number), " not found"));
  }
  if (!v.ok()) return v.status();
  return FromJson<Notification>(*v, NotificationId(number));
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
  const std::string start = before == UINT64_MAX ? "" : absl::StrCat(prefix, EncodeUint64(before - 1));
  absl::Status error;
  size_t scanned = 0;
  ECOPLAN_RETURN_IF_ERROR(Scan(db_, prefix, true, start, [&](const std::string& key, rocksdb::Slice) {
    const uint64_t n = common::DecodeUint64(absl::string_view(key).substr(prefix.size())).value_or(0);
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
  ECOPLAN_RETURN_IF_ERROR(Scan(db_, unread_prefix, false, "", [&](const std::string&, rocksdb::Slice) {
    ++page.unread_count;
    return true;
  }));
  return page;
}

absl::StatusOr<DeliveryPage> RocksDbNotificationStore::ListDeliveries(const std::string& sub,
                                                                      DeliveryState state,
                                                                      int page_size,
                                                                      const std::string& page_token) {
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
    absl::StatusOr<Delivery> d = FromJson<Delivery>(absl::string_view(value.data(), value.size()), key);
    if (!d.ok()) {
      error = d.status();
      return false;
    }
    if (page.deliveries.size() >= static_cast<size_t>(page_size)) {
      page.next_page_token = absl::BytesToHexString(EncodeUint64(d->number));
      return false;
    }
    if (state == DeliveryState::kUnspecified || d->state == state) page.deliveries.push_back(*d);
    return true;
  }));
  ECOPLAN_RETURN_IF_ERROR(error);
  return page;
}

absl::StatusOr<Delivery> RocksDbNotificationStore::GetDelivery(const std::string& sub,
                                                               uint64_t number) {
  absl::StatusOr<std::string> v = db_->Get(kCf, DeliveryKey(sub, number));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(absl::StrCat("subscriptions/", sub, "/deliveries/", number, " not found"));
  }
  if (!v.ok()) return v.status();
  return FromJson<Delivery>(*v, "delivery");
}

}  // namespace ecoplan::notification
