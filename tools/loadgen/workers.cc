#include "tools/loadgen/workers.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/impl/codegen/client_callback.h>

#include <chrono>
#include <iostream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"

namespace ecoplan::loadgen {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

class SubmitReportCaller final : public Caller {
 public:
  SubmitReportCaller(pv1::ProgressService::Stub* stub, std::vector<Slot*> slots,
                     std::string id_prefix)
      : stub_(stub), slots_(std::move(slots)), id_prefix_(std::move(id_prefix)) {}
  void Call(grpc::ClientContext* context, std::function<void(grpc::Status)> done) override {
    Slot* slot = slots_[next_++ % slots_.size()];
    request_ = slot->request;
    request_.set_etag(slot->etag);
    request_.set_request_id(absl::StrCat(id_prefix_, next_));
    stub_->async()->SubmitReport(context, &request_, &response_,
                                 [this, slot, done = std::move(done)](grpc::Status status) {
                                   if (status.ok()) slot->etag = response_.report().etag();
                                   done(status);
                                 });
  }

 private:
  pv1::ProgressService::Stub* const stub_;
  std::vector<Slot*> slots_;
  const std::string id_prefix_;
  size_t next_ = 0;
  pv1::SubmitReportRequest request_;
  pv1::SubmitReportResponse response_;
};

// The bytes of the last length-delimited field `field` of the encoded `message`; none when
// `message` is not well-formed or has no such field.
std::optional<std::string_view> LastLengthDelimited(std::string_view message, int field) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(message.data()),
                                            static_cast<int>(message.size()));
  std::optional<std::string_view> found;
  while (const uint32_t tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) == field &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t size = 0;
      if (!in.ReadVarint32(&size)) return std::nullopt;
      const int offset = in.CurrentPosition();
      if (!in.Skip(static_cast<int>(size))) return std::nullopt;
      found = message.substr(offset, size);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return std::nullopt;
    }
  }
  // ReadTag answers 0 at the end and on a malformed tag: only the end is well-formed.
  if (static_cast<size_t>(in.CurrentPosition()) != message.size()) return std::nullopt;
  return found;
}

class SubmitReportBytesCaller final : public Caller {
 public:
  SubmitReportBytesCaller(std::shared_ptr<grpc::Channel> channel, std::vector<Slot*> slots,
                          std::string id_prefix)
      : channel_(std::move(channel)),
        method_("/ecoplan.progress.v1.ProgressService/SubmitReport",
                grpc::internal::RpcMethod::NORMAL_RPC, channel_),
        slots_(std::move(slots)),
        id_prefix_(std::move(id_prefix)) {
    for (const Slot* slot : slots_) {
      pv1::SubmitReportRequest base = slot->request;
      base.clear_etag();
      base.clear_request_id();
      encoded_.emplace_back(base.SerializeAsString());
    }
  }
  void Call(grpc::ClientContext* context, std::function<void(grpc::Status)> done) override {
    const size_t i = next_++ % slots_.size();
    Slot* slot = slots_[i];
    std::string tail =
        AppendStringField({}, pv1::SubmitReportRequest::kEtagFieldNumber, slot->etag);
    tail = AppendStringField(std::move(tail), pv1::SubmitReportRequest::kRequestIdFieldNumber,
                             absl::StrCat(id_prefix_, next_));
    const grpc::Slice parts[] = {encoded_[i], grpc::Slice(tail)};
    request_ = grpc::ByteBuffer(parts, 2);
    response_.Clear();
    grpc::internal::CallbackUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        channel_.get(), method_, context, &request_, &response_,
        [this, slot, done = std::move(done)](grpc::Status status) {
          if (status.ok()) {
            grpc::Slice answer;
            std::optional<std::string> etag;
            if (response_.TrySingleSlice(&answer).ok() ||
                response_.DumpToSingleSlice(&answer).ok()) {
              etag = EtagOfSubmitReportAnswer(
                  std::string_view(reinterpret_cast<const char*>(answer.begin()), answer.size()));
            }
            if (etag.has_value()) {
              slot->etag = *std::move(etag);
            } else {
              status = grpc::Status(grpc::StatusCode::DATA_LOSS, "an answer without a report etag");
            }
          }
          done(status);
        });
  }

 private:
  const std::shared_ptr<grpc::Channel> channel_;
  const grpc::internal::RpcMethod method_;
  std::vector<Slot*> slots_;
  std::vector<grpc::Slice> encoded_;  // each slot's request without etag and request id
  const std::string id_prefix_;
  size_t next_ = 0;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
};

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

Run::Run(int workers, int64_t count, absl::Time start, absl::Duration warmup,
         absl::Duration duration)
    : count_(count),
      measure_from_(count > 0 ? start : start + warmup),
      stop_at_(count > 0 ? absl::InfiniteFuture() : start + warmup + duration),
      running_(workers) {}

bool Run::Take() {
  if (count_ > 0) return issued_.fetch_add(1) < count_;
  return absl::Now() < stop_at_;
}

void Run::NoteError(const grpc::Status& status) {
  absl::MutexLock lock(&mu_);
  if (errors_seen_.insert(status.error_code()).second) {
    std::cerr << "loadgen: first " << status.error_code() << " error: " << status.error_message()
              << "\n";
  }
}

void Run::WorkerDone(absl::Time last) {
  absl::MutexLock lock(&mu_);
  last_ = std::max(last_, last);
  --running_;
}

absl::Time Run::Wait() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* n) { return *n == 0; }, &running_));
  return last_;
}

std::unique_ptr<Caller> MakeSubmitReportCaller(pv1::ProgressService::Stub* stub,
                                               std::vector<Slot*> slots, std::string id_prefix) {
  return std::make_unique<SubmitReportCaller>(stub, std::move(slots), std::move(id_prefix));
}

std::unique_ptr<Caller> MakeSubmitReportBytesCaller(std::shared_ptr<grpc::Channel> channel,
                                                    std::vector<Slot*> slots,
                                                    std::string id_prefix) {
  return std::make_unique<SubmitReportBytesCaller>(std::move(channel), std::move(slots),
                                                   std::move(id_prefix));
}

std::string AppendStringField(std::string encoded, int field, std::string_view value) {
  using google::protobuf::internal::WireFormatLite;
  {
    google::protobuf::io::StringOutputStream stream(&encoded);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.WriteTag(WireFormatLite::MakeTag(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
    out.WriteVarint32(static_cast<uint32_t>(value.size()));
    out.WriteRaw(value.data(), static_cast<int>(value.size()));
  }  // the stream trims `encoded` to what was written
  return encoded;
}

std::optional<std::string> EtagOfSubmitReportAnswer(std::string_view answer) {
  const std::optional<std::string_view> report =
      LastLengthDelimited(answer, pv1::SubmitReportResponse::kReportFieldNumber);
  if (!report.has_value()) return std::nullopt;
  const std::optional<std::string_view> etag =
      LastLengthDelimited(*report, pv1::Report::kEtagFieldNumber);
  if (!etag.has_value() || etag->empty()) return std::nullopt;
  return std::string(*etag);
}

void Worker::Issue() {
  if (!run_->Take()) {
    run_->WorkerDone(last_);
    return;
  }
  context_ = std::make_unique<grpc::ClientContext>();
  context_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  started_ = absl::Now();
  caller_->Call(context_.get(), [this](grpc::Status status) { Done(status); });
}

void Worker::Done(const grpc::Status& status) {
  const absl::Time now = absl::Now();
  if (!status.ok()) run_->NoteError(status);
  if (run_->Measured(started_)) {
    stats_.Record(
        now - started_,
        status.ok() ? "OK"
                    : absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())));
    last_ = now;
  }
  Issue();
}

HttpWorker::HttpWorker(Run* run, int id, const std::string& run_id, const std::string& base_url,
                       bool http2, rv1::ListMeasuresRequest list, std::vector<Slot*> slots)
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

HttpWorker::~HttpWorker() {
  curl_slist_free_all(headers_);
  curl_easy_cleanup(curl_);
}

void HttpWorker::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void HttpWorker::Join() { thread_.join(); }

void HttpWorker::Loop() {
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

}  // namespace ecoplan::loadgen
