#pragma once

// Following an upstream service the same way in every server: the
// EventFollower's options from the UpstreamConfig its flags filled.

#include <grpcpp/channel.h>

#include <memory>

#include "common/config/server_config.h"
#include "common/events/event_follower.h"
#include "common/log/log.h"

namespace ecoplan::common {

// name and max_backoff from `upstream`; connected while `channel` is READY;
// each interruption logged as a warning "<name> event stream interrupted; reconnecting".
EventFollowerOptions FollowerOptions(const UpstreamConfig& upstream,
                                     std::shared_ptr<grpc::Channel> channel, const Logger& log);

}  // namespace ecoplan::common
