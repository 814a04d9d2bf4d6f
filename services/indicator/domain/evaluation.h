#pragma once

// Evaluating one indicator as of a day: current value, status, projection to
// the end of the period (seasonal profile of past years when they exist,
// otherwise a straight line, always stated), and what the rest of the period
// must achieve.
//
// Status rules (EvaluationRules; the rules below are their documentation):
//  * period over: achieved if the final value meets the target, else off track;
//  * fewer than `min_days_for_projection` valid days (air quality) or no value
//    (reported): insufficient data; a target that is unknown: insufficient data;
//  * a target already settled (a count already above its maximum, a cumulative
//    count already reached, a ratio that all remaining days could not save or
//    spoil) is off track / achieved at once;
//  * otherwise by the projection P against the target T with margin
//    m = T × at_risk_margin_percent / 100: on track if P meets T with more than
//    m to spare, at risk if |P − T| <= m, off track otherwise.
//
// Where: EvaluateAirQuality in evaluation.cc, EvaluateReported in
// evaluation_reported.cc; the day and verdict arithmetic (evaluation_days.cc)
// and the projections and guidance (evaluation_projection.cc) they are made of
// are declared in evaluation_internal.h.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "services/indicator/domain/air_quality_standard.h"
#include "services/indicator/domain/area_memo.h"
#include "services/indicator/domain/daily_statistics.h"
#include "services/indicator/domain/model.h"

namespace ecoplan::indicator {

enum class IndicatorStatus : uint8_t {
  kUnspecified = 0,
  kAchieved = 1,
  kOnTrack = 2,
  kAtRisk = 3,
  kOffTrack = 4,
  kInsufficientData = 5,
};
// "achieved", "on_track", "at_risk", "off_track", "insufficient_data".
const char* IndicatorStatusName(IndicatorStatus status);

struct EvaluationRules {
  // Projection within this share of the target (either side) → at risk.
  double at_risk_margin_percent = 5;
  // Fewer valid days than this (air quality) → insufficient data.
  int min_days_for_projection = 14;
  // A past year feeds the seasonal profile if every month has this many valid days.
  int min_days_per_month_for_profile = 15;
};

struct CaliberResult {
  std::string caliber;  // "in force", "HJ 633-2012", "HJ 633—2026"
  std::optional<double> current_value;
  std::optional<double> projected_value;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  int days = 0;
};

// An air-quality evaluation recomputed without the days exceptional events
// (例外事件, domain/exceptional_event.h) set apart: given beside the official
// figure, never instead of it.
struct ExceptionalEventsFigure {
  std::optional<double> current_value;
  std::optional<double> projected_value;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  std::string status_reason;
  std::string status_reason_zh;
  int observed_days = 0;               // days (values) that counted without the marked ones
  int excluded_days = 0;               // days of the period to date set apart
  std::vector<std::string> event_ids;  // the events touching the period to date
};

struct Evaluation {
  absl::CivilDay as_of;
  std::optional<double> current_value;
  std::optional<double> target_value;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  // The texts people read come in English (integrators, logs) and Chinese (the
  // bureau's documents and screens), each pair saying the same.
  std::string status_reason;
  std::string status_reason_zh;
  std::optional<double> projected_value;
  // The band around it: the lowest and highest projection under each past
  // year's own seasonal profile (two or more such years); unset otherwise.
  std::optional<double> projected_low;
  std::optional<double> projected_high;
  std::string projection_method;
  std::string projection_method_zh;
  std::optional<double> required_remaining_value;
  std::string required_remaining_text;
  std::string required_remaining_text_zh;
  int remaining_days = 0;
  int observed_days = 0;
  std::string standards_used;
  std::string standards_used_zh;  // "HJ 633-2012：59天；HJ 633—2026：92天"
  std::vector<CaliberResult> calibers;
  std::vector<std::string> notes;
  std::vector<std::string> notes_zh;  // one for one with notes
  // Air quality: the kind of the area's data from the period's start to as_of
  // (or its end); unset for reported indicators (they have no kind).
  std::optional<DataDays> data;
  // Set when an active exceptional event touches the period to date of an
  // air-quality indicator (for its area and pollutant).
  std::optional<ExceptionalEventsFigure> excluding_exceptional_events;
};

// One reported value of an indicator.
struct ReportedValue {
  absl::CivilDay day;
  double value = 0;
};

// The air-quality standards a caliber applies. `in_force` picks each day's
// version; the fixed ones judge every day by one version.
struct Calibers {
  const AirQualityStandards* in_force = nullptr;
  std::vector<std::pair<std::string, const AirQualityStandards*>> fixed;
};

// Standards that judge every day by `version` (its effective date moved back).
AirQualityStandards SingleVersion(AirQualityStandard version);

// Evaluates an air-quality indicator from the area's daily values (every day
// available, any years, sorted by day; past years feed the seasonal profile).
// Days after `as_of` are ignored. Precondition: indicator.source == kAirQuality.
// `memo`, when given, is the memo of exactly these days (ObservationBook::
// SharedAreaWithMemo): each day's AQI per caliber and the seasonal profiles
// are taken from it, or computed once into it. The result is the same with or
// without it. Only the period's own days are read beyond that, so the cost
// with a filled memo does not grow with the years held.
Evaluation EvaluateAirQuality(const Indicator& indicator, absl::CivilDay as_of,
                              absl::Span<const DistrictDay> days, const Calibers& calibers,
                              const EvaluationRules& rules, AreaMemo* memo = nullptr);

// Evaluates a reported indicator from its values (any order; values after
// `as_of` are ignored).
Evaluation EvaluateReported(const Indicator& indicator, absl::CivilDay as_of,
                            std::vector<ReportedValue> values, const EvaluationRules& rules);

// Mean of the usable PM2.5 (or other item) daily values in [from, to];
// nullopt without any. `days` counts them.
std::optional<double> MeanOver(absl::Span<const DistrictDay> days, DailyItem item,
                               absl::CivilDay from, absl::CivilDay to, int* count);

}  // namespace ecoplan::indicator
