#include "common/http/http_rule_router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/http/http_rule_router_real_services.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"
#include "ecoplan/api/v1/annotations.pb.h"
#include "ecoplan/indicator/v1/assessment_service.grpc.pb.h"
#include "ecoplan/indicator/v1/document_service.grpc.pb.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"

namespace ecoplan::common {
namespace {

namespace pb = ::google::protobuf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The messages of the test services, as a FileDescriptorProto in text format
// (no protoc at test time). Request has a field of every kind the router
// handles.
constexpr char kTestFile[] = R"pb(
  name: "test/things.proto"
  package: "test.http"
  dependency: "ecoplan/api/v1/annotations.proto"
  dependency: "google/protobuf/timestamp.proto"
  dependency: "google/protobuf/duration.proto"
  dependency: "google/protobuf/field_mask.proto"
  dependency: "google/protobuf/wrappers.proto"
  syntax: "proto3"
  enum_type {
    name: "Color"
    value { name: "COLOR_UNSPECIFIED" number: 0 }
    value { name: "COLOR_RED" number: 1 }
    value { name: "COLOR_DARK_GREEN" number: 2 }
  }
  message_type {
    name: "Day"
    field { name: "year" number: 1 label: LABEL_OPTIONAL type: TYPE_INT32 }
    field { name: "month" number: 2 label: LABEL_OPTIONAL type: TYPE_INT32 }
    field { name: "day" number: 3 label: LABEL_OPTIONAL type: TYPE_INT32 }
  }
  message_type {
    name: "Inner"
    field { name: "name" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field { name: "count" number: 2 label: LABEL_OPTIONAL type: TYPE_INT32 }
    field {
      name: "color"
      number: 3
      label: LABEL_OPTIONAL
      type: TYPE_ENUM
      type_name: ".test.http.Color"
    }
    field {
      name: "child"
      number: 4
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".test.http.Inner"
    }
  }
  message_type {
    name: "Thing"
    field { name: "name" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field { name: "title" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING }
    field {
      name: "inner"
      number: 3
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".test.http.Inner"
    }
  }
  message_type {
    name: "Request"
    field { name: "parent" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
    field { name: "name" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING }
    field { name: "page_size" number: 3 label: LABEL_OPTIONAL type: TYPE_INT32 }
    field { name: "big" number: 4 label: LABEL_OPTIONAL type: TYPE_INT64 }
    field { name: "small" number: 5 label: LABEL_OPTIONAL type: TYPE_UINT32 }
    field { name: "huge" number: 6 label: LABEL_OPTIONAL type: TYPE_UINT64 }
    field { name: "ratio" number: 7 label: LABEL_OPTIONAL type: TYPE_DOUBLE }
    field { name: "fraction" number: 8 label: LABEL_OPTIONAL type: TYPE_FLOAT }
    field { name: "flag" number: 9 label: LABEL_OPTIONAL type: TYPE_BOOL }
    field { name: "data" number: 10 label: LABEL_OPTIONAL type: TYPE_BYTES }
    field {
      name: "color"
      number: 11
      label: LABEL_OPTIONAL
      type: TYPE_ENUM
      type_name: ".test.http.Color"
    }
    field {
      name: "colors"
      number: 12
      label: LABEL_REPEATED
      type: TYPE_ENUM
      type_name: ".test.http.Color"
    }
    field { name: "tags" number: 13 label: LABEL_REPEATED type: TYPE_STRING }
    field {
      name: "filter"
      number: 14
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".test.http.Inner"
    }
    field {
      name: "since"
      number: 15
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Timestamp"
    }
    field {
      name: "timeout"
      number: 16
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Duration"
    }
    field {
      name: "update_mask"
      number: 17
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.FieldMask"
    }
    field {
      name: "limit"
      number: 18
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Int32Value"
    }
    field {
      name: "enabled"
      number: 19
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.BoolValue"
    }
    field {
      name: "label"
      number: 20
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.StringValue"
    }
    field { name: "by_name" number: 21 label: LABEL_OPTIONAL type: TYPE_STRING oneof_index: 0 }
    field { name: "by_number" number: 22 label: LABEL_OPTIONAL type: TYPE_INT32 oneof_index: 0 }
    field {
      name: "labels"
      number: 23
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".test.http.Request.LabelsEntry"
    }
    field {
      name: "thing"
      number: 24
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".test.http.Thing"
    }
    field {
      name: "things"
      number: 25
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".test.http.Thing"
    }
    field { name: "month" number: 26 label: LABEL_OPTIONAL type: TYPE_STRING }
    field { name: "year" number: 27 label: LABEL_OPTIONAL type: TYPE_INT32 }
    field {
      name: "as_of"
      number: 28
      label: LABEL_OPTIONAL
      type: TYPE_MESSAGE
      type_name: ".test.http.Day"
    }
    field { name: "path" number: 29 label: LABEL_OPTIONAL type: TYPE_STRING }
    oneof_decl { name: "choice" }
    nested_type {
      name: "LabelsEntry"
      field { name: "key" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
      field { name: "value" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING }
      options { map_entry: true }
    }
  }
  message_type { name: "Response" }
)pb";

struct TestMethod {
  TestMethod(std::string name, std::string rule, bool server_streaming = false,
             std::string body_rule = "")
      : name(std::move(name)),
        rule(std::move(rule)),
        server_streaming(server_streaming),
        body_rule(std::move(body_rule)) {}

  std::string name;
  std::string rule;  // HttpRule in text format; empty for none.
  bool server_streaming = false;
  std::string body_rule;  // HttpBodyRule in text format; empty for none.
};

// The methods of service test.http.Things used by most tests.
std::vector<TestMethod> ThingMethods() {
  return {
      {"GetThing", R"(get: "/v1/{name=folders/*/things/*}")"},
      {"ListThings",
       R"(get: "/v1/{parent=folders/*}/things" additional_bindings { get: "/v1/things" })"},
      {"CreateThing", R"(post: "/v1/{parent=folders/*}/things" body: "thing")"},
      {"UpdateThing", R"(patch: "/v1/{thing.name=folders/*/things/*}" body: "*")"},
      {"DeleteThing", R"(delete: "/v1/{name=folders/*/things/*}")"},
      {"ArchiveThing", R"(post: "/v1/{name=folders/*/things/*}:archive" body: "*")"},
      {"GetMonth", R"(get: "/v1/{parent=folders/*}/months/{month}")"},
      {"GetYear", R"(get: "/v1/years/{year}/{filter.color}")"},
      {"GetSpecial", R"(get: "/v1/folders/special/things/{name}")"},
      {"GetFile", R"(get: "/v1/files/{path=**}")"},
      {"NoRule", ""},
  };
}

// A pool holding test/things.proto with service Things of `methods`.
class TestServices {
 public:
  explicit TestServices(const std::vector<TestMethod>& methods)
      : pool_(std::make_unique<pb::DescriptorPool>(pb::DescriptorPool::generated_pool())) {
    // Linking the annotations: the generated pool knows ecoplan/api/v1/annotations.proto.
    (void)ecoplan::api::v1::HttpRule::descriptor();
    std::string text = kTestFile;
    absl::StrAppend(&text, "service { name: \"Things\" ");
    for (const TestMethod& m : methods) {
      absl::StrAppend(&text, "method { name: \"", m.name,
                      "\" input_type: \".test.http.Request\" output_type: \".test.http.Response\"");
      if (m.server_streaming) absl::StrAppend(&text, " server_streaming: true");
      if (!m.rule.empty() || !m.body_rule.empty()) {
        absl::StrAppend(&text, " options {");
        if (!m.rule.empty()) absl::StrAppend(&text, " [ecoplan.api.v1.http] { ", m.rule, " }");
        if (!m.body_rule.empty()) {
          absl::StrAppend(&text, " [ecoplan.api.v1.http_body] { ", m.body_rule, " }");
        }
        absl::StrAppend(&text, " }");
      }
      absl::StrAppend(&text, " } ");
    }
    absl::StrAppend(&text, "}");
    pb::FileDescriptorProto file;
    EXPECT_TRUE(pb::TextFormat::ParseFromString(text, &file)) << text;
    Collector errors;
    file_ = pool_->BuildFileCollectingErrors(file, &errors);
    EXPECT_NE(file_, nullptr) << errors.text;
  }

  const pb::ServiceDescriptor* service() const { return file_->FindServiceByName("Things"); }
  const pb::Descriptor* request_type() const { return file_->FindMessageTypeByName("Request"); }

  // The routed request as a message of test.http.Request.
  std::unique_ptr<pb::Message> Parse(const std::string& bytes) {
    std::unique_ptr<pb::Message> m(factory_.GetPrototype(request_type())->New());
    EXPECT_TRUE(m->ParseFromString(bytes));
    return m;
  }

  // Expects `bytes` to be the request `expected_text` (text format) says.
  void ExpectRequest(const std::string& bytes, const std::string& expected_text) {
    std::unique_ptr<pb::Message> actual = Parse(bytes);
    std::unique_ptr<pb::Message> expected(factory_.GetPrototype(request_type())->New());
    ASSERT_TRUE(pb::TextFormat::ParseFromString(expected_text, expected.get())) << expected_text;
    EXPECT_TRUE(pb::util::MessageDifferencer::Equals(*expected, *actual))
        << "expected: " << expected->ShortDebugString()
        << "\nactual:   " << actual->ShortDebugString();
  }

 private:
  struct Collector : pb::DescriptorPool::ErrorCollector {
    void AddError(const std::string& filename, const std::string& element_name, const pb::Message*,
                  ErrorLocation, const std::string& message) override {
      absl::StrAppend(&text, element_name, ": ", message, "\n");
    }
    std::string text;
  };

  std::unique_ptr<pb::DescriptorPool> pool_;
  const pb::FileDescriptor* file_ = nullptr;
  pb::DynamicMessageFactory factory_;
};

class HttpRuleRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<HttpRuleRouter> router = HttpRuleRouter::Build({services_.service()});
    ASSERT_OK(router);
    router_ = std::make_unique<HttpRuleRouter>(*std::move(router));
  }

  // Routes and expects `method` with the request `expected_text`.
  void ExpectRoute(const std::string& verb, const std::string& path, const std::string& query,
                   const std::string& body, const std::string& method,
                   const std::string& expected_text) {
    SCOPED_TRACE(absl::StrCat(verb, " ", path, "?", query, " ", body));
    absl::StatusOr<HttpRuleRouter::Match> match = router_->Route(verb, path, query, body);
    ASSERT_OK(match);
    EXPECT_EQ(match->method->name(), method);
    services_.ExpectRequest(match->request, expected_text);
  }

  // Routes and expects InvalidArgument with a message containing `needle`.
  void ExpectInvalid(const std::string& verb, const std::string& path, const std::string& query,
                     const std::string& body, const std::string& needle) {
    SCOPED_TRACE(absl::StrCat(verb, " ", path, "?", query, " ", body));
    absl::StatusOr<HttpRuleRouter::Match> match = router_->Route(verb, path, query, body);
    EXPECT_STATUS_CODE(match, absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(match.status().message()), HasSubstr(needle));
  }

  TestServices services_{ThingMethods()};
  std::unique_ptr<HttpRuleRouter> router_;
};

TEST_F(HttpRuleRouterTest, ResourceNameVariableCapturesTheMatchedPathPercentDecoded) {
  ExpectRoute("GET", "/v1/folders/s%201/things/%E7%9B%AE%E6%A0%87", "", "", "GetThing",
              R"(name: "folders/s 1/things/目标")");
}

TEST_F(HttpRuleRouterTest, OneSegmentVariablesOfStringIntAndEnumFields) {
  ExpectRoute("GET", "/v1/folders/s1/months/2026-05", "", "", "GetMonth",
              R"(parent: "folders/s1" month: "2026-05")");
  ExpectRoute("GET", "/v1/years/2026/dark_green", "", "", "GetYear",
              R"(year: 2026 filter { color: COLOR_DARK_GREEN })");
  ExpectInvalid("GET", "/v1/years/twenty/red", "", "",
                "path variable {year}: \"twenty\" is not a 32-bit integer");
  ExpectInvalid("GET", "/v1/years/2026/blue", "", "",
                "path variable {filter.color}: \"blue\" is not a value of test.http.Color");
}

TEST_F(HttpRuleRouterTest, QueryParametersOfEveryKind) {
  ExpectRoute("GET", "/v1/folders/s1/things",
              "page_size=20&big=-9000000000&small=7&huge=18446744073709551615&ratio=0.5"
              "&fraction=1.5&flag=true&data=aGk%3D&color=COLOR_RED&colors=red&colors=2"
              "&tags=a&tags=b+c&tags=%E5%8C%BA%E4%BA%A4%E9%80%9A%E5%B1%80&filter.name=x"
              "&filter.child.count=3&since=2026-05-25T18:00:00%2B08:00&timeout=3.5s"
              "&update_mask=thing.title,inner&limit=5&enabled=false&label=hi&by_number=4"
              "&as_of=2026-05-31",
              "", "ListThings",
              R"(parent: "folders/s1" page_size: 20 big: -9000000000 small: 7
                 huge: 18446744073709551615 ratio: 0.5 fraction: 1.5 flag: true data: "hi"
                 color: COLOR_RED colors: [COLOR_RED, COLOR_DARK_GREEN]
                 tags: ["a", "b c", "区交通局"] filter { name: "x" child { count: 3 } }
                 since { seconds: 1779703200 } timeout { seconds: 3 nanos: 500000000 }
                 update_mask { paths: ["thing.title", "inner"] } limit { value: 5 }
                 enabled { value: false } label { value: "hi" } by_number: 4
                 as_of { year: 2026 month: 5 day: 31 })");
}

TEST_F(HttpRuleRouterTest, QueryNamesMayBeJsonNamesAndEnumsShortNamesInAnyCase) {
  ExpectRoute("GET", "/v1/things",
              "pageSize=3&updateMask=thing.title,pageSize&filter.color=Dark_Green", "",
              "ListThings",
              R"(page_size: 3 update_mask { paths: ["thing.title", "page_size"] }
                 filter { color: COLOR_DARK_GREEN })");
}

TEST_F(HttpRuleRouterTest, BadQueryParametersAreInvalidArgumentNamingThem) {
  const std::string path = "/v1/folders/s1/things";
  ExpectInvalid("GET", path, "nope=1", "",
                "query parameter \"nope\": test.http.Request has no field \"nope\"");
  ExpectInvalid("GET", path, "filter.nope=1", "",
                "query parameter \"filter.nope\": test.http.Inner has no field");
  ExpectInvalid("GET", path, "page_size=abc", "",
                "query parameter \"page_size\": \"abc\" is not a 32-bit integer");
  ExpectInvalid("GET", path, "page_size=3000000000", "", "is not a 32-bit integer");
  ExpectInvalid("GET", path, "small=-1", "",
                "query parameter \"small\": \"-1\" is not an unsigned 32-bit integer");
  ExpectInvalid("GET", path, "ratio=half", "",
                "query parameter \"ratio\": \"half\" is not a number");
  ExpectInvalid("GET", path, "flag=maybe", "",
                "query parameter \"flag\": \"maybe\" is not true or false");
  ExpectInvalid("GET", path, "color=blue", "",
                "\"blue\" is not a value of test.http.Color (COLOR_UNSPECIFIED, COLOR_RED, "
                "COLOR_DARK_GREEN)");
  ExpectInvalid("GET", path, "color=7", "", "is not a value of test.http.Color");
  ExpectInvalid("GET", path, "data=%%%", "", "malformed percent-encoding");
  ExpectInvalid("GET", path, "tags=%FF", "",
                "query parameter \"tags\": \"\\xff\" is not UTF-8 text");
  ExpectInvalid("GET", path, "data=!!", "", "query parameter \"data\": \"!!\" is not base64");
  ExpectInvalid("GET", path, "since=yesterday", "",
                "query parameter \"since\": \"yesterday\" is not an RFC 3339 time");
  ExpectInvalid("GET", path, "timeout=3", "",
                "query parameter \"timeout\": \"3\" is not a duration");
  ExpectInvalid("GET", path, "limit=many", "",
                "query parameter \"limit\": \"many\" is not a 32-bit integer");
  ExpectInvalid("GET", path, "as_of=2026-5-31", "",
                "query parameter \"as_of\": \"2026-5-31\" is not a day as YYYY-MM-DD");
  ExpectInvalid("GET", path, "labels=x", "", "query parameter \"labels\": labels is a map");
  ExpectInvalid("GET", path, "thing=x", "",
                "query parameter \"thing\": thing is a message (test.http.Thing); set its fields "
                "as thing.<field>");
  ExpectInvalid("GET", path, "things.title=x", "",
                "query parameter \"things.title\": things is not a singular message field");
  ExpectInvalid(
      "GET", path, "by_name=a&by_number=1", "",
      "query parameter \"by_number\": by_number and by_name are members of one oneof (choice)");
  ExpectInvalid("GET", path, "page_size=1&pageSize=2", "",
                "query parameter \"pageSize\": given more than once");
  ExpectInvalid("GET", path, "parent=folders/s2", "",
                "query parameter \"parent\": parent comes from the path");
}

TEST_F(HttpRuleRouterTest, BodyStarIsTheWholeRequestAndThePathOverridesIt) {
  ExpectRoute("PATCH", "/v1/folders/s1/things/t1", "",
              R"({"thing": {"name": "elsewhere", "title": "T", "inner": {"count": 2}},
                  "updateMask": "title", "pageSize": 9})",
              "UpdateThing",
              R"(thing { name: "folders/s1/things/t1" title: "T" inner { count: 2 } }
                 update_mask { paths: "title" } page_size: 9)");
  // An empty body is the empty message.
  ExpectRoute("PATCH", "/v1/folders/s1/things/t1", "", " ", "UpdateThing",
              R"(thing { name: "folders/s1/things/t1" })");
  ExpectInvalid("PATCH", "/v1/folders/s1/things/t1", "page_size=3", "{}",
                "query parameter \"page_size\": PATCH /v1/{thing.name=folders/*/things/*} takes "
                "every field from the JSON body");
  ExpectInvalid("PATCH", "/v1/folders/s1/things/t1", "", R"({"thing": {"colour": 1}})",
                "body: not a JSON test.http.Request");
  ExpectInvalid("PATCH", "/v1/folders/s1/things/t1", "", R"({"pageSize": "x"})",
                "body: not a JSON test.http.Request");
  ExpectInvalid("PATCH", "/v1/folders/s1/things/t1", "", R"({"pageSize": 1)",
                "body: not a JSON test.http.Request");
}

TEST_F(HttpRuleRouterTest, BodyFieldFillsThatFieldAndTheQueryTheOthers) {
  ExpectRoute("POST", "/v1/folders/s1/things", "page_size=2&tags=x", R"({"title": "T"})",
              "CreateThing", R"(parent: "folders/s1" thing { title: "T" } page_size: 2 tags: "x")");
  ExpectInvalid("POST", "/v1/folders/s1/things", "thing.title=y", "{}",
                "query parameter \"thing.title\": thing comes from the JSON body");
  ExpectInvalid("POST", "/v1/folders/s1/things", "", R"({"thing": {}})",
                "body (thing): not a JSON test.http.Thing");
}

TEST_F(HttpRuleRouterTest, RouteWithoutBodyRefusesOne) {
  ExpectInvalid("GET", "/v1/folders/s1/things", "", R"({"pageSize": 1})",
                "body: GET /v1/{parent=folders/*}/things takes no body");
  ExpectRoute("DELETE", "/v1/folders/s1/things/t1", "", "", "DeleteThing",
              R"(name: "folders/s1/things/t1")");
}

TEST_F(HttpRuleRouterTest, CustomMethodBeatsAVariableThatWouldSwallowTheColon) {
  ExpectRoute("POST", "/v1/folders/s1/things/t1:archive", "", "", "ArchiveThing",
              R"(name: "folders/s1/things/t1")");
  // GET has no :archive binding: the colon is part of the name.
  ExpectRoute("GET", "/v1/folders/s1/things/t1:archive", "", "", "GetThing",
              R"(name: "folders/s1/things/t1:archive")");
  EXPECT_STATUS_CODE(router_->Route("POST", "/v1/folders/s1/things/t1:burn", "", ""),
                     absl::StatusCode::kNotFound);
}

TEST_F(HttpRuleRouterTest, LiteralSegmentBeatsAWildcard) {
  ExpectRoute("GET", "/v1/folders/special/things/t1", "", "", "GetSpecial", R"(name: "t1")");
  ExpectRoute("GET", "/v1/folders/ordinary/things/t1", "", "", "GetThing",
              R"(name: "folders/ordinary/things/t1")");
}

TEST_F(HttpRuleRouterTest, DoubleStarCapturesTheRestOfThePath) {
  ExpectRoute("GET", "/v1/files/a/b%2Fc/d.txt", "", "", "GetFile", R"(path: "a/b/c/d.txt")");
}

TEST_F(HttpRuleRouterTest, AdditionalBindingRoutesToTheSameMethod) {
  ExpectRoute("GET", "/v1/things", "page_size=1", "", "ListThings", R"(page_size: 1)");
}

TEST_F(HttpRuleRouterTest, UnmatchedVerbOrPathIsNotFound) {
  for (const auto& [verb, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/v1/nothing"},
                                                        {"PUT", "/v1/things"},
                                                        {"GET", "/v1/folders/s1/things/"},
                                                        {"GET", "/v1/folders//things/t1"},
                                                        {"GET", "v1/things"},
                                                        {"get", "/v1/things"},
                                                        {"GET", ""}}) {
    absl::StatusOr<HttpRuleRouter::Match> match = router_->Route(verb, path, "", "");
    EXPECT_STATUS_CODE(match, absl::StatusCode::kNotFound) << verb << " " << path;
  }
  EXPECT_THAT(std::string(router_->Route("GET", "/v1/nothing", "", "").status().message()),
              HasSubstr("no route for GET \"/v1/nothing\""));
  EXPECT_STATUS_CODE(router_->Route("GET", "/v1/folders/%zz/things", "", ""),
                     absl::StatusCode::kInvalidArgument);
}

TEST_F(HttpRuleRouterTest, AllowedVerbsListsTheVerbsWhoseTemplatesMatch) {
  EXPECT_THAT(router_->AllowedVerbs("/v1/folders/s1/things/t1"),
              ElementsAre("GET", "DELETE", "PATCH"));
  EXPECT_THAT(router_->AllowedVerbs("/v1/folders/s1/things"), ElementsAre("GET", "POST"));
  // The custom method's POST, and every template whose last variable takes
  // "t1:archive" as a name.
  EXPECT_THAT(router_->AllowedVerbs("/v1/folders/s1/things/t1:archive"),
              ElementsAre("GET", "POST", "DELETE", "PATCH"));
  EXPECT_THAT(router_->AllowedVerbs("/v1/folders/s1/things:archive"), IsEmpty());
  EXPECT_THAT(router_->AllowedVerbs("/v1/elsewhere"), IsEmpty());
  EXPECT_THAT(router_->AllowedVerbs(""), IsEmpty());
}

TEST_F(HttpRuleRouterTest, RoutesDescribeEveryBindingWithItsOpenApiPath) {
  const std::vector<struct HttpRuleRouter::Route>& routes = router_->routes();
  ASSERT_EQ(routes.size(), 11u);  // 10 rules, one with an additional binding; NoRule has none.
  EXPECT_EQ(routes[0].verb, "GET");
  EXPECT_EQ(routes[0].path_template, "/v1/{name=folders/*/things/*}");
  EXPECT_EQ(routes[0].openapi_path, "/v1/folders/{folder}/things/{thing}");
  ASSERT_EQ(routes[0].path_parameters.size(), 2u);
  EXPECT_EQ(routes[0].path_parameters[0].name, "folder");
  EXPECT_EQ(routes[0].path_parameters[0].field, "name");
  EXPECT_EQ(routes[0].method->name(), "GetThing");
  EXPECT_EQ(routes[0].body, "");
  EXPECT_EQ(routes[2].path_template, "/v1/things");
  EXPECT_EQ(routes[2].method->name(), "ListThings");
  EXPECT_EQ(routes[3].body, "thing");
  EXPECT_EQ(routes[4].verb, "PATCH");
  EXPECT_EQ(routes[4].path_parameters[1].field, "thing.name");
  EXPECT_EQ(routes[6].openapi_path, "/v1/folders/{folder}/things/{thing}:archive");
  EXPECT_EQ(routes[7].openapi_path, "/v1/folders/{folder}/months/{month}");
  EXPECT_EQ(routes[8].openapi_path, "/v1/years/{year}/{filter_color}");
  EXPECT_EQ(routes[8].path_parameters[1].field, "filter.color");
}

// Build with one method carrying `rule`, expecting InvalidArgument mentioning `needle`.
void ExpectBuildError(const std::vector<TestMethod>& methods, const std::string& needle) {
  SCOPED_TRACE(needle);
  TestServices services(methods);
  absl::StatusOr<HttpRuleRouter> router = HttpRuleRouter::Build({services.service()});
  EXPECT_STATUS_CODE(router, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(router.status().message()), HasSubstr(needle));
}

TEST(HttpRuleRouterBuildTest, RefusesBadRulesNamingTheMethodAndTemplate) {
  ExpectBuildError({{"A", R"(get: "v1/x")"}}, "test.http.Things.A (GET v1/x): must start with '/'");
  ExpectBuildError({{"A", R"(get: "/v1/{name")"}},
                   "test.http.Things.A (GET /v1/{name): variable {name not closed");
  ExpectBuildError({{"A", R"(get: "/v1//x")"}}, "(GET /v1//x): empty segment");
  ExpectBuildError({{"A", R"(get: "/v1/x/")"}}, "(GET /v1/x/): empty segment at the end");
  ExpectBuildError({{"A", R"(get: "/v1/**/x")"}}, "'**' may only be the last segment");
  ExpectBuildError({{"A", R"(get: "/v1/{a={b}}")"}}, "a variable inside a variable");
  ExpectBuildError({{"A", R"(get: "/v1/x:")"}}, "empty custom verb");
  ExpectBuildError({{"A", R"(get: "/v1/{nope}")"}},
                   "(GET /v1/{nope}): variable {nope}: test.http.Request has no field nope");
  ExpectBuildError({{"A", R"(get: "/v1/{filter.nope}")"}}, "test.http.Inner has no field nope");
  ExpectBuildError({{"A", R"(get: "/v1/{filter}")"}},
                   "variable {filter}: not a singular scalar field");
  ExpectBuildError({{"A", R"(get: "/v1/{tags}")"}}, "variable {tags}: not a singular scalar field");
  ExpectBuildError({{"A", R"(get: "/v1/{tags.x}")"}},
                   "variable {tags.x}: tags is not a singular message field");
  ExpectBuildError({{"A", R"(get: "/v1/{page_size=a/*}")"}}, "must name a string field");
  ExpectBuildError({{"A", R"(get: "/v1/{name}/{name}")"}}, "variable {name} twice");
  ExpectBuildError({{"A", R"(post: "/v1/x" body: "nope")"}},
                   "(POST /v1/x): body \"nope\": test.http.Request has no such field");
  ExpectBuildError({{"A", R"(post: "/v1/x" body: "page_size")"}},
                   "body \"page_size\": not a singular message field");
  ExpectBuildError({{"A", R"(get: "/v1/x" body: "*")"}}, "(GET /v1/x): GET takes no body");
  ExpectBuildError({{"A", R"(body: "*")"}}, "no verb");
  ExpectBuildError(
      {{"A",
        R"(get: "/v1/x" additional_bindings { get: "/v1/y" additional_bindings { get: "/v1/z" } })"}},
      "an additional binding has additional_bindings");
  ExpectBuildError({{"A", R"(get: "/v1/x")", /*server_streaming=*/true}},
                   "test.http.Things.A: a streaming method cannot have (ecoplan.api.v1.http)");
  // A download stream (http_body) only by GET, additional bindings included.
  ExpectBuildError(
      {{"A", R"(post: "/v1/x" body: "*")", /*server_streaming=*/true, R"(content_field: "data")"}},
      "test.http.Things.A: a server-streaming method's (ecoplan.api.v1.http) rules "
      "must all be GET");
  ExpectBuildError({{"A", R"(get: "/v1/x" additional_bindings { delete: "/v1/y" })",
                     /*server_streaming=*/true, R"(content_field: "data")"}},
                   "rules must all be GET");
  ExpectBuildError(
      {{"A", R"(get: "/v1/{name=folders/*}")"}, {"B", R"(get: "/v1/folders/{parent}")"}},
      "test.http.Things.B (GET /v1/folders/{parent}) and test.http.Things.A (GET "
      "/v1/{name=folders/*}): the same verb and path shape");
  // The same path with another verb, or another custom verb, is fine.
  TestServices ok({{"A", R"(get: "/v1/{name=folders/*}")"},
                   {"B", R"(delete: "/v1/folders/{parent}")"},
                   {"C", R"(post: "/v1/folders/{parent}:go" body: "*")"}});
  EXPECT_OK(HttpRuleRouter::Build({ok.service()}));
}

TEST(HttpRuleRouterDownloadTest, AServerStreamWithHttpBodyIsRoutedByGet) {
  TestServices services(
      {{"Download", R"(get: "/v1/{name=folders/*}/file")",
        /*server_streaming=*/true, R"(content_field: "chunk" media_type_field: "done.media_type")"},
       {"GetThing", R"(get: "/v1/{name=folders/*/things/*}")"}});
  absl::StatusOr<HttpRuleRouter> router = HttpRuleRouter::Build({services.service()});
  ASSERT_OK(router);
  ASSERT_EQ(router->routes().size(), 2u);
  const auto& download = router->routes()[0];
  EXPECT_EQ(download.method->name(), "Download");
  ASSERT_TRUE(download.http_body.has_value());
  EXPECT_EQ(download.http_body->content_field(), "chunk");
  EXPECT_EQ(download.http_body->media_type_field(), "done.media_type");
  EXPECT_FALSE(router->routes()[1].http_body.has_value());
  ASSERT_TRUE(HttpRuleRouter::HttpBodyOf(download.method).has_value());
  EXPECT_EQ(HttpRuleRouter::HttpBodyOf(download.method)->content_field(), "chunk");
  EXPECT_FALSE(HttpRuleRouter::HttpBodyOf(router->routes()[1].method).has_value());

  absl::StatusOr<HttpRuleRouter::Match> match =
      router->Route("GET", "/v1/folders/f1/file", "page_size=3", "");
  ASSERT_OK(match);
  EXPECT_EQ(match->method->name(), "Download");
  services.ExpectRequest(match->request, R"pb(name: "folders/f1" page_size: 3)pb");
}

// ---------------------------------------------------------------------------
// The real services

namespace registry = ::ecoplan::registry::v1;
namespace progress = ::ecoplan::progress::v1;
namespace indicator = ::ecoplan::indicator::v1;
namespace notification = ::ecoplan::notification::v1;

class RealServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<const pb::ServiceDescriptor*> services = RealServiceDescriptors();
    for (const pb::ServiceDescriptor* service : services) ASSERT_NE(service, nullptr);
    absl::StatusOr<HttpRuleRouter> router = HttpRuleRouter::Build(services);
    ASSERT_OK(router);
    router_ = std::make_unique<HttpRuleRouter>(*std::move(router));
  }

  // Routes and parses the request as `T`, expecting `method`.
  template <typename T>
  T RouteTo(const std::string& verb, const std::string& path, const std::string& query,
            const std::string& body, const std::string& method) {
    absl::StatusOr<HttpRuleRouter::Match> match = router_->Route(verb, path, query, body);
    EXPECT_OK(match) << verb << " " << path;
    T request;
    if (!match.ok()) return request;
    EXPECT_EQ(match->method->full_name(), method);
    EXPECT_EQ(match->method->input_type(), T::descriptor());
    EXPECT_TRUE(request.ParseFromString(match->request));
    return request;
  }

  std::unique_ptr<HttpRuleRouter> router_;
};

TEST_F(RealServicesTest, EveryServiceHasRoutesAndOnlyDownloadStreamsHaveOne) {
  std::set<std::string> services;
  for (const auto& route : router_->routes()) {
    services.insert(route.method->service()->name());
    EXPECT_FALSE(route.method->client_streaming());
    if (route.method->server_streaming()) {
      EXPECT_TRUE(route.http_body.has_value()) << route.method->full_name();
      EXPECT_EQ(route.verb, "GET") << route.method->full_name();
    }
    EXPECT_TRUE(absl::StartsWith(route.path_template, "/v1/")) << route.path_template;
  }
  EXPECT_THAT(services, ElementsAre("AssessmentService", "DocumentService", "IndicatorService",
                                    "NotificationService", "ProgressService", "RegistryService"));
  EXPECT_GE(router_->routes().size(), 90u);
}

TEST_F(RealServicesTest, GetAndDeleteRoutesBelongToSafeOrIdempotentMethods) {
  for (const auto& route : router_->routes()) {
    pb::MethodOptions::IdempotencyLevel level = route.method->options().idempotency_level();
    if (route.verb == "GET") {
      EXPECT_EQ(level, pb::MethodOptions::NO_SIDE_EFFECTS) << route.method->full_name();
    }
    // A body-less POST or PUT would be a write nobody can describe; every
    // write route takes the request (or a field of it) from the body.
    if (route.verb == "POST" || route.verb == "PUT" || route.verb == "PATCH") {
      EXPECT_FALSE(route.body.empty()) << route.method->full_name();
    }
  }
}

// docs/API.md lists every route as "| `VERB openapi_path` | Method |", and no other.
TEST_F(RealServicesTest, ApiDocListsEveryRouteAndNoOther) {
  std::ifstream in(ECOPLAN_API_DOC);
  ASSERT_TRUE(in.good()) << ECOPLAN_API_DOC;
  std::set<std::string> documented;
  std::string line;
  while (std::getline(in, line)) {
    for (const char* verb : {"GET", "PUT", "POST", "DELETE", "PATCH"}) {
      if (absl::StartsWith(line, absl::StrCat("| `", verb, " "))) {
        std::vector<std::string> cells = absl::StrSplit(line, '|');
        ASSERT_GE(cells.size(), 3u) << line;
        documented.insert(absl::StrCat(absl::StripAsciiWhitespace(cells[1]), " ",
                                       absl::StripAsciiWhitespace(cells[2])));
      }
    }
  }
  std::set<std::string> routes;
  for (const auto& route : router_->routes()) {
    routes.insert(
        absl::StrCat("`", route.verb, " ", route.openapi_path, "` ", route.method->name()));
  }
  EXPECT_EQ(documented, routes);
}

TEST_F(RealServicesTest, ListMeasuresOfAPlanByOrganizationAndRole) {
  auto request = RouteTo<registry::ListMeasuresRequest>(
      "GET", "/v1/plans/2026-5b6a16527908/measures",
      "filter.organization=%E5%8C%BA%E4%BA%A4%E9%80%9A%E5%B1%80&filter.role=lead&page_size=20", "",
      "ecoplan.registry.v1.RegistryService.ListMeasures");
  EXPECT_EQ(request.parent(), "plans/2026-5b6a16527908");
  EXPECT_EQ(request.filter().organization(), "区交通局");
  EXPECT_EQ(request.filter().role(), registry::ORG_ROLE_LEAD);
  EXPECT_EQ(request.page_size(), 20);
  // Errors quote Chinese values as they are.
  absl::StatusOr<HttpRuleRouter::Match> bad =
      router_->Route("GET", "/v1/plans/p1/measures", "filter.role=%E7%89%B5%E5%A4%B4", "");
  EXPECT_STATUS_CODE(bad, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("query parameter \"filter.role\": \"牵头\" is not a value of "
                        "ecoplan.registry.v1.OrgRole (ORG_ROLE_UNSPECIFIED, ORG_ROLE_LEAD, "
                        "ORG_ROLE_RESPONSIBLE)"));
}

TEST_F(RealServicesTest, ReadsOfRegistry) {
  EXPECT_EQ(RouteTo<registry::GetPlanRequest>("GET", "/v1/plans/2026-5b6a16527908", "", "",
                                              "ecoplan.registry.v1.RegistryService.GetPlan")
                .name(),
            "plans/2026-5b6a16527908");
  EXPECT_EQ(
      RouteTo<registry::ExportPlanRequest>("GET", "/v1/plans/2026-5b6a16527908:export", "", "",
                                           "ecoplan.registry.v1.RegistryService.ExportPlan")
          .name(),
      "plans/2026-5b6a16527908");
  auto tasks = RouteTo<registry::ListTasksRequest>(
      "GET", "/v1/plans/p1/tasks", "filter.due_before=2026-06-30&filter.featured=true", "",
      "ecoplan.registry.v1.RegistryService.ListTasks");
  EXPECT_EQ(tasks.parent(), "plans/p1");
  EXPECT_EQ(tasks.filter().due_before().month(), 6);
  EXPECT_EQ(tasks.filter().due_before().day(), 30);
  EXPECT_TRUE(tasks.filter().has_featured() && tasks.filter().featured());
  EXPECT_EQ(RouteTo<registry::ResolveOrganizationRequest>(
                "GET", "/v1/organizations:resolve", "written_name=%E5%90%84%E9%95%87%E8%A1%97", "",
                "ecoplan.registry.v1.RegistryService.ResolveOrganization")
                .written_name(),
            "各镇街");
}

TEST_F(RealServicesTest, UpdateMeasureTakesTheNameFromThePath) {
  auto request = RouteTo<registry::UpdateMeasureRequest>(
      "PATCH", "/v1/plans/p1/measures/a1-t3-m2", "",
      R"({"measure": {"deadline": {"raw": "6月底前"}}, "updateMask": "deadline",
          "etag": "e1", "reason": "区政府调整", "requestId": "r-1"})",
      "ecoplan.registry.v1.RegistryService.UpdateMeasure");
  EXPECT_EQ(request.measure().name(), "plans/p1/measures/a1-t3-m2");
  EXPECT_EQ(request.measure().deadline().raw(), "6月底前");
  ASSERT_EQ(request.update_mask().paths_size(), 1);
  EXPECT_EQ(request.update_mask().paths(0), "deadline");
  EXPECT_EQ(request.etag(), "e1");
  EXPECT_EQ(request.request_id(), "r-1");
}

TEST_F(RealServicesTest, SubmissionStatusOfAMonth) {
  auto request = RouteTo<progress::GetSubmissionStatusRequest>(
      "GET", "/v1/plans/2026-5b6a16527908/submissions/2026-05", "", "",
      "ecoplan.progress.v1.ProgressService.GetSubmissionStatus");
  EXPECT_EQ(request.plan(), "plans/2026-5b6a16527908");
  EXPECT_EQ(request.period(), "2026-05");
}

TEST_F(RealServicesTest, SubmitReportWithTheWholeRequestInTheBody) {
  auto request = RouteTo<progress::SubmitReportRequest>(
      "POST", "/v1/plans/p1/reports", "",
      R"({"organization": "organizations/o-1a2b3c4d5e", "period": "2026-05",
          "entries": [{"measure": "plans/p1/measures/a1-t3-m2", "status": "MEASURE_STATUS_IN_PROGRESS",
                       "percentDone": 40, "workDone": "完成摸排"}],
          "requestId": "r-7"})",
      "ecoplan.progress.v1.ProgressService.SubmitReport");
  EXPECT_EQ(request.parent(), "plans/p1");
  EXPECT_EQ(request.organization(), "organizations/o-1a2b3c4d5e");
  ASSERT_EQ(request.entries_size(), 1);
  EXPECT_EQ(request.entries(0).percent_done(), 40);
  EXPECT_EQ(request.entries(0).work_done(), "完成摸排");
  EXPECT_EQ(request.request_id(), "r-7");
  // Query parameters are refused: the body carries the request.
  EXPECT_STATUS_CODE(router_->Route("POST", "/v1/plans/p1/reports", "period=2026-05", "{}"),
                     absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(router_->AllowedVerbs("/v1/plans/p1/reports"), ElementsAre("GET", "POST"));
}

TEST_F(RealServicesTest, CustomMethodsOfReportsAndExtensionsOfAMeasureOrAPlan) {
  auto accept = RouteTo<progress::AcceptReportRequest>(
      "POST", "/v1/plans/p1/reports/o-1a2b3c4d5e_2026-05:accept", "", R"({"etag": "e2"})",
      "ecoplan.progress.v1.ProgressService.AcceptReport");
  EXPECT_EQ(accept.name(), "plans/p1/reports/o-1a2b3c4d5e_2026-05");
  EXPECT_EQ(accept.etag(), "e2");
  EXPECT_EQ(RouteTo<progress::ListExtensionsRequest>(
                "GET", "/v1/plans/p1/extensions", "state=pending", "",
                "ecoplan.progress.v1.ProgressService.ListExtensions")
                .parent(),
            "plans/p1");
  EXPECT_EQ(RouteTo<progress::ListExtensionsRequest>(
                "GET", "/v1/plans/p1/measures/a1-t3-m2/extensions", "", "",
                "ecoplan.progress.v1.ProgressService.ListExtensions")
                .parent(),
            "plans/p1/measures/a1-t3-m2");
  EXPECT_EQ(RouteTo<progress::LoadHolidaysRequest>(
                "PUT", "/v1/holidayCalendars/2026", "",
                R"({"holidays": {"holidays": [{"year": 2026, "month": 10, "day": 1}]}})",
                "ecoplan.progress.v1.ProgressService.LoadHolidays")
                .holidays()
                .year(),
            2026);
}

TEST_F(RealServicesTest, EvaluationScorecardsAndCharts) {
  auto evaluation = RouteTo<indicator::EvaluatePlanRequest>(
      "GET", "/v1/plans/p1/evaluation", "as_of=2026-05-31", "",
      "ecoplan.indicator.v1.IndicatorService.EvaluatePlan");
  EXPECT_EQ(evaluation.plan(), "plans/p1");
  EXPECT_EQ(evaluation.as_of().year(), 2026);
  EXPECT_EQ(evaluation.as_of().day(), 31);
  auto month = RouteTo<indicator::GetMonthlyAssessmentRequest>(
      "GET", "/v1/plans/p1/months/2026-05", "organization=%E5%8C%BA%E4%BA%A4%E9%80%9A%E5%B1%80", "",
      "ecoplan.indicator.v1.AssessmentService.GetMonthlyAssessment");
  EXPECT_EQ(month.name(), "plans/p1/months/2026-05");
  EXPECT_EQ(month.organization(), "区交通局");
  auto chart = RouteTo<indicator::RenderChartRequest>(
      "GET", "/v1/plans/p1/charts/town_ranking", "format=png&width=800", "",
      "ecoplan.indicator.v1.DocumentService.RenderChart");
  EXPECT_EQ(chart.kind(), indicator::CHART_KIND_TOWN_RANKING);
  EXPECT_EQ(chart.format(), indicator::IMAGE_FORMAT_PNG);
  EXPECT_EQ(chart.width(), 800);
  // RenderDocument streams; its URL is a download (http_body).
  auto document = RouteTo<indicator::RenderDocumentRequest>(
      "GET", "/v1/plans/p1/documents/ledger",
      "month=2026-05&as_of=2026-05-20&organization=%E5%8C%BA%E4%BA%A4%E9%80%9A%E5%B1%80", "",
      "ecoplan.indicator.v1.DocumentService.RenderDocument");
  EXPECT_EQ(document.plan(), "plans/p1");
  EXPECT_EQ(document.kind(), indicator::DOCUMENT_KIND_LEDGER);
  EXPECT_EQ(document.month(), "2026-05");
  EXPECT_EQ(document.as_of().day(), 20);
  EXPECT_EQ(document.organization(), "区交通局");
}

TEST_F(RealServicesTest, InboxAndAcknowledge) {
  auto inbox = RouteTo<notification::ListNotificationsRequest>(
      "GET", "/v1/organizations/o-1a2b3c4d5e/notifications", "unread_only=true&page_size=10", "",
      "ecoplan.notification.v1.NotificationService.ListNotifications");
  EXPECT_EQ(inbox.parent(), "organizations/o-1a2b3c4d5e");
  EXPECT_TRUE(inbox.unread_only());
  EXPECT_EQ(inbox.page_size(), 10);
  auto ack = RouteTo<notification::AcknowledgeNotificationRequest>(
      "POST", "/v1/notifications/n-000000000042:acknowledge", "",
      R"({"comment": "已处置", "externalReference": "AJ-2026-0001"})",
      "ecoplan.notification.v1.NotificationService.AcknowledgeNotification");
  EXPECT_EQ(ack.name(), "notifications/n-000000000042");
  EXPECT_EQ(ack.external_reference(), "AJ-2026-0001");
  auto del = RouteTo<notification::DeleteRuleRequest>(
      "DELETE", "/v1/rules/report-due-soon", "etag=e3", "",
      "ecoplan.notification.v1.NotificationService.DeleteRule");
  EXPECT_EQ(del.name(), "rules/report-due-soon");
  EXPECT_EQ(del.etag(), "e3");
  EXPECT_THAT(router_->AllowedVerbs("/v1/rules/report-due-soon"),
              ElementsAre("GET", "PUT", "DELETE"));
}

}  // namespace
}  // namespace ecoplan::common
