#include "services/indicator/domain/observation_book.h"

#include <cmath>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

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

// A reading checked alone: its hour (ended by `now`) and its value in the
// pollutant's standard unit. Errors: InvalidArgument whose message is the
// reason the reading is rejected.
absl::StatusOr<std::pair<absl::CivilHour, double>> CheckedReading(const ReadingInput& r,
                                                                  absl::CivilHour now) {
  absl::StatusOr<absl::CivilHour> hour = ParseHour(r.hour);
  if (!hour.ok()) return hour.status();
  // `hour` names the hour that starts then (…T07 = 07:00-08:00): its mean
  // exists only once the hour has ended.
  if (*hour > now) {
    return absl::InvalidArgumentError(absl::StrCat("hour ", r.hour, " is in the future (now ",
                                                   absl::FormatCivilTime(now), " Asia/Shanghai)"));
  }
  if (*hour == now) {
    return absl::InvalidArgumentError(absl::StrCat(
        "hour ", r.hour, " has not ended (now ", absl::FormatCivilTime(now),
        " Asia/Shanghai): its mean is not known before ", absl::FormatCivilTime(now + 1), ":00"));
  }
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
  return std::make_pair(*hour, v);
}

// The quality flags of an accepted reading `i`: out of order within its series
// in the batch (`last_hour`: the latest hour seen per station and pollutant),
// at an instrument cap.
void FlagReading(size_t i, const ReadingInput& r, absl::CivilHour hour, double value,
                 std::map<std::pair<std::string, int>, absl::CivilHour>* last_hour,
                 std::vector<PreparedBatch::Flag>* flags) {
  auto [it, first] = last_hour->try_emplace({r.station, static_cast<int>(r.pollutant)}, hour);
  if (!first) {
    if (hour < it->second) {
      flags->push_back({i, absl::StrCat("out of order: ", r.hour, " after ",
                                        absl::FormatCivilTime(it->second))});
    }
    it->second = std::max(it->second, hour);
  }
  if (AtCap(r.pollutant, value)) {
    flags->push_back(
        {i, absl::StrCat("at the instrument cap ", value, ": the true value may be higher")});
  }
}

}  // namespace

absl::StatusOr<absl::CivilHour> ParseHour(absl::string_view text) {
  absl::CivilHour hour;
  if (text.size() != 13 || !absl::ParseCivilTime(text, &hour) ||
      absl::FormatCivilTime(hour) != text) {
    return absl::InvalidArgumentError(
        absl::StrCat("hour «", text, "» is not YYYY-MM-DDTHH (e.g. 2026-04-01T07)"));
  }
  return hour;
}

void ObservationBook::SetStations(std::vector<Station> stations) {
  stations_.clear();
  for (Station& s : stations) {
    std::string id = s.id;
    stations_.emplace(std::move(id), std::move(s));
  }
}

std::optional<ObservationBook::HeldReading> ObservationBook::Held(const std::string& station,
                                                                  Pollutant p,
                                                                  absl::CivilHour hour) const {
  auto it = grids_.find({station, absl::CivilDay(hour)});
  if (it == grids_.end()) return std::nullopt;
  const HourSlots& slots = it->second.slots[static_cast<int>(p)];
  if (!slots.has(hour.hour())) return std::nullopt;
  const bool audited = (it->second.audited[static_cast<int>(p)] >> hour.hour()) & 1u;
  return HeldReading{slots.values[hour.hour()],
                     audited ? Verification::kAudited : Verification::kProvisional};
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
  // First pass: parse and check each row alone; find in-batch conflicts.
  using SeriesHour = std::tuple<std::string, int, absl::CivilHour>;
  std::map<SeriesHour, std::vector<size_t>> rows;
  std::vector<absl::CivilHour> hours(batch.size());
  std::vector<double> values(batch.size());
  auto reject = [&](size_t i, std::string reason) {
    out.outcomes[i] = {ItemOutcome::kRejected, std::move(reason)};
  };
  for (size_t i = 0; i < batch.size(); ++i) {
    const ReadingInput& r = batch[i];
    if (stations_.find(r.station) == stations_.end()) {
      reject(i,
             absl::StrCat("unknown station «", r.station, "» (configure it with UpsertStation)"));
      continue;
    }
    absl::StatusOr<std::pair<absl::CivilHour, double>> checked = CheckedReading(r, now);
    if (!checked.ok()) {
      reject(i, std::string(checked.status().message()));
      continue;
    }
    std::tie(hours[i], values[i]) = *checked;
    rows[{r.station, static_cast<int>(r.pollutant), hours[i]}].push_back(i);
  }
  // Second pass: conflicts and duplicates within the batch, flags, and each
  // reading against the value held.
  std::map<std::pair<std::string, int>, absl::CivilHour> last_hour;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (out.outcomes[i].kind == ItemOutcome::kRejected) continue;
    const ReadingInput& r = batch[i];
    const std::vector<size_t>& same = rows[{r.station, static_cast<int>(r.pollutant), hours[i]}];
    bool conflict = false;
    for (size_t j : same) conflict = conflict || values[j] != values[i];
    if (conflict) {
      reject(i, absl::StrCat("the batch has ", same.size(), " rows for ", r.station, " ",
                             PollutantName(r.pollutant), " at ", r.hour, " with different values"));
      continue;
    }
    if (same.front() != i) {  // an identical duplicate within the batch
      out.outcomes[i] = {ItemOutcome::kUnchanged, ""};
      ++out.unchanged;
      continue;
    }
    const std::optional<HeldReading> held = Held(r.station, r.pollutant, hours[i]);
    if (held.has_value() && held->verification == Verification::kAudited &&
        r.verification == Verification::kProvisional) {
      out.outcomes[i] = {ItemOutcome::kKeptAudited,
                         absl::StrCat("the audited value ", held->value, " is kept")};
      ++out.kept_audited;
      continue;
    }
    FlagReading(i, r, hours[i], values[i], &last_hour, &out.flags);
    if (held.has_value() && held->value == values[i] && held->verification == r.verification) {
      out.outcomes[i] = {ItemOutcome::kUnchanged, ""};
      ++out.unchanged;
      continue;
    }
    ReadingWrite write{r.station,    r.pollutant,    hours[i],    values[i],
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

absl::StatusOr<std::vector<StationDay>> ObservationBook::Preview(
    const std::vector<ReadingWrite>& writes) const {
  std::map<Key, Grid> touched;
  for (const ReadingWrite& w : writes) {
    const Key key{w.station, absl::CivilDay(w.hour)};
    auto [it, inserted] = touched.try_emplace(key);
    if (inserted) {
      auto held = grids_.find(key);
      if (held != grids_.end()) it->second = held->second;
    }
    it->second.slots[static_cast<int>(w.pollutant)].Set(w.hour.hour(), w.value);
    SetVerification(it->second, w.pollutant, w.hour.hour(), w.verification);
  }
  std::vector<StationDay> out;
  out.reserve(touched.size());
  for (const auto& [key, grid] : touched) {
    absl::StatusOr<StationDay> day = ComputeDay(key, grid);
    if (!day.ok()) return day.status();
    out.push_back(*std::move(day));
  }
  return out;
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

absl::StatusOr<std::vector<DistrictDay>> ObservationBook::AreaDays(const std::string& area) const {
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
  for (const auto& [key, day] : days_) {
    if (members.count(key.first)) selected.push_back(day);
  }
  return ComputeDistrictDays(selected, static_cast<int>(members.size()));
}

}  // namespace ecoplan::indicator
