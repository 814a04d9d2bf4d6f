#pragma once

// Latency and outcome statistics of a load run, and their JSON form: used by
// tools/loadgen and by the services' benchmarks (e.g. notification_benchmark).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace ecoplan::common {

// What one worker (or the whole run) observed. Not thread-safe: one per
// worker, merged at the end.
class LoadStats {
 public:
  // Records one call's latency and final status code name ("OK", "ABORTED", …).
  void Record(absl::Duration latency, const std::string& code);
  void Merge(const LoadStats& other);

  int64_t count() const { return static_cast<int64_t>(latencies_us_.size()); }
  int64_t ok() const;
  const std::map<std::string, int64_t>& codes() const { return codes_; }
  // Latency at quantile q in [0, 1] (nearest rank), in milliseconds; 0 when empty.
  double QuantileMs(double q) const;
  double MaxMs() const;
  double MeanMs() const;

  // The report: {"rpc","target","concurrency","elapsed_s","count","ok","rps",
  // "codes":{…},"latency_ms":{"p50","p90","p99","max","mean"}} where rps counts
  // every completed call over `elapsed`.
  std::string ToJson(const std::string& rpc, const std::string& target, int concurrency,
                     absl::Duration elapsed) const;
  std::string ToText(const std::string& rpc, const std::string& target, int concurrency,
                     absl::Duration elapsed) const;

 private:
  mutable std::vector<double> latencies_us_;
  mutable bool sorted_ = true;
  std::map<std::string, int64_t> codes_;
};

}  // namespace ecoplan::common
