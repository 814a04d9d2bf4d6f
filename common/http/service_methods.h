#pragma once

// The RPCs an HTTP front door serves, found by their gRPC paths in the
// generated descriptor pool (every server links its services' generated
// code), and the protobuf JSON mapping of their messages. Nothing here is
// written per method: a new RPC is served as soon as its service is.
//
//   ASSIGN_OR_RETURN(auto methods,
//   ServiceMethods::ForServices({"ecoplan.registry.v1.RegistryService"})); const HttpMethod* m =
//   methods->Find("/ecoplan.registry.v1.RegistryService/ListMeasures");
//   ASSIGN_OR_RETURN(std::string binary, methods->JsonToBinary(m->descriptor->input_type(), body));
//
// Thread-safe after ForServices.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/type_resolver.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {

struct HttpMethod {
  // The gRPC path, which is also the Connect route: "/<package>.<Service>/<Method>".
  std::string path;
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  bool server_streaming = false;
  // idempotency_level = NO_SIDE_EFFECTS: also answers the GET form.
  bool no_side_effects = false;
  // (ecoplan.api.v1.event_stream): the request field Last-Event-ID sets and
  // the response field (dotted) that is each event's id; empty when absent.
  std::string resume_field;
  std::string event_id_field;
};

class ServiceMethods {
 public:
  // Every unary and server-streaming method of the named services (client- and
  // bidirectional-streaming methods are not reachable over HTTP). Errors:
  // NotFound naming a service absent from the generated pool.
  static absl::StatusOr<std::unique_ptr<ServiceMethods>> ForServices(
      const std::vector<std::string>& service_names);

  // The method at `path`, or null.
  const HttpMethod* Find(absl::string_view path) const;
  const std::vector<const google::protobuf::ServiceDescriptor*>& services() const {
    return services_;
  }

  // The protobuf JSON mapping: JSON text → binary message of `type`.
  // InvalidArgument naming what is wrong (malformed JSON, an unknown field, a
  // value of the wrong type).
  absl::StatusOr<std::string> JsonToBinary(const google::protobuf::Descriptor* type,
                                           absl::string_view json) const;
  // Binary message of `type` → JSON (lowerCamelCase names, defaults omitted).
  // Internal when the bytes are not a message of `type`.
  absl::StatusOr<std::string> BinaryToJson(const google::protobuf::Descriptor* type,
                                           const std::string& binary) const;

  // `binary` (a message of `type`) with the integer or string field `field`
  // set from `value` (e.g. after_sequence from a Last-Event-ID). InvalidArgument
  // when `value` does not fit the field.
  static absl::StatusOr<std::string> WithField(const google::protobuf::Descriptor* type,
                                               const std::string& binary, absl::string_view field,
                                               absl::string_view value);
  // The value of the scalar field at the dotted `path` of `binary`, as text
  // ("" when unset or not a scalar).
  static std::string FieldText(const google::protobuf::Descriptor* type, const std::string& binary,
                               absl::string_view path);

 private:
  ServiceMethods() = default;

  std::vector<const google::protobuf::ServiceDescriptor*> services_;
  absl::flat_hash_map<std::string, HttpMethod> methods_;
  std::unique_ptr<google::protobuf::util::TypeResolver> resolver_;
};

}  // namespace ecoplan::common
