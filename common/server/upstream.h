#pragma once

// Following an upstream service the same way in every server: the
// EventFollower's options from the UpstreamConfig its flags filled, with the
// logs and metrics an operator reads when an upstream is lost or slow.

#include <grpcpp/channel.h>

#include <memory>

#include "common/config/server_config.h"
#include "common/events/event_follower.h"
#include "common/log/log.h"
#include "common/server/metrics.h"

namespace ecoplan::common {

// name and max_backoff from `upstream`; connected while `channel` is READY.
// Logs: a warning "<name> event stream interrupted; reconnecting" when the
// upstream is lost, then at most one "<name> event stream still unreachable"
// a minute (with the attempts and the last error), and "<name> event stream
// resumed" (how long it was lost, cursor, events behind) when it is back.
// Metrics (label upstream=<name>), when `metrics` is not null:
//   ecoplan_follower_connected                    1 while an accepted stream is open
//   ecoplan_follower_cursor                       the last event applied
//   ecoplan_follower_upstream_sequence            the upstream's last sequence as last heard
//   ecoplan_follower_lag_events                   the difference: events known and not applied
//   ecoplan_follower_caught_up_timestamp_seconds  when it was last known current; cut off or
//                                                 behind, time() minus it is how long it is late
//   ecoplan_follower_resumptions_total            streams accepted after a loss
//   ecoplan_follower_lag_seconds                  FollowerStatus::lag_seconds at the scrape:
//                                                 0 while following with no lag, else how
//                                                 long since the view was last known exact
//   ecoplan_follower_last_event_timestamp_seconds commit time of the last event applied
//   ecoplan_follower_disconnected_since_timestamp_seconds  since when the upstream is lost
//                                                 (0 while following)
// and the item <name> of the list "followers" on the status page
// (metrics->status_page(), GET /status): upstream, address, state (connecting,
// following, disconnected), connected, cursor, upstream_sequence, lag_events,
// lag_seconds, last_event_time, caught_up_at, disconnected_since, resumptions.
EventFollowerOptions FollowerOptions(const UpstreamConfig& upstream,
                                     std::shared_ptr<grpc::Channel> channel, const Logger& log,
                                     MetricsRegistry* metrics);

}  // namespace ecoplan::common
