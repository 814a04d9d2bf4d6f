// ecoplanctl: the command-line client of the ecoplan services for operators
// and departments. Wiring only: the command line is cli.h, and each service's
// commands are gathered by <service>_commands.h (one file per concept behind it).

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "tools/ecoplanctl/admin_commands.h"
#include "tools/ecoplanctl/assessment_commands.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/document_commands.h"
#include "tools/ecoplanctl/indicator_commands.h"
#include "tools/ecoplanctl/notification_commands.h"
#include "tools/ecoplanctl/progress_commands.h"
#include "tools/ecoplanctl/registry_commands.h"
#include "tools/ecoplanctl/token_commands.h"

int main(int argc, char** argv) {
  const char* env_address = std::getenv("ECOPLAN_REGISTRY_ADDRESS");
  const std::string default_registry =
      env_address != nullptr && *env_address != '\0' ? env_address : "127.0.0.1:50051";

  ecoplan::ctl::Cli cli("ecoplanctl", default_registry);
  for (auto& group : ecoplan::ctl::RegistryCommandGroups()) cli.AddGroup(std::move(group));
  for (auto& group : ecoplan::ctl::AdminCommandGroups()) cli.AddGroup(std::move(group));
  for (auto& group : ecoplan::ctl::TokenCommandGroups()) cli.AddGroup(std::move(group));
  for (auto& group : ecoplan::ctl::ProgressCommandGroups()) cli.AddGroup(std::move(group));
  for (auto& group : ecoplan::ctl::IndicatorCommandGroups()) cli.AddGroup(std::move(group));
  for (auto& group : ecoplan::ctl::AssessmentCommandGroups()) cli.AddGroup(std::move(group));
  for (auto& group : ecoplan::ctl::NotificationCommandGroups()) cli.AddGroup(std::move(group));
  for (auto& group : ecoplan::ctl::DocumentCommandGroups()) cli.AddGroup(std::move(group));

  const std::vector<std::string> args(argv + 1, argv + argc);
  return cli.Run(args, std::cout, std::cerr);
}
