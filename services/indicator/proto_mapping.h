#pragma once

// v1 messages ↔ indicator domain structs (FromProto / ToProto). The only place
// where the two meet; the storage adapter stores v1 messages inside its records.

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/mapping/proto_values.h"
#include "ecoplan/common/v1/types.pb.h"
#include "ecoplan/indicator/v1/indicator_service.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/indicator/domain/aqi.h"
#include "services/indicator/domain/daily_statistics.h"
#include "services/indicator/domain/indicator_store.h"
#include "services/indicator/domain/model.h"
#include "services/indicator/domain/plan_evaluation.h"

namespace ecoplan::indicator {

// IndicatorName and ParseIndicatorName: domain/model.h.
// "plans/{plan}" → plan id. Errors: InvalidArgument naming `field`.
absl::StatusOr<std::string> ParsePlanName(absl::string_view name, absl::string_view field);

// Dates and times as every service maps them (common/mapping/proto_values.h);
// DateFromProto's InvalidArgument names `field` (unset or impossible date).
// Times: an unset (all-zero) Timestamp is absl::InfinitePast(), the domain's
// "never" (TimeFromProtoOrPast), and back (TimeToProto).
using common::DateFromProto;
using common::DateToProto;
using common::TimeFromProtoOrPast;
using common::TimeToProto;

// Indicator (name, etag, revision, update_time derived from the struct).
ecoplan::indicator::v1::Indicator ToProto(const Indicator& indicator);
// The definition fields only; name/etag/revision/origin/retired are the caller's business.
// Unset dates stay the struct's defaults.
Indicator FromProto(const ecoplan::indicator::v1::Indicator& proto);
// Full round trip for storage: also plan/id from the name, origin, revision, flags, time.
absl::StatusOr<Indicator> StoredIndicatorFromProto(const ecoplan::indicator::v1::Indicator& proto);

ecoplan::indicator::v1::IndicatorRevision ToProto(const IndicatorRevision& revision);
absl::StatusOr<IndicatorRevision> FromProto(const ecoplan::indicator::v1::IndicatorRevision& proto);

ecoplan::indicator::v1::Station ToProto(const Station& station);
Station FromProto(const ecoplan::indicator::v1::Station& proto);

ecoplan::indicator::v1::ExtractionReport ToProto(const ExtractionReport& report);
// The inverse, for a stored report. Errors: InvalidArgument for a name that does not parse.
absl::StatusOr<ExtractionReport> FromProto(const ecoplan::indicator::v1::ExtractionReport& proto);

// The IndicatorStatusChanged event of a recorded change, and a run's v1 form.
ecoplan::indicator::v1::IndicatorStatusChanged StatusChangedEvent(const std::string& plan_id,
                                                                  absl::CivilDay as_of,
                                                                  const RecordedChange& change);
ecoplan::indicator::v1::EvaluationRun RunToProto(const RunOutcome& run);

ecoplan::indicator::v1::IndicatorStatus ToProto(IndicatorStatus status);
IndicatorStatus FromProto(ecoplan::indicator::v1::IndicatorStatus status);

// Evaluation with its indicator.
ecoplan::indicator::v1::Evaluation ToProto(const Indicator& indicator, const Evaluation& e);
ecoplan::indicator::v1::TownRank ToProto(const TownRank& rank);
ecoplan::indicator::v1::MeasureLight ToProto(absl::string_view plan_id, const MeasureLight& light);
ecoplan::indicator::v1::Scorecard ToProto(const Scorecard& card);

// One day of GetDailyAirQuality: the area's daily values and the day's AQI.
ecoplan::indicator::v1::DailyAirQuality ToProto(const DistrictDay& day, const DailyAqi& aqi,
                                                absl::string_view validity_standard);

// Provisional / audited ↔ v1 (UNSPECIFIED and anything else read as provisional).
ecoplan::indicator::v1::DataVerification VerificationToProto(Verification v);
Verification VerificationFromProto(ecoplan::indicator::v1::DataVerification v);
// The summary of `days` (verification AUDITED, PROVISIONAL, MIXED or, without
// days, UNSPECIFIED) and back.
ecoplan::indicator::v1::DataVerificationSummary ToProto(const DataDays& days);
DataDays DataDaysFromProto(const ecoplan::indicator::v1::DataVerificationSummary& summary);

// v1.Pollutant → domain. Errors: InvalidArgument for UNSPECIFIED / unknown.
absl::StatusOr<Pollutant> PollutantFromProto(ecoplan::indicator::v1::Pollutant pollutant);

}  // namespace ecoplan::indicator
