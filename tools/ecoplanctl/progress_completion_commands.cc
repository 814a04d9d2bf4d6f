// The "completion" commands: a measure's completion sign-off (办结), declared and decided.

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/progress_commands.h"
#include "tools/ecoplanctl/progress_common.h"

namespace ecoplan::ctl {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;

using PStub = pv1::ProgressService::StubInterface;
using RStub = rv1::RegistryService::StubInterface;

using progress_internal::Bind;
using progress_internal::Call;
using progress_internal::Json;
using progress_internal::kComment;
using progress_internal::kOrg;
using progress_internal::kPlan;
using progress_internal::MeasureName;
using progress_internal::NewRequestId;
using progress_internal::Number;
using progress_internal::ResolveOrg;

}  // namespace

absl::Status CompletionDeclare(const ProgressContext& ctx, const std::string& plan,
                               const std::string& measure, const std::string& org,
                               const std::string& description,
                               const std::vector<std::string>& evidence, std::ostream& out) {
  pv1::DeclareCompletionRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_measure(), MeasureName(ctx, plan, measure));
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_organization(), ResolveOrg(ctx, org));
  request.set_description(description);
  for (const std::string& url : evidence) request.add_evidence_links(url);
  request.set_request_id(NewRequestId());
  pv1::DeclareCompletionResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::DeclareCompletion, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << response.completion().name() << "  "
      << pv1::CompletionState_Name(response.completion().state()).substr(17) << "\n";
  return absl::OkStatus();
}

absl::Status CompletionDecide(const ProgressContext& ctx, const std::string& plan,
                              const std::string& measure, int number, bool confirm,
                              const std::string& comment, std::ostream& out, bool override_check,
                              const std::string& reason) {
  if (override_check && reason.empty()) {
    return UsageError(
        "--override-indicator-check needs --reason: why the bureau confirms "
        "against the indicator data");
  }
  if (!override_check && !reason.empty()) {
    return UsageError("--reason is only for --override-indicator-check");
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::string m, MeasureName(ctx, plan, measure));
  pv1::Completion completion;
  if (confirm) {
    pv1::ConfirmCompletionRequest request;
    request.set_name(absl::StrCat(m, "/completions/", number));
    request.set_comment(comment);
    request.set_override_indicator_check(override_check);
    request.set_override_reason(reason);
    request.set_request_id(NewRequestId());
    pv1::ConfirmCompletionResponse response;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::ConfirmCompletion, request, &response));
    completion = response.completion();
  } else {
    if (comment.empty()) return UsageError("--comment is required to reject a completion");
    pv1::RejectCompletionRequest request;
    request.set_name(absl::StrCat(m, "/completions/", number));
    request.set_comment(comment);
    request.set_request_id(NewRequestId());
    pv1::RejectCompletionResponse response;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::RejectCompletion, request, &response));
    completion = response.completion();
  }
  if (Json(ctx)) return PrintJson(completion, out);
  out << completion.name() << "  " << pv1::CompletionState_Name(completion.state()).substr(17)
      << "\n";
  if (completion.indicator_check_overridden()) {
    out << "indicator check overridden: " << completion.override_reason() << "\n";
  }
  for (const std::string& line : completion.indicator_checks()) out << "  " << line << "\n";
  return absl::OkStatus();
}

// The command line.

CommandGroup progress_internal::CompletionGroup() {
  CommandGroup group{"completion", "completion sign-off (办结)", {}, ""};
  group.commands.push_back(
      {"declare",
       "MEASURE --org ORG --description T --evidence URL... [--plan PLAN]",
       "a lead organization declares a measure completed",
       1,
       1,
       {kPlan,
        kOrg,
        {"description", "D", "what was achieved"},
        {"evidence", "URL", "an evidence link (repeatable)"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return CompletionDeclare(ctx, args.Value("plan"), args.args()[0], args.Value("org"),
                                  args.Value("description"), args.Values("evidence"), out);
       })});
  group.commands.push_back(
      {"confirm",
       "MEASURE N [--comment T] [--override-indicator-check --reason T] [--plan PLAN]",
       "the bureau confirms declaration N: the measure counts as completed (refused while an "
       "indicator of the measure is off track or has no value, unless overridden with a reason)",
       2,
       2,
       {kPlan,
        kComment,
        {"override-indicator-check", "",
         "confirm although the measure's indicator data does not support it (needs --reason)"},
        {"reason", "T", "why the bureau overrides the indicator check (recorded)"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args,
               std::ostream& out) -> absl::Status {
         ECOPLAN_ASSIGN_OR_RETURN(int n, Number(args.args()[1]));
         return CompletionDecide(ctx, args.Value("plan"), args.args()[0], n, /*confirm=*/true,
                                 args.Value("comment"), out, args.Has("override-indicator-check"),
                                 args.Value("reason"));
       })});
  group.commands.push_back({"reject",
                            "MEASURE N --comment T [--plan PLAN]",
                            "the bureau sends declaration N back",
                            2,
                            2,
                            {kPlan, kComment},
                            Bind([](const ProgressContext& ctx, const ParsedArgs& args,
                                    std::ostream& out) -> absl::Status {
                              ECOPLAN_ASSIGN_OR_RETURN(int n, Number(args.args()[1]));
                              return CompletionDecide(ctx, args.Value("plan"), args.args()[0], n,
                                                      /*confirm=*/false, args.Value("comment"),
                                                      out);
                            })});
  return group;
}

}  // namespace ecoplan::ctl
