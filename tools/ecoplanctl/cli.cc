#include "tools/ecoplanctl/cli.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

constexpr absl::string_view kUsageErrorPayload = "ecoplanctl/usage-error";

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
      {"help", "", "print help (also -h)"},
  };
}

std::string FlagSynopsis(const FlagSpec& flag) {
  return flag.takes_value() ? absl::StrCat("--", flag.name, " ", flag.value_name)
                            : absl::StrCat("--", flag.name);
}

void AppendFlagHelp(const std::vector<FlagSpec>& flags, std::ostream& out) {
  std::vector<std::string> seen;
  int width = 0;
  for (const auto& flag : flags) width = std::max(width, DisplayWidth(FlagSynopsis(flag)));
  for (const auto& flag : flags) {
    if (std::find(seen.begin(), seen.end(), flag.name) != seen.end()) continue;
    seen.push_back(flag.name);
    out << "  " << PadToWidth(FlagSynopsis(flag), width) << "  " << flag.help << '\n';
  }
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

Cli::Cli(std::string program, std::string default_registry_address)
    : program_(std::move(program)),
      default_registry_address_(std::move(default_registry_address)),
      global_flags_(GlobalFlagSpecs()) {
  for (const auto& flag : global_flags_) all_flags_.emplace(flag.name, flag);
}

void Cli::AddGroup(CommandGroup group) {
  if (FindGroup(group.name) != nullptr) {
    std::cerr << "ecoplanctl: command group " << group.name << " added twice\n";
    std::abort();
  }
  for (const auto& command : group.commands) {
    for (const auto& flag : command.flags) {
      auto [it, inserted] = all_flags_.emplace(flag.name, flag);
      if (!inserted && it->second.takes_value() != flag.takes_value()) {
        // A broken invariant of the program, not of the input.
        std::cerr << "ecoplanctl: flag --" << flag.name
                  << " is a switch in one command and takes a value in another\n";
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

std::string Cli::Usage() const {
  std::ostringstream out;
  out << program_ << ": command-line client of the ecoplan services.\n\n"
      << "Usage: " << program_ << " <group> <command> [arguments] [flags]\n"
      << "Flags may come before or after the command words.\n\nCommands:\n";
  for (const auto& group : groups_) {
    for (const auto& command : group.commands) {
      out << "  " << program_ << " " << group.name << " " << command.verb;
      if (!command.synopsis.empty()) out << " " << command.synopsis;
      out << "\n      " << command.summary << '\n';
    }
  }
  out << "\nGlobal flags:\n";
  AppendFlagHelp(global_flags_, out);
  out << "\nRun '" << program_ << " <group> --help' for the flags of a group's commands.\n"
      << "Exit codes: 0 success; 1 the call failed (error: <CODE>: <message> on stderr); "
         "2 usage error.\n";
  return out.str();
}

std::string Cli::GroupUsage(const CommandGroup& group) const {
  std::ostringstream out;
  out << program_ << " " << group.name << ": " << group.summary << "\n\nCommands:\n";
  std::vector<FlagSpec> flags;
  for (const auto& command : group.commands) {
    out << "  " << program_ << " " << group.name << " " << command.verb;
    if (!command.synopsis.empty()) out << " " << command.synopsis;
    out << "\n      " << command.summary << '\n';
    flags.insert(flags.end(), command.flags.begin(), command.flags.end());
  }
  if (!flags.empty()) {
    out << "\nFlags:\n";
    AppendFlagHelp(flags, out);
  }
  if (!group.notes.empty()) out << '\n' << group.notes;
  if (!group.notes.empty() && group.notes.back() != '\n') out << '\n';
  out << "\nGlobal flags:\n";
  AppendFlagHelp(global_flags_, out);
  return out.str();
}

int Cli::Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) const {
  ParsedArgs parsed;
  bool help = false;
  const CommandGroup* group = nullptr;
  auto usage_error = [&](absl::string_view message) {
    err << "error: " << message << "\n\n" << (group != nullptr ? GroupUsage(*group) : Usage());
    return 2;
  };

  // Flags may stand anywhere; which flags take a value is known from the
  // union of every command's flags, so no command has to be found first.
  std::string pending_error;
  bool only_positional = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (only_positional || token == "-" || token.empty() || token[0] != '-') {
      parsed.positional_.push_back(token);
      continue;
    }
    if (token == "--") {
      only_positional = true;
      continue;
    }
    if (token == "-h") {
      help = true;
      continue;
    }
    if (!absl::StartsWith(token, "--")) {
      if (pending_error.empty()) pending_error = absl::StrCat("unknown flag ", token);
      continue;
    }
    std::string name = token.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* spec = FindFlag(name);
    if (spec == nullptr) {
      if (pending_error.empty()) pending_error = absl::StrCat("unknown flag --", name);
      continue;
    }
    if (name == "help") {
      help = true;
      continue;
    }
    if (spec->takes_value()) {
      if (!value.has_value()) {
        if (i + 1 >= args.size()) {
          if (pending_error.empty()) {
            pending_error =
                absl::StrCat("flag --", name, " needs a value (", spec->value_name, ")");
          }
          continue;
        }
        value = args[++i];
      }
    } else if (value.has_value()) {
      if (pending_error.empty()) pending_error = absl::StrCat("flag --", name, " takes no value");
      continue;
    }
    parsed.flags_.emplace_back(name, value.value_or(""));
  }

  const auto& words = parsed.positional_;
  if (!words.empty()) group = FindGroup(words[0]);
  if (help) {
    out << (group != nullptr ? GroupUsage(*group) : Usage());
    return 0;
  }
  if (words.empty()) return usage_error("no command given");
  if (group == nullptr)
    return usage_error(absl::StrCat("unknown command group \"", words[0], "\""));
  if (!pending_error.empty()) return usage_error(pending_error);
  if (words.size() < 2) return usage_error(absl::StrCat("missing command after ", group->name));

  const Command* command = nullptr;
  for (const auto& candidate : group->commands) {
    if (candidate.verb == words[1]) command = &candidate;
  }
  if (command == nullptr) {
    return usage_error(absl::StrCat("unknown command \"", group->name, " ", words[1], "\""));
  }
  const std::string command_name = absl::StrCat(group->name, " ", command->verb);
  for (const auto& [name, value] : parsed.flags_) {
    bool allowed = false;
    for (const auto& flag : global_flags_) allowed = allowed || flag.name == name;
    for (const auto& flag : command->flags) allowed = allowed || flag.name == name;
    if (!allowed)
      return usage_error(absl::StrCat("flag --", name, " does not apply to ", command_name));
  }
  parsed.args_.assign(words.begin() + 2, words.end());
  const int arg_count = static_cast<int>(parsed.args_.size());
  if (arg_count < command->min_args || arg_count > command->max_args) {
    return usage_error(
        absl::StrCat(command_name, " takes ",
                     command->min_args == command->max_args
                         ? absl::StrCat(command->min_args)
                         : absl::StrCat(command->min_args, " to ", command->max_args),
                     " argument(s), got ", arg_count, ": ", command_name, " ", command->synopsis));
  }

  CommandEnv env;
  env.out = &out;
  env.err = &err;
  env.options.registry_address = parsed.Value("registry", default_registry_address_);
  const char* progress_env = std::getenv("ECOPLAN_PROGRESS_ADDRESS");
  env.options.progress_address = parsed.Value(
      "progress",
      progress_env != nullptr && *progress_env != '\0' ? progress_env : "127.0.0.1:50052");
  const char* indicator_env = std::getenv("ECOPLAN_INDICATOR_ADDRESS");
  env.options.indicator_address = parsed.Value(
      "indicator",
      indicator_env != nullptr && *indicator_env != '\0' ? indicator_env : "127.0.0.1:50053");
  if (auto timeout = parsed.Optional("timeout"); timeout.has_value()) {
    if (!absl::ParseDuration(*timeout, &env.options.timeout) ||
        env.options.timeout <= absl::ZeroDuration()) {
      return usage_error(
          absl::StrCat("--timeout needs a positive duration such as 30s, not \"", *timeout, "\""));
    }
  }
  auto format = ParseOutputFormat(parsed.Value("output", "table"));
  if (!format.ok()) return usage_error(format.status().message());
  env.options.output.format = *format;
  env.options.output.wide = parsed.Has("wide");
  absl::StatusOr<ConnectionOptions> connection = ResolveConnection(
      parsed.Value("token"), parsed.Value("token-file"), parsed.Value("tls-ca-file"),
      parsed.Value("tls-cert-file"), parsed.Value("tls-key-file"));
  if (!connection.ok()) {
    err << "error: " << absl::StatusCodeToString(connection.status().code()) << ": "
        << connection.status().message() << '\n';
    return 1;
  }
  env.options.connection = *std::move(connection);

  const absl::Status status = command->run(env, parsed);
  out.flush();
  if (status.ok()) return 0;
  if (IsUsageError(status)) return usage_error(status.message());
  err << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message() << '\n';
  return 1;
}

}  // namespace ecoplan::ctl
