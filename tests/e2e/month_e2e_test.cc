// A district's month, end to end, through the public APIs only: the four real
// binaries (registry_server, progress_server, indicator_server,
// notification_server) run as processes on 127.0.0.1, wired to each other and
// secured with an HS256 secret generated at test time; the services
// authenticate to each other with service tokens minted from it, and every
// caller of the test holds a token of its role: the bureau (区生态环境局,
// administrator), each department or town (reporter of its organization) and
// the command center (viewer).
//
// The month is April 2026 as the notification service's demo clock walks it:
//   04-20  the plan is imported; the bureau hears of it; 永定镇 names its
//          liaison and deputy head.
//   04-23  every organization owning a measure is reminded that the April
//          report is due on the 25th; 区交通局 and 区园林绿化局 report; the
//          bureau returns 区交通局's report, which it revises.
//   04-27  everyone still silent gets an overdue notice (critical), but not
//          those who reported; 区城管委 and 区公安分局 report late; 区商务局
//          acknowledges its notice; the month's air-quality readings are
//          loaded and the district's and 永定镇's PM2.5 are evaluated: off
//          track, so the bureau and the indicators' owners are alerted; the
//          bureau returns 区交通局's report a second time, takes the
//          resubmission and accepts it.
//   04-30  three working days later the overdue notice of 永定镇, which
//          neither reported nor acknowledged, escalates to its deputy head;
//          nobody else's does.
// Each date is a restart of notification_server with --demo_clock_start (the
// same data folder and port), so a restart also shows that no reminder is sent
// twice. The progress service judges timeliness by the real clock, which is
// past 2026-04-25, so every April report it records is late.
//
// Everything the month produced is checked by content: the inboxes (which
// organization got which reminder, title, severity, contacts, escalation
// level), a webhook receiver in this process (body, Standard Webhooks
// signature, exactly the subscribed kinds), the command center's
// StreamNotifications (every sequence once, resumed after each restart from
// the acknowledged position) and the progress service's submission status.
//
// Ordering: the notification service learns of reports from the progress
// service's event stream. Before each restart the test waits for a
// notification caused by a later event of that stream (the report returned by
// the bureau), so it knows every earlier report reached the notification
// service before its clock moves on.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth/token_minter.h"
#include "common/testing/local_http_server.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace nv1 = ::ecoplan::notification::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
using common::Role;

const char* const kCtl = ECOPLAN_CTL_PATH;
const char* const kSeed = ECOPLAN_SEED_PATH;
const std::string kDataDir = ECOPLAN_TEST_DATA_DIR;

constexpr char kPeriod[] = "2026-04";
constexpr char kConsumer[] = "streamConsumers/command-center";
// The bureau's review comments.
constexpr char kFirstReturn[] = "请补充新能源车辆推广的量化数据后重新报送";
constexpr char kSecondReturn[] = "佐证材料链接无法打开，请更正后重新报送";

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string RandomBytes(size_t n) {
  std::ifstream in("/dev/urandom", std::ios::binary);
  std::string bytes(n, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

// Polls `done` every 100 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(30)) {
  return Eventually(done, timeout);
}

// "organizations/o-1" → "o-1".
std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

// The webhook-id of a notification: "msg_" + its id.
std::string WebhookIdOf(const nv1::Notification& n) { return "msg_" + IdOf(n.name()); }

// Standard Webhooks 1.0, computed here independently of the service:
// "v1," + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")).
std::string ExpectedSignature(const std::string& key, const std::string& id,
                              const std::string& timestamp, const std::string& body) {
  const std::string content = absl::StrCat(id, ".", timestamp, ".", body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  return absl::StrCat(
      "v1,", absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(mac), mac_len)));
}

// ---------------------------------------------------------------------------
// The command center's webhook receiver (cpp-httplib on 127.0.0.1).

struct Webhook {
  std::string id;
  std::string timestamp;
  std::string signature;
  std::string body;
};

class WebhookReceiver {
 public:
  WebhookReceiver()
      : http_([this](httplib::Server& server) {
          server.Post("/hooks/ecoplan",
                      [this](const httplib::Request& req, httplib::Response& res) {
                        absl::MutexLock lock(&mu_);
                        received_.push_back({req.get_header_value("webhook-id"),
                                             req.get_header_value("webhook-timestamp"),
                                             req.get_header_value("webhook-signature"), req.body});
                        res.status = 204;
                      });
        }) {}
  std::string url() const { return http_.Url("/hooks/ecoplan"); }
  std::vector<Webhook> received() const {
    absl::MutexLock lock(&mu_);
    return received_;
  }
  // The first delivery of each webhook-id.
  std::map<std::string, Webhook> ById() const {
    std::map<std::string, Webhook> out;
    for (Webhook& w : received()) out.emplace(w.id, std::move(w));
    return out;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<Webhook> received_ ABSL_GUARDED_BY(mu_);
  common::LocalHttpServer http_;  // last: stops before what its handlers use goes
};

// ---------------------------------------------------------------------------
// The command center: keeps StreamNotifications open as the consumer
// "command-center", acknowledges what it processed, and when the stream ends
// (a restart of the service) opens it again without a position, so the
// service resumes after the acknowledged sequence.

class CommandCenter {
 public:
  // One (re)connection: the position acknowledged before it, and the first
  // sequence the service then sent.
  struct Resume {
    uint64_t acknowledged = 0;
    uint64_t first = 0;
  };

  CommandCenter(const std::string& address, std::string token)
      : stub_(nv1::NotificationService::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))),
        token_(std::move(token)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~CommandCenter() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      if (ctx_ != nullptr) ctx_->TryCancel();
    }
    thread_.join();
  }

  // Every event received, by sequence (each once).
  std::map<uint64_t, common::v1::Event> events() const {
    absl::MutexLock lock(&mu_);
    return events_;
  }
  // The NotificationCreated payloads, in sequence order.
  std::vector<nv1::Notification> notifications() const {
    std::vector<nv1::Notification> out;
    for (const auto& [sequence, event] : events()) {
      nv1::NotificationCreated created;
      if (event.payload().UnpackTo(&created)) out.push_back(created.notification());
    }
    return out;
  }
  std::vector<Resume> resumes() const {
    absl::MutexLock lock(&mu_);
    return resumes_;
  }

 private:
  std::unique_ptr<grpc::ClientContext> Context() const {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", "Bearer " + token_);
    return ctx;
  }

  void Run() {
    while (true) {
      std::unique_ptr<grpc::ClientContext> ctx = Context();
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) return;
        ctx_ = ctx.get();
      }
      nv1::StreamNotificationsRequest request;
      request.set_consumer(kConsumer);
      std::unique_ptr<grpc::ClientReader<nv1::StreamNotificationsResponse>> reader =
          stub_->StreamNotifications(ctx.get(), request);
      nv1::StreamNotificationsResponse response;
      bool first = true;
      while (reader->Read(&response)) {
        const uint64_t sequence = response.event().sequence();
        uint64_t acknowledge = 0;
        {
          absl::MutexLock lock(&mu_);
          if (first) resumes_.push_back({acknowledged_, sequence});
          first = false;
          events_.emplace(sequence, response.event());
          // Acknowledged in steps, as a consumer that commits its work in batches.
          if (sequence % 8 == 0) acknowledge = sequence;
        }
        if (acknowledge > 0) Acknowledge(acknowledge);
      }
      (void)reader->Finish();
      {
        absl::MutexLock lock(&mu_);
        ctx_ = nullptr;
        if (stopping_) return;
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  void Acknowledge(uint64_t sequence) {
    std::unique_ptr<grpc::ClientContext> ctx = Context();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    nv1::AcknowledgeStreamRequest request;
    request.set_consumer(kConsumer);
    request.set_sequence(sequence);
    nv1::AcknowledgeStreamResponse response;
    if (stub_->AcknowledgeStream(ctx.get(), request, &response).ok()) {
      absl::MutexLock lock(&mu_);
      acknowledged_ = response.sequence();
    }
  }

  std::unique_ptr<nv1::NotificationService::Stub> stub_;
  const std::string token_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* ctx_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint64_t acknowledged_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint64_t, common::v1::Event> events_ ABSL_GUARDED_BY(mu_);
  std::vector<Resume> resumes_ ABSL_GUARDED_BY(mu_);
};

// ---------------------------------------------------------------------------
// The district.

// An organization of the plan, with one measure it owns.
struct Org {
  std::string name;     // organizations/{id}
  std::string id;       // {id}
  std::string display;  // e.g. 区交通局
  std::string measure;  // plans/{plan}/measures/{measure}
};

class MonthE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    secret_ = absl::Base64Escape(RandomBytes(48));
    WriteFile(dir_.Sub("secret"), secret_ + "\n");
    // Every server with the shared secret.
    cluster_.SetCommonFlags({"--auth_hs256_secret_file=" + dir_.Sub("secret"),
                             "--rate_limit_per_second=0", "--shutdown_grace=3s"});
    webhook_key_ = RandomBytes(32);
    args_.SetMaxReceiveMessageSize(64 << 20);
  }

  void TearDown() override {
    command_center_.reset();
    cluster_.StopAll();
    if (HasFailure()) {
      for (const char* name : {"registry", "progress", "indicator", "notification"}) {
        const std::string log = Log(name);
        std::cerr << "---- " << name << ".log (last 4000 bytes)\n"
                  << log.substr(log.size() > 4000 ? log.size() - 4000 : 0) << "\n";
      }
    }
  }

  std::string Log(const std::string& name) const { return cluster_.Log(name); }

  // (Re)starts notification_server on its port with its data, the demo clock
  // at `demo_start` (RFC 3339, running at wall-clock speed).
  void StartNotification(const std::string& demo_start) {
    ServerOptions notification =
        Following({"registry", "progress", "indicator"},
                  {"--demo_clock_start=" + demo_start, "--schedule_interval=200ms",
                   "--retry_initial_backoff=50ms", "--retry_max_backoff=500ms",
                   "--webhook_timeout=5s", "--webhook_connect_timeout=2s", "--delivery_workers=2",
                   // The receiver is on loopback, which webhooks reach only when allow-listed.
                   "--webhook_allowed_networks=127.0.0.1/32"});
    notification.port = cluster_.port("notification");
    ASSERT_OK_AND_ASSIGN(notification_address_, cluster_.Start("notification", notification));
    notification_stub_ = nv1::NotificationService::NewStub(
        grpc::CreateChannel(notification_address_, grpc::InsecureChannelCredentials()));
  }

  void StopNotification() {
    absl::StatusOr<int> exited = cluster_.Stop("notification");
    ASSERT_TRUE(exited.ok()) << exited.status();
    EXPECT_TRUE(WIFEXITED(*exited) && WEXITSTATUS(*exited) == 0) << Log("notification");
  }

  void StartAll() {
    ASSERT_OK_AND_ASSIGN(registry_address_, cluster_.Start("registry"));
    ASSERT_OK_AND_ASSIGN(progress_address_, cluster_.Start("progress", Following({"registry"})));
    ASSERT_OK_AND_ASSIGN(
        indicator_address_,
        cluster_.Start("indicator",
                       Following({"registry", "progress"},
                                 // The month is replayed in April; the bureau records the
                                 // evaluation as of its days (RecordEvaluation) instead of the
                                 // job's "today".
                                 {"--evaluation_time=off", "--evaluation_debounce=0s"})));
    registry_stub_ = rv1::RegistryService::NewStub(
        grpc::CreateCustomChannel(registry_address_, grpc::InsecureChannelCredentials(), args_));
    progress_stub_ = pv1::ProgressService::NewStub(
        grpc::CreateCustomChannel(progress_address_, grpc::InsecureChannelCredentials(), args_));
    indicator_stub_ = iv1::IndicatorService::NewStub(
        grpc::CreateCustomChannel(indicator_address_, grpc::InsecureChannelCredentials(), args_));
    ASSERT_NO_FATAL_FAILURE(StartNotification("2026-04-20T09:00:00+08:00"));
  }

  // A token of `role` for `subject`, valid for an hour.
  std::string Token(Role role, const std::string& subject, const std::string& org_id = "") {
    common::TokenClaims c;
    c.subject = subject;
    c.role = role;
    c.organization_id = org_id;
    c.issuer = "ecoplan-local";
    c.audience = "ecoplan";
    c.issued_at = absl::Now();
    c.expires_at = absl::Now() + absl::Hours(1);
    return common::MintToken(common::TokenAlgorithm::kHs256, secret_, c).value();
  }
  std::string Bureau() { return Token(Role::kAdministrator, "bureau-duty-officer"); }
  std::string CommandCenterToken() { return Token(Role::kViewer, "command-center"); }
  std::string ReporterSubject(const Org& org) { return "liaison-" + org.id; }
  std::string Reporter(const Org& org) {
    return Token(Role::kReporter, ReporterSubject(org), org.id);
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    ctx->AddMetadata("authorization", "Bearer " + token);
    return ctx;
  }

  // The plan's organizations by display name, each with a measure it owns
  // (as a lead if it leads one, else as a responsible organization).
  void LoadDistrict() {
    rv1::ExportPlanRequest request;
    request.set_name(plan_);
    rv1::ExportPlanResponse plan;
    grpc::Status s = registry_stub_->ExportPlan(Context(Bureau()).get(), request, &plan);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const rv1::Organization& o : plan.organizations()) {
      orgs_[o.display_name()] = Org{o.name(), IdOf(o.name()), o.display_name(), ""};
      display_by_name_[o.name()] = o.display_name();
    }
    auto owners = [](const google::protobuf::RepeatedPtrField<rv1::OrgRef>& refs) {
      std::vector<std::string> out;
      for (const rv1::OrgRef& ref : refs) {
        if (!ref.organization().empty()) out.push_back(ref.organization());
        for (const std::string& m : ref.members()) out.push_back(m);
      }
      return out;
    };
    for (int pass = 0; pass < 2; ++pass) {
      for (const rv1::Task& task : plan.tasks()) {
        for (const rv1::Measure& m : task.measures()) {
          for (const std::string& o :
               owners(pass == 0 ? m.lead_organizations() : m.responsible_organizations())) {
            auto display = display_by_name_.find(o);
            if (display == display_by_name_.end()) continue;
            Org& org = orgs_[display->second];
            if (org.measure.empty()) org.measure = m.name();
          }
        }
      }
    }
  }

  const Org& OrgNamed(const std::string& display) {
    auto it = orgs_.find(display);
    EXPECT_TRUE(it != orgs_.end() && !it->second.measure.empty())
        << display << " owns no measure of the plan";
    return it->second;
  }

  // Submits (or, with `etag`, revises) `org`'s April report as the organization.
  pv1::Report Submit(const Org& org, const std::string& etag = "",
                     const std::string& evidence = "") {
    pv1::SubmitReportRequest request;
    request.set_parent(plan_);
    request.set_organization(org.name);
    request.set_period(kPeriod);
    request.set_etag(etag);
    request.set_request_id(absl::StrCat("month-e2e-", org.id, "-", ++submissions_));
    pv1::ReportEntry* e = request.add_entries();
    e->set_measure(org.measure);
    e->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
    e->set_percent_done(40);
    e->set_work_done(absl::StrCat(org.display, "按计划推进本月工作"));
    e->set_next_steps("下月继续推进");
    if (!evidence.empty()) e->add_evidence_links(evidence);
    pv1::SubmitReportResponse response;
    grpc::Status s = progress_stub_->SubmitReport(Context(Reporter(org)).get(), request, &response);
    EXPECT_TRUE(s.ok()) << org.display << ": " << s.error_message();
    return response.report();
  }

  pv1::Report GetReport(const std::string& name) {
    pv1::GetReportRequest request;
    request.set_name(name);
    pv1::GetReportResponse response;
    grpc::Status s = progress_stub_->GetReport(Context(Bureau()).get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.report();
  }

  pv1::Report Return(const pv1::Report& report, const std::string& comment) {
    pv1::ReturnReportRequest request;
    request.set_name(report.name());
    request.set_etag(report.etag());
    request.set_comment(comment);
    pv1::ReturnReportResponse response;
    grpc::Status s = progress_stub_->ReturnReport(Context(Bureau()).get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.report();
  }

  // `org`'s inbox, newest first, read as the organization itself.
  std::vector<nv1::Notification> Inbox(
      const Org& org, nv1::NotificationKind kind = nv1::NOTIFICATION_KIND_UNSPECIFIED) {
    nv1::ListNotificationsRequest request;
    request.set_parent(org.name);
    request.set_kind(kind);
    request.set_page_size(500);
    nv1::ListNotificationsResponse response;
    grpc::Status s =
        notification_stub_->ListNotifications(Context(Reporter(org)).get(), request, &response);
    if (!s.ok()) return {};
    return {response.notifications().begin(), response.notifications().end()};
  }

  // Waits until `org` has at least `count` notifications of `kind`; returns them.
  std::vector<nv1::Notification> AwaitInbox(const Org& org, nv1::NotificationKind kind,
                                            size_t count = 1) {
    std::vector<nv1::Notification> got;
    EXPECT_TRUE(WaitFor([&] {
      got = Inbox(org, kind);
      return got.size() >= count;
    })) << org.display
        << " has " << got.size() << " of " << count << " " << nv1::NotificationKind_Name(kind)
        << "\n"
        << Log("notification");
    return got;
  }

  // The streamed notifications of `kind` at escalation `level`, by recipient.
  std::map<std::string, std::vector<nv1::Notification>> StreamedByRecipient(
      nv1::NotificationKind kind, nv1::ContactLevel level = nv1::CONTACT_LEVEL_LIAISON) {
    std::map<std::string, std::vector<nv1::Notification>> out;
    for (const nv1::Notification& n : command_center_->notifications()) {
      if (n.kind() == kind && n.level() == level) out[n.recipient()].push_back(n);
    }
    return out;
  }

  // Every organization the progress service expects an April report from.
  pv1::GetSubmissionStatusResponse SubmissionStatus() {
    pv1::GetSubmissionStatusRequest request;
    request.set_plan(plan_);
    request.set_period(kPeriod);
    pv1::GetSubmissionStatusResponse response;
    grpc::Status s =
        progress_stub_->GetSubmissionStatus(Context(Bureau()).get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  std::set<std::string> Owners() {
    std::set<std::string> out;
    const pv1::GetSubmissionStatusResponse status = SubmissionStatus();
    for (const pv1::OrganizationSubmission& o : status.organizations()) {
      out.insert(o.organization());
    }
    return out;
  }

  // Writes the tests/data slice of `station` with its three weeks of January
  // 2017 replayed as 2026-04-01..21 (only the year and month cells change).
  std::string ReplayAsApril(const std::string& file) {
    const std::string text = ReadFile(kDataDir + "/" + file).value_or("");
    EXPECT_FALSE(text.empty()) << file;
    std::vector<std::string> lines = absl::StrSplit(text, '\n');
    for (size_t i = 1; i < lines.size(); ++i) {
      std::vector<std::string> cells = absl::StrSplit(lines[i], ',');
      if (cells.size() < 5) continue;
      EXPECT_EQ(cells[1], "2017");
      EXPECT_EQ(cells[2], "1");
      cells[1] = "2026";
      cells[2] = "4";
      lines[i] = absl::StrJoin(cells, ",");
    }
    const std::string path = dir_.Sub(absl::StrReplaceAll(file, {{"2017", "2026"}}));
    WriteFile(path, absl::StrJoin(lines, "\n"));
    return path;
  }

  CommandResult Ctl(std::vector<std::string> args) {
    std::vector<std::string> argv{kCtl, "--registry=" + registry_address_,
                                  "--indicator=" + indicator_address_, "--token=" + Bureau()};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CommandResult> result = RunCommand(argv, absl::Seconds(120));
    EXPECT_TRUE(result.ok()) << result.status();
    return result.value_or(CommandResult{});
  }

  // Records the plan's evaluation as of 2026-04-27 (what the daily job does
  // for today): status changes become IndicatorStatusChanged, then alerts.
  iv1::RecordEvaluationResponse RecordEvaluation() {
    iv1::RecordEvaluationRequest request;
    request.set_plan(plan_);
    *request.mutable_as_of() = Date(2026, 4, 27);
    iv1::RecordEvaluationResponse response;
    grpc::Status s = indicator_stub_->RecordEvaluation(Context(Bureau()).get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  iv1::Evaluation Evaluate(const std::string& indicator) {
    iv1::EvaluateIndicatorRequest request;
    request.set_name(absl::StrCat(plan_, "/indicators/", indicator));
    *request.mutable_as_of() = Date(2026, 4, 27);
    iv1::EvaluateIndicatorResponse response;
    grpc::Status s =
        indicator_stub_->EvaluateIndicator(Context(Bureau()).get(), request, &response);
    EXPECT_TRUE(s.ok()) << indicator << ": " << s.error_message();
    return response.evaluation();
  }

  common::TempDir dir_;
  std::string secret_;
  std::string webhook_key_;
  grpc::ChannelArguments args_;
  int submissions_ = 0;
  Cluster cluster_{dir_.path()};
  std::string registry_address_, progress_address_, indicator_address_, notification_address_;
  std::unique_ptr<rv1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_stub_;
  std::unique_ptr<iv1::IndicatorService::Stub> indicator_stub_;
  std::unique_ptr<nv1::NotificationService::Stub> notification_stub_;
  std::unique_ptr<CommandCenter> command_center_;
  std::string plan_;
  std::map<std::string, Org> orgs_;                     // by display name
  std::map<std::string, std::string> display_by_name_;  // organizations/{id} → display name
};

TEST_F(MonthE2eTest, ADistrictsMonthReachesTheInboxesTheWebhookAndTheCommandCenter) {
  WebhookReceiver receiver;
  ASSERT_NO_FATAL_FAILURE(StartAll());

  // The command center subscribes to what needs action at once and keeps the
  // stream open.
  nv1::CreateSubscriptionRequest subscribe;
  subscribe.mutable_subscription()->set_url(receiver.url());
  subscribe.mutable_subscription()->set_description("区城指中心 指挥大屏");
  for (nv1::NotificationKind kind :
       {nv1::NOTIFICATION_KIND_REPORT_OVERDUE, nv1::NOTIFICATION_KIND_REPORT_RETURNED,
        nv1::NOTIFICATION_KIND_INDICATOR_AT_RISK, nv1::NOTIFICATION_KIND_INDICATOR_OFF_TRACK}) {
    subscribe.mutable_subscription()->add_kinds(kind);
  }
  subscribe.set_secret("whsec_" + absl::Base64Escape(webhook_key_));
  subscribe.set_request_id("month-e2e-command-center");
  nv1::CreateSubscriptionResponse subscribed;
  grpc::Status s = notification_stub_->CreateSubscription(Context(CommandCenterToken()).get(),
                                                          subscribe, &subscribed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  command_center_ = std::make_unique<CommandCenter>(notification_address_, CommandCenterToken());

  // ---- 2026-04-20: the bureau imports the plan.
  rv1::ImportPlanRequest import;
  ASSERT_OK_AND_ASSIGN(std::string seed, ReadFile(kSeed));
  import.set_document_text(seed);
  rv1::ImportPlanResponse imported;
  s = registry_stub_->ImportPlan(Context(Bureau()).get(), import, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  plan_ = imported.plan().name();
  ASSERT_NO_FATAL_FAILURE(LoadDistrict());
  const Org bureau = OrgNamed("区生态环境局");
  const Org transport = OrgNamed("区交通局");     // reports on time, returned twice
  const Org forestry = OrgNamed("区园林绿化局");  // reports on time
  const Org urban = OrgNamed("区城管委");         // reports late
  const Org police = OrgNamed("区公安分局");      // reports late
  const Org commerce = OrgNamed("区商务局");      // acknowledges its overdue notice
  const Org yongding = OrgNamed("永定镇");        // silent all month: escalated
  for (const Org* o : {&bureau, &transport, &forestry, &urban, &police, &commerce, &yongding}) {
    ASSERT_FALSE(o->measure.empty()) << o->display;
  }

  // The bureau hears of the import.
  std::vector<nv1::Notification> plan_imported =
      AwaitInbox(bureau, nv1::NOTIFICATION_KIND_PLAN_IMPORTED);
  ASSERT_EQ(plan_imported.size(), 1u);
  EXPECT_EQ(plan_imported[0].title(), "新行动计划已导入：美丽门头沟建设2026年行动计划");
  // Named from the plan the notification announces, which is stored in the
  // same batch.
  EXPECT_EQ(plan_imported[0].recipient_display_name(), "区生态环境局")
      << "PLAN_IMPORTED names its recipient by display name (from the plan it announces)";
  EXPECT_EQ(plan_imported[0].severity(), nv1::SEVERITY_INFO);
  EXPECT_EQ(plan_imported[0].resource(), plan_);
  EXPECT_TRUE(absl::EndsWith(plan_imported[0].body(), " 项工作措施")) << plan_imported[0].body();

  // Progress and indicator have the plan from the registry's events.
  ASSERT_TRUE(WaitFor([&] {
    pv1::GetSubmissionStatusRequest r;
    r.set_plan(plan_);
    r.set_period(kPeriod);
    pv1::GetSubmissionStatusResponse out;
    return progress_stub_->GetSubmissionStatus(Context(Bureau()).get(), r, &out).ok();
  })) << Log("progress");
  const std::set<std::string> owners = Owners();
  ASSERT_GT(owners.size(), 30u);
  for (const Org* o : {&bureau, &transport, &forestry, &urban, &police, &commerce, &yongding}) {
    EXPECT_EQ(owners.count(o->name), 1u) << o->display;
  }

  // 永定镇 names its contacts: the liaison first, then the deputy head.
  nv1::SetContactsRequest contacts;
  contacts.set_organization(yongding.name);
  nv1::Contact* liaison = contacts.add_contacts();
  liaison->set_level(nv1::CONTACT_LEVEL_LIAISON);
  liaison->set_display_name("王芳");
  liaison->set_address("13800000001");
  nv1::Contact* deputy = contacts.add_contacts();
  deputy->set_level(nv1::CONTACT_LEVEL_DEPUTY_HEAD);
  deputy->set_display_name("李强");
  deputy->set_address("13800000002");
  nv1::SetContactsResponse contacts_set;
  s = notification_stub_->SetContacts(Context(Reporter(yongding)).get(), contacts, &contacts_set);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // ... and cannot set another organization's.
  contacts.set_organization(commerce.name);
  EXPECT_EQ(
      notification_stub_->SetContacts(Context(Reporter(yongding)).get(), contacts, &contacts_set)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);

  // Five days before the due day nobody is reminded yet.
  for (const Org* o : {&transport, &yongding}) {
    EXPECT_TRUE(Inbox(*o, nv1::NOTIFICATION_KIND_REPORT_DUE_SOON).empty()) << o->display;
  }

  // ---- 2026-04-23: every organization owning a measure is reminded.
  ASSERT_NO_FATAL_FAILURE(StopNotification());
  ASSERT_NO_FATAL_FAILURE(StartNotification("2026-04-23T09:00:00+08:00"));
  std::map<std::string, std::vector<nv1::Notification>> due_soon;
  EXPECT_TRUE(WaitFor([&] {
    due_soon = StreamedByRecipient(nv1::NOTIFICATION_KIND_REPORT_DUE_SOON);
    return due_soon.size() >= owners.size();
  })) << due_soon.size()
      << " of " << owners.size() << " reminded\n"
      << Log("notification");
  {
    std::set<std::string> reminded;
    for (const auto& [recipient, items] : due_soon) reminded.insert(recipient);
    EXPECT_EQ(reminded, owners);
  }
  for (const Org* o : {&transport, &forestry, &urban, &police, &commerce, &yongding}) {
    std::vector<nv1::Notification> inbox = Inbox(*o, nv1::NOTIFICATION_KIND_REPORT_DUE_SOON);
    ASSERT_EQ(inbox.size(), 1u) << o->display;
    const nv1::Notification& n = inbox[0];
    EXPECT_EQ(n.title(), "2026-04 月报将于2026-04-25截止，尚未报送");
    EXPECT_EQ(n.recipient_display_name(), o->display);
    EXPECT_EQ(n.severity(), nv1::SEVERITY_WARNING);
    EXPECT_EQ(n.period(), kPeriod);
    EXPECT_EQ(n.resource(), absl::StrCat(plan_, "/reports/", o->id, "_2026-04"));
    EXPECT_EQ(n.reason().rule(), "rules/report-due-soon");
    EXPECT_TRUE(absl::StrContains(n.reason().explanation(), "due on 2026-04-25, not submitted"))
        << n.reason().explanation();
    // Created on the demo morning of the 23rd (the demo clock runs at wall speed).
    const absl::Time morning =
        absl::FromCivil(absl::CivilSecond(2026, 4, 23, 9, 0, 0), absl::FixedTimeZone(8 * 3600));
    EXPECT_GE(n.create_time().seconds(), absl::ToUnixSeconds(morning)) << n.DebugString();
    EXPECT_LT(n.create_time().seconds(), absl::ToUnixSeconds(morning + absl::Hours(1)))
        << n.DebugString();
  }
  // A reporter reads only its own inbox.
  {
    nv1::ListNotificationsRequest other;
    other.set_parent(yongding.name);
    nv1::ListNotificationsResponse ignored;
    EXPECT_EQ(
        notification_stub_->ListNotifications(Context(Reporter(commerce)).get(), other, &ignored)
            .error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
  }
  // ecoplanctl finds an inbox by the organization's name (the registry resolves
  // it); a name the registry does not know is an error, not an empty inbox.
  {
    const CommandResult by_name =
        Ctl({"notify", "inbox", "区商务局", "--notification", notification_address_});
    EXPECT_EQ(by_name.exit_code, 0) << by_name.stderr_text;
    EXPECT_TRUE(absl::StrContains(by_name.stdout_text, "2026-04 月报将于2026-04-25截止，尚未报送"))
        << by_name.stdout_text;
    const CommandResult unknown =
        Ctl({"notify", "inbox", "区不存在局", "--notification", notification_address_});
    EXPECT_NE(unknown.exit_code, 0) << unknown.stdout_text;
    EXPECT_TRUE(absl::StrContains(unknown.stderr_text, "is not a known organization"))
        << unknown.stderr_text;
  }

  // 区交通局 and 区园林绿化局 report before the due day (the progress service,
  // on the real clock, records them late).
  pv1::Report transport_report = Submit(transport);
  const pv1::Report forestry_report = Submit(forestry);
  ASSERT_FALSE(transport_report.name().empty());
  ASSERT_FALSE(forestry_report.name().empty());
  for (const pv1::Report* r :
       std::vector<const pv1::Report*>{&transport_report, &forestry_report}) {
    EXPECT_EQ(r->state(), pv1::REPORT_STATE_SUBMITTED);
    EXPECT_EQ(r->period(), kPeriod);
    EXPECT_EQ(r->timeliness(), pv1::TIMELINESS_LATE);
    EXPECT_EQ(r->due_time().seconds(),
              absl::ToUnixSeconds(
                  absl::FromCivil(absl::CivilDay(2026, 4, 26), absl::FixedTimeZone(8 * 3600))));
  }
  EXPECT_EQ(transport_report.submitted_by(), ReporterSubject(transport));
  EXPECT_EQ(transport_report.organization_display_name(), "区交通局");

  // The bureau returns 区交通局's report; 区交通局 is told why.
  transport_report = Return(transport_report, kFirstReturn);
  EXPECT_EQ(transport_report.state(), pv1::REPORT_STATE_RETURNED);
  EXPECT_EQ(transport_report.reviewed_by(), "bureau-duty-officer");
  std::vector<nv1::Notification> returned =
      AwaitInbox(transport, nv1::NOTIFICATION_KIND_REPORT_RETURNED);
  ASSERT_EQ(returned.size(), 1u);
  EXPECT_EQ(returned[0].title(), "2026-04 月报被退回，请修改后重新报送");
  EXPECT_EQ(returned[0].body(), kFirstReturn);
  EXPECT_EQ(returned[0].resource(), transport_report.name());
  EXPECT_EQ(returned[0].severity(), nv1::SEVERITY_WARNING);
  EXPECT_EQ(returned[0].reason().rule(), "rules/report-returned");
  EXPECT_TRUE(
      absl::StartsWith(returned[0].reason().event(), "ecoplan.progress.v1.ProgressService#"))
      << returned[0].DebugString();
  // Only 区交通局 was told.
  EXPECT_TRUE(Inbox(forestry, nv1::NOTIFICATION_KIND_REPORT_RETURNED).empty());
  // It revises and resubmits.
  transport_report = Submit(transport, transport_report.etag(),
                            "https://www.bjmtg.gov.cn/evidence/new-energy-vehicles-2026-04");
  EXPECT_EQ(transport_report.state(), pv1::REPORT_STATE_SUBMITTED);
  EXPECT_EQ(transport_report.revision(), 3);

  // ---- 2026-04-27: the due day has passed.
  ASSERT_NO_FATAL_FAILURE(StopNotification());
  ASSERT_NO_FATAL_FAILURE(StartNotification("2026-04-27T09:00:00+08:00"));
  std::set<std::string> silent = owners;
  silent.erase(transport.name);
  silent.erase(forestry.name);
  std::map<std::string, std::vector<nv1::Notification>> overdue;
  EXPECT_TRUE(WaitFor([&] {
    overdue = StreamedByRecipient(nv1::NOTIFICATION_KIND_REPORT_OVERDUE);
    return overdue.size() >= silent.size();
  })) << overdue.size()
      << " of " << silent.size() << " overdue\n"
      << Log("notification");
  {
    std::set<std::string> told;
    for (const auto& [recipient, items] : overdue) told.insert(recipient);
    EXPECT_EQ(told, silent) << "overdue notices go to every owner that has not reported";
  }
  for (const Org* o : {&transport, &forestry}) {
    EXPECT_TRUE(Inbox(*o, nv1::NOTIFICATION_KIND_REPORT_OVERDUE).empty()) << o->display;
  }
  nv1::Notification commerce_overdue;
  for (const Org* o : {&urban, &police, &commerce, &yongding}) {
    std::vector<nv1::Notification> inbox = Inbox(*o, nv1::NOTIFICATION_KIND_REPORT_OVERDUE);
    ASSERT_EQ(inbox.size(), 1u) << o->display;
    const nv1::Notification& n = inbox[0];
    EXPECT_EQ(n.title(), "2026-04 月报已逾期（截止2026-04-25），请尽快报送");
    EXPECT_EQ(n.severity(), nv1::SEVERITY_CRITICAL);
    EXPECT_EQ(n.level(), nv1::CONTACT_LEVEL_LIAISON);
    EXPECT_EQ(n.period(), kPeriod);
    EXPECT_EQ(n.recipient_display_name(), o->display);
    EXPECT_EQ(n.reason().rule(), "rules/report-overdue");
    EXPECT_EQ(n.reason().explanation(),
              "2026-04 report was due on 2026-04-25 and is not submitted");
    if (o == &yongding) {
      ASSERT_EQ(n.contacts_size(), 1) << n.DebugString();
      EXPECT_EQ(n.contacts(0).display_name(), "王芳");
      EXPECT_EQ(n.contacts(0).level(), nv1::CONTACT_LEVEL_LIAISON);
    }
    if (o == &commerce) commerce_overdue = n;
  }
  // The restart sent no reminder twice.
  for (const Org* o : {&transport, &urban, &yongding}) {
    EXPECT_EQ(Inbox(*o, nv1::NOTIFICATION_KIND_REPORT_DUE_SOON).size(), 1u) << o->display;
  }

  // 区城管委 and 区公安分局 report late; 区商务局 acknowledges its notice.
  for (const Org* o : {&urban, &police}) {
    const pv1::Report late = Submit(*o);
    EXPECT_EQ(late.timeliness(), pv1::TIMELINESS_LATE) << o->display;
    EXPECT_GT(late.lateness().seconds(), 0) << o->display;
  }
  {
    nv1::AcknowledgeNotificationRequest ack;
    ack.set_name(commerce_overdue.name());
    nv1::AcknowledgeNotificationResponse acked;
    s = notification_stub_->AcknowledgeNotification(Context(Reporter(commerce)).get(), ack, &acked);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(acked.notification().acknowledged_by(), ReporterSubject(commerce));
    EXPECT_TRUE(acked.notification().has_acknowledge_time());
    EXPECT_TRUE(acked.notification().has_read_time());
  }

  // The month's air-quality readings: two demonstration stations, the slice
  // replayed as 2026-04-01..21, loaded by the operator's tool.
  CommandResult station = Ctl({"indicator", "stations", "set", "Gucheng", "--town", "永定镇",
                               "--name", "古城", "--demonstration"});
  ASSERT_EQ(station.exit_code, 0) << station.stderr_text;
  station = Ctl({"indicator", "stations", "set", "Dingling", "--town", "清水镇", "--name", "定陵",
                 "--not-district", "--demonstration"});
  ASSERT_EQ(station.exit_code, 0) << station.stderr_text;
  CommandResult loaded = Ctl({"--output", "json", "indicator", "load",
                              ReplayAsApril("PRSA_Data_Gucheng_20170101-20170121.csv"),
                              ReplayAsApril("PRSA_Data_Dingling_20170101-20170121.csv")});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.stderr_text;
  const nlohmann::json load = nlohmann::json::parse(loaded.stdout_text, nullptr, false);
  ASSERT_FALSE(load.is_discarded()) << loaded.stdout_text;
  EXPECT_GT(std::stoll(load.value("acceptedCount", "0")), 5000) << loaded.stdout_text;
  EXPECT_FALSE(load.contains("rejectedCount")) << loaded.stdout_text;

  // The bureau evaluates the district's PM2.5 (annex 4) and 永定镇's (annex 5)
  // as of the 27th: three weeks far above the targets. Evaluating alerts
  // nobody: it is a read.
  for (const char* id : {"a4-pm25", "a5-永定镇-pm25"}) Evaluate(id);
  // The evaluation job records the changes as of the 27th: those two are off track.
  const iv1::RecordEvaluationResponse recorded = RecordEvaluation();
  for (const char* id : {"a4-pm25", "a5-永定镇-pm25"}) {
    const std::string name = absl::StrCat(plan_, "/indicators/", id);
    int n = 0;
    for (const iv1::IndicatorStatusChanged& c : recorded.changes()) {
      if (c.indicator() != name) continue;
      ++n;
      EXPECT_EQ(c.status(), iv1::INDICATOR_STATUS_OFF_TRACK) << c.DebugString();
      EXPECT_TRUE(c.has_value() && c.has_target()) << c.DebugString();
      EXPECT_EQ(c.value_date().month(), 4) << c.DebugString();
      EXPECT_EQ(c.value_date().day(), 21) << c.DebugString();
    }
    EXPECT_EQ(n, 1) << id;
  }
  EXPECT_EQ(recorded.run().changed_count(), recorded.changes_size());
  std::map<std::string, iv1::Evaluation> evaluations;
  for (const char* id : {"a4-pm25", "a5-永定镇-pm25"}) {
    const iv1::Evaluation e = Evaluate(id);
    ASSERT_EQ(e.status(), iv1::INDICATOR_STATUS_OFF_TRACK) << e.DebugString();
    EXPECT_EQ(e.observed_days(), 21) << e.DebugString();
    ASSERT_TRUE(e.has_current_value() && e.has_target_value()) << e.DebugString();
    EXPECT_GT(e.current_value(), 2 * e.target_value()) << e.DebugString();
    EXPECT_FALSE(e.status_reason().empty());
    evaluations[id] = e;
  }
  EXPECT_EQ(evaluations["a4-pm25"].indicator().scope_kind(), iv1::SCOPE_KIND_DISTRICT);
  EXPECT_EQ(evaluations["a5-永定镇-pm25"].indicator().scope_name(), "永定镇");

  // The alerts: to the bureau and to each owner of the indicator.
  std::map<std::string, std::set<std::string>> alerted;  // indicator → recipients
  for (const auto& [id, e] : evaluations) {
    std::set<std::string> expected = {bureau.name};
    for (const std::string& owner : e.indicator().owners()) {
      auto org = orgs_.find(owner);
      if (org != orgs_.end()) expected.insert(org->second.name);
    }
    for (const std::string& recipient : expected) {
      const Org& org = orgs_.at(display_by_name_.at(recipient));
      std::vector<nv1::Notification> alerts;
      ASSERT_TRUE(WaitFor([&] {
        alerts.clear();
        for (const nv1::Notification& n : Inbox(org, nv1::NOTIFICATION_KIND_INDICATOR_OFF_TRACK)) {
          // Linked to the indicator's measure, or to the indicator when it has none.
          if (n.resource() == e.indicator().name() ||
              (e.indicator().measures_size() > 0 && n.resource() == e.indicator().measures(0) &&
               absl::StrContains(n.body(), e.indicator().name()))) {
            alerts.push_back(n);
          }
        }
        return !alerts.empty();
      })) << org.display
          << " has no alert for " << id << "\n"
          << Log("notification");
      ASSERT_EQ(alerts.size(), 1u) << org.display << " " << id;
      // The title names the indicator, its value with the unit and the day of
      // the value (the 21st: the last day with readings), and the target.
      EXPECT_TRUE(
          absl::StartsWith(alerts[0].title(),
                           absl::StrCat("指标偏离目标：", e.indicator().display_name(), "当前值")))
          << alerts[0].title();
      EXPECT_TRUE(absl::StrContains(alerts[0].title(), "（2026-04-21），目标"))
          << alerts[0].title();
      EXPECT_TRUE(absl::StrContains(alerts[0].body(), e.status_reason())) << alerts[0].body();
      EXPECT_EQ(alerts[0].severity(), nv1::SEVERITY_CRITICAL);
      EXPECT_EQ(alerts[0].plan(), plan_) << alerts[0].DebugString();
      EXPECT_EQ(alerts[0].reason().rule(), "rules/indicator-off-track");
      EXPECT_TRUE(
          absl::StartsWith(alerts[0].reason().event(), "ecoplan.indicator.v1.IndicatorService#"))
          << alerts[0].DebugString();
      alerted[id].insert(recipient);
    }
  }
  // 永定镇 answers for its own PM2.5.
  EXPECT_EQ(alerted["a5-永定镇-pm25"].count(yongding.name), 1u)
      << "owners of a5-永定镇-pm25: "
      << absl::StrJoin(evaluations["a5-永定镇-pm25"].indicator().owners(), ", ");
  // A second recorded evaluation of the same day records (and alerts) nothing.
  EXPECT_EQ(Evaluate("a4-pm25").status(), iv1::INDICATOR_STATUS_OFF_TRACK);
  EXPECT_EQ(RecordEvaluation().changes_size(), 0);

  // The bureau returns 区交通局's resubmission once more, takes the second
  // resubmission and accepts the report.
  transport_report = Return(GetReport(transport_report.name()), kSecondReturn);
  EXPECT_EQ(transport_report.state(), pv1::REPORT_STATE_RETURNED);
  returned = AwaitInbox(transport, nv1::NOTIFICATION_KIND_REPORT_RETURNED, 2);
  ASSERT_EQ(returned.size(), 2u);
  EXPECT_EQ(returned[0].body(), kSecondReturn);  // newest first
  EXPECT_EQ(returned[1].body(), kFirstReturn);
  transport_report = Submit(transport, transport_report.etag(),
                            "https://www.bjmtg.gov.cn/evidence/new-energy-vehicles-2026-04.pdf");
  EXPECT_EQ(transport_report.state(), pv1::REPORT_STATE_SUBMITTED);
  {
    pv1::AcceptReportRequest accept;
    accept.set_name(transport_report.name());
    accept.set_etag(transport_report.etag());
    accept.set_comment("同意");
    pv1::AcceptReportResponse accepted;
    s = progress_stub_->AcceptReport(Context(Bureau()).get(), accept, &accepted);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(accepted.report().state(), pv1::REPORT_STATE_ACCEPTED);
    pv1::ListReportRevisionsRequest history;
    history.set_name(transport_report.name());
    pv1::ListReportRevisionsResponse revisions;
    s = progress_stub_->ListReportRevisions(Context(Reporter(transport)).get(), history,
                                            &revisions);
    ASSERT_TRUE(s.ok()) << s.error_message();
    std::vector<pv1::RevisionAction> actions;
    for (const pv1::ReportRevision& r : revisions.revisions()) actions.push_back(r.action());
    EXPECT_EQ(actions, (std::vector<pv1::RevisionAction>{
                           pv1::REVISION_ACTION_SUBMITTED, pv1::REVISION_ACTION_RETURNED,
                           pv1::REVISION_ACTION_REVISED, pv1::REVISION_ACTION_RETURNED,
                           pv1::REVISION_ACTION_REVISED, pv1::REVISION_ACTION_ACCEPTED}));
  }

  // ---- 2026-04-30: three working days after the overdue notices.
  ASSERT_NO_FATAL_FAILURE(StopNotification());
  ASSERT_NO_FATAL_FAILURE(StartNotification("2026-04-30T09:00:00+08:00"));
  std::vector<nv1::Notification> escalated;
  ASSERT_TRUE(WaitFor([&] {
    escalated.clear();
    for (const nv1::Notification& n : Inbox(yongding, nv1::NOTIFICATION_KIND_REPORT_OVERDUE)) {
      if (n.level() == nv1::CONTACT_LEVEL_DEPUTY_HEAD) escalated.push_back(n);
    }
    return !escalated.empty();
  })) << Log("notification");
  ASSERT_EQ(escalated.size(), 1u);
  EXPECT_EQ(escalated[0].title(),
            "【升级至分管领导】2026-04 月报已逾期（截止2026-04-25），请尽快报送");
  EXPECT_EQ(escalated[0].severity(), nv1::SEVERITY_CRITICAL);
  ASSERT_EQ(escalated[0].contacts_size(), 1);
  EXPECT_EQ(escalated[0].contacts(0).display_name(), "李强");
  EXPECT_EQ(escalated[0].reason().explanation(),
            "not resolved or acknowledged within 3 working days; escalated one level");
  // Escalated: every silent owner that neither reported nor acknowledged.
  {
    std::set<std::string> expected = silent;
    for (const Org* o : {&urban, &police, &commerce}) expected.erase(o->name);
    std::map<std::string, std::vector<nv1::Notification>> deputy;
    EXPECT_TRUE(WaitFor([&] {
      deputy = StreamedByRecipient(nv1::NOTIFICATION_KIND_REPORT_OVERDUE,
                                   nv1::CONTACT_LEVEL_DEPUTY_HEAD);
      return deputy.size() >= expected.size();
    }));
    std::set<std::string> got;
    for (const auto& [recipient, items] : deputy) got.insert(recipient);
    EXPECT_EQ(got, expected);
  }
  for (const Org* o : {&transport, &forestry, &urban, &police, &commerce}) {
    for (const nv1::Notification& n : Inbox(*o, nv1::NOTIFICATION_KIND_REPORT_OVERDUE)) {
      EXPECT_EQ(n.level(), nv1::CONTACT_LEVEL_LIAISON) << o->display << " escalated: " << n.title();
    }
  }

  // The progress service's view of April.
  const pv1::GetSubmissionStatusResponse status = SubmissionStatus();
  EXPECT_EQ(status.late_count(), 4);
  EXPECT_EQ(status.on_time_count(), 0);
  EXPECT_EQ(status.missing_count(), static_cast<int>(owners.size()) - 4);
  for (const pv1::OrganizationSubmission& o : status.organizations()) {
    const std::string& who = o.organization_display_name();
    if (who == "区交通局") {
      EXPECT_EQ(o.state(), pv1::SUBMISSION_STATE_LATE);
      EXPECT_EQ(o.report_state(), pv1::REPORT_STATE_ACCEPTED);
    } else if (who == "区园林绿化局" || who == "区城管委" || who == "区公安分局") {
      EXPECT_EQ(o.state(), pv1::SUBMISSION_STATE_LATE) << who;
      EXPECT_EQ(o.report_state(), pv1::REPORT_STATE_SUBMITTED) << who;
    } else {
      EXPECT_EQ(o.state(), pv1::SUBMISSION_STATE_MISSING) << who;
    }
  }

  // ---- The command center's stream: every event once, in order, resumed
  // after each restart right after the acknowledged position.
  const std::vector<nv1::Notification> streamed = command_center_->notifications();
  {
    const std::map<uint64_t, common::v1::Event> events = command_center_->events();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.begin()->first, 1u);
    EXPECT_EQ(events.rbegin()->first, events.size()) << "a gap in the stream";
    const std::vector<CommandCenter::Resume> resumes = command_center_->resumes();
    ASSERT_GE(resumes.size(), 4u);  // one connection per start of the service
    for (const CommandCenter::Resume& r : resumes) {
      EXPECT_EQ(r.first, r.acknowledged + 1);
    }
    std::set<std::string> keys;
    for (const nv1::Notification& n : streamed) {
      if (n.reason().schedule_key().empty()) continue;
      EXPECT_TRUE(keys.insert(n.reason().schedule_key()).second)
          << "created twice: " << n.reason().schedule_key();
    }
  }

  // ---- The webhook: exactly the subscribed kinds, each signed.
  std::map<std::string, nv1::Notification> subscribed_kinds;  // webhook-id → notification
  for (const nv1::Notification& n : streamed) {
    switch (n.kind()) {
      case nv1::NOTIFICATION_KIND_REPORT_OVERDUE:
      case nv1::NOTIFICATION_KIND_REPORT_RETURNED:
      case nv1::NOTIFICATION_KIND_INDICATOR_AT_RISK:
      case nv1::NOTIFICATION_KIND_INDICATOR_OFF_TRACK:
        subscribed_kinds[WebhookIdOf(n)] = n;
        break;
      default:
        break;
    }
  }
  std::map<std::string, Webhook> hooks;
  EXPECT_TRUE(WaitFor([&] {
    hooks = receiver.ById();
    return hooks.size() >= subscribed_kinds.size();
  })) << hooks.size()
      << " of " << subscribed_kinds.size() << " webhooks\n"
      << Log("notification");
  {
    std::set<std::string> want, got;
    for (const auto& [id, n] : subscribed_kinds) want.insert(id);
    for (const auto& [id, w] : hooks) got.insert(id);
    EXPECT_EQ(got, want);
  }
  for (const Webhook& w : receiver.received()) {
    EXPECT_EQ(w.signature, ExpectedSignature(webhook_key_, w.id, w.timestamp, w.body)) << w.id;
    int64_t timestamp = 0;
    ASSERT_TRUE(absl::SimpleAtoi(w.timestamp, &timestamp)) << w.timestamp;
    EXPECT_LT(std::abs(absl::ToUnixSeconds(absl::Now()) - timestamp), 300) << w.id;
    const nlohmann::json body = nlohmann::json::parse(w.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << w.body;
    ASSERT_TRUE(body.contains("data")) << w.body;
    auto n = subscribed_kinds.find(w.id);
    ASSERT_NE(n, subscribed_kinds.end()) << "not subscribed: " << w.body;
    // Typed by kind: "notification.month_closed", "notification.contest_filed" …
    std::string kind = nv1::NotificationKind_Name(n->second.kind());
    kind = absl::AsciiStrToLower(kind.substr(std::string("NOTIFICATION_KIND_").size()));
    EXPECT_EQ(body.value("type", ""), "notification." + kind);
    const nlohmann::json& data = body["data"];
    EXPECT_EQ(data.value("name", ""), n->second.name());
    EXPECT_EQ(data.value("kind", ""), nv1::NotificationKind_Name(n->second.kind()));
    EXPECT_EQ(data.value("recipient", ""), n->second.recipient());
    EXPECT_EQ(data.value("title", ""), n->second.title());
  }
  // The ones the command center acts on, by content.
  auto hook_of = [&](const std::function<bool(const nv1::Notification&)>& match) {
    for (const auto& [id, n] : subscribed_kinds) {
      if (match(n) && hooks.count(id) > 0) {
        return nlohmann::json::parse(hooks.at(id).body, nullptr, false);
      }
    }
    return nlohmann::json();
  };
  const nlohmann::json alert = hook_of([&](const nv1::Notification& n) {
    return n.kind() == nv1::NOTIFICATION_KIND_INDICATOR_OFF_TRACK && n.recipient() == bureau.name &&
           absl::StrContains(n.body(), "/indicators/a4-pm25）");
  });
  ASSERT_TRUE(alert.is_object()) << "no webhook of the a4-pm25 alert to the bureau";
  EXPECT_EQ(alert["data"].value("severity", ""), "SEVERITY_CRITICAL");
  EXPECT_EQ(alert["data"].value("recipient_display_name", ""), "区生态环境局");
  // The indicator, or the measure it belongs to.
  const std::string alert_resource = alert["data"].value("resource", "");
  EXPECT_TRUE(alert_resource == absl::StrCat(plan_, "/indicators/a4-pm25") ||
              absl::StartsWith(alert_resource, absl::StrCat(plan_, "/measures/")))
      << alert_resource;
  const nlohmann::json returned_hook = hook_of([&](const nv1::Notification& n) {
    return n.kind() == nv1::NOTIFICATION_KIND_REPORT_RETURNED && n.body() == kSecondReturn;
  });
  ASSERT_TRUE(returned_hook.is_object()) << "no webhook of the second return";
  EXPECT_EQ(returned_hook["data"].value("recipient_display_name", ""), "区交通局");
  EXPECT_EQ(returned_hook["data"].value("body", ""), kSecondReturn);
  const nlohmann::json escalation_hook = hook_of([&](const nv1::Notification& n) {
    return n.recipient() == yongding.name && n.level() == nv1::CONTACT_LEVEL_DEPUTY_HEAD;
  });
  ASSERT_TRUE(escalation_hook.is_object()) << "no webhook of 永定镇's escalation";
  EXPECT_EQ(escalation_hook["data"].value("level", ""), "CONTACT_LEVEL_DEPUTY_HEAD");
  ASSERT_TRUE(escalation_hook["data"].contains("contacts"));
  EXPECT_EQ(escalation_hook["data"]["contacts"][0].value("display_name", ""), "李强");
}

}  // namespace
}  // namespace ecoplan::testing
