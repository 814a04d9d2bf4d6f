#include "services/progress/indicator_catch_up.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <utility>

namespace ecoplan::progress {

namespace iv1 = ::ecoplan::indicator::v1;

IndicatorCatchUpProbe::IndicatorCatchUpProbe(iv1::IndicatorService::StubInterface* stub,
                                             std::function<uint64_t()> cursor,
                                             const IndicatorDirectory* indicators,
                                             std::function<absl::Status()> mark_complete,
                                             absl::Duration interval)
    : stub_(stub),
      cursor_(std::move(cursor)),
      indicators_(indicators),
      mark_complete_(std::move(mark_complete)),
      interval_(interval) {}

IndicatorCatchUpProbe::~IndicatorCatchUpProbe() { Stop(); }

void IndicatorCatchUpProbe::Start() {
  if (indicators_->received() || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void IndicatorCatchUpProbe::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

bool IndicatorCatchUpProbe::ProbeOnce() {
  if (indicators_->received()) return true;
  iv1::WatchEventsRequest request;
  request.set_after_sequence(cursor_() + 1);
  grpc::ClientContext context;
  // OUT_OF_RANGE comes at once; a stream that opens has events to send (the
  // follower delivers them), so a short deadline ends it.
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  std::unique_ptr<grpc::ClientReaderInterface<iv1::WatchEventsResponse>> reader =
      stub_->WatchEvents(&context, request);
  iv1::WatchEventsResponse response;
  if (reader->Read(&response)) {
    context.TryCancel();
    while (reader->Read(&response)) {
    }
  }
  const grpc::Status status = reader->Finish();
  if (status.error_code() != grpc::StatusCode::OUT_OF_RANGE) return false;
  return mark_complete_().ok();
}

void IndicatorCatchUpProbe::Loop() {
  while (!ProbeOnce()) {
    absl::MutexLock lock(&mu_);
    auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
    mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_);
    if (stopping_) return;
  }
}

}  // namespace ecoplan::progress
