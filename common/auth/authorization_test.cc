#include "common/auth/authorization.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

Principal Caller(Role role, std::string org = "") {
  Principal p;
  p.subject = "someone";
  p.role = role;
  p.organization_id = std::move(org);
  return p;
}

PolicyTable TestPolicy() {
  PolicyTable t;
  t.service = "ecoplan.test.v1.TestService";
  t.Allow("Read", {Role::kAdministrator, Role::kReporter, Role::kViewer}, {}, "everyone reads");
  t.AllowServices("Read", {"progress", "indicator"});
  t.Allow("Backup", {Role::kAdministrator}).AllowServices("Backup", {"backup"});
  t.Allow("Import", {Role::kAdministrator});
  t.Allow("SubmitReport", {Role::kAdministrator, Role::kReporter}, {Role::kReporter},
          "reporters: measures their organization owns");
  return t;
}

TEST(AuthorizeTest, AllowsListedRolesAndDeniesOthers) {
  const PolicyTable t = TestPolicy();
  EXPECT_OK(Authorize(Caller(Role::kViewer), t, t.MethodPath("Read"), ResourceScope::Any()));
  EXPECT_OK(
      Authorize(Caller(Role::kAdministrator), t, t.MethodPath("Import"), ResourceScope::Any()));
  absl::Status s =
      Authorize(Caller(Role::kViewer), t, t.MethodPath("Import"), ResourceScope::Any());
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "role viewer may not call Import");
}

Principal Service(const std::string& subject) {
  Principal p = Caller(Role::kService);
  p.subject = subject;
  return p;
}

TEST(AuthorizeTest, AuthorizesServicesBySubject) {
  const PolicyTable t = TestPolicy();
  EXPECT_OK(Authorize(Service("progress"), t, t.MethodPath("Read"), ResourceScope::Any()));
  EXPECT_OK(Authorize(Service("backup"), t, t.MethodPath("Backup"), ResourceScope::Any()));
  // The finding: a follower backing up. And the backup job reading.
  absl::Status s = Authorize(Service("progress"), t, t.MethodPath("Backup"), ResourceScope::Any());
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "service \"progress\" may not call Backup");
  EXPECT_STATUS_CODE(Authorize(Service("backup"), t, t.MethodPath("Read"), ResourceScope::Any()),
                     absl::StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(Authorize(Service("someone"), t, t.MethodPath("Read"), ResourceScope::Any()),
                     absl::StatusCode::kPermissionDenied);
  // Role service without named subjects admits no service.
  PolicyTable bare;
  bare.service = "ecoplan.test.v1.TestService";
  bare.Allow("Read", {Role::kService});
  EXPECT_STATUS_CODE(
      Authorize(Service("progress"), bare, bare.MethodPath("Read"), ResourceScope::Any()),
      absl::StatusCode::kPermissionDenied);
  // A later Allow keeps the services already let in.
  PolicyTable later;
  later.service = "ecoplan.test.v1.TestService";
  later.AllowServices("Read", {"progress"});
  later.Allow("Read", {Role::kViewer}, {}, "note");
  EXPECT_OK(Authorize(Service("progress"), later, later.MethodPath("Read"), ResourceScope::Any()));
}

TEST(AuthorizeTest, DeniesEveryoneAMethodMissingFromTheTable) {
  const PolicyTable t = TestPolicy();
  for (Role role : {Role::kAdministrator, Role::kReporter, Role::kViewer, Role::kService}) {
    EXPECT_STATUS_CODE(
        Authorize(Caller(role, "o-1"), t, t.MethodPath("DropEverything"), ResourceScope::Any()),
        absl::StatusCode::kPermissionDenied);
  }
}

TEST(AuthorizeTest, RestrictsReporterToItsOwnOrganization) {
  const PolicyTable t = TestPolicy();
  const std::string m = t.MethodPath("SubmitReport");
  EXPECT_OK(
      Authorize(Caller(Role::kReporter, "o-2"), t, m, ResourceScope::OwnedBy({"o-1", "o-2"})));
  EXPECT_STATUS_CODE(
      Authorize(Caller(Role::kReporter, "o-3"), t, m, ResourceScope::OwnedBy({"o-1", "o-2"})),
      absl::StatusCode::kPermissionDenied);
  // The handler did not name the owner: denied, not guessed.
  EXPECT_STATUS_CODE(Authorize(Caller(Role::kReporter, "o-2"), t, m, ResourceScope::Any()),
                     absl::StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(Authorize(Caller(Role::kReporter, ""), t, m, ResourceScope::OwnedBy({""})),
                     absl::StatusCode::kPermissionDenied);
  // Administrators are not restricted.
  EXPECT_OK(Authorize(Caller(Role::kAdministrator), t, m, ResourceScope::OwnedBy({"o-1"})));
  EXPECT_STATUS_CODE(Authorize(Caller(Role::kViewer, "o-1"), t, m, ResourceScope::OwnedBy({"o-1"})),
                     absl::StatusCode::kPermissionDenied);
}

TEST(RenderPolicyMarkdownTest, RendersOneRowPerMethodSorted) {
  EXPECT_EQ(RenderPolicyMarkdown(TestPolicy()),
            "| RPC | administrator | reporter | viewer | service | supervisor | notes |\n"
            "|---|---|---|---|---|---|---|\n"
            "| Backup | yes | — | — | backup | — |  |\n"
            "| Import | yes | — | — | — | — |  |\n"
            "| Read | yes | yes | yes | indicator, progress | — | everyone reads |\n"
            "| SubmitReport | yes | own org | — | — | — | reporters: measures their organization "
            "owns |\n");
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role role : kAllRoles) {
    ASSERT_OK_AND_ASSIGN(Role parsed, ParseRole(RoleName(role)));
    EXPECT_EQ(parsed, role);
  }
  EXPECT_STATUS_CODE(ParseRole("Administrator"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RoleName(Role::kSupervisor), "supervisor");
}

}  // namespace
}  // namespace ecoplan::common
