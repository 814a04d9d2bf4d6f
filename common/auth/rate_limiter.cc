#include "common/auth/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace ecoplan::common {

RateLimiter::RateLimiter(RateLimiterOptions options, const Clock* clock)
    : options_(options), clock_(clock) {}

absl::Status RateLimiter::Validate(const RateLimiterOptions& options) {
  if (!(options.rate_per_second > 0) || !std::isfinite(options.rate_per_second)) {
    return absl::InvalidArgumentError("rate limit: the rate must be a positive number per second");
  }
  if (!(options.burst >= 1) || !std::isfinite(options.burst)) {
    return absl::InvalidArgumentError("rate limit: the burst must be at least 1");
  }
  if (options.max_callers < 1) {
    return absl::InvalidArgumentError("rate limit: max_callers must be at least 1");
  }
  return absl::OkStatus();
}

absl::Status RateLimiter::Admit(absl::string_view caller) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(caller);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_callers) EvictLocked(now);
    it = buckets_.emplace(std::string(caller), Bucket{options_.burst, now}).first;
  }
  Bucket& bucket = it->second;
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.updated));
  bucket.tokens = std::min(options_.burst, bucket.tokens + elapsed * options_.rate_per_second);
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::OkStatus();
  }
  const absl::Duration wait = absl::Seconds((1 - bucket.tokens) / options_.rate_per_second);
  return absl::ResourceExhaustedError(
      absl::StrCat("rate limit: too many calls from this caller; retry after ",
                   absl::FormatDuration(absl::Ceil(wait, absl::Milliseconds(1)))));
}

void RateLimiter::EvictLocked(absl::Time now) {
  const absl::Duration refill = absl::Seconds(options_.burst / options_.rate_per_second);
  auto oldest = buckets_.end();
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (now - it->second.updated >= refill) {
      buckets_.erase(it++);
      continue;
    }
    if (oldest == buckets_.end() || it->second.updated < oldest->second.updated) oldest = it;
    ++it;
  }
  if (buckets_.size() >= options_.max_callers && oldest != buckets_.end()) buckets_.erase(oldest);
}

size_t RateLimiter::tracked_callers() const {
  absl::MutexLock lock(&mu_);
  return buckets_.size();
}

}  // namespace ecoplan::common
