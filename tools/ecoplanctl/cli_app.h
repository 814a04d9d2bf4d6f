#pragma once

// Internal to the command line (cli*.cc): Cli::App, the CLI::App built from
// the command groups, with the way back from the parsed subcommands to the
// groups and commands; and the help groups its flags are listed under.

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <vector>

#include "tools/ecoplanctl/cli.h"

namespace ecoplan::ctl {

inline constexpr char kGlobalFlagsGroup[] = "Global flags (before or after the command words)";
inline constexpr char kFlagsGroup[] = "Flags";

class Cli::App {
 public:
  App(const Cli& cli, const std::vector<const CommandGroup*>& groups);

  CLI::App& root() { return *root_; }
  const CLI::App& root() const { return *root_; }
  const CommandGroup* group(const CLI::App* app) const { return Find(groups_, app); }
  const Command* command(const CLI::App* app) const { return Find(commands_, app); }

  // The group and command the last parse reached, or null.
  CLI::App* parsed_group() {
    return root_->get_subcommands().empty() ? nullptr : root_->get_subcommands().front();
  }
  CLI::App* parsed_command() {
    CLI::App* group = parsed_group();
    return group == nullptr || group->get_subcommands().empty() ? nullptr
                                                                : group->get_subcommands().front();
  }

 private:
  template <typename T>
  static const T* Find(const std::map<const CLI::App*, const T*>& map, const CLI::App* app) {
    auto it = map.find(app);
    return it == map.end() ? nullptr : it->second;
  }

  std::unique_ptr<CLI::App> root_;
  std::map<const CLI::App*, const CommandGroup*> groups_;
  std::map<const CLI::App*, const Command*> commands_;
};

}  // namespace ecoplan::ctl
