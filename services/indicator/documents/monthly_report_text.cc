#include "services/indicator/documents/monthly_report_text.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ecoplan::indicator::documents {

namespace iv1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;

std::string ReportNumber(double value) {
  if (value == 0) return "0";  // never "-0"
  return absl::StrCat(value);
}

std::string WithUnit(const std::string& number, const std::string& unit) {
  if (unit.empty()) return number;
  if (absl::ascii_isalpha(static_cast<unsigned char>(unit[0]))) {
    return absl::StrCat(number, " ", unit);
  }
  return absl::StrCat(number, unit);
}

std::string SignedNumber(double value) {
  if (value > 0) return absl::StrCat("+", ReportNumber(value));
  return ReportNumber(value);
}

std::string LongDate(absl::CivilDay day) {
  return absl::StrCat(day.year(), "年", day.month(), "月", day.day(), "日");
}

std::string LongDate(const ecoplan::common::v1::Date& date) {
  return absl::StrCat(date.year(), "年", date.month(), "月", date.day(), "日");
}

std::string ShortDate(const ecoplan::common::v1::Date& date, int year) {
  if (date.year() == 0) return "—";
  if (date.year() != year) return LongDate(date);
  return absl::StrCat(date.month(), "月", date.day(), "日");
}

std::string ShortDate(absl::CivilDay day, int year) {
  if (day.year() != year) return LongDate(day);
  return absl::StrCat(day.month(), "月", day.day(), "日");
}

absl::CivilDay DayOf(const google::protobuf::Timestamp& time, absl::TimeZone zone) {
  return absl::ToCivilDay(absl::FromUnixSeconds(time.seconds()), zone);
}

bool InMonth(const google::protobuf::Timestamp& time, absl::CivilMonth month, absl::TimeZone zone) {
  if (time.seconds() == 0 && time.nanos() == 0) return false;
  return absl::CivilMonth(DayOf(time, zone)) == month;
}

absl::TimeZone PlanZone(const MonthFacts& facts) {
  absl::TimeZone zone;
  const std::string& name =
      facts.plan.time_zone().empty() ? std::string("Asia/Shanghai") : facts.plan.time_zone();
  if (absl::LoadTimeZone(name, &zone)) return zone;
  // Without tzdata: China has kept UTC+8 without daylight saving since 1991.
  return absl::FixedTimeZone(8 * 3600);
}

std::string DurationText(int64_t seconds) {
  const int64_t hours = seconds / 3600;
  if (hours < 1) return "不足1小时";
  if (hours < 24) return absl::StrCat(hours, "小时");
  if (hours % 24 == 0) return absl::StrCat(hours / 24, "天");
  return absl::StrCat(hours / 24, "天", hours % 24, "小时");
}

const char* IndicatorStatusWord(iv1::IndicatorStatus status) {
  switch (status) {
    case iv1::INDICATOR_STATUS_ACHIEVED:
      return "已达成";
    case iv1::INDICATOR_STATUS_ON_TRACK:
      return "按进度推进";
    case iv1::INDICATOR_STATUS_AT_RISK:
      return "存在风险";
    case iv1::INDICATOR_STATUS_OFF_TRACK:
      return "偏离目标";
    case iv1::INDICATOR_STATUS_INSUFFICIENT_DATA:
      return "数据不足";
    default:
      return "未评估";
  }
}

const char* IndicatorStatusNameWord(const std::string& name) {
  if (name == "achieved") return "已达成";
  if (name == "on_track") return "按进度推进";
  if (name == "at_risk") return "存在风险";
  if (name == "off_track") return "偏离目标";
  if (name == "insufficient_data") return "数据不足";
  return "未评估";
}

const char* ComparatorSymbol(iv1::Comparator comparator) {
  switch (comparator) {
    case iv1::COMPARATOR_AT_MOST:
      return "≤";
    case iv1::COMPARATOR_LESS_THAN:
      return "<";
    case iv1::COMPARATOR_AT_LEAST:
      return "≥";
    case iv1::COMPARATOR_GREATER_THAN:
      return ">";
    default:
      return "";
  }
}

std::string TargetText(const iv1::Indicator& indicator, bool with_unit) {
  std::string text;
  if (indicator.has_target_value() && indicator.comparator() != iv1::COMPARATOR_IMPROVES) {
    text = absl::StrCat(
        ComparatorSymbol(indicator.comparator()),
        WithUnit(ReportNumber(indicator.target_value()), with_unit ? indicator.unit() : ""));
  } else if (!indicator.target_text().empty()) {
    text = indicator.target_text();
  } else {
    text = "—";
  }
  if (indicator.stretch()) absl::StrAppend(&text, "（力争）");
  return text;
}

std::string IndicatorLabel(const iv1::Indicator& indicator) {
  std::string label = indicator.display_name();
  if (!indicator.unit().empty()) absl::StrAppend(&label, "（", indicator.unit(), "）");
  return absl::StrCat(label, "\n", ShortId(indicator.name()));
}

std::string ValueText(bool has, double value, const std::string& unit) {
  return has ? WithUnit(ReportNumber(value), unit) : "—";
}

const char* ColourWord(iv1::MeasureColour colour) {
  switch (colour) {
    case iv1::MEASURE_COLOUR_GREEN:
      return "绿灯";
    case iv1::MEASURE_COLOUR_YELLOW:
      return "黄灯";
    case iv1::MEASURE_COLOUR_RED:
      return "红灯";
    default:
      return "未评估";
  }
}

const char* SubmissionWord(pv1::SubmissionState state) {
  switch (state) {
    case pv1::SUBMISSION_STATE_ON_TIME:
      return "按时报送";
    case pv1::SUBMISSION_STATE_LATE:
      return "逾期报送";
    case pv1::SUBMISSION_STATE_DRAFT_ONLY:
      return "仅存草稿";
    case pv1::SUBMISSION_STATE_MISSING:
      return "未报送";
    case pv1::SUBMISSION_STATE_NOT_OWED:
      return "无需报送";
    default:
      return "—";
  }
}

const char* ReportStateWord(pv1::ReportState state) {
  switch (state) {
    case pv1::REPORT_STATE_DRAFT:
      return "草稿";
    case pv1::REPORT_STATE_SUBMITTED:
      return "待审核";
    case pv1::REPORT_STATE_RETURNED:
      return "已退回";
    case pv1::REPORT_STATE_ACCEPTED:
      return "已采纳";
    default:
      return "";
  }
}

const char* SupervisionLevelWord(pv1::SupervisionLevel level) {
  switch (level) {
    case pv1::SUPERVISION_LEVEL_BLUE:
      return "蓝色督办";
    case pv1::SUPERVISION_LEVEL_YELLOW:
      return "黄色督办";
    case pv1::SUPERVISION_LEVEL_RED:
      return "红色督办";
    default:
      return "督办";
  }
}

const char* ProblemStateWord(pv1::ProblemState state) {
  switch (state) {
    case pv1::PROBLEM_STATE_OPEN:
      return "待整改";
    case pv1::PROBLEM_STATE_RECTIFYING:
      return "整改中";
    case pv1::PROBLEM_STATE_RECTIFICATION_CLAIMED:
      return "已申报整改完成";
    case pv1::PROBLEM_STATE_VERIFIED:
      return "已核查";
    case pv1::PROBLEM_STATE_CLOSED:
      return "已销号";
    default:
      return "—";
  }
}

std::string CaliberWord(const std::string& caliber) {
  if (caliber == "in force") return "按各日施行标准";
  return absl::StrCat("全部按", caliber);
}

std::string ShortId(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

const std::string& ChineseOr(const std::string& zh, const std::string& en) {
  return zh.empty() ? en : zh;
}

const google::protobuf::RepeatedPtrField<std::string>& ReasonsToPrint(
    const ecoplan::indicator::v1::MeasureLight& light) {
  return light.reasons_zh_size() == light.reasons_size() ? light.reasons_zh() : light.reasons();
}

std::string Abbreviate(const std::string& text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars) return absl::StrCat(text.substr(0, i), "…");
    ++chars;
  }
  return text;
}

OrganizationNames::OrganizationNames(const MonthFacts& facts) {
  for (const auto& org : facts.organizations) names_[org.name()] = org.display_name();
}

std::string OrganizationNames::Name(const std::string& resource,
                                    const std::string& fallback) const {
  const auto it = names_.find(resource);
  if (it != names_.end() && !it->second.empty()) return it->second;
  if (!fallback.empty()) return fallback;
  return ShortId(resource);
}

}  // namespace ecoplan::indicator::documents
