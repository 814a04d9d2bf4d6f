// loadgen: the project's gRPC load generator, in the spirit of ghz.
//
// Closed loop: --concurrency workers each keep one call in flight (callback
// API), for --duration (after --warmup) or until --count calls; reports
// throughput, p50/p90/p99/max latency and the calls by status code, as text
// or JSON (--output json). RPCs:
//   submit_report  ProgressService.SubmitReport with requests built from the
//                  plan: real (organization, month) slots and the measures
//                  each organization owns, read from the registry's
//                  ExportPlan; each worker revises its own slots with their
//                  etags (so no call loses an etag race) and a fresh request id.
//   echo           the baseline: EchoService.Echo with a payload the size of a
//                  SubmitReport request, against `loadgen --serve_echo`.
//   list_measures  RegistryService.ListMeasures: the first page
//                  (--page_size) of the plan's measures, from --target (a
//                  registry).
//
// With --http_target=HOST:PORT the calls go to the server's HTTP port
// instead, as Connect JSON (POST /<service>/<method>, application/json;
// --http2 for HTTP/2 with prior knowledge), one libcurl connection per
// worker, so the same run measures HTTP/JSON beside gRPC
// (tools/loadgen/measure_http.sh, docs/PERFORMANCE.md).
//
//   loadgen --serve_echo=0 --port_file=/tmp/echo.port &
//   loadgen --rpc=echo --target=127.0.0.1:$(cat /tmp/echo.port) --concurrency=64 --duration=10s
//   loadgen --rpc=submit_report --target=127.0.0.1:50052 --registry=127.0.0.1:50051
//           --concurrency=64 --duration=10s --output=json
//   loadgen --rpc=list_measures --target=127.0.0.1:50051 --http_target=127.0.0.1:8081

#include <curl/curl.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/stats/load_stats.h"
#include "ecoplan/loadgen/v1/echo_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50052", "Server under load (host:port)");
ABSL_FLAG(std::string, rpc, "submit_report", "submit_report | list_measures | echo");
ABSL_FLAG(std::string, http_target, "",
          "If set (HOST:PORT of a server's HTTP port): call it as Connect JSON over HTTP "
          "instead of gRPC (submit_report, list_measures)");
ABSL_FLAG(bool, http2, false, "With --http_target: HTTP/2 with prior knowledge, not HTTP/1.1");
ABSL_FLAG(int, page_size, 50, "list_measures: measures per page");
ABSL_FLAG(int, concurrency, 16, "Calls kept in flight (one per worker)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "Measured time, after the warmup");
ABSL_FLAG(int64_t, count, 0,
          "If > 0: stop after this many calls (no warmup) instead of --duration");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "Load before measuring (not counted)");
ABSL_FLAG(std::string, registry, "127.0.0.1:50051",
          "Registry to read the plan from (submit_report)");
ABSL_FLAG(std::string, plan, "", "plans/{plan}; default: the registry's newest plan");
ABSL_FLAG(int, entries, 5, "Entries per report (capped by what the organization owns)");
ABSL_FLAG(int, channels, 4, "Client channels (separate connections) the workers share");
ABSL_FLAG(std::string, output, "text", "text | json (one JSON object on stdout)");
ABSL_FLAG(int, payload_bytes, 0, "Echo payload size; 0: the size of a SubmitReport request");
ABSL_FLAG(int, serve_echo, -1,
          "Serve the echo baseline on this port (0: any free port) and "
          "generate no load; stops on SIGTERM/SIGINT");
ABSL_FLAG(std::string, port_file, "", "With --serve_echo: write the bound port here");

namespace ecoplan::loadgen {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace lv1 = ::ecoplan::loadgen::v1;
using ::ecoplan::common::LoadStats;

class EchoServiceImpl final : public lv1::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const lv1::EchoRequest* request,
                                 lv1::EchoResponse* response) override {
    response->set_payload(request->payload());
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

int ServeEcho(int port, const std::string& port_file) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  EchoServiceImpl service;
  grpc::ServerBuilder builder;
  int bound = 0;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port), grpc::InsecureServerCredentials(),
                           &bound);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound == 0) {
    std::cerr << "loadgen: cannot serve echo on port " << port << "\n";
    return 1;
  }
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << bound << "\n";
    std::filesystem::rename(port_file + ".tmp", port_file);
  }
  std::cerr << "loadgen: echo serving on 127.0.0.1:" << bound << "\n";
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}

// One (organization, period) report a worker revises again and again.
struct Slot {
  pv1::SubmitReportRequest request;
  std::string etag;
};

// Builds the slots from the registry's plan: every organization that owns
// measures, every month of the plan year that has begun.
std::vector<Slot> BuildSlots(const std::string& registry_address, std::string plan, int entries,
                             std::string* error) {
  auto stub = rv1::RegistryService::NewStub(
      grpc::CreateChannel(registry_address, grpc::InsecureChannelCredentials()));
  auto context = [] {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return ctx;
  };
  if (plan.empty()) {
    rv1::ListPlansRequest list;
    list.set_page_size(1);
    rv1::ListPlansResponse plans;
    grpc::Status s = stub->ListPlans(context().get(), list, &plans);
    if (!s.ok() || plans.plans().empty()) {
      *error =
          absl::StrCat("no plan in the registry at ", registry_address, ": ", s.error_message());
      return {};
    }
    plan = plans.plans(0).name();
  }
  rv1::ExportPlanRequest request;
  request.set_name(plan);
  rv1::ExportPlanResponse exported;
  grpc::Status s = stub->ExportPlan(context().get(), request, &exported);
  if (!s.ok()) {
    *error = absl::StrCat("ExportPlan ", plan, ": ", s.error_message());
    return {};
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
      r.set_parent(plan);
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
  if (slots.empty()) *error = absl::StrCat("plan ", plan, " has no open month to report on");
  return slots;
}

// Shared state of a run.
class Run {
 public:
  Run(int workers, int64_t count, absl::Time start, absl::Duration warmup, absl::Duration duration)
      : count_(count),
        measure_from_(count > 0 ? start : start + warmup),
        stop_at_(count > 0 ? absl::InfiniteFuture() : start + warmup + duration),
        running_(workers) {}

  // Whether a worker may start another call.
  bool Take() {
    if (count_ > 0) return issued_.fetch_add(1) < count_;
    return absl::Now() < stop_at_;
  }
  bool Measured(absl::Time started) const { return started >= measure_from_; }
  // Prints the first message of each error code to stderr, so a run that
  // fails says why.
  void NoteError(const grpc::Status& status) {
    absl::MutexLock lock(&mu_);
    if (errors_seen_.insert(status.error_code()).second) {
      std::cerr << "loadgen: first " << status.error_code() << " error: " << status.error_message()
                << "\n";
    }
  }
  absl::Time measure_from() const { return measure_from_; }
  void WorkerDone(absl::Time last) {
    absl::MutexLock lock(&mu_);
    last_ = std::max(last_, last);
    --running_;
  }
  absl::Time Wait() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* n) { return *n == 0; }, &running_));
    return last_;
  }

 private:
  const int64_t count_;
  std::atomic<int64_t> issued_{0};
  const absl::Time measure_from_;
  const absl::Time stop_at_;
  absl::Mutex mu_;
  int running_;
  std::set<int> errors_seen_;
  absl::Time last_ = absl::InfinitePast();
};

class Worker {
 public:
  Worker(Run* run, int id, const std::string& run_id, pv1::ProgressService::Stub* progress,
         lv1::EchoService::Stub* echo, rv1::RegistryService::Stub* registry,
         rv1::ListMeasuresRequest list, std::vector<Slot*> slots, std::string payload)
      : run_(run),
        id_(id),
        run_id_(run_id),
        progress_(progress),
        echo_(echo),
        registry_(registry),
        list_request_(std::move(list)),
        slots_(std::move(slots)) {
    echo_request_.set_payload(std::move(payload));
  }

  void Issue() {
    if (!run_->Take()) {
      run_->WorkerDone(last_);
      return;
    }
    context_ = std::make_unique<grpc::ClientContext>();
    context_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    started_ = absl::Now();
    if (echo_ != nullptr) {
      echo_->async()->Echo(context_.get(), &echo_request_, &echo_response_,
                           [this](grpc::Status status) { Done(status); });
      return;
    }
    if (registry_ != nullptr) {
      registry_->async()->ListMeasures(context_.get(), &list_request_, &list_response_,
                                       [this](grpc::Status status) { Done(status); });
      return;
    }
    Slot* slot = slots_[next_++ % slots_.size()];
    request_ = slot->request;
    request_.set_etag(slot->etag);
    request_.set_request_id(absl::StrCat("lg-", run_id_, "-", id_, "-", next_));
    progress_->async()->SubmitReport(context_.get(), &request_, &response_,
                                     [this, slot](grpc::Status status) {
                                       if (status.ok()) slot->etag = response_.report().etag();
                                       Done(status);
                                     });
  }

  const LoadStats& stats() const { return stats_; }

 private:
  void Done(const grpc::Status& status) {
    const absl::Time now = absl::Now();
    if (!status.ok()) run_->NoteError(status);
    if (run_->Measured(started_)) {
      stats_.Record(now - started_, status.ok()
                                        ? "OK"
                                        : absl::StatusCodeToString(
                                              static_cast<absl::StatusCode>(status.error_code())));
      last_ = now;
    }
    Issue();
  }

  Run* const run_;
  const int id_;
  const std::string run_id_;
  pv1::ProgressService::Stub* const progress_;
  lv1::EchoService::Stub* const echo_;
  rv1::RegistryService::Stub* const registry_;
  rv1::ListMeasuresRequest list_request_;
  rv1::ListMeasuresResponse list_response_;
  std::vector<Slot*> slots_;
  size_t next_ = 0;
  std::unique_ptr<grpc::ClientContext> context_;
  pv1::SubmitReportRequest request_;
  pv1::SubmitReportResponse response_;
  lv1::EchoRequest echo_request_;
  lv1::EchoResponse echo_response_;
  absl::Time started_;
  absl::Time last_ = absl::InfinitePast();
  LoadStats stats_;
};

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// The same calls over the HTTP port, as Connect JSON: one thread and one
// keep-alive connection per worker, blocking calls.
class HttpWorker {
 public:
  HttpWorker(Run* run, int id, const std::string& run_id, const std::string& base_url, bool http2,
             rv1::ListMeasuresRequest list, std::vector<Slot*> slots)
      : run_(run),
        id_(id),
        run_id_(run_id),
        list_request_(std::move(list)),
        slots_(std::move(slots)) {
    const bool reports = !slots_.empty();
    url_ = absl::StrCat(base_url, reports ? "/ecoplan.progress.v1.ProgressService/SubmitReport"
                                          : "/ecoplan.registry.v1.RegistryService/ListMeasures");
    curl_ = curl_easy_init();
    headers_ = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_HTTP_VERSION,
                     http2 ? CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE : CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &AppendBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  }
  ~HttpWorker() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }

  void Start() {
    thread_ = std::thread([this] { Loop(); });
  }
  void Join() { thread_.join(); }
  const LoadStats& stats() const { return stats_; }

 private:
  void Loop() {
    absl::Time last = absl::InfinitePast();
    while (run_->Take()) {
      std::string json;
      Slot* slot = nullptr;
      if (slots_.empty()) {
        (void)google::protobuf::util::MessageToJsonString(list_request_, &json);
      } else {
        slot = slots_[next_++ % slots_.size()];
        pv1::SubmitReportRequest request = slot->request;
        request.set_etag(slot->etag);
        request.set_request_id(absl::StrCat("lgh-", run_id_, "-", id_, "-", next_));
        (void)google::protobuf::util::MessageToJsonString(request, &json);
      }
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, json.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size()));
      body_.clear();
      const absl::Time started = absl::Now();
      const CURLcode rc = curl_easy_perform(curl_);
      long status = 0;
      curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
      const absl::Time now = absl::Now();
      std::string outcome = rc != CURLE_OK  ? "TRANSPORT"
                            : status == 200 ? "OK"
                                            : absl::StrCat("HTTP_", status);
      if (outcome == "OK" && slot != nullptr) {
        pv1::SubmitReportResponse response;
        google::protobuf::util::JsonParseOptions lenient;
        lenient.ignore_unknown_fields = true;
        if (google::protobuf::util::JsonStringToMessage(body_, &response, lenient).ok()) {
          slot->etag = response.report().etag();
        } else {
          outcome = "BAD_JSON";
        }
      }
      if (outcome != "OK") {
        run_->NoteError(
            grpc::Status(grpc::StatusCode::UNKNOWN,
                         absl::StrCat(outcome, " ", rc != CURLE_OK ? curl_easy_strerror(rc) : "",
                                      body_.substr(0, 200))));
      }
      if (run_->Measured(started)) {
        stats_.Record(now - started, outcome);
        last = now;
      }
    }
    run_->WorkerDone(last);
  }

  Run* const run_;
  const int id_;
  const std::string run_id_;
  rv1::ListMeasuresRequest list_request_;
  std::vector<Slot*> slots_;
  size_t next_ = 0;
  std::string url_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::string body_;
  std::thread thread_;
  LoadStats stats_;
};

// The first page of the newest plan's measures (or --plan's), asked of `registry`.
rv1::ListMeasuresRequest FirstPageRequest(rv1::RegistryService::Stub* registry,
                                          std::string* error) {
  rv1::ListMeasuresRequest request;
  std::string plan = absl::GetFlag(FLAGS_plan);
  if (plan.empty()) {
    rv1::ListPlansRequest list;
    list.set_page_size(1);
    rv1::ListPlansResponse plans;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status s = registry->ListPlans(&ctx, list, &plans);
    if (!s.ok() || plans.plans().empty()) {
      *error = absl::StrCat("no plan in the registry: ", s.error_message());
      return request;
    }
    plan = plans.plans(0).name();
  }
  request.set_parent(plan);
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  return request;
}

int Main() {
  if (absl::GetFlag(FLAGS_serve_echo) >= 0) {
    return ServeEcho(absl::GetFlag(FLAGS_serve_echo), absl::GetFlag(FLAGS_port_file));
  }
  const std::string rpc = absl::GetFlag(FLAGS_rpc);
  const std::string target = absl::GetFlag(FLAGS_target);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const int channels = std::max(1, std::min(absl::GetFlag(FLAGS_channels), concurrency));
  const std::string http_target = absl::GetFlag(FLAGS_http_target);
  if (rpc != "submit_report" && rpc != "echo" && rpc != "list_measures") {
    std::cerr << "loadgen: --rpc must be submit_report, list_measures or echo\n";
    return 2;
  }
  if (!http_target.empty() && rpc == "echo") {
    std::cerr << "loadgen: --http_target calls submit_report or list_measures\n";
    return 2;
  }
  if (concurrency < 1 || concurrency > 10000) {
    std::cerr << "loadgen: --concurrency must be 1..10000\n";
    return 2;
  }
  std::vector<std::shared_ptr<grpc::Channel>> pool;
  for (int c = 0; c < channels; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("loadgen.channel", c);  // distinct arguments: a connection per channel
    pool.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
  std::vector<std::unique_ptr<pv1::ProgressService::Stub>> progress;
  std::vector<std::unique_ptr<lv1::EchoService::Stub>> echo;
  std::vector<std::unique_ptr<rv1::RegistryService::Stub>> registry;
  for (auto& channel : pool) {
    progress.push_back(pv1::ProgressService::NewStub(channel));
    echo.push_back(lv1::EchoService::NewStub(channel));
    registry.push_back(rv1::RegistryService::NewStub(channel));
  }
  rv1::ListMeasuresRequest list;
  if (rpc == "list_measures") {
    std::string error;
    list = FirstPageRequest(registry[0].get(), &error);
    if (list.parent().empty()) {
      std::cerr << "loadgen: " << error << "\n";
      return 1;
    }
  }

  // Requests from the plan; the echo payload has the size of one of them.
  std::vector<Slot> slots;
  size_t request_bytes = 1024;
  const bool need_slots =
      rpc == "submit_report" || (rpc == "echo" && absl::GetFlag(FLAGS_payload_bytes) == 0);
  if (need_slots) {
    std::string error;
    slots = BuildSlots(absl::GetFlag(FLAGS_registry), absl::GetFlag(FLAGS_plan),
                       absl::GetFlag(FLAGS_entries), &error);
    if (slots.empty() && rpc == "submit_report") {
      std::cerr << "loadgen: " << error << "\n";
      return 1;
    }
    if (!slots.empty()) request_bytes = slots[0].request.ByteSizeLong();
  }
  if (absl::GetFlag(FLAGS_payload_bytes) > 0) request_bytes = absl::GetFlag(FLAGS_payload_bytes);
  if (rpc == "submit_report") {
    if (static_cast<int>(slots.size()) < concurrency) {
      std::cerr << "loadgen: only " << slots.size() << " report slots for " << concurrency
                << " workers; workers would race for etags\n";
      return 2;
    }
    // Current etags, so that reports left by an earlier run are revised, not refused.
    for (Slot& slot : slots) {
      pv1::GetReportRequest get;
      get.set_name(absl::StrCat(slot.request.parent(), "/reports/",
                                slot.request.organization().substr(14), "_",
                                slot.request.period()));
      pv1::GetReportResponse got;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      grpc::Status s = progress[0]->GetReport(&ctx, get, &got);
      if (s.ok()) {
        slot.etag = got.report().etag();
      } else if (s.error_code() != grpc::StatusCode::NOT_FOUND) {
        std::cerr << "loadgen: GetReport " << get.name() << ": " << s.error_message() << "\n";
        return 1;
      }
    }
  }

  const std::string run_id = absl::StrCat(absl::ToUnixMicros(absl::Now()));
  const absl::Time start = absl::Now();
  Run run(concurrency, absl::GetFlag(FLAGS_count), start, absl::GetFlag(FLAGS_warmup),
          absl::GetFlag(FLAGS_duration));
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::unique_ptr<HttpWorker>> http_workers;
  for (int w = 0; w < concurrency; ++w) {
    std::vector<Slot*> mine;
    for (size_t i = w; i < slots.size() && rpc == "submit_report"; i += concurrency) {
      mine.push_back(&slots[i]);
    }
    if (!http_target.empty()) {
      http_workers.push_back(
          std::make_unique<HttpWorker>(&run, w, run_id, absl::StrCat("http://", http_target),
                                       absl::GetFlag(FLAGS_http2), list, std::move(mine)));
      continue;
    }
    workers.push_back(
        std::make_unique<Worker>(&run, w, run_id, progress[w % channels].get(),
                                 rpc == "echo" ? echo[w % channels].get() : nullptr,
                                 rpc == "list_measures" ? registry[w % channels].get() : nullptr,
                                 list, std::move(mine), std::string(request_bytes, 'x')));
  }
  for (auto& worker : workers) worker->Issue();
  for (auto& worker : http_workers) worker->Start();
  const absl::Time last = run.Wait();
  for (auto& worker : http_workers) worker->Join();
  LoadStats total;
  for (const auto& worker : workers) total.Merge(worker->stats());
  for (const auto& worker : http_workers) total.Merge(worker->stats());
  const absl::Duration elapsed =
      last > run.measure_from() ? last - run.measure_from() : absl::ZeroDuration();
  const std::string label =
      http_target.empty()
          ? rpc
          : absl::StrCat(rpc, absl::GetFlag(FLAGS_http2) ? " (HTTP/2 JSON)" : " (HTTP/1.1 JSON)");
  const std::string where = http_target.empty() ? target : http_target;
  if (absl::GetFlag(FLAGS_output) == "json") {
    std::cout << total.ToJson(label, where, concurrency, elapsed) << std::endl;
  } else {
    std::cout << total.ToText(label, where, concurrency, elapsed);
  }
  return total.ok() == total.count() ? 0 : 3;
}

}  // namespace
}  // namespace ecoplan::loadgen

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "gRPC and HTTP/JSON load generator: loadgen --rpc=submit_report|list_measures|echo "
      "--target=HOST:PORT [--http_target=HOST:PORT [--http2]] "
      "--concurrency=N (--duration=10s | --count=N) [--output=json]; loadgen --serve_echo=0");
  absl::ParseCommandLine(argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  return ecoplan::loadgen::Main();
}
