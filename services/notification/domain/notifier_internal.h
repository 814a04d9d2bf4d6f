#pragma once

// What the Notifier's implementation files (notifier*.cc) share: resource
// names, the key of a submission, a measure's owners, id and text limits.
// Not for callers of the Notifier.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/calendar/reporting_calendar.h"
#include "common/idempotency/request_ledger.h"
#include "services/notification/domain/model.h"

namespace ecoplan::notification::internal {

// Descriptions of rules and subscriptions: at most this many bytes.
constexpr size_t kMaxDescription = 500;

// 1..64 of [a-z0-9-] (rule ids, stream consumer ids).
bool ValidId(absl::string_view id);

// "plans/<plan>/reports/<org>_<period>".
std::string ReportResource(absl::string_view plan, absl::string_view org, absl::string_view period);

// "plans/<plan>/measures/<measure>".
std::string MeasureResource(absl::string_view plan, absl::string_view measure);

// The key of a submitted report in the state: "<plan>|<org>|<period>".
std::string SubmissionKey(absl::string_view plan, absl::string_view org, absl::string_view period);

// The occurrence part of a met statement's key: "<plan>|<measure>|<YYYY-MM-DD>|".
std::string MetOccurrencePrefix(absl::string_view plan, absl::string_view measure,
                                absl::CivilDay due);
// The key of a met statement in the state (Changes::met_statements):
// MetOccurrencePrefix, then "<org>|<period>" of the report stating it.
std::string MetStatementKey(absl::string_view plan, absl::string_view measure, absl::CivilDay due,
                            absl::string_view org, absl::string_view period);

// The shared working-day calendar with the holidays the notifier knows.
common::WorkingDays WorkingDaysOf(const std::map<int, HolidayYear>& years);

// Lead organizations, then responsible ones not already leads.
std::vector<std::string> OwnersOf(const MeasureView& m);

// The method names of request records (common::RequestRecord::method): the RPCs.
inline constexpr absl::string_view kCreateRuleMethod = "CreateRule";
inline constexpr absl::string_view kCreateSubscriptionMethod = "CreateSubscription";
inline constexpr absl::string_view kRotateSecretMethod = "RotateSubscriptionSecret";
inline constexpr absl::string_view kReplayDeliveryMethod = "ReplayDelivery";

// "subscriptions/<subscription>/deliveries/<number>".
std::string DeliveryResource(absl::string_view subscription, uint64_t number);

// A request record as the store keeps it (Changes::request_ids, storage RequestRecord.resource),
// the encoding of the first release, kept so that stores on disk load unchanged:
//   CreateRule                 "rule:<rule>"
//   RotateSubscriptionSecret   "rotate:<subscription>"
//   ReplayDelivery             "replay:<subscription>/<number>/<number of the replay>"
//   CreateSubscription         "<subscription>" (no kind)
// `record.resource` is the resource name (rules/…, subscriptions/…, and for a replay the
// delivery replayed, subscriptions/…/deliveries/<number>; `revision` is the replay's number).
std::string StoredRequest(const common::RequestRecord& record);
// The inverse of StoredRequest. A value of an unknown kind gives a record without a method
// naming the value as its resource (common/idempotency: it matches on the resource only).
common::RequestRecord LoadedRequest(absl::string_view request_id, absl::string_view stored);

}  // namespace ecoplan::notification::internal
