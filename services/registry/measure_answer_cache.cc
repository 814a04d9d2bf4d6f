#include "services/registry/measure_answer_cache.h"

#include <cstring>
#include <utility>

#include "services/registry/proto_mapping.h"

namespace ecoplan::registry {
namespace {

// The measure as a ListMeasuresResponse's field 1 record (tag, length,
// message): serializing a response of that one measure writes exactly the
// bytes a response of many writes for it, since protobuf writes a message's
// fields in number order and the measures are field 1.
std::string EncodeMeasureRecord(absl::string_view plan_id, const Measure& measure,
                                const Task* task) {
  v1::ListMeasuresResponse one;
  *one.add_measures() = ToProto(plan_id, measure, task);
  return one.SerializeAsString();
}

// Fields 2 and 3, which follow every measure.
std::string EncodeTail(const MeasurePage& page) {
  v1::ListMeasuresResponse tail;
  tail.set_next_page_token(page.next_page_token);
  tail.set_total_size(page.total_size);
  return tail.SerializeAsString();
}

}  // namespace

void EncodedMeasurePage::Add(absl::string_view piece) {
  pieces_.push_back(piece);
  size_ += piece.size();
}

void EncodedMeasurePage::CopyTo(char* out) const {
  for (absl::string_view piece : pieces_) {
    if (piece.empty()) continue;
    std::memcpy(out, piece.data(), piece.size());
    out += piece.size();
  }
}

std::string EncodedMeasurePage::ToString() const {
  std::string out(size_, '\0');
  CopyTo(out.data());
  return out;
}

MeasureAnswerCache::MeasureAnswerCache(Options options) : options_(options) {}

size_t MeasureAnswerCache::plan_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return entries_.size();
}

std::shared_ptr<MeasureAnswerCache::Entry> MeasureAnswerCache::EntryFor(
    absl::string_view plan_id, const std::shared_ptr<const void>& version) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = entries_.find(plan_id);
    // Same object as the entry's version, and that object alive (the page
    // holds it): the same snapshot, never a later one at a reused address.
    if (it != entries_.end() && it->second->version.lock() == version) return it->second;
  }
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(plan_id);
  if (it != entries_.end()) {
    if (it->second->version.lock() == version) return it->second;  // made meanwhile
    entries_.erase(it);  // an older (or, in a race, newer) version: replaced
  }
  if (options_.max_plans == 0) return std::make_shared<Entry>(version);  // not kept
  if (entries_.size() >= options_.max_plans) entries_.erase(entries_.begin());
  auto entry = std::make_shared<Entry>(version);
  entries_.emplace(std::string(plan_id), entry);
  return entry;
}

EncodedMeasurePage MeasureAnswerCache::Encode(absl::string_view plan_id, const MeasurePage& page) {
  EncodedMeasurePage out;
  const size_t n = page.measures.size();
  std::vector<absl::string_view> pieces(n);
  std::vector<size_t> missing;
  std::shared_ptr<Entry> entry;
  if (page.keep_alive != nullptr) entry = EntryFor(plan_id, page.keep_alive);
  if (entry != nullptr) {
    absl::ReaderMutexLock lock(&entry->mu);
    for (size_t i = 0; i < n; ++i) {
      auto it = entry->encoded.find(page.measures[i].first);
      if (it == entry->encoded.end()) {
        missing.push_back(i);
      } else {
        pieces[i] = it->second;  // node_hash_map: the string never moves
      }
    }
  } else {
    for (size_t i = 0; i < n; ++i) missing.push_back(i);
  }
  if (!missing.empty()) {
    // Encoded without a lock held; kept (unless another call kept the same
    // measure meanwhile, or the entry is full) under the writer lock.
    measures_encoded_.fetch_add(missing.size(), std::memory_order_relaxed);
    std::vector<std::string> made;
    made.reserve(missing.size());
    for (size_t i : missing) {
      made.push_back(
          EncodeMeasureRecord(plan_id, *page.measures[i].first, page.measures[i].second));
    }
    if (entry == nullptr) {
      for (size_t k = 0; k < missing.size(); ++k) {
        pieces[missing[k]] = out.own_.emplace_back(std::move(made[k]));
      }
    } else {
      absl::MutexLock lock(&entry->mu);
      for (size_t k = 0; k < missing.size(); ++k) {
        const size_t i = missing[k];
        const Measure* key = page.measures[i].first;
        auto it = entry->encoded.find(key);
        if (it != entry->encoded.end()) {
          pieces[i] = it->second;
        } else if (entry->bytes + made[k].size() <= options_.max_bytes_per_plan) {
          entry->bytes += made[k].size();
          pieces[i] = entry->encoded.emplace(key, std::move(made[k])).first->second;
        } else {
          pieces[i] = out.own_.emplace_back(std::move(made[k]));
        }
      }
    }
  }
  out.holds_ = std::move(entry);
  out.pieces_.reserve(n + 1);
  for (absl::string_view piece : pieces) out.Add(piece);
  out.Add(out.own_.emplace_back(EncodeTail(page)));
  return out;
}

v1::ListMeasuresResponse FreshListMeasuresResponse(absl::string_view plan_id,
                                                   const MeasurePage& page) {
  v1::ListMeasuresResponse response;
  for (const auto& [measure, task] : page.measures) {
    *response.add_measures() = ToProto(plan_id, *measure, task);
  }
  response.set_next_page_token(page.next_page_token);
  response.set_total_size(page.total_size);
  return response;
}

}  // namespace ecoplan::registry
