// Runs the real registry_server and progress_server binaries as processes:
// the progress service follows the registry's events, enforces ownership
// (and a reassignment within a second), refuses what it cannot check, and
// keeps every acknowledged report across a SIGKILL in the middle of a load
// from several concurrent clients, with no duplicates.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

const char* const kCtl = ECOPLAN_CTL_PATH;
const char* const kSeed = ECOPLAN_SEED_PATH;

// A loopback port nothing listens on.
int UnusedPort() { return FreeLoopbackPort(); }

std::string LastSegment(const std::string& name) { return name.substr(name.rfind('/') + 1); }

pv1::ReportEntry Entry(const std::string& measure_name, double percent) {
  pv1::ReportEntry e;
  e.set_measure(measure_name);
  e.set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
  e.set_percent_done(percent);
  e.set_work_done("本月完成新能源货车推广");
  e.set_next_steps("下月继续推进");
  auto* v = e.add_values();
  v->set_name("新能源货车占比");
  v->set_value(46.5);
  v->set_unit("%");
  e.add_evidence_links("https://www.bjmtg.gov.cn/evidence/1");
  return e;
}

class ProgressE2eTest : public ::testing::Test {
 protected:
  void StartRegistry(int port = 0) {
    ServerOptions options;
    options.port = port;
    ASSERT_OK_AND_ASSIGN(registry_address_, cluster_.Start("registry", options));
    registry_stub_ = rv1::RegistryService::NewStub(
        grpc::CreateChannel(registry_address_, grpc::InsecureChannelCredentials()));
  }

  void ImportSeed() {
    rv1::ImportPlanRequest request;
    request.set_document_text(ReadFile(kSeed).value());
    rv1::ImportPlanResponse response;
    grpc::Status status = registry_stub_->ImportPlan(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    plan_ = response.plan().name();
    rv1::ExportPlanRequest export_request;
    export_request.set_name(plan_);
    ASSERT_TRUE(registry_stub_->ExportPlan(Context().get(), export_request, &export_).ok());
    for (const rv1::Task& task : export_.tasks()) {
      for (const rv1::Measure& m : task.measures()) {
        std::set<std::string> owners;
        for (const auto* refs : {&m.lead_organizations(), &m.responsible_organizations()}) {
          for (const rv1::OrgRef& ref : *refs) {
            if (!ref.organization().empty()) owners.insert(ref.organization());
            owners.insert(ref.members().begin(), ref.members().end());
          }
        }
        for (const std::string& org : owners) owned_[org].push_back(m.name());
      }
    }
  }

  void StartProgress(const std::string& registry_address) {
    ServerOptions options;
    options.flags = {"--registry_address=" + registry_address, "--registry_max_backoff=200ms",
                     "--rate_limit_per_second=0"};  // the load below is one development caller
    ASSERT_OK_AND_ASSIGN(progress_address_, cluster_.Start("progress", options));
    progress_stub_ = pv1::ProgressService::NewStub(
        grpc::CreateChannel(progress_address_, grpc::InsecureChannelCredentials()));
  }

  // Polls until the progress service knows the plan (its view caught up).
  void AwaitPlanView() {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      pv1::GetReportingCalendarRequest request;
      request.set_name(plan_ + "/reportingCalendar");
      pv1::GetReportingCalendarResponse response;
      if (progress_stub_->GetReportingCalendar(Context().get(), request, &response).ok()) return;
      absl::SleepFor(absl::Milliseconds(20));
    }
    FAIL() << "the progress service never got the plan from the registry";
  }

  pv1::SubmitReportRequest Submission(const std::string& org, const std::string& period,
                                      const std::vector<std::string>& measures) {
    pv1::SubmitReportRequest request;
    request.set_parent(plan_);
    request.set_organization(org);
    request.set_period(period);
    for (const std::string& m : measures) *request.add_entries() = Entry(m, 40);
    request.set_actor("e2e");
    return request;
  }

  grpc::Status Submit(const pv1::SubmitReportRequest& request, pv1::SubmitReportResponse* out) {
    return progress_stub_->SubmitReport(Context().get(), request, out);
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  Subprocess& registry_ = cluster_.process("registry");
  Subprocess& progress_ = cluster_.process("progress");
  std::string registry_address_, progress_address_, plan_;
  std::unique_ptr<rv1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_stub_;
  rv1::ExportPlanResponse export_;
  std::map<std::string, std::vector<std::string>> owned_;  // organization → measure names
};

TEST_F(ProgressE2eTest, ChecksOwnershipAgainstTheRegistryAndEnforcesAReassignmentWithinASecond) {
  ASSERT_NO_FATAL_FAILURE(StartRegistry());
  ASSERT_NO_FATAL_FAILURE(ImportSeed());
  ASSERT_NO_FATAL_FAILURE(StartProgress(registry_address_));
  ASSERT_NO_FATAL_FAILURE(AwaitPlanView());

  // A measure led by exactly one organization, and an organization that does not own it.
  const rv1::Measure* measure = nullptr;
  for (const rv1::Task& task : export_.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      if (measure == nullptr && m.lead_organizations_size() == 1 &&
          !m.lead_organizations(0).organization().empty() &&
          m.responsible_organizations_size() == 0) {
        measure = &m;
      }
    }
  }
  ASSERT_NE(measure, nullptr);
  const std::string lead = measure->lead_organizations(0).organization();
  std::string other;
  std::string other_name;
  for (const rv1::Organization& org : export_.organizations()) {
    const auto& mine = owned_[org.name()];
    if (org.name() != lead && !mine.empty() &&
        std::find(mine.begin(), mine.end(), measure->name()) == mine.end()) {
      other = org.name();
      other_name = org.display_name();
      break;
    }
  }
  ASSERT_FALSE(other.empty());

  pv1::SubmitReportResponse response;
  grpc::Status status = Submit(Submission(lead, "2026-10", {measure->name()}), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.report().state(), pv1::REPORT_STATE_SUBMITTED);
  EXPECT_EQ(response.report().timeliness(), pv1::TIMELINESS_LATE);  // due 2026-10-25

  status = Submit(Submission(other, "2026-10", {measure->name()}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find(LastSegment(measure->name())), std::string::npos)
      << status.error_message();

  // The bureau reassigns the measure in the registry.
  rv1::UpdateMeasureRequest update;
  update.mutable_measure()->set_name(measure->name());
  update.mutable_measure()->add_lead_organizations()->set_written_name(other_name);
  update.mutable_update_mask()->add_paths("lead_organizations");
  update.set_etag(measure->etag());
  update.set_reason("区政府调整牵头部门");
  rv1::UpdateMeasureResponse updated;
  status = registry_stub_->UpdateMeasure(Context().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const absl::Time reassigned = absl::Now();
  absl::Duration took;
  while (true) {
    pv1::SubmitReportRequest request = Submission(other, "2026-09", {measure->name()});
    request.set_draft(true);
    status = Submit(request, &response);
    took = absl::Now() - reassigned;
    if (status.ok() || took > absl::Seconds(5)) break;
    ASSERT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_LT(took, absl::Seconds(1));
  status = Submit(Submission(lead, "2026-09", {measure->name()}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Bad input is refused with the field named, and nothing is written.
  pv1::SubmitReportRequest bad = Submission(other, "2026-08", {measure->name()});
  bad.mutable_entries(0)->set_percent_done(std::nan(""));
  status = Submit(bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("entries[0].percent_done"), std::string::npos);
  bad = Submission(other, "2025-08", {measure->name()});
  EXPECT_EQ(Submit(bad, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad = Submission("organizations/o-0000000000", "2026-08", {measure->name()});
  EXPECT_EQ(Submit(bad, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  pv1::GetReportRequest get;
  get.set_name(plan_ + "/reports/" + LastSegment(other) + "_2026-08");
  pv1::GetReportResponse got;
  EXPECT_EQ(progress_stub_->GetReport(Context().get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Who has not reported for October: everyone but the first lead.
  CommandResult ctl =
      RunCommand({kCtl, "--registry=" + registry_address_, "--progress=" + progress_address_,
                  "--output", "json", "report", "status", "--period", "2026-10"})
          .value();
  ASSERT_EQ(ctl.exit_code, 0) << ctl.stderr_text;
  EXPECT_NE(ctl.stdout_text.find("SUBMISSION_STATE_LATE"), std::string::npos) << ctl.stdout_text;
  EXPECT_NE(ctl.stdout_text.find("SUBMISSION_STATE_MISSING"), std::string::npos);
}

TEST_F(ProgressE2eTest, WithoutTheRegistrySubmissionsAreUnavailableReadsWorkAndItCatchesUp) {
  const int registry_port = UnusedPort();
  ASSERT_NO_FATAL_FAILURE(StartProgress(absl::StrCat("127.0.0.1:", registry_port)));
  plan_ = "plans/2026-5b6a16527908";
  pv1::SubmitReportResponse response;
  grpc::Status status =
      Submit(Submission("organizations/o-0123456789", "2026-05", {plan_ + "/measures/a1-t1-m1"}),
             &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  pv1::ListReportsRequest list;
  list.set_parent(plan_);
  pv1::ListReportsResponse listed;
  EXPECT_TRUE(progress_stub_->ListReports(Context().get(), list, &listed).ok());
  pv1::GetHolidaysRequest holidays;
  holidays.set_name("holidayCalendars/2026");
  pv1::GetHolidaysResponse got;
  EXPECT_EQ(progress_stub_->GetHolidays(Context().get(), holidays, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The registry comes up on the address the progress service was given.
  ASSERT_NO_FATAL_FAILURE(StartRegistry(registry_port));
  ASSERT_NO_FATAL_FAILURE(ImportSeed());
  ASSERT_NO_FATAL_FAILURE(AwaitPlanView());
  const std::string org = owned_.begin()->first;
  status = Submit(Submission(org, "2026-05", {owned_.begin()->second[0]}), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ProgressE2eTest, AcknowledgedReportsAndEventsSurviveSigkillMidLoadWithoutDuplicates) {
  ASSERT_NO_FATAL_FAILURE(StartRegistry());
  ASSERT_NO_FATAL_FAILURE(ImportSeed());
  ASSERT_NO_FATAL_FAILURE(StartProgress(registry_address_));
  ASSERT_NO_FATAL_FAILURE(AwaitPlanView());

  // Slots: (organization, month), each submitted once with its own request id.
  struct Slot {
    std::string org;
    std::string period;
    std::vector<std::string> measures;
  };
  std::vector<Slot> slots;
  for (int month = 1; month <= 11; ++month) {
    for (const auto& [org, measures] : owned_) {
      std::vector<std::string> some(measures.begin(),
                                    measures.begin() + std::min<size_t>(3, measures.size()));
      slots.push_back({org, absl::StrFormat("2026-%02d", month), some});
    }
  }
  constexpr int kClients = 8;
  std::mutex mu;
  std::map<std::string, int> acked;               // report name → revision acknowledged
  std::vector<pv1::SubmitReportRequest> unknown;  // sent, no answer (in flight at the kill)
  std::atomic<size_t> next{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = pv1::ProgressService::NewStub(
          grpc::CreateCustomChannel(progress_address_, grpc::InsecureChannelCredentials(), [c] {
            grpc::ChannelArguments args;
            args.SetInt("ecoplan.client", c);  // one connection per client
            return args;
          }()));
      while (true) {
        const size_t i = next.fetch_add(1);
        if (i >= slots.size()) return;
        pv1::SubmitReportRequest request;
        request.set_parent(plan_);
        request.set_organization(slots[i].org);
        request.set_period(slots[i].period);
        for (const std::string& m : slots[i].measures) *request.add_entries() = Entry(m, 30);
        request.set_request_id(absl::StrCat("kill-", i));
        pv1::SubmitReportResponse response;
        grpc::Status status =
            stub->SubmitReport(Context(absl::Seconds(10)).get(), request, &response);
        std::lock_guard<std::mutex> lock(mu);
        if (status.ok()) {
          acked[response.report().name()] = response.report().revision();
        } else {
          unknown.push_back(request);
          return;  // the server is gone
        }
      }
    });
  }
  // SIGKILL once a good part of the load is acknowledged.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (acked.size() >= 150) break;
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
  progress_.Signal(SIGKILL);
  ASSERT_TRUE(progress_.Wait(absl::Seconds(10)).ok());
  for (std::thread& t : clients) t.join();
  ASSERT_GE(acked.size(), 150u);
  ASSERT_LT(acked.size(), slots.size()) << "the kill came after the load";

  ASSERT_NO_FATAL_FAILURE(StartProgress(registry_address_));
  ASSERT_NO_FATAL_FAILURE(AwaitPlanView());
  for (const auto& [name, revision] : acked) {
    pv1::GetReportRequest get;
    get.set_name(name);
    pv1::GetReportResponse got;
    grpc::Status status = progress_stub_->GetReport(Context().get(), get, &got);
    ASSERT_TRUE(status.ok()) << name << ": " << status.error_message();
    EXPECT_EQ(got.report().revision(), revision) << name;
  }
  // Retrying what was in flight writes each report at most once.
  for (const pv1::SubmitReportRequest& request : unknown) {
    pv1::SubmitReportResponse response;
    grpc::Status status = Submit(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.report().revision(), 1);
  }
  pv1::ListReportsRequest list;
  list.set_parent(plan_);
  list.set_page_size(1);
  pv1::ListReportsResponse listed;
  ASSERT_TRUE(progress_stub_->ListReports(Context().get(), list, &listed).ok());
  const int stored = listed.total_size();
  EXPECT_EQ(stored,
            static_cast<int>(acked.size() + unknown.size()) -
                static_cast<int>(std::count_if(unknown.begin(), unknown.end(), [&](auto& r) {
                  return acked.count(plan_ + "/reports/" + LastSegment(r.organization()) + "_" +
                                     r.period()) > 0;
                })));

  // Exactly one ReportSubmitted event per stored report, every acknowledged one among them.
  auto ctx = Context(absl::Seconds(20));
  pv1::WatchEventsRequest watch;
  auto reader = progress_stub_->WatchEvents(ctx.get(), watch);
  std::map<std::string, int> events;
  pv1::WatchEventsResponse event;
  uint64_t last_sequence = 0;
  int read = 0;
  while (read < stored && reader->Read(&event)) {
    ++read;
    EXPECT_EQ(event.event().sequence(), last_sequence + 1);
    last_sequence = event.event().sequence();
    EXPECT_EQ(event.event().type(), "ecoplan.progress.v1.ReportSubmitted");
    ++events[event.event().resource()];
  }
  ctx->TryCancel();
  (void)reader->Finish();
  EXPECT_EQ(read, stored);
  for (const auto& [name, count] : events) EXPECT_EQ(count, 1) << name;
  for (const auto& [name, revision] : acked) EXPECT_EQ(events.count(name), 1u) << name;
  // And nothing beyond them.
  auto after_ctx = Context(absl::Milliseconds(500));
  watch.set_after_sequence(last_sequence);
  auto after = progress_stub_->WatchEvents(after_ctx.get(), watch);
  EXPECT_FALSE(after->Read(&event));
  (void)after->Finish();
}

}  // namespace
}  // namespace ecoplan::testing
