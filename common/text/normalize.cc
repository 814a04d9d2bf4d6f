#include "common/text/normalize.h"

#include <unicode/errorcode.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstdint>

namespace ecoplan::common {
namespace {

constexpr UChar32 kReplacement = 0xFFFD;

// Decodes the code point at `*i` and advances; ill-formed input yields U+FFFD.
UChar32 NextCodePoint(absl::string_view text, int32_t* i) {
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), *i, static_cast<int32_t>(text.size()), c);
  return c < 0 ? kReplacement : c;
}

void AppendUtf8(UChar32 c, std::string* out) {
  char buf[U8_MAX_LENGTH];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, U8_MAX_LENGTH, c, error);
  if (error) {
    AppendUtf8(kReplacement, out);
    return;
  }
  out->append(buf, static_cast<size_t>(len));
}

bool IsAsciiDigit(UChar32 c) { return c >= '0' && c <= '9'; }

// Full-width form of the ASCII punctuation that Chinese official documents
// write full-width, or 0 when `c` has none. These are the characters NFKC
// would fold to ASCII but that we keep full-width.
UChar32 ChineseFullWidth(UChar32 c) {
  switch (c) {
    case '(':
      return 0xFF08;
    case ')':
      return 0xFF09;
    case ',':
      return 0xFF0C;
    case ':':
      return 0xFF1A;
    case ';':
      return 0xFF1B;
    case '!':
      return 0xFF01;
    case '?':
      return 0xFF1F;
    default:
      return 0;
  }
}

// The NFKC fold of one code point of the half-width/full-width forms block,
// or the code point itself when NFKC leaves it alone.
std::u32string FoldCompatibilityForm(UChar32 c, const icu::Normalizer2& nfkc) {
  icu::UnicodeString in(c);
  icu::ErrorCode status;
  icu::UnicodeString out = nfkc.normalize(in, status);
  std::u32string result;
  if (status.isFailure()) return std::u32string(1, static_cast<char32_t>(c));
  for (int32_t i = 0; i < out.length();) {
    UChar32 d = out.char32At(i);
    result.push_back(static_cast<char32_t>(d));
    i += U16_LENGTH(d);
  }
  return result;
}

// Decodes UTF-8 into code points (ill-formed sequences → U+FFFD).
std::u32string Decode(absl::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  int32_t i = 0;
  while (i < static_cast<int32_t>(text.size())) {
    out.push_back(static_cast<char32_t>(NextCodePoint(text, &i)));
  }
  return out;
}

// Puts `text` (valid UTF-8 after decoding) in NFC with ICU. NFC never changes
// line feeds, and CJK text is almost always already NFC, so check first.
std::string ToNfc(const std::string& text) {
  icu::ErrorCode status;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (status.isFailure()) return text;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (nfc->isNormalized(u, status) && status.isSuccess()) return text;
  status.reset();
  icu::UnicodeString n = nfc->normalize(u, status);
  if (status.isFailure()) return text;
  std::string out;
  n.toUTF8String(out);
  return out;
}

// Rewrites "[2026]1号", "【2026】1号", "(2026)1号", "（2026）1号" to "〔2026〕1号".
void CanonicalizeDocumentNumberBrackets(std::u32string* s) {
  for (size_t i = 0; i + 6 < s->size() + 1; ++i) {
    char32_t open = (*s)[i];
    char32_t close;
    if (open == U'[') {
      close = U']';
    } else if (open == U'【') {
      close = U'】';
    } else if (open == U'（') {  // ASCII '(' was already made full-width
      close = U'）';
    } else if (open == U'〔') {
      continue;
    } else {
      continue;
    }
    if (i + 5 >= s->size()) break;
    bool year = true;
    for (size_t k = 1; k <= 4; ++k) year = year && IsAsciiDigit(static_cast<UChar32>((*s)[i + k]));
    if (!year || (*s)[i + 5] != close) continue;
    // Must be followed by a number and 号 to be a document number.
    size_t j = i + 6;
    while (j < s->size() && IsAsciiDigit(static_cast<UChar32>((*s)[j]))) ++j;
    if (j == i + 6 || j >= s->size() || (*s)[j] != U'号') continue;
    (*s)[i] = U'〔';
    (*s)[i + 5] = U'〕';
  }
}

}  // namespace

std::string NormalizeDocumentText(absl::string_view text) {
  if (text.size() >= 3 && static_cast<uint8_t>(text[0]) == 0xEF &&
      static_cast<uint8_t>(text[1]) == 0xBB && static_cast<uint8_t>(text[2]) == 0xBF) {
    text.remove_prefix(3);
  }
  icu::ErrorCode status;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);

  std::u32string in = Decode(text);
  std::u32string out;
  out.reserve(in.size());
  bool quote_open = false;
  for (size_t i = 0; i < in.size(); ++i) {
    UChar32 c = static_cast<UChar32>(in[i]);
    if (c == '\r') {
      // CRLF → LF; a lone CR is an old Mac line end → LF.
      if (i + 1 < in.size() && in[i + 1] == U'\n') continue;
      c = '\n';
    }
    if (c == '\n') quote_open = false;
    // Fold the full-width/half-width forms block first, then treat the
    // result as if it had been typed in ASCII, so that "（" and "(" and
    // "﹙" all end up identical.
    std::u32string folded;
    if (c >= 0xFF01 && c <= 0xFFEF && nfkc != nullptr && status.isSuccess()) {
      folded = FoldCompatibilityForm(c, *nfkc);
    } else if (c == 0xFE59 || c == 0xFE5A) {  // small parentheses
      folded = std::u32string(1, c == 0xFE59 ? U'(' : U')');
    } else {
      folded = std::u32string(1, static_cast<char32_t>(c));
    }
    for (char32_t f32 : folded) {
      UChar32 f = static_cast<UChar32>(f32);
      if (f == 0x2015) f = 0x2014;
      if (f == '"') {
        f = quote_open ? 0x201D : 0x201C;
        quote_open = !quote_open;
      } else if (UChar32 full = ChineseFullWidth(f); full != 0) {
        bool between_digits = (f == ',' || f == ':') && !out.empty() &&
                              IsAsciiDigit(static_cast<UChar32>(out.back())) && i + 1 < in.size() &&
                              IsAsciiDigit(static_cast<UChar32>(in[i + 1]));
        if (!between_digits) f = full;
      }
      out.push_back(static_cast<char32_t>(f));
    }
  }
  CanonicalizeDocumentNumberBrackets(&out);

  std::string utf8;
  utf8.reserve(text.size());
  for (char32_t c : out) AppendUtf8(static_cast<UChar32>(c), &utf8);
  return ToNfc(utf8);
}

size_t FirstInvalidUtf8Offset(absl::string_view text) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(text.size());
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, n, c);
    if (c < 0) return static_cast<size_t>(start);
  }
  return text.size();
}

bool IsValidUtf8(absl::string_view text) { return FirstInvalidUtf8Offset(text) == text.size(); }

std::optional<size_t> ValidUtf8Length(absl::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  size_t count = 0;
  int32_t i = 0;
  while (i < n) {
    if (bytes[i] < 0x80) {
      ++i;
    } else {
      UChar32 c;
      U8_NEXT(bytes, i, n, c);
      if (c < 0) return std::nullopt;
    }
    ++count;
  }
  return count;
}

size_t Utf8Length(absl::string_view text) {
  size_t count = 0;
  int32_t i = 0;
  while (i < static_cast<int32_t>(text.size())) {
    NextCodePoint(text, &i);
    ++count;
  }
  return count;
}

absl::string_view TrimDocumentSpace(absl::string_view text) {
  auto space_prefix = [](absl::string_view s) -> size_t {
    if (s.empty()) return 0;
    if (s[0] == ' ' || s[0] == '\t') return 1;
    if (s.size() >= 3 && s.substr(0, 3) == "\xE3\x80\x80") return 3;  // U+3000
    if (s.size() >= 2 && s.substr(0, 2) == "\xC2\xA0") return 2;      // U+00A0
    return 0;
  };
  auto space_suffix = [](absl::string_view s) -> size_t {
    if (s.empty()) return 0;
    if (s.back() == ' ' || s.back() == '\t') return 1;
    if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") return 3;
    if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") return 2;
    return 0;
  };
  for (size_t n = space_prefix(text); n > 0; n = space_prefix(text)) text.remove_prefix(n);
  for (size_t n = space_suffix(text); n > 0; n = space_suffix(text)) text.remove_suffix(n);
  return text;
}

}  // namespace ecoplan::common
