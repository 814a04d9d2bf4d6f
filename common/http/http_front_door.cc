#include "common/http/http_front_door.h"

// libh2o built with its own event loop (Debian's libh2o-evloop).
#define H2O_USE_LIBUV 0
#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <h2o.h>
#include <h2o/http1.h>
#include <h2o/http2.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/notification.h"
#include "common/auth/client_address.h"
#include "common/http/connect_protocol.h"
#include "common/http/front_door_request.h"
#include "common/http/http_rule_router.h"
#include "common/server/unparsable_request_interceptor.h"
#include "ecoplan/api/v1/annotations.pb.h"
#include "google/protobuf/message.h"

namespace ecoplan::common {
namespace {

constexpr absl::string_view kHealthPath = "/healthz";
constexpr absl::string_view kOpenApiPath = "/openapi.json";
// Unparsable protobuf bytes (a truncated varint): what a refused call carries
// through the in-process channel, so that no handler runs.
constexpr absl::string_view kUnparsable = "\xff";

absl::string_view View(h2o_iovec_t v) { return absl::string_view(v.base, v.len); }

std::string Join(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

grpc::ByteBuffer ToByteBuffer(absl::string_view bytes) {
  grpc::Slice slice(bytes.data(), bytes.size());
  return grpc::ByteBuffer(&slice, 1);
}

// The value of request header `name` (lower case), or "" (several joined with ",").
std::string Header(const h2o_req_t* req, absl::string_view name) {
  std::string out;
  for (size_t i = 0; i < req->headers.size; ++i) {
    const h2o_header_t& h = req->headers.entries[i];
    if (absl::EqualsIgnoreCase(View(*h.name), name)) {
      if (!out.empty()) out.append(",");
      absl::StrAppend(&out, View(h.value));
    }
  }
  return out;
}

void AddHeader(h2o_req_t* req, absl::string_view name, absl::string_view value) {
  h2o_iovec_t n = h2o_strdup(&req->pool, name.data(), name.size());
  h2o_iovec_t v = h2o_strdup(&req->pool, value.data(), value.size());
  h2o_add_header_by_str(&req->pool, &req->res.headers, n.base, n.len, /*maybe_token=*/1, nullptr,
                        v.base, v.len);
}

void Respond(h2o_req_t* req, int status, absl::string_view content_type, absl::string_view body) {
  req->res.status = status;
  req->res.reason = ReasonPhrase(status).data();
  AddHeader(req, "content-type", content_type);
  h2o_send_inline(req, body.data(), body.size());
}

void RespondError(h2o_req_t* req, int http_status, grpc::StatusCode code,
                  absl::string_view message) {
  Respond(req, http_status, "application/json", ErrorJson(code, message));
}

// The client's IP of the connection, or "".
std::string PeerAddress(h2o_req_t* req) {
  sockaddr_storage ss{};
  const socklen_t len =
      req->conn->callbacks->get_peername(req->conn, reinterpret_cast<sockaddr*>(&ss));
  if (len == 0) return "";
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, buf, sizeof buf);
  } else if (ss.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

// Metadata that may become an HTTP response header: not gRPC's own.
bool ShownAsHeader(absl::string_view key) {
  return !absl::StartsWith(key, "grpc-") && !absl::StartsWith(key, ":") && key != "content-type" &&
         key != "te" && key != "user-agent";
}

// A metadata value as an HTTP header value: binary ("-bin") values in base64.
std::string HeaderValue(absl::string_view key, absl::string_view value) {
  if (absl::EndsWith(key, "-bin")) return absl::Base64Escape(value);
  return std::string(value);
}

using Mode = FrontDoorMode;

// A download gathered from a stream stops here (resource_exhausted).
constexpr size_t kMaxDownloadBytes = size_t{64} << 20;

// The scalar field at the dotted `path` of `message` as bytes ("" when unset,
// absent or not a string/bytes field).
std::string StringAt(const google::protobuf::Message& message, absl::string_view path) {
  if (path.empty()) return "";
  const google::protobuf::Message* at = &message;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part(
        path.substr(start, dot == absl::string_view::npos ? path.npos : dot - start));
    const google::protobuf::FieldDescriptor* f = at->GetDescriptor()->FindFieldByName(part);
    if (f == nullptr || f->is_repeated()) return "";
    const google::protobuf::Reflection* r = at->GetReflection();
    if (dot == absl::string_view::npos) {
      if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) return "";
      return r->GetString(*at, f);
    }
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) return "";
    if (!r->HasField(*at, f)) return "";
    at = &r->GetMessage(*at, f);
    start = dot + 1;
  }
}

// A header value we may send as it is: printable ASCII, not empty.
bool SafeHeaderValue(absl::string_view value) {
  return !value.empty() && value.size() <= 200 &&
         std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// Content-Disposition for saving under `name` (RFC 6266 and RFC 8187:
// filename* in UTF-8, percent-encoded but for attr-chars).
std::string ContentDisposition(absl::string_view name) {
  std::string out = "attachment; filename*=UTF-8''";
  for (unsigned char c : name) {
    if (absl::ascii_isalnum(c) ||
        absl::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != absl::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%",
                      absl::AsciiStrToUpper(absl::BytesToHexString(
                          absl::string_view(reinterpret_cast<const char*>(&c), 1))));
    }
  }
  return out;
}

class Call;

}  // namespace

struct HttpFrontDoor::Shared {
  HttpFrontDoorOptions options;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
  std::unique_ptr<ServiceMethods> methods;
  // Resource URLs; null when no method has a rule.
  std::unique_ptr<HttpRuleRouter> router;
  h2o_globalconf_t config{};
  SSL_CTX* ssl_ctx = nullptr;
  std::vector<HttpFrontDoor::Loop*> loops;

  ~Shared() {
    if (ssl_ctx != nullptr) SSL_CTX_free(ssl_ctx);
  }
  HttpFrontDoor::Loop* LoopOf(h2o_context_t* ctx) const;
};

namespace {

// What a gRPC thread hands back to a loop.
enum class PostedKind {
  kUnaryDone,
  kStreamHeaders,
  kStreamMessage,
  kStreamEnded,
  kStreamDone,
  kStop
};
struct Posted;
// h2o's message node first, so the node's address is the link's.
struct PostedLink {
  h2o_multithread_message_t message;
  Posted* posted;
};
struct Posted {
  PostedLink link{};
  PostedKind kind = PostedKind::kStop;
  Call* call = nullptr;
  std::string bytes;
  grpc::Status status;
};

struct LoopReceiver {
  h2o_multithread_receiver_t receiver;
  HttpFrontDoor::Loop* loop;
};

struct DoorHandler {
  h2o_handler_t super;
  HttpFrontDoor::Shared* shared;
};

// Lives in the request's memory pool; disposed when h2o frees the request
// (answered, or the client went away).
struct RequestGuard {
  Call* call;
};

struct GeneratorLink {
  h2o_generator_t generator;
  Call* call;
};

struct KeepAliveLink {
  h2o_timeout_entry_t entry;
  Call* call;
};

}  // namespace

struct HttpFrontDoor::Loop {
  Shared* shared = nullptr;
  h2o_context_t ctx{};
  h2o_accept_ctx_t accept_ctx{};
  int listen_fd = -1;
  h2o_socket_t* listener = nullptr;
  h2o_multithread_queue_t* queue = nullptr;
  LoopReceiver receiver{};
  h2o_timeout_t keep_alive{};
  std::thread thread;
  // Loop thread only:
  bool stopping = false;
  absl::flat_hash_set<Call*> calls;

  void Post(std::unique_ptr<Posted> posted) {
    posted->link.posted = posted.get();
    h2o_multithread_send_message(&receiver.receiver, &posted.release()->link.message);
  }
  void Handle(std::unique_ptr<Posted> posted);
  // Makes the loop's h2o context, queue and listener; on the loop's thread.
  void Setup(absl::Duration keep_alive_interval);
  void Run();
};

HttpFrontDoor::Loop* HttpFrontDoor::Shared::LoopOf(h2o_context_t* ctx) const {
  for (HttpFrontDoor::Loop* loop : loops) {
    if (&loop->ctx == ctx) return loop;
  }
  return nullptr;
}

namespace {

class StreamReactor;

// One HTTP request being answered by a gRPC call through the in-process
// channel. Owned by its loop; deleted on the loop thread once both the gRPC
// call has finished and h2o has let go of the request.
class Call {
 public:
  Call(HttpFrontDoor::Loop* loop, h2o_req_t* req, const HttpMethod* method, Mode mode, Codec codec)
      : loop_(loop), req_(req), method_(method), mode_(mode), codec_(codec) {
    guard_ = static_cast<RequestGuard*>(
        h2o_mem_alloc_shared(&req->pool, sizeof(RequestGuard), &Call::OnRequestDisposed));
    guard_->call = this;
    loop_->calls.insert(this);
  }
  ~Call();

  grpc::ClientContext& context() { return context_; }

  // The call refuses the request itself: `http_status` and `code` answer it
  // unless the server answers otherwise (e.g. the caller is throttled).
  void SetRefusal(int http_status, grpc::StatusCode code, std::string message) {
    refusal_http_status_ = http_status;
    refusal_code_ = code;
    std::string value(1, static_cast<char>(code));
    value.append(message);
    context_.AddMetadata(kFrontDoorRefusalMetadata, value);
  }
  void SetUnknownMethod() { unknown_method_ = true; }
  // Mode::kDownload: where the file, its media type and its name are.
  void SetDownload(api::v1::HttpBodyRule rule) { download_ = std::move(rule); }
  void SetHealthCheck() { health_check_ = true; }

  void StartUnary(const std::string& path, absl::string_view request_bytes);
  void StartStream(const std::string& path, absl::string_view request_bytes);

  // Loop-thread events.
  void OnUnaryDone(const grpc::Status& status);
  void OnStreamHeaders();
  void OnStreamMessage(std::string bytes);
  void OnStreamEnded();
  void OnStreamDone(const grpc::Status& status);
  void Cancel() { context_.TryCancel(); }

 private:
  static void OnRequestDisposed(void* p) {
    Call* call = static_cast<RequestGuard*>(p)->call;
    if (call != nullptr) call->HttpGone();
  }
  static void OnProceed(h2o_generator_t* g, h2o_req_t*) {
    reinterpret_cast<GeneratorLink*>(g)->call->Proceed();
  }
  static void OnStop(h2o_generator_t* g, h2o_req_t*) {
    reinterpret_cast<GeneratorLink*>(g)->call->Stopped();
  }
  static void OnKeepAlive(h2o_timeout_entry_t* e) {
    reinterpret_cast<KeepAliveLink*>(e)->call->KeepAlive();
  }

  void HttpGone();
  void Stopped();
  void Proceed();
  void KeepAlive();
  void StartStreamResponse();
  void SendNext();
  void MaybeReadNext();
  void MaybeDelete();
  void AnswerError(const grpc::Status& status);
  void AnswerFile();
  void Collect(const std::string& bytes);
  void CopyInitialMetadata();
  std::vector<std::pair<std::string, std::string>> Trailers() const;

  HttpFrontDoor::Loop* loop_;
  h2o_req_t* req_;  // null once h2o disposed the request
  RequestGuard* guard_;
  const HttpMethod* method_;
  Mode mode_;
  Codec codec_;
  grpc::ClientContext context_;
  int refusal_http_status_ = 0;
  grpc::StatusCode refusal_code_ = grpc::StatusCode::OK;
  bool unknown_method_ = false;
  bool health_check_ = false;

  // Unary.
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;

  // Downloads: the file gathered so far, its media type and name.
  api::v1::HttpBodyRule download_;
  std::string file_;
  std::string media_type_;
  std::string file_name_;
  bool too_large_ = false;

  // Streams.
  std::unique_ptr<StreamReactor> reactor_;
  GeneratorLink generator_{{&Call::OnProceed, &Call::OnStop}, this};
  KeepAliveLink keep_alive_{{0, &Call::OnKeepAlive, {}}, this};
  bool response_started_ = false;
  bool sending_ = false;
  bool stopped_ = false;  // h2o stopped the response: send nothing more
  bool final_sent_ = false;
  bool read_outstanding_ = false;
  bool stream_ended_ = false;   // no more messages will come
  bool hold_released_ = false;  // the reactor's hold, which keeps OnDone from racing a read
  std::deque<std::string> pending_;
  std::string in_flight_;
  std::optional<grpc::Status> final_status_;

  bool grpc_done_ = false;
  bool http_gone_ = false;

  friend class StreamReactor;
};

// The gRPC side of a server stream: a generic bidi call that writes the one
// request and reads the server's messages one at a time, as fast as the HTTP
// side takes them. A hold keeps OnDone from firing while the loop may still
// start a read; the loop releases it once the stream ended or the HTTP side
// went away.
class StreamReactor : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  StreamReactor(Call* call, HttpFrontDoor::Loop* loop) : call_(call), loop_(loop) {}

  void Start(grpc::GenericStub& stub, grpc::ClientContext* context, const std::string& path,
             absl::string_view request) {
    request_ = ToByteBuffer(request);
    stub.PrepareBidiStreamingCall(context, path, grpc::StubOptions(), this);
    AddHold();
    StartWrite(&request_);
    StartWritesDone();
    StartRead(&read_);
    StartCall();
  }
  void Read() { StartRead(&read_); }
  void Release() { RemoveHold(); }

  void OnReadInitialMetadataDone(bool ok) override {
    if (ok) Post(PostedKind::kStreamHeaders);
  }
  void OnReadDone(bool ok) override {
    if (!ok) {
      Post(PostedKind::kStreamEnded);
      return;
    }
    auto posted = std::make_unique<Posted>();
    posted->kind = PostedKind::kStreamMessage;
    posted->call = call_;
    posted->bytes = Join(read_);
    loop_->Post(std::move(posted));
  }
  void OnDone(const grpc::Status& status) override {
    auto posted = std::make_unique<Posted>();
    posted->kind = PostedKind::kStreamDone;
    posted->call = call_;
    posted->status = status;
    loop_->Post(std::move(posted));
  }

 private:
  void Post(PostedKind kind) {
    auto posted = std::make_unique<Posted>();
    posted->kind = kind;
    posted->call = call_;
    loop_->Post(std::move(posted));
  }

  Call* call_;
  HttpFrontDoor::Loop* loop_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer read_;
};

Call::~Call() {
  if (h2o_timeout_is_linked(&keep_alive_.entry)) h2o_timeout_unlink(&keep_alive_.entry);
  if (guard_ != nullptr) guard_->call = nullptr;
  loop_->calls.erase(this);
}

void Call::StartUnary(const std::string& path, absl::string_view request_bytes) {
  request_ = ToByteBuffer(request_bytes);
  HttpFrontDoor::Loop* loop = loop_;
  loop_->shared->stub->UnaryCall(&context_, path, grpc::StubOptions(), &request_, &response_,
                                 [this, loop](grpc::Status status) {
                                   auto posted = std::make_unique<Posted>();
                                   posted->kind = PostedKind::kUnaryDone;
                                   posted->call = this;
                                   posted->status = std::move(status);
                                   loop->Post(std::move(posted));
                                 });
}

void Call::StartStream(const std::string& path, absl::string_view request_bytes) {
  reactor_ = std::make_unique<StreamReactor>(this, loop_);
  read_outstanding_ = true;
  reactor_->Start(*loop_->shared->stub, &context_, path, request_bytes);
  if (mode_ == Mode::kSse) {
    h2o_timeout_link(loop_->ctx.loop, &loop_->keep_alive, &keep_alive_.entry);
  }
}

void Call::CopyInitialMetadata() {
  for (const auto& [key, value] : context_.GetServerInitialMetadata()) {
    const absl::string_view k(key.data(), key.size());
    if (!ShownAsHeader(k)) continue;
    AddHeader(req_, k, HeaderValue(k, absl::string_view(value.data(), value.size())));
  }
}

std::vector<std::pair<std::string, std::string>> Call::Trailers() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : context_.GetServerTrailingMetadata()) {
    const absl::string_view k(key.data(), key.size());
    if (!ShownAsHeader(k)) continue;
    out.emplace_back(std::string(k), HeaderValue(k, absl::string_view(value.data(), value.size())));
  }
  return out;
}

void Call::AnswerError(const grpc::Status& status) {
  int http_status = HttpStatusOf(status.error_code());
  if (refusal_http_status_ != 0 && status.error_code() == refusal_code_) {
    http_status = refusal_http_status_;
  } else if (unknown_method_ && status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    http_status = 404;
  }
  std::string message = status.error_message();
  if (unknown_method_ && status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
      message.empty()) {
    message = "no such method on this server: see /openapi.json for the methods it serves";
  }
  RespondError(req_, http_status, status.error_code(), message);
}

void Call::OnUnaryDone(const grpc::Status& status) {
  grpc_done_ = true;
  if (req_ != nullptr && health_check_) {
    // HealthCheckResponse{status: SERVING} is field 1 = 1: bytes 08 01.
    const bool serving = status.ok() && Join(response_) == std::string("\x08\x01", 2);
    Respond(req_, serving ? 200 : 503, "text/plain", serving ? "SERVING\n" : "NOT_SERVING\n");
  } else if (req_ != nullptr) {
    if (!status.ok()) {
      AnswerError(status);
    } else if (mode_ == Mode::kDownload) {
      CopyInitialMetadata();
      for (const auto& [key, value] : Trailers())
        AddHeader(req_, absl::StrCat("trailer-", key), value);
      Collect(Join(response_));
      AnswerFile();
    } else {
      CopyInitialMetadata();
      for (const auto& [key, value] : Trailers())
        AddHeader(req_, absl::StrCat("trailer-", key), value);
      std::string bytes = Join(response_);
      if (codec_ == Codec::kProto) {
        Respond(req_, 200, UnaryContentType(codec_), bytes);
      } else {
        absl::StatusOr<std::string> json =
            loop_->shared->methods->BinaryToJson(method_->descriptor->output_type(), bytes);
        if (json.ok()) {
          Respond(req_, 200, UnaryContentType(codec_), *json);
        } else {
          RespondError(req_, 500, grpc::StatusCode::INTERNAL, json.status().message());
        }
      }
    }
  }
  MaybeDelete();
}

// Takes a response message's part of the file, its media type and name.
void Call::Collect(const std::string& bytes) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          method_->descriptor->output_type());
  if (prototype == nullptr) return;
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  if (!message->ParseFromString(bytes)) return;
  const std::string chunk = StringAt(*message, download_.content_field());
  if (file_.size() + chunk.size() > kMaxDownloadBytes) {
    // Refused rather than held: stop the stream and free what was gathered.
    too_large_ = true;
    std::string().swap(file_);
    context_.TryCancel();
    return;
  }
  file_.append(chunk);
  std::string media_type = StringAt(*message, download_.media_type_field());
  if (!media_type.empty()) media_type_ = std::move(media_type);
  std::string file_name = StringAt(*message, download_.file_name_field());
  if (!file_name.empty()) file_name_ = std::move(file_name);
}

// The gathered file as the answer: 200, its bytes, its media type and name.
void Call::AnswerFile() {
  if (!file_name_.empty()) AddHeader(req_, "content-disposition", ContentDisposition(file_name_));
  req_->res.content_length = file_.size();
  Respond(req_, 200, SafeHeaderValue(media_type_) ? media_type_ : "application/octet-stream",
          file_);
  std::string().swap(file_);  // h2o sends its own copy
}

void Call::StartStreamResponse() {
  if (response_started_ || req_ == nullptr || stopped_) return;
  response_started_ = true;
  req_->res.status = 200;
  req_->res.reason = "OK";
  CopyInitialMetadata();
  if (mode_ == Mode::kSse) {
    AddHeader(req_, "content-type", "text/event-stream");
    AddHeader(req_, "cache-control", "no-cache");
    // Tells nginx-style proxies not to buffer the stream.
    AddHeader(req_, "x-accel-buffering", "no");
  } else {
    AddHeader(req_, "content-type", StreamContentType(codec_));
  }
  h2o_start_response(req_, &generator_.generator);
}

void Call::OnStreamHeaders() {
  // A stream refused at once comes as headers without metadata and its
  // status ("trailers only"): an event stream waits for its first event or
  // its end, so the refusal is answered with its HTTP status (401, 403, …),
  // which EventSource and curl understand. A stream the server accepted
  // sends its metadata (WatchEvents: ecoplan-last-sequence) first.
  if (mode_ == Mode::kSse && context_.GetServerInitialMetadata().empty()) return;
  // A download answers once, at the end.
  if (mode_ == Mode::kDownload) return;
  StartStreamResponse();
}

void Call::OnStreamMessage(std::string bytes) {
  read_outstanding_ = false;
  if (req_ == nullptr || stopped_) {
    MaybeReadNext();
    return;
  }
  if (mode_ == Mode::kDownload) {
    if (!too_large_) Collect(bytes);
    MaybeReadNext();
    return;
  }
  const google::protobuf::Descriptor* type = method_->descriptor->output_type();
  std::string chunk;
  if (mode_ == Mode::kConnectStream && codec_ == Codec::kProto) {
    chunk = Envelope(0, bytes);
  } else {
    absl::StatusOr<std::string> json = loop_->shared->methods->BinaryToJson(type, bytes);
    if (!json.ok()) {
      context_.TryCancel();
      MaybeReadNext();
      return;
    }
    if (mode_ == Mode::kSse) {
      const std::string id = method_->event_id_field.empty()
                                 ? std::string()
                                 : ServiceMethods::FieldText(type, bytes, method_->event_id_field);
      chunk = SseEvent(id, "", *json);
    } else {
      chunk = Envelope(0, *json);
    }
  }
  StartStreamResponse();
  pending_.push_back(std::move(chunk));
  SendNext();
}

void Call::OnStreamEnded() {
  read_outstanding_ = false;
  stream_ended_ = true;
  if (!hold_released_) {
    hold_released_ = true;
    reactor_->Release();
  }
}

void Call::OnStreamDone(const grpc::Status& status) {
  grpc_done_ = true;
  if (mode_ == Mode::kDownload) {
    if (req_ != nullptr) {
      if (too_large_) {
        RespondError(req_, 500, grpc::StatusCode::RESOURCE_EXHAUSTED,
                     absl::StrCat("the file is larger than ", kMaxDownloadBytes >> 20,
                                  " MiB: fetch it over the Connect or gRPC stream"));
      } else if (!status.ok()) {
        AnswerError(status);
      } else {
        CopyInitialMetadata();
        AnswerFile();
      }
      final_sent_ = true;
    }
  } else if (req_ != nullptr && !stopped_) {
    if (!response_started_ && !status.ok() && mode_ == Mode::kSse) {
      // Nothing sent yet: a plain HTTP error tells EventSource and curl at once.
      AnswerError(status);
      final_sent_ = true;
    } else {
      StartStreamResponse();
      if (mode_ == Mode::kConnectStream) {
        pending_.push_back(Envelope(kEnvelopeEndStream, EndStreamJson(status, Trailers())));
      } else if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
        pending_.push_back(
            SseEvent("", "error", ErrorJson(status.error_code(), status.error_message())));
      }
      final_status_ = status;
      SendNext();
    }
  }
  MaybeDelete();
}

void Call::SendNext() {
  if (sending_ || req_ == nullptr || stopped_ || final_sent_ || !response_started_) return;
  if (pending_.empty()) {
    if (final_status_.has_value()) {
      final_sent_ = true;
      h2o_send(req_, nullptr, 0, H2O_SEND_STATE_FINAL);
    } else {
      MaybeReadNext();
    }
    return;
  }
  in_flight_ = std::move(pending_.front());
  pending_.pop_front();
  const bool last = pending_.empty() && final_status_.has_value();
  h2o_iovec_t buf = h2o_iovec_init(in_flight_.data(), in_flight_.size());
  sending_ = !last;
  final_sent_ = last;
  h2o_send(req_, &buf, 1, last ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS);
}

void Call::Proceed() {
  sending_ = false;
  SendNext();
}

void Call::MaybeReadNext() {
  if (read_outstanding_ || stream_ended_ || hold_released_ || reactor_ == nullptr) return;
  if (req_ == nullptr || stopped_) {
    // Nobody to send to: let the call finish.
    hold_released_ = true;
    reactor_->Release();
    return;
  }
  read_outstanding_ = true;
  reactor_->Read();
}

void Call::Stopped() {
  stopped_ = true;
  context_.TryCancel();
  if (!read_outstanding_ && !hold_released_ && reactor_ != nullptr) {
    hold_released_ = true;
    reactor_->Release();
  }
}

void Call::KeepAlive() {
  if (req_ == nullptr || stopped_ || final_sent_) return;
  StartStreamResponse();
  if (!sending_ && pending_.empty()) {
    pending_.push_back(": keep-alive\n\n");
    SendNext();
  }
  h2o_timeout_link(loop_->ctx.loop, &loop_->keep_alive, &keep_alive_.entry);
}

void Call::HttpGone() {
  req_ = nullptr;
  guard_ = nullptr;
  http_gone_ = true;
  if (h2o_timeout_is_linked(&keep_alive_.entry)) h2o_timeout_unlink(&keep_alive_.entry);
  if (!grpc_done_) {
    context_.TryCancel();
    if (reactor_ != nullptr && !read_outstanding_ && !hold_released_) {
      hold_released_ = true;
      reactor_->Release();
    }
  }
  MaybeDelete();
}

void Call::MaybeDelete() {
  if (grpc_done_ && http_gone_) delete this;
}

// ---------------------------------------------------------------------------
// Requests

bool IsMethod(const h2o_req_t* req, absl::string_view verb) { return View(req->method) == verb; }

void AddForwardedMetadata(h2o_req_t* req, grpc::ClientContext& context) {
  for (size_t i = 0; i < req->headers.size; ++i) {
    const h2o_header_t& h = req->headers.entries[i];
    const std::string name = absl::AsciiStrToLower(View(*h.name));
    if (!ForwardedAsMetadata(name)) continue;
    const absl::string_view value = View(h.value);
    if (absl::EndsWith(name, "-bin")) {
      std::string decoded;
      if (absl::Base64Unescape(value, &decoded)) context.AddMetadata(name, decoded);
      continue;
    }
    // gRPC refuses metadata values outside printable ASCII: such a header is dropped.
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
      context.AddMetadata(name, std::string(value));
    }
  }
  context.AddMetadata(kFrontDoorProofMetadata, FrontDoorProof());
  // As a proxy does: the chain the client sent, then the TCP peer.
  std::string forwarded = Header(req, "x-forwarded-for");
  const std::string peer = PeerAddress(req);
  if (!peer.empty()) forwarded = forwarded.empty() ? peer : absl::StrCat(forwarded, ", ", peer);
  if (!forwarded.empty()) context.AddMetadata("x-forwarded-for", forwarded);
}

// CORS for the origins the server admits: the answer's headers, and the
// preflight answered here. True when the request was a preflight (answered).
bool HandleCors(const HttpFrontDoorOptions& options, h2o_req_t* req) {
  const std::string origin = Header(req, "origin");
  const bool preflight =
      IsMethod(req, "OPTIONS") && !Header(req, "access-control-request-method").empty();
  if (origin.empty()) return false;
  const auto& allowed = options.cors_origins;
  const bool admitted = std::find(allowed.begin(), allowed.end(), "*") != allowed.end() ||
                        std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
  if (!admitted) {
    if (!preflight) return false;
    RespondError(req, 403, grpc::StatusCode::PERMISSION_DENIED,
                 absl::StrCat("origin ", origin.substr(0, 100), " may not call this API"));
    return true;
  }
  AddHeader(req, "access-control-allow-origin", origin);
  AddHeader(req, "vary", "Origin");
  AddHeader(req, "access-control-expose-headers",
            "Connect-Protocol-Version, Content-Disposition, Content-Type, Ecoplan-Last-Sequence");
  if (!preflight) return false;
  AddHeader(req, "access-control-allow-methods", "GET, POST");
  AddHeader(req, "access-control-allow-headers",
            "Authorization, Content-Type, Connect-Protocol-Version, Connect-Timeout-Ms, "
            "Last-Event-ID, X-Request-Id");
  AddHeader(req, "access-control-max-age", "600");
  req->res.status = 204;
  req->res.reason = "No Content";
  h2o_send_inline(req, "", 0);
  return true;
}

// Sends the refusal of a request for `method` through the in-process channel
// (so it is audited and throttled as the gRPC twin) and answers it.
void StartRefusal(HttpFrontDoor::Loop* loop, h2o_req_t* req, const HttpMethod* method,
                  const FrontDoorRefusal& refusal) {
  Call* call = new Call(loop, req, method, Mode::kUnary, Codec::kJson);
  AddForwardedMetadata(req, call->context());
  call->SetRefusal(refusal.http_status, refusal.code, refusal.message);
  call->StartUnary(method->path, kUnparsable);
}

// A resource URL ((ecoplan.api.v1.http) rules, common/http/http_rule_router.h):
// routed, refused as the RPC it names, or 405 when the path is known for
// other verbs. False when no rule knows the path.
bool RouteResourceUrl(HttpFrontDoor::Shared* shared, HttpFrontDoor::Loop* loop, h2o_req_t* req,
                      absl::string_view path, absl::string_view query) {
  const absl::string_view verb = View(req->method);
  const absl::string_view body = req->entity.base == nullptr ? "" : View(req->entity);
  const auto method_of = [&](const google::protobuf::MethodDescriptor* m) {
    return shared->methods->Find(absl::StrCat("/", m->service()->full_name(), "/", m->name()));
  };
  const google::protobuf::MethodDescriptor* routed = nullptr;
  if (body.size() > static_cast<size_t>(shared->options.max_body_bytes)) {
    (void)shared->router->Route(verb, path, query, "", &routed);
    if (routed == nullptr || method_of(routed) == nullptr) return false;
    StartRefusal(loop, req, method_of(routed),
                 BodyTooLarge(body.size(), shared->options.max_body_bytes));
    return true;
  }
  absl::StatusOr<HttpRuleRouter::Match> match =
      shared->router->Route(verb, path, query, body, &routed);
  const HttpMethod* method = routed == nullptr ? nullptr : method_of(routed);
  if (match.ok() && method != nullptr) {
    // A method answering a file (ecoplan.api.v1.http_body) answers it here;
    // its Connect route keeps answering messages.
    std::optional<api::v1::HttpBodyRule> download = HttpRuleRouter::HttpBodyOf(routed);
    Call* call =
        new Call(loop, req, method, download ? Mode::kDownload : Mode::kUnary, Codec::kJson);
    if (download) call->SetDownload(*std::move(download));
    AddForwardedMetadata(req, call->context());
    if (method->server_streaming) {
      call->StartStream(method->path, match->request);
    } else {
      call->StartUnary(method->path, match->request);
    }
    return true;
  }
  if (method != nullptr) {
    StartRefusal(loop, req, method,
                 FrontDoorRefusal{400, grpc::StatusCode::INVALID_ARGUMENT,
                                  std::string(match.status().message())});
    return true;
  }
  const std::vector<std::string> verbs = shared->router->AllowedVerbs(path);
  if (verbs.empty()) return false;
  AddHeader(req, "allow", absl::StrJoin(verbs, ", "));
  RespondError(req, 405, grpc::StatusCode::INVALID_ARGUMENT,
               absl::StrCat(verb.substr(0, 16), " is not served at ", path.substr(0, 200),
                            "; it answers ", absl::StrJoin(verbs, ", ")));
  return true;
}

int OnRequest(h2o_handler_t* self, h2o_req_t* req) {
  HttpFrontDoor::Shared* shared = reinterpret_cast<DoorHandler*>(self)->shared;
  if (HandleCors(shared->options, req)) return 0;
  HttpFrontDoor::Loop* loop = shared->LoopOf(req->conn->ctx);
  const absl::string_view full_path = View(req->path);
  const absl::string_view path =
      req->query_at == SIZE_MAX ? full_path : full_path.substr(0, req->query_at);
  const absl::string_view query =
      req->query_at == SIZE_MAX ? absl::string_view() : full_path.substr(req->query_at + 1);
  const bool get = IsMethod(req, "GET");

  if (get && path == kHealthPath && loop != nullptr) {
    // The gRPC health status of the whole server (service ""), through the
    // same channel: SERVING → 200, anything else → 503.
    Call* call = new Call(loop, req, nullptr, Mode::kUnary, Codec::kProto);
    call->SetHealthCheck();
    call->context().set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    call->StartUnary("/grpc.health.v1.Health/Check", "");
    return 0;
  }
  if (get && path == kOpenApiPath) {
    if (shared->options.openapi_document.empty()) {
      RespondError(req, 404, grpc::StatusCode::NOT_FOUND, "this server has no OpenAPI document");
    } else {
      Respond(req, 200, "application/json", shared->options.openapi_document);
    }
    return 0;
  }

  const HttpMethod* method = shared->methods->Find(path);
  if (method == nullptr && shared->router != nullptr && loop != nullptr && !loop->stopping &&
      RouteResourceUrl(shared, loop, req, path, query)) {
    return 0;
  }
  if (method == nullptr) {
    if (!LooksLikeRpcPath(path) || loop == nullptr || loop->stopping) {
      RespondError(req, 404, grpc::StatusCode::NOT_FOUND,
                   absl::StrCat("no route for ", IsMethod(req, "GET") ? "GET " : "",
                                path.substr(0, 200), "; see /openapi.json"));
      return 0;
    }
    // Asked of gRPC as it is: answered UNIMPLEMENTED, and audited and
    // throttled as the same call over gRPC is.
    Call* call = new Call(loop, req, nullptr, Mode::kUnary, Codec::kJson);
    call->SetUnknownMethod();
    AddForwardedMetadata(req, call->context());
    call->StartUnary(std::string(path), "");
    return 0;
  }
  if (loop == nullptr || loop->stopping) {
    RespondError(req, 503, grpc::StatusCode::UNAVAILABLE, "the server is shutting down");
    return 0;
  }

  // What the request is: mode, codec, message bytes, or a refusal.
  FrontDoorRequest request;
  request.verb = View(req->method);
  request.query = query;
  request.body = req->entity.base == nullptr ? "" : View(req->entity);
  request.accept = Header(req, "accept");
  request.content_type = Header(req, "content-type");
  request.last_event_id = Header(req, "last-event-id");
  request.connect_protocol_version = Header(req, "connect-protocol-version");
  request.connect_timeout_ms = Header(req, "connect-timeout-ms");
  const FrontDoorCall decoded = DecodeRpcRequest(
      *shared->methods, *method, request, static_cast<size_t>(shared->options.max_body_bytes));

  Call* call = new Call(loop, req, method, decoded.mode, decoded.codec);
  AddForwardedMetadata(req, call->context());
  if (decoded.refusal) {
    call->SetRefusal(decoded.refusal->http_status, decoded.refusal->code, decoded.refusal->message);
    call->StartUnary(method->path, kUnparsable);
    return 0;
  }
  if (decoded.timeout) {
    call->context().set_deadline(absl::ToChronoTime(absl::Now() + *decoded.timeout));
  }
  if (decoded.mode == Mode::kUnary) {
    call->StartUnary(method->path, decoded.binary);
  } else {
    call->StartStream(method->path, decoded.binary);
  }
  return 0;
}

void OnMessages(h2o_multithread_receiver_t* receiver, h2o_linklist_t* messages) {
  HttpFrontDoor::Loop* loop = reinterpret_cast<LoopReceiver*>(receiver)->loop;
  while (!h2o_linklist_is_empty(messages)) {
    h2o_multithread_message_t* message =
        H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
    h2o_linklist_unlink(&message->link);
    loop->Handle(std::unique_ptr<Posted>(reinterpret_cast<PostedLink*>(message)->posted));
  }
}

void OnAccept(h2o_socket_t* listener, const char* err) {
  if (err != nullptr) return;
  auto* loop = static_cast<HttpFrontDoor::Loop*>(listener->data);
  h2o_socket_t* sock = h2o_evloop_socket_accept(listener);
  if (sock != nullptr) h2o_accept(&loop->accept_ctx, sock);
}

// A listening socket on host:port; SO_REUSEPORT, so every loop has its own.
absl::StatusOr<int> Listen(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), port_text.c_str(), &hints, &found); rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot listen on host \"", host, "\": ", gai_strerror(rc)));
  }
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
      bind(fd, found->ai_addr, found->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
    const int error = errno;
    freeaddrinfo(found);
    if (fd >= 0) close(fd);
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", host, ":", port, ": ", strerror(error)));
  }
  freeaddrinfo(found);
  return fd;
}

int BoundPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

absl::StatusOr<SSL_CTX*> MakeSslContext(const std::string& chain_pem, const std::string& key_pem) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return absl::InternalError("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  const auto fail = [&](absl::string_view what) {
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return absl::InvalidArgumentError(what);
  };
  BIO* chain = BIO_new_mem_buf(chain_pem.data(), static_cast<int>(chain_pem.size()));
  X509* leaf = PEM_read_bio_X509_AUX(chain, nullptr, nullptr, nullptr);
  if (leaf == nullptr || SSL_CTX_use_certificate(ctx, leaf) != 1) {
    X509_free(leaf);
    BIO_free(chain);
    return fail("the HTTP TLS certificate chain does not parse");
  }
  X509_free(leaf);
  while (X509* extra = PEM_read_bio_X509(chain, nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) X509_free(extra);
  }
  BIO_free(chain);
  ERR_clear_error();
  BIO* key_bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  if (key == nullptr || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    EVP_PKEY_free(key);
    return fail("the HTTP TLS key does not parse or does not match the certificate");
  }
  EVP_PKEY_free(key);
  h2o_ssl_register_alpn_protocols(ctx, h2o_http2_alpn_protocols);
  return ctx;
}

}  // namespace

void HttpFrontDoor::Loop::Handle(std::unique_ptr<Posted> posted) {
  Call* call = posted->call;
  switch (posted->kind) {
    case PostedKind::kUnaryDone:
      call->OnUnaryDone(posted->status);
      break;
    case PostedKind::kStreamHeaders:
      call->OnStreamHeaders();
      break;
    case PostedKind::kStreamMessage:
      call->OnStreamMessage(std::move(posted->bytes));
      break;
    case PostedKind::kStreamEnded:
      call->OnStreamEnded();
      break;
    case PostedKind::kStreamDone:
      call->OnStreamDone(posted->status);
      break;
    case PostedKind::kStop:
      if (!stopping) {
        stopping = true;
        if (listener != nullptr) {
          h2o_socket_read_stop(listener);
          h2o_socket_close(listener);
          listener = nullptr;
        }
        h2o_context_request_shutdown(&ctx);
        for (Call* c : calls) c->Cancel();
      }
      break;
  }
}

void HttpFrontDoor::Loop::Setup(absl::Duration keep_alive_interval) {
  h2o_context_init(&ctx, h2o_evloop_create(), &shared->config);
  accept_ctx.ctx = &ctx;
  accept_ctx.hosts = shared->config.hosts;
  accept_ctx.ssl_ctx = shared->ssl_ctx;
  queue = h2o_multithread_create_queue(ctx.loop);
  receiver.loop = this;
  h2o_multithread_register_receiver(queue, &receiver.receiver, &OnMessages);
  h2o_timeout_init(ctx.loop, &keep_alive,
                   static_cast<uint64_t>(absl::ToInt64Milliseconds(keep_alive_interval)));
  listener = h2o_evloop_socket_create(ctx.loop, listen_fd, H2O_SOCKET_FLAG_DONT_READ);
  listener->data = this;
  h2o_socket_read_start(listener, &OnAccept);
}

void HttpFrontDoor::Loop::Run() {
  // Before the stop: serve. After it: until every call is answered and let
  // go, for at most a few seconds (a client that stops reading must not hold
  // the shutdown).
  while (!stopping) h2o_evloop_run(ctx.loop, 1000);
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (!calls.empty() && absl::Now() < give_up) h2o_evloop_run(ctx.loop, 50);
}

absl::StatusOr<std::unique_ptr<HttpFrontDoor>> HttpFrontDoor::Start(
    const HttpFrontDoorOptions& options, std::shared_ptr<grpc::Channel> channel,
    std::unique_ptr<ServiceMethods> methods) {
  if (options.threads < 1 || options.max_body_bytes < 1) {
    return absl::InvalidArgumentError("the HTTP front door needs threads ≥ 1 and a body limit");
  }
  // h2o writes to sockets with write(2): a client that hung up would end the
  // process with SIGPIPE instead of an EPIPE that closes the connection.
  signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<HttpFrontDoor> door(new HttpFrontDoor());
  door->shared_ = std::make_unique<Shared>();
  Shared* shared = door->shared_.get();
  shared->options = options;
  shared->channel = std::move(channel);
  shared->stub = std::make_unique<grpc::GenericStub>(shared->channel);
  shared->methods = std::move(methods);
  absl::StatusOr<HttpRuleRouter> router = HttpRuleRouter::Build(shared->methods->services());
  if (!router.ok()) return router.status();
  if (!router->routes().empty())
    shared->router = std::make_unique<HttpRuleRouter>(*std::move(router));
  if (!options.tls_certificate_chain.empty() || !options.tls_private_key.empty()) {
    absl::StatusOr<SSL_CTX*> ssl =
        MakeSslContext(options.tls_certificate_chain, options.tls_private_key);
    if (!ssl.ok()) return ssl.status();
    shared->ssl_ctx = *ssl;
  }

  h2o_config_init(&shared->config);
  // h2o buffers the whole body before the handler runs; above this it
  // refuses by itself. Up to it the handler answers 413 (audited).
  shared->config.max_request_entity_size = static_cast<size_t>(options.max_body_bytes) * 2 + 4096;
  // Streams send a keep-alive comment well within these.
  shared->config.http1.req_timeout = 60 * 1000;
  shared->config.http2.idle_timeout = 60 * 1000;
  h2o_hostconf_t* host =
      h2o_config_register_host(&shared->config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
  h2o_pathconf_t* pathconf = h2o_config_register_path(host, "/", 0);
  auto* handler = reinterpret_cast<DoorHandler*>(h2o_create_handler(pathconf, sizeof(DoorHandler)));
  handler->super.on_req = &OnRequest;
  handler->shared = shared;

  int port = options.port;
  for (int i = 0; i < options.threads; ++i) {
    absl::StatusOr<int> fd = Listen(options.host, port);
    if (!fd.ok()) {
      for (auto& loop : door->loops_) close(loop->listen_fd);
      door->loops_.clear();
      return fd.status();
    }
    if (port == 0) port = BoundPort(*fd);
    auto loop = std::make_unique<Loop>();
    loop->shared = shared;
    loop->listen_fd = *fd;
    door->loops_.push_back(std::move(loop));
  }
  door->port_ = port;

  for (auto& loop : door->loops_) shared->loops.push_back(loop.get());
  // Every h2o object of a loop is made on the loop's own thread: h2o 2.2 keeps
  // the free list of its socket buffers per thread (h2o_socket_buffer_prototype
  // is thread-local), so a socket made here — the loop's message queue, its
  // listener — would take buffers from this thread's list while its loop reads
  // into them, two loops at once: a heap corruption under load.
  const absl::Duration keep_alive_interval = options.keep_alive_interval;
  for (auto& loop_ptr : door->loops_) {
    Loop* loop = loop_ptr.get();
    auto ready = std::make_shared<absl::Notification>();  // shared: Notify may outlast the wait
    loop->thread = std::thread([loop, keep_alive_interval, ready] {
      loop->Setup(keep_alive_interval);
      ready->Notify();
      loop->Run();
    });
    ready->WaitForNotification();
  }
  return door;
}

void HttpFrontDoor::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& loop : loops_) {
    auto stop = std::make_unique<Posted>();
    stop->kind = PostedKind::kStop;
    loop->Post(std::move(stop));
  }
  bool calls_left = false;
  for (auto& loop : loops_) {
    if (loop->thread.joinable()) loop->thread.join();
    calls_left = calls_left || !loop->calls.empty();
  }
  if (calls_left) {
    // A call whose client stopped reading outlived the shutdown: its gRPC
    // completion may still post to its loop, so the loops, the stub and the
    // channel stay allocated (the process is ending anyway).
    for (auto& loop : loops_) loop.release();
    shared_.release();
  }
}

HttpFrontDoor::~HttpFrontDoor() { Shutdown(); }

}  // namespace ecoplan::common
