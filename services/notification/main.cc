// notification_server: flags → NotificationConfig → ServerFoundation (security,
// upstream clients, RocksDb, audit, AdminService) → RocksDbNotificationStore →
// Notifier → Deliverer (webhooks) + followers of the registry, progress and
// indicator streams + ScheduleRunner → NotificationServiceImpl → ServeUntilSignal,
// until SIGTERM or SIGINT.

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "common/concurrency/serial_executor.h"
#include "common/config/env.h"
#include "common/events/watch_events_reactor.h"
#include "common/log/log.h"
#include "common/server/serve.h"
#include "common/server/server_flags.h"
#include "common/server/server_foundation.h"
#include "common/time/clock.h"
#include "services/notification/config.h"
#include "services/notification/delivery/deliverer.h"
#include "services/notification/delivery/webhook_sender.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/notification_policy.h"
#include "services/notification/notification_service_impl.h"
#include "services/notification/schedule_runner.h"
#include "services/notification/storage/rocksdb_notification_store.h"
#include "services/notification/storage/secret_cipher.h"
#include "services/notification/upstream_followers.h"

using ::ecoplan::common::EnvOr;

ECOPLAN_SERVER_FLAGS("ECOPLAN_NOTIFICATION_PORT", 50054, "ECOPLAN_NOTIFICATION_HTTP_PORT", 8084,
                     "var/notification", "var/notification-backups");
ECOPLAN_UPSTREAM_FLAGS(registry, "ECOPLAN_REGISTRY_ADDRESS", "127.0.0.1:50051",
                       "host:port of the registry whose events are followed; empty = none");
ECOPLAN_UPSTREAM_FLAGS(progress, "ECOPLAN_PROGRESS_ADDRESS", "",
                       "host:port of the progress service whose events are followed; empty = none");
ECOPLAN_UPSTREAM_FLAGS(indicator, "ECOPLAN_INDICATOR_ADDRESS", "",
                       "host:port of the indicator service whose events are followed; empty = "
                       "none");
ABSL_FLAG(std::string, webhook_allowed_networks, EnvOr("ECOPLAN_WEBHOOK_ALLOWED_NETWORKS", ""),
          "CIDR networks allowed to webhooks besides public addresses, comma-separated; a "
          "special-purpose range (loopback, private, link-local, CGNAT, …) is reached only "
          "through a network inside it named here, e.g. 127.0.0.1/32 (env "
          "ECOPLAN_WEBHOOK_ALLOWED_NETWORKS); empty = public addresses only");
ABSL_FLAG(std::string, webhook_allowed_hosts, EnvOr("ECOPLAN_WEBHOOK_ALLOWED_HOSTS", ""),
          "Host names webhook URLs may name, comma-separated; empty = any inside the networks");
ABSL_FLAG(std::string, webhook_secret_key_file, EnvOr("ECOPLAN_WEBHOOK_SECRET_KEY_FILE", ""),
          "File of keys sealing the webhook signing secrets at rest, one \"<key id> <base64 of "
          "32 bytes>\" per line, the first sealing (env ECOPLAN_WEBHOOK_SECRET_KEY_FILE); empty = "
          "secrets stored in the clear");
ABSL_FLAG(int, max_subscriptions_per_owner, 20,
          "Webhook subscriptions one subject may own (more: RESOURCE_EXHAUSTED)");
ABSL_FLAG(int, max_streams_per_subject, 16,
          "StreamNotifications and WatchEvents streams one subject may hold open at once (more: "
          "RESOURCE_EXHAUSTED)");
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
ABSL_FLAG(int, delivery_worker_nice, 10,
          "Scheduling niceness of the webhook workers (0..19; 0: as the rest of the server): a "
          "webhook backlog takes only the CPU the followers, streams and RPCs leave");
ABSL_FLAG(double, delivery_max_per_second, 0,
          "Webhook attempts started per second at most, all subscriptions together (0: no cap): "
          "a burst then leaves CPU to the followers and StreamNotifications on a crowded node");
ABSL_FLAG(absl::Duration, delivery_yield, absl::ZeroDuration(),
          "After new notifications are committed behind a webhook backlog, no attempt starts "
          "for this long, so their stream writes go first (0: never; at most 1/4 of the time)");
ABSL_FLAG(absl::Duration, schedule_interval, absl::Minutes(1), "Wall time between schedule runs");
ABSL_FLAG(absl::Duration, schedule_start_wait, absl::Minutes(2),
          "Longest wait of the first schedule run for the followers to catch up with their "
          "upstreams (then it runs and logs a warning)");
ABSL_FLAG(std::string, demo_clock_start, "", "Demo: the schedule's clock starts here (RFC 3339)");
ABSL_FLAG(double, demo_clock_speed, 1,
          "Demo: the schedule's clock runs this many times faster (86400 = a day per second)");

namespace {

namespace notification = ::ecoplan::notification;
namespace common = ::ecoplan::common;

notification::NotificationConfig ConfigFromFlags() {
  notification::NotificationConfig config;
  config.server = ECOPLAN_SERVER_FLAG_VALUES();
  config.registry = ECOPLAN_UPSTREAM_FLAG_VALUES(registry, /*required=*/false);
  config.progress = ECOPLAN_UPSTREAM_FLAG_VALUES(progress, /*required=*/false);
  config.indicator = ECOPLAN_UPSTREAM_FLAG_VALUES(indicator, /*required=*/false);
  config.webhook_allowed_networks = absl::GetFlag(FLAGS_webhook_allowed_networks);
  config.webhook_allowed_hosts = absl::GetFlag(FLAGS_webhook_allowed_hosts);
  config.webhook_secret_key_file = absl::GetFlag(FLAGS_webhook_secret_key_file);
  config.max_subscriptions_per_owner = absl::GetFlag(FLAGS_max_subscriptions_per_owner);
  config.max_streams_per_subject = absl::GetFlag(FLAGS_max_streams_per_subject);
  config.webhook_timeout = absl::GetFlag(FLAGS_webhook_timeout);
  config.webhook_connect_timeout = absl::GetFlag(FLAGS_webhook_connect_timeout);
  config.webhook_max_response_bytes = absl::GetFlag(FLAGS_webhook_max_response_bytes);
  config.retry_horizon = absl::GetFlag(FLAGS_retry_horizon);
  config.retry_initial_backoff = absl::GetFlag(FLAGS_retry_initial_backoff);
  config.retry_max_backoff = absl::GetFlag(FLAGS_retry_max_backoff);
  config.breaker_failures = absl::GetFlag(FLAGS_breaker_failures);
  config.breaker_cooldown = absl::GetFlag(FLAGS_breaker_cooldown);
  config.delivery_workers = absl::GetFlag(FLAGS_delivery_workers);
  config.delivery_worker_nice = absl::GetFlag(FLAGS_delivery_worker_nice);
  config.delivery_max_per_second = absl::GetFlag(FLAGS_delivery_max_per_second);
  config.delivery_yield = absl::GetFlag(FLAGS_delivery_yield);
  config.schedule_interval = absl::GetFlag(FLAGS_schedule_interval);
  config.schedule_start_wait = absl::GetFlag(FLAGS_schedule_start_wait);
  config.demo_clock_start = absl::GetFlag(FLAGS_demo_clock_start);
  config.demo_clock_speed = absl::GetFlag(FLAGS_demo_clock_speed);
  return config;
}

notification::CurlSenderOptions SenderOptionsOf(const notification::NotificationConfig& config) {
  notification::CurlSenderOptions sender_options;
  sender_options.timeout = config.webhook_timeout;
  sender_options.connect_timeout = config.webhook_connect_timeout;
  sender_options.max_response_bytes = static_cast<size_t>(config.webhook_max_response_bytes);
  return sender_options;
}

notification::DelivererOptions DelivererOptionsOf(const notification::NotificationConfig& config) {
  notification::DelivererOptions deliverer_options;
  deliverer_options.workers = config.delivery_workers;
  deliverer_options.worker_nice = config.delivery_worker_nice;
  deliverer_options.pacing.max_per_second = config.delivery_max_per_second;
  deliverer_options.pacing.yield = config.delivery_yield;
  deliverer_options.initial_backoff = config.retry_initial_backoff;
  deliverer_options.max_backoff = config.retry_max_backoff;
  deliverer_options.retry_horizon = config.retry_horizon;
  deliverer_options.breaker_failures = config.breaker_failures;
  deliverer_options.breaker_cooldown = config.breaker_cooldown;
  return deliverer_options;
}

// A follower of each upstream the configuration names (not started).
std::vector<std::unique_ptr<notification::UpstreamFollower>> Followers(
    const notification::NotificationConfig& config, common::ServerFoundation* base,
    notification::RocksDbNotificationStore* store, notification::Notifier* notifier,
    common::MetricsRegistry* metrics, const common::Logger& log) {
  std::vector<std::unique_ptr<notification::UpstreamFollower>> followers;
  // Each upstream with its own --<name>_max_backoff.
  auto options_of = [metrics](const common::UpstreamConfig& upstream) {
    notification::UpstreamOptions options;
    options.address = upstream.address;
    options.max_backoff = upstream.max_backoff;
    options.metrics = metrics;
    return options;
  };
  if (config.registry.followed()) {
    followers.push_back(notification::UpstreamFollower::ForRegistry(
        base->db(), store, notifier, base->upstream()->Channel(config.registry.address),
        options_of(config.registry), log));
  }
  if (config.progress.followed()) {
    followers.push_back(notification::UpstreamFollower::ForProgress(
        base->db(), store, notifier, base->upstream()->Channel(config.progress.address),
        options_of(config.progress), log));
  }
  if (config.indicator.followed()) {
    followers.push_back(notification::UpstreamFollower::ForIndicator(
        base->db(), store, notifier, base->upstream()->Channel(config.indicator.address),
        options_of(config.indicator), log));
  }
  return followers;
}

void LogStart(const common::Logger& log, const notification::NotificationConfig& config) {
  common::LogStarting(
      log, config.server, common::LogField{"registry_address", config.registry.address},
      common::LogField{"progress_address", config.progress.address},
      common::LogField{"indicator_address", config.indicator.address},
      common::LogField{"webhook_allowed_networks", config.webhook_allowed_networks},
      common::LogField{"webhook_secret_key_file", config.webhook_secret_key_file},
      common::LogField{"max_subscriptions_per_owner", config.max_subscriptions_per_owner},
      common::LogField{"max_streams_per_subject", config.max_streams_per_subject},
      common::LogField{"retry_horizon", absl::FormatDuration(config.retry_horizon)},
      common::LogField{"demo_clock_start", config.demo_clock_start},
      common::LogField{"demo_clock_speed", config.demo_clock_speed});
}

// The first schedule run waits for every follower to catch up with its upstream, at most
// --schedule_start_wait.
notification::ScheduleStartGate StartGate(
    const std::vector<std::unique_ptr<notification::UpstreamFollower>>& followers,
    const notification::NotificationConfig& config) {
  notification::ScheduleStartGate gate;
  gate.caught_up = [&followers] {
    bool all = true;
    for (auto& f : followers) all = f->CaughtUp() && all;  // ask each: each remembers
    return all;
  };
  gate.max_wait = config.schedule_start_wait;
  return gate;
}

}  // namespace

int main(int argc, char** argv) {
  namespace notification = ::ecoplan::notification;
  namespace common = ::ecoplan::common;
  const common::Logger log =
      common::StartServerProcess(argc, argv, "notification", "ecoplan notification server");
  notification::CurlGlobalInit();

  const notification::NotificationConfig config = ConfigFromFlags();
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    return common::ExitInvalidConfiguration(log, valid);
  }
  const notification::WebhookSecurity webhook_security = *config.WebhookPolicy();  // validated
  LogStart(log, config);

  common::RealClock real_clock;
  common::MetricsRegistry metrics;
  common::FoundationSpec spec;
  spec.event_source = "ecoplan.notification.v1.NotificationService";
  spec.policy = &notification::NotificationPolicy();
  spec.column_families = notification::RocksDbNotificationStore::ColumnFamilies();
  // Calls to the registry, progress and indicator services authenticate as "notification".
  spec.upstream_identity = "notification";
  std::unique_ptr<common::ServerFoundation> base;
  if (int failed =
          common::ServerFoundation::Open(config.server, spec, &real_clock, &metrics, log, &base)) {
    return failed;
  }
  // Deadlines and inbox times follow the service's clock (never going back),
  // or the demonstration clock running from it; webhook retries the wall clock.
  const std::unique_ptr<common::Clock> demo_clock = config.DemoClock(base->clock());
  const common::Clock* schedule_clock = demo_clock ? demo_clock.get() : base->clock();

  // Webhook signing secrets are sealed at rest with the key file's first key; secrets stored in
  // the clear (or under an older key) are re-sealed now, before anything reads them.
  std::unique_ptr<notification::SecretCipher> cipher;
  if (!config.webhook_secret_key_file.empty()) {
    absl::StatusOr<std::unique_ptr<notification::SecretCipher>> loaded =
        notification::SecretCipher::FromKeyFile(config.webhook_secret_key_file);
    if (!loaded.ok()) return common::ExitInvalidConfiguration(log, loaded.status());
    cipher = *std::move(loaded);
  } else {
    log.Warn(
        "--webhook_secret_key_file is not set: webhook signing secrets are stored in the clear in "
        "the database and its backups (docs/SECURITY.md)");
  }
  notification::RocksDbNotificationStore store(base->db(), cipher.get());
  if (absl::StatusOr<int> resealed = store.ResealSecrets(); !resealed.ok()) {
    return common::ExitFailure(log, "cannot re-seal the webhook secrets", resealed.status());
  } else if (*resealed > 0) {
    log.Info("webhook secrets re-sealed with the current key",
             {{"subscriptions", *resealed}, {"key_id", cipher->current_key_id()}});
  }
  notification::ResolvingUrlChecker url_checker(webhook_security);
  // Resumes a write that waited for its key (never the committer's thread).
  common::SerialExecutor contention;
  notification::NotifierOptions notifier_options;
  notifier_options.time_zone = config.time_zone;
  notifier_options.max_subscriptions_per_owner = config.max_subscriptions_per_owner;
  notifier_options.dispatch = [&contention](std::function<void()> fn) {
    contention.Submit(std::move(fn));
  };
  notification::Notifier notifier(&store, schedule_clock, &url_checker, notifier_options);
  if (absl::Status loaded = notifier.Load(); !loaded.ok()) {
    return common::ExitFailure(log, "cannot load state", loaded);
  }

  const notification::CurlSenderOptions sender_options = SenderOptionsOf(config);
  notification::CurlWebhookSender sender(sender_options, webhook_security);
  notification::DelivererOptions deliverer_options = DelivererOptionsOf(config);
  deliverer_options.logger = log;
  notification::Deliverer deliverer(&notifier, &store, &sender, &real_clock, deliverer_options,
                                    &metrics);
  notifier.SetDeliverySink(&deliverer);
  deliverer.Start(notifier.ListSubscriptions(), notifier.PendingDeliveries());

  std::vector<std::unique_ptr<notification::UpstreamFollower>> followers =
      Followers(config, base.get(), &store, &notifier, &metrics, log);
  for (auto& f : followers) {
    if (absl::Status started = f->Start(); !started.ok()) {
      return common::ExitFailure(log, "cannot start follower", started);
    }
  }

  // The first run waits for the followers: a reminder must not go out for a
  // checkpoint stated met or a report submitted in an event not applied yet.
  const notification::ScheduleStartGate gate = StartGate(followers, config);
  notification::ScheduleRunner schedule([&notifier] { return notifier.RunSchedule(); },
                                        schedule_clock, config.schedule_interval, log, gate);
  schedule.Start();

  // Starts the writes that first resolve a subscription's host name, and RunSchedule.
  common::SerialExecutor writer;
  common::WatchEventsHub watch_hub;
  notification::NotificationServiceOptions service_options;
  service_options.max_streams_per_subject = config.max_streams_per_subject;
  notification::NotificationServiceImpl service(&notifier, &writer, base->db(), &watch_hub,
                                                base->authenticator(), service_options);

  common::ServeSpec serve = base->Serve("notification", {&service});
  serve.on_signal = [&] { watch_hub.Shutdown(); };
  const int exit_code = common::ServeUntilSignal(config.server, serve, log);
  schedule.Stop();
  for (auto& f : followers) f->Stop();
  deliverer.Stop();
  // The committer's last callbacks release the notifier's leases: it stops
  // before the notifier goes (after the deliverer's last writes).
  base->db()->Shutdown();
  return exit_code;
}
