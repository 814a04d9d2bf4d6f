#include "common/events/watch_events_reactor.h"

#include <grpc/support/time.h>

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"

namespace ecoplan::common {
namespace internal {

namespace v1 = ::ecoplan::common::v1;

WatchEventsStream::WatchEventsStream(RocksDb* db, uint64_t after_sequence, WatchEventsHub* hub,
                                     EventFilter filter, std::string subject)
    : db_(db),
      hub_(hub),
      after_sequence_(after_sequence),
      filter_(std::move(filter)),
      subject_(std::move(subject)),
      cursor_(after_sequence) {}

WatchEventsStream::~WatchEventsStream() = default;

// Runs inside the RPC handler: gRPC does not call any reaction (so neither
// OnDone) before the handler has returned the reactor, so `this` is safe to use
// after FinishStream here.
void WatchEventsStream::Start() {
  if (hub_ != nullptr) {
    const absl::Status admitted = hub_->Register(this);
    registered_ = admitted.ok();
    if (!registered_) {
      RequestFinish(ToGrpcStatus(admitted));
      return;
    }
  }
  const uint64_t last = db_->LastEventSequence();
  if (after_sequence_ > last) {
    RequestFinish(grpc::Status(
        grpc::StatusCode::OUT_OF_RANGE,
        absl::StrCat("after_sequence ", after_sequence_, " is beyond the last event sequence ",
                     last, " of this service; resume from a sequence this service gave you")));
    return;
  }
  // The headers go before the commit listener exists: no write can race them.
  SendHeaders();
  // Registered before the first read, so no commit can slip between the
  // history and the live part.
  listener_id_ = db_->AddCommitListener([this](uint64_t last) { OnCommit(last); });
  Pump();
}

void WatchEventsStream::RequestFinish(grpc::Status status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finish_called_ || finish_requested_.has_value()) return;
    finish_requested_ = std::move(status);
  }
  Pump();
}

void WatchEventsStream::HandleWriteDone(bool ok) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (!ok && !finish_requested_.has_value()) {
      // The stream is broken (client gone); OnCancel may follow, but Finish is
      // required either way for OnDone to come.
      finish_requested_ = grpc::Status(grpc::StatusCode::CANCELLED, "write failed");
    }
  }
  Pump();
}

void WatchEventsStream::HandleCancel() { RequestFinish(grpc::Status::CANCELLED); }

void WatchEventsStream::HandleDone() {
  // Not under `mu_`: RemoveCommitListener waits for a running OnCommit, which
  // takes `mu_`. After it, no listener call can reach this object.
  if (listener_id_ != 0) db_->RemoveCommitListener(listener_id_);
  if (registered_) hub_->Unregister(this);
  Unref();
}

void WatchEventsStream::Ref() {
  std::lock_guard<std::mutex> lock(mu_);
  ++refs_;
}

void WatchEventsStream::Unref() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (--refs_ > 0) return;
  }
  DeleteSelf();
}

void WatchEventsStream::Pump() {
  v1::Event event;
  bool buffer_hint = false;
  grpc::Status status;
  Action action;
  {
    std::unique_lock<std::mutex> lock(mu_);
    action = NextActionLocked(lock, &event, &buffer_hint, &status);
  }
  switch (action) {
    case Action::kWrite:
      StartWriteEvent(std::move(event), buffer_hint);
      break;
    case Action::kFinish:
      FinishStream(status);
      break;
    case Action::kNone:
      break;
  }
}

WatchEventsStream::Action WatchEventsStream::NextActionLocked(std::unique_lock<std::mutex>& lock,
                                                              v1::Event* event, bool* buffer_hint,
                                                              grpc::Status* status) {
  while (true) {
    if (finish_called_ || writing_ || reading_) return Action::kNone;
    if (finish_requested_.has_value()) {
      finish_called_ = true;
      page_.clear();
      *status = *finish_requested_;
      return Action::kFinish;
    }
    if (!page_.empty()) {
      *event = std::move(page_.front());
      page_.pop_front();
      // The rest of the page follows at once; the page's last write flushes.
      *buffer_hint = !page_.empty();
      writing_ = true;
      return Action::kWrite;
    }
    // Caught up: the next commit listener call wakes us. LastEventSequence()
    // is raised only after the events are readable, so reading now is enough.
    const uint64_t from = cursor_;
    if (db_->LastEventSequence() <= from) return Action::kNone;

    // Read without the lock: the committer's listener call must not wait for
    // our I/O. `reading_` keeps every other path from acting meanwhile; they
    // leave their wishes in the state, which the loop looks at again.
    reading_ = true;
    lock.unlock();
    absl::StatusOr<std::vector<v1::Event>> events = db_->ReadEvents(from, kPageSize);
    lock.lock();
    reading_ = false;
    if (!events.ok()) {
      if (!finish_requested_.has_value()) finish_requested_ = ToGrpcStatus(events.status());
      continue;
    }
    uint64_t expected = from + 1;
    for (v1::Event& e : *events) {
      if (e.sequence() != expected) break;
      ++expected;
      // Passed over, not written: the cursor moves on all the same.
      if (!filter_ || filter_(e)) page_.push_back(std::move(e));
    }
    cursor_ = expected - 1;
    if (cursor_ == from && !finish_requested_.has_value()) {
      // The sequence was committed yet its event is not there: pruned log.
      finish_requested_ = grpc::Status(
          grpc::StatusCode::DATA_LOSS,
          absl::StrCat("event ", from + 1, " is no longer in the event log of this service"));
    }
  }
}

// On the committer thread: no I/O and no gRPC calls that could run reactions
// inline; just hand the work to a gRPC executor thread through an alarm.
void WatchEventsStream::OnCommit(uint64_t last_sequence) {
  grpc::Alarm* alarm = nullptr;
  std::unique_ptr<grpc::Alarm> previous;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finish_called_ || finish_requested_.has_value() || writing_ || reading_ || wake_pending_ ||
        !page_.empty() || last_sequence <= cursor_) {
      // Whoever is active (a write, a read, a wake) looks at the last
      // sequence again before going idle.
      return;
    }
    wake_pending_ = true;
    ++refs_;  // Held by the alarm callback.
    previous = std::move(alarm_);
    alarm_ = std::make_unique<grpc::Alarm>();
    alarm = alarm_.get();
  }
  // Outside the lock in case the callback ever ran inline. `alarm` stays valid:
  // alarm_ is replaced only by the next wake, after this one has ended.
  alarm->Set(gpr_now(GPR_CLOCK_MONOTONIC), [this](bool) { OnWake(); });
}

void WatchEventsStream::OnWake() {
  while (true) {
    Pump();
    std::unique_lock<std::mutex> lock(mu_);
    // OnCommit ignored the commits that came while wake_pending_ was set:
    // go again if one of them left work and nothing else is active.
    if (!finish_called_ && !writing_ && !reading_ &&
        (finish_requested_.has_value() || db_->LastEventSequence() > cursor_)) {
      continue;
    }
    wake_pending_ = false;
    if (--refs_ > 0) return;
    lock.unlock();
    DeleteSelf();
    return;
  }
}

}  // namespace internal

WatchEventsHub::~WatchEventsHub() {
  Shutdown();
  WaitForNoStreams(absl::InfiniteDuration());
}

void WatchEventsHub::Shutdown() {
  std::vector<internal::WatchEventsStream*> streams;
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
    streams.assign(streams_.begin(), streams_.end());
    // A reference keeps each stream alive once the lock is released, even if
    // it ends concurrently. Finish is called outside the lock because OnDone
    // (which unregisters, taking `mu_`) might otherwise run into it.
    for (internal::WatchEventsStream* stream : streams) stream->Ref();
  }
  for (internal::WatchEventsStream* stream : streams) {
    stream->RequestFinish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"));
    stream->Unref();
  }
}

size_t WatchEventsHub::open_streams() const {
  absl::MutexLock lock(&mu_);
  return streams_.size();
}

bool WatchEventsHub::WaitForNoStreams(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(
      absl::Condition(
          +[](const absl::flat_hash_set<internal::WatchEventsStream*>* streams) {
            return streams->empty();
          },
          &streams_),
      timeout);
}

absl::Status WatchEventsHub::Register(internal::WatchEventsStream* stream) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return absl::UnavailableError("server shutting down");
  if (streams_.size() >= limits_.max_streams) {
    return absl::ResourceExhaustedError(
        absl::StrCat("this server has ", streams_.size(), " open streams, its limit; retry later"));
  }
  if (!stream->subject_.empty()) {
    size_t& open = streams_per_subject_[stream->subject_];
    if (open >= limits_.max_streams_per_subject) {
      return absl::ResourceExhaustedError(
          absl::StrCat("\"", stream->subject_, "\" already has ", open,
                       " open streams on this server, its limit; close one first"));
    }
    ++open;
  }
  streams_.insert(stream);
  return absl::OkStatus();
}

void WatchEventsHub::Unregister(internal::WatchEventsStream* stream) {
  absl::MutexLock lock(&mu_);
  if (streams_.erase(stream) == 0 || stream->subject_.empty()) return;
  auto it = streams_per_subject_.find(stream->subject_);
  if (it != streams_per_subject_.end() && --it->second == 0) streams_per_subject_.erase(it);
}

}  // namespace ecoplan::common
