#pragma once

// The seven sections of the 月报 (monthly_report_pdf.h), each drawn from
// MonthFacts onto a MonthlyReportPager. Internal to the renderer.

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "services/indicator/documents/month_facts.h"
#include "services/indicator/documents/monthly_report_layout.h"
#include "services/indicator/documents/monthly_report_pdf.h"
#include "services/indicator/documents/monthly_report_text.h"

namespace ecoplan::indicator::documents {

// What every section needs besides the pager.
struct MonthlyReportContext {
  MonthlyReportContext(const MonthFacts& f, const MonthlyReportOptions& o, absl::CivilMonth m,
                       bool charts);

  const MonthFacts& facts;
  const MonthlyReportOptions& options;
  absl::CivilMonth month;
  // Whether chart boxes are drawn (false in the counting pass: the boxes
  // keep their place, nothing is drawn in them).
  bool draw_charts;
  absl::TimeZone zone;
  OrganizationNames organizations;
  int year;  // the plan year (dates in it are written without the year)
  // The lights and scorecards the report uses: the closed month's
  // assessment when there is one, else the evaluation's.
  const google::protobuf::RepeatedPtrField<ecoplan::indicator::v1::MeasureLight>& lights;
  const google::protobuf::RepeatedPtrField<ecoplan::indicator::v1::Scorecard>& scorecards;

  // "a1-t3-m1 推动机动车结构优化升级：推动货车新能源化。加快推动…" for a measure
  // resource name, its text cut to `max_chars`.
  std::string MeasureLabel(const std::string& measure, size_t max_chars) const;
  // A chart box at this point of the flow (when the options have a drawer).
  void Chart(MonthlyReportPager& pager, MonthlyReportChart chart,
             const std::string& indicator = "") const;
};

void WriteOverview(const MonthlyReportContext& ctx, MonthlyReportPager& pager);     // 一
void WriteIndicators(const MonthlyReportContext& ctx, MonthlyReportPager& pager);   // 二
void WriteAirQuality(const MonthlyReportContext& ctx, MonthlyReportPager& pager);   // 三
void WriteSubmissions(const MonthlyReportContext& ctx, MonthlyReportPager& pager);  // 四
void WriteDecisions(const MonthlyReportContext& ctx, MonthlyReportPager& pager);    // 五
void WriteOverdue(const MonthlyReportContext& ctx, MonthlyReportPager& pager);      // 六
void WriteSupervision(const MonthlyReportContext& ctx, MonthlyReportPager& pager);  // 七

}  // namespace ecoplan::indicator::documents
