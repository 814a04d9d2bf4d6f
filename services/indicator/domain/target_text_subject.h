#pragma once

// Readable subjects for the targets of measure texts (target_text.h): asides,
// years, leading verbs and trailing adverbs dropped; the noun a count's unit
// counts; verbs written before their object turned around. Internal to
// target_text.cc.

#include <string>

#include "absl/strings/string_view.h"

namespace ecoplan::indicator::target_text_internal {

// Drops parenthesized asides: "建筑垃圾（不包括工程渣土）产生量" → "建筑垃圾产生量".
std::string WithoutAsides(absl::string_view s);

// A readable subject from the words before a comparator: "确保城镇供水管网漏损率稳定"
// → "城镇供水管网漏损率". Never spans a clause; may be empty.
std::string CleanSubject(absl::string_view raw);

// The subject with the noun its unit counts, unless it already names one:
// ("新增绿色汽修企业", "家") → "新增绿色汽修企业家数"; "%" → 比例.
std::string Named(std::string subject, absl::string_view unit);

// "应用尽用建筑垃圾再生产品" → "建筑垃圾再生产品应用"; other phrases unchanged.
std::string Inverted(absl::string_view phrase);

}  // namespace ecoplan::indicator::target_text_internal
