// indicator_server: indicator evaluation. Flags → IndicatorConfig → RocksDb →
// RocksDbIndicatorStore → IndicatorEvaluator → IndicatorServiceImpl (+ the
// AdminService, both behind BuildServerSecurity) → RunningServer, plus an EventFollower that builds the plans'
// indicators from the registry's events, until SIGTERM or SIGINT.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include <grpcpp/grpcpp.h>
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/admin/admin_policy.h"
#include "common/admin/admin_service_impl.h"
#include "common/auth/server_security.h"
#include "common/admin/backup_manager.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/event_follower.h"
#include "common/events/watch_events_reactor.h"
#include "common/log/log.h"
#include "common/server/run_server.h"
#include "common/storage/rocksdb_db.h"
#include "common/time/clock.h"
#include "services/indicator/config.h"
#include "services/indicator/indicator_evaluator.h"
#include "services/indicator/indicator_policy.h"
#include "services/indicator/indicator_service_impl.h"
#include "services/indicator/registry_plan_follower.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

int EnvIntOr(const char* name, int fallback) {
  int value = 0;
  const char* text = std::getenv(name);
  return text != nullptr && absl::SimpleAtoi(text, &value) ? value : fallback;
}

bool EnvBoolOr(const char* name, bool fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  const std::string value = absl::AsciiStrToLower(text);
  return value == "1" || value == "true" || value == "yes";
}

}  // namespace

ABSL_FLAG(std::string, host, EnvOr("ECOPLAN_HOST", "127.0.0.1"),
          "Address to listen on (env ECOPLAN_HOST); 0.0.0.0 in containers");
ABSL_FLAG(int, port, EnvIntOr("ECOPLAN_INDICATOR_PORT", 50053),
          "gRPC port (env ECOPLAN_INDICATOR_PORT); 0 picks a free port");
ABSL_FLAG(int, metrics_port, EnvIntOr("ECOPLAN_METRICS_PORT", 0),
          "HTTP port of /metrics (env ECOPLAN_METRICS_PORT); 0 disables it");
ABSL_FLAG(std::string, db_path, EnvOr("ECOPLAN_DB_PATH", "var/indicator"),
          "RocksDB directory (env ECOPLAN_DB_PATH)");
ABSL_FLAG(std::string, backup_dir, EnvOr("ECOPLAN_BACKUP_DIR", ""),
          "Directory of backups taken through AdminService (env ECOPLAN_BACKUP_DIR); empty "
          "disables them");
ABSL_FLAG(std::string, registry_address, EnvOr("ECOPLAN_REGISTRY_ADDRESS", "127.0.0.1:50051"),
          "Address of the registry whose events this service follows (env "
          "ECOPLAN_REGISTRY_ADDRESS)");
ABSL_FLAG(int, max_message_bytes, 8 << 20, "Largest request or response, in bytes");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "How long in-flight calls may run on after SIGTERM");
ABSL_FLAG(absl::Duration, registry_max_backoff, absl::Seconds(10),
          "Longest wait between reconnection attempts to the registry");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound gRPC port is written to this file once serving (for scripts and tests)");

// Security (docs/SECURITY.md): IndicatorService's RPCs follow IndicatorPolicy(),
// the AdminService AdminPolicy(). The HS256 secret itself may also come from
// the environment variable ECOPLAN_AUTH_HS256_SECRET (never a flag: flags show in ps).
ABSL_FLAG(std::string, auth_hs256_secret_file, EnvOr("ECOPLAN_AUTH_HS256_SECRET_FILE", ""),
          "File holding the HS256 token secret, >= 32 bytes (env ECOPLAN_AUTH_HS256_SECRET_FILE)");
ABSL_FLAG(std::string, auth_public_key_file, EnvOr("ECOPLAN_AUTH_PUBLIC_KEY_FILE", ""),
          "PEM public key of the identity provider, for RS256/ES256 tokens "
          "(env ECOPLAN_AUTH_PUBLIC_KEY_FILE)");
ABSL_FLAG(std::string, auth_algorithm, EnvOr("ECOPLAN_AUTH_ALGORITHM", ""),
          "Token algorithm: HS256 (default with a secret), RS256 or ES256 "
          "(env ECOPLAN_AUTH_ALGORITHM)");
ABSL_FLAG(std::string, auth_issuer, EnvOr("ECOPLAN_AUTH_ISSUER", "ecoplan-local"),
          "Required token issuer, claim iss (env ECOPLAN_AUTH_ISSUER)");
ABSL_FLAG(std::string, auth_audience, EnvOr("ECOPLAN_AUTH_AUDIENCE", "ecoplan"),
          "Required token audience, claim aud (env ECOPLAN_AUTH_AUDIENCE)");
ABSL_FLAG(absl::Duration, auth_clock_skew, absl::Seconds(60),
          "Tolerated clock difference on exp/nbf/iat, at most 5m");
ABSL_FLAG(std::string, tls_cert_file, EnvOr("ECOPLAN_TLS_CERT_FILE", ""),
          "PEM server certificate chain; with --tls_key_file turns TLS on "
          "(env ECOPLAN_TLS_CERT_FILE)");
ABSL_FLAG(std::string, tls_key_file, EnvOr("ECOPLAN_TLS_KEY_FILE", ""),
          "PEM server private key (env ECOPLAN_TLS_KEY_FILE)");
ABSL_FLAG(std::string, tls_client_ca_file, EnvOr("ECOPLAN_TLS_CLIENT_CA_FILE", ""),
          "PEM CA for client certificates: requires and verifies them, mutual TLS "
          "(env ECOPLAN_TLS_CLIENT_CA_FILE)");
ABSL_FLAG(std::string, tls_client_service_names, EnvOr("ECOPLAN_TLS_CLIENT_SERVICE_NAMES", ""),
          "Comma-separated client-certificate common names accepted as service principals "
          "(env ECOPLAN_TLS_CLIENT_SERVICE_NAMES)");
ABSL_FLAG(double, rate_limit_per_second, 50,
          "Calls per second per caller, sustained; 0 disables the limit");
ABSL_FLAG(double, rate_limit_burst, 100, "Calls a caller may make at once");
ABSL_FLAG(bool, insecure_development_mode, EnvBoolOr("ECOPLAN_INSECURE_DEVELOPMENT_MODE", false),
          "LOCAL RUNS ONLY: accept callers without credentials as the administrator "
          "\"development\" (env ECOPLAN_INSECURE_DEVELOPMENT_MODE)");

int main(int argc, char** argv) {
  namespace indicator = ::ecoplan::indicator;
  namespace common = ::ecoplan::common;
  namespace rv1 = ::ecoplan::registry::v1;
  common::BlockTerminationSignals();
  absl::SetProgramUsageMessage("ecoplan indicator evaluation server");
  absl::ParseCommandLine(argc, argv);
  common::Logger log("indicator");

  indicator::IndicatorConfig config;
  config.host = absl::GetFlag(FLAGS_host);
  config.port = absl::GetFlag(FLAGS_port);
  config.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  config.db_path = absl::GetFlag(FLAGS_db_path);
  config.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  config.registry_address = absl::GetFlag(FLAGS_registry_address);
  config.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  config.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  config.registry_max_backoff = absl::GetFlag(FLAGS_registry_max_backoff);
  config.port_file = absl::GetFlag(FLAGS_port_file);
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    log.Error("invalid configuration", {{"error", std::string(valid.message())}});
    return 2;
  }
  log.Info("starting", {{"host", config.host},
                        {"port", config.port},
                        {"metrics_port", config.metrics_port},
                        {"db_path", config.db_path},
                        {"backup_dir", config.backup_dir},
                        {"registry", config.registry_address},
                        {"max_message_bytes", config.max_message_bytes},
                        {"shutdown_grace", absl::FormatDuration(config.shutdown_grace)}});

  common::RealClock clock;
  common::MetricsRegistry metrics;
  common::ServerSecurityConfig security;
  security.auth_hs256_secret_file = absl::GetFlag(FLAGS_auth_hs256_secret_file);
  security.auth_hs256_secret = EnvOr("ECOPLAN_AUTH_HS256_SECRET", "");
  security.auth_public_key_file = absl::GetFlag(FLAGS_auth_public_key_file);
  security.auth_algorithm = absl::GetFlag(FLAGS_auth_algorithm);
  security.auth_issuer = absl::GetFlag(FLAGS_auth_issuer);
  security.auth_audience = absl::GetFlag(FLAGS_auth_audience);
  security.auth_clock_skew = absl::GetFlag(FLAGS_auth_clock_skew);
  security.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  security.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  security.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  security.tls_client_service_names = absl::StrSplit(
      absl::GetFlag(FLAGS_tls_client_service_names), ',', absl::SkipWhitespace());
  security.rate_limit_per_second = absl::GetFlag(FLAGS_rate_limit_per_second);
  security.rate_limit_burst = absl::GetFlag(FLAGS_rate_limit_burst);
  security.insecure_development_mode = absl::GetFlag(FLAGS_insecure_development_mode);
  if (absl::Status valid = security.Validate(); !valid.ok()) {
    log.Error("invalid configuration", {{"error", std::string(valid.message())}});
    return 2;
  }
  security.LogEffective(log);
  absl::StatusOr<common::ServerSecurity> security_pieces = common::BuildServerSecurity(
      security, &indicator::IndicatorPolicy(), &clock, &metrics, log);
  if (!security_pieces.ok()) {
    log.Error("invalid security configuration",
              {{"error", std::string(security_pieces.status().message())}});
    return 2;
  }
  common::RocksDbOptions db_options;
  db_options.path = config.db_path;
  db_options.column_families = indicator::RocksDbIndicatorStore::ColumnFamilies();
  db_options.event_source = indicator::RocksDbIndicatorStore::kEventSource;
  absl::StatusOr<std::unique_ptr<common::RocksDb>> db = common::RocksDb::Open(db_options);
  if (!db.ok()) {
    log.Error("cannot open database",
              {{"db_path", config.db_path}, {"error", db.status().ToString()}});
    return 1;
  }
  indicator::RocksDbIndicatorStore store(db->get());
  common::SerialExecutor ingest;
  indicator::IndicatorEvaluator evaluator(&store, &clock, &ingest);
  const absl::Time load_start = absl::Now();
  if (absl::Status loaded = evaluator.Load(); !loaded.ok()) {
    log.Error("cannot load the stored state", {{"error", loaded.ToString()}});
    return 1;
  }
  log.Info("state loaded", {{"seconds", absl::ToDoubleSeconds(absl::Now() - load_start)}});

  std::shared_ptr<grpc::Channel> registry_channel =
      grpc::CreateChannel(config.registry_address, grpc::InsecureChannelCredentials());
  std::unique_ptr<rv1::RegistryService::Stub> registry =
      rv1::RegistryService::NewStub(registry_channel);
  indicator::RegistryPlanFollower plan_follower(&evaluator, registry.get(), absl::Seconds(30), log);
  common::EventFollowerOptions follow_options;
  follow_options.name = "registry";
  follow_options.max_backoff = config.registry_max_backoff;
  follow_options.channel_ready = [registry_channel] {
    return registry_channel->GetState(false) == GRPC_CHANNEL_READY;
  };
  follow_options.on_error = [&log](const absl::Status& status) {
    log.Warn("registry event stream interrupted; reconnecting", {{"error", status.ToString()}});
  };
  common::EventFollower follower(
      db->get(), follow_options,
      common::MakeWatchEventsOpener<rv1::WatchEventsRequest, rv1::WatchEventsResponse>(
          registry.get()),
      [&plan_follower](const ecoplan::common::v1::Event& event) {
        return plan_follower.Handle(event);
      });
  if (absl::Status started = follower.Start(); !started.ok()) {
    log.Error("cannot follow the registry", {{"error", started.ToString()}});
    return 1;
  }

  common::WatchEventsHub watch_hub;
  indicator::IndicatorServiceImpl service(&evaluator, &watch_hub,
                                          security_pieces->authenticator.get(), registry.get());
  common::BackupManager backups(db->get(), config.backup_dir, &clock);
  std::unique_ptr<common::CallAuthenticator> admin_auth =
      common::AdminAuthenticator(*security_pieces, &metrics, log);
  common::AdminServiceImpl admin(&backups, indicator::RocksDbIndicatorStore::kEventSource,
                                 admin_auth.get());

  common::ServerOptions server_options;
  server_options.host = config.host;
  server_options.port = config.port;
  server_options.metrics_port = config.metrics_port;
  server_options.max_receive_message_bytes = config.max_message_bytes;
  server_options.max_send_message_bytes = config.max_message_bytes;
  server_options.shutdown_grace = config.shutdown_grace;
  server_options.service_name = "indicator";
  server_options.metrics = &metrics;
  absl::StatusOr<std::unique_ptr<common::RunningServer>> server = common::RunningServer::Start(
      server_options, {&service, &admin}, security_pieces->credentials);
  if (!server.ok()) {
    log.Error("cannot start server", {{"error", server.status().ToString()}});
    return 1;
  }
  const int port = (*server)->port();
  if (!config.port_file.empty()) {
    const std::string tmp = config.port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::filesystem::rename(tmp, config.port_file);
  }
  log.Info("serving", {{"address", absl::StrCat(config.host, ":", port)},
                       {"registry_cursor", follower.cursor()}});

  common::RunUntilSignal(**server, [&] {
    watch_hub.Shutdown();
    follower.Stop();
  });
  log.Info("stopped", {});
  return 0;
}
