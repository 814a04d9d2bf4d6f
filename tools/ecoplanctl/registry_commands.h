#pragma once

// The registry commands of ecoplanctl: one function per command, each taking
// the stub, its arguments and the output sink, so they can be tested against
// a fake server. RegistryCommandGroups() binds them to the command line.
//
// Every function returns OK, a usage error (IsUsageError: bad arguments, found
// before any call), or the status of the failed gRPC call with its code.
// Every call has a deadline of `timeout` (except `events watch --follow`).

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/output.h"

namespace ecoplan::ctl {

// What every registry command needs besides its own arguments.
struct RegistryContext {
  ecoplan::registry::v1::RegistryService::StubInterface* stub = nullptr;  // not owned
  CallPolicy call;  // deadline and retries of each call (unary_call.h)
  OutputOptions output;
  std::ostream* notes = nullptr;  // messages that are not results (e.g. a generated request id)
};

// A plan given on the command line: "plans/2026-…", a bare id "2026-…", or
// empty for the newest plan (the first of ListPlans).
struct PlanArg {
  std::string plan;
};

struct PlanImportArgs {
  std::string file;  // "-" reads standard input
  bool validate_only = false;
  std::string request_id;
};

struct PlanExportArgs {
  PlanArg plan;
  std::string out_file;  // empty: standard output
};

// Measure filters as given on the command line.
struct FilterArgs {
  int annex = 0;                 // --annex N; 0 for any
  std::string section;           // --section s1 | s1.2
  std::string org;               // --org NAME: name, alias or organizations/…
  std::string role;              // --role lead | responsible | either
  std::string due_before;        // --due-before YYYY-MM-DD or deadline words (6月底前)
  std::string due_after;         // --due-after likewise
  std::string deadline_kind;     // --deadline-kind due | window | ongoing | unresolved
  std::optional<bool> featured;  // --featured / --not-featured
  std::string contains;          // --contains TEXT
  std::string origin;            // --origin document | supervision
};

// A list command: one page when page_size or page_token is given, else all pages.
struct ListArgs {
  PlanArg plan;
  FilterArgs filter;
  int page_size = 0;
  std::string page_token;
};

struct MeasureUpdateArgs {
  PlanArg plan;
  std::string measure;  // a1-t3-m2 or plans/…/measures/…
  std::optional<std::string> deadline;
  std::optional<std::vector<std::string>> leads;
  std::optional<std::vector<std::string>> responsibles;
  std::vector<std::pair<std::string, std::vector<std::string>>> members;  // group word → members
  std::optional<std::vector<std::string>> checkpoints;  // phrases; empty: remove them all
  std::string reason;
  std::string etag;  // empty: read the measure first
  std::string request_id;
};

struct SupervisionCreateArgs {
  PlanArg plan;
  std::string title;
  std::string description;
  std::string assigned_by;
  std::string measure_text;
  std::string deadline;
  std::vector<std::string> leads;
  std::vector<std::string> responsibles;
  std::string request_id;  // empty: a random one is generated and printed to `notes`
};

struct EventsWatchArgs {
  uint64_t after = 0;
  int limit = 0;  // 0: no limit
  bool follow = false;
  // Without --follow the stream is read until no event has arrived for this
  // long (the API has no "last sequence" call, so the end of the stored
  // events is recognised by silence).
  absl::Duration idle = absl::Seconds(1);
};

absl::Status PlanImport(const RegistryContext& ctx, const PlanImportArgs& args, std::ostream& out);
absl::Status PlanList(const RegistryContext& ctx, std::ostream& out);
absl::Status PlanShow(const RegistryContext& ctx, const PlanArg& plan, std::ostream& out);
absl::Status PlanExport(const RegistryContext& ctx, const PlanExportArgs& args, std::ostream& out);
absl::Status TasksList(const RegistryContext& ctx, const ListArgs& args, std::ostream& out);
absl::Status MeasuresList(const RegistryContext& ctx, const ListArgs& args, std::ostream& out);
absl::Status TaskShow(const RegistryContext& ctx, const PlanArg& plan, const std::string& task,
                      std::ostream& out);
absl::Status MeasureShow(const RegistryContext& ctx, const PlanArg& plan,
                         const std::string& measure, std::ostream& out);
absl::Status MeasureHistory(const RegistryContext& ctx, const PlanArg& plan,
                            const std::string& measure, std::ostream& out);
absl::Status MeasureUpdate(const RegistryContext& ctx, const MeasureUpdateArgs& args,
                           std::ostream& out);
absl::Status SupervisionCreate(const RegistryContext& ctx, const SupervisionCreateArgs& args,
                               std::ostream& out);
absl::Status OrgList(const RegistryContext& ctx, const std::string& kind, std::ostream& out);
absl::Status OrgShow(const RegistryContext& ctx, const std::string& org, std::ostream& out);
absl::Status OrgResolve(const RegistryContext& ctx, const std::string& name, std::ostream& out);
// The measures `args.filter.org` leads and those it is responsible for.
absl::Status OrgOwns(const RegistryContext& ctx, const ListArgs& args, std::ostream& out);
absl::Status EventsWatch(const RegistryContext& ctx, const EventsWatchArgs& args,
                         std::ostream& out);

// The command groups plan, tasks, task, measures, measure, supervision, org
// and events, bound to the functions above through a registry channel.
std::vector<CommandGroup> RegistryCommandGroups();

}  // namespace ecoplan::ctl
