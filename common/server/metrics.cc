#include "common/server/metrics.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {
namespace {

std::vector<std::string> Fit(const std::vector<std::string>& values, size_t n) {
  std::vector<std::string> out = values;
  out.resize(n);
  return out;
}

// Label values escape backslash, double quote and newline (exposition format).
std::string EscapeLabel(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return absl::StrFormat("%.0f", v);
  return absl::StrFormat("%.17g", v);
}

// {a="x",b="y"} plus an optional extra label (for "le"); empty when no labels.
std::string Labels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                   absl::string_view extra_name = {}, absl::string_view extra_value = {}) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&out, out.empty() ? "" : ",", names[i], "=\"", EscapeLabel(values[i]), "\"");
  }
  if (!extra_name.empty()) {
    absl::StrAppend(&out, out.empty() ? "" : ",", extra_name, "=\"", extra_value, "\"");
  }
  return out.empty() ? out : absl::StrCat("{", out, "}");
}

void Header(std::string* out, const std::string& name, const std::string& help,
            absl::string_view type) {
  std::string escaped_help;
  for (char c : help) escaped_help += c == '\n' ? std::string("\\n") : std::string(1, c);
  absl::StrAppend(out, "# HELP ", name, " ", escaped_help, "\n# TYPE ", name, " ", type, "\n");
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
  MetricsInterceptor(std::string service, std::string method, Counter* handled, Histogram* latency)
      : service_(std::move(service)),
        method_(std::move(method)),
        handled_(handled),
        latency_(latency),
        start_(std::chrono::steady_clock::now()) {}

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
    handled_->Increment({service_, method_, GrpcCodeName(code)});
    latency_->Observe({service_, method_}, seconds);
  }

  const std::string service_;
  const std::string method_;
  Counter* const handled_;
  Histogram* const latency_;
  const std::chrono::steady_clock::time_point start_;
  bool recorded_ = false;
};

}  // namespace

Counter::Counter(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void Counter::Increment(const std::vector<std::string>& label_values, double amount) {
  absl::MutexLock lock(&mu_);
  values_[Fit(label_values, label_names_.size())] += amount;
}

double Counter::Value(const std::vector<std::string>& label_values) const {
  absl::MutexLock lock(&mu_);
  auto it = values_.find(Fit(label_values, label_names_.size()));
  return it == values_.end() ? 0 : it->second;
}

void Counter::Render(std::string* out) const {
  Header(out, name_, help_, "counter");
  absl::MutexLock lock(&mu_);
  for (const auto& [labels, value] : values_) {
    absl::StrAppend(out, name_, Labels(label_names_, labels), " ", FormatValue(value), "\n");
  }
}

Gauge::Gauge(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void Gauge::Set(const std::vector<std::string>& label_values, double value) {
  absl::MutexLock lock(&mu_);
  values_[Fit(label_values, label_names_.size())] = value;
}

void Gauge::Add(const std::vector<std::string>& label_values, double amount) {
  absl::MutexLock lock(&mu_);
  values_[Fit(label_values, label_names_.size())] += amount;
}

void Gauge::Remove(const std::vector<std::string>& label_values) {
  absl::MutexLock lock(&mu_);
  values_.erase(Fit(label_values, label_names_.size()));
}

double Gauge::Value(const std::vector<std::string>& label_values) const {
  absl::MutexLock lock(&mu_);
  auto it = values_.find(Fit(label_values, label_names_.size()));
  return it == values_.end() ? 0 : it->second;
}

void Gauge::Render(std::string* out) const {
  Header(out, name_, help_, "gauge");
  absl::MutexLock lock(&mu_);
  for (const auto& [labels, value] : values_) {
    absl::StrAppend(out, name_, Labels(label_names_, labels), " ", FormatValue(value), "\n");
  }
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_([&] {
        std::sort(bounds.begin(), bounds.end());
        return std::move(bounds);
      }()) {}

void Histogram::Observe(const std::vector<std::string>& label_values, double value) {
  absl::MutexLock lock(&mu_);
  Series& series = series_[Fit(label_values, label_names_.size())];
  if (series.buckets.empty()) series.buckets.assign(bounds_.size(), 0);
  const size_t index =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();  // le semantics
  if (index < bounds_.size()) ++series.buckets[index];
  ++series.count;
  series.sum += value;
}

uint64_t Histogram::Count(const std::vector<std::string>& label_values) const {
  absl::MutexLock lock(&mu_);
  auto it = series_.find(Fit(label_values, label_names_.size()));
  return it == series_.end() ? 0 : it->second.count;
}

void Histogram::Render(std::string* out) const {
  Header(out, name_, help_, "histogram");
  absl::MutexLock lock(&mu_);
  for (const auto& [labels, series] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += series.buckets[i];
      absl::StrAppend(out, name_, "_bucket",
                      Labels(label_names_, labels, "le", FormatValue(bounds_[i])), " ", cumulative,
                      "\n");
    }
    absl::StrAppend(out, name_, "_bucket", Labels(label_names_, labels, "le", "+Inf"), " ",
                    series.count, "\n");
    absl::StrAppend(out, name_, "_sum", Labels(label_names_, labels), " ", FormatValue(series.sum),
                    "\n");
    absl::StrAppend(out, name_, "_count", Labels(label_names_, labels), " ", series.count, "\n");
  }
}

Counter* MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Counter>& slot = counters_[name];
  if (slot == nullptr) slot.reset(new Counter(name, help, std::move(label_names)));
  return slot.get();
}

Histogram* MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                         std::vector<std::string> label_names,
                                         std::vector<double> bounds) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Histogram>& slot = histograms_[name];
  if (slot == nullptr) {
    slot.reset(new Histogram(name, help, std::move(label_names), std::move(bounds)));
  }
  return slot.get();
}

Gauge* MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Gauge>& slot = gauges_[name];
  if (slot == nullptr) slot.reset(new Gauge(name, help, std::move(label_names)));
  return slot.get();
}

std::string MetricsRegistry::Render() const {
  // Merge the maps so the output is sorted by family name.
  std::map<std::string, std::string> rendered;
  absl::MutexLock lock(&mu_);
  for (const auto& [name, counter] : counters_) counter->Render(&rendered[name]);
  for (const auto& [name, histogram] : histograms_) histogram->Render(&rendered[name]);
  for (const auto& [name, gauge] : gauges_) gauge->Render(&rendered[name]);
  std::string out;
  for (const auto& [name, text] : rendered) out += text;
  return out;
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

MetricsInterceptorFactory::MetricsInterceptorFactory(MetricsRegistry* registry)
    : started_(registry->AddCounter("grpc_server_started_total", "RPCs started on the server.",
                                    {"grpc_service", "grpc_method"})),
      handled_(registry->AddCounter("grpc_server_handled_total",
                                    "RPCs completed on the server, by status code.",
                                    {"grpc_service", "grpc_method", "grpc_code"})),
      latency_(registry->AddHistogram("grpc_server_handling_seconds",
                                      "Time from the start of an RPC to its status, in seconds.",
                                      {"grpc_service", "grpc_method"},
                                      MetricsRegistry::LatencyBuckets())) {}

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  auto [service, method] = SplitMethod(info->method() != nullptr ? info->method() : "");
  started_->Increment({service, method});
  return new MetricsInterceptor(std::move(service), std::move(method), handled_, latency_);
}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& host, int port, const MetricsRegistry* registry) {
  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer());
  server->server_ = std::make_unique<httplib::Server>();
  server->server_->Get("/metrics", [registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry->Render(), "text/plain; version=0.0.4; charset=utf-8");
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
