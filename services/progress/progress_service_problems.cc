// ProgressServiceImpl, the problem ledgers (问题清单): request → domain
// (ProblemLedger), item → response as of the service clock. Who may call
// what is ProgressPolicy's; which items a reporter sees and which steps are
// whose is the ledger's.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/progress/problem_mapping.h"
#include "services/progress/progress_policy.h"
#include "services/progress/progress_service_impl.h"
#include "services/progress/proto_mapping.h"

namespace ecoplan::progress {
namespace {

using common::AnswerAsync;
using common::AnswerInline;
using common::AnswerOn;
using common::FinishUnary;
using common::Principal;
using common::ResourceScope;

// The measure id of `name` (empty when empty), which must be of `plan_id`.
absl::StatusOr<std::string> MeasureOfPlan(const std::string& name, const std::string& plan_id,
                                          absl::string_view field) {
  if (name.empty()) return std::string();
  ECOPLAN_ASSIGN_OR_RETURN(auto m, ParseMeasureName(name, field));
  if (m.first != plan_id) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", name, " is not a measure of plans/", plan_id));
  }
  return m.second;
}

}  // namespace

grpc::ServerUnaryReactor* ProgressServiceImpl::AnswerProblem(
    grpc::CallbackServerContext* ctx, std::function<void(Callback<ProblemItem>)> call,
    v1::ProblemItem* response) {
  return AnswerAsync<ProblemItem>(
      ctx, [&](Callback<ProblemItem> done) { call(std::move(done)); },
      [this, response](const ProblemItem& i) {
        *response =
            ToProto(i, ledger_->Now(), ledger_->Zone(i.plan_id), ledger_->Plan(i.plan_id).get());
      });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::CreateProblemItem(
    grpc::CallbackServerContext* ctx, const v1::CreateProblemItemRequest* request,
    v1::CreateProblemItemResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "CreateProblemItem", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan_id = ParsePlanName(request->parent(), "parent");
  if (!plan_id.ok()) return FinishUnary(ctx, plan_id.status());
  absl::StatusOr<ProblemDraft> draft = DraftFromProto(*plan_id, request->item());
  if (!draft.ok()) return FinishUnary(ctx, draft.status());
  const Caller caller = CallerOf(*who, request->actor(), request->request_id());
  return AnswerProblem(
      ctx,
      [this, plan_id = *plan_id, draft = *std::move(draft), caller](Callback<ProblemItem> done) {
        ledger_->Create(plan_id, draft, caller, std::move(done));
      },
      response->mutable_item());
}

grpc::ServerUnaryReactor* ProgressServiceImpl::ImportProblemItems(
    grpc::CallbackServerContext* ctx, const v1::ImportProblemItemsRequest* request,
    v1::ImportProblemItemsResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "ImportProblemItems", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan_id = ParsePlanName(request->parent(), "parent");
  if (!plan_id.ok()) return FinishUnary(ctx, plan_id.status());
  absl::StatusOr<std::string> measure = MeasureOfPlan(request->measure(), *plan_id, "measure");
  if (!measure.ok()) return FinishUnary(ctx, measure.status());
  if (request->csv().empty() == request->xlsx().empty()) {
    return FinishUnary(ctx, absl::InvalidArgumentError(
                                "give exactly one of csv and xlsx: the ledger as a CSV file or "
                                "as an .xlsx workbook"));
  }
  ProblemFile file;
  if (request->xlsx().empty()) {
    file.bytes = request->csv();
  } else {
    file.format = ProblemFileFormat::kXlsx;
    file.bytes = request->xlsx();
  }
  const Caller caller = CallerOf(*who, request->actor(), request->request_id());
  return AnswerAsync<ProblemImportResult>(
      ctx,
      [&](Callback<ProblemImportResult> done) {
        ledger_->Import(*plan_id, std::move(file), *measure, request->validate_only(), caller,
                        std::move(done));
      },
      [this, response](const ProblemImportResult& r) {
        for (const ProblemItem& i : r.items) {
          *response->add_items() =
              ToProto(i, ledger_->Now(), ledger_->Zone(i.plan_id), ledger_->Plan(i.plan_id).get());
        }
        response->set_rows(r.rows);
        response->set_accepted(r.accepted);
        for (const ImportRowError& e : r.errors) *response->add_errors() = ToProto(e);
      });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::GetProblemItem(
    grpc::CallbackServerContext* ctx, const v1::GetProblemItemRequest* request,
    v1::GetProblemItemResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "GetProblemItem", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerInline(ctx, [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(auto ids, ParseProblemItemName(request->name(), "name"));
    ECOPLAN_ASSIGN_OR_RETURN(ProblemItem i,
                             ledger_->Get(ids.first, ids.second, CallerOf(*who, "", "")));
    *response->mutable_item() =
        ToProto(i, ledger_->Now(), ledger_->Zone(i.plan_id), ledger_->Plan(i.plan_id).get());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::ListProblemItems(
    grpc::CallbackServerContext* ctx, const v1::ListProblemItemsRequest* request,
    v1::ListProblemItemsResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "ListProblemItems", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerOn(ctx, reader_, [this, request, response, who = *who]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string plan_id, ParsePlanName(request->parent(), "parent"));
    ProblemFilter f;
    ECOPLAN_ASSIGN_OR_RETURN(f.measure_id, MeasureOfPlan(request->measure(), plan_id, "measure"));
    if (!request->organization().empty()) {
      ECOPLAN_ASSIGN_OR_RETURN(f.org_id,
                               ParseOrganizationName(request->organization(), "organization"));
    }
    ECOPLAN_RETURN_IF_ERROR(CheckEnumValue(request->state(), v1::ProblemState_MAX, "state"));
    ECOPLAN_RETURN_IF_ERROR(
        CheckEnumValue(request->category(), v1::ProblemCategory_MAX, "category"));
    f.state = static_cast<ProblemState>(request->state());
    f.category = static_cast<ProblemCategory>(request->category());
    f.unresolved_only = request->unresolved_only();
    f.overdue_only = request->overdue_only();
    f.code = request->code();
    ECOPLAN_ASSIGN_OR_RETURN(
        ProblemPage page, ledger_->List(plan_id, f, {request->page_size(), request->page_token()},
                                        CallerOf(who, "", "")));
    const absl::Time now = ledger_->Now();
    const absl::TimeZone zone = ledger_->Zone(plan_id);
    std::shared_ptr<const PlanInfo> plan = ledger_->Plan(plan_id);
    for (const ProblemItem& i : page.items)
      *response->add_items() = ToProto(i, now, zone, plan.get());
    response->set_next_page_token(page.next_page_token);
    response->set_total_size(page.total_size);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::SummarizeProblemItems(
    grpc::CallbackServerContext* ctx, const v1::SummarizeProblemItemsRequest* request,
    v1::SummarizeProblemItemsResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "SummarizeProblemItems", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerOn(ctx, reader_, [this, request, response, who = *who]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string plan_id, ParsePlanName(request->parent(), "parent"));
    ECOPLAN_ASSIGN_OR_RETURN(std::string measure,
                             MeasureOfPlan(request->measure(), plan_id, "measure"));
    ECOPLAN_ASSIGN_OR_RETURN(ProblemSummary s,
                             ledger_->Summarize(plan_id, measure, CallerOf(who, "", "")));
    for (const ProblemTally& t : s.by_measure)
      *response->add_by_measure() = ToProto(plan_id, t, true);
    for (const ProblemTally& t : s.by_organization) {
      *response->add_by_organization() = ToProto(plan_id, t, false);
    }
    *response->mutable_total() = ToProto(plan_id, s.total, false);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::TransitionProblemItem(
    grpc::CallbackServerContext* ctx, const v1::TransitionProblemItemRequest* request,
    v1::TransitionProblemItemResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "TransitionProblemItem", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto ids = ParseProblemItemName(request->name(), "name");
  if (!ids.ok()) return FinishUnary(ctx, ids.status());
  if (absl::Status valid =
          CheckEnumValue(request->transition(), v1::ProblemTransition_MAX, "transition");
      !valid.ok()) {
    return FinishUnary(ctx, valid);
  }
  ProblemStepRequest step;
  step.transition = static_cast<ProblemTransition>(request->transition());
  step.comment = request->comment();
  step.evidence_links.assign(request->evidence_links().begin(), request->evidence_links().end());
  const Caller caller = CallerOf(*who, request->actor(), request->request_id());
  return AnswerProblem(
      ctx,
      [this, ids = *ids, step = std::move(step), etag = request->etag(),
       caller](Callback<ProblemItem> done) {
        ledger_->Transition(ids.first, ids.second, step, etag, caller, std::move(done));
      },
      response->mutable_item());
}

}  // namespace ecoplan::progress
