#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/progress/domain/model.h"
#include "services/progress/domain/report_store.h"
#include "services/progress/domain/supervision.h"

namespace ecoplan::progress {

// The events a change of a supervision order emits; the payload is built
// from the order of the same change.
enum class SupervisionEventType {
  kIssued,
  kReplied,
  kReplyReturned,
  kReplyAccepted,
  kLevelRaised,
  kClosed,
  kAcknowledged,  // the latest acknowledgement is the event's
};

// One durable change of an order: the order after it, the request record and
// the events, written in one atomic batch.
struct SupervisionChange {
  // The order's new state; shared with the desk, which answers with it once
  // the change is durable. Nobody modifies it once it is set.
  std::shared_ptr<const SupervisionOrder> order;
  // The organization a reply event is about (kReplied, kReplyReturned,
  // kReplyAccepted: its latest reply is the event's reply).
  std::string org_id;
  std::optional<RequestRecord> request;  // stored under caller.request_id when set
  std::vector<SupervisionEventType> events;
  Caller caller;                           // request id and actor for the events
  absl::Time time = absl::InfinitePast();  // of the change: the events show the order as of then
};

// Storage port of the supervision orders: a small port of its own beside
// ReportStore (the RocksDB adapter implements both over one database, so
// request ids and events share one ledger and one log). Reads see only
// durable data. Implementations are thread-safe; the desk serialises
// conflicting writes.
class SupervisionStore {
 public:
  virtual ~SupervisionStore() = default;

  // The order or nullopt.
  virtual absl::StatusOr<std::optional<SupervisionOrder>> GetOrder(absl::string_view plan_id,
                                                                   absl::string_view order_id) = 0;
  // The plan's orders by id.
  virtual absl::StatusOr<std::vector<SupervisionOrder>> ListOrders(absl::string_view plan_id) = 0;
  // The request record stored under `request_id`, or nullopt.
  virtual absl::StatusOr<std::optional<RequestRecord>> FindRequest(
      absl::string_view request_id) = 0;
  // Commits `change` durably and then calls `done` (on any thread; quick).
  // On error nothing of the change is written.
  virtual void CommitOrderAsync(SupervisionChange change,
                                std::function<void(absl::Status)> done) = 0;
};

}  // namespace ecoplan::progress
