#pragma once

// The facts of one plan and month that the documents (the 月报 PDF, the 台账
// workbook, the charts embedded in them) are drawn from, each as the API
// returns it: the documents reformat these answers and compute nothing of
// their own, so every figure in them is the one a caller of the API sees for
// the same plan and day.
//
// Gathered by the indicator server (its own evaluation and assessment, the
// registry's and the progress service's answers); the renderers take it as a
// value and are pure, so tests build one by hand.

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "ecoplan/indicator/v1/assessment_service.pb.h"
#include "ecoplan/indicator/v1/indicator_service.pb.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "ecoplan/registry/v1/registry_service.pb.h"

namespace ecoplan::indicator::documents {

struct MonthFacts {
  // "plans/{plan}", and the plan itself (title, issue date, annexes).
  std::string plan_name;
  ecoplan::registry::v1::Plan plan;
  // The month ("2026-05"), the day the figures are as of, and whether the
  // month was closed (then `assessment` is its published assessment).
  std::string month;
  absl::CivilDay as_of;
  bool month_closed = false;
  // Every measure of the plan (ListMeasures) and every organization named in
  // it (ListOrganizations), for owners' names.
  std::vector<ecoplan::registry::v1::Measure> measures;
  std::vector<ecoplan::registry::v1::Organization> organizations;
  // EvaluatePlan as of `as_of`: indicators, town ranking, measure lights,
  // scorecards.
  ecoplan::indicator::v1::EvaluatePlanResponse evaluation;
  // GetMonthlyAssessment of the month, if closed.
  std::optional<ecoplan::indicator::v1::MonthlyAssessment> assessment;
  // The district's daily air quality from the period's start to `as_of`
  // (GetDailyAirQuality), for the 优良天数比率 and 重污染天数.
  std::vector<ecoplan::indicator::v1::DailyAirQuality> district_days;
  // GetSubmissionStatus of the month: on time, late, missing per organization.
  ecoplan::progress::v1::GetSubmissionStatusResponse submissions;
  // The month's reports (ListReports).
  std::vector<ecoplan::progress::v1::Report> reports;
  // Extensions and completions (ListExtensions, ListCompletions): all of the
  // plan; the documents pick those decided in the month.
  std::vector<ecoplan::progress::v1::Extension> extensions;
  std::vector<ecoplan::progress::v1::Completion> completions;
  // Supervision orders and problem items of the plan (ListSupervisionOrders,
  // ListProblemItems), open and closed.
  std::vector<ecoplan::progress::v1::SupervisionOrder> supervision_orders;
  std::vector<ecoplan::progress::v1::ProblemItem> problem_items;
  // The district's PM2.5 indicator evaluated (EvaluateIndicator) as of each
  // month end of its period before `as_of`, then as of `as_of`: its
  // trajectory, drawn in the 月报 as RenderChart draws it. Empty without such
  // an indicator.
  std::vector<ecoplan::indicator::v1::Evaluation> pm25_trajectory;
};

}  // namespace ecoplan::indicator::documents
