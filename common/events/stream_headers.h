#pragma once

// The metadata a WatchEvents server sends with its headers when it accepts a
// stream, before any event (watch_events_reactor.h), read by the follower on
// the other side (event_follower.h).

namespace ecoplan::common {

// The server's last committed event sequence when the stream opened, decimal.
// A follower whose cursor is below it is that many events behind.
inline constexpr char kLastSequenceHeader[] = "ecoplan-last-sequence";

}  // namespace ecoplan::common
