#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/events/event_follower.h"
#include "common/log/log.h"
#include "ecoplan/common/v1/event.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/progress_mapping.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {

// The handler of the EventFollower on the progress service's WatchEvents:
// maps each event (ProgressUpdateFromEvent, progress_mapping.h) and returns the evaluator's
// PrepareProgress change as `store`'s write (FollowEffectOf), committed by the
// follower with its cursor in one batch. An event of a plan the indicator service has not built yet
// (its registry follower lags behind) fails with Unavailable, so the follower delivers it again
// after its backoff instead of losing the values.
//
// CalendarChanged and HolidaysLoaded are kept too (PrepareCalendar,
// PrepareHolidays), whether the plan is built or not: the lights count the
// monthly periods the progress service's calendar makes due. Since a cursor
// may already be past a year's HolidaysLoaded or a plan's CalendarChanged
// (events older versions skipped), the current and the next year's holidays
// (GetHolidays) and the calendars set for the known plans
// (GetReportingCalendar) are read before the first stream (WithStartSync) and
// committed through the evaluator (CommitEffectNow).
// `evaluator` and `store` must outlive it.
class ProgressFollower {
 public:
  ProgressFollower(IndicatorEvaluator* evaluator, const RocksDbIndicatorStore* store,
                   common::Logger log);

  // Errors (the event is delivered again later): InvalidArgument (payload),
  // Unavailable (plan not built yet), storage errors.
  absl::StatusOr<common::FollowEffect> Handle(const ecoplan::common::v1::Event& event);

  // Reads the holidays of `year` and `year + 1` from the progress service and
  // stores those that differ from the known ones (a year not loaded there is
  // skipped). Blocking; on the follower's thread before a stream opens.
  // Errors: Unavailable and DeadlineExceeded (try again later), storage errors.
  absl::Status SyncHolidays(ecoplan::progress::v1::ProgressService::StubInterface* progress,
                            int year, absl::Duration timeout);

  // Reads the calendar of every plan the evaluator knows and stores those an
  // administrator set that differ from the known ones. Blocking. Errors: as
  // SyncHolidays.
  absl::Status SyncCalendars(ecoplan::progress::v1::ProgressService::StubInterface* progress,
                             absl::Duration timeout);

  // An opener that runs SyncHolidays (for the current year in Asia/Shanghai
  // by `now`) and SyncCalendars until they have succeeded once (or failed
  // other than Unavailable / DeadlineExceeded), then opens the stream with `open`.
  common::StreamOpener WithStartSync(
      common::StreamOpener open, ecoplan::progress::v1::ProgressService::StubInterface* progress,
      std::function<absl::Time()> now, absl::Duration timeout);

 private:
  IndicatorEvaluator* const evaluator_;
  const RocksDbIndicatorStore* const store_;
  common::Logger log_;
  bool start_synced_ = false;  // the follower's thread only
};

}  // namespace ecoplan::indicator
