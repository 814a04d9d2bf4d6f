// The progress policy covers exactly the RPCs of ProgressService, and
// docs/SECURITY.md shows it as it is.

#include "services/progress/progress_policy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "ecoplan/progress/v1/progress_service.pb.h"
#include "google/protobuf/descriptor.h"

namespace ecoplan::progress {
namespace {

TEST(ProgressPolicyTest, HasARuleForEveryRpcAndNoOther) {
  // Through a message of the same file, so the generated code is linked in.
  const google::protobuf::ServiceDescriptor* descriptor =
      v1::SubmitReportRequest::descriptor()->file()->pool()->FindServiceByName(
          ProgressPolicy().service);
  ASSERT_NE(descriptor, nullptr);
  std::set<std::string> rpcs;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    rpcs.insert(ProgressMethod(descriptor->method(i)->name()));
  }
  std::set<std::string> ruled;
  for (const auto& [path, rule] : ProgressPolicy().rules) {
    ruled.insert(path);
    EXPECT_FALSE(rule.roles.empty()) << path;
  }
  EXPECT_EQ(rpcs, ruled);
}

TEST(ProgressPolicyTest, SecurityDocumentShowsTheRenderedTable) {
  std::ifstream in(ECOPLAN_SECURITY_DOC_PATH);
  ASSERT_TRUE(in) << "cannot read " << ECOPLAN_SECURITY_DOC_PATH;
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string begin = "<!-- BEGIN GENERATED: progress policy -->\n";
  const std::string end = "<!-- END GENERATED: progress policy -->";
  const size_t from = doc.find(begin);
  const size_t to = doc.find(end);
  ASSERT_NE(from, std::string::npos) << "marker missing: " << begin;
  ASSERT_NE(to, std::string::npos) << "marker missing: " << end;
  const std::string expected = common::RenderPolicyMarkdown(ProgressPolicy());
  EXPECT_EQ(doc.substr(from + begin.size(), to - from - begin.size()), expected)
      << "docs/SECURITY.md is out of date; put this between the markers:\n"
      << expected;
}

TEST(ProgressPolicyTest, ReportersActForTheirOwnOrganizationOnlyAndOnlyTheBureauReviews) {
  auto as = [](common::Role role) {
    common::Principal p;
    p.subject = "someone";
    p.organization_id = "o-1";
    p.role = role;
    return p;
  };
  const common::PolicyTable& policy = ProgressPolicy();
  auto allowed = [&](common::Role role, const char* method, const common::ResourceScope& scope) {
    return common::Authorize(as(role), policy, ProgressMethod(method), scope).ok();
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
  for (const char* bureau : {"AcceptReport", "ReturnReport", "DecideExtension",
                             "ConfirmCompletion", "RejectCompletion", "UpdateReportingCalendar",
                             "LoadHolidays"}) {
    const auto any = common::ResourceScope::Any();
    EXPECT_TRUE(allowed(common::Role::kAdministrator, bureau, any)) << bureau;
    for (common::Role role :
         {common::Role::kReporter, common::Role::kViewer, common::Role::kService}) {
      EXPECT_FALSE(allowed(role, bureau, any)) << bureau << " as " << common::RoleName(role);
    }
  }
  EXPECT_FALSE(allowed(common::Role::kReporter, "GetSubmissionStatus", common::ResourceScope::Any()));
  EXPECT_TRUE(allowed(common::Role::kViewer, "GetSubmissionStatus", common::ResourceScope::Any()));
  EXPECT_FALSE(allowed(common::Role::kReporter, "WatchEvents", common::ResourceScope::Any()));
  EXPECT_TRUE(allowed(common::Role::kService, "WatchEvents", common::ResourceScope::Any()));
}

}  // namespace
}  // namespace ecoplan::progress
