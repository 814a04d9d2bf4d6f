#include "services/indicator/domain/validity.h"

#include <algorithm>
#include <bitset>

#include "absl/strings/str_cat.h"

namespace ecoplan::indicator {

absl::string_view ValidityName(Validity validity) {
  switch (validity) {
    case Validity::kValid:
      return "valid";
    case Validity::kValidByExceedance:
      return "valid_by_exceedance";
    case Validity::kInsufficientData:
      return "insufficient_data";
  }
  return "?";
}

int HourSlots::count() const { return static_cast<int>(std::bitset<32>(present).count()); }

DailyStatistic DailyMean(const HourSlots& hours, const ValidityRules& rules) {
  DailyStatistic out;
  double sum = 0;
  for (int h = 0; h < 24; ++h) {
    if (hours.has(h)) sum += hours.values[h];
  }
  out.samples = hours.count();
  out.value = out.samples > 0 ? sum / out.samples : 0;
  out.validity = out.samples >= rules.min_hours_for_daily_mean ? Validity::kValid
                                                               : Validity::kInsufficientData;
  return out;
}

DailyStatistic DailyMaxOneHour(const HourSlots& hours, const ValidityRules& rules) {
  DailyStatistic out;
  for (int h = 0; h < 24; ++h) {
    if (hours.has(h)) out.value = std::max(out.value, hours.values[h]);
  }
  out.samples = hours.count();
  out.validity = out.samples >= rules.min_hours_for_daily_mean ? Validity::kValid
                                                               : Validity::kInsufficientData;
  return out;
}

DailyStatistic DailyMaxEightHourMean(const HourSlots& hours, const ValidityRules& rules) {
  constexpr int kWindows = 17;  // ending 08:00 … 24:00
  DailyStatistic out;
  bool any = false;
  for (int start = 0; start < kWindows; ++start) {
    int n = 0;
    double sum = 0;
    for (int h = start; h < start + 8; ++h) {
      if (hours.has(h)) {
        sum += hours.values[h];
        ++n;
      }
    }
    if (n < rules.min_hours_for_8_hour_mean) continue;
    const double mean = sum / n;
    out.value = any ? std::max(out.value, mean) : mean;
    any = true;
    ++out.samples;
  }
  if (out.samples >= rules.min_8_hour_means_for_daily_max) {
    out.validity = Validity::kValid;
  } else if (any && out.value > rules.o3_8_hour_max_valid_anyway_above) {
    // The missing windows could only raise the maximum, so an exceedance is certain.
    out.validity = Validity::kValidByExceedance;
  } else {
    out.validity = Validity::kInsufficientData;
  }
  return out;
}

AnnualValidity CheckAnnualValidity(int year, const std::array<int, 12>& valid_days_by_month,
                                   const ValidityRules& rules) {
  AnnualValidity out;
  for (int m = 0; m < 12; ++m) out.valid_days += valid_days_by_month[m];
  if (out.valid_days < rules.min_days_for_annual) {
    absl::StrAppend(&out.reason, out.valid_days, " valid days < ", rules.min_days_for_annual);
    absl::StrAppend(&out.reason_zh, "全年有效天数", out.valid_days, "天，少于",
                    rules.min_days_for_annual, "天");
  }
  for (int m = 0; m < 12; ++m) {
    const int required = m == 1 ? rules.min_days_in_february : rules.min_days_per_month;
    out.month_valid[m] = valid_days_by_month[m] >= required;
    if (!out.month_valid[m]) {
      // "2026-05: 0 valid days < 27" ("%04d-%02d: %d valid days < %d") appended in
      // place: an evaluation before the year's end says it of every month to come.
      absl::StrAppend(&out.reason, out.reason.empty() ? "" : "; ", absl::Dec(year, absl::kZeroPad4),
                      "-", absl::Dec(m + 1, absl::kZeroPad2), ": ", valid_days_by_month[m],
                      " valid days < ", required);
      absl::StrAppend(&out.reason_zh, out.reason_zh.empty() ? "" : "；", year, "年", m + 1,
                      "月有效天数", valid_days_by_month[m], "天，少于", required, "天");
    }
  }
  out.validity = out.reason.empty() ? Validity::kValid : Validity::kInsufficientData;
  return out;
}

}  // namespace ecoplan::indicator
