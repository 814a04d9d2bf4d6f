#pragma once

// What the registry command files of ecoplanctl share, and only they:
// calls with the command's deadline, reading every page of a list, naming
// plans and their children, the measure filter, and binding a command to the
// command line. The commands themselves are declared in registry_commands.h,
// and each concept has its file: registry_{plan,measure,org,events}_commands.cc.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/registry_commands.h"

namespace ecoplan::ctl::registry_internal {

// True when the command prints JSON (--output json).
bool Json(const RegistryContext& ctx);

// One unary call under the command's call policy (deadline, retries).
template <typename Request, typename Response>
absl::Status Call(const RegistryContext& ctx,
                  grpc::Status (ecoplan::registry::v1::RegistryService::StubInterface::*method)(
                      grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  return UnaryCall(ctx.call, ctx.stub, method, request, response);
}

// Calls a List method page by page and merges the pages into `result`
// (repeated fields are appended). With `all_pages` false, one page is read
// and its next_page_token is kept for the caller to print.
template <typename Request, typename Response>
absl::Status ListPages(const RegistryContext& ctx,
                       grpc::Status (ecoplan::registry::v1::RegistryService::StubInterface::*
                                         method)(grpc::ClientContext*, const Request&, Response*),
                       Request request, bool all_pages, Response* result) {
  result->Clear();
  std::set<std::string> tokens_seen;
  while (true) {
    Response page;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, method, request, &page));
    const std::string next = page.next_page_token();
    result->MergeFrom(page);
    if (!all_pages || next.empty()) break;
    if (!tokens_seen.insert(next).second) {
      return absl::InternalError("the server returned the same page token twice");
    }
    request.set_page_token(next);
  }
  if (all_pages) result->clear_next_page_token();
  return absl::OkStatus();
}

// The last segment of a resource name: plans/x/measures/a1-t3-m2 → a1-t3-m2.
std::string ShortId(absl::string_view name);

// A plan as the command line named it, with its year once known.
struct PlanRef {
  std::string name;
  std::optional<int> year;
};

// Resolves a PlanArg: a name, a bare id, or the newest plan.
absl::StatusOr<PlanRef> ResolvePlan(const RegistryContext& ctx, const PlanArg& arg);

// The plan's year, read with GetPlan unless already known.
absl::StatusOr<int> PlanYear(const RegistryContext& ctx, PlanRef& plan);

// The resource name of a child of a plan given as "a1-t3" or in full.
absl::StatusOr<std::string> ChildName(const RegistryContext& ctx, const PlanArg& plan,
                                      absl::string_view collection, absl::string_view id);

ecoplan::common::v1::Date ToDate(absl::CivilDay day);

// The filter flags as a MeasureFilter; due words are resolved against the
// plan's year. Errors: a usage error for a value out of its set.
absl::StatusOr<ecoplan::registry::v1::MeasureFilter> BuildFilter(const RegistryContext& ctx,
                                                                 PlanRef& plan,
                                                                 const FilterArgs& args);

// "A,B、C，D" → {A, B, C, D}; "——" (none) is dropped.
std::vector<std::string> SplitList(absl::string_view text);

// A fresh client request id, "ctl-" and 32 hex digits.
std::string RandomRequestId();

// The command line.

using Runner =
    std::function<absl::Status(const RegistryContext&, const ParsedArgs&, std::ostream&)>;

// A command's run function: makes the registry stub from the global flags.
std::function<absl::Status(const CommandEnv&, const ParsedArgs&)> Bind(Runner runner);

inline const FlagSpec kPlanFlag = {"plan", "PLAN",
                                   "plan name (plans/…) or id; default: the newest plan"};

// The filter flags of the list commands, and those with --plan and paging.
std::vector<FlagSpec> FilterFlags();
std::vector<FlagSpec> ListFlags();

inline constexpr absl::string_view kFilterSynopsis =
    "[--plan PLAN] [--annex N] [--section ID] [--org NAME] [--role lead|responsible|either] "
    "[--due-before DAY] [--due-after DAY] [--deadline-kind KIND] [--featured|--not-featured] "
    "[--contains TEXT] [--origin document|supervision]";

PlanArg PlanFrom(const ParsedArgs& args);
// The plan given as the first argument or with --plan.
absl::StatusOr<PlanArg> PlanArgOrFlag(const ParsedArgs& args);
absl::StatusOr<FilterArgs> FilterFrom(const ParsedArgs& args);
absl::StatusOr<ListArgs> ListFrom(const ParsedArgs& args);

// The registry's command groups, one file each, gathered by RegistryCommandGroups().
CommandGroup PlanGroup();         // registry_plan_commands.cc
CommandGroup TasksGroup();        // registry_measure_commands.cc
CommandGroup TaskGroup();         // registry_measure_commands.cc
CommandGroup MeasuresGroup();     // registry_measure_commands.cc
CommandGroup MeasureGroup();      // registry_measure_commands.cc
CommandGroup SupervisionGroup();  // registry_measure_commands.cc
CommandGroup OrgGroup();          // registry_org_commands.cc
CommandGroup EventsGroup();       // registry_events_commands.cc

}  // namespace ecoplan::ctl::registry_internal
