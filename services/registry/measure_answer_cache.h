#pragma once

// MeasureAnswerCache: the answer of a ListMeasures page as bytes, from each
// measure encoded once per plan version instead of once per call.
//
// A page of 50 measures is ≈ 55 kB of texts, organizations and checkpoints;
// building the 50 v1::Measure messages, serializing them (protobuf checks
// every string's UTF-8 again) and freeing them was ≈ 60 % of the registry's
// CPU per page (docs/PERFORMANCE.md, "A ListMeasures page from bytes kept per
// plan version"). A plan version is immutable (TaskRegistry publishes a new
// snapshot for every change of a plan), so each of its measures has one
// encoding, kept here the first time a page shows it and copied into every
// later page that shows it.
//
// Keys and invalidation: one entry per plan id, holding the version it was
// made for — the page's MeasurePage::keep_alive, the plan's immutable
// snapshot — as a weak pointer, and each measure's encoding keyed by the
// measure's address in that snapshot. A page of another version (the
// snapshot is a different object) replaces the entry: a new plan version is
// never answered from the old one's bytes. The entry does not keep an old
// snapshot alive; while a page is encoded its own keep_alive does.
//
// Bounds: at most `max_plans` entries (a new plan past that drops an
// arbitrary one: there are a few plans, one imported a year) and at most
// `max_bytes_per_plan` bytes of encodings per entry (past that, measures are
// encoded for the page only, as without the cache).
//
// Thread-safe; pages are encoded concurrently (reader locks on hits).
//
//   EncodedMeasurePage encoded = cache.Encode(plan_id, page);
//   std::string bytes = encoded.ToString();  // == ListMeasuresResponse bytes

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "ecoplan/registry/v1/registry_service.pb.h"
#include "services/registry/domain/measure_query.h"

namespace ecoplan::registry {

class MeasureAnswerCache;

// A serialized v1::ListMeasuresResponse in pieces: copy them out with CopyTo
// (size() bytes) or ToString. Keeps the cached encodings it points into alive.
class EncodedMeasurePage {
 public:
  EncodedMeasurePage() = default;
  // Move-only: the pieces point into own_, whose strings a move keeps in place.
  EncodedMeasurePage(EncodedMeasurePage&&) = default;
  EncodedMeasurePage& operator=(EncodedMeasurePage&&) = default;
  EncodedMeasurePage(const EncodedMeasurePage&) = delete;
  EncodedMeasurePage& operator=(const EncodedMeasurePage&) = delete;

  size_t size() const { return size_; }
  // Writes the size() bytes of the answer to `out`.
  void CopyTo(char* out) const;
  std::string ToString() const;

 private:
  friend class MeasureAnswerCache;
  void Add(absl::string_view piece);

  std::vector<absl::string_view> pieces_;
  size_t size_ = 0;
  std::shared_ptr<const void> holds_;  // the cache entry the pieces point into, if any
  std::deque<std::string> own_;        // encodings made for this page only (stable addresses)
};

class MeasureAnswerCache {
 public:
  struct Options {
    size_t max_plans = 16;
    size_t max_bytes_per_plan = size_t{64} << 20;
  };
  MeasureAnswerCache() : MeasureAnswerCache(Options()) {}
  explicit MeasureAnswerCache(Options options);

  // The answer for `page` of plan `plan_id`: byte for byte the serialization of
  // FreshListMeasuresResponse(plan_id, page). Pages without keep_alive (no
  // version to key on) are encoded without the cache. `page` must stay alive
  // while this runs (the result does not need it).
  EncodedMeasurePage Encode(absl::string_view plan_id, const MeasurePage& page);

  // Entries held now, and measures encoded so far (kept or not): for tests.
  size_t plan_count() const;
  uint64_t measures_encoded() const { return measures_encoded_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    explicit Entry(std::weak_ptr<const void> v) : version(std::move(v)) {}
    const std::weak_ptr<const void> version;
    mutable absl::Mutex mu;
    // Each measure's field-1 record (tag, length, v1::Measure) by its address in the snapshot.
    absl::node_hash_map<const Measure*, std::string> encoded ABSL_GUARDED_BY(mu);
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
  };

  // The entry for `plan_id` at `version`, made (and an older one replaced) if needed.
  std::shared_ptr<Entry> EntryFor(absl::string_view plan_id,
                                  const std::shared_ptr<const void>& version);

  const Options options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> measures_encoded_{0};
};

// The answer as built without the cache: one v1::Measure per page entry
// (ToProto with its task), then the page token and total size.
v1::ListMeasuresResponse FreshListMeasuresResponse(absl::string_view plan_id,
                                                   const MeasurePage& page);

}  // namespace ecoplan::registry
