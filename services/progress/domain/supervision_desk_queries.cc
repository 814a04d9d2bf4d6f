// SupervisionDesk: reading orders — one order, a filtered page — and what a
// caller may see of them. The writes are in supervision_desk.cc.

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/progress/domain/supervision_desk.h"

namespace ecoplan::progress {
namespace {

// ListSupervisionOrders pages.
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

// Orders sort by year, then number ("2026-009" < "2026-010" < "2026-1000").
std::tuple<int, int, std::string> OrderSortKey(absl::string_view id) {
  int year = 0, number = 0;
  const size_t dash = id.find('-');
  if (dash != absl::string_view::npos) {
    (void)absl::SimpleAtoi(id.substr(0, dash), &year);
    (void)absl::SimpleAtoi(id.substr(dash + 1), &number);
  }
  return {year, number, std::string(id)};
}

}  // namespace

absl::Status CheckMayRead(const SupervisionOrder& order, const Caller& caller) {
  if (caller.role != Caller::Role::kReporter || order.Find(caller.org_id) != nullptr) {
    return absl::OkStatus();
  }
  // The organization that asked for the order follows it (its inbox is told
  // of the order), whatever its role.
  if (!caller.org_id.empty() && caller.org_id == order.requesting_org_id) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "supervision order ", order.id, " is not addressed to organizations/", caller.org_id));
}

SupervisionOrder VisibleTo(SupervisionOrder order, const Caller& caller) {
  if (caller.role != Caller::Role::kReporter) return order;
  for (SupervisionAddressee& a : order.addressees) {
    if (a.org_id == caller.org_id) continue;
    // Keep the facts the order view shows (state, lateness) by keeping the
    // replies' verdicts and lateness, without their content.
    for (SupervisionReply& r : a.replies) {
      r.content.clear();
      r.evidence_links.clear();
      r.verdict_comment.clear();
      r.replied_by.clear();
      r.verified_by.clear();
    }
  }
  return order;
}

absl::StatusOr<SupervisionOrder> SupervisionDesk::Get(const std::string& plan_id,
                                                      const std::string& order_id,
                                                      const Caller& caller) {
  ECOPLAN_RETURN_IF_ERROR(plans_->Get(plan_id).status());
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<SupervisionOrder> order,
                           store_->GetOrder(plan_id, order_id));
  if (!order.has_value()) return NotFoundOrder(plan_id, order_id);
  ECOPLAN_RETURN_IF_ERROR(CheckMayRead(*order, caller));
  return VisibleTo(*std::move(order), caller);
}

absl::StatusOr<OrderPage> SupervisionDesk::List(const std::string& plan_id, OrderFilter filter,
                                                const PageRequest& page, const Caller& caller) {
  if (caller.role == Caller::Role::kReporter) {
    if (filter.org_id.empty()) filter.org_id = caller.org_id;
    if (filter.org_id != caller.org_id) {
      return absl::PermissionDeniedError(absl::StrCat("a reporter of organizations/", caller.org_id,
                                                      " lists only the orders addressed to it"));
    }
  }
  if (page.page_size < 0 || page.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be 0..", kMaxPageSize, "; got ", page.page_size));
  }
  ECOPLAN_RETURN_IF_ERROR(plans_->Get(plan_id).status());
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<SupervisionOrder> orders, store_->ListOrders(plan_id));
  std::sort(orders.begin(), orders.end(), [](const SupervisionOrder& a, const SupervisionOrder& b) {
    return OrderSortKey(a.id) < OrderSortKey(b.id);
  });
  const absl::Time now = clock_->Now();
  std::vector<SupervisionOrder> matching;
  for (SupervisionOrder& o : orders) {
    if (filter.state != SupervisionOrderState::kUnspecified && o.state != filter.state) continue;
    if (filter.level != SupervisionLevel::kUnspecified && o.level != filter.level) continue;
    if (!filter.org_id.empty() && o.Find(filter.org_id) == nullptr) continue;
    if (!filter.measure_id.empty() && std::find(o.measure_ids.begin(), o.measure_ids.end(),
                                                filter.measure_id) == o.measure_ids.end()) {
      continue;
    }
    if (!filter.external_case_number.empty() &&
        o.external_case_number != filter.external_case_number) {
      continue;
    }
    if (filter.overdue_only && !IsOverdue(o, now)) continue;
    matching.push_back(std::move(o));
  }
  OrderPage result;
  result.total_size = static_cast<int>(matching.size());
  size_t start = 0;
  if (!page.page_token.empty()) {
    const auto after = OrderSortKey(page.page_token);
    if (std::get<0>(after) == 0) {
      return absl::InvalidArgumentError("page_token is not from a previous response");
    }
    while (start < matching.size() && OrderSortKey(matching[start].id) <= after) ++start;
  }
  const size_t size = page.page_size == 0 ? kDefaultPageSize : page.page_size;
  for (size_t i = start; i < matching.size() && result.orders.size() < size; ++i) {
    result.orders.push_back(VisibleTo(std::move(matching[i]), caller));
  }
  if (start + result.orders.size() < matching.size()) {
    result.next_page_token = result.orders.back().id;
  }
  return result;
}

}  // namespace ecoplan::progress
