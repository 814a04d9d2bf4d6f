#pragma once

// The wire rules of the Connect protocol (connectrpc.com/docs/protocol) and of
// Server-Sent Events that the HTTP front door speaks, as pure functions: no
// sockets, no HTTP library, no gRPC call. The front door
// (common/http/http_front_door.h) strings them together.
//
//   Codec codec = UnaryCodecOf("application/json; charset=utf-8");  // kJson
//   int http = HttpStatusOf(grpc::StatusCode::NOT_FOUND);            // 404
//   std::string body = ErrorJson(grpc::StatusCode::NOT_FOUND, "no plan p1");
//   // {"code":"not_found","message":"no plan p1"}

#include <grpcpp/support/status.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ecoplan::common {

// How a message is written on the wire.
enum class Codec { kJson, kProto };

// The codec of a unary request's Content-Type ("application/json",
// "application/json; charset=utf-8", "application/proto"); nullopt for any
// other type (answered 415).
std::optional<Codec> UnaryCodecOf(absl::string_view content_type);
// The codec of a streaming request's Content-Type ("application/connect+json",
// "application/connect+proto"); nullopt for any other.
std::optional<Codec> StreamCodecOf(absl::string_view content_type);
// "application/json" / "application/proto".
absl::string_view UnaryContentType(Codec codec);
// "application/connect+json" / "application/connect+proto".
absl::string_view StreamContentType(Codec codec);

// Connect's name of a gRPC code ("invalid_argument"); "unknown" for OK.
absl::string_view ConnectCodeName(grpc::StatusCode code);
// The HTTP status Connect answers a unary error with (e.g. NOT_FOUND → 404,
// UNAUTHENTICATED → 401, RESOURCE_EXHAUSTED → 429, UNIMPLEMENTED → 501).
int HttpStatusOf(grpc::StatusCode code);
// The reason phrase of an HTTP status this server answers ("Not Found").
absl::string_view ReasonPhrase(int http_status);

// A Connect error body: {"code":"…","message":"…"} (message omitted when
// empty). The services send no error details, so there are none to carry.
std::string ErrorJson(grpc::StatusCode code, absl::string_view message);

// The end-of-stream message of a Connect stream: {} on success,
// {"error": {…}} otherwise, plus "metadata" of the trailers (lower-case names).
std::string EndStreamJson(const grpc::Status& status,
                          const std::vector<std::pair<std::string, std::string>>& trailers);

// Connect's envelope: one flags byte, a 4-byte big-endian length, the payload.
inline constexpr uint8_t kEnvelopeEndStream = 0x02;
inline constexpr uint8_t kEnvelopeCompressed = 0x01;
std::string Envelope(uint8_t flags, absl::string_view payload);
// The single message of a server-streaming request body. InvalidArgument when
// the body is not exactly one uncompressed envelope.
absl::StatusOr<std::string> SingleEnvelopePayload(absl::string_view body);

// Connect-Timeout-Ms: at most 10 digits of milliseconds. InvalidArgument otherwise.
absl::StatusOr<absl::Duration> ParseTimeoutMs(absl::string_view header);

// Percent-decodes a URL component ("+" is a space in query strings when
// `plus_is_space`). InvalidArgument for a bad escape.
absl::StatusOr<std::string> PercentDecode(absl::string_view in, bool plus_is_space);
// The name=value pairs of a query string, decoded, in order. InvalidArgument
// for a bad escape.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseQuery(
    absl::string_view query);

// The request message of Connect's GET form (?connect=v1&encoding=json&message=…[&base64=1]):
// its codec and bytes. InvalidArgument naming the problem (missing or unknown
// encoding, compression, bad base64, unknown parameter).
struct GetFormRequest {
  Codec codec = Codec::kJson;
  std::string message;
};
absl::StatusOr<GetFormRequest> ParseGetForm(absl::string_view query);

// One Server-Sent Event: "id: <id>\n" (when not empty), "event: <event>\n"
// (when not empty), "data: <data>\n" per line of `data`, then a blank line.
std::string SseEvent(absl::string_view id, absl::string_view event, absl::string_view data);

// Whether an HTTP header may travel as gRPC metadata from a caller: the
// authorization header and the caller's own "x-…" headers (lower-case),
// except x-forwarded-* which the front door sets itself. Hop-by-hop, content
// and Connect's own headers stay on the HTTP side.
bool ForwardedAsMetadata(absl::string_view lower_case_name);

}  // namespace ecoplan::common
