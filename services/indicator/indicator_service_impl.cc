#include "services/indicator/indicator_service_impl.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/edge/reactors.h"
#include "common/status/grpc_status.h"
#include "services/indicator/domain/evaluation_visibility.h"
#include "services/indicator/exceptional_event_mapping.h"
#include "services/indicator/indicator_policy.h"
#include "services/indicator/ingest_mapping.h"
#include "services/indicator/proto_mapping.h"
#include "services/indicator/registry_plan_follower.h"

namespace ecoplan::indicator {
namespace {

using common::FinishUnary;

namespace rv1 = ::ecoplan::registry::v1;

constexpr size_t kMaxReasonChars = 500;

// The caller, if it may call `method` (IndicatorPolicy); its subject is the
// actor recorded in changes.
absl::StatusOr<common::Principal> AuthorizeCall(const common::CallAuthenticator* auth,
                                                grpc::CallbackServerContext* ctx,
                                                absl::string_view method) {
  return auth->Authorize(*ctx, IndicatorMethod(method), common::ResourceScope::Any());
}

// A server stream refused before it started.
template <typename Response>
class RefusedStream final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit RefusedStream(const absl::Status& status) { this->Finish(common::ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

// A client stream refused before anything was read.
template <typename Request>
class RefusedUpload final : public grpc::ServerReadReactor<Request> {
 public:
  explicit RefusedUpload(const absl::Status& status) { this->Finish(common::ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

bool ValidId(absl::string_view id) {
  if (id.empty() || id.size() > 256) return false;
  for (char c : id) {
    if (c == '/' || c == ' ' || c == '\t' || c == '\n') return false;
  }
  return true;
}

absl::Status CheckReason(const std::string& reason) {
  if (reason.empty()) return absl::InvalidArgumentError("reason: required (audit trail)");
  if (reason.size() > kMaxReasonChars * 3) {
    return absl::InvalidArgumentError("reason: at most 500 characters");
  }
  return absl::OkStatus();
}

// The stream of IngestObservations: each chunk is validated, committed and
// applied before the next one is prepared, and at most one more message is
// read meanwhile (decoded on a gRPC thread while the chunk before it is
// prepared and made durable; flow control: a client can never get more than
// one message ahead of the disk); the response is sent after the last chunk.
// The mapping of a chunk and of its outcome: ingest_mapping.h.
class IngestReactor final : public grpc::ServerReadReactor<v1::IngestObservationsRequest> {
 public:
  IngestReactor(IndicatorEvaluator* evaluator, v1::IngestObservationsResponse* response,
                std::string actor)
      : evaluator_(evaluator), response_(response), actor_(std::move(actor)) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client finished sending (or cancelled)
      bool finish = false;
      {
        absl::MutexLock lock(&mu_);
        reads_done_ = true;
        finish = !in_flight_ && !finished_;
        finished_ = finished_ || finish;
      }
      if (finish) Finish(grpc::Status::OK);  // the last thing this reaction does
      return;
    }
    std::shared_ptr<Chunk> chunk = TakeRequest();
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;  // an earlier chunk failed: the call is over
      if (in_flight_) {
        pending_ = std::move(chunk);  // read again once the chunk in flight is applied
        return;
      }
      in_flight_ = true;
      AddEarlyRejections(*chunk);
    }
    Submit(chunk);
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  // A message read, as the evaluator takes it, with the rejections found
  // before the evaluator (listed when it is submitted, in order).
  struct Chunk {
    int batch = 0;
    ChunkInput in;
    struct Rejection {
      std::string position, series, timestamp, reason;
    };
    std::vector<Rejection> early;
  };

  std::shared_ptr<Chunk> TakeRequest() {
    auto chunk = std::make_shared<Chunk>();
    chunk->batch = batches_read_++;
    chunk->in = ChunkFromProto(request_);
    chunk->in.chunk.actor = actor_;
    for (size_t i : chunk->in.without_pollutant) {
      const v1::StationReading& r = request_.readings(static_cast<int>(i));
      chunk->early.push_back(
          {absl::StrCat(chunk->batch, ":", i), r.station(), r.hour(), "pollutant is not set"});
    }
    for (size_t i : chunk->in.bad_verification) {
      const v1::StationReading& r = request_.readings(static_cast<int>(i));
      chunk->early.push_back(
          {absl::StrCat(chunk->batch, ":", i), r.station(), r.hour(),
           "verification must be PROVISIONAL or AUDITED (MIXED describes summaries)"});
    }
    return chunk;
  }

  void AddEarlyRejections(Chunk& chunk) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    response_->set_batch_count(chunk.batch + 1);
    for (Chunk::Rejection& r : chunk.early) {
      AddRejection(std::move(r.position), std::move(r.series), std::move(r.timestamp),
                   std::move(r.reason), response_);
    }
  }

  void Submit(std::shared_ptr<Chunk> chunk) {
    IngestChunk copy = chunk->in.chunk;  // the outcome's rejections name the chunk's readings
    evaluator_->Ingest(std::move(copy), [this, chunk](absl::StatusOr<ChunkOutcome> outcome) {
      OnChunkDone(*chunk, std::move(outcome));
    });
  }

  void OnChunkDone(const Chunk& chunk, absl::StatusOr<ChunkOutcome> outcome) {
    std::shared_ptr<Chunk> next;
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      in_flight_ = false;
      if (!outcome.ok()) {
        finished_ = true;
        finish = common::ToGrpcStatus(outcome.status());
      } else {
        AddChunkOutcome(chunk.batch, chunk.in, *outcome, response_);
        if (pending_ != nullptr) {
          next = std::move(pending_);
          in_flight_ = true;
          AddEarlyRejections(*next);
        } else if (reads_done_ && !finished_) {
          finished_ = true;
          finish = grpc::Status::OK;
        }
      }
    }
    if (finish.has_value()) {
      Finish(*finish);  // the last thing this callback does: OnDone may follow at once
      return;
    }
    if (next == nullptr) return;  // a read is under way; its OnReadDone submits it
    Submit(next);
    StartRead(&request_);
  }

  IndicatorEvaluator* const evaluator_;
  v1::IngestObservationsResponse* const response_;
  const std::string actor_;                // the caller's subject, recorded with its corrections
  v1::IngestObservationsRequest request_;  // the read under way (one at a time)
  int batches_read_ = 0;                   // only touched by reads (one at a time)
  absl::Mutex mu_;
  bool in_flight_ ABSL_GUARDED_BY(mu_) = false;          // a chunk is with the evaluator
  std::shared_ptr<Chunk> pending_ ABSL_GUARDED_BY(mu_);  // read, waiting for it
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

// SyncPlan: ExportPlan asynchronously, then prepare and commit.
struct SyncCall {
  grpc::ClientContext context;
  rv1::ExportPlanRequest request;
  rv1::ExportPlanResponse response;
};

}  // namespace

absl::StatusOr<std::vector<v1::DailyAirQuality>> DailyAirQualityAnswer(
    const IndicatorEvaluator& evaluator, const std::string& area, absl::CivilDay from,
    absl::CivilDay to, const std::string& caliber) {
  auto days = evaluator.DailyAirQuality(area, from, to, caliber);
  if (!days.ok()) return days.status();
  const std::map<absl::CivilDay, std::vector<std::string>> marked =
      evaluator.ExceptionalEventsByDay(area, from, to);
  std::vector<v1::DailyAirQuality> out;
  for (const auto& [day, aqi] : *days) {
    std::string validity;
    if (auto s = AirQualityStandards::National().ForDay(day.day); s.ok()) {
      validity = (*s)->validity_standard;
    }
    out.push_back(ToProto(day, aqi, validity));
    if (auto m = marked.find(day.day); m != marked.end()) {
      for (const std::string& name : m->second) out.back().add_exceptional_events(name);
    }
  }
  return out;
}

IndicatorServiceImpl::IndicatorServiceImpl(IndicatorEvaluator* evaluator, common::RocksDb* events,
                                           common::WatchEventsHub* hub,
                                           const common::CallAuthenticator* auth,
                                           rv1::RegistryService::StubInterface* registry,
                                           const common::Clock* clock,
                                           const MonthlyAssessments* assessments)
    : evaluator_(evaluator),
      events_(events),
      hub_(hub),
      auth_(auth),
      registry_(registry),
      clock_(clock != nullptr ? clock : &real_clock_),
      assessments_(assessments) {}

grpc::ServerUnaryReactor* IndicatorServiceImpl::SyncPlan(grpc::CallbackServerContext* ctx,
                                                         const v1::SyncPlanRequest* req,
                                                         v1::SyncPlanResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "SyncPlan");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan = ParsePlanName(req->plan(), "plan");
  if (!plan.ok()) return FinishUnary(ctx, plan.status());
  if (registry_ == nullptr) {
    return FinishUnary(ctx,
                       absl::UnavailableError("no registry is configured (--registry_address)"));
  }
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto call = std::make_shared<SyncCall>();
  call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  call->request.set_name(req->plan());
  const std::string request_id = req->request_id();
  registry_->async()->ExportPlan(
      &call->context, &call->request, &call->response,
      [this, call, reactor, resp, request_id](grpc::Status status) {
        if (!status.ok()) {
          reactor->Finish(
              status.error_code() == grpc::StatusCode::NOT_FOUND
                  ? status
                  : grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                 "the registry could not be reached: " + status.error_message()));
          return;
        }
        RegistryPlan plan = FromRegistryExport(call->response);
        absl::StatusOr<SyncEffect> effect =
            evaluator_->PrepareSync(plan.source, plan.view, request_id);
        if (!effect.ok()) {
          reactor->Finish(common::ToGrpcStatus(effect.status()));
          return;
        }
        *resp->mutable_report() = ToProto(effect->report);
        resp->set_changed_indicator_count(effect->changed);
        evaluator_->CommitEffect(*std::move(effect), [reactor](absl::Status committed) {
          reactor->Finish(common::ToGrpcStatus(committed));
        });
      });
  return reactor;
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::GetExtractionReport(
    grpc::CallbackServerContext* ctx, const v1::GetExtractionReportRequest* req,
    v1::GetExtractionReportResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "GetExtractionReport");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan = ParsePlanName(req->plan(), "plan");
  if (!plan.ok()) return FinishUnary(ctx, plan.status());
  absl::StatusOr<ExtractionReport> report = evaluator_->GetReport(*plan);
  if (report.ok()) *resp->mutable_report() = ToProto(*report);
  return FinishUnary(ctx, report.status());
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::CreateIndicator(
    grpc::CallbackServerContext* ctx, const v1::CreateIndicatorRequest* req,
    v1::CreateIndicatorResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "CreateIndicator");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan = ParsePlanName(req->parent(), "parent");
  if (!plan.ok()) return FinishUnary(ctx, plan.status());
  if (!ValidId(req->indicator_id()) || req->indicator_id().size() > 64 * 3) {
    return FinishUnary(
        ctx, absl::InvalidArgumentError("indicator_id: 1-64 characters without '/' or spaces"));
  }
  if (absl::Status s = CheckReason(req->reason()); !s.ok()) return FinishUnary(ctx, s);
  Indicator ind = FromProto(req->indicator());
  ind.plan_id = *plan;
  ind.id = req->indicator_id();
  if (ind.display_name.empty()) {
    return FinishUnary(ctx, absl::InvalidArgumentError("indicator.display_name: required"));
  }
  if (ind.period_end < ind.period_start) {
    return FinishUnary(ctx,
                       absl::InvalidArgumentError("indicator.period_end: before period_start"));
  }
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  evaluator_->CreateIndicator(std::move(ind), req->reason(), req->request_id(), who->subject,
                              [reactor, resp](absl::StatusOr<Indicator> r) {
                                if (r.ok()) *resp->mutable_indicator() = ToProto(*r);
                                reactor->Finish(common::ToGrpcStatus(r.status()));
                              });
  return reactor;
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::GetIndicator(grpc::CallbackServerContext* ctx,
                                                             const v1::GetIndicatorRequest* req,
                                                             v1::GetIndicatorResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "GetIndicator");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto name = ParseIndicatorName(req->name(), "name");
  if (!name.ok()) return FinishUnary(ctx, name.status());
  absl::StatusOr<Indicator> ind = evaluator_->GetIndicator(name->first, name->second);
  if (ind.ok()) *resp->mutable_indicator() = ToProto(*ind);
  return FinishUnary(ctx, ind.status());
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::ListIndicators(grpc::CallbackServerContext* ctx,
                                                               const v1::ListIndicatorsRequest* req,
                                                               v1::ListIndicatorsResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "ListIndicators");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan = ParsePlanName(req->parent(), "parent");
  if (!plan.ok()) return FinishUnary(ctx, plan.status());
  if (req->page_size() < 0) {
    return FinishUnary(ctx, absl::InvalidArgumentError("page_size: negative"));
  }
  const int page_size = req->page_size() == 0 ? 200 : std::min(req->page_size(), 1000);
  std::vector<Indicator> all = evaluator_->ListIndicators(
      *plan, req->include_retired(), static_cast<Origin>(std::clamp<int>(req->origin(), 0, 4)));
  // The page token is the last id of the previous page.
  auto it = all.begin();
  if (!req->page_token().empty()) {
    it =
        std::upper_bound(all.begin(), all.end(), req->page_token(),
                         [](const std::string& token, const Indicator& i) { return token < i.id; });
  }
  for (int n = 0; it != all.end() && n < page_size; ++it, ++n) {
    *resp->add_indicators() = ToProto(*it);
  }
  if (it != all.end()) resp->set_next_page_token((it - 1)->id);
  return FinishUnary(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::UpdateIndicator(
    grpc::CallbackServerContext* ctx, const v1::UpdateIndicatorRequest* req,
    v1::UpdateIndicatorResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "UpdateIndicator");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto name = ParseIndicatorName(req->indicator().name(), "indicator.name");
  if (!name.ok()) return FinishUnary(ctx, name.status());
  if (req->etag().empty()) return FinishUnary(ctx, absl::InvalidArgumentError("etag: required"));
  if (absl::Status s = CheckReason(req->reason()); !s.ok()) return FinishUnary(ctx, s);
  std::vector<std::string> paths(req->update_paths().begin(), req->update_paths().end());
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  evaluator_->UpdateIndicator(name->first, name->second, FromProto(req->indicator()),
                              std::move(paths), req->etag(), req->reason(), req->request_id(),
                              who->subject, [reactor, resp](absl::StatusOr<Indicator> r) {
                                if (r.ok()) *resp->mutable_indicator() = ToProto(*r);
                                reactor->Finish(common::ToGrpcStatus(r.status()));
                              });
  return reactor;
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::RetireIndicator(
    grpc::CallbackServerContext* ctx, const v1::RetireIndicatorRequest* req,
    v1::RetireIndicatorResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "RetireIndicator");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto name = ParseIndicatorName(req->name(), "name");
  if (!name.ok()) return FinishUnary(ctx, name.status());
  if (req->etag().empty()) return FinishUnary(ctx, absl::InvalidArgumentError("etag: required"));
  if (absl::Status s = CheckReason(req->reason()); !s.ok()) return FinishUnary(ctx, s);
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  evaluator_->RetireIndicator(name->first, name->second, req->etag(), req->reason(),
                              req->request_id(), who->subject,
                              [reactor, resp](absl::StatusOr<Indicator> r) {
                                if (r.ok()) *resp->mutable_indicator() = ToProto(*r);
                                reactor->Finish(common::ToGrpcStatus(r.status()));
                              });
  return reactor;
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::ListIndicatorRevisions(
    grpc::CallbackServerContext* ctx, const v1::ListIndicatorRevisionsRequest* req,
    v1::ListIndicatorRevisionsResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "ListIndicatorRevisions");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto name = ParseIndicatorName(req->name(), "name");
  if (!name.ok()) return FinishUnary(ctx, name.status());
  // A short prefix scan of one indicator's revisions (a handful of keys).
  auto revisions = evaluator_->ListRevisions(name->first, name->second);
  if (revisions.ok()) {
    for (const IndicatorRevision& r : *revisions) *resp->add_revisions() = ToProto(r);
  }
  return FinishUnary(ctx, revisions.status());
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::UpsertStation(grpc::CallbackServerContext* ctx,
                                                              const v1::UpsertStationRequest* req,
                                                              v1::UpsertStationResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "UpsertStation");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  Station station = FromProto(req->station());
  if (req->station().name().rfind("stations/", 0) != 0 || !ValidId(station.id) ||
      station.id.size() > 64) {
    return FinishUnary(
        ctx, absl::InvalidArgumentError(
                 "station.name: stations/{id} with an id of 1-64 letters, digits, '-', '_'"));
  }
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  evaluator_->UpsertStation(std::move(station), [reactor, resp](absl::StatusOr<Station> r) {
    if (r.ok()) *resp->mutable_station() = ToProto(*r);
    reactor->Finish(common::ToGrpcStatus(r.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::ListStations(grpc::CallbackServerContext* ctx,
                                                             const v1::ListStationsRequest*,
                                                             v1::ListStationsResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "ListStations");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  for (const Station& s : evaluator_->ListStations()) *resp->add_stations() = ToProto(s);
  return FinishUnary(ctx, absl::OkStatus());
}

grpc::ServerReadReactor<v1::IngestObservationsRequest>* IndicatorServiceImpl::IngestObservations(
    grpc::CallbackServerContext* ctx, v1::IngestObservationsResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "IngestObservations");
  if (!who.ok()) return new RefusedUpload<v1::IngestObservationsRequest>(who.status());
  return new IngestReactor(evaluator_, resp, who->subject);
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::GetDailyAirQuality(
    grpc::CallbackServerContext* ctx, const v1::GetDailyAirQualityRequest* req,
    v1::GetDailyAirQualityResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "GetDailyAirQuality");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<absl::CivilDay> from = DateFromProto(req->from(), "from");
  if (!from.ok()) return FinishUnary(ctx, from.status());
  absl::StatusOr<absl::CivilDay> to = DateFromProto(req->to(), "to");
  if (!to.ok()) return FinishUnary(ctx, to.status());
  if (*to < *from || *to - *from > 400) {
    return FinishUnary(ctx, absl::InvalidArgumentError("to: must be 0..400 days after from"));
  }
  const std::string area = req->area().empty() ? "district" : req->area();
  auto days = DailyAirQualityAnswer(*evaluator_, area, *from, *to, req->caliber());
  if (days.ok()) {
    for (v1::DailyAirQuality& day : *days) *resp->add_days() = std::move(day);
  }
  return FinishUnary(ctx, days.status());
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::EvaluateIndicator(
    grpc::CallbackServerContext* ctx, const v1::EvaluateIndicatorRequest* req,
    v1::EvaluateIndicatorResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "EvaluateIndicator");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  auto name = ParseIndicatorName(req->name(), "name");
  if (!name.ok()) return FinishUnary(ctx, name.status());
  absl::StatusOr<absl::CivilDay> as_of = DateFromProto(req->as_of(), "as_of");
  if (!as_of.ok()) return FinishUnary(ctx, as_of.status());
  // A read of the in-memory state: nothing is recorded (RecordEvaluation does).
  absl::StatusOr<std::pair<Indicator, Evaluation>> r =
      evaluator_->EvaluateIndicator(name->first, name->second, *as_of);
  if (!r.ok()) return FinishUnary(ctx, r.status());
  if (who->role == common::Role::kReporter &&
      !OrganizationMaySee(evaluator_->ScopeOf(name->first, who->organization_id), r->first)) {
    return FinishUnary(ctx, absl::PermissionDeniedError(absl::StrCat(
                                "a reporter evaluates only the reported indicators its "
                                "organization owns; ",
                                req->name(), " is another organization's")));
  }
  *resp->mutable_evaluation() = ToProto(r->first, r->second);
  return FinishUnary(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::EvaluatePlan(grpc::CallbackServerContext* ctx,
                                                             const v1::EvaluatePlanRequest* req,
                                                             v1::EvaluatePlanResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "EvaluatePlan");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan = ParsePlanName(req->plan(), "plan");
  if (!plan.ok()) return FinishUnary(ctx, plan.status());
  absl::StatusOr<absl::CivilDay> as_of = DateFromProto(req->as_of(), "as_of");
  if (!as_of.ok()) return FinishUnary(ctx, as_of.status());
  // A read of the in-memory state: nothing is recorded (RecordEvaluation does).
  const ScoringRules scoring =
      assessments_ != nullptr ? assessments_->RulesFor(*plan).rules : ScoringRules();
  absl::StatusOr<PlanResult> r = evaluator_->EvaluatePlan(*plan, *as_of, scoring);
  if (!r.ok()) return FinishUnary(ctx, r.status());
  EvaluationOutputs out{std::move(r->evaluations), std::move(r->lights), std::move(r->scorecards),
                        std::move(r->unmatched_reported_values), std::move(r->status_counts)};
  if (who->role == common::Role::kReporter) {
    // The same visibility as ProgressService: its own organization's share.
    NarrowToOrganization(evaluator_->ScopeOf(*plan, who->organization_id), &out);
  }
  for (const auto& [ind, e] : out.evaluations) *resp->add_evaluations() = ToProto(ind, e);
  for (const TownRank& t : r->town_ranking) *resp->add_town_ranking() = ToProto(t);
  for (const MeasureLight& l : out.lights) *resp->add_measure_lights() = ToProto(r->plan_id, l);
  for (const Scorecard& c : out.scorecards) *resp->add_scorecards() = ToProto(c);
  for (const auto& [status, n] : out.status_counts) (*resp->mutable_status_counts())[status] = n;
  resp->set_reports_source(r->reports_source);
  resp->set_reports_source_zh(r->reports_source_zh);
  if (r->data.has_value()) *resp->mutable_data_verification() = ToProto(*r->data);
  for (const std::string& rule : r->rules) resp->add_rules(rule);
  for (const std::string& u : out.unmatched_reported_values) resp->add_unmatched_reported_values(u);
  return FinishUnary(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::RecordEvaluation(
    grpc::CallbackServerContext* ctx, const v1::RecordEvaluationRequest* req,
    v1::RecordEvaluationResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "RecordEvaluation");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan = ParsePlanName(req->plan(), "plan");
  if (!plan.ok()) return FinishUnary(ctx, plan.status());
  absl::CivilDay as_of =
      absl::ToCivilDay(clock_->Now(), absl::FixedTimeZone(8 * 3600));  // Asia/Shanghai, no DST
  if (req->has_as_of()) {
    absl::StatusOr<absl::CivilDay> day = DateFromProto(req->as_of(), "as_of");
    if (!day.ok()) return FinishUnary(ctx, day.status());
    as_of = *day;
  }
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  // The events carry the caller as their actor, so the audit record of this
  // call lists them as its changes.
  evaluator_->RecordEvaluation(*plan, as_of, EvaluationTrigger::kRequest, who->subject,
                               [reactor, resp](absl::StatusOr<RunOutcome> r) {
                                 if (r.ok()) {
                                   for (const RecordedChange& c : r->changes) {
                                     *resp->add_changes() =
                                         StatusChangedEvent(r->plan_id, r->as_of, c);
                                   }
                                   *resp->mutable_run() = RunToProto(*r);
                                 }
                                 reactor->Finish(common::ToGrpcStatus(r.status()));
                               });
  return reactor;
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* IndicatorServiceImpl::WatchEvents(
    grpc::CallbackServerContext* ctx, const v1::WatchEventsRequest* req) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "WatchEvents");
  if (!who.ok()) return new RefusedStream<v1::WatchEventsResponse>(who.status());
  return hub_->NewReactor<v1::WatchEventsResponse>(ctx, events_, req->after_sequence(), {},
                                                   who->subject);
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::CreateExceptionalEvent(
    grpc::CallbackServerContext* ctx, const v1::CreateExceptionalEventRequest* req,
    v1::CreateExceptionalEventResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "CreateExceptionalEvent");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  if (!req->has_exceptional_event()) {
    return FinishUnary(ctx, absl::InvalidArgumentError("exceptional_event: required"));
  }
  absl::StatusOr<ExceptionalEvent> event = NewExceptionalEventFromProto(req->exceptional_event());
  if (!event.ok()) return FinishUnary(ctx, event.status());
  if (event->reason.size() > kMaxReasonChars * 3 || event->description.size() > 2000 * 3) {
    return FinishUnary(ctx,
                       absl::InvalidArgumentError(
                           "exceptional_event.reason: at most 500 characters (description 2000)"));
  }
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  evaluator_->CreateExceptionalEvent(*std::move(event), req->request_id(), who->subject,
                                     [reactor, resp](absl::StatusOr<ExceptionalEvent> r) {
                                       if (r.ok()) *resp->mutable_exceptional_event() = ToProto(*r);
                                       reactor->Finish(common::ToGrpcStatus(r.status()));
                                     });
  return reactor;
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::ListExceptionalEvents(
    grpc::CallbackServerContext* ctx, const v1::ListExceptionalEventsRequest* req,
    v1::ListExceptionalEventsResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "ListExceptionalEvents");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  for (const ExceptionalEvent& e : evaluator_->ListExceptionalEvents(req->active_only())) {
    *resp->add_exceptional_events() = ToProto(e);
  }
  return FinishUnary(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* IndicatorServiceImpl::WithdrawExceptionalEvent(
    grpc::CallbackServerContext* ctx, const v1::WithdrawExceptionalEventRequest* req,
    v1::WithdrawExceptionalEventResponse* resp) {
  absl::StatusOr<common::Principal> who = AuthorizeCall(auth_, ctx, "WithdrawExceptionalEvent");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> id = ParseExceptionalEventName(req->name(), "name");
  if (!id.ok()) return FinishUnary(ctx, id.status());
  if (absl::Status s = CheckReason(req->reason()); !s.ok()) return FinishUnary(ctx, s);
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  evaluator_->WithdrawExceptionalEvent(*id, req->reason(), req->request_id(), who->subject,
                                       [reactor, resp](absl::StatusOr<ExceptionalEvent> r) {
                                         if (r.ok()) {
                                           *resp->mutable_exceptional_event() = ToProto(*r);
                                         }
                                         reactor->Finish(common::ToGrpcStatus(r.status()));
                                       });
  return reactor;
}

}  // namespace ecoplan::indicator
