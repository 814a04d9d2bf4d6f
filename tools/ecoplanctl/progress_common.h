#pragma once

// What the progress command files of ecoplanctl share, and only they: calls
// with the command's deadline, naming plans, organizations, measures and
// reports, parsing the flags' words, printing a report, and binding a command
// to the command line. The commands are declared in progress_commands.h, and
// each concept has its file: progress_{report,extension,completion,calendar}_commands.cc.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/status/grpc_status.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/progress_commands.h"

namespace ecoplan::ctl::progress_internal {

// True when the command prints JSON (--output json).
bool Json(const ProgressContext& ctx);

// One unary call on `stub` (progress or registry) under the command's call policy (deadline,
// retries).
template <typename Stub, typename Request, typename Response>
absl::Status Call(const ProgressContext& ctx, Stub* stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  return UnaryCall(ctx.call, stub, method, request, response);
}

// The last segment of a resource name.
std::string Short(absl::string_view name);

// plans/…, a bare id, or (empty) the newest plan, asked of the registry.
absl::StatusOr<std::string> ResolvePlan(const ProgressContext& ctx, const std::string& plan);
// organizations/o-…, o-…, or a name / alias resolved by the registry.
absl::StatusOr<std::string> ResolveOrg(const ProgressContext& ctx, const std::string& org);
// plans/…/measures/…, or a measure id of the plan.
absl::StatusOr<std::string> MeasureName(const ProgressContext& ctx, const std::string& plan,
                                        const std::string& measure);
// The report's name, or the one of --org and --period.
absl::StatusOr<std::string> ReportName(const ProgressContext& ctx, const ReportRef& ref);

absl::StatusOr<ecoplan::progress::v1::MeasureStatus> ParseStatus(const std::string& text);
absl::StatusOr<ecoplan::progress::v1::ReportState> ParseState(const std::string& text);
// The whole file, or standard input for "-".
absl::StatusOr<std::string> ReadAll(const std::string& file);
std::string NewRequestId();
// YYYY-MM-DD. Errors: a usage error naming `flag`.
absl::StatusOr<ecoplan::common::v1::Date> ParseDate(const std::string& text,
                                                    absl::string_view flag);
std::string Date(const ecoplan::common::v1::Date& d);

void PrintReport(const ecoplan::progress::v1::Report& r, std::ostream& out);

// The command line.

using Runner =
    std::function<absl::Status(const ProgressContext&, const ParsedArgs&, std::ostream&)>;

// A command's run function: makes the progress and registry stubs from the global flags.
std::function<absl::Status(const CommandEnv&, const ParsedArgs&)> Bind(Runner runner);

inline const FlagSpec kPlan = {"plan", "PLAN",
                               "plan name (plans/…) or id; default: the newest plan"};
inline const FlagSpec kOrg = {"org", "NAME", "organization: name, alias, o-… or organizations/…"};
inline const FlagSpec kPeriod = {"period", "PERIOD", "2026-05, 2026-Q2, 2026-H1 or 2026"};
inline const FlagSpec kComment = {"comment", "TEXT", "review or decision comment"};
inline const FlagSpec kActor = {"actor", "NAME", "who is acting (kept in the history)"};

// The report named by the first argument or by --org and --period.
ReportRef RefFrom(const ParsedArgs& args);
// A request number (1, 2, …). Errors: a usage error.
absl::StatusOr<int> Number(const std::string& text);

// The progress service's command groups, gathered by ProgressCommandGroups().
CommandGroup ReportGroup();       // progress_report_commands.cc
CommandGroup ExtensionGroup();    // progress_extension_commands.cc
CommandGroup CompletionGroup();   // progress_completion_commands.cc
CommandGroup CalendarGroup();     // progress_calendar_commands.cc
CommandGroup HolidaysGroup();     // progress_calendar_commands.cc
CommandGroup SupervisionGroup();  // progress_supervision_commands.cc
CommandGroup ProblemsGroup();     // progress_problem_commands.cc

}  // namespace ecoplan::ctl::progress_internal
