#include "common/events/event_follower.h"

#include <algorithm>
#include <memory>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"

namespace ecoplan::common {
namespace {

constexpr char kMetaCf[] = "meta";

std::string CursorKey(absl::string_view name) { return absl::StrCat("cursor/", name); }

}  // namespace

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

absl::Status EventFollower::Start() {
  if (options_.name.empty()) return absl::InvalidArgumentError("EventFollower needs a name");
  ECOPLAN_ASSIGN_OR_RETURN(uint64_t cursor, ReadCursor(db_, options_.name));
  absl::MutexLock lock(&mu_);
  if (started_) return absl::FailedPreconditionError("EventFollower started twice");
  started_ = true;
  cursor_ = cursor;
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
  return cursor_;
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
  auto reached = [this, sequence]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return cursor_ >= sequence; };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

bool EventFollower::Sleep(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
  mu_.AwaitWithTimeout(absl::Condition(&stopping), d);
  return !stopping_;
}

void EventFollower::Fail(const absl::Status& status) {
  if (options_.on_error) options_.on_error(status);
}

void EventFollower::Loop() {
  std::mt19937_64 random(std::random_device{}());
  std::uniform_real_distribution<double> jitter(1.0 - options_.jitter, 1.0 + options_.jitter);
  absl::Duration backoff = options_.initial_backoff;
  while (true) {
    grpc::ClientContext context;
    uint64_t after;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      context_ = &context;
      streaming_ = true;
      after = cursor_;
    }
    ++attempts_;
    std::unique_ptr<EventStream> stream = open_(&context, after);
    absl::Status failure;
    ecoplan::common::v1::Event event;
    while (stream->Read(&event)) {
      if (event.sequence() <= after) continue;  // already applied (never expected)
      absl::StatusOr<FollowEffect> effect = handler_(event);
      absl::Status status = effect.status();
      if (status.ok()) {
        status = FromRocksDb(effect->write.batch.Put(db_->Cf(kMetaCf), CursorKey(options_.name),
                                                     EncodeUint64(event.sequence())),
                             "put cursor");
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
      after = event.sequence();
      backoff = options_.initial_backoff;  // progress: the next failure starts small again
      absl::MutexLock lock(&mu_);
      cursor_ = after;
    }
    const grpc::Status finished = stream->Finish();
    {
      absl::MutexLock lock(&mu_);
      context_ = nullptr;
      streaming_ = false;
      if (stopping_) return;
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
