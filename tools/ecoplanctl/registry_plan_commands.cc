// The "plan" commands: import, list, show and export plans.

#include <fstream>
#include <iostream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/registry_commands.h"
#include "tools/ecoplanctl/registry_common.h"
#include "tools/ecoplanctl/registry_format.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace v1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;
using Stub = v1::RegistryService::StubInterface;

using registry_internal::Bind;
using registry_internal::Call;
using registry_internal::Json;
using registry_internal::kPlanFlag;
using registry_internal::ListPages;
using registry_internal::PlanArgOrFlag;
using registry_internal::PlanRef;
using registry_internal::PrintAnnexes;
using registry_internal::PrintPlanMetadata;
using registry_internal::PrintSummary;
using registry_internal::PrintWarnings;
using registry_internal::ResolvePlan;

}  // namespace

absl::Status PlanImport(const RegistryContext& ctx, const PlanImportArgs& args, std::ostream& out) {
  std::string text;
  if (args.file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file(args.file, std::ios::binary);
    if (!file) return absl::NotFoundError(absl::StrCat("cannot read ", args.file));
    text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    if (file.bad()) return absl::DataLossError(absl::StrCat("error reading ", args.file));
  }
  v1::ImportPlanRequest request;
  // A Word document goes as the file itself (picked by its .docx name or its
  // zip content); the server reads it.
  const bool docx = absl::EndsWithIgnoreCase(args.file, ".docx") ||
                    absl::StartsWith(text, absl::string_view("PK\x03\x04", 4));
  if (docx) {
    *request.mutable_document_file() = std::move(text);
    request.set_media_type(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  } else {
    request.set_document_text(std::move(text));
  }
  request.set_validate_only(args.validate_only);
  request.set_request_id(args.request_id);
  v1::ImportPlanResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ImportPlan, request, &response));
  if (Json(ctx)) return PrintJson(response, out);

  const v1::Plan& plan = response.plan();
  if (response.already_imported()) {
    out << "Already imported: " << plan.name() << " (same sha256; nothing changed)\n";
  } else if (args.validate_only) {
    out << "Validated: " << plan.name() << " (validate only; nothing written)\n";
  } else {
    out << "Imported: " << plan.name() << '\n';
  }
  PrintPlanMetadata(plan, out);
  PrintSummary(plan.summary(), out);
  PrintWarnings(plan, out);
  return absl::OkStatus();
}

absl::Status PlanList(const RegistryContext& ctx, std::ostream& out) {
  v1::ListPlansResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      ListPages(ctx, &Stub::ListPlans, v1::ListPlansRequest(), /*all_pages=*/true, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"NAME", "YEAR", "DOCUMENT", "TITLE", "MEASURES", "WARNINGS", "IMPORTED"});
  for (const auto& plan : response.plans()) {
    table.AddRow({plan.name(), absl::StrCat(plan.year()), plan.document_number(), plan.title(),
                  absl::StrCat(plan.summary().measure_count()),
                  absl::StrCat(plan.summary().warning_count()),
                  FormatTimestamp(plan.import_time())});
  }
  table.Print(out);
  out << response.plans_size() << " plans\n";
  return absl::OkStatus();
}

absl::Status PlanShow(const RegistryContext& ctx, const PlanArg& plan_arg, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef ref, ResolvePlan(ctx, plan_arg));
  v1::GetPlanRequest request;
  request.set_name(ref.name);
  v1::GetPlanResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetPlan, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  const v1::Plan& plan = response.plan();
  PrintPlanMetadata(plan, out);
  PrintAnnexes(plan, out);
  PrintSummary(plan.summary(), out);
  PrintWarnings(plan, out);
  return absl::OkStatus();
}

absl::Status PlanExport(const RegistryContext& ctx, const PlanExportArgs& args, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef ref, ResolvePlan(ctx, args.plan));
  v1::ExportPlanRequest request;
  request.set_name(ref.name);
  v1::ExportPlanResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ExportPlan, request, &response));
  // Always JSON: the export is meant for other programs.
  ECOPLAN_ASSIGN_OR_RETURN(std::string json, ToJson(response, /*pretty=*/true));
  if (args.out_file.empty()) {
    out << json << '\n';
    return absl::OkStatus();
  }
  std::ofstream file(args.out_file, std::ios::binary | std::ios::trunc);
  file << json << '\n';
  file.close();
  if (!file) return absl::PermissionDeniedError(absl::StrCat("cannot write ", args.out_file));
  if (ctx.notes != nullptr) {
    *ctx.notes << "exported " << ref.name << " (" << response.tasks_size() << " tasks, "
               << response.organizations_size() << " organizations) to " << args.out_file << '\n';
  }
  return absl::OkStatus();
}

// The command line.

CommandGroup registry_internal::PlanGroup() {
  CommandGroup group{"plan", "import, list, show and export plans", {}, ""};
  group.commands.push_back(
      {"import",
       "FILE [--validate-only] [--request-id ID]",
       "import a plan document, its text or its Word file (.docx, by name or zip content; FILE - "
       "reads stdin); prints the summary and every parse warning",
       1,
       1,
       {{"validate-only", "", "parse and report only; write nothing"},
        {"request-id", "ID", "client id of the call, for a safe retry"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return PlanImport(
             ctx, {args.args()[0], args.Has("validate-only"), args.Value("request-id")}, out);
       })});
  group.commands.push_back({"list",
                            "",
                            "list the imported plans, newest first",
                            0,
                            0,
                            {},
                            Bind([](const RegistryContext& ctx, const ParsedArgs&,
                                    std::ostream& out) { return PlanList(ctx, out); })});
  group.commands.push_back(
      {"show",
       "[PLAN]",
       "a plan's metadata, annexes and sections, summary and warnings",
       0,
       1,
       {kPlanFlag},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ECOPLAN_ASSIGN_OR_RETURN(PlanArg plan, PlanArgOrFlag(args));
         return PlanShow(ctx, plan, out);
       })});
  group.commands.push_back(
      {"export",
       "[PLAN] [--out FILE]",
       "the whole plan (tasks, measures, organizations, indicator tables) as JSON",
       0,
       1,
       {kPlanFlag, {"out", "FILE", "write the JSON to FILE instead of stdout"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ECOPLAN_ASSIGN_OR_RETURN(PlanArg plan, PlanArgOrFlag(args));
         return PlanExport(ctx, {plan, args.Value("out")}, out);
       })});
  group.notes =
      "PLAN is a name (plans/2026-…) or a bare id (2026-…); without it, the newest plan.\n"
      "plan export always prints JSON (pretty-printed).\n";
  return group;
}

}  // namespace ecoplan::ctl
