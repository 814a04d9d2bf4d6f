#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace ecoplan::common {

// 8 bytes, big-endian, so that byte order equals numeric order in RocksDB.
std::string EncodeUint64(uint64_t value);
// Decodes 8 big-endian bytes; nullopt when `bytes` is not 8 bytes long.
std::optional<uint64_t> DecodeUint64(absl::string_view bytes);

// "prefix/part1/part2…": the separator is '/', which ids never contain.
std::string Key(absl::string_view prefix, absl::string_view id);
std::string Key(absl::string_view prefix, absl::string_view id1, absl::string_view id2);

// The smallest key greater than every key starting with `prefix` (for iterator upper bounds).
// Empty when there is none (`prefix` empty or all 0xff bytes): then use no upper bound.
std::string PrefixEnd(absl::string_view prefix);

}  // namespace ecoplan::common
