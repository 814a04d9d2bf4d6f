#include "common/stats/load_stats.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

#include "absl/strings/str_format.h"

namespace ecoplan::common {

void LoadStats::Record(absl::Duration latency, const std::string& code) {
  latencies_us_.push_back(absl::ToDoubleMicroseconds(latency));
  sorted_ = false;
  ++codes_[code];
}

void LoadStats::Merge(const LoadStats& other) {
  latencies_us_.insert(latencies_us_.end(), other.latencies_us_.begin(), other.latencies_us_.end());
  sorted_ = false;
  for (const auto& [code, n] : other.codes_) codes_[code] += n;
}

int64_t LoadStats::ok() const {
  auto it = codes_.find("OK");
  return it == codes_.end() ? 0 : it->second;
}

double LoadStats::QuantileMs(double q) const {
  if (latencies_us_.empty()) return 0;
  if (!sorted_) {
    std::sort(latencies_us_.begin(), latencies_us_.end());
    sorted_ = true;
  }
  const size_t n = latencies_us_.size();
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::clamp<size_t>(rank, 1, n);
  return latencies_us_[rank - 1] / 1000.0;
}

double LoadStats::MaxMs() const { return QuantileMs(1.0); }

double LoadStats::MeanMs() const {
  if (latencies_us_.empty()) return 0;
  return std::accumulate(latencies_us_.begin(), latencies_us_.end(), 0.0) /
         static_cast<double>(latencies_us_.size()) / 1000.0;
}

std::string LoadStats::ToJson(const std::string& rpc, const std::string& target, int concurrency,
                              absl::Duration elapsed) const {
  nlohmann::json j;
  j["rpc"] = rpc;
  j["target"] = target;
  j["concurrency"] = concurrency;
  j["elapsed_s"] = absl::ToDoubleSeconds(elapsed);
  j["count"] = count();
  j["ok"] = ok();
  j["rps"] = elapsed > absl::ZeroDuration() ? count() / absl::ToDoubleSeconds(elapsed) : 0.0;
  j["codes"] = nlohmann::json::object();
  for (const auto& [code, n] : codes_) j["codes"][code] = n;
  j["latency_ms"] = {{"p50", QuantileMs(0.5)},
                     {"p90", QuantileMs(0.9)},
                     {"p99", QuantileMs(0.99)},
                     {"max", MaxMs()},
                     {"mean", MeanMs()}};
  return j.dump();
}

std::string LoadStats::ToText(const std::string& rpc, const std::string& target, int concurrency,
                              absl::Duration elapsed) const {
  std::string codes;
  for (const auto& [code, n] : codes_) codes += absl::StrFormat(" %s=%d", code, n);
  return absl::StrFormat(
      "%s → %s, concurrency %d: %d calls in %.2fs = %.0f RPC/s (ok %d;%s)\n"
      "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f\n",
      rpc, target, concurrency, count(), absl::ToDoubleSeconds(elapsed),
      elapsed > absl::ZeroDuration() ? count() / absl::ToDoubleSeconds(elapsed) : 0.0, ok(), codes,
      QuantileMs(0.5), QuantileMs(0.9), QuantileMs(0.99), MaxMs(), MeanMs());
}

}  // namespace ecoplan::common
