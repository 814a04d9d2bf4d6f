#pragma once

// The closed loop: a Run shared by the workers, each of which keeps one call
// in flight (gRPC callback API, or one blocking libcurl connection for the
// HTTP/JSON calls) and records what it saw.

#include <curl/curl.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/stats/load_stats.h"
#include "ecoplan/registry/v1/registry_service.pb.h"
#include "tools/loadgen/plan_requests.h"

namespace ecoplan::loadgen {

// Shared state of a run.
class Run {
 public:
  Run(int workers, int64_t count, absl::Time start, absl::Duration warmup, absl::Duration duration);

  // Whether a worker may start another call.
  bool Take();
  bool Measured(absl::Time started) const { return started >= measure_from_; }
  // Prints the first message of each error code to stderr, so a run that
  // fails says why.
  void NoteError(const grpc::Status& status);
  absl::Time measure_from() const { return measure_from_; }
  void WorkerDone(absl::Time last);
  // Waits for every worker; returns when the last measured call ended.
  absl::Time Wait();

 private:
  const int64_t count_;
  std::atomic<int64_t> issued_{0};
  const absl::Time measure_from_;
  const absl::Time stop_at_;
  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_);
  std::set<int> errors_seen_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// Issues one call of the measured RPC with a worker's own buffers.
class Caller {
 public:
  virtual ~Caller() = default;
  virtual void Call(grpc::ClientContext* context, std::function<void(grpc::Status)> done) = 0;
};

// The requests are asked in turn, starting at `first`: the async stub method
// is called as method(context, request, response, done).
template <typename Request, typename Response>
class CyclingCaller final : public Caller {
 public:
  using Method = std::function<void(grpc::ClientContext*, const Request*, Response*,
                                    std::function<void(grpc::Status)>)>;
  CyclingCaller(Method method, std::shared_ptr<const std::vector<Request>> requests, size_t first)
      : method_(std::move(method)), requests_(std::move(requests)), next_(first) {}
  void Call(grpc::ClientContext* context, std::function<void(grpc::Status)> done) override {
    const Request* request = &(*requests_)[next_++ % requests_->size()];
    method_(context, request, &response_, std::move(done));
  }

 private:
  Method method_;
  std::shared_ptr<const std::vector<Request>> requests_;
  size_t next_;
  Response response_;
};

// SubmitReport: revises the worker's own slots in turn, each with its
// current etag and a fresh request id.
std::unique_ptr<Caller> MakeSubmitReportCaller(progress::v1::ProgressService::Stub* stub,
                                               std::vector<Slot*> slots, std::string id_prefix);

// The same calls for --answers=bytes, through a generic call on `channel`: each slot's request is
// encoded once, and a call sends those bytes with its etag and request id appended as fields
// (protobuf's encoding allows fields in any order), then reads only the answer's report etag
// from the bytes received. The server gets the same message as from MakeSubmitReportCaller; the
// load generator no longer copies, serializes and parses whole reports on the cores it shares
// with the server.
std::unique_ptr<Caller> MakeSubmitReportBytesCaller(std::shared_ptr<grpc::Channel> channel,
                                                    std::vector<Slot*> slots,
                                                    std::string id_prefix);

// `encoded` with the string field `field` = `value` appended, in protobuf's wire format.
std::string AppendStringField(std::string encoded, int field, std::string_view value);

// The report's etag in the bytes of a SubmitReportResponse, read without parsing the rest; none
// when the bytes are not a well-formed answer or hold no etag.
std::optional<std::string> EtagOfSubmitReportAnswer(std::string_view answer);

class Worker {
 public:
  Worker(Run* run, std::unique_ptr<Caller> caller) : run_(run), caller_(std::move(caller)) {}
  void Issue();
  const common::LoadStats& stats() const { return stats_; }

 private:
  void Done(const grpc::Status& status);

  Run* const run_;
  std::unique_ptr<Caller> caller_;
  std::unique_ptr<grpc::ClientContext> context_;
  absl::Time started_;
  absl::Time last_ = absl::InfinitePast();
  common::LoadStats stats_;
};

// The same calls over a server's HTTP port, as Connect JSON: one thread and
// one keep-alive connection per worker, blocking calls. SubmitReport when
// `slots` is not empty, else the ListMeasures page `list`.
class HttpWorker {
 public:
  HttpWorker(Run* run, int id, const std::string& run_id, const std::string& base_url, bool http2,
             registry::v1::ListMeasuresRequest list, std::vector<Slot*> slots);
  ~HttpWorker();
  void Start();
  void Join();
  const common::LoadStats& stats() const { return stats_; }

 private:
  void Loop();

  Run* const run_;
  const int id_;
  const std::string run_id_;
  registry::v1::ListMeasuresRequest list_request_;
  std::vector<Slot*> slots_;
  size_t next_ = 0;
  std::string url_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::string body_;
  std::thread thread_;
  common::LoadStats stats_;
};

}  // namespace ecoplan::loadgen
