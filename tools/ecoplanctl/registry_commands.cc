// The registry's command groups; each concept has its file:
// registry_{plan,measure,org,events}_commands.cc, with what they share in
// registry_common.{h,cc} and registry_format.{h,cc}.

#include "tools/ecoplanctl/registry_commands.h"

#include "tools/ecoplanctl/registry_common.h"

namespace ecoplan::ctl {

std::vector<CommandGroup> RegistryCommandGroups() {
  namespace internal = registry_internal;
  return {internal::PlanGroup(),     internal::TasksGroup(),   internal::TaskGroup(),
          internal::MeasuresGroup(), internal::MeasureGroup(), internal::SupervisionGroup(),
          internal::OrgGroup(),      internal::EventsGroup()};
}

}  // namespace ecoplan::ctl
