#include "services/indicator/documents/chart_builders.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/mapping/proto_values.h"
#include "services/indicator/domain/rounding.h"

namespace ecoplan::indicator::documents {
namespace {

namespace v1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;

constexpr Rgb kValueBlue{31, 78, 156};
constexpr Rgb kProjectionBlue{74, 134, 232};
constexpr Rgb kTargetRed{214, 39, 40};
constexpr Rgb kBarBlue{70, 130, 180};
constexpr Rgb kOnTimeGreen{46, 139, 87};
constexpr Rgb kLateOrange{242, 142, 43};
constexpr Rgb kMissingRed{200, 54, 54};

absl::CivilDay Day(const ecoplan::common::v1::Date& d) { return common::StoredDateFromProto(d); }

std::string DayLabel(absl::CivilDay d) { return absl::FormatCivilTime(d); }

std::string ChineseDate(absl::CivilDay d) {
  return absl::StrCat(d.year(), "年", d.month(), "月", d.day(), "日");
}

// "27" or "78.5": the decimals a value needs, at most one.
std::string Short(double v) {
  std::string s = absl::StrFormat("%.1f", v);
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
  return s;
}

const char* ComparatorText(v1::Comparator c) {
  switch (c) {
    case v1::COMPARATOR_AT_MOST:
      return "≤ ";
    case v1::COMPARATOR_LESS_THAN:
      return "< ";
    case v1::COMPARATOR_AT_LEAST:
      return "≥ ";
    case v1::COMPARATOR_GREATER_THAN:
      return "> ";
    default:
      return "";
  }
}

const char* StatusText(v1::IndicatorStatus s) {
  switch (s) {
    case v1::INDICATOR_STATUS_ACHIEVED:
      return "已达标";
    case v1::INDICATOR_STATUS_ON_TRACK:
      return "进度正常";
    case v1::INDICATOR_STATUS_AT_RISK:
      return "有风险";
    case v1::INDICATOR_STATUS_OFF_TRACK:
      return "偏离目标";
    case v1::INDICATOR_STATUS_INSUFFICIENT_DATA:
      return "数据不足";
    default:
      return "未评估";
  }
}

// "a4-pm25" of "plans/p/indicators/a4-pm25".
std::string IndicatorId(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

// The decimals a value of `unit` is shown with: whole numbers for
// concentrations and counts (GB/T 8170 as the API rounds them), one for percentages.
int UnitDecimals(const std::string& unit, const std::vector<double>& values) {
  if (unit == "%") return 1;
  for (double v : values) {
    if (std::fabs(v - std::round(v)) > 1e-9) return 1;
  }
  return 0;
}

ChartSeries TargetLine(const std::string& name, double target, absl::CivilDay first,
                       absl::CivilDay last) {
  ChartSeries t{name, SeriesStyle::kTargetLine, kTargetRed, {}};
  t.points.push_back({DayLabel(first), 0, target, std::nullopt, std::nullopt});
  t.points.push_back(
      {DayLabel(last), static_cast<double>(last - first), target, std::nullopt, std::nullopt});
  return t;
}

}  // namespace

std::vector<absl::CivilDay> TrajectoryDays(absl::CivilDay period_start, absl::CivilDay period_end,
                                           absl::CivilDay as_of) {
  std::vector<absl::CivilDay> out;
  if (as_of < period_start) return out;
  const absl::CivilDay last = std::min(as_of, period_end);
  for (absl::CivilMonth m(period_start);; ++m) {
    const absl::CivilDay month_end = absl::CivilDay(m + 1) - 1;
    if (month_end >= last) break;
    out.push_back(month_end);
  }
  out.push_back(last);
  return out;
}

Chart IndicatorTrajectoryChart(const std::vector<v1::Evaluation>& evaluations) {
  Chart chart;
  if (evaluations.empty()) return chart;
  const v1::Evaluation& last = evaluations.back();
  const v1::Indicator& ind = last.indicator();
  const absl::CivilDay first_day = Day(ind.period_start());
  const absl::CivilDay last_day = Day(ind.period_end());
  const absl::CivilDay as_of = Day(last.as_of());
  chart.first_day = first_day;
  chart.last_day = last_day;
  chart.title = ind.scope_name().empty() ? ind.display_name()
                                         : absl::StrCat(ind.scope_name(), " ", ind.display_name());
  chart.y_label = ind.display_name();
  chart.y_unit = ind.unit();
  chart.file_stem = absl::StrCat(IndicatorId(ind.name()), "_", DayLabel(as_of));

  ChartSeries value{"累计值", SeriesStyle::kLine, kValueBlue, {}, /*label_every_point=*/true};
  std::vector<double> values;
  for (const v1::Evaluation& e : evaluations) {
    if (!e.has_current_value()) continue;
    const absl::CivilDay day = Day(e.as_of());
    value.points.push_back({DayLabel(day), static_cast<double>(day - first_day), e.current_value(),
                            std::nullopt, std::nullopt});
    values.push_back(e.current_value());
  }
  chart.series.push_back(value);
  if (last.has_target_value()) {
    chart.series.push_back(TargetLine(
        absl::StrCat("目标 ", ComparatorText(ind.comparator()), Short(last.target_value())),
        last.target_value(), first_day, last_day));
    values.push_back(last.target_value());
  }
  if (last.has_projected_value() && last.has_current_value() && as_of < last_day) {
    ChartSeries projection{"预测", SeriesStyle::kProjection, kProjectionBlue, {}};
    // With a band (projected_low/high), it opens from today's value.
    const bool band = last.has_projected_low() && last.has_projected_high();
    const std::optional<double> today =
        band ? std::optional<double>(last.current_value()) : std::nullopt;
    projection.points.push_back({DayLabel(as_of), static_cast<double>(as_of - first_day),
                                 last.current_value(), today, today});
    ChartPoint end{DayLabel(last_day), static_cast<double>(last_day - first_day),
                   last.projected_value(),
                   band ? std::optional<double>(last.projected_low()) : std::nullopt,
                   band ? std::optional<double>(last.projected_high()) : std::nullopt};
    projection.points.push_back(end);
    chart.series.push_back(projection);
    values.push_back(last.projected_value());
  }
  chart.y_decimals = UnitDecimals(ind.unit(), values);
  chart.subtitle = absl::StrCat("截至", ChineseDate(as_of), "　考核期 ", DayLabel(first_day),
                                " 至 ", DayLabel(last_day), "　状态：", StatusText(last.status()));
  // The Chinese texts; the English ones only where an older answer has none.
  const std::string& method =
      last.projection_method_zh().empty() ? last.projection_method() : last.projection_method_zh();
  const std::string& required = last.required_remaining_text_zh().empty()
                                    ? last.required_remaining_text()
                                    : last.required_remaining_text_zh();
  if (!method.empty()) chart.notes.push_back(absl::StrCat("预测方法：", method));
  if (!required.empty()) chart.notes.push_back(absl::StrCat("剩余要求：", required));
  chart.notes.push_back("数据来源：ecoplan 指标服务 EvaluateIndicator（各月末及截至日）");
  return chart;
}

std::vector<ChartPoint> CumulativeGoodDaysRatio(const std::vector<v1::DailyAirQuality>& days,
                                                absl::CivilDay from) {
  std::vector<ChartPoint> out;
  int counted = 0, good = 0;
  for (const v1::DailyAirQuality& d : days) {
    const absl::CivilDay day = Day(d.date());
    if (day < from || !d.published()) continue;
    const bool is_good = d.category() == "优" || d.category() == "良";
    // A missing item can only raise the AQI: a 优良 verdict without it is not certain.
    if (is_good && d.missing_items_size() > 0) continue;
    ++counted;
    if (is_good) ++good;
    out.push_back({DayLabel(day), static_cast<double>(day - from),
                   RoundHalfEven(100.0 * good / counted, 1), std::nullopt, std::nullopt});
  }
  return out;
}

Chart GoodDaysRatioChart(const v1::Evaluation& evaluation,
                         const std::vector<v1::DailyAirQuality>& days) {
  const v1::Indicator& ind = evaluation.indicator();
  Chart chart;
  chart.first_day = Day(ind.period_start());
  chart.last_day = Day(ind.period_end());
  const absl::CivilDay as_of = Day(evaluation.as_of());
  chart.title =
      absl::StrCat(ind.display_name().empty() ? "优良天数比率" : ind.display_name(), "（累计）");
  chart.y_label = "优良天数比率";
  chart.y_unit = "%";
  chart.y_decimals = 1;
  chart.y_min = 0;
  chart.y_max = 100;
  chart.file_stem = absl::StrCat("good-days_", DayLabel(as_of));
  ChartSeries ratio{"累计优良天数比率", SeriesStyle::kLine, kValueBlue,
                    CumulativeGoodDaysRatio(days, chart.first_day)};
  ratio.points.erase(std::remove_if(ratio.points.begin(), ratio.points.end(),
                                    [&](const ChartPoint& p) {
                                      return chart.first_day + static_cast<int>(p.x) > as_of;
                                    }),
                     ratio.points.end());
  chart.series.push_back(std::move(ratio));
  if (evaluation.has_target_value()) {
    chart.series.push_back(TargetLine(absl::StrCat("目标 ", ComparatorText(ind.comparator()),
                                                   Short(evaluation.target_value()), "%"),
                                      evaluation.target_value(), chart.first_day, chart.last_day));
  }
  chart.subtitle = absl::StrCat("截至", ChineseDate(as_of), "　计入 ", evaluation.observed_days(),
                                " 天　状态：", StatusText(evaluation.status()));
  const std::string& required = evaluation.required_remaining_text_zh().empty()
                                    ? evaluation.required_remaining_text()
                                    : evaluation.required_remaining_text_zh();
  if (!required.empty()) chart.notes.push_back(absl::StrCat("剩余要求：", required));
  chart.notes.push_back(
      "按日空气质量指数类别逐日累计（GetDailyAirQuality）；AQI "
      "未发布或缺项可能改变判定的日子不计入，"
      "与指标评估口径一致");
  return chart;
}

Chart TownRankingChart(const v1::EvaluatePlanResponse& plan, absl::CivilDay as_of) {
  Chart chart;
  chart.day_axis = false;
  chart.title = "各镇街 PM2.5 累计浓度与目标";
  chart.subtitle = absl::StrCat("截至", ChineseDate(as_of), "　按排名（1 = 最好）");
  chart.y_label = "PM2.5 浓度";
  chart.y_unit = "微克/立方米";
  chart.file_stem = absl::StrCat("towns_", DayLabel(as_of));
  ChartSeries bars{"PM2.5 累计均值", SeriesStyle::kBars, kBarBlue, {}};
  ChartSeries targets{"目标（附件5）", SeriesStyle::kTargetMarkers, kTargetRed, {}};
  std::vector<std::string> without_data;
  std::vector<double> values;
  for (const v1::TownRank& t : plan.town_ranking()) {
    if (!t.has_pm25()) {
      without_data.push_back(t.town());
      continue;
    }
    const double x = static_cast<double>(chart.categories.size());
    chart.categories.push_back(t.town());
    bars.points.push_back({t.town(), x, t.pm25(), std::nullopt, std::nullopt});
    values.push_back(t.pm25());
    if (t.has_target()) {
      targets.points.push_back({t.town(), x, t.target(), std::nullopt, std::nullopt});
      values.push_back(t.target());
    }
  }
  chart.y_decimals = UnitDecimals("", values);
  chart.series.push_back(std::move(bars));
  chart.series.push_back(std::move(targets));
  if (!without_data.empty()) {
    chart.notes.push_back(absl::StrCat("暂无数据：", absl::StrJoin(without_data, "、")));
  }
  chart.notes.push_back("数据来源：ecoplan 指标服务 EvaluatePlan 镇街排名");
  return chart;
}

Chart ReportingTimelinessChart(const pv1::GetSubmissionStatusResponse& status,
                               absl::CivilDay as_of) {
  Chart chart;
  chart.day_axis = false;
  chart.title = absl::StrCat(status.period(), " 各单位报送情况");
  chart.subtitle = absl::StrCat("截至", ChineseDate(as_of), "　按时 ", status.on_time_count(),
                                "　逾期 ", status.late_count(), "　仅草稿 ",
                                status.draft_only_count(), "　未报 ", status.missing_count());
  chart.y_label = "负责措施";
  chart.y_unit = "项";
  chart.file_stem = absl::StrCat("timeliness_", status.period());
  ChartSeries on_time{"按时报送的措施", SeriesStyle::kStackedBars, kOnTimeGreen, {}};
  ChartSeries late{"逾期报送的措施", SeriesStyle::kStackedBars, kLateOrange, {}};
  ChartSeries missing{"未报送的措施", SeriesStyle::kStackedBars, kMissingRed, {}};
  std::vector<std::string> not_owed;
  for (const pv1::OrganizationSubmission& o : status.organizations()) {
    const std::string& name =
        o.organization_display_name().empty() ? o.organization() : o.organization_display_name();
    if (o.state() == pv1::SUBMISSION_STATE_NOT_OWED) {
      not_owed.push_back(name);
      continue;
    }
    const double x = static_cast<double>(chart.categories.size());
    chart.categories.push_back(name);
    const bool reported =
        o.state() == pv1::SUBMISSION_STATE_ON_TIME || o.state() == pv1::SUBMISSION_STATE_LATE;
    const int without = reported ? o.measures_without_entry_size() : o.owned_measure_count();
    const int with = o.owned_measure_count() - without;
    on_time.points.push_back({name, x, o.state() == pv1::SUBMISSION_STATE_ON_TIME ? 1.0 * with : 0,
                              std::nullopt, std::nullopt});
    late.points.push_back({name, x, o.state() == pv1::SUBMISSION_STATE_LATE ? 1.0 * with : 0,
                           std::nullopt, std::nullopt});
    missing.points.push_back({name, x, 1.0 * without, std::nullopt, std::nullopt});
  }
  chart.series = {on_time, late, missing};
  if (!status.owed()) chart.notes.push_back("该期在方案印发前到期，不需报送");
  if (!not_owed.empty() && status.owed()) {
    chart.notes.push_back(absl::StrCat("不需报送：", absl::StrJoin(not_owed, "、")));
  }
  chart.notes.push_back(
      "数据来源：ecoplan 进度服务 GetSubmissionStatus；未报送的措施含已报单位报告中缺项的措施");
  return chart;
}

void SeriesToProto(const Chart& chart, google::protobuf::RepeatedPtrField<v1::ChartSeries>* out) {
  for (const ChartSeries& s : chart.series) {
    v1::ChartSeries* series = out->Add();
    series->set_name(s.name);
    for (const ChartPoint& p : s.points) {
      v1::ChartPoint* point = series->add_points();
      point->set_label(p.label);
      point->set_value(p.value);
      if (p.low) point->set_low(*p.low);
      if (p.high) point->set_high(*p.high);
    }
  }
}

}  // namespace ecoplan::indicator::documents
