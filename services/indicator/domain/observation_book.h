#pragma once

// The hourly station readings held in memory, with the daily values computed
// from them, and the validation of incoming batches.
//
// Ingestion is two-step so that durability stays with the caller (the gRPC
// edge commits through RocksDb::CommitAsync, never on a gRPC thread):
//   1. Prepare(batch) validates every reading against the configured stations
//      and the values held (read-only) and returns the writes to commit with the
//      outcome of every item: accepted (new), replaced (a correction: the old
//      value and its kind are in the write, for the audit record), unchanged
//      (re-sent), kept audited (a provisional value for an hour whose audited
//      value is held: not stored), rejected (with a reason), plus quality
//      flags on accepted values;
//   2. Preview(writes) gives each station-day the writes touch as it will be:
//      all its hourly readings and its daily values (what the store writes,
//      one record per station-day, in the same batch as the corrections);
//   3. once that batch is durable, ApplyPreviewed(days) puts those
//      station-days in place (Apply(writes) does the same from readings alone,
//      recomputing the days: the load at start).
// Idempotent per (station, pollutant, hour): applying the same batch twice
// leaves the same state, and the second Prepare reports everything unchanged.
//
// Provisional (实时) and audited (审核) readings (Verification): an audited
// reading replaces the provisional one of its hour, even at the same value
// (replaced, counted in `audited_replaced`); a provisional reading never
// replaces an audited one (kKeptAudited, counted in `kept_audited`, not an
// error); an audited reading with a different value replaces an audited one
// (a correction, as for provisional ones). Same value and kind: unchanged.
//
// Validation (each a rejection with a reason unless said otherwise):
//   unknown station; hour not "YYYY-MM-DDTHH"; hour in the future (after `now`
//   in Asia/Shanghai) or still in progress (the hour `now` is in: a reading
//   names the hour it averages, which must have ended); value NaN, infinite or negative; value
//   above the plausible maximum of the pollutant (PM2.5/PM10 2000, SO2/NO2/O3 5000 µg/m³, CO 150
//   mg/m³: above it a unit error is likelier than air); two rows of one batch for the same station,
//   pollutant and hour with different values (both rejected: which one is right is unknown). Flags
//   (accepted, recorded): a value at a known instrument cap (PM 999 µg/m³, CO 10 mg/m³ = 10000
//   µg/m³); a series going back in time within a batch (late data or corrections).
//
// Not thread-safe: the owner serializes Prepare/Apply and reads (const calls
// may run together: SharedAreaDays's cache has its own lock).

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "services/indicator/domain/area_memo.h"
#include "services/indicator/domain/daily_statistics.h"
#include "services/indicator/domain/model.h"

namespace ecoplan::indicator {

struct ReadingInput {
  std::string station;
  std::string hour;  // "YYYY-MM-DDTHH", start of the hour, Asia/Shanghai
  Pollutant pollutant = Pollutant::kPm25;
  double value = 0;
  std::optional<Unit> unit;  // nullopt: the pollutant's standard unit
  Verification verification = Verification::kProvisional;
};

struct ItemOutcome {
  enum Kind : uint8_t { kAccepted, kReplaced, kUnchanged, kRejected, kKeptAudited };
  Kind kind = kAccepted;
  std::string reason;  // rejections
};

// Every hourly reading of one station-day, by pollutant.
struct DayReadings {
  std::array<HourSlots, kPollutantCount> slots;
  std::array<uint32_t, kPollutantCount> audited = {};  // bit h: hour h is audited
};

// A station-day as a batch leaves it: its daily values and all its readings.
struct StationDayWrite {
  StationDay day;
  DayReadings readings;
};

// One value to make durable.
struct ReadingWrite {
  std::string station;
  Pollutant pollutant = Pollutant::kPm25;
  absl::CivilHour hour;
  double value = 0;                // in the standard unit
  std::optional<double> previous;  // set for a correction
  Verification verification = Verification::kProvisional;
  // The kind of `previous` (set with it).
  std::optional<Verification> previous_verification = std::nullopt;
};

struct PreparedBatch {
  std::vector<ReadingWrite> writes;
  std::vector<ItemOutcome> outcomes;  // one per input, in order
  struct Flag {
    size_t index;
    std::string flag;
  };
  std::vector<Flag> flags;
  int64_t accepted = 0, replaced = 0, unchanged = 0, rejected = 0;
  // Of `replaced`: audited values that replaced provisional ones.
  int64_t audited_replaced = 0;
  // Provisional values not stored because the hour's audited value is held.
  int64_t kept_audited = 0;
};

class ObservationBook {
 public:
  explicit ObservationBook(const AirQualityStandards* standards) : standards_(standards) {}

  // Stations, by id (the configuration the batches are checked against).
  void SetStations(std::vector<Station> stations);
  const std::map<std::string, Station>& stations() const { return stations_; }

  PreparedBatch Prepare(const std::vector<ReadingInput>& batch, absl::CivilHour now) const;
  // Applies durable writes (from Prepare or loaded from storage at start).
  // Errors: NotFound if a day precedes every standard version.
  absl::Status Apply(const std::vector<ReadingWrite>& writes);
  // The station-days `writes` touch as they will be once applied: all their
  // readings and their daily values (for storing them in the same batch as
  // the corrections), ordered by station then day. Read-only.
  // Errors: NotFound if a day precedes every standard version.
  absl::StatusOr<std::vector<StationDayWrite>> Preview(
      const std::vector<ReadingWrite>& writes) const;
  // Puts station-days from Preview in place of those held. Precondition: no
  // Apply or ApplyPreviewed since that Preview (the owner serializes them).
  // Same state as Apply(writes) of the previewed writes, without recomputing.
  void ApplyPreviewed(const std::vector<StationDayWrite>& days);

  // The daily values of every station-day held, ordered by station then day.
  std::vector<StationDay> StationDays() const;
  // The area's daily values: "district" (stations counting for the district),
  // "towns/<name>" or "stations/<id>". Errors: NotFound (unknown area or town
  // without stations).
  absl::StatusOr<std::vector<DistrictDay>> AreaDays(const std::string& area) const;
  // The same, shared: computed once per area until the readings or the
  // stations change (an evaluation reads the same areas many times).
  // Thread-safe against other const calls (the cache has its own lock).
  absl::StatusOr<std::shared_ptr<const std::vector<DistrictDay>>> SharedAreaDays(
      const std::string& area) const;
  // The shared days with the memo of what evaluations derive from them
  // (area_memo.h): made with the days, dropped with them.
  struct SharedArea {
    std::shared_ptr<const std::vector<DistrictDay>> days;
    std::shared_ptr<AreaMemo> memo;
  };
  absl::StatusOr<SharedArea> SharedAreaWithMemo(const std::string& area) const;
  // Stations of a town.
  std::vector<std::string> TownStations(const std::string& town) const;

  size_t reading_count() const { return reading_count_; }

 private:
  using Grid = DayReadings;
  struct HeldReading {
    double value;
    Verification verification;
  };
  using Key = std::pair<std::string, absl::CivilDay>;

  absl::StatusOr<StationDay> ComputeDay(const Key& key, const Grid& grid) const;

  absl::StatusOr<std::vector<DistrictDay>> ComputeAreaDays(const std::string& area) const;
  void ForgetAreaDays();

  const AirQualityStandards* standards_;
  std::map<std::string, Station> stations_;
  std::map<Key, Grid> grids_;
  std::map<Key, StationDay> days_;
  size_t reading_count_ = 0;
  mutable absl::Mutex area_mu_;
  mutable std::map<std::string, SharedArea> area_days_ ABSL_GUARDED_BY(area_mu_);
};

// "2026-04-01T07" → CivilHour. Errors: InvalidArgument.
absl::StatusOr<absl::CivilHour> ParseHour(absl::string_view text);

}  // namespace ecoplan::indicator
