#include "services/indicator/domain/status_recording.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::indicator {

std::optional<absl::CivilDay> LastValueDay(const Indicator& indicator, absl::CivilDay as_of,
                                           const PlanEvaluationInput& input) {
  const absl::CivilDay end = std::min(as_of, indicator.period_end);
  std::optional<absl::CivilDay> last;
  auto consider = [&](absl::CivilDay day) {
    if (day < indicator.period_start || day > end) return;
    if (!last.has_value() || day > *last) last = day;
  };
  if (indicator.source == SourceKind::kAirQuality) {
    if (input.book == nullptr) return std::nullopt;
    const std::string area = indicator.scope_kind == ScopeKind::kTown
                                 ? absl::StrCat("towns/", indicator.scope_name)
                                 : "district";
    auto days = input.book->SharedAreaDays(area);
    if (!days.ok()) return std::nullopt;
    for (const DistrictDay& d : **days) consider(d.day);
    return last;
  }
  if (input.reported == nullptr) return std::nullopt;
  auto it = input.reported->find(indicator.id);
  if (it == input.reported->end()) return std::nullopt;
  for (const ReportedValue& v : it->second) consider(v.day);
  return last;
}

std::string TargetText(const Indicator& indicator) {
  if (!indicator.target_text.empty()) return indicator.target_text;
  if (!indicator.target_value.has_value()) return "";
  std::string out = absl::StrCat(ComparatorSymbol(indicator.comparator), " ",
                                 absl::StrFormat("%g", *indicator.target_value));
  if (!indicator.unit.empty()) absl::StrAppend(&out, " ", indicator.unit);
  return out;
}

std::vector<RecordedChange> StatusChanges(
    const std::vector<std::pair<const Indicator*, Evaluation>>& evaluations,
    const std::map<std::string, IndicatorStatus>& last, absl::CivilDay as_of,
    const PlanEvaluationInput& input) {
  std::vector<RecordedChange> out;
  for (const auto& [indicator, e] : evaluations) {
    if (indicator->retired) continue;
    auto it = last.find(indicator->id);
    const IndicatorStatus previous = it == last.end() ? IndicatorStatus::kUnspecified : it->second;
    if (previous == e.status) continue;
    RecordedChange c;
    c.indicator_id = indicator->id;
    c.previous = previous;
    c.status = e.status;
    c.reason = e.status_reason;
    c.owners = indicator->owners;
    if (!indicator->measures.empty()) c.measure_id = indicator->measures.front();
    c.value = e.current_value;
    if (c.value.has_value()) c.value_day = LastValueDay(*indicator, as_of, input);
    c.target = indicator->target_value;
    c.target_text = TargetText(*indicator);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace ecoplan::indicator
