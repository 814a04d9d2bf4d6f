#pragma once

#include <string>

#include "common/auth/call_authenticator.h"
#include "ecoplan/indicator/v1/assessment_service.grpc.pb.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/domain/monthly_assessments.h"

namespace ecoplan::indicator {

// The PlanScoring port over the IndicatorEvaluator: the plan evaluated as of a
// day under given scoring rules, with the facts of every score.
class EvaluatorPlanScoring final : public PlanScoring {
 public:
  explicit EvaluatorPlanScoring(const IndicatorEvaluator* evaluator) : evaluator_(evaluator) {}
  absl::StatusOr<MonthScores> Score(const std::string& plan_id, absl::CivilDay as_of,
                                    const ScoringRules& rules) const override;
  bool KnowsPlan(const std::string& plan_id) const override;
  std::optional<absl::CivilDay> IssueDate(const std::string& plan_id) const override;

 private:
  const IndicatorEvaluator* const evaluator_;
};

// gRPC edge of ecoplan.indicator.v1.AssessmentService (callback API): proto →
// domain, one MonthlyAssessments call, domain → proto, the mapped status.
// Every handler first asks `auth` (AssessmentPolicy()); writes record the
// caller's subject as their actor and finish their reactor once durable. A
// reporter's reads are narrowed to its organization (the plan view's name for
// the token's org id, from `evaluator`), and it contests only for that
// organization. `assessments`, `evaluator` and `auth` must outlive the service.
class AssessmentServiceImpl final
    : public ecoplan::indicator::v1::AssessmentService::CallbackService {
 public:
  AssessmentServiceImpl(MonthlyAssessments* assessments, const IndicatorEvaluator* evaluator,
                        const common::CallAuthenticator* auth);

  grpc::ServerUnaryReactor* GetScoringRules(grpc::CallbackServerContext* ctx,
                                            const v1::GetScoringRulesRequest* req,
                                            v1::GetScoringRulesResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateScoringRules(grpc::CallbackServerContext* ctx,
                                               const v1::UpdateScoringRulesRequest* req,
                                               v1::UpdateScoringRulesResponse* resp) override;
  grpc::ServerUnaryReactor* GetMonthlyAssessment(grpc::CallbackServerContext* ctx,
                                                 const v1::GetMonthlyAssessmentRequest* req,
                                                 v1::GetMonthlyAssessmentResponse* resp) override;
  grpc::ServerUnaryReactor* ListClosedMonths(grpc::CallbackServerContext* ctx,
                                             const v1::ListClosedMonthsRequest* req,
                                             v1::ListClosedMonthsResponse* resp) override;
  grpc::ServerUnaryReactor* CloseMonth(grpc::CallbackServerContext* ctx,
                                       const v1::CloseMonthRequest* req,
                                       v1::CloseMonthResponse* resp) override;
  grpc::ServerUnaryReactor* ContestItem(grpc::CallbackServerContext* ctx,
                                        const v1::ContestItemRequest* req,
                                        v1::ContestItemResponse* resp) override;
  grpc::ServerUnaryReactor* DecideContest(grpc::CallbackServerContext* ctx,
                                          const v1::DecideContestRequest* req,
                                          v1::DecideContestResponse* resp) override;
  grpc::ServerUnaryReactor* ListContests(grpc::CallbackServerContext* ctx,
                                         const v1::ListContestsRequest* req,
                                         v1::ListContestsResponse* resp) override;

 private:
  absl::StatusOr<common::Principal> Authorize(grpc::CallbackServerContext* ctx,
                                              absl::string_view method) const;
  // The canonical name of a reporter's organization in the plan (empty when
  // the plan view does not name it), and the measures it owns.
  OrganizationScope ReporterScope(const std::string& plan_id, const common::Principal& who) const;

  MonthlyAssessments* const assessments_;
  const IndicatorEvaluator* const evaluator_;
  const common::CallAuthenticator* const auth_;
};

}  // namespace ecoplan::indicator
