#include "services/indicator/assessment_service_impl.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/edge/reactors.h"
#include "common/status/grpc_status.h"
#include "services/indicator/assessment_mapping.h"
#include "services/indicator/indicator_policy.h"
#include "services/indicator/proto_mapping.h"

namespace ecoplan::indicator {
namespace {

using common::FinishUnary;

constexpr size_t kMaxTextChars = 1000;

// Answers `reactor` with `r`, after `fill` copied its value into the response.
template <typename T, typename Fill>
AssessmentDone<T> Answer(grpc::ServerUnaryReactor* reactor, Fill fill) {
  return [reactor, fill = std::move(fill)](absl::StatusOr<T> r) {
    if (r.ok()) fill(*r);
    reactor->Finish(common::ToGrpcStatus(r.status()));
  };
}

absl::Status CheckText(const std::string& text, const char* field, bool required) {
  if (required && text.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  if (text.size() > kMaxTextChars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is longer than ", kMaxTextChars, " bytes"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<MonthScores> EvaluatorPlanScoring::Score(const std::string& plan_id,
                                                        absl::CivilDay as_of,
                                                        const ScoringRules& rules) const {
  absl::StatusOr<PlanResult> result =
      evaluator_->EvaluatePlan(plan_id, as_of, rules, /*with_facts=*/true);
  if (!result.ok()) return result.status();
  MonthScores scores{std::move(result->lights), std::move(result->scorecards)};
  for (const auto& [indicator, e] : result->evaluations) {
    if (!e.data.has_value()) continue;  // air-quality indicators only
    scores.indicators.push_back(
        {indicator.id, indicator.measures, e.current_value, e.status, *e.data});
  }
  scores.data = result->data;
  return scores;
}

bool EvaluatorPlanScoring::KnowsPlan(const std::string& plan_id) const {
  const std::vector<std::string> plans = evaluator_->PlanIds();
  return std::find(plans.begin(), plans.end(), plan_id) != plans.end();
}

std::optional<absl::CivilDay> EvaluatorPlanScoring::IssueDate(const std::string& plan_id) const {
  return evaluator_->IssueDate(plan_id);
}

AssessmentServiceImpl::AssessmentServiceImpl(MonthlyAssessments* assessments,
                                             const IndicatorEvaluator* evaluator,
                                             const common::CallAuthenticator* auth)
    : assessments_(assessments), evaluator_(evaluator), auth_(auth) {}

absl::StatusOr<common::Principal> AssessmentServiceImpl::Authorize(grpc::CallbackServerContext* ctx,
                                                                   absl::string_view method) const {
  return auth_->Authorize(*ctx, AssessmentMethod(method), common::ResourceScope::Any());
}

OrganizationScope AssessmentServiceImpl::ReporterScope(const std::string& plan_id,
                                                       const common::Principal& who) const {
  return evaluator_->ScopeOf(plan_id, who.organization_id);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::GetScoringRules(
    grpc::CallbackServerContext* ctx, const v1::GetScoringRulesRequest* req,
    v1::GetScoringRulesResponse* resp) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, "GetScoringRules");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan = ParsePlanName(req->plan(), "plan");
  if (!plan.ok()) return FinishUnary(ctx, plan.status());
  if (!EvaluatorPlanScoring(evaluator_).KnowsPlan(*plan)) {
    return FinishUnary(ctx, absl::NotFoundError(absl::StrCat("no plan ", req->plan())));
  }
  *resp->mutable_rules() = ToProto(assessments_->RulesFor(*plan));
  return FinishUnary(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::UpdateScoringRules(
    grpc::CallbackServerContext* ctx, const v1::UpdateScoringRulesRequest* req,
    v1::UpdateScoringRulesResponse* resp) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, "UpdateScoringRules");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan = ParsePlanName(req->plan(), "plan");
  if (!plan.ok()) return FinishUnary(ctx, plan.status());
  if (absl::Status s = CheckText(req->reason(), "reason", true); !s.ok()) {
    return FinishUnary(ctx, s);
  }
  if (!req->has_rules()) return FinishUnary(ctx, absl::InvalidArgumentError("rules is required"));
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  assessments_->UpdateRules(
      *plan, FromProto(req->rules()), req->has_expected_revision() ? req->expected_revision() : -1,
      req->reason(), who->subject, req->request_id(),
      Answer<PlanScoringRules>(
          reactor, [resp](const PlanScoringRules& r) { *resp->mutable_rules() = ToProto(r); }));
  return reactor;
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::GetMonthlyAssessment(
    grpc::CallbackServerContext* ctx, const v1::GetMonthlyAssessmentRequest* req,
    v1::GetMonthlyAssessmentResponse* resp) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, "GetMonthlyAssessment");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::pair<std::string, absl::CivilMonth>> name =
      ParseMonthName(req->name(), "name");
  if (!name.ok()) return FinishUnary(ctx, name.status());
  absl::StatusOr<MonthAssessment> month = assessments_->GetMonth(name->first, name->second);
  if (!month.ok()) return FinishUnary(ctx, month.status());
  if (who->role == common::Role::kReporter) {
    const OrganizationScope scope = ReporterScope(name->first, *who);
    if (!req->organization().empty() && req->organization() != scope.name) {
      return FinishUnary(ctx, absl::PermissionDeniedError(
                                  "a reporter sees only its own organization's assessment"));
    }
    NarrowMonthToOrganization(scope.name, scope.measure_ids, &*month);
  } else if (!req->organization().empty()) {
    NarrowMonthToOrganization(req->organization(), {}, &*month);
  }
  *resp->mutable_assessment() = ToProto(*month);
  return FinishUnary(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::ListClosedMonths(
    grpc::CallbackServerContext* ctx, const v1::ListClosedMonthsRequest* req,
    v1::ListClosedMonthsResponse* resp) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, "ListClosedMonths");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan = ParsePlanName(req->plan(), "plan");
  if (!plan.ok()) return FinishUnary(ctx, plan.status());
  for (const MonthAssessment& m : assessments_->ClosedMonths(*plan)) {
    v1::ClosedMonth* out = resp->add_months();
    out->set_name(absl::StrCat("plans/", m.plan_id, "/months/", absl::FormatCivilTime(m.month)));
    *out->mutable_close_time() = TimeToProto(m.closed_at);
    out->set_closed_by(m.closed_by);
    out->set_reason(m.reason);
    out->set_adjustment_count(static_cast<int32_t>(m.adjustments.size()));
    out->set_decided_contest_count(static_cast<int32_t>(m.decided_contests.size()));
  }
  return FinishUnary(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::CloseMonth(grpc::CallbackServerContext* ctx,
                                                            const v1::CloseMonthRequest* req,
                                                            v1::CloseMonthResponse* resp) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, "CloseMonth");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::pair<std::string, absl::CivilMonth>> name =
      ParseMonthName(req->name(), "name");
  if (!name.ok()) return FinishUnary(ctx, name.status());
  if (absl::Status s = CheckText(req->reason(), "reason", true); !s.ok()) {
    return FinishUnary(ctx, s);
  }
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  assessments_->CloseMonth(
      name->first, name->second, req->reason(), who->subject, req->request_id(),
      Answer<MonthAssessment>(
          reactor, [resp](const MonthAssessment& m) { *resp->mutable_assessment() = ToProto(m); }));
  return reactor;
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::ContestItem(grpc::CallbackServerContext* ctx,
                                                             const v1::ContestItemRequest* req,
                                                             v1::ContestItemResponse* resp) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, "ContestItem");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::pair<std::string, absl::CivilMonth>> month =
      ParseMonthName(req->month(), "month");
  if (!month.ok()) return FinishUnary(ctx, month.status());
  for (auto [text, field] :
       {std::pair{&req->organization(), "organization"}, std::pair{&req->item(), "item"},
        std::pair{&req->reason(), "reason"}}) {
    if (absl::Status s = CheckText(*text, field, true); !s.ok()) return FinishUnary(ctx, s);
  }
  if (who->role == common::Role::kReporter &&
      ReporterScope(month->first, *who).name != req->organization()) {
    return FinishUnary(ctx, absl::PermissionDeniedError(absl::StrCat(
                                "a reporter contests items of its own organization only, not of ",
                                req->organization())));
  }
  Contest contest;
  contest.plan_id = month->first;
  contest.month = month->second;
  contest.organization = req->organization();
  contest.item = req->item();
  contest.reason = req->reason();
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  assessments_->FileContest(std::move(contest), who->subject, req->request_id(),
                            Answer<Contest>(reactor, [resp](const Contest& c) {
                              *resp->mutable_contest() = ToProto(c);
                            }));
  return reactor;
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::DecideContest(grpc::CallbackServerContext* ctx,
                                                               const v1::DecideContestRequest* req,
                                                               v1::DecideContestResponse* resp) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, "DecideContest");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::pair<std::string, int>> name = ParseContestName(req->name(), "name");
  if (!name.ok()) return FinishUnary(ctx, name.status());
  if (absl::Status s = CheckText(req->comment(), "comment", true); !s.ok()) {
    return FinishUnary(ctx, s);
  }
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  assessments_->DecideContest(name->first, name->second, req->accept(), req->points(),
                              req->comment(), who->subject, req->request_id(),
                              Answer<Contest>(reactor, [resp](const Contest& c) {
                                *resp->mutable_contest() = ToProto(c);
                              }));
  return reactor;
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::ListContests(grpc::CallbackServerContext* ctx,
                                                              const v1::ListContestsRequest* req,
                                                              v1::ListContestsResponse* resp) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, "ListContests");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan = ParsePlanName(req->plan(), "plan");
  if (!plan.ok()) return FinishUnary(ctx, plan.status());
  std::optional<absl::CivilMonth> month;
  if (!req->month().empty()) {
    absl::StatusOr<absl::CivilMonth> m = ParseMonth(req->month(), "month");
    if (!m.ok()) return FinishUnary(ctx, m.status());
    month = *m;
  }
  std::string organization = req->organization();
  if (who->role == common::Role::kReporter) {
    const std::string own = ReporterScope(*plan, *who).name;
    if (!organization.empty() && organization != own) {
      return FinishUnary(
          ctx, absl::PermissionDeniedError("a reporter sees only its own organization's contests"));
    }
    if (own.empty()) return FinishUnary(ctx, absl::OkStatus());  // the plan does not name it
    organization = own;
  }
  for (const Contest& c : assessments_->ListContests(*plan, month, organization)) {
    *resp->add_contests() = ToProto(c);
  }
  return FinishUnary(ctx, absl::OkStatus());
}

}  // namespace ecoplan::indicator
