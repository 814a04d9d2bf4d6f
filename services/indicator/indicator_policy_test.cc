// The indicator policy covers exactly the RPCs of IndicatorService, and
// docs/SECURITY.md shows it as it is.

#include "services/indicator/indicator_policy.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/auth/testing/policy_testing.h"
#include "common/testing/project_path.h"
#include "ecoplan/indicator/v1/assessment_service.pb.h"
#include "ecoplan/indicator/v1/document_service.pb.h"
#include "ecoplan/indicator/v1/indicator_service.pb.h"

namespace ecoplan::indicator {
namespace {

TEST(IndicatorPolicyTest, HasARuleForEveryRpcAndNoOther) {
  EXPECT_TRUE(common::testing::PolicyCoversService(IndicatorPolicy(),
                                                   v1::SyncPlanRequest::descriptor()->file()));
}

TEST(IndicatorPolicyTest, SecurityDocumentShowsTheRenderedTable) {
  EXPECT_TRUE(common::testing::DocumentShowsPolicy(ECOPLAN_SECURITY_DOC_PATH, "indicator policy",
                                                   IndicatorPolicy()));
}

TEST(IndicatorPolicyTest, EveryRoleReadsOnlyAdministratorsChangeTargetsAndIngest) {
  auto allowed = [](common::Role role, const char* method) {
    return common::testing::Allows(IndicatorPolicy(), role, method);
  };
  for (common::Role role :
       {common::Role::kAdministrator, common::Role::kReporter, common::Role::kViewer}) {
    EXPECT_TRUE(allowed(role, "EvaluatePlan"));
    EXPECT_TRUE(allowed(role, "ListStations"));
    EXPECT_TRUE(allowed(role, "ListExceptionalEvents"));
  }
  for (const char* write :
       {"SyncPlan", "CreateIndicator", "UpdateIndicator", "RetireIndicator", "UpsertStation",
        "CreateExceptionalEvent", "WithdrawExceptionalEvent"}) {
    EXPECT_TRUE(allowed(common::Role::kAdministrator, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kReporter, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kViewer, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kService, write)) << write;
  }
  // Evaluating is a read for everyone; recording it (statuses, alerts) is a
  // write of the bureau (the scheduled job runs inside the service).
  EXPECT_TRUE(allowed(common::Role::kAdministrator, "RecordEvaluation"));
  EXPECT_FALSE(allowed(common::Role::kReporter, "RecordEvaluation"));
  EXPECT_FALSE(allowed(common::Role::kViewer, "RecordEvaluation"));
  EXPECT_TRUE(allowed(common::Role::kAdministrator, "IngestObservations"));
  EXPECT_FALSE(allowed(common::Role::kReporter, "IngestObservations"));
  EXPECT_FALSE(allowed(common::Role::kViewer, "IngestObservations"));
  EXPECT_TRUE(allowed(common::Role::kViewer, "WatchEvents"));
  EXPECT_FALSE(allowed(common::Role::kReporter, "WatchEvents"));
}

// Services by subject: the followers read what they follow, nothing else; no
// service ingests observations or records evaluations.
TEST(IndicatorPolicyTest, ServicesCallOnlyWhatTheyFollow) {
  using common::testing::ServiceCallers;
  using Methods = std::set<std::string>;
  EXPECT_EQ(ServiceCallers(IndicatorPolicy(), "progress"), Methods({"WatchEvents"}));
  EXPECT_EQ(ServiceCallers(IndicatorPolicy(), "notification"),
            Methods({"GetIndicator", "WatchEvents"}));
  for (const char* subject : {"registry", "indicator", "backup", "someone"}) {
    EXPECT_EQ(ServiceCallers(IndicatorPolicy(), subject), Methods()) << subject;
  }
  for (const char* subject : {"registry", "progress", "indicator", "notification", "backup"}) {
    EXPECT_EQ(ServiceCallers(AssessmentPolicy(), subject), Methods()) << subject;
    EXPECT_EQ(ServiceCallers(DocumentPolicy(), subject), Methods()) << subject;
  }
}

TEST(AssessmentPolicyTest, HasARuleForEveryRpcAndTheDocumentShowsIt) {
  EXPECT_TRUE(common::testing::PolicyCoversService(
      AssessmentPolicy(), v1::GetScoringRulesRequest::descriptor()->file()));
  EXPECT_TRUE(common::testing::DocumentShowsPolicy(ECOPLAN_SECURITY_DOC_PATH, "assessment policy",
                                                   AssessmentPolicy()));
}

TEST(AssessmentPolicyTest, OnlyTheBureauClosesAndDecidesReportersContest) {
  auto allowed = [](common::Role role, const char* method) {
    return common::testing::Allows(AssessmentPolicy(), role, method);
  };
  for (const char* write : {"UpdateScoringRules", "CloseMonth", "DecideContest"}) {
    EXPECT_TRUE(allowed(common::Role::kAdministrator, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kReporter, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kViewer, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kService, write)) << write;
  }
  EXPECT_TRUE(allowed(common::Role::kReporter, "ContestItem"));
  EXPECT_FALSE(allowed(common::Role::kViewer, "ContestItem"));
  for (common::Role role :
       {common::Role::kAdministrator, common::Role::kReporter, common::Role::kViewer}) {
    EXPECT_TRUE(allowed(role, "GetMonthlyAssessment"));
  }
}

TEST(DocumentPolicyTest, HasARuleForEveryRpcAndTheDocumentShowsIt) {
  EXPECT_TRUE(common::testing::PolicyCoversService(DocumentPolicy(),
                                                   v1::RenderChartRequest::descriptor()->file()));
  EXPECT_TRUE(common::testing::DocumentShowsPolicy(ECOPLAN_SECURITY_DOC_PATH, "document policy",
                                                   DocumentPolicy()));
}

TEST(DocumentPolicyTest, EveryRoleButTheSupervisorAsksTheHandlersNarrowReporters) {
  for (const char* method : {"RenderChart", "RenderDocument"}) {
    for (common::Role role :
         {common::Role::kAdministrator, common::Role::kReporter, common::Role::kViewer}) {
      EXPECT_TRUE(common::testing::Allows(DocumentPolicy(), role, method)) << method;
    }
    EXPECT_FALSE(common::testing::Allows(DocumentPolicy(), common::Role::kSupervisor, method))
        << method;
  }
}

}  // namespace
}  // namespace ecoplan::indicator
