// The AdminService policy covers exactly its RPCs, and docs/SECURITY.md shows it as it is.

#include "common/admin/admin_policy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "ecoplan/admin/v1/admin_service.pb.h"
#include "google/protobuf/descriptor.h"

namespace ecoplan::common {
namespace {

TEST(AdminPolicyTest, HasARuleForEveryRpcAndNoOther) {
  const google::protobuf::ServiceDescriptor* descriptor =
      ecoplan::admin::v1::CreateBackupRequest::descriptor()->file()->pool()->FindServiceByName(
          AdminPolicy().service);
  ASSERT_NE(descriptor, nullptr);
  std::set<std::string> rpcs;
  for (int i = 0; i < descriptor->method_count(); ++i) {
    rpcs.insert(AdminMethod(descriptor->method(i)->name()));
  }
  std::set<std::string> ruled;
  for (const auto& [path, rule] : AdminPolicy().rules) ruled.insert(path);
  EXPECT_EQ(rpcs, ruled);
}

TEST(AdminPolicyTest, SecurityDocumentShowsTheRenderedTable) {
  std::ifstream in(ECOPLAN_SECURITY_DOC_PATH);
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string begin = "<!-- BEGIN GENERATED: admin policy -->\n";
  const std::string end = "<!-- END GENERATED: admin policy -->";
  const size_t from = doc.find(begin);
  const size_t to = doc.find(end);
  ASSERT_NE(from, std::string::npos) << "marker missing: " << begin;
  ASSERT_NE(to, std::string::npos) << "marker missing: " << end;
  const std::string expected = RenderPolicyMarkdown(AdminPolicy());
  EXPECT_EQ(doc.substr(from + begin.size(), to - from - begin.size()), expected)
      << "docs/SECURITY.md is out of date; put this between the markers:\n"
      << expected;
}

}  // namespace
}  // namespace ecoplan::common
