#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/server_config.h"
#include "services/indicator/evaluation_scheduler.h"

namespace ecoplan::indicator {

// Effective configuration of indicator_server, filled by main.cc from flags
// (each flag defaults to an environment variable, then to a local default).
struct IndicatorConfig {
  // --port / ECOPLAN_INDICATOR_PORT (50053), --db_path (var/indicator), --backup_dir
  // (empty: backups off) and the flags every server shares.
  common::ServerConfig server;
  // --registry_address / ECOPLAN_REGISTRY_ADDRESS (127.0.0.1:50051), --registry_max_backoff.
  common::UpstreamConfig registry{"registry", "127.0.0.1:50051", absl::Seconds(10), true};
  // --progress_address / ECOPLAN_PROGRESS_ADDRESS, --progress_max_backoff: the
  // progress service whose events feed measure colours, scorecards and reported
  // values; empty: not followed.
  common::UpstreamConfig progress{"progress", "", absl::Seconds(10), false};
  // --evaluation_time / ECOPLAN_EVALUATION_TIME: "HH:MM" of the daily recorded
  // evaluation of every plan (local time in evaluation_time_zone); "off": none.
  std::string evaluation_time = "01:00";
  // --evaluation_time_zone: the zone of evaluation_time and of "today".
  std::string evaluation_time_zone = "Asia/Shanghai";
  // --evaluation_debounce: a recorded evaluation this long after new
  // observations or progress reports; 0 disables it.
  absl::Duration evaluation_debounce = absl::Seconds(5);

  // server.Validate(), the upstreams', then the evaluation flags. Errors:
  // InvalidArgument naming the flag.
  absl::Status Validate() const;
  // The zone of evaluation_time (Asia/Shanghai without tzdata: UTC+8).
  absl::StatusOr<absl::TimeZone> EvaluationTimeZone() const;
  // The scheduler's configuration. Errors: as Validate.
  absl::StatusOr<EvaluationSchedule> Schedule() const;
};

}  // namespace ecoplan::indicator
