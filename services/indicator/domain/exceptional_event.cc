#include "services/indicator/domain/exceptional_event.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace ecoplan::indicator {

const char* ExceptionalEventKindName(ExceptionalEventKind kind) {
  switch (kind) {
    case ExceptionalEventKind::kSandDust:
      return "sand_dust";
    case ExceptionalEventKind::kWildfire:
      return "wildfire";
    case ExceptionalEventKind::kOther:
      return "other";
    case ExceptionalEventKind::kUnspecified:
      break;
  }
  return "unspecified";
}

const char* ExceptionalEventKindNameZh(ExceptionalEventKind kind) {
  switch (kind) {
    case ExceptionalEventKind::kSandDust:
      return "沙尘";
    case ExceptionalEventKind::kWildfire:
      return "森林草原火灾";
    case ExceptionalEventKind::kOther:
      return "其他";
    case ExceptionalEventKind::kUnspecified:
      break;
  }
  return "未指明";
}

std::string ExceptionalEventName(const std::string& id) {
  return absl::StrCat("exceptionalEvents/", id);
}

absl::Status ValidateExceptionalEvent(const ExceptionalEvent& e,
                                      const std::map<std::string, Station>& stations) {
  if (e.kind == ExceptionalEventKind::kUnspecified) {
    return absl::InvalidArgumentError("exceptional_event.kind: required");
  }
  if (e.kind == ExceptionalEventKind::kOther && e.description.empty()) {
    return absl::InvalidArgumentError(
        "exceptional_event.description: required for EXCEPTIONAL_EVENT_KIND_OTHER");
  }
  if (e.pollutants.empty()) {
    return absl::InvalidArgumentError(
        "exceptional_event.pollutants: at least one pollutant (e.g. PM10, PM2.5 for 沙尘)");
  }
  for (size_t i = 1; i < e.pollutants.size(); ++i) {
    if (std::count(e.pollutants.begin(), e.pollutants.end(), e.pollutants[i - 1]) > 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("exceptional_event.pollutants: ", PollutantName(e.pollutants[i - 1]),
                       " is listed twice"));
    }
  }
  for (const std::string& s : e.stations) {
    if (!stations.count(s)) {
      return absl::InvalidArgumentError(
          absl::StrCat("exceptional_event.stations: no station stations/", s, " is configured"));
    }
  }
  if (e.last_hour < e.first_hour) {
    return absl::InvalidArgumentError(e.by_hours ? "exceptional_event.last_hour: before first_hour"
                                                 : "exceptional_event.last_day: before first_day");
  }
  if (e.last_day() - e.first_day() >= kMaxExceptionalEventDays) {
    return absl::InvalidArgumentError(
        absl::StrCat(e.by_hours ? "exceptional_event.last_hour" : "exceptional_event.last_day",
                     ": one event covers at most ", kMaxExceptionalEventDays, " days"));
  }
  if (e.reason.empty()) {
    return absl::InvalidArgumentError("exceptional_event.reason: required (audit trail)");
  }
  if (e.basis.number.empty() && e.basis.title.empty()) {
    return absl::InvalidArgumentError(
        "exceptional_event.basis: the number or the title of the document the marking rests "
        "on is required");
  }
  return absl::OkStatus();
}

bool TouchesDay(const ExceptionalEvent& e, const std::set<std::string>& area_stations,
                absl::CivilDay day, std::optional<Pollutant> pollutant) {
  if (!e.active()) return false;
  if (day < e.first_day() || day > e.last_day()) return false;
  if (pollutant.has_value() &&
      std::find(e.pollutants.begin(), e.pollutants.end(), *pollutant) == e.pollutants.end()) {
    return false;
  }
  if (e.stations.empty()) return true;
  for (const std::string& s : e.stations) {
    if (area_stations.count(s)) return true;
  }
  return false;
}

ExceptionalExclusion ExcludeExceptionalDays(absl::Span<const DistrictDay> days,
                                            absl::Span<const ExceptionalEvent> events,
                                            const std::set<std::string>& area_stations,
                                            std::optional<DailyItem> item, absl::CivilDay from,
                                            absl::CivilDay to) {
  ExceptionalExclusion out;
  std::optional<Pollutant> pollutant;
  if (item.has_value()) pollutant = PollutantOf(*item);
  // The events that count for this area and pollutant at all.
  std::vector<const ExceptionalEvent*> relevant;
  for (const ExceptionalEvent& e : events) {
    if (!e.active()) continue;
    if (pollutant.has_value() &&
        std::find(e.pollutants.begin(), e.pollutants.end(), *pollutant) == e.pollutants.end()) {
      continue;
    }
    bool area = e.stations.empty();
    for (const std::string& s : e.stations) area = area || area_stations.count(s) > 0;
    if (!area) continue;
    relevant.push_back(&e);
    if (e.first_day() <= to && e.last_day() >= from) out.event_ids.push_back(e.id);
  }
  std::sort(out.event_ids.begin(), out.event_ids.end());
  out.days.reserve(days.size());
  for (const DistrictDay& d : days) {
    const bool touched = std::any_of(relevant.begin(), relevant.end(), [&](const auto* e) {
      return d.day >= e->first_day() && d.day <= e->last_day();
    });
    if (!touched) {
      out.days.push_back(d);
      continue;
    }
    const bool in_range = d.day >= from && d.day <= to;
    if (!item.has_value()) {
      if (in_range) ++out.excluded_days;  // the whole day leaves the tally
      continue;
    }
    DistrictDay kept = d;
    DailyStatistic& s = kept.values[static_cast<int>(*item)];
    if (in_range && s.usable()) ++out.excluded_days;
    s.validity = Validity::kInsufficientData;  // no longer counts, in sum or days
    out.days.push_back(std::move(kept));
  }
  return out;
}

std::set<std::string> AreaStations(const std::map<std::string, Station>& stations,
                                   const std::string& area) {
  std::set<std::string> out;
  for (const auto& [id, s] : stations) {
    if (area == "district"             ? s.counts_for_district
        : area.rfind("towns/", 0) == 0 ? s.town == area.substr(6)
                                       : area == absl::StrCat("stations/", id)) {
      out.insert(id);
    }
  }
  return out;
}

}  // namespace ecoplan::indicator
