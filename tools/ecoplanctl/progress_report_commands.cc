// The "report" commands: submit, show, list, history, status and review of the
// periodic progress reports.

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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
using progress_internal::kActor;
using progress_internal::kComment;
using progress_internal::kOrg;
using progress_internal::kPeriod;
using progress_internal::kPlan;
using progress_internal::MeasureName;
using progress_internal::NewRequestId;
using progress_internal::ParseDate;
using progress_internal::ParseState;
using progress_internal::ParseStatus;
using progress_internal::PrintReport;
using progress_internal::ReadAll;
using progress_internal::RefFrom;
using progress_internal::ReportName;
using progress_internal::ResolveOrg;
using progress_internal::ResolvePlan;
using progress_internal::Short;

// The part SubmitReport and PrefillReport requests share: the request from
// args.file (the protobuf JSON mapping) if given, then plan, organization and
// period from the flags, or resolved when neither names them.
template <typename Args, typename Request>
absl::Status StartReportRequest(const ProgressContext& ctx, const Args& args,
                                absl::string_view type_name, Request* request) {
  if (!args.file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(std::string text, ReadAll(args.file));
    google::protobuf::util::JsonParseOptions options;
    auto parsed = google::protobuf::util::JsonStringToMessage(text, request, options);
    if (!parsed.ok()) {
      return UsageError(
          absl::StrCat(args.file, " is not a ", type_name, " in JSON: ", parsed.ToString()));
    }
  }
  if (!args.plan.empty() || request->parent().empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request->mutable_parent(), ResolvePlan(ctx, args.plan));
  }
  if (!args.org.empty() || request->organization().empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request->mutable_organization(), ResolveOrg(ctx, args.org));
  }
  if (!args.period.empty()) request->set_period(args.period);
  if (request->period().empty()) return UsageError("--period is required, e.g. 2026-05");
  return absl::OkStatus();
}

}  // namespace

absl::Status ReportSubmit(const ProgressContext& ctx, const ReportSubmitArgs& args,
                          std::ostream& out) {
  pv1::SubmitReportRequest request;
  ECOPLAN_RETURN_IF_ERROR(StartReportRequest(ctx, args, "SubmitReportRequest", &request));
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
    for (const std::string& c : args.checkpoints_met) {
      // DAY or DAY:PHRASE; the service fills in the phrase when none is given.
      const size_t colon = c.find(':');
      pv1::CheckpointMet* met = e->add_met_checkpoints();
      ECOPLAN_ASSIGN_OR_RETURN(*met->mutable_due_date(),
                               ParseDate(c.substr(0, colon), "checkpoint-met"));
      if (colon != std::string::npos) met->set_phrase(c.substr(colon + 1));
    }
  } else if (!args.checkpoints_met.empty()) {
    return UsageError("--checkpoint-met belongs to the flag entry: give --measure as well");
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

absl::Status ReportPrefill(const ProgressContext& ctx, const ReportPrefillArgs& args,
                           std::ostream& out) {
  pv1::PrefillReportRequest request;
  ECOPLAN_RETURN_IF_ERROR(StartReportRequest(ctx, args, "PrefillReportRequest", &request));
  if (!args.measure.empty()) {
    pv1::PrefillEntry* e = request.add_entries();
    ECOPLAN_ASSIGN_OR_RETURN(*e->mutable_measure(),
                             MeasureName(ctx, request.parent(), args.measure));
    if (args.source_system.empty() || args.source_record.empty() || args.filed.empty()) {
      return UsageError("--measure needs --source-system, --source-record and --filed");
    }
    pv1::ValueSource* source = e->mutable_source();
    source->set_system(args.source_system);
    source->set_record_id(args.source_record);
    absl::Time filed;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, args.filed, &filed, &error)) {
      return UsageError(
          absl::StrCat("--filed \"", args.filed,
                       "\" is not an RFC 3339 time (2026-05-10T09:00:00+08:00): ", error));
    }
    source->mutable_file_time()->set_seconds(absl::ToUnixSeconds(filed));
    e->set_work_done(args.work_done);
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
      pv1::QuantitativeValue* q = e->add_values()->mutable_value();
      q->set_name(v.substr(0, eq));
      q->set_value(number);
      q->set_unit(std::string(rest.substr(end)));
    }
  }
  if (request.entries().empty()) return UsageError("give entries with --file or --measure");
  if (!args.actor.empty()) request.set_actor(args.actor);
  request.set_request_id(args.request_id.empty() ? NewRequestId() : args.request_id);
  if (args.request_id.empty() && ctx.notes != nullptr) {
    *ctx.notes << "request id: " << request.request_id() << " (retry with --request-id)\n";
  }
  pv1::PrefillReportResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::PrefillReport, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintReport(response.report(), out);
  Table table({"measure", "field", "origin", "prefilled", "source", "record", "filed"});
  for (const pv1::ReportEntry& e : response.report().entries()) {
    for (const pv1::FieldProvenance& p : e.provenance()) {
      table.AddRow({Short(e.measure()), p.field(), pv1::FieldOrigin_Name(p.origin()).substr(13),
                    p.prefilled_value(), p.source().system(), p.source().record_id(),
                    FormatTimestamp(p.source().file_time())});
    }
  }
  table.Print(out);
  for (const std::string& f : response.kept_fields()) {
    out << "kept as the organization typed it: " << f << "\n";
  }
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
  Table table({"organization", "state", "report", "measures without entry", "typed",
               "confirmed/prefilled"});
  for (const pv1::OrganizationSubmission& o : response.organizations()) {
    std::vector<std::string> missing;
    for (const std::string& m : o.measures_without_entry()) missing.push_back(Short(m));
    std::string text = absl::StrJoin(missing, ",");
    if (!ctx.output.wide && text.size() > 40) text = text.substr(0, 37) + "...";
    table.AddRow({o.organization_display_name(), pv1::SubmissionState_Name(o.state()).substr(17),
                  o.report_state() == pv1::REPORT_STATE_UNSPECIFIED
                      ? "-"
                      : pv1::ReportState_Name(o.report_state()).substr(13),
                  absl::StrCat(missing.size(), "/", o.owned_measure_count(), " ", text),
                  absl::StrCat(o.burden().typed_count()),
                  absl::StrCat(o.burden().confirmed_count(), "/", o.burden().prefilled_count())});
  }
  table.Print(out);
  out << "on time " << response.on_time_count() << ", late " << response.late_count()
      << ", draft only " << response.draft_only_count() << ", missing " << response.missing_count()
      << "\n";
  const pv1::ReportingBurden& b = response.burden();
  out << "fields " << b.field_count() << ": typed " << b.typed_count() << ", prefilled "
      << b.prefilled_count() << " (confirmed " << b.confirmed_count() << ", corrected "
      << b.corrected_count() << ", to confirm " << b.pending_count() << ")\n";
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

// The command line.

CommandGroup progress_internal::ReportGroup() {
  CommandGroup group{
      "report", "monthly progress reports: submit, show, list, history, status, review", {}, ""};
  group.commands.push_back(
      {"submit",
       "--org ORG --period P [--file REQUEST.json] [--measure M --status S --percent N "
       "--work-done T --problems T --next-steps T --value NAME=VALUE[UNIT]... --evidence URL... "
       "--checkpoint-met DAY[:PHRASE]...] "
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
        {"checkpoint-met", "DAY[:PHRASE]",
         "a checkpoint of the measure text met, by its due day, e.g. 2026-05-31:5月底前 or "
         "2026-06-30 for 按季度's second quarter (repeatable)"},
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
         a.checkpoints_met = args.Values("checkpoint-met");
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
      {"prefill",
       "--org ORG --period P (--file F | --measure M --value NAME=VALUE[UNIT]... "
       "--source-system S --source-record R --filed TIME) [--plan PLAN] [--request-id ID]",
       "the bureau pushes figures another system holds into an organization's draft (一数一源)",
       0,
       0,
       {kPlan,
        kOrg,
        kPeriod,
        {"file", "FILE", "a PrefillReportRequest in JSON (- for stdin)"},
        {"measure", "TEXT", "the measure of the flag entry"},
        {"value", "NAME=VALUE[UNIT]", "a quantitative value (repeatable)"},
        {"work-done", "TEXT", "工作进展 as the other system has it"},
        {"source-system", "S", "the system that holds the figures, e.g. 市生态环境统计系统"},
        {"source-record", "R", "the record id or document number there"},
        {"filed", "TIME", "when they were filed there, RFC 3339"},
        {"request-id", "ID", "client id of the call, for a safe retry"},
        kActor},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ReportPrefillArgs a;
         a.plan = args.Value("plan");
         a.org = args.Value("org");
         a.period = args.Value("period");
         a.file = args.Value("file");
         a.measure = args.Value("measure");
         a.values = args.Values("value");
         a.work_done = args.Value("work-done");
         a.source_system = args.Value("source-system");
         a.source_record = args.Value("source-record");
         a.filed = args.Value("filed");
         a.request_id = args.Value("request-id");
         a.actor = args.Value("actor");
         return ReportPrefill(ctx, a, out);
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

}  // namespace ecoplan::ctl
