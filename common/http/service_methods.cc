#include "common/http/service_methods.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/http/proto_json.h"
#include "ecoplan/api/v1/annotations.pb.h"

namespace ecoplan::common {
namespace {

namespace pb = google::protobuf;

constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com";

std::string TypeUrl(const pb::Descriptor* type) {
  return absl::StrCat(kTypeUrlPrefix, "/", type->full_name());
}

// A fresh message of `type` from the generated code the server links.
std::unique_ptr<pb::Message> NewMessage(const pb::Descriptor* type) {
  const pb::Message* prototype = pb::MessageFactory::generated_factory()->GetPrototype(type);
  return prototype == nullptr ? nullptr : std::unique_ptr<pb::Message>(prototype->New());
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceMethods>> ServiceMethods::ForServices(
    const std::vector<std::string>& service_names) {
  std::unique_ptr<ServiceMethods> methods(new ServiceMethods());
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  for (const std::string& name : service_names) {
    const pb::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) {
      return absl::NotFoundError(absl::StrCat("no service ", name, " in the generated code"));
    }
    methods->services_.push_back(service);
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor* method = service->method(i);
      if (method->client_streaming()) continue;
      HttpMethod m;
      m.path = absl::StrCat("/", service->full_name(), "/", method->name());
      m.descriptor = method;
      m.server_streaming = method->server_streaming();
      m.no_side_effects =
          method->options().idempotency_level() == pb::MethodOptions::NO_SIDE_EFFECTS;
      if (method->options().HasExtension(api::v1::event_stream)) {
        const api::v1::EventStreamRule& rule =
            method->options().GetExtension(api::v1::event_stream);
        m.resume_field = rule.resume_field();
        m.event_id_field = rule.event_id_field();
      }
      std::string path = m.path;
      methods->methods_.emplace(std::move(path), std::move(m));
    }
  }
  methods->resolver_.reset(
      pb::util::NewTypeResolverForDescriptorPool(std::string(kTypeUrlPrefix), pool));
  return methods;
}

const HttpMethod* ServiceMethods::Find(absl::string_view path) const {
  auto it = methods_.find(path);
  return it == methods_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::string> ServiceMethods::JsonToBinary(const pb::Descriptor* type,
                                                         absl::string_view json) const {
  std::string binary;
  // The usual JSON straight to the wire (proto_json.h); protobuf's parser for
  // the rest, and for every error.
  if (JsonToWireFastPath(type, json, &binary).ok()) return binary;
  binary.clear();
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = pb::util::JsonToBinaryString(
      resolver_.get(), TypeUrl(type), pb::StringPiece(json.data(), json.size()), &binary, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the body is not valid JSON for ", type->full_name(), ": ", std::string(parsed.message())));
  }
  return binary;
}

absl::StatusOr<std::string> ServiceMethods::BinaryToJson(const pb::Descriptor* type,
                                                         const std::string& binary) const {
  // Straight from the wire (proto_json.h: several times faster), protobuf's
  // own printer for the few types that one leaves to it.
  {
    std::string json;
    json.reserve(binary.size() * 2);
    const absl::Status written = AppendWireJson(type, binary, &json);
    if (written.ok()) return json;
    if (!absl::IsUnimplemented(written)) {
      return absl::InternalError(
          absl::StrCat("cannot write a ", type->full_name(), " as JSON: ", written.message()));
    }
  }
  pb::util::JsonPrintOptions options;
  std::string json;
  const auto printed =
      pb::util::BinaryToJsonString(resolver_.get(), TypeUrl(type), binary, &json, options);
  if (!printed.ok()) {
    return absl::InternalError(absl::StrCat("cannot write a ", type->full_name(),
                                            " as JSON: ", std::string(printed.message())));
  }
  return json;
}

absl::StatusOr<std::string> ServiceMethods::WithField(const pb::Descriptor* type,
                                                      const std::string& binary,
                                                      absl::string_view field,
                                                      absl::string_view value) {
  std::unique_ptr<pb::Message> message = NewMessage(type);
  if (message == nullptr || !message->ParseFromString(binary)) {
    return absl::InvalidArgumentError(absl::StrCat("the request is not a ", type->full_name()));
  }
  const pb::FieldDescriptor* f = type->FindFieldByName(std::string(field));
  if (f == nullptr || f->is_repeated()) {
    return absl::InternalError(absl::StrCat(type->full_name(), " has no field ", field));
  }
  const pb::Reflection* r = message->GetReflection();
  const auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", value.substr(0, 32), "\" is not a valid ", field));
  };
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return bad();
      r->SetUInt64(message.get(), f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      int64_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) return bad();
      r->SetInt64(message.get(), f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_STRING:
      r->SetString(message.get(), f, std::string(value));
      break;
    default:
      return absl::InternalError(absl::StrCat(field, " is neither an integer nor a string"));
  }
  return message->SerializeAsString();
}

std::string ServiceMethods::FieldText(const pb::Descriptor* type, const std::string& binary,
                                      absl::string_view path) {
  std::unique_ptr<pb::Message> message = NewMessage(type);
  if (message == nullptr || !message->ParseFromString(binary)) return "";
  const pb::Message* at = message.get();
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const pb::FieldDescriptor* f = at->GetDescriptor()->FindFieldByName(parts[i]);
    if (f == nullptr || f->is_repeated()) return "";
    const pb::Reflection* r = at->GetReflection();
    if (i + 1 < parts.size()) {
      if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) return "";
      at = &r->GetMessage(*at, f);
      continue;
    }
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_UINT64:
        return absl::StrCat(r->GetUInt64(*at, f));
      case pb::FieldDescriptor::CPPTYPE_INT64:
        return absl::StrCat(r->GetInt64(*at, f));
      case pb::FieldDescriptor::CPPTYPE_UINT32:
        return absl::StrCat(r->GetUInt32(*at, f));
      case pb::FieldDescriptor::CPPTYPE_INT32:
        return absl::StrCat(r->GetInt32(*at, f));
      case pb::FieldDescriptor::CPPTYPE_STRING:
        return r->GetString(*at, f);
      default:
        return "";
    }
  }
  return "";
}

}  // namespace ecoplan::common
