// A backup taken under load, restored, and what follows from it, against the
// real registry_server, progress_server and notification_server (development
// mode): 64 clients add problem-ledger items to progress while a backup is
// taken (AdminService.CreateBackup) and after it; progress is stopped and the
// backup restored with `ecoplanctl admin restore` (verified before anything is
// replaced). The restored service holds a consistent point: every item
// acknowledged before the backup began, nothing that was never acknowledged,
// one ProblemItemOpened event per item and no more, its last event the
// backup's. The notification service, which had followed progress past that
// point, does not follow the restored history: its status page says
// `diverged`, its log has the ERROR, and nothing of the new history is
// applied or skipped.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"
#include "tests/harness/problem_items.h"
#include "tests/harness/seeded.h"

namespace ecoplan::testing {
namespace {

namespace av1 = ::ecoplan::admin::v1;
namespace nv1 = ::ecoplan::notification::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

const char* const kSeed = ECOPLAN_SEED_PATH;
const char* const kCtl = ECOPLAN_CTL_PATH;
constexpr int kClients = 64;

class RestoreE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.SetCommonFlags({"--insecure_development_mode", "--rate_limit_per_second=0"});
    ASSERT_OK_AND_ASSIGN(const std::string registry_address, cluster_.Start("registry"));
    auto registry = rv1::RegistryService::NewStub(
        grpc::CreateChannel(registry_address, grpc::InsecureChannelCredentials()));
    ASSERT_OK_AND_ASSIGN(const rv1::ExportPlanResponse plan,
                         ImportSeedPlan(
                             *registry, [] { return Context(); }, kSeed));
    plan_ = plan.plan().name();
    for (const rv1::Organization& o : plan.organizations()) {
      if (o.display_name() == "区水务局") owner_ = o.name();
    }
    ASSERT_FALSE(owner_.empty());
    ASSERT_OK_AND_ASSIGN(progress_address_, cluster_.Start("progress", Following({"registry"})));
    channel_ = grpc::CreateChannel(progress_address_, grpc::InsecureChannelCredentials());
    progress_ = pv1::ProgressService::NewStub(channel_);
    ASSERT_OK(AwaitPlanInProgress(*progress_, plan_, [] { return Context(); }))
        << cluster_.Log("progress");
    metrics_port_ = FreeLoopbackPort();
    ASSERT_NE(metrics_port_, 0);
    ASSERT_OK(cluster_
                  .Start("notification",
                         Following({"registry", "progress"},
                                   {"--schedule_interval=1h", "--progress_max_backoff=500ms",
                                    absl::StrCat("--metrics_port=", metrics_port_)}))
                  .status());
  }

  // Adds item `code` (request id retried while UNAVAILABLE); the final status.
  grpc::Status AddItem(const std::string& code) {
    const pv1::CreateProblemItemRequest r = OutletRequest(plan_, owner_, code, "restore-");
    pv1::CreateProblemItemResponse out;
    return progress_->CreateProblemItem(Context(absl::Seconds(10)).get(), r, &out);
  }

  std::set<std::string> ListedCodes(int* listed) {
    absl::StatusOr<std::set<std::string>> codes = ListedProblemCodes(*progress_, plan_, listed);
    EXPECT_TRUE(codes.ok()) << codes.status();
    return codes.value_or(std::set<std::string>());
  }

  // The progress service's events from the start, as many as it has (read
  // until the stream has been quiet for a second).
  std::vector<common::v1::Event> Events() {
    std::vector<common::v1::Event> events;
    auto ctx = Context(absl::Seconds(3));
    pv1::WatchEventsRequest r;
    auto reader = progress_->WatchEvents(ctx.get(), r);
    pv1::WatchEventsResponse e;
    while (reader->Read(&e)) events.push_back(e.event());
    (void)reader->Finish();
    return events;
  }

  // The notification service's status-page entry for its progress follower.
  nlohmann::json ProgressFollower() {
    httplib::Client client("127.0.0.1", metrics_port_);
    client.set_connection_timeout(2);
    httplib::Result result = client.Get("/status");
    if (!result || result->status != 200) return nullptr;
    const nlohmann::json page = nlohmann::json::parse(result->body, nullptr, false);
    if (page.is_discarded() || !page.contains("followers")) return nullptr;
    for (const nlohmann::json& f : page["followers"]) {
      if (f["upstream"] == "progress") return f;
    }
    return nullptr;
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  std::string plan_, owner_, progress_address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_;
  int metrics_port_ = 0;
};

TEST_F(RestoreE2eTest, ABackupUnderLoadRestoresToAConsistentPointAndFollowersSayTheyDiverged) {
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  // Code → when its acknowledgement arrived.
  std::vector<std::pair<std::string, absl::Time>> acknowledged;
  std::vector<std::string> refused;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < 20000 && !stop.load(); ++i) {
        const std::string code = absl::StrCat("RB-", c, "-", i);
        grpc::Status s = AddItem(code);
        const absl::Time at = absl::Now();
        absl::MutexLock lock(&mu);
        if (s.ok()) {
          acknowledged.emplace_back(code, at);
        } else {
          refused.push_back(absl::StrCat(code, ": ", s.error_message()));
        }
      }
    });
  }
  absl::SleepFor(absl::Seconds(1.5));
  auto admin = av1::AdminService::NewStub(channel_);
  const absl::Time backup_began = absl::Now();
  av1::CreateBackupResponse backup;
  grpc::Status s = admin->CreateBackup(Context().get(), av1::CreateBackupRequest(), &backup);
  ASSERT_TRUE(s.ok()) << s.error_message();
  absl::SleepFor(absl::Seconds(1.5));  // writes go on after the backup
  stop = true;
  for (std::thread& t : clients) t.join();
  std::set<std::string> before_backup, all;
  {
    absl::MutexLock lock(&mu);
    ASSERT_THAT(refused, ::testing::IsEmpty());
    for (const auto& [code, at] : acknowledged) {
      all.insert(code);
      if (at < backup_began) before_backup.insert(code);
    }
  }
  ASSERT_GT(before_backup.size(), 10u) << "the load had not started";
  ASSERT_GT(all.size(), before_backup.size() + 10) << "no writes after the backup";
  const uint64_t backup_last = backup.backup().last_event_sequence();
  ASSERT_GT(backup_last, 0u);
  std::cout << all.size() << " items acknowledged, " << before_backup.size()
            << " before the backup began; the backup's last event is " << backup_last << "\n";

  // The notification service follows progress past the backup's last event.
  ASSERT_TRUE(Eventually(
      [&] {
        const nlohmann::json f = ProgressFollower();
        return f != nullptr && f["cursor"].get<uint64_t>() > backup_last;
      },
      absl::Seconds(60), absl::Milliseconds(200)))
      << ProgressFollower().dump() << "\n"
      << cluster_.Log("notification");

  // Restored with ecoplanctl while progress is stopped.
  ASSERT_OK(cluster_.Stop("progress").status());
  ASSERT_OK_AND_ASSIGN(CommandResult restored,
                       // The path is relative to the server's --backup_dir (the harness's).
                       RunCommand({kCtl, "admin", "restore",
                                   dir_.path() + "/progress-backups/" + backup.backup().path(),
                                   "--db", dir_.path() + "/progress-db"}));
  ASSERT_EQ(restored.exit_code, 0) << restored.stderr_text;
  EXPECT_THAT(restored.stdout_text, ::testing::HasSubstr("every table file read and checked"));
  EXPECT_THAT(restored.stdout_text,
              ::testing::HasSubstr("restored into " + dir_.path() + "/progress-db"));
  ASSERT_OK(cluster_.Restart("progress").status()) << cluster_.Log("progress");
  ASSERT_OK(AwaitPlanInProgress(*progress_, plan_, [] { return Context(); }));

  // A consistent point: what was acknowledged before the backup began, nothing
  // never acknowledged, each item once, one event per item, the backup's last event.
  int listed = 0;
  const std::set<std::string> codes = ListedCodes(&listed);
  EXPECT_EQ(listed, static_cast<int>(codes.size())) << "an item is there twice";
  for (const std::string& code : before_backup) {
    EXPECT_EQ(codes.count(code), 1u) << code << " was acknowledged before the backup began";
  }
  for (const std::string& code : codes) {
    EXPECT_EQ(all.count(code), 1u) << code << " was never acknowledged";
  }
  EXPECT_LT(codes.size(), all.size()) << "the writes after the backup are not in it";
  const std::vector<common::v1::Event> events = Events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().sequence(), backup_last);
  int opened = 0;
  for (const common::v1::Event& e : events)
    opened += e.type() == "ecoplan.progress.v1.ProblemItemOpened";
  EXPECT_EQ(opened, static_cast<int>(codes.size())) << "an item without its event, or the reverse";

  // The follower that was past the restored point says so and applies nothing.
  nlohmann::json follower;
  ASSERT_TRUE(Eventually(
      [&] {
        follower = ProgressFollower();
        return follower != nullptr && follower["state"] == "diverged";
      },
      absl::Seconds(30), absl::Milliseconds(200)))
      << follower.dump() << "\n"
      << cluster_.Log("notification");
  EXPECT_THAT(follower["diverged"].get<std::string>(),
              ::testing::HasSubstr("restored to an earlier point"));
  const uint64_t cursor = follower["cursor"].get<uint64_t>();
  EXPECT_GT(cursor, backup_last);
  // New writes to the restored progress are not followed (nor skipped).
  ASSERT_TRUE(AddItem("RB-after-restore").ok());
  absl::SleepFor(absl::Seconds(2));
  EXPECT_EQ(ProgressFollower()["cursor"].get<uint64_t>(), cursor);
  EXPECT_THAT(cluster_.Log("notification"), ::testing::HasSubstr("event stream NOT followed"));
}

}  // namespace
}  // namespace ecoplan::testing
