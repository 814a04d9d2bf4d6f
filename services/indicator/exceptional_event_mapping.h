#pragma once

// v1.ExceptionalEvent ↔ the domain's ExceptionalEvent, and the figure without
// the marked days on an Evaluation (domain/exceptional_event.h).

#include "absl/status/statusor.h"
#include "ecoplan/indicator/v1/indicator_service.pb.h"
#include "services/indicator/domain/evaluation.h"
#include "services/indicator/domain/exceptional_event.h"

namespace ecoplan::indicator {

// The event as served (name, state, times and actors included).
ecoplan::indicator::v1::ExceptionalEvent ToProto(const ExceptionalEvent& event);

// A new event from a CreateExceptionalEvent request: kind, description,
// pollutants, stations, the range (first_day/last_day or hours, not both),
// reason and basis; the output-only fields are ignored. Formats only (the
// rules are ValidateExceptionalEvent's). Errors: InvalidArgument naming the
// field under "exceptional_event.": a pollutant UNSPECIFIED, a station not
// "stations/{id}", an impossible date, an hour not "YYYY-MM-DDTHH", days and
// hours both set or neither.
absl::StatusOr<ExceptionalEvent> NewExceptionalEventFromProto(
    const ecoplan::indicator::v1::ExceptionalEvent& proto);

// An event as stored (ToProto's output). Errors: DataLoss.
absl::StatusOr<ExceptionalEvent> StoredExceptionalEventFromProto(
    const ecoplan::indicator::v1::ExceptionalEvent& proto);

// "exceptionalEvents/{id}" → id. Errors: InvalidArgument naming `field`.
absl::StatusOr<std::string> ParseExceptionalEventName(absl::string_view name,
                                                      absl::string_view field);

// Sets evaluation.excluding_exceptional_events from `e`, when it has one.
void AddExceptionalEventsFigure(const Evaluation& e, ecoplan::indicator::v1::Evaluation* out);

}  // namespace ecoplan::indicator
