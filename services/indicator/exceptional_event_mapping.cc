#include "services/indicator/exceptional_event_mapping.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/indicator/domain/observation_book.h"
#include "services/indicator/proto_mapping.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;

v1::Pollutant PollutantToProto(Pollutant p) {
  switch (p) {
    case Pollutant::kPm25:
      return v1::POLLUTANT_PM25;
    case Pollutant::kPm10:
      return v1::POLLUTANT_PM10;
    case Pollutant::kSo2:
      return v1::POLLUTANT_SO2;
    case Pollutant::kNo2:
      return v1::POLLUTANT_NO2;
    case Pollutant::kCo:
      return v1::POLLUTANT_CO;
    case Pollutant::kO3:
      return v1::POLLUTANT_O3;
  }
  return v1::POLLUTANT_UNSPECIFIED;
}

ExceptionalEventKind KindFromProto(v1::ExceptionalEventKind k) {
  switch (k) {
    case v1::EXCEPTIONAL_EVENT_KIND_SAND_DUST:
      return ExceptionalEventKind::kSandDust;
    case v1::EXCEPTIONAL_EVENT_KIND_WILDFIRE:
      return ExceptionalEventKind::kWildfire;
    case v1::EXCEPTIONAL_EVENT_KIND_OTHER:
      return ExceptionalEventKind::kOther;
    default:
      return ExceptionalEventKind::kUnspecified;
  }
}

v1::ExceptionalEventKind KindToProto(ExceptionalEventKind k) {
  switch (k) {
    case ExceptionalEventKind::kSandDust:
      return v1::EXCEPTIONAL_EVENT_KIND_SAND_DUST;
    case ExceptionalEventKind::kWildfire:
      return v1::EXCEPTIONAL_EVENT_KIND_WILDFIRE;
    case ExceptionalEventKind::kOther:
      return v1::EXCEPTIONAL_EVENT_KIND_OTHER;
    case ExceptionalEventKind::kUnspecified:
      break;
  }
  return v1::EXCEPTIONAL_EVENT_KIND_UNSPECIFIED;
}

// The definition fields, shared by a new and a stored event.
absl::StatusOr<ExceptionalEvent> DefinitionFromProto(const v1::ExceptionalEvent& p) {
  ExceptionalEvent e;
  e.kind = KindFromProto(p.kind());
  e.description = p.description();
  for (int i = 0; i < p.pollutants_size(); ++i) {
    absl::StatusOr<Pollutant> pollutant =
        PollutantFromProto(static_cast<v1::Pollutant>(p.pollutants(i)));
    if (!pollutant.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("exceptional_event.pollutants[", i, "]: unknown or unspecified pollutant"));
    }
    e.pollutants.push_back(*pollutant);
  }
  for (int i = 0; i < p.stations_size(); ++i) {
    const std::string& s = p.stations(i);
    if (s.rfind("stations/", 0) != 0 || s.size() == 9 || s.find('/', 9) != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("exceptional_event.stations[", i, "]: not stations/{id}: ", s));
    }
    e.stations.push_back(s.substr(9));
  }
  std::sort(e.stations.begin(), e.stations.end());
  e.stations.erase(std::unique(e.stations.begin(), e.stations.end()), e.stations.end());
  const bool days = p.has_first_day() || p.has_last_day();
  const bool hours =
      p.has_hours() && (!p.hours().first_hour().empty() || !p.hours().last_hour().empty());
  if (days == hours) {
    return absl::InvalidArgumentError(
        "exceptional_event.first_day: set first_day and last_day, or hours — one of them");
  }
  if (days) {
    absl::StatusOr<absl::CivilDay> first =
        DateFromProto(p.first_day(), "exceptional_event.first_day");
    if (!first.ok()) return first.status();
    absl::StatusOr<absl::CivilDay> last = DateFromProto(p.last_day(), "exceptional_event.last_day");
    if (!last.ok()) return last.status();
    e.first_hour = absl::CivilHour(*first);
    e.last_hour = absl::CivilHour(*last) + 23;
  } else {
    absl::StatusOr<absl::CivilHour> first = ParseHour(p.hours().first_hour());
    if (!first.ok()) {
      return absl::InvalidArgumentError(
          "exceptional_event.hours.first_hour: not YYYY-MM-DDTHH (Asia/Shanghai)");
    }
    absl::StatusOr<absl::CivilHour> last = ParseHour(p.hours().last_hour());
    if (!last.ok()) {
      return absl::InvalidArgumentError(
          "exceptional_event.hours.last_hour: not YYYY-MM-DDTHH (Asia/Shanghai)");
    }
    e.first_hour = *first;
    e.last_hour = *last;
    e.by_hours = true;
  }
  e.reason = p.reason();
  e.basis.number = p.basis().number();
  e.basis.title = p.basis().title();
  e.basis.url = p.basis().url();
  return e;
}

}  // namespace

v1::ExceptionalEvent ToProto(const ExceptionalEvent& e) {
  v1::ExceptionalEvent p;
  p.set_name(ExceptionalEventName(e.id));
  p.set_kind(KindToProto(e.kind));
  p.set_description(e.description);
  for (Pollutant pollutant : e.pollutants) p.add_pollutants(PollutantToProto(pollutant));
  for (const std::string& s : e.stations) p.add_stations(absl::StrCat("stations/", s));
  *p.mutable_first_day() = DateToProto(e.first_day());
  *p.mutable_last_day() = DateToProto(e.last_day());
  if (e.by_hours) {
    p.mutable_hours()->set_first_hour(absl::FormatCivilTime(e.first_hour));
    p.mutable_hours()->set_last_hour(absl::FormatCivilTime(e.last_hour));
  }
  p.set_reason(e.reason);
  p.mutable_basis()->set_number(e.basis.number);
  p.mutable_basis()->set_title(e.basis.title);
  p.mutable_basis()->set_url(e.basis.url);
  p.set_state(e.state == ExceptionalEventState::kWithdrawn ? v1::EXCEPTIONAL_EVENT_STATE_WITHDRAWN
                                                           : v1::EXCEPTIONAL_EVENT_STATE_ACTIVE);
  *p.mutable_create_time() = TimeToProto(e.create_time);
  p.set_created_by(e.created_by);
  if (e.state == ExceptionalEventState::kWithdrawn) {
    *p.mutable_withdraw_time() = TimeToProto(e.withdraw_time);
    p.set_withdrawn_by(e.withdrawn_by);
    p.set_withdraw_reason(e.withdraw_reason);
  }
  return p;
}

absl::StatusOr<ExceptionalEvent> NewExceptionalEventFromProto(const v1::ExceptionalEvent& p) {
  return DefinitionFromProto(p);
}

absl::StatusOr<ExceptionalEvent> StoredExceptionalEventFromProto(const v1::ExceptionalEvent& p) {
  v1::ExceptionalEvent definition = p;
  if (definition.has_hours()) {  // stored with both: the days are derived from the hours
    definition.clear_first_day();
    definition.clear_last_day();
  }
  absl::StatusOr<ExceptionalEvent> e = DefinitionFromProto(definition);
  if (!e.ok()) {
    return absl::DataLossError(
        absl::StrCat("stored exceptional event ", p.name(), ": ", e.status().message()));
  }
  absl::StatusOr<std::string> id = ParseExceptionalEventName(p.name(), "name");
  if (!id.ok()) return absl::DataLossError(id.status().message());
  e->id = *id;
  e->state = p.state() == v1::EXCEPTIONAL_EVENT_STATE_WITHDRAWN ? ExceptionalEventState::kWithdrawn
                                                                : ExceptionalEventState::kActive;
  e->create_time = TimeFromProtoOrPast(p.create_time());
  e->created_by = p.created_by();
  e->withdraw_time = TimeFromProtoOrPast(p.withdraw_time());
  e->withdrawn_by = p.withdrawn_by();
  e->withdraw_reason = p.withdraw_reason();
  return e;
}

absl::StatusOr<std::string> ParseExceptionalEventName(absl::string_view name,
                                                      absl::string_view field) {
  constexpr absl::string_view kPrefix = "exceptionalEvents/";
  if (name.substr(0, kPrefix.size()) != kPrefix || name.size() == kPrefix.size() ||
      name.size() > kPrefix.size() + 64 ||
      name.find_first_of("/ \t\n", kPrefix.size()) != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not exceptionalEvents/{id}: ", name.substr(0, 100)));
  }
  return std::string(name.substr(kPrefix.size()));
}

void AddExceptionalEventsFigure(const Evaluation& e, v1::Evaluation* out) {
  if (!e.excluding_exceptional_events.has_value()) return;
  const ExceptionalEventsFigure& f = *e.excluding_exceptional_events;
  v1::ExceptionalEventsFigure* p = out->mutable_excluding_exceptional_events();
  if (f.current_value.has_value()) p->set_current_value(*f.current_value);
  if (f.projected_value.has_value()) p->set_projected_value(*f.projected_value);
  p->set_status(ToProto(f.status));
  p->set_status_reason(f.status_reason);
  p->set_status_reason_zh(f.status_reason_zh);
  p->set_observed_days(f.observed_days);
  p->set_excluded_days(f.excluded_days);
  for (const std::string& id : f.event_ids) p->add_exceptional_events(ExceptionalEventName(id));
}

}  // namespace ecoplan::indicator
