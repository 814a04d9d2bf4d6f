#pragma once

// Deadline words of Chinese action plans (完成时限) resolved against a plan year.
//
// Pure functions, no time zone: a resolved deadline is a civil day (or a
// window of civil days); the caller decides in which zone a day ends.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace ecoplan::common {

// What a deadline phrase means.
enum class DeadlineKind {
  kUnresolved = 0,  // not understood; the caller records a warning
  kDueDate = 1,     // due by `due` (inclusive)
  kWindow = 2,      // carried out from `window_start` to `due` (inclusive)
  kOngoing = 3,     // no end: 长期实施, 持续推进, 常态化 ...
};

struct ResolvedDeadline {
  DeadlineKind kind = DeadlineKind::kUnresolved;
  std::optional<absl::CivilDay> window_start;  // kWindow only
  std::optional<absl::CivilDay> due;           // kDueDate and kWindow (last day)

  bool operator==(const ResolvedDeadline& o) const {
    return kind == o.kind && window_start == o.window_start && due == o.due;
  }
};

// Last day of `month` (1..12) of `year`, e.g. LastDayOfMonth(2026, 2) = 2026-02-28.
absl::CivilDay LastDayOfMonth(int year, int month);

// Resolves a whole deadline cell against the plan `year`. Surrounding white
// space and a trailing 完成 are ignored. Months and days may be written in Arabic
// or Chinese numerals (6月 / 六月). Understood forms:
//   年底前, 年底, 年内, 年末(前)                    → due Dec 31 of `year`
//   YYYY年底前, YYYY年年底前                         → due Dec 31 of YYYY
//   N月底前, N月底, N月末(前)                         → due last day of month N
//   N月上旬(前) / N月中旬(前) / N月下旬(前)           → due N-10 / N-20 / last day
//   N月前                                            → due last day of month N-1: "before
//                                                      month N" means it must be done when
//                                                      month N begins (1月前 → Dec 31 of
//                                                      the year before)
//   N月N日前, N月N日                                 → due that day
//   YYYY年<any of the month/day forms>               → the same in year YYYY
//   A-B月 (also A—B月, A–B月, A~B月, A～B月, A至B月, A到B月, A月-B月, A月至B月)
//                                                    → window first day of A .. last day of B
//   N月 (a month alone)                               → window first .. last day of month N
//   上半年(前)                                        → due Jun 30;  下半年 → window Jul 1..Dec 31
//   全年                                              → window Jan 1..Dec 31
//   (第)一季度 .. (第)四季度, N季度末(前)             → due last day of that quarter
//   长期实施, 持续推进, 常态化, 长期坚持, 持续实施, 持续开展, 长期, 持续, 常态化推进,
//   长期推进, 长期开展, 常年 and other phrases that start with 长期 / 持续 /
//   常态 and contain no digit                        → ongoing
// Anything else (an invalid month or day, B before A, free text) → kUnresolved;
// that is not an error.
ResolvedDeadline ResolveDeadline(absl::string_view text, int year);

// A date phrase found inside running text.
struct TextDate {
  std::string phrase;      // as written, e.g. "5月底前"
  size_t offset = 0;       // byte offset of the phrase in the text
  ResolvedDeadline value;  // resolved against the plan year
};

// Finds the date phrases inside a measure text (5月底前, 11月底前, 3-5月, 年底前,
// 2027年6月底前, 6月15日前 ...) and resolves each like ResolveDeadline. Phrases that
// do not resolve (12个月, 2025—2030年) are skipped. In text order.
std::vector<TextDate> FindDatesInText(absl::string_view text, int year);

}  // namespace ecoplan::common
