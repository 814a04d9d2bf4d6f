// The indicator policy covers exactly the RPCs of IndicatorService, and
// docs/SECURITY.md shows it as it is.

#include "services/indicator/indicator_policy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "ecoplan/indicator/v1/indicator_service.pb.h"
#include "google/protobuf/descriptor.h"

namespace ecoplan::indicator {
namespace {

TEST(IndicatorPolicyTest, HasARuleForEveryRpcAndNoOther) {
  // Through a message of the same file, so the generated code is linked in.
  const google::protobuf::ServiceDescriptor* descriptor =
      v1::SyncPlanRequest::descriptor()->file()->pool()->FindServiceByName(
          IndicatorPolicy().service);
  ASSERT_NE(descriptor, nullptr);
  std::set<std::string> rpcs;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    rpcs.insert(IndicatorMethod(descriptor->method(i)->name()));
  }
  std::set<std::string> ruled;
  for (const auto& [path, rule] : IndicatorPolicy().rules) {
    ruled.insert(path);
    EXPECT_FALSE(rule.roles.empty()) << path;
  }
  EXPECT_EQ(rpcs, ruled);
}

TEST(IndicatorPolicyTest, SecurityDocumentShowsTheRenderedTable) {
  std::ifstream in(ECOPLAN_SECURITY_DOC_PATH);
  ASSERT_TRUE(in) << "cannot read " << ECOPLAN_SECURITY_DOC_PATH;
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string begin = "<!-- BEGIN GENERATED: indicator policy -->\n";
  const std::string end = "<!-- END GENERATED: indicator policy -->";
  const size_t from = doc.find(begin);
  const size_t to = doc.find(end);
  ASSERT_NE(from, std::string::npos) << "marker missing: " << begin;
  ASSERT_NE(to, std::string::npos) << "marker missing: " << end;
  const std::string expected = common::RenderPolicyMarkdown(IndicatorPolicy());
  EXPECT_EQ(doc.substr(from + begin.size(), to - from - begin.size()), expected)
      << "docs/SECURITY.md is out of date; put this between the markers:\n"
      << expected;
}

TEST(IndicatorPolicyTest, EveryRoleReadsOnlyAdministratorsChangeTargetsServicesIngest) {
  auto as = [](common::Role role) {
    common::Principal p;
    p.subject = "someone";
    p.organization_id = "o-1";
    p.role = role;
    return p;
  };
  const common::PolicyTable& policy = IndicatorPolicy();
  auto allowed = [&](common::Role role, const char* method) {
    return common::Authorize(as(role), policy, IndicatorMethod(method),
                             common::ResourceScope::Any())
        .ok();
  };
  for (common::Role role : {common::Role::kAdministrator, common::Role::kReporter,
                            common::Role::kViewer, common::Role::kService}) {
    EXPECT_TRUE(allowed(role, "EvaluatePlan"));
    EXPECT_TRUE(allowed(role, "ListStations"));
  }
  for (const char* write : {"SyncPlan", "CreateIndicator", "UpdateIndicator", "RetireIndicator",
                            "UpsertStation"}) {
    EXPECT_TRUE(allowed(common::Role::kAdministrator, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kReporter, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kViewer, write)) << write;
    EXPECT_FALSE(allowed(common::Role::kService, write)) << write;
  }
  EXPECT_TRUE(allowed(common::Role::kService, "IngestObservations"));
  EXPECT_FALSE(allowed(common::Role::kReporter, "IngestObservations"));
  EXPECT_FALSE(allowed(common::Role::kViewer, "IngestObservations"));
  EXPECT_TRUE(allowed(common::Role::kViewer, "WatchEvents"));
  EXPECT_FALSE(allowed(common::Role::kReporter, "WatchEvents"));
}

}  // namespace
}  // namespace ecoplan::indicator
