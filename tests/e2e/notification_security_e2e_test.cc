// Issue 15 against the real servers (registry_server and notification_server,
// TLS and signed tokens, as in production):
//   * under the production defaults every spelling of loopback and a sample
//     of every special-purpose range is refused at subscription time with
//     INVALID_ARGUMENT naming the rule; an allow-listed 127.0.0.1/32 works;
//   * ListDeliveries shows a closed port and a port speaking another protocol
//     as the same coarse class (no port scanner);
//   * the webhook secret is not in any file of the data directory (sealed
//     with the key file), and deliveries still verify after a restart;
//   * a second viewer cannot move the command center's stream cursor, and
//     the command center still receives;
//   * subscriptions per owner and streams per subject are limited;
//   * notification writes are in the audit log with their changes.

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/testing/local_http_server.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/notification/domain/webhook_signature.h"
#include "tests/harness/cluster.h"
#include "tests/harness/secured.h"

namespace ecoplan::testing {
namespace {

namespace nv1 = ::ecoplan::notification::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace av1 = ::ecoplan::admin::v1;
using common::Role;

const char* const kSeed = ECOPLAN_SEED_PATH;
// The signing key's 32 bytes: recognisable in a file, were they ever written in the clear.
const std::string kKeyBytes = "ecoplan-e2e-signing-key-7f3a9c1e";

std::string Secret() { return "whsec_" + absl::Base64Escape(kKeyBytes); }

// Every byte of every file under `dir`.
std::string AllBytes(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    all += bytes.str();
  }
  return all;
}

// A webhook receiver on 127.0.0.1 keeping what it got.
class Receiver {
 public:
  struct Post {
    std::string id, timestamp, signature, body;
  };
  Receiver()
      : http_([this](httplib::Server& server) {
          server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
            absl::MutexLock lock(&mu_);
            posts_.push_back({req.get_header_value("webhook-id"),
                              req.get_header_value("webhook-timestamp"),
                              req.get_header_value("webhook-signature"), req.body});
            res.status = 204;
          });
        }) {}
  std::string url() const { return http_.Url("/hook"); }
  std::vector<Post> posts() const {
    absl::MutexLock lock(&mu_);
    return posts_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<Post> posts_;
  common::LocalHttpServer http_;  // last: stops before what its handlers use goes
};

// A TCP port on 127.0.0.1 that greets like an SSH server and closes.
class NotHttpListener {
 public:
  NotHttpListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 16);
    thread_ = std::thread([this] {
      while (true) {
        const int client = accept(fd_, nullptr, nullptr);
        if (client < 0 || stop_) {
          if (client >= 0) close(client);
          return;
        }
        const char kGreeting[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
        (void)!write(client, kGreeting, sizeof(kGreeting) - 1);
        close(client);
      }
    });
  }
  ~NotHttpListener() {
    stop_ = true;
    const int wake = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    (void)connect(wake, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    close(wake);
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class NotificationSecurityE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(secured_, SecuredSetup::Create(dir_));
    cluster_.SetCommonFlags(secured_.ServerFlags());
    key_file_ = dir_.Sub("webhook-secret.key");
    std::ofstream(key_file_) << "e2e-1 " << absl::Base64Escape(std::string(32, 'k')) << "\n";
  }

  // Starts notification_server with `flags` (after the key file), following the registry when
  // `follow_registry` (started first), else nothing.
  void StartNotification(std::vector<std::string> flags, bool follow_registry) {
    ServerOptions options;
    options.flags = {"--backup_dir=",
                     "--webhook_secret_key_file=" + key_file_,
                     "--retry_initial_backoff=50ms",
                     "--retry_max_backoff=200ms",
                     "--webhook_connect_timeout=1s",
                     "--webhook_timeout=2s"};
    if (follow_registry) {
      options.follow = {"registry"};
    } else {
      options.flags.push_back("--registry_address=");
    }
    options.flags.insert(options.flags.end(), flags.begin(), flags.end());
    ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("notification", options));
    Connect(address);
  }
  void Connect(const std::string& address) {
    auto channel = grpc::CreateChannel(address, secured_.ChannelCredentials());
    stub_ = nv1::NotificationService::NewStub(channel);
    admin_stub_ = av1::AdminService::NewStub(channel);
  }
  void StartRegistry() {
    ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("registry"));
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    registry_ = rv1::RegistryService::NewStub(
        grpc::CreateCustomChannel(address, secured_.ChannelCredentials(), args));
  }
  void ImportPlan() {
    rv1::ImportPlanRequest import;
    import.set_document_text(ReadFile(kSeed).value());
    rv1::ImportPlanResponse imported;
    grpc::Status status = registry_->ImportPlan(TokenContext(Admin()).get(), import, &imported);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::string Admin() { return secured_.Token(Role::kAdministrator); }
  std::string CommandCenter() { return secured_.Token(Role::kViewer, "", "command-center"); }
  std::string OtherViewer() { return secured_.Token(Role::kViewer, "", "curious-viewer"); }

  grpc::Status Subscribe(const std::string& token, const std::string& url,
                         nv1::Subscription* out = nullptr) {
    nv1::CreateSubscriptionRequest r;
    r.mutable_subscription()->set_url(url);
    r.mutable_subscription()->add_kinds(nv1::NOTIFICATION_KIND_PLAN_IMPORTED);
    r.set_secret(Secret());
    nv1::CreateSubscriptionResponse response;
    grpc::Status status = stub_->CreateSubscription(TokenContext(token).get(), r, &response);
    if (out != nullptr) *out = response.subscription();
    return status;
  }

  std::vector<nv1::Delivery> Deliveries(const std::string& subscription) {
    nv1::ListDeliveriesRequest r;
    r.set_parent(subscription);
    nv1::ListDeliveriesResponse response;
    grpc::Status status = stub_->ListDeliveries(TokenContext(Admin()).get(), r, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.deliveries().begin(), response.deliveries().end()};
  }

  // Polls `done` every 50 ms for up to 30 s.
  template <typename Fn>
  bool WaitFor(Fn done) {
    for (int i = 0; i < 600; ++i) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

  // Writes that append events to the notification service's own log (rules).
  void CreateRules(int n) {
    for (int i = 0; i < n; ++i) {
      nv1::CreateRuleRequest r;
      r.mutable_rule()->set_name(absl::StrCat("rules/e2e-", i));
      r.mutable_rule()->set_kind(nv1::NOTIFICATION_KIND_MEASURE_REASSIGNED);
      r.mutable_rule()->set_severity(nv1::SEVERITY_INFO);
      r.mutable_rule()->set_enabled(false);
      r.mutable_rule()->set_description("措施责任单位调整提醒");
      nv1::CreateRuleResponse response;
      grpc::Status status = stub_->CreateRule(TokenContext(Admin()).get(), r, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  SecuredSetup secured_;
  std::string key_file_;
  std::unique_ptr<nv1::NotificationService::Stub> stub_;
  std::unique_ptr<av1::AdminService::Stub> admin_stub_;
  std::unique_ptr<rv1::RegistryService::Stub> registry_;
};

TEST_F(NotificationSecurityE2eTest, LoopbackAndSpecialRangesAreRefusedUnderTheProductionDefaults) {
  ASSERT_NO_FATAL_FAILURE(StartNotification({}, false));
  const std::pair<const char*, const char*> cases[] = {
      {"http://127.0.0.1:9/hook", "loopback"},
      {"http://[::1]:9/hook", "loopback"},
      {"http://[::ffff:127.0.0.1]:9/hook", "loopback"},
      {"http://localhost:9/hook", "loopback"},
      {"http://2130706433:9/hook", "loopback"},
      {"http://0x7f000001:9/hook", "loopback"},
      {"http://127.1:9/hook", "loopback"},
      {"http://10.0.0.1/hook", "private"},
      {"http://192.168.1.1/hook", "private"},
      {"http://169.254.169.254/latest/meta-data/", "link-local"},
      {"http://100.64.0.1/hook", "CGNAT"},
      {"http://[fd00::1]/hook", "unique local"},
      {"http://224.0.0.1/hook", "multicast"},
      {"http://0.0.0.0/hook", "unspecified"},
      {"http://255.255.255.255/hook", "broadcast"},
      {"http://192.0.2.1/hook", "documentation"},
      {"http://240.0.0.1/hook", "reserved"},
  };
  for (const auto& [url, rule] : cases) {
    const grpc::Status status = Subscribe(Admin(), url);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << url;
    EXPECT_TRUE(absl::StrContains(status.error_message(), rule))
        << url << ": " << status.error_message();
  }
  nv1::ListSubscriptionsResponse listed;
  ASSERT_TRUE(
      stub_
          ->ListSubscriptions(TokenContext(Admin()).get(), nv1::ListSubscriptionsRequest(), &listed)
          .ok());
  EXPECT_EQ(listed.subscriptions_size(), 0);
}

// An allow-listed 127.0.0.1/32 receiver gets signed POSTs; a closed port and a non-HTTP port
// show the same class; the secret is not in the data directory; after a restart a replay still
// verifies with the same secret.
TEST_F(NotificationSecurityE2eTest, AnAllowListedReceiverGetsVerifiablePostsAcrossARestart) {
  ASSERT_NO_FATAL_FAILURE(StartRegistry());
  ASSERT_NO_FATAL_FAILURE(StartNotification({"--webhook_allowed_networks=127.0.0.1/32"}, true));
  Receiver receiver;
  NotHttpListener not_http;
  nv1::Subscription good, closed, other;
  grpc::Status s = Subscribe(Admin(), receiver.url(), &good);
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = Subscribe(Admin(), absl::StrCat("http://127.0.0.1:", ClosedPort(), "/hook"), &closed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = Subscribe(Admin(), absl::StrCat("http://127.0.0.1:", not_http.port(), "/hook"), &other);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_NO_FATAL_FAILURE(ImportPlan());

  ASSERT_TRUE(WaitFor([&] { return !receiver.posts().empty(); })) << cluster_.Log("notification");
  const Receiver::Post first = receiver.posts()[0];
  EXPECT_EQ(first.signature, notification::SignWebhook(kKeyBytes, first.id,
                                                       std::stoll(first.timestamp), first.body));

  // The API tells a closed port from a non-HTTP one no more than from anything else.
  for (const nv1::Subscription* sub : {&closed, &other}) {
    ASSERT_TRUE(WaitFor([&] {
      std::vector<nv1::Delivery> d = Deliveries(sub->name());
      return !d.empty() && d[0].attempts_size() > 0;
    })) << sub->url();
    const nv1::DeliveryAttempt attempt = Deliveries(sub->name())[0].attempts(0);
    EXPECT_EQ(attempt.error(), "connection failed") << sub->url();
    EXPECT_EQ(attempt.status_code(), 0) << sub->url();
  }

  // Stopped (its data flushed and closed): neither the key bytes nor the secret as given are in
  // any file of the data directory.
  ASSERT_OK(cluster_.Stop("notification").status());
  const std::string bytes = AllBytes(dir_.Sub("notification-db"));
  ASSERT_FALSE(bytes.empty());
  EXPECT_FALSE(absl::StrContains(bytes, kKeyBytes));
  EXPECT_FALSE(absl::StrContains(bytes, Secret()));
  EXPECT_FALSE(absl::StrContains(bytes, absl::Base64Escape(kKeyBytes)));

  ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Restart("notification"));
  Connect(address);
  const std::vector<nv1::Delivery> delivered = Deliveries(good.name());
  ASSERT_FALSE(delivered.empty());
  nv1::ReplayDeliveryRequest replay;
  replay.set_name(delivered[0].name());
  nv1::ReplayDeliveryResponse replayed;
  s = stub_->ReplayDelivery(TokenContext(Admin()).get(), replay, &replayed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(WaitFor([&] { return receiver.posts().size() >= 2; }))
      << cluster_.Log("notification");
  const Receiver::Post again = receiver.posts().back();
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.signature, notification::SignWebhook(kKeyBytes, again.id,
                                                       std::stoll(again.timestamp), again.body));
}

TEST_F(NotificationSecurityE2eTest, ASecondViewerCannotMoveTheCommandCentersCursor) {
  ASSERT_NO_FATAL_FAILURE(StartNotification({}, false));
  ASSERT_NO_FATAL_FAILURE(CreateRules(3));
  const std::string consumer = "streamConsumers/command-center";
  nv1::AcknowledgeStreamRequest ack;
  ack.set_consumer(consumer);
  ack.set_sequence(1);
  nv1::AcknowledgeStreamResponse acked;
  grpc::Status s = stub_->AcknowledgeStream(TokenContext(CommandCenter()).get(), ack, &acked);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(acked.owner(), "command-center");

  // Another viewer can neither move it nor stream from it.
  ack.set_sequence(3);
  s = stub_->AcknowledgeStream(TokenContext(OtherViewer()).get(), ack, &acked);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  {
    auto ctx = TokenContext(OtherViewer());
    nv1::StreamNotificationsRequest r;
    r.set_consumer(consumer);
    auto reader = stub_->StreamNotifications(ctx.get(), r);
    nv1::StreamNotificationsResponse event;
    EXPECT_FALSE(reader->Read(&event));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }

  // The command center resumes where it was: the next event is sequence 2.
  auto ctx = TokenContext(CommandCenter());
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  nv1::StreamNotificationsRequest r;
  r.set_consumer(consumer);
  auto reader = stub_->StreamNotifications(ctx.get(), r);
  nv1::StreamNotificationsResponse event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.event().sequence(), 2u);
  ctx->TryCancel();
  (void)reader->Finish();
}

TEST_F(NotificationSecurityE2eTest, SubscriptionsPerOwnerAndStreamsPerSubjectAreLimited) {
  ASSERT_NO_FATAL_FAILURE(
      StartNotification({"--webhook_allowed_networks=127.0.0.1/32",
                         "--max_subscriptions_per_owner=2", "--max_streams_per_subject=2"},
                        false));
  ASSERT_TRUE(Subscribe(CommandCenter(), "http://127.0.0.1:9/a").ok());
  ASSERT_TRUE(Subscribe(CommandCenter(), "http://127.0.0.1:9/b").ok());
  const grpc::Status third = Subscribe(CommandCenter(), "http://127.0.0.1:9/c");
  EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(absl::StrContains(third.error_message(), "--max_subscriptions_per_owner"))
      << third.error_message();
  EXPECT_TRUE(Subscribe(OtherViewer(), "http://127.0.0.1:9/d").ok());  // per owner

  struct Open {
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::ClientReader<nv1::StreamNotificationsResponse>> reader;
  };
  auto open = [&](const std::string& token) {
    Open o;
    o.ctx = TokenContext(token);
    nv1::StreamNotificationsRequest r;
    r.set_after_sequence(0);
    o.reader = stub_->StreamNotifications(o.ctx.get(), r);
    nv1::StreamNotificationsResponse event;
    EXPECT_TRUE(o.reader->Read(&event));  // the log has events: the stream is open
    return o;
  };
  Open a = open(CommandCenter());
  Open b = open(CommandCenter());
  {
    auto ctx = TokenContext(CommandCenter());
    nv1::StreamNotificationsRequest r;
    auto reader = stub_->StreamNotifications(ctx.get(), r);
    nv1::StreamNotificationsResponse event;
    EXPECT_FALSE(reader->Read(&event));
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_TRUE(absl::StrContains(status.error_message(), "--max_streams_per_subject"))
        << status.error_message();
  }
  Open other = open(OtherViewer());  // another subject has its own slots
  // Closing one frees its slot (once the server has let the stream go).
  a.ctx->TryCancel();
  (void)a.reader->Finish();
  EXPECT_TRUE(WaitFor([&] {
    auto ctx = TokenContext(CommandCenter());
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    nv1::StreamNotificationsRequest r;
    auto reader = stub_->StreamNotifications(ctx.get(), r);
    nv1::StreamNotificationsResponse event;
    const bool opened = reader->Read(&event);
    ctx->TryCancel();
    (void)reader->Finish();
    return opened;
  }));
  for (Open* o : {&b, &other}) {
    o->ctx->TryCancel();
    (void)o->reader->Finish();
  }
}

// Notification writes are recorded with what they changed (the events they appended).
TEST_F(NotificationSecurityE2eTest, NotificationWritesRecordTheirChangesInTheAuditLog) {
  ASSERT_NO_FATAL_FAILURE(StartNotification({}, false));
  nv1::SetContactsRequest set;
  set.set_organization("organizations/o-traffic");
  nv1::Contact* c = set.add_contacts();
  c->set_level(nv1::CONTACT_LEVEL_LIAISON);
  c->set_display_name("联络员");
  c->set_address("13800000000");
  nv1::SetContactsResponse set_response;
  grpc::Status s = stub_->SetContacts(TokenContext(Admin()).get(), set, &set_response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_NO_FATAL_FAILURE(CreateRules(1));

  av1::ListAuditRecordsRequest list;
  list.set_oldest_first(true);
  av1::ListAuditRecordsResponse records;
  s = admin_stub_->ListAuditRecords(TokenContext(Admin()).get(), list, &records);
  ASSERT_TRUE(s.ok()) << s.error_message();
  bool contacts = false, rule = false;
  for (const av1::AuditRecord& r : records.records()) {
    for (const av1::AuditChange& change : r.changes()) {
      if (absl::EndsWith(r.method(), "/SetContacts") &&
          change.type() == "ecoplan.notification.v1.ContactsChanged" &&
          change.resource() == "organizations/o-traffic") {
        contacts = true;
      }
      if (absl::EndsWith(r.method(), "/CreateRule") &&
          change.type() == "ecoplan.notification.v1.RuleChanged" &&
          change.resource() == "rules/e2e-0") {
        rule = true;
      }
    }
  }
  EXPECT_TRUE(contacts) << records.DebugString();
  EXPECT_TRUE(rule) << records.DebugString();
  // The contacts themselves (personal data) are not in the event log.
  nv1::WatchEventsRequest watch;
  auto ctx = TokenContext(Admin());
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  auto reader = stub_->WatchEvents(ctx.get(), watch);
  nv1::WatchEventsResponse event;
  bool saw_contacts_event = false;
  while (reader->Read(&event)) {
    EXPECT_FALSE(absl::StrContains(event.event().payload().value(), "13800000000"));
    if (event.event().type() == "ecoplan.notification.v1.ContactsChanged") {
      saw_contacts_event = true;
    }
    if (event.event().resource() == "rules/e2e-0") break;  // the last write of the test
  }
  EXPECT_TRUE(saw_contacts_event);
  ctx->TryCancel();
  (void)reader->Finish();
}

}  // namespace
}  // namespace ecoplan::testing
