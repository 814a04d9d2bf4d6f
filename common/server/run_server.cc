#include "common/server/run_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/impl/server_initializer.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/http/http_front_door.h"
#include "common/log/log.h"
#include "common/server/unparsable_request_interceptor.h"
#include "common/status/grpc_status.h"

namespace ecoplan::common {
namespace {

// Lends a factory the caller owns to the builder, which insists on owning its factories.
class ForwardingInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ForwardingInterceptorFactory(grpc::experimental::ServerInterceptorFactoryInterface* f)
      : factory_(f) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return factory_->CreateServerInterceptor(info);
  }

 private:
  grpc::experimental::ServerInterceptorFactoryInterface* const factory_;
};

// grpc::Service does not expose its name; the server's list of registered
// service names is reachable only from a builder plugin, added per builder
// through an option.
class ServiceListPlugin : public grpc::ServerBuilderPlugin {
 public:
  explicit ServiceListPlugin(std::vector<std::string>* out) : out_(out) {}
  std::string name() override { return "ecoplan_service_list"; }
  void InitServer(grpc::ServerInitializer*) override {}
  void Finish(grpc::ServerInitializer* initializer) override {
    *out_ = *initializer->GetServiceList();
  }
  void ChangeArguments(const std::string&, void*) override {}

 private:
  std::vector<std::string>* out_;
};

class ServiceListOption : public grpc::ServerBuilderOption {
 public:
  explicit ServiceListOption(std::vector<std::string>* out) : out_(out) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->push_back(std::make_unique<ServiceListPlugin>(out_));
  }

 private:
  std::vector<std::string>* out_;
};

// host:port, with an IPv6 host in brackets.
std::string JoinHostPort(const std::string& host, int port) {
  return absl::StrCat(host.find(':') != std::string::npos ? absl::StrCat("[", host, "]") : host,
                      ":", port);
}

// Takes the reflection plugin, which libgrpc++_reflection registers for every
// builder of the process when it loads, out of one builder's server.
class WithoutReflectionOption : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(
        std::remove_if(plugins->begin(), plugins->end(),
                       [](const std::unique_ptr<grpc::ServerBuilderPlugin>& plugin) {
                         return dynamic_cast<grpc::reflection::ProtoServerReflectionPlugin*>(
                                    plugin.get()) != nullptr;
                       }),
        plugins->end());
  }
};

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RunningServer>> RunningServer::Start(
    const ServerOptions& options, const std::vector<grpc::Service*>& services,
    std::shared_ptr<grpc::ServerCredentials> credentials) {
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("port ", options.port, " out of range"));
  }
  if (options.max_receive_message_bytes <= 0 || options.max_send_message_bytes <= 0) {
    return absl::InvalidArgumentError("message size limits must be positive");
  }
  if (options.metrics_port < ServerOptions::kPickFreePort || options.metrics_port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics port ", options.metrics_port, " out of range"));
  }
  // INTERNAL answers are logged under the service's name (one per process; in a
  // test process running several servers, the last one started names them).
  if (!options.service_name.empty()) SetInternalErrorLogger(Logger(options.service_name));
  // Debian builds Abseil without NDEBUG, so every absl::Mutex (gRPC's too)
  // tracks lock order for deadlock detection: a measurable share of a busy
  // server's CPU. Servers run without it; domain tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::unique_ptr<RunningServer> running(new RunningServer());
  running->options_ = options;
  if (options.metrics != nullptr) {
    running->metrics_ = options.metrics;
  } else {
    running->owned_metrics_ = std::make_unique<MetricsRegistry>();
    running->metrics_ = running->owned_metrics_.get();
  }

  // Both are process-wide switches that take effect for builders created
  // afterwards; calling them again is harmless.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  const std::string address = JoinHostPort(options.host, options.port);
  builder.AddListeningPort(address,
                           credentials != nullptr ? credentials : grpc::InsecureServerCredentials(),
                           &running->port_);
  // The services' clients ping an open stream every 10 s (ServiceClients::Channel,
  // common/auth/service_client.h) to notice a silent partition; gRPC's default
  // (a ping at most every 5 minutes without data) would answer them with GOAWAY.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5000);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options.max_send_message_bytes);
  for (grpc::Service* service : services) builder.RegisterService(service);
  builder.SetOption(std::make_unique<ServiceListOption>(&running->service_names_));
  if (!options.reflection) builder.SetOption(std::make_unique<WithoutReflectionOption>());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  // First, so the metrics record the status the client finally gets.
  interceptors.push_back(
      std::make_unique<UnparsableRequestInterceptorFactory>(&running->service_names_));
  // Then the caller's (e.g. the audit capture), which see that status too and
  // whose time (an audit record's synced write) the latency metrics include.
  for (grpc::experimental::ServerInterceptorFactoryInterface* factory : options.interceptors) {
    interceptors.push_back(std::make_unique<ForwardingInterceptorFactory>(factory));
  }
  interceptors.push_back(
      std::make_unique<MetricsInterceptorFactory>(running->metrics_, &running->service_names_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  running->server_ = builder.BuildAndStart();
  if (running->server_ == nullptr || running->port_ == 0) {
    running->server_.reset();
    return absl::UnavailableError(absl::StrCat("cannot start the gRPC server on ", address,
                                               " (port in use or bad address?)"));
  }
  if (options.health_port != 0) {
    absl::Status started = running->StartHealthServer();
    if (!started.ok()) return started;  // The destructor shuts the gRPC server down.
  }
  for (grpc::Server* server : {running->server_.get(), running->health_server_.get()}) {
    grpc::HealthCheckServiceInterface* health =
        server != nullptr ? server->GetHealthCheckService() : nullptr;
    if (health == nullptr) continue;
    health->SetServingStatus("", true);
    for (const std::string& name : running->service_names_) health->SetServingStatus(name, true);
    if (!options.service_name.empty()) health->SetServingStatus(options.service_name, true);
  }
  if (options.metrics_port != 0) {
    absl::StatusOr<std::unique_ptr<MetricsHttpServer>> http = MetricsHttpServer::Start(
        options.host,
        options.metrics_port == ServerOptions::kPickFreePort ? 0 : options.metrics_port,
        running->metrics_);
    if (!http.ok()) return http.status();  // The destructor shuts the gRPC server down.
    running->metrics_http_ = std::move(*http);
  }
  if (options.http_port != 0) {
    absl::Status started = running->StartHttpFrontDoor();
    if (!started.ok()) return started;  // The destructor shuts the gRPC server down.
  }
  return running;
}

absl::Status RunningServer::StartHealthServer() {
  // No services, interceptors or credentials of the main port: the default
  // health service (and reflection of it) is all this server answers.
  grpc::ServerBuilder builder;
  const std::string address =
      JoinHostPort(options_.host,
                   options_.health_port == ServerOptions::kPickFreePort ? 0 : options_.health_port);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &health_port_);
  builder.SetMaxReceiveMessageSize(4096);
  // Reflection stays here: gRPC 1.51 does not start a server whose only
  // service is the default health service. It lists grpc.health.v1 and
  // itself, nothing of the API.
  health_server_ = builder.BuildAndStart();
  if (health_server_ == nullptr || health_port_ == 0) {
    health_server_.reset();
    return absl::UnavailableError(absl::StrCat("cannot start the health port on ", address,
                                               " (port in use or bad address?)"));
  }
  return absl::OkStatus();
}

absl::Status RunningServer::StartHttpFrontDoor() {
  std::vector<std::string> served;
  for (const std::string& name : service_names_) {
    // gRPC's own services (health, reflection) are not part of the API: GET
    // /healthz answers the health status.
    if (!absl::StartsWith(name, "grpc.")) served.push_back(name);
  }
  absl::StatusOr<std::unique_ptr<ServiceMethods>> methods = ServiceMethods::ForServices(served);
  if (!methods.ok()) return methods.status();
  HttpFrontDoorOptions http;
  http.host = options_.host;
  http.port = options_.http_port == ServerOptions::kPickFreePort ? 0 : options_.http_port;
  http.threads = options_.http_threads;
  http.max_body_bytes = options_.max_receive_message_bytes;
  http.tls_certificate_chain = options_.http_tls_certificate_chain;
  http.tls_private_key = options_.http_tls_private_key;
  http.openapi_document = options_.http_openapi_document;
  http.cors_origins = options_.http_cors_origins;
  absl::StatusOr<std::unique_ptr<HttpFrontDoor>> door =
      HttpFrontDoor::Start(http, InProcessChannel(), *std::move(methods));
  if (!door.ok()) return door.status();
  http_ = *std::move(door);
  return absl::OkStatus();
}

int RunningServer::http_port() const { return http_ != nullptr ? http_->port() : 0; }

RunningServer::~RunningServer() {
  if (server_ == nullptr) return;
  Shutdown();
  Wait();
}

int RunningServer::metrics_port() const {
  return metrics_http_ != nullptr ? metrics_http_->port() : 0;
}

std::shared_ptr<grpc::Channel> RunningServer::InProcessChannel() const {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options_.max_send_message_bytes);
  return server_->InProcessChannel(args);
}

void RunningServer::Shutdown() {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  // NOT_SERVING first: health watchers (load balancers, k8s) learn it before
  // connections start being refused. Shutdown() also freezes the statuses.
  for (grpc::Server* server : {server_.get(), health_server_.get()}) {
    grpc::HealthCheckServiceInterface* health =
        server != nullptr ? server->GetHealthCheckService() : nullptr;
    if (health != nullptr) health->Shutdown();
  }
  // The HTTP side first: it stops accepting, ends its streams and lets its
  // unary calls finish through the in-process channel, which the gRPC
  // server's shutdown would cut.
  if (http_ != nullptr) http_->Shutdown();
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoMilliseconds(options_.shutdown_grace));
  // The probes see NOT_SERVING until the main port has drained, then nothing:
  // open health watches are cancelled — after a quarter second, so that the
  // NOT_SERVING gRPC's health service writes to them (asynchronously) reaches
  // them even when the main port had nothing to drain.
  if (health_server_ != nullptr) {
    health_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(250));
  }
  if (metrics_http_ != nullptr) metrics_http_->Stop();
}

void RunningServer::Wait() {
  if (server_ != nullptr) server_->Wait();
  if (health_server_ != nullptr) health_server_->Wait();
}

void BlockTerminationSignals() {
  const sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void RunUntilSignal(RunningServer& server, std::function<void()> before_shutdown) {
  // sigwait() takes the signal synchronously in this thread: the shutdown
  // work below runs as ordinary code, not in an async-signal context.
  const sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int signal_number = 0;
  while (sigwait(&set, &signal_number) != 0) {
  }
  if (before_shutdown) before_shutdown();
  server.Shutdown();
  server.Wait();
}

}  // namespace ecoplan::common
