// IndicatorEvaluator, intake: monitoring stations, hourly readings and
// reported indicator values (Ingest, one chunk at a time on the ingest
// executor), and the daily air quality computed from the readings.

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/indicator/domain/indicator_evaluator.h"

namespace ecoplan::indicator {
namespace {

absl::CivilHour NowHour(const common::Clock* clock) {
  return absl::ToCivilHour(clock->Now(), absl::FixedTimeZone(8 * 3600));  // Asia/Shanghai, no DST
}

// A reported value accepted in a chunk, applied to the held values once durable.
struct ValueWrite {
  std::string plan, id;
  absl::CivilDay day;
  double value;
};

using IndicatorMap = std::map<std::pair<std::string, std::string>, Indicator>;
using HeldValues = std::map<std::string, std::map<std::string, std::map<absl::CivilDay, double>>>;

// The value held for an indicator's day, if any.
std::optional<double> HeldValue(const HeldValues& held, const std::string& plan,
                                const std::string& id, absl::CivilDay day) {
  auto p = held.find(plan);
  if (p == held.end()) return std::nullopt;
  auto i = p->second.find(id);
  if (i == p->second.end()) return std::nullopt;
  auto d = i->second.find(day);
  if (d == i->second.end()) return std::nullopt;
  return d->second;
}

// The outcome of each reported value of a chunk, checked against the
// indicators and the values held (and the chunk's earlier values); the
// accepted and replaced ones are added to `w` and to `writes`.
std::vector<ItemOutcome> PrepareValues(const std::vector<ValueInput>& values,
                                       const IndicatorMap& indicators, const HeldValues& reported,
                                       const common::Clock* clock, Change* w,
                                       std::vector<ValueWrite>* writes) {
  std::vector<ItemOutcome> outcomes;
  std::map<std::tuple<std::string, std::string, absl::CivilDay>, double> in_chunk;
  for (const ValueInput& v : values) {
    ItemOutcome o;
    auto name = ParseIndicatorName(v.indicator, "indicator");
    auto ind = name.ok() ? indicators.find({name->first, name->second}) : indicators.end();
    if (!name.ok()) {
      o = {ItemOutcome::kRejected, std::string(name.status().message())};
    } else if (ind == indicators.end()) {
      o = {ItemOutcome::kRejected, absl::StrCat("unknown indicator ", v.indicator)};
    } else if (!v.day.has_value()) {
      o = {ItemOutcome::kRejected, "date is not set"};
    } else if (!std::isfinite(v.value)) {
      o = {ItemOutcome::kRejected, "value is not a number"};
    } else if (!v.unit.empty() && v.unit != ind->second.unit) {
      o = {ItemOutcome::kRejected,
           absl::StrCat("unit «", v.unit, "» is not the indicator's «", ind->second.unit, "»")};
    } else {
      std::optional<double> held = HeldValue(reported, name->first, name->second, *v.day);
      auto dup = in_chunk.find({name->first, name->second, *v.day});
      if (dup != in_chunk.end()) held = dup->second;
      if (held.has_value() && *held == v.value) {
        o = {ItemOutcome::kUnchanged, ""};
      } else {
        o = {held.has_value() ? ItemOutcome::kReplaced : ItemOutcome::kAccepted, ""};
        in_chunk[{name->first, name->second, *v.day}] = v.value;
        writes->push_back({name->first, name->second, *v.day, v.value});
        w->values.push_back(
            {name->first, name->second, *v.day, v.value, v.source, held, clock->Now()});
      }
    }
    outcomes.push_back(o);
  }
  return outcomes;
}

// The totals of a chunk: its readings' and its values' outcomes.
void CountOutcomes(ChunkOutcome* outcome) {
  const PreparedBatch& r = outcome->readings;
  outcome->accepted = r.accepted;
  outcome->replaced = r.replaced;
  outcome->unchanged = r.unchanged;
  outcome->rejected = r.rejected;
  outcome->audited_replaced = r.audited_replaced;
  outcome->kept_audited = r.kept_audited;
  for (const ItemOutcome& o : outcome->values) {
    outcome->accepted += o.kind == ItemOutcome::kAccepted;
    outcome->replaced += o.kind == ItemOutcome::kReplaced;
    outcome->unchanged += o.kind == ItemOutcome::kUnchanged;
    outcome->rejected += o.kind == ItemOutcome::kRejected;
  }
}

// The ObservationsIngested event of a chunk: its counts and the days its
// readings cover.
ObservationsEvent ObservationsEventOf(const ChunkOutcome& outcome) {
  ObservationsEvent event;
  event.resource = "observations";
  event.accepted = outcome.accepted;
  event.replaced = outcome.replaced;
  event.audited_replaced = outcome.audited_replaced;
  const std::vector<ReadingWrite>& writes = outcome.readings.writes;
  if (!writes.empty()) {
    absl::CivilDay first = absl::CivilDay(writes[0].hour), last = first;
    for (const ReadingWrite& x : writes) {
      first = std::min(first, absl::CivilDay(x.hour));
      last = std::max(last, absl::CivilDay(x.hour));
    }
    event.first_day = first;
    event.last_day = last;
  }
  return event;
}

}  // namespace

void IndicatorEvaluator::UpsertStation(Station station, Done<Station> done) {
  Change change;
  change.station = station;
  CommitThen<Station>(
      std::move(change),
      [this, station](bool ok) {
        if (!ok) return;
        absl::MutexLock lock(&mu_);
        std::vector<Station> all;
        for (const auto& [id, s] : book_.stations()) {
          if (id != station.id) all.push_back(s);
        }
        all.push_back(station);
        book_.SetStations(std::move(all));
      },
      station, std::move(done));
}

std::vector<Station> IndicatorEvaluator::ListStations() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<Station> out;
  for (const auto& [id, s] : book_.stations()) out.push_back(s);
  return out;
}

void IndicatorEvaluator::Ingest(IngestChunk chunk, Done<ChunkOutcome> done) {
  // One key for every chunk: a chunk's readings and values touch many stations
  // and indicators, and its counts must include every earlier chunk. Preparing
  // a chunk is work for the ingest executor, never for the caller's thread.
  serializer_.Run("observations", [this, chunk = std::move(chunk),
                                   done = std::move(done)](Lease lease) mutable {
    ingest_executor_->Submit([this, chunk = std::move(chunk), done = std::move(done),
                              lease = std::move(lease)]() mutable {
      RunChunk(std::move(chunk), std::move(done), std::move(lease));
    });
  });
}

// On the ingest executor: prepare the next chunk against the applied state,
// commit it asynchronously, and apply it (back on the executor) once durable;
// only then is the following chunk prepared.
void IndicatorEvaluator::RunChunk(IngestChunk chunk, Done<ChunkOutcome> chunk_done, Lease lease) {
  auto outcome = std::make_shared<ChunkOutcome>();
  Change w;
  auto value_writes = std::make_shared<std::vector<ValueWrite>>();
  // The station-days the chunk leaves, as stored and then applied.
  auto days = std::make_shared<std::vector<StationDayWrite>>();
  absl::Status status;
  {
    absl::ReaderMutexLock lock(&mu_);
    outcome->readings = book_.Prepare(chunk.readings, NowHour(clock_));
    w.readings = outcome->readings.writes;
    w.readings_time = clock_->Now();
    w.actor = chunk.actor;
    w.readings_call = chunk.call;
    absl::StatusOr<std::vector<StationDayWrite>> previewed =
        book_.Preview(outcome->readings.writes);
    if (previewed.ok()) {
      *days = *std::move(previewed);
      w.station_days = *days;
    } else {
      status = previewed.status();
    }
    outcome->values =
        PrepareValues(chunk.values, indicators_, reported_, clock_, &w, value_writes.get());
  }
  CountOutcomes(outcome.get());
  auto done = std::make_shared<Done<ChunkOutcome>>(std::move(chunk_done));
  auto held = std::make_shared<Lease>(std::move(lease));
  auto finish = [done, held](absl::StatusOr<ChunkOutcome> result) {
    (*done)(std::move(result));
    held->reset();  // the next chunk may be prepared
  };
  if (!status.ok()) {
    finish(status);
    return;
  }
  if (outcome->accepted + outcome->replaced == 0) {
    finish(*outcome);  // nothing to write: re-sent data
    return;
  }
  w.observations = ObservationsEventOf(*outcome);
  store_->CommitAsync(std::move(w), [this, outcome, value_writes, days,
                                     finish](absl::StatusOr<Committed> committed) {
    if (!committed.ok()) {
      ingest_executor_->Submit([finish, s = committed.status()] { finish(s); });
      return;
    }
    // Applying takes the book's lock: off the committer thread. The days
    // were computed by Preview against the state the lease kept unchanged.
    ingest_executor_->Submit([this, outcome, value_writes, days, finish] {
      {
        absl::MutexLock lock(&mu_);
        book_.ApplyPreviewed(*days);
        for (const auto& v : *value_writes) reported_[v.plan][v.id][v.day] = v.value;
      }
      NotifyData("");  // new observations: every plan may change
      finish(*outcome);
    });
  });
}

absl::StatusOr<std::vector<std::pair<DistrictDay, DailyAqi>>> IndicatorEvaluator::DailyAirQuality(
    const std::string& area, absl::CivilDay from, absl::CivilDay to,
    const std::string& caliber) const {
  const AirQualityStandards* standards = &standards_;
  if (!caliber.empty()) {
    standards = nullptr;
    for (const auto& [name, s] : calibers_.fixed) {
      if (name == caliber) standards = s;
    }
    if (standards == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("caliber: «", caliber, "» is not HJ 633-2012 or HJ 633—2026"));
    }
  }
  std::shared_ptr<const std::vector<DistrictDay>> days;
  {
    absl::ReaderMutexLock lock(&mu_);
    ECOPLAN_ASSIGN_OR_RETURN(days, book_.SharedAreaDays(area));
  }
  std::vector<std::pair<DistrictDay, DailyAqi>> out;
  for (const DistrictDay& d : *days) {
    if (d.day < from || d.day > to) continue;
    ECOPLAN_ASSIGN_OR_RETURN(DailyAqi aqi, ComputeDailyAqi(*standards, d.day, d.values));
    out.emplace_back(d, std::move(aqi));
  }
  return out;
}

}  // namespace ecoplan::indicator
