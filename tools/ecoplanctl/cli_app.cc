// Cli::App: the CLI11 app of the command groups — its help texts (usage
// lines, flag lists, footers) and its flags — built for each run.

#include "tools/ecoplanctl/cli_app.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

std::string FlagSynopsis(const FlagSpec& flag) {
  return flag.takes_value() ? absl::StrCat("--", flag.name, " ", flag.value_name)
                            : absl::StrCat("--", flag.name);
}

// Lines "  --name VALUE  help", aligned, each flag once.
std::string FlagHelp(const std::vector<FlagSpec>& flags) {
  std::vector<std::string> seen;
  int width = 0;
  for (const auto& flag : flags) width = std::max(width, DisplayWidth(FlagSynopsis(flag)));
  std::string text;
  for (const auto& flag : flags) {
    if (std::find(seen.begin(), seen.end(), flag.name) != seen.end()) continue;
    seen.push_back(flag.name);
    absl::StrAppend(&text, "  ", PadToWidth(FlagSynopsis(flag), width), "  ", flag.help, "\n");
  }
  return text;
}

// CLI11's help, with a usage line that names the whole command and its
// arguments ("Usage: ecoplanctl org owns NAME [--plan PLAN]") instead of
// "Usage: owns [OPTIONS]".
class HelpFormatter : public CLI::Formatter {
 public:
  void SetUsage(const CLI::App* app, std::string usage) { usages_[app] = std::move(usage); }

  std::string make_usage(const CLI::App* app, std::string name) const override {
    auto it = usages_.find(app);
    if (it == usages_.end()) return CLI::Formatter::make_usage(app, std::move(name));
    return absl::StrCat(get_label("Usage"), ": ", it->second, "\n");
  }

 private:
  std::map<const CLI::App*, std::string> usages_;
};

// Adds a flag to a CLI11 app: a switch may repeat; a flag with a value takes
// exactly one per occurrence and may repeat too (every value is kept).
void AddFlag(CLI::App& app, const FlagSpec& flag, const std::string& group) {
  const std::string name = absl::StrCat("--", flag.name);
  if (app.get_option_no_throw(name) != nullptr) return;  // listed twice by one command
  const std::string names =
      flag.short_name.empty() ? name : absl::StrCat("-", flag.short_name, ",", name);
  if (flag.takes_value()) {
    app.add_option(names, flag.help)
        ->type_name(flag.value_name)
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(group);
  } else {
    app.add_flag(names, flag.help)->group(group);
  }
}

std::string CommandLine(absl::string_view program, absl::string_view group,
                        const Command& command) {
  return absl::StrCat(program, " ", group, " ", command.verb, command.synopsis.empty() ? "" : " ",
                      command.synopsis);
}

// The flags a CLI11 app declares (without --help), as FlagSpecs: what the
// help of a group and the completion script are generated from.
std::vector<FlagSpec> FlagsOf(const CLI::App& app) {
  std::vector<FlagSpec> flags;
  for (const CLI::Option* option : app.get_options()) {
    if (option == app.get_help_ptr() || option->get_lnames().empty()) continue;
    flags.push_back({option->get_single_name(),
                     option->get_expected_max() == 0 ? "" : option->get_type_name(),
                     option->get_description()});
  }
  return flags;
}

}  // namespace

Cli::App::App(const Cli& cli, const std::vector<const CommandGroup*>& groups) {
  const std::string& program = cli.program_;
  auto formatter = std::make_shared<HelpFormatter>();
  root_ = std::make_unique<CLI::App>(
      absl::StrCat(program, ": command-line client of the ecoplan services."), program);
  root_->formatter(formatter);
  root_->set_help_flag("-h,--help", "print help: of the program, a group or a command");
  root_->get_help_ptr()->group(kGlobalFlagsGroup);
  formatter->SetUsage(root_.get(),
                      absl::StrCat(program,
                                   " [global flags] <group> <command> [arguments] [flags]\n"
                                   "Flags may come before or after the command words; "
                                   "--name value and --name=value both work."));
  for (const FlagSpec& flag : cli.global_flags_) AddFlag(*root_, flag, kGlobalFlagsGroup);
  const std::string global_help = FlagHelp(cli.global_flags_);

  std::string commands = "Commands:\n";
  for (const CommandGroup* group : groups) {
    CLI::App* group_app = root_->add_subcommand(group->name, group->summary);
    groups_[group_app] = group;
    group_app->get_help_ptr()->group(kFlagsGroup);
    formatter->SetUsage(group_app,
                        absl::StrCat(program, " ", group->name, " <command> [arguments] [flags]"));
    std::vector<FlagSpec> group_flags;
    for (const Command& command : group->commands) {
      CLI::App* command_app = group_app->add_subcommand(command.verb, command.summary);
      commands_[command_app] = &command;
      command_app->get_help_ptr()->group(kFlagsGroup);
      formatter->SetUsage(command_app, CommandLine(program, group->name, command));
      for (const FlagSpec& flag : command.flags) AddFlag(*command_app, flag, kFlagsGroup);
      std::vector<FlagSpec> flags = FlagsOf(*command_app);
      group_flags.insert(group_flags.end(), flags.begin(), flags.end());
      command_app->footer(absl::StrCat(group->notes, group->notes.empty() ? "" : "\n",
                                       kGlobalFlagsGroup, ":\n", global_help));
      absl::StrAppend(&commands, "  ", CommandLine(program, group->name, command), "\n      ",
                      command.summary, "\n");
    }
    std::string footer;
    if (!group_flags.empty()) {
      absl::StrAppend(&footer, "Flags of its commands:\n", FlagHelp(group_flags), "\n");
    }
    if (!group->notes.empty()) absl::StrAppend(&footer, group->notes, "\n");
    absl::StrAppend(&footer, "Run '", program, " ", group->name,
                    " <command> --help' for one command.\n\n", kGlobalFlagsGroup, ":\n",
                    global_help);
    group_app->footer(footer);
  }
  root_->footer(
      absl::StrCat(commands, "\nRun '", program, " <group> --help' or '", program,
                   " <group> <command> --help' for the flags of a group's commands.\n",
                   "Exit codes: 0 success; 1 the call failed (error: <CODE>: <message> on stderr); "
                   "2 usage error.\n"));
}

std::unique_ptr<Cli::App> Cli::BuildApp() const {
  std::vector<const CommandGroup*> groups;
  for (const auto& group : groups_) groups.push_back(&group);
  groups.push_back(&completion_group_);
  return std::make_unique<App>(*this, groups);
}

}  // namespace ecoplan::ctl
