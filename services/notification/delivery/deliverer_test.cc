// Webhook delivery against a local HTTP receiver (cpp-httplib on 127.0.0.1,
// port 0) that fails, answers 429 with Retry-After, times out, answers with a
// huge body and recovers. Signatures are checked with an independent HMAC
// (OpenSSL EVP_MAC + EVP_EncodeBlock), and every test counts that each
// notification arrived, in order, and none twice after deduplication.

#include "services/notification/delivery/deliverer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/testing/local_http_server.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "services/notification/storage/rocksdb_notification_store.h"

namespace ecoplan::notification {
namespace {

const char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// Independent of the service's code path: EVP_MAC and EVP_EncodeBlock.
std::string ReferenceSignature(const std::string& key, const std::string& content) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params);
  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(content.data()), content.size());
  unsigned char out[64];
  size_t len = 0;
  EVP_MAC_final(ctx, out, &len, sizeof(out));
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  unsigned char b64[128];
  const int n = EVP_EncodeBlock(b64, out, static_cast<int>(len));
  return std::string(reinterpret_cast<char*>(b64), n);
}

std::string KeyBytes() {
  unsigned char raw[64];
  const std::string b64 = std::string(kSecret).substr(6);
  const int n = EVP_DecodeBlock(raw, reinterpret_cast<const unsigned char*>(b64.data()),
                                static_cast<int>(b64.size()));
  // EVP_DecodeBlock counts padding bytes as zeros: drop them.
  int pad = 0;
  for (auto it = b64.rbegin(); it != b64.rend() && *it == '='; ++it) ++pad;
  return std::string(reinterpret_cast<char*>(raw), n - pad);
}

// A receiver: each request gets the answer `respond` chooses for it (by count).
class Receiver {
 public:
  using Respond = std::function<void(int n, httplib::Response& res)>;
  explicit Receiver(Respond respond)
      : respond_(std::move(respond)), http_([this](httplib::Server& server) {
          server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
            int n;
            {
              absl::MutexLock lock(&mu_);
              n = ++requests_;
              const std::string id = req.get_header_value("webhook-id");
              const std::string ts = req.get_header_value("webhook-timestamp");
              const std::string expected =
                  ReferenceSignature(KeyBytes(), absl::StrCat(id, ".", ts, ".", req.body));
              bool valid = false;
              for (absl::string_view sig :
                   absl::StrSplit(req.get_header_value("webhook-signature"), ' ')) {
                if (sig == absl::StrCat("v1,", expected)) valid = true;
              }
              if (!valid) ++bad_signatures_;
              arrivals_.push_back(id);
              connections_.insert(req.remote_port);  // the client's port names its connection
            }
            respond_(n, res);
          });
          // Keep-alive as a production receiver does: many requests per connection; idle ones close
          // after a second, so that stopping does not wait long for them.
          server.set_keep_alive_max_count(100000);
          server.set_keep_alive_timeout(1);
        }) {}
  std::string url() const { return http_.Url("/hook"); }
  std::vector<std::string> arrivals() const {
    absl::MutexLock lock(&mu_);
    return arrivals_;
  }
  // Distinct ids in order of first arrival.
  std::vector<std::string> Deduplicated() const {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const std::string& id : arrivals()) {
      if (seen.insert(id).second) out.push_back(id);
    }
    return out;
  }
  int bad_signatures() const {
    absl::MutexLock lock(&mu_);
    return bad_signatures_;
  }
  // TCP connections the requests came on.
  int connections() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(connections_.size());
  }

 private:
  Respond respond_;
  mutable absl::Mutex mu_;
  int requests_ = 0;
  int bad_signatures_ = 0;
  std::vector<std::string> arrivals_;
  std::set<int> connections_;
  common::LocalHttpServer http_;  // last: stops before what its handlers use goes
};

// The real store, except that the deliverer's writes of successes (a change of succeeded
// deliveries only) can be held back, as if the group write were still waiting, and then
// lost, as in a crash before it reached the disk.
class HoldingStore final : public NotificationStore {
 public:
  enum class Mode { kPass, kHold, kLose };
  explicit HoldingStore(NotificationStore* inner) : inner_(inner) {}

  void set_mode(Mode mode) {
    absl::MutexLock lock(&mu_);
    mode_ = mode;
  }
  // Successes held back so far (their writes started, not answered).
  int held() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(held_.size());
  }
  // Writes the held changes (kPass from then on).
  void Release() { Drain(absl::OkStatus()); }
  // The crash: the held writes never reach the disk; their callers hear Unavailable, as
  // RocksDb answers the writes waiting when it shuts down. Later ones are lost too.
  void Crash() { Drain(absl::UnavailableError("crashed before the write")); }

  absl::StatusOr<LoadedState> Load() override { return inner_->Load(); }
  absl::Status Commit(const Changes& changes) override { return inner_->Commit(changes); }
  void CommitAsync(const Changes& changes, std::function<void(absl::Status)> done) override {
    bool successes = !changes.deliveries.empty();
    for (const Delivery& d : changes.deliveries) {
      if (d.state != DeliveryState::kSucceeded) successes = false;
    }
    Mode mode;
    {
      absl::MutexLock lock(&mu_);
      mode = successes ? mode_ : Mode::kPass;
      if (mode == Mode::kHold) {
        held_.emplace_back(changes, std::move(done));
        return;
      }
    }
    if (mode == Mode::kLose) {
      done(absl::UnavailableError("crashed before the write"));
      return;
    }
    inner_->CommitAsync(changes, std::move(done));
  }
  absl::StatusOr<Notification> GetNotification(uint64_t number) override {
    return inner_->GetNotification(number);
  }
  absl::StatusOr<bool> HasDedupKey(const std::string& key) override {
    return inner_->HasDedupKey(key);
  }
  absl::StatusOr<InboxPage> ListInbox(const std::string& organization_id, bool unread_only,
                                      Kind kind, int page_size,
                                      const std::string& page_token) override {
    return inner_->ListInbox(organization_id, unread_only, kind, page_size, page_token);
  }
  absl::StatusOr<DeliveryPage> ListDeliveries(const std::string& subscription_id,
                                              DeliveryState state, int page_size,
                                              const std::string& page_token) override {
    return inner_->ListDeliveries(subscription_id, state, page_size, page_token);
  }
  absl::StatusOr<Delivery> GetDelivery(const std::string& subscription_id,
                                       uint64_t number) override {
    return inner_->GetDelivery(subscription_id, number);
  }
  uint64_t LastEventSequence() const override { return inner_->LastEventSequence(); }

 private:
  void Drain(const absl::Status& outcome) {
    std::vector<std::pair<Changes, std::function<void(absl::Status)>>> held;
    {
      absl::MutexLock lock(&mu_);
      held.swap(held_);
      mode_ = outcome.ok() ? Mode::kPass : Mode::kLose;
    }
    for (auto& [changes, done] : held) {
      if (outcome.ok()) {
        inner_->CommitAsync(changes, std::move(done));
      } else {
        done(outcome);
      }
    }
  }

  NotificationStore* const inner_;
  mutable absl::Mutex mu_;
  Mode mode_ = Mode::kPass;
  std::vector<std::pair<Changes, std::function<void(absl::Status)>>> held_;
};

class AllowLoopback final : public UrlChecker {
 public:
  absl::Status CheckUrl(const std::string&) const override { return absl::OkStatus(); }
};

class DelivererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CurlGlobalInit();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbNotificationStore::ColumnFamilies();
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbNotificationStore>(db_.get());
    notifier_ = std::make_unique<Notifier>(store_.get(), &clock_, &checker_);
    ASSERT_OK(notifier_->Load());
    // A plan view, so that report-returned events have a recipient name.
    UpstreamInput in;
    in.type = UpstreamInput::Type::kPlanImported;
    in.event_ref = "registry#1";
    in.plan_id = "2026-p";
    in.plan.plan_id = "2026-p";
    in.plan.year = 2026;
    Emit(in);
  }

  void StartDeliverer(CurlSenderOptions sender_options, DelivererOptions options,
                      std::string networks = "127.0.0.1/32") {
    WebhookSecurity security;
    security.addresses = *WebhookAddressPolicy::Parse(networks);
    sender_ = std::make_unique<CurlWebhookSender>(sender_options, security);
    deliverer_ = std::make_unique<Deliverer>(notifier_.get(), store_.get(), sender_.get(),
                                             deliverer_clock_, options, &metrics_);
    notifier_->SetDeliverySink(deliverer_.get());
    deliverer_->Start(notifier_->ListSubscriptions(), notifier_->PendingDeliveries());
  }

  void TearDown() override {
    if (holding_) holding_->Release();  // Stop waits for the writes in flight
    if (deliverer_) deliverer_->Stop();
  }

  // The notifier on a HoldingStore over the real store.
  void HoldSuccessRecords() {
    holding_ = std::make_unique<HoldingStore>(store_.get());
    notifier_ = std::make_unique<Notifier>(holding_.get(), &clock_, &checker_);
    ASSERT_OK(notifier_->Load());
    holding_->set_mode(HoldingStore::Mode::kHold);
  }

  void Emit(const UpstreamInput& in) {
    absl::StatusOr<Changes> changes = notifier_->BeginUpstream(in);
    ASSERT_OK(changes.status());
    absl::Status s = store_->Commit(*changes);
    notifier_->FinishUpstream(*changes, s.ok());
    ASSERT_OK(s);
  }

  // `count` ReportReturned events for organization `org`: one notification each.
  void Returned(const std::string& org, int count, int first_seq = 100) {
    for (int i = 0; i < count; ++i) {
      UpstreamInput in;
      in.type = UpstreamInput::Type::kReportReturned;
      in.event_ref = absl::StrCat("progress#", first_seq + i);
      in.plan_id = "2026-p";
      in.organization_id = org;
      in.period = "2026-05";
      Emit(in);
    }
  }

  std::string Subscribe(const std::string& url, std::set<std::string> orgs = {}) {
    Subscription s;
    s.url = url;
    s.organizations = std::move(orgs);
    absl::StatusOr<Subscription> created = notifier_->CreateSubscription(s, kSecret, "");
    EXPECT_OK(created.status());
    return created.ok() ? created->id : "";
  }

  // Polls (bounded) until `done` or the deadline.
  static bool WaitFor(const std::function<bool()>& done,
                      absl::Duration timeout = absl::Seconds(20)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return done();
  }

  std::vector<Delivery> Deliveries(const std::string& sub) {
    absl::StatusOr<DeliveryPage> page =
        notifier_->ListDeliveries(sub, DeliveryState::kUnspecified, 500, "");
    EXPECT_OK(page.status());
    return page.ok() ? page->deliveries : std::vector<Delivery>{};
  }

  double Attempts(const std::string& sub, const std::string& outcome) {
    return metrics_.AddCounter("ecoplan_notification_webhook_attempts_total", "", {})
        ->Value({sub, outcome});
  }
  double Gauge(const std::string& name, const std::string& sub) {
    return metrics_.AddGauge(name, "", {})->Value({sub});
  }

  common::MetricsRegistry metrics_;
  common::TempDir dir_;
  common::RealClock clock_;
  // The deliverer's clock: clock_, or a FakeClock a test sets.
  const common::Clock* deliverer_clock_ = &clock_;
  AllowLoopback checker_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbNotificationStore> store_;
  std::unique_ptr<HoldingStore> holding_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<CurlWebhookSender> sender_;
  std::unique_ptr<Deliverer> deliverer_;
};

DelivererOptions Fast() {
  DelivererOptions o;
  o.workers = 4;
  o.initial_backoff = absl::Milliseconds(20);
  o.max_backoff = absl::Milliseconds(200);
  o.breaker_failures = 3;
  o.breaker_cooldown = absl::Milliseconds(100);
  o.retry_horizon = absl::Seconds(30);
  return o;
}

TEST_F(DelivererTest, SignedDeliveriesArriveInOrderThroughFailuresAnd429) {
  Receiver receiver([](int n, httplib::Response& res) {
    if (n <= 3) {
      res.status = 500;
    } else if (n == 4) {
      res.status = 429;
      res.set_header("Retry-After", "1");
    } else {
      res.status = 204;
    }
  });
  const std::string sub = Subscribe(receiver.url());
  StartDeliverer({}, Fast());
  Returned("o-a", 10);
  ASSERT_TRUE(WaitFor([&] { return receiver.Deduplicated().size() == 10; }));
  ASSERT_TRUE(WaitFor([&] { return notifier_->PendingCount(sub) == 0; }));
  std::vector<std::string> expected;
  for (const Delivery& d : Deliveries(sub)) expected.push_back(d.webhook_id);
  EXPECT_EQ(receiver.Deduplicated(), expected);  // every one, once, in order
  EXPECT_EQ(receiver.bad_signatures(), 0);
  const std::vector<Delivery> deliveries = Deliveries(sub);
  ASSERT_EQ(deliveries.size(), 10u);
  EXPECT_EQ(deliveries[0].attempt_count, 5);  // 500, 500, 500, 429, 204
  EXPECT_EQ(deliveries[0].attempts[3].status_code, 429);
  EXPECT_GE(deliveries[0].attempts[4].time - deliveries[0].attempts[3].time,
            absl::Milliseconds(950));
  for (const Delivery& d : deliveries) EXPECT_EQ(d.state, DeliveryState::kSucceeded);
  // /metrics: every attempt by outcome, its latency, an empty queue, a closed breaker.
  EXPECT_TRUE(
      WaitFor([&] { return Gauge("ecoplan_notification_delivery_queue_depth", sub) == 0; }));
  EXPECT_EQ(Attempts(sub, "succeeded"), 10);
  EXPECT_EQ(Attempts(sub, "failed"), 4);
  EXPECT_EQ(Attempts(sub, "gave_up"), 0);
  EXPECT_EQ(Gauge("ecoplan_notification_circuit_state", sub), 0);
  const std::string text = metrics_.Render();
  EXPECT_NE(text.find("ecoplan_notification_webhook_attempt_seconds_count{outcome=\"failed\"} 4\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(absl::StrCat("ecoplan_notification_webhook_attempts_total{outcome=\"succeeded\","
                             "subscription=\"",
                             sub, "\"} 10\n")),
      std::string::npos)
      << text;
}

TEST_F(DelivererTest, TimeoutsAndHugeBodiesAreRecordedFailuresAndTheSubscriptionIsSuspended) {
  std::atomic<bool> slow{true};
  Receiver receiver([&](int n, httplib::Response& res) {
    if (!slow) {
      res.status = 204;
    } else if (n % 2 == 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
      res.status = 200;
    } else {
      res.status = 200;
      res.set_content(std::string(1 << 20, 'x'), "text/plain");
    }
  });
  const std::string sub = Subscribe(receiver.url());
  CurlSenderOptions sender;
  sender.timeout = absl::Milliseconds(200);
  sender.max_response_bytes = 4096;
  DelivererOptions options = Fast();
  options.retry_horizon = absl::Milliseconds(800);
  StartDeliverer(sender, options);
  Returned("o-a", 2);
  ASSERT_TRUE(WaitFor([&] {
    absl::StatusOr<Subscription> s = notifier_->GetSubscription(sub);
    return s.ok() && s->state == SubscriptionState::kFailing;
  }));
  const std::vector<Delivery> deliveries = Deliveries(sub);
  ASSERT_FALSE(deliveries.empty());
  EXPECT_EQ(deliveries[0].state, DeliveryState::kFailed);
  bool saw_timeout = false, saw_huge = false;
  for (const DeliveryAttempt& a : deliveries[0].attempts) {
    if (a.error.find("timeout") != std::string::npos) saw_timeout = true;
    if (a.error == "response too large") saw_huge = true;
    EXPECT_LT(a.latency, absl::Seconds(2));
  }
  EXPECT_TRUE(saw_timeout);
  EXPECT_TRUE(saw_huge);
  EXPECT_TRUE(WaitFor([&] { return Attempts(sub, "gave_up") == 1; }));
  EXPECT_GE(Attempts(sub, "failed"), 1);
  EXPECT_EQ(Gauge("ecoplan_notification_circuit_state", sub), 2);  // suspended
  // The receiver recovers; re-enabling the subscription and replaying the
  // failed delivery completes the set: both notifications arrive.
  slow = false;
  ASSERT_OK(notifier_->EnableSubscription(sub, true));
  ASSERT_OK_AND_ASSIGN(Delivery replay, notifier_->ReplayDelivery(sub, deliveries[0].number));
  EXPECT_EQ(replay.webhook_id, deliveries[0].webhook_id);
  ASSERT_TRUE(WaitFor([&] { return notifier_->PendingCount(sub) == 0; }));
  std::set<std::string> succeeded;
  for (const Delivery& d : Deliveries(sub)) {
    if (d.state == DeliveryState::kSucceeded) succeeded.insert(d.webhook_id);
  }
  EXPECT_EQ(succeeded.size(), 2u);
  EXPECT_TRUE(
      WaitFor([&] { return Gauge("ecoplan_notification_delivery_queue_depth", sub) == 0; }));
  EXPECT_EQ(Gauge("ecoplan_notification_circuit_state", sub), 0);
}

TEST_F(DelivererTest, ADeadReceiverDoesNotSlowTheOthers) {
  Receiver healthy([](int, httplib::Response& res) { res.status = 200; });
  // A listening socket nobody serves: requests are never answered.
  int dead_port;
  {
    httplib::Server probe;
    dead_port = probe.bind_to_any_port("127.0.0.1");
  }
  const std::string dead = Subscribe(absl::StrCat("http://127.0.0.1:", dead_port, "/hook"));
  const std::string live = Subscribe(healthy.url());
  CurlSenderOptions sender;
  sender.timeout = absl::Milliseconds(500);
  StartDeliverer(sender, Fast());
  const absl::Time start = absl::Now();
  Returned("o-a", 20);
  ASSERT_TRUE(WaitFor([&] { return healthy.Deduplicated().size() == 20; }));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  // The receiver has them; the durable record of the last success follows.
  EXPECT_TRUE(WaitFor([&] { return notifier_->PendingCount(live) == 0; }));
  EXPECT_EQ(notifier_->PendingCount(dead), 20);
  ASSERT_TRUE(WaitFor([&] {
    const std::vector<Delivery> d = Deliveries(dead);
    return !d.empty() && d[0].attempt_count > 0;
  }));
  EXPECT_NE(Deliveries(dead)[0].attempts[0].error, "");
  EXPECT_EQ(Gauge("ecoplan_notification_delivery_queue_depth", dead), 20);
  // The gauge follows the durable record a moment later.
  EXPECT_TRUE(
      WaitFor([&] { return Gauge("ecoplan_notification_delivery_queue_depth", live) == 0; }));
  ASSERT_TRUE(WaitFor([&] { return Gauge("ecoplan_notification_circuit_state", dead) == 1; }));
  EXPECT_EQ(Gauge("ecoplan_notification_circuit_state", live), 0);
}

TEST_F(DelivererTest, AddressesOutsideTheAllowedNetworksAreNeverDialled) {
  Receiver receiver([](int, httplib::Response& res) { res.status = 200; });
  const std::string sub = Subscribe(receiver.url());
  StartDeliverer({}, Fast(), "10.0.0.0/8");
  Returned("o-a", 1);
  ASSERT_TRUE(WaitFor([&] {
    std::vector<Delivery> d = Deliveries(sub);
    return !d.empty() && d[0].attempt_count > 0;
  }));
  EXPECT_TRUE(receiver.arrivals().empty());
  EXPECT_EQ(Deliveries(sub)[0].attempts[0].error, "refused by policy");
  EXPECT_EQ(Deliveries(sub)[0].attempts[0].status_code, 0);
}

TEST_F(DelivererTest, ResolvingUrlCheckerRefusesForbiddenAndUnresolvableTargets) {
  WebhookSecurity security;
  security.addresses = *WebhookAddressPolicy::Parse("10.0.0.0/8");
  ResolvingUrlChecker checker(security);
  EXPECT_EQ(checker.CheckUrl("http://127.0.0.1:9/x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(checker.CheckUrl("http://[::1]:9/x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(checker.CheckUrl("gopher://10.0.0.1/").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_OK(checker.CheckUrl("http://10.1.2.3:8080/hook"));
  security.hosts = {"hooks.example"};
  ResolvingUrlChecker by_host(security);
  EXPECT_EQ(by_host.CheckUrl("http://10.1.2.3/hook").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(WebhookAddressPolicy::Parse("10.0.0.0/33").ok());
  EXPECT_FALSE(WebhookAddressPolicy::Parse("not-a-network").ok());
}

// With a fake clock that never moves, a failed delivery's next attempt (an
// hour of backoff, the breaker open for an hour) never comes by itself: only
// the operator's levers bring it forward, and then it happens at once.
TEST_F(DelivererTest, ReEnablingOrReplayingAttemptsTheHeadDeliveryAtOnce) {
  // Ahead of the notifier's real clock, so the deliveries it queues are due from the start.
  common::FakeClock fake(absl::Now() + absl::Minutes(1));
  deliverer_clock_ = &fake;
  std::atomic<bool> down{true};
  Receiver receiver([&](int, httplib::Response& res) { res.status = down ? 503 : 204; });
  const std::string sub = Subscribe(receiver.url());
  DelivererOptions options = Fast();
  options.initial_backoff = absl::Hours(1);
  options.max_backoff = absl::Hours(1);
  options.jitter = 0;
  options.breaker_failures = 1;
  options.breaker_cooldown = absl::Hours(1);
  options.retry_horizon = absl::Hours(48);
  StartDeliverer({}, options);
  Returned("o-a", 2);
  ASSERT_TRUE(WaitFor([&] { return receiver.arrivals().size() == 1; }));
  ASSERT_TRUE(WaitFor([&] {
    const std::vector<Delivery> d = Deliveries(sub);
    return !d.empty() && d[0].attempt_count == 1;
  }));
  EXPECT_EQ(Deliveries(sub)[0].next_attempt_time, fake.Now() + absl::Hours(1));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(receiver.arrivals().size(), 1u);  // waiting out its backoff

  // Re-enabled by an operator (still down): attempted at once, and fails again.
  ASSERT_OK(notifier_->EnableSubscription(sub, true));
  ASSERT_TRUE(WaitFor([&] { return receiver.arrivals().size() == 2; }, absl::Seconds(5)));
  ASSERT_TRUE(WaitFor([&] { return Deliveries(sub)[0].attempt_count == 2; }));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(receiver.arrivals().size(), 2u);

  // The receiver is back; a replay of the head brings it forward too: the head, the second
  // notification and the replay arrive without the clock moving.
  down = false;
  const uint64_t head = Deliveries(sub)[0].number;
  ASSERT_OK(notifier_->ReplayDelivery(sub, head).status());
  ASSERT_TRUE(WaitFor([&] { return receiver.arrivals().size() == 5; }, absl::Seconds(5)))
      << receiver.arrivals().size();
  EXPECT_EQ(receiver.Deduplicated().size(), 2u);
  ASSERT_TRUE(WaitFor([&] { return notifier_->PendingCount(sub) == 0; }));
  EXPECT_EQ(Gauge("ecoplan_notification_circuit_state", sub), 0);
  deliverer_->Stop();  // before `fake` goes
}

// Pacing (DelivererOptions::pacing) holds when attempts start, on the deliverer's clock: with a
// cap of 1 per second and a bucket of 3, three go at once; then the worker books the next start
// a second later and waits for it; an hour's quiet spell earns only the bucket's 3 beyond the
// booked one. All arrive once, in order, recorded.
TEST_F(DelivererTest, PacedAttemptsStartNoFasterThanTheCapAndKeepTheirOrder) {
  common::FakeClock fake(absl::Now() + absl::Minutes(1));
  deliverer_clock_ = &fake;
  Receiver receiver([](int, httplib::Response& res) { res.status = 204; });
  const std::string sub = Subscribe(receiver.url());
  DelivererOptions options = Fast();
  options.workers = 1;  // one booking at a time, so the counts below are exact
  options.pacing.max_per_second = 1;
  options.pacing.burst = 3;
  StartDeliverer({}, options);
  Returned("o-a", 10);
  ASSERT_TRUE(WaitFor([&] { return receiver.arrivals().size() == 3; }));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(receiver.arrivals().size(), 3u);  // the bucket is empty and the clock stands still
  fake.Advance(absl::Seconds(1));
  ASSERT_TRUE(WaitFor([&] { return receiver.arrivals().size() == 4; }));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(receiver.arrivals().size(), 4u);
  fake.Advance(absl::Hours(1));
  ASSERT_TRUE(WaitFor([&] { return receiver.arrivals().size() == 8; }));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(receiver.arrivals().size(), 8u);  // the booked start and the bucket's 3, not 3,600
  fake.Advance(absl::Seconds(2));
  ASSERT_TRUE(WaitFor([&] { return receiver.arrivals().size() == 10; }));
  ASSERT_TRUE(WaitFor([&] { return notifier_->PendingCount(sub) == 0; }));
  std::vector<std::string> expected;
  for (const Delivery& d : Deliveries(sub)) {
    EXPECT_EQ(d.state, DeliveryState::kSucceeded) << d.number;
    EXPECT_EQ(d.attempt_count, 1);
    expected.push_back(d.webhook_id);
  }
  ASSERT_EQ(expected.size(), 10u);
  EXPECT_EQ(receiver.arrivals(), expected);  // in order, each once
  EXPECT_EQ(Attempts(sub, "succeeded"), 10);
  deliverer_->Stop();  // before `fake` goes
}

// The next delivery does not wait for the previous success's write: all 30 arrive, in order,
// while the first group write is held back; then every success is written, none sent twice.
TEST_F(DelivererTest, DeliveriesGoOnInOrderWhileTheirSuccessesAreWrittenLater) {
  Receiver receiver([](int, httplib::Response& res) { res.status = 204; });
  HoldSuccessRecords();
  const std::string sub = Subscribe(receiver.url());
  StartDeliverer({}, Fast());
  Returned("o-a", 30);
  ASSERT_TRUE(WaitFor([&] { return receiver.arrivals().size() == 30; }));
  EXPECT_EQ(holding_->held(), 1);  // one group write in flight, the rest gathered behind it
  EXPECT_EQ(notifier_->PendingCount(sub), 30);  // nothing recorded yet
  std::vector<std::string> expected;
  for (const Delivery& d : Deliveries(sub)) {
    EXPECT_EQ(d.state, DeliveryState::kPending);
    expected.push_back(d.webhook_id);
  }
  ASSERT_EQ(expected.size(), 30u);
  EXPECT_EQ(receiver.arrivals(), expected);  // in order, each once
  EXPECT_EQ(receiver.bad_signatures(), 0);

  holding_->Release();
  ASSERT_TRUE(WaitFor([&] { return notifier_->PendingCount(sub) == 0; }));
  for (const Delivery& d : Deliveries(sub)) {
    EXPECT_EQ(d.state, DeliveryState::kSucceeded) << d.number;
    EXPECT_EQ(d.attempt_count, 1);
  }
  EXPECT_EQ(receiver.arrivals().size(), 30u);
  EXPECT_EQ(Attempts(sub, "succeeded"), 30);
}

// A crash after the POSTs and before their success records reached the disk: after the
// restart those deliveries go again with the same webhook-id (the receiver deduplicates),
// in the same order, and are then recorded; nothing is lost.
TEST_F(DelivererTest, ASuccessNotYetWrittenAtACrashIsSentAgainWithItsWebhookId) {
  Receiver receiver([](int, httplib::Response& res) { res.status = 204; });
  HoldSuccessRecords();
  const std::string sub = Subscribe(receiver.url());
  StartDeliverer({}, Fast());
  Returned("o-a", 5);
  ASSERT_TRUE(WaitFor([&] { return receiver.arrivals().size() == 5; }));
  const std::vector<std::string> first = receiver.arrivals();
  holding_->Crash();  // the held write and every later one never reach the disk
  deliverer_->Stop();
  deliverer_.reset();
  EXPECT_EQ(receiver.arrivals().size(), 5u);

  // The restart: the store holds the 5 deliveries as PENDING.
  notifier_ = std::make_unique<Notifier>(store_.get(), &clock_, &checker_);
  ASSERT_OK(notifier_->Load());
  holding_.reset();
  ASSERT_EQ(notifier_->PendingDeliveries().size(), 5u);
  StartDeliverer({}, Fast());
  ASSERT_TRUE(WaitFor([&] { return receiver.arrivals().size() == 10; }));
  ASSERT_TRUE(WaitFor([&] { return notifier_->PendingCount(sub) == 0; }));
  const std::vector<std::string> all = receiver.arrivals();
  EXPECT_EQ(std::vector<std::string>(all.begin() + 5, all.end()), first);  // same ids, same order
  EXPECT_EQ(receiver.Deduplicated(), first);
  for (const Delivery& d : Deliveries(sub)) EXPECT_EQ(d.state, DeliveryState::kSucceeded);
  EXPECT_EQ(receiver.bad_signatures(), 0);
}

// Keep-alive: a subscription's deliveries share one connection to its receiver.
TEST_F(DelivererTest, ASubscriptionsDeliveriesReuseItsConnection) {
  Receiver receiver([](int, httplib::Response& res) { res.status = 204; });
  const std::string sub = Subscribe(receiver.url());
  StartDeliverer({}, Fast());
  Returned("o-a", 40);
  ASSERT_TRUE(WaitFor([&] { return receiver.Deduplicated().size() == 40; }));
  ASSERT_TRUE(WaitFor([&] { return notifier_->PendingCount(sub) == 0; }));
  // One, or a few if the receiver closed an idle one (after 1 s) on a slow machine.
  EXPECT_LE(receiver.connections(), 3) << "40 deliveries";
  EXPECT_LE(sender_->connections_opened(), 3);
  EXPECT_GE(sender_->connections_opened(), 1);
}

TEST_F(DelivererTest, PendingDeliveriesAreSentAgainAfterARestart) {
  Receiver receiver([](int, httplib::Response& res) { res.status = 200; });
  const std::string sub = Subscribe(receiver.url());
  Returned("o-a", 5);  // queued, no deliverer running: as if killed before sending
  notifier_ = std::make_unique<Notifier>(store_.get(), &clock_, &checker_);
  ASSERT_OK(notifier_->Load());
  EXPECT_EQ(notifier_->PendingDeliveries().size(), 5u);
  StartDeliverer({}, Fast());
  ASSERT_TRUE(WaitFor([&] { return receiver.Deduplicated().size() == 5; }));
  ASSERT_TRUE(WaitFor([&] { return notifier_->PendingCount(sub) == 0; }));
}

}  // namespace

}  // namespace ecoplan::notification
