// The assessment commands' groups (AssessmentService of the indicator server);
// each concept has its file: assessment_month_commands.cc (a month's
// assessment and its closing), assessment_contest_commands.cc (contests of
// closed months' items) and assessment_scoring_commands.cc (the plan's scoring
// rules), with what they share in assessment_common.{h,cc}.

#include "tools/ecoplanctl/assessment_commands.h"

#include "tools/ecoplanctl/assessment_common.h"

namespace ecoplan::ctl {

std::vector<CommandGroup> AssessmentCommandGroups() {
  namespace internal = assessment_internal;
  return {internal::MonthGroup(), internal::ContestGroup(), internal::ScoringGroup()};
}

}  // namespace ecoplan::ctl
