// EventFollower against a real upstream (RocksDb + WatchEvents over gRPC on a
// loopback port) and against scripted streams for the failure paths.

#include "common/events/event_follower.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/events/event_log.h"
#include "common/events/watch_events_reactor.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/testing/v1/watch_test_service.grpc.pb.h"

namespace ecoplan::common {
namespace {

namespace tv1 = ::ecoplan::testing::v1;
namespace cv1 = ::ecoplan::common::v1;

class Upstream final : public tv1::WatchTestService::CallbackService {
 public:
  // On a free port, or on `port` (a restart keeps its address).
  explicit Upstream(const std::string& path, int port = 0) {
    RocksDbOptions options;
    options.path = path;
    options.event_source = "upstream";
    db_ = RocksDb::Open(options).value();
    grpc::ServerBuilder builder;
    builder.AddListeningPort(absl::StrCat("127.0.0.1:", port), grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~Upstream() {
    hub_.Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }
  grpc::ServerWriteReactor<tv1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const tv1::WatchEventsRequest* request) override {
    return hub_.NewReactor<tv1::WatchEventsResponse>(context, db_.get(), request->after_sequence());
  }
  void Emit(int n) {
    for (int i = 0; i < n; ++i) {
      WriteRequest w;
      cv1::Event payload;
      payload.set_resource(absl::StrCat("thing/", ++emitted_));
      w.events.push_back(MakeEvent(payload, payload.resource()));
      ASSERT_OK(db_->Commit(std::move(w)));
    }
  }
  int port() const { return port_; }

 private:
  std::unique_ptr<RocksDb> db_;
  WatchEventsHub hub_;
  int port_ = 0;
  int emitted_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

class EventFollowerTest : public ::testing::Test {
 protected:
  void OpenDownstream() {
    RocksDbOptions options;
    options.path = dir_.Sub("down");
    options.column_families = {"effects"};
    ASSERT_OK_AND_ASSIGN(down_, RocksDb::Open(options));
  }

  // A handler that records each event as effects/<sequence>.
  EventHandler Recorder() {
    return [this](const cv1::Event& e) -> absl::StatusOr<FollowEffect> {
      FollowEffect effect;
      effect.write.batch.Put(down_->Cf("effects"), absl::StrCat(e.sequence()), e.resource());
      effect.on_committed = [this] {
        absl::MutexLock lock(&mu_);
        ++handled_;
      };
      return effect;
    };
  }

  std::unique_ptr<EventFollower> Follow(int port, EventHandler handler,
                                        EventFollowerOptions options = {}) {
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    stub_ = tv1::WatchTestService::NewStub(channel_);
    options.name = "upstream";
    options.initial_backoff = absl::Milliseconds(10);
    options.max_backoff = absl::Milliseconds(100);
    return std::make_unique<EventFollower>(
        down_.get(), options,
        MakeWatchEventsOpener<tv1::WatchEventsRequest, tv1::WatchEventsResponse>(stub_.get()),
        std::move(handler));
  }

  common::TempDir dir_;
  std::unique_ptr<RocksDb> down_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<tv1::WatchTestService::Stub> stub_;
  absl::Mutex mu_;
  int handled_ = 0;
};

// A preparation (refreshing stored views) runs before the first stream and
// again before each next one until it succeeds; the stream opens every time.
TEST(PreparedFirstTest, PreparesBeforeStreamsUntilItSucceededOnce) {
  int opened = 0;
  int prepared = 0;
  std::vector<std::string> failures;
  StreamOpener open = PreparedFirst(
      [&](grpc::ClientContext*, uint64_t) -> std::unique_ptr<EventStream> {
        ++opened;
        return nullptr;
      },
      [&]() -> absl::Status {
        return ++prepared == 1 ? absl::UnavailableError("registry down") : absl::OkStatus();
      },
      [&](const absl::Status& failed) { failures.push_back(failed.ToString()); });
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    open(&context, 0);
  }
  EXPECT_EQ(opened, 3);
  EXPECT_EQ(prepared, 2);  // failed, then succeeded; never again
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0], "UNAVAILABLE: registry down");
}

TEST_F(EventFollowerTest, FollowsHistoryThenLiveEventsCommittingEffectAndCursorTogether) {
  OpenDownstream();
  Upstream upstream(dir_.Sub("up"));
  upstream.Emit(3);
  auto follower = Follow(upstream.port(), Recorder());
  ASSERT_OK(follower->Start());
  ASSERT_TRUE(follower->WaitForCursor(3, absl::Seconds(10)));
  upstream.Emit(2);
  ASSERT_TRUE(follower->WaitForCursor(5, absl::Seconds(10)));
  EXPECT_TRUE(follower->connected());
  follower->Stop();
  EXPECT_FALSE(follower->connected());
  for (int seq = 1; seq <= 5; ++seq) {
    ASSERT_OK_AND_ASSIGN(std::string v, down_->Get("effects", absl::StrCat(seq)));
    EXPECT_EQ(v, absl::StrCat("thing/", seq));
  }
  ASSERT_OK_AND_ASSIGN(uint64_t cursor, EventFollower::ReadCursor(down_.get(), "upstream"));
  EXPECT_EQ(cursor, 5u);
}

// The upstream's headers tell the follower it is connected (also when nothing
// happens upstream) and how far behind it is; once it has applied what the
// upstream had, it is current.
TEST_F(EventFollowerTest, KnowsFromTheHeadersThatItIsConnectedAndHowFarBehindItIs) {
  OpenDownstream();
  Upstream upstream(dir_.Sub("up"));
  upstream.Emit(5);
  absl::Notification first_event_seen;
  absl::Notification release;
  EventHandler recorder = Recorder();
  const absl::Time start = absl::Now();
  auto follower = Follow(upstream.port(), [&](const cv1::Event& e) {
    if (e.sequence() == 1) {
      first_event_seen.Notify();
      release.WaitForNotification();
    }
    return recorder(e);
  });
  ASSERT_OK(follower->Start());
  ASSERT_TRUE(first_event_seen.WaitForNotificationWithTimeout(absl::Seconds(10)));
  FollowerStatus behind = follower->status();
  EXPECT_TRUE(behind.connected);
  EXPECT_EQ(behind.cursor, 0u);
  EXPECT_EQ(behind.upstream_sequence, 5u);
  EXPECT_EQ(behind.lag_events(), 5u);
  EXPECT_EQ(behind.caught_up_at, absl::InfinitePast());
  release.Notify();
  ASSERT_TRUE(follower->WaitForCursor(5, absl::Seconds(10)));
  const FollowerStatus current = follower->status();
  EXPECT_EQ(current.lag_events(), 0u);
  EXPECT_GE(current.caught_up_at, start);
  EXPECT_EQ(current.lost_since, absl::InfiniteFuture());
  follower->Stop();

  // Nothing new upstream: connected without a single event.
  auto quiet = Follow(upstream.port(), Recorder());
  ASSERT_OK(quiet->Start());
  for (int i = 0; i < 200 && !quiet->status().connected; ++i)
    absl::SleepFor(absl::Milliseconds(50));
  EXPECT_TRUE(quiet->status().connected);
  EXPECT_EQ(quiet->status().upstream_sequence, 5u);
  EXPECT_EQ(quiet->status().lag_events(), 0u);
}

// A lost upstream: the status says since when; its return is reported once,
// with how long it was lost, and the follower is current again.
TEST_F(EventFollowerTest, SaysSinceWhenTheUpstreamIsLostAndWhenItResumes) {
  OpenDownstream();
  auto upstream = std::make_unique<Upstream>(dir_.Sub("up"));
  const int port = upstream->port();
  upstream->Emit(2);
  absl::Mutex mu;
  std::vector<absl::Duration> resumptions;
  EventFollowerOptions options;
  options.on_resumed = [&](absl::Duration lost_for, const FollowerStatus& s) {
    absl::MutexLock lock(&mu);
    resumptions.push_back(lost_for);
    EXPECT_TRUE(s.connected);
  };
  auto follower = Follow(port, Recorder(), options);
  ASSERT_OK(follower->Start());
  ASSERT_TRUE(follower->WaitForCursor(2, absl::Seconds(10)));

  const absl::Time lost = absl::Now();
  upstream.reset();
  for (int i = 0; i < 200 && follower->status().connected; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  const FollowerStatus cut_off = follower->status();
  EXPECT_FALSE(cut_off.connected);
  EXPECT_GE(cut_off.lost_since, lost);
  EXPECT_LE(cut_off.caught_up_at, cut_off.lost_since);  // last current before the loss
  absl::SleepFor(absl::Milliseconds(300));

  upstream = std::make_unique<Upstream>(dir_.Sub("up"), port);
  upstream->Emit(1);
  ASSERT_TRUE(follower->WaitForCursor(3, absl::Seconds(10)));
  follower->Stop();
  absl::MutexLock lock(&mu);
  ASSERT_EQ(resumptions.size(), 1u);
  EXPECT_GE(resumptions[0], absl::Milliseconds(300));
  EXPECT_EQ(follower->status().lag_events(), 0u);
}

// The status an operator reads: following with no lag (0 s), then, cut off,
// disconnected with a lag in seconds that counts from the loss, and the
// commit time of the last event applied.
TEST_F(EventFollowerTest, StateAndLagInSecondsFollowTheUpstream) {
  OpenDownstream();
  auto upstream = std::make_unique<Upstream>(dir_.Sub("up"));
  upstream->Emit(3);
  const absl::Time before = absl::Now();
  auto follower = Follow(upstream->port(), Recorder());
  EXPECT_EQ(follower->status().state(), FollowerState::kConnecting);
  ASSERT_OK(follower->Start());
  ASSERT_TRUE(follower->WaitForCursor(3, absl::Seconds(10)));
  FollowerStatus current = follower->status();
  EXPECT_EQ(current.state(), FollowerState::kFollowing);
  EXPECT_EQ(current.lag_seconds(absl::Now() + absl::Hours(1)), absl::ZeroDuration());
  EXPECT_GE(current.last_event_time, before - absl::Seconds(1));
  EXPECT_LE(current.last_event_time, absl::Now());

  upstream.reset();
  for (int i = 0; i < 200 && follower->status().connected; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  const FollowerStatus cut = follower->status();
  EXPECT_EQ(cut.state(), FollowerState::kDisconnected);
  EXPECT_EQ(cut.caught_up_at, cut.lost_since);  // current until the loss
  EXPECT_EQ(cut.lag_seconds(cut.lost_since + absl::Seconds(7)), absl::Seconds(7));
  EXPECT_STREQ(FollowerStateName(cut.state()), "disconnected");
  follower->Stop();
}

// A scripted upstream down for a while (the wait grows), then up for one
// stream that breaks: the second outage starts again from the shortest wait.
TEST_F(EventFollowerTest, TheBackoffIsShortAgainOnceAStreamIsAccepted) {
  OpenDownstream();
  class Scripted final : public EventStream {
   public:
    explicit Scripted(bool accept) : accept_(accept) {}
    bool Read(cv1::Event*) override { return false; }
    grpc::Status Finish() override {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, accept_ ? "reset" : "down");
    }
    std::optional<uint64_t> WaitAccepted() override {
      return accept_ ? std::optional<uint64_t>(0) : std::nullopt;
    }

   private:
    const bool accept_;
  };
  absl::Mutex mu;
  std::vector<absl::Time> opened;
  EventFollowerOptions options;
  options.name = "scripted";
  options.initial_backoff = absl::Milliseconds(5);
  options.max_backoff = absl::Seconds(5);
  options.jitter = 0;
  constexpr int kDownBefore = 8;  // waits 5, 10, …, 640 ms: the ninth would be 1.28 s
  EventFollower follower(
      down_.get(), options,
      [&](grpc::ClientContext*, uint64_t) -> std::unique_ptr<EventStream> {
        absl::MutexLock lock(&mu);
        opened.push_back(absl::Now());
        return std::make_unique<Scripted>(static_cast<int>(opened.size()) == kDownBefore + 1);
      },
      Recorder());
  ASSERT_OK(follower.Start());
  {
    absl::MutexLock lock(&mu);
    auto enough = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return opened.size() >= kDownBefore + 3; };
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(20)));
  }
  follower.Stop();
  absl::MutexLock lock(&mu);
  // Before the accepted stream the waits had grown to 640 ms …
  EXPECT_GE(opened[kDownBefore] - opened[kDownBefore - 1], absl::Milliseconds(600));
  // … after it, the first wait is the shortest again, the next one twice that.
  EXPECT_LT(opened[kDownBefore + 1] - opened[kDownBefore], absl::Milliseconds(300));
  EXPECT_LT(opened[kDownBefore + 2] - opened[kDownBefore + 1], absl::Milliseconds(300));
}

TEST_F(EventFollowerTest, ResumesAfterTheDurableCursor) {
  OpenDownstream();
  Upstream upstream(dir_.Sub("up"));
  upstream.Emit(2);
  {
    auto follower = Follow(upstream.port(), Recorder());
    ASSERT_OK(follower->Start());
    ASSERT_TRUE(follower->WaitForCursor(2, absl::Seconds(10)));
  }
  upstream.Emit(3);
  handled_ = 0;
  auto follower = Follow(upstream.port(), Recorder());
  ASSERT_OK(follower->Start());
  ASSERT_TRUE(follower->WaitForCursor(5, absl::Seconds(10)));
  follower->Stop();
  absl::MutexLock lock(&mu_);
  EXPECT_EQ(handled_, 3);  // only the new ones
}

// An upstream restored from a backup to an earlier point: behind the cursor,
// then past it with other events under the same sequences. Nothing of it is
// applied or skipped; the follower says why, once; back on its own history
// (the original upstream again) it resumes by itself.
TEST_F(EventFollowerTest, AnUpstreamRestoredToAnEarlierPointIsNotFollowedAndSaysWhy) {
  OpenDownstream();
  auto original = std::make_unique<Upstream>(dir_.Sub("up"));
  const int port = original->port();
  original->Emit(5);
  {
    auto follower = Follow(port, Recorder());
    ASSERT_OK(follower->Start());
    ASSERT_TRUE(follower->WaitForCursor(5, absl::Seconds(10)));
  }
  original.reset();

  // The restored upstream holds only 3 events.
  auto restored = std::make_unique<Upstream>(dir_.Sub("restored"), port);
  restored->Emit(3);
  handled_ = 0;
  absl::Mutex reasons_mu;
  std::vector<std::string> reasons;
  EventFollowerOptions options;
  options.on_diverged = [&](const std::string& reason) {
    absl::MutexLock lock(&reasons_mu);
    reasons.push_back(reason);
  };
  auto follower = Follow(port, Recorder(), options);
  ASSERT_OK(follower->Start());
  auto state_is = [&](FollowerState state) {
    for (int i = 0; i < 500; ++i) {
      if (follower->status().state() == state) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  };
  ASSERT_TRUE(state_is(FollowerState::kDiverged));
  EXPECT_NE(follower->status().diverged.find("restored to an earlier point"), std::string::npos)
      << follower->status().diverged;
  // It writes anew past the cursor: event 5 is another one; still not followed.
  restored->Emit(4);
  absl::SleepFor(absl::Milliseconds(500));  // several checks at the longest backoff
  EXPECT_EQ(follower->status().state(), FollowerState::kDiverged);
  EXPECT_NE(follower->status().diverged.find("is not the event 5"), std::string::npos)
      << follower->status().diverged;
  EXPECT_EQ(follower->cursor(), 5u);
  {
    absl::MutexLock lock(&mu_);
    EXPECT_EQ(handled_, 0) << "events of another history were applied";
  }
  restored.reset();

  // The upstream's own history again (its restore undone): followed from event 6.
  original = std::make_unique<Upstream>(dir_.Sub("up"), port);
  ASSERT_TRUE(state_is(FollowerState::kFollowing)) << follower->status().diverged;
  original->Emit(1);
  ASSERT_TRUE(follower->WaitForCursor(6, absl::Seconds(10)));
  follower->Stop();
  absl::MutexLock lock(&reasons_mu);
  ASSERT_GE(reasons.size(), 3u);
  // Behind the cursor: said from the upstream's headers (its last event is 3)
  // or its OUT_OF_RANGE answer, whichever comes first.
  EXPECT_NE(reasons.front().find("event 5"), std::string::npos) << reasons.front();
  EXPECT_NE(reasons.front().find("restored to an earlier point"), std::string::npos)
      << reasons.front();
  EXPECT_EQ(reasons.back(), "") << "the resumption is said too";
  absl::MutexLock effects(&mu_);
  EXPECT_EQ(handled_, 1);
}

TEST_F(EventFollowerTest, AFailedHandlerGetsTheEventAgainAfterABackoffAndItTakesEffectOnce) {
  OpenDownstream();
  Upstream upstream(dir_.Sub("up"));
  upstream.Emit(3);
  int calls_for_2 = 0;
  EventHandler recorder = Recorder();
  auto follower = Follow(upstream.port(), [&](const cv1::Event& e) -> absl::StatusOr<FollowEffect> {
    if (e.sequence() == 2 && ++calls_for_2 < 3)
      return absl::UnavailableError("upstream read failed");
    return recorder(e);
  });
  ASSERT_OK(follower->Start());
  ASSERT_TRUE(follower->WaitForCursor(3, absl::Seconds(10)));
  follower->Stop();
  EXPECT_EQ(calls_for_2, 3);
  EXPECT_GE(follower->connect_attempts(), 3);
  absl::MutexLock lock(&mu_);
  EXPECT_EQ(handled_, 3);
}

TEST_F(EventFollowerTest, ReconnectsWhenTheUpstreamComesUpAndStopInterruptsTheBackoff) {
  OpenDownstream();
  // Scripted upstream: the first attempts fail as an unreachable server does.
  absl::Mutex mu;
  int opened = 0;
  class Scripted final : public EventStream {
   public:
    explicit Scripted(std::deque<cv1::Event> events, grpc::Status end)
        : events_(std::move(events)), end_(std::move(end)) {}
    bool Read(cv1::Event* e) override {
      if (events_.empty()) return false;
      *e = events_.front();
      events_.pop_front();
      return true;
    }
    grpc::Status Finish() override { return end_; }

   private:
    std::deque<cv1::Event> events_;
    grpc::Status end_;
  };
  EventFollowerOptions options;
  options.name = "scripted";
  options.initial_backoff = absl::Milliseconds(5);
  options.max_backoff = absl::Seconds(30);
  std::vector<absl::Status> errors;
  options.on_error = [&](const absl::Status& s) { errors.push_back(s); };
  EventFollower follower(
      down_.get(), options,
      [&](grpc::ClientContext*, uint64_t after) -> std::unique_ptr<EventStream> {
        absl::MutexLock lock(&mu);
        if (++opened <= 3) {
          return std::make_unique<Scripted>(std::deque<cv1::Event>{},
                                            grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
        }
        std::deque<cv1::Event> events;
        for (uint64_t s = after + 1; s <= 2; ++s) {
          cv1::Event e;
          e.set_sequence(s);
          events.push_back(e);
        }
        return std::make_unique<Scripted>(events, grpc::Status(grpc::StatusCode::UNAVAILABLE, "x"));
      },
      Recorder());
  ASSERT_OK(follower.Start());
  ASSERT_TRUE(follower.WaitForCursor(2, absl::Seconds(10)));
  // The backoff keeps growing while streams keep ending without events;
  // Stop() must not wait for it.
  const absl::Time stop_start = absl::Now();
  follower.Stop();
  EXPECT_LT(absl::Now() - stop_start, absl::Seconds(5));
  EXPECT_GE(errors.size(), 3u);
  EXPECT_EQ(errors[0].code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ecoplan::common
