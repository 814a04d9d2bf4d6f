#include "common/openapi/openapi_document.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/openapi/openapi_generator.h"
#include "common/testing/project_path.h"

namespace ecoplan::common {
namespace {

using Json = nlohmann::ordered_json;

// The services each server registers (services/<svc>/main.cc).
const std::map<std::string, std::vector<std::string>>& ServerServices() {
  static const auto* servers = new std::map<std::string, std::vector<std::string>>{
      {"registry", {"ecoplan.registry.v1.RegistryService", "ecoplan.admin.v1.AdminService"}},
      {"progress", {"ecoplan.progress.v1.ProgressService", "ecoplan.admin.v1.AdminService"}},
      {"indicator",
       {"ecoplan.indicator.v1.IndicatorService", "ecoplan.indicator.v1.AssessmentService",
        "ecoplan.indicator.v1.DocumentService", "ecoplan.admin.v1.AdminService"}},
      {"notification",
       {"ecoplan.notification.v1.NotificationService", "ecoplan.admin.v1.AdminService"}},
  };
  return *servers;
}

TEST(OpenApiDocumentTest, EveryUnaryRpcOfEachServerHasItsConnectRoute) {
  std::ifstream in(ECOPLAN_PROTO_DESCRIPTOR_SET, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  google::protobuf::DescriptorPool pool;
  ASSERT_TRUE(BuildDescriptorPool(bytes.str(), &pool).ok());
  for (const auto& [server, services] : ServerServices()) {
    std::string_view text = OpenApiDocument(server);
    ASSERT_FALSE(text.empty()) << server;
    Json doc = Json::parse(text);
    EXPECT_EQ(doc["info"]["title"], "ecoplan " + server + " server");
    int unary = 0;
    for (const std::string& name : services) {
      const google::protobuf::ServiceDescriptor* service = pool.FindServiceByName(name);
      ASSERT_NE(service, nullptr) << name;
      for (int i = 0; i < service->method_count(); ++i) {
        const google::protobuf::MethodDescriptor* method = service->method(i);
        if (method->client_streaming() || method->server_streaming()) continue;
        ++unary;
        std::string path = "/" + name + "/" + method->name();
        EXPECT_TRUE(doc["paths"].contains(path) && doc["paths"][path].contains("post"))
            << server << ": " << path;
      }
    }
    EXPECT_GT(unary, 3) << server;
  }
}

TEST(OpenApiDocumentTest, TheIndicatorsChartsAndDocumentsDownloadAsFiles) {
  const Json doc = Json::parse(OpenApiDocument("indicator"));
  const Json& chart = doc["paths"]["/v1/plans/{plan}/charts/{kind}"]["get"]["responses"]["200"];
  EXPECT_EQ(chart["content"]["image/svg+xml"]["schema"]["format"], "binary") << chart.dump(2);
  EXPECT_EQ(chart["content"]["image/png"]["schema"]["format"], "binary");
  EXPECT_FALSE(chart["content"].contains("application/json"));
  const Json& document =
      doc["paths"]["/v1/plans/{plan}/documents/{kind}"]["get"]["responses"]["200"];
  EXPECT_EQ(document["content"]["application/pdf"]["schema"]["format"], "binary")
      << document.dump(2);
  EXPECT_EQ(document["content"]["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
                    ["schema"]["format"],
            "binary");
  EXPECT_TRUE(document["headers"].contains("Content-Disposition"));
}

TEST(OpenApiDocumentTest, ServersOnlyDescribeTheirOwnServices) {
  Json registry = Json::parse(OpenApiDocument("registry"));
  EXPECT_TRUE(registry["paths"].contains("/ecoplan.registry.v1.RegistryService/ListMeasures"));
  EXPECT_TRUE(registry["paths"].contains("/ecoplan.admin.v1.AdminService/CreateBackup"));
  for (const auto& [path, item] : registry["paths"].items()) {
    EXPECT_EQ(path.find("/ecoplan.progress."), std::string::npos) << path;
  }
  Json notification = Json::parse(OpenApiDocument("notification"));
  const Json& sse =
      notification["paths"]["/ecoplan.notification.v1.NotificationService/StreamNotifications"];
  EXPECT_TRUE(sse["get"]["responses"]["200"]["content"].contains("text/event-stream"));
}

TEST(OpenApiDocumentTest, UnknownServerHasNoDocument) {
  EXPECT_TRUE(OpenApiDocument("gateway").empty());
  EXPECT_TRUE(OpenApiDocument("").empty());
}

}  // namespace
}  // namespace ecoplan::common
