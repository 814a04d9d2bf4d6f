#pragma once

#include <atomic>
#include <string>

#include "absl/time/time.h"
#include "services/progress/domain/model.h"

namespace ecoplan::progress {

// The serialized v1.Report of one report change, exactly the bytes that
// RocksDbReportStore framed into the change's records (current record,
// revision snapshot, event payload), and which report state they encode.
//
// Written at most once, by the thread that builds the change's write, before
// the write is handed to the committer; read after the commit (on the
// committer thread), so a reader that sees ready() sees the bytes.
class SerializedReport {
 public:
  // Keeps `bytes` as the encoding of `report`, unless bytes were kept
  // already (only the first change built under a scope is kept).
  void Keep(const Report& report, std::string&& bytes) {
    bool expected = false;
    if (!taken_.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) return;
    plan_id_ = report.plan_id;
    org_id_ = report.org_id;
    period_ = report.period;
    revision_ = report.revision;
    update_time_ = report.update_time;
    bytes_ = std::move(bytes);
    ready_.store(true, std::memory_order_release);
  }

  // Whether the kept bytes encode `report`: the same report at the same
  // revision and update time. A revision of a report is committed once, so
  // these fields name one state.
  bool Encodes(const Report& report) const {
    return ready_.load(std::memory_order_acquire) && revision_ == report.revision &&
           update_time_ == report.update_time && plan_id_ == report.plan_id &&
           org_id_ == report.org_id && period_ == report.period;
  }

  // The kept bytes, to move out once Encodes() said they are the answer's.
  std::string& bytes() { return bytes_; }

 private:
  std::atomic<bool> taken_{false};
  std::atomic<bool> ready_{false};
  std::string plan_id_;
  std::string org_id_;
  std::string period_;
  int revision_ = 0;
  absl::Time update_time_;
  std::string bytes_;
};

// While alive on a thread, the report a RocksDbReportStore serializes for a
// change built on this thread is kept in `sink` (SerializedReport::Keep), so
// that the SubmitReport handler, which opens the scope around the recorder's
// call, answers with those bytes instead of converting and serializing the
// report again. A change built on another thread (the report's key was held
// by an earlier write, so the recorder continued on the committer thread)
// keeps nothing, and the handler converts the report as before. Scopes nest
// (the inner one wins until it ends). Not movable; ends on its thread.
class ReportBytesScope {
 public:
  explicit ReportBytesScope(SerializedReport* sink) : previous_(current_) { current_ = sink; }
  ~ReportBytesScope() { current_ = previous_; }
  ReportBytesScope(const ReportBytesScope&) = delete;
  ReportBytesScope& operator=(const ReportBytesScope&) = delete;

  // The sink of the innermost scope on this thread, or null.
  static SerializedReport* Current() { return current_; }

 private:
  SerializedReport* const previous_;
  static inline thread_local SerializedReport* current_ = nullptr;
};

}  // namespace ecoplan::progress
