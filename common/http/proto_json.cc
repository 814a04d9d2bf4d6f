#include "common/http/proto_json.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/util/field_mask_util.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/http/proto_json_text.h"

namespace ecoplan::common {
namespace proto_json {
namespace {

namespace pb = ::google::protobuf;
using Field = pb::FieldDescriptor;

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}

  absl::Status Message(const pb::Message& message) {
    const pb::Descriptor* type = message.GetDescriptor();
    if (type->file()->name().rfind("google/protobuf/", 0) == 0) {
      bool written = false;
      if (absl::Status s = WellKnown(message, &written); !s.ok() || written) return s;
    }
    out_->push_back('{');
    bool first = true;
    if (absl::Status s = Fields(message, &first); !s.ok()) return s;
    out_->push_back('}');
    return absl::OkStatus();
  }

 private:
  // The fields present, in field-number order (protobuf's printer follows the
  // wire, which generated code writes in that order), after `*first`.
  absl::Status Fields(const pb::Message& message, bool* first) {
    std::vector<const Field*> fields;
    message.GetReflection()->ListFields(message, &fields);
    for (const Field* field : fields) {
      if (!*first) out_->push_back(',');
      *first = false;
      AppendJsonString(field->json_name(), out_);
      out_->push_back(':');
      absl::Status s = field->is_map()        ? Map(message, field)
                       : field->is_repeated() ? Repeated(message, field)
                                              : Value(message, field, -1);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status Repeated(const pb::Message& message, const Field* field) {
    out_->push_back('[');
    const int size = message.GetReflection()->FieldSize(message, field);
    for (int i = 0; i < size; ++i) {
      if (i > 0) out_->push_back(',');
      if (absl::Status s = Value(message, field, i); !s.ok()) return s;
    }
    out_->push_back(']');
    return absl::OkStatus();
  }

  absl::Status Map(const pb::Message& message, const Field* field) {
    out_->push_back('{');
    const int size = message.GetReflection()->FieldSize(message, field);
    const Field* key = field->message_type()->map_key();
    const Field* value = field->message_type()->map_value();
    for (int i = 0; i < size; ++i) {
      if (i > 0) out_->push_back(',');
      const pb::Message& entry = message.GetReflection()->GetRepeatedMessage(message, field, i);
      const pb::Reflection* r = entry.GetReflection();
      switch (key->cpp_type()) {
        case Field::CPPTYPE_STRING:
          AppendJsonString(r->GetString(entry, key), out_);
          break;
        case Field::CPPTYPE_BOOL:
          out_->append(r->GetBool(entry, key) ? "\"true\"" : "\"false\"");
          break;
        case Field::CPPTYPE_INT32:
          absl::StrAppend(out_, "\"", r->GetInt32(entry, key), "\"");
          break;
        case Field::CPPTYPE_INT64:
          absl::StrAppend(out_, "\"", r->GetInt64(entry, key), "\"");
          break;
        case Field::CPPTYPE_UINT32:
          absl::StrAppend(out_, "\"", r->GetUInt32(entry, key), "\"");
          break;
        case Field::CPPTYPE_UINT64:
          absl::StrAppend(out_, "\"", r->GetUInt64(entry, key), "\"");
          break;
        default:
          return absl::InvalidArgumentError("a map key of an unexpected type");
      }
      out_->push_back(':');
      if (absl::Status s = Value(entry, value, -1); !s.ok()) return s;
    }
    out_->push_back('}');
    return absl::OkStatus();
  }

  // Field `field` of `message`: element `index`, or the singular value when -1.
  absl::Status Value(const pb::Message& message, const Field* field, int index) {
    const pb::Reflection* r = message.GetReflection();
    const bool one = index < 0;
    switch (field->cpp_type()) {
      case Field::CPPTYPE_INT32:
        absl::StrAppend(
            out_, one ? r->GetInt32(message, field) : r->GetRepeatedInt32(message, field, index));
        break;
      case Field::CPPTYPE_UINT32:
        absl::StrAppend(
            out_, one ? r->GetUInt32(message, field) : r->GetRepeatedUInt32(message, field, index));
        break;
      case Field::CPPTYPE_INT64:
        absl::StrAppend(
            out_, "\"",
            one ? r->GetInt64(message, field) : r->GetRepeatedInt64(message, field, index), "\"");
        break;
      case Field::CPPTYPE_UINT64:
        absl::StrAppend(
            out_, "\"",
            one ? r->GetUInt64(message, field) : r->GetRepeatedUInt64(message, field, index), "\"");
        break;
      case Field::CPPTYPE_DOUBLE:
        AppendFloatingPoint(
            one ? r->GetDouble(message, field) : r->GetRepeatedDouble(message, field, index), out_);
        break;
      case Field::CPPTYPE_FLOAT:
        AppendFloatingPoint(
            one ? r->GetFloat(message, field) : r->GetRepeatedFloat(message, field, index), out_);
        break;
      case Field::CPPTYPE_BOOL:
        out_->append((one ? r->GetBool(message, field) : r->GetRepeatedBool(message, field, index))
                         ? "true"
                         : "false");
        break;
      case Field::CPPTYPE_ENUM: {
        const int number =
            one ? r->GetEnumValue(message, field) : r->GetRepeatedEnumValue(message, field, index);
        if (field->enum_type()->full_name() == "google.protobuf.NullValue") {
          out_->append("null");
          break;
        }
        const pb::EnumValueDescriptor* value = field->enum_type()->FindValueByNumber(number);
        if (value != nullptr) {
          AppendJsonString(value->name(), out_);
        } else {
          absl::StrAppend(out_, number);  // a value this build does not know
        }
        break;
      }
      case Field::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& text =
            one ? r->GetStringReference(message, field, &scratch)
                : r->GetRepeatedStringReference(message, field, index, &scratch);
        if (field->type() == Field::TYPE_BYTES) {
          out_->push_back('"');
          out_->append(absl::Base64Escape(text));
          out_->push_back('"');
        } else {
          AppendJsonString(text, out_);
        }
        break;
      }
      case Field::CPPTYPE_MESSAGE:
        return Message(one ? r->GetMessage(message, field)
                           : r->GetRepeatedMessage(message, field, index));
    }
    return absl::OkStatus();
  }

  // The types of google/protobuf/ whose JSON is not an object of their fields;
  // `*written` false for the others (Empty, the descriptor messages …).
  absl::Status WellKnown(const pb::Message& message, bool* written) {
    const pb::Descriptor* type = message.GetDescriptor();
    const std::string& name = type->full_name();
    const pb::Reflection* r = message.GetReflection();
    *written = true;
    if (name == "google.protobuf.Timestamp") {
      return AppendTimestamp(r->GetInt64(message, type->field(0)),
                             r->GetInt32(message, type->field(1)), out_);
    }
    if (name == "google.protobuf.Duration") {
      return AppendDuration(r->GetInt64(message, type->field(0)),
                            r->GetInt32(message, type->field(1)), out_);
    }
    if (name == "google.protobuf.FieldMask") {
      pb::FieldMask mask;
      const Field* paths = type->FindFieldByName("paths");
      for (int i = 0; i < r->FieldSize(message, paths); ++i) {
        mask.add_paths(r->GetRepeatedString(message, paths, i));
      }
      std::string json;
      if (!pb::util::FieldMaskUtil::ToJsonString(mask, &json)) {
        return absl::InvalidArgumentError("a FieldMask path that has no JSON form");
      }
      AppendJsonString(json, out_);
      return absl::OkStatus();
    }
    if (name == "google.protobuf.Any") return Any(message);
    if (name == "google.protobuf.Struct" || name == "google.protobuf.Value" ||
        name == "google.protobuf.ListValue") {
      return absl::UnimplementedError(absl::StrCat(name, " is not written by this printer"));
    }
    if (absl::EndsWith(name, "Value") && type->field_count() == 1 &&
        type->field(0)->name() == "value") {  // the wrappers: their value, even the default
      return Value(message, type->field(0), -1);
    }
    *written = false;
    return absl::OkStatus();
  }

  absl::Status Any(const pb::Message& message) {
    const pb::Descriptor* type = message.GetDescriptor();
    const pb::Reflection* r = message.GetReflection();
    const std::string url = r->GetString(message, type->FindFieldByName("type_url"));
    const std::string bytes = r->GetString(message, type->FindFieldByName("value"));
    if (url.empty()) {
      if (!bytes.empty()) return absl::InvalidArgumentError("an Any with a value and no type");
      out_->append("{}");
      return absl::OkStatus();
    }
    const size_t slash = url.rfind('/');
    const pb::Descriptor* packed = type->file()->pool()->FindMessageTypeByName(
        slash == std::string::npos ? url : url.substr(slash + 1));
    if (packed == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("an Any of an unknown type: ", url));
    }
    const pb::Message* prototype = pb::MessageFactory::generated_factory()->GetPrototype(packed);
    std::unique_ptr<pb::DynamicMessageFactory> dynamic;
    if (prototype == nullptr) {
      dynamic = std::make_unique<pb::DynamicMessageFactory>(type->file()->pool());
      prototype = dynamic->GetPrototype(packed);
    }
    std::unique_ptr<pb::Message> value(prototype->New());
    if (!value->ParseFromString(bytes)) {
      return absl::InvalidArgumentError(absl::StrCat("an Any whose value is not a ", url));
    }
    out_->append("{\"@type\":");
    AppendJsonString(url, out_);
    if (packed->file()->name().rfind("google/protobuf/", 0) == 0) {
      const size_t before = out_->size();
      bool written = false;
      out_->append(",\"value\":");
      if (absl::Status s = WellKnown(*value, &written); !s.ok()) return s;
      if (written) {
        out_->push_back('}');
        return absl::OkStatus();
      }
      out_->resize(before);
    }
    bool first = false;
    if (absl::Status s = Fields(*value, &first); !s.ok()) return s;
    out_->push_back('}');
    return absl::OkStatus();
  }

  std::string* out_;
};

}  // namespace
}  // namespace proto_json

absl::Status AppendProtoJson(const google::protobuf::Message& message, std::string* out) {
  return proto_json::Writer(out).Message(message);
}

}  // namespace ecoplan::common
