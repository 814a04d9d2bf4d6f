// The "extension" commands: deadline extension requests (延期申请) and their decisions.

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/progress_commands.h"
#include "tools/ecoplanctl/progress_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;

using PStub = pv1::ProgressService::StubInterface;
using RStub = rv1::RegistryService::StubInterface;

using progress_internal::Bind;
using progress_internal::Call;
using progress_internal::Date;
using progress_internal::Json;
using progress_internal::kComment;
using progress_internal::kOrg;
using progress_internal::kPlan;
using progress_internal::MeasureName;
using progress_internal::NewRequestId;
using progress_internal::Number;
using progress_internal::ParseDate;
using progress_internal::ResolveOrg;
using progress_internal::ResolvePlan;
using progress_internal::Short;

}  // namespace

absl::Status ExtensionRequest(const ProgressContext& ctx, const std::string& plan,
                              const std::string& measure, const std::string& org,
                              const std::string& date, const std::string& reason,
                              std::ostream& out) {
  pv1::RequestExtensionRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_measure(), MeasureName(ctx, plan, measure));
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_organization(), ResolveOrg(ctx, org));
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_requested_due_date(), ParseDate(date, "date"));
  request.set_reason(reason);
  request.set_request_id(NewRequestId());
  pv1::RequestExtensionResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::RequestExtension, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  const pv1::Extension& e = response.extension();
  out << e.name() << "  request " << e.request_number() << "  " << Date(e.current_due_date())
      << " → " << Date(e.requested_due_date()) << "  "
      << pv1::ExtensionState_Name(e.state()).substr(16) << "\n";
  return absl::OkStatus();
}

absl::Status ExtensionDecide(const ProgressContext& ctx, const std::string& plan,
                             const std::string& measure, int number, bool approve,
                             const std::string& comment, std::ostream& out) {
  pv1::DecideExtensionRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(std::string m, MeasureName(ctx, plan, measure));
  request.set_name(absl::StrCat(m, "/extensions/", number));
  request.set_decision(approve ? pv1::DECISION_APPROVE : pv1::DECISION_REJECT);
  request.set_comment(comment);
  request.set_request_id(NewRequestId());
  pv1::DecideExtensionResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::DecideExtension, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << response.extension().name() << "  "
      << pv1::ExtensionState_Name(response.extension().state()).substr(16) << "\n";
  return absl::OkStatus();
}

absl::Status ExtensionList(const ProgressContext& ctx, const std::string& plan,
                           const std::string& measure, std::ostream& out) {
  pv1::ListExtensionsRequest request;
  if (measure.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_parent(), ResolvePlan(ctx, plan));
  } else {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_parent(), MeasureName(ctx, plan, measure));
  }
  pv1::ListExtensionsResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::ListExtensions, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"measure", "#", "original", "from", "to", "state", "reason"});
  for (const pv1::Extension& e : response.extensions()) {
    table.AddRow({Short(e.measure()), absl::StrCat(e.request_number()), Date(e.original_due_date()),
                  Date(e.current_due_date()), Date(e.requested_due_date()),
                  pv1::ExtensionState_Name(e.state()).substr(16), e.reason()});
  }
  table.Print(out);
  return absl::OkStatus();
}

// The command line.

CommandGroup progress_internal::ExtensionGroup() {
  CommandGroup group{"extension", "extension requests (延期申请)", {}, ""};
  group.commands.push_back(
      {"request",
       "MEASURE --org ORG --date YYYY-MM-DD --reason T [--plan PLAN]",
       "a lead organization asks for a later deadline",
       1,
       1,
       {kPlan, kOrg, {"date", "YYYY-MM-DD", "the new deadline"}, {"reason", "TEXT", "why"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return ExtensionRequest(ctx, args.Value("plan"), args.args()[0], args.Value("org"),
                                 args.Value("date"), args.Value("reason"), out);
       })});
  group.commands.push_back({"decide",
                            "MEASURE N (--approve | --reject) [--comment T] [--plan PLAN]",
                            "the bureau approves or rejects request N of a measure",
                            2,
                            2,
                            {kPlan, kComment, {"approve", "", "approve"}, {"reject", "", "reject"}},
                            Bind([](const ProgressContext& ctx, const ParsedArgs& args,
                                    std::ostream& out) -> absl::Status {
                              if (args.Has("approve") == args.Has("reject")) {
                                return UsageError("give one of --approve or --reject");
                              }
                              ECOPLAN_ASSIGN_OR_RETURN(int n, Number(args.args()[1]));
                              return ExtensionDecide(ctx, args.Value("plan"), args.args()[0], n,
                                                     args.Has("approve"), args.Value("comment"),
                                                     out);
                            })});
  group.commands.push_back(
      {"list",
       "[MEASURE] [--plan PLAN]",
       "extension requests, oldest first",
       0,
       1,
       {kPlan},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return ExtensionList(ctx, args.Value("plan"), args.args().empty() ? "" : args.args()[0],
                              out);
       })});
  return group;
}

}  // namespace ecoplan::ctl
