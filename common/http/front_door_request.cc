#include "common/http/front_door_request.h"

#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ecoplan::common {
namespace {

FrontDoorCall Refused(int http_status, grpc::StatusCode code, std::string message) {
  FrontDoorCall call;
  call.refusal = FrontDoorRefusal{http_status, code, std::move(message)};
  return call;
}

// `body` as a binary message of the method's input type in `codec` (JSON
// "" reads as {}), or the refusal naming what does not parse.
FrontDoorCall DecodeBody(const ServiceMethods& methods, const HttpMethod& method, Codec codec,
                         absl::string_view body) {
  FrontDoorCall call;
  call.codec = codec;
  if (codec == Codec::kProto) {
    call.binary = std::string(body);
    return call;
  }
  absl::StatusOr<std::string> binary =
      methods.JsonToBinary(method.descriptor->input_type(), body.empty() ? "{}" : body);
  if (!binary.ok()) {
    return Refused(400, grpc::StatusCode::INVALID_ARGUMENT, std::string(binary.status().message()));
  }
  call.binary = *std::move(binary);
  return call;
}

// A server stream followed as Server-Sent Events: the request from
// ?message=<JSON> (as in Connect's GET form), resumed after Last-Event-ID.
FrontDoorCall DecodeSse(const ServiceMethods& methods, const HttpMethod& method,
                        const FrontDoorRequest& request) {
  FrontDoorCall call = DecodeBody(methods, method, Codec::kJson, "{}");
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> pairs =
      ParseQuery(request.query);
  if (!pairs.ok()) {
    return Refused(400, grpc::StatusCode::INVALID_ARGUMENT, std::string(pairs.status().message()));
  }
  for (const auto& [name, value] : *pairs) {
    if (name == "message") {
      call = DecodeBody(methods, method, Codec::kJson, value);
    } else if (name != "encoding" && name != "connect") {
      return Refused(400, grpc::StatusCode::INVALID_ARGUMENT,
                     absl::StrCat("unknown query parameter \"", name.substr(0, 64),
                                  "\": the request goes in ?message=<JSON>"));
    }
  }
  if (call.refusal || request.last_event_id.empty() || method.resume_field.empty()) return call;
  absl::StatusOr<std::string> resumed = ServiceMethods::WithField(
      method.descriptor->input_type(), call.binary, method.resume_field, request.last_event_id);
  if (!resumed.ok()) {
    return Refused(400, grpc::StatusCode::INVALID_ARGUMENT,
                   absl::StrCat("Last-Event-ID: ", resumed.status().message()));
  }
  call.binary = *std::move(resumed);
  return call;
}

FrontDoorCall DecodeStream(const ServiceMethods& methods, const HttpMethod& method,
                           const FrontDoorRequest& request) {
  const bool get = request.verb == "GET";
  if (get && !method.event_id_field.empty() &&
      absl::StrContains(absl::AsciiStrToLower(request.accept), "text/event-stream")) {
    FrontDoorCall call = DecodeSse(methods, method, request);
    if (!call.refusal) call.mode = FrontDoorMode::kSse;
    return call;
  }
  if (request.verb == "POST") {
    if (const std::optional<Codec> codec = StreamCodecOf(request.content_type)) {
      absl::StatusOr<std::string> payload = SingleEnvelopePayload(request.body);
      if (!payload.ok()) {
        return Refused(400, grpc::StatusCode::INVALID_ARGUMENT,
                       std::string(payload.status().message()));
      }
      FrontDoorCall call = DecodeBody(methods, method, *codec, *payload);
      if (!call.refusal) call.mode = FrontDoorMode::kConnectStream;
      return call;
    }
  }
  if (get) {
    return Refused(405, grpc::StatusCode::INVALID_ARGUMENT,
                   method.event_id_field.empty()
                       ? "this stream is served over POST with application/connect+json"
                       : "follow this stream with Accept: text/event-stream, or POST "
                         "application/connect+json");
  }
  return Refused(415, grpc::StatusCode::INVALID_ARGUMENT,
                 absl::StrCat("a stream takes Content-Type application/connect+json or "
                              "application/connect+proto, not \"",
                              request.content_type.substr(0, 64), "\""));
}

FrontDoorCall DecodeUnary(const ServiceMethods& methods, const HttpMethod& method,
                          const FrontDoorRequest& request) {
  if (request.verb == "GET") {
    if (!method.no_side_effects) {
      return Refused(405, grpc::StatusCode::INVALID_ARGUMENT,
                     "this method changes state: call it with POST");
    }
    absl::StatusOr<GetFormRequest> form = ParseGetForm(request.query);
    if (!form.ok()) {
      return Refused(400, grpc::StatusCode::INVALID_ARGUMENT, std::string(form.status().message()));
    }
    return DecodeBody(methods, method, form->codec, form->message);
  }
  if (request.verb == "POST") {
    const std::optional<Codec> codec = UnaryCodecOf(request.content_type);
    if (!codec.has_value()) {
      return Refused(415, grpc::StatusCode::INVALID_ARGUMENT,
                     absl::StrCat("Content-Type must be application/json or application/proto, "
                                  "not \"",
                                  request.content_type.substr(0, 64), "\""));
    }
    return DecodeBody(methods, method, *codec, request.body);
  }
  return Refused(405, grpc::StatusCode::INVALID_ARGUMENT,
                 absl::StrCat(request.verb.substr(0, 16), " is not served: use POST",
                              method.no_side_effects ? " or GET" : ""));
}

}  // namespace

FrontDoorRefusal BodyTooLarge(size_t size, size_t max_body_bytes) {
  return FrontDoorRefusal{413, grpc::StatusCode::RESOURCE_EXHAUSTED,
                          absl::StrCat("the request body is ", size, " bytes; at most ",
                                       max_body_bytes, " are accepted")};
}

FrontDoorCall DecodeRpcRequest(const ServiceMethods& methods, const HttpMethod& method,
                               const FrontDoorRequest& request, size_t max_body_bytes) {
  if (request.body.size() > max_body_bytes) {
    FrontDoorCall call;
    call.refusal = BodyTooLarge(request.body.size(), max_body_bytes);
    return call;
  }
  FrontDoorCall call = method.server_streaming ? DecodeStream(methods, method, request)
                                               : DecodeUnary(methods, method, request);
  if (call.refusal) return call;
  if (!request.connect_protocol_version.empty() && request.connect_protocol_version != "1") {
    return Refused(400, grpc::StatusCode::INVALID_ARGUMENT, "Connect-Protocol-Version must be 1");
  }
  if (!request.connect_timeout_ms.empty()) {
    absl::StatusOr<absl::Duration> timeout = ParseTimeoutMs(request.connect_timeout_ms);
    if (!timeout.ok()) {
      return Refused(400, grpc::StatusCode::INVALID_ARGUMENT,
                     std::string(timeout.status().message()));
    }
    call.timeout = *timeout;
  }
  return call;
}

bool LooksLikeRpcPath(absl::string_view path) {
  if (path.size() < 4 || path[0] != '/') return false;
  const size_t slash = path.find('/', 1);
  if (slash == absl::string_view::npos || slash + 1 >= path.size()) return false;
  const absl::string_view service = path.substr(1, slash - 1);
  const absl::string_view method = path.substr(slash + 1);
  return absl::StrContains(service, '.') && !absl::StrContains(method, '/');
}

}  // namespace ecoplan::common
