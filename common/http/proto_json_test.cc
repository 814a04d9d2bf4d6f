// AppendProtoJson against protobuf's own printer (MessageToJsonString, default
// options): every request and response message of the seven services, filled
// at random (nested messages, repeated fields, maps, enums including numbers
// no build knows, strings with the characters protobuf escapes, 64-bit
// integers, doubles, Timestamps, Durations, FieldMasks, events packed in Any),
// must give the same text — byte for byte where the order is defined, the same
// JSON value where it is not (map entries) or where protobuf spells a double
// with more digits than it needs.

#include "common/http/proto_json.h"

#include <google/protobuf/any.pb.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/http/proto_json_memo.h"
#include "common/http/proto_json_plan.h"
#include "ecoplan/admin/v1/admin_service.pb.h"
#include "ecoplan/common/v1/event.pb.h"
#include "ecoplan/indicator/v1/assessment_service.pb.h"
#include "ecoplan/indicator/v1/document_service.pb.h"
#include "ecoplan/indicator/v1/indicator_service.pb.h"
#include "ecoplan/notification/v1/notification_service.pb.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "ecoplan/registry/v1/registry_service.pb.h"

namespace ecoplan::common {
namespace {

namespace pb = ::google::protobuf;
using Field = pb::FieldDescriptor;

const char* const kServices[] = {
    "ecoplan.registry.v1.RegistryService",   "ecoplan.progress.v1.ProgressService",
    "ecoplan.indicator.v1.IndicatorService", "ecoplan.indicator.v1.AssessmentService",
    "ecoplan.indicator.v1.DocumentService",  "ecoplan.notification.v1.NotificationService",
    "ecoplan.admin.v1.AdminService",
};

// Strings with what a printer must escape or keep: quotes, backslash, control
// characters, HTML-sensitive <>, CJK, a full-width digit, emoji, the invisible
// format characters protobuf writes as \u escapes (soft hyphen, ZWSP, line
// separator, BOM, a musical symbol and a tag character outside the BMP).
const char* const kTexts[] = {
    "",
    "区生态环境局",
    "PM2.5 ≤ 27 µg/m³，优良天数比率 ≥ 78%",
    "a \"quoted\" back\\slash / and <tags> & 'apostrophes'",
    "tab\tnew\nline\r form\f back\b bell\x07 nul-less \x1f end",
    "\u00ad\u200b\u2028\u2029\ufeff\u0600\u202e\u206f\ufff9",
    "\U0001F600 \U0001D173 \U000E0041 \U000110BD ＰＭ２．５",
    "\x7f\xc2\x80\xc2\x9f\xc2\xa0",
};

class Filler {
 public:
  explicit Filler(uint32_t seed) : random_(seed) {}

  // Sets a random subset of the fields of `message`, up to `depth` levels deep.
  void Fill(pb::Message* message, int depth) {
    const pb::Descriptor* type = message->GetDescriptor();
    const pb::Reflection* r = message->GetReflection();
    if (type->full_name() == "google.protobuf.Timestamp") {
      r->SetInt64(message, type->field(0), Between(-62135596800, 253402300799));
      r->SetInt32(message, type->field(1), Nanos());
      return;
    }
    if (type->full_name() == "google.protobuf.Duration") {
      const int64_t seconds = Between(-315576000000, 315576000000);
      const int32_t nanos = Nanos();
      r->SetInt64(message, type->field(0), seconds);
      r->SetInt32(message, type->field(1), seconds < 0 ? -nanos : nanos);
      return;
    }
    if (type->full_name() == "google.protobuf.FieldMask") {
      for (const char* path : {"deadline", "lead_organizations", "display_name.text"}) {
        if (Chance(2)) r->AddString(message, type->field(0), path);
      }
      return;
    }
    if (type->full_name() == "google.protobuf.Any") {
      ecoplan::common::v1::Event event;
      Fill(&event, depth - 1);
      dynamic_cast<pb::Any*>(message)->PackFrom(event);
      return;
    }
    for (int i = 0; i < type->field_count(); ++i) {
      const Field* field = type->field(i);
      if (!Chance(2)) continue;
      if (field->cpp_type() == Field::CPPTYPE_MESSAGE && depth <= 0) continue;
      if (field->is_repeated()) {
        const int n = static_cast<int>(Between(0, 3));
        for (int k = 0; k < n; ++k) Add(message, field, depth);
      } else {
        Set(message, field, depth);
      }
    }
  }

 private:
  bool Chance(int one_in) { return Between(1, one_in) == 1; }
  int64_t Between(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random_);
  }
  int32_t Nanos() {
    switch (Between(0, 3)) {
      case 0:
        return 0;
      case 1:
        return static_cast<int32_t>(Between(0, 999)) * 1000000;
      case 2:
        return static_cast<int32_t>(Between(0, 999999)) * 1000;
      default:
        return static_cast<int32_t>(Between(0, 999999999));
    }
  }
  std::string Text() { return kTexts[Between(0, std::size(kTexts) - 1)]; }
  double Double() {
    static const double kNice[] = {0,
                                   27,
                                   78.3,
                                   -1.25,
                                   1e21,
                                   1e-7,
                                   0.1 + 0.7,
                                   1.0 / 3,
                                   123456789.125,
                                   std::numeric_limits<double>::quiet_NaN(),
                                   std::numeric_limits<double>::infinity(),
                                   -std::numeric_limits<double>::infinity()};
    return kNice[Between(0, std::size(kNice) - 1)];
  }
  int EnumNumber(const Field* field) {
    if (Chance(10)) return 1000 + static_cast<int>(Between(0, 5));  // unknown to this build
    const pb::EnumDescriptor* e = field->enum_type();
    return e->value(static_cast<int>(Between(0, e->value_count() - 1)))->number();
  }

  void Set(pb::Message* m, const Field* f, int depth) {
    const pb::Reflection* r = m->GetReflection();
    switch (f->cpp_type()) {
      case Field::CPPTYPE_INT32:
        r->SetInt32(m, f, static_cast<int32_t>(Between(INT32_MIN, INT32_MAX)));
        break;
      case Field::CPPTYPE_UINT32:
        r->SetUInt32(m, f, static_cast<uint32_t>(Between(0, UINT32_MAX)));
        break;
      case Field::CPPTYPE_INT64:
        r->SetInt64(m, f, Between(INT64_MIN, INT64_MAX));
        break;
      case Field::CPPTYPE_UINT64:
        r->SetUInt64(m, f, static_cast<uint64_t>(Between(0, INT64_MAX)) * 2 + 1);
        break;
      case Field::CPPTYPE_DOUBLE:
        r->SetDouble(m, f, Double());
        break;
      case Field::CPPTYPE_FLOAT:
        r->SetFloat(m, f, static_cast<float>(Double()));
        break;
      case Field::CPPTYPE_BOOL:
        r->SetBool(m, f, Chance(2));
        break;
      case Field::CPPTYPE_ENUM:
        r->SetEnumValue(m, f, EnumNumber(f));
        break;
      case Field::CPPTYPE_STRING:
        r->SetString(
            m, f, f->type() == Field::TYPE_BYTES ? std::string("\x00\xff\x10 bytes", 9) : Text());
        break;
      case Field::CPPTYPE_MESSAGE:
        Fill(r->MutableMessage(m, f), depth - 1);
        break;
    }
  }

  void Add(pb::Message* m, const Field* f, int depth) {
    const pb::Reflection* r = m->GetReflection();
    switch (f->cpp_type()) {
      case Field::CPPTYPE_INT32:
        r->AddInt32(m, f, static_cast<int32_t>(Between(INT32_MIN, INT32_MAX)));
        break;
      case Field::CPPTYPE_UINT32:
        r->AddUInt32(m, f, static_cast<uint32_t>(Between(0, UINT32_MAX)));
        break;
      case Field::CPPTYPE_INT64:
        r->AddInt64(m, f, Between(INT64_MIN, INT64_MAX));
        break;
      case Field::CPPTYPE_UINT64:
        r->AddUInt64(m, f, static_cast<uint64_t>(Between(0, INT64_MAX)));
        break;
      case Field::CPPTYPE_DOUBLE:
        r->AddDouble(m, f, Double());
        break;
      case Field::CPPTYPE_FLOAT:
        r->AddFloat(m, f, static_cast<float>(Double()));
        break;
      case Field::CPPTYPE_BOOL:
        r->AddBool(m, f, Chance(2));
        break;
      case Field::CPPTYPE_ENUM:
        r->AddEnumValue(m, f, EnumNumber(f));
        break;
      case Field::CPPTYPE_STRING:
        r->AddString(m, f, Text());
        break;
      case Field::CPPTYPE_MESSAGE:
        Fill(r->AddMessage(m, f), depth - 1);
        break;
    }
  }

  std::mt19937 random_;
};

// The message types of every method of the seven services.
std::vector<const pb::Descriptor*> ServiceMessageTypes() {
  // One message of each file, so that the linker keeps its descriptors.
  for (const pb::Descriptor* anchor :
       {registry::v1::Organization::descriptor(), progress::v1::SubmitReportRequest::descriptor(),
        indicator::v1::ScoringRules::descriptor(), indicator::v1::RenderChartRequest::descriptor(),
        indicator::v1::Indicator::descriptor(), notification::v1::Notification::descriptor(),
        admin::v1::Backup::descriptor()}) {
    EXPECT_NE(anchor, nullptr);
  }
  std::vector<const pb::Descriptor*> types;
  for (const char* name : kServices) {
    const pb::ServiceDescriptor* service =
        pb::DescriptorPool::generated_pool()->FindServiceByName(name);
    EXPECT_NE(service, nullptr) << name;
    if (service == nullptr) continue;
    for (int m = 0; m < service->method_count(); ++m) {
      types.push_back(service->method(m)->input_type());
      types.push_back(service->method(m)->output_type());
    }
  }
  return types;
}

bool HasMapField(const pb::Message& message) {
  std::vector<const Field*> fields;
  message.GetReflection()->ListFields(message, &fields);
  for (const Field* f : fields) {
    if (f->is_map()) return true;
    if (f->cpp_type() != Field::CPPTYPE_MESSAGE) continue;
    const pb::Reflection* r = message.GetReflection();
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(message, f); ++i) {
        if (HasMapField(r->GetRepeatedMessage(message, f, i))) return true;
      }
    } else if (HasMapField(r->GetMessage(message, f))) {
      return true;
    }
  }
  return false;
}

std::string ProtobufJson(const pb::Message& message) {
  std::string json;
  const auto printed = pb::util::MessageToJsonString(message, &json);
  EXPECT_TRUE(printed.ok()) << printed.ToString();
  return json;
}

std::string OurJson(const pb::Message& message) {
  std::string json;
  const absl::Status written = AppendProtoJson(message, &json);
  EXPECT_TRUE(written.ok()) << written;
  return json;
}

TEST(ProtoJsonTest, EveryServiceMessageFilledAtRandomPrintsAsProtobufPrintsIt) {
  const std::vector<const pb::Descriptor*> types = ServiceMessageTypes();
  ASSERT_GT(types.size(), 200u);
  int exact = 0;
  int compared = 0;
  int from_the_wire = 0;  // printed without falling back to reflection
  for (uint32_t seed = 0; seed < 12; ++seed) {
    Filler filler(seed);
    for (const pb::Descriptor* type : types) {
      std::unique_ptr<pb::Message> message(
          pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
      filler.Fill(message.get(), 4);
      const std::string theirs = ProtobufJson(*message);
      const std::string ours = OurJson(*message);
      ++compared;
      // From the wire: the same text as the reflection walk (map order aside).
      std::string wire;
      ASSERT_TRUE(AppendWireJson(type, message->SerializeAsString(), &wire).ok())
          << type->full_name();
      std::string wire_only;
      if (internal::AppendWireJsonWithoutFallback(type, message->SerializeAsString(), &wire_only)
              .ok()) {
        EXPECT_EQ(wire_only, wire);
        ++from_the_wire;
      }
      if (wire != ours) {
        EXPECT_TRUE(HasMapField(*message)) << type->full_name() << " seed " << seed
                                           << "\nwire:       " << wire << "\nreflection: " << ours;
        EXPECT_EQ(nlohmann::json::parse(wire), nlohmann::json::parse(ours)) << type->full_name();
      }
      if (ours == theirs) {
        ++exact;
        continue;
      }
      // Map entries have no defined order; 0.1 + 0.7 has two shortest spellings.
      EXPECT_EQ(nlohmann::json::parse(ours), nlohmann::json::parse(theirs))
          << type->full_name() << " seed " << seed << "\nours:   " << ours
          << "\ntheirs: " << theirs;
      // protobuf spells 0.1 + 0.7 and 1/3 with 17 digits, this printer with the
      // shortest digits that read back as the same double.
      EXPECT_TRUE(HasMapField(*message) ||
                  theirs.find("0.79999999999999993") != std::string::npos ||
                  theirs.find("0.33333333333333331") != std::string::npos)
          << "differs in text without a map or a double with two spellings: " << type->full_name()
          << "\nours:   " << ours << "\ntheirs: " << theirs;
    }
  }
  EXPECT_GT(exact, compared * 3 / 4) << exact << " of " << compared << " identical";
  EXPECT_GT(from_the_wire, compared * 3 / 4) << from_the_wire << " of " << compared;
  std::cout << exact << " of " << compared << " identical to protobuf's text, " << from_the_wire
            << " written from the wire alone\n";
}

TEST(ProtoJsonTest, EscapesAsProtobufDoesAndKeepsOtherUnicodeAsWritten) {
  registry::v1::Organization organization;
  organization.set_display_name("区生态环境局 <b>\"x\"\\ \t\u2028\u00ad\U0001D173 ＰＭ２．５");
  EXPECT_EQ(OurJson(organization),
            "{\"displayName\":\"区生态环境局 \\u003cb\\u003e\\\"x\\\"\\\\ "
            "\\t\\u2028\\u00ad\\ud834\\udd73 ＰＭ２．５\"}");
  EXPECT_EQ(OurJson(organization), ProtobufJson(organization));
}

TEST(ProtoJsonTest, WellKnownTypesAndNumbersTakeTheirJsonForms) {
  pb::Timestamp t;
  t.set_seconds(1775005200);  // 2026-04-01T01:00:00Z
  EXPECT_EQ(OurJson(t), "\"2026-04-01T01:00:00Z\"");
  t.set_nanos(500000000);
  EXPECT_EQ(OurJson(t), "\"2026-04-01T01:00:00.500Z\"");
  t.set_nanos(1500);
  EXPECT_EQ(OurJson(t), "\"2026-04-01T01:00:00.000001500Z\"");
  pb::Duration d;
  d.set_seconds(-1);
  d.set_nanos(-250000);
  EXPECT_EQ(OurJson(d), "\"-1.000250s\"");
  t.set_seconds(253402300800);  // year 10000
  std::string json;
  EXPECT_TRUE(absl::IsInvalidArgument(AppendProtoJson(t, &json)));
  for (const pb::Message* m : std::initializer_list<const pb::Message*>{&d}) {
    EXPECT_EQ(OurJson(*m), ProtobufJson(*m));
  }
}

// Wire forms a generated serializer does not write but another producer may:
// the plan leaves them to the reflection walk, which reads them as protobuf does.
TEST(ProtoJsonTest, FromTheWireUnusualFormsReadAsProtobufReadsThem) {
  const pb::Descriptor* type = progress::v1::SubmitReportRequest::descriptor();
  progress::v1::SubmitReportRequest a, b;
  a.set_organization("organizations/区水务局");
  a.add_entries()->set_work_done("一");
  b.set_period("2026-05");
  b.add_entries()->set_work_done("二");
  // entries, period, entries: a repeated field whose values are apart; and
  // organization twice (the last wins).
  const std::string apart = a.SerializeAsString() + b.SerializeAsString() +
                            progress::v1::SubmitReportRequest().SerializeAsString();
  progress::v1::SubmitReportRequest merged;
  ASSERT_TRUE(merged.ParseFromString(apart + a.SerializeAsString()));
  std::string json;
  ASSERT_TRUE(AppendWireJson(type, apart + a.SerializeAsString(), &json).ok());
  EXPECT_EQ(json, ProtobufJson(merged));
  EXPECT_EQ(nlohmann::json::parse(json)["entries"].size(), 3u);

  // A field number this build does not know is skipped, as protobuf skips it.
  std::string unknown = a.SerializeAsString();
  unknown += std::string("\xf8\x3e\x07", 3);  // field 999, varint 7
  json.clear();
  ASSERT_TRUE(AppendWireJson(type, unknown, &json).ok());
  EXPECT_EQ(json, ProtobufJson(a));

  // Not a message at all.
  json.clear();
  EXPECT_TRUE(absl::IsInvalidArgument(AppendWireJson(type, "\x0a\x40short", &json)));
  json.clear();
  EXPECT_TRUE(absl::IsInvalidArgument(AppendWireJson(type, "\x0f", &json)));  // wire type 7
}

// The JSON → wire fast path: what it writes reads back as the message
// protobuf's parser makes of the same text.
void ExpectReadsAsProtobufReadsIt(const pb::Descriptor* type, const std::string& json, int* fast) {
  std::unique_ptr<pb::Message> theirs(
      pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
  const auto parsed = pb::util::JsonStringToMessage(json, theirs.get());
  std::string wire;
  const absl::Status ours = JsonToWireFastPath(type, json, &wire);
  if (!ours.ok()) {
    EXPECT_TRUE(absl::IsUnimplemented(ours)) << ours;
    EXPECT_TRUE(wire.empty());
    return;
  }
  ++*fast;
  ASSERT_TRUE(parsed.ok()) << "the fast path took what protobuf refuses: " << json << "\n"
                           << parsed.ToString();
  std::unique_ptr<pb::Message> read(theirs->New());
  ASSERT_TRUE(read->ParseFromString(wire)) << json;
  EXPECT_TRUE(pb::util::MessageDifferencer::Equals(*read, *theirs))
      << type->full_name() << "\n"
      << json << "\nours:   " << read->ShortDebugString()
      << "\ntheirs: " << theirs->ShortDebugString();
}

TEST(ProtoJsonTest, EveryRequestFilledAtRandomParsesAsProtobufParsesIt) {
  ServiceMessageTypes();  // keeps the descriptors linked
  int fast = 0;
  int compared = 0;
  for (const char* name : kServices) {
    const pb::ServiceDescriptor* service =
        pb::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int m = 0; m < service->method_count(); ++m) {
      const pb::Descriptor* type = service->method(m)->input_type();
      for (uint32_t seed = 0; seed < 6; ++seed) {
        Filler filler(seed);
        std::unique_ptr<pb::Message> message(
            pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
        filler.Fill(message.get(), 4);
        // As clients write it: compact, pretty with proto names, enums as numbers.
        pb::util::JsonPrintOptions pretty;
        pretty.add_whitespace = true;
        pretty.preserve_proto_field_names = true;
        pb::util::JsonPrintOptions numbers;
        numbers.always_print_enums_as_ints = true;
        numbers.always_print_primitive_fields = true;
        for (const pb::util::JsonPrintOptions& options :
             {pb::util::JsonPrintOptions(), pretty, numbers}) {
          std::string json;
          ASSERT_TRUE(pb::util::MessageToJsonString(*message, &json, options).ok());
          ExpectReadsAsProtobufReadsIt(type, json, &fast);
          ++compared;
        }
      }
    }
  }
  // NaN, infinities, maps, Any and FieldMask go to protobuf; most requests have none.
  EXPECT_GT(fast, compared / 2) << fast << " of " << compared;
  std::cout << fast << " of " << compared << " request texts read by the fast path\n";
}

TEST(ProtoJsonTest, TheFastPathTakesTheUsualAndLeavesTheRestToProtobuf) {
  const pb::Descriptor* type = progress::v1::SubmitReportRequest::descriptor();
  int fast = 0;
  for (
      const char* json : {
          R"({})",
          R"( { "organization" : "organizations/区水务局" , "period":"2026-05" } )",
          R"({"parent":"plans/2026-x","request_id":"r-1","entries":[{"measure":"m","percentDone":50,)"
          R"("workDone":"a\"b\\c\/d\n\u00e9\ud83d\ude00"}]})",
          R"({"entries":[{"percentDone":-1.5e2}],"etag":"\"r3\""})",
          R"({"entries":[]})",
      }) {
    const int before = fast;
    ExpectReadsAsProtobufReadsIt(type, json, &fast);
    EXPECT_EQ(fast, before + 1) << "not taken by the fast path: " << json;
  }
  // Left to protobuf (which accepts some and names what is wrong in others).
  for (const char* json : {
           R"({"organization":null})",
           R"({"noSuchField":1})",
           R"({"period":"a","period":"b"})",
           R"({"entries":[{"percentDone":"NaN"}]})",
           R"({"entries":[null]})",
           R"({"period":"a"} trailing)",
           R"({"period":"\ud800"})",
           R"({"period":"a",})",
           "{\"period\":\"\xff\"}",
           R"({"entries":[{"percentDone":1e999}]})",
       }) {
    std::string wire;
    EXPECT_TRUE(absl::IsUnimplemented(JsonToWireFastPath(type, json, &wire))) << json;
    ExpectReadsAsProtobufReadsIt(type, json, &fast);
  }
}

// A leap second (found by proto_json_fuzzer): absl::ParseTime would read
// ":60" as the next minute, protobuf refuses it; so does every field out of
// its range.
TEST(ProtoJsonTest, ATimestampProtobufRefusesIsLeftToIt) {
  const pb::Descriptor* type = common::v1::Event::descriptor();
  int fast = 0;
  for (const char* time :
       {"2026-04-01T00:00:60.2Z", "2026-04-01T00:00:60Z", "2026-04-31T00:00:00Z",
        "2026-02-29T00:00:00Z", "2026-04-01T24:00:00Z", "2026-04-01T00:60:00Z",
        "2026-13-01T00:00:00Z", "2026-04-01T00:00:00+24:00", "2026-04-01T00:00:00+08:60"}) {
    const std::string json = absl::StrCat(R"({"commitTime":")", time, R"("})");
    std::string wire;
    EXPECT_TRUE(absl::IsUnimplemented(JsonToWireFastPath(type, json, &wire))) << json;
    ExpectReadsAsProtobufReadsIt(type, json, &fast);
  }
  EXPECT_EQ(fast, 0);
  for (const char* time : {"2026-04-01T00:00:59.999999999Z", "2028-02-29T23:59:59+08:00"}) {
    ExpectReadsAsProtobufReadsIt(type, absl::StrCat(R"({"commitTime":")", time, R"("})"), &fast);
  }
  EXPECT_EQ(fast, 2);
}

// A 64-bit integer in quotes is digits and nothing else; space around them
// inside the quotes (found by proto_json_fuzzer) goes to protobuf, which
// refuses it.
TEST(ProtoJsonTest, AQuotedIntegerWithSpaceInsideIsLeftToProtobuf) {
  const pb::Descriptor* type = common::v1::Event::descriptor();
  int fast = 0;
  for (const char* json : {R"({"sequence":"1 "})", R"({"sequence":" 1"})", R"({"sequence":"1\n"})",
                           R"({"sequence":"1 ","type":":05Z"})"}) {
    std::string wire;
    EXPECT_TRUE(absl::IsUnimplemented(JsonToWireFastPath(type, json, &wire))) << json;
    ExpectReadsAsProtobufReadsIt(type, json, &fast);
  }
  EXPECT_EQ(fast, 0);
  ExpectReadsAsProtobufReadsIt(type, R"({"sequence":"18446744073709551615"})", &fast);
  ExpectReadsAsProtobufReadsIt(type, R"({"sequence":"17"})", &fast);
  EXPECT_EQ(fast, 2);
}

TEST(ProtoJsonTest, TimestampsAndDurationsInTheirJsonForms) {
  ServiceMessageTypes();
  int fast = 0;
  for (const char* name : kServices) {
    const pb::ServiceDescriptor* service =
        pb::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr);
    for (int m = 0; m < service->method_count(); ++m) {
      const pb::Descriptor* type = service->method(m)->input_type();
      for (int f = 0; f < type->field_count(); ++f) {
        const pb::FieldDescriptor* field = type->field(f);
        if (field->is_repeated() || field->message_type() == nullptr) continue;
        const std::string& kind = field->message_type()->full_name();
        std::vector<std::string> values;
        if (kind == "google.protobuf.Timestamp") {
          values = {"2026-04-01T09:00:00+08:00", "2026-04-01T01:00:00.5Z", "0001-01-01T00:00:00Z",
                    "9999-12-31T23:59:59.999999999Z", "2026-04-01T01:00:00.000001-05:30"};
        } else if (kind == "google.protobuf.Duration") {
          values = {"1.5s", "-0.000250s", "0s", "315576000000s", "86400s"};
        } else {
          continue;
        }
        for (const std::string& value : values) {
          ExpectReadsAsProtobufReadsIt(
              type, absl::StrCat("{\"", field->json_name(), "\":\"", value, "\"}"), &fast);
        }
      }
    }
  }
  EXPECT_GE(fast, 5);
}

TEST(ProtoJsonTest, StructIsLeftToProtobuf) {
  pb::Struct s;
  std::string json;
  EXPECT_TRUE(absl::IsUnimplemented(AppendProtoJson(s, &json)));
}

// A measure printed twice on this thread is kept; printed again — in the same
// page, in another order, beside a changed one — it reads exactly as protobuf
// prints it, and a changed measure is printed anew.
TEST(ProtoJsonTest, MessageValuesPrintedBeforeComeFromTheMemoAndReadAsPrintedAfresh) {
  proto_json::JsonMemo& memo = proto_json::JsonMemo::ForThisThread();
  memo.Clear();
  registry::v1::ListMeasuresResponse page;
  for (int i = 1; i <= 3; ++i) {
    registry::v1::Measure* measure = page.add_measures();
    measure->set_name(absl::StrCat("plans/2026/tasks/a2-t", i, "/measures/a2-t", i, "-m1"));
    std::string text;
    for (int k = 0; k < 8; ++k) text += "加强扬尘污染精细化管控，落实“六个百分之百”要求，";
    measure->set_text(text);
    measure->add_lead_organizations()->set_organization("organizations/区住房城乡建设委");
    measure->mutable_update_time()->set_seconds(1775005200 + i);
  }
  const pb::Descriptor* type = registry::v1::ListMeasuresResponse::descriptor();
  const auto expect_as_protobuf = [&](const std::string& context) {
    std::string expected;
    ASSERT_TRUE(pb::util::MessageToJsonString(page, &expected).ok());
    std::string json;
    ASSERT_TRUE(AppendWireJson(type, page.SerializeAsString(), &json).ok());
    EXPECT_EQ(json, expected) << context;
  };
  for (int round = 0; round < 3; ++round) expect_as_protobuf(absl::StrCat("round ", round));

  const std::string kept = page.measures(0).SerializeAsString();
  const proto_json::MessagePlan* measure_plan =
      proto_json::PlanCache::Instance().For(registry::v1::Measure::descriptor());
  const std::string* memoized = memo.Find(measure_plan, kept, proto_json::JsonMemo::Hash(kept));
  ASSERT_NE(memoized, nullptr);
  std::string measure_json;
  ASSERT_TRUE(pb::util::MessageToJsonString(page.measures(0), &measure_json).ok());
  EXPECT_EQ(*memoized, measure_json);
  EXPECT_GT(memo.kept_bytes(), kept.size());

  page.mutable_measures()->SwapElements(0, 2);
  expect_as_protobuf("another order");
  page.mutable_measures(1)->set_text("改为：2026年9月底前完成");
  expect_as_protobuf("one measure changed");
  page.mutable_measures(1)->mutable_update_time()->set_seconds(1775005300);
  expect_as_protobuf("one byte of a measure changed");
}

TEST(ProtoJsonTest, TheMemoStaysWithinItsBudget) {
  proto_json::JsonMemo memo;
  const std::string json(900, 'j');
  for (int i = 0; i < 20000; ++i) {
    const std::string bytes = absl::StrCat(i, std::string(300, 'b'));
    const size_t hash = proto_json::JsonMemo::Hash(bytes);
    memo.Offer(&memo, bytes, hash, json);
    memo.Offer(&memo, bytes, hash, json);  // the second time it is kept
    EXPECT_LE(memo.kept_bytes(), proto_json::JsonMemo::kBudgetBytes);
    ASSERT_NE(memo.Find(&memo, bytes, hash), nullptr) << i;
    EXPECT_EQ(memo.Find(&memo, absl::StrCat(bytes, "x"), hash), nullptr);
  }
}

}  // namespace
}  // namespace ecoplan::common
