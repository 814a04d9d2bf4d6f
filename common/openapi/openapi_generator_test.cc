#include "common/openapi/openapi_generator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "common/testing/project_path.h"

namespace ecoplan::common {
namespace {

using Json = nlohmann::ordered_json;
using ::testing::HasSubstr;

constexpr char kShelves[] = "ecoplan.fixture.v1.ShelfService";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class OpenApiGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string set = ReadFile(ECOPLAN_OPENAPI_FIXTURE);
    ASSERT_FALSE(set.empty()) << ECOPLAN_OPENAPI_FIXTURE;
    ASSERT_TRUE(BuildDescriptorPool(set, &pool_).ok());
    auto document = Generate({kShelves});
    ASSERT_TRUE(document.ok()) << document.status();
    doc_ = *document;
  }

  absl::StatusOr<Json> Generate(std::vector<std::string> services) {
    OpenApiOptions options;
    options.title = "ecoplan fixture server";
    options.version = "v9";
    options.services = std::move(services);
    return GenerateOpenApiDocument(pool_, options);
  }

  const Json& Schema(const std::string& name) { return doc_["components"]["schemas"][name]; }

  google::protobuf::DescriptorPool pool_;
  Json doc_;
};

TEST_F(OpenApiGeneratorTest, DocumentIsOpenApi31WithInfo) {
  EXPECT_EQ(doc_["openapi"], "3.1.0");
  EXPECT_EQ(doc_["info"]["title"], "ecoplan fixture server");
  EXPECT_EQ(doc_["info"]["version"], "v9");
  EXPECT_EQ(doc_["tags"][0]["name"], "ShelfService");
  EXPECT_EQ(doc_["tags"][0]["description"], "Keeps the shelves of a library.");
}

TEST_F(OpenApiGeneratorTest, ConnectPostRouteReferencesRequestAndResponseSchemas) {
  const Json& post = doc_["paths"]["/ecoplan.fixture.v1.ShelfService/CreateShelf"]["post"];
  ASSERT_TRUE(post.is_object());
  EXPECT_EQ(post["operationId"], "ShelfService_CreateShelf");
  EXPECT_EQ(post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ecoplan.fixture.v1.CreateShelfRequest");
  EXPECT_TRUE(post["requestBody"]["content"].contains("application/proto"));
  EXPECT_EQ(post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ecoplan.fixture.v1.CreateShelfResponse");
  EXPECT_EQ(post["parameters"][0]["$ref"], "#/components/parameters/ConnectProtocolVersion");
  EXPECT_TRUE(Schema("ecoplan.fixture.v1.CreateShelfRequest").is_object());
}

TEST_F(OpenApiGeneratorTest, NoSideEffectsMethodAlsoHasTheConnectGetForm) {
  const Json& get = doc_["paths"]["/ecoplan.fixture.v1.ShelfService/GetShelf"]["get"];
  ASSERT_TRUE(get.is_object());
  std::set<std::string> names;
  for (const Json& parameter : get["parameters"]) {
    if (parameter.contains("name")) names.insert(parameter["name"].get<std::string>());
  }
  EXPECT_EQ(names, (std::set<std::string>{"connect", "encoding", "message", "base64"}));
  EXPECT_EQ(get["parameters"][2]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ecoplan.fixture.v1.GetShelfRequest");
  // Methods with side effects (or only IDEMPOTENT) have no GET form.
  EXPECT_FALSE(doc_["paths"]["/ecoplan.fixture.v1.ShelfService/CreateShelf"].contains("get"));
  EXPECT_FALSE(doc_["paths"]["/ecoplan.fixture.v1.ShelfService/DeleteShelf"].contains("get"));
}

TEST_F(OpenApiGeneratorTest, HttpRuleGetRouteHasItsPathParameter) {
  const Json& get = doc_["paths"]["/v1/shelves/{shelf_id}"]["get"];
  ASSERT_TRUE(get.is_object());
  EXPECT_EQ(get["operationId"], "ShelfService_GetShelf_Http");
  const Json& parameter = get["parameters"][0];
  EXPECT_EQ(parameter["name"], "shelf_id");
  EXPECT_EQ(parameter["in"], "path");
  EXPECT_EQ(parameter["required"], true);
  EXPECT_EQ(parameter["schema"]["type"], "string");
  EXPECT_EQ(parameter["description"], "The shelf to return.");
  EXPECT_EQ(get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ecoplan.fixture.v1.GetShelfResponse");
  // No body on a GET, so no 413 or 415.
  EXPECT_FALSE(get.contains("requestBody"));
  EXPECT_FALSE(get["responses"].contains("415"));
}

TEST_F(OpenApiGeneratorTest, AdditionalBindingWithADottedPathVariable) {
  const Json& get = doc_["paths"]["/v1/branches/{library.name}/shelves/{shelf_id}"]["get"];
  ASSERT_TRUE(get.is_object());
  EXPECT_EQ(get["operationId"], "ShelfService_GetShelf_Http3");
  EXPECT_EQ(get["parameters"][0]["name"], "library.name");
  EXPECT_EQ(get["parameters"][0]["description"], "The library's name, e.g. \"west\".");
  EXPECT_EQ(get["parameters"][1]["name"], "shelf_id");
}

TEST_F(OpenApiGeneratorTest, PatternVariableBecomesOneParameterPerSegment) {
  // {name=libraries/*/bookcases/*}: OpenAPI parameters are single segments.
  const Json& get = doc_["paths"]["/v1/libraries/{library}/bookcases/{bookcase}"]["get"];
  ASSERT_TRUE(get.is_object()) << doc_["paths"].dump(1).substr(0, 2000);
  EXPECT_EQ(get["operationId"], "ShelfService_GetShelf_Http2");
  ASSERT_GE(get["parameters"].size(), 2u);
  EXPECT_EQ(get["parameters"][0]["name"], "library");
  EXPECT_EQ(get["parameters"][0]["in"], "path");
  EXPECT_EQ(get["parameters"][1]["name"], "bookcase");
  EXPECT_THAT(
      get["parameters"][1]["description"].get<std::string>(),
      HasSubstr("`name`, which the path sets to `libraries/{library}/bookcases/{bookcase}`"));
  for (const Json& parameter : get["parameters"]) {
    EXPECT_NE(parameter["name"], "name") << "the path sets it";
  }
  // A custom verb after the pattern.
  const Json& remove = doc_["paths"]["/v1/libraries/{library}/bookcases/{bookcase}:remove"]["post"];
  ASSERT_TRUE(remove.is_object());
  EXPECT_FALSE(remove.contains("requestBody"));
  // A dotted field with a pattern and a whole-message body: the body keeps
  // `shelf` (the path sets only shelf.name).
  const Json& patch = doc_["paths"]["/v1/libraries/{library}/bookcases/{bookcase}"]["patch"];
  ASSERT_TRUE(patch.is_object());
  EXPECT_EQ(patch["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ecoplan.fixture.v1.UpdateShelfRequest");
  const Json& create = doc_["paths"]["/v1/libraries/{library}/shelves"]["post"];
  ASSERT_TRUE(create.is_object());
  EXPECT_EQ(create["parameters"][0]["name"], "library");
}

TEST_F(OpenApiGeneratorTest, HttpRuleGetTurnsTheOtherScalarFieldsIntoQueryParameters) {
  const Json& get = doc_["paths"]["/v1/shelves"]["get"];
  ASSERT_TRUE(get.is_object());
  std::map<std::string, Json> query;
  for (const Json& parameter : get["parameters"]) {
    EXPECT_EQ(parameter["in"], "query");
    query[parameter["name"].get<std::string>()] = parameter;
  }
  ASSERT_EQ(query.size(), 5u) << get.dump(1);  // not `library`: a message
  EXPECT_EQ(query["parent"]["schema"]["type"], "string");
  EXPECT_EQ(query["page_size"]["schema"]["type"], "integer");
  EXPECT_EQ(query["genres"]["schema"]["type"], "array");
  EXPECT_EQ(query["genres"]["schema"]["items"]["$ref"],
            "#/components/schemas/ecoplan.fixture.v1.Genre");
  EXPECT_EQ(query["created_after"]["schema"]["format"], "date-time");
  EXPECT_EQ(query["page_token"]["description"], "From ListShelvesResponse.next_page_token.");
}

TEST_F(OpenApiGeneratorTest, HttpRuleBodyFieldAndWholeMessageBody) {
  const Json& post = doc_["paths"]["/v1/shelves"]["post"];
  ASSERT_TRUE(post.is_object());
  EXPECT_EQ(post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ecoplan.fixture.v1.Shelf");
  // body: "shelf" leaves request_id (and parent) to the query string.
  ASSERT_EQ(post["parameters"].size(), 2u);
  EXPECT_EQ(post["parameters"][0]["name"], "request_id");
  EXPECT_TRUE(post["responses"].contains("413"));

  const Json& patch = doc_["paths"]["/v1/shelves/{shelf_id}"]["patch"];
  ASSERT_TRUE(patch.is_object());
  const Json& body = patch["requestBody"]["content"]["application/json"]["schema"];
  EXPECT_EQ(body["type"], "object");
  EXPECT_FALSE(body["properties"].contains("shelfId")) << "the path sets it";
  EXPECT_TRUE(body["properties"].contains("shelf"));
  EXPECT_TRUE(body["properties"].contains("updateMask"));
  ASSERT_EQ(patch["parameters"].size(), 1u);  // body "*": no query parameters
  EXPECT_EQ(patch["parameters"][0]["in"], "path");

  const Json& del = doc_["paths"]["/v1/shelves/{shelf_id}"]["delete"];
  ASSERT_TRUE(del.is_object());
  ASSERT_EQ(del["parameters"].size(), 3u);
  EXPECT_EQ(del["parameters"][1]["name"], "expected_revision");
  EXPECT_EQ(del["parameters"][1]["schema"]["type"], "string");
}

TEST_F(OpenApiGeneratorTest, ScalarFieldsFollowTheProtobufJsonMapping) {
  const Json& properties = Schema("ecoplan.fixture.v1.Shelf")["properties"];
  // lowerCamelCase JSON names.
  EXPECT_TRUE(properties.contains("bookCount"));
  EXPECT_FALSE(properties.contains("book_count"));
  // 64-bit integers are strings.
  EXPECT_EQ(properties["bookCount"]["type"], "string");
  EXPECT_EQ(properties["bookCount"]["format"], "int64");
  EXPECT_EQ(properties["capacity"]["type"], "string");
  EXPECT_EQ(properties["capacity"]["format"], "uint64");
  EXPECT_EQ(properties["room"]["type"], "integer");
  EXPECT_EQ(properties["photo"]["contentEncoding"], "base64");
  EXPECT_EQ(properties["titles"]["type"], "array");
  EXPECT_EQ(properties["titles"]["items"]["type"], "string");
  EXPECT_EQ(properties["genre"]["$ref"], "#/components/schemas/ecoplan.fixture.v1.Genre");
  const Json& genre = Schema("ecoplan.fixture.v1.Genre");
  EXPECT_EQ(genre["type"], "string");
  EXPECT_EQ(genre["enum"], Json::array({"GENRE_UNSPECIFIED", "GENRE_POETRY", "GENRE_HISTORY"}));
  EXPECT_THAT(genre["description"].get<std::string>(),
              HasSubstr("- `GENRE_POETRY`: Poems and verse."));
  // Maps are objects; their values keep their schema.
  EXPECT_EQ(properties["labels"]["type"], "object");
  EXPECT_EQ(properties["labels"]["additionalProperties"]["type"], "string");
  EXPECT_EQ(properties["booksByFloor"]["additionalProperties"]["$ref"],
            "#/components/schemas/ecoplan.fixture.v1.Book");
  EXPECT_EQ(properties["booksByFloor"]["propertyNames"]["pattern"], "^-?[0-9]+$");
  // No schema for the map entry messages.
  for (const auto& [name, schema] : doc_["components"]["schemas"].items()) {
    EXPECT_THAT(name, ::testing::Not(HasSubstr("Entry")));
  }
}

TEST_F(OpenApiGeneratorTest, WellKnownTypesFollowTheProtobufJsonMapping) {
  const Json& properties = Schema("ecoplan.fixture.v1.Shelf")["properties"];
  EXPECT_EQ(properties["createdTime"]["type"], "string");
  EXPECT_EQ(properties["createdTime"]["format"], "date-time");
  EXPECT_EQ(properties["loanPeriod"]["type"], "string");
  EXPECT_EQ(properties["loanPeriod"]["pattern"], "^-?[0-9]+(\\.[0-9]{1,9})?s$");
  EXPECT_EQ(properties["attributes"]["type"], "object");
  EXPECT_EQ(properties["heightMetres"]["type"], Json::array({"number", "null"}));
  EXPECT_FALSE(properties["extra"].contains("type")) << "any JSON value";
  EXPECT_EQ(properties["record"]["required"], Json::array({"@type"}));
  const Json& update = Schema("ecoplan.fixture.v1.UpdateShelfRequest")["properties"];
  EXPECT_EQ(update["updateMask"]["type"], "string");
  EXPECT_FALSE(doc_["components"]["schemas"].contains("google.protobuf.Timestamp"));
}

TEST_F(OpenApiGeneratorTest, CommentsBecomeDescriptions) {
  const Json& shelf = Schema("ecoplan.fixture.v1.Shelf");
  EXPECT_THAT(shelf["description"].get<std::string>(), HasSubstr("A shelf of books."));
  EXPECT_EQ(shelf["properties"]["bookCount"]["description"].get<std::string>().rfind(
                "Books on the shelf; a count, never negative.", 0),
            0u);
  const Json& get = doc_["paths"]["/ecoplan.fixture.v1.ShelfService/GetShelf"]["post"];
  EXPECT_EQ(get["summary"], "Returns one shelf.");
  EXPECT_THAT(get["description"].get<std::string>(),
              HasSubstr("Returns one shelf. Errors: NOT_FOUND."));
}

TEST_F(OpenApiGeneratorTest, OneofMembersSayTheyExcludeEachOther) {
  const Json& shelf = Schema("ecoplan.fixture.v1.Shelf");
  EXPECT_THAT(shelf["description"].get<std::string>(),
              HasSubstr("Oneof `place`: at most one of `room`, `location` is set."));
  EXPECT_THAT(shelf["properties"]["room"]["description"].get<std::string>(),
              HasSubstr("Member of oneof `place`"));
  // proto3 optional is not a oneof to the caller.
  EXPECT_THAT(shelf["properties"]["revision"]["description"].get<std::string>(),
              ::testing::Not(HasSubstr("oneof")));
}

TEST_F(OpenApiGeneratorTest, BearerSchemeAppliesToEveryOperation) {
  const Json& scheme = doc_["components"]["securitySchemes"]["bearerAuth"];
  EXPECT_EQ(scheme["type"], "http");
  EXPECT_EQ(scheme["scheme"], "bearer");
  EXPECT_EQ(scheme["bearerFormat"], "JWT");
  EXPECT_EQ(doc_["security"], Json::parse(R"([{"bearerAuth": []}])"));
  for (const auto& [path, item] : doc_["paths"].items()) {
    for (const auto& [verb, op] : item.items()) {
      EXPECT_FALSE(op.contains("security")) << verb << " " << path << " overrides it";
    }
  }
}

TEST_F(OpenApiGeneratorTest, ErrorResponsesCarryTheConnectErrorBody) {
  const Json& post = doc_["paths"]["/ecoplan.fixture.v1.ShelfService/CreateShelf"]["post"];
  for (const char* status :
       {"400", "401", "403", "404", "409", "413", "415", "429", "500", "501", "503", "504"}) {
    EXPECT_EQ(post["responses"][status]["$ref"],
              std::string("#/components/responses/ConnectError") + status);
    const Json& response = doc_["components"]["responses"][std::string("ConnectError") + status];
    EXPECT_EQ(response["content"]["application/json"]["schema"]["$ref"],
              "#/components/schemas/connect.Error");
  }
  const Json& error = Schema("connect.Error");
  EXPECT_EQ(error["required"], Json::array({"code"}));
  const Json& codes = error["properties"]["code"]["enum"];
  EXPECT_EQ(codes.size(), 16u);
  EXPECT_NE(std::find(codes.begin(), codes.end(), "not_found"), codes.end());
  EXPECT_TRUE(error["properties"].contains("details"));
}

TEST_F(OpenApiGeneratorTest, EventStreamMethodIsServerSentEventsOnGet) {
  const Json& item = doc_["paths"]["/ecoplan.fixture.v1.ShelfService/WatchShelves"];
  const Json& get = item["get"];
  ASSERT_TRUE(get.is_object());
  EXPECT_TRUE(get["responses"]["200"]["content"].contains("text/event-stream"));
  std::map<std::string, Json> parameters;
  for (const Json& parameter : get["parameters"]) {
    parameters[parameter["name"].get<std::string>()] = parameter;
  }
  EXPECT_EQ(parameters["message"]["in"], "query");
  EXPECT_EQ(parameters["Last-Event-ID"]["in"], "header");
  EXPECT_THAT(parameters["Last-Event-ID"]["description"].get<std::string>(),
              HasSubstr("afterSequence"));
  // And Connect streaming on POST.
  EXPECT_TRUE(item["post"]["requestBody"]["content"].contains("application/connect+json"));
  EXPECT_TRUE(Schema("ecoplan.fixture.v1.WatchShelvesResponse").is_object());
}

TEST_F(OpenApiGeneratorTest, StreamingWithoutEventStreamIsConnectStreamingOnly) {
  const Json& item = doc_["paths"]["/ecoplan.fixture.v1.ShelfService/ReadBooks"];
  EXPECT_TRUE(item.contains("post"));
  EXPECT_FALSE(item.contains("get"));
  // Client streaming has no HTTP route.
  EXPECT_FALSE(doc_["paths"].contains("/ecoplan.fixture.v1.ShelfService/UploadBooks"));
}

TEST_F(OpenApiGeneratorTest, DownloadRoutesAnswerBinaryFiles) {
  const Json& label = doc_["paths"]["/v1/shelves/{shelf_id}/label"]["get"];
  ASSERT_TRUE(label.is_object()) << doc_["paths"].dump(2);
  const Json& ok = label["responses"]["200"];
  ASSERT_EQ(ok["content"].size(), 2u) << ok.dump(2);
  for (const char* type : {"image/svg+xml", "image/png"}) {
    EXPECT_EQ(ok["content"][type]["schema"]["type"], "string") << type;
    EXPECT_EQ(ok["content"][type]["schema"]["format"], "binary") << type;
  }
  EXPECT_FALSE(ok["content"].contains("application/json"));
  EXPECT_TRUE(ok["headers"].contains("Content-Disposition"));
  EXPECT_THAT(label["description"].get<std::string>(), HasSubstr("the file itself"));
  // Errors keep Connect's JSON error.
  EXPECT_EQ(label["responses"]["404"]["$ref"], "#/components/responses/ConnectError404");
  // Its Connect route still answers the message.
  const Json& connect = doc_["paths"]["/ecoplan.fixture.v1.ShelfService/GetShelfLabel"]["post"];
  EXPECT_TRUE(connect["responses"]["200"]["content"].contains("application/json"));

  // A server stream's download: one GET, octet-stream without media_types,
  // no Content-Disposition without a file name field.
  const Json& catalogue = doc_["paths"]["/v1/shelves/{shelf_id}/catalogue"];
  ASSERT_TRUE(catalogue.contains("get")) << doc_["paths"].dump(2);
  const Json& stream_ok = catalogue["get"]["responses"]["200"];
  EXPECT_EQ(stream_ok["content"]["application/octet-stream"]["schema"]["format"], "binary");
  EXPECT_FALSE(stream_ok.contains("headers"));
  EXPECT_THAT(catalogue["get"]["description"].get<std::string>(), HasSubstr("joined in order"));
  // And Connect streaming on its Connect route.
  EXPECT_TRUE(doc_["paths"]["/ecoplan.fixture.v1.ShelfService/ExportCatalogue"].contains("post"));
}

TEST_F(OpenApiGeneratorTest, BadDownloadRulesAreRefused) {
  auto stream = Generate({"ecoplan.fixture.v1.BrokenDownloadService"});
  EXPECT_EQ(stream.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(stream.status().message(), HasSubstr("without (ecoplan.api.v1.http_body)"));
  auto file = Generate({"ecoplan.fixture.v1.BrokenFileService"});
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(file.status().message(), HasSubstr("\"file_name\" is not a singular bytes field"));
}

TEST_F(OpenApiGeneratorTest, OperationIdsAreUnique) {
  std::set<std::string> ids;
  int operations = 0;
  for (const auto& [path, item] : doc_["paths"].items()) {
    for (const auto& [verb, op] : item.items()) {
      ++operations;
      EXPECT_TRUE(ids.insert(op["operationId"].get<std::string>()).second) << op["operationId"];
    }
  }
  // 10 unary/streaming Connect POSTs, 3 Connect GETs, 13 resource URLs, 1 SSE.
  EXPECT_EQ(operations, 27);
}

TEST_F(OpenApiGeneratorTest, EveryReferenceResolves) {
  std::vector<const Json*> stack = {&doc_};
  int refs = 0;
  while (!stack.empty()) {
    const Json* node = stack.back();
    stack.pop_back();
    if (node->is_object()) {
      if (node->contains("$ref")) {
        ++refs;
        std::string ref = (*node)["$ref"].get<std::string>();
        ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
        EXPECT_TRUE(doc_.contains(Json::json_pointer(ref.substr(1)))) << ref;
      }
      for (const auto& [key, value] : node->items()) stack.push_back(&value);
    } else if (node->is_array()) {
      for (const Json& value : *node) stack.push_back(&value);
    }
  }
  EXPECT_GT(refs, 50);
}

TEST_F(OpenApiGeneratorTest, UnknownServiceIsNotFound) {
  auto document = Generate({"ecoplan.fixture.v1.NoSuchService"});
  EXPECT_EQ(document.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(OpenApiGeneratorTest, HttpRuleNamingAnUnknownFieldIsRefused) {
  auto document = Generate({"ecoplan.fixture.v1.BrokenService"});
  EXPECT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(document.status().message()), HasSubstr("no_such_field"));
}

TEST_F(OpenApiGeneratorTest, EventStreamNamingAnUnknownEventIdIsRefused) {
  auto document = Generate({"ecoplan.fixture.v1.BrokenStreamService"});
  EXPECT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(document.status().message()),
              HasSubstr("event_id_field: \"shelf.sequence\" is not a field of"));
}

TEST_F(OpenApiGeneratorTest, TwoRulesOnTheSameRouteAreRefused) {
  auto document = Generate({kShelves, "ecoplan.fixture.v1.ClashingService"});
  EXPECT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(document.status().message()), HasSubstr("GET /v1/shelves/{shelf_id}"));
}

TEST_F(OpenApiGeneratorTest, SameRouteUnderOtherParameterNamesSharesThePath) {
  auto document = Generate({kShelves, "ecoplan.fixture.v1.RenamingService"});
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_FALSE((*document)["paths"].contains("/v1/shelves/{library.name}"));
  const Json& put = (*document)["paths"]["/v1/shelves/{shelf_id}"]["put"];
  ASSERT_TRUE(put.is_object());
  EXPECT_EQ(put["operationId"], "RenamingService_Replace_Http");
  EXPECT_EQ(put["parameters"][0]["name"], "shelf_id");
  EXPECT_THAT(put["parameters"][0]["description"].get<std::string>(),
              HasSubstr("The value of `library.name`."));
}

TEST(BuildDescriptorPoolTest, RefusesBytesThatAreNotADescriptorSet) {
  google::protobuf::DescriptorPool pool;
  EXPECT_EQ(BuildDescriptorPool("\xff\xff not a descriptor set", &pool).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::common
