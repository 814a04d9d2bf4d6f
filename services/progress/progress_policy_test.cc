// The progress policy covers exactly the RPCs of ProgressService, and
// docs/SECURITY.md shows it as it is.

#include "services/progress/progress_policy.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/auth/testing/policy_testing.h"
#include "common/testing/project_path.h"
#include "ecoplan/progress/v1/progress_service.pb.h"

namespace ecoplan::progress {
namespace {

TEST(ProgressPolicyTest, HasARuleForEveryRpcAndNoOther) {
  EXPECT_TRUE(common::testing::PolicyCoversService(ProgressPolicy(),
                                                   v1::SubmitReportRequest::descriptor()->file()));
}

TEST(ProgressPolicyTest, SecurityDocumentShowsTheRenderedTable) {
  EXPECT_TRUE(common::testing::DocumentShowsPolicy(ECOPLAN_SECURITY_DOC_PATH, "progress policy",
                                                   ProgressPolicy()));
}

TEST(ProgressPolicyTest, ReportersActForTheirOwnOrganizationOnlyAndOnlyTheBureauReviews) {
  auto allowed = [](common::Role role, const char* method, const common::ResourceScope& scope) {
    return common::testing::Allows(ProgressPolicy(), role, method, scope);
  };
  const auto own = common::ResourceScope::OwnedBy({"o-1"});
  const auto other = common::ResourceScope::OwnedBy({"o-2"});
  for (const char* method : {"SubmitReport", "GetReport", "ListReports", "ListReportRevisions",
                             "RequestExtension", "DeclareCompletion", "ListMeasureHistory"}) {
    EXPECT_TRUE(allowed(common::Role::kReporter, method, own)) << method;
    EXPECT_FALSE(allowed(common::Role::kReporter, method, other)) << method;
    EXPECT_TRUE(allowed(common::Role::kAdministrator, method, other)) << method;
  }
  for (const char* write : {"SubmitReport", "RequestExtension", "DeclareCompletion"}) {
    EXPECT_FALSE(allowed(common::Role::kViewer, write, own)) << write;
    EXPECT_FALSE(allowed(common::Role::kService, write, own)) << write;
  }
  for (const char* bureau :
       {"AcceptReport", "ReturnReport", "DecideExtension", "ConfirmCompletion", "RejectCompletion",
        "UpdateReportingCalendar", "LoadHolidays", "PrefillReport"}) {
    const auto any = common::ResourceScope::Any();
    EXPECT_TRUE(allowed(common::Role::kAdministrator, bureau, any)) << bureau;
    for (common::Role role :
         {common::Role::kReporter, common::Role::kViewer, common::Role::kService}) {
      EXPECT_FALSE(allowed(role, bureau, any)) << bureau << " as " << common::RoleName(role);
    }
  }
  // Figures pushed by another system prefill drafts only through the bureau
  // (一数一源): not a reporter, even for its own organization, nor a service.
  EXPECT_FALSE(
      allowed(common::Role::kReporter, "PrefillReport", common::ResourceScope::OwnedBy({"o-1"})));
  EXPECT_FALSE(common::testing::AllowsService(ProgressPolicy(), "indicator", "PrefillReport"));
  EXPECT_FALSE(
      allowed(common::Role::kReporter, "GetSubmissionStatus", common::ResourceScope::Any()));
  EXPECT_TRUE(allowed(common::Role::kViewer, "GetSubmissionStatus", common::ResourceScope::Any()));
  EXPECT_FALSE(allowed(common::Role::kReporter, "WatchEvents", common::ResourceScope::Any()));
  EXPECT_TRUE(common::testing::AllowsService(ProgressPolicy(), "indicator", "WatchEvents"));
}

// Services by subject: each follower reads what it needs, nothing else.
TEST(ProgressPolicyTest, ServicesCallOnlyWhatTheyFollow) {
  using common::testing::ServiceCallers;
  using Methods = std::set<std::string>;
  EXPECT_EQ(ServiceCallers(ProgressPolicy(), "notification"),
            Methods({"GetHolidays", "WatchEvents"}));
  EXPECT_EQ(ServiceCallers(ProgressPolicy(), "indicator"),
            Methods({"GetHolidays", "GetReportingCalendar", "GetSubmissionStatus",
                     "ListCompletions", "ListExtensions", "ListProblemItems", "ListReports",
                     "ListSupervisionOrders", "WatchEvents"}));
  for (const char* subject : {"registry", "progress", "backup", "someone"}) {
    EXPECT_EQ(ServiceCallers(ProgressPolicy(), subject), Methods()) << subject;
  }
}

TEST(ProgressPolicyTest, TheSupervisionOfficeIssuesAndClosesOrdersAndOnlyAddressedUnitsReply) {
  auto allowed = [](common::Role role, const char* method, const common::ResourceScope& scope) {
    return common::testing::Allows(ProgressPolicy(), role, method, scope);
  };
  const auto any = common::ResourceScope::Any();
  for (const char* issuer : {"IssueSupervisionOrder", "VerifySupervisionReply",
                             "RaiseSupervisionLevel", "CloseSupervisionOrder"}) {
    EXPECT_TRUE(allowed(common::Role::kSupervisor, issuer, any)) << issuer;
    EXPECT_TRUE(allowed(common::Role::kAdministrator, issuer, any)) << issuer;
    for (common::Role role :
         {common::Role::kReporter, common::Role::kViewer, common::Role::kService}) {
      EXPECT_FALSE(allowed(role, issuer, any)) << issuer << " as " << common::RoleName(role);
    }
  }
  // The 督查室 supervises; it neither reports nor replies for a unit, nor reviews reports.
  for (const char* write : {"SubmitReport", "ReplySupervisionOrder", "AcceptReport",
                            "DecideExtension", "LoadHolidays"}) {
    EXPECT_FALSE(allowed(common::Role::kSupervisor, write, any)) << write;
  }
  EXPECT_TRUE(allowed(common::Role::kSupervisor, "GetSubmissionStatus", any));
  EXPECT_TRUE(allowed(common::Role::kReporter, "ReplySupervisionOrder",
                      common::ResourceScope::OwnedBy({"o-1"})));
  EXPECT_FALSE(allowed(common::Role::kReporter, "ReplySupervisionOrder",
                       common::ResourceScope::OwnedBy({"o-2"})));
}

}  // namespace
}  // namespace ecoplan::progress
