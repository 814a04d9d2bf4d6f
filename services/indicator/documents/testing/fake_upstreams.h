#pragma once

// In-process fakes of the registry and the progress service on 127.0.0.1
// port 0, answering from a MonthFacts (one item per page, so every list needs
// its page tokens followed), and fake IndicatorAnswers: what the gatherer and
// the document streaming are tested against.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/testing/local_grpc_server.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/indicator/documents/month_facts.h"
#include "services/indicator/documents/month_facts_gatherer.h"

namespace ecoplan::indicator::documents::testing {

// The page of `items` at `token` (an index; one item per page).
template <typename Item, typename Add>
std::string OnePage(const std::vector<Item>& items, const std::string& token, Add add) {
  size_t at = 0;
  if (!token.empty() && !absl::SimpleAtoi(token, &at)) return "";
  if (at < items.size()) add(items[at]);
  return at + 1 < items.size() ? std::to_string(at + 1) : "";
}

class FakeRegistry final : public ecoplan::registry::v1::RegistryService::Service {
 public:
  explicit FakeRegistry(const MonthFacts& facts) : facts_(facts) {}
  // The code every call fails with (OK: answer).
  std::atomic<grpc::StatusCode> fail{grpc::StatusCode::OK};
  std::atomic<int> calls{0};

  grpc::Status GetPlan(grpc::ServerContext*, const ecoplan::registry::v1::GetPlanRequest* req,
                       ecoplan::registry::v1::GetPlanResponse* resp) override {
    ++calls;
    if (fail != grpc::StatusCode::OK) return grpc::Status(fail, "registry says no");
    if (req->name() != facts_.plan_name)
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no plan");
    *resp->mutable_plan() = facts_.plan;
    return grpc::Status::OK;
  }
  grpc::Status ListMeasures(grpc::ServerContext*,
                            const ecoplan::registry::v1::ListMeasuresRequest* req,
                            ecoplan::registry::v1::ListMeasuresResponse* resp) override {
    ++calls;
    if (fail != grpc::StatusCode::OK) return grpc::Status(fail, "registry says no");
    resp->set_next_page_token(OnePage(facts_.measures, req->page_token(),
                                      [&](const auto& m) { *resp->add_measures() = m; }));
    return grpc::Status::OK;
  }
  grpc::Status ListOrganizations(grpc::ServerContext*,
                                 const ecoplan::registry::v1::ListOrganizationsRequest* req,
                                 ecoplan::registry::v1::ListOrganizationsResponse* resp) override {
    ++calls;
    resp->set_next_page_token(OnePage(facts_.organizations, req->page_token(),
                                      [&](const auto& o) { *resp->add_organizations() = o; }));
    return grpc::Status::OK;
  }

 private:
  const MonthFacts facts_;
};

class FakeProgress final : public ecoplan::progress::v1::ProgressService::Service {
 public:
  explicit FakeProgress(const MonthFacts& facts) : facts_(facts) {}
  std::atomic<grpc::StatusCode> fail{grpc::StatusCode::OK};
  // The organization filter of the last ListReports.
  std::string reports_organization;

  grpc::Status ListReports(grpc::ServerContext*,
                           const ecoplan::progress::v1::ListReportsRequest* req,
                           ecoplan::progress::v1::ListReportsResponse* resp) override {
    if (fail != grpc::StatusCode::OK) return grpc::Status(fail, "progress says no");
    reports_organization = req->organization();
    std::vector<ecoplan::progress::v1::Report> matching;
    for (const auto& r : facts_.reports) {
      if (r.period() == req->period() &&
          (req->organization().empty() || r.organization() == req->organization())) {
        matching.push_back(r);
      }
    }
    resp->set_next_page_token(
        OnePage(matching, req->page_token(), [&](const auto& r) { *resp->add_reports() = r; }));
    return grpc::Status::OK;
  }
  grpc::Status GetSubmissionStatus(
      grpc::ServerContext*, const ecoplan::progress::v1::GetSubmissionStatusRequest*,
      ecoplan::progress::v1::GetSubmissionStatusResponse* resp) override {
    *resp = facts_.submissions;
    return grpc::Status::OK;
  }
  grpc::Status ListExtensions(grpc::ServerContext*,
                              const ecoplan::progress::v1::ListExtensionsRequest*,
                              ecoplan::progress::v1::ListExtensionsResponse* resp) override {
    for (const auto& e : facts_.extensions) *resp->add_extensions() = e;
    return grpc::Status::OK;
  }
  grpc::Status ListCompletions(grpc::ServerContext*,
                               const ecoplan::progress::v1::ListCompletionsRequest*,
                               ecoplan::progress::v1::ListCompletionsResponse* resp) override {
    for (const auto& c : facts_.completions) *resp->add_completions() = c;
    return grpc::Status::OK;
  }
  grpc::Status ListSupervisionOrders(
      grpc::ServerContext*, const ecoplan::progress::v1::ListSupervisionOrdersRequest* req,
      ecoplan::progress::v1::ListSupervisionOrdersResponse* resp) override {
    resp->set_next_page_token(OnePage(facts_.supervision_orders, req->page_token(),
                                      [&](const auto& o) { *resp->add_orders() = o; }));
    return grpc::Status::OK;
  }
  grpc::Status ListProblemItems(grpc::ServerContext*,
                                const ecoplan::progress::v1::ListProblemItemsRequest* req,
                                ecoplan::progress::v1::ListProblemItemsResponse* resp) override {
    resp->set_next_page_token(OnePage(facts_.problem_items, req->page_token(),
                                      [&](const auto& i) { *resp->add_items() = i; }));
    return grpc::Status::OK;
  }

 private:
  const MonthFacts facts_;
};

// The indicator server's answers from the facts; `closed` months are listed
// closed, their assessment being the facts' evaluation as of `closed_as_of`.
class FakeAnswers final : public IndicatorAnswers {
 public:
  FakeAnswers(const MonthFacts& facts, absl::CivilDay today) : facts_(facts), today_(today) {}
  std::vector<std::string> closed;
  absl::CivilDay closed_as_of;
  mutable std::vector<absl::CivilDay> evaluated;  // the days EvaluatePlan was asked

  absl::CivilDay Today() const override { return today_; }
  absl::StatusOr<std::vector<ecoplan::indicator::v1::Evaluation>> Trajectory(
      const std::string&, const std::string&, absl::CivilDay) const override {
    return facts_.pm25_trajectory;
  }
  absl::StatusOr<std::vector<std::string>> ClosedMonths(const std::string&) const override {
    return closed;
  }
  absl::StatusOr<ecoplan::indicator::v1::MonthlyAssessment> MonthlyAssessment(
      const std::string& plan_id, absl::CivilMonth month) const override {
    ecoplan::indicator::v1::MonthlyAssessment a;
    a.set_name(absl::StrCat("plans/", plan_id, "/months/", absl::FormatCivilTime(month)));
    a.set_closed(true);
    a.mutable_as_of()->set_year(static_cast<int32_t>(closed_as_of.year()));
    a.mutable_as_of()->set_month(closed_as_of.month());
    a.mutable_as_of()->set_day(closed_as_of.day());
    *a.mutable_measure_lights() = facts_.evaluation.measure_lights();
    *a.mutable_scorecards() = facts_.evaluation.scorecards();
    return a;
  }
  absl::StatusOr<ecoplan::indicator::v1::EvaluatePlanResponse> EvaluatePlan(
      const std::string& plan_id, absl::CivilDay as_of) const override {
    evaluated.push_back(as_of);
    if (absl::StrCat("plans/", plan_id) != facts_.plan_name) {
      return absl::NotFoundError("no indicators for the plan");
    }
    return facts_.evaluation;
  }
  absl::StatusOr<std::vector<ecoplan::indicator::v1::DailyAirQuality>> DistrictDays(
      absl::CivilDay, absl::CivilDay) const override {
    return facts_.district_days;
  }

 private:
  const MonthFacts facts_;
  const absl::CivilDay today_;
};

// The two fakes served on 127.0.0.1:0, with stubs to them.
class FakeUpstreams {
 public:
  explicit FakeUpstreams(const MonthFacts& facts)
      : registry(facts), progress(facts), server_({&registry, &progress}) {
    channel_ = server_.Channel();
    registry_stub = ecoplan::registry::v1::RegistryService::NewStub(channel_);
    progress_stub = ecoplan::progress::v1::ProgressService::NewStub(channel_);
  }

  FakeRegistry registry;
  FakeProgress progress;
  std::unique_ptr<ecoplan::registry::v1::RegistryService::Stub> registry_stub;
  std::unique_ptr<ecoplan::progress::v1::ProgressService::Stub> progress_stub;

 private:
  ecoplan::common::LocalGrpcServer server_;  // after the fakes: stopped before they go
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace ecoplan::indicator::documents::testing
