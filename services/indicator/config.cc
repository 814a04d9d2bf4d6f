#include "services/indicator/config.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace ecoplan::indicator {

absl::Status IndicatorConfig::Validate() const {
  if (host.empty()) return absl::InvalidArgumentError("--host must not be empty");
  if (port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("--port must be 0..65535; got ", port));
  }
  if (metrics_port < 0 || metrics_port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics_port must be 0..65535; got ", metrics_port));
  }
  if (db_path.empty()) return absl::InvalidArgumentError("--db_path must not be empty");
  if (registry_address.empty()) {
    return absl::InvalidArgumentError("--registry_address must not be empty");
  }
  if (max_message_bytes < (1 << 20) || max_message_bytes > (64 << 20)) {
    return absl::InvalidArgumentError("--max_message_bytes must be between 1 MiB and 64 MiB");
  }
  if (shutdown_grace < absl::ZeroDuration() || shutdown_grace > absl::Minutes(5)) {
    return absl::InvalidArgumentError("--shutdown_grace must be between 0s and 5m");
  }
  if (registry_max_backoff < absl::Milliseconds(100) || registry_max_backoff > absl::Minutes(5)) {
    return absl::InvalidArgumentError("--registry_max_backoff must be between 100ms and 5m");
  }
  if (progress_max_backoff < absl::Milliseconds(100) || progress_max_backoff > absl::Minutes(5)) {
    return absl::InvalidArgumentError("--progress_max_backoff must be between 100ms and 5m");
  }
  if (absl::Status t = ParseTimeOfDay(evaluation_time).status(); !t.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--evaluation_time: ", t.message()));
  }
  if (!EvaluationTimeZone().ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--evaluation_time_zone: unknown time zone «", evaluation_time_zone, "»"));
  }
  if (evaluation_debounce < absl::ZeroDuration() || evaluation_debounce > absl::Hours(1)) {
    return absl::InvalidArgumentError("--evaluation_debounce must be between 0s and 1h");
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::TimeZone> IndicatorConfig::EvaluationTimeZone() const {
  absl::TimeZone zone;
  if (absl::LoadTimeZone(evaluation_time_zone, &zone)) return zone;
  // Without tzdata (a slim image): China has had no DST since 1991.
  if (evaluation_time_zone == "Asia/Shanghai") return absl::FixedTimeZone(8 * 3600);
  return absl::InvalidArgumentError(absl::StrCat("unknown time zone ", evaluation_time_zone));
}

absl::StatusOr<EvaluationSchedule> IndicatorConfig::Schedule() const {
  EvaluationSchedule schedule;
  auto daily = ParseTimeOfDay(evaluation_time);
  if (!daily.ok()) return daily.status();
  schedule.daily_at = *daily;
  auto zone = EvaluationTimeZone();
  if (!zone.ok()) return zone.status();
  schedule.zone = *zone;
  schedule.debounce = evaluation_debounce;
  return schedule;
}

}  // namespace ecoplan::indicator
