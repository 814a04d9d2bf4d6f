#include "services/indicator/domain/daily_statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ecoplan::indicator {
namespace {

// All pollutants of one station-day, filled reading by reading.
struct DayGrid {
  int station = 0;  // index into the station table
  absl::CivilDay day;
  std::array<HourSlots, kPollutantCount> slots;
};

double ToStandardUnit(Pollutant pollutant, double value, Unit unit) {
  const Unit standard = StandardUnit(pollutant);
  if (unit == standard) return value;
  return unit == Unit::kMilligramsPerCubicMeter ? value * 1000.0 : value / 1000.0;
}

// Days since 1970-01-01: packs (station, day) into one integer key.
int64_t DayNumber(absl::CivilDay day) { return day - absl::CivilDay(1970, 1, 1); }

}  // namespace

namespace {

// The readings by station and day, one DayGrid (hour slots per pollutant)
// each; `stations` gets the station ids, which the grids index. Errors:
// InvalidArgument for an empty station id, a value that is not a
// concentration, or two readings of one slot.
absl::Status GridReadings(absl::Span<const HourlyReading> readings,
                          std::vector<absl::string_view>* stations, std::vector<DayGrid>* grids) {
  absl::flat_hash_map<absl::string_view, int> station_index;
  absl::flat_hash_map<int64_t, int> grid_index;  // (station << 32 | day number) -> grids

  // Readings usually arrive sorted, so consecutive ones share station and day:
  // remembering the last lookup skips both hash probes for ~all of them.
  absl::string_view last_station;
  int last_station_index = -1;
  int64_t last_key = -1;
  int last_grid = -1;

  for (const HourlyReading& r : readings) {
    if (r.station_id.empty()) return absl::InvalidArgumentError("reading with empty station id");
    if (!std::isfinite(r.value) || r.value < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "station ", r.station_id, " ", PollutantName(r.pollutant), " at ",
          absl::FormatCivilTime(r.hour), ": value ", r.value, " is not a concentration"));
    }
    if (last_station_index < 0 || r.station_id != last_station) {
      auto [it, inserted] =
          station_index.try_emplace(r.station_id, static_cast<int>(stations->size()));
      if (inserted) stations->push_back(r.station_id);
      last_station = r.station_id;
      last_station_index = it->second;
    }
    const absl::CivilDay day(r.hour);
    const int64_t key =
        (static_cast<int64_t>(last_station_index) << 32) | static_cast<uint32_t>(DayNumber(day));
    if (key != last_key) {
      auto [it, inserted] = grid_index.try_emplace(key, static_cast<int>(grids->size()));
      if (inserted) {
        grids->emplace_back();
        grids->back().station = last_station_index;
        grids->back().day = day;
      }
      last_key = key;
      last_grid = it->second;
    }
    HourSlots& slots = (*grids)[last_grid].slots[static_cast<int>(r.pollutant)];
    const int hour = r.hour.hour();
    if (slots.has(hour)) {
      return absl::InvalidArgumentError(absl::StrCat("station ", r.station_id, " has two ",
                                                     PollutantName(r.pollutant), " readings at ",
                                                     absl::FormatCivilTime(r.hour)));
    }
    slots.Set(hour, ToStandardUnit(r.pollutant, r.value, r.unit));
  }
  return absl::OkStatus();
}

// The daily values of one station's day under `standard`.
void FillStationDay(const DayGrid& grid, absl::string_view station,
                    const AirQualityStandard& standard, StationDay* day) {
  const ValidityRules& rules = standard.validity;
  day->station_id = std::string(station);
  day->day = grid.day;
  day->validity_standard = standard.validity_standard;
  const auto slots = [&](Pollutant p) -> const HourSlots& {
    return grid.slots[static_cast<int>(p)];
  };
  day->values[static_cast<int>(DailyItem::kSo2)] = DailyMean(slots(Pollutant::kSo2), rules);
  day->values[static_cast<int>(DailyItem::kNo2)] = DailyMean(slots(Pollutant::kNo2), rules);
  day->values[static_cast<int>(DailyItem::kCo)] = DailyMean(slots(Pollutant::kCo), rules);
  day->values[static_cast<int>(DailyItem::kPm10)] = DailyMean(slots(Pollutant::kPm10), rules);
  day->values[static_cast<int>(DailyItem::kPm25)] = DailyMean(slots(Pollutant::kPm25), rules);
  day->values[static_cast<int>(DailyItem::kO3Max1h)] =
      DailyMaxOneHour(slots(Pollutant::kO3), rules);
  day->values[static_cast<int>(DailyItem::kO3Max8h)] =
      DailyMaxEightHourMean(slots(Pollutant::kO3), rules);
}

}  // namespace

absl::StatusOr<std::vector<StationDay>> ComputeStationDays(absl::Span<const HourlyReading> readings,
                                                           const AirQualityStandards& standards) {
  std::vector<absl::string_view> stations;
  std::vector<DayGrid> grids;
  if (absl::Status s = GridReadings(readings, &stations, &grids); !s.ok()) return s;

  std::vector<int> order(grids.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const absl::string_view sa = stations[grids[a].station];
    const absl::string_view sb = stations[grids[b].station];
    if (sa != sb) return sa < sb;
    return grids[a].day < grids[b].day;
  });

  std::vector<StationDay> out;
  out.reserve(grids.size());
  const AirQualityStandard* standard = nullptr;
  for (int g : order) {
    const DayGrid& grid = grids[g];
    if (standard == nullptr || grid.day < standard->effective_from ||
        (standard != &standards.versions().back() && grid.day >= (standard + 1)->effective_from)) {
      absl::StatusOr<const AirQualityStandard*> found = standards.ForDay(grid.day);
      if (!found.ok()) return found.status();
      standard = *found;
    }
    FillStationDay(grid, stations[grid.station], *standard, &out.emplace_back());
  }
  return out;
}

const char* VerificationName(Verification v) {
  return v == Verification::kAudited ? "audited" : "provisional";
}

std::vector<DistrictDay> ComputeDistrictDays(absl::Span<const StationDay> station_days,
                                             int station_count) {
  const int needed =
      std::max(1, static_cast<int>(std::ceil(kMinimumStationShare * station_count - 1e-9)));
  std::vector<const StationDay*> by_day;
  by_day.reserve(station_days.size());
  for (const StationDay& d : station_days) by_day.push_back(&d);
  std::stable_sort(by_day.begin(), by_day.end(),
                   [](const StationDay* a, const StationDay* b) { return a->day < b->day; });

  std::vector<DistrictDay> out;
  for (size_t begin = 0; begin < by_day.size();) {
    size_t end = begin;
    while (end < by_day.size() && by_day[end]->day == by_day[begin]->day) ++end;
    DistrictDay& district = out.emplace_back();
    district.day = by_day[begin]->day;
    for (size_t s = begin; s < end; ++s) district.verification.Add(by_day[s]->verification);
    for (int i = 0; i < kDailyItemCount; ++i) {
      double sum = 0;
      int n = 0;
      for (size_t s = begin; s < end; ++s) {
        const DailyStatistic& v = by_day[s]->values[i];
        if (!v.usable()) continue;
        sum += v.value;
        ++n;
      }
      DailyStatistic& stat = district.values[i];
      stat.samples = n;
      stat.value = n > 0 ? sum / n : 0;
      stat.validity = n >= needed ? Validity::kValid : Validity::kInsufficientData;
    }
    begin = end;
  }
  return out;
}

absl::Span<const DistrictDay> DaysWithin(absl::Span<const DistrictDay> days, absl::CivilDay from,
                                         absl::CivilDay to) {
  if (to < from) return days.subspan(0, 0);
  auto first =
      std::lower_bound(days.begin(), days.end(), from,
                       [](const DistrictDay& d, absl::CivilDay day) { return d.day < day; });
  auto last = std::upper_bound(
      first, days.end(), to, [](absl::CivilDay day, const DistrictDay& d) { return day < d.day; });
  return days.subspan(static_cast<size_t>(first - days.begin()), static_cast<size_t>(last - first));
}

DataDays TallyVerification(absl::Span<const DistrictDay> days, absl::CivilDay from,
                           absl::CivilDay to) {
  DataDays out;
  for (const DistrictDay& d : days) {
    if (d.day < from || d.day > to) continue;
    const VerificationMix& v = d.verification;
    if (v.provisional_hours == 0 && v.audited_hours == 0) continue;
    ++(v.provisional_hours == 0 ? out.audited_days : out.provisional_days);
    out.hours.Add(v);
  }
  return out;
}

absl::StatusOr<std::vector<DailyAqi>> ComputeDailyAqis(absl::Span<const DistrictDay> days,
                                                       const AirQualityStandards& standards) {
  std::vector<DailyAqi> out;
  out.reserve(days.size());
  for (const DistrictDay& d : days) {
    absl::StatusOr<DailyAqi> aqi = ComputeDailyAqi(standards, d.day, d.values);
    if (!aqi.ok()) return aqi.status();
    out.push_back(*std::move(aqi));
  }
  return out;
}

}  // namespace ecoplan::indicator
