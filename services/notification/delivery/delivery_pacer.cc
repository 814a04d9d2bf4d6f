#include "services/notification/delivery/delivery_pacer.h"

#include <algorithm>

namespace ecoplan::notification {

absl::Status DeliveryPacingOptions::Validate() const {
  if (!(max_per_second >= 0)) {
    return absl::InvalidArgumentError("max_per_second must be >= 0 (0: no cap)");
  }
  if (burst < 1) return absl::InvalidArgumentError("burst must be >= 1");
  if (yield < absl::ZeroDuration()) return absl::InvalidArgumentError("yield must be >= 0");
  if (!(max_yield_share > 0 && max_yield_share <= 1)) {
    return absl::InvalidArgumentError("max_yield_share must be in (0, 1]");
  }
  return absl::OkStatus();
}

DeliveryPacer::DeliveryPacer(DeliveryPacingOptions options)
    : options_(options), tokens_(std::max(1, options.burst)) {}

void DeliveryPacer::Refill(absl::Time now) {
  if (refilled_ != absl::InfinitePast() && now > refilled_) {
    tokens_ = std::min<double>(
        std::max(1, options_.burst) + pause_credit_,
        tokens_ + absl::ToDoubleSeconds(now - refilled_) * options_.max_per_second);
  }
  // A clock that stepped back earns nothing, and the bucket goes on from the earlier time.
  if (refilled_ == absl::InfinitePast() || now > refilled_) refilled_ = now;
}

void DeliveryPacer::NotificationsCommitted(absl::Time now, size_t queued_before) {
  if (options_.yield <= absl::ZeroDuration() || queued_before <= options_.yield_backlog) return;
  if (last_pause_ != absl::InfinitePast() &&
      now < last_pause_ + options_.yield / options_.max_yield_share) {
    return;  // the previous pause was too recent: the share bound holds
  }
  last_pause_ = now;
  paused_until_ = std::max(paused_until_, now + options_.yield);
  // The tokens earned during the pause are kept beyond the bucket's depth, so a pause moves
  // attempts later without lowering the cap's rate.
  pause_credit_ = options_.max_per_second * absl::ToDoubleSeconds(options_.yield);
  ++pauses_;
}

absl::Time DeliveryPacer::NextStart(absl::Time now) {
  absl::Time at = std::max(now, paused_until_);
  if (options_.max_per_second > 0) {
    Refill(now);
    if (tokens_ < 1) {
      // From the latest time the bucket has seen: a start booked ahead counts from then.
      at = std::max(
          at, std::max(now, refilled_) + absl::Seconds((1 - tokens_) / options_.max_per_second));
    }
  }
  return at;
}

void DeliveryPacer::Started(absl::Time at) {
  if (options_.max_per_second <= 0) return;
  Refill(at);
  tokens_ -= 1;  // may go below zero if the caller did not wait: the debt is paid first
  if (tokens_ <= std::max(1, options_.burst)) pause_credit_ = 0;  // the pause's tokens are spent
}

}  // namespace ecoplan::notification
