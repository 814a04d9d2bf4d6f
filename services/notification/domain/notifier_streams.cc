// Notifier: stream consumers (their acknowledged positions in the event log).

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

absl::StatusOr<uint64_t> Notifier::AcknowledgeStream(const std::string& consumer,
                                                     uint64_t sequence) {
  if (!internal::ValidId(consumer)) {
    return absl::InvalidArgumentError(
        "consumer must be streamConsumers/{id}, id 1..64 of [a-z0-9-]");
  }
  if (sequence > store_->LastEventSequence()) {
    return absl::OutOfRangeError(absl::StrCat("sequence ", sequence, " is ahead of the log (last ",
                                              store_->LastEventSequence(), ")"));
  }
  absl::MutexLock lock(&mu_);
  auto it = state_.stream_consumers.find(consumer);
  if (it != state_.stream_consumers.end() && it->second >= sequence) return it->second;
  Changes changes;
  changes.stream_consumers[consumer] = sequence;
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return sequence;
}

}  // namespace ecoplan::notification
