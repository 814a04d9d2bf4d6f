#include "services/indicator/ingest_mapping.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/indicator/proto_mapping.h"

namespace ecoplan::indicator {

namespace v1 = ::ecoplan::indicator::v1;

ChunkInput ChunkFromProto(const v1::IngestObservationsRequest& request) {
  ChunkInput in;
  for (int i = 0; i < request.readings_size(); ++i) {
    const v1::StationReading& r = request.readings(i);
    absl::StatusOr<Pollutant> p = PollutantFromProto(r.pollutant());
    if (!p.ok()) {
      in.without_pollutant.push_back(static_cast<size_t>(i));
      continue;
    }
    if (r.verification() != v1::DATA_VERIFICATION_UNSPECIFIED &&
        r.verification() != v1::DATA_VERIFICATION_PROVISIONAL &&
        r.verification() != v1::DATA_VERIFICATION_AUDITED) {
      in.bad_verification.push_back(static_cast<size_t>(i));
      continue;
    }
    ReadingInput reading;
    reading.station = r.station();
    reading.hour = r.hour();
    reading.pollutant = *p;
    reading.value = r.value();
    if (r.unit() == v1::CONCENTRATION_UNIT_UG_M3) reading.unit = Unit::kMicrogramsPerCubicMeter;
    if (r.unit() == v1::CONCENTRATION_UNIT_MG_M3) reading.unit = Unit::kMilligramsPerCubicMeter;
    reading.verification = VerificationFromProto(r.verification());
    in.chunk.readings.push_back(std::move(reading));
    in.reading_index.push_back(static_cast<size_t>(i));
  }
  for (const v1::IndicatorValue& v : request.values()) {
    ValueInput value;
    value.indicator = v.indicator();
    if (v.has_date()) {
      if (auto d = DateFromProto(v.date(), "date"); d.ok()) value.day = *d;
    }
    value.value = v.value();
    value.unit = v.unit();
    value.source = v.source();
    in.chunk.values.push_back(std::move(value));
  }
  return in;
}

void AddRejection(std::string position, std::string series, std::string timestamp,
                  std::string reason, v1::IngestObservationsResponse* response) {
  response->set_rejected_count(response->rejected_count() + 1);
  if (static_cast<size_t>(response->rejections_size()) >= kMaxIngestListed) return;
  v1::Rejection* r = response->add_rejections();
  r->set_position(std::move(position));
  r->set_series(std::move(series));
  r->set_timestamp(std::move(timestamp));
  r->set_reason(std::move(reason));
}

void AddChunkOutcome(int batch, const ChunkInput& in, const ChunkOutcome& o,
                     v1::IngestObservationsResponse* response) {
  response->set_accepted_count(response->accepted_count() + o.accepted);
  response->set_replaced_count(response->replaced_count() + o.replaced);
  response->set_unchanged_count(response->unchanged_count() + o.unchanged);
  response->set_audited_replaced_count(response->audited_replaced_count() + o.audited_replaced);
  response->set_kept_audited_count(response->kept_audited_count() + o.kept_audited);
  for (size_t i = 0; i < o.readings.outcomes.size(); ++i) {
    const ItemOutcome& x = o.readings.outcomes[i];
    if (x.kind != ItemOutcome::kRejected) continue;
    const ReadingInput& r = in.chunk.readings[i];
    AddRejection(absl::StrCat(batch, ":", in.reading_index[i]),
                 absl::StrCat(r.station, "/", PollutantName(r.pollutant)), r.hour, x.reason,
                 response);
  }
  for (size_t i = 0; i < o.values.size(); ++i) {
    if (o.values[i].kind != ItemOutcome::kRejected) continue;
    const ValueInput& v = in.chunk.values[i];
    AddRejection(absl::StrCat(batch, ":v", i), v.indicator,
                 v.day ? absl::FormatCivilTime(*v.day) : "", o.values[i].reason, response);
  }
  response->set_quality_flag_count(response->quality_flag_count() +
                                   static_cast<int64_t>(o.readings.flags.size()));
  for (const PreparedBatch::Flag& f : o.readings.flags) {
    if (static_cast<size_t>(response->quality_flags_size()) >= kMaxIngestListed) break;
    const ReadingInput& r = in.chunk.readings[f.index];
    v1::QualityFlag* q = response->add_quality_flags();
    q->set_position(absl::StrCat(batch, ":", in.reading_index[f.index]));
    q->set_series(absl::StrCat(r.station, "/", PollutantName(r.pollutant)));
    q->set_timestamp(r.hour);
    q->set_flag(f.flag);
  }
}

}  // namespace ecoplan::indicator
