// What the progress command files share; see progress_common.h.

#include "tools/ecoplanctl/progress_common.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/mapping/proto_values.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/channel.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl::progress_internal {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;

using PStub = pv1::ProgressService::StubInterface;
using RStub = rv1::RegistryService::StubInterface;

}  // namespace

bool Json(const ProgressContext& ctx) { return ctx.output.format == OutputFormat::kJson; }

std::string Short(absl::string_view name) { return common::LastSegment(name); }

absl::StatusOr<std::string> ResolvePlan(const ProgressContext& ctx, const std::string& plan) {
  if (absl::StartsWith(plan, "plans/")) return plan;
  if (!plan.empty()) return absl::StrCat("plans/", plan);
  rv1::ListPlansRequest request;
  request.set_page_size(1);
  rv1::ListPlansResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.registry, &RStub::ListPlans, request, &response));
  if (response.plans().empty()) return absl::NotFoundError("no plan has been imported yet");
  return response.plans(0).name();
}

// organizations/o-…, o-…, or a name / alias resolved by the registry.
absl::StatusOr<std::string> ResolveOrg(const ProgressContext& ctx, const std::string& org) {
  if (org.empty()) return UsageError("--org is required");
  if (absl::StartsWith(org, "organizations/")) return org;
  if (absl::StartsWith(org, "o-") && !absl::StrContains(org, "/")) {
    return absl::StrCat("organizations/", org);
  }
  rv1::ResolveOrganizationRequest request;
  request.set_written_name(org);
  rv1::ResolveOrganizationResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.registry, &RStub::ResolveOrganization, request, &response));
  if (response.organizations_size() != 1) {
    return UsageError(absl::StrCat("\"", org, "\" stands for ", response.organizations_size(),
                                   " organizations; name one"));
  }
  return response.organizations(0).name();
}

absl::StatusOr<std::string> MeasureName(const ProgressContext& ctx, const std::string& plan,
                                        const std::string& measure) {
  if (absl::StartsWith(measure, "plans/")) return measure;
  if (measure.empty() || absl::StrContains(measure, "/")) {
    return UsageError(absl::StrCat("\"", measure, "\" is not a measure id such as a1-t3-m2"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  return absl::StrCat(p, "/measures/", measure);
}

absl::StatusOr<std::string> ReportName(const ProgressContext& ctx, const ReportRef& ref) {
  if (!ref.name.empty()) {
    if (absl::StartsWith(ref.name, "plans/")) return ref.name;
    ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, ref.plan));
    return absl::StrCat(p, "/reports/", ref.name);
  }
  if (ref.period.empty()) return UsageError("give the report NAME, or --org and --period");
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, ref.plan));
  ECOPLAN_ASSIGN_OR_RETURN(std::string org, ResolveOrg(ctx, ref.org));
  return absl::StrCat(p, "/reports/", Short(org), "_", ref.period);
}

absl::StatusOr<pv1::MeasureStatus> ParseStatus(const std::string& text) {
  const std::string s = absl::AsciiStrToLower(text);
  if (s == "not-started") return pv1::MEASURE_STATUS_NOT_STARTED;
  if (s == "in-progress") return pv1::MEASURE_STATUS_IN_PROGRESS;
  if (s == "completed") return pv1::MEASURE_STATUS_COMPLETED;
  if (s == "delayed") return pv1::MEASURE_STATUS_DELAYED;
  if (s == "blocked") return pv1::MEASURE_STATUS_BLOCKED;
  return UsageError(
      absl::StrCat("status must be not-started, in-progress, completed, delayed or blocked, not \"",
                   text, "\""));
}

absl::StatusOr<pv1::ReportState> ParseState(const std::string& text) {
  const std::string s = absl::AsciiStrToLower(text);
  if (s == "draft") return pv1::REPORT_STATE_DRAFT;
  if (s == "submitted") return pv1::REPORT_STATE_SUBMITTED;
  if (s == "returned") return pv1::REPORT_STATE_RETURNED;
  if (s == "accepted") return pv1::REPORT_STATE_ACCEPTED;
  return UsageError(
      absl::StrCat("--state must be draft, submitted, returned or accepted, not \"", text, "\""));
}

absl::StatusOr<std::string> ReadAll(const std::string& file) {
  if (file == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", file));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string NewRequestId() {
  std::random_device device;
  return absl::StrFormat("ctl-%016x", (static_cast<uint64_t>(device()) << 32) | device());
}

absl::StatusOr<cv1::Date> ParseDate(const std::string& text, absl::string_view flag) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    return UsageError(absl::StrCat("--", flag, " needs a date YYYY-MM-DD, not \"", text, "\""));
  }
  cv1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

std::string Date(const cv1::Date& d) { return FormatDate(d); }

void PrintReport(const pv1::Report& r, std::ostream& out) {
  out << "report:      " << r.name() << "\n"
      << "organization: " << r.organization_display_name() << " (" << r.organization() << ")\n"
      << "period:      " << r.period() << "\n"
      << "state:       " << pv1::ReportState_Name(r.state()) << "  revision " << r.revision()
      << "  etag " << r.etag() << "\n";
  if (r.has_first_submit_time()) {
    out << "submitted:   " << FormatTimestamp(r.first_submit_time()) << "  due "
        << FormatTimestamp(r.due_time()) << "  " << pv1::Timeliness_Name(r.timeliness());
    if (r.timeliness() == pv1::TIMELINESS_LATE) {
      out << " by " << absl::FormatDuration(absl::Seconds(r.lateness().seconds()));
    }
    out << "\n";
  }
  if (!r.review_comment().empty()) out << "review:      " << r.review_comment() << "\n";
  Table table({"measure", "status", "%", "checkpoints met", "work done"});
  for (const pv1::ReportEntry& e : r.entries()) {
    std::vector<std::string> met;
    for (const pv1::CheckpointMet& c : e.met_checkpoints()) {
      met.push_back(absl::StrCat(c.phrase(), c.phrase().empty() ? "" : " ", Date(c.due_date())));
    }
    table.AddRow({Short(e.measure()), pv1::MeasureStatus_Name(e.status()).substr(15),
                  absl::StrCat(e.percent_done()), met.empty() ? "-" : absl::StrJoin(met, ", "),
                  e.work_done()});
  }
  table.Print(out);
}

std::function<absl::Status(const CommandEnv&, const ParsedArgs&)> Bind(Runner runner) {
  return [runner = std::move(runner)](const CommandEnv& env, const ParsedArgs& args) {
    auto progress = pv1::ProgressService::NewStub(
        MakeChannel(env.options.progress_address, env.options.connection));
    auto registry = rv1::RegistryService::NewStub(
        MakeChannel(env.options.registry_address, env.options.connection));
    ProgressContext ctx;
    ctx.progress = progress.get();
    ctx.registry = registry.get();
    ctx.call = PolicyOf(env);
    ctx.output = env.options.output;
    ctx.notes = env.err;
    return runner(ctx, args, *env.out);
  };
}

ReportRef RefFrom(const ParsedArgs& args) {
  return {args.Value("plan"), args.args().empty() ? "" : args.args()[0], args.Value("org"),
          args.Value("period")};
}

absl::StatusOr<int> Number(const std::string& text) {
  int n = 0;
  if (!absl::SimpleAtoi(text, &n) || n < 1) {
    return UsageError(absl::StrCat("\"", text, "\" is not a request number (1, 2, …)"));
  }
  return n;
}

}  // namespace ecoplan::ctl::progress_internal
