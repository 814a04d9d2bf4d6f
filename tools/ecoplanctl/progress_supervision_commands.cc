// The "supervision" commands: supervision orders (督办单) — issue, reply (回复),
// verify (accept / 退回), raise (升级), close (销号), acknowledge (签收), list and show.

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/mapping/proto_values.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/progress_commands.h"
#include "tools/ecoplanctl/progress_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace pv1 = ::ecoplan::progress::v1;

using PStub = pv1::ProgressService::StubInterface;

using progress_internal::Bind;
using progress_internal::Call;
using progress_internal::Date;
using progress_internal::Json;
using progress_internal::kComment;
using progress_internal::kOrg;
using progress_internal::kPlan;
using progress_internal::MeasureName;
using progress_internal::NewRequestId;
using progress_internal::ParseDate;
using progress_internal::ResolveOrg;
using progress_internal::ResolvePlan;
using progress_internal::Short;

// plans/…/supervisionOrders/…, or an order id (2026-001) of the plan.
absl::StatusOr<std::string> OrderName(const ProgressContext& ctx, const std::string& plan,
                                      const std::string& order) {
  if (absl::StartsWith(order, "plans/")) return order;
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  return absl::StrCat(p, "/supervisionOrders/", order);
}

absl::StatusOr<pv1::SupervisionLevel> ParseLevel(const std::string& text) {
  const std::string t = absl::AsciiStrToLower(text);
  if (t == "blue" || t == "蓝" || t == "蓝色") return pv1::SUPERVISION_LEVEL_BLUE;
  if (t == "yellow" || t == "黄" || t == "黄色") return pv1::SUPERVISION_LEVEL_YELLOW;
  if (t == "red" || t == "红" || t == "红色") return pv1::SUPERVISION_LEVEL_RED;
  return UsageError(
      absl::StrCat("--level is blue (蓝), yellow (黄) or red (红), not \"", text, "\""));
}

absl::StatusOr<pv1::SupervisionSourceKind> ParseSource(const std::string& text) {
  const std::string t = absl::AsciiStrToLower(text);
  if (t == "12345" || t == "hotline" || t == "接诉即办") {
    return pv1::SUPERVISION_SOURCE_KIND_HOTLINE_TICKET;
  }
  if (t == "meeting" || t == "点评会") return pv1::SUPERVISION_SOURCE_KIND_REVIEW_MEETING;
  if (t == "inspection" || t == "督察") return pv1::SUPERVISION_SOURCE_KIND_INSPECTION_FINDING;
  if (t == "indicator" || t == "指标") return pv1::SUPERVISION_SOURCE_KIND_LAGGING_INDICATOR;
  if (t == "ad-hoc" || t == "临时") return pv1::SUPERVISION_SOURCE_KIND_AD_HOC;
  return UsageError(absl::StrCat(
      "--source is 12345, meeting, inspection, indicator or ad-hoc, not \"", text, "\""));
}

absl::StatusOr<pv1::SupervisionOrderState> ParseOrderState(const std::string& text) {
  if (text.empty()) return pv1::SUPERVISION_ORDER_STATE_UNSPECIFIED;
  if (text == "open") return pv1::SUPERVISION_ORDER_STATE_OPEN;
  if (text == "closed") return pv1::SUPERVISION_ORDER_STATE_CLOSED;
  return UsageError(absl::StrCat("--state is open or closed, not \"", text, "\""));
}

std::string LevelWord(pv1::SupervisionLevel level) {
  switch (level) {
    case pv1::SUPERVISION_LEVEL_BLUE:
      return "蓝 BLUE";
    case pv1::SUPERVISION_LEVEL_YELLOW:
      return "黄 YELLOW";
    case pv1::SUPERVISION_LEVEL_RED:
      return "红 RED";
    default:
      return "-";
  }
}

std::string SourceWord(pv1::SupervisionSourceKind kind) {
  switch (kind) {
    case pv1::SUPERVISION_SOURCE_KIND_HOTLINE_TICKET:
      return "12345 接诉即办";
    case pv1::SUPERVISION_SOURCE_KIND_REVIEW_MEETING:
      return "点评会 review meeting";
    case pv1::SUPERVISION_SOURCE_KIND_INSPECTION_FINDING:
      return "督察反馈 inspection finding";
    case pv1::SUPERVISION_SOURCE_KIND_LAGGING_INDICATOR:
      return "指标滞后 lagging indicator";
    case pv1::SUPERVISION_SOURCE_KIND_AD_HOC:
      return "临时督办 ad hoc";
    default:
      return "-";
  }
}

std::string StateWord(pv1::SupervisionReplyState state) {
  switch (state) {
    case pv1::SUPERVISION_REPLY_STATE_AWAITING_REPLY:
      return "待回复 awaiting reply";
    case pv1::SUPERVISION_REPLY_STATE_REPLIED:
      return "待核查 replied";
    case pv1::SUPERVISION_REPLY_STATE_RETURNED:
      return "已退回 returned";
    case pv1::SUPERVISION_REPLY_STATE_ACCEPTED:
      return "已通过 accepted";
    default:
      return "-";
  }
}

std::string OrderStateWord(const pv1::SupervisionOrder& o) {
  return o.state() == pv1::SUPERVISION_ORDER_STATE_CLOSED ? "已销号 closed" : "办理中 open";
}

std::string Due(const pv1::SupervisionOrder& o) {
  if (o.reply_due_explicit() && o.has_reply_due_time()) {
    absl::TimeZone zone;
    if (!absl::LoadTimeZone("Asia/Shanghai", &zone)) zone = absl::FixedTimeZone(8 * 3600);
    return absl::FormatTime("%Y-%m-%d %H:%M", common::TimeFromProto(o.reply_due_time()), zone);
  }
  return Date(o.reply_due_date());
}

void PrintOrder(const pv1::SupervisionOrder& o, std::ostream& out) {
  out << "order:        " << o.name() << "  etag " << o.etag() << "\n"
      << "title:        " << o.title() << "\n"
      << "level:        " << LevelWord(o.level()) << "\n"
      << "state:        " << OrderStateWord(o) << (o.overdue() ? "  OVERDUE 逾期" : "") << "\n"
      << "reply due:    " << Due(o) << (o.reply_due_explicit() ? " (explicit)" : "") << "\n"
      << "source:       " << SourceWord(o.source().kind())
      << (o.source().reference().empty() ? "" : "  " + o.source().reference()) << "\n";
  if (!o.external_case_number().empty()) {
    out << "case number:  " << o.external_case_number() << "\n";
  }
  std::vector<std::string> measures;
  for (const std::string& m : o.measures()) measures.push_back(Short(m));
  out << "measures:     " << absl::StrJoin(measures, ", ") << "\n"
      << "issued by:    " << o.issued_by()
      << (o.issuing_organization().empty() ? "" : " (" + Short(o.issuing_organization()) + ")")
      << "\n";
  if (!o.requesting_organization().empty()) {
    out << "requested by: " << Short(o.requesting_organization()) << "\n";
  }
  if (!o.description().empty()) out << "description:  " << o.description() << "\n";
  for (const pv1::SupervisionLevelChange& c : o.level_changes()) {
    out << "raised:       " << LevelWord(c.from_level()) << " → " << LevelWord(c.to_level())
        << " by " << c.changed_by() << ": " << c.reason() << "\n";
  }
  if (o.state() == pv1::SUPERVISION_ORDER_STATE_CLOSED) {
    out << "closed by:    " << o.closed_by()
        << (o.close_comment().empty() ? "" : ": " + o.close_comment()) << "\n";
  }
  Table table({"organization", "state", "overdue", "late", "replies", "latest reply"});
  table.SetMaxWidth(5, 60);
  for (const pv1::SupervisionAddressee& a : o.addressees()) {
    const std::string who =
        a.organization_display_name().empty()
            ? Short(a.organization())
            : absl::StrCat(a.organization_display_name(), " (", Short(a.organization()), ")");
    const std::string latest = a.replies().empty() ? "" : a.replies().rbegin()->content();
    table.AddRow({who, StateWord(a.state()), a.overdue() ? "逾期 yes" : "",
                  absl::StrCat(a.late_reply_count()), absl::StrCat(a.replies_size()), latest});
  }
  table.Print(out);
}

// Prints the order of a write, or the response as JSON.
template <typename Response>
absl::Status PrintWritten(const ProgressContext& ctx, const Response& response, std::ostream& out) {
  if (Json(ctx)) return PrintJson(response, out);
  PrintOrder(response.order(), out);
  return absl::OkStatus();
}

}  // namespace

absl::Status SupervisionIssue(const ProgressContext& ctx, const SupervisionIssueArgs& args,
                              std::ostream& out) {
  pv1::IssueSupervisionOrderRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_parent(), ResolvePlan(ctx, args.plan));
  request.set_title(args.title);
  request.set_description(args.description);
  ECOPLAN_ASSIGN_OR_RETURN(pv1::SupervisionSourceKind kind, ParseSource(args.source));
  request.mutable_source()->set_kind(kind);
  request.mutable_source()->set_reference(args.reference);
  ECOPLAN_ASSIGN_OR_RETURN(pv1::SupervisionLevel level, ParseLevel(args.level));
  request.set_level(level);
  if (args.measures.empty()) return UsageError("give at least one --measure");
  for (const std::string& m : args.measures) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.add_measures(), MeasureName(ctx, args.plan, m));
  }
  for (const std::string& o : args.orgs) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.add_organizations(), ResolveOrg(ctx, o));
  }
  if (!args.due.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_reply_due_date(), ParseDate(args.due, "due"));
  }
  request.set_external_case_number(args.case_number);
  if (!args.requesting_org.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_requesting_organization(),
                             ResolveOrg(ctx, args.requesting_org));
  }
  request.set_request_id(NewRequestId());
  if (ctx.notes != nullptr) *ctx.notes << "request id: " << request.request_id() << "\n";
  pv1::IssueSupervisionOrderResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::IssueSupervisionOrder, request, &response));
  return PrintWritten(ctx, response, out);
}

absl::Status SupervisionReply(const ProgressContext& ctx, const std::string& plan,
                              const std::string& order, const std::string& org,
                              const std::string& content, const std::vector<std::string>& evidence,
                              std::ostream& out) {
  pv1::ReplySupervisionOrderRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), OrderName(ctx, plan, order));
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_organization(), ResolveOrg(ctx, org));
  request.set_content(content);
  for (const std::string& e : evidence) request.add_evidence_links(e);
  request.set_request_id(NewRequestId());
  pv1::ReplySupervisionOrderResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::ReplySupervisionOrder, request, &response));
  return PrintWritten(ctx, response, out);
}

absl::Status SupervisionVerify(const ProgressContext& ctx, const std::string& plan,
                               const std::string& order, const std::string& org, bool accept,
                               const std::string& comment, std::ostream& out) {
  pv1::VerifySupervisionReplyRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), OrderName(ctx, plan, order));
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_organization(), ResolveOrg(ctx, org));
  request.set_decision(accept ? pv1::DECISION_APPROVE : pv1::DECISION_REJECT);
  request.set_comment(comment);
  request.set_request_id(NewRequestId());
  pv1::VerifySupervisionReplyResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::VerifySupervisionReply, request, &response));
  return PrintWritten(ctx, response, out);
}

absl::Status SupervisionRaise(const ProgressContext& ctx, const std::string& plan,
                              const std::string& order, const std::string& level,
                              const std::string& reason, std::ostream& out) {
  pv1::RaiseSupervisionLevelRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), OrderName(ctx, plan, order));
  ECOPLAN_ASSIGN_OR_RETURN(pv1::SupervisionLevel l, ParseLevel(level));
  request.set_level(l);
  request.set_reason(reason);
  request.set_request_id(NewRequestId());
  pv1::RaiseSupervisionLevelResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::RaiseSupervisionLevel, request, &response));
  return PrintWritten(ctx, response, out);
}

absl::Status SupervisionClose(const ProgressContext& ctx, const std::string& plan,
                              const std::string& order, const std::string& comment,
                              std::ostream& out) {
  pv1::CloseSupervisionOrderRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), OrderName(ctx, plan, order));
  request.set_comment(comment);
  request.set_request_id(NewRequestId());
  pv1::CloseSupervisionOrderResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::CloseSupervisionOrder, request, &response));
  return PrintWritten(ctx, response, out);
}

absl::Status SupervisionShow(const ProgressContext& ctx, const std::string& plan,
                             const std::string& order, std::ostream& out) {
  pv1::GetSupervisionOrderRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), OrderName(ctx, plan, order));
  pv1::GetSupervisionOrderResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::GetSupervisionOrder, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintOrder(response.order(), out);
  for (const pv1::SupervisionAddressee& a : response.order().addressees()) {
    for (const pv1::SupervisionReply& r : a.replies()) {
      out << "\nreply " << r.number() << " of " << Short(a.organization()) << " by "
          << r.replied_by() << (r.late() ? "  LATE 逾期" : "") << "\n  " << r.content() << "\n";
      for (const std::string& e : r.evidence_links()) out << "  evidence: " << e << "\n";
      if (r.verdict() != pv1::SUPERVISION_VERDICT_UNSPECIFIED) {
        out << "  " << pv1::SupervisionVerdict_Name(r.verdict()).substr(20)
            << (r.verdict_comment().empty() ? "" : ": " + r.verdict_comment()) << "\n";
      }
    }
  }
  return absl::OkStatus();
}

absl::Status SupervisionList(const ProgressContext& ctx, const SupervisionListArgs& args,
                             std::ostream& out) {
  pv1::ListSupervisionOrdersRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_parent(), ResolvePlan(ctx, args.plan));
  ECOPLAN_ASSIGN_OR_RETURN(pv1::SupervisionOrderState state, ParseOrderState(args.state));
  request.set_state(state);
  if (!args.level.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(pv1::SupervisionLevel level, ParseLevel(args.level));
    request.set_level(level);
  }
  if (!args.org.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_organization(), ResolveOrg(ctx, args.org));
  }
  if (!args.measure.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_measure(), MeasureName(ctx, args.plan, args.measure));
  }
  request.set_overdue_only(args.overdue);
  request.set_external_case_number(args.case_number);
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);
  pv1::ListSupervisionOrdersResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::ListSupervisionOrders, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"order", "level", "state", "reply due", "overdue", "accepted", "title"});
  table.SetMaxWidth(6, 40);
  for (const pv1::SupervisionOrder& o : response.orders()) {
    int accepted = 0;
    for (const pv1::SupervisionAddressee& a : o.addressees()) {
      accepted += a.state() == pv1::SUPERVISION_REPLY_STATE_ACCEPTED ? 1 : 0;
    }
    table.AddRow({Short(o.name()), LevelWord(o.level()), OrderStateWord(o), Due(o),
                  o.overdue() ? "逾期 yes" : "", absl::StrCat(accepted, "/", o.addressees_size()),
                  o.title()});
  }
  table.Print(out);
  if (!response.next_page_token().empty()) {
    out << "next page: --page-token " << response.next_page_token() << "\n";
  }
  return absl::OkStatus();
}

absl::Status SupervisionAcknowledge(const ProgressContext& ctx, const std::string& plan,
                                    const std::string& order, const std::string& case_number,
                                    const std::string& comment, std::ostream& out) {
  pv1::AcknowledgeSupervisionOrderRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), OrderName(ctx, plan, order));
  request.set_external_case_number(case_number);
  request.set_comment(comment);
  request.set_request_id(NewRequestId());
  pv1::AcknowledgeSupervisionOrderResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::AcknowledgeSupervisionOrder, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintOrder(response.order(), out);
  for (const pv1::SupervisionAcknowledgement& a : response.order().acknowledgements()) {
    out << "acknowledged: " << a.acknowledged_by()
        << (a.comment().empty() ? "" : ": " + a.comment()) << "\n";
  }
  return absl::OkStatus();
}

// The command line.

CommandGroup progress_internal::SupervisionGroup() {
  CommandGroup group{"supervision",
                     "supervision orders (督办单): issue, reply, verify, 销号, 签收",
                     {},
                     "Orders are named by their id (2026-001) within --plan, or in full\n"
                     "(plans/…/supervisionOrders/2026-001). Reply deadlines: blue (蓝) 10,\n"
                     "yellow (黄) 5, red (红) 2 working days from the issue day, unless --due.\n"};
  const FlagSpec order_org = {"org", "NAME", "the addressed organization (name, alias or o-…)"};
  group.commands.push_back(
      {"issue",
       "--title T --description T --source KIND [--ref R] --level L --measure M... [--org O...] "
       "[--due YYYY-MM-DD] [--case-number N] [--requesting-org ORG] [--plan PLAN]",
       "issue a supervision order (督办) on measures to organizations (the 督查室 or the bureau)",
       0,
       0,
       {kPlan,
        {"title", "TEXT", "title of the order"},
        {"description", "TEXT", "what is required"},
        {"source", "KIND",
         "12345 (接诉即办), meeting (点评会), inspection (督察), indicator, ad-hoc"},
        {"ref", "TEXT", "source reference, e.g. the 12345 ticket number"},
        {"level", "LEVEL", "blue (蓝), yellow (黄) or red (红)"},
        {"measure", "ID", "a measure of the plan (repeatable)"},
        {"org", "NAME", "an organization that must reply (repeatable); default: the leads"},
        {"due", "YYYY-MM-DD", "reply deadline overriding the level's"},
        {"case-number", "TEXT", "the command center's case number (案件号)"},
        {"requesting-org", "NAME",
         "the organization that asked for the order, e.g. the command center (区城指中心) "
         "passing on a 12345 ticket (name, alias or o-…)"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         SupervisionIssueArgs a;
         a.plan = args.Value("plan");
         a.title = args.Value("title");
         a.description = args.Value("description");
         a.source = args.Value("source");
         a.reference = args.Value("ref");
         a.level = args.Value("level");
         a.measures = args.Values("measure");
         a.orgs = args.Values("org");
         a.due = args.Value("due");
         a.case_number = args.Value("case-number");
         a.requesting_org = args.Value("requesting-org");
         return SupervisionIssue(ctx, a, out);
       })});
  group.commands.push_back(
      {"reply",
       "ORDER --org ORG --content T [--evidence URL...] [--plan PLAN]",
       "an addressed organization replies (回复) with what it did",
       1,
       1,
       {kPlan,
        order_org,
        {"content", "TEXT", "what was done"},
        {"evidence", "URL", "an evidence link (repeatable)"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return SupervisionReply(ctx, args.Value("plan"), args.args()[0], args.Value("org"),
                                 args.Value("content"), args.Values("evidence"), out);
       })});
  group.commands.push_back(
      {"verify",
       "ORDER --org ORG (--accept | --return) [--comment T] [--plan PLAN]",
       "accept an organization's reply, or return it (退回) with a reason",
       1,
       1,
       {kPlan, order_org, kComment, {"accept", "", "accept"}, {"return", "", "return (退回)"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args,
               std::ostream& out) -> absl::Status {
         if (args.Has("accept") == args.Has("return")) {
           return UsageError("give one of --accept or --return");
         }
         return SupervisionVerify(ctx, args.Value("plan"), args.args()[0], args.Value("org"),
                                  args.Has("accept"), args.Value("comment"), out);
       })});
  group.commands.push_back(
      {"raise",
       "ORDER --level L --reason T [--plan PLAN]",
       "raise the order's level (升级督办); the deadline is recomputed from today",
       1,
       1,
       {kPlan, {"level", "LEVEL", "yellow (黄) or red (红)"}, {"reason", "TEXT", "why"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return SupervisionRaise(ctx, args.Value("plan"), args.args()[0], args.Value("level"),
                                 args.Value("reason"), out);
       })});
  group.commands.push_back(
      {"close",
       "ORDER [--comment T] [--plan PLAN]",
       "close the order (销号) once every reply is accepted",
       1,
       1,
       {kPlan, kComment},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return SupervisionClose(ctx, args.Value("plan"), args.args()[0], args.Value("comment"),
                                 out);
       })});
  group.commands.push_back(
      {"list",
       "[--state open|closed] [--level L] [--org ORG] [--measure M] [--overdue] [--case-number N] "
       "[--plan PLAN]",
       "supervision orders by id; --overdue: only those with an overdue reply (逾期)",
       0,
       0,
       {kPlan,
        {"state", "STATE", "open or closed (已销号)"},
        {"level", "LEVEL", "blue, yellow or red"},
        kOrg,
        {"measure", "ID", "a measure of the plan"},
        {"overdue", "", "only orders with an overdue reply"},
        {"case-number", "TEXT", "only the order with this case number (案件号)"},
        {"page-size", "N", "orders per page (default 50)"},
        {"page-token", "TOKEN", "from the previous page"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args,
               std::ostream& out) -> absl::Status {
         SupervisionListArgs a;
         a.plan = args.Value("plan");
         a.state = args.Value("state");
         a.level = args.Value("level");
         a.org = args.Value("org");
         a.measure = args.Value("measure");
         a.overdue = args.Has("overdue");
         a.case_number = args.Value("case-number");
         ECOPLAN_ASSIGN_OR_RETURN(a.page_size, args.Int("page-size", 0));
         a.page_token = args.Value("page-token");
         return SupervisionList(ctx, a, out);
       })});
  group.commands.push_back(
      {"ack",
       "ORDER [--case-number N] [--comment T] [--plan PLAN]",
       "acknowledge an order (签收; the command center), attaching its case number (案件号)",
       1,
       1,
       {kPlan,
        {"case-number", "TEXT", "the command center's case number (案件号)"},
        {"comment", "TEXT", "comment, e.g. to whom it was dispatched (派遣)"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return SupervisionAcknowledge(ctx, args.Value("plan"), args.args()[0],
                                       args.Value("case-number"), args.Value("comment"), out);
       })});
  group.commands.push_back(
      {"show",
       "ORDER [--plan PLAN]",
       "an order with each organization's state and replies (回复)",
       1,
       1,
       {kPlan},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return SupervisionShow(ctx, args.Value("plan"), args.args()[0], out);
       })});
  return group;
}

}  // namespace ecoplan::ctl
