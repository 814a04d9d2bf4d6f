#pragma once

// Words and number formats of the 月报 (monthly_report_pdf.h). The status
// and colour words are the ones the rest of ecoplan already uses: the
// indicator statuses as the notification service words them (已达成, 按进度推进,
// 存在风险, 偏离目标, 数据不足, 未评估), the lights as 红黄绿灯, the progress
// proto's own words for problem states (待整改, 整改中, …) and supervision
// levels (蓝色督办, 黄色督办, 红色督办).

#include <map>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ecoplan/common/v1/types.pb.h"
#include "ecoplan/indicator/v1/indicator_service.pb.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/indicator/documents/month_facts.h"

namespace ecoplan::indicator::documents {

// A number as the API gave it, without re-rounding: 27 → "27", 24.6 →
// "24.6", 83.3333 → "83.3333" (at most six significant digits).
std::string ReportNumber(double value);
// "27微克/立方米", "78%", "12 km" (a space before a unit in Latin letters).
std::string WithUnit(const std::string& number, const std::string& unit);
// "+3", "-2", "0": a signed difference.
std::string SignedNumber(double value);

// "2026年5月31日".
std::string LongDate(const ecoplan::common::v1::Date& date);
std::string LongDate(absl::CivilDay day);
// "5月31日" in `year`, else "2027年1月15日"; "—" when unset (year 0).
std::string ShortDate(const ecoplan::common::v1::Date& date, int year);
std::string ShortDate(absl::CivilDay day, int year);
// The day of `time` in `zone`.
absl::CivilDay DayOf(const google::protobuf::Timestamp& time, absl::TimeZone zone);
// True when `time` is set and falls in `month` in `zone`.
bool InMonth(const google::protobuf::Timestamp& time, absl::CivilMonth month, absl::TimeZone zone);
// The plan's time zone (Asia/Shanghai = UTC+8 when it cannot be loaded).
absl::TimeZone PlanZone(const MonthFacts& facts);
// "2天3小时", "5小时", "不足1小时".
std::string DurationText(int64_t seconds);

// 已达成, 按进度推进, 存在风险, 偏离目标, 数据不足, 未评估.
const char* IndicatorStatusWord(ecoplan::indicator::v1::IndicatorStatus status);
// The same for the names of EvaluatePlanResponse.status_counts ("on_track").
const char* IndicatorStatusNameWord(const std::string& name);
// "≤", "<", "≥", ">", or "" (IMPROVES and unset).
const char* ComparatorSymbol(ecoplan::indicator::v1::Comparator comparator);
// The target: "≤27微克/立方米" ("≤27" without the unit), else the target as
// written ("同比改善"); stretch goals end in "（力争）".
std::string TargetText(const ecoplan::indicator::v1::Indicator& indicator, bool with_unit = true);
// For a table: "PM2.5年均浓度（微克/立方米）" and, on a second line, "a4-pm25".
std::string IndicatorLabel(const ecoplan::indicator::v1::Indicator& indicator);
// The value with the unit, or "—".
std::string ValueText(bool has, double value, const std::string& unit);

// 绿灯, 黄灯, 红灯, 未评估.
const char* ColourWord(ecoplan::indicator::v1::MeasureColour colour);
// 按时报送, 逾期报送, 仅存草稿, 未报送, 无需报送.
const char* SubmissionWord(ecoplan::progress::v1::SubmissionState state);
// 草稿, 待审核, 已退回, 已采纳.
const char* ReportStateWord(ecoplan::progress::v1::ReportState state);
// 蓝色督办, 黄色督办, 红色督办, 督办.
const char* SupervisionLevelWord(ecoplan::progress::v1::SupervisionLevel level);
// 待整改, 整改中, 已申报整改完成, 已核查, 已销号.
const char* ProblemStateWord(ecoplan::progress::v1::ProblemState state);
// The caliber of a CaliberResult in words: "in force" → "按各日施行标准",
// "HJ 633-2012" → "全部按HJ 633-2012".
std::string CaliberWord(const std::string& caliber);

// The last segment of a resource name: "plans/p/measures/a1-t3-m1" → "a1-t3-m1".
std::string ShortId(const std::string& name);
// `text` cut to `max_chars` characters (code points) with "…".
std::string Abbreviate(const std::string& text, size_t max_chars);

// The Chinese one of an API text pair (status_reason_zh …); the English one
// only where the answer has none (a month closed before the pairs existed).
const std::string& ChineseOr(const std::string& zh, const std::string& en);
// A light's reasons in Chinese (reasons_zh), or in English where it has none.
const google::protobuf::RepeatedPtrField<std::string>& ReasonsToPrint(
    const ecoplan::indicator::v1::MeasureLight& light);

// Organization names by resource name ("organizations/o-…" → 区交通局).
class OrganizationNames {
 public:
  explicit OrganizationNames(const MonthFacts& facts);
  // The display name; `fallback` (or the id) when unknown.
  std::string Name(const std::string& resource, const std::string& fallback = "") const;

 private:
  std::map<std::string, std::string> names_;
};

}  // namespace ecoplan::indicator::documents
