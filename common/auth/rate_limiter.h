#pragma once

// A per-caller token bucket: each caller (a principal's subject) may make
// `burst` calls at once and `rate_per_second` calls per second sustained.
//
// Memory is bounded: at most `max_callers` buckets are kept. When a new caller
// arrives and the table is full, buckets that have refilled completely (idle
// callers, indistinguishable from new ones) are dropped; if none has, the
// least recently seen caller is dropped (it starts again with a full bucket).
//
// Thread-safe. Pure: no gRPC; time comes from a Clock.

#include <cstddef>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace ecoplan::common {

struct RateLimiterOptions {
  double rate_per_second = 50;  // sustained calls per second per caller; > 0
  double burst = 100;           // bucket size; ≥ 1
  size_t max_callers = 10000;   // buckets kept at most; ≥ 1
};

class RateLimiter {
 public:
  // `clock` must outlive the limiter. Precondition: options valid (see Validate).
  RateLimiter(RateLimiterOptions options, const Clock* clock);

  // Errors: InvalidArgument naming the bad option.
  static absl::Status Validate(const RateLimiterOptions& options);

  // Takes one token from `caller`'s bucket. Errors: ResourceExhausted with
  // "retry after <duration>" when the bucket is empty.
  absl::Status Admit(absl::string_view caller);

  // Buckets currently kept (for tests and metrics).
  size_t tracked_callers() const;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  void EvictLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RateLimiterOptions options_;
  const Clock* const clock_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecoplan::common
