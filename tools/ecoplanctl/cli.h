#pragma once

// The command line of ecoplanctl, on CLI11: command groups ("plan",
// "measures", ...) with verbs ("import", "list", ...), flags that may come
// before or after the command words, help for the program, each group and each
// command, a generated bash completion script, and the exit-code contract:
//   0  success
//   1  the command failed (a gRPC error, an unreadable file ...): stderr gets
//      "error: <CODE_NAME>: <message>"
//   2  usage error: stderr gets "error: <message>" and the usage text
//
// Commands are described as data (CommandGroup, Command, FlagSpec); the Cli
// builds a CLI::App from them for each run. Adding a command group for another
// service: write a function that returns a CommandGroup (see
// registry_commands.h) and add it to the Cli in main.cc.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/ecoplanctl/channel.h"
#include "tools/ecoplanctl/output.h"
#include "tools/ecoplanctl/unary_call.h"

namespace ecoplan::ctl {

// A usage error: the command line is wrong, not the server's answer. Such a
// status makes the Cli exit with 2 and print the usage text.
absl::Status UsageError(absl::string_view message);
bool IsUsageError(const absl::Status& status);

// One flag, written --name VALUE, --name=VALUE, or --name for a switch.
struct FlagSpec {
  std::string name;        // without the dashes, e.g. "validate-only"
  std::string value_name;  // e.g. "ID"; empty for a switch (takes no value)
  std::string help;
  // A one-letter alias written -x (e.g. "o" for -o FILE); empty: none.
  std::string short_name = "";
  bool takes_value() const { return !value_name.empty(); }
};

// The command line after parsing: the command words and arguments, and the flags.
class ParsedArgs {
 public:
  // Words that are not flags, in order: group, verb, then arguments.
  const std::vector<std::string>& positional() const { return positional_; }
  // True when the flag was given (a switch, or a flag with any value).
  bool Has(absl::string_view flag) const;
  // The last value given for the flag, or `fallback`.
  std::string Value(absl::string_view flag, absl::string_view fallback = "") const;
  // The value when the flag was given.
  std::optional<std::string> Optional(absl::string_view flag) const;
  // Every value given for the flag, in order (flags may repeat).
  std::vector<std::string> Values(absl::string_view flag) const;
  // The value as an integer. Errors: a usage error when not an integer.
  absl::StatusOr<int> Int(absl::string_view flag, int fallback) const;

  // The command's arguments: positional() without the group and verb.
  const std::vector<std::string>& args() const { return args_; }

 private:
  friend class Cli;
  std::vector<std::string> positional_;
  std::vector<std::string> args_;
  std::vector<std::pair<std::string, std::string>> flags_;  // name, value ("" for switches)
};

// Options every command shares (global flags).
struct GlobalOptions {
  std::string registry_address;   // --registry
  std::string progress_address;   // --progress
  std::string indicator_address;  // --indicator
  CallPolicy call;                // --timeout: deadline of each call; --retries (unary_call.h)
  OutputOptions output;           // --output, --wide
  ConnectionOptions connection;   // --token, --token-file, --tls-*-file; see ResolveConnection
};

// What a command receives.
struct CommandEnv {
  GlobalOptions options;
  std::ostream* out = nullptr;  // results
  std::ostream* err = nullptr;  // notes for the user that are not results
};

// The call policy of a command: the global flags', its retries announced on
// `err`.
CallPolicy PolicyOf(const CommandEnv& env);

struct Command {
  std::string verb;      // e.g. "import"
  std::string synopsis;  // arguments and flags after the verb, e.g. "FILE [--validate-only]"
  std::string summary;   // one line
  int min_args = 0;      // positional arguments after the verb
  int max_args = 0;
  std::vector<FlagSpec> flags;  // flags of this command (besides the global ones)
  std::function<absl::Status(const CommandEnv&, const ParsedArgs&)> run;
};

struct CommandGroup {
  std::string name;     // e.g. "plan"
  std::string summary;  // one line
  std::vector<Command> commands;
  std::string notes;  // extra help text printed by "<group> --help"
};

class Cli {
 public:
  // `default_registry_address` is the --registry default. The Cli has one
  // group of its own: "shell-completion bash" prints BashCompletion().
  Cli(std::string program, std::string default_registry_address);
  Cli(const Cli&) = delete;
  Cli& operator=(const Cli&) = delete;

  // Adds a group; a group of a name added before gains its commands (one word
  // may gather the commands of several services, e.g. "supervision").
  // Preconditions: each verb is new within its group, and a flag name used by
  // several commands is a switch everywhere or takes a value everywhere.
  void AddGroup(CommandGroup group);

  // Runs the command line `args` (without the program name) and returns the
  // exit code.
  int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) const;

  // The help of the program ("ecoplanctl --help"): every group and command.
  std::string Usage() const;

  // A bash completion script for the program, generated from the command
  // line the Cli builds (groups, commands, their flags and which flags take a
  // value), so it cannot drift from it. Install with
  //   ecoplanctl shell-completion bash > /etc/bash_completion.d/ecoplanctl
  std::string BashCompletion() const;

 private:
  class App;  // the CLI::App built from the groups, in cli_app.h

  // The command line with the global flags and the command's flags apart
  // from the words (command words and arguments), as Run hands them to CLI11.
  struct PlacedArgs {
    std::vector<std::string> global_flags;   // "--name", and its value if it takes one
    std::vector<std::string> command_flags;  // the same, and flags no command declares
    std::vector<std::string> words;          // group, command, arguments
    bool help = false;                       // -h or --help
    std::string error;                       // a flag without its value, or a switch with one
  };
  PlacedArgs PlaceFlags(const std::vector<std::string>& args) const;
  std::unique_ptr<App> BuildApp() const;
  // Parses `placed` with CLI11 into `app`. Returns true when help was asked
  // for; `error` gets what CLI11 found wrong, if anything.
  bool Parse(const PlacedArgs& placed, App& app, std::optional<std::string>* error) const;
  // OK, or the first usage error of the parsed command line.
  absl::Status CheckCommandLine(const PlacedArgs& placed, App& app,
                                const std::optional<std::string>& parse_error) const;
  // The command's arguments and every flag given, for the command.
  ParsedArgs Results(App& app, const std::vector<std::string>& words) const;
  // The global flags with their defaults. Errors: a usage error for a bad
  // --timeout or --output; ResolveConnection's errors.
  absl::StatusOr<GlobalOptions> ResolveGlobalOptions(const ParsedArgs& parsed) const;
  const CommandGroup* FindGroup(absl::string_view name) const;
  const FlagSpec* FindFlag(absl::string_view name) const;
  bool IsGlobalFlag(absl::string_view name) const;

  std::string program_;
  std::string default_registry_address_;
  std::vector<FlagSpec> global_flags_;
  std::vector<CommandGroup> groups_;
  std::map<std::string, FlagSpec, std::less<>> all_flags_;  // union, for placing flags
  std::map<std::string, std::string> short_names_;          // "o" → "out", of every command
  CommandGroup completion_group_;                           // "shell-completion bash"
};

}  // namespace ecoplan::ctl
