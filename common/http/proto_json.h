#pragma once

// The protobuf JSON mapping of a message, written by walking it with
// reflection: the same JSON as protobuf's MessageToJsonString with default
// options (lowerCamelCase names, fields without presence omitted at their
// default, enums by name, 64-bit integers as strings, bytes in base64,
// Timestamp, Duration, FieldMask, Any and the wrappers in their JSON forms),
// several times faster. protobuf 3.21's printer re-serializes the message and
// replays it through a TypeResolver as a stream of typed events, which made
// an HTTP answer cost more than twice a gRPC one (docs/PERFORMANCE.md).
//
//   std::string json;
//   absl::Status written = AppendProtoJson(response, &json);
//
// proto_json_test checks it against protobuf's printer on every response
// message of the services.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {

// Appends the JSON of `message` to `out`. InvalidArgument for what the mapping
// cannot express (a Timestamp or Duration out of range, an Any of an unknown
// type); Unimplemented for google.protobuf.Struct, Value and ListValue, which
// no ecoplan message uses (callers fall back to protobuf's printer). On error
// `out` holds a partial text.
absl::Status AppendProtoJson(const google::protobuf::Message& message, std::string* out);

// The same JSON, read straight from `bytes`, the wire form of a `type`, with no
// message built (a plan per type, made the first time it is printed, says what
// each field number is). Several times faster than parsing and the reflection
// walk, which it falls back to for what the plan leaves out (Any, FieldMask,
// the wrappers, a repeated field whose values are not next to each other).
// InvalidArgument when the bytes are not a `type`; string bytes are copied as
// they are (the server wrote them from valid messages).
// A message value of 256 bytes or more that this thread printed twice before
// is copied from a per-thread memo (at most 4 MiB of bytes and JSON, compared
// byte for byte, proto_json_memo.h): the measures of a page asked for again.
absl::Status AppendWireJson(const google::protobuf::Descriptor* type, absl::string_view bytes,
                            std::string* out);

// The other way: JSON text → the wire form of a `type`, for the JSON clients
// usually send (objects, strings, numbers, booleans, arrays, enums by name or
// number, 64-bit integers as strings or numbers, Timestamp and Duration
// strings, fields by JSON or proto name, any whitespace). Unimplemented for
// everything else — null, maps, Any, FieldMask, the wrappers, "NaN", a number
// with a fraction for an integer field, an unknown or repeated field, two
// fields of one oneof, malformed JSON: the caller then gives the text to
// protobuf's parser, which reads the rest and names what is wrong. So what
// this writes is what protobuf would accept, and it reads back the same.
absl::Status JsonToWireFastPath(const google::protobuf::Descriptor* type, absl::string_view json,
                                std::string* out);

namespace internal {
// AppendWireJson without its fallback: Unimplemented where it would fall back
// (for tests, to see that the wire path wrote the text).
absl::Status AppendWireJsonWithoutFallback(const google::protobuf::Descriptor* type,
                                           absl::string_view bytes, std::string* out);
}  // namespace internal

}  // namespace ecoplan::common
