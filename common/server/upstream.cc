#include "common/server/upstream.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ecoplan::common {
namespace {

// At most one "still unreachable" warning a minute while an upstream is lost.
constexpr absl::Duration kUnreachableLogInterval = absl::Minutes(1);

// The follower's gauges for one upstream.
struct FollowerMetrics {
  Gauge* connected;
  Gauge* cursor;
  Gauge* upstream_sequence;
  Gauge* lag_events;
  Gauge* caught_up;
  Counter* resumptions;

  explicit FollowerMetrics(MetricsRegistry& m)
      : connected(m.AddGauge("ecoplan_follower_connected",
                             "1 while the follower has an accepted stream from its upstream",
                             {"upstream"})),
        cursor(m.AddGauge("ecoplan_follower_cursor",
                          "Sequence of the last upstream event applied durably", {"upstream"})),
        upstream_sequence(m.AddGauge("ecoplan_follower_upstream_sequence",
                                     "The upstream's last event sequence as last heard",
                                     {"upstream"})),
        lag_events(m.AddGauge("ecoplan_follower_lag_events",
                              "Upstream events known to exist and not applied yet", {"upstream"})),
        caught_up(m.AddGauge("ecoplan_follower_caught_up_timestamp_seconds",
                             "When the follower last became current with its upstream (Unix time)",
                             {"upstream"})),
        resumptions(m.AddCounter("ecoplan_follower_resumptions_total",
                                 "Streams accepted by the upstream after it was lost",
                                 {"upstream"})) {}

  void Record(const std::string& name, const FollowerStatus& s) const {
    connected->Set({name}, s.connected ? 1 : 0);
    cursor->Set({name}, static_cast<double>(s.cursor));
    upstream_sequence->Set({name}, static_cast<double>(s.upstream_sequence));
    lag_events->Set({name}, static_cast<double>(s.lag_events()));
    if (s.caught_up_at != absl::InfinitePast()) {
      caught_up->Set({name}, absl::ToDoubleSeconds(s.caught_up_at - absl::UnixEpoch()));
    }
  }
};

// What the logs say of one outage: the attempts since it began and when the
// last warning was written. Used on the follower's thread only.
struct Outage {
  int failures = 0;
  absl::Time last_warning = absl::InfinitePast();
};

}  // namespace

EventFollowerOptions FollowerOptions(const UpstreamConfig& upstream,
                                     std::shared_ptr<grpc::Channel> channel, const Logger& log,
                                     MetricsRegistry* metrics) {
  EventFollowerOptions options;
  options.name = upstream.name;
  options.max_backoff = upstream.max_backoff;
  options.channel_ready = [channel = std::move(channel)] {
    return channel->GetState(false) == GRPC_CHANNEL_READY;
  };
  auto outage = std::make_shared<Outage>();
  options.on_error = [log, outage, name = upstream.name](const absl::Status& status) {
    const absl::Time now = absl::Now();
    ++outage->failures;
    if (outage->failures == 1) {
      log.Warn(absl::StrCat(name, " event stream interrupted; reconnecting"),
               {{"error", status.ToString()}});
      outage->last_warning = now;
    } else if (now - outage->last_warning >= kUnreachableLogInterval) {
      log.Warn(absl::StrCat(name, " event stream still unreachable"),
               {{"attempts", outage->failures}, {"error", status.ToString()}});
      outage->last_warning = now;
    }
  };
  std::shared_ptr<const FollowerMetrics> gauges =
      metrics != nullptr ? std::make_shared<const FollowerMetrics>(*metrics) : nullptr;
  options.on_resumed = [log, outage, gauges, name = upstream.name](absl::Duration lost_for,
                                                                   const FollowerStatus& s) {
    log.Info(absl::StrCat(name, " event stream resumed"),
             {{"lost_seconds", absl::ToDoubleSeconds(lost_for)},
              {"attempts", outage->failures},
              {"cursor", static_cast<int64_t>(s.cursor)},
              {"lag_events", static_cast<int64_t>(s.lag_events())}});
    *outage = Outage();
    if (gauges != nullptr) gauges->resumptions->Increment({name});
  };
  if (gauges != nullptr) {
    options.on_status = [gauges, name = upstream.name](const FollowerStatus& s) {
      gauges->Record(name, s);
    };
  }
  return options;
}

}  // namespace ecoplan::common
