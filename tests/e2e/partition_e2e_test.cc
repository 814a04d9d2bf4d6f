// A partition between notification_server and the registry it follows, made
// by a loopback TCP proxy on the follower's route (tests/harness/tcp_proxy.h):
// the real binaries, the registry's events through the proxy.
//
//   pass  → the seed plan's import is followed; the status page says following, lag 0;
//   stall → (a silent partition: the open stream's bytes are held) the follower
//           notices through keepalive pings that its stream is dead: disconnected;
//   cut   → (connections reset and refused) still disconnected; N deadline
//           corrections are written upstream meanwhile;
//   while partitioned the service keeps answering reads with what it has, and
//   /metrics and GET /status report it disconnected with a lag in seconds > 0;
//   pass  → it catches up: one MEASURE_DEADLINE_CHANGED event handled for each of
//           the N corrections, each notification created once, lag 0 again.
//
// The figures (time to notice the stall, lag seen, catch-up time) are printed.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"
#include "tests/harness/tcp_proxy.h"

namespace ecoplan::testing {
namespace {

namespace rv1 = ::ecoplan::registry::v1;
namespace nv1 = ::ecoplan::notification::v1;

const char* const kSeed = ECOPLAN_SEED_PATH;
// Deadline corrections written upstream while the follower is cut off.
constexpr int kCorrections = 5;

class PartitionE2eTest : public ::testing::Test {
 protected:
  std::string Get(const std::string& path) {
    httplib::Client client("127.0.0.1", metrics_port_);
    client.set_read_timeout(5, 0);
    httplib::Result result = client.Get(path.c_str());
    return result && result->status == 200 ? result->body : "";
  }

  // The status page's entry for the registry follower (null when not there).
  nlohmann::json Follower() {
    const nlohmann::json page = nlohmann::json::parse(Get("/status"), nullptr, false);
    if (page.is_discarded() || !page.contains("followers")) return nullptr;
    for (const nlohmann::json& f : page["followers"]) {
      if (f["upstream"] == "registry") return f;
    }
    return nullptr;
  }

  // The value of `series` (e.g. ecoplan_follower_connected{upstream="registry"}) on /metrics.
  double Metric(const std::string& series) {
    for (absl::string_view line : absl::StrSplit(Get("/metrics"), '\n')) {
      if (!absl::StartsWith(line, series + " ")) continue;
      double value = -1;
      if (absl::SimpleAtod(line.substr(series.size() + 1), &value)) return value;
    }
    return -1;
  }

  // Every notification the service has created (its own event log): a read the
  // service answers from what it holds.
  std::vector<nv1::Notification> Created(grpc::Status* status = nullptr) {
    auto ctx = Context(absl::Seconds(2));
    nv1::WatchEventsRequest request;
    std::unique_ptr<grpc::ClientReader<nv1::WatchEventsResponse>> reader =
        stub_->WatchEvents(ctx.get(), request);
    std::vector<nv1::Notification> out;
    nv1::WatchEventsResponse response;
    // The stream stays open once it has sent the log: the deadline ends it.
    while (reader->Read(&response)) {
      nv1::NotificationCreated created;
      if (response.event().payload().UnpackTo(&created)) out.push_back(created.notification());
    }
    const grpc::Status finished = reader->Finish();
    if (status != nullptr) *status = finished;
    return out;
  }

  // Registry events behind the MEASURE_DEADLINE_CHANGED notifications created so far.
  std::set<std::string> DeadlineChangeEvents() {
    std::set<std::string> events;
    for (const nv1::Notification& n : Created()) {
      if (n.kind() == nv1::NOTIFICATION_KIND_MEASURE_DEADLINE_CHANGED) {
        events.insert(n.reason().event());
      }
    }
    return events;
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  int metrics_port_ = 0;
  std::unique_ptr<nv1::NotificationService::Stub> stub_;
};

TEST_F(PartitionE2eTest, ServesWhatItHasWhilePartitionedSaysSoAndCatchesUpExactlyOnce) {
  ASSERT_OK_AND_ASSIGN(const std::string registry_address, cluster_.Start("registry"));
  auto registry = rv1::RegistryService::NewStub(
      grpc::CreateChannel(registry_address, grpc::InsecureChannelCredentials()));
  TcpProxy proxy(cluster_.port("registry"));
  ASSERT_OK(proxy.Start());

  metrics_port_ = FreeLoopbackPort();
  ASSERT_NE(metrics_port_, 0);
  ServerOptions options = Following(
      {"registry"}, {absl::StrCat("--registry_address=127.0.0.1:", proxy.port()),
                     "--registry_max_backoff=500ms", absl::StrCat("--metrics_port=", metrics_port_),
                     "--rate_limit_per_second=0", "--schedule_interval=1h"});
  ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("notification", options));
  stub_ = nv1::NotificationService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));

  // pass: the import is followed through the proxy.
  rv1::ImportPlanRequest import;
  ASSERT_OK_AND_ASSIGN(std::string seed, ReadFile(kSeed));
  import.set_document_text(seed);
  rv1::ImportPlanResponse imported;
  ASSERT_TRUE(registry->ImportPlan(Context(absl::Seconds(60)).get(), import, &imported).ok());
  nlohmann::json follower;
  ASSERT_TRUE(Eventually(
      [&] {
        follower = Follower();
        return !follower.is_null() && follower["state"] == "following" &&
               follower["cursor"].get<uint64_t>() > 0 && follower["lag_events"] == 0;
      },
      absl::Seconds(60)))
      << follower.dump() << "\n"
      << cluster_.Log("notification");
  EXPECT_EQ(follower["lag_seconds"], 0.0);
  EXPECT_EQ(follower["address"], absl::StrCat("127.0.0.1:", proxy.port()));
  EXPECT_FALSE(follower["last_event_time"].is_null());
  uint64_t imported_cursor = follower["cursor"].get<uint64_t>();
  EXPECT_GT(proxy.forwarded_bytes(), 0);
  EXPECT_TRUE(DeadlineChangeEvents().empty());

  // The corrections to come: measures whose deadline is not 11月底前 yet.
  rv1::ListMeasuresRequest list;
  list.set_parent(imported.plan().name());
  list.set_page_size(50);
  rv1::ListMeasuresResponse measures;
  ASSERT_TRUE(registry->ListMeasures(Context().get(), list, &measures).ok());
  std::vector<rv1::Measure> to_correct;
  for (const rv1::Measure& m : measures.measures()) {
    if (m.deadline().raw() != "11月底前" && static_cast<int>(to_correct.size()) < kCorrections) {
      to_correct.push_back(m);
    }
  }
  ASSERT_EQ(static_cast<int>(to_correct.size()), kCorrections);
  auto correct = [&](const rv1::Measure& m) {
    rv1::UpdateMeasureRequest update;
    *update.mutable_measure() = m;
    update.mutable_measure()->mutable_deadline()->set_raw("11月底前");
    update.mutable_update_mask()->add_paths("deadline");
    update.set_etag(m.etag());
    update.set_reason("partition e2e");
    rv1::UpdateMeasureResponse updated;
    const grpc::Status status = registry->UpdateMeasure(Context().get(), update, &updated);
    EXPECT_TRUE(status.ok()) << status.error_message();
  };

  // What the service holds before the partition (the schedule may add reminders later).
  ASSERT_TRUE(Eventually([&] {
    follower = Follower();
    return !follower.is_null() && follower["state"] == "following" && follower["lag_events"] == 0;
  }));
  imported_cursor = follower["cursor"].get<uint64_t>();
  const std::vector<nv1::Notification> before = Created();
  ASSERT_FALSE(before.empty());

  // stall: the open stream goes silent; two corrections are held in the proxy.
  const absl::Time stalled = absl::Now();
  proxy.SetMode(TcpProxy::Mode::kStall);
  correct(to_correct[0]);
  correct(to_correct[1]);
  ASSERT_TRUE(Eventually(
      [&] {
        follower = Follower();
        return !follower.is_null() && follower["state"] == "disconnected";
      },
      absl::Seconds(60), absl::Milliseconds(250)))
      << follower.dump() << "\n"
      << cluster_.Log("notification");
  const absl::Duration noticed = absl::Now() - stalled;
  EXPECT_EQ(follower["cursor"].get<uint64_t>(), imported_cursor);  // nothing got through
  EXPECT_FALSE(follower["disconnected_since"].is_null());

  // cut: connections reset and refused; the other corrections are written.
  proxy.SetMode(TcpProxy::Mode::kCut);
  for (int i = 2; i < kCorrections; ++i) correct(to_correct[i]);
  absl::SleepFor(absl::Seconds(2));

  // Partitioned: reads answer with what it has; it says it is cut off and late.
  grpc::Status read_status;
  const std::vector<nv1::Notification> during = Created(&read_status);
  EXPECT_TRUE(read_status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED || read_status.ok())
      << read_status.error_message();
  EXPECT_GE(during.size(), before.size());
  EXPECT_TRUE(DeadlineChangeEvents().empty());
  follower = Follower();
  ASSERT_FALSE(follower.is_null());
  EXPECT_EQ(follower["state"], "disconnected");
  EXPECT_EQ(follower["connected"], false);
  EXPECT_EQ(follower["cursor"].get<uint64_t>(), imported_cursor);
  const double lag_seconds = follower["lag_seconds"].get<double>();
  EXPECT_GT(lag_seconds, 1.0);
  EXPECT_EQ(Metric("ecoplan_follower_connected{upstream=\"registry\"}"), 0);
  const double metric_lag = Metric("ecoplan_follower_lag_seconds{upstream=\"registry\"}");
  EXPECT_GT(metric_lag, 1.0);
  EXPECT_GT(Metric("ecoplan_follower_disconnected_since_timestamp_seconds{upstream=\"registry\"}"),
            0);

  // pass again: it catches up (the status page, polled closely), each correction handled once.
  const absl::Time healed = absl::Now();
  proxy.SetMode(TcpProxy::Mode::kPass);
  ASSERT_TRUE(Eventually(
      [&] {
        follower = Follower();
        return !follower.is_null() && follower["state"] == "following" &&
               follower["lag_events"] == 0 &&
               follower["cursor"].get<uint64_t>() >= imported_cursor + kCorrections;
      },
      absl::Seconds(60), absl::Milliseconds(20)))
      << follower.dump() << "\n"
      << cluster_.Log("notification");
  const absl::Duration caught_up = absl::Now() - healed;
  std::set<std::string> events;
  ASSERT_TRUE(Eventually(
      [&] {
        events = DeadlineChangeEvents();
        return static_cast<int>(events.size()) >= kCorrections;
      },
      absl::Seconds(30), absl::Milliseconds(200)))
      << events.size() << "\n"
      << cluster_.Log("notification");
  EXPECT_EQ(static_cast<int>(events.size()), kCorrections);
  EXPECT_EQ(follower["lag_seconds"], 0.0);
  EXPECT_GE(follower["resumptions"].get<int64_t>(), 1);
  EXPECT_EQ(Metric("ecoplan_follower_connected{upstream=\"registry\"}"), 1);
  EXPECT_EQ(Metric("ecoplan_follower_lag_seconds{upstream=\"registry\"}"), 0);

  // No notification created twice, before or after the partition.
  std::set<std::string> keys;
  const std::vector<nv1::Notification> after = Created();
  for (const nv1::Notification& n : after) {
    const std::string key =
        n.reason().schedule_key().empty()
            ? absl::StrCat(n.reason().event(), "|", n.reason().rule(), "|", n.recipient())
            : n.reason().schedule_key();
    EXPECT_TRUE(keys.insert(key).second) << "created twice: " << key;
  }
  EXPECT_GT(after.size(), before.size());
  EXPECT_TRUE(absl::StrContains(cluster_.Log("notification"), "registry event stream resumed"));

  std::cout << "[ figures ] stall noticed after " << absl::FormatDuration(noticed)
            << "; while cut: lag_seconds " << lag_seconds << " (status), " << metric_lag
            << " (metrics); caught up " << kCorrections << " corrections in "
            << absl::FormatDuration(caught_up) << "; notifications " << before.size() << " → "
            << after.size() << "\n";
}

}  // namespace
}  // namespace ecoplan::testing
