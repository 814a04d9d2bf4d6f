#pragma once

// Starting, serving and stopping a service's gRPC server the same way in
// every main.cc and in tests/harness:
//
//   common::ServerOptions options;
//   options.port = config.port;
//   options.service_name = "ecoplan.registry.v1.RegistryService";
//   ECOPLAN_ASSIGN_OR_RETURN(auto server, common::RunningServer::Start(options, {&service}));
//   common::RunUntilSignal(*server, [&] { hub.Shutdown(); });  // SIGTERM/SIGINT
//
// Every server has: grpc.health.v1 (SERVING for "" and each service until
// Shutdown; optionally also on a plaintext health-only port), server reflection
// (grpc.reflection.v1alpha) only when asked for (ServerOptions.reflection), message size limits, a
// metrics interceptor (grpc_server_* families), optionally GET /metrics, and
// optionally the same API over HTTP (ServerOptions.http_port).

#include <grpcpp/channel.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/server_interceptor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/server/metrics.h"

namespace ecoplan::common {

class HttpFrontDoor;  // common/http/http_front_door.h

struct ServerOptions {
  // Address to listen on; "0.0.0.0" for every IPv4 interface, "127.0.0.1" in tests.
  std::string host = "0.0.0.0";
  // gRPC port; 0 picks a free one (see RunningServer::port()).
  int port = 0;
  // Larger messages are refused with RESOURCE_EXHAUSTED.
  int max_receive_message_bytes = 8 << 20;
  int max_send_message_bytes = 8 << 20;
  // How long Shutdown() lets running RPCs finish before cancelling them.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // Health-check name set SERVING besides "" and the registered services'
  // full names (e.g. "ecoplan.registry.v1.RegistryService" or "registry").
  std::string service_name;
  // HTTP port for GET /metrics: 0 = disabled, kPickFreePort = any free port.
  static constexpr int kPickFreePort = -1;
  int metrics_port = 0;
  // A second, plaintext gRPC port serving grpc.health.v1 only, with the same
  // statuses as the main port: for probes that cannot speak the main port's
  // TLS (kubelet's native gRPC probes). 0 = none, kPickFreePort = any free port.
  // Nothing else is served on it, so no token or request ever crosses it.
  int health_port = 0;
  // The HTTP front door (common/http/http_front_door.h): every unary and
  // server-streaming RPC of the services over HTTP (Connect, Server-Sent
  // Events, /openapi.json), through this server's interceptors. 0 = none,
  // kPickFreePort = any free port.
  int http_port = 0;
  int http_threads = 2;
  // PEM certificate chain and key of the HTTP port: HTTPS. Empty: cleartext.
  std::string http_tls_certificate_chain;
  std::string http_tls_private_key;
  // Served at GET /openapi.json.
  std::string http_openapi_document;
  // Origins whose browser pages may call the HTTP port (CORS); "*" any.
  std::vector<std::string> http_cors_origins;
  // Answer grpc.reflection.v1alpha (what the server serves, message by
  // message, to anyone who can connect): for local runs and tools such as
  // grpcurl; off by default, so a production server tells an unauthenticated
  // caller nothing about its API.
  bool reflection = false;
  // Registry for the interceptor and /metrics; not owned, must outlive the
  // server. nullptr = the server owns one (RunningServer::metrics()).
  MetricsRegistry* metrics = nullptr;
  // More server interceptors (e.g. common/audit's capture), run after the
  // built-in ones that fix the answered status and before the metrics one.
  // Not owned; each must outlive the server.
  std::vector<grpc::experimental::ServerInterceptorFactoryInterface*> interceptors;
};

// A started gRPC server. Thread-safe.
class RunningServer {
 public:
  // Builds and starts the server with `services` (not owned; they must outlive
  // it). Errors: InvalidArgument (bad options), Unavailable (port in use, or
  // the server failed to start).
  static absl::StatusOr<std::unique_ptr<RunningServer>> Start(
      const ServerOptions& options, const std::vector<grpc::Service*>& services,
      std::shared_ptr<grpc::ServerCredentials> credentials = nullptr /* insecure */);

  // Shutdown() and Wait().
  ~RunningServer();
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  // The bound gRPC port.
  int port() const { return port_; }
  // The bound /metrics port; 0 when disabled.
  int metrics_port() const;
  // The bound HTTP port; 0 when there is none.
  int http_port() const;
  // The bound health-only port; 0 when there is none.
  int health_port() const { return health_port_; }
  MetricsRegistry* metrics() const { return metrics_; }
  // Full names of the registered services (including health and reflection).
  const std::vector<std::string>& service_names() const { return service_names_; }
  grpc::Server* server() const { return server_.get(); }

  // A channel to this server that bypasses the network (for tests and
  // same-process clients, such as the HTTP front door), with the same message
  // size limits.
  std::shared_ptr<grpc::Channel> InProcessChannel() const;

  // Sets every health status to NOT_SERVING (so load balancers and k8s stop
  // sending traffic), then stops accepting RPCs and gives the running ones
  // until now + shutdown_grace before cancelling them; then stops /metrics.
  // Blocks until done. Idempotent and thread-safe.
  void Shutdown();
  // Blocks until the server has shut down.
  void Wait();

 private:
  RunningServer() = default;
  // Starts http_ on options_.http_port. Errors: Unavailable, InvalidArgument.
  absl::Status StartHttpFrontDoor();
  // Starts health_server_ on options_.health_port. Errors: Unavailable.
  absl::Status StartHealthServer();

  ServerOptions options_;
  int port_ = 0;
  std::unique_ptr<MetricsRegistry> owned_metrics_;
  MetricsRegistry* metrics_ = nullptr;
  std::vector<std::string> service_names_;
  std::unique_ptr<grpc::Server> server_;
  int health_port_ = 0;
  std::unique_ptr<grpc::Server> health_server_;
  std::unique_ptr<MetricsHttpServer> metrics_http_;
  std::unique_ptr<HttpFrontDoor> http_;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

// Blocks until SIGTERM or SIGINT arrives, then calls `before_shutdown` (e.g. to
// end WatchEvents streams; may be empty), server.Shutdown() and server.Wait().
// The signals are blocked and taken synchronously with sigwait() in the calling
// thread (which only waits anyway), so no code runs in a signal handler. Call it from main() before
// starting any other thread, so that every thread inherits the blocked mask (otherwise the kernel
// may deliver the signal to a thread that does not block it, killing the process with the default
// action). Returns after Shutdown() completed.
void RunUntilSignal(RunningServer& server, std::function<void()> before_shutdown);

// Blocks SIGTERM and SIGINT in the calling thread (and the threads it creates
// later). RunUntilSignal does it too; call this first thing in main() if
// threads are started before RunUntilSignal (RocksDb, the committer, gRPC).
void BlockTerminationSignals();

}  // namespace ecoplan::common
