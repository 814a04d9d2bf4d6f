#include "common/http/http_front_door.h"

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/server/run_server.h"
#include "ecoplan/testing/v1/front_door_test_service.grpc.pb.h"

namespace ecoplan::common {
namespace {

namespace tv1 = ::ecoplan::testing::v1;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

constexpr char kService[] = "ecoplan.testing.v1.FrontDoorTestService";

std::string Metadata(const grpc::CallbackServerContext* ctx, const std::string& key) {
  auto it = ctx->client_metadata().find(key);
  return it == ctx->client_metadata().end() ? ""
                                            : std::string(it->second.data(), it->second.size());
}

class FollowReactor : public grpc::ServerWriteReactor<tv1::FollowResponse> {
 public:
  FollowReactor(const tv1::FollowRequest& request, std::atomic<int>* open)
      : request_(request), open_(open), next_(request.after_sequence() + 1) {
    ++*open_;
    if (request_.count() == 0) return;  // open until cancelled
    WriteNext();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status::CANCELLED);
    WriteNext();
  }
  void OnCancel() override {
    if (request_.count() == 0) Finish(grpc::Status::CANCELLED);
  }
  void OnDone() override {
    --*open_;
    delete this;
  }

 private:
  void WriteNext() {
    if (next_ > request_.after_sequence() + request_.count()) {
      Finish(request_.code() == 0
                 ? grpc::Status::OK
                 : grpc::Status(static_cast<grpc::StatusCode>(request_.code()), "asked to end"));
      return;
    }
    response_.mutable_event()->set_sequence(next_);
    response_.mutable_event()->set_text(absl::StrCat("event ", next_, "\nsecond line"));
    ++next_;
    StartWrite(&response_);
  }

  tv1::FollowRequest request_;
  std::atomic<int>* open_;
  uint64_t next_;
  tv1::FollowResponse response_;
};

class DownloadReactor : public grpc::ServerWriteReactor<tv1::DownloadFileResponse> {
 public:
  explicit DownloadReactor(const tv1::DownloadFileRequest& request) : request_(request) {
    response_.set_progress("gathering");
    StartWrite(&response_);
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status::CANCELLED);
    if (next_ < request_.chunks()) {
      response_.set_chunk(std::string(request_.chunk_bytes(), static_cast<char>('a' + next_ % 26)));
      ++next_;
      StartWrite(&response_);
    } else if (!done_) {
      done_ = true;
      response_.mutable_done()->set_media_type("application/pdf");
      response_.mutable_done()->set_file_name(request_.name());
      StartWrite(&response_);
    } else {
      Finish(request_.code() == 0
                 ? grpc::Status::OK
                 : grpc::Status(static_cast<grpc::StatusCode>(request_.code()), "asked to end"));
    }
  }
  void OnDone() override { delete this; }

 private:
  tv1::DownloadFileRequest request_;
  tv1::DownloadFileResponse response_;
  int next_ = 0;
  bool done_ = false;
};

class TestService final : public tv1::FrontDoorTestService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Lookup(grpc::CallbackServerContext* ctx,
                                   const tv1::LookupRequest* request,
                                   tv1::LookupResponse* response) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    if (request->code() != 0) {
      reactor->Finish(
          grpc::Status(static_cast<grpc::StatusCode>(request->code()), "asked to fail"));
      return reactor;
    }
    response->set_name(request->name());
    response->set_big_number(request->big_number());
    response->set_forwarded_for(Metadata(ctx, "x-forwarded-for"));
    response->set_authorization(Metadata(ctx, "authorization"));
    response->set_request_tag(Metadata(ctx, "x-request-tag"));
    ctx->AddInitialMetadata("x-answer-tag", "lookup");
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerUnaryReactor* Change(grpc::CallbackServerContext* ctx,
                                   const tv1::ChangeRequest* request,
                                   tv1::ChangeResponse* response) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    response->set_calls(++changes);
    reactor->Finish(
        request->code() == 0
            ? grpc::Status::OK
            : grpc::Status(static_cast<grpc::StatusCode>(request->code()), "asked to fail"));
    return reactor;
  }
  grpc::ServerWriteReactor<tv1::FollowResponse>* Follow(
      grpc::CallbackServerContext*, const tv1::FollowRequest* request) override {
    return new FollowReactor(*request, &open_streams);
  }

  grpc::ServerUnaryReactor* GetFile(grpc::CallbackServerContext* ctx,
                                    const tv1::GetFileRequest* request,
                                    tv1::GetFileResponse* response) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    if (request->code() != 0) {
      reactor->Finish(
          grpc::Status(static_cast<grpc::StatusCode>(request->code()), "asked to fail"));
      return reactor;
    }
    response->set_content(request->name());
    response->set_media_type(request->media_type());
    response->set_file_name(request->name());
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerWriteReactor<tv1::DownloadFileResponse>* DownloadFile(
      grpc::CallbackServerContext*, const tv1::DownloadFileRequest* request) override {
    return new DownloadReactor(*request);
  }

  std::atomic<int> changes{0};
  std::atomic<int> open_streams{0};
};

struct HttpAnswer {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  long version = 0;                            // CURL_HTTP_VERSION_*
};

struct FetchOptions {
  bool http2 = false;
  std::vector<std::string> headers;
  long timeout_ms = 10000;
  // Stop reading once the body holds this (0: read to the end).
  std::string stop_at;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* state = static_cast<std::pair<HttpAnswer*, const FetchOptions*>*>(user);
  state->first->body.append(data, size * n);
  if (!state->second->stop_at.empty() &&
      absl::StrContains(state->first->body, state->second->stop_at)) {
    return 0;  // enough: abort the transfer
  }
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* answer = static_cast<HttpAnswer*>(user);
  const std::string line(data, size * n);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    answer->headers[absl::AsciiStrToLower(line.substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return size * n;
}

HttpAnswer Fetch(const std::string& method, const std::string& url, const std::string& body,
                 const FetchOptions& options) {
  HttpAnswer answer;
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  for (const std::string& h : options.headers) headers = curl_slist_append(headers, h.c_str());
  std::pair<HttpAnswer*, const FetchOptions*> state{&answer, &options};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST" || method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION,
                   options.http2 ? CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE : CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &answer);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &answer.version);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return answer;
}

std::string Envelope(uint8_t flags, const std::string& payload) {
  std::string out(5, '\0');
  out[0] = static_cast<char>(flags);
  const uint32_t n = static_cast<uint32_t>(payload.size());
  out[1] = static_cast<char>(n >> 24);
  out[2] = static_cast<char>(n >> 16);
  out[3] = static_cast<char>(n >> 8);
  out[4] = static_cast<char>(n);
  return out + payload;
}

// The envelopes of a Connect stream's body: (flags, payload).
std::vector<std::pair<int, std::string>> Envelopes(const std::string& body) {
  std::vector<std::pair<int, std::string>> out;
  size_t at = 0;
  while (at + 5 <= body.size()) {
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(body[at + i]); };
    const size_t n = (size_t{byte(1)} << 24) | (size_t{byte(2)} << 16) | (size_t{byte(3)} << 8) |
                     size_t{byte(4)};
    out.emplace_back(byte(0), body.substr(at + 5, n));
    at += 5 + n;
  }
  return out;
}

// The ids of the Server-Sent Events in `body`.
std::vector<std::string> EventIds(const std::string& body) {
  std::vector<std::string> ids;
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    if (absl::StartsWith(line, "id: ")) ids.emplace_back(line.substr(4));
  }
  return ids;
}

class HttpFrontDoorTest : public ::testing::TestWithParam<bool> {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }

  void SetUp() override {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.max_receive_message_bytes = 1 << 20;
    auto server = RunningServer::Start(options, {&service_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto methods = ServiceMethods::ForServices({kService});
    ASSERT_TRUE(methods.ok()) << methods.status();
    HttpFrontDoorOptions http;
    http.host = "127.0.0.1";
    http.max_body_bytes = 1 << 20;
    http.keep_alive_interval = absl::Milliseconds(200);
    http.openapi_document = R"({"openapi":"3.1.0"})";
    http.cors_origins = {"https://zhihui.example.gov.cn"};
    auto door = HttpFrontDoor::Start(http, server_->InProcessChannel(), *std::move(methods));
    ASSERT_TRUE(door.ok()) << door.status();
    door_ = *std::move(door);
  }
  void TearDown() override {
    if (door_ != nullptr) door_->Shutdown();
    if (server_ != nullptr) server_->Shutdown();
  }

  std::string Url(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", door_->port(), path);
  }
  std::string MethodUrl(const std::string& method) const {
    return Url(absl::StrCat("/", kService, "/", method));
  }
  FetchOptions Options(std::vector<std::string> headers = {}) const {
    FetchOptions options;
    options.http2 = GetParam();
    options.headers = std::move(headers);
    return options;
  }
  HttpAnswer PostJson(const std::string& method, const std::string& json,
                      std::vector<std::string> headers = {}) {
    headers.push_back("Content-Type: application/json");
    return Fetch("POST", MethodUrl(method), json, Options(std::move(headers)));
  }

  TestService service_;
  std::unique_ptr<RunningServer> server_;
  std::unique_ptr<HttpFrontDoor> door_;
};

TEST_P(HttpFrontDoorTest, UnaryJsonFollowsTheProtobufJsonMapping) {
  const HttpAnswer answer = PostJson(
      "Lookup", R"({"name": "区交通局", "bigNumber": "9007199254740993"})",
      {"Authorization: Bearer abc.def", "X-Request-Tag: t-1", "X-Forwarded-For: 203.0.113.9"});
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.version, GetParam() ? CURL_HTTP_VERSION_2_0 : CURL_HTTP_VERSION_1_1);
  EXPECT_EQ(answer.headers.at("content-type"), "application/json");
  EXPECT_EQ(answer.headers.at("x-answer-tag"), "lookup");
  const Json body = Json::parse(answer.body);
  EXPECT_EQ(body["name"], "区交通局");
  EXPECT_EQ(body["bigNumber"], "9007199254740993");  // int64 as a string, exactly
  EXPECT_EQ(body["authorization"], "Bearer abc.def");
  EXPECT_EQ(body["requestTag"], "t-1");
  // As a proxy does: the client's chain, then the TCP peer.
  EXPECT_EQ(body["forwardedFor"], "203.0.113.9, 127.0.0.1");
}

TEST_P(HttpFrontDoorTest, UnaryProtoBodiesAreTheBinaryMessage) {
  tv1::LookupRequest request;
  request.set_name("binary");
  request.set_big_number(-5);
  const HttpAnswer answer = Fetch("POST", MethodUrl("Lookup"), request.SerializeAsString(),
                                  Options({"Content-Type: application/proto"}));
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.headers.at("content-type"), "application/proto");
  tv1::LookupResponse response;
  ASSERT_TRUE(response.ParseFromString(answer.body));
  EXPECT_EQ(response.name(), "binary");
  EXPECT_EQ(response.big_number(), -5);
}

TEST_P(HttpFrontDoorTest, SideEffectFreeMethodsAnswerTheGetForm) {
  const HttpAnswer json =
      Fetch("GET", MethodUrl("Lookup?connect=v1&encoding=json&message=%7B%22name%22%3A%22g%22%7D"),
            "", Options());
  ASSERT_EQ(json.status, 200) << json.body;
  EXPECT_EQ(Json::parse(json.body)["name"], "g");

  tv1::LookupRequest request;
  request.set_name("b64");
  const HttpAnswer proto =
      Fetch("GET",
            MethodUrl(absl::StrCat("Lookup?encoding=proto&base64=1&message=",
                                   absl::WebSafeBase64Escape(request.SerializeAsString()))),
            "", Options());
  ASSERT_EQ(proto.status, 200);
  tv1::LookupResponse response;
  ASSERT_TRUE(response.ParseFromString(proto.body));
  EXPECT_EQ(response.name(), "b64");

  // A method with side effects is not called by a GET.
  const HttpAnswer change = Fetch("GET", MethodUrl("Change?encoding=json"), "", Options());
  EXPECT_EQ(change.status, 405);
  EXPECT_THAT(change.body, HasSubstr("POST"));
  EXPECT_EQ(service_.changes.load(), 0);
}

TEST_P(HttpFrontDoorTest, ErrorsAreConnectErrorsWithTheirHttpStatus) {
  HttpAnswer answer = PostJson("Lookup", R"({"code": 5})");
  EXPECT_EQ(answer.status, 404);
  EXPECT_EQ(Json::parse(answer.body)["code"], "not_found");
  EXPECT_EQ(Json::parse(answer.body)["message"], "asked to fail");

  answer = PostJson("Change", R"({"code": 7})");
  EXPECT_EQ(answer.status, 403);
  EXPECT_EQ(Json::parse(answer.body)["code"], "permission_denied");
}

TEST_P(HttpFrontDoorTest, BadRequestsAreRefusedWithoutReachingTheHandler) {
  struct Case {
    std::string what;
    HttpAnswer answer;
    long status;
    std::string code;
    std::string says;
  };
  std::vector<Case> cases;
  cases.push_back({"malformed JSON", PostJson("Change", R"({"code": )"), 400, "invalid_argument",
                   "not valid JSON for ecoplan.testing.v1.ChangeRequest"});
  cases.push_back(
      {"unknown field", PostJson("Change", R"({"codes": 1})"), 400, "invalid_argument", "codes"});
  cases.push_back(
      {"wrong type", PostJson("Change", R"({"code": "seven"})"), 400, "invalid_argument", "code"});
  cases.push_back({"wrong content type",
                   Fetch("POST", MethodUrl("Change"), "{}", Options({"Content-Type: text/plain"})),
                   415, "invalid_argument", "text/plain"});
  cases.push_back({"oversized body", PostJson("Change", std::string((1 << 20) + 10, ' ')), 413,
                   "resource_exhausted", "at most 1048576"});
  cases.push_back({"bad timeout", PostJson("Change", "{}", {"Connect-Timeout-Ms: soon"}), 400,
                   "invalid_argument", "Connect-Timeout-Ms"});
  cases.push_back(
      {"unknown method", PostJson("Vanish", "{}"), 404, "unimplemented", "no such method"});
  cases.push_back(
      {"PUT", Fetch("PUT", MethodUrl("Change"), "{}", Options()), 405, "invalid_argument", "POST"});
  for (const Case& c : cases) {
    EXPECT_EQ(c.answer.status, c.status) << c.what << ": " << c.answer.body;
    const Json body = Json::parse(c.answer.body, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(body.is_object()) << c.what << ": " << c.answer.body;
    EXPECT_EQ(body["code"], c.code) << c.what;
    EXPECT_THAT(body.value("message", ""), HasSubstr(c.says)) << c.what;
  }
  EXPECT_EQ(service_.changes.load(), 0);

  const HttpAnswer nowhere = Fetch("GET", Url("/favicon.ico"), "", Options());
  EXPECT_EQ(nowhere.status, 404);
  EXPECT_THAT(nowhere.body, HasSubstr("openapi.json"));
}

TEST_P(HttpFrontDoorTest, ServerStreamsSpeakConnectsEnvelopes) {
  const HttpAnswer answer =
      Fetch("POST", MethodUrl("Follow"), Envelope(0, R"({"afterSequence": "3", "count": "2"})"),
            Options({"Content-Type: application/connect+json"}));
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.headers.at("content-type"), "application/connect+json");
  const auto envelopes = Envelopes(answer.body);
  ASSERT_EQ(envelopes.size(), 3u) << answer.body;
  EXPECT_EQ(Json::parse(envelopes[0].second)["event"]["sequence"], "4");
  EXPECT_EQ(Json::parse(envelopes[1].second)["event"]["sequence"], "5");
  EXPECT_EQ(envelopes[2].first, 2);
  EXPECT_EQ(envelopes[2].second, "{}");

  const HttpAnswer failing =
      Fetch("POST", MethodUrl("Follow"), Envelope(0, R"({"count": "1", "code": 11})"),
            Options({"Content-Type: application/connect+json"}));
  const auto ended = Envelopes(failing.body);
  ASSERT_EQ(ended.size(), 2u);
  EXPECT_EQ(Json::parse(ended[1].second)["error"]["code"], "out_of_range");

  tv1::FollowRequest request;
  request.set_count(1);
  const HttpAnswer binary =
      Fetch("POST", MethodUrl("Follow"), Envelope(0, request.SerializeAsString()),
            Options({"Content-Type: application/connect+proto"}));
  const auto binary_envelopes = Envelopes(binary.body);
  ASSERT_EQ(binary_envelopes.size(), 2u);
  tv1::FollowResponse first;
  ASSERT_TRUE(first.ParseFromString(binary_envelopes[0].second));
  EXPECT_EQ(first.event().sequence(), 1u);
}

TEST_P(HttpFrontDoorTest, ServerSentEventsResumeAfterLastEventId) {
  const HttpAnswer first = Fetch("GET", MethodUrl("Follow?message=%7B%22count%22%3A%223%22%7D"), "",
                                 Options({"Accept: text/event-stream"}));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.headers.at("content-type"), "text/event-stream");
  EXPECT_THAT(EventIds(first.body), ::testing::ElementsAre("1", "2", "3"));
  // A text with a newline is split over data: lines, each a piece of the JSON.
  EXPECT_THAT(
      first.body,
      HasSubstr(
          "id: 1\ndata: {\"event\":{\"sequence\":\"1\",\"text\":\"event 1\\nsecond line\"}}\n\n"));

  // Reconnecting with the last id received resumes right after it.
  const HttpAnswer resumed = Fetch("GET", MethodUrl("Follow?message=%7B%22count%22%3A%222%22%7D"),
                                   "", Options({"Accept: text/event-stream", "Last-Event-ID: 3"}));
  EXPECT_THAT(EventIds(resumed.body), ::testing::ElementsAre("4", "5"));

  const HttpAnswer bad = Fetch("GET", MethodUrl("Follow"), "",
                               Options({"Accept: text/event-stream", "Last-Event-ID: three"}));
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("Last-Event-ID"));
}

TEST_P(HttpFrontDoorTest, IdleStreamsKeepAliveAndEndWhenTheClientLeaves) {
  FetchOptions options = Options({"Accept: text/event-stream"});
  options.stop_at = ": keep-alive\n\n";
  options.timeout_ms = 5000;
  const HttpAnswer answer = Fetch("GET", MethodUrl("Follow"), "", options);
  EXPECT_EQ(answer.status, 200);
  EXPECT_THAT(answer.body, StartsWith(": keep-alive\n\n"));
  // The client went away: the gRPC stream behind it is cancelled.
  for (int i = 0; i < 200 && service_.open_streams.load() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(service_.open_streams.load(), 0);
}

TEST_P(HttpFrontDoorTest, HealthAndOpenApiAreServed) {
  const HttpAnswer health = Fetch("GET", Url("/healthz"), "", Options());
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "SERVING\n");
  const HttpAnswer openapi = Fetch("GET", Url("/openapi.json"), "", Options());
  EXPECT_EQ(openapi.status, 200);
  EXPECT_EQ(Json::parse(openapi.body)["openapi"], "3.1.0");
}

TEST_P(HttpFrontDoorTest, ShutdownEndsOpenStreams) {
  std::thread client([&] {
    FetchOptions options = Options({"Accept: text/event-stream"});
    options.timeout_ms = 10000;
    Fetch("GET", MethodUrl("Follow"), "", options);
  });
  for (int i = 0; i < 200 && service_.open_streams.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(service_.open_streams.load(), 1);
  door_->Shutdown();
  client.join();
  // The server's side of the cancelled stream ends right after the client's.
  for (int i = 0; i < 200 && service_.open_streams.load() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(service_.open_streams.load(), 0);
}

TEST_P(HttpFrontDoorTest, ResourceUrlsRouteByTheirRules) {
  const HttpAnswer got =
      Fetch("GET", Url("/v1/lookups/%E5%8C%BA%E4%BA%A4%E9%80%9A%E5%B1%80?big_number=12"), "",
            Options({"Authorization: Bearer t"}));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Json::parse(got.body)["name"], "区交通局");
  EXPECT_EQ(Json::parse(got.body)["bigNumber"], "12");
  EXPECT_EQ(Json::parse(got.body)["authorization"], "Bearer t");

  const HttpAnswer changed =
      Fetch("POST", Url("/v1/changes"), "{}", Options({"Content-Type: application/json"}));
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(Json::parse(changed.body)["calls"], 1);

  // Refused as the RPC it names, without reaching its handler.
  const HttpAnswer bad_query = Fetch("GET", Url("/v1/lookups/x?big_number=many"), "", Options());
  EXPECT_EQ(bad_query.status, 400);
  EXPECT_THAT(Json::parse(bad_query.body)["message"].get<std::string>(), HasSubstr("big_number"));
  const HttpAnswer bad_body = Fetch("POST", Url("/v1/changes"), R"({"calls": 1})", Options());
  EXPECT_EQ(bad_body.status, 400);
  const HttpAnswer too_big =
      Fetch("POST", Url("/v1/changes"), std::string((1 << 20) + 1, ' '), Options());
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(service_.changes.load(), 1);

  const HttpAnswer wrong_verb = Fetch("DELETE", Url("/v1/changes"), "", Options());
  EXPECT_EQ(wrong_verb.status, 405);
  EXPECT_EQ(wrong_verb.headers.at("allow"), "POST");
  EXPECT_EQ(Fetch("GET", Url("/v1/nothing/here"), "", Options()).status, 404);
}

TEST_P(HttpFrontDoorTest, BrowserPagesOfAdmittedOriginsMayCall) {
  const HttpAnswer preflight =
      Fetch("OPTIONS", MethodUrl("Lookup"), "",
            Options({"Origin: https://zhihui.example.gov.cn", "Access-Control-Request-Method: POST",
                     "Access-Control-Request-Headers: authorization, content-type"}));
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.headers.at("access-control-allow-origin"), "https://zhihui.example.gov.cn");
  EXPECT_THAT(preflight.headers.at("access-control-allow-headers"), HasSubstr("Authorization"));

  const HttpAnswer call =
      PostJson("Lookup", R"({"name": "x"})", {"Origin: https://zhihui.example.gov.cn"});
  EXPECT_EQ(call.status, 200);
  EXPECT_EQ(call.headers.at("access-control-allow-origin"), "https://zhihui.example.gov.cn");

  const HttpAnswer stranger =
      Fetch("OPTIONS", MethodUrl("Lookup"), "",
            Options({"Origin: https://elsewhere.example", "Access-Control-Request-Method: POST"}));
  EXPECT_EQ(stranger.status, 403);
  EXPECT_EQ(stranger.headers.count("access-control-allow-origin"), 0u);
  const HttpAnswer stranger_call =
      PostJson("Lookup", R"({"name": "x"})", {"Origin: https://elsewhere.example"});
  EXPECT_EQ(stranger_call.headers.count("access-control-allow-origin"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Http1AndHttp2, HttpFrontDoorTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Http2" : "Http1";
                         });

}  // namespace
}  // namespace ecoplan::common

namespace ecoplan::common {
namespace {

TEST_P(HttpFrontDoorTest, AUnaryDownloadAnswersTheFileItself) {
  // A Chinese name: the body is its UTF-8 bytes, the file name percent-encoded.
  const HttpAnswer svg =
      Fetch("GET", Url("/v1/files/%E6%9C%88%E6%8A%A5%20v1.svg?media_type=image%2Fsvg%2Bxml"), "",
            Options());
  ASSERT_EQ(svg.status, 200) << svg.body;
  EXPECT_EQ(svg.body, "月报 v1.svg");
  EXPECT_EQ(svg.headers.at("content-type"), "image/svg+xml");
  EXPECT_EQ(svg.headers.at("content-disposition"),
            "attachment; filename*=UTF-8''%E6%9C%88%E6%8A%A5%20v1.svg");
  if (!GetParam()) {
    EXPECT_EQ(svg.headers.at("content-length"), "13");
  }

  // No media type: octet-stream. An unsafe one (a line break) likewise.
  const HttpAnswer plain = Fetch("GET", Url("/v1/files/a.bin"), "", Options());
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.headers.at("content-type"), "application/octet-stream");
  const HttpAnswer unsafe = Fetch(
      "GET", Url("/v1/files/a.bin?media_type=text%2Fplain%0D%0AX-Evil%3A%201"), "", Options());
  ASSERT_EQ(unsafe.status, 200) << unsafe.body;
  EXPECT_EQ(unsafe.headers.at("content-type"), "application/octet-stream");
  EXPECT_EQ(unsafe.headers.count("x-evil"), 0u);

  // An error keeps Connect's JSON shape and HTTP status.
  const HttpAnswer missing = Fetch("GET", Url("/v1/files/x?code=5"), "", Options());
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers.at("content-type"), "application/json");
  EXPECT_EQ(Json::parse(missing.body)["code"], "not_found");
  const HttpAnswer bad = Fetch("GET", Url("/v1/files/x?code=many"), "", Options());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json::parse(bad.body)["code"], "invalid_argument");

  // The Connect route still answers the message as JSON.
  const HttpAnswer connect = PostJson("GetFile", R"({"name": "b.svg"})");
  ASSERT_EQ(connect.status, 200) << connect.body;
  EXPECT_EQ(connect.headers.at("content-type"), "application/json");
  EXPECT_EQ(Json::parse(connect.body)["fileName"], "b.svg");
  EXPECT_EQ(connect.headers.count("content-disposition"), 0u);
}

TEST_P(HttpFrontDoorTest, AStreamingDownloadGathersTheChunks) {
  const HttpAnswer answer =
      Fetch("GET", Url("/v1/downloads/r.pdf?chunks=3&chunk_bytes=70000"), "", Options());
  ASSERT_EQ(answer.status, 200) << answer.body.substr(0, 200);
  EXPECT_EQ(answer.headers.at("content-type"), "application/pdf");
  EXPECT_EQ(answer.headers.at("content-disposition"), "attachment; filename*=UTF-8''r.pdf");
  EXPECT_EQ(answer.body,
            std::string(70000, 'a') + std::string(70000, 'b') + std::string(70000, 'c'));

  // An empty file is a file.
  const HttpAnswer empty = Fetch("GET", Url("/v1/downloads/e.pdf?chunks=0"), "", Options());
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body, "");

  // A stream that ends in an error after its chunks: the error, not a partial file.
  const HttpAnswer failed =
      Fetch("GET", Url("/v1/downloads/f.pdf?chunks=2&chunk_bytes=10&code=14"), "", Options());
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(failed.headers.at("content-type"), "application/json");
  EXPECT_EQ(Json::parse(failed.body)["code"], "unavailable");
  EXPECT_EQ(failed.headers.count("content-disposition"), 0u);

  // A bad query is refused as the RPC, before any stream starts.
  const HttpAnswer bad = Fetch("GET", Url("/v1/downloads/b.pdf?chunks=many"), "", Options());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json::parse(bad.body)["code"], "invalid_argument");

  // Only GET; the Connect streaming route still streams the messages.
  EXPECT_EQ(Fetch("POST", Url("/v1/downloads/r.pdf"), "{}", Options()).status, 405);
  const HttpAnswer connect =
      Fetch("POST", MethodUrl("DownloadFile"),
            Envelope(0, R"({"name": "c.pdf", "chunks": 1, "chunkBytes": 3})"),
            Options({"Content-Type: application/connect+json"}));
  ASSERT_EQ(connect.status, 200);
  const auto envelopes = Envelopes(connect.body);
  ASSERT_EQ(envelopes.size(), 4u) << connect.body;
  EXPECT_EQ(Json::parse(envelopes[1].second)["chunk"], "YWFh");  // base64 of "aaa"
  EXPECT_EQ(Json::parse(envelopes[2].second)["done"]["fileName"], "c.pdf");
}

TEST_P(HttpFrontDoorTest, AStreamingDownloadOver64MiBIsRefused) {
  if (GetParam()) GTEST_SKIP() << "the limit does not depend on the HTTP version";
  // 130 chunks of 512 KiB: 65 MiB.
  FetchOptions options = Options();
  options.timeout_ms = 60000;
  const HttpAnswer answer =
      Fetch("GET", Url(absl::StrCat("/v1/downloads/big.pdf?chunks=130&chunk_bytes=", 512 << 10)),
            "", options);
  EXPECT_EQ(answer.status, 500);
  EXPECT_EQ(Json::parse(answer.body)["code"], "resource_exhausted");
  EXPECT_THAT(Json::parse(answer.body)["message"].get<std::string>(), HasSubstr("64 MiB"));
}

}  // namespace
}  // namespace ecoplan::common
