#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/server_config.h"
#include "common/time/clock.h"
#include "services/notification/delivery/webhook_sender.h"

namespace ecoplan::notification {

// Effective configuration of notification_server, filled by main.cc from flags
// (each flag defaults to an environment variable, then to a local default).
struct NotificationConfig {
  // --port / ECOPLAN_NOTIFICATION_PORT (50054), --db_path (var/notification),
  // --backup_dir (var/notification-backups) and the flags every server shares.
  common::ServerConfig server;
  // --<name>_address / ECOPLAN_<NAME>_ADDRESS and --<name>_max_backoff of the three
  // services whose events are followed; an empty address: that one is not followed.
  common::UpstreamConfig registry{"registry", "127.0.0.1:50051", absl::Seconds(10), false};
  common::UpstreamConfig progress{"progress", "", absl::Seconds(10), false};
  common::UpstreamConfig indicator{"indicator", "", absl::Seconds(10), false};
  // Webhooks: the allow-list of networks (CIDR, comma-separated; address_policy.h): empty =
  // public addresses only; a special-purpose range (loopback, private, …) is reached only when
  // it names a network inside it (the local run and tests: 127.0.0.1/32).
  std::string webhook_allowed_networks;
  std::string webhook_allowed_hosts;  // empty = any host whose addresses are allowed
  // A file of AES-256-GCM keys sealing the webhook signing secrets at rest
  // (storage/secret_cipher.h; mounted from a Kubernetes Secret); empty: the
  // secrets are stored in the clear (a warning at start).
  std::string webhook_secret_key_file;
  // Subscriptions one subject may own; open streams (StreamNotifications and
  // WatchEvents) one subject may hold. More: RESOURCE_EXHAUSTED.
  int max_subscriptions_per_owner = 20;
  int max_streams_per_subject = 16;
  absl::Duration webhook_timeout = absl::Seconds(10);
  absl::Duration webhook_connect_timeout = absl::Seconds(3);
  int webhook_max_response_bytes = 64 << 10;
  absl::Duration retry_horizon = absl::Hours(24);
  absl::Duration retry_initial_backoff = absl::Seconds(1);
  absl::Duration retry_max_backoff = absl::Minutes(10);
  int breaker_failures = 5;
  absl::Duration breaker_cooldown = absl::Seconds(30);
  int delivery_workers = 8;
  // Niceness of the webhook workers (0..19): a webhook backlog takes only the CPU that the
  // followers, streams and RPCs leave.
  int delivery_worker_nice = 10;
  // Pacing of the webhook workers during a burst (delivery/delivery_pacer.h): at most this many
  // attempts start per second, all subscriptions together (0: no cap; the default, since on a
  // node with cores to spare the cap halves a burst's rate and costs CPU per attempt)...
  double delivery_max_per_second = 0;
  // ...and no attempt starts for this long after new notifications are committed behind a
  // backlog of more than 256 deliveries, so their StreamNotifications writes go first (0: never;
  // at most a quarter of the time; the cap's rate is kept).
  absl::Duration delivery_yield = absl::ZeroDuration();
  absl::Duration schedule_interval = absl::Minutes(1);  // real time between schedule runs
  // The first schedule run waits until the followers have caught up with
  // their upstreams, at most this long (then it runs and logs a warning).
  absl::Duration schedule_start_wait = absl::Minutes(2);
  // Demo clock: the schedule's time starts here and runs `demo_clock_speed`
  // times faster than wall time (86400 = a day per second). Unset = wall time.
  std::string demo_clock_start;  // RFC 3339, e.g. 2026-04-20T09:00:00+08:00
  double demo_clock_speed = 1;
  // The zone of the schedule's days (no flag: the plans are Beijing's).
  std::string time_zone = "Asia/Shanghai";

  // server.Validate(), the upstreams', then notification's own flags. Errors:
  // InvalidArgument naming the flag.
  absl::Status Validate() const;
  // The demo clock over `wall` (not owned, must outlive it): from demo_clock_start
  // at demo_clock_speed; null when demo_clock_start is empty (the schedule then
  // runs on `wall`). Call after Validate().
  std::unique_ptr<common::Clock> DemoClock(const common::Clock* wall) const;
  // What a webhook may reach: webhook_allowed_networks parsed into the address
  // policy, webhook_allowed_hosts lower-cased. Errors: InvalidArgument naming
  // --webhook_allowed_networks (also returned by Validate()).
  absl::StatusOr<WebhookSecurity> WebhookPolicy() const;
};

}  // namespace ecoplan::notification
