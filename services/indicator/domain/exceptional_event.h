#pragma once

// Exceptional events (例外事件): days or hours the bureau marks as affected by
// an event the assessment may set apart — sand and dust (沙尘) above all, as
// 环办监测〔2016〕120号《受沙尘天气过程影响城市空气质量评价补充规定》 deducts
// the particulate concentrations of sand-and-dust days from assessments and
// rankings, and as HJ 663 lets the assessment be given without them. Marked
// days never change the data: the official figure (and its light) counts every
// day; the "without" figure is given beside it.
//
// The exclusion arithmetic (ExcludeExceptionalDays), applied to an area's daily
// values before an evaluation:
//   * a mean of daily values (PM2.5 annual mean, …): on a day an active event
//     touches for the item's pollutant, the area's value of that item does not
//     count — neither in the sum nor in the valid days (the denominator);
//   * a count of days by their AQI (优良天数比率, 重污染天数): a day an active
//     event touches (any pollutant: every pollutant enters the AQI) is left out
//     of the tally — it counts neither as 优良 nor in the valid days.
// An event touches an area's day when its range covers at least one hour of
// the day and it names one of the area's stations (or names none: every
// station). An event marked by hours sets the whole day of those hours apart:
// daily values are the unit of assessment (HJ 663), and ecoplan does not
// recompute a daily mean from the hours left. Likewise an event touching some
// of an area's stations sets the area's day apart (HJ 663 deducts at the
// city's level); the area's mean is not recomputed from its other stations.
// Withdrawn events touch nothing.
//
// Pure: no I/O, no protos.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "services/indicator/domain/air_quality_standard.h"
#include "services/indicator/domain/daily_statistics.h"
#include "services/indicator/domain/model.h"

namespace ecoplan::indicator {

enum class ExceptionalEventKind : uint8_t {
  kUnspecified = 0,
  kSandDust = 1,  // 沙尘 (sandstorm, blowing sand, floating dust)
  kWildfire = 2,  // 森林草原火灾
  kOther = 3,     // described in `description`
};
// "sand_dust", "wildfire", "other", "unspecified".
const char* ExceptionalEventKindName(ExceptionalEventKind kind);
// "沙尘", "森林草原火灾", "其他".
const char* ExceptionalEventKindNameZh(ExceptionalEventKind kind);

enum class ExceptionalEventState : uint8_t { kUnspecified = 0, kActive = 1, kWithdrawn = 2 };

// The document the marking rests on, e.g. the city's 沙尘 confirmation notice.
struct ExceptionalEventBasis {
  std::string number;  // 文号, e.g. "京环发〔2026〕12号"
  std::string title;
  std::string url;
};

struct ExceptionalEvent {
  std::string id;  // the resource is exceptionalEvents/{id}
  ExceptionalEventKind kind = ExceptionalEventKind::kUnspecified;
  std::string description;            // required for kOther
  std::vector<Pollutant> pollutants;  // at least one; sorted, unique
  std::vector<std::string> stations;  // station ids; empty = every station
  // The range, inclusive, in Asia/Shanghai civil time (the hours a reading
  // names: 07 = 07:00–08:00). Marked by days: 00 of the first day .. 23 of
  // the last (`by_hours` false).
  absl::CivilHour first_hour;
  absl::CivilHour last_hour;
  bool by_hours = false;
  std::string reason;
  ExceptionalEventBasis basis;
  ExceptionalEventState state = ExceptionalEventState::kActive;
  absl::Time create_time = absl::InfinitePast();
  std::string created_by;
  absl::Time withdraw_time = absl::InfinitePast();
  std::string withdrawn_by;
  std::string withdraw_reason;

  absl::CivilDay first_day() const { return absl::CivilDay(first_hour); }
  absl::CivilDay last_day() const { return absl::CivilDay(last_hour); }
  bool active() const { return state == ExceptionalEventState::kActive; }
};

// "exceptionalEvents/<id>".
std::string ExceptionalEventName(const std::string& id);

// The longest range one event may cover (a year and a day).
inline constexpr int kMaxExceptionalEventDays = 366;

// Checks a new event (its id, state and times are the caller's). `stations`:
// the configured stations by id. Errors: InvalidArgument naming the field —
// kind unspecified; description empty for kOther; no pollutant or one listed
// twice; a station not configured; last before first; more than
// kMaxExceptionalEventDays days; reason empty; basis.title and basis.number
// both empty (the document it rests on is required).
absl::Status ValidateExceptionalEvent(const ExceptionalEvent& event,
                                      const std::map<std::string, Station>& stations);

// Whether active `event` touches `day` of an area whose stations are
// `area_stations` for `pollutant` (nullopt: any pollutant).
bool TouchesDay(const ExceptionalEvent& event, const std::set<std::string>& area_stations,
                absl::CivilDay day, std::optional<Pollutant> pollutant);

// An area's days with the marked days set apart (see the file comment).
struct ExceptionalExclusion {
  std::vector<DistrictDay> days;  // the input less what the events set apart
  // Days in [from, to] set apart that had a usable value of the item (a
  // mean) or were in the data at all (a count of days).
  int excluded_days = 0;
  // Active events touching at least one day of [from, to] (for the area and
  // the pollutant), by id.
  std::vector<std::string> event_ids;
};

// `item` set: a mean of that daily item; nullopt: a count of days by their
// AQI. Every day of `days` is filtered (past years too: they feed the seasonal
// profile); the counts are of [from, to]. `days` sorted by day.
ExceptionalExclusion ExcludeExceptionalDays(absl::Span<const DistrictDay> days,
                                            absl::Span<const ExceptionalEvent> events,
                                            const std::set<std::string>& area_stations,
                                            std::optional<DailyItem> item, absl::CivilDay from,
                                            absl::CivilDay to);

// The stations of an area ("district": those counting for the district;
// "towns/<name>": the town's; "stations/<id>": that one), from `stations`.
std::set<std::string> AreaStations(const std::map<std::string, Station>& stations,
                                   const std::string& area);

}  // namespace ecoplan::indicator
