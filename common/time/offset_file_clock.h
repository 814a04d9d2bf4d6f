#pragma once

#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace ecoplan::common {

// Development only (--clock_offset_file, refused without
// --insecure_development_mode): the base clock plus an offset read from a file
// at every Now(), so a test can step the wall clock of a running server forward
// and back ("-600" = ten minutes back, "+172800" = two days ahead; whole
// seconds, optional sign, surrounding whitespace ignored). A missing or
// unreadable file, or one that does not parse, keeps the last offset read
// (zero at first). Thread-safe.
class OffsetFileClock final : public Clock {
 public:
  // `base` is not owned and must outlive the clock.
  OffsetFileClock(const Clock* base, std::string path);

  absl::Time Now() const override;

  // The offset in force (as of the last Now()).
  absl::Duration offset() const;

 private:
  const Clock* const base_;
  const std::string path_;
  mutable absl::Mutex mu_;
  mutable absl::Duration offset_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
};

}  // namespace ecoplan::common
