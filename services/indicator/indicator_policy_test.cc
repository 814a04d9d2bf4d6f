// The indicator policy covers exactly the RPCs of IndicatorService, and
// docs/SECURITY.md shows it as it is.

#include "services/indicator/indicator_policy.h"

#include <gtest/gtest.h>

#include <string>

#include "common/auth/testing/policy_testing.h"
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

TEST(IndicatorPolicyTest, EveryRoleReadsOnlyAdministratorsChangeTargetsServicesIngest) {
  auto allowed = [](common::Role role, const char* method) {
    return common::testing::Allows(IndicatorPolicy(), role, method);
  };
  for (common::Role role : {common::Role::kAdministrator, common::Role::kReporter,
                            common::Role::kViewer, common::Role::kService}) {
    EXPECT_TRUE(allowed(role, "EvaluatePlan"));
    EXPECT_TRUE(allowed(role, "ListStations"));
  }
  for (const char* write :
       {"SyncPlan", "CreateIndicator", "UpdateIndicator", "RetireIndicator", "UpsertStation"}) {
    EXPECT_TRUE(allowed(common::Role::kAdministrator, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kReporter, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kViewer, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kService, write)) << write;
  }
  // Evaluating is a read for everyone; recording it (statuses, alerts) is a
  // write of the bureau and of services (the scheduled job).
  EXPECT_TRUE(allowed(common::Role::kAdministrator, "RecordEvaluation"));
  EXPECT_TRUE(allowed(common::Role::kService, "RecordEvaluation"));
  EXPECT_FALSE(allowed(common::Role::kReporter, "RecordEvaluation"));
  EXPECT_FALSE(allowed(common::Role::kViewer, "RecordEvaluation"));
  EXPECT_TRUE(allowed(common::Role::kService, "IngestObservations"));
  EXPECT_FALSE(allowed(common::Role::kReporter, "IngestObservations"));
  EXPECT_FALSE(allowed(common::Role::kViewer, "IngestObservations"));
  EXPECT_TRUE(allowed(common::Role::kViewer, "WatchEvents"));
  EXPECT_FALSE(allowed(common::Role::kReporter, "WatchEvents"));
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
  for (common::Role role : {common::Role::kAdministrator, common::Role::kReporter,
                            common::Role::kViewer, common::Role::kService}) {
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
    for (common::Role role : {common::Role::kAdministrator, common::Role::kReporter,
                              common::Role::kViewer, common::Role::kService}) {
      EXPECT_TRUE(common::testing::Allows(DocumentPolicy(), role, method)) << method;
    }
    EXPECT_FALSE(common::testing::Allows(DocumentPolicy(), common::Role::kSupervisor, method))
        << method;
  }
}

}  // namespace
}  // namespace ecoplan::indicator
