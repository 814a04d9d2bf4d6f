#pragma once

// Domain ↔ ecoplan.indicator.v1 for the AssessmentService: scoring rules,
// months, adjustments, contests. The same messages are what the store keeps
// (services/indicator/storage/rocksdb_assessment_store.h), so a closed month
// reads back exactly as it was answered.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ecoplan/indicator/v1/assessment_service.pb.h"
#include "services/indicator/domain/monthly_assessments.h"

namespace ecoplan::indicator {

ecoplan::indicator::v1::ScoringRules ToProto(const ScoringRules& rules);
ScoringRules FromProto(const ecoplan::indicator::v1::ScoringRules& proto);
ecoplan::indicator::v1::PlanScoringRules ToProto(const PlanScoringRules& rules);
absl::StatusOr<PlanScoringRules> FromProto(const ecoplan::indicator::v1::PlanScoringRules& proto);

ecoplan::indicator::v1::Contest ToProto(const Contest& contest);
absl::StatusOr<Contest> FromProto(const ecoplan::indicator::v1::Contest& proto);

ecoplan::indicator::v1::MonthlyAssessment ToProto(const MonthAssessment& month);
absl::StatusOr<MonthAssessment> FromProto(const ecoplan::indicator::v1::MonthlyAssessment& proto);

// "plans/{plan}/months/{YYYY-MM}" → plan id and month. Errors: InvalidArgument naming `field`.
absl::StatusOr<std::pair<std::string, absl::CivilMonth>> ParseMonthName(absl::string_view name,
                                                                        absl::string_view field);
// "plans/{plan}/contests/{n}" → plan id and number.
absl::StatusOr<std::pair<std::string, int>> ParseContestName(absl::string_view name,
                                                             absl::string_view field);
// "YYYY-MM". Errors: InvalidArgument naming `field`.
absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text, absl::string_view field);

}  // namespace ecoplan::indicator
