#include "services/indicator/document_service_impl.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/grpc_status.h"
#include "services/indicator/document_local_facts.h"
#include "services/indicator/document_streaming.h"
#include "services/indicator/documents/chart_builders.h"
#include "services/indicator/indicator_policy.h"
#include "services/indicator/indicator_service_impl.h"
#include "services/indicator/proto_mapping.h"

namespace ecoplan::indicator {
namespace {

namespace pv1 = ::ecoplan::progress::v1;

constexpr int kMinSide = 240;
constexpr int kMaxSide = 4096;

absl::Status CheckSide(int value, absl::string_view field) {
  if (value < kMinSide || value > kMaxSide) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be ", kMinSide, "..", kMaxSide,
                                                   " (both unset = 960 × 540), got ", value));
  }
  return absl::OkStatus();
}

// A reporting period "YYYY-MM"; otherwise InvalidArgument naming `period`.
absl::Status CheckPeriod(const std::string& period) {
  bool ok = period.size() == 7 && period[4] == '-';
  for (size_t i = 0; ok && i < period.size(); ++i) ok = i == 4 || absl::ascii_isdigit(period[i]);
  const int month = ok ? std::stoi(period.substr(5, 2)) : 0;
  if (!ok || month < 1 || month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("period: a month \"YYYY-MM\" (e.g. \"2026-05\"), got \"", period, "\""));
  }
  return absl::OkStatus();
}

bool PublicIndicator(const Indicator& ind) { return ind.source == SourceKind::kAirQuality; }

// The plan's district 优良天数比率: its air-quality ratio of qualifying days
// ("a4-good-days" in the 2026 plan).
absl::StatusOr<Indicator> GoodDaysIndicator(const IndicatorEvaluator& evaluator,
                                            const std::string& plan_id) {
  const std::vector<Indicator> all = evaluator.ListIndicators(plan_id, false, Origin::kUnspecified);
  if (all.empty()) {
    return absl::NotFoundError(absl::StrCat("plans/", plan_id, ": no such plan (no indicators)"));
  }
  for (const Indicator& ind : all) {
    if (ind.source == SourceKind::kAirQuality && ind.scope_kind == ScopeKind::kDistrict &&
        ind.aggregation == Aggregation::kRatioOfQualifyingDays) {
      return ind;
    }
  }
  return absl::NotFoundError(
      absl::StrCat("plans/", plan_id, " has no district 优良天数比率 indicator"));
}

// The calls upstream end in time; their failures keep their code, a
// connection failure is UNAVAILABLE as the proto says.
absl::StatusOr<pv1::GetSubmissionStatusResponse> SubmissionStatus(
    pv1::ProgressService::StubInterface* progress, const std::string& plan_id,
    const std::string& period) {
  if (progress == nullptr) {
    return absl::UnavailableError(
        "the progress service is not configured (--progress_address): no submission status");
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
  pv1::GetSubmissionStatusRequest request;
  request.set_plan(absl::StrCat("plans/", plan_id));
  request.set_period(period);
  pv1::GetSubmissionStatusResponse response;
  const grpc::Status s = progress->GetSubmissionStatus(&context, request, &response);
  if (s.ok()) return response;
  if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::UnavailableError(
        absl::StrCat("the progress service did not answer in time: ", s.error_message()));
  }
  return common::FromGrpcStatus(s);
}

}  // namespace

DocumentServiceImpl::DocumentServiceImpl(const IndicatorEvaluator* evaluator,
                                         const common::CallAuthenticator* auth,
                                         pv1::ProgressService::StubInterface* progress,
                                         const common::Clock* clock,
                                         const documents::MonthFactsGatherer* gatherer)
    : evaluator_(evaluator),
      auth_(auth),
      progress_(progress),
      clock_(clock != nullptr ? clock : &real_clock_),
      gatherer_(gatherer) {}

grpc::Status DocumentServiceImpl::RenderDocument(
    grpc::ServerContext* ctx, const v1::RenderDocumentRequest* req,
    grpc::ServerWriter<v1::RenderDocumentResponse>* writer) {
  absl::StatusOr<common::Principal> who =
      auth_->Authorize(*ctx, DocumentMethod("RenderDocument"), common::ResourceScope::Any());
  if (!who.ok()) return common::ToGrpcStatus(who.status());
  if (gatherer_ == nullptr) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "documents are not configured");
  }
  return StreamDocument(*req, *who, *gatherer_, writer);
}

grpc::Status DocumentServiceImpl::RenderChart(grpc::ServerContext* ctx,
                                              const v1::RenderChartRequest* req,
                                              v1::RenderChartResponse* resp) {
  absl::StatusOr<common::Principal> who =
      auth_->Authorize(*ctx, DocumentMethod("RenderChart"), common::ResourceScope::Any());
  if (!who.ok()) return common::ToGrpcStatus(who.status());
  const bool reporter = who->role == common::Role::kReporter;
  absl::StatusOr<std::string> plan = ParsePlanName(req->plan(), "plan");
  if (!plan.ok()) return common::ToGrpcStatus(plan.status());
  if (req->kind() == v1::CHART_KIND_UNSPECIFIED || !v1::ChartKind_IsValid(req->kind())) {
    return common::ToGrpcStatus(absl::InvalidArgumentError(
        "kind: required (INDICATOR_TRAJECTORY, GOOD_DAYS_RATIO, TOWN_RANKING or "
        "REPORTING_TIMELINESS)"));
  }
  if (!v1::ImageFormat_IsValid(req->format())) {
    return common::ToGrpcStatus(absl::InvalidArgumentError("format: SVG or PNG"));
  }
  int width = req->width(), height = req->height();
  if (width == 0 && height == 0) {
    width = 960;
    height = 540;
  }
  for (absl::Status s : {CheckSide(width, "width"), CheckSide(height, "height")}) {
    if (!s.ok()) return common::ToGrpcStatus(s);
  }
  absl::CivilDay as_of =
      absl::ToCivilDay(clock_->Now(), absl::FixedTimeZone(8 * 3600));  // Asia/Shanghai, no DST
  if (req->has_as_of()) {
    absl::StatusOr<absl::CivilDay> day = DateFromProto(req->as_of(), "as_of");
    if (!day.ok()) return common::ToGrpcStatus(day.status());
    as_of = *day;
  }
  if (req->kind() != v1::CHART_KIND_INDICATOR_TRAJECTORY && !req->indicator().empty()) {
    return common::ToGrpcStatus(
        absl::InvalidArgumentError("indicator: only for CHART_KIND_INDICATOR_TRAJECTORY"));
  }
  if (req->kind() != v1::CHART_KIND_REPORTING_TIMELINESS && !req->period().empty()) {
    return common::ToGrpcStatus(
        absl::InvalidArgumentError("period: only for CHART_KIND_REPORTING_TIMELINESS"));
  }

  documents::Chart chart;
  switch (req->kind()) {
    case v1::CHART_KIND_INDICATOR_TRAJECTORY: {
      if (req->indicator().empty()) {
        return common::ToGrpcStatus(
            absl::InvalidArgumentError("indicator: required for CHART_KIND_INDICATOR_TRAJECTORY "
                                       "(plans/{plan}/indicators/{indicator})"));
      }
      auto name = ParseIndicatorName(req->indicator(), "indicator");
      if (!name.ok()) return common::ToGrpcStatus(name.status());
      if (name->first != *plan) {
        return common::ToGrpcStatus(absl::InvalidArgumentError(
            absl::StrCat("indicator: ", req->indicator(), " is not of ", req->plan())));
      }
      absl::StatusOr<Indicator> ind = evaluator_->GetIndicator(name->first, name->second);
      if (!ind.ok()) return common::ToGrpcStatus(ind.status());
      if (reporter && !PublicIndicator(*ind)) {
        return common::ToGrpcStatus(absl::PermissionDeniedError(absl::StrCat(
            "a reporter charts only public data (air-quality indicators, the 优良天数比率, the "
            "town ranking); ",
            req->indicator(), " is a reported indicator")));
      }
      // The indicator evaluated as EvaluateIndicator evaluates it, as of each month end.
      absl::StatusOr<std::vector<v1::Evaluation>> evaluations =
          IndicatorTrajectoryAnswer(*evaluator_, name->first, name->second, as_of);
      if (!evaluations.ok()) return common::ToGrpcStatus(evaluations.status());
      if (evaluations->empty()) {
        return common::ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
            "as_of: ", absl::FormatCivilTime(as_of), " is before the period of ", req->indicator(),
            " (from ", absl::FormatCivilTime(ind->period_start), ")")));
      }
      chart = documents::IndicatorTrajectoryChart(*evaluations);
      break;
    }
    case v1::CHART_KIND_GOOD_DAYS_RATIO: {
      absl::StatusOr<Indicator> ind = GoodDaysIndicator(*evaluator_, *plan);
      if (!ind.ok()) return common::ToGrpcStatus(ind.status());
      absl::StatusOr<std::pair<Indicator, Evaluation>> r =
          evaluator_->EvaluateIndicator(*plan, ind->id, as_of);
      if (!r.ok()) return common::ToGrpcStatus(r.status());
      std::vector<v1::DailyAirQuality> days;
      const absl::CivilDay to = std::min(as_of, ind->period_end);
      if (to >= ind->period_start) {
        auto answer = DailyAirQualityAnswer(*evaluator_, "district", ind->period_start, to, "");
        if (!answer.ok()) return common::ToGrpcStatus(answer.status());
        days = std::move(*answer);
      }
      chart = documents::GoodDaysRatioChart(ToProto(r->first, r->second), days);
      break;
    }
    case v1::CHART_KIND_TOWN_RANKING: {
      absl::StatusOr<PlanResult> r = evaluator_->EvaluatePlan(*plan, as_of);
      if (!r.ok()) return common::ToGrpcStatus(r.status());
      v1::EvaluatePlanResponse answer;  // the town ranking is public: nothing to narrow
      for (const TownRank& t : r->town_ranking) *answer.add_town_ranking() = ToProto(t);
      chart = documents::TownRankingChart(answer, as_of);
      break;
    }
    case v1::CHART_KIND_REPORTING_TIMELINESS: {
      if (reporter) {
        return common::ToGrpcStatus(absl::PermissionDeniedError(
            "a reporter charts only public data (air-quality indicators, the 优良天数比率, the "
            "town ranking); reporting timeliness names every organization"));
      }
      std::string period = req->period();
      if (period.empty()) {
        const absl::CivilMonth before = absl::CivilMonth(as_of) - 1;
        period = absl::StrFormat("%04d-%02d", before.year(), before.month());
      }
      if (absl::Status s = CheckPeriod(period); !s.ok()) return common::ToGrpcStatus(s);
      if (evaluator_->ListIndicators(*plan, true, Origin::kUnspecified).empty() &&
          !evaluator_->IssueDate(*plan).has_value()) {
        return common::ToGrpcStatus(
            absl::NotFoundError(absl::StrCat(req->plan(), ": no such plan")));
      }
      absl::StatusOr<pv1::GetSubmissionStatusResponse> status =
          SubmissionStatus(progress_, *plan, period);
      if (!status.ok()) return common::ToGrpcStatus(status.status());
      chart = documents::ReportingTimelinessChart(*status, as_of);
      break;
    }
    default:
      break;
  }

  const bool png = req->format() == v1::IMAGE_FORMAT_PNG;
  resp->set_content(png ? documents::RenderPng(chart, width, height)
                        : documents::RenderSvg(chart, width, height));
  resp->set_media_type(png ? "image/png" : "image/svg+xml");
  resp->set_file_name(absl::StrCat(chart.file_stem, png ? ".png" : ".svg"));
  resp->set_title(chart.title);
  documents::SeriesToProto(chart, resp->mutable_series());
  return grpc::Status::OK;
}

}  // namespace ecoplan::indicator
