#include "services/indicator/config.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace ecoplan::indicator {

absl::Status IndicatorConfig::Validate() const {
  for (absl::Status valid : {server.Validate(), registry.Validate(), progress.Validate()}) {
    if (!valid.ok()) return valid;
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
