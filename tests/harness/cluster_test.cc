// The Cluster itself, with the real registry_server: names it refuses, a
// reserved port, a kill and a restart on the same port and data, a clean stop,
// and no server left once the Cluster is gone.

#include "tests/harness/cluster.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"

namespace ecoplan::testing {
namespace {

namespace rv1 = ::ecoplan::registry::v1;

// The plans the registry at `address` holds, -1 when it does not answer.
int PlanCount(const std::string& address) {
  auto stub = rv1::RegistryService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  rv1::ListPlansResponse plans;
  grpc::Status s =
      stub->ListPlans(Context(absl::Seconds(5)).get(), rv1::ListPlansRequest(), &plans);
  return s.ok() ? plans.plans_size() : -1;
}

TEST(ClusterTest, RefusesUnknownKindsAndServersNeitherStartedNorReserved) {
  common::TempDir dir;
  Cluster cluster(dir.path());
  EXPECT_EQ(cluster.Start("gateway").status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::string> progress = cluster.Start("progress", Following({"registry"}));
  EXPECT_EQ(progress.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(progress.status().message(), "registry")) << progress.status();
  EXPECT_FALSE(cluster.process("progress").running());
  EXPECT_EQ(cluster.Restart("registry").status().code(), absl::StatusCode::kNotFound);
}

TEST(ClusterTest, KillsRestartsOnTheSamePortAndDataAndStopsEverythingWhenGone) {
  common::TempDir dir;
  pid_t last_pid = -1;
  {
    Cluster cluster(dir.path());
    ASSERT_OK_AND_ASSIGN(const std::string reserved, cluster.Reserve("other-registry"));
    ASSERT_OK_AND_ASSIGN(const std::string registry, cluster.Start("registry"));
    EXPECT_TRUE(absl::StartsWith(registry, "127.0.0.1:")) << registry;
    EXPECT_EQ(cluster.address("registry"), registry);
    EXPECT_EQ(cluster.Start("registry").status().code(), absl::StatusCode::kFailedPrecondition);
    // A second registry of its own on the port reserved before.
    ASSERT_OK_AND_ASSIGN(const std::string other, cluster.Start("other-registry"));
    EXPECT_EQ(other, reserved);

    rv1::ImportPlanRequest import;
    ASSERT_OK_AND_ASSIGN(std::string seed, ReadFile(ECOPLAN_SEED_PATH));
    import.set_document_text(seed);
    rv1::ImportPlanResponse imported;
    auto stub = rv1::RegistryService::NewStub(
        grpc::CreateChannel(registry, grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(stub->ImportPlan(Context().get(), import, &imported).ok());
    EXPECT_EQ(PlanCount(registry), 1);
    EXPECT_EQ(PlanCount(other), 0);

    // SIGKILL, then a restart: the same address, the same data.
    ASSERT_OK(cluster.Kill("registry"));
    EXPECT_FALSE(cluster.process("registry").running());
    EXPECT_EQ(PlanCount(registry), -1);
    ASSERT_OK_AND_ASSIGN(const std::string restarted, cluster.Restart("registry"));
    EXPECT_EQ(restarted, registry);
    EXPECT_EQ(PlanCount(registry), 1);
    EXPECT_FALSE(cluster.Log("registry").empty());

    // SIGTERM: a clean exit.
    ASSERT_OK_AND_ASSIGN(int status, cluster.Stop("other-registry"));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    last_pid = cluster.process("registry").pid();
    ASSERT_GT(last_pid, 0);
  }
  // The Cluster is gone, and so is the server it left running (reaped: no such process).
  EXPECT_EQ(kill(last_pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

}  // namespace
}  // namespace ecoplan::testing
