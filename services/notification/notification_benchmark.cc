// notification_benchmark: end-to-end delay from an event committed upstream
// (the registry's Event.commit_time of a MeasureUpdated) to the notifications
// it causes arriving (a) on the notification service's gRPC stream and (b) at
// a local webhook receiver, plus webhook deliveries per second to N
// subscribers. Statistics with common/stats' LoadStats, as the load generator's.
//
//   registry_server --port=0 --port_file=r.port --db_path=/tmp/b/r --insecure_development_mode &
//   notification_server --port=0 --port_file=n.port --db_path=/tmp/b/n --insecure_development_mode
//       --registry_address=127.0.0.1:$(cat r.port) --rate_limit_per_second=0
//       --webhook_allowed_networks=127.0.0.1/32 --max_subscriptions_per_owner=100 &
//   notification_benchmark --registry=127.0.0.1:$(cat r.port) --notification=127.0.0.1:$(cat
//   n.port)
//       --import_plan=seeds/mentougou_2026_beautiful_mentougou_action_plan.txt --subscribers=1
//       --updates=200
//   notification_benchmark … --subscribers=100 --receivers=100 --updates=10 --gap=200ms
//
// services/notification/measure_stream.sh runs it against two builds' servers,
// alternating, with the load average of each run (docs/PERFORMANCE.md).

#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/stats/load_stats.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"

ABSL_FLAG(std::string, registry, "127.0.0.1:50051", "Registry (host:port)");
ABSL_FLAG(std::string, notification, "127.0.0.1:50054", "Notification service (host:port)");
ABSL_FLAG(int, subscribers, 1, "Webhook subscriptions to the local receivers");
ABSL_FLAG(int, receivers, 1,
          "Local webhook receivers (each its own HTTP server and port); subscription i goes to "
          "receiver i % receivers");
ABSL_FLAG(int, receiver_nice, 0,
          "Niceness of the receivers' threads (0..19): above 0 they stand in for receivers on "
          "other machines, taking only the CPU the servers and the stream reader leave");
ABSL_FLAG(int, updates, 100, "MeasureUpdated events caused upstream (deadline corrections)");
ABSL_FLAG(absl::Duration, gap, absl::Milliseconds(20), "Pause between upstream updates");
ABSL_FLAG(std::string, import_plan, "",
          "If set: import this plan document into the registry first");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(120), "Give up waiting after this long");

namespace {

namespace rv1 = ::ecoplan::registry::v1;
namespace nv1 = ::ecoplan::notification::v1;
using ecoplan::common::LoadStats;

const char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// Sets the calling thread's niceness once (Linux keeps one per thread).
void Nice(int nice) {
  thread_local bool done = false;
  if (done || nice <= 0) return;
  done = true;
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), std::min(nice, 19));
}

// The number at the end of "notifications/123"; -1 if none.
int64_t NumberOf(const std::string& name) {
  const size_t slash = name.rfind('/');
  try {
    return slash == std::string::npos ? -1 : std::stoll(name.substr(slash + 1));
  } catch (...) {
    return -1;
  }
}

int64_t SequenceOf(const std::string& event_ref) {
  const size_t hash = event_ref.rfind('#');
  return hash == std::string::npos ? -1 : std::stoll(event_ref.substr(hash + 1));
}

absl::Time FromTs(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int subscribers = absl::GetFlag(FLAGS_subscribers);
  auto registry = rv1::RegistryService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_registry), grpc::InsecureChannelCredentials()));
  auto notification = nv1::NotificationService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_notification), grpc::InsecureChannelCredentials()));

  absl::Mutex mu;
  std::map<int64_t, absl::Time> committed;  // registry sequence → commit time
  std::vector<std::pair<int64_t, absl::Time>> webhook_arrivals;  // (upstream seq, time)
  std::vector<std::pair<int64_t, absl::Time>> stream_arrivals;
  // Per stream arrival: (upstream seq, the notification service's commit of it): where the
  // stream's delay goes, upstream → notification commit → stream.
  std::vector<std::pair<int64_t, absl::Time>> stream_commits;
  std::vector<absl::Duration> commit_to_stream;
  std::atomic<int64_t> webhook_count{0};
  absl::Time first_webhook = absl::InfiniteFuture(), last_webhook = absl::InfinitePast();

  // Per subscription: the last notification number received (order check), webhook-ids seen
  // (repeats), and the client ports seen (connections).
  std::vector<int64_t> last_number(subscribers, -1);
  int64_t out_of_order = 0, repeats = 0;
  std::set<std::pair<int, std::string>> webhook_ids;  // (subscription, webhook-id)
  std::set<std::pair<int, int>> connections;          // (receiver, client port)

  // Receivers that keep connections open as a production one does (cpp-httplib's default closes
  // a connection after 5 requests), with a thread for each connection they may hold.
  const int receiver_count = std::max(1, std::min(absl::GetFlag(FLAGS_receivers), subscribers));
  const int per_receiver = (subscribers + receiver_count - 1) / receiver_count;
  std::vector<std::unique_ptr<httplib::Server>> receivers;
  std::vector<int> receiver_ports;
  std::vector<std::thread> receiver_threads;
  for (int r = 0; r < receiver_count; ++r) {
    auto receiver = std::make_unique<httplib::Server>();
    receiver->new_task_queue = [per_receiver] { return new httplib::ThreadPool(per_receiver + 2); };
    receiver->set_keep_alive_max_count(1000000);
    receiver->Post(R"(/hook/(\d+))", [&, r](const httplib::Request& req, httplib::Response& res) {
      const absl::Time now = absl::Now();
      Nice(absl::GetFlag(FLAGS_receiver_nice));
      const int sub = std::stoi(req.matches[1]);
      int64_t seq = -1, number = -1;
      try {
        nlohmann::json body = nlohmann::json::parse(req.body);
        seq = SequenceOf(body["data"]["reason"].value("event", std::string()));
        number = NumberOf(body["data"].value("name", std::string()));
      } catch (...) {
      }
      absl::MutexLock lock(&mu);
      if (!webhook_ids.emplace(sub, req.get_header_value("webhook-id")).second) ++repeats;
      if (sub >= 0 && sub < subscribers) {
        if (number < last_number[sub]) ++out_of_order;
        last_number[sub] = std::max(last_number[sub], number);
      }
      connections.emplace(r, req.remote_port);
      webhook_arrivals.emplace_back(seq, now);
      first_webhook = std::min(first_webhook, now);
      last_webhook = std::max(last_webhook, now);
      ++webhook_count;
      res.status = 204;
    });
    receiver_ports.push_back(receiver->bind_to_any_port("127.0.0.1"));
    httplib::Server* server = receiver.get();
    receiver_threads.emplace_back([server] {
      Nice(absl::GetFlag(FLAGS_receiver_nice));
      server->listen_after_bind();
    });
    receivers.push_back(std::move(receiver));
  }

  std::vector<std::string> subscriptions;
  for (int i = 0; i < subscribers; ++i) {
    nv1::CreateSubscriptionRequest request;
    request.mutable_subscription()->set_url(
        absl::StrCat("http://127.0.0.1:", receiver_ports[i % receiver_count], "/hook/", i));
    request.mutable_subscription()->add_kinds(nv1::NOTIFICATION_KIND_MEASURE_DEADLINE_CHANGED);
    request.set_secret(kSecret);
    nv1::CreateSubscriptionResponse response;
    grpc::Status s = notification->CreateSubscription(Context().get(), request, &response);
    if (!s.ok()) {
      std::fprintf(stderr, "CreateSubscription: %s\n", s.error_message().c_str());
      return 1;
    }
    subscriptions.push_back(response.subscription().name());
  }

  // The registry's commits, and the notification stream, both from "now".
  grpc::ClientContext registry_watch, stream_watch;
  std::thread registry_thread([&] {
    rv1::WatchEventsRequest request;
    request.set_after_sequence(0);
    auto reader = registry->WatchEvents(&registry_watch, request);
    rv1::WatchEventsResponse r;
    while (reader->Read(&r)) {
      absl::MutexLock lock(&mu);
      committed[static_cast<int64_t>(r.event().sequence())] = FromTs(r.event().commit_time());
    }
    (void)reader->Finish();
  });
  // Start the stream after the newest existing event: find it first.
  uint64_t stream_after = 0;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    nv1::WatchEventsRequest request;
    auto reader = notification->WatchEvents(&ctx, request);
    nv1::WatchEventsResponse r;
    while (reader->Read(&r)) stream_after = r.event().sequence();
    (void)reader->Finish();
  }
  std::thread stream_thread([&] {
    nv1::StreamNotificationsRequest request;
    request.set_after_sequence(stream_after);
    auto reader = notification->StreamNotifications(&stream_watch, request);
    nv1::StreamNotificationsResponse r;
    while (reader->Read(&r)) {
      const absl::Time now = absl::Now();
      nv1::NotificationCreated created;
      if (!r.event().payload().UnpackTo(&created)) continue;
      if (created.notification().kind() != nv1::NOTIFICATION_KIND_MEASURE_DEADLINE_CHANGED)
        continue;
      absl::MutexLock lock(&mu);
      stream_arrivals.emplace_back(SequenceOf(created.notification().reason().event()), now);
      const absl::Time own_commit = FromTs(r.event().commit_time());
      stream_commits.emplace_back(SequenceOf(created.notification().reason().event()), own_commit);
      commit_to_stream.push_back(now - own_commit);
    }
    (void)reader->Finish();
  });

  if (!absl::GetFlag(FLAGS_import_plan).empty()) {
    std::ifstream in(absl::GetFlag(FLAGS_import_plan));
    std::stringstream text;
    text << in.rdbuf();
    rv1::ImportPlanRequest request;
    request.set_document_text(text.str());
    rv1::ImportPlanResponse response;
    grpc::Status s = registry->ImportPlan(Context().get(), request, &response);
    if (!s.ok()) {
      std::fprintf(stderr, "ImportPlan: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  // Upstream load: deadline corrections of one measure, alternating.
  rv1::ListPlansResponse plans;
  if (!registry->ListPlans(Context().get(), rv1::ListPlansRequest(), &plans).ok() ||
      plans.plans().empty()) {
    std::fprintf(stderr, "no plan in the registry: import one first\n");
    return 1;
  }
  rv1::ListMeasuresRequest list;
  list.set_parent(plans.plans(0).name());
  list.set_page_size(1);
  rv1::ListMeasuresResponse measures;
  if (!registry->ListMeasures(Context().get(), list, &measures).ok() ||
      measures.measures().empty()) {
    std::fprintf(stderr, "no measure\n");
    return 1;
  }
  rv1::Measure measure = measures.measures(0);
  const int updates = absl::GetFlag(FLAGS_updates);
  const absl::Time load_start = absl::Now();
  for (int i = 0; i < updates; ++i) {
    rv1::UpdateMeasureRequest request;
    *request.mutable_measure() = measure;
    request.mutable_measure()->mutable_deadline()->set_raw(i % 2 == 0 ? "11月底前" : "10月底前");
    request.mutable_update_mask()->add_paths("deadline");
    request.set_etag(measure.etag());
    request.set_reason("benchmark");
    rv1::UpdateMeasureResponse response;
    grpc::Status s = registry->UpdateMeasure(Context().get(), request, &response);
    if (!s.ok()) {
      std::fprintf(stderr, "UpdateMeasure: %s\n", s.error_message().c_str());
      return 1;
    }
    measure = response.measure();
    absl::SleepFor(absl::GetFlag(FLAGS_gap));
  }
  const int owners = measure.lead_organizations_size() + measure.responsible_organizations_size();
  // Each update notifies every owner (groups expand); wait until the stream count settles.
  const absl::Time deadline = absl::Now() + absl::GetFlag(FLAGS_timeout);
  size_t stream_seen = 0;
  absl::Time settled_since = absl::Now();
  while (absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(200));
    size_t now_seen;
    int64_t hooks;
    {
      absl::MutexLock lock(&mu);
      now_seen = stream_arrivals.size();
      hooks = webhook_count.load();
    }
    if (now_seen != stream_seen) {
      stream_seen = now_seen;
      settled_since = absl::Now();
    }
    if (stream_seen > 0 && hooks >= static_cast<int64_t>(stream_seen) * subscribers &&
        absl::Now() - settled_since > absl::Seconds(1)) {
      break;
    }
  }
  registry_watch.TryCancel();
  stream_watch.TryCancel();
  registry_thread.join();
  stream_thread.join();
  for (auto& receiver : receivers) receiver->stop();
  for (std::thread& t : receiver_threads) t.join();

  LoadStats stream_stats, webhook_stats, follow_stats, publish_stats;
  absl::MutexLock lock(&mu);
  for (const auto& [seq, t] : stream_commits) {
    auto c = committed.find(seq);
    if (c != committed.end()) follow_stats.Record(t - c->second, "OK");
  }
  for (absl::Duration d : commit_to_stream) publish_stats.Record(d, "OK");
  // How far apart one upstream event's notifications arrive on the stream
  // (last − first): what writing them one by one, each in its own gRPC write,
  // adds to the last of them.
  LoadStats spread_stats;
  {
    std::map<int64_t, std::pair<absl::Time, absl::Time>> span;  // seq → (first, last)
    for (const auto& [seq, t] : stream_arrivals) {
      auto [it, fresh] = span.try_emplace(seq, t, t);
      if (!fresh) {
        it->second.first = std::min(it->second.first, t);
        it->second.second = std::max(it->second.second, t);
      }
    }
    for (const auto& [seq, first_last] : span) {
      spread_stats.Record(first_last.second - first_last.first, "OK");
    }
  }
  for (const auto& [seq, t] : stream_arrivals) {
    auto c = committed.find(seq);
    if (c != committed.end()) stream_stats.Record(t - c->second, "OK");
  }
  for (const auto& [seq, t] : webhook_arrivals) {
    auto c = committed.find(seq);
    if (c != committed.end()) webhook_stats.Record(t - c->second, "OK");
  }
  const absl::Duration delivery_span = last_webhook - first_webhook;
  std::printf("upstream events: %d (measure %s, %d owner refs), notifications on the stream: %zu\n",
              updates, measure.name().c_str(), owners, stream_arrivals.size());
  std::printf("%s\n", stream_stats
                          .ToText("commit→stream", absl::GetFlag(FLAGS_notification), 1,
                                  absl::Now() - load_start)
                          .c_str());
  std::printf("%s\n", follow_stats
                          .ToText("  of which upstream commit→notification commit",
                                  absl::GetFlag(FLAGS_notification), 1, absl::Now() - load_start)
                          .c_str());
  std::printf("%s\n", publish_stats
                          .ToText("  of which notification commit→stream",
                                  absl::GetFlag(FLAGS_notification), 1, absl::Now() - load_start)
                          .c_str());
  std::printf("%s\n", spread_stats
                          .ToText("one event's notifications, first→last on the stream",
                                  absl::GetFlag(FLAGS_notification), 1, absl::Now() - load_start)
                          .c_str());
  std::printf("%s\n", webhook_stats
                          .ToText("commit→webhook", absl::GetFlag(FLAGS_notification), subscribers,
                                  absl::Now() - load_start)
                          .c_str());
  std::printf("webhook deliveries: %lld to %d subscribers in %.3f s = %.0f deliveries/s\n",
              static_cast<long long>(webhook_count.load()), subscribers,
              absl::ToDoubleSeconds(delivery_span),
              delivery_span > absl::ZeroDuration()
                  ? static_cast<double>(webhook_count.load()) / absl::ToDoubleSeconds(delivery_span)
                  : 0.0);
  std::printf(
      "receivers: %d, connections: %zu, out of order within a subscription: %lld, repeated "
      "webhook-ids: %lld\n",
      receiver_count, connections.size(), static_cast<long long>(out_of_order),
      static_cast<long long>(repeats));
  return 0;
}
