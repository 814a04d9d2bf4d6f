// Notifier: stream consumers (their acknowledged positions in the event log).

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/domain/notifier_internal.h"

namespace ecoplan::notification {

uint64_t Notifier::ConsumerPosition(const std::string& consumer) const {
  absl::MutexLock lock(&mu_);
  auto it = state_.stream_consumers.find(consumer);
  return it == state_.stream_consumers.end() ? 0 : it->second;
}

void Notifier::AcknowledgeStream(const std::string& consumer, uint64_t sequence,
                                 Done<uint64_t> done) {
  if (!internal::ValidId(consumer)) {
    done(
        absl::InvalidArgumentError("consumer must be streamConsumers/{id}, id 1..64 of [a-z0-9-]"));
    return;
  }
  if (sequence > store_->LastEventSequence()) {
    done(absl::OutOfRangeError(absl::StrCat("sequence ", sequence, " is ahead of the log (last ",
                                            store_->LastEventSequence(), ")")));
    return;
  }
  WriteFor<uint64_t>(
      {absl::StrCat("consumer/", consumer)},
      [this, consumer, sequence](Changes* changes) -> absl::StatusOr<uint64_t> {
        auto it = state_.stream_consumers.find(consumer);
        if (it != state_.stream_consumers.end() && it->second >= sequence) return it->second;
        changes->stream_consumers[consumer] = sequence;
        return sequence;
      },
      std::move(done));
}

absl::StatusOr<uint64_t> Notifier::AcknowledgeStream(const std::string& consumer,
                                                     uint64_t sequence) {
  return Await<uint64_t>([&](Done<uint64_t> done) { AcknowledgeStream(consumer, sequence, done); });
}

}  // namespace ecoplan::notification
