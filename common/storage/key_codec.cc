#include "common/storage/key_codec.h"

#include "absl/strings/str_cat.h"

namespace ecoplan::common {

std::string EncodeUint64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

std::optional<uint64_t> DecodeUint64(absl::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

std::string Key(absl::string_view prefix, absl::string_view id) {
  return absl::StrCat(prefix, "/", id);
}

std::string Key(absl::string_view prefix, absl::string_view id1, absl::string_view id2) {
  return absl::StrCat(prefix, "/", id1, "/", id2);
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  // Drop trailing 0xff bytes (they cannot be incremented), then increment the
  // last remaining byte.
  while (!end.empty() && static_cast<uint8_t>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
  return end;
}

}  // namespace ecoplan::common
