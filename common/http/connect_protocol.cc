#include "common/http/connect_protocol.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ecoplan::common {
namespace {

// The media type without parameters, lower-cased, and whether its charset
// parameter (if any) is utf-8.
std::pair<std::string, bool> MediaType(absl::string_view content_type) {
  std::vector<absl::string_view> parts = absl::StrSplit(content_type, ';');
  std::string type = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
  bool utf8 = true;
  for (size_t i = 1; i < parts.size(); ++i) {
    absl::string_view param = absl::StripAsciiWhitespace(parts[i]);
    if (absl::StartsWithIgnoreCase(param, "charset=")) {
      absl::string_view charset = param.substr(8);
      charset = absl::StripPrefix(absl::StripSuffix(charset, "\""), "\"");
      utf8 = absl::EqualsIgnoreCase(charset, "utf-8") || absl::EqualsIgnoreCase(charset, "utf8");
    }
  }
  return {type, utf8};
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Codec> UnaryCodecOf(absl::string_view content_type) {
  auto [type, utf8] = MediaType(content_type);
  if (type == "application/json" && utf8) return Codec::kJson;
  if (type == "application/proto") return Codec::kProto;
  return std::nullopt;
}

std::optional<Codec> StreamCodecOf(absl::string_view content_type) {
  auto [type, utf8] = MediaType(content_type);
  if (type == "application/connect+json" && utf8) return Codec::kJson;
  if (type == "application/connect+proto") return Codec::kProto;
  return std::nullopt;
}

absl::string_view UnaryContentType(Codec codec) {
  return codec == Codec::kJson ? "application/json" : "application/proto";
}

absl::string_view StreamContentType(Codec codec) {
  return codec == Codec::kJson ? "application/connect+json" : "application/connect+proto";
}

absl::string_view ConnectCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return "canceled";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "invalid_argument";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "deadline_exceeded";
    case grpc::StatusCode::NOT_FOUND:
      return "not_found";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "already_exists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "permission_denied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "resource_exhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "failed_precondition";
    case grpc::StatusCode::ABORTED:
      return "aborted";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "out_of_range";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "unimplemented";
    case grpc::StatusCode::INTERNAL:
      return "internal";
    case grpc::StatusCode::UNAVAILABLE:
      return "unavailable";
    case grpc::StatusCode::DATA_LOSS:
      return "data_loss";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "unauthenticated";
    default:
      return "unknown";
  }
}

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    default:  // UNKNOWN, INTERNAL, DATA_LOSS
      return 500;
  }
}

absl::string_view ReasonPhrase(int http_status) {
  switch (http_status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 499:
      return "Client Closed Request";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return http_status < 500 ? "Bad Request" : "Internal Server Error";
  }
}

namespace {

nlohmann::json ErrorObject(grpc::StatusCode code, absl::string_view message) {
  nlohmann::json error = {{"code", std::string(ConnectCodeName(code))}};
  if (!message.empty()) error["message"] = std::string(message);
  return error;
}

// JSON text that never throws on bytes that are not UTF-8 (they are replaced).
std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string ErrorJson(grpc::StatusCode code, absl::string_view message) {
  return Dump(ErrorObject(code, message));
}

std::string EndStreamJson(const grpc::Status& status,
                          const std::vector<std::pair<std::string, std::string>>& trailers) {
  nlohmann::json end = nlohmann::json::object();
  if (!status.ok()) end["error"] = ErrorObject(status.error_code(), status.error_message());
  if (!trailers.empty()) {
    nlohmann::json metadata = nlohmann::json::object();
    for (const auto& [name, value] : trailers) metadata[name].push_back(value);
    end["metadata"] = std::move(metadata);
  }
  return Dump(end);
}

std::string Envelope(uint8_t flags, absl::string_view payload) {
  std::string out;
  out.reserve(5 + payload.size());
  const uint32_t size = static_cast<uint32_t>(payload.size());
  out.push_back(static_cast<char>(flags));
  out.push_back(static_cast<char>((size >> 24) & 0xff));
  out.push_back(static_cast<char>((size >> 16) & 0xff));
  out.push_back(static_cast<char>((size >> 8) & 0xff));
  out.push_back(static_cast<char>(size & 0xff));
  out.append(payload.data(), payload.size());
  return out;
}

absl::StatusOr<std::string> SingleEnvelopePayload(absl::string_view body) {
  if (body.size() < 5) {
    return absl::InvalidArgumentError("the request body must be one enveloped message");
  }
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(body[i]); };
  if (byte(0) & kEnvelopeCompressed) {
    return absl::InvalidArgumentError("compressed messages are not accepted");
  }
  if (byte(0) != 0) return absl::InvalidArgumentError("unexpected envelope flags");
  const uint64_t size = (uint64_t{byte(1)} << 24) | (uint64_t{byte(2)} << 16) |
                        (uint64_t{byte(3)} << 8) | uint64_t{byte(4)};
  if (size != body.size() - 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("the envelope says ", size, " bytes, the body holds ", body.size() - 5));
  }
  return std::string(body.substr(5));
}

absl::StatusOr<absl::Duration> ParseTimeoutMs(absl::string_view header) {
  uint64_t ms = 0;
  if (header.empty() || header.size() > 10 ||
      !std::all_of(header.begin(), header.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(header, &ms)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Connect-Timeout-Ms must be 1 to 10 digits, not \"", header.substr(0, 32), "\""));
  }
  return absl::Milliseconds(ms);
}

absl::StatusOr<std::string> PercentDecode(absl::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      const int hi = i + 2 < in.size() ? HexValue(in[i + 1]) : -1;
      const int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("bad percent-escape at byte ", i, " of \"", in.substr(0, 64), "\""));
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseQuery(
    absl::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (absl::string_view part : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t eq = part.find('=');
    absl::StatusOr<std::string> name = PercentDecode(part.substr(0, eq), /*plus_is_space=*/true);
    if (!name.ok()) return name.status();
    absl::StatusOr<std::string> value =
        eq == absl::string_view::npos ? std::string()
                                      : PercentDecode(part.substr(eq + 1), /*plus_is_space=*/true);
    if (!value.ok()) return value.status();
    pairs.emplace_back(*std::move(name), *std::move(value));
  }
  return pairs;
}

absl::StatusOr<GetFormRequest> ParseGetForm(absl::string_view query) {
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> pairs = ParseQuery(query);
  if (!pairs.ok()) return pairs.status();
  std::optional<std::string> encoding;
  std::optional<std::string> message;
  bool base64 = false;
  for (auto& [name, value] : *pairs) {
    if (name == "connect") {
      if (value != "v1") {
        return absl::InvalidArgumentError(
            absl::StrCat("connect=", value.substr(0, 16), ": only v1 is spoken"));
      }
    } else if (name == "encoding") {
      encoding = value;
    } else if (name == "message") {
      message = std::move(value);
    } else if (name == "base64") {
      base64 = value == "1";
    } else if (name == "compression") {
      if (!value.empty() && value != "identity") {
        return absl::InvalidArgumentError(
            absl::StrCat("compression=", value.substr(0, 16), " is not accepted"));
      }
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown query parameter \"", name.substr(0, 64),
                       "\" (the GET form takes connect, encoding, message, base64, compression)"));
    }
  }
  GetFormRequest request;
  if (!encoding.has_value() || (*encoding != "json" && *encoding != "proto")) {
    return absl::InvalidArgumentError("the GET form needs encoding=json or encoding=proto");
  }
  request.codec = *encoding == "json" ? Codec::kJson : Codec::kProto;
  std::string bytes = message.value_or(request.codec == Codec::kJson ? "{}" : "");
  if (base64) {
    std::string decoded;
    // Connect's GET form uses the URL-safe alphabet; padding is optional.
    if (!absl::WebSafeBase64Unescape(bytes, &decoded) && !absl::Base64Unescape(bytes, &decoded)) {
      return absl::InvalidArgumentError("message is not valid base64");
    }
    bytes = std::move(decoded);
  }
  request.message = std::move(bytes);
  return request;
}

std::string SseEvent(absl::string_view id, absl::string_view event, absl::string_view data) {
  std::string out;
  if (!id.empty()) absl::StrAppend(&out, "id: ", id, "\n");
  if (!event.empty()) absl::StrAppend(&out, "event: ", event, "\n");
  for (absl::string_view line : absl::StrSplit(data, '\n')) {
    absl::StrAppend(&out, "data: ", absl::StripSuffix(line, "\r"), "\n");
  }
  out.push_back('\n');
  return out;
}

bool ForwardedAsMetadata(absl::string_view name) {
  if (name == "authorization") return true;
  return absl::StartsWith(name, "x-") && !absl::StartsWith(name, "x-forwarded-");
}

}  // namespace ecoplan::common
