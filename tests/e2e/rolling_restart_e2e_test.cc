// A rolling restart of the four services under load, as an upgrade does it
// (docs/OPERATIONS.md "Upgrade": registry, progress, indicator, notification,
// each SIGTERM then started again on its data): four clients keep adding
// problem-ledger items to the progress service the whole time, each call with
// a request id and retried while the answer is UNAVAILABLE (bounded) or the
// "CANCELLED" of a server shutting down under the call (see AddItem). No
// other answer is accepted; every acknowledged item is there exactly once
// afterwards, with nothing that was not acknowledged; the notification
// service, restarted too, has told the owner of each item exactly once.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
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
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"
#include "tests/harness/problem_items.h"
#include "tests/harness/seeded.h"

namespace ecoplan::testing {
namespace {

namespace nv1 = ::ecoplan::notification::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

const char* const kSeed = ECOPLAN_SEED_PATH;
constexpr int kClients = 4;

class RollingRestartE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Every development-mode caller is one subject: no per-caller rate limit under load.
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
    ASSERT_OK_AND_ASSIGN(const std::string indicator_to_be, cluster_.Reserve("indicator"));
    (void)indicator_to_be;
    ASSERT_OK_AND_ASSIGN(const std::string progress_address,
                         cluster_.Start("progress", Following({"registry", "indicator"})));
    // One channel for the whole test: it reconnects by itself across restarts.
    progress_ = pv1::ProgressService::NewStub(
        grpc::CreateChannel(progress_address, grpc::InsecureChannelCredentials()));
    ASSERT_OK(AwaitPlanInProgress(*progress_, plan_, [] { return Context(); }))
        << cluster_.Log("progress");
    ASSERT_OK(
        cluster_.Start("indicator", Following({"registry", "progress"}, {"--evaluation_time=off"}))
            .status());
    ASSERT_OK_AND_ASSIGN(
        const std::string notification_address,
        cluster_.Start("notification", Following({"registry", "progress", "indicator"},
                                                 {"--schedule_interval=1h"})));
    notify_ = nv1::NotificationService::NewStub(
        grpc::CreateChannel(notification_address, grpc::InsecureChannelCredentials()));
  }

  // Adds item `code`, retrying the same request while the service is
  // unavailable (up to 60 s); the final status. A "CANCELLED" this client did
  // not cause is retried too, as docs/OPERATIONS.md "Upgrade" tells clients:
  // gRPC 1.51 answers it to a call that reached the server as it shut down,
  // before any handler took it (grpc/grpc#41785). Counted in `cancelled`.
  grpc::Status AddItem(const std::string& code, int* unavailable, int* cancelled) {
    const pv1::CreateProblemItemRequest r = OutletRequest(plan_, owner_, code, "rolling-");
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    absl::Duration wait = absl::Milliseconds(50);
    while (true) {
      pv1::CreateProblemItemResponse out;
      grpc::Status s = progress_->CreateProblemItem(Context(absl::Seconds(10)).get(), r, &out);
      const bool shut_down_under_it =
          s.error_code() == grpc::StatusCode::CANCELLED && s.error_message() == "CANCELLED";
      if ((s.error_code() != grpc::StatusCode::UNAVAILABLE && !shut_down_under_it) ||
          absl::Now() > give_up) {
        return s;
      }
      ++*(shut_down_under_it ? cancelled : unavailable);
      absl::SleepFor(wait);
      wait = std::min(wait * 2, absl::Milliseconds(800));
    }
  }

  std::set<std::string> ListedCodes(int* listed) {
    absl::StatusOr<std::set<std::string>> codes = ListedProblemCodes(*progress_, plan_, listed);
    EXPECT_TRUE(codes.ok()) << codes.status();
    return codes.value_or(std::set<std::string>());
  }

  // PROBLEM_ITEM_OPENED notifications in the owner's inbox, by item.
  std::map<std::string, int> OpenedNotices() {
    std::map<std::string, int> by_item;
    nv1::ListNotificationsRequest r;
    r.set_parent(owner_);
    r.set_kind(nv1::NOTIFICATION_KIND_PROBLEM_ITEM_OPENED);
    r.set_page_size(500);
    do {
      nv1::ListNotificationsResponse out;
      grpc::Status s = notify_->ListNotifications(Context().get(), r, &out);
      if (!s.ok()) break;
      for (const nv1::Notification& n : out.notifications()) ++by_item[n.resource()];
      r.set_page_token(out.next_page_token());
    } while (!r.page_token().empty());
    return by_item;
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  std::string plan_;
  std::string owner_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_;
  std::unique_ptr<nv1::NotificationService::Stub> notify_;
};

TEST_F(RollingRestartE2eTest, NoAcknowledgedWriteIsLostAndClientsSeeOnlyUnavailable) {
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  std::set<std::string> acknowledged;
  std::vector<std::string> refused;
  std::atomic<int> unavailable{0};
  std::atomic<int> cancelled{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < 5000 && !stop.load(); ++i) {
        const std::string code = absl::StrCat("RR-", c, "-", i);
        int retried = 0, retried_cancelled = 0;
        grpc::Status s = AddItem(code, &retried, &retried_cancelled);
        unavailable += retried;
        cancelled += retried_cancelled;
        absl::MutexLock lock(&mu);
        if (s.ok()) {
          acknowledged.insert(code);
        } else {
          refused.push_back(absl::StrCat(code, ": ", s.error_code(), " ", s.error_message()));
        }
      }
    });
  }
  absl::SleepFor(absl::Seconds(1));
  for (const char* service : {"registry", "progress", "indicator", "notification"}) {
    ASSERT_OK(cluster_.Stop(service).status()) << service;
    ASSERT_OK(cluster_.Restart(service).status()) << service << "\n" << cluster_.Log(service);
    absl::SleepFor(absl::Seconds(1));
  }
  stop = true;
  for (std::thread& t : clients) t.join();

  absl::MutexLock lock(&mu);
  EXPECT_THAT(refused, ::testing::IsEmpty()) << "answers other than UNAVAILABLE (or CANCELLED)";
  ASSERT_GT(acknowledged.size(), 20u) << "the load did not run";
  int listed = 0;
  const std::set<std::string> codes = ListedCodes(&listed);
  EXPECT_EQ(listed, static_cast<int>(codes.size())) << "an item is there twice";
  EXPECT_EQ(codes, acknowledged) << "lost or unacknowledged items";
  // The restart of progress was seen by the clients (else the test proved nothing).
  EXPECT_GT(unavailable.load(), 0);
  std::cout << acknowledged.size() << " items acknowledged, " << unavailable.load()
            << " UNAVAILABLE answers retried, " << cancelled.load()
            << " CANCELLED answers of a shutting-down server retried\n";

  // The notification service followed through every restart: one notice per item.
  std::map<std::string, int> notices;
  ASSERT_TRUE(Eventually(
      [&] {
        notices = OpenedNotices();
        return notices.size() >= acknowledged.size();
      },
      absl::Seconds(60), absl::Milliseconds(250)))
      << notices.size() << " of " << acknowledged.size() << "\n"
      << cluster_.Log("notification");
  for (const auto& [item, count] : notices) EXPECT_EQ(count, 1) << item;
  EXPECT_EQ(notices.size(), acknowledged.size());
}

}  // namespace
}  // namespace ecoplan::testing
