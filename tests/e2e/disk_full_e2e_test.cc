// A full volume under the real progress_server: its database on a small tmpfs
// the test mounts (and unmounts) itself, filled by a file until RocksDB's
// writes fail. The service must not crash (it used to abort in librocksdb on
// the write after the first failed one), must refuse writes with
// RESOURCE_EXHAUSTED naming the cause, keep answering reads and health, say so
// on /metrics, resume writing by itself once space returns, and have lost
// nothing it acknowledged. Skipped, with the reason, where a tmpfs cannot be
// mounted (not root, no CAP_SYS_ADMIN).

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/harness/cluster.h"
#include "tests/harness/process.h"

namespace ecoplan::testing {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

const char* const kSeed = ECOPLAN_SEED_PATH;

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return ctx;
}

// Writes 1 MiB blocks to `path` until the volume refuses one; returns the bytes written.
uint64_t FillVolume(const std::string& path) {
  const std::string block(1 << 20, 'x');
  uint64_t written = 0;
  std::ofstream out(path, std::ios::binary);
  while (out.write(block.data(), block.size()) && out.flush()) written += block.size();
  return written;
}

class DiskFullE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    volume_ = dir_.Sub("volume");
    std::filesystem::create_directories(volume_);
    if (mount("tmpfs", volume_.c_str(), "tmpfs", 0, "size=48m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs at " << volume_ << " (" << std::strerror(errno)
                   << "): this test needs root with CAP_SYS_ADMIN";
    }
    mounted_ = true;
  }

  void TearDown() override {
    cluster_.StopAll();
    if (mounted_) umount2(volume_.c_str(), MNT_DETACH);
  }

  std::string Metrics() {
    httplib::Client client("127.0.0.1", metrics_port_);
    httplib::Result result = client.Get("/metrics");
    return result && result->status == 200 ? result->body : "";
  }

  std::string volume_;
  bool mounted_ = false;
  int metrics_port_ = 0;
  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
};

TEST_F(DiskFullE2eTest, RefusesWritesWithResourceExhaustedKeepsReadingAndResumesByItself) {
  ASSERT_OK_AND_ASSIGN(const std::string registry_address, cluster_.Start("registry"));
  auto registry = rv1::RegistryService::NewStub(
      grpc::CreateChannel(registry_address, grpc::InsecureChannelCredentials()));
  rv1::ImportPlanRequest import;
  import.set_document_text(ReadFile(kSeed).value());
  rv1::ImportPlanResponse imported;
  ASSERT_TRUE(registry->ImportPlan(Context().get(), import, &imported).ok());
  const std::string plan = imported.plan().name();
  rv1::ExportPlanRequest export_request;
  export_request.set_name(plan);
  rv1::ExportPlanResponse exported;
  ASSERT_TRUE(registry->ExportPlan(Context().get(), export_request, &exported).ok());
  std::string organization, measure;
  for (const rv1::Task& task : exported.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      if (organization.empty() && m.lead_organizations_size() > 0 &&
          !m.lead_organizations(0).organization().empty()) {
        organization = m.lead_organizations(0).organization();
        measure = m.name();
      }
    }
  }
  ASSERT_FALSE(measure.empty());

  metrics_port_ = FreeLoopbackPort();
  ASSERT_NE(metrics_port_, 0);
  ServerOptions options = Following(
      {"registry"}, {"--rate_limit_per_second=0", absl::StrCat("--metrics_port=", metrics_port_)});
  options.db_path = volume_ + "/progress-db";
  ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("progress", options));
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto progress = pv1::ProgressService::NewStub(channel);
  grpc::StatusCode known = grpc::StatusCode::UNKNOWN;
  for (int i = 0; i < 300 && known != grpc::StatusCode::OK; ++i) {
    pv1::GetReportingCalendarRequest r;
    r.set_name(plan + "/reportingCalendar");
    pv1::GetReportingCalendarResponse out;
    known = progress->GetReportingCalendar(Context().get(), r, &out).error_code();
    if (known != grpc::StatusCode::OK) absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(known, grpc::StatusCode::OK) << cluster_.Log("progress");

  // Every submission revises the one report; each acknowledged one is a revision.
  int attempt = 0;
  std::string etag;
  auto submit = [&](grpc::Status* status) {
    pv1::SubmitReportRequest r;
    r.set_parent(plan);
    r.set_organization(organization);
    r.set_period("2026-05");
    r.set_request_id(absl::StrCat("disk-full-", ++attempt));
    r.set_etag(etag);
    pv1::ReportEntry* e = r.add_entries();
    e->set_measure(measure);
    e->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
    e->set_percent_done(attempt % 100);
    // Large enough that the volume fills in a bounded number of calls.
    e->set_work_done(std::string(3000, 'w'));
    e->set_next_steps("继续推进");
    pv1::SubmitReportResponse out;
    *status = progress->SubmitReport(Context().get(), r, &out);
    if (status->ok()) etag = out.report().etag();
    return out.report().revision();
  };
  grpc::Status status;
  int acknowledged = 0;
  ASSERT_EQ(submit(&status), 1) << status.error_message();
  ++acknowledged;

  const uint64_t filler = FillVolume(volume_ + "/filler");
  ASSERT_GT(filler, 0u);
  // Bounded: the WAL's preallocated space absorbs some writes first.
  for (int i = 0; i < 20000; ++i) {
    submit(&status);
    if (!status.ok()) break;
    ++acknowledged;
  }
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message() << "\n"
      << cluster_.Log("progress");
  EXPECT_TRUE(absl::StrContains(status.error_message(), "disk full")) << status.error_message();
  // More writes while full: the second failed write was the one that aborted.
  for (int i = 0; i < 50; ++i) {
    submit(&status);
    EXPECT_FALSE(status.ok());
  }

  // Reads and health still answer.
  pv1::GetReportRequest get;
  get.set_name(absl::StrCat(plan, "/reports/", organization.substr(organization.rfind('/') + 1),
                            "_2026-05"));
  pv1::GetReportResponse report;
  grpc::Status read = progress->GetReport(Context().get(), get, &report);
  ASSERT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(report.report().revision(), acknowledged);
  HealthCheckRequest health_request;
  HealthCheckResponse health;
  ASSERT_TRUE(Health::NewStub(channel)->Check(Context().get(), health_request, &health).ok());
  EXPECT_EQ(health.status(), HealthCheckResponse::SERVING);
  const std::string failing = Metrics();
  EXPECT_TRUE(absl::StrContains(failing, "ecoplan_storage_writes_failing 1")) << failing;
  EXPECT_TRUE(absl::StrContains(
      failing, "ecoplan_storage_write_failures_total{code=\"resource_exhausted\"}"))
      << failing;
  EXPECT_TRUE(absl::StrContains(cluster_.Log("progress"), "database writes failing"));

  // Space returns: writes resume by themselves (RocksDB's background recovery), bounded.
  std::filesystem::remove(volume_ + "/filler");
  for (int i = 0; i < 600; ++i) {
    submit(&status);
    if (status.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << cluster_.Log("progress");
  ++acknowledged;
  EXPECT_TRUE(absl::StrContains(Metrics(), "ecoplan_storage_writes_failing 0"));
  EXPECT_TRUE(absl::StrContains(cluster_.Log("progress"), "database writes resumed"));

  // Nothing acknowledged was lost, nothing refused was applied: after a restart
  // the report has exactly one revision per acknowledged submission.
  ASSERT_OK(cluster_.Stop("progress").status());
  ASSERT_OK_AND_ASSIGN(const std::string again, cluster_.Restart("progress"));
  auto restarted =
      pv1::ProgressService::NewStub(grpc::CreateChannel(again, grpc::InsecureChannelCredentials()));
  read = restarted->GetReport(Context().get(), get, &report);
  ASSERT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(report.report().revision(), acknowledged);
  EXPECT_FALSE(absl::StrContains(cluster_.Log("progress"), "without closing the database"))
      << "a SIGTERM is a clean shutdown";
}

}  // namespace
}  // namespace ecoplan::testing
