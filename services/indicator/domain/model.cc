#include "services/indicator/domain/model.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace ecoplan::indicator {
namespace {

// FNV-1a: stable across builds and platforms, unlike std::hash.
uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

DailyItem DailyItemOf(AirQualityItem item) {
  switch (item) {
    case AirQualityItem::kPm10:
      return DailyItem::kPm10;
    case AirQualityItem::kSo2:
      return DailyItem::kSo2;
    case AirQualityItem::kNo2:
      return DailyItem::kNo2;
    case AirQualityItem::kCo:
      return DailyItem::kCo;
    case AirQualityItem::kO38h:
      return DailyItem::kO3Max8h;
    default:
      return DailyItem::kPm25;
  }
}

const char* ComparatorSymbol(Comparator comparator) {
  switch (comparator) {
    case Comparator::kAtMost:
      return "≤";
    case Comparator::kLessThan:
      return "<";
    case Comparator::kAtLeast:
      return "≥";
    case Comparator::kGreaterThan:
      return ">";
    case Comparator::kImproves:
      return "improves";
    default:
      return "?";
  }
}

bool Satisfies(Comparator comparator, double value, double target) {
  constexpr double kEps = 1e-9;
  switch (comparator) {
    case Comparator::kAtMost:
      return value <= target + kEps;
    case Comparator::kLessThan:
      return value < target - kEps;
    case Comparator::kAtLeast:
      return value >= target - kEps;
    case Comparator::kGreaterThan:
      return value > target + kEps;
    case Comparator::kImproves:
      return value < 0;
    default:
      return false;
  }
}

bool LowerIsBetter(Comparator comparator) {
  return comparator == Comparator::kAtMost || comparator == Comparator::kLessThan ||
         comparator == Comparator::kImproves;
}

bool Indicator::operator==(const Indicator& o) const {
  return plan_id == o.plan_id && id == o.id && display_name == o.display_name && unit == o.unit &&
         scope_kind == o.scope_kind && scope_name == o.scope_name && comparator == o.comparator &&
         target_value == o.target_value && target_text == o.target_text &&
         period_start == o.period_start && period_end == o.period_end &&
         aggregation == o.aggregation && source == o.source &&
         air_quality_item == o.air_quality_item && measures == o.measures && owners == o.owners &&
         origin == o.origin && source_detail == o.source_detail &&
         target_caliber == o.target_caliber && retired == o.retired &&
         retired_reason == o.retired_reason && retired_by_sync == o.retired_by_sync &&
         manually_corrected == o.manually_corrected && stretch == o.stretch &&
         target_basis == o.target_basis && target_change == o.target_change &&
         baseline_value == o.baseline_value;
}

std::optional<double> DerivedTarget(const Indicator& ind) {
  switch (ind.target_basis) {
    case TargetBasis::kAbsolute:
      return ind.target_value;
    case TargetBasis::kChangeFromPriorYear:
      if (!ind.baseline_value.has_value() || !ind.target_change.has_value()) return std::nullopt;
      return *ind.baseline_value + *ind.target_change;
    case TargetBasis::kPercentChangeFromPriorYear:
      if (!ind.baseline_value.has_value() || !ind.target_change.has_value()) return std::nullopt;
      return *ind.baseline_value * (1 + *ind.target_change / 100);
  }
  return std::nullopt;
}

std::string IndicatorEtag(const Indicator& ind) {
  std::string state = absl::StrCat(
      ind.id, "|", ind.display_name, "|", ind.unit, "|", static_cast<int>(ind.scope_kind), "|",
      ind.scope_name, "|", static_cast<int>(ind.comparator), "|",
      ind.target_value.has_value() ? absl::StrCat(*ind.target_value) : "-", "|", ind.target_text,
      "|", absl::FormatCivilTime(ind.period_start), "|", absl::FormatCivilTime(ind.period_end), "|",
      static_cast<int>(ind.aggregation), "|", static_cast<int>(ind.source), "|",
      static_cast<int>(ind.air_quality_item), "|", absl::StrJoin(ind.measures, ","), "|",
      absl::StrJoin(ind.owners, ","), "|", ind.target_caliber, "|", ind.retired);
  // Fields added later enter only when set, so the etags of indicators that do
  // not use them stay what they were.
  if (ind.stretch || ind.target_basis != TargetBasis::kAbsolute) {
    absl::StrAppend(&state, "|", ind.stretch, "|", static_cast<int>(ind.target_basis), "|",
                    ind.target_change.has_value() ? absl::StrCat(*ind.target_change) : "-", "|",
                    ind.baseline_value.has_value() ? absl::StrCat(*ind.baseline_value) : "-");
  }
  return absl::StrFormat("%d-%016x", ind.revision, Fnv1a(state));
}

std::string IndicatorName(absl::string_view plan_id, absl::string_view id) {
  return absl::StrCat("plans/", plan_id, "/indicators/", id);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseIndicatorName(absl::string_view name,
                                                                       absl::string_view field) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "plans" || parts[1].empty() || parts[2] != "indicators" ||
      parts[3].empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": «", name, "» is not plans/{plan}/indicators/{indicator}"));
  }
  return std::make_pair(parts[1], parts[3]);
}

}  // namespace ecoplan::indicator
