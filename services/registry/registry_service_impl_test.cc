// The gRPC edge over a real registry and a temporary RocksDB, through an
// in-process channel: mapping, status codes and the event stream.

#include "services/registry/registry_service_impl.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/synchronization/notification.h"
#include "common/auth/call_authenticator.h"
#include "common/server/run_server.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "services/registry/registry_policy.h"
#include "services/registry/storage/rocksdb_plan_store.h"

namespace ecoplan::registry {
namespace {

std::string ReadSeed() {
  std::ifstream in(ECOPLAN_SEED_PATH, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

class RegistryServiceImplTest : public ::testing::Test {
 protected:
  void SetUp() override {
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbPlanStore::ColumnFamilies();
    options.event_source = "ecoplan.registry.v1.RegistryService";
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbPlanStore>(db_.get());
    registry_ = std::make_unique<TaskRegistry>(store_.get(), &clock_);
    ASSERT_OK(registry_->Load());
    // Development mode: these tests are about mapping and codes; registry_auth_test
    // walks the policy with real tokens.
    service_ =
        std::make_unique<RegistryServiceImpl>(registry_.get(), &reader_, db_.get(), &hub_, &auth_);
    common::ServerOptions server_options;
    server_options.host = "127.0.0.1";
    ASSERT_OK_AND_ASSIGN(server_, common::RunningServer::Start(server_options, {service_.get()}));
    stub_ = v1::RegistryService::NewStub(server_->InProcessChannel());
  }

  void TearDown() override {
    hub_.Shutdown();
    server_->Shutdown();
  }

  v1::Plan Import() {
    v1::ImportPlanRequest request;
    request.set_document_text(seed_);
    v1::ImportPlanResponse response;
    grpc::Status status = stub_->ImportPlan(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.plan();
  }

  std::string seed_ = ReadSeed();
  common::TempDir dir_;
  common::FakeClock clock_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbPlanStore> store_;
  std::unique_ptr<TaskRegistry> registry_;
  common::SerialExecutor reader_;
  common::WatchEventsHub hub_;
  common::CallAuthenticator auth_{common::DevelopmentModeOptions(),
                                  nullptr,
                                  &RegistryPolicy(),
                                  nullptr,
                                  nullptr,
                                  common::Logger("test", [](absl::string_view) {})};
  std::unique_ptr<RegistryServiceImpl> service_;
  std::unique_ptr<common::RunningServer> server_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

TEST_F(RegistryServiceImplTest, ImportsAndMapsThePlan) {
  const v1::Plan plan = Import();
  EXPECT_EQ(plan.name().substr(0, 11), "plans/2026-");
  EXPECT_EQ(plan.title(), "美丽门头沟建设2026年行动计划");
  EXPECT_EQ(plan.issue_date().year(), 2026);
  EXPECT_EQ(plan.issue_date().month(), 3);
  EXPECT_EQ(plan.issue_date().day(), 31);
  EXPECT_EQ(plan.reporting_due_day(), 25);
  EXPECT_EQ(plan.summary().featured_measure_count(), 7);
  EXPECT_EQ(plan.annexes_size(), 5);
  EXPECT_TRUE(plan.has_import_time());

  v1::GetMeasureRequest get;
  get.set_name(plan.name() + "/measures/a1-t3-m3");
  v1::GetMeasureResponse measure;
  ASSERT_TRUE(stub_->GetMeasure(Context().get(), get, &measure).ok());
  const v1::Measure& m = measure.measure();
  EXPECT_EQ(m.task(), plan.name() + "/tasks/a1-t3");
  EXPECT_EQ(m.task_title(), "推动机动车结构优化升级");
  EXPECT_EQ(m.annex_number(), 1);
  EXPECT_EQ(m.deadline().kind(), common::v1::DEADLINE_KIND_DUE_DATE);
  EXPECT_EQ(m.deadline().due_date().month(), 12);
  EXPECT_EQ(m.deadline().due_date().day(), 31);
  ASSERT_EQ(m.lead_organizations_size(), 1);
  EXPECT_EQ(m.lead_organizations(0).written_name(), "区生态环境局");
  EXPECT_EQ(m.lead_organizations(0).organization().substr(0, 16), "organizations/o-");
  EXPECT_EQ(m.etag(), "r0");
  EXPECT_GT(m.source().first_line(), 0);

  v1::GetOrganizationRequest get_org;
  get_org.set_name(m.lead_organizations(0).organization());
  v1::GetOrganizationResponse org;
  ASSERT_TRUE(stub_->GetOrganization(Context().get(), get_org, &org).ok());
  EXPECT_EQ(org.organization().display_name(), "区生态环境局");
  EXPECT_EQ(org.organization().kind(), v1::ORGANIZATION_KIND_DEPARTMENT);
}

TEST_F(RegistryServiceImplTest, ListsWithFiltersAndPages) {
  const v1::Plan plan = Import();
  v1::ListMeasuresRequest request;
  request.set_parent(plan.name());
  request.mutable_filter()->set_organization("区交通局");
  request.mutable_filter()->set_role(v1::ORG_ROLE_LEAD);
  request.set_page_size(3);
  std::vector<std::string> names;
  int total = -1;
  do {
    v1::ListMeasuresResponse response;
    ASSERT_TRUE(stub_->ListMeasures(Context().get(), request, &response).ok());
    total = response.total_size();
    for (const v1::Measure& m : response.measures()) {
      names.push_back(m.name());
      bool leads = false;
      for (const v1::OrgRef& ref : m.lead_organizations())
        leads |= ref.written_name() == "区交通局";
      EXPECT_TRUE(leads) << m.name();
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(static_cast<int>(names.size()), total);
  EXPECT_GT(total, 3);

  v1::ListTasksRequest tasks;
  tasks.set_parent(plan.name());
  tasks.mutable_filter()->set_featured(true);
  v1::ListTasksResponse featured;
  ASSERT_TRUE(stub_->ListTasks(Context().get(), tasks, &featured).ok());
  int measures = 0;
  for (const v1::Task& t : featured.tasks()) {
    for (const v1::Measure& m : t.measures()) {
      EXPECT_TRUE(m.featured());
      ++measures;
    }
  }
  EXPECT_EQ(measures, 7);
}

TEST_F(RegistryServiceImplTest, MapsCheckpointsBothWays) {
  const v1::Plan plan = Import();
  v1::GetMeasureRequest get;
  get.set_name(plan.name() + "/measures/a1-t25-m1");
  v1::GetMeasureResponse got;
  ASSERT_TRUE(stub_->GetMeasure(Context().get(), get, &got).ok());
  ASSERT_EQ(got.measure().checkpoints_size(), 2);
  EXPECT_EQ(got.measure().checkpoints(0).phrase(), "按季度");
  EXPECT_EQ(got.measure().checkpoints(0).text_offset(), 26);
  EXPECT_EQ(got.measure().checkpoints(1).kind(), v1::CHECKPOINT_KIND_ROUNDS);
  EXPECT_FALSE(got.measure().checkpoints_corrected());

  v1::UpdateMeasureRequest points;
  points.mutable_measure()->set_name(plan.name() + "/measures/a1-t1-m1");
  points.mutable_measure()->add_checkpoints()->set_phrase("按季度");
  points.set_reason("督查室要求");
  points.set_etag("r0");
  points.mutable_update_mask()->add_paths("checkpoints");
  v1::UpdateMeasureResponse updated;
  ASSERT_TRUE(stub_->UpdateMeasure(Context().get(), points, &updated).ok());
  ASSERT_EQ(updated.measure().checkpoints_size(), 1);
  EXPECT_EQ(updated.measure().checkpoints(0).kind(), v1::CHECKPOINT_KIND_RECURRING);
  EXPECT_EQ(updated.measure().checkpoints(0).recurrence(), v1::CHECKPOINT_RECURRENCE_QUARTERLY);
  EXPECT_EQ(updated.measure().checkpoints(0).due_dates_size(), 3);  // June, September, December
  EXPECT_EQ(updated.measure().checkpoints(0).text_offset(), -1);
  EXPECT_TRUE(updated.measure().checkpoints_corrected());
}

// ListMeasures is answered from bytes kept per plan version (MeasureAnswerCache):
// on the wire, the bytes of the v1 answer built fresh, before and after a
// correction makes a new version of the plan.
TEST_F(RegistryServiceImplTest, AnswersAMeasurePageWithTheBytesOfTheFreshAnswer) {
  const v1::Plan plan = Import();
  const std::string plan_id = plan.name().substr(6);
  v1::ListMeasuresRequest request;
  request.set_parent(plan.name());
  request.mutable_filter()->set_organization("区生态环境局");
  request.set_page_size(50);
  MeasureQueryInput query;
  query.organization = "区生态环境局";

  grpc::GenericStub generic(server_->InProcessChannel());
  // The answer's bytes as they came over the wire.
  auto raw_call = [&]() -> std::string {
    grpc::ByteBuffer request_bytes;
    bool own = false;
    EXPECT_TRUE(
        grpc::SerializationTraits<v1::ListMeasuresRequest>::Serialize(request, &request_bytes, &own)
            .ok());
    grpc::ByteBuffer answer;
    grpc::Status status;
    absl::Notification done;
    std::unique_ptr<grpc::ClientContext> ctx = Context();
    generic.UnaryCall(ctx.get(), "/ecoplan.registry.v1.RegistryService/ListMeasures", {},
                      &request_bytes, &answer, [&](grpc::Status s) {
                        status = std::move(s);
                        done.Notify();
                      });
    done.WaitForNotification();
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(answer.Dump(&slices).ok());
    std::string bytes;
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    return bytes;
  };
  auto fresh = [&]() -> std::string {
    absl::StatusOr<MeasurePage> page = registry_->ListMeasures(plan_id, query, {50, ""});
    EXPECT_OK(page);
    return page.ok() ? FreshListMeasuresResponse(plan_id, *page).SerializeAsString() : "";
  };

  const std::string first = raw_call();
  EXPECT_EQ(first, fresh());
  EXPECT_EQ(raw_call(), first);  // the second from the kept bytes
  v1::ListMeasuresResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(first));
  ASSERT_GT(parsed.measures_size(), 1);
  const v1::Measure& corrected = parsed.measures(1);
  EXPECT_EQ(corrected.revision(), 0);

  v1::UpdateMeasureRequest update;
  update.mutable_measure()->set_name(corrected.name());
  update.mutable_measure()->add_checkpoints()->set_phrase("按季度");
  update.set_reason("督查室要求");
  update.set_etag(corrected.etag());
  update.mutable_update_mask()->add_paths("checkpoints");
  v1::UpdateMeasureResponse updated;
  ASSERT_TRUE(stub_->UpdateMeasure(Context().get(), update, &updated).ok());

  const std::string after = raw_call();
  EXPECT_EQ(after, fresh());
  EXPECT_NE(after, first);
  v1::ListMeasuresResponse typed;
  ASSERT_TRUE(stub_->ListMeasures(Context().get(), request, &typed).ok());
  ASSERT_EQ(typed.measures_size(), parsed.measures_size());
  EXPECT_EQ(typed.measures(1).name(), corrected.name());
  EXPECT_EQ(typed.measures(1).revision(), 1);
  EXPECT_EQ(typed.measures(1).etag(), updated.measure().etag());
  EXPECT_TRUE(typed.measures(1).checkpoints_corrected());
  EXPECT_EQ(typed.SerializeAsString(), after);
}

TEST_F(RegistryServiceImplTest, AnswersBadInputWithTheRightCode) {
  const v1::Plan plan = Import();
  v1::GetPlanRequest bad_name;
  bad_name.set_name("plan/xyz");
  v1::GetPlanResponse plan_response;
  grpc::Status status = stub_->GetPlan(Context().get(), bad_name, &plan_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("name"), std::string::npos);

  v1::GetPlanRequest unknown;
  unknown.set_name("plans/2026-000000000000");
  EXPECT_EQ(stub_->GetPlan(Context().get(), unknown, &plan_response).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::ListMeasuresRequest list;
  list.set_parent(plan.name());
  list.set_page_size(5000);
  v1::ListMeasuresResponse measures;
  status = stub_->ListMeasures(Context().get(), list, &measures);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page_size"), std::string::npos);

  list.set_page_size(10);
  list.mutable_filter()->mutable_due_before()->set_year(2026);
  list.mutable_filter()->mutable_due_before()->set_month(2);
  list.mutable_filter()->mutable_due_before()->set_day(30);
  status = stub_->ListMeasures(Context().get(), list, &measures);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("filter.due_before"), std::string::npos);

  v1::UpdateMeasureRequest update;
  update.mutable_measure()->set_name(plan.name() + "/measures/a1-t1-m1");
  update.mutable_measure()->mutable_deadline()->set_raw("6月底前");
  update.set_reason("test");
  update.set_etag("r7");
  update.mutable_update_mask()->add_paths("deadline");
  v1::UpdateMeasureResponse updated;
  EXPECT_EQ(stub_->UpdateMeasure(Context().get(), update, &updated).error_code(),
            grpc::StatusCode::ABORTED);
  update.set_etag("r0");
  update.mutable_update_mask()->add_paths("text");
  status = stub_->UpdateMeasure(Context().get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("update_mask"), std::string::npos);
  // A checkpoint phrase that is not one names its index.
  v1::UpdateMeasureRequest points;
  points.mutable_measure()->set_name(plan.name() + "/measures/a1-t1-m1");
  points.mutable_measure()->add_checkpoints()->set_phrase("按季度");
  points.mutable_measure()->add_checkpoints()->set_phrase("尽快");
  points.set_reason("督查室要求");
  points.set_etag("r0");
  points.mutable_update_mask()->add_paths("checkpoints");
  status = stub_->UpdateMeasure(Context().get(), points, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("checkpoints[1].phrase"), std::string::npos);

  v1::ImportPlanRequest truncated;
  truncated.set_document_text(seed_.substr(0, seed_.find('\n', seed_.size() / 2) + 1));
  v1::ImportPlanResponse imported;
  status = stub_->ImportPlan(Context().get(), truncated, &imported);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("line"), std::string::npos);

  v1::ImportPlanRequest huge;
  huge.set_document_text(std::string(9 << 20, 'x'));
  EXPECT_EQ(stub_->ImportPlan(Context().get(), huge, &imported).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  // Invalid UTF-8 in a string field never reaches the registry.
  v1::ImportPlanRequest not_utf8;
  not_utf8.set_document_text("\xff\xfe\xfd");
  status = stub_->ImportPlan(Context().get(), not_utf8, &imported);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();

  v1::ResolveOrganizationRequest resolve;
  resolve.set_written_name("火星局");
  v1::ResolveOrganizationResponse resolved;
  EXPECT_EQ(stub_->ResolveOrganization(Context().get(), resolve, &resolved).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Nothing of the rejected calls reached the event log.
  EXPECT_EQ(db_->LastEventSequence(), 1u);
}

TEST_F(RegistryServiceImplTest, StreamsEventsLive) {
  auto ctx = Context();
  v1::WatchEventsRequest request;
  auto reader = stub_->WatchEvents(ctx.get(), request);
  const v1::Plan plan = Import();
  v1::WatchEventsResponse event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.event().sequence(), 1u);
  EXPECT_EQ(event.event().resource(), plan.name());
  v1::PlanImported payload;
  ASSERT_TRUE(event.event().payload().UnpackTo(&payload));
  EXPECT_EQ(payload.title(), plan.title());
  ctx->TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

}  // namespace
}  // namespace ecoplan::registry
