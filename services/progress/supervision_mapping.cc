#include "services/progress/supervision_mapping.h"

#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/mapping/proto_values.h"
#include "common/status/status_macros.h"
#include "services/progress/mapping_internal.h"
#include "services/progress/proto_mapping.h"

namespace ecoplan::progress {
namespace {

absl::CivilDay GetDay(const ecoplan::common::v1::Date& d) {
  absl::StatusOr<absl::CivilDay> day = common::DateFromProto(d, "date");
  return day.ok() ? *day : absl::CivilDay();
}

SupervisionReply ReplyFromProto(const v1::SupervisionReply& p) {
  SupervisionReply r;
  r.number = p.number();
  r.content = p.content();
  r.evidence_links.assign(p.evidence_links().begin(), p.evidence_links().end());
  r.time = GetTime(p.has_reply_time(), p.reply_time());
  r.late = p.late();
  r.replied_by = p.replied_by();
  r.verdict = static_cast<SupervisionVerdict>(p.verdict());
  r.verdict_comment = p.verdict_comment();
  if (p.has_verify_time()) r.verify_time = common::TimeFromProto(p.verify_time());
  r.verified_by = p.verified_by();
  return r;
}

}  // namespace

std::string SupervisionOrderName(absl::string_view plan_id, absl::string_view order_id) {
  return absl::StrCat("plans/", plan_id, "/supervisionOrders/", order_id);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseSupervisionOrderName(
    absl::string_view name, absl::string_view field) {
  ECOPLAN_ASSIGN_OR_RETURN(
      std::vector<std::string> ids,
      common::ParseResourceName(name, "plans/{plan}/supervisionOrders/{order}", field));
  return std::make_pair(ids[0], ids[1]);
}

v1::SupervisionReply ToProto(const SupervisionReply& r) {
  v1::SupervisionReply out;
  out.set_number(r.number);
  out.set_content(r.content);
  for (const std::string& l : r.evidence_links) out.add_evidence_links(l);
  SetTime(r.time, out.mutable_reply_time());
  out.set_late(r.late);
  out.set_replied_by(r.replied_by);
  out.set_verdict(static_cast<v1::SupervisionVerdict>(r.verdict));
  out.set_verdict_comment(r.verdict_comment);
  if (r.verify_time) SetTime(*r.verify_time, out.mutable_verify_time());
  out.set_verified_by(r.verified_by);
  return out;
}

v1::SupervisionLevelChange ToProto(const SupervisionLevelChange& c) {
  v1::SupervisionLevelChange out;
  out.set_from_level(static_cast<v1::SupervisionLevel>(c.from));
  out.set_to_level(static_cast<v1::SupervisionLevel>(c.to));
  out.set_reason(c.reason);
  SetTime(c.time, out.mutable_change_time());
  out.set_changed_by(c.changed_by);
  *out.mutable_reply_due_date() = common::DateToProto(c.due_day);
  return out;
}

v1::SupervisionAcknowledgement ToProto(const SupervisionAcknowledgement& a) {
  v1::SupervisionAcknowledgement out;
  out.set_acknowledged_by(a.acknowledged_by);
  SetTime(a.time, out.mutable_acknowledge_time());
  out.set_comment(a.comment);
  return out;
}

v1::SupervisionOrder ToProto(const SupervisionOrder& o, absl::Time now, const PlanInfo* plan) {
  v1::SupervisionOrder out;
  out.set_name(SupervisionOrderName(o.plan_id, o.id));
  out.set_title(o.title);
  out.set_description(o.description);
  out.mutable_source()->set_kind(static_cast<v1::SupervisionSourceKind>(o.source.kind));
  out.mutable_source()->set_reference(o.source.reference);
  out.set_level(static_cast<v1::SupervisionLevel>(o.level));
  for (const std::string& m : o.measure_ids) out.add_measures(MeasureName(o.plan_id, m));
  for (const SupervisionAddressee& a : o.addressees) {
    v1::SupervisionAddressee* pa = out.add_addressees();
    pa->set_organization(OrganizationName(a.org_id));
    if (plan != nullptr) pa->set_organization_display_name(plan->OrgName(a.org_id));
    pa->set_state(static_cast<v1::SupervisionReplyState>(a.state()));
    pa->set_overdue(IsOverdue(o, a, now));
    pa->set_late_reply_count(a.late_replies());
    for (const SupervisionReply& r : a.replies) *pa->add_replies() = ToProto(r);
  }
  *out.mutable_reply_due_date() = common::DateToProto(o.due_day);
  SetTime(o.due_time, out.mutable_reply_due_time());
  out.set_reply_due_explicit(o.due_explicit);
  out.set_external_case_number(o.external_case_number);
  out.set_state(static_cast<v1::SupervisionOrderState>(o.state));
  out.set_overdue(IsOverdue(o, now));
  SetTime(o.issue_time, out.mutable_issue_time());
  out.set_issued_by(o.issued_by);
  for (const SupervisionLevelChange& c : o.level_changes) *out.add_level_changes() = ToProto(c);
  if (o.close_time) SetTime(*o.close_time, out.mutable_close_time());
  out.set_closed_by(o.closed_by);
  out.set_close_comment(o.close_comment);
  out.set_etag(SupervisionEtag(o));
  if (!o.issuing_org_id.empty()) out.set_issuing_organization(OrganizationName(o.issuing_org_id));
  if (!o.requesting_org_id.empty()) {
    out.set_requesting_organization(OrganizationName(o.requesting_org_id));
  }
  for (const SupervisionAcknowledgement& a : o.acknowledgements) {
    *out.add_acknowledgements() = ToProto(a);
  }
  return out;
}

absl::StatusOr<SupervisionOrder> FromProto(const v1::SupervisionOrder& p) {
  SupervisionOrder o;
  ECOPLAN_ASSIGN_OR_RETURN(std::tie(o.plan_id, o.id), ParseSupervisionOrderName(p.name(), "name"));
  o.title = p.title();
  o.description = p.description();
  o.source.kind = static_cast<SupervisionSourceKind>(p.source().kind());
  o.source.reference = p.source().reference();
  o.level = static_cast<SupervisionLevel>(p.level());
  for (const std::string& m : p.measures()) o.measure_ids.push_back(IdOf(m));
  for (const v1::SupervisionAddressee& pa : p.addressees()) {
    SupervisionAddressee a;
    a.org_id = IdOf(pa.organization());
    for (const v1::SupervisionReply& r : pa.replies()) a.replies.push_back(ReplyFromProto(r));
    o.addressees.push_back(std::move(a));
  }
  o.due_day = GetDay(p.reply_due_date());
  o.due_time = GetTime(p.has_reply_due_time(), p.reply_due_time());
  o.due_explicit = p.reply_due_explicit();
  o.external_case_number = p.external_case_number();
  o.state = static_cast<SupervisionOrderState>(p.state());
  o.issue_time = GetTime(p.has_issue_time(), p.issue_time());
  o.issued_by = p.issued_by();
  for (const v1::SupervisionLevelChange& pc : p.level_changes()) {
    SupervisionLevelChange c;
    c.from = static_cast<SupervisionLevel>(pc.from_level());
    c.to = static_cast<SupervisionLevel>(pc.to_level());
    c.reason = pc.reason();
    c.time = GetTime(pc.has_change_time(), pc.change_time());
    c.changed_by = pc.changed_by();
    c.due_day = GetDay(pc.reply_due_date());
    o.level_changes.push_back(std::move(c));
  }
  if (p.has_close_time()) o.close_time = common::TimeFromProto(p.close_time());
  o.closed_by = p.closed_by();
  o.close_comment = p.close_comment();
  o.issuing_org_id = p.issuing_organization().empty() ? "" : IdOf(p.issuing_organization());
  // Empty in records stored before the field existed.
  o.requesting_org_id =
      p.requesting_organization().empty() ? "" : IdOf(p.requesting_organization());
  for (const v1::SupervisionAcknowledgement& pa : p.acknowledgements()) {
    o.acknowledgements.push_back({pa.acknowledged_by(),
                                  GetTime(pa.has_acknowledge_time(), pa.acknowledge_time()),
                                  pa.comment()});
  }
  const std::string& etag = p.etag();
  if (etag.size() < 2 || etag[0] != 's' || !absl::SimpleAtoi(etag.substr(1), &o.version)) {
    return absl::InvalidArgumentError(absl::StrCat("order ", p.name(), ": bad etag ", etag));
  }
  return o;
}

}  // namespace ecoplan::progress
