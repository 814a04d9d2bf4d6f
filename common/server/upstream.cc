#include "common/server/upstream.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

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
  Gauge* lag_seconds;
  Gauge* last_event;
  Gauge* disconnected_since;
  Gauge* diverged;
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
        lag_seconds(m.AddGauge("ecoplan_follower_lag_seconds",
                               "How long the follower's view may be out of date: 0 while it "
                               "follows with no lag, else seconds since it was last known exact",
                               {"upstream"})),
        last_event(m.AddGauge("ecoplan_follower_last_event_timestamp_seconds",
                              "Commit time of the last upstream event applied (Unix time)",
                              {"upstream"})),
        disconnected_since(m.AddGauge("ecoplan_follower_disconnected_since_timestamp_seconds",
                                      "Since when the upstream is lost (Unix time); 0 while "
                                      "following or connecting for the first time",
                                      {"upstream"})),
        diverged(m.AddGauge("ecoplan_follower_diverged",
                            "1 while the upstream's history is not the one applied (it was "
                            "restored to an earlier point): nothing of it is followed",
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
    if (s.last_event_time != absl::InfinitePast()) {
      last_event->Set({name}, absl::ToDoubleSeconds(s.last_event_time - absl::UnixEpoch()));
    }
    disconnected_since->Set({name}, s.lost_since == absl::InfiniteFuture()
                                        ? 0
                                        : absl::ToDoubleSeconds(s.lost_since - absl::UnixEpoch()));
    diverged->Set({name}, s.diverged.empty() ? 0 : 1);
    RecordLag(name, s, absl::Now());
  }
  void RecordLag(const std::string& name, const FollowerStatus& s, absl::Time now) const {
    lag_seconds->Set({name}, absl::ToDoubleSeconds(s.lag_seconds(now)));
  }
};

// The follower's last status, for the collect hook and the status page, which
// run on the HTTP thread.
struct Tracked {
  mutable absl::Mutex mu;
  FollowerStatus status ABSL_GUARDED_BY(mu);
  int64_t resumptions ABSL_GUARDED_BY(mu) = 0;
  bool started ABSL_GUARDED_BY(mu) = false;  // a status arrived (the follower runs)
};

nlohmann::ordered_json StatusJson(const UpstreamConfig& upstream, const Tracked& tracked,
                                  absl::Time now) {
  FollowerStatus s;
  int64_t resumptions;
  bool started;
  {
    absl::MutexLock lock(&tracked.mu);
    s = tracked.status;
    resumptions = tracked.resumptions;
    started = tracked.started;
  }
  nlohmann::ordered_json j;
  j["upstream"] = upstream.name;
  j["address"] = upstream.address;
  j["state"] = started ? FollowerStateName(s.state()) : "connecting";
  j["connected"] = s.connected;
  j["cursor"] = s.cursor;
  j["upstream_sequence"] = s.upstream_sequence;
  j["lag_events"] = s.lag_events();
  j["lag_seconds"] = absl::ToDoubleSeconds(s.lag_seconds(now));
  j["last_event_time"] = StatusPage::TimeJson(s.last_event_time);
  j["caught_up_at"] = StatusPage::TimeJson(s.caught_up_at);
  j["disconnected_since"] = StatusPage::TimeJson(s.lost_since);
  j["resumptions"] = resumptions;
  j["diverged"] = s.diverged;
  return j;
}

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
  auto tracked = std::make_shared<Tracked>();
  options.on_resumed = [log, outage, gauges, tracked, name = upstream.name](
                           absl::Duration lost_for, const FollowerStatus& s) {
    {
      absl::MutexLock lock(&tracked->mu);
      ++tracked->resumptions;
    }
    log.Info(absl::StrCat(name, " event stream resumed"),
             {{"lost_seconds", absl::ToDoubleSeconds(lost_for)},
              {"attempts", outage->failures},
              {"cursor", static_cast<int64_t>(s.cursor)},
              {"lag_events", static_cast<int64_t>(s.lag_events())}});
    *outage = Outage();
    if (gauges != nullptr) gauges->resumptions->Increment({name});
  };
  options.on_diverged = [log, name = upstream.name](const std::string& reason) {
    if (reason.empty()) {
      log.Info(absl::StrCat(name, " event stream followed again: its history is this service's"));
    } else {
      log.Error(absl::StrCat(name,
                             " event stream NOT followed: its history is not the one this "
                             "service applied; restore this service from a backup taken "
                             "with the upstream's, or the upstream's own data"),
                {{"reason", reason}});
    }
  };
  options.on_status = [gauges, tracked, name = upstream.name](const FollowerStatus& s) {
    {
      absl::MutexLock lock(&tracked->mu);
      tracked->status = s;
      tracked->started = true;
    }
    if (gauges != nullptr) gauges->Record(name, s);
  };
  if (metrics != nullptr) {
    // The lag in seconds grows with the time, between status changes too.
    metrics->AddCollectHook([gauges, tracked, name = upstream.name] {
      absl::MutexLock lock(&tracked->mu);
      if (tracked->started) gauges->RecordLag(name, tracked->status, absl::Now());
    });
    metrics->status_page()->SetItem("followers", upstream.name, [upstream, tracked] {
      return StatusJson(upstream, *tracked, absl::Now());
    });
  }
  return options;
}

}  // namespace ecoplan::common
