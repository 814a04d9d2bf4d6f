// The command line itself (cli.h), on made-up commands: where flags may
// stand, the usage errors, the help of the program, a group and a command,
// and the bash completion script, which is run in bash.

#include "tools/ecoplanctl/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace ecoplan::ctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// What the last command run received.
struct Received {
  std::string verb;
  std::vector<std::string> args;
  std::optional<std::string> org;
  std::vector<std::string> members;
  bool dry_run = false;
  std::string dry_run_value;  // a switch has the value ""
  std::string out;            // --out (or -o)
  GlobalOptions options;
};

CommandGroup ThingsGroup(Received* received) {
  auto record = [received](std::string verb) {
    return [received, verb](const CommandEnv& env, const ParsedArgs& args) {
      received->verb = verb;
      received->args = args.args();
      received->org = args.Optional("org");
      received->members = args.Values("member");
      received->dry_run = args.Has("dry-run");
      received->dry_run_value = args.Value("dry-run", "unset");
      received->out = args.Value("out");
      received->options = env.options;
      *env.out << verb << " ran\n";
      return absl::OkStatus();
    };
  };
  CommandGroup group{"things", "made-up things", {}, "Things are made up for the test.\n"};
  group.commands.push_back({"list",
                            "[PATTERN] [--org NAME]",
                            "list the things",
                            0,
                            1,
                            {{"org", "NAME", "only the things of NAME"}},
                            record("list")});
  group.commands.push_back({"add",
                            "NAME --member M... [--dry-run]",
                            "add a thing",
                            1,
                            1,
                            {{"member", "M", "a member (repeat for several)"},
                             {"dry-run", "", "check only"},
                             {"org", "NAME", "the owner"}},
                            record("add")});
  group.commands.push_back({"save",
                            "NAME -o FILE",
                            "save a thing",
                            1,
                            1,
                            {{"out", "FILE", "where", "o"}},
                            record("save")});
  group.commands.push_back(
      {"fail", "", "always fails", 0, 0, {}, [](const CommandEnv&, const ParsedArgs&) {
         return absl::NotFoundError("no such thing");
       }});
  return group;
}

class CliTest : public ::testing::Test {
 protected:
  CliTest() : cli_("ecoplanctl", "127.0.0.1:1") {
    cli_.AddGroup(ThingsGroup(&received_));
    cli_.AddGroup({"other", "other commands", {{"ping", "", "ping", 0, 0, {}, nullptr}}, ""});
  }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    received_ = Received();
    return cli_.Run(args, out_, err_);
  }

  Received received_;
  Cli cli_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CliTest, AGroupAddedAgainGainsTheNewCommands) {
  cli_.AddGroup({"other",
                 "more other commands",
                 {{"pong",
                   "",
                   "pong",
                   0,
                   0,
                   {},
                   [](const CommandEnv& env, const ParsedArgs&) {
                     *env.out << "pong ran\n";
                     return absl::OkStatus();
                   }}},
                 ""});
  ASSERT_EQ(Run({"other", "pong"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "pong ran\n");
  Run({"other", "--help"});
  EXPECT_THAT(out_.str() + err_.str(), HasSubstr("ping"));
  EXPECT_THAT(out_.str() + err_.str(), HasSubstr("pong"));
}

TEST_F(CliTest, FlagsMayStandBeforeBetweenAndAfterTheCommandWords) {
  ASSERT_EQ(Run({"--org", "区交通局", "things", "--output=json", "list", "a*", "--wide",
                 "--registry", "10.0.0.1:5"}),
            0)
      << err_.str();
  EXPECT_EQ(out_.str(), "list ran\n");
  EXPECT_EQ(received_.verb, "list");
  EXPECT_THAT(received_.args, ElementsAre("a*"));
  EXPECT_EQ(received_.org, "区交通局");
  EXPECT_EQ(received_.options.output.format, OutputFormat::kJson);
  EXPECT_TRUE(received_.options.output.wide);
  EXPECT_EQ(received_.options.registry_address, "10.0.0.1:5");
  EXPECT_EQ(received_.options.call.timeout, absl::Seconds(30));
}

TEST_F(CliTest, RepeatedFlagsKeepEveryValueInOrderAndValuesMayLookLikeFlags) {
  ASSERT_EQ(Run({"things", "add", "t1", "--member", "b", "--member=a", "--dry-run", "--org", "-3"}),
            0)
      << err_.str();
  EXPECT_THAT(received_.members, ElementsAre("b", "a"));
  EXPECT_TRUE(received_.dry_run);
  EXPECT_EQ(received_.dry_run_value, "");
  EXPECT_EQ(received_.org, "-3");
  ASSERT_EQ(Run({"things", "list", "--org", ""}), 0) << err_.str();
  EXPECT_EQ(received_.org, "");
  EXPECT_FALSE(received_.dry_run);
}

TEST_F(CliTest, DashOIsShortForOut) {
  ASSERT_EQ(Run({"things", "save", "t1", "-o", "t1.svg"}), 0) << err_.str();
  EXPECT_EQ(received_.out, "t1.svg");
  EXPECT_THAT(received_.args, ElementsAre("t1"));
  ASSERT_EQ(Run({"things", "save", "--out", "t2.png", "t2"}), 0) << err_.str();
  EXPECT_EQ(received_.out, "t2.png");
  // Not a flag of `things list`.
  EXPECT_EQ(Run({"things", "list", "-o", "x"}), 2);
}

TEST_F(CliTest, ArgumentsAfterDoubleDashAreNotFlags) {
  ASSERT_EQ(Run({"things", "add", "--", "--dry-run"}), 0) << err_.str();
  EXPECT_THAT(received_.args, ElementsAre("--dry-run"));
  EXPECT_FALSE(received_.dry_run);
  ASSERT_EQ(Run({"things", "list", "-"}), 0) << err_.str();
  EXPECT_THAT(received_.args, ElementsAre("-"));
}

TEST_F(CliTest, UsageErrorsExitTwoWithTheMessageAndTheHelpOfWhatWasFound) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: no command given"));
  EXPECT_THAT(err_.str(), HasSubstr("Usage: ecoplanctl [global flags] <group> <command>"));
  EXPECT_EQ(Run({"stuff", "list"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: unknown command group \"stuff\""));
  EXPECT_EQ(Run({"things"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: missing command after things"));
  EXPECT_THAT(err_.str(), HasSubstr("Usage: ecoplanctl things <command>"));
  EXPECT_EQ(Run({"things", "frob"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: unknown command \"things frob\""));
  EXPECT_EQ(Run({"things", "list", "--bogus"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: unknown flag --bogus"));
  EXPECT_EQ(Run({"things", "list", "-x"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: unknown flag -x"));
  EXPECT_EQ(Run({"--member", "m", "things", "list"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: flag --member does not apply to things list"));
  EXPECT_THAT(err_.str(), HasSubstr("Usage: ecoplanctl things list [PATTERN] [--org NAME]"));
  EXPECT_EQ(Run({"things", "add", "t", "--dry-run=yes"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: flag --dry-run takes no value"));
  EXPECT_EQ(Run({"things", "list", "--org"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: flag --org needs a value (NAME)"));
  EXPECT_EQ(Run({"things", "list", "a", "b"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: things list takes 0 to 1 argument(s), got 2"));
  EXPECT_EQ(Run({"things", "add"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("error: things add takes 1 argument(s), got 0"));
  EXPECT_EQ(Run({"things", "list", "--timeout", "soon"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--timeout needs a positive duration"));
  EXPECT_EQ(Run({"things", "list", "--output", "yaml"}), 2);
  EXPECT_THAT(received_.verb, IsEmpty());  // no command ran
}

TEST_F(CliTest, AFailedCommandExitsOneWithTheCodeName) {
  EXPECT_EQ(Run({"things", "fail"}), 1);
  EXPECT_EQ(err_.str(), "error: NOT_FOUND: no such thing\n");
  // Connection flags that cannot be used are a failure too, not a usage error.
  EXPECT_EQ(Run({"things", "list", "--token", "t", "--token-file", "/nonexistent/token"}), 1);
  EXPECT_EQ(err_.str(), "error: INVALID_ARGUMENT: give --token or --token-file, not both\n");
  EXPECT_THAT(received_.verb, IsEmpty());
}

TEST_F(CliTest, ProgramHelpListsEveryCommandAndTheGlobalFlags) {
  ASSERT_EQ(Run({"--help"}), 0);
  const std::string help = out_.str();
  EXPECT_THAT(help, HasSubstr("Usage: ecoplanctl [global flags] <group> <command>"));
  EXPECT_THAT(help,
              HasSubstr("ecoplanctl things list [PATTERN] [--org NAME]\n      list the things"));
  EXPECT_THAT(help, HasSubstr("ecoplanctl things add NAME --member M... [--dry-run]"));
  EXPECT_THAT(help, HasSubstr("ecoplanctl other ping"));
  EXPECT_THAT(help, HasSubstr("ecoplanctl shell-completion bash"));
  EXPECT_THAT(help, HasSubstr("--registry ADDR"));
  EXPECT_THAT(help, HasSubstr("--tls-ca-file FILE"));
  EXPECT_THAT(help, HasSubstr("Exit codes: 0 success"));
  EXPECT_THAT(err_.str(), IsEmpty());
  // -h and an unknown group give the same.
  ASSERT_EQ(Run({"stuff", "-h"}), 0);
  EXPECT_EQ(out_.str(), help);
}

TEST_F(CliTest, GroupHelpListsItsCommandsTheirFlagsAndItsNotes) {
  ASSERT_EQ(Run({"things", "--help"}), 0);
  const std::string help = out_.str();
  EXPECT_THAT(help, HasSubstr("Usage: ecoplanctl things <command> [arguments] [flags]"));
  EXPECT_THAT(help, HasSubstr("add"));
  EXPECT_THAT(help, HasSubstr("add a thing"));
  EXPECT_THAT(help, HasSubstr("--member M"));
  EXPECT_THAT(help, HasSubstr("--dry-run"));
  EXPECT_THAT(help, HasSubstr("Things are made up for the test."));
  EXPECT_THAT(help, HasSubstr("--registry ADDR"));
  EXPECT_THAT(help, Not(HasSubstr("other commands")));
}

TEST_F(CliTest, CommandHelpShowsItsArgumentsAndOnlyItsFlags) {
  ASSERT_EQ(Run({"things", "list", "--help"}), 0);
  std::string help = out_.str();
  EXPECT_THAT(help, HasSubstr("Usage: ecoplanctl things list [PATTERN] [--org NAME]"));
  EXPECT_THAT(help, HasSubstr("--org NAME"));
  EXPECT_THAT(help, HasSubstr("only the things of NAME"));
  EXPECT_THAT(help, Not(HasSubstr("--member")));
  EXPECT_THAT(help, HasSubstr("--output FORMAT"));
  // Help wins over what else is wrong, wherever -h stands.
  ASSERT_EQ(Run({"-h", "things", "add", "--bogus"}), 0);
  help = out_.str();
  EXPECT_THAT(help, HasSubstr("Usage: ecoplanctl things add NAME --member M... [--dry-run]"));
  EXPECT_THAT(help, HasSubstr("a member (repeat for several)"));
  EXPECT_THAT(received_.verb, IsEmpty());
}

// Runs the completion script in bash with `words` typed (the last one being
// completed) and returns the completions, space-separated.
std::string Complete(const std::string& script, const std::string& words) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/ecoplanctl-completion.bash");
  std::ofstream(path) << script;
  const std::string command = absl::StrCat("bash -c 'source ", path, "; COMP_WORDS=(", words,
                                           "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _ecoplanctl; "
                                           "echo \"${COMPREPLY[*]}\"' 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::string result;
  char buffer[4096];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) result += buffer;
  pclose(pipe);
  if (!result.empty() && result.back() == '\n') result.pop_back();
  return result;
}

TEST_F(CliTest, ShellCompletionBashPrintsAScriptGeneratedFromTheCommandLine) {
  ASSERT_EQ(Run({"shell-completion", "bash"}), 0) << err_.str();
  const std::string script = out_.str();
  EXPECT_EQ(script, cli_.BashCompletion());
  EXPECT_THAT(script, HasSubstr("complete -o default -F _ecoplanctl ecoplanctl\n"));
  EXPECT_THAT(script, HasSubstr("\"\") commands=\"things other shell-completion\" ;;"));
  EXPECT_THAT(script, HasSubstr("\"things\") commands=\"list add save fail\" ;;"));
  EXPECT_THAT(script,
              HasSubstr("\"things add\" | \"things add \"*) flags=\"$flags --member --dry-run "
                        "--org\" ;;"));
  EXPECT_THAT(script, HasSubstr(" --token-file --tls-ca-file --tls-cert-file --tls-key-file "));
  // Switches take no value, so the word after one is a command word.
  const size_t value_flags = script.find("local value_flags=");
  ASSERT_NE(value_flags, std::string::npos);
  const std::string value_line =
      script.substr(value_flags, script.find('\n', value_flags) - value_flags);
  EXPECT_THAT(value_line, HasSubstr(" --registry "));
  EXPECT_THAT(value_line, HasSubstr(" --member "));
  EXPECT_THAT(value_line, Not(HasSubstr(" --wide ")));
  EXPECT_THAT(value_line, Not(HasSubstr(" --dry-run ")));
  EXPECT_THAT(value_line, Not(HasSubstr(" --help ")));

  EXPECT_EQ(Complete(script, "ecoplanctl th"), "things");
  EXPECT_EQ(Complete(script, "ecoplanctl \"\""), "things other shell-completion");
  EXPECT_EQ(Complete(script, "ecoplanctl --output json things a"), "add");
  EXPECT_EQ(Complete(script, "ecoplanctl things --org x \"\""), "list add save fail");
  EXPECT_EQ(Complete(script, "ecoplanctl --wide th"), "things");
  EXPECT_EQ(Complete(script, "ecoplanctl things add t1 --m"), "--member");
  EXPECT_EQ(Complete(script, "ecoplanctl things list --o"), "--output --org");
  EXPECT_EQ(Complete(script, "ecoplanctl --tim"), "--timeout");
  EXPECT_EQ(Complete(script, "ecoplanctl things list --output \"\""), "");  // a value
  EXPECT_EQ(Complete(script, "ecoplanctl shell-completion b"), "bash");
}

TEST_F(CliTest, ShellCompletionHasItsOwnHelp) {
  ASSERT_EQ(Run({"shell-completion", "bash", "--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("Usage: ecoplanctl shell-completion bash"));
  EXPECT_THAT(out_.str(), HasSubstr("/etc/bash_completion.d/ecoplanctl"));
}

}  // namespace
}  // namespace ecoplan::ctl
