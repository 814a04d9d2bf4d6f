#include "common/server/metrics.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/server/run_server.h"
#include "ecoplan/testing/v1/echo_test_service.grpc.pb.h"

namespace ecoplan::common {
namespace {

namespace tv1 = ::ecoplan::testing::v1;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(MetricsRegistryTest, BoundsEveryFamilyWhateverTheLabelValues) {
  MetricsRegistry registry;
  Counter* counter = registry.AddCounter("calls_total", "Calls.", {"who"});
  Gauge* gauge = registry.AddGauge("depth", "Depth.", {"who"});
  const size_t cap = MetricsRegistry::kMaxSeriesPerFamily;
  for (size_t i = 0; i < cap + 500; ++i) {
    counter->Increment({absl::StrCat("client-", i, std::string(1000, 'x'))});
    gauge->Set({absl::StrCat("client-", i)}, 1);
  }
  EXPECT_EQ(counter->Value({"overflow"}), 500);
  EXPECT_EQ(gauge->Value({"overflow"}), 1);
  EXPECT_EQ(counter->Value({absl::StrCat("client-7", std::string(1000, 'x'))}), 1)
      << "the same value, cut the same way, finds its series";
  const std::string text = registry.Render();
  EXPECT_FALSE(Contains(text, std::string(200, 'x'))) << "values are cut to 128 bytes";
  EXPECT_LT(text.size(), cap * 2 * 200);
  // A removed gauge series frees its place.
  gauge->Remove({"client-0"});
  gauge->Set({"late"}, 2);
  EXPECT_EQ(gauge->Value({"late"}), 2);
}

TEST(MetricsRegistryTest, ACounterRemembersEachSeriesAndKeepsTuplesApart) {
  MetricsRegistry registry;
  Counter* counter = registry.AddCounter("pairs_total", "Pairs.", {"a", "b"});
  counter->Increment({"x", "yz"});
  counter->Increment({"x", "yz"}, 2);  // from the memo
  counter->Increment({"xy", "z"});     // the same characters, another tuple
  EXPECT_EQ(counter->Value({"x", "yz"}), 3);
  EXPECT_EQ(counter->Value({"xy", "z"}), 1);
  // Past the family's bound, a new tuple still goes to "overflow", also when repeated.
  Counter* bounded = registry.AddCounter("bounded_total", "Bounded.", {"who"});
  const size_t cap = MetricsRegistry::kMaxSeriesPerFamily;
  for (size_t i = 0; i < cap; ++i) bounded->Increment({absl::StrCat("c", i)});
  bounded->Increment({"late"});
  bounded->Increment({"late"});
  bounded->Increment({"c3"});
  EXPECT_EQ(bounded->Value({"overflow"}), 2);
  EXPECT_EQ(bounded->Value({"late"}), 0);
  EXPECT_EQ(bounded->Value({"c3"}), 2);
}

TEST(MetricsRegistryTest, RendersCountersAndCumulativeHistograms) {
  MetricsRegistry registry;
  Counter* counter = registry.AddCounter("reports_total", "Reports.", {"org", "kind"});
  EXPECT_EQ(registry.AddCounter("reports_total", "again", {"org", "kind"}), counter);
  counter->Increment({"区生态环境局", "monthly"});
  counter->Increment({"区生态环境局", "monthly"}, 2);
  counter->Increment({"a\"b\\c\nd", "x"});
  EXPECT_EQ(counter->Value({"区生态环境局", "monthly"}), 3);
  Histogram* histogram = registry.AddHistogram("latency_seconds", "Latency.", {"op"}, {0.1, 1});
  histogram->Observe({"get"}, 0.05);
  histogram->Observe({"get"}, 0.1);  // le="0.1" includes 0.1.
  histogram->Observe({"get"}, 5);
  EXPECT_EQ(histogram->Count({"get"}), 3u);

  const std::string text = registry.Render();
  EXPECT_TRUE(Contains(text, "# HELP reports_total Reports.\n# TYPE reports_total counter\n"));
  EXPECT_TRUE(Contains(text, "reports_total{kind=\"monthly\",org=\"区生态环境局\"} 3\n")) << text;
  EXPECT_TRUE(Contains(text, "reports_total{kind=\"x\",org=\"a\\\"b\\\\c\\nd\"} 1\n")) << text;
  EXPECT_TRUE(Contains(text, "# TYPE latency_seconds histogram\n"));
  EXPECT_TRUE(Contains(text, "latency_seconds_bucket{op=\"get\",le=\"0.10000000000000001\"} 2\n") ||
              Contains(text, "latency_seconds_bucket{op=\"get\",le=\"0.1\"} 2\n"))
      << text;
  EXPECT_TRUE(Contains(text, "latency_seconds_bucket{op=\"get\",le=\"1\"} 2\n")) << text;
  EXPECT_TRUE(Contains(text, "latency_seconds_bucket{op=\"get\",le=\"+Inf\"} 3\n")) << text;
  EXPECT_TRUE(Contains(text, "latency_seconds_count{op=\"get\"} 3\n")) << text;
  // Sorted by family name.
  EXPECT_LT(text.find("latency_seconds"), text.find("reports_total"));
}

TEST(MetricsRegistryTest, GaugesGoUpAndDownAndForgetRemovedSeries) {
  MetricsRegistry registry;
  Gauge* gauge = registry.AddGauge("queue_depth", "Queued items.", {"queue"});
  EXPECT_EQ(registry.AddGauge("queue_depth", "again", {"queue"}), gauge);
  gauge->Set({"a"}, 5);
  gauge->Add({"a"}, -2);
  gauge->Add({"b"}, 1);
  EXPECT_EQ(gauge->Value({"a"}), 3);
  std::string text = registry.Render();
  EXPECT_TRUE(Contains(text, "# HELP queue_depth Queued items.\n# TYPE queue_depth gauge\n"));
  EXPECT_TRUE(Contains(text, "queue_depth{queue=\"a\"} 3\n")) << text;
  EXPECT_TRUE(Contains(text, "queue_depth{queue=\"b\"} 1\n")) << text;
  gauge->Remove({"b"});
  text = registry.Render();
  EXPECT_FALSE(Contains(text, "queue=\"b\"")) << text;
  EXPECT_EQ(gauge->Value({"b"}), 0);
}

TEST(GrpcCodeNameTest, NamesEveryCode) {
  EXPECT_EQ(GrpcCodeName(0), "OK");
  EXPECT_EQ(GrpcCodeName(5), "NOT_FOUND");
  EXPECT_EQ(GrpcCodeName(16), "UNAUTHENTICATED");
  EXPECT_EQ(GrpcCodeName(99), "CODE_99");
}

class CodeEchoService final : public tv1::EchoTestService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const tv1::EchoRequest* request,
                                 tv1::EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(request->code() == 0
                        ? grpc::Status::OK
                        : grpc::Status(static_cast<grpc::StatusCode>(request->code()), "asked"));
    return reactor;
  }
};

TEST(MetricsInterceptorTest, CountsCallsByMethodAndCodeAndServesThemOverHttp) {
  CodeEchoService echo;
  MetricsRegistry registry;
  ServerOptions options;
  options.host = "127.0.0.1";
  options.metrics_port = ServerOptions::kPickFreePort;
  options.metrics = &registry;
  absl::StatusOr<std::unique_ptr<RunningServer>> server = RunningServer::Start(options, {&echo});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->metrics_port(), 0);

  auto stub = tv1::EchoTestService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", (*server)->port()), grpc::InsecureChannelCredentials()));
  for (int code : {0, 0, 5}) {
    grpc::ClientContext context;
    tv1::EchoRequest request;
    request.set_code(code);
    tv1::EchoResponse response;
    EXPECT_EQ(static_cast<int>(stub->Echo(&context, request, &response).error_code()), code);
  }

  httplib::Client client("127.0.0.1", (*server)->metrics_port());
  httplib::Result result = client.Get("/metrics");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  const std::string& text = result->body;
  // Labels are rendered sorted by name (prometheus-cpp).
  const std::string labels =
      "grpc_method=\"Echo\",grpc_service=\"ecoplan.testing.v1.EchoTestService\"";
  EXPECT_TRUE(
      Contains(text, absl::StrCat("grpc_server_handled_total{grpc_code=\"OK\",", labels, "} 2\n")))
      << text;
  EXPECT_TRUE(Contains(
      text, absl::StrCat("grpc_server_handled_total{grpc_code=\"NOT_FOUND\",", labels, "} 1\n")))
      << text;
  EXPECT_TRUE(Contains(text, absl::StrCat("grpc_server_started_total{", labels, "} 3\n"))) << text;
  EXPECT_TRUE(Contains(text, absl::StrCat("grpc_server_handling_seconds_count{", labels, "} 3\n")))
      << text;
  EXPECT_EQ(client.Get("/other")->status, 404);
  registry.status_page()->Set("storage", [] { return nlohmann::ordered_json{{"ok", true}}; });
  httplib::Result status = client.Get("/status");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  EXPECT_EQ(status->get_header_value("Content-Type"), "application/json");
  const nlohmann::json page = nlohmann::json::parse(status->body);
  EXPECT_TRUE(page["time"].is_string());
  EXPECT_EQ(page["storage"]["ok"], true);

  const int metrics_port = (*server)->metrics_port();
  (*server)->Shutdown();
  httplib::Client after("127.0.0.1", metrics_port);
  after.set_connection_timeout(1);
  EXPECT_FALSE(after.Get("/metrics"));  // /metrics stops with the server.
}

TEST(MetricsInterceptorTest, CountsMethodsTheServerDoesNotServeUnderOneUnknownSeries) {
  CodeEchoService echo;
  MetricsRegistry registry;
  ServerOptions options;
  options.host = "127.0.0.1";
  options.metrics = &registry;
  absl::StatusOr<std::unique_ptr<RunningServer>> server = RunningServer::Start(options, {&echo});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub generic(channel);
  // Made-up services, and a made-up method of a served service.
  constexpr int kCalls = 60;
  for (int i = 0; i < kCalls; ++i) {
    const std::string path = i % 2 == 0
                                 ? absl::StrCat("/made.up.Service", i, "/Method", i)
                                 : absl::StrCat("/ecoplan.testing.v1.EchoTestService/Nope", i);
    grpc::ClientContext context;
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    grpc::Status status;
    absl::Notification done;
    generic.UnaryCall(&context, path, grpc::StubOptions(), &request, &response,
                      [&](grpc::Status s) {
                        status = s;
                        done.Notify();
                      });
    done.WaitForNotification();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << path;
  }
  const std::string text = registry.Render();
  EXPECT_FALSE(Contains(text, "made.up")) << text;
  EXPECT_FALSE(Contains(text, "Nope")) << text;
  EXPECT_TRUE(Contains(text, absl::StrCat("grpc_server_started_total{grpc_method=\"unknown\","
                                          "grpc_service=\"unknown\"} ",
                                          kCalls, "\n")))
      << text;
  EXPECT_TRUE(Contains(text, absl::StrCat("grpc_server_handled_total{grpc_code=\"UNIMPLEMENTED\","
                                          "grpc_method=\"unknown\",grpc_service=\"unknown\"} ",
                                          kCalls, "\n")))
      << text;
}

}  // namespace
}  // namespace ecoplan::common
