#pragma once

// The progress commands of ecoplanctl (report, extension, completion,
// calendar, holidays, supervision, problems): one function per command, each taking the stubs, its
// arguments and the output sink, so they can be tested against fake servers.
// ProgressCommandGroups() binds them to the command line.
//
// Organizations may be given as a name or alias (区交通局), an id (o-…) or a
// resource name; names are resolved through the registry. Plans default to
// the newest plan of the registry. Every function returns OK, a usage error
// (IsUsageError), or the failed call's status with its code.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/output.h"

namespace ecoplan::ctl {

struct ProgressContext {
  ecoplan::progress::v1::ProgressService::StubInterface* progress = nullptr;  // not owned
  ecoplan::registry::v1::RegistryService::StubInterface* registry = nullptr;  // not owned
  CallPolicy call;  // deadline and retries of each call (unary_call.h)
  OutputOptions output;
  std::ostream* notes = nullptr;  // e.g. a generated request id
};

// A report named by NAME (plans/…/reports/…) or by --org and --period.
struct ReportRef {
  std::string plan;
  std::string name;
  std::string org;
  std::string period;
};

struct ReportSubmitArgs {
  std::string plan;
  std::string org;
  std::string period;
  std::string file;  // SubmitReportRequest in the protobuf JSON mapping ("-" = stdin)
  // One entry from flags (when no file):
  std::string measure;
  std::string status;  // not-started | in-progress | completed | delayed | blocked
  std::optional<double> percent;
  std::string work_done, problems, next_steps;
  std::vector<std::string> values;    // NAME=VALUE[UNIT], e.g. 新能源货车占比=46.5%
  std::vector<std::string> evidence;  // URLs
  // Checkpoints of the measure stated met: DAY or DAY:PHRASE, e.g. 2026-05-31:5月底前.
  std::vector<std::string> checkpoints_met;
  std::string summary;
  bool draft = false;
  std::string etag;        // empty: read the report's etag if it exists
  std::string request_id;  // empty: generated and printed to notes
  std::string actor;
};

// report prefill: figures another system holds, into an organization's
// draft (PrefillReport, the bureau only).
struct ReportPrefillArgs {
  std::string plan;
  std::string org;
  std::string period;
  std::string file;  // PrefillReportRequest in the protobuf JSON mapping ("-" = stdin)
  // One entry from flags:
  std::string measure;
  std::vector<std::string> values;  // NAME=VALUE[UNIT], e.g. 新能源货车数量=240辆
  std::string work_done;
  std::string source_system;  // e.g. 市生态环境统计系统
  std::string source_record;  // the record id or document number there
  std::string filed;          // when it was filed there, RFC 3339 (2026-05-10T09:00:00+08:00)
  std::string request_id;     // empty: generated and printed to notes
  std::string actor;
};

struct ReportListArgs {
  std::string plan, org, period, measure, state, entry_status;
  bool late = false, on_time = false;
  int page_size = 0;
  std::string page_token;
};

absl::Status ReportSubmit(const ProgressContext& ctx, const ReportSubmitArgs& args,
                          std::ostream& out);
absl::Status ReportPrefill(const ProgressContext& ctx, const ReportPrefillArgs& args,
                           std::ostream& out);
absl::Status ReportShow(const ProgressContext& ctx, const ReportRef& ref, std::ostream& out);
absl::Status ReportList(const ProgressContext& ctx, const ReportListArgs& args, std::ostream& out);
absl::Status ReportHistory(const ProgressContext& ctx, const ReportRef& ref, std::ostream& out);
absl::Status ReportStatus(const ProgressContext& ctx, const std::string& plan,
                          const std::string& period, std::ostream& out);
absl::Status ReportReview(const ProgressContext& ctx, const ReportRef& ref, bool accept,
                          const std::string& comment, const std::string& actor, std::ostream& out);
absl::Status ExtensionRequest(const ProgressContext& ctx, const std::string& plan,
                              const std::string& measure, const std::string& org,
                              const std::string& date, const std::string& reason,
                              std::ostream& out);
absl::Status ExtensionDecide(const ProgressContext& ctx, const std::string& plan,
                             const std::string& measure, int number, bool approve,
                             const std::string& comment, std::ostream& out);
absl::Status ExtensionList(const ProgressContext& ctx, const std::string& plan,
                           const std::string& measure, std::ostream& out);
absl::Status CompletionDeclare(const ProgressContext& ctx, const std::string& plan,
                               const std::string& measure, const std::string& org,
                               const std::string& description,
                               const std::vector<std::string>& evidence, std::ostream& out);
// `override_check` and `reason` (confirm only): confirm although the measure's
// indicator data does not support it, with the bureau's reason.
absl::Status CompletionDecide(const ProgressContext& ctx, const std::string& plan,
                              const std::string& measure, int number, bool confirm,
                              const std::string& comment, std::ostream& out,
                              bool override_check = false, const std::string& reason = "");
absl::Status CalendarShow(const ProgressContext& ctx, const std::string& plan, std::ostream& out);
// `rule` is "day:N" or "working-day:N"; summaries are the kinds to ask for.
struct CalendarSetArgs {
  std::string plan;
  std::string due;          // --due day:25 | working-day:2
  int month_offset = 0;     // --month-offset
  std::string summary_due;  // --summary-due, same form; empty = the monthly rule
  bool quarterly = false, half_year = false, annual = false;
};
absl::Status CalendarSet(const ProgressContext& ctx, const CalendarSetArgs& args,
                         std::ostream& out);
// FILE: one day per line, "YYYY-MM-DD" (a holiday) or "YYYY-MM-DD workday" (调休上班);
// blank lines and lines starting with # are ignored. All days in one year.
absl::Status HolidaysLoad(const ProgressContext& ctx, const std::string& file, std::ostream& out);

// Supervision orders (督办单). ORDER is an order id of the plan (2026-001) or
// its resource name; levels are blue/yellow/red (or 蓝/黄/红); sources are
// 12345, meeting, inspection, indicator, ad-hoc.
struct SupervisionIssueArgs {
  std::string plan, title, description, source, reference, level, due, case_number;
  std::vector<std::string> measures;  // measure ids or names
  std::vector<std::string> orgs;      // empty: the leads of the measures
  std::string requesting_org;         // optional: who asked (name, alias or o-…)
};
absl::Status SupervisionIssue(const ProgressContext& ctx, const SupervisionIssueArgs& args,
                              std::ostream& out);
absl::Status SupervisionReply(const ProgressContext& ctx, const std::string& plan,
                              const std::string& order, const std::string& org,
                              const std::string& content, const std::vector<std::string>& evidence,
                              std::ostream& out);
absl::Status SupervisionVerify(const ProgressContext& ctx, const std::string& plan,
                               const std::string& order, const std::string& org, bool accept,
                               const std::string& comment, std::ostream& out);
absl::Status SupervisionRaise(const ProgressContext& ctx, const std::string& plan,
                              const std::string& order, const std::string& level,
                              const std::string& reason, std::ostream& out);
absl::Status SupervisionClose(const ProgressContext& ctx, const std::string& plan,
                              const std::string& order, const std::string& comment,
                              std::ostream& out);
absl::Status SupervisionShow(const ProgressContext& ctx, const std::string& plan,
                             const std::string& order, std::ostream& out);
struct SupervisionListArgs {
  std::string plan, state, level, org, measure, case_number;
  bool overdue = false;
  int page_size = 0;
  std::string page_token;
};
absl::Status SupervisionList(const ProgressContext& ctx, const SupervisionListArgs& args,
                             std::ostream& out);

// The command center acknowledges an order (签收), attaching its case number (案件号).
absl::Status SupervisionAcknowledge(const ProgressContext& ctx, const std::string& plan,
                                    const std::string& order, const std::string& case_number,
                                    const std::string& comment, std::ostream& out);

// Problem ledgers (问题清单). PROBLEM is an item id of the plan (00042) or its
// resource name; measures are ids (a1-t25-m3) or names.
struct ProblemImportArgs {
  std::string plan, measure, file;  // file: "-" = stdin
  bool validate_only = false;
};
// Prints the accepted count and each refused row as "line N, column: message".
absl::Status ProblemImport(const ProgressContext& ctx, const ProblemImportArgs& args,
                           std::ostream& out);
struct ProblemCreateArgs {
  std::string plan, measure, code, title, org, due, category, location, source, description;
};
absl::Status ProblemCreate(const ProgressContext& ctx, const ProblemCreateArgs& args,
                           std::ostream& out);
absl::Status ProblemStep(const ProgressContext& ctx, const std::string& plan,
                         const std::string& problem,
                         ecoplan::progress::v1::ProblemTransition transition,
                         const std::string& comment, const std::vector<std::string>& evidence,
                         std::ostream& out);
absl::Status ProblemShow(const ProgressContext& ctx, const std::string& plan,
                         const std::string& problem, std::ostream& out);
struct ProblemListArgs {
  std::string plan, measure, org, state, category, code;
  bool unresolved = false, overdue = false;
  int page_size = 0;
  std::string page_token;
};
absl::Status ProblemList(const ProgressContext& ctx, const ProblemListArgs& args,
                         std::ostream& out);
absl::Status ProblemSummary(const ProgressContext& ctx, const std::string& plan,
                            const std::string& measure, std::ostream& out);

// The command groups report, extension, completion, calendar, holidays, supervision and
// problems.
std::vector<CommandGroup> ProgressCommandGroups();

}  // namespace ecoplan::ctl
