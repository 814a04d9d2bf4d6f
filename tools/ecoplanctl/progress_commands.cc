// The progress service's command groups; each concept has its file:
// progress_{report,extension,completion,calendar}_commands.cc, with what they
// share in progress_common.{h,cc}.

#include "tools/ecoplanctl/progress_commands.h"

#include "tools/ecoplanctl/progress_common.h"

namespace ecoplan::ctl {

std::vector<CommandGroup> ProgressCommandGroups() {
  namespace internal = progress_internal;
  return {internal::ReportGroup(),   internal::ExtensionGroup(), internal::CompletionGroup(),
          internal::CalendarGroup(), internal::HolidaysGroup(),  internal::SupervisionGroup(),
          internal::ProblemsGroup()};
}

}  // namespace ecoplan::ctl
