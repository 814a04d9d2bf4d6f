#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth/server_security.h"

namespace ecoplan::notification {

// Effective configuration of notification_server, filled by main.cc from flags
// (each flag defaults to an environment variable, then to a local default).
struct NotificationConfig {
  std::string host = "127.0.0.1";  // --host / ECOPLAN_HOST
  int port = 50054;                // --port / ECOPLAN_NOTIFICATION_PORT; 0 = any free port
  int metrics_port = 0;            // --metrics_port / ECOPLAN_METRICS_PORT
  std::string db_path = "var/notification";  // --db_path / ECOPLAN_DB_PATH
  int max_message_bytes = 8 << 20;           // --max_message_bytes
  absl::Duration shutdown_grace = absl::Seconds(10);
  std::string port_file;          // --port_file
  std::string registry_address;   // --registry_address; empty = do not follow
  std::string progress_address;   // --progress_address; empty = do not follow
  std::string indicator_address;  // --indicator_address; empty = do not follow
  std::string backup_dir = "var/notification-backups";  // --backup_dir; empty disables backups
  // Webhooks: networks (CIDR, comma-separated) and host names a URL may point at.
  std::string webhook_allowed_networks = "127.0.0.0/8,::1/128";
  std::string webhook_allowed_hosts;  // empty = any host resolving inside the networks
  absl::Duration webhook_timeout = absl::Seconds(10);
  absl::Duration webhook_connect_timeout = absl::Seconds(3);
  int webhook_max_response_bytes = 64 << 10;
  absl::Duration retry_horizon = absl::Hours(24);
  absl::Duration retry_initial_backoff = absl::Seconds(1);
  absl::Duration retry_max_backoff = absl::Minutes(10);
  int breaker_failures = 5;
  absl::Duration breaker_cooldown = absl::Seconds(30);
  int delivery_workers = 8;
  absl::Duration schedule_interval = absl::Minutes(1);  // real time between schedule runs
  // Demo clock: the schedule's time starts here and runs `demo_clock_speed`
  // times faster than wall time (86400 = a day per second). Unset = wall time.
  std::string demo_clock_start;  // RFC 3339, e.g. 2026-04-20T09:00:00+08:00
  double demo_clock_speed = 1;
  std::string time_zone = "Asia/Shanghai";
  common::ServerSecurityConfig security;

  // Errors: InvalidArgument naming the flag.
  absl::Status Validate() const;
};

}  // namespace ecoplan::notification
