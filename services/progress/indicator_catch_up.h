#pragma once

#include <cstdint>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "services/progress/domain/indicator_view.h"

namespace ecoplan::progress {

// Tells when the indicator view has caught up with the indicator service:
// its first events are only a part of the indicators (the follower applies
// one event per synced commit), and an indicator service without any event
// (no plan synced yet) sends none at all.
//
// Until `indicators` is marked received, a thread asks, every `interval`,
// for the events after cursor() + 1 (a read): WatchEvents answers OUT_OF_RANGE
// exactly when the indicator service's last event is at most cursor(), i.e.
// when every event there is has been applied; then it calls `mark_complete`
// (IndicatorViewUpdater::MarkComplete: recorded, then the view marked
// received) and ends. Any other answer (an event, an error, the deadline), or
// a failure to record, means not yet. Never called from a gRPC handler.
//
// Thread-safe. `stub` and `indicators` must outlive the probe; `cursor` is
// the follower's cursor().
class IndicatorCatchUpProbe {
 public:
  IndicatorCatchUpProbe(indicator::v1::IndicatorService::StubInterface* stub,
                        std::function<uint64_t()> cursor, const IndicatorDirectory* indicators,
                        std::function<absl::Status()> mark_complete,
                        absl::Duration interval = absl::Seconds(1));
  // Stop().
  ~IndicatorCatchUpProbe();

  // Starts the thread (a no-op once the view is received).
  void Start();
  // Ends the thread; idempotent.
  void Stop();

  // One probe; true (and the view marked received) when caught up.
  bool ProbeOnce();

 private:
  void Loop();

  indicator::v1::IndicatorService::StubInterface* const stub_;
  const std::function<uint64_t()> cursor_;
  const IndicatorDirectory* const indicators_;
  const std::function<absl::Status()> mark_complete_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace ecoplan::progress
