#pragma once

// Prometheus metrics through prometheus-cpp (Debian's prometheus-cpp-dev, core
// library): a registry of labelled counters, gauges and histograms rendered in
// the text exposition format 0.0.4, a gRPC server interceptor that measures
// every RPC, and a small HTTP server for GET /metrics (cpp-httplib, as the
// servers already link it; prometheus-cpp's own pull server would add civetweb).
//
// The classes below are a thin facade over prometheus-cpp families: label
// values are given by position, in the order of the family's label names, so
// call sites stay one line. Every family is bounded: label values are cut to
// kMaxLabelValueBytes, and past kMaxSeriesPerFamily series new label values
// all count in one series whose labels are "overflow" — a label that takes
// client input (a method path, a subject) can never exhaust memory or make
// /metrics unbounded.

#include <grpcpp/support/server_interceptor.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/server/status_page.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

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
  friend class MetricsInterceptorFactory;
  Counter(prometheus::Family<prometheus::Counter>* family, std::vector<std::string> label_names)
      : family_(family), label_names_(std::move(label_names)) {}

  // The series of `label_values`, looked up in the family once per value tuple (at most
  // kMaxMemoized tuples kept; beyond, every call looks it up) rather than building the
  // family's labels and hashing them on every increment.
  prometheus::Counter& Series(const std::vector<std::string>& label_values);
  static constexpr size_t kMaxMemoized = 4096;

  prometheus::Family<prometheus::Counter>* const family_;
  const std::vector<std::string> label_names_;
  std::atomic<size_t> series_{0};
  absl::Mutex memo_mu_;
  absl::flat_hash_map<std::string, prometheus::Counter*> memo_ ABSL_GUARDED_BY(memo_mu_);
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
  friend class MetricsInterceptorFactory;
  Histogram(prometheus::Family<prometheus::Histogram>* family, std::vector<std::string> label_names,
            std::vector<double> bounds)
      : family_(family), label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}

  prometheus::Family<prometheus::Histogram>* const family_;
  const std::vector<std::string> label_names_;
  const prometheus::Histogram::BucketBoundaries bounds_;
  std::atomic<size_t> series_{0};
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
  Gauge(prometheus::Family<prometheus::Gauge>* family, std::vector<std::string> label_names)
      : family_(family), label_names_(std::move(label_names)) {}

  prometheus::Family<prometheus::Gauge>* const family_;
  const std::vector<std::string> label_names_;
  std::atomic<size_t> series_{0};
};

// Owns metric families; one per process (created in main.cc or the test
// harness and passed down). Names follow Prometheus rules ([a-zA-Z_:][a-zA-Z0-9_:]*);
// asking twice for the same name returns the same family (with the label names
// and bounds of the first call). Thread-safe.
class MetricsRegistry {
 public:
  // Bounds of every family (see the file comment).
  static constexpr size_t kMaxSeriesPerFamily = 2000;
  static constexpr size_t kMaxLabelValueBytes = 128;

  MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  Counter* AddCounter(const std::string& name, const std::string& help,
                      std::vector<std::string> label_names);
  Histogram* AddHistogram(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names, std::vector<double> bounds);
  Gauge* AddGauge(const std::string& name, const std::string& help,
                  std::vector<std::string> label_names);

  // Every family in the text exposition format (version 0.0.4), sorted by name,
  // after running the collect hooks.
  std::string Render() const;

  // Runs `refresh` before every Render(), e.g. to set a gauge whose value
  // depends on the time (a lag in seconds). It runs on the rendering thread
  // and must not call back into the registry's Add* or Render.
  void AddCollectHook(std::function<void()> refresh);

  // The JSON health details served at GET /status beside /metrics.
  StatusPage* status_page() const { return &status_page_; }

  // Default latency buckets in seconds, 1 ms … 10 s.
  static std::vector<double> LatencyBuckets();

 private:
  const std::shared_ptr<prometheus::Registry> registry_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Counter>> counters_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::unique_ptr<Histogram>> histograms_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::unique_ptr<Gauge>> gauges_ ABSL_GUARDED_BY(mu_);
  mutable absl::Mutex hooks_mu_;
  std::vector<std::function<void()>> hooks_ ABSL_GUARDED_BY(hooks_mu_);
  mutable StatusPage status_page_;
};

// Server interceptor factory recording, for every RPC:
//   grpc_server_started_total{grpc_service, grpc_method}
//   grpc_server_handled_total{grpc_service, grpc_method, grpc_code}   (code name, e.g. "NOT_FOUND")
//   grpc_server_handling_seconds{grpc_service, grpc_method}           (histogram, start → status)
// The names follow go-grpc-prometheus so that existing dashboards work.
// A method the server does not serve (its service is not in `services`, or
// the service's descriptor has no such method) is counted under
// grpc_service="unknown", grpc_method="unknown": a client cannot create series
// by calling made-up paths. `registry` must outlive the server; `services`
// (the registered services' full names) must be filled before the first RPC
// and outlive the factory.
class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  MetricsInterceptorFactory(MetricsRegistry* registry, const std::vector<std::string>* services);
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // The series of one method, resolved once (the per-call path then only
  // touches prometheus-cpp's atomic values).
  struct MethodSeries {
    std::string service, method;
    prometheus::Counter* started = nullptr;
    prometheus::Histogram* latency = nullptr;
    std::array<std::atomic<prometheus::Counter*>, 17> handled{};  // by status code
  };
  // The handled counter of `series` for `code` (created on first use).
  prometheus::Counter* Handled(MethodSeries* series, int code);

 private:
  MethodSeries* SeriesOf(const char* full_method);
  bool Served(const std::string& service, const std::string& method) const;

  Counter* started_;
  Counter* handled_;
  Histogram* latency_;
  const std::vector<std::string>* const services_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodSeries>> by_method_ ABSL_GUARDED_BY(mu_);
};

// "OK", "CANCELLED", …, "UNAUTHENTICATED" (the names of grpc::StatusCode).
std::string GrpcCodeName(int code);

// Serves GET /metrics (registry->Render()) and GET /status (the JSON of
// registry->status_page(), application/json) over HTTP/1.1 on its own thread.
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
