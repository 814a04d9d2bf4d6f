#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/auth/call_authenticator.h"
#include "common/events/watch_events_reactor.h"
#include "common/storage/rocksdb_db.h"
#include "common/time/clock.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/domain/monthly_assessments.h"

namespace ecoplan::indicator {

// GetDailyAirQuality's days for `area` ("district", "towns/{town}",
// "stations/{id}") over [from, to] under `caliber` (empty: the version in
// force each day), as the RPC answers them (with the active exceptional
// events touching each day); RenderChart draws the same.
absl::StatusOr<std::vector<ecoplan::indicator::v1::DailyAirQuality>> DailyAirQualityAnswer(
    const IndicatorEvaluator& evaluator, const std::string& area, absl::CivilDay from,
    absl::CivilDay to, const std::string& caliber);

// gRPC edge of ecoplan.indicator.v1.IndicatorService (callback API): proto →
// domain, one IndicatorEvaluator call, domain → proto, the mapped status.
// Nothing here blocks a gRPC thread: writes finish their reactor from the
// commit callback; SyncPlan calls the registry's ExportPlan asynchronously.
// Every handler first asks `auth` whether the caller may call the method
// (IndicatorPolicy(); UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED),
// and changes are recorded with the caller's subject as their actor.
// EvaluateIndicator and EvaluatePlan only read; for a reporter they narrow
// the result to its organization's share (NarrowToOrganization).
// RecordEvaluation records status changes (IndicatorEvaluator::RecordEvaluation).
// EvaluatePlan's scorecards follow the plan's scoring rules from
// `assessments` (may be null: the default rules).
// WatchEvents streams `events` (the service's event log, the RocksDb the
// store writes to; not the domain's state, so it comes from main directly).
// `evaluator`, `events`, `hub`, `auth`, `registry` (may be null: SyncPlan is then
// UNAVAILABLE), `clock` (may be null: the real clock; RecordEvaluation's
// default as_of is today by it) and `assessments` must outlive the service.
class IndicatorServiceImpl final
    : public ecoplan::indicator::v1::IndicatorService::CallbackService {
 public:
  IndicatorServiceImpl(IndicatorEvaluator* evaluator, common::RocksDb* events,
                       common::WatchEventsHub* hub, const common::CallAuthenticator* auth,
                       ecoplan::registry::v1::RegistryService::StubInterface* registry,
                       const common::Clock* clock = nullptr,
                       const MonthlyAssessments* assessments = nullptr);

  grpc::ServerUnaryReactor* SyncPlan(grpc::CallbackServerContext* ctx,
                                     const v1::SyncPlanRequest* req,
                                     v1::SyncPlanResponse* resp) override;
  grpc::ServerUnaryReactor* GetExtractionReport(grpc::CallbackServerContext* ctx,
                                                const v1::GetExtractionReportRequest* req,
                                                v1::GetExtractionReportResponse* resp) override;
  grpc::ServerUnaryReactor* CreateIndicator(grpc::CallbackServerContext* ctx,
                                            const v1::CreateIndicatorRequest* req,
                                            v1::CreateIndicatorResponse* resp) override;
  grpc::ServerUnaryReactor* GetIndicator(grpc::CallbackServerContext* ctx,
                                         const v1::GetIndicatorRequest* req,
                                         v1::GetIndicatorResponse* resp) override;
  grpc::ServerUnaryReactor* ListIndicators(grpc::CallbackServerContext* ctx,
                                           const v1::ListIndicatorsRequest* req,
                                           v1::ListIndicatorsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateIndicator(grpc::CallbackServerContext* ctx,
                                            const v1::UpdateIndicatorRequest* req,
                                            v1::UpdateIndicatorResponse* resp) override;
  grpc::ServerUnaryReactor* RetireIndicator(grpc::CallbackServerContext* ctx,
                                            const v1::RetireIndicatorRequest* req,
                                            v1::RetireIndicatorResponse* resp) override;
  grpc::ServerUnaryReactor* ListIndicatorRevisions(
      grpc::CallbackServerContext* ctx, const v1::ListIndicatorRevisionsRequest* req,
      v1::ListIndicatorRevisionsResponse* resp) override;
  grpc::ServerUnaryReactor* UpsertStation(grpc::CallbackServerContext* ctx,
                                          const v1::UpsertStationRequest* req,
                                          v1::UpsertStationResponse* resp) override;
  grpc::ServerUnaryReactor* ListStations(grpc::CallbackServerContext* ctx,
                                         const v1::ListStationsRequest* req,
                                         v1::ListStationsResponse* resp) override;
  grpc::ServerReadReactor<v1::IngestObservationsRequest>* IngestObservations(
      grpc::CallbackServerContext* ctx, v1::IngestObservationsResponse* resp) override;
  grpc::ServerUnaryReactor* GetDailyAirQuality(grpc::CallbackServerContext* ctx,
                                               const v1::GetDailyAirQualityRequest* req,
                                               v1::GetDailyAirQualityResponse* resp) override;
  grpc::ServerUnaryReactor* EvaluateIndicator(grpc::CallbackServerContext* ctx,
                                              const v1::EvaluateIndicatorRequest* req,
                                              v1::EvaluateIndicatorResponse* resp) override;
  grpc::ServerUnaryReactor* EvaluatePlan(grpc::CallbackServerContext* ctx,
                                         const v1::EvaluatePlanRequest* req,
                                         v1::EvaluatePlanResponse* resp) override;
  grpc::ServerUnaryReactor* RecordEvaluation(grpc::CallbackServerContext* ctx,
                                             const v1::RecordEvaluationRequest* req,
                                             v1::RecordEvaluationResponse* resp) override;
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* ctx, const v1::WatchEventsRequest* req) override;
  // Exceptional events (例外事件): IndicatorEvaluator::CreateExceptionalEvent,
  // WithdrawExceptionalEvent, ListExceptionalEvents.
  grpc::ServerUnaryReactor* CreateExceptionalEvent(
      grpc::CallbackServerContext* ctx, const v1::CreateExceptionalEventRequest* req,
      v1::CreateExceptionalEventResponse* resp) override;
  grpc::ServerUnaryReactor* ListExceptionalEvents(grpc::CallbackServerContext* ctx,
                                                  const v1::ListExceptionalEventsRequest* req,
                                                  v1::ListExceptionalEventsResponse* resp) override;
  grpc::ServerUnaryReactor* WithdrawExceptionalEvent(
      grpc::CallbackServerContext* ctx, const v1::WithdrawExceptionalEventRequest* req,
      v1::WithdrawExceptionalEventResponse* resp) override;

 private:
  IndicatorEvaluator* const evaluator_;
  common::RocksDb* const events_;
  common::WatchEventsHub* const hub_;
  const common::CallAuthenticator* const auth_;
  ecoplan::registry::v1::RegistryService::StubInterface* const registry_;
  const common::RealClock real_clock_;
  const common::Clock* const clock_;
  const MonthlyAssessments* const assessments_;
};

}  // namespace ecoplan::indicator
