#pragma once

// The consumer side of another service's WatchEvents stream.
//
// An EventFollower runs one thread that opens the upstream stream after its
// durable cursor, hands every event to a handler, and commits the handler's
// effects together with the new cursor in ONE RocksDB write: after a crash it
// resumes exactly after the last event whose effects are on disk, so each
// event takes effect exactly once. When the upstream is down or the stream
// breaks, it reconnects with exponential backoff and jitter (bounded; Stop()
// interrupts the wait and cancels the open stream).
//
// Generic over the upstream service: every service has its own
// WatchEventsRequest/Response types, so the stream is opened through a
// StreamOpener, e.g.
//
//   auto stub = registry::v1::RegistryService::NewStub(channel);
//   common::EventFollower follower(
//       db, {.name = "registry"},
//       common::MakeWatchEventsOpener<registry::v1::WatchEventsRequest,
//                                     registry::v1::WatchEventsResponse>(stub.get()),
//       [&](const common::v1::Event& e) -> absl::StatusOr<common::FollowEffect> { ... });
//   ECOPLAN_RETURN_IF_ERROR(follower.Start());
//
// The handler runs on the follower's thread, so it may block (e.g. make a
// read call to the upstream, such as ExportPlan after PlanImported). It must
// not commit itself: it returns the WriteRequest to commit. An error from the
// handler (or the commit) closes the stream and the event is delivered again
// after the backoff.
//
// The upstream's history is checked at every (re)connection: the follower
// keeps, with its cursor, the identity of the last event it applied (sequence,
// commit time, type) and opens the stream one event earlier, so the first
// event must be that one. An upstream restored from a backup to an earlier
// point (its last sequence behind the cursor: OUT_OF_RANGE or its headers)
// or one that has since written other events under the same sequences is
// not followed: nothing is applied or skipped silently, the status says
// `diverged` with the reason (on_diverged, once per episode), and the
// follower checks again at its longest backoff, resuming by itself if the
// upstream's history becomes its own again (docs/OPERATIONS.md "Backup and
// restore").
//
// What the follower knows of its upstream (status(): connected, cursor, the
// upstream's last sequence, when it was last caught up) is reported through
// `on_status` as it changes, and a stream accepted after failures through
// `on_resumed`; common/server/upstream.h turns both into logs and metrics.
//
// Thread-safe. `db` must outlive the follower.

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>
#include <grpcpp/support/sync_stream.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/storage/rocksdb_db.h"
#include "ecoplan/common/v1/event.pb.h"

namespace ecoplan::common {

// One open upstream stream, independent of the service's message types.
class EventStream {
 public:
  virtual ~EventStream() = default;
  // The next event; false when the stream ended (then call Finish).
  virtual bool Read(ecoplan::common::v1::Event* event) = 0;
  // The stream's final status.
  virtual grpc::Status Finish() = 0;
  // Waits until the upstream has accepted the stream (its headers arrived)
  // and returns its last committed sequence then (kLastSequenceHeader);
  // nullopt when the stream failed first or the upstream did not say.
  virtual std::optional<uint64_t> WaitAccepted() { return std::nullopt; }
};

// The upstream's last sequence in the headers of an accepted stream.
std::optional<uint64_t> LastSequenceOf(const grpc::ClientContext& context);

// Opens the stream of events with sequence > after_sequence within `context`.
using StreamOpener = std::function<std::unique_ptr<EventStream>(grpc::ClientContext* context,
                                                                uint64_t after_sequence)>;

// Wraps `open` so that `prepare` runs on the follower's thread before a stream
// opens, until it has succeeded once (e.g. bringing up to date what an older
// release stored); a failure goes to `on_failure` and is tried again before
// the next stream. The stream is opened either way.
StreamOpener PreparedFirst(StreamOpener open, std::function<absl::Status()> prepare,
                           std::function<void(const absl::Status&)> on_failure);

// A StreamOpener over a generated stub's WatchEvents(Request) → stream of
// Response{Event event}, e.g. MakeWatchEventsOpener<v1::WatchEventsRequest,
// v1::WatchEventsResponse>(stub.get()). `stub` must outlive the follower.
template <typename Response>
class ReaderEventStream final : public EventStream {
 public:
  ReaderEventStream(std::unique_ptr<grpc::ClientReaderInterface<Response>> reader,
                    const grpc::ClientContext* context)
      : reader_(std::move(reader)), context_(context) {}
  bool Read(ecoplan::common::v1::Event* event) override {
    if (!reader_->Read(&response_)) return false;
    *event = std::move(*response_.mutable_event());
    return true;
  }
  grpc::Status Finish() override { return reader_->Finish(); }
  std::optional<uint64_t> WaitAccepted() override {
    reader_->WaitForInitialMetadata();
    return LastSequenceOf(*context_);
  }

 private:
  std::unique_ptr<grpc::ClientReaderInterface<Response>> reader_;
  const grpc::ClientContext* const context_;
  Response response_;
};

template <typename Request, typename Response, typename Stub>
StreamOpener MakeWatchEventsOpener(Stub* stub) {
  return [stub](grpc::ClientContext* context, uint64_t after) -> std::unique_ptr<EventStream> {
    Request request;
    request.set_after_sequence(after);
    return std::make_unique<ReaderEventStream<Response>>(stub->WatchEvents(context, request),
                                                         context);
  };
}

// What handling one event changes: `write` is committed together with the
// cursor; `on_committed` (optional) runs after the commit succeeded (e.g. to
// publish an in-memory view), on the follower's thread.
struct FollowEffect {
  WriteRequest write;
  std::function<void()> on_committed;
};

using EventHandler =
    std::function<absl::StatusOr<FollowEffect>(const ecoplan::common::v1::Event& event)>;

// Where a follower stands with its upstream (FollowerStatus::state()).
enum class FollowerState {
  kConnecting,    // started, no stream accepted yet and none lost
  kFollowing,     // an accepted stream is open
  kDisconnected,  // the upstream was lost at lost_since; reconnecting with backoff
  kDiverged,      // the upstream's history is not the one applied: not followed
};

// "connecting", "following", "disconnected", "diverged".
const char* FollowerStateName(FollowerState state);

// What a follower knows of its upstream.
struct FollowerStatus {
  // A stream is open and the upstream accepted it (or sent an event on it).
  bool connected = false;
  // The last event applied durably.
  uint64_t cursor = 0;
  // The upstream's last sequence as last heard (headers of an accepted
  // stream, or an event); never below cursor. A follower cut off from its
  // upstream cannot hear of later events, so lag_events() stays where it was
  // until the upstream is back: lag_seconds() is the figure that grows.
  uint64_t upstream_sequence = 0;
  // The last moment the follower knew it held every upstream event: when the
  // cursor last reached upstream_sequence while connected, or, when a stream
  // that was current breaks, the moment the break was noticed. While
  // connected with no lag it is current now (new events are pushed to it).
  // InfinitePast until the first time.
  absl::Time caught_up_at = absl::InfinitePast();
  // Since when the upstream has been lost (InfiniteFuture while connected or
  // before the first stream).
  absl::Time lost_since = absl::InfiniteFuture();
  // commit_time of the last event applied by this process (InfinitePast
  // until one is: the cursor alone is kept across restarts).
  absl::Time last_event_time = absl::InfinitePast();
  // When the follower started (Start()).
  absl::Time started_at = absl::InfinitePast();
  // Why the upstream is not followed: its history is not the one applied
  // (restored to an earlier point). Empty while it is.
  std::string diverged;

  // Events known to exist upstream and not applied yet.
  uint64_t lag_events() const { return upstream_sequence - cursor; }
  FollowerState state() const {
    if (!diverged.empty()) return FollowerState::kDiverged;
    if (connected) return FollowerState::kFollowing;
    return lost_since != absl::InfiniteFuture() ? FollowerState::kDisconnected
                                                : FollowerState::kConnecting;
  }
  // How long the follower's view may be out of date at `now`: zero while it
  // follows with no known lag; otherwise now minus the last moment its view
  // is known to have been exact, which is the later of caught_up_at and
  // last_event_time (the upstream had nothing newer than an applied event
  // before that event's commit) — or started_at when neither is known. So
  // while the upstream is lost it counts from the loss even when nothing was
  // written upstream since (the follower cannot know), and while it catches
  // up it is now minus the commit time of the last applied event.
  absl::Duration lag_seconds(absl::Time now) const {
    if (connected && lag_events() == 0) return absl::ZeroDuration();
    absl::Time exact = std::max(caught_up_at, last_event_time);
    if (exact == absl::InfinitePast()) exact = started_at;
    if (exact == absl::InfinitePast() || now <= exact) return absl::ZeroDuration();
    return now - exact;
  }
};

struct EventFollowerOptions {
  // Names the cursor: meta key "cursor/<name>". Required, unique per upstream.
  std::string name;
  // First wait after a failure; doubles per failure up to max_backoff, and
  // is short again once a stream is accepted (or an event applied), so a
  // second outage starts with the short wait.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(10);
  // Each wait is multiplied by a random factor in [1 - jitter, 1 + jitter].
  double jitter = 0.2;
  // Optional: whether the upstream channel is connected now (e.g. the channel
  // is READY); connected() is false without a stream regardless.
  std::function<bool()> channel_ready;
  // Optional: called with every failure (for logs and metrics), on the follower's thread.
  std::function<void(const absl::Status&)> on_error;
  // Optional: called whenever status() changes (accepted, an event applied,
  // a failure), on the follower's thread.
  std::function<void(const FollowerStatus&)> on_status;
  // Optional: called when a stream is accepted after failures, with how long
  // the upstream was lost, on the follower's thread.
  std::function<void(absl::Duration lost_for, const FollowerStatus&)> on_resumed;
  // Optional: called once when the upstream's history is found not to be the
  // one applied (with why), and once with an empty reason when it is again;
  // on the follower's thread.
  std::function<void(const std::string& reason)> on_diverged;
};

class EventFollower {
 public:
  EventFollower(RocksDb* db, EventFollowerOptions options, StreamOpener open, EventHandler handler);
  // Stop().
  ~EventFollower();
  EventFollower(const EventFollower&) = delete;
  EventFollower& operator=(const EventFollower&) = delete;

  // Reads the cursor and starts following. Errors: DataLoss (corrupt cursor),
  // InvalidArgument (no name), FailedPrecondition (started twice).
  absl::Status Start();
  // Cancels the stream and any backoff wait and joins the thread. Idempotent.
  void Stop();

  // Sequence of the last event whose effects are durable.
  uint64_t cursor() const;
  // What the follower knows of its upstream now.
  FollowerStatus status() const;
  // True while a stream is open (and the channel is ready, if known).
  bool connected() const;
  // Number of streams opened so far.
  int64_t connect_attempts() const { return attempts_.load(); }
  // Waits until cursor() >= sequence; false on timeout.
  bool WaitForCursor(uint64_t sequence, absl::Duration timeout) const;

  // The durable cursor of follower `name` in `db` (0 when none).
  static absl::StatusOr<uint64_t> ReadCursor(RocksDb* db, absl::string_view name);

 private:
  void Loop();
  // Waits `d` unless stopped first; false when stopped.
  bool Sleep(absl::Duration d);
  void Fail(const absl::Status& status);
  // The stream is accepted; the upstream's last sequence is `upstream_last`
  // (nullopt: not told).
  void Accepted(std::optional<uint64_t> upstream_last);
  // Event `sequence`, committed upstream at `commit_time`, is applied durably.
  void Applied(uint64_t sequence, absl::Time commit_time);
  // The upstream's history is not the one applied (`reason`), or is again (empty).
  void Diverged(const std::string& reason);

  RocksDb* const db_;
  const EventFollowerOptions options_;
  const StreamOpener open_;
  const EventHandler handler_;
  std::atomic<int64_t> attempts_{0};

  // The identity of the last event applied, kept with the cursor (meta key
  // "cursor-event/<name>") and checked against the upstream at every
  // connection. Used by Start() and then the follower's thread only.
  struct AppliedEvent {
    uint64_t sequence = 0;
    int64_t commit_unix_nanos = 0;
    std::string type;
    bool operator==(const AppliedEvent& o) const {
      return sequence == o.sequence && commit_unix_nanos == o.commit_unix_nanos && type == o.type;
    }
  };
  static AppliedEvent IdentityOf(const ecoplan::common::v1::Event& event);
  std::optional<AppliedEvent> last_applied_;

  mutable absl::Mutex mu_;
  FollowerStatus status_ ABSL_GUARDED_BY(mu_);
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool streaming_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread thread_;
};

}  // namespace ecoplan::common
