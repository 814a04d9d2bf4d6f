// JSON text → wire bytes for the JSON clients usually send (proto_json.h,
// JsonToWireFastPath). Anything out of the ordinary is left to protobuf's
// parser, which reads it and names what is wrong, so this path never has to
// agree with protobuf on an error: it only writes what protobuf would accept
// and read the same.

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/http/proto_json.h"
#include "common/http/proto_json_plan.h"

namespace ecoplan::common {
namespace proto_json {
namespace {

namespace pb = ::google::protobuf;
using Field = pb::FieldDescriptor;

absl::Status LeaveToProtobuf() { return absl::UnimplementedError("left to protobuf's parser"); }

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}
void AppendTag(int number, int wire_type, std::string* out) {
  AppendVarint((static_cast<uint64_t>(number) << 3) | wire_type, out);
}
void AppendFixed32(uint32_t value, std::string* out) {
  char bytes[4];
  std::memcpy(bytes, &value, 4);  // little-endian on every platform the services run on
  out->append(bytes, 4);
}
void AppendFixed64(uint64_t value, std::string* out) {
  char bytes[8];
  std::memcpy(bytes, &value, 8);
  out->append(bytes, 8);
}

// The length of a valid UTF-8 sequence at s[i] (no overlong forms, no
// surrogates, at most U+10FFFF), or 0.
int ValidUtf8Length(absl::string_view s, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = at(i);
  int length = 0;
  uint32_t cp = 0;
  if (b >= 0xC2 && b <= 0xDF) {
    length = 2, cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    length = 3, cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    length = 4, cp = b & 0x07;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (int k = 1; k < length; ++k) {
    if ((at(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (at(i + k) & 0x3F);
  }
  if ((length == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (length == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
    return 0;
  }
  return length;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Reads JSON tokens; every method returns false for anything it does not
// take (then the whole text goes to protobuf's parser).
class JsonReader {
 public:
  explicit JsonReader(absl::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }
  char Peek() {
    SkipSpace();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  bool Literal(absl::string_view word) {
    SkipSpace();
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // A string, unescaped, valid UTF-8.
  bool String(std::string* out) {
    if (!Consume('"')) return false;
    out->clear();
    size_t plain = pos_;
    while (pos_ < text_.size()) {
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        out->append(text_.data() + plain, pos_ - plain);
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c < 0x80 && c != '\\') {
        ++pos_;
        continue;
      }
      if (c >= 0x80) {
        const int length = ValidUtf8Length(text_, pos_);
        if (length == 0) return false;
        pos_ += length;
        continue;
      }
      out->append(text_.data() + plain, pos_ - plain);
      if (!Escape(out)) return false;
      plain = pos_;
    }
    return false;
  }

  // A number token in JSON's grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
  bool Number(absl::string_view* token) {
    SkipSpace();
    const size_t start = pos_;
    const auto digits = [&] {
      const size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ > from;
    };
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return false;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!digits()) return false;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digits()) return false;
    }
    *token = text_.substr(start, pos_ - start);
    return true;
  }

 private:
  // After a backslash at pos_.
  bool Escape(std::string* out) {
    if (pos_ + 1 >= text_.size()) return false;
    const char e = text_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case '"':
        out->push_back('"');
        return true;
      case '\\':
        out->push_back('\\');
        return true;
      case '/':
        out->push_back('/');
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    uint32_t unit = 0;
    if (!Hex4(&unit)) return false;
    if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a lone low surrogate
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      uint32_t low = 0;
      if (text_.substr(pos_, 2) != "\\u") return false;
      pos_ += 2;
      if (!Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(unit, out);
    return true;
  }

  bool Hex4(uint32_t* value) {
    if (pos_ + 4 > text_.size()) return false;
    *value = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = text_[pos_ + k];
      const int digit = h >= '0' && h <= '9'   ? h - '0'
                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                               : -1;
      if (digit < 0) return false;
      *value = (*value << 4) | digit;
    }
    pos_ += 4;
    return true;
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

// "2026-04-01T09:00:00+08:00", "…T01:00:00.5Z": the RFC 3339 forms protobuf reads.
bool ParseTimestamp(absl::string_view text, int64_t* seconds, int32_t* nanos) {
  // Strictly the shape protobuf takes (upper-case T and Z, 1–9 fraction digits).
  const auto digit = [&](size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (!digit(i)) return false;
  }
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return false;
  }
  // absl::ParseTime takes a leap second (:60) as the next minute; protobuf refuses it.
  if (text[17] > '5') return false;
  size_t i = 19;
  int32_t fraction = 0;
  if (text[i] == '.') {
    int count = 0;
    for (++i; digit(i); ++i, ++count) {
      if (count == 9) return false;
      fraction = fraction * 10 + (text[i] - '0');
    }
    if (count == 0) return false;
    for (int k = count; k < 9; ++k) fraction *= 10;
  }
  const absl::string_view zone = text.substr(i);
  if (zone != "Z" && !(zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digit(i + 1) &&
                       digit(i + 2) && zone[3] == ':' && digit(i + 4) && digit(i + 5))) {
    return false;
  }
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%S%Ez",
                       absl::StrCat(text.substr(0, 19), zone == "Z" ? "+00:00" : zone), &time,
                       &error)) {
    return false;
  }
  *seconds = absl::ToUnixSeconds(time);
  *nanos = fraction;
  return *seconds >= -62135596800 && *seconds <= 253402300799;
}

// "1.5s", "-0.000250s".
bool ParseDuration(absl::string_view text, int64_t* seconds, int32_t* nanos) {
  if (text.size() < 2 || text.back() != 's') return false;
  text.remove_suffix(1);
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  const size_t dot = text.find('.');
  const absl::string_view whole = text.substr(0, dot);
  if (whole.empty() || whole.size() > 12) return false;
  for (char c : whole) {
    if (c < '0' || c > '9') return false;
  }
  int64_t s = 0;
  if (!absl::SimpleAtoi(whole, &s) || s > 315576000000) return false;
  int32_t n = 0;
  if (dot != absl::string_view::npos) {
    const absl::string_view fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.size() > 9) return false;
    for (char c : fraction) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + (c - '0');
    }
    for (size_t k = fraction.size(); k < 9; ++k) n *= 10;
  }
  *seconds = negative ? -s : s;
  *nanos = negative ? -n : n;
  return true;
}

class Parser {
 public:
  explicit Parser(absl::string_view text) : reader_(text) {}

  absl::Status Top(const MessagePlan& plan, std::string* out) {
    if (absl::Status s = Message(plan, out, 0); !s.ok()) return s;
    return reader_.AtEnd() ? absl::OkStatus() : LeaveToProtobuf();
  }

 private:
  // The fields of one JSON object, as the wire form of `plan`'s type.
  absl::Status Message(const MessagePlan& plan, std::string* out, int depth) {
    if (depth > 64) return LeaveToProtobuf();
    if (plan.special == Special::kTimestamp || plan.special == Special::kDuration) {
      std::string text;
      int64_t seconds = 0;
      int32_t nanos = 0;
      if (!reader_.String(&text)) return LeaveToProtobuf();
      const bool read = plan.special == Special::kTimestamp ? ParseTimestamp(text, &seconds, &nanos)
                                                            : ParseDuration(text, &seconds, &nanos);
      if (!read) return LeaveToProtobuf();
      if (seconds != 0) {
        AppendTag(1, kVarint, out);
        AppendVarint(static_cast<uint64_t>(seconds), out);
      }
      if (nanos != 0) {
        AppendTag(2, kVarint, out);
        AppendVarint(static_cast<uint64_t>(static_cast<int64_t>(nanos)), out);
      }
      return absl::OkStatus();
    }
    if (plan.special != Special::kNone) return LeaveToProtobuf();
    if (!reader_.Consume('{')) return LeaveToProtobuf();
    if (reader_.Consume('}')) return absl::OkStatus();
    absl::InlinedVector<bool, 32> seen(plan.fields.size(), false);
    absl::InlinedVector<bool, 4> oneof_seen(plan.type->oneof_decl_count(), false);
    std::string key;
    do {
      if (!reader_.String(&key) || !reader_.Consume(':')) return LeaveToProtobuf();
      const FieldPlan* f = plan.FindByName(key);
      if (f == nullptr) return LeaveToProtobuf();  // protobuf names the unknown field
      bool& was_seen = seen[f - plan.fields.data()];
      if (was_seen || reader_.Peek() == 'n') return LeaveToProtobuf();  // twice, or null
      was_seen = true;
      if (const pb::OneofDescriptor* oneof = f->field->containing_oneof()) {
        bool& taken = oneof_seen[oneof->index()];
        if (taken) return LeaveToProtobuf();
        taken = true;
      }
      absl::Status s;
      if (f->field->is_map()) {
        s = LeaveToProtobuf();
      } else if (f->field->is_repeated()) {
        if (!reader_.Consume('[')) return LeaveToProtobuf();
        if (!reader_.Consume(']')) {
          do {
            if (reader_.Peek() == 'n') return LeaveToProtobuf();
            if (s = Value(*f, out, depth); !s.ok()) return s;
          } while (reader_.Consume(','));
          if (!reader_.Consume(']')) return LeaveToProtobuf();
        }
      } else {
        s = Value(*f, out, depth);
      }
      if (!s.ok()) return s;
    } while (reader_.Consume(','));
    return reader_.Consume('}') ? absl::OkStatus() : LeaveToProtobuf();
  }

  // One value of field `f`, tag included.
  absl::Status Value(const FieldPlan& f, std::string* out, int depth) {
    const Field* field = f.field;
    const int number = field->number();
    absl::string_view token;
    switch (field->type()) {
      case Field::TYPE_MESSAGE: {
        std::string nested;
        if (absl::Status s = Message(*f.message, &nested, depth + 1); !s.ok()) return s;
        AppendTag(number, kLengthDelimited, out);
        AppendVarint(nested.size(), out);
        out->append(nested);
        return absl::OkStatus();
      }
      case Field::TYPE_STRING:
        if (!reader_.String(&scratch_)) return LeaveToProtobuf();
        AppendTag(number, kLengthDelimited, out);
        AppendVarint(scratch_.size(), out);
        out->append(scratch_);
        return absl::OkStatus();
      case Field::TYPE_BYTES: {
        std::string bytes;
        if (!reader_.String(&scratch_) || !(absl::Base64Unescape(scratch_, &bytes) ||
                                            absl::WebSafeBase64Unescape(scratch_, &bytes))) {
          return LeaveToProtobuf();
        }
        AppendTag(number, kLengthDelimited, out);
        AppendVarint(bytes.size(), out);
        out->append(bytes);
        return absl::OkStatus();
      }
      case Field::TYPE_BOOL: {
        const bool value = reader_.Literal("true");
        if (!value && !reader_.Literal("false")) return LeaveToProtobuf();
        AppendTag(number, kVarint, out);
        out->push_back(value ? 1 : 0);
        return absl::OkStatus();
      }
      case Field::TYPE_ENUM: {
        int32_t value = 0;
        if (reader_.Peek() == '"') {
          if (!reader_.String(&scratch_)) return LeaveToProtobuf();
          const pb::EnumValueDescriptor* named = field->enum_type()->FindValueByName(scratch_);
          if (named == nullptr) return LeaveToProtobuf();
          value = named->number();
        } else if (!reader_.Number(&token) || !absl::SimpleAtoi(token, &value)) {
          return LeaveToProtobuf();
        }
        AppendTag(number, kVarint, out);
        AppendVarint(static_cast<uint64_t>(static_cast<int64_t>(value)), out);
        return absl::OkStatus();
      }
      case Field::TYPE_DOUBLE:
      case Field::TYPE_FLOAT: {
        double value = 0;
        if (!reader_.Number(&token) || !absl::SimpleAtod(token, &value) || !std::isfinite(value)) {
          return LeaveToProtobuf();
        }
        if (field->type() == Field::TYPE_DOUBLE) {
          uint64_t bits;
          std::memcpy(&bits, &value, 8);
          AppendTag(number, kFixed64, out);
          AppendFixed64(bits, out);
        } else {
          if (std::fabs(value) > FLT_MAX) return LeaveToProtobuf();
          const float narrow = static_cast<float>(value);
          uint32_t bits;
          std::memcpy(&bits, &narrow, 4);
          AppendTag(number, kFixed32, out);
          AppendFixed32(bits, out);
        }
        return absl::OkStatus();
      }
      default:
        return Integer(field, out);
    }
  }

  // The integer types: a JSON number, or for 64-bit ones also a string of digits.
  absl::Status Integer(const Field* field, std::string* out) {
    absl::string_view token;
    const bool wide =
        field->cpp_type() == Field::CPPTYPE_INT64 || field->cpp_type() == Field::CPPTYPE_UINT64;
    if (wide && reader_.Peek() == '"') {
      if (!reader_.String(&scratch_)) return LeaveToProtobuf();
      token = scratch_;
      // The same grammar inside the quotes, and nothing else: protobuf refuses
      // "1 " and " 1", which SimpleAtoi would take.
      JsonReader digits(token);
      absl::string_view inner;
      if (!digits.Number(&inner) || inner.size() != token.size()) return LeaveToProtobuf();
    } else if (!reader_.Number(&token)) {
      return LeaveToProtobuf();
    }
    const int number = field->number();
    switch (field->cpp_type()) {
      case Field::CPPTYPE_INT32: {
        int32_t v = 0;
        if (!absl::SimpleAtoi(token, &v)) return LeaveToProtobuf();
        if (field->type() == Field::TYPE_SFIXED32) {
          AppendTag(number, kFixed32, out);
          AppendFixed32(static_cast<uint32_t>(v), out);
        } else {
          AppendTag(number, kVarint, out);
          AppendVarint(field->type() == Field::TYPE_SINT32
                           ? (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31)
                           : static_cast<uint64_t>(static_cast<int64_t>(v)),
                       out);
        }
        return absl::OkStatus();
      }
      case Field::CPPTYPE_UINT32: {
        uint32_t v = 0;
        if (!absl::SimpleAtoi(token, &v)) return LeaveToProtobuf();
        if (field->type() == Field::TYPE_FIXED32) {
          AppendTag(number, kFixed32, out);
          AppendFixed32(v, out);
        } else {
          AppendTag(number, kVarint, out);
          AppendVarint(v, out);
        }
        return absl::OkStatus();
      }
      case Field::CPPTYPE_INT64: {
        int64_t v = 0;
        if (!absl::SimpleAtoi(token, &v)) return LeaveToProtobuf();
        if (field->type() == Field::TYPE_SFIXED64) {
          AppendTag(number, kFixed64, out);
          AppendFixed64(static_cast<uint64_t>(v), out);
        } else {
          AppendTag(number, kVarint, out);
          AppendVarint(field->type() == Field::TYPE_SINT64
                           ? (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)
                           : static_cast<uint64_t>(v),
                       out);
        }
        return absl::OkStatus();
      }
      case Field::CPPTYPE_UINT64: {
        uint64_t v = 0;
        if (!absl::SimpleAtoi(token, &v)) return LeaveToProtobuf();
        if (field->type() == Field::TYPE_FIXED64) {
          AppendTag(number, kFixed64, out);
          AppendFixed64(v, out);
        } else {
          AppendTag(number, kVarint, out);
          AppendVarint(v, out);
        }
        return absl::OkStatus();
      }
      default:
        return LeaveToProtobuf();
    }
  }

  JsonReader reader_;
  std::string scratch_;
};

}  // namespace
}  // namespace proto_json

absl::Status JsonToWireFastPath(const google::protobuf::Descriptor* type, absl::string_view json,
                                std::string* out) {
  const size_t before = out->size();
  absl::Status parsed =
      proto_json::Parser(json).Top(*proto_json::PlanCache::Instance().For(type), out);
  if (!parsed.ok()) out->resize(before);
  return parsed;
}

}  // namespace ecoplan::common
