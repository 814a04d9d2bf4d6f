// loadgen: the project's gRPC load generator, in the spirit of ghz.
//
// Closed loop: --concurrency workers each keep one call in flight (callback
// API), for --duration (after --warmup) or until --count calls; reports
// throughput, p50/p90/p99/max latency and the calls by status code, as text
// or JSON (--output json). RPCs (--rpc):
//   submit_report  ProgressService.SubmitReport with requests built from the
//                  plan: real (organization, month) slots and the measures
//                  each organization owns, read from the registry's
//                  ExportPlan; each worker revises its own slots with their
//                  etags (so no call loses an etag race) and a fresh request id.
//   get_report     ProgressService.GetReport of those slots' reports in turn;
//                  the missing ones are submitted first, before any measured call.
//   get_submission_status  ProgressService.GetSubmissionStatus of the plan for
//                  each begun month in turn (reports submitted first, as above).
//   list_measures  RegistryService.ListMeasures: the first page
//                  (--page_size) of the plan's measures, from --target (a
//                  registry); with --filter_organization only that
//                  organization's measures.
//   echo           baseline: EchoService.Echo with a payload the size of a
//                  SubmitReport request, against `loadgen --serve_echo`.
//   committer      baseline: CommitterService.Commit with the same payload, against
//                  `loadgen --serve_committer` (a 2-key synced write per call).
//   point_read     baseline: PointReadService.Read of the filled keys in turn,
//                  against `loadgen --serve_point_read` (one RocksDB Get per call).
// The baselines are in tools/loadgen/baselines.h; tools/loadgen/measure_all.sh
// measures each RPC beside its baseline.
//
// With --http_target=HOST:PORT the calls go to the server's HTTP port
// instead, as Connect JSON (POST /<service>/<method>, application/json;
// --http2 for HTTP/2 with prior knowledge), one libcurl connection per
// worker, so the same run measures HTTP/JSON beside gRPC
// (tools/loadgen/measure_http.sh, docs/PERFORMANCE.md).
//
// With --answers=bytes the read and baseline RPCs take each answer as the
// bytes received (checked to be non-empty) instead of parsing it: where the
// load generator shares the machine's cores with the server, parsing a 34 kB
// page costs the client about what the server spends answering it, and the
// run then measures the client. SubmitReport then sends each slot's request
// encoded once, with its etag and request id appended, and reads only the
// answer's etag from its bytes (the server gets the same message).
//
//   loadgen --serve_echo=0 --port_file=/tmp/echo.port &
//   loadgen --serve_committer=0 --db_path=/tmp/committer --port_file=/tmp/c.port &
//   loadgen --serve_point_read=0 --db_path=/tmp/reads --port_file=/tmp/r.port &
//   loadgen --rpc=echo --target=127.0.0.1:$(cat /tmp/echo.port) --concurrency=64 --duration=10s
//   loadgen --rpc=submit_report --target=127.0.0.1:50052 --registry=127.0.0.1:50051
//           --concurrency=64 --duration=10s --output=json
//   loadgen --rpc=list_measures --target=127.0.0.1:50051 --http_target=127.0.0.1:8081

#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/stats/load_stats.h"
#include "ecoplan/loadgen/v1/baseline_service.grpc.pb.h"
#include "ecoplan/loadgen/v1/echo_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tools/loadgen/baselines.h"
#include "tools/loadgen/plan_requests.h"
#include "tools/loadgen/workers.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50052", "Server under load (host:port)");
ABSL_FLAG(std::string, rpc, "submit_report",
          "submit_report | get_report | get_submission_status | list_measures | echo | "
          "committer | point_read");
ABSL_FLAG(std::string, http_target, "",
          "If set (HOST:PORT of a server's HTTP port): call it as Connect JSON over HTTP "
          "instead of gRPC (submit_report, list_measures)");
ABSL_FLAG(bool, http2, false, "With --http_target: HTTP/2 with prior knowledge, not HTTP/1.1");
ABSL_FLAG(int, page_size, 50, "list_measures: measures per page");
ABSL_FLAG(std::string, filter_organization, "",
          "list_measures: only the measures of this organization (name, alias or resource name)");
ABSL_FLAG(int, concurrency, 16, "Calls kept in flight (one per worker)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "Measured time, after the warmup");
ABSL_FLAG(int64_t, count, 0,
          "If > 0: stop after this many calls (no warmup) instead of --duration");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "Load before measuring (not counted)");
ABSL_FLAG(std::string, registry, "127.0.0.1:50051",
          "Registry to read the plan from (submit_report, get_report, get_submission_status, "
          "and the echo and committer payload size)");
ABSL_FLAG(std::string, plan, "", "plans/{plan}; default: the registry's newest plan");
ABSL_FLAG(int, entries, 5, "Entries per report (capped by what the organization owns)");
ABSL_FLAG(int, channels, 4, "Client channels (separate connections) the workers share");
ABSL_FLAG(std::string, output, "text", "text | json (one JSON object on stdout)");
ABSL_FLAG(std::string, answers, "parsed",
          "parsed | bytes: take each answer of the read and baseline RPCs as received bytes, "
          "unparsed (submit_report: requests encoded once, only the etag read from the answer)");
ABSL_FLAG(int, payload_bytes, 0,
          "Echo and committer payload size; 0: the size of a SubmitReport request");
ABSL_FLAG(int, serve_echo, -1,
          "Serve the echo baseline on this port (0: any free port) and "
          "generate no load; stops on SIGTERM/SIGINT");
ABSL_FLAG(int, serve_committer, -1,
          "Serve the committer baseline on this port (0: any free port) over the RocksDB "
          "at --db_path; generates no load; stops on SIGTERM/SIGINT");
ABSL_FLAG(int, serve_point_read, -1,
          "Serve the point-read baseline on this port (0: any free port) over the RocksDB "
          "at --db_path, filled at start; generates no load; stops on SIGTERM/SIGINT");
ABSL_FLAG(std::string, db_path, "", "With --serve_committer or --serve_point_read: the DB");
ABSL_FLAG(int, point_read_values, 10000, "Point-read baseline: number of keys (both sides)");
ABSL_FLAG(int, point_read_value_bytes, 2048, "Point-read baseline: bytes per value");
ABSL_FLAG(std::string, port_file, "", "With --serve_*: write the bound port here");
ABSL_FLAG(int, server_pid, 0,
          "If set: the server process's CPU time (user + system, /proc/PID/stat) over the "
          "measured time, per measured call, is added to the output (server_cpu_us_per_call)");

namespace ecoplan::loadgen {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace lv1 = ::ecoplan::loadgen::v1;
using ::ecoplan::common::LoadStats;

const std::set<std::string>& Rpcs() {
  static const auto* rpcs = new std::set<std::string>{
      "submit_report", "get_report", "get_submission_status", "list_measures", "echo",
      "committer",     "point_read"};
  return *rpcs;
}

int Serve() {
  const std::string db_path = absl::GetFlag(FLAGS_db_path);
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (absl::GetFlag(FLAGS_serve_echo) >= 0) {
    const int port = absl::GetFlag(FLAGS_serve_echo);
    return ServeUntilSignal([&] { return StartEchoBaseline(port); }, "echo", port_file);
  }
  if (db_path.empty()) {
    std::cerr << "loadgen: --serve_committer and --serve_point_read need --db_path\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_serve_committer) >= 0) {
    const int port = absl::GetFlag(FLAGS_serve_committer);
    return ServeUntilSignal([&] { return StartCommitterBaseline(port, db_path); }, "committer",
                            port_file);
  }
  const int port = absl::GetFlag(FLAGS_serve_point_read);
  return ServeUntilSignal(
      [&] {
        return StartPointReadBaseline(port, db_path, absl::GetFlag(FLAGS_point_read_values),
                                      absl::GetFlag(FLAGS_point_read_value_bytes));
      },
      "point read", port_file);
}

// User + system CPU time the process `pid` has used so far; nullopt if unknown.
std::optional<absl::Duration> ProcessCpu(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t comm_end = stat.rfind(')');  // The command may hold spaces.
  if (comm_end == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(comm_end + 2));
  std::string field;
  long long utime = -1, stime = -1;
  // Fields 3.. follow the command; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::atoll(field.c_str());
    if (i == 15) stime = std::atoll(field.c_str());
  }
  if (utime < 0 || stime < 0) return std::nullopt;
  return absl::Seconds(static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK));
}

template <typename Request, typename Response, typename Method>
std::unique_ptr<Caller> Cycling(Method method, std::shared_ptr<const std::vector<Request>> requests,
                                size_t first) {
  return std::make_unique<CyclingCaller<Request, Response>>(std::move(method), std::move(requests),
                                                            first);
}

// The same, for --answers=bytes: the answer is received as bytes, not parsed.
// A call whose answer is empty fails with DATA_LOSS (every answer measured
// here holds something).
// The OK answers' sizes, summed over every worker (for the mean answer size).
struct AnswerSizes {
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> answers{0};
};

template <typename Request>
std::unique_ptr<Caller> CyclingBytes(std::shared_ptr<grpc::Channel> channel, const char* method,
                                     std::shared_ptr<std::vector<Request>> requests, size_t first,
                                     AnswerSizes* sizes) {
  auto rpc = std::make_shared<grpc::internal::RpcMethod>(
      method, grpc::internal::RpcMethod::NORMAL_RPC, channel);
  return Cycling<Request, grpc::ByteBuffer>(
      [channel, rpc, sizes](grpc::ClientContext* ctx, const Request* req, grpc::ByteBuffer* resp,
                            std::function<void(grpc::Status)> done) {
        resp->Clear();
        grpc::internal::CallbackUnaryCall<Request, grpc::ByteBuffer>(
            channel.get(), *rpc, ctx, req, resp,
            [resp, sizes, done = std::move(done)](grpc::Status status) {
              if (status.ok() && resp->Length() == 0) {
                status = grpc::Status(grpc::StatusCode::DATA_LOSS, "empty answer");
              }
              if (status.ok()) {
                sizes->bytes.fetch_add(resp->Length(), std::memory_order_relaxed);
                sizes->answers.fetch_add(1, std::memory_order_relaxed);
              }
              done(status);
            });
      },
      std::move(requests), first);
}

int Main() {
  if (absl::GetFlag(FLAGS_serve_echo) >= 0 || absl::GetFlag(FLAGS_serve_committer) >= 0 ||
      absl::GetFlag(FLAGS_serve_point_read) >= 0) {
    return Serve();
  }
  const std::string rpc = absl::GetFlag(FLAGS_rpc);
  const std::string target = absl::GetFlag(FLAGS_target);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const int channels = std::max(1, std::min(absl::GetFlag(FLAGS_channels), concurrency));
  const std::string http_target = absl::GetFlag(FLAGS_http_target);
  if (Rpcs().count(rpc) == 0) {
    std::cerr << "loadgen: --rpc must be one of submit_report, get_report, "
                 "get_submission_status, list_measures, echo, committer, point_read\n";
    return 2;
  }
  if (!http_target.empty() && rpc != "submit_report" && rpc != "list_measures") {
    std::cerr << "loadgen: --http_target calls submit_report or list_measures\n";
    return 2;
  }
  const std::string answers = absl::GetFlag(FLAGS_answers);
  if (answers != "parsed" && answers != "bytes") {
    std::cerr << "loadgen: --answers is parsed or bytes\n";
    return 2;
  }
  const bool answers_as_bytes = answers == "bytes";
  if (answers_as_bytes && !http_target.empty()) {
    std::cerr << "loadgen: --answers=bytes is for gRPC calls, not --http_target\n";
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
  std::vector<std::unique_ptr<rv1::RegistryService::Stub>> registry;
  std::vector<std::unique_ptr<lv1::EchoService::Stub>> echo;
  std::vector<std::unique_ptr<lv1::CommitterService::Stub>> committer;
  std::vector<std::unique_ptr<lv1::PointReadService::Stub>> point_read;
  for (auto& channel : pool) {
    progress.push_back(pv1::ProgressService::NewStub(channel));
    registry.push_back(rv1::RegistryService::NewStub(channel));
    echo.push_back(lv1::EchoService::NewStub(channel));
    committer.push_back(lv1::CommitterService::NewStub(channel));
    point_read.push_back(lv1::PointReadService::NewStub(channel));
  }
  rv1::ListMeasuresRequest list;
  if (rpc == "list_measures") {
    absl::StatusOr<std::string> plan = ResolvePlan(registry[0].get(), absl::GetFlag(FLAGS_plan));
    if (!plan.ok()) {
      std::cerr << "loadgen: " << plan.status().message() << "\n";
      return 1;
    }
    list = MeasuresPageRequest(*plan, absl::GetFlag(FLAGS_page_size),
                               absl::GetFlag(FLAGS_filter_organization));
  }

  // Requests from the plan; the echo and committer payload has the size of one of them.
  std::vector<Slot> slots;
  size_t request_bytes = 1024;
  const bool reports =
      rpc == "submit_report" || rpc == "get_report" || rpc == "get_submission_status";
  const bool payload = rpc == "echo" || rpc == "committer";
  if (reports || (payload && absl::GetFlag(FLAGS_payload_bytes) == 0)) {
    absl::StatusOr<std::vector<Slot>> built = BuildSlots(
        absl::GetFlag(FLAGS_registry), absl::GetFlag(FLAGS_plan), absl::GetFlag(FLAGS_entries));
    if (!built.ok() && reports) {
      std::cerr << "loadgen: " << built.status().message() << "\n";
      return 1;
    }
    if (built.ok()) slots = *std::move(built);
    if (!slots.empty()) request_bytes = slots[0].request.ByteSizeLong();
  }
  if (absl::GetFlag(FLAGS_payload_bytes) > 0) request_bytes = absl::GetFlag(FLAGS_payload_bytes);
  if (rpc == "submit_report" && static_cast<int>(slots.size()) < concurrency) {
    std::cerr << "loadgen: only " << slots.size() << " report slots for " << concurrency
              << " workers; workers would race for etags\n";
    return 2;
  }
  if (reports) {
    absl::Status prepared = PrepareSlots(progress[0].get(), &slots, rpc != "submit_report");
    if (!prepared.ok()) {
      std::cerr << "loadgen: " << prepared.message() << "\n";
      return 1;
    }
  }
  auto echo_requests = std::make_shared<std::vector<lv1::EchoRequest>>(1);
  (*echo_requests)[0].set_payload(std::string(request_bytes, 'x'));
  auto read_requests = std::make_shared<std::vector<lv1::PointReadRequest>>();
  if (rpc == "point_read") {
    for (int i = 0; i < absl::GetFlag(FLAGS_point_read_values); ++i) {
      read_requests->emplace_back().set_key(PointReadKey(i));
    }
  }
  auto list_requests = std::make_shared<std::vector<rv1::ListMeasuresRequest>>(1, list);
  auto get_requests = std::make_shared<std::vector<pv1::GetReportRequest>>();
  auto status_requests = std::make_shared<std::vector<pv1::GetSubmissionStatusRequest>>();
  std::set<std::string> periods;
  for (const Slot& slot : slots) {
    get_requests->emplace_back().set_name(ReportName(slot));
    if (periods.insert(slot.request.period()).second) {
      pv1::GetSubmissionStatusRequest& r = status_requests->emplace_back();
      r.set_plan(slot.request.parent());
      r.set_period(slot.request.period());
    }
  }

  const std::string run_id = absl::StrCat(absl::ToUnixMicros(absl::Now()));
  const absl::Time start = absl::Now();
  Run run(concurrency, absl::GetFlag(FLAGS_count), start, absl::GetFlag(FLAGS_warmup),
          absl::GetFlag(FLAGS_duration));
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::unique_ptr<HttpWorker>> http_workers;
  AnswerSizes answer_sizes;
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
    const int c = w % channels;
    // Workers start at different requests, so that they spread over the keys.
    const size_t first = static_cast<size_t>(w) * 7919;
    std::unique_ptr<Caller> caller;
    if (answers_as_bytes && rpc == "submit_report") {
      caller = MakeSubmitReportBytesCaller(pool[c], std::move(mine),
                                           absl::StrCat("lg-", run_id, "-", w, "-"));
    } else if (answers_as_bytes) {
      if (rpc == "get_report") {
        caller = CyclingBytes(pool[c], "/ecoplan.progress.v1.ProgressService/GetReport",
                              get_requests, first, &answer_sizes);
      } else if (rpc == "get_submission_status") {
        caller = CyclingBytes(pool[c], "/ecoplan.progress.v1.ProgressService/GetSubmissionStatus",
                              status_requests, first, &answer_sizes);
      } else if (rpc == "list_measures") {
        caller = CyclingBytes(pool[c], "/ecoplan.registry.v1.RegistryService/ListMeasures",
                              list_requests, first, &answer_sizes);
      } else if (rpc == "echo") {
        caller = CyclingBytes(pool[c], "/ecoplan.loadgen.v1.EchoService/Echo", echo_requests, first,
                              &answer_sizes);
      } else if (rpc == "committer") {
        caller = CyclingBytes(pool[c], "/ecoplan.loadgen.v1.CommitterService/Commit", echo_requests,
                              first, &answer_sizes);
      } else {
        caller = CyclingBytes(pool[c], "/ecoplan.loadgen.v1.PointReadService/Read", read_requests,
                              first, &answer_sizes);
      }
    } else if (rpc == "submit_report") {
      caller = MakeSubmitReportCaller(progress[c].get(), std::move(mine),
                                      absl::StrCat("lg-", run_id, "-", w, "-"));
    } else if (rpc == "get_report") {
      auto* stub = progress[c].get();
      caller = Cycling<pv1::GetReportRequest, pv1::GetReportResponse>(
          [stub](auto* ctx, auto* req, auto* resp, auto done) {
            stub->async()->GetReport(ctx, req, resp, std::move(done));
          },
          get_requests, first);
    } else if (rpc == "get_submission_status") {
      auto* stub = progress[c].get();
      caller = Cycling<pv1::GetSubmissionStatusRequest, pv1::GetSubmissionStatusResponse>(
          [stub](auto* ctx, auto* req, auto* resp, auto done) {
            stub->async()->GetSubmissionStatus(ctx, req, resp, std::move(done));
          },
          status_requests, first);
    } else if (rpc == "list_measures") {
      auto* stub = registry[c].get();
      caller = Cycling<rv1::ListMeasuresRequest, rv1::ListMeasuresResponse>(
          [stub](auto* ctx, auto* req, auto* resp, auto done) {
            stub->async()->ListMeasures(ctx, req, resp, std::move(done));
          },
          list_requests, first);
    } else if (rpc == "echo") {
      auto* stub = echo[c].get();
      caller = Cycling<lv1::EchoRequest, lv1::EchoResponse>(
          [stub](auto* ctx, auto* req, auto* resp, auto done) {
            stub->async()->Echo(ctx, req, resp, std::move(done));
          },
          echo_requests, first);
    } else if (rpc == "committer") {
      auto* stub = committer[c].get();
      caller = Cycling<lv1::EchoRequest, lv1::EchoResponse>(
          [stub](auto* ctx, auto* req, auto* resp, auto done) {
            stub->async()->Commit(ctx, req, resp, std::move(done));
          },
          echo_requests, first);
    } else {
      auto* stub = point_read[c].get();
      caller = Cycling<lv1::PointReadRequest, lv1::EchoResponse>(
          [stub](auto* ctx, auto* req, auto* resp, auto done) {
            stub->async()->Read(ctx, req, resp, std::move(done));
          },
          read_requests, first);
    }
    workers.push_back(std::make_unique<Worker>(&run, std::move(caller)));
  }
  // The server's CPU time and this process's own are sampled when the measured
  // time begins and when the last call ends: on a machine the two share, the
  // client's part says how much of the CPU the load generator took.
  const int server_pid = absl::GetFlag(FLAGS_server_pid);
  const int own_pid = static_cast<int>(getpid());
  std::optional<absl::Duration> cpu_before;
  std::optional<absl::Duration> own_cpu_before;
  std::thread sampler([&] {
    absl::SleepFor(run.measure_from() - absl::Now());
    if (server_pid > 0) cpu_before = ProcessCpu(server_pid);
    own_cpu_before = ProcessCpu(own_pid);
  });
  for (auto& worker : workers) worker->Issue();
  for (auto& worker : http_workers) worker->Start();
  const absl::Time last = run.Wait();
  sampler.join();
  const std::optional<absl::Duration> cpu_after =
      server_pid > 0 ? ProcessCpu(server_pid) : std::nullopt;
  const std::optional<absl::Duration> own_cpu_after = ProcessCpu(own_pid);
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
  std::optional<double> cpu_us_per_call;
  if (cpu_before && cpu_after && total.count() > 0) {
    cpu_us_per_call = absl::ToDoubleMicroseconds(*cpu_after - *cpu_before) / total.count();
  }
  std::optional<double> client_cpu_us_per_call;
  if (own_cpu_before && own_cpu_after && total.count() > 0) {
    client_cpu_us_per_call =
        absl::ToDoubleMicroseconds(*own_cpu_after - *own_cpu_before) / total.count();
  }
  if (absl::GetFlag(FLAGS_output) == "json") {
    std::string json = total.ToJson(label, where, concurrency, elapsed);
    if (cpu_us_per_call) {
      json.insert(json.rfind('}'),
                  absl::StrFormat(R"(,"server_cpu_us_per_call":%.1f)", *cpu_us_per_call));
    }
    if (client_cpu_us_per_call) {
      json.insert(json.rfind('}'),
                  absl::StrFormat(R"(,"client_cpu_us_per_call":%.1f)", *client_cpu_us_per_call));
    }
    if (answer_sizes.answers > 0) {
      json.insert(json.rfind('}'), absl::StrFormat(R"(,"answer_bytes":%d)",
                                                   answer_sizes.bytes / answer_sizes.answers));
    }
    std::cout << json << std::endl;
  } else {
    std::cout << total.ToText(label, where, concurrency, elapsed);
    if (cpu_us_per_call) {
      std::cout << absl::StrFormat("server CPU: %.1f µs per call\n", *cpu_us_per_call);
    }
    if (client_cpu_us_per_call) {
      std::cout << absl::StrFormat("load generator CPU: %.1f µs per call\n",
                                   *client_cpu_us_per_call);
    }
    if (answer_sizes.answers > 0) {
      std::cout << absl::StrFormat("answer: %d bytes (mean)\n",
                                   answer_sizes.bytes / answer_sizes.answers);
    }
  }
  return total.ok() == total.count() ? 0 : 3;
}

}  // namespace
}  // namespace ecoplan::loadgen

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "gRPC and HTTP/JSON load generator: loadgen "
      "--rpc=submit_report|get_report|get_submission_status|list_measures|echo|committer|"
      "point_read --target=HOST:PORT [--http_target=HOST:PORT [--http2]] "
      "--concurrency=N (--duration=10s | --count=N) [--output=json]; "
      "baselines: loadgen --serve_echo=0 | --serve_committer=0 --db_path=DIR | "
      "--serve_point_read=0 --db_path=DIR [--port_file=FILE]");
  absl::ParseCommandLine(argc, argv);
  // As in the servers (common/server/run_server.cc): without it every absl::Mutex, gRPC's too,
  // tracks lock order, which the baselines would pay and the servers measured beside them don't.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  return ecoplan::loadgen::Main();
}
