#include "common/http/http_rule_router.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"
#include "ecoplan/api/v1/annotations.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"

namespace ecoplan::common {

namespace pb = ::google::protobuf;

struct HttpRuleRouter::Binding {
  enum class SegmentKind { kLiteral, kStar, kDoubleStar };
  struct Segment {
    SegmentKind kind = SegmentKind::kLiteral;
    std::string literal;
  };
  struct Variable {
    std::string field_name;  // Dotted, as written.
    std::vector<const pb::FieldDescriptor*> fields;
    size_t begin = 0;  // Template segments [begin, end).
    size_t end = 0;
  };
  enum class BodyKind { kNone, kAll, kField };

  std::string verb;
  std::string path_template;
  std::vector<Segment> segments;
  std::string custom_verb;
  std::vector<Variable> variables;
  BodyKind body_kind = BodyKind::kNone;
  const pb::FieldDescriptor* body_field = nullptr;
  const pb::MethodDescriptor* method = nullptr;
  const pb::Message* prototype = nullptr;
};

namespace {

using Binding = HttpRuleRouter::Binding;
using SegmentKind = Binding::SegmentKind;

constexpr size_t kMaxQuotedValue = 100;

// A value quoted for an error message, cut to a readable length. UTF-8 text
// (Chinese names) is kept as it is; control characters and bytes that are not
// UTF-8 are escaped.
std::string Quote(absl::string_view value) {
  bool cut = value.size() > kMaxQuotedValue;
  if (cut) {
    size_t n = kMaxQuotedValue;
    while (n > 0 && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) --n;
    value = value.substr(0, n);
  }
  std::string out = "\"";
  if (!IsValidUtf8(value)) {
    out += absl::CHexEscape(value);
  } else {
    for (char c : value) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f || c == '"' || c == '\\') {
        out += absl::CHexEscape(absl::string_view(&c, 1));
      } else {
        out.push_back(c);
      }
    }
  }
  if (cut) out += "…";
  out += "\"";
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in`; '+' becomes a space when `plus_is_space` (query strings).
bool PercentDecode(absl::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexDigit(in[i + 1]);
      int lo = HexDigit(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Templates

bool IsLiteralChar(char c) {
  if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  return absl::string_view("/{}*:=?#%").find(c) == absl::string_view::npos;
}

bool IsFieldPathChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '.'; }

// Parses a path template into `b->segments`, `b->variables` (field names
// only) and `b->custom_verb`. Grammar: http_rule_router.h.
class TemplateParser {
 public:
  TemplateParser(absl::string_view text, Binding* b) : text_(text), b_(b) {}

  absl::Status Parse() {
    if (text_.empty() || text_[0] != '/') return Error("must start with '/'");
    pos_ = 1;
    ECOPLAN_RETURN_IF_ERROR(ParseSegments(/*in_variable=*/false));
    if (!AtEnd() && Peek() == ':') {
      ++pos_;
      size_t start = pos_;
      while (!AtEnd() && IsLiteralChar(Peek())) ++pos_;
      if (pos_ == start) return Error("empty custom verb after ':'");
      b_->custom_verb = std::string(text_.substr(start, pos_ - start));
    }
    if (!AtEnd())
      return Error(absl::StrCat("unexpected '", text_.substr(pos_, 1), "' at offset ", pos_));
    for (size_t i = 0; i + 1 < b_->segments.size(); ++i) {
      if (b_->segments[i].kind == SegmentKind::kDoubleStar) {
        return Error("'**' may only be the last segment");
      }
    }
    return absl::OkStatus();
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(std::string(what));
  }

  absl::Status ParseSegments(bool in_variable) {
    while (true) {
      if (AtEnd()) return Error("empty segment at the end");
      char c = Peek();
      if (c == '{') {
        if (in_variable) return Error("a variable inside a variable");
        ECOPLAN_RETURN_IF_ERROR(ParseVariable());
      } else if (c == '*') {
        ++pos_;
        if (!AtEnd() && Peek() == '*') {
          ++pos_;
          b_->segments.push_back({SegmentKind::kDoubleStar, ""});
        } else {
          b_->segments.push_back({SegmentKind::kStar, ""});
        }
      } else {
        size_t start = pos_;
        while (!AtEnd() && IsLiteralChar(Peek())) ++pos_;
        if (pos_ == start) {
          return Error(absl::StrCat("empty segment or unexpected '", text_.substr(pos_, 1),
                                    "' at offset ", pos_));
        }
        b_->segments.push_back(
            {SegmentKind::kLiteral, std::string(text_.substr(start, pos_ - start))});
      }
      if (!AtEnd() && Peek() == '/') {
        ++pos_;
        continue;
      }
      return absl::OkStatus();
    }
  }

  absl::Status ParseVariable() {
    ++pos_;  // '{'
    size_t start = pos_;
    while (!AtEnd() && IsFieldPathChar(Peek())) ++pos_;
    Binding::Variable var;
    var.field_name = std::string(text_.substr(start, pos_ - start));
    if (var.field_name.empty() || absl::StartsWith(var.field_name, ".") ||
        absl::EndsWith(var.field_name, ".") || absl::StrContains(var.field_name, "..")) {
      return Error(absl::StrCat("bad field path in variable at offset ", start));
    }
    var.begin = b_->segments.size();
    if (!AtEnd() && Peek() == '=') {
      ++pos_;
      ECOPLAN_RETURN_IF_ERROR(ParseSegments(/*in_variable=*/true));
    } else {
      b_->segments.push_back({SegmentKind::kStar, ""});
    }
    if (AtEnd() || Peek() != '}')
      return Error(absl::StrCat("variable {", var.field_name, " not closed"));
    ++pos_;
    var.end = b_->segments.size();
    b_->variables.push_back(std::move(var));
    return absl::OkStatus();
  }

  absl::string_view text_;
  Binding* b_;
  size_t pos_ = 0;
};

// "plans" -> "plan", "deliveries" -> "delivery"; other words unchanged.
std::string Singular(absl::string_view word) {
  if (absl::EndsWith(word, "ies") && word.size() > 3) {
    return absl::StrCat(word.substr(0, word.size() - 3), "y");
  }
  if (absl::EndsWith(word, "s") && !absl::EndsWith(word, "ss") && word.size() > 1) {
    return std::string(word.substr(0, word.size() - 1));
  }
  return std::string(word);
}

// The OpenAPI form of a binding's path and its parameters (see Route).
void DescribePath(const Binding& b, struct HttpRuleRouter::Route* route) {
  std::set<std::string> used;
  auto unique = [&used](std::string name) {
    std::string candidate = name;
    for (int n = 2; used.count(candidate) > 0; ++n) candidate = absl::StrCat(name, "_", n);
    used.insert(candidate);
    return candidate;
  };
  std::string path;
  size_t next_var = 0;
  for (size_t i = 0; i < b.segments.size(); ++i) {
    const Binding::Variable* var = nullptr;
    if (next_var < b.variables.size() && b.variables[next_var].begin <= i &&
        i < b.variables[next_var].end) {
      var = &b.variables[next_var];
    }
    const Binding::Segment& seg = b.segments[i];
    if (seg.kind == SegmentKind::kLiteral) {
      absl::StrAppend(&path, "/", seg.literal);
    } else {
      std::string field = var ? var->field_name : "path";
      std::string name;
      if (var != nullptr && var->end - var->begin == 1) {
        name = absl::StrReplaceAll(field, {{".", "_"}});
      } else if (i > 0 && b.segments[i - 1].kind == SegmentKind::kLiteral) {
        name = Singular(b.segments[i - 1].literal);
      } else {
        name = absl::StrReplaceAll(field, {{".", "_"}});
      }
      name = unique(name);
      absl::StrAppend(&path, "/{", name, "}");
      route->path_parameters.push_back({name, field});
    }
    if (var != nullptr && i + 1 == var->end) ++next_var;
  }
  if (!b.custom_verb.empty()) absl::StrAppend(&path, ":", b.custom_verb);
  route->openapi_path = path;
}

std::string Shape(const Binding& b) {
  std::string shape = b.verb + " ";
  for (const Binding::Segment& seg : b.segments) {
    switch (seg.kind) {
      case SegmentKind::kLiteral:
        absl::StrAppend(&shape, "/", seg.literal);
        break;
      case SegmentKind::kStar:
        absl::StrAppend(&shape, "/*");
        break;
      case SegmentKind::kDoubleStar:
        absl::StrAppend(&shape, "/**");
        break;
    }
  }
  if (!b.custom_verb.empty()) absl::StrAppend(&shape, ":", b.custom_verb);
  return shape;
}

bool IsScalar(const pb::FieldDescriptor* f) {
  return f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE;
}

// Resolves a variable's dotted field path against the request type.
absl::Status ResolveVariable(const pb::Descriptor* request, const Binding& b,
                             Binding::Variable* var) {
  const pb::Descriptor* type = request;
  std::vector<std::string> parts = absl::StrSplit(var->field_name, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const pb::FieldDescriptor* f = type->FindFieldByName(parts[i]);
    if (f == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "variable {", var->field_name, "}: ", type->full_name(), " has no field ", parts[i]));
    }
    var->fields.push_back(f);
    bool last = i + 1 == parts.size();
    if (!last) {
      if (f->is_repeated() || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) {
        return absl::InvalidArgumentError(absl::StrCat(
            "variable {", var->field_name, "}: ", parts[i], " is not a singular message field"));
      }
      type = f->message_type();
      continue;
    }
    if (f->is_repeated() || !IsScalar(f)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "variable {", var->field_name, "}: not a singular scalar field (", f->full_name(), ")"));
    }
    bool one_segment =
        var->end - var->begin == 1 && b.segments[var->begin].kind == SegmentKind::kStar;
    if (!one_segment && f->type() != pb::FieldDescriptor::TYPE_STRING) {
      return absl::InvalidArgumentError(
          absl::StrCat("variable {", var->field_name,
                       "}: spans more than one segment, so it must name a string field"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Binding> ParseBinding(const pb::MethodDescriptor* method,
                                     const ecoplan::api::v1::HttpRule& rule) {
  Binding b;
  b.method = method;
  absl::string_view path;
  switch (rule.pattern_case()) {
    case ecoplan::api::v1::HttpRule::kGet:
      b.verb = "GET";
      path = rule.get();
      break;
    case ecoplan::api::v1::HttpRule::kPut:
      b.verb = "PUT";
      path = rule.put();
      break;
    case ecoplan::api::v1::HttpRule::kPost:
      b.verb = "POST";
      path = rule.post();
      break;
    case ecoplan::api::v1::HttpRule::kDelete:
      b.verb = "DELETE";
      path = rule.delete_();
      break;
    case ecoplan::api::v1::HttpRule::kPatch:
      b.verb = "PATCH";
      path = rule.patch();
      break;
    case ecoplan::api::v1::HttpRule::PATTERN_NOT_SET:
      return absl::InvalidArgumentError("no verb (get, put, post, delete or patch)");
  }
  b.path_template = std::string(path);
  ECOPLAN_RETURN_IF_ERROR(TemplateParser(path, &b).Parse());
  std::set<std::string> seen;
  for (Binding::Variable& var : b.variables) {
    ECOPLAN_RETURN_IF_ERROR(ResolveVariable(method->input_type(), b, &var));
    if (!seen.insert(var.field_name).second) {
      return absl::InvalidArgumentError(absl::StrCat("variable {", var.field_name, "} twice"));
    }
  }
  const std::string& body = rule.body();
  if (body.empty()) {
    b.body_kind = Binding::BodyKind::kNone;
  } else if (b.verb == "GET" || b.verb == "DELETE") {
    return absl::InvalidArgumentError(absl::StrCat(b.verb, " takes no body (body \"", body, "\")"));
  } else if (body == "*") {
    b.body_kind = Binding::BodyKind::kAll;
  } else {
    const pb::FieldDescriptor* f = method->input_type()->FindFieldByName(body);
    if (f == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "body \"", body, "\": ", method->input_type()->full_name(), " has no such field"));
    }
    if (f->is_repeated() || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      return absl::InvalidArgumentError(
          absl::StrCat("body \"", body, "\": not a singular message field"));
    }
    b.body_kind = Binding::BodyKind::kField;
    b.body_field = f;
  }
  return b;
}

// The rule on a method, read through a copy of its options parsed with the
// generated pool: a descriptor of another pool (DynamicMessage, a pool built
// at run time) keeps a custom option as an unknown field.
ecoplan::api::v1::HttpRule RuleOf(const pb::MethodDescriptor* method, bool* present) {
  const pb::MethodOptions& options = method->options();
  if (options.HasExtension(ecoplan::api::v1::http)) {
    *present = true;
    return options.GetExtension(ecoplan::api::v1::http);
  }
  pb::MethodOptions copy;
  copy.ParseFromString(options.SerializeAsString());
  *present = copy.HasExtension(ecoplan::api::v1::http);
  return copy.GetExtension(ecoplan::api::v1::http);
}

// The method's (ecoplan.api.v1.http_body), as RuleOf reads (ecoplan.api.v1.http).
ecoplan::api::v1::HttpBodyRule BodyRuleOf(const pb::MethodDescriptor* method, bool* present) {
  const pb::MethodOptions& options = method->options();
  if (options.HasExtension(ecoplan::api::v1::http_body)) {
    *present = true;
    return options.GetExtension(ecoplan::api::v1::http_body);
  }
  pb::MethodOptions copy;
  copy.ParseFromString(options.SerializeAsString());
  *present = copy.HasExtension(ecoplan::api::v1::http_body);
  return copy.GetExtension(ecoplan::api::v1::http_body);
}

// ---------------------------------------------------------------------------
// Matching

// The matched path: one [begin, end) span of path segments per template segment.
struct PathMatch {
  std::vector<std::pair<size_t, size_t>> spans;
  std::vector<int> score;
};

bool MatchBinding(const Binding& b, const std::vector<std::string>& decoded_plain,
                  const std::vector<std::string>& decoded_verb, bool verb_split, PathMatch* m) {
  const std::vector<std::string>* segs = &decoded_plain;
  if (!b.custom_verb.empty()) {
    if (!verb_split) return false;
    // decoded_verb holds the segments with the last one's ":verb" removed;
    // its verb is checked by the caller (it passes only matching bindings).
    segs = &decoded_verb;
  }
  m->spans.clear();
  m->score.clear();
  m->score.push_back(b.custom_verb.empty() ? 0 : 1);
  size_t j = 0;
  for (const Binding::Segment& seg : b.segments) {
    switch (seg.kind) {
      case SegmentKind::kLiteral:
        if (j >= segs->size() || (*segs)[j] != seg.literal) return false;
        m->spans.emplace_back(j, j + 1);
        m->score.push_back(2);
        ++j;
        break;
      case SegmentKind::kStar:
        if (j >= segs->size() || (*segs)[j].empty()) return false;
        m->spans.emplace_back(j, j + 1);
        m->score.push_back(1);
        ++j;
        break;
      case SegmentKind::kDoubleStar:
        m->spans.emplace_back(j, segs->size());
        m->score.push_back(0);
        j = segs->size();
        break;
    }
  }
  return j == segs->size();
}

// The path split into percent-decoded segments, plain and with a trailing
// ":verb" split off the last segment.
struct SplitPath {
  std::vector<std::string> plain;
  std::vector<std::string> without_verb;
  std::string verb;
  bool has_verb = false;
};

absl::StatusOr<SplitPath> Split(absl::string_view path) {
  SplitPath out;
  if (path.empty() || path[0] != '/') {
    return absl::NotFoundError(absl::StrCat("no route for path ", Quote(path)));
  }
  std::vector<absl::string_view> raw = absl::StrSplit(path.substr(1), '/');
  for (absl::string_view r : raw) {
    std::string decoded;
    if (!PercentDecode(r, /*plus_is_space=*/false, &decoded)) {
      return absl::InvalidArgumentError(
          absl::StrCat("path ", Quote(path), ": malformed percent-encoding"));
    }
    out.plain.push_back(std::move(decoded));
  }
  absl::string_view last = raw.back();
  size_t colon = last.rfind(':');
  if (colon != absl::string_view::npos) {
    out.has_verb = true;
    out.without_verb = out.plain;
    std::string decoded;
    PercentDecode(last.substr(0, colon), false, &decoded);
    out.without_verb.back() = std::move(decoded);
    PercentDecode(last.substr(colon + 1), false, &out.verb);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Setting fields from text

absl::Status BadValue(absl::string_view what, absl::string_view value, absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", Quote(value), " is not ", expected));
}

bool ParseBool(absl::string_view v, bool* out) {
  if (absl::EqualsIgnoreCase(v, "true") || v == "1") {
    *out = true;
    return true;
  }
  if (absl::EqualsIgnoreCase(v, "false") || v == "0") {
    *out = false;
    return true;
  }
  return false;
}

const pb::EnumValueDescriptor* ParseEnum(const pb::EnumDescriptor* e, absl::string_view v) {
  if (const pb::EnumValueDescriptor* value = e->FindValueByName(std::string(v))) return value;
  int number = 0;
  if (absl::SimpleAtoi(v, &number)) return e->FindValueByNumber(number);
  // The name without the enum's prefix, in any case: "lead" for ORG_ROLE_LEAD
  // when the zero value is ORG_ROLE_UNSPECIFIED.
  const pb::EnumValueDescriptor* zero = e->FindValueByNumber(0);
  std::string prefix;
  if (zero != nullptr && absl::EndsWith(zero->name(), "UNSPECIFIED")) {
    prefix = zero->name().substr(0, zero->name().size() - std::string("UNSPECIFIED").size());
  }
  for (int i = 0; i < e->value_count(); ++i) {
    absl::string_view name = e->value(i)->name();
    if (!absl::StartsWith(name, prefix)) continue;
    if (absl::EqualsIgnoreCase(name.substr(prefix.size()), v) || absl::EqualsIgnoreCase(name, v)) {
      return e->value(i);
    }
  }
  return nullptr;
}

std::string EnumNames(const pb::EnumDescriptor* e) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) names.push_back(e->value(i)->name());
  return absl::StrJoin(names, ", ");
}

template <typename T>
bool ParseInt(absl::string_view v, T* out) {
  return absl::SimpleAtoi(v, out);
}

// Sets (or, for a repeated field, adds) scalar field `f` of `m` from `value`.
absl::Status SetScalar(pb::Message* m, const pb::FieldDescriptor* f, absl::string_view value,
                       absl::string_view what) {
  const pb::Reflection* r = m->GetReflection();
  bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!ParseInt(value, &v)) return BadValue(what, value, "a 32-bit integer");
      rep ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!ParseInt(value, &v)) return BadValue(what, value, "a 64-bit integer");
      rep ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (absl::StartsWith(value, "-") || !ParseInt(value, &v)) {
        return BadValue(what, value, "an unsigned 32-bit integer");
      }
      rep ? r->AddUInt32(m, f, v) : r->SetUInt32(m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (absl::StartsWith(value, "-") || !ParseInt(value, &v)) {
        return BadValue(what, value, "an unsigned 64-bit integer");
      }
      rep ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return BadValue(what, value, "a number");
      rep ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      float v;
      if (!absl::SimpleAtof(value, &v)) return BadValue(what, value, "a number");
      rep ? r->AddFloat(m, f, v) : r->SetFloat(m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!ParseBool(value, &v)) return BadValue(what, value, "true or false");
      rep ? r->AddBool(m, f, v) : r->SetBool(m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* v = ParseEnum(f->enum_type(), value);
      if (v == nullptr) {
        return BadValue(what, value,
                        absl::StrCat("a value of ", f->enum_type()->full_name(), " (",
                                     EnumNames(f->enum_type()), ")"));
      }
      rep ? r->AddEnum(m, f, v) : r->SetEnum(m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_STRING: {
      std::string v;
      if (f->type() == pb::FieldDescriptor::TYPE_BYTES) {
        if (!absl::Base64Unescape(value, &v) && !absl::WebSafeBase64Unescape(value, &v)) {
          return BadValue(what, value, "base64");
        }
      } else {
        if (!IsValidUtf8(value)) return BadValue(what, value, "UTF-8 text");
        v = std::string(value);
      }
      rep ? r->AddString(m, f, std::move(v)) : r->SetString(m, f, std::move(v));
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      return absl::InternalError("SetScalar on a message field");
  }
  return absl::OkStatus();
}

enum class WellKnown { kNone, kTimestamp, kDuration, kFieldMask, kWrapper, kBoolValue, kDate };

// A calendar day in the shape of google.type.Date (ecoplan.common.v1.Date):
// exactly the int32 fields year, month and day.
bool IsDateShaped(const pb::Descriptor* d) {
  if (d->field_count() != 3) return false;
  for (const char* name : {"year", "month", "day"}) {
    const pb::FieldDescriptor* f = d->FindFieldByName(name);
    if (f == nullptr || f->is_repeated() || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_INT32) {
      return false;
    }
  }
  return true;
}

WellKnown WellKnownOf(const pb::Descriptor* d) {
  const std::string& n = d->full_name();
  if (n == "google.protobuf.Timestamp") return WellKnown::kTimestamp;
  if (n == "google.protobuf.Duration") return WellKnown::kDuration;
  if (n == "google.protobuf.FieldMask") return WellKnown::kFieldMask;
  if (n == "google.protobuf.BoolValue") return WellKnown::kBoolValue;
  if (n == "google.protobuf.DoubleValue" || n == "google.protobuf.FloatValue" ||
      n == "google.protobuf.Int64Value" || n == "google.protobuf.UInt64Value" ||
      n == "google.protobuf.Int32Value" || n == "google.protobuf.UInt32Value" ||
      n == "google.protobuf.StringValue" || n == "google.protobuf.BytesValue") {
    return WellKnown::kWrapper;
  }
  if (IsDateShaped(d)) return WellKnown::kDate;
  return WellKnown::kNone;
}

std::string JsonQuote(absl::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppend(&out, "\\u00", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
        } else {
          out.push_back(c);
        }
    }
  }
  out += "\"";
  return out;
}

// Fills `target` (a fresh well-known-type message) from its query-string form.
absl::Status SetWellKnown(pb::Message* target, absl::string_view value, absl::string_view what) {
  const pb::Descriptor* d = target->GetDescriptor();
  WellKnown kind = WellKnownOf(d);
  if (kind == WellKnown::kFieldMask) {
    const pb::FieldDescriptor* paths = d->FindFieldByName("paths");
    if (value.empty()) return absl::OkStatus();
    for (absl::string_view p : absl::StrSplit(value, ',')) {
      std::string path(p);
      if (std::any_of(path.begin(), path.end(), [](char c) { return absl::ascii_isupper(c); })) {
        std::string snake;
        for (char c : path) {
          if (c == '_') return BadValue(what, value, "a comma-separated list of field paths");
          if (absl::ascii_isupper(c)) {
            snake.push_back('_');
            snake.push_back(absl::ascii_tolower(c));
          } else {
            snake.push_back(c);
          }
        }
        path = snake;
      }
      if (path.empty()) return BadValue(what, value, "a comma-separated list of field paths");
      target->GetReflection()->AddString(target, paths, path);
    }
    return absl::OkStatus();
  }
  if (kind == WellKnown::kDate) {
    // YYYY-MM-DD; the service checks that the day exists.
    std::vector<absl::string_view> parts = absl::StrSplit(value, '-');
    int year = 0, month = 0, day = 0;
    if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 || parts[2].size() != 2 ||
        !absl::SimpleAtoi(parts[0], &year) || !absl::SimpleAtoi(parts[1], &month) ||
        !absl::SimpleAtoi(parts[2], &day) || year < 1 || month < 1 || month > 12 || day < 1 ||
        day > 31) {
      return BadValue(what, value, "a day as YYYY-MM-DD");
    }
    const pb::Reflection* r = target->GetReflection();
    r->SetInt32(target, d->FindFieldByName("year"), year);
    r->SetInt32(target, d->FindFieldByName("month"), month);
    r->SetInt32(target, d->FindFieldByName("day"), day);
    return absl::OkStatus();
  }
  if (kind == WellKnown::kWrapper || kind == WellKnown::kBoolValue) {
    // The wrapped value, parsed like the scalar it wraps.
    return SetScalar(target, d->FindFieldByName("value"), value, what);
  }
  // Timestamp and Duration: their JSON form is a string; the JSON parser
  // checks it (range, RFC 3339, at most nanosecond precision).
  std::string json = JsonQuote(value);
  absl::string_view expected = kind == WellKnown::kTimestamp
                                   ? "an RFC 3339 time (e.g. 2026-05-25T18:00:00+08:00)"
                                   : "a duration in seconds ending in s (e.g. 3.5s)";
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  pb::util::Status s = pb::util::JsonStringToMessage(json, target, options);
  if (!s.ok()) return BadValue(what, value, expected);
  return absl::OkStatus();
}

// Sets the field at `path` of `root` from `value` (query parameter or path
// variable). Singular fields are overwritten; repeated ones get one more element.
absl::Status SetPath(pb::Message* root, const std::vector<const pb::FieldDescriptor*>& path,
                     absl::string_view value, absl::string_view what) {
  pb::Message* m = root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    m = m->GetReflection()->MutableMessage(m, path[i]);
  }
  const pb::FieldDescriptor* f = path.back();
  const pb::Reflection* r = m->GetReflection();
  if (const pb::OneofDescriptor* oneof = f->containing_oneof()) {
    const pb::FieldDescriptor* set = r->GetOneofFieldDescriptor(*m, oneof);
    if (set != nullptr && set != f) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": ", f->name(), " and ", set->name(),
                                                     " are members of one oneof (", oneof->name(),
                                                     "); give one"));
    }
  }
  if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
    pb::Message* target = f->is_repeated() ? r->AddMessage(m, f) : r->MutableMessage(m, f);
    return SetWellKnown(target, value, what);
  }
  return SetScalar(m, f, value, what);
}

// Resolves a query parameter's dotted name (proto or JSON names).
absl::StatusOr<std::vector<const pb::FieldDescriptor*>> ResolveQueryName(
    const pb::Descriptor* request, absl::string_view name, absl::string_view what) {
  std::vector<const pb::FieldDescriptor*> path;
  const pb::Descriptor* type = request;
  std::vector<absl::string_view> parts = absl::StrSplit(name, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string part(parts[i]);
    const pb::FieldDescriptor* f = type->FindFieldByName(part);
    for (int k = 0; f == nullptr && k < type->field_count(); ++k) {
      if (type->field(k)->json_name() == part) f = type->field(k);
    }
    if (f == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", type->full_name(), " has no field ", Quote(part)));
    }
    path.push_back(f);
    bool last = i + 1 == parts.size();
    if (f->is_map()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", f->name(), " is a map; send it in a JSON body"));
    }
    if (!last) {
      if (f->is_repeated() || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": ", f->name(), " is not a singular message field"));
      }
      type = f->message_type();
      continue;
    }
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
        WellKnownOf(f->message_type()) == WellKnown::kNone) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", f->name(), " is a message (", f->message_type()->full_name(),
                       "); set its fields as ", name, ".<field>",
                       f->is_repeated() ? ", or use the JSON form" : ""));
    }
  }
  return path;
}

std::string FieldNames(const std::vector<const pb::FieldDescriptor*>& path) {
  std::vector<std::string> names;
  for (const pb::FieldDescriptor* f : path) names.push_back(f->name());
  return absl::StrJoin(names, ".");
}

bool IsPrefix(const std::vector<const pb::FieldDescriptor*>& a,
              const std::vector<const pb::FieldDescriptor*>& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

absl::Status ApplyQuery(const Binding& b, absl::string_view query, pb::Message* request) {
  std::set<std::string> singular_seen;
  for (absl::string_view pair : absl::StrSplit(query, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    absl::string_view raw_name = pair.substr(0, eq);
    absl::string_view raw_value = eq == absl::string_view::npos ? "" : pair.substr(eq + 1);
    std::string name, value;
    if (!PercentDecode(raw_name, true, &name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter ", Quote(raw_name), ": malformed percent-encoding"));
    }
    std::string what = absl::StrCat("query parameter \"", name, "\"");
    if (!PercentDecode(raw_value, true, &value)) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": malformed percent-encoding"));
    }
    if (b.body_kind == Binding::BodyKind::kAll) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": ", b.verb, " ", b.path_template,
                                                     " takes every field from the JSON body"));
    }
    ECOPLAN_ASSIGN_OR_RETURN(auto path, ResolveQueryName(b.method->input_type(), name, what));
    if (b.body_kind == Binding::BodyKind::kField && path.front() == b.body_field) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", b.body_field->name(), " comes from the JSON body"));
    }
    for (const Binding::Variable& var : b.variables) {
      if (IsPrefix(path, var.fields) || IsPrefix(var.fields, path)) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": ", var.field_name, " comes from the path"));
      }
    }
    std::string canonical = FieldNames(path);
    if (!path.back()->is_repeated() && !singular_seen.insert(canonical).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": given more than once (", canonical, " is not repeated)"));
    }
    ECOPLAN_RETURN_IF_ERROR(SetPath(request, path, value, what));
  }
  return absl::OkStatus();
}

absl::Status ApplyBody(const Binding& b, absl::string_view body, pb::Message* request) {
  bool empty = absl::StripAsciiWhitespace(body).empty();
  if (b.body_kind == Binding::BodyKind::kNone) {
    if (!empty) {
      return absl::InvalidArgumentError(
          absl::StrCat("body: ", b.verb, " ", b.path_template,
                       " takes no body; its fields come from the path and the query"));
    }
    return absl::OkStatus();
  }
  if (empty) return absl::OkStatus();
  pb::Message* target = request;
  std::string what = "body";
  if (b.body_kind == Binding::BodyKind::kField) {
    target = request->GetReflection()->MutableMessage(request, b.body_field);
    what = absl::StrCat("body (", b.body_field->name(), ")");
  }
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  pb::util::Status s =
      pb::util::JsonStringToMessage(pb::StringPiece(body.data(), body.size()), target, options);
  if (!s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": not a JSON ", target->GetDescriptor()->full_name(), ": ", s.message().ToString()));
  }
  return absl::OkStatus();
}

constexpr const char* kVerbOrder[] = {"GET", "PUT", "POST", "DELETE", "PATCH"};

}  // namespace

absl::StatusOr<HttpRuleRouter> HttpRuleRouter::Build(
    const std::vector<const pb::ServiceDescriptor*>& services) {
  HttpRuleRouter router;
  router.dynamic_factory_ = std::make_shared<pb::DynamicMessageFactory>();
  router.dynamic_factory_->SetDelegateToGeneratedFactory(true);
  std::map<std::string, std::string> shapes;  // shape -> "Method template"
  for (const pb::ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor* method = service->method(i);
      bool present = false;
      ecoplan::api::v1::HttpRule rule = RuleOf(method, &present);
      if (!present) continue;
      // A server stream is reachable by URL only as a download: the front
      // door gathers it into one answer (HttpBodyRule), which a GET fetches.
      bool has_body_rule = false;
      const ecoplan::api::v1::HttpBodyRule body_rule = BodyRuleOf(method, &has_body_rule);
      const bool download_stream =
          method->server_streaming() && !method->client_streaming() && has_body_rule;
      if (method->client_streaming() || (method->server_streaming() && !download_stream)) {
        return absl::InvalidArgumentError(absl::StrCat(
            method->full_name(),
            ": a streaming method cannot have (ecoplan.api.v1.http) unless it is a server stream "
            "with (ecoplan.api.v1.http_body) and GET rules"));
      }
      std::vector<const ecoplan::api::v1::HttpRule*> rules = {&rule};
      for (const auto& extra : rule.additional_bindings()) {
        if (!extra.additional_bindings().empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat(method->full_name(), ": an additional binding has additional_bindings"));
        }
        rules.push_back(&extra);
      }
      for (const ecoplan::api::v1::HttpRule* r : rules) {
        if (download_stream && !r->has_get()) {
          return absl::InvalidArgumentError(absl::StrCat(
              method->full_name(),
              ": a server-streaming method's (ecoplan.api.v1.http) rules must all be GET"));
        }
        absl::StatusOr<Binding> b = ParseBinding(method, *r);
        if (!b.ok()) {
          std::string tmpl;
          if (r->has_get()) tmpl = "GET " + r->get();
          if (r->has_put()) tmpl = "PUT " + r->put();
          if (r->has_post()) tmpl = "POST " + r->post();
          if (r->has_delete_()) tmpl = "DELETE " + r->delete_();
          if (r->has_patch()) tmpl = "PATCH " + r->patch();
          return absl::InvalidArgumentError(
              absl::StrCat(method->full_name(), " (", tmpl, "): ", b.status().message()));
        }
        const pb::Descriptor* input = method->input_type();
        b->prototype = input->file()->pool() == pb::DescriptorPool::generated_pool()
                           ? pb::MessageFactory::generated_factory()->GetPrototype(input)
                           : router.dynamic_factory_->GetPrototype(input);
        if (b->prototype == nullptr) {
          return absl::InvalidArgumentError(
              absl::StrCat(method->full_name(), ": no message class for ", input->full_name()));
        }
        std::string shape = Shape(*b);
        std::string here =
            absl::StrCat(method->full_name(), " (", b->verb, " ", b->path_template, ")");
        auto [it, inserted] = shapes.emplace(shape, here);
        if (!inserted) {
          return absl::InvalidArgumentError(absl::StrCat(
              here, " and ", it->second, ": the same verb and path shape (", shape, ")"));
        }
        struct Route route;
        route.verb = b->verb;
        route.path_template = b->path_template;
        route.body = r->body();
        route.method = method;
        if (has_body_rule) route.http_body = body_rule;
        DescribePath(*b, &route);
        router.routes_.push_back(std::move(route));
        router.bindings_.push_back(std::make_shared<const Binding>(*std::move(b)));
      }
    }
  }
  return router;
}

absl::StatusOr<HttpRuleRouter::Match> HttpRuleRouter::Route(
    absl::string_view verb, absl::string_view path, absl::string_view query, absl::string_view body,
    const pb::MethodDescriptor** routed) const {
  ECOPLAN_ASSIGN_OR_RETURN(SplitPath split, Split(path));
  const Binding* best = nullptr;
  PathMatch best_match;
  PathMatch m;
  for (const auto& b : bindings_) {
    if (b->verb != verb) continue;
    if (!b->custom_verb.empty() && (!split.has_verb || split.verb != b->custom_verb)) continue;
    if (!MatchBinding(*b, split.plain, split.without_verb, split.has_verb, &m)) continue;
    if (best == nullptr || m.score > best_match.score) {
      best = b.get();
      best_match = m;
    }
  }
  if (best == nullptr) {
    return absl::NotFoundError(absl::StrCat("no route for ", verb, " ", Quote(path)));
  }
  const Binding& b = *best;
  if (routed != nullptr) *routed = b.method;
  std::unique_ptr<pb::Message> request(b.prototype->New());
  ECOPLAN_RETURN_IF_ERROR(ApplyBody(b, body, request.get()));
  ECOPLAN_RETURN_IF_ERROR(ApplyQuery(b, query, request.get()));
  const std::vector<std::string>& segs = b.custom_verb.empty() ? split.plain : split.without_verb;
  for (const Binding::Variable& var : b.variables) {
    size_t from = best_match.spans[var.begin].first;
    size_t to = best_match.spans[var.end - 1].second;
    std::string value = absl::StrJoin(segs.begin() + from, segs.begin() + to, "/");
    ECOPLAN_RETURN_IF_ERROR(SetPath(request.get(), var.fields, value,
                                    absl::StrCat("path variable {", var.field_name, "}")));
  }
  Match match;
  match.method = b.method;
  if (!request->SerializeToString(&match.request)) {
    return absl::InvalidArgumentError("the request could not be serialized");
  }
  return match;
}

std::optional<ecoplan::api::v1::HttpBodyRule> HttpRuleRouter::HttpBodyOf(
    const pb::MethodDescriptor* method) {
  bool present = false;
  ecoplan::api::v1::HttpBodyRule rule = BodyRuleOf(method, &present);
  if (!present) return std::nullopt;
  return rule;
}

std::vector<std::string> HttpRuleRouter::AllowedVerbs(absl::string_view path) const {
  std::vector<std::string> verbs;
  absl::StatusOr<SplitPath> split = Split(path);
  if (!split.ok()) return verbs;
  std::set<std::string> matched;
  PathMatch m;
  for (const auto& b : bindings_) {
    if (!b->custom_verb.empty() && (!split->has_verb || split->verb != b->custom_verb)) continue;
    if (MatchBinding(*b, split->plain, split->without_verb, split->has_verb, &m)) {
      matched.insert(b->verb);
    }
  }
  for (const char* v : kVerbOrder) {
    if (matched.count(v) > 0) verbs.push_back(v);
  }
  return verbs;
}

}  // namespace ecoplan::common
