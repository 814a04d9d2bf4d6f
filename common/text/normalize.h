#pragma once

// Canonical form of plan documents before parsing, plus small UTF-8 helpers.
//
// NormalizeDocumentText makes byte-different renderings of the same document
// (saved with CRLF, with a byte-order mark, typed with half-width or full-width
// punctuation) compare equal, so that their hashes and parse results agree.
// It never adds or removes a line feed except by turning CRLF / CR into LF, so
// line N of the original is line N of the result.

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace ecoplan::common {

// Returns the canonical form of `text`:
//  - a leading UTF-8 byte-order mark is removed; CRLF and lone CR become LF;
//  - the text is put in Unicode NFC (ICU);
//  - full-width ASCII forms (U+FF01..U+FF5E) and half-width CJK forms
//    (U+FF61..U+FFEF) are folded as NFKC folds them (ＰＭ２．５ → PM2.5,
//    ％ → %, ｡ → 。), EXCEPT the Chinese punctuation the documents use, which
//    is canonical in its full-width form: （ ） ， ： ； ！ ？;
//  - their ASCII variants are turned into that full-width form: ( ) ; ! ? always,
//    "," and ":" unless between two ASCII digits (1,000 and 8:30 stay);
//  - straight double quotes become “ and ” alternately within a line;
//  - U+2015 HORIZONTAL BAR becomes U+2014 EM DASH (―― is a common rendering of ——);
//  - a bracketed year in a document number ([2026]1号, 【2026】1号, (2026)1号) gets the
//    official tortoise-shell brackets 〔2026〕1号.
// Other characters are kept (Ⅴ, ①, ℃, 〔〕, 《》, 〈〉, 、, 。, “”, —, ★ ...): a full NFKC
// would change their meaning (劣Ⅴ类 → 劣V类). Ill-formed UTF-8 sequences are replaced by
// U+FFFD; check IsValidUtf8 first when that matters. Idempotent.
std::string NormalizeDocumentText(absl::string_view text);

// True when `text` is well-formed UTF-8 (no surrogates, no overlong forms).
bool IsValidUtf8(absl::string_view text);

// Byte offset of the first ill-formed sequence, or text.size() when valid.
size_t FirstInvalidUtf8Offset(absl::string_view text);

// Number of code points in `text`; an ill-formed sequence counts as one.
size_t Utf8Length(absl::string_view text);

// Number of code points in `text` when it is well-formed UTF-8 (as IsValidUtf8), else nullopt:
// a text field's two checks, validity and length, in one pass over it.
std::optional<size_t> ValidUtf8Length(absl::string_view text);

// Removes leading and trailing white space: ASCII spaces and tabs, U+3000
// IDEOGRAPHIC SPACE and U+00A0 NO-BREAK SPACE.
absl::string_view TrimDocumentSpace(absl::string_view text);

}  // namespace ecoplan::common
