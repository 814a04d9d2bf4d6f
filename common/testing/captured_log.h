#pragma once

// A Logger whose lines a test reads back:
//
//   CapturedLog log;
//   DoSomething(log.logger());
//   EXPECT_TRUE(absl::StrContains(log.text(), "\"cannot open database\"")) << log.text();

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log.h"

namespace ecoplan::common {

class CapturedLog {
 public:
  explicit CapturedLog(std::string service = "test") : service_(std::move(service)) {}

  // A logger writing here; `this` must outlive it and its copies.
  Logger logger() {
    return Logger(service_, [this](absl::string_view line) {
      absl::MutexLock lock(&mu_);
      lines_.emplace_back(line);
    });
  }
  // Every line so far, joined with newlines. Thread-safe.
  std::string text() const {
    absl::MutexLock lock(&mu_);
    return absl::StrJoin(lines_, "\n");
  }

 private:
  const std::string service_;
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_;
};

}  // namespace ecoplan::common
