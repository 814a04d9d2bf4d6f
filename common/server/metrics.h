#pragma once

// Prometheus metrics without a Prometheus client library (none is packaged on
// Debian 12): a registry of labelled counters and histograms rendered in the
// text exposition format 0.0.4, a gRPC server interceptor that measures every
// RPC, and a small HTTP server for GET /metrics.

#include <grpcpp/support/server_interceptor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace httplib {
class Server;
}

namespace ecoplan::common {

// A counter family: one monotonically increasing value per label-value tuple.
// Thread-safe.
class Counter {
 public:
  // `label_values` must have one value per label name of the family; extra or
  // missing values are a programming error and are padded/truncated.
  void Increment(const std::vector<std::string>& label_values, double amount = 1);
  // Current value for the labels (0 if never incremented).
  double Value(const std::vector<std::string>& label_values) const;

 private:
  friend class MetricsRegistry;
  Counter(std::string name, std::string help, std::vector<std::string> label_names);
  void Render(std::string* out) const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, double> values_ ABSL_GUARDED_BY(mu_);
};

// A histogram family with fixed upper bounds (the +Inf bucket is implicit).
// Thread-safe.
class Histogram {
 public:
  void Observe(const std::vector<std::string>& label_values, double value);
  // Number of observations for the labels.
  uint64_t Count(const std::vector<std::string>& label_values) const;

 private:
  friend class MetricsRegistry;
  struct Series {
    std::vector<uint64_t> buckets;  // Not cumulative; rendered cumulatively.
    uint64_t count = 0;
    double sum = 0;
  };
  Histogram(std::string name, std::string help, std::vector<std::string> label_names,
            std::vector<double> bounds);
  void Render(std::string* out) const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, Series> series_ ABSL_GUARDED_BY(mu_);
};

// A gauge family: one value per label-value tuple that goes up and down
// (queue depths, states). A removed series is no longer rendered. Thread-safe.
class Gauge {
 public:
  void Set(const std::vector<std::string>& label_values, double value);
  void Add(const std::vector<std::string>& label_values, double amount);
  // Forgets the series (e.g. of a deleted resource).
  void Remove(const std::vector<std::string>& label_values);
  // Current value for the labels (0 if never set).
  double Value(const std::vector<std::string>& label_values) const;

 private:
  friend class MetricsRegistry;
  Gauge(std::string name, std::string help, std::vector<std::string> label_names);
  void Render(std::string* out) const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, double> values_ ABSL_GUARDED_BY(mu_);
};

// Owns metric families; one per process (created in main.cc or the test
// harness and passed down). Names follow Prometheus rules ([a-zA-Z_:][a-zA-Z0-9_:]*);
// asking twice for the same name returns the same family. Thread-safe.
class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  Counter* AddCounter(const std::string& name, const std::string& help,
                      std::vector<std::string> label_names);
  Histogram* AddHistogram(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names, std::vector<double> bounds);
  Gauge* AddGauge(const std::string& name, const std::string& help,
                  std::vector<std::string> label_names);

  // Every family in the text exposition format (version 0.0.4), sorted by name.
  std::string Render() const;

  // Default latency buckets in seconds, 1 ms … 10 s.
  static std::vector<double> LatencyBuckets();

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Counter>> counters_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::unique_ptr<Histogram>> histograms_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::unique_ptr<Gauge>> gauges_ ABSL_GUARDED_BY(mu_);
};

// Server interceptor factory recording, for every RPC:
//   grpc_server_started_total{grpc_service, grpc_method}
//   grpc_server_handled_total{grpc_service, grpc_method, grpc_code}   (code name, e.g. "NOT_FOUND")
//   grpc_server_handling_seconds{grpc_service, grpc_method}           (histogram, start → status)
// The names follow go-grpc-prometheus so that existing dashboards work.
// `registry` must outlive the server.
class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(MetricsRegistry* registry);
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  Counter* started_;
  Counter* handled_;
  Histogram* latency_;
};

// "OK", "CANCELLED", …, "UNAUTHENTICATED" (the names of grpc::StatusCode).
std::string GrpcCodeName(int code);

// Serves GET /metrics (registry->Render()) over HTTP/1.1 on its own thread.
class MetricsHttpServer {
 public:
  // Binds `host`:`port` (port 0 = any free port) and starts serving.
  // Errors: Unavailable when the port cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& host, int port,
                                                                  const MetricsRegistry* registry);
  // Stops serving and joins the thread.
  ~MetricsHttpServer();

  int port() const { return port_; }
  // Stops serving (idempotent).
  void Stop();

 private:
  MetricsHttpServer() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ecoplan::common
