#include "services/notification/proto_mapping.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/mapping/proto_values.h"
#include "common/status/status_macros.h"

namespace ecoplan::notification {
namespace {

using common::DurationToProto;
using common::TimeToProto;

// Ids: 1 to 64 characters, no '/'.
bool IsValidId(absl::string_view id) {
  return !id.empty() && id.size() <= 64 && id.find('/') == absl::string_view::npos;
}

}  // namespace

v1::Contact ToProto(const Contact& c) {
  v1::Contact out;
  out.set_level(static_cast<v1::ContactLevel>(c.level));
  out.set_display_name(c.display_name);
  out.set_address(c.address);
  return out;
}

Contact FromProto(const v1::Contact& c) {
  return Contact{static_cast<ContactLevel>(c.level()), c.display_name(), c.address()};
}

v1::Notification ToProto(const Notification& n) {
  v1::Notification out;
  out.set_name(absl::StrCat("notifications/", NotificationId(n.number)));
  out.set_kind(static_cast<v1::NotificationKind>(n.kind));
  out.set_severity(static_cast<v1::Severity>(n.severity));
  out.set_recipient(absl::StrCat("organizations/", n.recipient));
  out.set_recipient_display_name(n.recipient_display_name);
  out.set_level(static_cast<v1::ContactLevel>(n.level));
  for (const Contact& c : n.contacts) *out.add_contacts() = ToProto(c);
  if (!n.plan_id.empty()) out.set_plan(absl::StrCat("plans/", n.plan_id));
  out.set_resource(n.resource);
  out.set_title(n.title);
  out.set_body(n.body);
  v1::Reason* reason = out.mutable_reason();
  reason->set_rule(absl::StrCat("rules/", n.rule_id));
  if (!n.event.empty()) {
    reason->set_event(n.event);
  } else {
    reason->set_schedule_key(n.schedule_key);
  }
  reason->set_explanation(n.explanation);
  out.set_period(n.period);
  for (const DigestItem& item : n.digest_items) {
    v1::DigestItem* p = out.add_digest_items();
    p->set_resource(item.resource);
    p->set_title(item.title);
    p->set_kind(static_cast<v1::NotificationKind>(item.kind));
  }
  *out.mutable_create_time() = TimeToProto(n.create_time);
  if (n.read_time) *out.mutable_read_time() = TimeToProto(*n.read_time);
  if (n.acknowledge_time) *out.mutable_acknowledge_time() = TimeToProto(*n.acknowledge_time);
  out.set_acknowledged_by(n.acknowledged_by);
  out.set_acknowledge_comment(n.acknowledge_comment);
  out.set_external_reference(n.external_reference);
  return out;
}

v1::Rule ToProto(const Rule& r) {
  v1::Rule out;
  out.set_name(absl::StrCat("rules/", r.id));
  out.set_kind(static_cast<v1::NotificationKind>(r.kind));
  out.set_severity(static_cast<v1::Severity>(r.severity));
  out.set_enabled(r.enabled);
  for (int d : r.lead_days) out.add_lead_days(d);
  out.set_escalation_grace_working_days(r.escalation_grace_working_days);
  out.set_respond_within_working_days(r.respond_within_working_days);
  *out.mutable_digest_window() = DurationToProto(r.digest_window);
  if (r.muted_until) *out.mutable_muted_until() = TimeToProto(*r.muted_until);
  for (const auto& [org, until] : r.organization_mutes) {
    (*out.mutable_organization_mutes())[absl::StrCat("organizations/", org)] = TimeToProto(until);
  }
  out.set_description(r.description);
  out.set_etag(RuleEtag(r));
  *out.mutable_update_time() = TimeToProto(r.update_time);
  return out;
}

absl::StatusOr<Rule> FromProto(const v1::Rule& r) {
  Rule out;
  absl::StatusOr<std::string> id = ParseName(r.name(), "rules", "rule.name");
  if (!id.ok()) return id.status();
  out.id = *id;
  out.kind = static_cast<Kind>(r.kind());
  out.severity = static_cast<Severity>(r.severity());
  out.enabled = r.enabled();
  out.lead_days.assign(r.lead_days().begin(), r.lead_days().end());
  out.escalation_grace_working_days = r.escalation_grace_working_days();
  out.respond_within_working_days = r.respond_within_working_days();
  out.digest_window = common::DurationFromProto(r.digest_window());
  out.description = r.description();
  return out;
}

v1::Subscription ToProto(const Subscription& s, int64_t pending) {
  v1::Subscription out;
  out.set_name(absl::StrCat("subscriptions/", s.id));
  out.set_url(s.url);
  out.set_description(s.description);
  for (Kind k : s.kinds) out.add_kinds(static_cast<v1::NotificationKind>(k));
  for (const std::string& p : s.plans) out.add_plans(absl::StrCat("plans/", p));
  for (const std::string& o : s.organizations)
    out.add_organizations(absl::StrCat("organizations/", o));
  for (Severity sv : s.severities) out.add_severities(static_cast<v1::Severity>(sv));
  out.set_state(static_cast<v1::SubscriptionState>(s.state));
  out.set_state_reason(s.state_reason);
  for (const Secret& secret : s.secrets) {
    v1::SecretInfo* info = out.add_secrets();
    info->set_fingerprint(secret.fingerprint);
    *info->mutable_create_time() = TimeToProto(secret.create_time);
    if (secret.expire_time) *info->mutable_expire_time() = TimeToProto(*secret.expire_time);
  }
  out.set_etag(SubscriptionEtag(s));
  *out.mutable_create_time() = TimeToProto(s.create_time);
  out.set_pending_deliveries(pending);
  out.set_owner(s.owner);
  return out;
}

absl::StatusOr<Subscription> FromProto(const v1::Subscription& s) {
  Subscription out;
  if (!s.name().empty()) {
    absl::StatusOr<std::string> id = ParseName(s.name(), "subscriptions", "subscription.name");
    if (!id.ok()) return id.status();
    out.id = *id;
  }
  out.url = s.url();
  out.description = s.description();
  for (int k : s.kinds()) out.kinds.insert(static_cast<Kind>(k));
  for (const std::string& p : s.plans()) {
    absl::StatusOr<std::string> id = ParseName(p, "plans", "subscription.plans");
    if (!id.ok()) return id.status();
    out.plans.insert(*id);
  }
  for (const std::string& o : s.organizations()) {
    absl::StatusOr<std::string> id = ParseName(o, "organizations", "subscription.organizations");
    if (!id.ok()) return id.status();
    out.organizations.insert(*id);
  }
  for (int sv : s.severities()) out.severities.insert(static_cast<Severity>(sv));
  return out;
}

v1::Delivery ToProto(const Delivery& d) {
  v1::Delivery out;
  out.set_name(absl::StrCat("subscriptions/", d.subscription_id, "/deliveries/", d.number));
  out.set_notification(absl::StrCat("notifications/", NotificationId(d.notification_number)));
  out.set_webhook_id(d.webhook_id);
  out.set_state(static_cast<v1::DeliveryState>(d.state));
  *out.mutable_create_time() = TimeToProto(d.create_time);
  if (d.state == DeliveryState::kPending)
    *out.mutable_next_attempt_time() = TimeToProto(d.next_attempt_time);
  for (const DeliveryAttempt& a : d.attempts) {
    v1::DeliveryAttempt* p = out.add_attempts();
    *p->mutable_time() = TimeToProto(a.time);
    p->set_status_code(a.status_code);
    *p->mutable_latency() = DurationToProto(a.latency);
    p->set_error(a.error);
  }
  out.set_attempt_count(d.attempt_count);
  return out;
}

absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view collection,
                                      absl::string_view field) {
  ECOPLAN_ASSIGN_OR_RETURN(
      std::vector<std::string> ids,
      common::ParseResourceName(name, absl::StrCat(collection, "/{id}"), field, IsValidId));
  return ids[0];
}

absl::StatusOr<uint64_t> ParseNotificationName(absl::string_view name, absl::string_view field) {
  absl::StatusOr<std::string> id = ParseName(name, "notifications", field);
  if (!id.ok()) return id.status();
  absl::string_view digits = *id;
  uint64_t number = 0;
  if (!absl::ConsumePrefix(&digits, "n-") || !absl::SimpleAtoi(digits, &number) || number == 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, " must be notifications/n-<number>"));
  }
  return number;
}

absl::StatusOr<std::pair<std::string, uint64_t>> ParseDeliveryName(absl::string_view name,
                                                                   absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  uint64_t number = 0;
  if (parts.size() != 4 || parts[0] != "subscriptions" || parts[1].empty() ||
      parts[2] != "deliveries" || !absl::SimpleAtoi(parts[3], &number)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be subscriptions/{subscription}/deliveries/{delivery}"));
  }
  return std::make_pair(std::string(parts[1]), number);
}

}  // namespace ecoplan::notification
