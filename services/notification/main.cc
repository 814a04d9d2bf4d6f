// notification_server: flags → NotificationConfig → RocksDb →
// RocksDbNotificationStore → Notifier → Deliverer (webhooks) + followers of the
// registry, progress and indicator streams + ScheduleRunner → NotificationServiceImpl →
// RunningServer, until SIGTERM or SIGINT.

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/admin/admin_policy.h"
#include "common/admin/admin_service_impl.h"
#include "common/admin/backup_manager.h"
#include "common/audit/server_audit.h"
#include "common/auth/server_security.h"
#include "common/auth/service_client.h"
#include "common/concurrency/serial_executor.h"
#include "common/config/env.h"
#include "common/events/watch_events_reactor.h"
#include "common/log/log.h"
#include "common/server/run_server.h"
#include "common/server/serve.h"
#include "common/server/server_flags.h"
#include "common/storage/rocksdb_db.h"
#include "common/time/clock.h"
#include "services/notification/config.h"
#include "services/notification/delivery/deliverer.h"
#include "services/notification/delivery/webhook_sender.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/notification_policy.h"
#include "services/notification/notification_service_impl.h"
#include "services/notification/schedule_runner.h"
#include "services/notification/storage/rocksdb_notification_store.h"
#include "services/notification/upstream_followers.h"

using ::ecoplan::common::EnvIntOr;
using ::ecoplan::common::EnvOr;

ABSL_FLAG(int, port, EnvIntOr("ECOPLAN_NOTIFICATION_PORT", 50054),
          "gRPC port (env ECOPLAN_NOTIFICATION_PORT); 0 picks a free port");
ABSL_FLAG(std::string, db_path, EnvOr("ECOPLAN_DB_PATH", "var/notification"),
          "RocksDB directory (env ECOPLAN_DB_PATH)");
ECOPLAN_UPSTREAM_FLAGS(registry, "ECOPLAN_REGISTRY_ADDRESS", "127.0.0.1:50051",
                       "host:port of the registry whose events are followed; empty = none");
ECOPLAN_UPSTREAM_FLAGS(progress, "ECOPLAN_PROGRESS_ADDRESS", "",
                       "host:port of the progress service whose events are followed; empty = none");
ECOPLAN_UPSTREAM_FLAGS(indicator, "ECOPLAN_INDICATOR_ADDRESS", "",
                       "host:port of the indicator service whose events are followed; empty = "
                       "none");
ABSL_FLAG(std::string, backup_dir, EnvOr("ECOPLAN_BACKUP_DIR", "var/notification-backups"),
          "Where AdminService.CreateBackup writes checkpoints (env ECOPLAN_BACKUP_DIR); empty "
          "disables backups");
ABSL_FLAG(std::string, webhook_allowed_networks,
          EnvOr("ECOPLAN_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128"),
          "CIDR networks webhook URLs may resolve to, comma-separated (env "
          "ECOPLAN_WEBHOOK_ALLOWED_NETWORKS)");
ABSL_FLAG(std::string, webhook_allowed_hosts, EnvOr("ECOPLAN_WEBHOOK_ALLOWED_HOSTS", ""),
          "Host names webhook URLs may name, comma-separated; empty = any inside the networks");
ABSL_FLAG(absl::Duration, webhook_timeout, absl::Seconds(10), "Total time of one webhook attempt");
ABSL_FLAG(absl::Duration, webhook_connect_timeout, absl::Seconds(3),
          "Connect time of one webhook attempt");
ABSL_FLAG(int, webhook_max_response_bytes, 64 << 10,
          "Largest receiver answer read; larger = failed attempt");
ABSL_FLAG(absl::Duration, retry_horizon, absl::Hours(24),
          "A delivery gives up this long after its first attempt");
ABSL_FLAG(absl::Duration, retry_initial_backoff, absl::Seconds(1),
          "First retry delay (doubles, with jitter)");
ABSL_FLAG(absl::Duration, retry_max_backoff, absl::Minutes(10), "Longest retry delay");
ABSL_FLAG(int, breaker_failures, 5,
          "Consecutive failures that open a subscription's circuit breaker");
ABSL_FLAG(absl::Duration, breaker_cooldown, absl::Seconds(30),
          "Time between probes while the breaker is open");
ABSL_FLAG(int, delivery_workers, 8, "Webhook worker threads shared by all subscriptions");
ABSL_FLAG(absl::Duration, schedule_interval, absl::Minutes(1), "Wall time between schedule runs");
ABSL_FLAG(std::string, demo_clock_start, "", "Demo: the schedule's clock starts here (RFC 3339)");
ABSL_FLAG(double, demo_clock_speed, 1,
          "Demo: the schedule's clock runs this many times faster (86400 = a day per second)");

int main(int argc, char** argv) {
  namespace notification = ::ecoplan::notification;
  namespace common = ::ecoplan::common;
  common::BlockTerminationSignals();
  absl::SetProgramUsageMessage("ecoplan notification server");
  absl::ParseCommandLine(argc, argv);
  common::Logger log("notification");
  notification::CurlGlobalInit();

  notification::NotificationConfig config;
  config.server = common::ReadCommonServerFlags();
  config.server.port = absl::GetFlag(FLAGS_port);
  config.server.db_path = absl::GetFlag(FLAGS_db_path);
  config.server.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  config.registry = ECOPLAN_UPSTREAM_FLAG_VALUES(registry, /*required=*/false);
  config.progress = ECOPLAN_UPSTREAM_FLAG_VALUES(progress, /*required=*/false);
  config.indicator = ECOPLAN_UPSTREAM_FLAG_VALUES(indicator, /*required=*/false);
  config.webhook_allowed_networks = absl::GetFlag(FLAGS_webhook_allowed_networks);
  config.webhook_allowed_hosts = absl::GetFlag(FLAGS_webhook_allowed_hosts);
  config.webhook_timeout = absl::GetFlag(FLAGS_webhook_timeout);
  config.webhook_connect_timeout = absl::GetFlag(FLAGS_webhook_connect_timeout);
  config.webhook_max_response_bytes = absl::GetFlag(FLAGS_webhook_max_response_bytes);
  config.retry_horizon = absl::GetFlag(FLAGS_retry_horizon);
  config.retry_initial_backoff = absl::GetFlag(FLAGS_retry_initial_backoff);
  config.retry_max_backoff = absl::GetFlag(FLAGS_retry_max_backoff);
  config.breaker_failures = absl::GetFlag(FLAGS_breaker_failures);
  config.breaker_cooldown = absl::GetFlag(FLAGS_breaker_cooldown);
  config.delivery_workers = absl::GetFlag(FLAGS_delivery_workers);
  config.schedule_interval = absl::GetFlag(FLAGS_schedule_interval);
  config.demo_clock_start = absl::GetFlag(FLAGS_demo_clock_start);
  config.demo_clock_speed = absl::GetFlag(FLAGS_demo_clock_speed);
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    log.Error("invalid configuration", {{"error", std::string(valid.message())}});
    return 2;
  }
  const notification::WebhookSecurity webhook_security = *config.WebhookPolicy();  // validated
  log.Info("starting", {{"port", config.server.port},
                        {"db_path", config.server.db_path},
                        {"registry_address", config.registry.address},
                        {"progress_address", config.progress.address},
                        {"indicator_address", config.indicator.address},
                        {"webhook_allowed_networks", config.webhook_allowed_networks},
                        {"retry_horizon", absl::FormatDuration(config.retry_horizon)},
                        {"demo_clock_start", config.demo_clock_start},
                        {"demo_clock_speed", config.demo_clock_speed}});
  config.server.security.LogEffective(log);

  common::RealClock real_clock;
  const std::unique_ptr<common::Clock> demo_clock = config.DemoClock(&real_clock);
  const common::Clock* schedule_clock = demo_clock ? demo_clock.get() : &real_clock;
  common::MetricsRegistry metrics;
  absl::StatusOr<common::ServerSecurity> security_pieces = common::BuildServerSecurity(
      config.server.security, &notification::NotificationPolicy(), &real_clock, &metrics, log);
  if (!security_pieces.ok()) {
    log.Error("invalid security configuration",
              {{"error", std::string(security_pieces.status().message())}});
    return 2;
  }
  // Calls to the registry, progress and indicator services authenticate as
  // the service "notification".
  absl::StatusOr<std::unique_ptr<common::ServiceClients>> upstream = common::ServiceClients::Create(
      config.server.upstream_clients, config.server.security, "notification", &real_clock, log);
  if (!upstream.ok()) {
    log.Error("invalid upstream configuration",
              {{"error", std::string(upstream.status().message())}});
    return 2;
  }
  common::RocksDbOptions db_options;
  db_options.path = config.server.db_path;
  db_options.column_families = notification::RocksDbNotificationStore::ColumnFamilies();
  db_options.event_source = "ecoplan.notification.v1.NotificationService";
  absl::StatusOr<std::unique_ptr<common::RocksDb>> db = common::RocksDb::Open(db_options);
  if (!db.ok()) {
    log.Error("cannot open database",
              {{"db_path", config.server.db_path}, {"error", db.status().ToString()}});
    return 1;
  }
  notification::RocksDbNotificationStore store(db->get());
  notification::ResolvingUrlChecker url_checker(webhook_security);
  notification::NotifierOptions notifier_options;
  notifier_options.time_zone = config.time_zone;
  notification::Notifier notifier(&store, schedule_clock, &url_checker, notifier_options);
  if (absl::Status loaded = notifier.Load(); !loaded.ok()) {
    log.Error("cannot load state", {{"error", loaded.ToString()}});
    return 1;
  }

  notification::CurlSenderOptions sender_options;
  sender_options.timeout = config.webhook_timeout;
  sender_options.connect_timeout = config.webhook_connect_timeout;
  sender_options.max_response_bytes = static_cast<size_t>(config.webhook_max_response_bytes);
  notification::CurlWebhookSender sender(sender_options, webhook_security);
  notification::DelivererOptions deliverer_options;
  deliverer_options.workers = config.delivery_workers;
  deliverer_options.initial_backoff = config.retry_initial_backoff;
  deliverer_options.max_backoff = config.retry_max_backoff;
  deliverer_options.retry_horizon = config.retry_horizon;
  deliverer_options.breaker_failures = config.breaker_failures;
  deliverer_options.breaker_cooldown = config.breaker_cooldown;
  notification::Deliverer deliverer(&notifier, &store, &sender, &real_clock, deliverer_options,
                                    &metrics);
  notifier.SetDeliverySink(&deliverer);
  deliverer.Start(notifier.ListSubscriptions(), notifier.PendingDeliveries());

  std::vector<std::unique_ptr<notification::UpstreamFollower>> followers;
  // Each upstream with its own --<name>_max_backoff.
  auto options_of = [](const common::UpstreamConfig& upstream) {
    notification::UpstreamOptions options;
    options.max_backoff = upstream.max_backoff;
    return options;
  };
  if (config.registry.followed()) {
    followers.push_back(notification::UpstreamFollower::ForRegistry(
        db->get(), &store, &notifier, (*upstream)->Channel(config.registry.address),
        options_of(config.registry), log));
  }
  if (config.progress.followed()) {
    followers.push_back(notification::UpstreamFollower::ForProgress(
        db->get(), &store, &notifier, (*upstream)->Channel(config.progress.address),
        options_of(config.progress), log));
  }
  if (config.indicator.followed()) {
    followers.push_back(notification::UpstreamFollower::ForIndicator(
        db->get(), &store, &notifier, (*upstream)->Channel(config.indicator.address),
        options_of(config.indicator), log));
  }
  for (auto& f : followers) {
    if (absl::Status started = f->Start(); !started.ok()) {
      log.Error("cannot start follower", {{"error", started.ToString()}});
      return 1;
    }
  }

  notification::ScheduleRunner schedule([&notifier] { return notifier.RunSchedule(); },
                                        schedule_clock, config.schedule_interval, log);
  schedule.Start();

  common::SerialExecutor writer;
  common::WatchEventsHub watch_hub;
  notification::NotificationServiceImpl service(&notifier, &writer, db->get(), &watch_hub,
                                                security_pieces->authenticator.get());
  // Every write and every refused call, recorded before its answer (docs/SECURITY.md "Audit").
  absl::StatusOr<std::unique_ptr<common::ServerAudit>> audit = common::ServerAudit::Open(
      db->get(), security_pieces->authenticator.get(), &real_clock, &metrics, log);
  if (!audit.ok()) {
    log.Error("cannot open the audit log", {{"error", audit.status().ToString()}});
    return 1;
  }
  common::BackupManager backups(db->get(), config.server.backup_dir, &real_clock);
  std::unique_ptr<common::CallAuthenticator> admin_auth =
      common::AdminAuthenticator(*security_pieces, &metrics, log);
  common::AdminServiceImpl admin(&backups, "ecoplan.notification.v1.NotificationService",
                                 admin_auth.get(), (*audit)->log());
  common::ServeSpec serve;
  serve.service_name = "notification";
  serve.services = {&service, &admin};
  serve.credentials = security_pieces->credentials;
  serve.metrics = &metrics;
  serve.interceptors = {(*audit)->capture()};
  serve.on_signal = [&] { watch_hub.Shutdown(); };
  const int exit_code = common::ServeUntilSignal(config.server, serve, log);
  schedule.Stop();
  for (auto& f : followers) f->Stop();
  deliverer.Stop();
  return exit_code;
}
