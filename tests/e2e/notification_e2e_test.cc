// Runs the real registry_server and notification_server binaries with a local
// webhook receiver (cpp-httplib on 127.0.0.1) and checks, by counting, that
// every notification the service created reached the receiver and none was
// created twice — through a SIGKILL of the notification server in the middle
// of deliveries, its restart on the same demo day (reminders are not sent
// again), and a restart of the registry (the follower reconnects).

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/testing/local_http_server.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

namespace rv1 = ::ecoplan::registry::v1;
namespace nv1 = ::ecoplan::notification::v1;

const char* const kSeed = ECOPLAN_SEED_PATH;
const char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// Receives webhooks; answers slowly so that a kill lands mid-delivery.
class Receiver {
 public:
  Receiver()
      : http_([this](httplib::Server& server) {
          server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            absl::MutexLock lock(&mu_);
            ids_.push_back(req.get_header_value("webhook-id"));
            res.status = 204;
          });
        }) {}
  std::string url() const { return http_.Url("/hook"); }
  std::vector<std::string> ids() const {
    absl::MutexLock lock(&mu_);
    return ids_;
  }
  std::set<std::string> distinct() const {
    std::vector<std::string> all = ids();
    return std::set<std::string>(all.begin(), all.end());
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> ids_;
  common::LocalHttpServer http_;  // last: stops before what its handlers use goes
};

bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
  return Eventually(done, timeout, absl::Milliseconds(50));
}

class NotificationE2eTest : public ::testing::Test {
 protected:
  // (Re)starts registry_server, on its port after the first start, so the follower reconnects.
  void StartRegistry() {
    ServerOptions registry;
    registry.port = cluster_.port("registry");
    ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("registry", registry));
    registry_stub_ = rv1::RegistryService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  }

  // (Re)starts notification_server on its port after the first start, following the registry.
  void StartNotification() {
    ServerOptions notification = Following(
        {"registry"},
        {// A demo clock on 2026-04-22, three days before the April report is due.
         "--demo_clock_start=2026-04-22T09:00:00+08:00", "--schedule_interval=100ms",
         "--retry_initial_backoff=50ms", "--retry_max_backoff=500ms", "--webhook_timeout=2s",
         "--webhook_connect_timeout=1s", "--delivery_workers=4", "--rate_limit_per_second=0",
         // The receiver is on loopback, which webhooks reach only when allow-listed.
         "--webhook_allowed_networks=127.0.0.1/32"});
    notification.port = cluster_.port("notification");
    ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("notification", notification));
    stub_ = nv1::NotificationService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  }

  std::unique_ptr<grpc::ClientContext> Context(int seconds = 30) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
    return ctx;
  }

  // Every notification the service created so far (its event log, from the start).
  std::vector<nv1::Notification> Created() {
    auto ctx = Context(5);
    nv1::WatchEventsRequest request;
    std::unique_ptr<grpc::ClientReader<nv1::WatchEventsResponse>> reader =
        stub_->WatchEvents(ctx.get(), request);
    std::vector<nv1::Notification> out;
    nv1::WatchEventsResponse response;
    const uint64_t last = LastSequence();
    while (last > 0 && reader->Read(&response)) {
      nv1::NotificationCreated created;
      if (response.event().payload().UnpackTo(&created)) out.push_back(created.notification());
      if (response.event().sequence() >= last) break;
    }
    ctx->TryCancel();
    (void)reader->Finish();
    return out;
  }

  uint64_t LastSequence() {
    // The sequence of the newest event: stream from the consumer-less start and
    // take the count quickly through a short deadline.
    auto ctx = Context(1);
    nv1::WatchEventsRequest request;
    std::unique_ptr<grpc::ClientReader<nv1::WatchEventsResponse>> reader =
        stub_->WatchEvents(ctx.get(), request);
    uint64_t last = 0;
    nv1::WatchEventsResponse response;
    while (reader->Read(&response)) last = response.event().sequence();
    (void)reader->Finish();
    return last;
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  Subprocess& registry_ = cluster_.process("registry");
  Subprocess& notification_ = cluster_.process("notification");
  std::unique_ptr<rv1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<nv1::NotificationService::Stub> stub_;
};

TEST_F(NotificationE2eTest, EveryNotificationArrivesOnceThroughAKillAndAnUpstreamRestart) {
  Receiver receiver;
  StartRegistry();
  StartNotification();

  nv1::CreateSubscriptionRequest subscribe;
  subscribe.mutable_subscription()->set_url(receiver.url());
  subscribe.set_secret(kSecret);
  subscribe.set_request_id("e2e-subscription");
  nv1::CreateSubscriptionResponse subscribed;
  ASSERT_TRUE(stub_->CreateSubscription(Context().get(), subscribe, &subscribed).ok());
  EXPECT_EQ(subscribed.subscription().secrets(0).fingerprint().size(), 16u);

  // Bad input gets clear errors.
  nv1::CreateSubscriptionRequest bad = subscribe;
  bad.set_request_id("");
  bad.mutable_subscription()->set_url("file:///etc/passwd");
  nv1::CreateSubscriptionResponse ignored;
  EXPECT_EQ(stub_->CreateSubscription(Context().get(), bad, &ignored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  bad.mutable_subscription()->set_url(receiver.url());
  bad.set_secret("whsec_c2hvcnQ=");
  EXPECT_EQ(stub_->CreateSubscription(Context().get(), bad, &ignored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  bad.set_secret(kSecret);
  bad.mutable_subscription()->add_kinds(static_cast<nv1::NotificationKind>(77));
  EXPECT_EQ(stub_->CreateSubscription(Context().get(), bad, &ignored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // The seed plan: PLAN_IMPORTED to the bureau and REPORT_DUE_SOON to every owner.
  rv1::ImportPlanRequest import;
  ASSERT_OK_AND_ASSIGN(std::string seed, ReadFile(kSeed));
  import.set_document_text(seed);
  rv1::ImportPlanResponse imported;
  ASSERT_TRUE(registry_stub_->ImportPlan(Context(60).get(), import, &imported).ok());

  // Kill the notification server while deliveries are in progress.
  ASSERT_TRUE(WaitFor([&] { return receiver.distinct().size() >= 5; }, absl::Seconds(60)))
      << ReadFile(dir_.Sub("notification.log")).value_or("");
  notification_.Signal(SIGKILL);
  ASSERT_OK(notification_.Wait(absl::Seconds(10)).status());
  const size_t before_restart = receiver.distinct().size();
  StartNotification();  // the same demo day: reminders must not be sent again

  // Restart the registry; the follower reconnects and sees the correction.
  registry_.Signal(SIGTERM);
  ASSERT_OK(registry_.Wait(absl::Seconds(30)).status());
  StartRegistry();
  rv1::UpdateMeasureRequest update;
  rv1::ListMeasuresRequest list;
  list.set_parent(imported.plan().name());
  list.set_page_size(1);
  rv1::ListMeasuresResponse measures;
  ASSERT_TRUE(registry_stub_->ListMeasures(Context().get(), list, &measures).ok());
  ASSERT_EQ(measures.measures_size(), 1);
  *update.mutable_measure() = measures.measures(0);
  update.mutable_measure()->mutable_deadline()->set_raw("11月底前");
  update.mutable_update_mask()->add_paths("deadline");
  update.set_etag(measures.measures(0).etag());
  update.set_reason("e2e");
  rv1::UpdateMeasureResponse updated;
  grpc::Status update_status = registry_stub_->UpdateMeasure(Context().get(), update, &updated);
  ASSERT_TRUE(update_status.ok()) << update_status.error_message();

  // Everything created reaches the receiver; nothing was created twice.
  std::vector<nv1::Notification> created;
  ASSERT_TRUE(WaitFor(
      [&] {
        created = Created();
        int changed = 0;
        for (const nv1::Notification& n : created) {
          if (n.kind() == nv1::NOTIFICATION_KIND_MEASURE_DEADLINE_CHANGED) ++changed;
        }
        if (changed == 0) return false;
        std::set<std::string> expected;
        for (const nv1::Notification& n : created)
          expected.insert(absl::StrCat("msg_", n.name().substr(14)));
        return receiver.distinct() == expected;
      },
      absl::Seconds(90)))
      << "created " << created.size() << ", received " << receiver.distinct().size() << "\n"
      << ReadFile(dir_.Sub("notification.log")).value_or("");
  std::set<std::string> keys;
  int due_soon = 0, imported_count = 0;
  for (const nv1::Notification& n : created) {
    const std::string key =
        n.reason().schedule_key().empty()
            ? absl::StrCat(n.reason().event(), "|", n.reason().rule(), "|", n.recipient())
            : n.reason().schedule_key();
    EXPECT_TRUE(keys.insert(key).second) << "created twice: " << key;
    if (n.kind() == nv1::NOTIFICATION_KIND_REPORT_DUE_SOON) ++due_soon;
    if (n.kind() == nv1::NOTIFICATION_KIND_PLAN_IMPORTED) ++imported_count;
    EXPECT_FALSE(n.resource().empty());
    EXPECT_FALSE(n.reason().rule().empty());
  }
  EXPECT_EQ(imported_count, 1);
  EXPECT_GT(due_soon, 20);
  EXPECT_GE(receiver.ids().size(), receiver.distinct().size());
  EXPECT_GT(receiver.distinct().size(), before_restart);

  // The command center's stream resumes after its acknowledged position.
  const uint64_t last = LastSequence();
  ASSERT_GT(last, 4u);
  nv1::AcknowledgeStreamRequest ack;
  ack.set_consumer("streamConsumers/command-center");
  ack.set_sequence(last / 2);
  nv1::AcknowledgeStreamResponse acked;
  ASSERT_TRUE(stub_->AcknowledgeStream(Context().get(), ack, &acked).ok());
  auto ctx = Context(5);
  nv1::StreamNotificationsRequest stream_request;
  stream_request.set_consumer("streamConsumers/command-center");
  auto reader = stub_->StreamNotifications(ctx.get(), stream_request);
  nv1::StreamNotificationsResponse first;
  ASSERT_TRUE(reader->Read(&first));
  EXPECT_EQ(first.event().sequence(), last / 2 + 1);
  ctx->TryCancel();
  (void)reader->Finish();

  // An organization's inbox lists its notifications, newest first.
  nv1::ListNotificationsRequest inbox;
  inbox.set_parent(created.back().recipient());
  nv1::ListNotificationsResponse listed;
  ASSERT_TRUE(stub_->ListNotifications(Context().get(), inbox, &listed).ok());
  EXPECT_GT(listed.notifications_size(), 0);
  EXPECT_GT(listed.unread_count(), 0);
}

}  // namespace
}  // namespace ecoplan::testing
