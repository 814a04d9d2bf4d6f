#include "common/events/event_follower.h"

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/events/stream_headers.h"
#include "common/status/grpc_status.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"

namespace ecoplan::common {
namespace {

constexpr char kMetaCf[] = "meta";

std::string CursorKey(absl::string_view name) { return absl::StrCat("cursor/", name); }
std::string CursorEventKey(absl::string_view name) { return absl::StrCat("cursor-event/", name); }

}  // namespace

const char* FollowerStateName(FollowerState state) {
  switch (state) {
    case FollowerState::kConnecting:
      return "connecting";
    case FollowerState::kFollowing:
      return "following";
    case FollowerState::kDisconnected:
      return "disconnected";
    case FollowerState::kDiverged:
      return "diverged";
  }
  return "unknown";
}

std::optional<uint64_t> LastSequenceOf(const grpc::ClientContext& context) {
  const auto& headers = context.GetServerInitialMetadata();
  const auto found = headers.find(kLastSequenceHeader);
  uint64_t sequence = 0;
  if (found == headers.end() ||
      !absl::SimpleAtoi(absl::string_view(found->second.data(), found->second.size()), &sequence)) {
    return std::nullopt;
  }
  return sequence;
}

EventFollower::EventFollower(RocksDb* db, EventFollowerOptions options, StreamOpener open,
                             EventHandler handler)
    : db_(db), options_(std::move(options)), open_(std::move(open)), handler_(std::move(handler)) {}

EventFollower::~EventFollower() { Stop(); }

absl::StatusOr<uint64_t> EventFollower::ReadCursor(RocksDb* db, absl::string_view name) {
  absl::StatusOr<std::string> value = db->Get(kMetaCf, CursorKey(name));
  if (absl::IsNotFound(value.status())) return 0;
  if (!value.ok()) return value.status();
  std::optional<uint64_t> cursor = DecodeUint64(*value);
  if (!cursor) return absl::DataLossError(absl::StrCat("cursor of follower ", name, " is corrupt"));
  return *cursor;
}

EventFollower::AppliedEvent EventFollower::IdentityOf(const ecoplan::common::v1::Event& event) {
  AppliedEvent id;
  id.sequence = event.sequence();
  id.commit_unix_nanos = event.commit_time().seconds() * 1000000000 + event.commit_time().nanos();
  id.type = event.type();
  return id;
}

absl::Status EventFollower::Start() {
  if (options_.name.empty()) return absl::InvalidArgumentError("EventFollower needs a name");
  ECOPLAN_ASSIGN_OR_RETURN(uint64_t cursor, ReadCursor(db_, options_.name));
  // "<sequence> <commit unix nanos> <type>"; absent when written by an older
  // release (then only the upstream's last sequence is checked).
  absl::StatusOr<std::string> identity = db_->Get(kMetaCf, CursorEventKey(options_.name));
  if (identity.ok()) {
    std::vector<std::string> parts = absl::StrSplit(*identity, absl::MaxSplits(' ', 2));
    AppliedEvent last;
    if (parts.size() == 3 && absl::SimpleAtoi(parts[0], &last.sequence) &&
        absl::SimpleAtoi(parts[1], &last.commit_unix_nanos) && last.sequence == cursor) {
      last.type = parts[2];
      last_applied_ = last;
    }
  } else if (!absl::IsNotFound(identity.status())) {
    return identity.status();
  }
  absl::MutexLock lock(&mu_);
  if (started_) return absl::FailedPreconditionError("EventFollower started twice");
  started_ = true;
  status_.cursor = cursor;
  status_.upstream_sequence = cursor;
  status_.started_at = absl::Now();
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void EventFollower::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

uint64_t EventFollower::cursor() const {
  absl::MutexLock lock(&mu_);
  return status_.cursor;
}

FollowerStatus EventFollower::status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

bool EventFollower::connected() const {
  {
    absl::MutexLock lock(&mu_);
    if (!streaming_) return false;
  }
  return !options_.channel_ready || options_.channel_ready();
}

bool EventFollower::WaitForCursor(uint64_t sequence, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto reached = [this, sequence]()
                     ABSL_SHARED_LOCKS_REQUIRED(mu_) { return status_.cursor >= sequence; };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

bool EventFollower::Sleep(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
  mu_.AwaitWithTimeout(absl::Condition(&stopping), d);
  return !stopping_;
}

void EventFollower::Fail(const absl::Status& status) {
  FollowerStatus snapshot;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    // A stream that was current until now: the view was exact until the break.
    if (status_.connected && status_.lag_events() == 0) status_.caught_up_at = now;
    status_.connected = false;
    if (status_.lost_since == absl::InfiniteFuture()) status_.lost_since = now;
    snapshot = status_;
  }
  if (options_.on_error) options_.on_error(status);
  if (options_.on_status) options_.on_status(snapshot);
}

void EventFollower::Accepted(std::optional<uint64_t> upstream_last) {
  const absl::Time now = absl::Now();
  FollowerStatus snapshot;
  absl::Time lost_since;
  {
    absl::MutexLock lock(&mu_);
    lost_since = status_.lost_since;
    status_.connected = true;
    status_.lost_since = absl::InfiniteFuture();
    if (upstream_last.has_value()) {
      status_.upstream_sequence = std::max(status_.upstream_sequence, *upstream_last);
    }
    if (status_.cursor >= status_.upstream_sequence) status_.caught_up_at = now;
    snapshot = status_;
  }
  if (lost_since != absl::InfiniteFuture() && options_.on_resumed) {
    options_.on_resumed(now - lost_since, snapshot);
  }
  if (options_.on_status) options_.on_status(snapshot);
}

void EventFollower::Applied(uint64_t sequence, absl::Time commit_time) {
  FollowerStatus snapshot;
  {
    absl::MutexLock lock(&mu_);
    status_.cursor = sequence;
    status_.last_event_time = commit_time;
    status_.upstream_sequence = std::max(status_.upstream_sequence, sequence);
    if (status_.cursor >= status_.upstream_sequence) status_.caught_up_at = absl::Now();
    snapshot = status_;
  }
  if (options_.on_status) options_.on_status(snapshot);
}

void EventFollower::Diverged(const std::string& reason) {
  FollowerStatus snapshot;
  bool changed;
  {
    absl::MutexLock lock(&mu_);
    changed = status_.diverged != reason;
    status_.diverged = reason;
    snapshot = status_;
  }
  if (!changed) return;
  if (options_.on_diverged) options_.on_diverged(reason);
  if (options_.on_status) options_.on_status(snapshot);
}

void EventFollower::Loop() {
  std::mt19937_64 random(std::random_device{}());
  std::uniform_real_distribution<double> jitter(1.0 - options_.jitter, 1.0 + options_.jitter);
  absl::Duration backoff = options_.initial_backoff;
  // The last stream ended because the handler (or the commit) failed on an
  // event: its acceptance says nothing of the upstream, the wait keeps growing.
  bool handler_failed = false;
  while (true) {
    grpc::ClientContext context;
    uint64_t after;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      context_ = &context;
      streaming_ = true;
      after = status_.cursor;
    }
    ++attempts_;
    const uint64_t opened_after = after;
    // With the identity of the last event applied, the stream starts at that
    // event, to check the upstream still has it.
    const bool check_last = last_applied_.has_value() && after > 0;
    std::unique_ptr<EventStream> stream = open_(&context, check_last ? after - 1 : after);
    std::string diverged;
    // An upstream that says nothing in its headers shows the connection with
    // its first event.
    const std::optional<uint64_t> upstream_last = stream->WaitAccepted();
    bool accepted = upstream_last.has_value();
    if (upstream_last.has_value() && *upstream_last < after) {
      diverged = absl::StrCat("the upstream's last event is ", *upstream_last, " but event ", after,
                              " was applied here: it was restored to an earlier point");
    }
    // The upstream is back: the next failure starts with a short wait again.
    if (accepted && diverged.empty()) {
      Accepted(upstream_last);
      if (!handler_failed) backoff = options_.initial_backoff;
      if (!check_last) Diverged("");
    }
    absl::Status failure;
    ecoplan::common::v1::Event event;
    bool checked = !check_last;
    while (diverged.empty() && stream->Read(&event)) {
      if (!checked) {
        checked = true;
        if (event.sequence() != after || !(IdentityOf(event) == *last_applied_)) {
          diverged = absl::StrCat(
              "the upstream's event ", event.sequence(), " (", event.type(), ") is not the event ",
              after, " (", last_applied_->type,
              ") applied here: the upstream was restored to an earlier point and wrote other "
              "events since");
          break;
        }
        Diverged("");
        continue;  // the event applied last
      }
      if (!accepted) {
        Accepted(std::nullopt);
        accepted = true;
        if (!handler_failed) backoff = options_.initial_backoff;
      }
      if (event.sequence() <= after) continue;  // already applied (never expected)
      absl::StatusOr<FollowEffect> effect = handler_(event);
      absl::Status status = effect.status();
      const AppliedEvent applied = IdentityOf(event);
      if (status.ok()) {
        status = FromRocksDb(effect->write.batch.Put(db_->Cf(kMetaCf), CursorKey(options_.name),
                                                     EncodeUint64(event.sequence())),
                             "put cursor");
      }
      if (status.ok()) {
        status = FromRocksDb(
            effect->write.batch.Put(
                db_->Cf(kMetaCf), CursorEventKey(options_.name),
                absl::StrCat(applied.sequence, " ", applied.commit_unix_nanos, " ", applied.type)),
            "put cursor event");
      }
      if (status.ok()) status = db_->Commit(std::move(effect->write)).status();
      if (!status.ok()) {
        failure = absl::Status(status.code(), absl::StrCat("event ", event.sequence(), " (",
                                                           event.type(), "): ", status.message()));
        context.TryCancel();
        while (stream->Read(&event)) {
        }
        break;
      }
      if (effect->on_committed) effect->on_committed();
      last_applied_ = applied;
      after = event.sequence();
      Applied(after, event.has_commit_time()
                         ? absl::FromUnixSeconds(event.commit_time().seconds()) +
                               absl::Nanoseconds(event.commit_time().nanos())
                         : absl::InfinitePast());
    }
    if (!diverged.empty()) {
      context.TryCancel();
      while (stream->Read(&event)) {
      }
    }
    // Events were applied: the next failure starts with a short wait again.
    // An event the handler keeps failing on makes the wait grow.
    if (after > opened_after) backoff = options_.initial_backoff;
    handler_failed = !failure.ok();
    const grpc::Status finished = stream->Finish();
    {
      absl::MutexLock lock(&mu_);
      context_ = nullptr;
      streaming_ = false;
      if (stopping_) return;
    }
    if (diverged.empty() && finished.error_code() == grpc::StatusCode::OUT_OF_RANGE) {
      diverged = absl::StrCat("the upstream has no event ", after, " though it was applied here (",
                              finished.error_message(), "): it was restored to an earlier point");
    }
    if (!diverged.empty()) {
      // Not followed, loudly, until its history is this one's again.
      {
        absl::MutexLock lock(&mu_);
        status_.connected = false;
      }
      Diverged(diverged);
      if (!Sleep(options_.max_backoff * jitter(random))) return;
      continue;
    }
    if (failure.ok()) {
      failure = finished.ok() ? absl::UnavailableError("upstream ended the stream")
                              : FromGrpcStatus(finished);
    }
    Fail(failure);
    if (!Sleep(backoff * jitter(random))) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

StreamOpener PreparedFirst(StreamOpener open, std::function<absl::Status()> prepare,
                           std::function<void(const absl::Status&)> on_failure) {
  auto prepared = std::make_shared<bool>(false);  // used on the follower's thread only
  return [open = std::move(open), prepare = std::move(prepare), on_failure = std::move(on_failure),
          prepared](grpc::ClientContext* context, uint64_t after_sequence) {
    if (!*prepared) {
      const absl::Status status = prepare();
      *prepared = status.ok();
      if (!status.ok()) on_failure(status);
    }
    return open(context, after_sequence);
  };
}

}  // namespace ecoplan::common
