#include "common/time/offset_file_clock.h"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"

namespace ecoplan::common {

OffsetFileClock::OffsetFileClock(const Clock* base, std::string path)
    : base_(base), path_(std::move(path)) {}

absl::Time OffsetFileClock::Now() const {
  std::ifstream in(path_);
  int64_t seconds = 0;
  bool parsed = false;
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    absl::string_view value = absl::StripAsciiWhitespace(text.str());
    absl::ConsumePrefix(&value, "+");  // SimpleAtoi takes "-" but not "+"
    parsed = absl::SimpleAtoi(value, &seconds);
  }
  absl::MutexLock lock(&mu_);
  if (parsed) offset_ = absl::Seconds(seconds);
  return base_->Now() + offset_;
}

absl::Duration OffsetFileClock::offset() const {
  absl::MutexLock lock(&mu_);
  return offset_;
}

}  // namespace ecoplan::common
