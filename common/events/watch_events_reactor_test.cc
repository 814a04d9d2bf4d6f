#include "common/events/watch_events_reactor.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/events/event_log.h"
#include "common/storage/rocksdb_db.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/testing/v1/watch_test_service.grpc.pb.h"

namespace ecoplan::common {
namespace {

namespace tv1 = ::ecoplan::testing::v1;

class WatchTestServiceImpl final : public tv1::WatchTestService::CallbackService {
 public:
  explicit WatchTestServiceImpl(WatchEventsHub* hub) : hub_(hub) {}
  void set_db(RocksDb* db) { db_.store(db); }
  // Before the streams it applies to start.
  void set_filter(EventFilter filter) { filter_ = std::move(filter); }

  grpc::ServerWriteReactor<tv1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const tv1::WatchEventsRequest* request) override {
    // The subject a service takes from the caller's credentials, here from metadata.
    std::string subject;
    auto it = context->client_metadata().find("test-subject");
    if (it != context->client_metadata().end())
      subject.assign(it->second.data(), it->second.size());
    return hub_->NewReactor<tv1::WatchEventsResponse>(
        context, db_.load(), request->after_sequence(), filter_, std::move(subject));
  }

 private:
  WatchEventsHub* hub_;
  EventFilter filter_;
  std::atomic<RocksDb*> db_{nullptr};
};

// A client stream with a deadline, so that a missing event fails the test
// instead of hanging it.
struct Watch {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<tv1::WatchEventsResponse>> reader;

  // Reads `n` events; returns their sequences.
  std::vector<uint64_t> Read(size_t n) {
    std::vector<uint64_t> seqs;
    tv1::WatchEventsResponse response;
    while (seqs.size() < n && reader->Read(&response)) seqs.push_back(response.event().sequence());
    return seqs;
  }
};

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

class WatchEventsReactorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenDb();
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    stub_ = tv1::WatchTestService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    hub_.Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    server_->Wait();
    EXPECT_TRUE(hub_.WaitForNoStreams(absl::Seconds(5)));
    db_.reset();
  }

  void OpenDb() {
    RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.event_source = "ecoplan.testing.v1.WatchTestService";
    absl::StatusOr<std::unique_ptr<RocksDb>> db = RocksDb::Open(options);
    ASSERT_OK(db);
    db_ = std::move(*db);
    service_.set_db(db_.get());
  }

  // Commits `requests` changes of `events_each` events.
  void CommitEvents(int requests, int events_each = 1) {
    for (int i = 0; i < requests; ++i) {
      WriteRequest request;
      for (int e = 0; e < events_each; ++e) {
        tv1::WatchEventsRequest payload;
        payload.set_after_sequence(i);
        request.events.push_back(MakeEvent(payload, absl::StrCat("things/", i)));
      }
      ASSERT_OK(db_->Commit(std::move(request)));
    }
  }

  std::unique_ptr<Watch> StartWatch(uint64_t after, const std::string& subject = "") {
    auto watch = std::make_unique<Watch>();
    watch->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    if (!subject.empty()) watch->context.AddMetadata("test-subject", subject);
    tv1::WatchEventsRequest request;
    request.set_after_sequence(after);
    watch->reader = stub_->WatchEvents(&watch->context, request);
    return watch;
  }

  // Waits for the server side of every stream to be gone.
  void ExpectNoOpenStreams() { EXPECT_TRUE(hub_.WaitForNoStreams(absl::Seconds(10))); }

  TempDir dir_;
  std::unique_ptr<RocksDb> db_;
  // Small limits, so that a test reaches them: 32 streams, 2 per subject
  // (more than the other tests keep open while their cancelled ones wind down).
  WatchEventsHub hub_{WatchEventsLimits{32, 2}};
  WatchTestServiceImpl service_{&hub_};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<tv1::WatchTestService::Stub> stub_;
};

TEST_F(WatchEventsReactorTest, ReplaysHistoryAfterTheGivenSequenceInPages) {
  CommitEvents(300);  // More than two pages.
  auto watch = StartWatch(5);
  tv1::WatchEventsResponse first;
  ASSERT_TRUE(watch->reader->Read(&first));
  EXPECT_EQ(first.event().sequence(), 6u);
  EXPECT_EQ(first.event().source(), "ecoplan.testing.v1.WatchTestService");
  EXPECT_EQ(first.event().type(), "ecoplan.testing.v1.WatchEventsRequest");
  EXPECT_EQ(first.event().resource(), "things/5");
  EXPECT_EQ(watch->Read(294), Range(7, 300));
  watch->context.TryCancel();
  EXPECT_EQ(watch->reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  ExpectNoOpenStreams();
}

TEST_F(WatchEventsReactorTest, AFilterPassesEventsOverInHistoryAndLiveAndResumesExactly) {
  // Resources things/0 … things/299 have sequences 1 … 300: keep things/*0.
  service_.set_filter([](const common::v1::Event& e) { return absl::EndsWith(e.resource(), "0"); });
  CommitEvents(300);
  auto watch = StartWatch(5);
  std::vector<uint64_t> expected;
  for (uint64_t s = 11; s <= 291; s += 10) expected.push_back(s);
  EXPECT_EQ(watch->Read(expected.size()), expected);
  // Live: of 20 more (things/0 … things/19 again, sequences 301 … 320) two pass.
  CommitEvents(20);
  EXPECT_EQ(watch->Read(2), (std::vector<uint64_t>{301, 311}));
  watch->context.TryCancel();
  (void)watch->reader->Finish();
  // Resuming after the last sequence received goes on from there, no repeat.
  auto resumed = StartWatch(291);
  EXPECT_EQ(resumed->Read(2), (std::vector<uint64_t>{301, 311}));
  resumed->context.TryCancel();
  (void)resumed->reader->Finish();
  ExpectNoOpenStreams();
}

TEST_F(WatchEventsReactorTest, FollowsCommitsMadeWhileStreaming) {
  CommitEvents(50);
  auto watch = StartWatch(0);
  EXPECT_EQ(watch->Read(10), Range(1, 10));  // Streaming before the writers start.
  constexpr int kThreads = 4;
  constexpr int kPerThread = 125;  // 500 more events, some requests carry two.
  std::vector<std::thread> writers;
  std::atomic<uint64_t> total_events{50};
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread;) {
        const int n = (i + t) % 3 == 0 && i + 1 < kPerThread ? 2 : 1;
        WriteRequest request;
        for (int e = 0; e < n; ++e) {
          tv1::WatchEventsRequest payload;
          request.events.push_back(MakeEvent(payload, absl::StrCat("t", t, "/", i + e)));
        }
        ASSERT_OK(db_->Commit(std::move(request)));
        total_events += n;
        i += n;
      }
    });
  }
  const uint64_t expected_total = 50 + kThreads * kPerThread;
  std::vector<uint64_t> seqs = watch->Read(expected_total - 10);
  for (auto& w : writers) w.join();
  EXPECT_EQ(total_events.load(), expected_total);
  EXPECT_EQ(db_->LastEventSequence(), expected_total);
  EXPECT_EQ(seqs, Range(11, expected_total));  // Every one, once, in order.

  // And it keeps following once caught up.
  CommitEvents(3);
  EXPECT_EQ(watch->Read(3), Range(expected_total + 1, expected_total + 3));
  watch->context.TryCancel();
  watch->reader->Finish();
}

TEST_F(WatchEventsReactorTest, AfterSequenceBeyondTheLogIsOutOfRange) {
  CommitEvents(3);
  auto watch = StartWatch(10);
  tv1::WatchEventsResponse response;
  EXPECT_FALSE(watch->reader->Read(&response));
  const grpc::Status status = watch->reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_NE(status.error_message().find("after_sequence 10 is beyond the last event sequence 3"),
            std::string::npos)
      << status.error_message();

  auto at_end = StartWatch(3);  // Exactly caught up is fine: it waits.
  CommitEvents(1);
  EXPECT_EQ(at_end->Read(1), Range(4, 4));
  at_end->context.TryCancel();
  at_end->reader->Finish();
}

TEST_F(WatchEventsReactorTest, ResumesExactlyAfterTheCursorWhenTheDbIsReopened) {
  CommitEvents(10);
  auto watch = StartWatch(0);
  const std::vector<uint64_t> before = watch->Read(7);
  EXPECT_EQ(before, Range(1, 7));
  watch->context.TryCancel();
  watch->reader->Finish();
  ExpectNoOpenStreams();  // No stream may hold the DB we are about to close.

  db_.reset();
  OpenDb();
  CommitEvents(5);
  auto resumed = StartWatch(before.back());
  EXPECT_EQ(resumed->Read(8), Range(8, 15));
  resumed->context.TryCancel();
  resumed->reader->Finish();
}

TEST_F(WatchEventsReactorTest, ClientCancelEndsTheServerSideWhileCommitsContinue) {
  CommitEvents(20);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop) CommitEvents(1);
  });
  for (int round = 0; round < 20; ++round) {
    std::vector<std::unique_ptr<Watch>> watches;
    for (int i = 0; i < 5; ++i) watches.push_back(StartWatch(static_cast<uint64_t>(i)));
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(watches[i]->Read(3 + round % 4), Range(i + 1, i + 3 + round % 4));
      watches[i]->context.TryCancel();
    }
    for (auto& w : watches)
      EXPECT_EQ(w->reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  ExpectNoOpenStreams();
  stop = true;
  writer.join();
  EXPECT_EQ(hub_.open_streams(), 0u);
  CommitEvents(2);  // No listener of a deleted stream is left to call.
}

TEST_F(WatchEventsReactorTest, HubShutdownEndsOpenStreamsWithUnavailable) {
  CommitEvents(5);
  std::vector<std::unique_ptr<Watch>> watches;
  for (int i = 0; i < 3; ++i) {
    watches.push_back(StartWatch(0));
    EXPECT_EQ(watches.back()->Read(5), Range(1, 5));  // Caught up, waiting.
  }
  EXPECT_EQ(hub_.open_streams(), 3u);
  hub_.Shutdown();
  for (auto& w : watches) {
    tv1::WatchEventsResponse response;
    EXPECT_FALSE(w->reader->Read(&response));
    const grpc::Status status = w->reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(status.error_message(), "server shutting down");
  }
  ExpectNoOpenStreams();

  auto late = StartWatch(0);
  tv1::WatchEventsResponse response;
  EXPECT_FALSE(late->reader->Read(&response));
  EXPECT_EQ(late->reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(WatchEventsReactorTest, EachSubjectAndTheServerHaveALimitOfOpenStreams) {
  CommitEvents(3);
  std::vector<std::unique_ptr<Watch>> watches;
  for (int i = 0; i < 2; ++i) {
    watches.push_back(StartWatch(0, "viewer-a"));
    EXPECT_EQ(watches.back()->Read(3), Range(1, 3));
  }
  // A third stream of the same subject is refused, naming the limit; others still open.
  auto third = StartWatch(0, "viewer-a");
  tv1::WatchEventsResponse response;
  EXPECT_FALSE(third->reader->Read(&response));
  grpc::Status refused = third->reader->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused.error_message(),
            "\"viewer-a\" already has 2 open streams on this server, its limit; close one first");
  auto other = StartWatch(0, "viewer-b");
  EXPECT_EQ(other->Read(3), Range(1, 3));

  // Closing one frees its place.
  watches.back()->context.TryCancel();
  (void)watches.back()->reader->Finish();
  watches.pop_back();
  for (int i = 0; i < 100 && hub_.open_streams() != 2; ++i) absl::SleepFor(absl::Milliseconds(20));
  auto again = StartWatch(0, "viewer-a");
  EXPECT_EQ(again->Read(3), Range(1, 3));
  watches.push_back(std::move(again));

  // The server's total: 32, whoever asks (here without a subject).
  std::vector<std::unique_ptr<Watch>> anonymous;
  for (int i = 0; i < 29; ++i) {
    anonymous.push_back(StartWatch(0));
    EXPECT_EQ(anonymous.back()->Read(3), Range(1, 3));
  }
  EXPECT_EQ(hub_.open_streams(), 32u);
  auto over = StartWatch(0, "viewer-c");
  EXPECT_FALSE(over->reader->Read(&response));
  refused = over->reader->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused.error_message(), "this server has 32 open streams, its limit; retry later");
  for (std::vector<std::unique_ptr<Watch>>* group : {&watches, &anonymous}) {
    for (auto& w : *group) {
      w->context.TryCancel();
      (void)w->reader->Finish();
    }
  }
  other->context.TryCancel();
  (void)other->reader->Finish();
  ExpectNoOpenStreams();
}

TEST_F(WatchEventsReactorTest, ServerShutdownWithoutHubShutdownStillEndsStreams) {
  CommitEvents(2);
  auto watch = StartWatch(0);
  EXPECT_EQ(watch->Read(2), Range(1, 2));
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  tv1::WatchEventsResponse response;
  EXPECT_FALSE(watch->reader->Read(&response));
  EXPECT_FALSE(watch->reader->Finish().ok());
  ExpectNoOpenStreams();
}

// The stream's state machine without gRPC: a fake of the typed reactor's hooks
// records each write and its buffer hint, and the test completes the writes.
class RecordingStream final : public internal::WatchEventsStream {
 public:
  struct Write {
    uint64_t sequence;
    bool buffer_hint;
  };

  RecordingStream(RocksDb* db, uint64_t after, EventFilter filter, std::vector<Write>* writes,
                  std::optional<grpc::Status>* finished, bool* deleted)
      : WatchEventsStream(db, after, nullptr, std::move(filter), ""),
        writes_(writes),
        finished_(finished),
        deleted_(deleted) {
    Start();
  }

  // Completes the write in flight; the next one, if any, starts inline.
  void CompleteWrite() {
    ASSERT_TRUE(in_flight_);
    in_flight_ = false;
    HandleWriteDone(true);
  }
  bool in_flight() const { return in_flight_; }
  void Cancel() { HandleCancel(); }
  void Done() { HandleDone(); }

 private:
  void SendHeaders() override {}
  void StartWriteEvent(common::v1::Event event, bool buffer_hint) override {
    ASSERT_FALSE(in_flight_) << "a second write while one is in flight";
    in_flight_ = true;
    writes_->push_back({event.sequence(), buffer_hint});
  }
  void FinishStream(const grpc::Status& status) override { *finished_ = status; }
  void DeleteSelf() override {
    *deleted_ = true;
    delete this;
  }

  std::vector<Write>* writes_;
  std::optional<grpc::Status>* finished_;
  bool* deleted_;
  bool in_flight_ = false;
};

class WatchEventsStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.event_source = "ecoplan.testing.v1.WatchTestService";
    absl::StatusOr<std::unique_ptr<RocksDb>> db = RocksDb::Open(options);
    ASSERT_OK(db);
    db_ = std::move(*db);
  }

  // One commit of `n` events, resources things/0 … things/<n-1>.
  void CommitBatch(int n) {
    WriteRequest request;
    for (int i = 0; i < n; ++i) {
      tv1::WatchEventsRequest payload;
      request.events.push_back(MakeEvent(payload, absl::StrCat("things/", i)));
    }
    ASSERT_OK(db_->Commit(std::move(request)));
  }

  // Opens a stream after `after` and completes its writes until it has none
  // left to make; returns them.
  std::vector<RecordingStream::Write> Drain(uint64_t after, EventFilter filter = {}) {
    std::vector<RecordingStream::Write> writes;
    auto* stream =
        new RecordingStream(db_.get(), after, std::move(filter), &writes, &finished_, &deleted_);
    while (stream->in_flight()) stream->CompleteWrite();
    stream->Cancel();
    EXPECT_TRUE(finished_.has_value());
    stream->Done();
    EXPECT_TRUE(deleted_);
    return writes;
  }

  TempDir dir_;
  std::unique_ptr<RocksDb> db_;
  std::optional<grpc::Status> finished_;
  bool deleted_ = false;
};

std::vector<uint64_t> SequencesOf(const std::vector<RecordingStream::Write>& writes) {
  std::vector<uint64_t> out;
  for (const auto& w : writes) out.push_back(w.sequence);
  return out;
}

// The writes of a page but its last carry the buffer hint: gRPC may send them
// in one transport write; the last flushes them.
std::vector<uint64_t> UnhintedOf(const std::vector<RecordingStream::Write>& writes) {
  std::vector<uint64_t> out;
  for (const auto& w : writes) {
    if (!w.buffer_hint) out.push_back(w.sequence);
  }
  return out;
}

TEST_F(WatchEventsStreamTest, TheEventsOfOneCommitGoOutBufferedAndTheLastFlushes) {
  CommitBatch(20);  // One upstream event's 20 notifications, say.
  const std::vector<RecordingStream::Write> writes = Drain(0);
  EXPECT_EQ(SequencesOf(writes), Range(1, 20));
  EXPECT_EQ(UnhintedOf(writes), (std::vector<uint64_t>{20}));
}

TEST_F(WatchEventsStreamTest, EachPageEndsWithAFlushSoAtMostOnePageIsBuffered) {
  CommitBatch(300);
  const std::vector<RecordingStream::Write> writes = Drain(10);
  EXPECT_EQ(SequencesOf(writes), Range(11, 300));
  // Pages of kPageSize read after 10: 11…138, 139…266, 267…300.
  static_assert(internal::WatchEventsStream::kPageSize == 128);
  EXPECT_EQ(UnhintedOf(writes), (std::vector<uint64_t>{138, 266, 300}));
}

TEST_F(WatchEventsStreamTest, TheLastEventAFilterAcceptsInAPageFlushes) {
  CommitBatch(20);
  // things/0 … things/19 are sequences 1 … 20: keep things/1, things/3 and things/5 only,
  // so the page ends with events passed over.
  const std::vector<RecordingStream::Write> writes = Drain(0, [](const common::v1::Event& e) {
    return e.resource() == "things/1" || e.resource() == "things/3" || e.resource() == "things/5";
  });
  EXPECT_EQ(SequencesOf(writes), (std::vector<uint64_t>{2, 4, 6}));
  EXPECT_EQ(UnhintedOf(writes), (std::vector<uint64_t>{6}));
}

TEST_F(WatchEventsStreamTest, AFinishRequestedMidPageEndsAfterTheWriteInFlight) {
  CommitBatch(20);
  std::vector<RecordingStream::Write> writes;
  auto* stream = new RecordingStream(db_.get(), 0, {}, &writes, &finished_, &deleted_);
  stream->CompleteWrite();  // 1 done, 2 in flight.
  stream->Cancel();
  EXPECT_FALSE(finished_.has_value());  // Not while a write is in flight.
  stream->CompleteWrite();
  ASSERT_TRUE(finished_.has_value());
  EXPECT_EQ(finished_->error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_FALSE(stream->in_flight());
  EXPECT_EQ(SequencesOf(writes), Range(1, 2));  // The rest of the page is dropped.
  stream->Done();
  EXPECT_TRUE(deleted_);
}

}  // namespace
}  // namespace ecoplan::common
