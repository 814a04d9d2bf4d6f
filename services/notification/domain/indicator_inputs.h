#pragma once

// What the indicator server's events say, as the Notifier needs it: plain
// structs filled by the follower glue (upstream_followers.cc) from
// indicator.v1.IndicatorStatusChanged (IndicatorService) and MonthClosed,
// ContestFiled, ContestDecided (AssessmentService, same event stream).

#include <optional>
#include <string>

#include "absl/time/civil_time.h"

namespace ecoplan::notification {

// Numeric values equal indicator.v1.IndicatorStatus.
enum class IndicatorStatus {
  kUnspecified = 0,
  kAchieved = 1,
  kOnTrack = 2,
  kAtRisk = 3,
  kOffTrack = 4,
  kInsufficientData = 5,
};

// "偏离目标", "存在风险", "按进度推进", "已达成", "数据不足", "未评估".
const char* IndicatorStatusText(IndicatorStatus status);

// One recorded status change of an indicator (IndicatorStatusChanged), with
// the indicator's display name and unit when the follower could read them.
struct IndicatorChange {
  std::string indicator;     // plans/{plan}/indicators/{id}
  std::string indicator_id;  // {id}
  std::string display_name;  // empty: unknown (texts show the id)
  std::string unit;          // empty: unknown or none
  IndicatorStatus previous = IndicatorStatus::kUnspecified;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  std::optional<absl::CivilDay> as_of;
  std::string reason;                        // the evaluation's status reason
  std::string measure_id;                    // empty for a plan-level indicator
  std::optional<double> value;               // in `unit`
  std::optional<absl::CivilDay> value_date;  // the day of that value
  std::optional<double> target;              // in `unit`
  std::string target_text;                   // e.g. "≥ 30 %"
};

// A month the bureau closed (MonthClosed).
struct MonthClosedInput {
  std::string name;   // plans/{plan}/months/{YYYY-MM}
  std::string month;  // "YYYY-MM"
  std::string closed_by;
  std::string reason;
  int adjustment_count = 0;
};

// A contest (申诉) as filed or decided (ContestFiled, ContestDecided).
struct ContestInput {
  std::string name;               // plans/{plan}/contests/{number}
  std::string month;              // the closed month contested, "YYYY-MM"
  std::string organization_name;  // canonical name, as the event says
  std::string organization_id;    // resolved by the follower; empty if unknown
  std::string item;               // a score fact key or "light/{measure}"
  std::string reason;             // why the organization contests it
  std::string filed_by;
  bool decided = false;
  bool accepted = false;
  std::string comment;  // the bureau's reason for its decision
  double points = 0;    // accepted: points added to the adjusted score
  std::string decided_by;
  std::string recorded_in_month;  // accepted: the month carrying the adjustment
};

}  // namespace ecoplan::notification
