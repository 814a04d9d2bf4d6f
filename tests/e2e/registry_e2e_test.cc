// Runs the real registry_server and ecoplanctl binaries as a user would:
// import the shipped seed through ecoplanctl, query it, export it, and check
// that an acknowledged write survives SIGKILL.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

namespace v1 = ::ecoplan::registry::v1;

const char* const kCtl = ECOPLAN_CTL_PATH;
const char* const kSeed = ECOPLAN_SEED_PATH;

class RegistryE2eTest : public ::testing::Test {
 protected:
  // Starts registry_server on a free loopback port with its data in the temp dir
  // (or `db_path`), in development mode (registry_auth_test covers tokens and TLS).
  void StartServer(const std::string& db_path = "") {
    ServerOptions options;
    options.db_path = db_path;
    ASSERT_OK_AND_ASSIGN(address_, cluster_.Start("registry", options));
    stub_ = v1::RegistryService::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }

  CommandResult Ctl(std::vector<std::string> args) {
    std::vector<std::string> argv{kCtl, "--registry=" + address_};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CommandResult> result = RunCommand(argv);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.value_or(CommandResult{});
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return ctx;
  }

  std::vector<v1::WatchEventsResponse> EventsAfter(uint64_t after, size_t expected) {
    auto ctx = Context();
    v1::WatchEventsRequest request;
    request.set_after_sequence(after);
    std::unique_ptr<grpc::ClientReader<v1::WatchEventsResponse>> reader =
        stub_->WatchEvents(ctx.get(), request);
    std::vector<v1::WatchEventsResponse> events;
    v1::WatchEventsResponse event;
    while (events.size() < expected && reader->Read(&event)) events.push_back(event);
    ctx->TryCancel();
    // The stream follows live events, so only the cancellation ends it.
    (void)reader->Finish();
    return events;
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  Subprocess& server_ = cluster_.process("registry");
  std::string address_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  std::string hex;
  for (unsigned char b : digest) absl::StrAppend(&hex, absl::Hex(b, absl::kZeroPad2));
  return hex;
}

TEST_F(RegistryE2eTest, ImportsTheSeedThroughEcoplanctlAndAnswersQueries) {
  StartServer();
  CommandResult imported = Ctl({"plan", "import", kSeed});
  ASSERT_EQ(imported.exit_code, 0) << imported.stderr_text;
  EXPECT_NE(imported.stdout_text.find("美丽门头沟建设2026年行动计划"), std::string::npos)
      << imported.stdout_text;
  EXPECT_NE(imported.stdout_text.find("门政办发〔2026〕1号"), std::string::npos);

  // What does 区交通局 lead? Measure 2 of task 3 of annex 1 is one of them.
  CommandResult leads = Ctl({"measures", "list", "--org", "区交通局", "--role", "lead"});
  ASSERT_EQ(leads.exit_code, 0) << leads.stderr_text;
  EXPECT_NE(leads.stdout_text.find("a1-t3-m2"), std::string::npos) << leads.stdout_text;
  EXPECT_EQ(leads.stdout_text.find("a1-t3-m1 "), std::string::npos) << leads.stdout_text;

  // The plan shows the digest of the file as the user has it, and its texts
  // as written: a2-t32-m2's full-width 监测－核查－整改, found by either width.
  CommandResult shown = Ctl({"plan", "show"});
  ASSERT_EQ(shown.exit_code, 0) << shown.stderr_text;
  EXPECT_NE(shown.stdout_text.find(Sha256Hex(ReadFile(kSeed).value())), std::string::npos)
      << shown.stdout_text;
  for (const char* wanted : {"监测-核查", "监测－核查"}) {
    CommandResult found = Ctl({"--output", "json", "measures", "list", "--contains", wanted});
    ASSERT_EQ(found.exit_code, 0) << found.stderr_text;
    EXPECT_NE(found.stdout_text.find("a2-t32-m2"), std::string::npos) << found.stdout_text;
    EXPECT_NE(found.stdout_text.find("监测－核查－整改"), std::string::npos) << found.stdout_text;
    EXPECT_EQ(found.stdout_text.find("监测-核查-整改"), std::string::npos) << found.stdout_text;
  }

  // What is due by the end of June? The one 6月底前 measure, and no 年底前 one.
  CommandResult june = Ctl({"--output", "json", "measures", "list", "--due-before", "6月底前"});
  ASSERT_EQ(june.exit_code, 0) << june.stderr_text;
  EXPECT_NE(june.stdout_text.find("6月底前"), std::string::npos) << june.stdout_text;
  EXPECT_EQ(june.stdout_text.find("年底前"), std::string::npos) << june.stdout_text;

  // The export holds every task and measure, matching the plan's own summary.
  CommandResult exported = Ctl({"plan", "export"});
  ASSERT_EQ(exported.exit_code, 0) << exported.stderr_text;
  const nlohmann::json doc = nlohmann::json::parse(exported.stdout_text);
  const nlohmann::json& summary = doc["plan"]["summary"];
  int tasks = 0, measures = 0, featured = 0;
  for (const nlohmann::json& task : doc["tasks"]) {
    ++tasks;
    for (const nlohmann::json& m : task["measures"]) {
      ++measures;
      if (m.value("featured", false)) ++featured;
    }
  }
  EXPECT_EQ(tasks, summary["taskCount"].get<int>());
  EXPECT_EQ(measures, summary["measureCount"].get<int>());
  EXPECT_EQ(featured, 7);
  EXPECT_GT(measures, 200);

  // The same answers straight over gRPC.
  v1::GetTaskRequest get;
  get.set_name(doc["tasks"][2]["name"].get<std::string>());
  v1::GetTaskResponse task;
  ASSERT_TRUE(stub_->GetTask(Context().get(), get, &task).ok());
  EXPECT_EQ(task.task().title(), "推动机动车结构优化升级");
  EXPECT_EQ(task.task().measures_size(), 10);

  // A clean stop on SIGTERM.
  server_.Signal(SIGTERM);
  ASSERT_OK_AND_ASSIGN(int status, server_.Wait(absl::Seconds(30)));
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// A restart of the server (an upgrade, a crash) costs a reader nothing: the
// call is repeated until the server is back, and the user is told. A write
// that could be done twice is not repeated, and the error says why.
TEST_F(RegistryE2eTest, EcoplanctlWaitsOutARestartAndRepeatsOnlyWhatIsSafe) {
  StartServer();
  ASSERT_EQ(Ctl({"plan", "import", kSeed}).exit_code, 0);
  ASSERT_OK_AND_ASSIGN(int stopped, cluster_.Stop("registry"));
  EXPECT_TRUE(WIFEXITED(stopped) && WEXITSTATUS(stopped) == 0) << stopped;

  absl::StatusOr<std::string> restarted;
  std::thread restart([&] {
    absl::SleepFor(absl::Milliseconds(1200));  // within the first two waits (0.5 s, 1 s)
    restarted = cluster_.Restart("registry");
  });
  CommandResult leads = Ctl({"measures", "list", "--org", "区交通局", "--role", "lead"});
  restart.join();
  ASSERT_OK(restarted.status());
  ASSERT_EQ(leads.exit_code, 0) << leads.stderr_text;
  EXPECT_NE(leads.stdout_text.find("a1-t3-m2"), std::string::npos) << leads.stdout_text;
  EXPECT_NE(leads.stderr_text.find("; retrying in 500ms (attempt 2 of 5)"), std::string::npos)
      << leads.stderr_text;

  ASSERT_OK(cluster_.Stop("registry").status());
  // A backup carries no request id: one attempt, and the reason.
  CommandResult backup = Ctl({"admin", "backup"});
  EXPECT_NE(backup.exit_code, 0);
  EXPECT_NE(backup.stderr_text.find("not retried: the call changes data and carries no request id"),
            std::string::npos)
      << backup.stderr_text;
  EXPECT_EQ(backup.stderr_text.find("retrying in"), std::string::npos) << backup.stderr_text;
  // --retries 0: a read is tried once too.
  CommandResult once = Ctl({"--retries", "0", "plan", "list"});
  EXPECT_NE(once.exit_code, 0);
  EXPECT_NE(once.stderr_text.find("(1 attempt)"), std::string::npos) << once.stderr_text;
}

TEST_F(RegistryE2eTest, AcknowledgedWritesAndTheirEventsSurviveSigkill) {
  StartServer();
  const std::string document = ReadFile(kSeed).value();
  v1::ImportPlanRequest import;
  import.set_document_text(document);
  v1::ImportPlanResponse imported;
  ASSERT_TRUE(stub_->ImportPlan(Context().get(), import, &imported).ok());
  server_.Signal(SIGKILL);  // right after the acknowledgement
  ASSERT_TRUE(server_.Wait(absl::Seconds(10)).ok());

  StartServer();
  v1::ExportPlanRequest export_request;
  export_request.set_name(imported.plan().name());
  v1::ExportPlanResponse exported;
  ASSERT_TRUE(stub_->ExportPlan(Context().get(), export_request, &exported).ok());
  EXPECT_EQ(exported.tasks_size(), imported.plan().summary().task_count());
  EXPECT_EQ(exported.plan().source_sha256(), imported.plan().source_sha256());

  // A correction, acknowledged, then SIGKILL again.
  const v1::Measure& first = exported.tasks(0).measures(0);
  v1::UpdateMeasureRequest update;
  update.mutable_measure()->set_name(first.name());
  update.mutable_measure()->mutable_deadline()->set_raw("6月底前");
  update.mutable_update_mask()->add_paths("deadline");
  update.set_etag(first.etag());
  update.set_reason("区政府调度会要求提前完成");
  update.set_request_id("e2e-update-1");
  v1::UpdateMeasureResponse updated;
  ASSERT_TRUE(stub_->UpdateMeasure(Context().get(), update, &updated).ok());
  server_.Signal(SIGKILL);
  ASSERT_TRUE(server_.Wait(absl::Seconds(10)).ok());

  StartServer();
  v1::GetMeasureRequest get;
  get.set_name(first.name());
  v1::GetMeasureResponse measure;
  ASSERT_TRUE(stub_->GetMeasure(Context().get(), get, &measure).ok());
  EXPECT_EQ(measure.measure().deadline().raw(), "6月底前");
  EXPECT_EQ(measure.measure().deadline().due_date().month(), 6);
  EXPECT_EQ(measure.measure().revision(), 1);

  // The retried update changes nothing.
  v1::UpdateMeasureResponse retried;
  ASSERT_TRUE(stub_->UpdateMeasure(Context().get(), update, &retried).ok());
  EXPECT_EQ(retried.measure().revision(), 1);

  // Both events are there, in order, exactly once, and resuming after the
  // first gives only the second.
  std::vector<v1::WatchEventsResponse> events = EventsAfter(0, 2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event().sequence(), 1u);
  EXPECT_EQ(events[0].event().type(), "ecoplan.registry.v1.PlanImported");
  EXPECT_EQ(events[1].event().sequence(), 2u);
  EXPECT_EQ(events[1].event().type(), "ecoplan.registry.v1.MeasureUpdated");
  EXPECT_EQ(events[1].event().request_id(), "e2e-update-1");
  std::vector<v1::WatchEventsResponse> resumed = EventsAfter(1, 1);
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].event().sequence(), 2u);

  // Beyond the end of the log is an error, not an empty stream that hangs.
  auto ctx = Context();
  v1::WatchEventsRequest beyond;
  beyond.set_after_sequence(99);
  auto reader = stub_->WatchEvents(ctx.get(), beyond);
  v1::WatchEventsResponse ignored;
  EXPECT_FALSE(reader->Read(&ignored));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::OUT_OF_RANGE);
}

TEST_F(RegistryE2eTest, ABackupRestoredIntoAFreshFolderHoldsEveryRecord) {
  StartServer();
  ASSERT_EQ(Ctl({"plan", "import", kSeed}).exit_code, 0);
  CommandResult exported_before = Ctl({"plan", "export"});
  ASSERT_EQ(exported_before.exit_code, 0) << exported_before.stderr_text;
  CommandResult backup = Ctl({"--output", "json", "admin", "backup", "--keep-last", "3"});
  ASSERT_EQ(backup.exit_code, 0) << backup.stderr_text;
  const nlohmann::json taken = nlohmann::json::parse(backup.stdout_text);
  // The backup's path is relative to the server's --backup_dir (the harness's <name>-backups).
  const std::string path =
      cluster_.dir() + "/registry-backups/" + taken["backup"]["path"].get<std::string>();
  EXPECT_EQ(taken["backup"]["lastEventSequence"].get<std::string>(), "1");
  server_.Signal(SIGTERM);
  ASSERT_TRUE(server_.Wait(absl::Seconds(30)).ok());

  // Restore: a copy of the backup is the new data folder.
  const std::string restored = dir_.Sub("restored");
  std::filesystem::copy(path, restored, std::filesystem::copy_options::recursive);
  StartServer(restored);
  CommandResult exported_after = Ctl({"plan", "export"});
  ASSERT_EQ(exported_after.exit_code, 0) << exported_after.stderr_text;
  nlohmann::json before = nlohmann::json::parse(exported_before.stdout_text);
  nlohmann::json after = nlohmann::json::parse(exported_after.stdout_text);
  EXPECT_EQ(after["tasks"].size(), before["tasks"].size());
  EXPECT_EQ(after, before);  // every task, measure, organization and table, field by field
  std::vector<v1::WatchEventsResponse> events = EventsAfter(0, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event().type(), "ecoplan.registry.v1.PlanImported");
}

}  // namespace
}  // namespace ecoplan::testing
