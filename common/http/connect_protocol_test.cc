#include "common/http/connect_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ecoplan::common {
namespace {

using ::testing::HasSubstr;

TEST(ConnectProtocolTest, ContentTypesChooseTheCodec) {
  EXPECT_EQ(UnaryCodecOf("application/json"), Codec::kJson);
  EXPECT_EQ(UnaryCodecOf("Application/JSON; charset=utf-8"), Codec::kJson);
  EXPECT_EQ(UnaryCodecOf("application/proto"), Codec::kProto);
  EXPECT_EQ(UnaryCodecOf("application/json; charset=latin1"), std::nullopt);
  EXPECT_EQ(UnaryCodecOf("text/plain"), std::nullopt);
  EXPECT_EQ(UnaryCodecOf(""), std::nullopt);
  EXPECT_EQ(UnaryCodecOf("application/connect+json"), std::nullopt);
  EXPECT_EQ(StreamCodecOf("application/connect+json"), Codec::kJson);
  EXPECT_EQ(StreamCodecOf("application/connect+proto"), Codec::kProto);
  EXPECT_EQ(StreamCodecOf("application/json"), std::nullopt);
}

TEST(ConnectProtocolTest, EveryCodeHasConnectsNameAndHttpStatus) {
  struct Row {
    grpc::StatusCode code;
    const char* name;
    int http;
  };
  const Row rows[] = {
      {grpc::StatusCode::CANCELLED, "canceled", 499},
      {grpc::StatusCode::UNKNOWN, "unknown", 500},
      {grpc::StatusCode::INVALID_ARGUMENT, "invalid_argument", 400},
      {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline_exceeded", 504},
      {grpc::StatusCode::NOT_FOUND, "not_found", 404},
      {grpc::StatusCode::ALREADY_EXISTS, "already_exists", 409},
      {grpc::StatusCode::PERMISSION_DENIED, "permission_denied", 403},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, "resource_exhausted", 429},
      {grpc::StatusCode::FAILED_PRECONDITION, "failed_precondition", 400},
      {grpc::StatusCode::ABORTED, "aborted", 409},
      {grpc::StatusCode::OUT_OF_RANGE, "out_of_range", 400},
      {grpc::StatusCode::UNIMPLEMENTED, "unimplemented", 501},
      {grpc::StatusCode::INTERNAL, "internal", 500},
      {grpc::StatusCode::UNAVAILABLE, "unavailable", 503},
      {grpc::StatusCode::DATA_LOSS, "data_loss", 500},
      {grpc::StatusCode::UNAUTHENTICATED, "unauthenticated", 401},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(ConnectCodeName(row.code), row.name);
    EXPECT_EQ(HttpStatusOf(row.code), row.http) << row.name;
  }
}

TEST(ConnectProtocolTest, ErrorBodiesAreConnectsJson) {
  const auto error = nlohmann::json::parse(ErrorJson(grpc::StatusCode::NOT_FOUND, "没有计划 p1"));
  EXPECT_EQ(error["code"], "not_found");
  EXPECT_EQ(error["message"], "没有计划 p1");
  EXPECT_FALSE(
      nlohmann::json::parse(ErrorJson(grpc::StatusCode::INTERNAL, "")).contains("message"));
  // Bytes that are not UTF-8 never break the JSON.
  EXPECT_NO_THROW(nlohmann::json::parse(ErrorJson(grpc::StatusCode::INTERNAL, "bad \xff")));
}

TEST(ConnectProtocolTest, EndOfStreamCarriesTheErrorAndTrailers) {
  EXPECT_EQ(EndStreamJson(grpc::Status::OK, {}), "{}");
  const auto end = nlohmann::json::parse(EndStreamJson(
      grpc::Status(grpc::StatusCode::OUT_OF_RANGE, "beyond 7"), {{"ecoplan-last-sequence", "7"}}));
  EXPECT_EQ(end["error"]["code"], "out_of_range");
  EXPECT_EQ(end["error"]["message"], "beyond 7");
  EXPECT_EQ(end["metadata"]["ecoplan-last-sequence"][0], "7");
}

TEST(ConnectProtocolTest, EnvelopesRoundTripAndBadOnesAreRefused) {
  const std::string envelope = Envelope(0, "{\"a\":1}");
  ASSERT_EQ(envelope.size(), 5u + 7u);
  EXPECT_EQ(envelope.substr(0, 5), std::string("\0\0\0\0\x07", 5));
  auto payload = SingleEnvelopePayload(envelope);
  ASSERT_TRUE(payload.ok()) << payload.status();
  EXPECT_EQ(*payload, "{\"a\":1}");
  EXPECT_EQ(static_cast<uint8_t>(Envelope(kEnvelopeEndStream, "{}")[0]), 2);

  EXPECT_THAT(SingleEnvelopePayload("abc").status().message(), HasSubstr("one enveloped"));
  EXPECT_THAT(SingleEnvelopePayload(Envelope(0, "{}") + "x").status().message(),
              HasSubstr("says 2 bytes"));
  std::string compressed = Envelope(0, "{}");
  compressed[0] = kEnvelopeCompressed;
  EXPECT_THAT(SingleEnvelopePayload(compressed).status().message(), HasSubstr("compressed"));
}

TEST(ConnectProtocolTest, TimeoutsAreMillisecondsOfAtMostTenDigits) {
  EXPECT_EQ(*ParseTimeoutMs("1500"), absl::Milliseconds(1500));
  EXPECT_FALSE(ParseTimeoutMs("").ok());
  EXPECT_FALSE(ParseTimeoutMs("-1").ok());
  EXPECT_FALSE(ParseTimeoutMs("1.5").ok());
  EXPECT_FALSE(ParseTimeoutMs("12345678901").ok());
}

TEST(ConnectProtocolTest, QueriesAreDecoded) {
  auto pairs = ParseQuery("a=1&b=%E5%8C%BA+x&c&&d=%7B%7D");
  ASSERT_TRUE(pairs.ok());
  ASSERT_EQ(pairs->size(), 4u);
  EXPECT_EQ((*pairs)[1].second, "区 x");
  EXPECT_EQ((*pairs)[2].first, "c");
  EXPECT_EQ((*pairs)[2].second, "");
  EXPECT_EQ((*pairs)[3].second, "{}");
  EXPECT_FALSE(ParseQuery("a=%ZZ").ok());
  EXPECT_FALSE(ParseQuery("a=%4").ok());
}

TEST(ConnectProtocolTest, TheGetFormGivesTheMessage) {
  auto json = ParseGetForm("connect=v1&encoding=json&message=%7B%22name%22%3A%22x%22%7D");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->codec, Codec::kJson);
  EXPECT_EQ(json->message, "{\"name\":\"x\"}");

  // Binary, URL-safe base64 without padding: field 1 = "x".
  auto proto = ParseGetForm("encoding=proto&base64=1&message=CgF4");
  ASSERT_TRUE(proto.ok()) << proto.status();
  EXPECT_EQ(proto->codec, Codec::kProto);
  EXPECT_EQ(proto->message, std::string("\x0a\x01x", 3));

  EXPECT_EQ(ParseGetForm("encoding=json")->message, "{}");
  EXPECT_THAT(ParseGetForm("message=%7B%7D").status().message(), HasSubstr("encoding="));
  EXPECT_THAT(ParseGetForm("encoding=json&connect=v2").status().message(), HasSubstr("v1"));
  EXPECT_THAT(ParseGetForm("encoding=json&compression=gzip").status().message(), HasSubstr("gzip"));
  EXPECT_THAT(ParseGetForm("encoding=json&plan=p1").status().message(), HasSubstr("\"plan\""));
  EXPECT_THAT(ParseGetForm("encoding=proto&base64=1&message=***").status().message(),
              HasSubstr("base64"));
}

TEST(ConnectProtocolTest, ServerSentEventsSplitDataOverLines) {
  EXPECT_EQ(SseEvent("7", "", "{\"a\":1}"), "id: 7\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(SseEvent("", "error", "a\nb"), "event: error\ndata: a\ndata: b\n\n");
}

TEST(ConnectProtocolTest, OnlyTheCallersOwnHeadersBecomeMetadata) {
  EXPECT_TRUE(ForwardedAsMetadata("authorization"));
  EXPECT_TRUE(ForwardedAsMetadata("x-request-tag"));
  EXPECT_FALSE(ForwardedAsMetadata("x-forwarded-for"));
  EXPECT_FALSE(ForwardedAsMetadata("ecoplan-front-door-proof"));
  EXPECT_FALSE(ForwardedAsMetadata("content-type"));
  EXPECT_FALSE(ForwardedAsMetadata("connect-timeout-ms"));
  EXPECT_FALSE(ForwardedAsMetadata("grpc-timeout"));
  EXPECT_FALSE(ForwardedAsMetadata("host"));
}

}  // namespace
}  // namespace ecoplan::common
