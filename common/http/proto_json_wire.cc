// AppendWireJson (proto_json.h): JSON straight from the wire, no message built.
//
// The front door holds the handler's answer as bytes. Parsing them into a
// message and walking it with reflection costs more than protobuf's own
// printer; reading the wire once, with a plan per message type made the first
// time the type is printed, costs a fraction of either. Whatever the plan
// does not cover (Any, FieldMask, the wrappers, a repeated field whose values
// are not next to each other, a map entry without its key or value, a value
// of an unexpected wire type) is printed by parsing that message and the
// reflection writer (proto_json.cc).

#include <google/protobuf/arena.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/http/proto_json.h"
#include "common/http/proto_json_memo.h"
#include "common/http/proto_json_plan.h"
#include "common/http/proto_json_text.h"

namespace ecoplan::common {
namespace proto_json {
namespace {

namespace pb = ::google::protobuf;
using Field = pb::FieldDescriptor;

class WireReader {
 public:
  explicit WireReader(absl::string_view bytes)
      : p_(reinterpret_cast<const uint8_t*>(bytes.data())), end_(p_ + bytes.size()) {}

  bool done() const { return p_ == end_; }
  const uint8_t* position() const { return p_; }

  bool Varint(uint64_t* value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 70 && p_ < end_; shift += 7) {
      const uint8_t byte = *p_++;
      result |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        *value = result;
        return true;
      }
    }
    return false;
  }
  bool Fixed32(uint32_t* value) {
    if (end_ - p_ < 4) return false;
    std::memcpy(value, p_, 4);
    p_ += 4;
    return true;
  }
  bool Fixed64(uint64_t* value) {
    if (end_ - p_ < 8) return false;
    std::memcpy(value, p_, 8);
    p_ += 8;
    return true;
  }
  bool LengthDelimited(absl::string_view* value) {
    uint64_t length = 0;
    if (!Varint(&length) || length > static_cast<uint64_t>(end_ - p_)) return false;
    *value = absl::string_view(reinterpret_cast<const char*>(p_), length);
    p_ += length;
    return true;
  }
  bool Tag(uint32_t* number, int* wire_type) {
    uint64_t tag = 0;
    if (!Varint(&tag) || tag > 0xFFFFFFFFu || (tag >> 3) == 0) return false;
    *number = static_cast<uint32_t>(tag >> 3);
    *wire_type = static_cast<int>(tag & 7);
    return true;
  }
  bool Skip(int wire_type) {
    uint64_t ignored = 0;
    uint32_t ignored32 = 0;
    absl::string_view span;
    switch (wire_type) {
      case kVarint:
        return Varint(&ignored);
      case kFixed64:
        return Fixed64(&ignored);
      case kFixed32:
        return Fixed32(&ignored32);
      case kLengthDelimited:
        return LengthDelimited(&span);
      default:
        return false;  // groups: no proto3 message has them
    }
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

absl::Status Malformed(const pb::Descriptor* type) {
  return absl::InvalidArgumentError(absl::StrCat("the bytes are not a ", type->full_name()));
}
absl::Status LeaveToReflection() { return absl::UnimplementedError("left to reflection"); }

// The slow way, for what a plan leaves out: parse, then the reflection writer.
absl::Status ParseAndPrint(const pb::Descriptor* type, absl::string_view bytes, std::string* out) {
  const pb::Message* prototype = pb::MessageFactory::generated_factory()->GetPrototype(type);
  if (prototype == nullptr) {
    return absl::UnimplementedError(absl::StrCat(type->full_name(), " has no generated code"));
  }
  pb::Arena arena;
  pb::Message* message = prototype->New(&arena);
  if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Malformed(type);
  }
  return AppendProtoJson(*message, out);
}

class WireWriter {
 public:
  explicit WireWriter(std::string* out) : out_(out) {}

  absl::Status Message(const MessagePlan& plan, absl::string_view bytes, int depth) {
    if (depth > 64) return LeaveToReflection();
    switch (plan.special) {
      case Special::kNone:
        break;
      case Special::kTimestamp:
      case Special::kDuration:
        return SecondsAndNanos(plan, bytes);
      case Special::kReflect:
        return Reflect(plan.type, bytes);
    }
    WireReader reader(bytes);
    absl::InlinedVector<bool, 32> seen(plan.fields.size(), false);
    const FieldPlan* open = nullptr;  // the repeated field or map being written
    bool first = true;
    out_->push_back('{');
    while (!reader.done()) {
      uint32_t number = 0;
      int wire_type = 0;
      if (!reader.Tag(&number, &wire_type)) return Malformed(plan.type);
      const FieldPlan* f = plan.Find(number);
      if (f == nullptr) {  // a field this build does not know: not printed
        if (!reader.Skip(wire_type)) return Malformed(plan.type);
        continue;
      }
      if (f == open) {
        out_->push_back(',');
      } else {
        if (open != nullptr) out_->push_back(open->map ? '}' : ']');
        open = nullptr;
        bool& was_seen = seen[f - plan.fields.data()];
        if (was_seen) return LeaveToReflection();  // not next to its other values
        was_seen = true;
        if (!first) out_->push_back(',');
        first = false;
        out_->append(f->key);
        if (f->repeated) {
          out_->push_back(f->map ? '{' : '[');
          open = f;
        }
      }
      absl::Status s;
      if (f->map) {
        absl::string_view entry;
        if (wire_type != kLengthDelimited || !reader.LengthDelimited(&entry)) {
          return LeaveToReflection();
        }
        s = MapEntry(*f->message, entry, depth);
      } else if (f->repeated && wire_type == kLengthDelimited && f->wire_type != kLengthDelimited) {
        s = Packed(*f, reader, depth);
      } else {
        if (wire_type != f->wire_type) return LeaveToReflection();
        s = Value(*f, reader, depth);
      }
      if (!s.ok()) return s;
    }
    if (open != nullptr) out_->push_back(open->map ? '}' : ']');
    out_->push_back('}');
    return absl::OkStatus();
  }

 private:
  absl::Status Packed(const FieldPlan& f, WireReader& reader, int depth) {
    absl::string_view span;
    if (!reader.LengthDelimited(&span)) return Malformed(f.field->containing_type());
    if (span.empty()) return LeaveToReflection();  // would leave a dangling comma
    WireReader values(span);
    for (bool first = true; !values.done(); first = false) {
      if (!first) out_->push_back(',');
      if (absl::Status s = Value(f, values, depth); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // One value of field `f` (its wire type checked) from `reader`.
  absl::Status Value(const FieldPlan& f, WireReader& reader, int depth) {
    const Field* field = f.field;
    uint64_t v = 0;
    uint32_t v32 = 0;
    absl::string_view span;
    bool ok = true;
    switch (f.type) {
      case Field::TYPE_INT32:
        ok = reader.Varint(&v);
        absl::StrAppend(out_, static_cast<int32_t>(v));
        break;
      case Field::TYPE_UINT32:
        ok = reader.Varint(&v);
        absl::StrAppend(out_, static_cast<uint32_t>(v));
        break;
      case Field::TYPE_SINT32:
        ok = reader.Varint(&v);
        absl::StrAppend(out_, static_cast<int32_t>((static_cast<uint32_t>(v) >> 1) ^
                                                   -(static_cast<uint32_t>(v) & 1)));
        break;
      case Field::TYPE_INT64:
        ok = reader.Varint(&v);
        absl::StrAppend(out_, "\"", static_cast<int64_t>(v), "\"");
        break;
      case Field::TYPE_UINT64:
        ok = reader.Varint(&v);
        absl::StrAppend(out_, "\"", v, "\"");
        break;
      case Field::TYPE_SINT64:
        ok = reader.Varint(&v);
        absl::StrAppend(out_, "\"", static_cast<int64_t>((v >> 1) ^ -(v & 1)), "\"");
        break;
      case Field::TYPE_FIXED32:
        ok = reader.Fixed32(&v32);
        absl::StrAppend(out_, v32);
        break;
      case Field::TYPE_SFIXED32:
        ok = reader.Fixed32(&v32);
        absl::StrAppend(out_, static_cast<int32_t>(v32));
        break;
      case Field::TYPE_FIXED64:
        ok = reader.Fixed64(&v);
        absl::StrAppend(out_, "\"", v, "\"");
        break;
      case Field::TYPE_SFIXED64:
        ok = reader.Fixed64(&v);
        absl::StrAppend(out_, "\"", static_cast<int64_t>(v), "\"");
        break;
      case Field::TYPE_DOUBLE: {
        ok = reader.Fixed64(&v);
        double d;
        std::memcpy(&d, &v, sizeof d);
        AppendFloatingPoint(d, out_);
        break;
      }
      case Field::TYPE_FLOAT: {
        ok = reader.Fixed32(&v32);
        float x;
        std::memcpy(&x, &v32, sizeof x);
        AppendFloatingPoint(x, out_);
        break;
      }
      case Field::TYPE_BOOL:
        ok = reader.Varint(&v);
        out_->append(v != 0 ? "true" : "false");
        break;
      case Field::TYPE_ENUM: {
        ok = reader.Varint(&v);
        const int number = static_cast<int32_t>(v);
        if (field->enum_type()->full_name() == "google.protobuf.NullValue") {
          out_->append("null");
        } else if (const pb::EnumValueDescriptor* value =
                       field->enum_type()->FindValueByNumber(number)) {
          out_->push_back('"');
          out_->append(value->name());  // identifiers: nothing to escape
          out_->push_back('"');
        } else {
          absl::StrAppend(out_, number);
        }
        break;
      }
      case Field::TYPE_STRING:
        ok = reader.LengthDelimited(&span);
        AppendJsonString(span, out_);
        break;
      case Field::TYPE_BYTES:
        ok = reader.LengthDelimited(&span);
        out_->push_back('"');
        out_->append(absl::Base64Escape(span));
        out_->push_back('"');
        break;
      case Field::TYPE_MESSAGE:
        if (!reader.LengthDelimited(&span)) return Malformed(field->containing_type());
        return MessageValue(*f.message, span, depth + 1);
      default:
        return LeaveToReflection();  // groups
    }
    return ok ? absl::OkStatus() : Malformed(field->containing_type());
  }

  // A map entry: its key as a JSON object key, then its value.
  absl::Status MapEntry(const MessagePlan& entry, absl::string_view bytes, int depth) {
    const FieldPlan* key = entry.Find(1);
    const FieldPlan* value = entry.Find(2);
    if (key == nullptr || value == nullptr) return LeaveToReflection();
    WireReader reader(bytes);
    absl::string_view key_bytes, value_bytes;
    int key_type = -1, value_type = -1;
    while (!reader.done()) {
      uint32_t number = 0;
      int wire_type = 0;
      if (!reader.Tag(&number, &wire_type)) return Malformed(entry.type);
      WireReader before = reader;
      if (!reader.Skip(wire_type)) return Malformed(entry.type);
      if (number == 1 || number == 2) {
        // The value's bytes from after its tag to the end of the entry: Value reads one.
        const absl::string_view rest = Rest(bytes, before);
        (number == 1 ? key_bytes : value_bytes) = rest;
        (number == 1 ? key_type : value_type) = wire_type;
      }
    }
    if (key_type != ExpectedWireType(key->field) || value_type != ExpectedWireType(value->field)) {
      return LeaveToReflection();  // a key or value left out (its default) or of another type
    }
    WireReader key_reader(key_bytes);
    if (key->field->type() == Field::TYPE_BOOL) {
      uint64_t v = 0;
      if (!key_reader.Varint(&v)) return Malformed(entry.type);
      out_->append(v != 0 ? "\"true\"" : "\"false\"");
    } else if (key->field->type() == Field::TYPE_STRING) {
      if (absl::Status s = Value(*key, key_reader, depth); !s.ok()) return s;
    } else {  // integers; 64-bit ones are quoted already
      const bool quoted = key->field->cpp_type() == Field::CPPTYPE_INT64 ||
                          key->field->cpp_type() == Field::CPPTYPE_UINT64;
      if (!quoted) out_->push_back('"');
      if (absl::Status s = Value(*key, key_reader, depth); !s.ok()) return s;
      if (!quoted) out_->push_back('"');
    }
    out_->push_back(':');
    WireReader value_reader(value_bytes);
    return Value(*value, value_reader, depth);
  }

  static absl::string_view Rest(absl::string_view bytes, const WireReader& at) {
    const char* start = reinterpret_cast<const char*>(at.position());
    return absl::string_view(start, bytes.data() + bytes.size() - start);
  }

  absl::Status SecondsAndNanos(const MessagePlan& plan, absl::string_view bytes) {
    int64_t seconds = 0;
    int32_t nanos = 0;
    WireReader reader(bytes);
    while (!reader.done()) {
      uint32_t number = 0;
      int wire_type = 0;
      if (!reader.Tag(&number, &wire_type)) return Malformed(plan.type);
      if ((number == 1 || number == 2) && wire_type == kVarint) {
        uint64_t v = 0;
        if (!reader.Varint(&v)) return Malformed(plan.type);
        if (number == 1) seconds = static_cast<int64_t>(v);
        if (number == 2) nanos = static_cast<int32_t>(v);
      } else if (!reader.Skip(wire_type)) {
        return Malformed(plan.type);
      }
    }
    return plan.special == Special::kTimestamp ? AppendTimestamp(seconds, nanos, out_)
                                               : AppendDuration(seconds, nanos, out_);
  }

  // A message value, from the thread's memo when it was printed before.
  absl::Status MessageValue(const MessagePlan& plan, absl::string_view bytes, int depth) {
    if (bytes.size() < JsonMemo::kMinBytes) return Message(plan, bytes, depth);
    JsonMemo& memo = JsonMemo::ForThisThread();
    const size_t hash = JsonMemo::Hash(bytes);
    if (const std::string* json = memo.Find(&plan, bytes, hash)) {
      out_->append(*json);
      return absl::OkStatus();
    }
    const size_t start = out_->size();
    absl::Status printed = Message(plan, bytes, depth);
    if (printed.ok()) memo.Offer(&plan, bytes, hash, absl::string_view(*out_).substr(start));
    return printed;
  }

  absl::Status Reflect(const pb::Descriptor* type, absl::string_view bytes) {
    return ParseAndPrint(type, bytes, out_);
  }

  std::string* out_;
};

}  // namespace
}  // namespace proto_json

namespace internal {
absl::Status AppendWireJsonWithoutFallback(const google::protobuf::Descriptor* type,
                                           absl::string_view bytes, std::string* out) {
  return proto_json::WireWriter(out).Message(*proto_json::PlanCache::Instance().For(type), bytes,
                                             0);
}
}  // namespace internal

absl::Status AppendWireJson(const google::protobuf::Descriptor* type, absl::string_view bytes,
                            std::string* out) {
  const size_t before = out->size();
  const absl::Status written = internal::AppendWireJsonWithoutFallback(type, bytes, out);
  if (!absl::IsUnimplemented(written)) return written;
  out->resize(before);
  return proto_json::ParseAndPrint(type, bytes, out);
}

}  // namespace ecoplan::common
