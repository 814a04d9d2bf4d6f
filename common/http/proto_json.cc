#include "common/http/proto_json.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/util/field_mask_util.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/http/proto_json_plan.h"

namespace ecoplan::common {
namespace {

namespace pb = ::google::protobuf;
using Field = pb::FieldDescriptor;

// Code points protobuf's printer writes as \u escapes besides the ASCII ones:
// C1 controls and the invisible format characters (soft hyphen, bidi marks,
// zero-width and tag characters) that could hide text in a browser.
bool EscapedCodePoint(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0xAD || (cp >= 0x600 && cp <= 0x603) || cp == 0x6DD ||
         cp == 0x70F || cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
         (cp >= 0x1D173 && cp <= 0x1D17A) || cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);
}

void AppendUnicodeEscape(uint32_t unit, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char escaped[6] = {'\\',
                           'u',
                           kHex[(unit >> 12) & 0xF],
                           kHex[(unit >> 8) & 0xF],
                           kHex[(unit >> 4) & 0xF],
                           kHex[unit & 0xF]};
  out->append(escaped, 6);
}

// The length of the UTF-8 sequence starting at s[i] and its code point; 0 when
// the bytes are not valid UTF-8 (then the byte is copied as it is, as protobuf does).
int DecodeUtf8(absl::string_view s, size_t i, uint32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (length == 0 || i + length > s.size()) return 0;
  uint32_t value = b & (0x7F >> length);
  for (int k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  *cp = value;
  return length;
}

// What a byte asks of the string writer: 0 copy it (plain ASCII, UTF-8
// continuation bytes, leads of sequences never escaped: CJK text), 1 escape it
// (ASCII), 2 it starts a sequence that may be one of the escaped code points
// (C2, D8, DB, DC, E1, E2, EF, F0, F3).
struct ByteClasses {
  unsigned char of[256];
  constexpr ByteClasses() : of() {
    for (int c = 0; c < 0x20; ++c) of[c] = 1;
    of[static_cast<unsigned char>('"')] = 1;
    of[static_cast<unsigned char>('\\')] = 1;
    of[static_cast<unsigned char>('<')] = 1;
    of[static_cast<unsigned char>('>')] = 1;
    of[0x7F] = 1;
    for (int c : {0xC2, 0xD8, 0xDB, 0xDC, 0xE1, 0xE2, 0xEF, 0xF0, 0xF3}) of[c] = 2;
  }
};
constexpr ByteClasses kByteClasses;

void AppendJsonString(absl::string_view s, std::string* out) {
  out->push_back('"');
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* of = kByteClasses.of;
  size_t plain = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size();) {
    // Four bytes at a time through text that needs nothing.
    while (i + 4 <= s.size() &&
           (of[bytes[i]] | of[bytes[i + 1]] | of[bytes[i + 2]] | of[bytes[i + 3]]) == 0) {
      i += 4;
    }
    if (i >= s.size()) break;
    const unsigned char c = bytes[i];
    const unsigned char kind = of[c];
    if (kind == 0) {
      ++i;
      continue;
    }
    uint32_t cp = c;
    int length = 1;
    if (kind == 2) {
      length = DecodeUtf8(s, i, &cp);
      if (length == 0 || !EscapedCodePoint(cp)) {
        i += length == 0 ? 1 : length;
        continue;
      }
    }
    out->append(s.data() + plain, i - plain);
    switch (cp) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (cp >= 0x10000) {  // a surrogate pair
          AppendUnicodeEscape(0xD800 + ((cp - 0x10000) >> 10), out);
          AppendUnicodeEscape(0xDC00 + ((cp - 0x10000) & 0x3FF), out);
        } else {
          AppendUnicodeEscape(cp, out);
        }
    }
    i += length;
    plain = i;
  }
  out->append(s.data() + plain, s.size() - plain);
  out->push_back('"');
}

template <typename Float>
void AppendFloatingPoint(Float value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    char buffer[64];
    const std::to_chars_result written = std::to_chars(buffer, buffer + sizeof buffer, value);
    out->append(buffer, written.ptr);
  }
}

// The fraction of a second as protobuf writes it: none, or 3, 6 or 9 digits.
void AppendNanos(int32_t nanos, std::string* out) {
  if (nanos == 0) return;
  int digits = 9;
  if (nanos % 1000000 == 0) {
    nanos /= 1000000;
    digits = 3;
  } else if (nanos % 1000 == 0) {
    nanos /= 1000;
    digits = 6;
  }
  char fraction[10];
  fraction[0] = '.';
  for (int d = digits; d >= 1; --d, nanos /= 10) fraction[d] = static_cast<char>('0' + nanos % 10);
  out->append(fraction, digits + 1);
}

absl::Status AppendTimestamp(int64_t seconds, int32_t nanos, std::string* out) {
  // 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, as the JSON mapping allows.
  if (seconds < -62135596800 || seconds > 253402300799 || nanos < 0 || nanos > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat("a Timestamp out of the JSON range: ", seconds, " s ", nanos, " ns"));
  }
  out->push_back('"');
  out->append(
      absl::FormatTime("%4Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(seconds), absl::UTCTimeZone()));
  AppendNanos(nanos, out);
  out->append("Z\"");
  return absl::OkStatus();
}

absl::Status AppendDuration(int64_t seconds, int32_t nanos, std::string* out) {
  if (seconds < -315576000000 || seconds > 315576000000 || nanos < -999999999 ||
      nanos > 999999999 || (seconds < 0 && nanos > 0) || (seconds > 0 && nanos < 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("a Duration out of the JSON range: ", seconds, " s ", nanos, " ns"));
  }
  out->push_back('"');
  if (seconds < 0 || nanos < 0) out->push_back('-');
  absl::StrAppend(out, seconds < 0 ? -seconds : seconds);
  AppendNanos(nanos < 0 ? -nanos : nanos, out);
  out->append("s\"");
  return absl::OkStatus();
}

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

// ---- Straight from the wire: no message is built ----
//
// The front door holds the handler's answer as bytes. Parsing them into a
// message and walking it with reflection costs more than protobuf's own
// printer; reading the wire once, with a plan per message type made the first
// time the type is printed, costs a fraction of either. Whatever the plan
// does not cover (Any, FieldMask, the wrappers, a repeated field whose values
// are not next to each other, a map entry without its key or value, a value
// of an unexpected wire type) is printed by parsing that message and the
// reflection writer above.

using proto_json::ExpectedWireType;
using proto_json::FieldPlan;
using proto_json::kFixed32;
using proto_json::kFixed64;
using proto_json::kLengthDelimited;
using proto_json::kVarint;
using proto_json::MessagePlan;
using proto_json::PlanCache;
using proto_json::Special;

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
        return Message(*f.message, span, depth + 1);
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

  absl::Status Reflect(const pb::Descriptor* type, absl::string_view bytes) {
    const pb::Message* prototype = pb::MessageFactory::generated_factory()->GetPrototype(type);
    if (prototype == nullptr) return LeaveToReflection();
    pb::Arena arena;
    pb::Message* message = prototype->New(&arena);
    if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return Malformed(type);
    }
    return Writer(out_).Message(*message);
  }

  std::string* out_;
};

}  // namespace

absl::Status AppendProtoJson(const pb::Message& message, std::string* out) {
  return Writer(out).Message(message);
}

namespace internal {
absl::Status AppendWireJsonWithoutFallback(const pb::Descriptor* type, absl::string_view bytes,
                                           std::string* out) {
  return WireWriter(out).Message(*PlanCache::Instance().For(type), bytes, 0);
}
}  // namespace internal

absl::Status AppendWireJson(const pb::Descriptor* type, absl::string_view bytes, std::string* out) {
  const size_t before = out->size();
  const absl::Status written = internal::AppendWireJsonWithoutFallback(type, bytes, out);
  if (!absl::IsUnimplemented(written)) return written;
  out->resize(before);
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

}  // namespace ecoplan::common
