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
#include "common/concurrency/keyed_serializer.h"
#include "common/time/clock.h"
#include "services/progress/domain/model.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/supervision.h"
#include "services/progress/domain/supervision_store.h"

namespace ecoplan::progress {

// An order as its issuer gives it.
struct OrderIssue {
  std::string plan_id;
  std::string title;
  std::string description;
  SupervisionSource source;
  SupervisionLevel level = SupervisionLevel::kUnspecified;
  std::vector<std::string> measure_ids;
  // Empty: the lead organizations of the measures.
  std::vector<std::string> org_ids;
  // At most one: an explicit deadline overriding the level's.
  std::optional<absl::CivilDay> due_day;
  std::optional<absl::Time> due_time;
  std::string external_case_number;
  // Optional: the organization that asked for the order (an organization
  // of the plan's view; it need not own any of the measures).
  std::string requesting_org_id;
};

// A reply as an organization gives it.
struct OrderReply {
  std::string plan_id;
  std::string order_id;
  std::string org_id;
  std::string content;
  std::vector<std::string> evidence_links;
  std::string etag;  // optional
};

// Filters of ListOrders; unset filters match all.
struct OrderFilter {
  SupervisionOrderState state = SupervisionOrderState::kUnspecified;
  SupervisionLevel level = SupervisionLevel::kUnspecified;
  std::string org_id;
  std::string measure_id;
  bool overdue_only = false;
  std::string external_case_number;  // the command center's 案件号
};

struct OrderPage {
  std::vector<SupervisionOrder> orders;
  std::string next_page_token;
  int total_size = 0;
};

// NotFound naming plans/{plan}/supervisionOrders/{order}.
absl::Status NotFoundOrder(absl::string_view plan_id, absl::string_view order_id);
// Who may issue and verify orders: the 督查室 (supervisor) and the bureau
// (administrator). Errors: PermissionDenied.
absl::Status CheckIssuer(const Caller& caller, absl::string_view what);
// Whether `caller` may read `order`: a reporter only when the order
// addresses its organization or its organization requested the order.
// Errors: PermissionDenied.
absl::Status CheckMayRead(const SupervisionOrder& order, const Caller& caller);
// The order as `caller` may see it: a reporter sees only its own
// organization's replies (who is addressed, their states and lateness are
// shown to all).
SupervisionOrder VisibleTo(SupervisionOrder order, const Caller& caller);

// The use cases of supervision orders (督办单): issue, reply, verify (accept
// or return), raise the level, close (销号), and the reads.
//
// Writes follow the write model of ProgressRecorder: validated first on the
// caller's thread against the PlanDirectory (nothing is written on a bad
// request), then serialised per order (issuing: per plan, which assigns the
// next id) and per request id by a common::KeyedSerializer, committed with
// their event and request record through SupervisionStore::CommitOrderAsync,
// and answered through `done` once durable. A retry with the same request id
// and content answers the order as it is now and writes nothing.
//
// Deadlines are counted in working days of `working_days()` (the holidays
// loaded with LoadHolidays; see ReplyWorkingDays) in the plan's time zone,
// from the day of `clock`'s now.
//
// Thread-safe. `store`, `plans` and `clock` must outlive the desk;
// `dispatch` runs queued work (see KeyedSerializer).
class SupervisionDesk {
 public:
  SupervisionDesk(SupervisionStore* store, const PlanDirectory* plans, const common::Clock* clock,
                  std::function<common::WorkingDays()> working_days,
                  std::function<void(std::function<void()>)> dispatch);

  // Issues an order and appends SupervisionOrderIssued. Errors: see
  // IssueSupervisionOrder in progress_service.proto.
  void Issue(const OrderIssue& issue, const Caller& caller, Callback<SupervisionOrder> done);
  // Records an addressed organization's reply; appends SupervisionOrderReplied.
  void Reply(const OrderReply& reply, const Caller& caller, Callback<SupervisionOrder> done);
  // Accepts (accept = true) or returns the organization's latest reply;
  // appends SupervisionOrderReplyAccepted or SupervisionOrderReplyReturned.
  void Verify(const std::string& plan_id, const std::string& order_id, const std::string& org_id,
              bool accept, const std::string& comment, const std::string& etag,
              const Caller& caller, Callback<SupervisionOrder> done);
  // Raises the level and recomputes the deadline from today; appends
  // SupervisionOrderLevelRaised.
  void Raise(const std::string& plan_id, const std::string& order_id, SupervisionLevel level,
             const std::string& reason, const std::string& etag, const Caller& caller,
             Callback<SupervisionOrder> done);
  // Closes the order (销号); appends SupervisionOrderClosed.
  void Close(const std::string& plan_id, const std::string& order_id, const std::string& comment,
             const std::string& etag, const Caller& caller, Callback<SupervisionOrder> done);

  // Acknowledges the order (签收) for the command center (viewer), the
  // 督查室 or the bureau: records who, when and `comment`, and attaches
  // `case_number` when the order has none; appends
  // SupervisionOrderAcknowledged. Errors: see AcknowledgeSupervisionOrder in
  // progress_service.proto.
  void Acknowledge(const std::string& plan_id, const std::string& order_id,
                   const std::string& case_number, const std::string& comment,
                   const std::string& etag, const Caller& caller, Callback<SupervisionOrder> done);

  // Reads, as `caller` may see them. Errors: NotFound / Unavailable (plan),
  // NotFound (order), PermissionDenied (CheckMayRead; a reporter filtering by
  // another organization), InvalidArgument (paging).
  absl::StatusOr<SupervisionOrder> Get(const std::string& plan_id, const std::string& order_id,
                                       const Caller& caller);
  absl::StatusOr<OrderPage> List(const std::string& plan_id, OrderFilter filter,
                                 const PageRequest& page, const Caller& caller);

  // The service clock's now (what overdue is computed against).
  absl::Time Now() const { return clock_->Now(); }
  // The plan's view, or nullptr (for display names).
  std::shared_ptr<const PlanInfo> Plan(absl::string_view plan_id) const {
    return plans_->Find(plan_id);
  }

 private:
  // Runs `fn` with the order loaded, under the order's key (and the request
  // id's): answers a retry with the current order, refuses a closed order
  // (FailedPrecondition) and a stale `etag` (Aborted); else `change` edits
  // a copy (an error refuses) and names the events, and the copy is
  // committed with the version bumped.
  using Edit = std::function<absl::Status(SupervisionOrder&, SupervisionChange&)>;
  void EditOrder(const std::string& plan_id, const std::string& order_id, absl::string_view method,
                 const std::string& fingerprint, const std::string& etag, const Caller& caller,
                 Edit edit, Callback<SupervisionOrder> done);
  void RunSerialized(const Caller& caller, const std::string& resource_key,
                     std::function<void(std::shared_ptr<void>)> fn);
  absl::StatusOr<std::optional<RequestRecord>> CheckRequest(const Caller& caller,
                                                            absl::string_view method,
                                                            absl::string_view fingerprint);
  void Commit(SupervisionChange change, std::shared_ptr<void> guard,
              Callback<SupervisionOrder> done);

  SupervisionStore* const store_;
  const PlanDirectory* const plans_;
  const common::Clock* const clock_;
  const std::function<common::WorkingDays()> working_days_;
  common::KeyedSerializer serializer_;
};

}  // namespace ecoplan::progress
