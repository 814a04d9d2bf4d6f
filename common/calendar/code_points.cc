#include "common/calendar/code_points.h"

#include <unicode/utf8.h>

#include <cstdint>

namespace ecoplan::common {

CodePoints DecodeCodePoints(absl::string_view text) {
  CodePoints out;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    out.byte_offsets.push_back(static_cast<size_t>(i));
    UChar32 c;
    U8_NEXT(s, i, length, c);
    out.cps.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
  }
  out.byte_offsets.push_back(text.size());
  return out;
}

}  // namespace ecoplan::common
