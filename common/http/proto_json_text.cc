#include "common/http/proto_json_text.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace ecoplan::common::proto_json {
namespace {

// Code points protobuf's printer writes as \u escapes besides the ASCII ones:
// C1 controls and the invisible format characters (soft hyphen, bidi marks,
// zero-width and tag characters) that could hide text in a browser.
bool EscapedCodePoint(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0xAD || (cp >= 0x600 && cp <= 0x603) || cp == 0x6DD ||
         cp == 0x70F || cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
         (cp >= 0x1D173 && cp <= 0x1D17A) || cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);
}

void AppendUnicodeEscape(uint32_t unit, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char escaped[6] = {'\\',
                           'u',
                           kHex[(unit >> 12) & 0xF],
                           kHex[(unit >> 8) & 0xF],
                           kHex[(unit >> 4) & 0xF],
                           kHex[unit & 0xF]};
  out->append(escaped, 6);
}

// The length of the UTF-8 sequence starting at s[i] and its code point; 0 when
// the bytes are not valid UTF-8 (then the byte is copied as it is, as protobuf does).
int DecodeUtf8(absl::string_view s, size_t i, uint32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (length == 0 || i + length > s.size()) return 0;
  uint32_t value = b & (0x7F >> length);
  for (int k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  *cp = value;
  return length;
}

// What a byte asks of the string writer: 0 copy it (plain ASCII, UTF-8
// continuation bytes, leads of sequences never escaped: CJK text), 1 escape it
// (ASCII), 2 it starts a sequence that may be one of the escaped code points
// (C2, D8, DB, DC, E1, E2, EF, F0, F3).
struct ByteClasses {
  unsigned char of[256];
  constexpr ByteClasses() : of() {
    for (int c = 0; c < 0x20; ++c) of[c] = 1;
    of[static_cast<unsigned char>('"')] = 1;
    of[static_cast<unsigned char>('\\')] = 1;
    of[static_cast<unsigned char>('<')] = 1;
    of[static_cast<unsigned char>('>')] = 1;
    of[0x7F] = 1;
    for (int c : {0xC2, 0xD8, 0xDB, 0xDC, 0xE1, 0xE2, 0xEF, 0xF0, 0xF3}) of[c] = 2;
  }
};
constexpr ByteClasses kByteClasses;

// The fraction of a second as protobuf writes it: none, or 3, 6 or 9 digits.
void AppendNanos(int32_t nanos, std::string* out) {
  if (nanos == 0) return;
  int digits = 9;
  if (nanos % 1000000 == 0) {
    nanos /= 1000000;
    digits = 3;
  } else if (nanos % 1000 == 0) {
    nanos /= 1000;
    digits = 6;
  }
  char fraction[10];
  fraction[0] = '.';
  for (int d = digits; d >= 1; --d, nanos /= 10) fraction[d] = static_cast<char>('0' + nanos % 10);
  out->append(fraction, digits + 1);
}

}  // namespace

void AppendJsonString(absl::string_view s, std::string* out) {
  out->push_back('"');
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* of = kByteClasses.of;
  size_t plain = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size();) {
    // Four bytes at a time through text that needs nothing.
    while (i + 4 <= s.size() &&
           (of[bytes[i]] | of[bytes[i + 1]] | of[bytes[i + 2]] | of[bytes[i + 3]]) == 0) {
      i += 4;
    }
    if (i >= s.size()) break;
    const unsigned char c = bytes[i];
    const unsigned char kind = of[c];
    if (kind == 0) {
      ++i;
      continue;
    }
    uint32_t cp = c;
    int length = 1;
    if (kind == 2) {
      length = DecodeUtf8(s, i, &cp);
      if (length == 0 || !EscapedCodePoint(cp)) {
        i += length == 0 ? 1 : length;
        continue;
      }
    }
    out->append(s.data() + plain, i - plain);
    switch (cp) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (cp >= 0x10000) {  // a surrogate pair
          AppendUnicodeEscape(0xD800 + ((cp - 0x10000) >> 10), out);
          AppendUnicodeEscape(0xDC00 + ((cp - 0x10000) & 0x3FF), out);
        } else {
          AppendUnicodeEscape(cp, out);
        }
    }
    i += length;
    plain = i;
  }
  out->append(s.data() + plain, s.size() - plain);
  out->push_back('"');
}

absl::Status AppendTimestamp(int64_t seconds, int32_t nanos, std::string* out) {
  // 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, as the JSON mapping allows.
  if (seconds < -62135596800 || seconds > 253402300799 || nanos < 0 || nanos > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat("a Timestamp out of the JSON range: ", seconds, " s ", nanos, " ns"));
  }
  out->push_back('"');
  out->append(
      absl::FormatTime("%4Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(seconds), absl::UTCTimeZone()));
  AppendNanos(nanos, out);
  out->append("Z\"");
  return absl::OkStatus();
}

absl::Status AppendDuration(int64_t seconds, int32_t nanos, std::string* out) {
  if (seconds < -315576000000 || seconds > 315576000000 || nanos < -999999999 ||
      nanos > 999999999 || (seconds < 0 && nanos > 0) || (seconds > 0 && nanos < 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("a Duration out of the JSON range: ", seconds, " s ", nanos, " ns"));
  }
  out->push_back('"');
  if (seconds < 0 || nanos < 0) out->push_back('-');
  absl::StrAppend(out, seconds < 0 ? -seconds : seconds);
  AppendNanos(nanos < 0 ? -nanos : nanos, out);
  out->append("s\"");
  return absl::OkStatus();
}

}  // namespace ecoplan::common::proto_json
