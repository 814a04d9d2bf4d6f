// The registry's policy covers exactly the RPCs of RegistryService, and
// docs/SECURITY.md shows it as it is.

#include "services/registry/registry_policy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "ecoplan/registry/v1/registry_service.pb.h"
#include "google/protobuf/descriptor.h"

namespace ecoplan::registry {
namespace {

TEST(RegistryPolicyTest, HasARuleForEveryRpcAndNoOther) {
  // Through a message of the same file, so the generated code is linked in.
  const google::protobuf::ServiceDescriptor* descriptor =
      v1::ImportPlanRequest::descriptor()->file()->pool()->FindServiceByName(
          RegistryPolicy().service);
  ASSERT_NE(descriptor, nullptr);
  std::set<std::string> rpcs;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    rpcs.insert(RegistryMethod(descriptor->method(i)->name()));
  }
  std::set<std::string> ruled;
  for (const auto& [path, rule] : RegistryPolicy().rules) {
    ruled.insert(path);
    EXPECT_FALSE(rule.roles.empty()) << path;
  }
  EXPECT_EQ(rpcs, ruled);
}

TEST(RegistryPolicyTest, SecurityDocumentShowsTheRenderedTable) {
  std::ifstream in(ECOPLAN_SECURITY_DOC_PATH);
  ASSERT_TRUE(in) << "cannot read " << ECOPLAN_SECURITY_DOC_PATH;
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string begin = "<!-- BEGIN GENERATED: registry policy -->\n";
  const std::string end = "<!-- END GENERATED: registry policy -->";
  const size_t from = doc.find(begin);
  const size_t to = doc.find(end);
  ASSERT_NE(from, std::string::npos) << "marker missing: " << begin;
  ASSERT_NE(to, std::string::npos) << "marker missing: " << end;
  const std::string expected = common::RenderPolicyMarkdown(RegistryPolicy());
  EXPECT_EQ(doc.substr(from + begin.size(), to - from - begin.size()), expected)
      << "docs/SECURITY.md is out of date; put this between the markers:\n"
      << expected;
}

}  // namespace
}  // namespace ecoplan::registry
