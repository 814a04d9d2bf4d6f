#include "common/http/front_door_request.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "ecoplan/testing/v1/front_door_test_service.pb.h"

namespace ecoplan::common {
namespace {

namespace tv1 = ::ecoplan::testing::v1;

constexpr size_t kMaxBody = 1024;

class FrontDoorRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Names the generated file, so that its descriptors are linked in.
    ASSERT_EQ(tv1::LookupRequest::descriptor()->file()->service(0)->full_name(),
              "ecoplan.testing.v1.FrontDoorTestService");
    auto methods = ServiceMethods::ForServices({"ecoplan.testing.v1.FrontDoorTestService"});
    ASSERT_TRUE(methods.ok()) << methods.status();
    methods_ = *std::move(methods);
  }

  const HttpMethod& Method(const std::string& name) const {
    const HttpMethod* m = methods_->Find("/ecoplan.testing.v1.FrontDoorTestService/" + name);
    EXPECT_NE(m, nullptr) << name;
    return *m;
  }

  FrontDoorCall Decode(const std::string& method, const FrontDoorRequest& request) const {
    return DecodeRpcRequest(*methods_, Method(method), request, kMaxBody);
  }

  static FrontDoorRequest Post(absl::string_view content_type, absl::string_view body) {
    FrontDoorRequest r;
    r.verb = "POST";
    r.content_type = std::string(content_type);
    r.body = body;
    return r;
  }

  static FrontDoorRequest Get(absl::string_view query, absl::string_view accept = "") {
    FrontDoorRequest r;
    r.verb = "GET";
    r.query = query;
    r.accept = std::string(accept);
    return r;
  }

  std::unique_ptr<ServiceMethods> methods_;
};

void ExpectRefused(const FrontDoorCall& call, int http_status, grpc::StatusCode code,
                   absl::string_view says) {
  ASSERT_TRUE(call.refusal.has_value());
  EXPECT_EQ(call.refusal->http_status, http_status);
  EXPECT_EQ(call.refusal->code, code);
  EXPECT_TRUE(absl::StrContains(call.refusal->message, says)) << call.refusal->message;
  EXPECT_EQ(call.mode, FrontDoorMode::kUnary) << "a refusal is answered as a unary call";
  EXPECT_TRUE(call.binary.empty());
}

TEST_F(FrontDoorRequestTest, APostOfJsonOrProtoIsAUnaryCallOfItsMessage) {
  FrontDoorCall call = Decode(
      "Lookup", Post("application/json", R"({"name":"区交通局","bigNumber":"9007199254740993"})"));
  ASSERT_FALSE(call.refusal.has_value()) << call.refusal->message;
  EXPECT_EQ(call.mode, FrontDoorMode::kUnary);
  EXPECT_EQ(call.codec, Codec::kJson);
  tv1::LookupRequest lookup;
  ASSERT_TRUE(lookup.ParseFromString(call.binary));
  EXPECT_EQ(lookup.name(), "区交通局");
  EXPECT_EQ(lookup.big_number(), 9007199254740993);
  EXPECT_FALSE(call.timeout.has_value());

  // An empty JSON body is the empty message.
  call = Decode("Change", Post("application/json; charset=utf-8", ""));
  ASSERT_FALSE(call.refusal.has_value()) << call.refusal->message;
  EXPECT_EQ(call.binary, "");

  tv1::LookupRequest binary;
  binary.set_name("永定镇");
  const std::string bytes = binary.SerializeAsString();
  call = Decode("Lookup", Post("application/proto", bytes));
  ASSERT_FALSE(call.refusal.has_value());
  EXPECT_EQ(call.codec, Codec::kProto);
  EXPECT_EQ(call.binary, bytes) << "proto bytes are passed on as they are";
}

TEST_F(FrontDoorRequestTest, AGetFormIsServedOnlyForMethodsWithoutSideEffects) {
  FrontDoorCall call = Decode("Lookup", Get("encoding=json&message=%7B%22name%22%3A%22a%22%7D"));
  ASSERT_FALSE(call.refusal.has_value()) << call.refusal->message;
  tv1::LookupRequest lookup;
  ASSERT_TRUE(lookup.ParseFromString(call.binary));
  EXPECT_EQ(lookup.name(), "a");

  ExpectRefused(Decode("Change", Get("encoding=json&message=%7B%7D")), 405,
                grpc::StatusCode::INVALID_ARGUMENT, "changes state: call it with POST");
  ExpectRefused(Decode("Lookup", Get("encoding=json&message=%7B")), 400,
                grpc::StatusCode::INVALID_ARGUMENT, "");
  ExpectRefused(Decode("Lookup", Get("encoding=json&message=%7B%7D&connect=v2")), 400,
                grpc::StatusCode::INVALID_ARGUMENT, "only v1 is spoken");
}

TEST_F(FrontDoorRequestTest, WrongVerbsContentTypesAndBodiesAreRefusedNamingTheProblem) {
  FrontDoorRequest put = Post("application/json", "{}");
  put.verb = "PUT";
  ExpectRefused(Decode("Change", put), 405, grpc::StatusCode::INVALID_ARGUMENT,
                "PUT is not served: use POST");
  EXPECT_TRUE(absl::EndsWith(Decode("Lookup", put).refusal->message, "use POST or GET"));

  ExpectRefused(Decode("Lookup", Post("text/plain", "{}")), 415, grpc::StatusCode::INVALID_ARGUMENT,
                "not \"text/plain\"");
  ExpectRefused(Decode("Lookup", Post("application/json", R"({"name": 3})")), 400,
                grpc::StatusCode::INVALID_ARGUMENT, "");
  ExpectRefused(Decode("Lookup", Post("application/json", R"({"nickname":"x"})")), 400,
                grpc::StatusCode::INVALID_ARGUMENT, "nickname");

  const std::string large(kMaxBody + 1, ' ');
  ExpectRefused(Decode("Lookup", Post("application/json", large)), 413,
                grpc::StatusCode::RESOURCE_EXHAUSTED,
                "the request body is 1025 bytes; at most 1024 are accepted");
  // Exactly the limit is accepted.
  const std::string at_limit = std::string(kMaxBody - 2, ' ') + "{}";
  EXPECT_FALSE(Decode("Lookup", Post("application/json", at_limit)).refusal.has_value());
}

TEST_F(FrontDoorRequestTest, TheProtocolVersionAndTheTimeoutAreChecked) {
  FrontDoorRequest r = Post("application/json", "{}");
  r.connect_protocol_version = "1";
  r.connect_timeout_ms = "1500";
  FrontDoorCall call = Decode("Lookup", r);
  ASSERT_FALSE(call.refusal.has_value()) << call.refusal->message;
  ASSERT_TRUE(call.timeout.has_value());
  EXPECT_EQ(*call.timeout, absl::Milliseconds(1500));

  r.connect_protocol_version = "2";
  ExpectRefused(Decode("Lookup", r), 400, grpc::StatusCode::INVALID_ARGUMENT,
                "Connect-Protocol-Version must be 1");
  r.connect_protocol_version = "";
  r.connect_timeout_ms = "soon";
  ExpectRefused(Decode("Lookup", r), 400, grpc::StatusCode::INVALID_ARGUMENT, "");
  r.connect_timeout_ms = "12345678901";
  ExpectRefused(Decode("Lookup", r), 400, grpc::StatusCode::INVALID_ARGUMENT, "");
}

TEST_F(FrontDoorRequestTest, AStreamIsFollowedAsServerSentEventsResumingAfterTheLastEventId) {
  FrontDoorRequest r = Get("message=%7B%22count%22%3A3%7D", "text/html, Text/Event-Stream");
  r.last_event_id = "7";
  FrontDoorCall call = Decode("Follow", r);
  ASSERT_FALSE(call.refusal.has_value()) << call.refusal->message;
  EXPECT_EQ(call.mode, FrontDoorMode::kSse);
  EXPECT_EQ(call.codec, Codec::kJson);
  tv1::FollowRequest follow;
  ASSERT_TRUE(follow.ParseFromString(call.binary));
  EXPECT_EQ(follow.count(), 3u);
  EXPECT_EQ(follow.after_sequence(), 7u) << "Last-Event-ID sets the resume field";

  // No query: the empty request.
  call = Decode("Follow", Get("", "text/event-stream"));
  ASSERT_FALSE(call.refusal.has_value());
  EXPECT_EQ(call.binary, "");

  r.last_event_id = "seven";
  ExpectRefused(Decode("Follow", r), 400, grpc::StatusCode::INVALID_ARGUMENT, "Last-Event-ID: ");
  ExpectRefused(Decode("Follow", Get("after=3", "text/event-stream")), 400,
                grpc::StatusCode::INVALID_ARGUMENT,
                "unknown query parameter \"after\": the request goes in ?message=<JSON>");
  ExpectRefused(Decode("Follow", Get("message=%7B%22count%22%3A%22x%22%7D", "text/event-stream")),
                400, grpc::StatusCode::INVALID_ARGUMENT, "");
}

TEST_F(FrontDoorRequestTest, AStreamPostedInAConnectEnvelopeIsAConnectStream) {
  tv1::FollowRequest follow;
  follow.set_count(2);
  FrontDoorCall call =
      Decode("Follow", Post("application/connect+proto", Envelope(0, follow.SerializeAsString())));
  ASSERT_FALSE(call.refusal.has_value()) << call.refusal->message;
  EXPECT_EQ(call.mode, FrontDoorMode::kConnectStream);
  EXPECT_EQ(call.codec, Codec::kProto);
  EXPECT_EQ(call.binary, follow.SerializeAsString());

  call = Decode("Follow", Post("application/connect+json", Envelope(0, R"({"count":"2"})")));
  ASSERT_FALSE(call.refusal.has_value()) << call.refusal->message;
  EXPECT_EQ(call.mode, FrontDoorMode::kConnectStream);
  EXPECT_EQ(call.codec, Codec::kJson);
  ASSERT_TRUE(follow.ParseFromString(call.binary));
  EXPECT_EQ(follow.count(), 2u);

  ExpectRefused(Decode("Follow", Post("application/connect+json", std::string("\x00\x00\x00", 3))),
                400, grpc::StatusCode::INVALID_ARGUMENT, "");
  ExpectRefused(Decode("Follow", Post("application/json", "{}")), 415,
                grpc::StatusCode::INVALID_ARGUMENT,
                "a stream takes Content-Type application/connect+json or "
                "application/connect+proto, not \"application/json\"");
  ExpectRefused(Decode("Follow", Get("")), 405, grpc::StatusCode::INVALID_ARGUMENT,
                "follow this stream with Accept: text/event-stream");
  // A stream without event ids is not followed as Server-Sent Events.
  ExpectRefused(Decode("DownloadFile", Get("", "text/event-stream")), 405,
                grpc::StatusCode::INVALID_ARGUMENT,
                "this stream is served over POST with application/connect+json");
}

TEST(LooksLikeRpcPathTest, OnlyAPackagedServiceAndOneMethod) {
  EXPECT_TRUE(LooksLikeRpcPath("/ecoplan.registry.v1.RegistryService/GetPlan"));
  EXPECT_TRUE(LooksLikeRpcPath("/a.B/c"));
  EXPECT_FALSE(LooksLikeRpcPath("/RegistryService/GetPlan")) << "no package";
  EXPECT_FALSE(LooksLikeRpcPath("/v1/plans/x/measures")) << "a resource URL";
  EXPECT_FALSE(LooksLikeRpcPath("/a.B/"));
  EXPECT_FALSE(LooksLikeRpcPath("a.B/c"));
  EXPECT_FALSE(LooksLikeRpcPath("/a.B"));
}

}  // namespace
}  // namespace ecoplan::common
