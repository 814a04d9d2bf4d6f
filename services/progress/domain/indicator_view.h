#pragma once

// The progress service's local view of the indicator service: per plan, the
// indicators of each measure (from IndicatorChanged) and each indicator's
// latest status with the facts it rests on (from IndicatorStatusChanged). Fed
// from the indicator service's WatchEvents (services/progress/
// indicator_view_updater.h); never fetched inside a request. Used to check a
// completion against the data before the bureau confirms it
// (CheckCompletionAgainstIndicators).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"

namespace ecoplan::progress {

// Where an indicator stands (the indicator service's IndicatorStatus; kUnknown
// until its first status event).
enum class IndicatorState {
  kUnknown = 0,
  kAchieved = 1,
  kOnTrack = 2,
  kAtRisk = 3,
  kOffTrack = 4,
  kInsufficientData = 5
};

// "ON_TRACK", "OFF_TRACK", "NOT_EVALUATED" (kUnknown), ...
absl::string_view IndicatorStateName(IndicatorState state);

// One indicator as the progress service knows it.
struct IndicatorFacts {
  std::string plan_id;
  std::string id;                        // "m-a1-t2-m3-1", "a4-pm25"
  std::string display_name;              // "PM2.5年均浓度"
  std::string unit;                      // "%", "微克/立方米"
  std::vector<std::string> measure_ids;  // measures it belongs to, e.g. "a1-t2-m3"
  bool retired = false;
  // A stretch goal (力争, 鼓励): listed, never refuses a completion.
  bool stretch = false;
  // The definition's target (from IndicatorChanged).
  std::optional<double> target_value;
  std::string target_text;

  // The latest status (from IndicatorStatusChanged).
  IndicatorState status = IndicatorState::kUnknown;
  std::optional<double> value;               // the value the status rests on
  std::optional<absl::CivilDay> value_date;  // the day of that value
  std::optional<absl::CivilDay> as_of;       // the evaluation's as-of day
  std::optional<double> status_target;       // the target the status was judged against
  std::string status_target_text;
  std::string reason;

  uint64_t sequence = 0;  // the last indicator event applied to it
};

// The set of indicators, swapped whole after every change (readers never wait
// for the follower). Thread-safe.
class IndicatorDirectory {
 public:
  // Whether the view has caught up with the indicator service once: set when
  // the indicator service was seen to hold no event beyond the view's cursor
  // (IndicatorCatchUpProbe, in this run or an earlier one). Until then the
  // view may hold only some of the indicators, and completions are not
  // confirmed (Unavailable).
  void MarkReceived();
  bool received() const;

  // How many indicator events the view knowingly lacks now: the follower is
  // connected and the indicator service has told of events it has not
  // applied yet (EventFollower's lag_events()). A view that is catching up
  // may lack the very indicator a completion is checked against, so the
  // check waits (Unavailable) rather than passing with nothing to check. 0
  // while the indicator service is unreachable: the view is then checked as
  // it stands. The probe is set once before serving (else always 0).
  void SetBacklogProbe(std::function<uint64_t()> probe);
  uint64_t backlog() const;

  // Replaces or adds one indicator.
  void Put(std::shared_ptr<const IndicatorFacts> indicator);
  // The indicator, or nullptr.
  std::shared_ptr<const IndicatorFacts> Find(absl::string_view plan_id,
                                             absl::string_view indicator_id) const;
  // The indicators (retired ones too) that belong to the measure, by id.
  std::vector<std::shared_ptr<const IndicatorFacts>> OfMeasure(absl::string_view plan_id,
                                                               absl::string_view measure_id) const;

 private:
  using Map = std::map<std::pair<std::string, std::string>, std::shared_ptr<const IndicatorFacts>>;
  mutable absl::Mutex mu_;
  bool received_ ABSL_GUARDED_BY(mu_) = false;
  std::function<uint64_t()> backlog_probe_;  // set before serving, read-only after
  std::shared_ptr<const Map> indicators_ ABSL_GUARDED_BY(mu_) = std::make_shared<Map>();
};

// The outcome of checking a measure's completion against its indicators.
struct IndicatorCheck {
  // One line per non-retired indicator of the measure, with its facts, e.g.
  // "m-a1-t2-m3-1 «新注册登记货车新能源化率»: ON_TRACK; latest value 35 % on
  // 2026-05-31; target ≥ 30 %".
  std::vector<std::string> lines;
  // The lines of the indicators that do not support the completion (off
  // track, or no value / status yet).
  std::vector<std::string> failing;
  bool passed() const { return failing.empty(); }
};

// Checks the non-retired `indicators` of a measure: ACHIEVED, ON_TRACK and
// AT_RISK support a completion; OFF_TRACK, INSUFFICIENT_DATA (no value yet) and
// a status not yet evaluated do not. Retired indicators are skipped. No
// indicators: passed, no lines.
IndicatorCheck CheckIndicators(
    const std::vector<std::shared_ptr<const IndicatorFacts>>& indicators);

// The line of one indicator (see IndicatorCheck::lines).
std::string DescribeIndicator(const IndicatorFacts& facts);

// The FailedPrecondition returned when `check` fails for `measure_id`: names
// each failing indicator with its latest value, target and the value's day,
// and says how to override. OK when the check passed.
absl::Status IndicatorCheckStatus(absl::string_view measure_id, const IndicatorCheck& check);

}  // namespace ecoplan::progress
