#include "tools/ecoplanctl/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

constexpr absl::string_view kUsageErrorPayload = "ecoplanctl/usage-error";
constexpr char kGlobalFlagsGroup[] = "Global flags (before or after the command words)";
constexpr char kFlagsGroup[] = "Flags";
constexpr char kShellCompletionGroup[] = "shell-completion";

std::vector<FlagSpec> GlobalFlagSpecs() {
  return {
      {"registry", "ADDR",
       "registry server address (default: $ECOPLAN_REGISTRY_ADDRESS, else 127.0.0.1:50051)"},
      {"progress", "ADDR",
       "progress server address (default: $ECOPLAN_PROGRESS_ADDRESS, else 127.0.0.1:50052)"},
      {"indicator", "ADDR",
       "indicator server address (default: $ECOPLAN_INDICATOR_ADDRESS, else 127.0.0.1:50053)"},
      {"timeout", "DURATION", "deadline of each call, e.g. 30s, 2m (default 30s)"},
      {"output", "FORMAT",
       "table (default) or json: the response messages in the protobuf "
       "JSON mapping"},
      {"wide", "", "print long texts in tables in full"},
      {"token", "TOKEN",
       "bearer token to send (default: --token-file, $ECOPLAN_TOKEN, or the file named by "
       "$ECOPLAN_TOKEN_FILE); visible to other local users, so prefer a file"},
      {"token-file", "FILE", "file holding the bearer token"},
      {"tls-ca-file", "FILE", "PEM CA of the servers: connect with TLS"},
      {"tls-cert-file", "FILE", "PEM client certificate, for mutual TLS (with --tls-key-file)"},
      {"tls-key-file", "FILE", "PEM private key of the client certificate"},
  };
}

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
  if (flag.takes_value()) {
    app.add_option(name, flag.help)
        ->type_name(flag.value_name)
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(group);
  } else {
    app.add_flag(name, flag.help)->group(group);
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

absl::Status UsageError(absl::string_view message) {
  absl::Status status(absl::StatusCode::kInvalidArgument, message);
  status.SetPayload(kUsageErrorPayload, absl::Cord("1"));
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsageErrorPayload).has_value();
}

bool ParsedArgs::Has(absl::string_view flag) const {
  for (const auto& [name, value] : flags_) {
    if (name == flag) return true;
  }
  return false;
}

std::string ParsedArgs::Value(absl::string_view flag, absl::string_view fallback) const {
  std::optional<std::string> value = Optional(flag);
  return value.has_value() ? *value : std::string(fallback);
}

std::optional<std::string> ParsedArgs::Optional(absl::string_view flag) const {
  std::optional<std::string> result;
  for (const auto& [name, value] : flags_) {
    if (name == flag) result = value;
  }
  return result;
}

std::vector<std::string> ParsedArgs::Values(absl::string_view flag) const {
  std::vector<std::string> result;
  for (const auto& [name, value] : flags_) {
    if (name == flag) result.push_back(value);
  }
  return result;
}

absl::StatusOr<int> ParsedArgs::Int(absl::string_view flag, int fallback) const {
  std::optional<std::string> value = Optional(flag);
  if (!value.has_value()) return fallback;
  int result = 0;
  if (!absl::SimpleAtoi(*value, &result)) {
    return UsageError(absl::StrCat("--", flag, " needs an integer, not \"", *value, "\""));
  }
  return result;
}

// The CLI::App built from the command groups, with the way back from the
// parsed subcommands to the groups and commands.
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

Cli::Cli(std::string program, std::string default_registry_address)
    : program_(std::move(program)),
      default_registry_address_(std::move(default_registry_address)),
      global_flags_(GlobalFlagSpecs()) {
  for (const auto& flag : global_flags_) all_flags_.emplace(flag.name, flag);
  completion_group_.name = kShellCompletionGroup;
  completion_group_.summary = "shell completion generated from this command line";
  completion_group_.commands.push_back(
      {"bash",
       "",
       "print a bash completion script of every group, command and flag",
       0,
       0,
       {},
       [this](const CommandEnv& env, const ParsedArgs&) {
         *env.out << BashCompletion();
         return absl::OkStatus();
       }});
  completion_group_.notes = absl::StrCat(
      "Install: ", program_, " shell-completion bash > /etc/bash_completion.d/", program_,
      "\n(or in ~/.bashrc: source <(", program_, " shell-completion bash)).\n");
}

void Cli::AddGroup(CommandGroup group) {
  if (FindGroup(group.name) != nullptr || group.name == kShellCompletionGroup) {
    std::cerr << "ecoplanctl: command group " << group.name << " added twice\n";
    std::abort();
  }
  for (const auto& command : group.commands) {
    for (const auto& flag : command.flags) {
      auto [it, inserted] = all_flags_.emplace(flag.name, flag);
      if (!inserted && it->second.takes_value() != flag.takes_value()) {
        // A broken invariant of the program, not of the input: the flags are
        // placed before CLI11 parses them, which needs to know their values.
        std::cerr << "ecoplanctl: flag --" << flag.name
                  << " is a switch in one command and takes a value in another\n";
        std::abort();
      }
      if (IsGlobalFlag(flag.name)) {
        std::cerr << "ecoplanctl: flag --" << flag.name << " is a global flag\n";
        std::abort();
      }
    }
  }
  groups_.push_back(std::move(group));
}

const CommandGroup* Cli::FindGroup(absl::string_view name) const {
  for (const auto& group : groups_) {
    if (group.name == name) return &group;
  }
  return nullptr;
}

const FlagSpec* Cli::FindFlag(absl::string_view name) const {
  auto it = all_flags_.find(name);
  return it == all_flags_.end() ? nullptr : &it->second;
}

bool Cli::IsGlobalFlag(absl::string_view name) const {
  for (const auto& flag : global_flags_) {
    if (flag.name == name) return true;
  }
  return false;
}

std::unique_ptr<Cli::App> Cli::BuildApp() const {
  std::vector<const CommandGroup*> groups;
  for (const auto& group : groups_) groups.push_back(&group);
  groups.push_back(&completion_group_);
  return std::make_unique<App>(*this, groups);
}

Cli::PlacedArgs Cli::PlaceFlags(const std::vector<std::string>& args) const {
  PlacedArgs placed;
  bool only_positional = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (only_positional || token == "-" || token.empty() || token[0] != '-') {
      placed.words.push_back(token);
      continue;
    }
    if (token == "--") {
      only_positional = true;
      continue;
    }
    if (token == "-h" || token == "--help") {
      placed.help = true;
      continue;
    }
    std::string name = absl::StartsWith(token, "--") ? token.substr(2) : "";
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* spec = FindFlag(name);
    if (spec == nullptr) {  // CLI11 reports it with what it found
      placed.command_flags.push_back(token);
      continue;
    }
    if (spec->takes_value() && !value.has_value()) {
      if (i + 1 >= args.size()) {
        if (placed.error.empty()) {
          placed.error = absl::StrCat("flag --", name, " needs a value (", spec->value_name, ")");
        }
        continue;
      }
      value = args[++i];
    } else if (!spec->takes_value() && value.has_value()) {
      if (placed.error.empty()) placed.error = absl::StrCat("flag --", name, " takes no value");
      continue;
    }
    std::vector<std::string>& flags =
        IsGlobalFlag(name) ? placed.global_flags : placed.command_flags;
    flags.push_back(absl::StrCat("--", name));
    if (value.has_value()) flags.push_back(*std::move(value));
  }
  return placed;
}

std::string Cli::Usage() const { return BuildApp()->root().help(); }

bool Cli::Parse(const PlacedArgs& placed, App& app, std::optional<std::string>* error) const {
  // CLI11 reads a flag in the subcommand that declares it, after that
  // subcommand's name; ecoplanctl has always taken flags anywhere. So the
  // global flags go first and the command's flags after the two command
  // words; the command's arguments (whatever follows the command words, also
  // after --) are counted by CheckCommandLine, not by CLI11.
  std::vector<std::string> tokens = placed.global_flags;
  for (size_t i = 0; i < placed.words.size() && i < 2; ++i) tokens.push_back(placed.words[i]);
  tokens.insert(tokens.end(), placed.command_flags.begin(), placed.command_flags.end());
  if (placed.help) tokens.push_back("--help");
  std::reverse(tokens.begin(), tokens.end());  // CLI11 takes a vector last-first
  try {
    app.root().parse(tokens);
  } catch (const CLI::CallForHelp&) {
    return true;
  } catch (const CLI::ParseError& parse_error) {
    *error = parse_error.what();
  }
  return false;
}

absl::Status Cli::CheckCommandLine(const PlacedArgs& placed, App& app,
                                   const std::optional<std::string>& parse_error) const {
  std::string extra_flag;  // the first flag no parsed command declares
  for (const std::string& extra : app.root().remaining(/*recurse=*/true)) {
    if (extra.size() > 1 && extra[0] == '-') {
      extra_flag = extra.substr(0, extra.find('='));
      break;
    }
  }
  const std::vector<std::string>& words = placed.words;
  const CommandGroup* group = app.group(app.parsed_group());
  const Command* command = app.command(app.parsed_command());
  if (words.empty()) return UsageError("no command given");
  if (group == nullptr) return UsageError(absl::StrCat("unknown command group \"", words[0], "\""));
  if (!placed.error.empty()) return UsageError(placed.error);
  if (!extra_flag.empty() && FindFlag(absl::StripPrefix(extra_flag, "--")) == nullptr) {
    return UsageError(absl::StrCat("unknown flag ", extra_flag));
  }
  if (words.size() < 2) return UsageError(absl::StrCat("missing command after ", group->name));
  if (command == nullptr) {
    return UsageError(absl::StrCat("unknown command \"", group->name, " ", words[1], "\""));
  }
  const std::string command_name = absl::StrCat(group->name, " ", command->verb);
  if (!extra_flag.empty()) {
    return UsageError(absl::StrCat("flag ", extra_flag, " does not apply to ", command_name));
  }
  if (parse_error.has_value()) return UsageError(*parse_error);
  const int arg_count = static_cast<int>(words.size()) - 2;
  if (arg_count < command->min_args || arg_count > command->max_args) {
    return UsageError(absl::StrCat(command_name, " takes ",
                                   command->min_args == command->max_args
                                       ? absl::StrCat(command->min_args)
                                       : absl::StrCat(command->min_args, " to ", command->max_args),
                                   " argument(s), got ", arg_count, ": ", command_name, " ",
                                   command->synopsis));
  }
  return absl::OkStatus();
}

ParsedArgs Cli::Results(App& app, const std::vector<std::string>& words) const {
  ParsedArgs parsed;
  parsed.positional_ = words;
  parsed.args_.assign(words.begin() + 2, words.end());
  const CLI::App* command_app = app.parsed_command();
  for (const CLI::App* parsed_app : std::vector<const CLI::App*>{&app.root(), command_app}) {
    for (const CLI::Option* option : parsed_app->get_options()) {
      if (option == parsed_app->get_help_ptr() || option->get_lnames().empty()) continue;
      const std::string& name = option->get_single_name();
      if (option->get_expected_max() == 0) {  // a switch
        for (size_t i = 0; i < option->count(); ++i) parsed.flags_.emplace_back(name, "");
      } else {
        for (const std::string& value : option->results()) parsed.flags_.emplace_back(name, value);
      }
    }
  }
  return parsed;
}

absl::StatusOr<GlobalOptions> Cli::ResolveGlobalOptions(const ParsedArgs& parsed) const {
  GlobalOptions options;
  options.registry_address = parsed.Value("registry", default_registry_address_);
  const char* progress_env = std::getenv("ECOPLAN_PROGRESS_ADDRESS");
  options.progress_address = parsed.Value(
      "progress",
      progress_env != nullptr && *progress_env != '\0' ? progress_env : "127.0.0.1:50052");
  const char* indicator_env = std::getenv("ECOPLAN_INDICATOR_ADDRESS");
  options.indicator_address = parsed.Value(
      "indicator",
      indicator_env != nullptr && *indicator_env != '\0' ? indicator_env : "127.0.0.1:50053");
  if (auto timeout = parsed.Optional("timeout"); timeout.has_value()) {
    if (!absl::ParseDuration(*timeout, &options.timeout) ||
        options.timeout <= absl::ZeroDuration()) {
      return UsageError(
          absl::StrCat("--timeout needs a positive duration such as 30s, not \"", *timeout, "\""));
    }
  }
  absl::StatusOr<OutputFormat> format = ParseOutputFormat(parsed.Value("output", "table"));
  if (!format.ok()) return UsageError(format.status().message());
  options.output.format = *format;
  options.output.wide = parsed.Has("wide");
  absl::StatusOr<ConnectionOptions> connection = ResolveConnection(
      parsed.Value("token"), parsed.Value("token-file"), parsed.Value("tls-ca-file"),
      parsed.Value("tls-cert-file"), parsed.Value("tls-key-file"));
  if (!connection.ok()) return connection.status();  // not a usage error: exit 1
  options.connection = *std::move(connection);
  return options;
}

int Cli::Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) const {
  const PlacedArgs placed = PlaceFlags(args);
  std::unique_ptr<App> app = BuildApp();
  std::optional<std::string> parse_error;
  const bool help = Parse(placed, *app, &parse_error);
  // Help and usage errors show the help of the command, else of the group,
  // else of the program: as far as the command line was understood.
  const CLI::App& deepest = app->parsed_command() != nullptr ? *app->parsed_command()
                            : app->parsed_group() != nullptr ? *app->parsed_group()
                                                             : app->root();
  if (help) {
    out << deepest.help();
    return 0;
  }
  auto fail = [&](const absl::Status& status) {
    if (IsUsageError(status)) {
      err << "error: " << status.message() << "\n\n" << deepest.help();
      return 2;
    }
    err << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message() << '\n';
    return 1;
  };
  if (absl::Status status = CheckCommandLine(placed, *app, parse_error); !status.ok()) {
    return fail(status);
  }
  const ParsedArgs parsed = Results(*app, placed.words);
  absl::StatusOr<GlobalOptions> options = ResolveGlobalOptions(parsed);
  if (!options.ok()) return fail(options.status());

  CommandEnv env;
  env.options = *std::move(options);
  env.out = &out;
  env.err = &err;
  const absl::Status status = app->command(app->parsed_command())->run(env, parsed);
  out.flush();
  return status.ok() ? 0 : fail(status);
}

namespace {

// "a b c" for the case arms and word lists of the completion script.
std::string Words(const std::vector<std::string>& words) { return absl::StrJoin(words, " "); }

std::vector<std::string> FlagNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    if (option == app.get_help_ptr()) continue;  // the root's help flag stands for all
    for (const std::string& name : option->get_snames()) names.push_back(absl::StrCat("-", name));
    for (const std::string& name : option->get_lnames()) names.push_back(absl::StrCat("--", name));
  }
  return names;
}

}  // namespace

std::string Cli::BashCompletion() const {
  std::unique_ptr<App> app = BuildApp();
  const CLI::App& root = app->root();
  // Flags that take a value, so that their values are not taken for command
  // words; flags whose value is a file, completed with file names.
  std::vector<std::string> value_flags;
  std::vector<std::string> file_flags;
  auto collect = [&](const CLI::App& from) {
    for (const CLI::Option* option : from.get_options()) {
      if (option->get_expected_max() == 0 || option->get_lnames().empty()) continue;
      const std::string name = absl::StrCat("--", option->get_single_name());
      if (std::find(value_flags.begin(), value_flags.end(), name) != value_flags.end()) continue;
      value_flags.push_back(name);
      if (absl::StartsWith(option->get_type_name(), "FILE")) file_flags.push_back(name);
    }
  };
  collect(root);
  std::vector<std::string> groups;
  std::string arms;
  for (const CLI::App* group : root.get_subcommands({})) {
    groups.push_back(group->get_name());
    std::vector<std::string> verbs;
    for (const CLI::App* command : group->get_subcommands({})) {
      collect(*command);
      verbs.push_back(command->get_name());
      const std::string path = absl::StrCat(group->get_name(), " ", command->get_name());
      absl::StrAppend(&arms, "    \"", path, "\" | \"", path, " \"*) flags=\"$flags ",
                      Words(FlagNames(*command)), "\" ;;\n");
    }
    absl::StrAppend(&arms, "    \"", group->get_name(), "\") commands=\"", Words(verbs), "\" ;;\n");
  }
  const std::string function = absl::StrCat("_", program_);
  std::string script = absl::StrCat(
      "# bash completion for ", program_, ", generated by '", program_,
      " shell-completion bash' from its command line.\n", "# Install: ", program_,
      " shell-completion bash > /etc/bash_completion.d/", program_, "\n",
      "# or add to ~/.bashrc: source <(", program_, " shell-completion bash)\n\n",  //
      function, "() {\n", "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\"\n",
      "  ((COMP_CWORD > 0)) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n", "  local value_flags=\" ",
      Words(value_flags), " \"\n",  //
      "  local file_flags=\" ", Words(file_flags), " \"\n",
      "  if [[ \"$file_flags\" == *\" $prev \"* ]]; then\n",
      "    COMPREPLY=($(compgen -f -- \"$cur\"))\n", "    return 0\n", "  fi\n",
      "  if [[ \"$value_flags\" == *\" $prev \"* ]]; then\n", "    COMPREPLY=()\n",
      "    return 0\n", "  fi\n", "  # The command words typed so far; flags may stand anywhere.\n",
      "  local path=\"\" word i skip=0\n", "  for ((i = 1; i < COMP_CWORD; i++)); do\n",
      "    word=\"${COMP_WORDS[i]}\"\n", "    if ((skip)); then\n", "      skip=0\n",
      "      continue\n", "    fi\n", "    case \"$word\" in\n", "      -*=*) ;;\n",
      "      -?*) [[ \"$value_flags\" == *\" $word \"* ]] && skip=1 ;;\n",
      "      *) path=\"${path:+$path }$word\" ;;\n", "    esac\n", "  done\n",
      "  local commands=\"\" flags=\"-h --help ", Words(FlagNames(root)), "\"\n",
      "  case \"$path\" in\n", "    \"\") commands=\"", Words(groups), "\" ;;\n",  //
      arms, "  esac\n", "  if [[ \"$cur\" == -* ]]; then\n",
      "    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n",
      "  elif [[ -n \"$commands\" ]]; then\n",
      "    COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\"))\n", "  else\n",
      "    COMPREPLY=()  # an argument: -o default completes file names\n", "  fi\n", "}\n",
      "complete -o default -F ", function, " ", program_, "\n");
  return script;
}

}  // namespace ecoplan::ctl
