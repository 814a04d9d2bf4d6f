// Walks the registry's whole RPC × role table (RegistryPolicy, rendered in
// docs/SECURITY.md) against the real registry_server, started with TLS and
// ES256 keys (a JWKS) generated at test time: every allowed call works, every
// forbidden one is PERMISSION_DENIED, and every call without a token or with
// an expired, wrongly signed, wrong-audience, alg-none or garbage token is
// UNAUTHENTICATED.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/registry/registry_policy.h"
#include "tests/harness/cluster.h"
#include "tests/harness/process.h"
#include "tests/harness/secured.h"

namespace ecoplan::testing {
namespace {

namespace v1 = ::ecoplan::registry::v1;
using common::Role;

const char* const kCtl = ECOPLAN_CTL_PATH;
const char* const kSeed = ECOPLAN_SEED_PATH;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class RegistryAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(secured_, SecuredSetup::Create(dir_));
    cluster_.SetCommonFlags(secured_.ServerFlags());
    ASSERT_OK_AND_ASSIGN(address_, cluster_.Start("registry"));
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    stub_ = v1::RegistryService::NewStub(
        grpc::CreateCustomChannel(address_, secured_.ChannelCredentials(), args));

    // The data every read needs: the seed plan, imported by an administrator.
    v1::ImportPlanRequest import;
    import.set_document_text(ReadAll(kSeed));
    v1::ImportPlanResponse imported;
    grpc::Status status =
        stub_->ImportPlan(Context(Token(Role::kAdministrator)).get(), import, &imported);
    ASSERT_TRUE(status.ok()) << status.error_message();
    plan_ = imported.plan().name();
    v1::ListMeasuresRequest list;
    list.set_parent(plan_);
    list.set_page_size(1);
    v1::ListMeasuresResponse measures;
    ASSERT_TRUE(
        stub_->ListMeasures(Context(Token(Role::kAdministrator)).get(), list, &measures).ok());
    ASSERT_EQ(measures.measures_size(), 1);
    measure_ = measures.measures(0).name();
    v1::ListTasksRequest tasks;
    tasks.set_parent(plan_);
    tasks.set_page_size(1);
    v1::ListTasksResponse task_list;
    ASSERT_TRUE(
        stub_->ListTasks(Context(Token(Role::kAdministrator)).get(), tasks, &task_list).ok());
    ASSERT_EQ(task_list.tasks_size(), 1);
    task_ = task_list.tasks(0).name();
    v1::ListOrganizationsRequest orgs;
    v1::ListOrganizationsResponse org_list;
    ASSERT_TRUE(
        stub_->ListOrganizations(Context(Token(Role::kAdministrator)).get(), orgs, &org_list).ok());
    ASSERT_GT(org_list.organizations_size(), 0);
    organization_ = org_list.organizations(0).name();
    command_center_id_ = OrganizationId("区城指中心");
    ASSERT_FALSE(command_center_id_.empty());
  }

  // The registry id ("o-…") of the organization `written_name` names.
  std::string OrganizationId(const std::string& written_name) {
    v1::ResolveOrganizationRequest resolve;
    resolve.set_written_name(written_name);
    v1::ResolveOrganizationResponse resolved;
    grpc::Status status =
        stub_->ResolveOrganization(Context(Token(Role::kAdministrator)).get(), resolve, &resolved);
    if (!status.ok() || resolved.organizations_size() != 1) return "";
    return resolved.organizations(0).name().substr(strlen("organizations/"));
  }

  // Viewers are the command center (区城指中心), which assigns supervision tasks.
  std::string Token(Role role, const std::string& subject = "") {
    if (role == Role::kViewer) return secured_.ViewerOf(command_center_id_, subject);
    return secured_.Token(role, "o-0000000000", subject);
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    return TokenContext(token);
  }

  // One call per RPC, keyed by its full method path.
  using Call = PolicyCall;
  std::map<std::string, Call> Calls() {
    std::map<std::string, Call> calls;
    auto add = [&](const char* method, Call call) {
      calls[registry::RegistryMethod(method)] = std::move(call);
    };
    add("ImportPlan", [this](const std::string& t) {
      v1::ImportPlanRequest r;
      r.set_document_text(ReadAll(kSeed));  // already imported: answered, nothing written
      v1::ImportPlanResponse out;
      return stub_->ImportPlan(Context(t).get(), r, &out).error_code();
    });
    add("GetPlan", [this](const std::string& t) {
      v1::GetPlanRequest r;
      r.set_name(plan_);
      v1::GetPlanResponse out;
      return stub_->GetPlan(Context(t).get(), r, &out).error_code();
    });
    add("ListPlans", [this](const std::string& t) {
      v1::ListPlansRequest r;
      v1::ListPlansResponse out;
      return stub_->ListPlans(Context(t).get(), r, &out).error_code();
    });
    add("ExportPlan", [this](const std::string& t) {
      v1::ExportPlanRequest r;
      r.set_name(plan_);
      v1::ExportPlanResponse out;
      return stub_->ExportPlan(Context(t).get(), r, &out).error_code();
    });
    add("GetTask", [this](const std::string& t) {
      v1::GetTaskRequest r;
      r.set_name(task_);
      v1::GetTaskResponse out;
      return stub_->GetTask(Context(t).get(), r, &out).error_code();
    });
    add("ListTasks", [this](const std::string& t) {
      v1::ListTasksRequest r;
      r.set_parent(plan_);
      r.set_page_size(5);
      v1::ListTasksResponse out;
      return stub_->ListTasks(Context(t).get(), r, &out).error_code();
    });
    add("GetMeasure", [this](const std::string& t) {
      v1::GetMeasureRequest r;
      r.set_name(measure_);
      v1::GetMeasureResponse out;
      return stub_->GetMeasure(Context(t).get(), r, &out).error_code();
    });
    add("ListMeasures", [this](const std::string& t) {
      v1::ListMeasuresRequest r;
      r.set_parent(plan_);
      r.set_page_size(5);
      v1::ListMeasuresResponse out;
      return stub_->ListMeasures(Context(t).get(), r, &out).error_code();
    });
    add("UpdateMeasure", [this](const std::string& t) {
      // A fresh etag each time, read as an administrator; the deadline alternates.
      v1::GetMeasureRequest get;
      get.set_name(measure_);
      v1::GetMeasureResponse current;
      EXPECT_TRUE(
          stub_->GetMeasure(Context(Token(Role::kAdministrator)).get(), get, &current).ok());
      v1::UpdateMeasureRequest r;
      r.mutable_measure()->set_name(measure_);
      r.mutable_measure()->mutable_deadline()->set_raw(
          current.measure().deadline().raw() == "6月底前" ? "年底前" : "6月底前");
      r.mutable_update_mask()->add_paths("deadline");
      r.set_etag(current.measure().etag());
      r.set_reason("registry_auth_test");
      r.set_request_id(absl::StrCat("auth-update-", ++request_counter_));
      v1::UpdateMeasureResponse out;
      return stub_->UpdateMeasure(Context(t).get(), r, &out).error_code();
    });
    add("ListMeasureRevisions", [this](const std::string& t) {
      v1::ListMeasureRevisionsRequest r;
      r.set_name(measure_);
      v1::ListMeasureRevisionsResponse out;
      return stub_->ListMeasureRevisions(Context(t).get(), r, &out).error_code();
    });
    add("CreateSupervisionTask", [this](const std::string& t) {
      v1::CreateSupervisionTaskRequest r;
      r.set_parent(plan_);
      r.set_title("督办：道路扬尘");
      r.set_assigned_by("区城指中心");
      v1::Measure* m = r.add_measures();
      m->set_text("对重点道路开展扬尘专项检查");
      m->mutable_deadline()->set_raw("6月底前");
      m->add_lead_organizations()->set_written_name("区城管委");
      r.set_request_id(absl::StrCat("auth-supervision-", ++request_counter_));
      v1::CreateSupervisionTaskResponse out;
      return stub_->CreateSupervisionTask(Context(t).get(), r, &out).error_code();
    });
    add("GetOrganization", [this](const std::string& t) {
      v1::GetOrganizationRequest r;
      r.set_name(organization_);
      v1::GetOrganizationResponse out;
      return stub_->GetOrganization(Context(t).get(), r, &out).error_code();
    });
    add("ListOrganizations", [this](const std::string& t) {
      v1::ListOrganizationsRequest r;
      v1::ListOrganizationsResponse out;
      return stub_->ListOrganizations(Context(t).get(), r, &out).error_code();
    });
    add("ResolveOrganization", [this](const std::string& t) {
      v1::ResolveOrganizationRequest r;
      r.set_written_name("区发改委");
      v1::ResolveOrganizationResponse out;
      return stub_->ResolveOrganization(Context(t).get(), r, &out).error_code();
    });
    add("WatchEvents", [this](const std::string& t) {
      // Allowed: the first stored event arrives. Refused: the stream ends with the code.
      v1::WatchEventsRequest r;
      return FirstStreamMessage<v1::WatchEventsResponse>(
          t, [&](grpc::ClientContext* ctx) { return stub_->WatchEvents(ctx, r); });
    });
    return calls;
  }

  common::TempDir dir_;
  SecuredSetup secured_;
  Cluster cluster_{dir_.path()};
  std::string address_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
  std::string plan_, task_, measure_, organization_, command_center_id_;
  int request_counter_ = 0;
};

TEST_F(RegistryAuthTest, EveryRpcAnswersEachRoleExactlyAsThePolicySays) {
  std::map<std::string, Call> calls = Calls();
  EXPECT_THAT(WalkPolicy(
                  registry::RegistryPolicy(), calls, [this](Role r) { return Token(r); },
                  secured_.ServiceTokens()),
              ::testing::IsEmpty());
}

TEST_F(RegistryAuthTest, EveryRpcRefusesMissingAndBadTokensAsUnauthenticated) {
  std::map<std::string, Call> calls = Calls();
  EXPECT_THAT(WalkBadTokens(calls, secured_.BadTokens()), ::testing::IsEmpty());
}

TEST_F(RegistryAuthTest, RecordsTheCallerAsTheActorOfAChange) {
  v1::GetMeasureRequest get;
  get.set_name(measure_);
  v1::GetMeasureResponse current;
  ASSERT_TRUE(stub_->GetMeasure(Context(Token(Role::kViewer)).get(), get, &current).ok());
  v1::UpdateMeasureRequest update;
  update.mutable_measure()->set_name(measure_);
  update.mutable_measure()->mutable_deadline()->set_raw("10月底");
  update.mutable_update_mask()->add_paths("deadline");
  update.set_etag(current.measure().etag());
  update.set_reason("区政府调度会");
  v1::UpdateMeasureResponse updated;
  grpc::Status status = stub_->UpdateMeasure(
      Context(Token(Role::kAdministrator, "wang.fang@sthjj")).get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::ListMeasureRevisionsRequest list;
  list.set_name(measure_);
  v1::ListMeasureRevisionsResponse revisions;
  ASSERT_TRUE(
      stub_->ListMeasureRevisions(Context(Token(Role::kViewer)).get(), list, &revisions).ok());
  ASSERT_GT(revisions.revisions_size(), 0);
  EXPECT_EQ(revisions.revisions(revisions.revisions_size() - 1).actor(), "wang.fang@sthjj");
}

// A supervision task says who assigned it: a registered organization, and for a
// viewer its own (the token's) — never a name the caller makes up.
TEST_F(RegistryAuthTest, ASupervisionTaskIsAssignedInTheCallersOwnOrganizationsName) {
  auto create = [&](const std::string& token, const std::string& assigned_by,
                    v1::CreateSupervisionTaskResponse* out) {
    v1::CreateSupervisionTaskRequest r;
    r.set_parent(plan_);
    r.set_title("督办：渣土车遗撒");
    r.set_assigned_by(assigned_by);
    v1::Measure* m = r.add_measures();
    m->set_text("对渣土车遗撒路段开展专项整治");
    m->mutable_deadline()->set_raw("7月底前");
    m->add_lead_organizations()->set_written_name("区城管委");
    r.set_request_id(absl::StrCat("assigned-", ++request_counter_));
    return stub_->CreateSupervisionTask(Context(token).get(), r, out);
  };
  v1::CreateSupervisionTaskResponse out;
  // The command center, in its own name (given or left empty).
  grpc::Status status = create(Token(Role::kViewer), "", &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.task().assigned_by(), "区城指中心");
  status = create(Token(Role::kViewer), " 区城指中心 ", &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.task().assigned_by(), "区城指中心");
  // Another viewer cannot assign in the command center's name, nor one without an organization.
  const std::string other = secured_.ViewerOf(OrganizationId("区城管委"), "other-viewer");
  status = create(other, "区城指中心", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("own name only"));
  status = create(secured_.Token(Role::kViewer), "区城指中心", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  // An administrator names any registered organization, by an alias too, stored canonical.
  status = create(Token(Role::kAdministrator), "区城市运行指挥中心", &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.task().assigned_by(), "区城指中心");
  // … but not a made-up authority.
  status = create(Token(Role::kAdministrator), "区领导小组办公室", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("assigned_by: \"区领导小组办公室\""));
}

TEST_F(RegistryAuthTest, PlaintextClientsCannotConnectToATlsServer) {
  auto plain = v1::RegistryService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  v1::ListPlansRequest r;
  v1::ListPlansResponse out;
  EXPECT_EQ(plain->ListPlans(Context(Token(Role::kAdministrator)).get(), r, &out).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

// As the production overlay runs it: TLS on the service port, the kubelet's
// plaintext gRPC probes on --health_port, which serves health and nothing else.
TEST_F(RegistryAuthTest, ATlsServerAnswersPlaintextProbesOnItsHealthPortOnly) {
  const int health_port = FreeLoopbackPort();
  ServerOptions options;
  options.flags = {absl::StrCat("--health_port=", health_port)};
  ASSERT_OK_AND_ASSIGN(std::string address, cluster_.Start("probed-registry", options));
  auto probe = grpc::CreateChannel(absl::StrCat("127.0.0.1:", health_port),
                                   grpc::InsecureChannelCredentials());
  for (const char* service : {"", "registry", "ecoplan.registry.v1.RegistryService"}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status =
        grpc::health::v1::Health::NewStub(probe)->Check(&context, request, &response);
    ASSERT_TRUE(status.ok()) << service << ": " << status.error_message();
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
  // The API is not there, with or without a token: nothing but probes crosses in clear.
  v1::ListPlansRequest r;
  v1::ListPlansResponse out;
  EXPECT_EQ(v1::RegistryService::NewStub(probe)
                ->ListPlans(Context(Token(Role::kAdministrator)).get(), r, &out)
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  // The service port still speaks TLS only.
  auto plain = v1::RegistryService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  EXPECT_EQ(plain->ListPlans(Context(Token(Role::kAdministrator)).get(), r, &out).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  auto secure =
      v1::RegistryService::NewStub(grpc::CreateChannel(address, secured_.ChannelCredentials()));
  EXPECT_TRUE(secure->ListPlans(Context(Token(Role::kAdministrator)).get(), r, &out).ok());
}

TEST_F(RegistryAuthTest, EcoplanctlMintsAndSendsTokensOverTls) {
  const std::string token_file = dir_.Sub("token");
  absl::StatusOr<CommandResult> minted = RunCommand(
      {kCtl, "token", "mint", "--key-file", secured_.issuer_key_file(), "--kid",
       SecuredSetup::kIssuerKid, "--subject", "ops", "--role", "viewer", "--ttl", "10m"});
  ASSERT_TRUE(minted.ok()) << minted.status();
  ASSERT_EQ(minted->exit_code, 0) << minted->stderr_text;
  std::ofstream(token_file, std::ios::trunc) << minted->stdout_text;
  const std::vector<std::string> base = {kCtl, "--registry", address_, "--tls-ca-file",
                                         secured_.ca_file()};
  std::vector<std::string> list = base;
  list.insert(list.end(), {"--token-file", token_file, "plan", "list"});
  absl::StatusOr<CommandResult> listed = RunCommand(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->exit_code, 0) << listed->stderr_text;
  EXPECT_NE(listed->stdout_text.find("1 plan"), std::string::npos) << listed->stdout_text;

  std::vector<std::string> anonymous = base;
  anonymous.insert(anonymous.end(), {"plan", "list"});
  absl::StatusOr<CommandResult> refused = RunCommand(anonymous);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->exit_code, 1);
  EXPECT_NE(refused->stderr_text.find("UNAUTHENTICATED"), std::string::npos)
      << refused->stderr_text;
  // The secret and the token never reach the server's log.
  const std::string log = cluster_.Log("registry");
  EXPECT_EQ(log.find(secured_.secret()), std::string::npos);
  EXPECT_EQ(log.find(minted->stdout_text.substr(0, 40)), std::string::npos);
}

}  // namespace
}  // namespace ecoplan::testing
