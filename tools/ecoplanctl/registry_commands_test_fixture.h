#pragma once

// A fake RegistryService on 127.0.0.1 port 0 with canned plans, measures and
// events, and the fixture that runs ecoplanctl command lines against it: the
// test support of the registry_*_commands_test.cc files.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/registry_commands.h"
#include "tools/ecoplanctl/testing/command_test.h"

namespace ecoplan::ctl::registry_test {

namespace v1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;

using ctl_testing::FakeNotFound;
using ctl_testing::FinishFake;

inline constexpr char kPlan[] = "plans/2026-5b6a16527908";

inline v1::OrgRef Org(const std::string& name) {
  v1::OrgRef ref;
  ref.set_written_name(name);
  ref.set_organization(absl::StrCat("organizations/o-", name.size()));
  return ref;
}

inline v1::OrgRef Group(const std::string& word) {
  v1::OrgRef ref;
  ref.set_written_name(word);
  ref.mutable_group()->set_word(word);
  ref.mutable_group()->set_kind(v1::ORG_GROUP_KIND_RELATED_TOWNS);
  return ref;
}

inline v1::Measure MakeMeasure(const std::string& id, const std::string& deadline, int month,
                               const std::vector<v1::OrgRef>& leads,
                               const std::vector<v1::OrgRef>& responsibles,
                               const std::string& text) {
  v1::Measure m;
  m.set_name(absl::StrCat(kPlan, "/measures/", id));
  m.set_task(absl::StrCat(kPlan, "/tasks/", id.substr(0, id.rfind('-'))));
  m.set_text(text);
  m.mutable_deadline()->set_raw(deadline);
  m.mutable_deadline()->set_kind(cv1::DEADLINE_KIND_DUE_DATE);
  m.mutable_deadline()->mutable_due_date()->set_year(2026);
  m.mutable_deadline()->mutable_due_date()->set_month(month);
  m.mutable_deadline()->mutable_due_date()->set_day(month == 6 ? 30 : 31);
  for (const auto& ref : leads) *m.add_lead_organizations() = ref;
  for (const auto& ref : responsibles) *m.add_responsible_organizations() = ref;
  m.set_etag(absl::StrCat("etag-", id));
  m.set_annex_number(1);
  m.set_section_id("s1");
  m.mutable_source()->set_first_line(100);
  m.mutable_source()->set_last_line(102);
  return m;
}

inline bool Names(const v1::Measure& m, const std::string& org, v1::OrgRole role) {
  auto in = [&org](const google::protobuf::RepeatedPtrField<v1::OrgRef>& refs) {
    return std::any_of(refs.begin(), refs.end(),
                       [&org](const v1::OrgRef& r) { return r.written_name() == org; });
  };
  if (role == v1::ORG_ROLE_LEAD) return in(m.lead_organizations());
  if (role == v1::ORG_ROLE_RESPONSIBLE) return in(m.responsible_organizations());
  return in(m.lead_organizations()) || in(m.responsible_organizations());
}

// Streams the canned events after the requested sequence, then stays open as
// the real server does, until the client cancels.
class EventsWriter : public grpc::ServerWriteReactor<v1::WatchEventsResponse> {
 public:
  explicit EventsWriter(std::vector<v1::WatchEventsResponse> events) : events_(std::move(events)) {
    std::lock_guard<std::mutex> lock(mu_);
    NextLocked();
  }
  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (!ok || cancelled_) {
      FinishLocked();
      return;
    }
    NextLocked();
  }
  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    if (!writing_) FinishLocked();
  }
  void OnDone() override { delete this; }

 private:
  void NextLocked() {
    if (next_ < events_.size()) {
      writing_ = true;
      StartWrite(&events_[next_++]);
    }
  }
  void FinishLocked() {
    if (finished_) return;
    finished_ = true;
    Finish(grpc::Status::CANCELLED);
  }
  std::mutex mu_;
  std::vector<v1::WatchEventsResponse> events_;
  size_t next_ = 0;
  bool writing_ = false;
  bool cancelled_ = false;
  bool finished_ = false;
};

// A registry with one 2026 plan and three measures; it records the requests it gets.
class FakeRegistry final : public v1::RegistryService::CallbackService {
 public:
  FakeRegistry() {
    plan_.set_name(kPlan);
    plan_.set_title("美丽门头沟建设2026年行动计划");
    plan_.set_document_number("门政办发〔2026〕1号");
    plan_.set_issuer("北京市门头沟区人民政府办公室");
    plan_.set_district("门头沟区");
    plan_.set_year(2026);
    plan_.set_supersedes_document_number("门政办发〔2024〕2号");
    plan_.set_reporting_due_day(25);
    plan_.set_reporting_recipient("区生态环境局");
    plan_.set_source_sha256("5b6a1652790837c7");
    plan_.mutable_summary()->set_measure_count(3);
    plan_.mutable_summary()->set_warning_count(2);
    v1::ParseWarning* w = plan_.add_warnings();
    w->set_line(412);
    w->set_code("empty-responsible-cell");
    w->set_message("责任单位为空，按“——”处理");
    w = plan_.add_warnings();
    w->set_line(977);
    w->set_code("unresolved-deadline");
    w->set_message("完成时限“适时”无法解析");
    measures_.push_back(MakeMeasure("a1-t1-m1", "6月底前", 6, {Org("区交通局")},
                                    {Org("区公安分局")}, "推广新能源车，新能源车比例达50%以上"));
    measures_.push_back(MakeMeasure("a1-t2-m1", "年底前", 12, {Org("区生态环境局")},
                                    {Org("区交通局"), Group("相关镇街")}, "加强柴油货车监管"));
    measures_.push_back(
        MakeMeasure("a2-t1-m1", "年底前", 12, {Org("区水务局")}, {}, "推进污水处理设施建设"));
  }

  bool has_plan = true;
  int list_page_size = 2;  // the fake's page size, so paging is exercised

  std::vector<v1::ListMeasuresRequest> list_measures_requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return list_measures_requests_;
  }
  std::vector<std::string> get_measure_names() {
    std::lock_guard<std::mutex> lock(mu_);
    return get_measure_names_;
  }
  v1::UpdateMeasureRequest update_request() {
    std::lock_guard<std::mutex> lock(mu_);
    return update_request_;
  }
  v1::CreateSupervisionTaskRequest create_request() {
    std::lock_guard<std::mutex> lock(mu_);
    return create_request_;
  }
  v1::ImportPlanRequest import_request() {
    std::lock_guard<std::mutex> lock(mu_);
    return import_request_;
  }
  int get_plan_calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return get_plan_calls_;
  }

  grpc::ServerUnaryReactor* ImportPlan(grpc::CallbackServerContext* ctx,
                                       const v1::ImportPlanRequest* request,
                                       v1::ImportPlanResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    import_request_ = *request;
    *response->mutable_plan() = plan_;
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ListPlans(grpc::CallbackServerContext* ctx, const v1::ListPlansRequest*,
                                      v1::ListPlansResponse* response) override {
    if (has_plan) {
      v1::Plan* plan = response->add_plans();
      *plan = plan_;
      plan->clear_warnings();
    }
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* ctx,
                                    const v1::GetPlanRequest* request,
                                    v1::GetPlanResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++get_plan_calls_;
    if (request->name() != kPlan) return FinishFake(ctx, FakeNotFound(request->name()));
    *response->mutable_plan() = plan_;
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ListMeasures(grpc::CallbackServerContext* ctx,
                                         const v1::ListMeasuresRequest* request,
                                         v1::ListMeasuresResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    list_measures_requests_.push_back(*request);
    std::vector<v1::Measure> matching;
    for (const auto& m : measures_) {
      const auto& filter = request->filter();
      if (!filter.organization().empty() && !Names(m, filter.organization(), filter.role())) {
        continue;
      }
      matching.push_back(m);
    }
    const int page_size = request->page_size() > 0 ? request->page_size() : list_page_size;
    int start = 0;
    if (!request->page_token().empty()) start = std::stoi(request->page_token());
    for (int i = start; i < static_cast<int>(matching.size()) && i < start + page_size; ++i) {
      *response->add_measures() = matching[static_cast<size_t>(i)];
    }
    if (start + page_size < static_cast<int>(matching.size())) {
      response->set_next_page_token(std::to_string(start + page_size));
    }
    response->set_total_size(static_cast<int>(matching.size()));
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* GetMeasure(grpc::CallbackServerContext* ctx,
                                       const v1::GetMeasureRequest* request,
                                       v1::GetMeasureResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    get_measure_names_.push_back(request->name());
    for (const auto& m : measures_) {
      if (m.name() == request->name()) {
        *response->mutable_measure() = m;
        return FinishFake(ctx, grpc::Status::OK);
      }
    }
    return FinishFake(ctx, FakeNotFound(request->name()));
  }
  grpc::ServerUnaryReactor* UpdateMeasure(grpc::CallbackServerContext* ctx,
                                          const v1::UpdateMeasureRequest* request,
                                          v1::UpdateMeasureResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    update_request_ = *request;
    for (const auto& m : measures_) {
      if (m.name() != request->measure().name()) continue;
      if (m.etag() != request->etag()) {
        return FinishFake(ctx, grpc::Status(grpc::StatusCode::ABORTED, "stale etag"));
      }
      v1::Measure* updated = response->mutable_measure();
      *updated = m;
      updated->set_revision(1);
      updated->mutable_deadline()->set_raw(request->measure().deadline().raw());
      return FinishFake(ctx, grpc::Status::OK);
    }
    return FinishFake(ctx, FakeNotFound(request->measure().name()));
  }
  grpc::ServerUnaryReactor* CreateSupervisionTask(
      grpc::CallbackServerContext* ctx, const v1::CreateSupervisionTaskRequest* request,
      v1::CreateSupervisionTaskResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    create_request_ = *request;
    v1::Task* task = response->mutable_task();
    task->set_name(absl::StrCat(request->parent(), "/tasks/s-1"));
    task->set_origin(v1::TASK_ORIGIN_SUPERVISION);
    task->set_title(request->title());
    task->set_assigned_by(request->assigned_by());
    *task->mutable_measures() = request->measures();
    task->mutable_measures(0)->set_name(absl::StrCat(request->parent(), "/measures/s-1-m1"));
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ResolveOrganization(
      grpc::CallbackServerContext* ctx, const v1::ResolveOrganizationRequest* request,
      v1::ResolveOrganizationResponse* response) override {
    if (request->written_name() == "区发改委") {
      *response->mutable_reference() = Org("区发改委");
      v1::Organization* org = response->add_organizations();
      org->set_name("organizations/o-0123456789");
      org->set_display_name("区发展改革委");
      org->add_aliases("区发改委");
      org->set_kind(v1::ORGANIZATION_KIND_DEPARTMENT);
      return FinishFake(ctx, grpc::Status::OK);
    }
    return FinishFake(ctx, FakeNotFound(request->written_name()));
  }
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext*, const v1::WatchEventsRequest* request) override {
    std::vector<v1::WatchEventsResponse> events;
    for (uint64_t seq = request->after_sequence() + 1; seq <= 3; ++seq) {
      cv1::Event* e = events.emplace_back().mutable_event();
      e->set_sequence(seq);
      e->mutable_commit_time()->set_seconds(1775000000 + static_cast<int64_t>(seq));
      e->set_source("ecoplan.registry.v1.RegistryService");
      e->set_type("ecoplan.registry.v1.PlanImported");
      e->set_resource(kPlan);
      e->set_request_id(absl::StrCat("req-", seq));
      v1::PlanImported payload;
      payload.set_plan(kPlan);
      e->mutable_payload()->PackFrom(payload);
    }
    return new EventsWriter(std::move(events));
  }

 private:
  std::mutex mu_;
  v1::Plan plan_;
  std::vector<v1::Measure> measures_;
  std::vector<v1::ListMeasuresRequest> list_measures_requests_;
  std::vector<std::string> get_measure_names_;
  v1::UpdateMeasureRequest update_request_;
  v1::CreateSupervisionTaskRequest create_request_;
  v1::ImportPlanRequest import_request_;
  int get_plan_calls_ = 0;
};

class RegistryCommandsTest : public ctl_testing::CommandTest {
 protected:
  void SetUp() override {
    const std::string address = Serve({&fake_});
    ASSERT_FALSE(address.empty());
    cli_ = std::make_unique<Cli>("ecoplanctl", address);
    for (auto& group : RegistryCommandGroups()) cli_->AddGroup(std::move(group));
  }

  // Runs ecoplanctl with `args`; the output lands in out_ and err_.
  int Run(std::vector<std::string> args) { return RunCli(*cli_, args); }

  FakeRegistry fake_;
  std::unique_ptr<Cli> cli_;
};

}  // namespace ecoplan::ctl::registry_test
