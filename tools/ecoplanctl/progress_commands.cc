#include "tools/ecoplanctl/progress_commands.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

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
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/channel.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;

bool Json(const ProgressContext& ctx) { return ctx.output.format == OutputFormat::kJson; }

template <typename Stub, typename Request, typename Response>
absl::Status Call(const ProgressContext& ctx, Stub* stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + ctx.timeout));
  return common::FromGrpcStatus((stub->*method)(&context, request, response));
}

using PStub = pv1::ProgressService::StubInterface;
using RStub = rv1::RegistryService::StubInterface;

std::string Short(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

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
  Table table({"measure", "status", "%", "work done"});
  for (const pv1::ReportEntry& e : r.entries()) {
    table.AddRow({Short(e.measure()), pv1::MeasureStatus_Name(e.status()).substr(15),
                  absl::StrCat(e.percent_done()), e.work_done()});
  }
  table.Print(out);
}

}  // namespace

absl::Status ReportSubmit(const ProgressContext& ctx, const ReportSubmitArgs& args,
                          std::ostream& out) {
  pv1::SubmitReportRequest request;
  if (!args.file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(std::string text, ReadAll(args.file));
    google::protobuf::util::JsonParseOptions options;
    auto parsed = google::protobuf::util::JsonStringToMessage(text, &request, options);
    if (!parsed.ok()) {
      return UsageError(
          absl::StrCat(args.file, " is not a SubmitReportRequest in JSON: ", parsed.ToString()));
    }
  }
  if (!args.plan.empty() || request.parent().empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_parent(), ResolvePlan(ctx, args.plan));
  }
  if (!args.org.empty() || request.organization().empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_organization(), ResolveOrg(ctx, args.org));
  }
  if (!args.period.empty()) request.set_period(args.period);
  if (request.period().empty()) return UsageError("--period is required, e.g. 2026-05");
  if (!args.measure.empty()) {
    pv1::ReportEntry* e = request.add_entries();
    ECOPLAN_ASSIGN_OR_RETURN(*e->mutable_measure(),
                             MeasureName(ctx, request.parent(), args.measure));
    ECOPLAN_ASSIGN_OR_RETURN(pv1::MeasureStatus status,
                             ParseStatus(args.status.empty() ? "in-progress" : args.status));
    e->set_status(status);
    if (args.percent) e->set_percent_done(*args.percent);
    e->set_work_done(args.work_done);
    e->set_problems(args.problems);
    e->set_next_steps(args.next_steps);
    for (const std::string& v : args.values) {
      const size_t eq = v.find('=');
      if (eq == std::string::npos) return UsageError("--value needs NAME=VALUE[UNIT]");
      absl::string_view rest = absl::string_view(v).substr(eq + 1);
      size_t end = 0;
      while (end < rest.size() && (absl::ascii_isdigit(rest[end]) || rest[end] == '.' ||
                                   rest[end] == '-' || rest[end] == 'e' || rest[end] == '+')) {
        ++end;
      }
      double number = 0;
      if (!absl::SimpleAtod(rest.substr(0, end), &number)) {
        return UsageError(absl::StrCat("--value \"", v, "\": the value is not a number"));
      }
      auto* q = e->add_values();
      q->set_name(v.substr(0, eq));
      q->set_value(number);
      q->set_unit(std::string(rest.substr(end)));
    }
    for (const std::string& url : args.evidence) e->add_evidence_links(url);
  }
  if (!args.summary.empty()) request.set_summary(args.summary);
  if (args.draft) request.set_draft(true);
  if (!args.actor.empty()) request.set_actor(args.actor);
  request.set_etag(args.etag);
  if (args.etag.empty()) {
    pv1::GetReportRequest get;
    get.set_name(absl::StrCat(request.parent(), "/reports/", Short(request.organization()), "_",
                              request.period()));
    pv1::GetReportResponse existing;
    absl::Status found = Call(ctx, ctx.progress, &PStub::GetReport, get, &existing);
    if (found.ok()) {
      request.set_etag(existing.report().etag());
    } else if (!absl::IsNotFound(found)) {
      return found;
    }
  }
  request.set_request_id(args.request_id.empty() ? NewRequestId() : args.request_id);
  if (args.request_id.empty() && ctx.notes != nullptr) {
    *ctx.notes << "request id: " << request.request_id() << " (retry with --request-id)\n";
  }
  pv1::SubmitReportResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::SubmitReport, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintReport(response.report(), out);
  return absl::OkStatus();
}

absl::Status ReportShow(const ProgressContext& ctx, const ReportRef& ref, std::ostream& out) {
  pv1::GetReportRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), ReportName(ctx, ref));
  pv1::GetReportResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::GetReport, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintReport(response.report(), out);
  return absl::OkStatus();
}

absl::Status ReportList(const ProgressContext& ctx, const ReportListArgs& args, std::ostream& out) {
  pv1::ListReportsRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_parent(), ResolvePlan(ctx, args.plan));
  if (!args.org.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_organization(), ResolveOrg(ctx, args.org));
  }
  request.set_period(args.period);
  if (!args.measure.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_measure(),
                             MeasureName(ctx, request.parent(), args.measure));
  }
  if (!args.state.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(pv1::ReportState state, ParseState(args.state));
    request.set_state(state);
  }
  if (!args.entry_status.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(pv1::MeasureStatus status, ParseStatus(args.entry_status));
    request.set_entry_status(status);
  }
  if (args.late) request.set_timeliness(pv1::TIMELINESS_LATE);
  if (args.on_time) request.set_timeliness(pv1::TIMELINESS_ON_TIME);
  const bool all_pages = args.page_size == 0 && args.page_token.empty();
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);
  pv1::ListReportsResponse result;
  for (int guard = 0; guard < 10000; ++guard) {
    pv1::ListReportsResponse page;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::ListReports, request, &page));
    const std::string next = page.next_page_token();
    result.MergeFrom(page);
    if (!all_pages || next.empty()) break;
    request.set_page_token(next);
  }
  if (all_pages) result.clear_next_page_token();
  if (Json(ctx)) return PrintJson(result, out);
  Table table({"period", "organization", "state", "timeliness", "entries", "revision"});
  for (const pv1::Report& r : result.reports()) {
    table.AddRow({r.period(), r.organization_display_name(),
                  pv1::ReportState_Name(r.state()).substr(13),
                  r.timeliness() == pv1::TIMELINESS_UNSPECIFIED
                      ? "-"
                      : pv1::Timeliness_Name(r.timeliness()).substr(11),
                  absl::StrCat(r.entries_size()), absl::StrCat(r.revision())});
  }
  table.Print(out);
  out << result.total_size() << " report(s)\n";
  if (!result.next_page_token().empty()) out << "next page: " << result.next_page_token() << "\n";
  return absl::OkStatus();
}

absl::Status ReportHistory(const ProgressContext& ctx, const ReportRef& ref, std::ostream& out) {
  pv1::ListReportRevisionsRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), ReportName(ctx, ref));
  pv1::ListReportRevisionsResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::ListReportRevisions, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  for (const pv1::ReportRevision& r : response.revisions()) {
    out << r.revision() << "  " << FormatTimestamp(r.time()) << "  "
        << pv1::RevisionAction_Name(r.action()).substr(16) << "  " << r.actor();
    if (!r.comment().empty()) out << "  \"" << r.comment() << "\"";
    out << "\n";
    for (const std::string& c : r.changes()) out << "    " << c << "\n";
  }
  return absl::OkStatus();
}

absl::Status ReportStatus(const ProgressContext& ctx, const std::string& plan,
                          const std::string& period, std::ostream& out) {
  if (period.empty()) return UsageError("--period is required, e.g. 2026-05");
  pv1::GetSubmissionStatusRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_plan(), ResolvePlan(ctx, plan));
  request.set_period(period);
  pv1::GetSubmissionStatusResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::GetSubmissionStatus, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << "period " << response.period() << ", due " << Date(response.due().due_date()) << " ("
      << FormatTimestamp(response.due().due_time()) << ")\n";
  Table table({"organization", "state", "report", "measures without entry"});
  for (const pv1::OrganizationSubmission& o : response.organizations()) {
    std::vector<std::string> missing;
    for (const std::string& m : o.measures_without_entry()) missing.push_back(Short(m));
    std::string text = absl::StrJoin(missing, ",");
    if (!ctx.output.wide && text.size() > 40) text = text.substr(0, 37) + "...";
    table.AddRow({o.organization_display_name(), pv1::SubmissionState_Name(o.state()).substr(17),
                  o.report_state() == pv1::REPORT_STATE_UNSPECIFIED
                      ? "-"
                      : pv1::ReportState_Name(o.report_state()).substr(13),
                  absl::StrCat(missing.size(), "/", o.owned_measure_count(), " ", text)});
  }
  table.Print(out);
  out << "on time " << response.on_time_count() << ", late " << response.late_count()
      << ", draft only " << response.draft_only_count() << ", missing " << response.missing_count()
      << "\n";
  return absl::OkStatus();
}

absl::Status ReportReview(const ProgressContext& ctx, const ReportRef& ref, bool accept,
                          const std::string& comment, const std::string& actor, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(std::string name, ReportName(ctx, ref));
  pv1::GetReportRequest get;
  get.set_name(name);
  pv1::GetReportResponse current;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::GetReport, get, &current));
  pv1::Report report;
  if (accept) {
    pv1::AcceptReportRequest request;
    request.set_name(name);
    request.set_etag(current.report().etag());
    request.set_comment(comment);
    request.set_actor(actor);
    request.set_request_id(NewRequestId());
    pv1::AcceptReportResponse response;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::AcceptReport, request, &response));
    report = response.report();
  } else {
    if (comment.empty()) return UsageError("--comment is required to return a report");
    pv1::ReturnReportRequest request;
    request.set_name(name);
    request.set_etag(current.report().etag());
    request.set_comment(comment);
    request.set_actor(actor);
    request.set_request_id(NewRequestId());
    pv1::ReturnReportResponse response;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::ReturnReport, request, &response));
    report = response.report();
  }
  if (Json(ctx)) return PrintJson(report, out);
  PrintReport(report, out);
  return absl::OkStatus();
}

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

absl::Status CalendarShow(const ProgressContext& ctx, const std::string& plan, std::ostream& out) {
  pv1::GetReportingCalendarRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  request.set_name(p + "/reportingCalendar");
  pv1::GetReportingCalendarResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::GetReportingCalendar, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  const pv1::ReportingCalendar& c = response.calendar();
  out << c.name() << "  (" << c.time_zone() << ", "
      << (c.overridden() ? "set by administrator" : "from the plan") << ", etag " << c.etag()
      << ")\n";
  Table table({"period", "due", "holidays known"});
  for (const pv1::PeriodDue& d : c.period_dues()) {
    table.AddRow({d.period(), Date(d.due_date()), d.holidays_known() ? "yes" : "no"});
  }
  table.Print(out);
  return absl::OkStatus();
}

namespace {

absl::StatusOr<pv1::DueRule> ParseRule(const std::string& text, int month_offset,
                                       absl::string_view flag) {
  pv1::DueRule rule;
  int n = 0;
  if (absl::StartsWith(text, "day:") && absl::SimpleAtoi(text.substr(4), &n)) {
    rule.set_day_of_month(n);
  } else if (absl::StartsWith(text, "working-day:") && absl::SimpleAtoi(text.substr(12), &n)) {
    rule.set_nth_working_day(n);
  } else {
    return UsageError(
        absl::StrCat("--", flag, " needs day:N or working-day:N, not \"", text, "\""));
  }
  rule.set_month_offset(month_offset);
  return rule;
}

}  // namespace

absl::Status CalendarSet(const ProgressContext& ctx, const CalendarSetArgs& args,
                         std::ostream& out) {
  pv1::UpdateReportingCalendarRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, args.plan));
  pv1::ReportingCalendar* c = request.mutable_calendar();
  c->set_name(p + "/reportingCalendar");
  ECOPLAN_ASSIGN_OR_RETURN(*c->mutable_monthly_due(),
                           ParseRule(args.due, args.month_offset, "due"));
  if (!args.summary_due.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*c->mutable_summary_due(),
                             ParseRule(args.summary_due, args.month_offset, "summary-due"));
  }
  c->set_quarterly_summaries(args.quarterly);
  c->set_half_year_summaries(args.half_year);
  c->set_annual_summary(args.annual);
  request.set_request_id(NewRequestId());
  pv1::UpdateReportingCalendarResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::UpdateReportingCalendar, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << "calendar set (etag " << response.calendar().etag() << ")\n";
  return absl::OkStatus();
}

absl::Status HolidaysLoad(const ProgressContext& ctx, const std::string& file, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(std::string text, ReadAll(file));
  pv1::LoadHolidaysRequest request;
  pv1::HolidayCalendar* h = request.mutable_holidays();
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    absl::CivilDay day;
    if (!absl::ParseCivilTime(words[0], &day) || words.size() > 2 ||
        (words.size() == 2 && words[1] != "workday" && words[1] != "holiday")) {
      return UsageError(absl::StrCat(file, ":", line_number,
                                     ": expected \"YYYY-MM-DD\" or \"YYYY-MM-DD workday\""));
    }
    if (h->year() == 0) h->set_year(static_cast<int32_t>(day.year()));
    cv1::Date* d =
        words.size() == 2 && words[1] == "workday" ? h->add_make_up_workdays() : h->add_holidays();
    d->set_year(static_cast<int32_t>(day.year()));
    d->set_month(day.month());
    d->set_day(day.day());
  }
  if (h->year() == 0) return UsageError(absl::StrCat(file, " lists no day"));
  request.set_request_id(NewRequestId());
  pv1::LoadHolidaysResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::LoadHolidays, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << "loaded " << response.holidays().holidays_size() << " holidays and "
      << response.holidays().make_up_workdays_size() << " make-up working days for "
      << response.holidays().year() << "\n";
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Command-line bindings

namespace {

using Runner =
    std::function<absl::Status(const ProgressContext&, const ParsedArgs&, std::ostream&)>;

std::function<absl::Status(const CommandEnv&, const ParsedArgs&)> Bind(Runner runner) {
  return [runner = std::move(runner)](const CommandEnv& env, const ParsedArgs& args) {
    auto progress = pv1::ProgressService::NewStub(
        MakeChannel(env.options.progress_address, env.options.connection));
    auto registry = rv1::RegistryService::NewStub(
        MakeChannel(env.options.registry_address, env.options.connection));
    ProgressContext ctx;
    ctx.progress = progress.get();
    ctx.registry = registry.get();
    ctx.timeout = env.options.timeout;
    ctx.output = env.options.output;
    ctx.notes = env.err;
    return runner(ctx, args, *env.out);
  };
}

const FlagSpec kPlan = {"plan", "PLAN", "plan name (plans/…) or id; default: the newest plan"};
const FlagSpec kOrg = {"org", "NAME", "organization: name, alias, o-… or organizations/…"};
const FlagSpec kPeriod = {"period", "PERIOD", "2026-05, 2026-Q2, 2026-H1 or 2026"};
const FlagSpec kComment = {"comment", "TEXT", "review or decision comment"};
const FlagSpec kActor = {"actor", "NAME", "who is acting (kept in the history)"};

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

CommandGroup ReportGroup() {
  CommandGroup group{
      "report", "monthly progress reports: submit, show, list, history, status, review", {}, ""};
  group.commands.push_back(
      {"submit",
       "--org ORG --period P [--file REQUEST.json] [--measure M --status S --percent N "
       "--work-done T --problems T --next-steps T --value NAME=VALUE[UNIT]... --evidence URL...] "
       "[--summary T] [--draft] [--etag E] [--request-id ID] [--actor A] [--plan PLAN]",
       "save or submit a report (entries from a JSON file and/or one entry from flags)",
       0,
       0,
       {kPlan,
        kOrg,
        kPeriod,
        {"file", "FILE", "SubmitReportRequest in the protobuf JSON mapping (\"-\" = stdin)"},
        {"measure", "TEXT", "measure of the flag entry (a1-t3-m2)"},
        {"status", "S", "not-started | in-progress | completed | delayed | blocked"},
        {"percent", "N", "percent done, 0..100"},
        {"work-done", "TEXT", "工作进展"},
        {"problems", "TEXT", "存在问题"},
        {"next-steps", "TEXT", "下步计划"},
        {"value", "NAME=VALUE[UNIT]", "a quantitative value (repeatable)"},
        {"evidence", "URL", "an evidence link (repeatable)"},
        {"summary", "TEXT", "overall remarks"},
        {"draft", "", "save as a draft"},
        {"etag", "E", "the etag read before; default: read the report now"},
        {"request-id", "ID", "client id of the call, for a safe retry"},
        kActor},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args,
               std::ostream& out) -> absl::Status {
         ReportSubmitArgs a;
         a.plan = args.Value("plan");
         a.org = args.Value("org");
         a.period = args.Value("period");
         a.file = args.Value("file");
         a.measure = args.Value("measure");
         a.status = args.Value("status");
         if (auto p = args.Optional("percent")) {
           double v = 0;
           if (!absl::SimpleAtod(*p, &v)) return UsageError("--percent needs a number");
           a.percent = v;
         }
         a.work_done = args.Value("work-done");
         a.problems = args.Value("problems");
         a.next_steps = args.Value("next-steps");
         a.values = args.Values("value");
         a.evidence = args.Values("evidence");
         a.summary = args.Value("summary");
         a.draft = args.Has("draft");
         a.etag = args.Value("etag");
         a.request_id = args.Value("request-id");
         a.actor = args.Value("actor");
         if (a.file.empty() && a.measure.empty() && !a.draft) {
           return UsageError("give entries with --file or --measure");
         }
         return ReportSubmit(ctx, a, out);
       })});
  group.commands.push_back(
      {"show",
       "[NAME] [--org ORG --period P] [--plan PLAN]",
       "one report in its current revision",
       0,
       1,
       {kPlan, kOrg, kPeriod},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return ReportShow(ctx, RefFrom(args), out);
       })});
  group.commands.push_back(
      {"list",
       "[--org ORG] [--period P] [--measure M] [--state S] [--entry-status S] [--late|--on-time] "
       "[--page-size N] [--page-token T] [--plan PLAN]",
       "list reports",
       0,
       0,
       {kPlan,
        kOrg,
        kPeriod,
        {"measure", "TEXT", "only reports with an entry for this measure"},
        {"state", "S", "draft | submitted | returned | accepted"},
        {"entry-status", "S", "only reports with an entry of this status"},
        {"late", "", "only late reports"},
        {"on-time", "", "only on-time reports"},
        {"page-size", "N", "one page of N"},
        {"page-token", "TOKEN", "the page after this token"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args,
               std::ostream& out) -> absl::Status {
         ReportListArgs a;
         a.plan = args.Value("plan");
         a.org = args.Value("org");
         a.period = args.Value("period");
         a.measure = args.Value("measure");
         a.state = args.Value("state");
         a.entry_status = args.Value("entry-status");
         a.late = args.Has("late");
         a.on_time = args.Has("on-time");
         ECOPLAN_ASSIGN_OR_RETURN(a.page_size, args.Int("page-size", 0));
         a.page_token = args.Value("page-token");
         return ReportList(ctx, a, out);
       })});
  group.commands.push_back(
      {"history",
       "[NAME] [--org ORG --period P] [--plan PLAN]",
       "every revision of a report: who, when, what changed",
       0,
       1,
       {kPlan, kOrg, kPeriod},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return ReportHistory(ctx, RefFrom(args), out);
       })});
  group.commands.push_back(
      {"status",
       "--period P [--plan PLAN]",
       "who has reported for a period, who has not, and what is missing",
       0,
       0,
       {kPlan, kPeriod},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return ReportStatus(ctx, args.Value("plan"), args.Value("period"), out);
       })});
  group.commands.push_back(
      {"accept",
       "[NAME] [--org ORG --period P] [--comment T] [--actor A]",
       "the bureau accepts a submitted report",
       0,
       1,
       {kPlan, kOrg, kPeriod, kComment, kActor},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return ReportReview(ctx, RefFrom(args), true, args.Value("comment"), args.Value("actor"),
                             out);
       })});
  group.commands.push_back(
      {"return",
       "[NAME] [--org ORG --period P] --comment T [--actor A]",
       "the bureau returns a submitted report with a comment",
       0,
       1,
       {kPlan, kOrg, kPeriod, kComment, kActor},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return ReportReview(ctx, RefFrom(args), false, args.Value("comment"), args.Value("actor"),
                             out);
       })});
  return group;
}

CommandGroup ExtensionGroup() {
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

CommandGroup CompletionGroup() {
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

CommandGroup CalendarGroup() {
  CommandGroup group{"calendar", "a plan's reporting calendar", {}, ""};
  group.commands.push_back(
      {"show",
       "[--plan PLAN]",
       "the due day of every period",
       0,
       0,
       {kPlan},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return CalendarShow(ctx, args.Value("plan"), out);
       })});
  group.commands.push_back(
      {"set",
       "--due day:N|working-day:N [--month-offset N] [--summary-due day:N|working-day:N] "
       "[--quarterly] [--half-year] [--annual] [--plan PLAN]",
       "override the calendar (administrator)",
       0,
       0,
       {kPlan,
        {"due", "RULE", "day:25 or working-day:2"},
        {"month-offset", "N", "0: the period's last month; 1: the month after"},
        {"summary-due", "RULE", "rule of summaries; default: the monthly rule"},
        {"quarterly", "", "ask for quarterly summaries"},
        {"half-year", "", "ask for half-year summaries"},
        {"annual", "", "ask for an annual summary"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args,
               std::ostream& out) -> absl::Status {
         CalendarSetArgs a;
         a.plan = args.Value("plan");
         a.due = args.Value("due");
         if (a.due.empty()) return UsageError("--due is required");
         ECOPLAN_ASSIGN_OR_RETURN(a.month_offset, args.Int("month-offset", 0));
         a.summary_due = args.Value("summary-due");
         a.quarterly = args.Has("quarterly");
         a.half_year = args.Has("half-year");
         a.annual = args.Has("annual");
         return CalendarSet(ctx, a, out);
       })});
  return group;
}

CommandGroup HolidaysGroup() {
  CommandGroup group{
      "holidays", "public holidays and make-up working days (法定节假日 / 调休)", {}, ""};
  group.commands.push_back(
      {"load",
       "FILE",
       "load a year's days (administrator)",
       1,
       1,
       {},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return HolidaysLoad(ctx, args.args()[0], out);
       })});
  group.notes =
      "FILE: one day per line, \"2026-10-01\" for a holiday or \"2026-10-10 workday\" for a\n"
      "make-up working day; # starts a comment.\n";
  return group;
}

}  // namespace

std::vector<CommandGroup> ProgressCommandGroups() {
  return {ReportGroup(), ExtensionGroup(), CompletionGroup(), CalendarGroup(), HolidaysGroup()};
}

}  // namespace ecoplan::ctl
