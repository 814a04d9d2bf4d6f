#include "services/notification/upstream_progress_mapping.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/mapping/proto_values.h"
#include "services/notification/upstream_mapping_util.h"

namespace ecoplan::notification {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
using upstream_internal::Day;
using upstream_internal::Id;
using upstream_internal::PlanAndId;
using upstream_internal::Unpack;

// The source in the users' words, with its reference: "12345 接诉即办 12345-0042".
std::string SourceText(const pv1::SupervisionSource& source) {
  const char* kind = "";
  switch (source.kind()) {
    case pv1::SUPERVISION_SOURCE_KIND_HOTLINE_TICKET:
      kind = "12345 接诉即办 工单";
      break;
    case pv1::SUPERVISION_SOURCE_KIND_REVIEW_MEETING:
      kind = "点评会";
      break;
    case pv1::SUPERVISION_SOURCE_KIND_INSPECTION_FINDING:
      kind = "督察反馈";
      break;
    case pv1::SUPERVISION_SOURCE_KIND_LAGGING_INDICATOR:
      kind = "指标滞后";
      break;
    case pv1::SUPERVISION_SOURCE_KIND_AD_HOC:
      kind = "临时督办";
      break;
    default:
      break;
  }
  if (source.reference().empty()) return kind;
  if (*kind == '\0') return source.reference();
  return absl::StrCat(kind, " ", source.reference());
}

// The order's event as `change`: the mirror and the facts the texts name.
void OrderInput(const pv1::SupervisionOrder& order, SupervisionOrderInput::Change change,
                UpstreamInput* in) {
  std::string order_id;
  PlanAndId(order.name(), &in->plan_id, &order_id);
  in->type = UpstreamInput::Type::kSupervisionOrder;
  in->resource = order.name();
  SupervisionOrderInput& s = in->supervision;
  s.change = change;
  s.order = SupervisionOrderViewFromProto(order);
  s.open = order.state() != pv1::SUPERVISION_ORDER_STATE_CLOSED;
  s.description = order.description();
  for (const std::string& m : order.measures()) {
    std::string plan, measure;
    PlanAndId(m, &plan, &measure);
    if (!measure.empty()) s.measure_ids.push_back(std::move(measure));
  }
}

void ReplyInput(const std::string& organization, const pv1::SupervisionReply& reply,
                UpstreamInput* in) {
  in->supervision.organization_id = Id(organization, "organizations/");
  in->supervision.reply_content = reply.content();
  in->supervision.reply_late = reply.late();
  in->supervision.comment = reply.verdict_comment();
}

// The problem item's event; `transition` UNSPECIFIED when it was opened.
void ProblemInput(const pv1::ProblemItem& item, pv1::ProblemState from,
                  const pv1::ProblemStep* step, UpstreamInput* in) {
  std::string problem;
  PlanAndId(item.name(), &in->plan_id, &problem);
  in->type = UpstreamInput::Type::kProblemItem;
  in->resource = item.name();
  ProblemItemInput& p = in->problem;
  p.item = ProblemItemViewFromProto(item);
  p.description = item.description();
  p.location = item.location();
  p.source = item.source();
  p.from_state = static_cast<ProblemState>(from);
  if (step != nullptr) {
    p.transition = static_cast<ProblemTransition>(step->transition());
    p.comment = step->comment();
    p.evidence_count = step->evidence_links_size();
    if (step->has_step_time()) p.step_time = common::TimeFromProto(step->step_time());
  }
}

}  // namespace

SupervisionOrderView SupervisionOrderViewFromProto(const pv1::SupervisionOrder& order) {
  SupervisionOrderView o;
  o.name = order.name();
  PlanAndId(order.name(), &o.plan_id, &o.order_id);
  o.title = order.title();
  o.level = static_cast<SupervisionLevel>(order.level());
  for (const pv1::SupervisionAddressee& a : order.addressees()) {
    o.addressees.push_back(
        {Id(a.organization(), "organizations/"), static_cast<AddresseeState>(a.state())});
  }
  if (auto day = Day(order.reply_due_date())) o.reply_due_date = *day;
  if (order.has_reply_due_time()) o.reply_due_time = common::TimeFromProto(order.reply_due_time());
  o.issuing_organization = Id(order.issuing_organization(), "organizations/");
  o.source = SourceText(order.source());
  o.requesting_organization = Id(order.requesting_organization(), "organizations/");
  return o;
}

ProblemItemView ProblemItemViewFromProto(const pv1::ProblemItem& item) {
  ProblemItemView p;
  p.name = item.name();
  std::string problem;
  PlanAndId(item.name(), &p.plan_id, &problem);
  std::string plan;
  PlanAndId(item.measure(), &plan, &p.measure_id);
  p.code = item.code();
  p.title = item.title();
  p.owner = Id(item.organization(), "organizations/");
  p.state = static_cast<ProblemState>(item.state());
  p.rectification_due = Day(item.rectification_due_date());
  return p;
}

absl::StatusOr<bool> SupervisionProgressInput(const common::v1::Event& event, UpstreamInput* in) {
  using Change = SupervisionOrderInput::Change;
  const std::string& type = event.type();
  if (type == "ecoplan.progress.v1.SupervisionOrderIssued") {
    pv1::SupervisionOrderIssued p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad SupervisionOrderIssued payload");
    OrderInput(p.order(), Change::kIssued, in);
  } else if (type == "ecoplan.progress.v1.SupervisionOrderReplied") {
    pv1::SupervisionOrderReplied p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad SupervisionOrderReplied payload");
    OrderInput(p.order(), Change::kReplied, in);
    ReplyInput(p.organization(), p.reply(), in);
  } else if (type == "ecoplan.progress.v1.SupervisionOrderReplyReturned") {
    pv1::SupervisionOrderReplyReturned p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad SupervisionOrderReplyReturned payload");
    OrderInput(p.order(), Change::kReplyReturned, in);
    ReplyInput(p.organization(), p.reply(), in);
  } else if (type == "ecoplan.progress.v1.SupervisionOrderReplyAccepted") {
    pv1::SupervisionOrderReplyAccepted p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad SupervisionOrderReplyAccepted payload");
    OrderInput(p.order(), Change::kReplyAccepted, in);
    ReplyInput(p.organization(), p.reply(), in);
  } else if (type == "ecoplan.progress.v1.SupervisionOrderLevelRaised") {
    pv1::SupervisionOrderLevelRaised p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad SupervisionOrderLevelRaised payload");
    OrderInput(p.order(), Change::kLevelRaised, in);
    in->supervision.from_level = static_cast<SupervisionLevel>(p.change().from_level());
    in->supervision.comment = p.change().reason();
  } else if (type == "ecoplan.progress.v1.SupervisionOrderClosed") {
    pv1::SupervisionOrderClosed p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad SupervisionOrderClosed payload");
    OrderInput(p.order(), Change::kClosed, in);
    in->supervision.open = false;
    in->supervision.comment = p.order().close_comment();
  } else if (type == "ecoplan.progress.v1.SupervisionOrderAcknowledged") {
    pv1::SupervisionOrderAcknowledged p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad SupervisionOrderAcknowledged payload");
    OrderInput(p.order(), Change::kAcknowledged, in);
  } else if (type == "ecoplan.progress.v1.ProblemItemOpened") {
    pv1::ProblemItemOpened p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad ProblemItemOpened payload");
    ProblemInput(p.item(), pv1::PROBLEM_STATE_UNSPECIFIED, nullptr, in);
  } else if (type == "ecoplan.progress.v1.ProblemItemTransitioned") {
    pv1::ProblemItemTransitioned p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad ProblemItemTransitioned payload");
    ProblemInput(p.item(), p.from_state(), &p.step(), in);
  } else if (type == "ecoplan.progress.v1.ExtensionRequested") {
    pv1::ExtensionRequested p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad ExtensionRequested payload");
    const pv1::Extension& e = p.extension();
    in->type = UpstreamInput::Type::kExtensionRequested;
    PlanAndId(e.measure(), &in->plan_id, &in->bureau_request.measure_id);
    in->resource = e.name();
    BureauRequestInput& r = in->bureau_request;
    r.name = e.name();
    r.organization_id = Id(e.organization(), "organizations/");
    r.number = e.request_number();
    r.current_due = Day(e.current_due_date());
    r.requested_due = Day(e.requested_due_date());
    r.text = e.reason();
  } else if (type == "ecoplan.progress.v1.CompletionDeclared") {
    pv1::CompletionDeclared p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad CompletionDeclared payload");
    const pv1::Completion& c = p.completion();
    in->type = UpstreamInput::Type::kCompletionDeclared;
    PlanAndId(c.measure(), &in->plan_id, &in->bureau_request.measure_id);
    in->resource = c.name();
    BureauRequestInput& r = in->bureau_request;
    r.name = c.name();
    r.organization_id = Id(c.organization(), "organizations/");
    r.number = c.declaration_number();
    r.text = c.description();
  } else {
    return false;
  }
  return true;
}

}  // namespace ecoplan::notification
