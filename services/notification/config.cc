#include "services/notification/config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/time/scaled_clock.h"

namespace ecoplan::notification {

absl::Status NotificationConfig::Validate() const {
  for (absl::Status valid :
       {server.Validate(), registry.Validate(), progress.Validate(), indicator.Validate()}) {
    if (!valid.ok()) return valid;
  }
  if (absl::Status policy = WebhookPolicy().status(); !policy.ok()) return policy;
  if (webhook_timeout <= absl::ZeroDuration() || webhook_timeout > absl::Minutes(2)) {
    return absl::InvalidArgumentError("--webhook_timeout must be in (0, 2m]");
  }
  if (webhook_connect_timeout <= absl::ZeroDuration() ||
      webhook_connect_timeout > webhook_timeout) {
    return absl::InvalidArgumentError(
        "--webhook_connect_timeout must be in (0, --webhook_timeout]");
  }
  if (webhook_max_response_bytes < 1024 || webhook_max_response_bytes > (16 << 20)) {
    return absl::InvalidArgumentError("--webhook_max_response_bytes must be 1 KiB..16 MiB");
  }
  if (retry_horizon < absl::Seconds(1) || retry_horizon > absl::Hours(24 * 7)) {
    return absl::InvalidArgumentError("--retry_horizon must be 1s..7d");
  }
  if (retry_initial_backoff <= absl::ZeroDuration() || retry_max_backoff < retry_initial_backoff) {
    return absl::InvalidArgumentError(
        "--retry_initial_backoff must be > 0 and <= --retry_max_backoff");
  }
  if (max_subscriptions_per_owner < 1 || max_subscriptions_per_owner > 10000) {
    return absl::InvalidArgumentError("--max_subscriptions_per_owner must be 1..10000");
  }
  if (max_streams_per_subject < 1 || max_streams_per_subject > 10000) {
    return absl::InvalidArgumentError("--max_streams_per_subject must be 1..10000");
  }
  if (delivery_workers < 1 || delivery_workers > 256) {
    return absl::InvalidArgumentError("--delivery_workers must be 1..256");
  }
  if (delivery_worker_nice < 0 || delivery_worker_nice > 19) {
    return absl::InvalidArgumentError("--delivery_worker_nice must be 0..19");
  }
  if (!(delivery_max_per_second >= 0 && delivery_max_per_second <= 1e6)) {
    return absl::InvalidArgumentError("--delivery_max_per_second must be 0..1e6 (0: no cap)");
  }
  if (delivery_yield < absl::ZeroDuration() || delivery_yield > absl::Seconds(1)) {
    return absl::InvalidArgumentError("--delivery_yield must be between 0 and 1s");
  }
  if (breaker_failures < 1) return absl::InvalidArgumentError("--breaker_failures must be >= 1");
  if (schedule_interval < absl::Milliseconds(10)) {
    return absl::InvalidArgumentError("--schedule_interval must be at least 10ms");
  }
  if (schedule_start_wait < absl::ZeroDuration() || schedule_start_wait > absl::Hours(1)) {
    return absl::InvalidArgumentError("--schedule_start_wait must be between 0 and 1h");
  }
  if (demo_clock_speed <= 0 || demo_clock_speed > 1e7) {
    return absl::InvalidArgumentError("--demo_clock_speed must be in (0, 1e7]");
  }
  if (!demo_clock_start.empty()) {
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, demo_clock_start, &t, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("--demo_clock_start: ", error));
    }
  }
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(time_zone, &tz)) {
    return absl::InvalidArgumentError(
        absl::StrCat("time zone ", time_zone,
                     " (of the schedule; no flag) is unknown: install the tzdata package"));
  }
  return absl::OkStatus();
}

std::unique_ptr<common::Clock> NotificationConfig::DemoClock(const common::Clock* wall) const {
  if (demo_clock_start.empty()) return nullptr;
  absl::Time start;
  std::string error;
  absl::ParseTime(absl::RFC3339_full, demo_clock_start, &start, &error);  // checked by Validate
  return std::make_unique<common::ScaledClock>(wall, start, demo_clock_speed);
}

absl::StatusOr<WebhookSecurity> NotificationConfig::WebhookPolicy() const {
  absl::StatusOr<WebhookAddressPolicy> addresses =
      WebhookAddressPolicy::Parse(webhook_allowed_networks);
  if (!addresses.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--webhook_allowed_networks: ", addresses.status().message()));
  }
  WebhookSecurity security;
  security.addresses = *std::move(addresses);
  // "a.example, b.example": the spaces around a name are not part of it.
  for (absl::string_view host :
       absl::StrSplit(webhook_allowed_hosts, ',', absl::SkipWhitespace())) {
    security.hosts.push_back(absl::AsciiStrToLower(absl::StripAsciiWhitespace(host)));
  }
  return security;
}

}  // namespace ecoplan::notification
