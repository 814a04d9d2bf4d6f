// A data directory written by the previous release opens with these binaries
// and answers the same. tests/data/upgrade/<commit>.tar.gz holds the four
// services' directories as a release left them (written by
// scripts/make-upgrade-fixture.sh with that release's build: the seed plan,
// reports accepted and returned, a supervision order closed, a problem ledger,
// stations and three weeks of readings) and that release's answers to
// reads.txt. The test unpacks each fixture, starts the four servers on it
// (development mode) and asks the same: every answer is the same JSON, but
// for what depends on today (an item's overdue flag) and what a newer
// release adds by itself: notifications its schedule writes, default rules of
// new kinds (only the items the release had are compared, every one of them).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "tests/harness/cluster.h"
#include "tests/harness/process.h"

namespace ecoplan::testing {
namespace {

const char* const kCtl = ECOPLAN_CTL_PATH;
const char* const kFixtures = ECOPLAN_UPGRADE_FIXTURES;

// The keys whose values depend on the day the question is asked.
bool DependsOnToday(const std::string& key) {
  return key == "overdue" || key == "overdueCount" || key == "overdueItems";
}

void DropTodaysKeys(nlohmann::json* j) {
  if (j->is_object()) {
    for (auto it = j->begin(); it != j->end();) {
      if (DependsOnToday(it.key())) {
        it = j->erase(it);
      } else {
        DropTodaysKeys(&it.value());
        ++it;
      }
    }
  } else if (j->is_array()) {
    for (nlohmann::json& e : *j) DropTodaysKeys(&e);
  }
}

// A list as the release had it: only the items (by name) it had, for lists a
// newer release adds to by itself (an inbox the schedule writes to, default
// rules of new kinds).
void KeepItemsOf(const nlohmann::json& expected, const std::string& key, nlohmann::json* actual) {
  if (!actual->contains(key)) return;
  std::set<std::string> had;
  for (const nlohmann::json& n : expected.value(key, nlohmann::json::array())) {
    had.insert(n.value("name", ""));
  }
  nlohmann::json kept = nlohmann::json::array();
  for (const nlohmann::json& n : (*actual)[key]) {
    if (had.count(n.value("name", "")) > 0) kept.push_back(n);
  }
  if (kept.empty()) {
    actual->erase(key);  // JSON leaves an empty list out
  } else {
    (*actual)[key] = kept;
  }
}

// A release may add fields (contracts change only by addition): keeps in
// `actual` only what `expected` has, recursively through objects and through
// lists of the same length. A plan stored before the file's own digest was
// kept answered its normalized digest as sourceSha256; it is now its
// normalizedSha256 (and sourceSha256 is unknown, so absent).
void DropAdditions(nlohmann::json* expected, nlohmann::json* actual) {
  if (expected->is_object() && actual->is_object()) {
    if (expected->contains("sourceSha256") && !actual->contains("sourceSha256") &&
        actual->value("normalizedSha256", "") == (*expected)["sourceSha256"]) {
      (*expected)["normalizedSha256"] = (*expected)["sourceSha256"];
      expected->erase("sourceSha256");
    }
    for (auto it = actual->begin(); it != actual->end();) {
      if (!expected->contains(it.key())) {
        it = actual->erase(it);
      } else {
        DropAdditions(&(*expected)[it.key()], &it.value());
        ++it;
      }
    }
  } else if (expected->is_array() && actual->is_array() && expected->size() == actual->size()) {
    for (size_t i = 0; i < actual->size(); ++i) DropAdditions(&(*expected)[i], &(*actual)[i]);
  }
}

class UpgradeE2eTest : public ::testing::TestWithParam<std::string> {
 protected:
  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
};

TEST_P(UpgradeE2eTest, TheReleasesDataOpensAndAnswersTheSame) {
  const std::string fixture = GetParam();
  ASSERT_OK_AND_ASSIGN(CommandResult unpacked,
                       RunCommand({"/bin/tar", "-C", dir_.path(), "-xzf", fixture}));
  ASSERT_EQ(unpacked.exit_code, 0) << unpacked.stderr_text;
  const std::string data = dir_.path() + "/data/";
  const std::string answers = dir_.path() + "/answers/";

  auto on = [&](const std::string& name, ServerOptions options) {
    options.db_path = data + name;
    return options;
  };
  ASSERT_OK_AND_ASSIGN(const std::string registry, cluster_.Start("registry", on("registry", {})));
  ASSERT_OK_AND_ASSIGN(const std::string indicator_to_be, cluster_.Reserve("indicator"));
  ASSERT_OK_AND_ASSIGN(
      const std::string progress,
      cluster_.Start("progress", on("progress", Following({"registry", "indicator"}))));
  ASSERT_OK_AND_ASSIGN(
      const std::string indicator,
      cluster_.Start("indicator", on("indicator", Following({"registry", "progress"},
                                                            {"--evaluation_time=off"}))));
  ASSERT_OK_AND_ASSIGN(
      const std::string notification,
      cluster_.Start("notification",
                     on("notification", Following({"registry", "progress", "indicator"},
                                                  {"--schedule_interval=1h"}))));
  EXPECT_EQ(indicator, indicator_to_be);

  ASSERT_OK_AND_ASSIGN(const std::string reads, ReadFile(answers + "reads.txt"));
  int n = 0;
  for (absl::string_view line : absl::StrSplit(reads, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    ++n;
    std::vector<std::string> argv = {kCtl,         "--registry", registry,
                                     "--progress", progress,     "--indicator",
                                     indicator,    "--output",   "json"};
    const std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (words[0] == "notify") {
      argv.push_back("--notification");
      argv.push_back(notification);
    }
    argv.insert(argv.end(), words.begin(), words.end());
    ASSERT_OK_AND_ASSIGN(const std::string expected_text,
                         ReadFile(answers + std::to_string(n) + ".json"));
    ASSERT_OK_AND_ASSIGN(CommandResult answered, RunCommand(argv));
    ASSERT_EQ(answered.exit_code, 0) << line << ": " << answered.stderr_text;
    nlohmann::json expected = nlohmann::json::parse(expected_text);
    nlohmann::json actual = nlohmann::json::parse(answered.stdout_text);
    if (words[0] == "notify" && words.size() > 1 && words[1] == "inbox") {
      KeepItemsOf(expected, "notifications", &actual);
      for (nlohmann::json* j : {&expected, &actual}) {
        j->erase("nextPageToken");
        j->erase("unreadCount");  // counts what the schedule added too
      }
    }
    if (words[0] == "notify" && words.size() > 1 && words[1] == "rules") {
      KeepItemsOf(expected, "rules", &actual);  // a release adds the rules of its new kinds
    }
    DropTodaysKeys(&expected);
    DropTodaysKeys(&actual);
    DropAdditions(&expected, &actual);
    EXPECT_EQ(actual, expected) << "`ecoplanctl " << line << "` answers differently on the data of "
                                << fixture << "\nnow:  " << actual.dump().substr(0, 2000)
                                << "\nthen: " << expected.dump().substr(0, 2000);
  }
  EXPECT_GE(n, 10) << "reads.txt lost its reads";
}

std::vector<std::string> Fixtures() {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    if (absl::EndsWith(entry.path().string(), ".tar.gz")) found.push_back(entry.path().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

INSTANTIATE_TEST_SUITE_P(Releases, UpgradeE2eTest, ::testing::ValuesIn(Fixtures()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = std::filesystem::path(info.param).filename();
                           name = name.substr(0, name.find('.'));
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return "release_" + name;
                         });

}  // namespace
}  // namespace ecoplan::testing
