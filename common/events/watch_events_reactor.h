#pragma once

// The server side of every service's `WatchEvents(after_sequence)` stream.
//
// Usage in a service (its response message has a field `Event event`):
//
//   class RegistryServiceImpl : public v1::RegistryService::CallbackService {
//     grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
//         grpc::CallbackServerContext* ctx, const v1::WatchEventsRequest* req) override {
//       return hub_.NewReactor<v1::WatchEventsResponse>(ctx, db_, req->after_sequence());
//     }
//     common::WatchEventsHub& hub_;  // owned by main / the harness, like db_
//     common::RocksDb* db_;
//   };
//
// Shutdown order (main.cc, tests/harness): hub.Shutdown() (every open stream
// ends with UNAVAILABLE "server shutting down"; a client reconnects elsewhere or
// later and resumes after the last sequence it processed), then the gRPC
// server's Shutdown(deadline), then destroy the hub and, last, the RocksDb.
// RunUntilSignal's `before_shutdown` is the place for hub.Shutdown().

#include <grpcpp/alarm.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/events/stream_headers.h"
#include "common/storage/rocksdb_db.h"
#include "ecoplan/common/v1/event.pb.h"

namespace ecoplan::common {

class WatchEventsHub;

// Which events of the log a stream carries; empty: all. Called under the
// stream's lock, once per event: it must be quick and must not block. The
// events it passes over still move the stream's cursor, so resuming after the
// last sequence a client received stays exact (it sees gaps in sequences).
using EventFilter = std::function<bool(const ecoplan::common::v1::Event&)>;

namespace internal {

// The state machine behind every WatchEvents reactor, independent of the
// response type. Not for direct use: see NewWatchEventsReactor.
//
// It has one write in flight at a time (gRPC allows no more). Events come
// from the DB in pages of kPageSize (history is never loaded whole); the
// filter is applied as a page is read, so the page holds only events to
// write. Every write but the last of the page carries
// grpc::WriteOptions::set_buffer_hint(): gRPC may then keep it in the
// transport's buffer and complete it at once, so the events of one page (the
// 20 notifications of one upstream event, say) leave in one transport write
// instead of one write, and one completion hop, each. The last write of a page
// is not hinted, so it flushes them all, and the next page is read only after
// its completion: what a slow client makes the server hold stays bounded by
// one page per stream.
//
// When it has caught up it waits for a commit listener call; the listener (on
// the DB's committer thread) does no I/O and never writes to the stream: it
// sets a grpc::Alarm that fires at once on a gRPC executor thread, which reads
// the next page and starts the write. Nothing blocks a gRPC thread, nothing
// polls. The cursor only moves forward, over each event read (written or
// passed over by the filter), so there are no gaps and no repeats; a gap in
// the DB (pruned log) ends the stream with DATA_LOSS instead.
//
// Lifetime: the object deletes itself when no one can touch it any more: gRPC
// has called OnDone (after which the listener is removed and the hub has
// forgotten it) and no alarm callback or hub call is running (a reference
// count under `mu_`).
class WatchEventsStream {
 public:
  static constexpr size_t kPageSize = 128;

  WatchEventsStream(const WatchEventsStream&) = delete;
  WatchEventsStream& operator=(const WatchEventsStream&) = delete;

  // Ends the stream with `status` as soon as no write is in flight (at once
  // if idle). Only the first request counts. Thread-safe.
  void RequestFinish(grpc::Status status);

 protected:
  WatchEventsStream(RocksDb* db, uint64_t after_sequence, WatchEventsHub* hub, EventFilter filter,
                    std::string subject);
  virtual ~WatchEventsStream();

  // Called at the end of the derived constructor (virtual calls work there).
  void Start();
  void HandleWriteDone(bool ok);
  void HandleCancel();
  void HandleDone();

  // Hooks to the typed gRPC reactor. Called without `mu_` held; each call is
  // the last thing its caller does with `this`.
  virtual void SendHeaders() = 0;  // once, before any write: the stream is accepted
  // `buffer_hint`: more events of this page follow at once (see the class
  // comment).
  virtual void StartWriteEvent(ecoplan::common::v1::Event event, bool buffer_hint) = 0;
  virtual void FinishStream(const grpc::Status& status) = 0;
  virtual void DeleteSelf() = 0;

 private:
  friend class ::ecoplan::common::WatchEventsHub;
  enum class Action { kNone, kWrite, kFinish };

  void Pump();
  void OnCommit(uint64_t last_sequence);
  void OnWake();
  void Ref();
  void Unref();
  // With `mu_` held: choose the next action once nothing is in flight.
  Action NextActionLocked(std::unique_lock<std::mutex>& lock, ecoplan::common::v1::Event* event,
                          bool* buffer_hint, grpc::Status* status);

  RocksDb* const db_;
  WatchEventsHub* const hub_;  // May be null.
  const uint64_t after_sequence_;
  const EventFilter filter_;
  const std::string subject_;  // Who opened it, for the hub's per-subject limit; may be empty.

  std::mutex mu_;
  // Sequence of the last event read from the DB (into page_, or passed over
  // by the filter): the next read starts after it.
  uint64_t cursor_ = 0;
  std::deque<ecoplan::common::v1::Event> page_;  // Read, accepted, not yet written.
  bool writing_ = false;
  bool reading_ = false;
  bool wake_pending_ = false;
  bool finish_called_ = false;
  std::optional<grpc::Status> finish_requested_;
  int refs_ = 1;  // gRPC's reference, dropped in OnDone.
  uint64_t listener_id_ = 0;
  bool registered_ = false;
  std::unique_ptr<grpc::Alarm> alarm_;
};

}  // namespace internal

// The gRPC reactor for one WatchEvents call. `Response` is the service's
// response message: it must have `mutable_event()` returning
// ecoplan::common::v1::Event*. Create it with NewWatchEventsReactor or
// WatchEventsHub::NewReactor; it deletes itself.
template <typename Response>
class WatchEventsReactor final : public grpc::ServerWriteReactor<Response>,
                                 public internal::WatchEventsStream {
 public:
  WatchEventsReactor(RocksDb* db, uint64_t after_sequence, WatchEventsHub* hub,
                     EventFilter filter = {}, std::string subject = {})
      : WatchEventsStream(db, after_sequence, hub, std::move(filter), std::move(subject)) {
    Start();
  }

  void OnWriteDone(bool ok) override { HandleWriteDone(ok); }
  void OnCancel() override { HandleCancel(); }
  void OnDone() override { HandleDone(); }

 private:
  void SendHeaders() override { this->StartSendInitialMetadata(); }
  void StartWriteEvent(ecoplan::common::v1::Event event, bool buffer_hint) override {
    // Only touched again after OnWriteDone, so no lock is needed.
    *response_.mutable_event() = std::move(event);
    grpc::WriteOptions options;
    if (buffer_hint) options.set_buffer_hint();
    this->StartWrite(&response_, options);
  }
  void FinishStream(const grpc::Status& status) override { this->Finish(status); }
  void DeleteSelf() override { delete this; }

  Response response_;
};

// Returns the reactor for `WatchEvents(after_sequence)` over `db`'s event log:
//  - OUT_OF_RANGE at once if `after_sequence` > db->LastEventSequence()
//    (the client holds a cursor from another database or a lost future);
//  - otherwise every committed event with sequence > after_sequence, in
//    order, then live commits as they happen, until the client cancels, the
//    server shuts down, or `hub` (if given) is shut down (UNAVAILABLE);
//  - DATA_LOSS if the log has a gap (events pruned), INTERNAL on a read error.
// An accepted stream sends its headers at once, before any event, with
// kLastSequenceHeader: the last committed sequence when it opened, so a
// follower knows it is connected and how far behind it is
// (event_follower.h) even when nothing new happens. With a `filter`, only the
// events it accepts are written (EventFilter). With a `hub` over its limits
// (WatchEventsLimits) the stream ends at once with RESOURCE_EXHAUSTED.
// `db` (and `hub`) must outlive the call: destroy them only after the gRPC
// server has shut down. Call from the RPC handler.
template <typename Response>
grpc::ServerWriteReactor<Response>* NewWatchEventsReactor(grpc::CallbackServerContext* context,
                                                          RocksDb* db, uint64_t after_sequence,
                                                          WatchEventsHub* hub = nullptr,
                                                          EventFilter filter = {},
                                                          std::string subject = {}) {
  context->AddInitialMetadata(kLastSequenceHeader, std::to_string(db->LastEventSequence()));
  return new WatchEventsReactor<Response>(db, after_sequence, hub, std::move(filter),
                                          std::move(subject));
}

// How many streams a hub keeps open at once. A stream holds a page of events
// and a commit listener: without a bound, any authenticated caller could open
// streams until the server runs out of memory (docs/SECURITY.md "Limits").
struct WatchEventsLimits {
  // All streams of the service together.
  size_t max_streams = 2048;
  // The streams of one subject (token subject or certificate name); a follower
  // needs one per upstream, the command center a few.
  size_t max_streams_per_subject = 32;
};

// Tracks a service's open WatchEvents streams so that shutdown can end them
// (otherwise they would hold the gRPC server until its shutdown deadline and
// then end as CANCELLED, which tells the client nothing).
//
// One per service, owned next to the RocksDb (main.cc / tests/harness). It
// must outlive every stream created through it; its destructor calls
// Shutdown() and waits for the open streams to end. Thread-safe.
class WatchEventsHub {
 public:
  explicit WatchEventsHub(WatchEventsLimits limits = {}) : limits_(limits) {}
  ~WatchEventsHub();
  WatchEventsHub(const WatchEventsHub&) = delete;
  WatchEventsHub& operator=(const WatchEventsHub&) = delete;

  // As NewWatchEventsReactor, registered with this hub and counted against
  // `subject`'s limit (empty: only the total limit). After Shutdown() the
  // stream ends at once with UNAVAILABLE; over a limit, with RESOURCE_EXHAUSTED
  // naming it.
  template <typename Response>
  grpc::ServerWriteReactor<Response>* NewReactor(grpc::CallbackServerContext* context, RocksDb* db,
                                                 uint64_t after_sequence, EventFilter filter = {},
                                                 std::string subject = {}) {
    return NewWatchEventsReactor<Response>(context, db, after_sequence, this, std::move(filter),
                                           std::move(subject));
  }

  // Ends every open stream with UNAVAILABLE "server shutting down" (each after
  // its write in flight, if any) and refuses new ones. Does not wait for the
  // streams to be done (see WaitForNoStreams). Idempotent; never blocks on
  // gRPC.
  void Shutdown();

  // Number of streams gRPC has not called OnDone for yet.
  size_t open_streams() const;

  // Waits until open_streams() is 0; false on timeout.
  bool WaitForNoStreams(absl::Duration timeout) const;

 private:
  friend class internal::WatchEventsStream;
  // Unavailable after Shutdown(), ResourceExhausted over a limit; not
  // registered then.
  absl::Status Register(internal::WatchEventsStream* stream);
  void Unregister(internal::WatchEventsStream* stream);

  const WatchEventsLimits limits_;
  mutable absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<internal::WatchEventsStream*> streams_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, size_t> streams_per_subject_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecoplan::common
