#pragma once

#include "common/auth/call_authenticator.h"
#include "common/time/clock.h"
#include "ecoplan/indicator/v1/document_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "services/indicator/documents/month_facts_gatherer.h"
#include "services/indicator/domain/indicator_evaluator.h"

namespace ecoplan::indicator {

// gRPC edge of ecoplan.indicator.v1.DocumentService: RenderChart (this
// class) and RenderDocument (authorized here, then document_streaming.h's
// StreamDocument over `gatherer`; null: UNAVAILABLE). Synchronous: drawing is
// CPU work, done on a thread of the server's pool, never on a callback thread.
//
// RenderChart checks the caller (DocumentPolicy(); a reporter only charts of
// public data: air-quality indicators, the 优良天数比率, the town ranking), the
// request (INVALID_ARGUMENT naming the field), gathers the API's answers from
// `evaluator` as EvaluateIndicator, GetDailyAirQuality and EvaluatePlan give
// them (the same use cases, the same mapping) and, for the reporting
// timeliness, GetSubmissionStatus from `progress` (may be null: UNAVAILABLE),
// builds the chart (documents/chart_builders.h) and draws it.
// `evaluator`, `auth`, `progress` and `clock` (may be null: the real clock;
// today is by it, Asia/Shanghai) must outlive the service.
class DocumentServiceImpl final : public ecoplan::indicator::v1::DocumentService::Service {
 public:
  DocumentServiceImpl(const IndicatorEvaluator* evaluator, const common::CallAuthenticator* auth,
                      ecoplan::progress::v1::ProgressService::StubInterface* progress,
                      const common::Clock* clock = nullptr,
                      const documents::MonthFactsGatherer* gatherer = nullptr);

  grpc::Status RenderChart(grpc::ServerContext* ctx, const v1::RenderChartRequest* req,
                           v1::RenderChartResponse* resp) override;
  grpc::Status RenderDocument(grpc::ServerContext* ctx, const v1::RenderDocumentRequest* req,
                              grpc::ServerWriter<v1::RenderDocumentResponse>* writer) override;

 private:
  const IndicatorEvaluator* const evaluator_;
  const common::CallAuthenticator* const auth_;
  ecoplan::progress::v1::ProgressService::StubInterface* const progress_;
  const common::RealClock real_clock_;
  const common::Clock* const clock_;
  const documents::MonthFactsGatherer* const gatherer_;
};

}  // namespace ecoplan::indicator
