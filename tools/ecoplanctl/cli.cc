#include "tools/ecoplanctl/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tools/ecoplanctl/cli_app.h"

namespace ecoplan::ctl {
namespace {

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
      {"retries", "N",
       "attempts after the first while a server is unavailable (default 4, waiting 0.5s, 1s, "
       "2s, 4s); only reads and calls with a request id are repeated; 0: none"},
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

}  // namespace

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
  if (group.name == kShellCompletionGroup) {
    std::cerr << "ecoplanctl: command group " << group.name << " is the Cli's own\n";
    std::abort();
  }
  CommandGroup* existing = nullptr;
  for (auto& g : groups_) {
    if (g.name == group.name) existing = &g;
  }
  if (existing != nullptr) {
    for (const auto& command : group.commands) {
      for (const auto& other : existing->commands) {
        if (other.verb == command.verb) {
          std::cerr << "ecoplanctl: command " << group.name << " " << command.verb
                    << " added twice\n";
          std::abort();
        }
      }
    }
  }
  for (const auto& command : group.commands) {
    for (const auto& flag : command.flags) {
      if (!flag.short_name.empty()) {
        auto [alias, added] = short_names_.emplace(flag.short_name, flag.name);
        if (!added && alias->second != flag.name) {
          std::cerr << "ecoplanctl: -" << flag.short_name << " stands for both --" << alias->second
                    << " and --" << flag.name << "\n";
          std::abort();
        }
      }
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
  if (existing == nullptr) {
    groups_.push_back(std::move(group));
    return;
  }
  // One word, two services (e.g. "supervision": the registry's tasks and the
  // progress service's orders): one group with the commands of both.
  existing->summary = absl::StrCat(existing->summary, "; ", group.summary);
  if (!group.notes.empty()) {
    existing->notes =
        absl::StrCat(existing->notes, existing->notes.empty() ? "" : "\n", group.notes);
  }
  for (auto& command : group.commands) existing->commands.push_back(std::move(command));
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
    if (name.empty() && token.size() == 2) {  // a one-letter alias, e.g. -o: its long name
      auto alias = short_names_.find(token.substr(1));
      if (alias != short_names_.end()) name = alias->second;
    }
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

CallPolicy PolicyOf(const CommandEnv& env) {
  CallPolicy policy = env.options.call;
  policy.notices = env.err;
  return policy;
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
    if (!absl::ParseDuration(*timeout, &options.call.timeout) ||
        options.call.timeout <= absl::ZeroDuration()) {
      return UsageError(
          absl::StrCat("--timeout needs a positive duration such as 30s, not \"", *timeout, "\""));
    }
  }
  if (auto retries = parsed.Optional("retries"); retries.has_value()) {
    if (!absl::SimpleAtoi(*retries, &options.call.retries) || options.call.retries < 0 ||
        options.call.retries > 20) {
      return UsageError(absl::StrCat("--retries needs a number 0..20, not \"", *retries, "\""));
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
}  // namespace ecoplan::ctl
