#include "services/indicator/documents/month_facts_gatherer.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ecoplan::indicator::documents {
namespace {

namespace rv1 = ::ecoplan::registry::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace cv1 = ::ecoplan::common::v1;

// A list longer than this many pages is a page token going round in circles.
constexpr int kMaxPages = 10000;

// An upstream's failed call as the proto's codes: NOT_FOUND stays (no such
// plan); unreachable, overloaded, too slow or refusing the server's
// credentials is UNAVAILABLE; anything else INTERNAL. Both name the upstream
// and the call.
absl::Status Upstream(const grpc::Status& s, absl::string_view upstream, absl::string_view rpc) {
  const std::string detail = absl::StrCat(rpc, ": ", s.error_message());
  switch (s.error_code()) {
    case grpc::StatusCode::OK:
      return absl::OkStatus();
    case grpc::StatusCode::NOT_FOUND:
      return absl::NotFoundError(absl::StrCat(upstream, " answered not found: ", detail));
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return absl::UnavailableError(absl::StrCat(upstream, " could not be reached: ", detail));
    default:
      return absl::InternalError(absl::StrCat(upstream, " failed (code ",
                                              static_cast<int>(s.error_code()), "): ", detail));
  }
}

constexpr char kRegistry[] = "the registry";
constexpr char kProgress[] = "the progress service";

class Caller {
 public:
  explicit Caller(absl::Duration timeout) : timeout_(timeout) {}

  // One call with the deadline; `call` takes the context.
  template <typename Call>
  absl::Status Once(absl::string_view upstream, absl::string_view rpc, Call call) const {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout_)));
    return Upstream(call(&ctx), upstream, rpc);
  }

  // Every page: `call(ctx, token, &next_token)` for each page, from the first.
  template <typename Call>
  absl::Status Pages(absl::string_view upstream, absl::string_view rpc, Call call) const {
    std::string token;
    for (int page = 0; page < kMaxPages; ++page) {
      std::string next;
      absl::Status s =
          Once(upstream, rpc, [&](grpc::ClientContext* ctx) { return call(ctx, token, &next); });
      if (!s.ok()) return s;
      if (next.empty()) return absl::OkStatus();
      token = std::move(next);
    }
    return absl::InternalError(
        absl::StrCat(upstream, ": ", rpc, " did not end after ", kMaxPages, " pages"));
  }

 private:
  absl::Duration timeout_;
};

absl::Status NoProgress() {
  return absl::UnavailableError(
      "the progress service is not configured on the indicator server (--progress_address)");
}

}  // namespace

MonthFactsGatherer::MonthFactsGatherer(rv1::RegistryService::StubInterface* registry,
                                       pv1::ProgressService::StubInterface* progress,
                                       const IndicatorAnswers* answers, absl::Duration call_timeout)
    : registry_(registry), progress_(progress), answers_(answers), call_timeout_(call_timeout) {}

absl::StatusOr<std::pair<absl::CivilDay, bool>> MonthFactsGatherer::DecideAsOf(
    const GatherRequest& request) const {
  const std::string plan_id(absl::StripPrefix(request.plan_name, "plans/"));
  const std::string month_text = absl::FormatCivilTime(request.month);
  const absl::CivilDay first(request.month);
  const absl::CivilDay last = absl::CivilDay(request.month + 1) - 1;
  const absl::CivilDay today = answers_->Today();
  if (request.as_of.has_value()) {
    const absl::CivilDay d = *request.as_of;
    if (d < first || d > last) {
      return absl::InvalidArgumentError(
          absl::StrCat("as_of ", absl::FormatCivilTime(d), " is outside the month ", month_text));
    }
    if (d > today) {
      return absl::InvalidArgumentError(absl::StrCat("as_of ", absl::FormatCivilTime(d),
                                                     " is after today (",
                                                     absl::FormatCivilTime(today), ")"));
    }
  } else if (first > today) {
    return absl::InvalidArgumentError(absl::StrCat(
        "month ", month_text, " has not begun (today is ", absl::FormatCivilTime(today), ")"));
  }
  absl::StatusOr<std::vector<std::string>> closed = answers_->ClosedMonths(plan_id);
  if (!closed.ok()) return closed.status();
  const std::string name = absl::StrCat(request.plan_name, "/months/", month_text);
  if (std::find(closed->begin(), closed->end(), name) != closed->end()) {
    // A closed month is as of its published assessment, whatever was asked.
    absl::StatusOr<ecoplan::indicator::v1::MonthlyAssessment> a =
        answers_->MonthlyAssessment(plan_id, request.month);
    if (!a.ok()) return a.status();
    const cv1::Date& d = a->as_of();
    return std::make_pair(absl::CivilDay(d.year(), d.month(), d.day()), true);
  }
  if (request.as_of.has_value()) return std::make_pair(*request.as_of, false);
  return std::make_pair(std::min(last, today), false);
}

absl::StatusOr<MonthFacts> MonthFactsGatherer::Gather(const GatherRequest& request,
                                                      const GatherProgress& progress) const {
  int step = 0;
  auto stage = [&](const char* text) {
    if (progress) progress(text, step);
    ++step;
  };
  const Caller call(call_timeout_);
  const std::string plan_id(absl::StripPrefix(request.plan_name, "plans/"));
  std::string organization = request.organization;
  if (!organization.empty() && !absl::StartsWith(organization, "organizations/")) {
    organization = absl::StrCat("organizations/", organization);
  }
  MonthFacts f;
  f.plan_name = request.plan_name;
  f.month = absl::FormatCivilTime(request.month);

  stage("读取规划");  // 1
  {
    absl::StatusOr<std::pair<absl::CivilDay, bool>> as_of = DecideAsOf(request);
    if (!as_of.ok()) return as_of.status();
    f.as_of = as_of->first;
    f.month_closed = as_of->second;
    rv1::GetPlanRequest req;
    req.set_name(request.plan_name);
    rv1::GetPlanResponse resp;
    absl::Status s = call.Once(kRegistry, "GetPlan", [&](grpc::ClientContext* ctx) {
      return registry_->GetPlan(ctx, req, &resp);
    });
    if (s.code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(absl::StrCat("no plan ", request.plan_name));
    }
    if (!s.ok()) return s;
    f.plan = std::move(*resp.mutable_plan());
  }

  stage("读取措施");  // 2
  {
    rv1::ListMeasuresRequest req;
    req.set_parent(request.plan_name);
    req.set_page_size(1000);
    absl::Status s =
        call.Pages(kRegistry, "ListMeasures",
                   [&](grpc::ClientContext* ctx, const std::string& token, std::string* next) {
                     req.set_page_token(token);
                     rv1::ListMeasuresResponse resp;
                     grpc::Status g = registry_->ListMeasures(ctx, req, &resp);
                     for (auto& m : *resp.mutable_measures()) {
                       f.measures.push_back(std::move(m));
                     }
                     *next = resp.next_page_token();
                     return g;
                   });
    if (!s.ok()) return s;
  }

  stage("读取单位");  // 3
  {
    rv1::ListOrganizationsRequest req;
    req.set_page_size(500);
    absl::Status s =
        call.Pages(kRegistry, "ListOrganizations",
                   [&](grpc::ClientContext* ctx, const std::string& token, std::string* next) {
                     req.set_page_token(token);
                     rv1::ListOrganizationsResponse resp;
                     grpc::Status g = registry_->ListOrganizations(ctx, req, &resp);
                     for (auto& o : *resp.mutable_organizations()) {
                       f.organizations.push_back(std::move(o));
                     }
                     *next = resp.next_page_token();
                     return g;
                   });
    if (!s.ok()) return s;
  }

  stage("评估指标");  // 4
  {
    absl::StatusOr<ecoplan::indicator::v1::EvaluatePlanResponse> e =
        answers_->EvaluatePlan(plan_id, f.as_of);
    if (!e.ok()) return e.status();
    f.evaluation = std::move(*e);
    for (const ecoplan::indicator::v1::Evaluation& ev : f.evaluation.evaluations()) {
      const ecoplan::indicator::v1::Indicator& i = ev.indicator();
      if (i.source() != ecoplan::indicator::v1::SOURCE_KIND_AIR_QUALITY ||
          i.scope_kind() != ecoplan::indicator::v1::SCOPE_KIND_DISTRICT ||
          i.air_quality_item() != ecoplan::indicator::v1::AIR_QUALITY_ITEM_PM25) {
        continue;
      }
      absl::StatusOr<std::vector<ecoplan::indicator::v1::Evaluation>> trajectory =
          answers_->Trajectory(plan_id, i.name().substr(i.name().rfind('/') + 1), f.as_of);
      if (!trajectory.ok()) return trajectory.status();
      f.pm25_trajectory = std::move(*trajectory);
      break;
    }
    if (f.month_closed) {
      absl::StatusOr<ecoplan::indicator::v1::MonthlyAssessment> a =
          answers_->MonthlyAssessment(plan_id, request.month);
      if (!a.ok()) return a.status();
      f.assessment = std::move(*a);
    }
  }

  stage("读取空气质量");  // 5
  {
    // From the start of the as-of day's year (the annual targets' period).
    absl::StatusOr<std::vector<ecoplan::indicator::v1::DailyAirQuality>> days =
        answers_->DistrictDays(absl::CivilDay(f.as_of.year(), 1, 1), f.as_of);
    if (!days.ok()) return days.status();
    f.district_days = std::move(*days);
  }

  if (progress_ == nullptr) return NoProgress();

  stage("读取月度报告");  // 6
  {
    pv1::ListReportsRequest req;
    req.set_parent(request.plan_name);
    req.set_period(f.month);
    req.set_organization(organization);
    req.set_page_size(200);
    absl::Status s =
        call.Pages(kProgress, "ListReports",
                   [&](grpc::ClientContext* ctx, const std::string& token, std::string* next) {
                     req.set_page_token(token);
                     pv1::ListReportsResponse resp;
                     grpc::Status g = progress_->ListReports(ctx, req, &resp);
                     for (auto& r : *resp.mutable_reports()) {
                       f.reports.push_back(std::move(r));
                     }
                     *next = resp.next_page_token();
                     return g;
                   });
    if (!s.ok()) return s;
    pv1::GetSubmissionStatusRequest sreq;
    sreq.set_plan(request.plan_name);
    sreq.set_period(f.month);
    s = call.Once(kProgress, "GetSubmissionStatus", [&](grpc::ClientContext* ctx) {
      return progress_->GetSubmissionStatus(ctx, sreq, &f.submissions);
    });
    if (!s.ok()) return s;
  }

  stage("读取延期与办结");  // 7
  {
    pv1::ListExtensionsRequest ereq;
    ereq.set_parent(request.plan_name);
    pv1::ListExtensionsResponse eresp;
    absl::Status s = call.Once(kProgress, "ListExtensions", [&](grpc::ClientContext* ctx) {
      return progress_->ListExtensions(ctx, ereq, &eresp);
    });
    if (!s.ok()) return s;
    for (auto& e : *eresp.mutable_extensions()) f.extensions.push_back(std::move(e));
    pv1::ListCompletionsRequest creq;
    creq.set_parent(request.plan_name);
    pv1::ListCompletionsResponse cresp;
    s = call.Once(kProgress, "ListCompletions", [&](grpc::ClientContext* ctx) {
      return progress_->ListCompletions(ctx, creq, &cresp);
    });
    if (!s.ok()) return s;
    for (auto& c : *cresp.mutable_completions()) f.completions.push_back(std::move(c));
  }

  stage("读取督办与问题清单");  // 8
  {
    pv1::ListSupervisionOrdersRequest req;
    req.set_parent(request.plan_name);
    req.set_organization(organization);
    req.set_page_size(200);
    absl::Status s =
        call.Pages(kProgress, "ListSupervisionOrders",
                   [&](grpc::ClientContext* ctx, const std::string& token, std::string* next) {
                     req.set_page_token(token);
                     pv1::ListSupervisionOrdersResponse resp;
                     grpc::Status g = progress_->ListSupervisionOrders(ctx, req, &resp);
                     for (auto& o : *resp.mutable_orders()) {
                       f.supervision_orders.push_back(std::move(o));
                     }
                     *next = resp.next_page_token();
                     return g;
                   });
    if (!s.ok()) return s;
    pv1::ListProblemItemsRequest preq;
    preq.set_parent(request.plan_name);
    preq.set_organization(organization);
    preq.set_page_size(500);
    s = call.Pages(kProgress, "ListProblemItems",
                   [&](grpc::ClientContext* ctx, const std::string& token, std::string* next) {
                     preq.set_page_token(token);
                     pv1::ListProblemItemsResponse resp;
                     grpc::Status g = progress_->ListProblemItems(ctx, preq, &resp);
                     for (auto& i : *resp.mutable_items()) f.problem_items.push_back(std::move(i));
                     *next = resp.next_page_token();
                     return g;
                   });
    if (!s.ok()) return s;
  }
  return f;
}

}  // namespace ecoplan::indicator::documents
