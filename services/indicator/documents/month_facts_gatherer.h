#pragma once

// Gathering the facts of a plan's month (MonthFacts) for the documents: the
// registry's answers (GetPlan, ListMeasures, ListOrganizations), the progress
// service's (ListReports, GetSubmissionStatus, ListExtensions,
// ListCompletions, ListSupervisionOrders, ListProblemItems), each list
// followed through its page tokens to the end, and the indicator server's own
// evaluation and assessment (IndicatorAnswers: the same use-case code as its
// EvaluatePlan, GetMonthlyAssessment, ListClosedMonths and GetDailyAirQuality
// handlers, nothing recomputed here).
//
// The as-of day follows document_service.proto: a closed month (one that
// ListClosedMonths lists) is as of its published assessment's day, and its
// lights and scorecards are the assessment's; an open month is as of the
// requested day, else its last day, or today (Asia/Shanghai) when earlier.
// A requested day outside the month or after today, or a month not begun,
// is INVALID_ARGUMENT naming `as_of` or `month`.
//
// Errors as the proto says: NOT_FOUND (no such plan), INVALID_ARGUMENT,
// UNAVAILABLE naming the upstream ("the registry could not be reached:
// ListMeasures: …", "the progress service is not configured"); an upstream
// that answers with another error (a bug, not the caller's) is INTERNAL,
// naming it too.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ecoplan/indicator/v1/assessment_service.pb.h"
#include "ecoplan/indicator/v1/indicator_service.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/indicator/documents/month_facts.h"

namespace ecoplan::indicator::documents {

// The indicator server's own answers, as its handlers give them to a service
// caller (nothing narrowed to an organization). Implemented over the
// evaluator and the assessments by services/indicator/document_local_facts.h;
// tests pass fakes.
class IndicatorAnswers {
 public:
  virtual ~IndicatorAnswers() = default;
  // Today in Asia/Shanghai.
  virtual absl::CivilDay Today() const = 0;
  // ListClosedMonths: the names "plans/{plan}/months/YYYY-MM" of the closed months.
  virtual absl::StatusOr<std::vector<std::string>> ClosedMonths(
      const std::string& plan_id) const = 0;
  // GetMonthlyAssessment of the month.
  virtual absl::StatusOr<ecoplan::indicator::v1::MonthlyAssessment> MonthlyAssessment(
      const std::string& plan_id, absl::CivilMonth month) const = 0;
  // EvaluatePlan as of the day. Errors: NotFound (no such plan).
  virtual absl::StatusOr<ecoplan::indicator::v1::EvaluatePlanResponse> EvaluatePlan(
      const std::string& plan_id, absl::CivilDay as_of) const = 0;
  // GetDailyAirQuality of the district (the standard in force on each day); none while no station
  // represents the district.
  virtual absl::StatusOr<std::vector<ecoplan::indicator::v1::DailyAirQuality>> DistrictDays(
      absl::CivilDay from, absl::CivilDay to) const = 0;
  // EvaluateIndicator of plans/{plan}/indicators/{id} as of each of chart_builders.h's
  // TrajectoryDays up to `as_of` (RenderChart's trajectory). Errors: NotFound.
  virtual absl::StatusOr<std::vector<ecoplan::indicator::v1::Evaluation>> Trajectory(
      const std::string& plan_id, const std::string& indicator_id, absl::CivilDay as_of) const = 0;
};

// What to gather.
struct GatherRequest {
  std::string plan_name;  // "plans/{plan}"
  absl::CivilMonth month;
  std::optional<absl::CivilDay> as_of;  // unset: as the proto says
  // One organization ("o-…" or "organizations/o-…"): only its reports,
  // supervision orders and problem items are asked for; empty = all.
  std::string organization;
};

// Progress: the stage just begun (in Chinese, e.g. "读取措施"), the steps
// done before it, of kGatherSteps.
using GatherProgress = std::function<void(const std::string& stage, int done_steps)>;

class MonthFactsGatherer {
 public:
  // The steps Gather reports (it calls `progress` once at the start of each).
  static constexpr int kGatherSteps = 8;

  // `registry` and `answers` must not be null; `progress` may be (then every
  // progress-service call is UNAVAILABLE "the progress service is not
  // configured"). Each upstream call has `call_timeout` as its deadline. The
  // stubs are called with the server's own (service) credentials, as main.cc
  // made them. All must outlive the gatherer.
  MonthFactsGatherer(ecoplan::registry::v1::RegistryService::StubInterface* registry,
                     ecoplan::progress::v1::ProgressService::StubInterface* progress,
                     const IndicatorAnswers* answers,
                     absl::Duration call_timeout = absl::Seconds(30));

  // The as-of day of `request` and whether its month is closed (the first
  // thing Gather does; answers only the indicator server's own state).
  absl::StatusOr<std::pair<absl::CivilDay, bool>> DecideAsOf(const GatherRequest& request) const;

  absl::StatusOr<MonthFacts> Gather(const GatherRequest& request,
                                    const GatherProgress& progress) const;

 private:
  ecoplan::registry::v1::RegistryService::StubInterface* const registry_;
  ecoplan::progress::v1::ProgressService::StubInterface* const progress_;
  const IndicatorAnswers* const answers_;
  const absl::Duration call_timeout_;
};

}  // namespace ecoplan::indicator::documents
