#include "common/server/metrics.h"

#include <google/protobuf/descriptor.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "prometheus/text_serializer.h"

namespace ecoplan::common {
namespace {

// The labels of one series: the family's names paired with `values` by position
// (missing values are empty, extra ones dropped), each cut to kMaxLabelValueBytes.
prometheus::Labels LabelsOf(const std::vector<std::string>& names,
                            const std::vector<std::string>& values) {
  prometheus::Labels labels;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string value = i < values.size() ? values[i] : std::string();
    if (value.size() > MetricsRegistry::kMaxLabelValueBytes) {
      size_t cut = MetricsRegistry::kMaxLabelValueBytes;
      while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
      value.resize(cut);  // at a UTF-8 character boundary
    }
    labels.emplace(names[i], std::move(value));
  }
  return labels;
}

// The labels of a new series, or of the family's overflow series (every value
// "overflow") once the family has kMaxSeriesPerFamily series: a label fed by
// client input can then never grow the registry without bound.
template <typename Family>
prometheus::Labels Admitted(Family* family, const std::vector<std::string>& names,
                            const std::vector<std::string>& values, std::atomic<size_t>* series) {
  prometheus::Labels labels = LabelsOf(names, values);
  if (family->Has(labels)) return labels;
  if (series->fetch_add(1) < MetricsRegistry::kMaxSeriesPerFamily) return labels;
  series->fetch_sub(1);
  for (auto& [name, value] : labels) value = "overflow";
  return labels;
}

// Splits "/pkg.Service/Method".
std::pair<std::string, std::string> SplitMethod(absl::string_view full) {
  if (!full.empty() && full[0] == '/') full.remove_prefix(1);
  const size_t slash = full.find('/');
  if (slash == absl::string_view::npos) return {std::string(full), ""};
  return {std::string(full.substr(0, slash)), std::string(full.substr(slash + 1))};
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(MetricsInterceptorFactory* factory,
                     MetricsInterceptorFactory::MethodSeries* series)
      : factory_(factory), series_(series), start_(std::chrono::steady_clock::now()) {}

  // An RPC that ends without sending a status (e.g. the server shut down
  // under it) still counts, as CANCELLED.
  ~MetricsInterceptor() override {
    if (!recorded_) Record(static_cast<int>(grpc::StatusCode::CANCELLED));
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(static_cast<int>(methods->GetSendStatus().error_code()));
    }
    methods->Proceed();
  }

 private:
  void Record(int code) {
    recorded_ = true;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    factory_->Handled(series_, code)->Increment();
    series_->latency->Observe(seconds);
  }

  MetricsInterceptorFactory* const factory_;
  MetricsInterceptorFactory::MethodSeries* const series_;
  const std::chrono::steady_clock::time_point start_;
  bool recorded_ = false;
};

}  // namespace

void Counter::Increment(const std::vector<std::string>& label_values, double amount) {
  Series(label_values).Increment(amount);
}

prometheus::Counter& Counter::Series(const std::vector<std::string>& label_values) {
  // Each value length-prefixed: no two tuples share a key.
  std::string key;
  for (const std::string& value : label_values) {
    const uint32_t size = static_cast<uint32_t>(value.size());
    key.append(reinterpret_cast<const char*>(&size), sizeof(size));
    key.append(value);
  }
  {
    absl::ReaderMutexLock lock(&memo_mu_);
    auto it = memo_.find(key);
    if (it != memo_.end()) return *it->second;
  }
  // A series, once added, stays in the family for the registry's life, so
  // the reference stays valid; a tuple sent to "overflow" stays there.
  prometheus::Counter& series =
      family_->Add(Admitted(family_, label_names_, label_values, &series_));
  absl::MutexLock lock(&memo_mu_);
  if (memo_.size() < kMaxMemoized) memo_.emplace(std::move(key), &series);
  return series;
}

double Counter::Value(const std::vector<std::string>& label_values) const {
  const prometheus::Labels labels = LabelsOf(label_names_, label_values);
  return family_->Has(labels) ? family_->Add(labels).Value() : 0;
}

void Gauge::Set(const std::vector<std::string>& label_values, double value) {
  family_->Add(Admitted(family_, label_names_, label_values, &series_)).Set(value);
}

void Gauge::Add(const std::vector<std::string>& label_values, double amount) {
  family_->Add(Admitted(family_, label_names_, label_values, &series_)).Increment(amount);
}

void Gauge::Remove(const std::vector<std::string>& label_values) {
  const prometheus::Labels labels = LabelsOf(label_names_, label_values);
  if (family_->Has(labels)) {
    family_->Remove(&family_->Add(labels));
    series_.fetch_sub(1);
  }
}

double Gauge::Value(const std::vector<std::string>& label_values) const {
  const prometheus::Labels labels = LabelsOf(label_names_, label_values);
  return family_->Has(labels) ? family_->Add(labels).Value() : 0;
}

void Histogram::Observe(const std::vector<std::string>& label_values, double value) {
  family_->Add(Admitted(family_, label_names_, label_values, &series_), bounds_).Observe(value);
}

uint64_t Histogram::Count(const std::vector<std::string>& label_values) const {
  const prometheus::Labels labels = LabelsOf(label_names_, label_values);
  if (!family_->Has(labels)) return 0;
  return family_->Add(labels, bounds_).Collect().histogram.sample_count;
}

MetricsRegistry::MetricsRegistry() : registry_(std::make_shared<prometheus::Registry>()) {}

Counter* MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Counter>& slot = counters_[name];
  if (slot == nullptr) {
    auto& family = prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
    slot.reset(new Counter(&family, std::move(label_names)));
  }
  return slot.get();
}

Histogram* MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                         std::vector<std::string> label_names,
                                         std::vector<double> bounds) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Histogram>& slot = histograms_[name];
  if (slot == nullptr) {
    std::sort(bounds.begin(), bounds.end());
    auto& family = prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
    slot.reset(new Histogram(&family, std::move(label_names), std::move(bounds)));
  }
  return slot.get();
}

Gauge* MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Gauge>& slot = gauges_[name];
  if (slot == nullptr) {
    auto& family = prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
    slot.reset(new Gauge(&family, std::move(label_names)));
  }
  return slot.get();
}

void MetricsRegistry::AddCollectHook(std::function<void()> refresh) {
  absl::MutexLock lock(&hooks_mu_);
  hooks_.push_back(std::move(refresh));
}

std::string MetricsRegistry::Render() const {
  {
    absl::MutexLock lock(&hooks_mu_);
    for (const std::function<void()>& refresh : hooks_) refresh();
  }
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  std::sort(families.begin(), families.end(),
            [](const prometheus::MetricFamily& a, const prometheus::MetricFamily& b) {
              return a.name < b.name;
            });
  return prometheus::TextSerializer().Serialize(families);
}

std::vector<double> MetricsRegistry::LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string GrpcCodeName(int code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  if (code < 0 || code >= static_cast<int>(sizeof(kNames) / sizeof(kNames[0]))) {
    return absl::StrCat("CODE_", code);
  }
  return kNames[code];
}

MetricsInterceptorFactory::MetricsInterceptorFactory(MetricsRegistry* registry,
                                                     const std::vector<std::string>* services)
    : started_(registry->AddCounter("grpc_server_started_total", "RPCs started on the server.",
                                    {"grpc_service", "grpc_method"})),
      handled_(registry->AddCounter("grpc_server_handled_total",
                                    "RPCs completed on the server, by status code.",
                                    {"grpc_service", "grpc_method", "grpc_code"})),
      latency_(registry->AddHistogram("grpc_server_handling_seconds",
                                      "Time from the start of an RPC to its status, in seconds.",
                                      {"grpc_service", "grpc_method"},
                                      MetricsRegistry::LatencyBuckets())),
      services_(services) {}

bool MetricsInterceptorFactory::Served(const std::string& service,
                                       const std::string& method) const {
  if (services_ == nullptr ||
      std::find(services_->begin(), services_->end(), service) == services_->end()) {
    return false;
  }
  // Generated services are in the descriptor pool; the health service (built
  // into gRPC) is not, and has two methods.
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  if (descriptor != nullptr) return descriptor->FindMethodByName(method) != nullptr;
  if (service == "grpc.health.v1.Health") return method == "Check" || method == "Watch";
  return false;
}

MetricsInterceptorFactory::MethodSeries* MetricsInterceptorFactory::SeriesOf(
    const char* full_method) {
  const absl::string_view full = full_method != nullptr ? full_method : "";
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = by_method_.find(full);
    if (it != by_method_.end()) return it->second.get();
  }
  auto [service, method] = SplitMethod(full);
  // Every unserved path shares one entry, so the map stays as small as the API.
  std::string key(full);
  if (!Served(service, method)) key = service = method = "unknown";
  absl::MutexLock lock(&mu_);
  std::unique_ptr<MethodSeries>& slot = by_method_[key];
  if (slot == nullptr) {
    slot = std::make_unique<MethodSeries>();
    slot->service = service;
    slot->method = method;
    const prometheus::Labels labels = {{"grpc_service", service}, {"grpc_method", method}};
    slot->started = &started_->family_->Add(labels);
    slot->latency = &latency_->family_->Add(labels, latency_->bounds_);
  }
  return slot.get();
}

prometheus::Counter* MetricsInterceptorFactory::Handled(MethodSeries* series, int code) {
  const size_t index = code >= 0 && code < static_cast<int>(series->handled.size())
                           ? static_cast<size_t>(code)
                           : static_cast<size_t>(grpc::StatusCode::UNKNOWN);
  prometheus::Counter* counter = series->handled[index].load(std::memory_order_acquire);
  if (counter != nullptr) return counter;
  counter = &handled_->family_->Add({{"grpc_service", series->service},
                                     {"grpc_method", series->method},
                                     {"grpc_code", GrpcCodeName(static_cast<int>(index))}});
  series->handled[index].store(counter, std::memory_order_release);  // the same pointer if raced
  return counter;
}

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  MethodSeries* series = SeriesOf(info->method());
  series->started->Increment();
  return new MetricsInterceptor(this, series);
}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& host, int port, const MetricsRegistry* registry) {
  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer());
  server->server_ = std::make_unique<httplib::Server>();
  server->server_->Get("/metrics", [registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry->Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server->server_->Get("/status", [registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry->status_page()->ToJson(absl::Now()).dump(2) + "\n",
                    "application/json");
  });
  if (port == 0) {
    server->port_ = server->server_->bind_to_any_port(host);
    if (server->port_ <= 0) {
      return absl::UnavailableError(absl::StrCat("metrics: cannot bind ", host, ":0"));
    }
  } else {
    if (!server->server_->bind_to_port(host, port)) {
      return absl::UnavailableError(absl::StrCat("metrics: cannot bind ", host, ":", port));
    }
    server->port_ = port;
  }
  httplib::Server* raw = server->server_.get();
  server->thread_ = std::thread([raw] { raw->listen_after_bind(); });
  // stop() is a no-op until the loop runs (httplib 0.11 has no wait_until_ready),
  // and an early Stop() would then hang in join(): wait for it to run.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!raw->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return server;
}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

void MetricsHttpServer::Stop() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ecoplan::common
