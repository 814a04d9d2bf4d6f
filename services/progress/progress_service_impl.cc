#include "services/progress/progress_service_impl.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/edge/reactors.h"
#include "common/status/status_macros.h"
#include "services/progress/progress_policy.h"
#include "services/progress/proto_mapping.h"

namespace ecoplan::progress {
namespace {

using common::AnswerAsync;
using common::AnswerInline;
using common::AnswerOn;
using common::FinishUnary;
using common::Principal;
using common::RefusedStream;
using common::ResourceScope;

}  // namespace

// The domain's view of the authenticated caller. The actor recorded in the
// history is the token's subject; only in development mode (where everyone
// is the administrator "development") may the request name it, so that local
// runs and demos show who did what.
Caller CallerOf(const Principal& who, const std::string& request_actor,
                const std::string& request_id) {
  Caller caller;
  switch (who.role) {
    case common::Role::kAdministrator:
      caller.role = Caller::Role::kAdministrator;
      break;
    case common::Role::kReporter:
      caller.role = Caller::Role::kReporter;
      break;
    case common::Role::kViewer:
      caller.role = Caller::Role::kViewer;
      break;
    case common::Role::kService:
      caller.role = Caller::Role::kService;
      break;
    case common::Role::kSupervisor:
      caller.role = Caller::Role::kSupervisor;
      break;
  }
  caller.org_id = who.organization_id;
  caller.actor = who.via == common::AuthenticatedVia::kDevelopment && !request_actor.empty()
                     ? request_actor
                     : who.subject;
  caller.request_id = request_id;
  return caller;
}

namespace {

bool IsReporter(const Principal& who) { return who.role == common::Role::kReporter; }

template <typename Enum>
absl::Status CheckEnum(int value, int max, absl::string_view field) {
  if (value < 0 || value > max) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a known value: ", value));
  }
  return absl::OkStatus();
}

v1::GetMeasureProgressResponse ProgressToProto(const std::string& plan_id,
                                               const MeasureProgress& p) {
  v1::GetMeasureProgressResponse out;
  out.set_measure(MeasureName(plan_id, p.measure.id));
  out.set_measure_text(p.measure.text);
  auto* d = out.mutable_original_deadline();
  d->set_raw(p.measure.deadline_raw);
  d->set_kind(static_cast<ecoplan::common::v1::DeadlineKind>(p.measure.deadline_kind));
  if (p.measure.window_start) *d->mutable_window_start() = ToProto(*p.measure.window_start);
  if (p.measure.due) *d->mutable_due_date() = ToProto(*p.measure.due);
  if (p.effective_due) *out.mutable_effective_due_date() = ToProto(*p.effective_due);
  out.set_overdue(p.overdue);
  out.set_completed(p.completed);
  for (const OrgProgress& o : p.organizations) {
    v1::OrganizationProgress* po = out.add_organizations();
    po->set_organization(OrganizationName(o.org_id));
    po->set_organization_display_name(o.org_name);
    po->set_lead(o.lead);
    if (!o.report_id.empty()) po->set_report(ReportName(plan_id, o.report_id));
    po->set_period(o.period);
    if (o.entry) *po->mutable_entry() = ToProto(plan_id, *o.entry);
  }
  for (const Extension& e : p.extensions) *out.add_extensions() = ToProto(e);
  for (const Completion& c : p.completions) *out.add_completions() = ToProto(c);
  return out;
}

}  // namespace

ProgressServiceImpl::ProgressServiceImpl(ProgressRecorder* recorder, SupervisionDesk* desk,
                                         ProblemLedger* ledger, common::SerialExecutor* reader,
                                         common::RocksDb* db, common::WatchEventsHub* watch_hub,
                                         const common::CallAuthenticator* auth)
    : recorder_(recorder),
      desk_(desk),
      ledger_(ledger),
      reader_(reader),
      db_(db),
      watch_hub_(watch_hub),
      auth_(auth) {
  RegisterByteAnswers();
  SetMessageAllocatorFor_SubmitReport(&submit_report_messages_);
}

absl::StatusOr<Principal> ProgressServiceImpl::Authorize(grpc::CallbackServerContext* ctx,
                                                         absl::string_view method,
                                                         const ResourceScope& scope) const {
  return auth_->Authorize(*ctx, ProgressMethod(method), scope);
}

absl::StatusOr<Principal> ProgressServiceImpl::AuthorizeFor(
    grpc::CallbackServerContext* ctx, absl::string_view method,
    const absl::StatusOr<std::string>& org_id) const {
  if (!org_id.ok()) {
    // A caller without credentials learns nothing about the request's shape.
    absl::StatusOr<Principal> who = auth_->Authenticate(*ctx);
    return who.ok() ? org_id.status() : who.status();
  }
  return Authorize(ctx, method, ResourceScope::OwnedBy({*org_id}));
}

grpc::ServerUnaryReactor* ProgressServiceImpl::SubmitReport(grpc::CallbackServerContext* ctx,
                                                            const v1::SubmitReportRequest* request,
                                                            v1::SubmitReportResponse* response) {
  absl::StatusOr<Principal> who = AuthorizeFor(
      ctx, "SubmitReport", ParseOrganizationName(request->organization(), "organization"));
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<ReportSubmission> submission = [&]() -> absl::StatusOr<ReportSubmission> {
    ReportSubmission s;
    ECOPLAN_ASSIGN_OR_RETURN(s.plan_id, ParsePlanName(request->parent(), "parent"));
    ECOPLAN_ASSIGN_OR_RETURN(s.org_id,
                             ParseOrganizationName(request->organization(), "organization"));
    s.period = request->period();
    if (request->entries_size() > static_cast<int>(kMaxEntries)) {
      return absl::InvalidArgumentError(
          absl::StrCat("entries: ", request->entries_size(), " entries; at most ", kMaxEntries));
    }
    s.entries.reserve(request->entries_size());
    for (int i = 0; i < request->entries_size(); ++i) {
      ECOPLAN_ASSIGN_OR_RETURN(ReportEntry e, FromProto(s.plan_id, request->entries(i),
                                                        absl::StrCat("entries[", i, "]")));
      s.entries.push_back(std::move(e));
    }
    s.summary = request->summary();
    s.draft = request->draft();
    s.etag = request->etag();
    return s;
  }();
  if (!submission.ok()) return FinishUnary(ctx, submission.status());
  // The store keeps the report's bytes it writes while the recorder builds
  // the change on this thread; the answer is those bytes when they encode the
  // answered report (submit_report_answer.h).
  auto serialized = std::make_shared<SerializedReport>();
  ReportBytesScope keep_bytes(serialized.get());
  return AnswerAsync<std::shared_ptr<const Report>>(
      ctx,
      [&](Callback<std::shared_ptr<const Report>> done) {
        recorder_->SubmitReportShared(*std::move(submission),
                                      CallerOf(*who, request->actor(), request->request_id()),
                                      std::move(done));
      },
      [response, serialized](const std::shared_ptr<const Report>& r) {
        FillSubmitReportAnswer(*r, *serialized, response);
      });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::PrefillReport(
    grpc::CallbackServerContext* ctx, const v1::PrefillReportRequest* request,
    v1::PrefillReportResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "PrefillReport", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<ReportPrefill> prefill = [&]() -> absl::StatusOr<ReportPrefill> {
    ReportPrefill p;
    ECOPLAN_ASSIGN_OR_RETURN(p.plan_id, ParsePlanName(request->parent(), "parent"));
    ECOPLAN_ASSIGN_OR_RETURN(p.org_id,
                             ParseOrganizationName(request->organization(), "organization"));
    p.period = request->period();
    if (request->entries_size() > static_cast<int>(kMaxEntries)) {
      return absl::InvalidArgumentError(
          absl::StrCat("entries: ", request->entries_size(), " entries; at most ", kMaxEntries));
    }
    for (int i = 0; i < request->entries_size(); ++i) {
      ECOPLAN_ASSIGN_OR_RETURN(PrefillEntry e, FromProto(p.plan_id, request->entries(i),
                                                         absl::StrCat("entries[", i, "]")));
      p.entries.push_back(std::move(e));
    }
    return p;
  }();
  if (!prefill.ok()) return FinishUnary(ctx, prefill.status());
  return AnswerAsync<PrefillResult>(
      ctx,
      [&](Callback<PrefillResult> done) {
        recorder_->PrefillReport(*std::move(prefill),
                                 CallerOf(*who, request->actor(), request->request_id()),
                                 std::move(done));
      },
      [response](const PrefillResult& r) {
        *response->mutable_report() = ToProto(r.report);
        for (const std::string& f : r.kept_fields) response->add_kept_fields(f);
      });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::ListReports(grpc::CallbackServerContext* ctx,
                                                           const v1::ListReportsRequest* request,
                                                           v1::ListReportsResponse* response) {
  absl::StatusOr<Principal> who = auth_->Authenticate(*ctx);
  if (!who.ok())
    return FinishUnary(ctx, Authorize(ctx, "ListReports", ResourceScope::Any()).status());
  absl::StatusOr<ReportFilter> filter = [&]() -> absl::StatusOr<ReportFilter> {
    ReportFilter f;
    if (!request->organization().empty()) {
      ECOPLAN_ASSIGN_OR_RETURN(f.org_id,
                               ParseOrganizationName(request->organization(), "organization"));
    } else if (IsReporter(*who)) {
      f.org_id = who->organization_id;  // a reporter lists its own organization's reports
    }
    f.period = request->period();
    if (!request->measure().empty()) {
      ECOPLAN_ASSIGN_OR_RETURN(auto ids, ParseMeasureName(request->measure(), "measure"));
      f.measure_id = ids.second;
    }
    ECOPLAN_RETURN_IF_ERROR(CheckEnum<v1::ReportState>(request->state(), 4, "state"));
    ECOPLAN_RETURN_IF_ERROR(
        CheckEnum<v1::MeasureStatus>(request->entry_status(), 5, "entry_status"));
    ECOPLAN_RETURN_IF_ERROR(CheckEnum<v1::Timeliness>(request->timeliness(), 2, "timeliness"));
    f.state = static_cast<ReportState>(request->state());
    f.entry_status = static_cast<MeasureStatus>(request->entry_status());
    f.timeliness = static_cast<Timeliness>(request->timeliness());
    return f;
  }();
  if (!filter.ok()) return FinishUnary(ctx, filter.status());
  who = Authorize(
      ctx, "ListReports",
      filter->org_id.empty() ? ResourceScope::Any() : ResourceScope::OwnedBy({filter->org_id}));
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerOn(
      ctx, reader_, [this, request, response, f = *std::move(filter)]() -> absl::Status {
        ECOPLAN_ASSIGN_OR_RETURN(std::string plan_id, ParsePlanName(request->parent(), "parent"));
        ECOPLAN_ASSIGN_OR_RETURN(
            ReportPage page,
            recorder_->ListReports(plan_id, f, {request->page_size(), request->page_token()}));
        for (const Report& r : page.reports) *response->add_reports() = ToProto(r);
        response->set_next_page_token(page.next_page_token);
        response->set_total_size(page.total_size);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::ListReportRevisions(
    grpc::CallbackServerContext* ctx, const v1::ListReportRevisionsRequest* request,
    v1::ListReportRevisionsResponse* response) {
  absl::StatusOr<std::pair<std::string, std::string>> ids =
      ParseReportName(request->name(), "name");
  absl::StatusOr<Principal> who = AuthorizeFor(
      ctx, "ListReportRevisions",
      ids.ok() ? absl::StatusOr<std::string>(OrganizationOfReport(ids->second)) : ids.status());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerOn(ctx, reader_, [this, ids = *ids, response]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::vector<ReportRevision> revisions,
                             recorder_->ListRevisions(ids.first, ids.second));
    for (const ReportRevision& r : revisions) *response->add_revisions() = ToProto(r);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::Review(
    grpc::CallbackServerContext* ctx, absl::string_view method, bool accept,
    const std::string& name, const std::string& etag, const std::string& comment,
    const std::string& actor, const std::string& request_id, v1::Report* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, method, ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::pair<std::string, std::string>> ids = ParseReportName(name, "name");
  if (!ids.ok()) return FinishUnary(ctx, ids.status());
  return AnswerAsync<Report>(
      ctx,
      [&](Callback<Report> done) {
        recorder_->ReviewReport(ids->first, ids->second, accept, etag, comment,
                                CallerOf(*who, actor, request_id), std::move(done));
      },
      [response](const Report& r) { *response = ToProto(r); });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::AcceptReport(grpc::CallbackServerContext* ctx,
                                                            const v1::AcceptReportRequest* request,
                                                            v1::AcceptReportResponse* response) {
  return Review(ctx, "AcceptReport", /*accept=*/true, request->name(), request->etag(),
                request->comment(), request->actor(), request->request_id(),
                response->mutable_report());
}

grpc::ServerUnaryReactor* ProgressServiceImpl::ReturnReport(grpc::CallbackServerContext* ctx,
                                                            const v1::ReturnReportRequest* request,
                                                            v1::ReturnReportResponse* response) {
  return Review(ctx, "ReturnReport", /*accept=*/false, request->name(), request->etag(),
                request->comment(), request->actor(), request->request_id(),
                response->mutable_report());
}

grpc::ServerUnaryReactor* ProgressServiceImpl::GetMeasureProgress(
    grpc::CallbackServerContext* ctx, const v1::GetMeasureProgressRequest* request,
    v1::GetMeasureProgressResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "GetMeasureProgress", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerOn(ctx, reader_, [this, request, response, who = *who]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(auto ids, ParseMeasureName(request->measure(), "measure"));
    ECOPLAN_ASSIGN_OR_RETURN(MeasureProgress p,
                             recorder_->GetMeasureProgress(ids.first, ids.second));
    if (IsReporter(who)) {
      // Who owns the measure is public (the registry says so); what the other
      // organizations reported is theirs.
      for (OrgProgress& o : p.organizations) {
        if (o.org_id == who.organization_id) continue;
        o.entry.reset();
        o.report_id.clear();
        o.period.clear();
      }
    }
    *response = ProgressToProto(ids.first, p);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::ListMeasureHistory(
    grpc::CallbackServerContext* ctx, const v1::ListMeasureHistoryRequest* request,
    v1::ListMeasureHistoryResponse* response) {
  absl::StatusOr<Principal> who = auth_->Authenticate(*ctx);
  if (!who.ok()) {
    return FinishUnary(ctx, Authorize(ctx, "ListMeasureHistory", ResourceScope::Any()).status());
  }
  absl::StatusOr<std::string> org_id = std::string();
  if (!request->organization().empty()) {
    org_id = ParseOrganizationName(request->organization(), "organization");
  } else if (IsReporter(*who)) {
    org_id = who->organization_id;  // a reporter reads its own organization's history
  }
  if (!org_id.ok()) return FinishUnary(ctx, org_id.status());
  who = Authorize(ctx, "ListMeasureHistory",
                  org_id->empty() ? ResourceScope::Any() : ResourceScope::OwnedBy({*org_id}));
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerOn(ctx, reader_, [this, request, response, org_id = *org_id]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(auto ids, ParseMeasureName(request->measure(), "measure"));
    ECOPLAN_ASSIGN_OR_RETURN(std::vector<HistoryItem> items,
                             recorder_->ListMeasureHistory(ids.first, ids.second, org_id));
    for (const HistoryItem& item : items) {
      v1::MeasureHistoryItem* p = response->add_items();
      p->set_period(item.period);
      p->set_organization(OrganizationName(item.org_id));
      p->set_report(ReportName(ids.first, item.report_id));
      p->set_report_state(static_cast<v1::ReportState>(item.report_state));
      *p->mutable_entry() = ToProto(ids.first, item.entry);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::RequestExtension(
    grpc::CallbackServerContext* ctx, const v1::RequestExtensionRequest* request,
    v1::RequestExtensionResponse* response) {
  absl::StatusOr<Principal> who = AuthorizeFor(
      ctx, "RequestExtension", ParseOrganizationName(request->organization(), "organization"));
  if (!who.ok()) return FinishUnary(ctx, who.status());
  struct Parsed {
    std::pair<std::string, std::string> ids;
    std::string org_id;
    absl::CivilDay day;
  };
  absl::StatusOr<Parsed> parsed = [&]() -> absl::StatusOr<Parsed> {
    Parsed p;
    ECOPLAN_ASSIGN_OR_RETURN(p.ids, ParseMeasureName(request->measure(), "measure"));
    ECOPLAN_ASSIGN_OR_RETURN(p.org_id,
                             ParseOrganizationName(request->organization(), "organization"));
    if (!request->has_requested_due_date()) {
      return absl::InvalidArgumentError("requested_due_date is required");
    }
    ECOPLAN_ASSIGN_OR_RETURN(
        p.day, common::DateFromProto(request->requested_due_date(), "requested_due_date"));
    return p;
  }();
  if (!parsed.ok()) return FinishUnary(ctx, parsed.status());
  return AnswerAsync<Extension>(
      ctx,
      [&](Callback<Extension> done) {
        recorder_->RequestExtension(
            parsed->ids.first, parsed->ids.second, parsed->org_id, parsed->day, request->reason(),
            CallerOf(*who, request->actor(), request->request_id()), std::move(done));
      },
      [response](const Extension& e) { *response->mutable_extension() = ToProto(e); });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::DecideExtension(
    grpc::CallbackServerContext* ctx, const v1::DecideExtensionRequest* request,
    v1::DecideExtensionResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "DecideExtension", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto ids = ParseMeasureChildName(request->name(), "extensions", "name");
  if (!ids.ok()) return FinishUnary(ctx, ids.status());
  if (request->decision() != v1::DECISION_APPROVE && request->decision() != v1::DECISION_REJECT) {
    return FinishUnary(ctx, absl::InvalidArgumentError(
                                "decision is required: DECISION_APPROVE or DECISION_REJECT"));
  }
  return AnswerAsync<Extension>(
      ctx,
      [&](Callback<Extension> done) {
        recorder_->DecideExtension(std::get<0>(*ids), std::get<1>(*ids), std::get<2>(*ids),
                                   request->decision() == v1::DECISION_APPROVE, request->comment(),
                                   CallerOf(*who, request->actor(), request->request_id()),
                                   std::move(done));
      },
      [response](const Extension& e) { *response->mutable_extension() = ToProto(e); });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::ListExtensions(
    grpc::CallbackServerContext* ctx, const v1::ListExtensionsRequest* request,
    v1::ListExtensionsResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "ListExtensions", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerOn(ctx, reader_, [this, request, response]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(auto ids, ParsePlanOrMeasure(request->parent(), "parent"));
    ECOPLAN_RETURN_IF_ERROR(CheckEnum<v1::ExtensionState>(request->state(), 3, "state"));
    ECOPLAN_ASSIGN_OR_RETURN(
        std::vector<Extension> list,
        recorder_->ListExtensions(ids.first, ids.second,
                                  static_cast<ExtensionState>(request->state())));
    for (const Extension& e : list) *response->add_extensions() = ToProto(e);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::DeclareCompletion(
    grpc::CallbackServerContext* ctx, const v1::DeclareCompletionRequest* request,
    v1::DeclareCompletionResponse* response) {
  auto org = ParseOrganizationName(request->organization(), "organization");
  absl::StatusOr<Principal> who = AuthorizeFor(ctx, "DeclareCompletion", org);
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto ids = ParseMeasureName(request->measure(), "measure");
  if (!ids.ok()) return FinishUnary(ctx, ids.status());
  return AnswerAsync<Completion>(
      ctx,
      [&](Callback<Completion> done) {
        recorder_->DeclareCompletion(ids->first, ids->second, *org, request->description(),
                                     std::vector<std::string>(request->evidence_links().begin(),
                                                              request->evidence_links().end()),
                                     CallerOf(*who, request->actor(), request->request_id()),
                                     std::move(done));
      },
      [response](const Completion& c) { *response->mutable_completion() = ToProto(c); });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::DecideCompletion(
    grpc::CallbackServerContext* ctx, absl::string_view method, bool confirm,
    const std::string& name, const std::string& comment, const std::string& actor,
    const std::string& request_id, const IndicatorOverride& override_check,
    v1::Completion* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, method, ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto ids = ParseMeasureChildName(name, "completions", "name");
  if (!ids.ok()) return FinishUnary(ctx, ids.status());
  return AnswerAsync<Completion>(
      ctx,
      [&](Callback<Completion> done) {
        recorder_->DecideCompletion(std::get<0>(*ids), std::get<1>(*ids), std::get<2>(*ids),
                                    confirm, comment, override_check,
                                    CallerOf(*who, actor, request_id), std::move(done));
      },
      [response](const Completion& c) { *response = ToProto(c); });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::ConfirmCompletion(
    grpc::CallbackServerContext* ctx, const v1::ConfirmCompletionRequest* request,
    v1::ConfirmCompletionResponse* response) {
  IndicatorOverride override_check;
  override_check.requested = request->override_indicator_check();
  override_check.reason = request->override_reason();
  return DecideCompletion(ctx, "ConfirmCompletion", /*confirm=*/true, request->name(),
                          request->comment(), request->actor(), request->request_id(),
                          override_check, response->mutable_completion());
}

grpc::ServerUnaryReactor* ProgressServiceImpl::RejectCompletion(
    grpc::CallbackServerContext* ctx, const v1::RejectCompletionRequest* request,
    v1::RejectCompletionResponse* response) {
  return DecideCompletion(ctx, "RejectCompletion", /*confirm=*/false, request->name(),
                          request->comment(), request->actor(), request->request_id(),
                          IndicatorOverride(), response->mutable_completion());
}

grpc::ServerUnaryReactor* ProgressServiceImpl::ListCompletions(
    grpc::CallbackServerContext* ctx, const v1::ListCompletionsRequest* request,
    v1::ListCompletionsResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "ListCompletions", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerOn(ctx, reader_, [this, request, response]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(auto ids, ParsePlanOrMeasure(request->parent(), "parent"));
    ECOPLAN_RETURN_IF_ERROR(CheckEnum<v1::CompletionState>(request->state(), 3, "state"));
    ECOPLAN_ASSIGN_OR_RETURN(
        std::vector<Completion> list,
        recorder_->ListCompletions(ids.first, ids.second,
                                   static_cast<CompletionState>(request->state())));
    for (const Completion& c : list) *response->add_completions() = ToProto(c);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::GetReportingCalendar(
    grpc::CallbackServerContext* ctx, const v1::GetReportingCalendarRequest* request,
    v1::GetReportingCalendarResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "GetReportingCalendar", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerInline(ctx, [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string plan_id, ParseCalendarName(request->name(), "name"));
    ECOPLAN_ASSIGN_OR_RETURN(CalendarView view, recorder_->GetCalendar(plan_id));
    *response->mutable_calendar() = ToProto(plan_id, view);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::UpdateReportingCalendar(
    grpc::CallbackServerContext* ctx, const v1::UpdateReportingCalendarRequest* request,
    v1::UpdateReportingCalendarResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "UpdateReportingCalendar", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto plan_id = ParseCalendarName(request->calendar().name(), "calendar.name");
  if (!plan_id.ok()) return FinishUnary(ctx, plan_id.status());
  if (!request->calendar().has_monthly_due() ||
      request->calendar().monthly_due().rule_case() == v1::DueRule::RULE_NOT_SET) {
    return FinishUnary(ctx,
                       absl::InvalidArgumentError(
                           "calendar.monthly_due is required: day_of_month or nth_working_day"));
  }
  CalendarRule rule = FromProto(request->calendar());
  if (request->calendar().has_summary_due() &&
      request->calendar().summary_due().rule_case() == v1::DueRule::RULE_NOT_SET) {
    rule.summary_due.reset();
  }
  return AnswerAsync<CalendarView>(
      ctx,
      [&](Callback<CalendarView> done) {
        recorder_->UpdateCalendar(*plan_id, rule, request->etag(),
                                  CallerOf(*who, request->actor(), request->request_id()),
                                  std::move(done));
      },
      [response, id = *plan_id](const CalendarView& v) {
        *response->mutable_calendar() = ToProto(id, v);
      });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::LoadHolidays(grpc::CallbackServerContext* ctx,
                                                            const v1::LoadHolidaysRequest* request,
                                                            v1::LoadHolidaysResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "LoadHolidays", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<HolidayYear> year = FromProto(request->holidays());
  if (!year.ok()) return FinishUnary(ctx, year.status());
  return AnswerAsync<HolidayYear>(
      ctx,
      [&](Callback<HolidayYear> done) {
        recorder_->LoadHolidays(*year, CallerOf(*who, request->actor(), request->request_id()),
                                std::move(done));
      },
      [response](const HolidayYear& y) { *response->mutable_holidays() = ToProto(y); });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::GetHolidays(grpc::CallbackServerContext* ctx,
                                                           const v1::GetHolidaysRequest* request,
                                                           v1::GetHolidaysResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "GetHolidays", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerInline(ctx, [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(int year, ParseHolidaysName(request->name(), "name"));
    ECOPLAN_ASSIGN_OR_RETURN(HolidayYear h, recorder_->GetHolidays(year));
    *response->mutable_holidays() = ToProto(h);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* ProgressServiceImpl::WatchEvents(
    grpc::CallbackServerContext* ctx, const v1::WatchEventsRequest* request) {
  absl::StatusOr<Principal> who = Authorize(ctx, "WatchEvents", ResourceScope::Any());
  if (!who.ok()) return new RefusedStream<v1::WatchEventsResponse>(who.status());
  return watch_hub_->NewReactor<v1::WatchEventsResponse>(ctx, db_, request->after_sequence(), {},
                                                         who->subject);
}

}  // namespace ecoplan::progress
