#include "tools/loadgen/plan_requests.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ecoplan::loadgen {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

}  // namespace

absl::StatusOr<std::string> ResolvePlan(rv1::RegistryService::Stub* registry,
                                        const std::string& plan) {
  if (!plan.empty()) return plan;
  rv1::ListPlansRequest list;
  list.set_page_size(1);
  rv1::ListPlansResponse plans;
  grpc::Status s = registry->ListPlans(Context().get(), list, &plans);
  if (!s.ok() || plans.plans().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no plan in the registry: ", s.error_message()));
  }
  return plans.plans(0).name();
}

absl::StatusOr<std::vector<Slot>> BuildSlots(const std::string& registry_address,
                                             const std::string& plan_flag, int entries) {
  auto stub = rv1::RegistryService::NewStub(
      grpc::CreateChannel(registry_address, grpc::InsecureChannelCredentials()));
  absl::StatusOr<std::string> plan = ResolvePlan(stub.get(), plan_flag);
  if (!plan.ok()) return plan.status();
  rv1::ExportPlanRequest request;
  request.set_name(*plan);
  rv1::ExportPlanResponse exported;
  grpc::Status s = stub->ExportPlan(Context().get(), request, &exported);
  if (!s.ok()) {
    return absl::UnavailableError(absl::StrCat("ExportPlan ", *plan, ": ", s.error_message()));
  }
  std::map<std::string, std::vector<std::string>> owned;
  for (const rv1::Task& task : exported.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      std::set<std::string> owners;
      for (const auto* refs : {&m.lead_organizations(), &m.responsible_organizations()}) {
        for (const rv1::OrgRef& ref : *refs) {
          if (!ref.organization().empty()) owners.insert(ref.organization());
          owners.insert(ref.members().begin(), ref.members().end());
        }
      }
      for (const std::string& org : owners) owned[org].push_back(m.name());
    }
  }
  const absl::CivilSecond now = absl::ToCivilSecond(absl::Now(), absl::FixedTimeZone(8 * 3600));
  const int year = exported.plan().year();
  const int last_month = now.year() > year ? 12 : now.year() < year ? 0 : now.month();
  std::vector<Slot> slots;
  for (int month = 1; month <= last_month; ++month) {
    for (const auto& [org, measures] : owned) {
      Slot slot;
      pv1::SubmitReportRequest& r = slot.request;
      r.set_parent(*plan);
      r.set_organization(org);
      r.set_period(absl::StrFormat("%04d-%02d", year, month));
      r.set_actor("loadgen");
      const size_t n = std::min<size_t>(entries, measures.size());
      for (size_t i = 0; i < n; ++i) {
        pv1::ReportEntry* e = r.add_entries();
        e->set_measure(measures[i]);
        e->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
        e->set_percent_done(8.0 * month);
        e->set_work_done("本月按计划推进，完成新能源货车推广、扬尘点位巡查和问题整改台账更新。");
        e->set_problems("部分点位整改进度滞后。");
        e->set_next_steps("下月继续推进，加强督导检查。");
        auto* v = e->add_values();
        v->set_name("新能源货车占比");
        v->set_value(40 + month);
        v->set_unit("%");
        e->add_evidence_links("https://www.bjmtg.gov.cn/evidence/loadgen");
      }
      slots.push_back(std::move(slot));
    }
  }
  if (slots.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("plan ", *plan, " has no open month to report on"));
  }
  return slots;
}

std::string ReportName(const Slot& slot) {
  constexpr size_t kOrgPrefix = sizeof("organizations/") - 1;
  return absl::StrCat(slot.request.parent(), "/reports/",
                      slot.request.organization().substr(kOrgPrefix), "_", slot.request.period());
}

absl::Status PrepareSlots(pv1::ProgressService::Stub* progress, std::vector<Slot>* slots,
                          bool submit_missing) {
  int n = 0;
  for (Slot& slot : *slots) {
    pv1::GetReportRequest get;
    get.set_name(ReportName(slot));
    pv1::GetReportResponse got;
    grpc::Status s = progress->GetReport(Context().get(), get, &got);
    if (s.ok()) {
      slot.etag = got.report().etag();
      continue;
    }
    if (s.error_code() != grpc::StatusCode::NOT_FOUND) {
      return absl::UnavailableError(
          absl::StrCat("GetReport ", get.name(), ": ", s.error_message()));
    }
    if (!submit_missing) continue;
    pv1::SubmitReportRequest submit = slot.request;
    submit.set_request_id(absl::StrCat("lg-setup-", absl::ToUnixMicros(absl::Now()), "-", n++));
    pv1::SubmitReportResponse submitted;
    s = progress->SubmitReport(Context().get(), submit, &submitted);
    if (!s.ok()) {
      return absl::UnavailableError(
          absl::StrCat("SubmitReport ", get.name(), " (set-up): ", s.error_message()));
    }
    slot.etag = submitted.report().etag();
  }
  return absl::OkStatus();
}

rv1::ListMeasuresRequest MeasuresPageRequest(const std::string& plan, int page_size,
                                             const std::string& organization) {
  rv1::ListMeasuresRequest request;
  request.set_parent(plan);
  request.set_page_size(page_size);
  if (!organization.empty()) request.mutable_filter()->set_organization(organization);
  return request;
}

}  // namespace ecoplan::loadgen
