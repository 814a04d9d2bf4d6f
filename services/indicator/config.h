#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/indicator/evaluation_scheduler.h"

namespace ecoplan::indicator {

// Effective configuration of indicator_server, filled by main.cc from flags
// (each flag defaults to an environment variable, then to a local default).
struct IndicatorConfig {
  std::string host = "127.0.0.1";         // --host / ECOPLAN_HOST
  int port = 50053;                       // --port / ECOPLAN_INDICATOR_PORT; 0 picks a free port
  int metrics_port = 0;                   // --metrics_port / ECOPLAN_METRICS_PORT; 0 disables
  std::string db_path = "var/indicator";  // --db_path / ECOPLAN_DB_PATH
  std::string backup_dir;  // --backup_dir / ECOPLAN_BACKUP_DIR; empty disables backups
  std::string registry_address =
      "127.0.0.1:50051";  // --registry_address / ECOPLAN_REGISTRY_ADDRESS
  // --progress_address / ECOPLAN_PROGRESS_ADDRESS: the progress service whose
  // events feed measure colours, scorecards and reported values; empty: not followed.
  std::string progress_address;
  int max_message_bytes = 8 << 20;                          // --max_message_bytes
  absl::Duration shutdown_grace = absl::Seconds(10);        // --shutdown_grace
  absl::Duration registry_max_backoff = absl::Seconds(10);  // --registry_max_backoff
  absl::Duration progress_max_backoff = absl::Seconds(10);  // --progress_max_backoff
  std::string port_file;  // --port_file: the bound port, once serving
  // --evaluation_time / ECOPLAN_EVALUATION_TIME: "HH:MM" of the daily recorded
  // evaluation of every plan (local time in evaluation_time_zone); "off": none.
  std::string evaluation_time = "01:00";
  // --evaluation_time_zone: the zone of evaluation_time and of "today".
  std::string evaluation_time_zone = "Asia/Shanghai";
  // --evaluation_debounce: a recorded evaluation this long after new
  // observations or progress reports; 0 disables it.
  absl::Duration evaluation_debounce = absl::Seconds(5);

  // Errors: InvalidArgument naming the flag.
  absl::Status Validate() const;
  // The zone of evaluation_time (Asia/Shanghai without tzdata: UTC+8).
  absl::StatusOr<absl::TimeZone> EvaluationTimeZone() const;
  // The scheduler's configuration. Errors: as Validate.
  absl::StatusOr<EvaluationSchedule> Schedule() const;
};

}  // namespace ecoplan::indicator
