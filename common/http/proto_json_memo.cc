#include "common/http/proto_json_memo.h"

#include "absl/hash/hash.h"

namespace ecoplan::common::proto_json {

JsonMemo& JsonMemo::ForThisThread() {
  thread_local JsonMemo memo;
  return memo;
}

size_t JsonMemo::Hash(absl::string_view bytes) { return absl::Hash<absl::string_view>{}(bytes); }

const std::string* JsonMemo::Find(const void* type, absl::string_view bytes, size_t hash) const {
  auto it = entries_.find(Key(type, hash));
  if (it == entries_.end() || it->second.bytes != bytes) return nullptr;
  return &it->second.json;
}

void JsonMemo::Offer(const void* type, absl::string_view bytes, size_t hash,
                     absl::string_view json) {
  const Key key(type, hash);
  if (seen_once_.insert(key).second) {
    // Bounded like the entries: a stream of values never seen twice does not grow it.
    if (seen_once_.size() > kBudgetBytes / kMinBytes) {
      seen_once_.clear();
      seen_once_.insert(key);
    }
    return;
  }
  const size_t size = bytes.size() + json.size();
  if (size > kBudgetBytes / 4) return;
  if (kept_bytes_ + size > kBudgetBytes) {
    entries_.clear();
    kept_bytes_ = 0;
  }
  Entry& entry = entries_[key];
  kept_bytes_ -= entry.bytes.size() + entry.json.size();  // a hash collision replaces
  entry.bytes.assign(bytes.data(), bytes.size());
  entry.json.assign(json.data(), json.size());
  kept_bytes_ += size;
}

void JsonMemo::Clear() {
  entries_.clear();
  seen_once_.clear();
  kept_bytes_ = 0;
}

}  // namespace ecoplan::common::proto_json
