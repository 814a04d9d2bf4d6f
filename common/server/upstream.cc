#include "common/server/upstream.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ecoplan::common {

EventFollowerOptions FollowerOptions(const UpstreamConfig& upstream,
                                     std::shared_ptr<grpc::Channel> channel, const Logger& log) {
  EventFollowerOptions options;
  options.name = upstream.name;
  options.max_backoff = upstream.max_backoff;
  options.channel_ready = [channel = std::move(channel)] {
    return channel->GetState(false) == GRPC_CHANNEL_READY;
  };
  options.on_error =
      [log, message = absl::StrCat(upstream.name, " event stream interrupted; reconnecting")](
          const absl::Status& status) {
        log.Warn(message, {{"error", status.ToString()}});
      };
  return options;
}

}  // namespace ecoplan::common
