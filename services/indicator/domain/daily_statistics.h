#pragma once

// Hourly station readings → daily station values → district daily values, with
// GB 3095 validity (see validity.h). Pure computation; no I/O.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "services/indicator/domain/air_quality_standard.h"
#include "services/indicator/domain/aqi.h"
#include "services/indicator/domain/validity.h"

namespace ecoplan::indicator {

// One hourly mean concentration of one pollutant at one station.
struct HourlyReading {
  // Refers to caller-owned characters that must outlive the call it is passed to
  // (no allocation per reading). Non-empty.
  absl::string_view station_id;
  // The START of the averaged hour in Asia/Shanghai civil time: 07 stands for
  // 07:00–08:00. (Feeds labelled by the hour's end, as China's real-time releases
  // are, must subtract one hour.) The day of this hour is the day it counts for.
  absl::CivilHour hour;
  Pollutant pollutant = Pollutant::kPm25;
  double value = 0;                            // finite, >= 0
  Unit unit = Unit::kMicrogramsPerCubicMeter;  // converted to StandardUnit(pollutant)
};

// Whether a value is real-time (实时, unaudited: the monitoring network's
// first release) or audited (审核: the same hour after the network's review,
// released later and final). A real-time value is replaced by its audited one;
// an audited value is never replaced by a real-time one.
enum class Verification : uint8_t { kProvisional = 0, kAudited = 1 };

// "provisional" / "audited".
const char* VerificationName(Verification v);

// The hourly readings a daily value stands on, by kind: every present hour of
// every pollutant counts once.
struct VerificationMix {
  int provisional_hours = 0;
  int audited_hours = 0;

  bool all_audited() const { return provisional_hours == 0 && audited_hours > 0; }
  void Add(const VerificationMix& o) {
    provisional_hours += o.provisional_hours;
    audited_hours += o.audited_hours;
  }
};

// The daily values of one station on one day.
struct StationDay {
  std::string station_id;
  absl::CivilDay day;
  // The validity standard that judged the day, e.g. "GB 3095-2012".
  std::string validity_standard;
  // 24-h means of SO2, NO2, CO, PM10, PM2.5 (DailyMean), O3 max 1-h
  // (DailyMaxOneHour) and max 8-h (DailyMaxEightHourMean), judged by the validity
  // rules of the standard in force on `day`. Items with no reading at all are
  // kInsufficientData with 0 samples.
  DailyValues values;
  // The kinds of the readings the day holds.
  VerificationMix verification = {};
};

// Groups `readings` by station and day and computes each station-day's values.
// Readings may come in any order; input sorted by station then time is fastest.
// Result: one StationDay per station and day having at least one reading, ordered by
// station_id, then day.
// Errors: InvalidArgument (empty station id, value negative or not finite, two
// readings for the same station, hour and pollutant); NotFound (a reading's day
// precedes every standard version).
// Cost: O(n) with hashing, plus O(d log d) for d station-days; memory ~1.2 KB per
// station-day; no allocation per reading.
absl::StatusOr<std::vector<StationDay>> ComputeStationDays(absl::Span<const HourlyReading> readings,
                                                           const AirQualityStandards& standards);

// The district's values on one day.
struct DistrictDay {
  absl::CivilDay day;
  // Per item: the arithmetic mean of the usable station values of the day;
  // `samples` = the number of stations averaged; kInsufficientData if none.
  // (Means are not rounded here: the AQI step rounds per its standard.)
  DailyValues values;
  // The kinds of the readings of the stations averaged (the sum over the
  // station-days of the day).
  VerificationMix verification = {};
};

// The least share of an area's stations whose value of an item must be usable
// for the area's value of the day (rounded up, at least one station): a mean
// of a few stations is not the area's. ecoplan's rule, applied to every item
// and area (district or town); a day short of it is kInsufficientData with the
// number of stations it had in `samples`.
inline constexpr double kMinimumStationShare = 0.75;

// The area's daily values: for each day and item, the mean over the stations
// whose value for that item is usable, when at least kMinimumStationShare of
// the area's `station_count` stations have one. Result ordered by day.
std::vector<DistrictDay> ComputeDistrictDays(absl::Span<const StationDay> station_days,
                                             int station_count);

// The days of `days` (sorted by day, as ComputeDistrictDays gives them) within
// [from, to], found by binary search: a window of the period, not a scan of
// every year held.
absl::Span<const DistrictDay> DaysWithin(absl::Span<const DistrictDay> days, absl::CivilDay from,
                                         absl::CivilDay to);

// The days of an area over a span by the kind of their readings: a day is
// audited when every reading it holds is audited, provisional otherwise.
struct DataDays {
  int audited_days = 0;
  int provisional_days = 0;
  VerificationMix hours;

  bool empty() const { return audited_days + provisional_days == 0; }
};

// The days of `days` within [from, to].
DataDays TallyVerification(absl::Span<const DistrictDay> days, absl::CivilDay from,
                           absl::CivilDay to);

// Daily AQI of each district day, each by the version in force on its day.
// Errors: as ComputeDailyAqi.
absl::StatusOr<std::vector<DailyAqi>> ComputeDailyAqis(absl::Span<const DistrictDay> days,
                                                       const AirQualityStandards& standards);

}  // namespace ecoplan::indicator
