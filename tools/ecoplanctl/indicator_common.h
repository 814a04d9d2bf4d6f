#pragma once

// What the indicator command files of ecoplanctl share, and only they: calls
// with the command's deadline, naming the plan, days, and binding a command
// to the command line. The commands are declared in indicator_commands.h, and
// each concept has its file: indicator_{evaluation,station,observation}_commands.cc;
// the assessment commands (assessment_*_commands.cc, the indicator server's
// AssessmentService) use it too.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status/grpc_status.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/indicator_commands.h"

namespace ecoplan::ctl::indicator_internal {

// True when the command prints JSON (--output json).
bool Json(const IndicatorContext& ctx);

// One unary call on `stub` (indicator or registry) under the command's call policy (deadline,
// retries).
template <typename Stub, typename Request, typename Response>
absl::Status Call(const IndicatorContext& ctx, Stub* stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  return UnaryCall(ctx.call, stub, method, request, response);
}

// plans/…, a bare id, or (empty) the newest plan, asked of the registry.
absl::StatusOr<std::string> ResolvePlan(const IndicatorContext& ctx, const std::string& plan);

// YYYY-MM-DD. Errors: a usage error naming `flag`.
absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text, absl::string_view flag);
// `text`, or today in Beijing (UTC+8, no daylight saving) when empty.
absl::StatusOr<absl::CivilDay> AsOf(const std::string& text);
ecoplan::common::v1::Date ToDate(absl::CivilDay day);

// The last segment of a resource name.
std::string Short(absl::string_view name);
std::string Number(double value);

// The checkpoints of a measure's light, one occurrence each: "5月底前 2026-05-31
// missed; 按季度 2026-03-31 met (区交通局, 2026-03-25); 按季度 2026-06-30
// upcoming"; "-" without any.
std::string CheckpointsText(const ecoplan::indicator::v1::MeasureLight& light);

// The open supervision orders and the problem ledger of a measure's light:
// "督办 2026-003 yellow due 2026-06-10, overdue 区水务局; 清单 2/12 unresolved,
// 1 overdue"; "-" without any.
std::string SupervisionText(const ecoplan::indicator::v1::MeasureLight& light);

// A scorecard's supervision orders and ledger items: "督办 2 (1 open), replies
// 1/2 on time, 1 overdue; 清单 3 (1 unresolved, 0 overdue)"; "-" without any.
std::string SupervisionText(const ecoplan::indicator::v1::Scorecard& card);

// The command line.

// A command's run function: makes the indicator and registry stubs from the global flags.
std::function<absl::Status(const CommandEnv&, const ParsedArgs&)> WithContext(
    std::function<absl::Status(const IndicatorContext&, const ParsedArgs&, std::ostream&)> runner);

inline const FlagSpec kPlan = {"plan", "PLAN",
                               "plan name (plans/…) or id; default: the newest plan"};
inline const FlagSpec kAsOf = {"as-of", "DAY",
                               "evaluate as of this day (YYYY-MM-DD); default: today"};

// The commands of the "indicator" group, added in this order by IndicatorCommandGroups().
void AddEvaluationCommands(CommandGroup& group);   // indicator_evaluation_commands.cc
void AddStationCommands(CommandGroup& group);      // indicator_station_commands.cc
void AddObservationCommands(CommandGroup& group);  // indicator_observation_commands.cc
void AddChartCommands(CommandGroup& group);        // indicator_chart_commands.cc

// indicator_exceptional_event_commands.cc
void AddExceptionalEventCommands(CommandGroup& group);

}  // namespace ecoplan::ctl::indicator_internal
