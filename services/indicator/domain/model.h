#pragma once

// Plain structs of the indicator evaluation service: indicators and their
// targets, stations, reported values, evaluations. No protos, no gRPC.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/indicator/domain/air_quality_standard.h"

namespace ecoplan::indicator {

enum class ScopeKind : uint8_t { kUnspecified = 0, kDistrict = 1, kTown = 2, kOrganization = 3 };

enum class Comparator : uint8_t {
  kUnspecified = 0,
  kAtMost = 1,       // value <= target
  kLessThan = 2,     // value < target
  kAtLeast = 3,      // value >= target
  kGreaterThan = 4,  // value > target
  kImproves = 5,     // year-on-year change < 0
};

// What an indicator's target is measured against.
enum class TargetBasis : uint8_t {
  kAbsolute = 0,  // the value itself: 不低于30%
  // The change from the prior year's value, in the indicator's unit
  // (percentage points for %): 较上一年度提升5个百分点. Target = baseline + change.
  kChangeFromPriorYear = 1,
  // The change from the prior year's value in percent: 同比下降10%, 零增长.
  // Target = baseline × (1 + change / 100).
  kPercentChangeFromPriorYear = 2,
};

enum class Aggregation : uint8_t {
  kUnspecified = 0,
  kMeanOfDaily = 1,
  kRatioOfQualifyingDays = 2,
  kCountOfDays = 3,
  kCumulativeCount = 4,
  kLatestValue = 5,
  kYearOnYearChange = 6,
};

enum class SourceKind : uint8_t { kUnspecified = 0, kAirQuality = 1, kReported = 2 };

enum class Origin : uint8_t {
  kUnspecified = 0,
  kAnnex4 = 1,
  kAnnex5 = 2,
  kMeasureText = 3,
  kManual = 4,
};

// The daily air-quality item an air-quality indicator reads. kAqi is for the
// day-counting aggregations (优良: AQI <= 100; 重污染: AQI > 200).
enum class AirQualityItem : uint8_t {
  kUnspecified = 0,
  kPm25 = 1,
  kPm10 = 2,
  kSo2 = 3,
  kNo2 = 4,
  kCo = 5,
  kO38h = 6,
  kAqi = 7,
};

// The DailyItem of an item other than kAqi/kUnspecified.
DailyItem DailyItemOf(AirQualityItem item);

// "≤", "<", "≥", ">", "improves".
const char* ComparatorSymbol(Comparator comparator);

// Whether `value` satisfies `comparator` against `target` (kImproves: value < 0).
bool Satisfies(Comparator comparator, double value, double target);

// Whether a smaller value is better for `comparator` (≤, <, improves).
bool LowerIsBetter(Comparator comparator);

// One indicator of a plan.
struct Indicator {
  std::string plan_id;  // e.g. "2026-5b6a16527908"
  std::string id;       // stable across re-syncs, e.g. "a4-pm25"
  std::string display_name;
  std::string unit;
  ScopeKind scope_kind = ScopeKind::kDistrict;
  std::string scope_name;  // town or organization; empty for the district
  Comparator comparator = Comparator::kUnspecified;
  std::optional<double> target_value;
  std::string target_text;
  absl::CivilDay period_start;
  absl::CivilDay period_end;
  Aggregation aggregation = Aggregation::kUnspecified;
  SourceKind source = SourceKind::kUnspecified;
  AirQualityItem air_quality_item = AirQualityItem::kUnspecified;
  std::vector<std::string> measures;  // measure ids within the plan, e.g. "a1-t2-m3"
  std::vector<std::string> owners;    // organization names
  Origin origin = Origin::kUnspecified;
  std::string source_detail;
  std::string target_caliber;  // e.g. "HJ 633-2012"; empty if not stated
  bool retired = false;
  std::string retired_reason;    // why it was retired (by an administrator or a re-sync)
  bool retired_by_sync = false;  // a re-sync retired it: the plan no longer produces it
  bool manually_corrected = false;
  // 力争, 争取, 鼓励: a stretch goal, judged and shown, never counted against its
  // owners (no red light, no completion refused, not scored).
  bool stretch = false;
  // For a target relative to the prior year: the change asked for, and the
  // prior year's value once known; target_value is derived from both
  // (DerivedTarget) and unset while the baseline is unknown.
  TargetBasis target_basis = TargetBasis::kAbsolute;
  std::optional<double> target_change;
  std::optional<double> baseline_value;
  int revision = 0;
  absl::Time update_time = absl::InfinitePast();

  bool operator==(const Indicator& o) const;
  bool operator!=(const Indicator& o) const { return !(*this == o); }
};

// The target a relative indicator's baseline and change give (target_basis);
// the indicator's own target_value for an absolute one.
std::optional<double> DerivedTarget(const Indicator& indicator);

// The etag of an indicator's current state ("<revision>-<hash>").
std::string IndicatorEtag(const Indicator& indicator);

// "plans/{plan}/indicators/{id}".
std::string IndicatorName(absl::string_view plan_id, absl::string_view id);
// Splits an indicator name into (plan id, indicator id). Errors: InvalidArgument naming `field`.
absl::StatusOr<std::pair<std::string, std::string>> ParseIndicatorName(absl::string_view name,
                                                                       absl::string_view field);

// One change of an indicator (audit trail).
struct IndicatorRevision {
  int revision = 0;
  absl::Time time;
  std::string actor;
  std::string reason;
  std::optional<Indicator> before;
  Indicator after;
};

// Something that looked like a target but did not become an indicator.
struct ExtractionIssue {
  std::string location;
  std::string text;
  std::string reason;
};

// A figure stated in annex 4 and restated in a measure text.
struct CrossCheck {
  std::string indicator_id;
  std::string measure_id;
  std::string annex_text;
  std::string measure_text;
  bool agrees = false;
  std::string difference;
};

struct ExtractionReport {
  std::string plan_id;
  int annex4_count = 0;
  int annex5_count = 0;
  int measure_text_count = 0;
  std::vector<ExtractionIssue> issues;
  std::vector<CrossCheck> cross_checks;
  absl::Time time = absl::InfinitePast();
};

// A monitoring station and the area it represents.
struct Station {
  std::string id;
  std::string display_name;
  std::string town;  // empty: district only
  bool counts_for_district = true;
  bool demonstration = false;
  std::string note;
};

// Who is calling: one struct handed to every use case so that authorization
// (common/auth) can be plugged in without changing signatures.
struct Caller {
  std::string subject;       // e.g. "admin@bureau"; the actor of changes
  std::string organization;  // for reporters; empty otherwise
  bool administrator = true;
};

}  // namespace ecoplan::indicator
