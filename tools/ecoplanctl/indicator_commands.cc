// The indicator service's command group; its commands are in
// indicator_{evaluation,station,observation}_commands.cc, with what they share
// in indicator_common.{h,cc}.

#include "tools/ecoplanctl/indicator_commands.h"

#include "tools/ecoplanctl/indicator_common.h"

namespace ecoplan::ctl {

std::vector<CommandGroup> IndicatorCommandGroups() {
  CommandGroup g;
  g.name = "indicator";
  g.summary = "indicators, stations, air-quality data and evaluations (indicator service)";
  indicator_internal::AddEvaluationCommands(g);
  indicator_internal::AddStationCommands(g);
  indicator_internal::AddObservationCommands(g);
  indicator_internal::AddChartCommands(g);
  indicator_internal::AddExceptionalEventCommands(g);
  g.notes =
      "Stations must be configured before their readings are loaded. The PRSA files give CO in\n"
      "µg/m³ (sent as such; the service converts). Loading the same file again changes nothing:\n"
      "every reading is counted as unchanged. The load stream's deadline is --timeout per file.\n"
      "Readings load as provisional (实时); --audited loads the bureau's audited (审核) files,\n"
      "which replace the provisional values of their hours (and are never replaced by them).\n";
  return {g};
}

}  // namespace ecoplan::ctl
