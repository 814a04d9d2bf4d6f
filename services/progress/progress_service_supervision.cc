// ProgressServiceImpl, the supervision orders (督办单): request → domain
// (SupervisionDesk), order → response as of the service clock. Who may call
// what is ProgressPolicy's; what a reporter may see of an order is the
// desk's (VisibleTo).

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/mapping/proto_values.h"
#include "common/status/status_macros.h"
#include "services/progress/progress_policy.h"
#include "services/progress/progress_service_impl.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/supervision_mapping.h"

namespace ecoplan::progress {
namespace {

using common::AnswerAsync;
using common::AnswerInline;
using common::AnswerOn;
using common::FinishUnary;
using common::Principal;
using common::ResourceScope;

// The measure ids of `names`, each a measure of `plan_id`.
absl::StatusOr<std::vector<std::string>> MeasureIds(
    const google::protobuf::RepeatedPtrField<std::string>& names, const std::string& plan_id) {
  std::vector<std::string> ids;
  for (int i = 0; i < names.size(); ++i) {
    const std::string field = absl::StrCat("measures[", i, "]");
    ECOPLAN_ASSIGN_OR_RETURN(auto m, ParseMeasureName(names[i], field));
    if (m.first != plan_id) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": ", names[i], " is not a measure of plans/", plan_id));
    }
    ids.push_back(std::move(m.second));
  }
  return ids;
}

absl::StatusOr<OrderIssue> IssueFromProto(const v1::IssueSupervisionOrderRequest& r) {
  OrderIssue issue;
  ECOPLAN_ASSIGN_OR_RETURN(issue.plan_id, ParsePlanName(r.parent(), "parent"));
  issue.title = r.title();
  issue.description = r.description();
  ECOPLAN_RETURN_IF_ERROR(
      CheckEnumValue(r.source().kind(), v1::SupervisionSourceKind_MAX, "source.kind"));
  issue.source.kind = static_cast<SupervisionSourceKind>(r.source().kind());
  issue.source.reference = r.source().reference();
  ECOPLAN_RETURN_IF_ERROR(CheckEnumValue(r.level(), v1::SupervisionLevel_MAX, "level"));
  issue.level = static_cast<SupervisionLevel>(r.level());
  if (r.measures_size() > static_cast<int>(kMaxOrderMeasures)) {
    return absl::InvalidArgumentError(
        absl::StrCat("measures: at most ", kMaxOrderMeasures, " measures"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(issue.measure_ids, MeasureIds(r.measures(), issue.plan_id));
  if (r.organizations_size() > static_cast<int>(kMaxOrderOrganizations)) {
    return absl::InvalidArgumentError(
        absl::StrCat("organizations: at most ", kMaxOrderOrganizations));
  }
  for (int i = 0; i < r.organizations_size(); ++i) {
    ECOPLAN_ASSIGN_OR_RETURN(
        std::string org,
        ParseOrganizationName(r.organizations(i), absl::StrCat("organizations[", i, "]")));
    issue.org_ids.push_back(std::move(org));
  }
  if (r.has_reply_due_date()) {
    ECOPLAN_ASSIGN_OR_RETURN(issue.due_day,
                             common::DateFromProto(r.reply_due_date(), "reply_due_date"));
  }
  if (r.has_reply_due_time()) issue.due_time = common::TimeFromProto(r.reply_due_time());
  issue.external_case_number = r.external_case_number();
  if (!r.requesting_organization().empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(
        issue.requesting_org_id,
        ParseOrganizationName(r.requesting_organization(), "requesting_organization"));
  }
  return issue;
}

}  // namespace

grpc::ServerUnaryReactor* ProgressServiceImpl::AnswerOrder(
    grpc::CallbackServerContext* ctx, std::function<void(Callback<SupervisionOrder>)> call,
    v1::SupervisionOrder* response) {
  return AnswerAsync<SupervisionOrder>(
      ctx, [&](Callback<SupervisionOrder> done) { call(std::move(done)); },
      [this, response](const SupervisionOrder& o) {
        *response = ToProto(o, desk_->Now(), desk_->Plan(o.plan_id).get());
      });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::IssueSupervisionOrder(
    grpc::CallbackServerContext* ctx, const v1::IssueSupervisionOrderRequest* request,
    v1::IssueSupervisionOrderResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "IssueSupervisionOrder", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<OrderIssue> issue = IssueFromProto(*request);
  if (!issue.ok()) return FinishUnary(ctx, issue.status());
  const Caller caller = CallerOf(*who, request->actor(), request->request_id());
  return AnswerOrder(
      ctx,
      [this, issue = *std::move(issue), caller](Callback<SupervisionOrder> done) {
        desk_->Issue(issue, caller, std::move(done));
      },
      response->mutable_order());
}

grpc::ServerUnaryReactor* ProgressServiceImpl::GetSupervisionOrder(
    grpc::CallbackServerContext* ctx, const v1::GetSupervisionOrderRequest* request,
    v1::GetSupervisionOrderResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "GetSupervisionOrder", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerInline(ctx, [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(auto ids, ParseSupervisionOrderName(request->name(), "name"));
    ECOPLAN_ASSIGN_OR_RETURN(SupervisionOrder o,
                             desk_->Get(ids.first, ids.second, CallerOf(*who, "", "")));
    *response->mutable_order() = ToProto(o, desk_->Now(), desk_->Plan(o.plan_id).get());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::ListSupervisionOrders(
    grpc::CallbackServerContext* ctx, const v1::ListSupervisionOrdersRequest* request,
    v1::ListSupervisionOrdersResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "ListSupervisionOrders", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerOn(ctx, reader_, [this, request, response, who = *who]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string plan_id, ParsePlanName(request->parent(), "parent"));
    OrderFilter f;
    ECOPLAN_RETURN_IF_ERROR(
        CheckEnumValue(request->state(), v1::SupervisionOrderState_MAX, "state"));
    ECOPLAN_RETURN_IF_ERROR(CheckEnumValue(request->level(), v1::SupervisionLevel_MAX, "level"));
    f.state = static_cast<SupervisionOrderState>(request->state());
    f.level = static_cast<SupervisionLevel>(request->level());
    if (!request->organization().empty()) {
      ECOPLAN_ASSIGN_OR_RETURN(f.org_id,
                               ParseOrganizationName(request->organization(), "organization"));
    }
    if (!request->measure().empty()) {
      ECOPLAN_ASSIGN_OR_RETURN(auto m, ParseMeasureName(request->measure(), "measure"));
      f.measure_id = m.second;
    }
    f.overdue_only = request->overdue_only();
    f.external_case_number = request->external_case_number();
    ECOPLAN_ASSIGN_OR_RETURN(OrderPage page,
                             desk_->List(plan_id, f, {request->page_size(), request->page_token()},
                                         CallerOf(who, "", "")));
    const absl::Time now = desk_->Now();
    std::shared_ptr<const PlanInfo> plan = desk_->Plan(plan_id);
    for (const SupervisionOrder& o : page.orders) {
      *response->add_orders() = ToProto(o, now, plan.get());
    }
    response->set_next_page_token(page.next_page_token);
    response->set_total_size(page.total_size);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ProgressServiceImpl::ReplySupervisionOrder(
    grpc::CallbackServerContext* ctx, const v1::ReplySupervisionOrderRequest* request,
    v1::ReplySupervisionOrderResponse* response) {
  absl::StatusOr<Principal> who = AuthorizeFor(
      ctx, "ReplySupervisionOrder", ParseOrganizationName(request->organization(), "organization"));
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<OrderReply> reply = [&]() -> absl::StatusOr<OrderReply> {
    OrderReply r;
    ECOPLAN_ASSIGN_OR_RETURN(std::tie(r.plan_id, r.order_id),
                             ParseSupervisionOrderName(request->name(), "name"));
    ECOPLAN_ASSIGN_OR_RETURN(r.org_id,
                             ParseOrganizationName(request->organization(), "organization"));
    r.content = request->content();
    r.evidence_links.assign(request->evidence_links().begin(), request->evidence_links().end());
    r.etag = request->etag();
    return r;
  }();
  if (!reply.ok()) return FinishUnary(ctx, reply.status());
  const Caller caller = CallerOf(*who, request->actor(), request->request_id());
  return AnswerOrder(
      ctx,
      [this, reply = *std::move(reply), caller](Callback<SupervisionOrder> done) {
        desk_->Reply(reply, caller, std::move(done));
      },
      response->mutable_order());
}

grpc::ServerUnaryReactor* ProgressServiceImpl::VerifySupervisionReply(
    grpc::CallbackServerContext* ctx, const v1::VerifySupervisionReplyRequest* request,
    v1::VerifySupervisionReplyResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "VerifySupervisionReply", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto ids = ParseSupervisionOrderName(request->name(), "name");
  if (!ids.ok()) return FinishUnary(ctx, ids.status());
  auto org = ParseOrganizationName(request->organization(), "organization");
  if (!org.ok()) return FinishUnary(ctx, org.status());
  if (request->decision() != v1::DECISION_APPROVE && request->decision() != v1::DECISION_REJECT) {
    return FinishUnary(
        ctx, absl::InvalidArgumentError(
                 "decision is required: DECISION_APPROVE (accept) or DECISION_REJECT (return)"));
  }
  const Caller caller = CallerOf(*who, request->actor(), request->request_id());
  return AnswerOrder(
      ctx,
      [this, ids = *ids, org = *org, accept = request->decision() == v1::DECISION_APPROVE,
       comment = request->comment(), etag = request->etag(),
       caller](Callback<SupervisionOrder> done) {
        desk_->Verify(ids.first, ids.second, org, accept, comment, etag, caller, std::move(done));
      },
      response->mutable_order());
}

grpc::ServerUnaryReactor* ProgressServiceImpl::RaiseSupervisionLevel(
    grpc::CallbackServerContext* ctx, const v1::RaiseSupervisionLevelRequest* request,
    v1::RaiseSupervisionLevelResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "RaiseSupervisionLevel", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto ids = ParseSupervisionOrderName(request->name(), "name");
  if (!ids.ok()) return FinishUnary(ctx, ids.status());
  if (absl::Status valid = CheckEnumValue(request->level(), v1::SupervisionLevel_MAX, "level");
      !valid.ok()) {
    return FinishUnary(ctx, valid);
  }
  const Caller caller = CallerOf(*who, request->actor(), request->request_id());
  return AnswerOrder(
      ctx,
      [this, ids = *ids, level = static_cast<SupervisionLevel>(request->level()),
       reason = request->reason(), etag = request->etag(),
       caller](Callback<SupervisionOrder> done) {
        desk_->Raise(ids.first, ids.second, level, reason, etag, caller, std::move(done));
      },
      response->mutable_order());
}

grpc::ServerUnaryReactor* ProgressServiceImpl::CloseSupervisionOrder(
    grpc::CallbackServerContext* ctx, const v1::CloseSupervisionOrderRequest* request,
    v1::CloseSupervisionOrderResponse* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "CloseSupervisionOrder", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto ids = ParseSupervisionOrderName(request->name(), "name");
  if (!ids.ok()) return FinishUnary(ctx, ids.status());
  const Caller caller = CallerOf(*who, request->actor(), request->request_id());
  return AnswerOrder(
      ctx,
      [this, ids = *ids, comment = request->comment(), etag = request->etag(),
       caller](Callback<SupervisionOrder> done) {
        desk_->Close(ids.first, ids.second, comment, etag, caller, std::move(done));
      },
      response->mutable_order());
}

grpc::ServerUnaryReactor* ProgressServiceImpl::AcknowledgeSupervisionOrder(
    grpc::CallbackServerContext* ctx, const v1::AcknowledgeSupervisionOrderRequest* request,
    v1::AcknowledgeSupervisionOrderResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(ctx, "AcknowledgeSupervisionOrder", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto ids = ParseSupervisionOrderName(request->name(), "name");
  if (!ids.ok()) return FinishUnary(ctx, ids.status());
  const Caller caller = CallerOf(*who, request->actor(), request->request_id());
  return AnswerOrder(
      ctx,
      [this, ids = *ids, case_number = request->external_case_number(),
       comment = request->comment(), etag = request->etag(),
       caller](Callback<SupervisionOrder> done) {
        desk_->Acknowledge(ids.first, ids.second, case_number, comment, etag, caller,
                           std::move(done));
      },
      response->mutable_order());
}

}  // namespace ecoplan::progress
