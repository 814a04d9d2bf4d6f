#pragma once

// A text as Unicode code points with the byte offset of each, so that what is
// found on code points (deadline words, dates, checkpoints) can be reported as
// byte ranges of the original. Internal to common_calendar.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace ecoplan::common {

struct CodePoints {
  std::u32string cps;                // malformed UTF-8 reads as U+FFFD
  std::vector<size_t> byte_offsets;  // of each code point; one more entry: the text's size
};

CodePoints DecodeCodePoints(absl::string_view text);

}  // namespace ecoplan::common
