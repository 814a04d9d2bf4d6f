#pragma once

// The JSON of message values AppendWireJson printed before, kept per thread.
// A page of measures asked for again (the command center polls the same
// lists) then costs a lookup per measure instead of printing it. The JSON of
// a value is a function of its type and its bytes alone, so a hit — the same
// type and the same bytes, compared in full — is exactly what printing would
// write. Internal to common/http.

#include <cstddef>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common::proto_json {

class JsonMemo {
 public:
  // Smaller values print faster than they are looked up.
  static constexpr size_t kMinBytes = 256;
  // Bytes and JSON kept per thread; past it the memo starts empty again.
  static constexpr size_t kBudgetBytes = 4 << 20;

  // The calling thread's memo.
  static JsonMemo& ForThisThread();

  static size_t Hash(absl::string_view bytes);

  // The JSON kept for `bytes` of `type`, or nullptr.
  const std::string* Find(const void* type, absl::string_view bytes, size_t hash) const;
  // Keeps `json` as the JSON of `bytes` of `type` the second time it is
  // offered (the first time only the hash is noted: a value seen once, like
  // most single answers, costs no copy).
  void Offer(const void* type, absl::string_view bytes, size_t hash, absl::string_view json);

  size_t kept_bytes() const { return kept_bytes_; }
  // Forgets everything (benchmarks: the cost of a first print).
  void Clear();

 private:
  using Key = std::pair<const void*, size_t>;
  struct Entry {
    std::string bytes;
    std::string json;
  };
  absl::flat_hash_map<Key, Entry> entries_;
  absl::flat_hash_set<Key> seen_once_;
  size_t kept_bytes_ = 0;
};

}  // namespace ecoplan::common::proto_json
