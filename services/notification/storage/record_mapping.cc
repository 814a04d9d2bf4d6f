#include "services/notification/storage/record_mapping.h"

#include <cstdint>
#include <limits>

#include "common/mapping/proto_values.h"

namespace ecoplan::notification {
namespace {

namespace v1 = ::ecoplan::notification::v1;

// Unset = InfinitePast, so a default domain time writes nothing;
// InfiniteFuture is stored as the largest second.
void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  if (t == absl::InfiniteFuture()) {
    out->set_seconds(std::numeric_limits<int64_t>::max());
    return;
  }
  *out = common::TimeToProto(t);  // to the nanosecond (the wall clock's precision)
}

template <typename Message, typename Setter>
void SetTimeIfKnown(absl::Time t, Message* message, Setter mutable_field) {
  if (t != absl::InfinitePast()) SetTime(t, (message->*mutable_field)());
}

absl::Time GetTime(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == std::numeric_limits<int64_t>::max()) return absl::InfiniteFuture();
  return common::TimeFromProto(ts);
}

absl::Time TimeOrPast(bool has, const google::protobuf::Timestamp& ts) {
  return has ? GetTime(ts) : absl::InfinitePast();
}

v1::Contact ContactRecord(const Contact& c) {
  v1::Contact out;
  out.set_level(static_cast<v1::ContactLevel>(c.level));
  out.set_display_name(c.display_name);
  out.set_address(c.address);
  return out;
}

Contact ContactFrom(const v1::Contact& c) {
  return Contact{static_cast<ContactLevel>(c.level()), c.display_name(), c.address()};
}

v1::DigestItem DigestItemRecord(const DigestItem& item) {
  v1::DigestItem out;
  out.set_resource(item.resource);
  out.set_title(item.title);
  out.set_kind(static_cast<v1::NotificationKind>(item.kind));
  return out;
}

DigestItem DigestItemFrom(const v1::DigestItem& item) {
  return DigestItem{item.resource(), item.title(), static_cast<Kind>(item.kind())};
}

// day_of_month is used when nth_working_day is 0.
storage::DueRuleRecord DueRuleRecord(const DueRule& rule) {
  storage::DueRuleRecord out;
  if (rule.kind == DueRule::Kind::kNthWorkingDay) {
    out.set_nth_working_day(rule.n);
  } else {
    out.set_day_of_month(rule.n);
  }
  out.set_month_offset(rule.month_offset);
  return out;
}

DueRule DueRuleFrom(const storage::DueRuleRecord& r) {
  DueRule out;
  if (r.nth_working_day() > 0) {
    out.kind = DueRule::Kind::kNthWorkingDay;
    out.n = r.nth_working_day();
  } else {
    out.kind = DueRule::Kind::kDayOfMonth;
    out.n = r.day_of_month() > 0 ? r.day_of_month() : 25;
  }
  out.month_offset = r.month_offset();
  return out;
}

}  // namespace

storage::NotificationRecord ToRecord(const Notification& n) {
  storage::NotificationRecord r;
  r.set_number(n.number);
  r.set_kind(static_cast<v1::NotificationKind>(n.kind));
  r.set_severity(static_cast<v1::Severity>(n.severity));
  r.set_recipient(n.recipient);
  r.set_recipient_display_name(n.recipient_display_name);
  r.set_level(static_cast<v1::ContactLevel>(n.level));
  for (const Contact& c : n.contacts) *r.add_contacts() = ContactRecord(c);
  r.set_plan_id(n.plan_id);
  r.set_resource(n.resource);
  r.set_title(n.title);
  r.set_body(n.body);
  r.set_rule_id(n.rule_id);
  r.set_schedule_key(n.schedule_key);
  r.set_event(n.event);
  r.set_explanation(n.explanation);
  r.set_period(n.period);
  for (const DigestItem& item : n.digest_items) *r.add_digest_items() = DigestItemRecord(item);
  r.set_escalation_key(n.escalation_key);
  SetTimeIfKnown(n.create_time, &r, &storage::NotificationRecord::mutable_create_time);
  if (n.read_time) SetTime(*n.read_time, r.mutable_read_time());
  if (n.acknowledge_time) SetTime(*n.acknowledge_time, r.mutable_acknowledge_time());
  r.set_acknowledged_by(n.acknowledged_by);
  r.set_acknowledge_comment(n.acknowledge_comment);
  r.set_external_reference(n.external_reference);
  return r;
}

Notification FromRecord(const storage::NotificationRecord& r) {
  Notification n;
  n.number = r.number();
  n.kind = static_cast<Kind>(r.kind());
  n.severity = static_cast<Severity>(r.severity());
  n.recipient = r.recipient();
  n.recipient_display_name = r.recipient_display_name();
  n.level = static_cast<ContactLevel>(r.level());
  for (const v1::Contact& c : r.contacts()) n.contacts.push_back(ContactFrom(c));
  n.plan_id = r.plan_id();
  n.resource = r.resource();
  n.title = r.title();
  n.body = r.body();
  n.rule_id = r.rule_id();
  n.schedule_key = r.schedule_key();
  n.event = r.event();
  n.explanation = r.explanation();
  n.period = r.period();
  for (const v1::DigestItem& item : r.digest_items())
    n.digest_items.push_back(DigestItemFrom(item));
  n.escalation_key = r.escalation_key();
  n.create_time = TimeOrPast(r.has_create_time(), r.create_time());
  if (r.has_read_time()) n.read_time = GetTime(r.read_time());
  if (r.has_acknowledge_time()) n.acknowledge_time = GetTime(r.acknowledge_time());
  n.acknowledged_by = r.acknowledged_by();
  n.acknowledge_comment = r.acknowledge_comment();
  n.external_reference = r.external_reference();
  return n;
}

storage::RuleRecord ToRecord(const Rule& rule) {
  storage::RuleRecord r;
  r.set_id(rule.id);
  r.set_kind(static_cast<v1::NotificationKind>(rule.kind));
  r.set_severity(static_cast<v1::Severity>(rule.severity));
  r.set_enabled(rule.enabled);
  for (int d : rule.lead_days) r.add_lead_days(d);
  r.set_escalation_grace_working_days(rule.escalation_grace_working_days);
  r.set_respond_within_working_days(rule.respond_within_working_days);
  *r.mutable_digest_window() = common::DurationToProto(rule.digest_window);
  if (rule.muted_until) SetTime(*rule.muted_until, r.mutable_muted_until());
  for (const auto& [org, until] : rule.organization_mutes) {
    SetTime(until, &(*r.mutable_organization_mutes())[org]);
  }
  r.set_description(rule.description);
  r.set_revision(rule.revision);
  SetTimeIfKnown(rule.update_time, &r, &storage::RuleRecord::mutable_update_time);
  return r;
}

Rule FromRecord(const storage::RuleRecord& r) {
  Rule rule;
  rule.id = r.id();
  rule.kind = static_cast<Kind>(r.kind());
  rule.severity = static_cast<Severity>(r.severity());
  rule.enabled = r.enabled();
  rule.lead_days.assign(r.lead_days().begin(), r.lead_days().end());
  rule.escalation_grace_working_days = r.escalation_grace_working_days();
  rule.respond_within_working_days = r.respond_within_working_days();
  rule.digest_window = common::DurationFromProto(r.digest_window());
  if (r.has_muted_until()) rule.muted_until = GetTime(r.muted_until());
  for (const auto& [org, until] : r.organization_mutes()) {
    rule.organization_mutes[org] = GetTime(until);
  }
  rule.description = r.description();
  rule.revision = r.revision();
  rule.update_time = TimeOrPast(r.has_update_time(), r.update_time());
  return rule;
}

storage::SubscriptionRecord ToRecord(const Subscription& s) {
  storage::SubscriptionRecord r;
  r.set_id(s.id);
  r.set_url(s.url);
  r.set_description(s.description);
  for (Kind k : s.kinds) r.add_kinds(static_cast<v1::NotificationKind>(k));
  for (const std::string& p : s.plans) r.add_plans(p);
  for (const std::string& o : s.organizations) r.add_organizations(o);
  for (Severity sv : s.severities) r.add_severities(static_cast<v1::Severity>(sv));
  r.set_state(static_cast<v1::SubscriptionState>(s.state));
  r.set_state_reason(s.state_reason);
  for (const Secret& secret : s.secrets) {
    storage::SecretRecord* out = r.add_secrets();
    out->set_key(secret.key);
    out->set_fingerprint(secret.fingerprint);
    SetTimeIfKnown(secret.create_time, out, &storage::SecretRecord::mutable_create_time);
    if (secret.expire_time) SetTime(*secret.expire_time, out->mutable_expire_time());
  }
  r.set_revision(s.revision);
  SetTimeIfKnown(s.create_time, &r, &storage::SubscriptionRecord::mutable_create_time);
  r.set_request_id(s.request_id);
  r.set_owner(s.owner);
  return r;
}

Subscription FromRecord(const storage::SubscriptionRecord& r) {
  Subscription s;
  s.id = r.id();
  s.url = r.url();
  s.description = r.description();
  for (int k : r.kinds()) s.kinds.insert(static_cast<Kind>(k));
  s.plans.insert(r.plans().begin(), r.plans().end());
  s.organizations.insert(r.organizations().begin(), r.organizations().end());
  for (int sv : r.severities()) s.severities.insert(static_cast<Severity>(sv));
  s.state = static_cast<SubscriptionState>(r.state());
  s.state_reason = r.state_reason();
  for (const storage::SecretRecord& in : r.secrets()) {
    Secret secret;
    secret.key = in.key();
    secret.fingerprint = in.fingerprint();
    secret.create_time = TimeOrPast(in.has_create_time(), in.create_time());
    if (in.has_expire_time()) secret.expire_time = GetTime(in.expire_time());
    s.secrets.push_back(std::move(secret));
  }
  s.revision = r.revision();
  s.create_time = TimeOrPast(r.has_create_time(), r.create_time());
  s.request_id = r.request_id();
  s.owner = r.owner();
  return s;
}

storage::DeliveryRecord ToRecord(const Delivery& d) {
  storage::DeliveryRecord r;
  r.set_subscription_id(d.subscription_id);
  r.set_number(d.number);
  r.set_notification_number(d.notification_number);
  r.set_webhook_id(d.webhook_id);
  r.set_state(static_cast<v1::DeliveryState>(d.state));
  SetTimeIfKnown(d.create_time, &r, &storage::DeliveryRecord::mutable_create_time);
  SetTimeIfKnown(d.next_attempt_time, &r, &storage::DeliveryRecord::mutable_next_attempt_time);
  SetTimeIfKnown(d.first_attempt_time, &r, &storage::DeliveryRecord::mutable_first_attempt_time);
  for (const DeliveryAttempt& a : d.attempts) {
    v1::DeliveryAttempt* out = r.add_attempts();
    SetTimeIfKnown(a.time, out, &v1::DeliveryAttempt::mutable_time);
    out->set_status_code(a.status_code);
    *out->mutable_latency() = common::DurationToProto(a.latency);
    out->set_error(a.error);
  }
  r.set_attempt_count(d.attempt_count);
  return r;
}

Delivery FromRecord(const storage::DeliveryRecord& r) {
  Delivery d;
  d.subscription_id = r.subscription_id();
  d.number = r.number();
  d.notification_number = r.notification_number();
  d.webhook_id = r.webhook_id();
  d.state = static_cast<DeliveryState>(r.state());
  d.create_time = TimeOrPast(r.has_create_time(), r.create_time());
  d.next_attempt_time = TimeOrPast(r.has_next_attempt_time(), r.next_attempt_time());
  d.first_attempt_time = TimeOrPast(r.has_first_attempt_time(), r.first_attempt_time());
  for (const v1::DeliveryAttempt& in : r.attempts()) {
    DeliveryAttempt a;
    a.time = TimeOrPast(in.has_time(), in.time());
    a.status_code = in.status_code();
    a.latency = common::DurationFromProto(in.latency());
    a.error = in.error();
    d.attempts.push_back(std::move(a));
  }
  d.attempt_count = r.attempt_count();
  return d;
}

storage::OrgContactsRecord ToRecord(const OrgContacts& c) {
  storage::OrgContactsRecord r;
  r.set_organization_id(c.organization_id);
  for (const Contact& contact : c.contacts) *r.add_contacts() = ContactRecord(contact);
  r.set_revision(c.revision);
  return r;
}

OrgContacts FromRecord(const storage::OrgContactsRecord& r) {
  OrgContacts c;
  c.organization_id = r.organization_id();
  for (const v1::Contact& contact : r.contacts()) c.contacts.push_back(ContactFrom(contact));
  c.revision = r.revision();
  return c;
}

storage::PlanViewRecord ToRecord(const PlanView& p) {
  storage::PlanViewRecord r;
  r.set_plan_id(p.plan_id);
  r.set_title(p.title);
  r.set_year(p.year);
  r.set_time_zone(p.time_zone);
  *r.mutable_issue_date() = common::DateToProto(p.issue_date);
  r.set_bureau_organization(p.bureau_organization);
  *r.mutable_monthly_due() = DueRuleRecord(p.calendar.monthly_due);
  r.set_quarterly_summaries(p.calendar.quarterly_summaries);
  r.set_half_year_summaries(p.calendar.half_year_summaries);
  r.set_annual_summary(p.calendar.annual_summary);
  if (p.calendar.summary_due) *r.mutable_summary_due() = DueRuleRecord(*p.calendar.summary_due);
  for (const auto& [id, m] : p.measures) {
    storage::MeasureViewRecord* out = r.add_measures();
    out->set_id(m.id);
    out->set_title(m.title);
    if (m.due) *out->mutable_due() = common::DateToProto(*m.due);
    for (const std::string& o : m.lead_organizations) out->add_lead_organizations(o);
    for (const std::string& o : m.responsible_organizations) out->add_responsible_organizations(o);
    out->set_completed(m.completed);
    for (const CheckpointDue& c : m.checkpoints) {
      storage::CheckpointDueRecord* due = out->add_checkpoints();
      due->set_phrase(c.phrase);
      for (absl::CivilDay d : c.dues) *due->add_due_dates() = common::DateToProto(d);
    }
  }
  for (const auto& [id, name] : p.organization_names) (*r.mutable_organization_names())[id] = name;
  return r;
}

PlanView FromRecord(const storage::PlanViewRecord& r) {
  PlanView p;
  p.plan_id = r.plan_id();
  p.title = r.title();
  p.year = r.year();
  p.time_zone = r.time_zone();
  p.issue_date = common::StoredDateFromProto(r.issue_date());
  p.bureau_organization = r.bureau_organization();
  p.calendar.monthly_due = DueRuleFrom(r.monthly_due());
  p.calendar.quarterly_summaries = r.quarterly_summaries();
  p.calendar.half_year_summaries = r.half_year_summaries();
  p.calendar.annual_summary = r.annual_summary();
  if (r.has_summary_due()) p.calendar.summary_due = DueRuleFrom(r.summary_due());
  for (const storage::MeasureViewRecord& in : r.measures()) {
    MeasureView m;
    m.id = in.id();
    m.title = in.title();
    if (in.has_due()) m.due = common::StoredDateFromProto(in.due());
    m.lead_organizations.assign(in.lead_organizations().begin(), in.lead_organizations().end());
    m.responsible_organizations.assign(in.responsible_organizations().begin(),
                                       in.responsible_organizations().end());
    m.completed = in.completed();
    for (const storage::CheckpointDueRecord& c : in.checkpoints()) {
      CheckpointDue due;
      due.phrase = c.phrase();
      for (const common::v1::Date& d : c.due_dates())
        due.dues.push_back(common::StoredDateFromProto(d));
      m.checkpoints.push_back(std::move(due));
    }
    // Keyed by the map key the view was written with (the same id).
    p.measures[m.id] = std::move(m);
  }
  for (const auto& [id, name] : r.organization_names()) p.organization_names[id] = name;
  return p;
}

storage::HolidayYearRecord ToRecord(const HolidayYear& h) {
  storage::HolidayYearRecord r;
  r.set_year(h.year);
  for (absl::CivilDay d : h.holidays) *r.add_holidays() = common::DateToProto(d);
  for (absl::CivilDay d : h.make_up_workdays) *r.add_make_up_workdays() = common::DateToProto(d);
  return r;
}

HolidayYear FromRecord(const storage::HolidayYearRecord& r) {
  HolidayYear h;
  h.year = r.year();
  for (const common::v1::Date& d : r.holidays())
    h.holidays.push_back(common::StoredDateFromProto(d));
  for (const common::v1::Date& d : r.make_up_workdays())
    h.make_up_workdays.push_back(common::StoredDateFromProto(d));
  return h;
}

storage::EscalationRecord ToRecord(const Escalation& e) {
  storage::EscalationRecord r;
  r.set_key(e.key);
  r.set_rule_id(e.rule_id);
  r.set_kind(static_cast<v1::NotificationKind>(e.kind));
  r.set_plan_id(e.plan_id);
  r.set_organization_id(e.organization_id);
  r.set_resource(e.resource);
  r.set_period(e.period);
  r.set_title(e.title);
  r.set_level(static_cast<v1::ContactLevel>(e.level));
  *r.mutable_level_since() = common::DateToProto(e.level_since);
  r.set_acknowledged(e.acknowledged);
  return r;
}

Escalation FromRecord(const storage::EscalationRecord& r) {
  Escalation e;
  e.key = r.key();
  e.rule_id = r.rule_id();
  e.kind = static_cast<Kind>(r.kind());
  e.plan_id = r.plan_id();
  e.organization_id = r.organization_id();
  e.resource = r.resource();
  e.period = r.period();
  e.title = r.title();
  e.level = static_cast<ContactLevel>(r.level());
  e.level_since = common::StoredDateFromProto(r.level_since());
  e.acknowledged = r.acknowledged();
  return e;
}

storage::SupervisionOrderViewRecord ToRecord(const SupervisionOrderView& o) {
  storage::SupervisionOrderViewRecord r;
  r.set_name(o.name);
  r.set_plan_id(o.plan_id);
  r.set_order_id(o.order_id);
  r.set_title(o.title);
  r.set_level(static_cast<int>(o.level));
  for (const SupervisionAddresseeView& a : o.addressees) {
    storage::SupervisionAddresseeRecord* out = r.add_addressees();
    out->set_organization_id(a.organization_id);
    out->set_state(static_cast<int>(a.state));
  }
  *r.mutable_reply_due_date() = common::DateToProto(o.reply_due_date);
  SetTimeIfKnown(o.reply_due_time, &r,
                 &storage::SupervisionOrderViewRecord::mutable_reply_due_time);
  r.set_issuing_organization(o.issuing_organization);
  r.set_source(o.source);
  r.set_requesting_organization(o.requesting_organization);
  return r;
}

SupervisionOrderView FromRecord(const storage::SupervisionOrderViewRecord& r) {
  SupervisionOrderView o;
  o.name = r.name();
  o.plan_id = r.plan_id();
  o.order_id = r.order_id();
  o.title = r.title();
  o.level = static_cast<SupervisionLevel>(r.level());
  for (const storage::SupervisionAddresseeRecord& a : r.addressees()) {
    o.addressees.push_back({a.organization_id(), static_cast<AddresseeState>(a.state())});
  }
  o.reply_due_date = common::StoredDateFromProto(r.reply_due_date());
  o.reply_due_time = TimeOrPast(r.has_reply_due_time(), r.reply_due_time());
  o.issuing_organization = r.issuing_organization();
  o.source = r.source();
  o.requesting_organization = r.requesting_organization();
  return o;
}

storage::ProblemItemViewRecord ToRecord(const ProblemItemView& p) {
  storage::ProblemItemViewRecord r;
  r.set_name(p.name);
  r.set_plan_id(p.plan_id);
  r.set_measure_id(p.measure_id);
  r.set_code(p.code);
  r.set_title(p.title);
  r.set_owner(p.owner);
  r.set_state(static_cast<int>(p.state));
  if (p.rectification_due) {
    *r.mutable_rectification_due_date() = common::DateToProto(*p.rectification_due);
  }
  return r;
}

ProblemItemView FromRecord(const storage::ProblemItemViewRecord& r) {
  ProblemItemView p;
  p.name = r.name();
  p.plan_id = r.plan_id();
  p.measure_id = r.measure_id();
  p.code = r.code();
  p.title = r.title();
  p.owner = r.owner();
  p.state = static_cast<ProblemState>(r.state());
  if (r.has_rectification_due_date()) {
    p.rectification_due = common::StoredDateFromProto(r.rectification_due_date());
  }
  return p;
}

storage::DigestBucketRecord ToRecord(const DigestBucket& b) {
  storage::DigestBucketRecord r;
  r.set_recipient(b.recipient);
  r.set_rule_id(b.rule_id);
  r.set_plan_id(b.plan_id);
  SetTimeIfKnown(b.window_start, &r, &storage::DigestBucketRecord::mutable_window_start);
  for (const DigestItem& item : b.items) *r.add_items() = DigestItemRecord(item);
  return r;
}

DigestBucket FromRecord(const storage::DigestBucketRecord& r) {
  DigestBucket b;
  b.recipient = r.recipient();
  b.rule_id = r.rule_id();
  b.plan_id = r.plan_id();
  b.window_start = TimeOrPast(r.has_window_start(), r.window_start());
  for (const v1::DigestItem& item : r.items()) b.items.push_back(DigestItemFrom(item));
  return b;
}

}  // namespace ecoplan::notification
