#pragma once

// The JSON body a webhook carries for a notification (the Standard Webhooks
// shape: {"type":"notification.<kind>","timestamp":…,"data":<the notification>}),
// with the notification's `data` printed once for all the subscriptions it
// goes to: with 100 subscribers the fan-out printed each notification 100
// times, a fifth of the server's CPU during a burst (docs/PERFORMANCE.md).

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "services/notification/domain/model.h"

namespace ecoplan::notification {

class WebhookBodies {
 public:
  // Keeps the data of the last `capacity` notifications printed.
  explicit WebhookBodies(size_t capacity = 1024) : capacity_(capacity) {}

  // The body of `notification` sent at `now`. The data printed for the same
  // notification before is used when nothing an inbox can change since it was
  // made (read, acknowledged, its note and reference) has changed; otherwise
  // it is printed anew.
  std::string For(const Notification& notification, absl::Time now);

  // The same body, printed without the cache.
  static std::string Print(const Notification& notification, absl::Time now);

 private:
  struct Printed {
    std::optional<absl::Time> read_time;
    std::optional<absl::Time> acknowledge_time;
    std::string acknowledged_by;
    std::string acknowledge_comment;
    std::string external_reference;
    std::string type;  // "notification.report_overdue"
    std::string data;  // the notification's JSON
    bool Describes(const Notification& n) const;
  };
  static std::shared_ptr<const Printed> PrintData(const Notification& notification);
  static std::string Assemble(const Printed& printed, absl::Time now);

  const size_t capacity_;
  std::mutex mu_;
  absl::flat_hash_map<uint64_t, std::shared_ptr<const Printed>> printed_;
  std::deque<uint64_t> order_;  // oldest first, for eviction
};

}  // namespace ecoplan::notification
