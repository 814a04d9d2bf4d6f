#include "services/indicator/domain/observation_book.h"

#include <cmath>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace ecoplan::indicator {
namespace {

// Above these (standard unit) a unit error is likelier than real air.
double PlausibleMax(Pollutant p) {
  switch (p) {
    case Pollutant::kPm25:
    case Pollutant::kPm10:
      return 2000;
    case Pollutant::kCo:
      return 150;
    default:
      return 5000;
  }
}

// Known instrument / reporting caps (the Beijing data: PM 999, CO 10000 µg/m³).
bool AtCap(Pollutant p, double v) {
  if (p == Pollutant::kPm25 || p == Pollutant::kPm10) return v == 999;
  if (p == Pollutant::kCo) return std::fabs(v - 10) < 1e-9;
  return false;
}

double ToStandard(Pollutant p, double v, std::optional<Unit> unit) {
  const Unit standard = StandardUnit(p);
  if (!unit.has_value() || *unit == standard) return v;
  return *unit == Unit::kMilligramsPerCubicMeter ? v * 1000.0 : v / 1000.0;
}

// The checks of a reading's hour alone: ended by `now`. Errors:
// InvalidArgument whose message is the reason the reading is rejected.
absl::StatusOr<absl::CivilHour> CheckedHour(absl::string_view text, absl::CivilHour now) {
  absl::StatusOr<absl::CivilHour> hour = ParseHour(text);
  if (!hour.ok()) return hour.status();
  // `hour` names the hour that starts then (…T07 = 07:00-08:00): its mean
  // exists only once the hour has ended.
  if (*hour > now) {
    return absl::InvalidArgumentError(absl::StrCat("hour ", text, " is in the future (now ",
                                                   absl::FormatCivilTime(now), " Asia/Shanghai)"));
  }
  if (*hour == now) {
    return absl::InvalidArgumentError(absl::StrCat(
        "hour ", text, " has not ended (now ", absl::FormatCivilTime(now),
        " Asia/Shanghai): its mean is not known before ", absl::FormatCivilTime(now + 1), ":00"));
  }
  return hour;
}

// The checks of a reading's value alone: its value in the pollutant's
// standard unit. Errors: InvalidArgument whose message is the reason the
// reading is rejected.
absl::StatusOr<double> CheckedValue(const ReadingInput& r) {
  if (!std::isfinite(r.value)) {
    return absl::InvalidArgumentError(absl::StrCat("value ", r.value, " is not a number"));
  }
  if (r.value < 0) {
    return absl::InvalidArgumentError(absl::StrCat("value ", r.value, " is negative"));
  }
  const double v = ToStandard(r.pollutant, r.value, r.unit);
  if (v > PlausibleMax(r.pollutant)) {
    return absl::InvalidArgumentError(absl::StrCat(
        PollutantName(r.pollutant), " ", v, r.pollutant == Pollutant::kCo ? " mg/m³" : " µg/m³",
        " is beyond any plausible concentration (", PlausibleMax(r.pollutant),
        "): check the unit"));
  }
  return v;
}

// A series (station index among the configured ones, pollutant) at an hour:
// the identity of a reading within a batch.
struct SeriesHour {
  int station;
  int pollutant;
  absl::CivilHour hour;
  bool operator==(const SeriesHour& o) const {
    return station == o.station && pollutant == o.pollutant && hour == o.hour;
  }
  template <typename H>
  friend H AbslHashValue(H h, const SeriesHour& k) {
    return H::combine(std::move(h), k.station, k.pollutant, k.hour - absl::CivilHour(1970));
  }
};

// The rows of a batch for one SeriesHour.
struct SameRows {
  size_t first;
  size_t count;
  bool conflict;  // two of them have different values
};

// The quality flags of an accepted reading `i`: out of order within its series
// in the batch (`last_hour`: the latest hour seen per station and pollutant),
// at an instrument cap.
void FlagReading(size_t i, const ReadingInput& r, absl::CivilHour hour, double value,
                 std::optional<absl::CivilHour>* last_hour,
                 std::vector<PreparedBatch::Flag>* flags) {
  if (last_hour->has_value()) {
    if (hour < **last_hour) {
      flags->push_back({i, absl::StrCat("out of order: ", r.hour, " after ",
                                        absl::FormatCivilTime(**last_hour))});
    }
    *last_hour = std::max(**last_hour, hour);
  } else {
    *last_hour = hour;
  }
  if (AtCap(r.pollutant, value)) {
    flags->push_back(
        {i, absl::StrCat("at the instrument cap ", value, ": the true value may be higher")});
  }
}

}  // namespace

absl::StatusOr<absl::CivilHour> ParseHour(absl::string_view text) {
  // The usual case, without parsing and formatting through the time zone
  // library: 13 characters YYYY-MM-DDTHH naming an hour that exists (years
  // 1000-9999; others take the general path below, with the same answer).
  auto digits = [&](size_t at, size_t n, int* out) {
    *out = 0;
    for (size_t k = at; k < at + n; ++k) {
      if (text[k] < '0' || text[k] > '9') return false;
      *out = *out * 10 + (text[k] - '0');
    }
    return true;
  };
  int y = 0, m = 0, d = 0, h = 0;
  if (text.size() == 13 && text[4] == '-' && text[7] == '-' && text[10] == 'T' &&
      digits(0, 4, &y) && digits(5, 2, &m) && digits(8, 2, &d) && digits(11, 2, &h) && y >= 1000 &&
      m >= 1 && m <= 12 && d >= 1 && d <= 31 && h <= 23) {
    const absl::CivilHour fast(y, m, d, h);
    if (fast.month() == m && fast.day() == d) return fast;  // else normalized: no such day
  }
  absl::CivilHour hour;
  if (text.size() != 13 || !absl::ParseCivilTime(text, &hour) ||
      absl::FormatCivilTime(hour) != text) {
    return absl::InvalidArgumentError(
        absl::StrCat("hour «", text, "» is not YYYY-MM-DDTHH (e.g. 2026-04-01T07)"));
  }
  return hour;
}

void ObservationBook::SetStations(std::vector<Station> stations) {
  ForgetAreaDays();
  stations_.clear();
  for (Station& s : stations) {
    std::string id = s.id;
    stations_.emplace(std::move(id), std::move(s));
  }
}

namespace {

// Records `v` for hour `h` in `grid`'s audited bits of pollutant `p`.
template <typename Grid>
void SetVerification(Grid& grid, Pollutant p, int h, Verification v) {
  uint32_t& bits = grid.audited[static_cast<int>(p)];
  if (v == Verification::kAudited) {
    bits |= 1u << h;
  } else {
    bits &= ~(1u << h);
  }
}

}  // namespace

PreparedBatch ObservationBook::Prepare(const std::vector<ReadingInput>& batch,
                                       absl::CivilHour now) const {
  PreparedBatch out;
  out.outcomes.resize(batch.size());
  // The configured stations by index (SeriesHour.station).
  std::vector<const std::string*> names;
  absl::flat_hash_map<absl::string_view, int> index;
  for (const auto& [id, station] : stations_) {
    index.emplace(id, static_cast<int>(names.size()));
    names.push_back(&id);
  }
  auto reject = [&](size_t i, std::string reason) {
    out.outcomes[i] = {ItemOutcome::kRejected, std::move(reason)};
  };
  // First pass: check each row alone; find in-batch conflicts. A batch
  // mostly repeats one station and one hour text row after row (one row per
  // pollutant): both are looked up once per run of equal texts.
  absl::flat_hash_map<SeriesHour, SameRows> rows;
  rows.reserve(batch.size());
  std::vector<SeriesHour> keys(batch.size());
  std::vector<double> values(batch.size());
  absl::string_view last_station, last_hour_text;
  int station = -1;
  absl::StatusOr<absl::CivilHour> hour = absl::UnknownError("no hour yet");
  for (size_t i = 0; i < batch.size(); ++i) {
    const ReadingInput& r = batch[i];
    if (i == 0 || r.station != last_station) {
      last_station = r.station;
      auto it = index.find(r.station);
      station = it == index.end() ? -1 : it->second;
    }
    if (station < 0) {
      reject(i,
             absl::StrCat("unknown station «", r.station, "» (configure it with UpsertStation)"));
      continue;
    }
    if (i == 0 || r.hour != last_hour_text) {
      last_hour_text = r.hour;
      hour = CheckedHour(r.hour, now);
    }
    if (!hour.ok()) {
      reject(i, std::string(hour.status().message()));
      continue;
    }
    absl::StatusOr<double> value = CheckedValue(r);
    if (!value.ok()) {
      reject(i, std::string(value.status().message()));
      continue;
    }
    values[i] = *value;
    keys[i] = {station, static_cast<int>(r.pollutant), *hour};
    auto [it, added] = rows.try_emplace(keys[i], SameRows{i, 1, false});
    if (!added) {
      it->second.conflict = it->second.conflict || values[it->second.first] != values[i];
      ++it->second.count;
    }
  }
  // Second pass: conflicts and duplicates within the batch, flags, and each
  // reading against the value held (the station-day's grid looked up once
  // per run of rows of the same station and day).
  std::vector<std::optional<absl::CivilHour>> last_hour(names.size() * kPollutantCount);
  const Grid* grid = nullptr;
  int grid_station = -1;
  absl::CivilDay grid_day;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (out.outcomes[i].kind == ItemOutcome::kRejected) continue;
    const ReadingInput& r = batch[i];
    const SeriesHour& key = keys[i];
    const SameRows& same = rows.find(key)->second;
    if (same.conflict) {
      reject(i, absl::StrCat("the batch has ", same.count, " rows for ", r.station, " ",
                             PollutantName(r.pollutant), " at ", r.hour, " with different values"));
      continue;
    }
    if (same.first != i) {  // an identical duplicate within the batch
      out.outcomes[i] = {ItemOutcome::kUnchanged, ""};
      ++out.unchanged;
      continue;
    }
    const absl::CivilDay day(key.hour);
    if (key.station != grid_station || day != grid_day) {
      grid_station = key.station;
      grid_day = day;
      auto it = grids_.find(Key(*names[key.station], day));
      grid = it == grids_.end() ? nullptr : &it->second;
    }
    std::optional<HeldReading> held;
    const int h = key.hour.hour();
    if (grid != nullptr && grid->slots[key.pollutant].has(h)) {
      held = HeldReading{grid->slots[key.pollutant].values[h],
                         ((grid->audited[key.pollutant] >> h) & 1u) ? Verification::kAudited
                                                                    : Verification::kProvisional};
    }
    if (held.has_value() && held->verification == Verification::kAudited &&
        r.verification == Verification::kProvisional) {
      out.outcomes[i] = {ItemOutcome::kKeptAudited,
                         absl::StrCat("the audited value ", held->value, " is kept")};
      ++out.kept_audited;
      continue;
    }
    FlagReading(i, r, key.hour, values[i],
                &last_hour[static_cast<size_t>(key.station * kPollutantCount + key.pollutant)],
                &out.flags);
    if (held.has_value() && held->value == values[i] && held->verification == r.verification) {
      out.outcomes[i] = {ItemOutcome::kUnchanged, ""};
      ++out.unchanged;
      continue;
    }
    ReadingWrite write{r.station,    r.pollutant,    key.hour,    values[i],
                       std::nullopt, r.verification, std::nullopt};
    if (held.has_value()) {
      write.previous = held->value;
      write.previous_verification = held->verification;
      out.audited_replaced += held->verification == Verification::kProvisional &&
                              r.verification == Verification::kAudited;
    }
    out.writes.push_back(std::move(write));
    out.outcomes[i] = {held.has_value() ? ItemOutcome::kReplaced : ItemOutcome::kAccepted, ""};
    ++(held.has_value() ? out.replaced : out.accepted);
  }
  for (const ItemOutcome& o : out.outcomes) out.rejected += o.kind == ItemOutcome::kRejected;
  return out;
}

absl::Status ObservationBook::Apply(const std::vector<ReadingWrite>& writes) {
  ForgetAreaDays();
  std::set<Key> touched;
  for (const ReadingWrite& w : writes) {
    const Key key{w.station, absl::CivilDay(w.hour)};
    Grid& grid = grids_[key];
    HourSlots& slots = grid.slots[static_cast<int>(w.pollutant)];
    if (!slots.has(w.hour.hour())) ++reading_count_;
    slots.Set(w.hour.hour(), w.value);
    SetVerification(grid, w.pollutant, w.hour.hour(), w.verification);
    touched.insert(key);
  }
  for (const Key& key : touched) {
    absl::StatusOr<StationDay> day = ComputeDay(key, grids_[key]);
    if (!day.ok()) return day.status();
    days_[key] = *std::move(day);
  }
  return absl::OkStatus();
}

absl::StatusOr<StationDay> ObservationBook::ComputeDay(const Key& key, const Grid& grid) const {
  absl::StatusOr<const AirQualityStandard*> standard = standards_->ForDay(key.second);
  if (!standard.ok()) return standard.status();
  const ValidityRules& rules = (*standard)->validity;
  auto slots = [&](Pollutant p) -> const HourSlots& { return grid.slots[static_cast<int>(p)]; };
  StationDay day;
  day.station_id = key.first;
  day.day = key.second;
  day.validity_standard = (*standard)->validity_standard;
  day.values[static_cast<int>(DailyItem::kSo2)] = DailyMean(slots(Pollutant::kSo2), rules);
  day.values[static_cast<int>(DailyItem::kNo2)] = DailyMean(slots(Pollutant::kNo2), rules);
  day.values[static_cast<int>(DailyItem::kCo)] = DailyMean(slots(Pollutant::kCo), rules);
  day.values[static_cast<int>(DailyItem::kPm10)] = DailyMean(slots(Pollutant::kPm10), rules);
  day.values[static_cast<int>(DailyItem::kPm25)] = DailyMean(slots(Pollutant::kPm25), rules);
  day.values[static_cast<int>(DailyItem::kO3Max1h)] = DailyMaxOneHour(slots(Pollutant::kO3), rules);
  day.values[static_cast<int>(DailyItem::kO3Max8h)] =
      DailyMaxEightHourMean(slots(Pollutant::kO3), rules);
  for (int p = 0; p < kPollutantCount; ++p) {
    const int present = grid.slots[p].count();
    const int audited = __builtin_popcount(grid.slots[p].present & grid.audited[p]);
    day.verification.audited_hours += audited;
    day.verification.provisional_hours += present - audited;
  }
  return day;
}

absl::StatusOr<std::vector<StationDayWrite>> ObservationBook::Preview(
    const std::vector<ReadingWrite>& writes) const {
  std::map<Key, Grid> touched;
  Grid* grid = nullptr;  // of the previous write's station-day (writes come in runs)
  const std::string* station = nullptr;
  absl::CivilDay day;
  for (const ReadingWrite& w : writes) {
    if (grid == nullptr || w.station != *station || absl::CivilDay(w.hour) != day) {
      const Key key{w.station, absl::CivilDay(w.hour)};
      auto [it, inserted] = touched.try_emplace(key);
      if (inserted) {
        auto held = grids_.find(key);
        if (held != grids_.end()) it->second = held->second;
      }
      grid = &it->second;
      station = &it->first.first;
      day = it->first.second;
    }
    grid->slots[static_cast<int>(w.pollutant)].Set(w.hour.hour(), w.value);
    SetVerification(*grid, w.pollutant, w.hour.hour(), w.verification);
  }
  std::vector<StationDayWrite> out;
  out.reserve(touched.size());
  for (const auto& [key, readings] : touched) {
    absl::StatusOr<StationDay> computed = ComputeDay(key, readings);
    if (!computed.ok()) return computed.status();
    out.push_back({*std::move(computed), readings});
  }
  return out;
}

void ObservationBook::ApplyPreviewed(const std::vector<StationDayWrite>& days) {
  ForgetAreaDays();
  for (const StationDayWrite& d : days) {
    const Key key{d.day.station_id, d.day.day};
    Grid& grid = grids_[key];
    for (int p = 0; p < kPollutantCount; ++p) {
      reading_count_ += static_cast<size_t>(d.readings.slots[p].count());
      reading_count_ -= static_cast<size_t>(grid.slots[p].count());
    }
    grid = d.readings;
    days_[key] = d.day;
  }
}

std::vector<StationDay> ObservationBook::StationDays() const {
  std::vector<StationDay> out;
  out.reserve(days_.size());
  for (const auto& [key, day] : days_) out.push_back(day);
  return out;
}

std::vector<std::string> ObservationBook::TownStations(const std::string& town) const {
  std::vector<std::string> out;
  for (const auto& [id, s] : stations_) {
    if (s.town == town) out.push_back(id);
  }
  return out;
}

void ObservationBook::ForgetAreaDays() {
  absl::MutexLock lock(&area_mu_);
  area_days_.clear();
}

absl::StatusOr<std::vector<DistrictDay>> ObservationBook::AreaDays(const std::string& area) const {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const std::vector<DistrictDay>> days,
                           SharedAreaDays(area));
  return *days;
}

absl::StatusOr<std::shared_ptr<const std::vector<DistrictDay>>> ObservationBook::SharedAreaDays(
    const std::string& area) const {
  ECOPLAN_ASSIGN_OR_RETURN(SharedArea shared, SharedAreaWithMemo(area));
  return std::move(shared.days);
}

absl::StatusOr<ObservationBook::SharedArea> ObservationBook::SharedAreaWithMemo(
    const std::string& area) const {
  {
    absl::MutexLock lock(&area_mu_);
    auto it = area_days_.find(area);
    if (it != area_days_.end()) return it->second;
  }
  // Computed outside the lock (two callers may both compute it: same result;
  // the first stored is kept, so every caller shares one memo).
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<DistrictDay> computed, ComputeAreaDays(area));
  SharedArea shared{std::make_shared<const std::vector<DistrictDay>>(std::move(computed)),
                    std::make_shared<AreaMemo>()};
  absl::MutexLock lock(&area_mu_);
  return area_days_.emplace(area, std::move(shared)).first->second;
}

absl::StatusOr<std::vector<DistrictDay>> ObservationBook::ComputeAreaDays(
    const std::string& area) const {
  std::set<std::string> members;
  if (area == "district") {
    for (const auto& [id, s] : stations_) {
      if (s.counts_for_district) members.insert(id);
    }
  } else if (area.rfind("towns/", 0) == 0) {
    for (const std::string& id : TownStations(area.substr(6))) members.insert(id);
  } else if (area.rfind("stations/", 0) == 0 && stations_.count(area.substr(9))) {
    members.insert(area.substr(9));
  }
  if (members.empty()) {
    return absl::NotFoundError(absl::StrCat("no station represents «", area, "»"));
  }
  std::vector<StationDay> selected;
  for (const std::string& station : members) {  // days_ is ordered by station, then day
    for (auto it = days_.lower_bound({station, absl::CivilDay::min()});
         it != days_.end() && it->first.first == station; ++it) {
      selected.push_back(it->second);
    }
  }
  return ComputeDistrictDays(selected, static_cast<int>(members.size()));
}

}  // namespace ecoplan::indicator
