#pragma once

#include <google/protobuf/descriptor.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ecoplan::common {

// What one OpenAPI document describes: the services one server exposes.
struct OpenApiOptions {
  // The document's info.title, e.g. "ecoplan registry server".
  std::string title;
  // The document's info.version.
  std::string version;
  // Full names of the services, in the order their paths appear, e.g.
  // {"ecoplan.registry.v1.RegistryService", "ecoplan.admin.v1.AdminService"}.
  std::vector<std::string> services;
};

// Builds `pool` from a serialized google.protobuf.FileDescriptorSet whose files
// are in dependency order (protoc --include_imports writes them so). Keep
// --include_source_info for the comments to become descriptions.
// Errors: InvalidArgument if the bytes do not parse or a file does not build.
absl::Status BuildDescriptorPool(std::string_view serialized_descriptor_set,
                                 google::protobuf::DescriptorPool* pool);

// Generates the OpenAPI 3.1 document of `options.services` as the HTTP front
// door (common/http, docs/ARCHITECTURE.md "HTTP") answers them:
// - every unary RPC: the Connect route POST /<package>.<Service>/<Method>
//   (application/json and application/proto), and for methods with
//   idempotency_level = NO_SIDE_EFFECTS the Connect GET form too;
// - every binding of the method option (ecoplan.api.v1.http): its verb and
//   path, {field} path parameters ({field=plans/*/months/*}: one parameter
//   per *, named after the collection before it: /plans/{plan}/months/{month}),
//   the remaining scalar fields as query parameters under their .proto names
//   when there is no whole-message body, the body per `body`. A path that
//   differs from an earlier one only in parameter names takes the earlier
//   names (OpenAPI allows one template per route);
// - server-streaming RPCs: Connect streaming (POST application/connect+json),
//   and, with (ecoplan.api.v1.event_stream), Server-Sent Events on GET;
// - routes of RPCs with (ecoplan.api.v1.http_body) (a unary RPC, or a server
//   stream with GET rules): the 200 response is the file, {type: string,
//   format: binary} under each of the rule's media_types (else
//   application/octet-stream), with the Content-Disposition header;
// - components/schemas of every message and enum reached, in the protobuf
//   JSON mapping, with the .proto leading comments as descriptions;
// - the bearer (JWT) scheme on every operation; Connect's error body on the
//   error responses with their HTTP statuses.
// Client-streaming and bidirectional RPCs have no HTTP route and no path.
// Errors: NotFound for a service not in `pool`; InvalidArgument for an HTTP
// rule that names an unknown field, binds a non-scalar field (or, with a
// pattern, a non-string field) to the path, has a malformed template, sits on
// a streaming method (but a server stream's GET rule with http_body), routes
// the same verb and path as another, or for an http_body that names no bytes
// content field or a non-string media type or file name field.
absl::StatusOr<nlohmann::ordered_json> GenerateOpenApiDocument(
    const google::protobuf::DescriptorPool& pool, const OpenApiOptions& options);

}  // namespace ecoplan::common
