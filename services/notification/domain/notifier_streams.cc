// Notifier: stream consumers (their acknowledged positions in the event log, and their owners).

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/domain/notifier_internal.h"

namespace ecoplan::notification {
namespace {

absl::Status CheckConsumerId(const std::string& consumer) {
  if (!internal::ValidId(consumer)) {
    return absl::InvalidArgumentError(
        "consumer must be streamConsumers/{id}, id 1..64 of [a-z0-9-]");
  }
  return absl::OkStatus();
}

absl::Status NotTheOwner(const std::string& consumer) {
  // The owner's subject is not disclosed.
  return absl::PermissionDeniedError(
      absl::StrCat("streamConsumers/", consumer,
                   " belongs to another subject: only its owner (or an administrator) uses it"));
}

}  // namespace

absl::StatusOr<uint64_t> Notifier::ConsumerPosition(const Caller& caller,
                                                    const std::string& consumer) const {
  ECOPLAN_RETURN_IF_ERROR(CheckConsumerId(consumer));
  absl::MutexLock lock(&mu_);
  auto it = state_.stream_consumers.find(consumer);
  if (it == state_.stream_consumers.end()) return uint64_t{0};
  const StreamConsumer& c = it->second;
  if (!c.owner.empty() && c.owner != caller.subject &&
      caller.role != Caller::Role::kAdministrator) {
    return NotTheOwner(consumer);
  }
  return c.position;
}

void Notifier::AcknowledgeStream(const Caller& caller, const std::string& consumer,
                                 uint64_t sequence, bool reset, Done<StreamConsumer> done) {
  if (absl::Status valid = CheckConsumerId(consumer); !valid.ok()) {
    done(valid);
    return;
  }
  const bool administrator = caller.role == Caller::Role::kAdministrator;
  if (reset && !administrator) {
    done(absl::PermissionDeniedError("reset: only an administrator moves a consumer back"));
    return;
  }
  if (sequence > store_->LastEventSequence()) {
    done(absl::OutOfRangeError(absl::StrCat("sequence ", sequence, " is ahead of the log (last ",
                                            store_->LastEventSequence(), ")")));
    return;
  }
  WriteFor<StreamConsumer>(
      {absl::StrCat("consumer/", consumer)},
      [this, caller, consumer, sequence, reset,
       administrator](Changes* changes) -> absl::StatusOr<StreamConsumer> {
        auto it = state_.stream_consumers.find(consumer);
        StreamConsumer c;
        if (it == state_.stream_consumers.end()) {
          c.owner = caller.subject;  // created by its first acknowledgement
        } else {
          c = it->second;
          if (c.owner.empty()) {
            // Stored before owners were kept: the first subject after the upgrade claims it.
            c.owner = caller.subject;
            logger_.Warn("stream consumer without an owner claimed",
                         {{"consumer", consumer}, {"owner", caller.subject}});
          } else if (c.owner != caller.subject) {
            if (!administrator) return NotTheOwner(consumer);
            logger_.Warn("administrator moved another subject's stream consumer",
                         {{"consumer", consumer},
                          {"owner", c.owner},
                          {"administrator", caller.subject},
                          {"from", c.position},
                          {"to", sequence},
                          {"reset", reset}});
          }
        }
        const bool changed_owner = it == state_.stream_consumers.end() || it->second.owner.empty();
        if (!reset && c.position >= sequence && !changed_owner) return c;
        const uint64_t previous = c.position;
        if (reset || sequence > c.position) c.position = sequence;
        changes->stream_consumers[consumer] = c;
        // A consumer's own acknowledgements append no event (its stream would carry them back and
        // it would acknowledge those too); an administrator's move or reset does, for the audit.
        if (reset || c.owner != caller.subject) {
          ChangeEvent moved;
          moved.type = ChangeEvent::Type::kStreamConsumerMoved;
          moved.consumer = consumer;
          moved.previous_position = previous;
          changes->events.push_back(moved);
        }
        return c;
      },
      std::move(done));
}

absl::StatusOr<StreamConsumer> Notifier::AcknowledgeStream(const Caller& caller,
                                                           const std::string& consumer,
                                                           uint64_t sequence, bool reset) {
  return Await<StreamConsumer>([&](Done<StreamConsumer> done) {
    AcknowledgeStream(caller, consumer, sequence, reset, done);
  });
}

}  // namespace ecoplan::notification
