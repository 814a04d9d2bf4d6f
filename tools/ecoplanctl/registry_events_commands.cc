// The "events" command: the registry's event stream.

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/registry_commands.h"
#include "tools/ecoplanctl/registry_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace v1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;
using Stub = v1::RegistryService::StubInterface;

using registry_internal::Bind;
using registry_internal::Json;

}  // namespace

absl::Status EventsWatch(const RegistryContext& ctx, const EventsWatchArgs& args,
                         std::ostream& out) {
  if (args.limit < 0) return UsageError("--limit must not be negative");
  grpc::ClientContext context;
  // Following is meant to run until interrupted; otherwise the whole read is bounded.
  if (!args.follow) context.set_deadline(absl::ToChronoTime(absl::Now() + ctx.call.timeout));
  v1::WatchEventsRequest request;
  request.set_after_sequence(args.after);
  std::unique_ptr<grpc::ClientReaderInterface<v1::WatchEventsResponse>> reader =
      ctx.stub->WatchEvents(&context, request);

  // A reader thread feeds a queue, so that this thread can wait with a
  // timeout: the stream never ends by itself (it follows new events), and the
  // API has no call for the last stored sequence, so without --follow the end
  // of the stored events is recognised by `idle` without a new event.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<v1::WatchEventsResponse> queue;
  bool stream_done = false;
  std::thread reading([&] {
    v1::WatchEventsResponse message;
    while (reader->Read(&message)) {
      std::lock_guard<std::mutex> lock(mu);
      queue.push_back(std::move(message));
      cv.notify_one();
    }
    std::lock_guard<std::mutex> lock(mu);
    stream_done = true;
    cv.notify_one();
  });

  const bool json = Json(ctx);
  if (!json) {
    out << PadToWidth("SEQ", 6) << "  " << PadToWidth("TIME", 30) << "  " << PadToWidth("TYPE", 36)
        << "  " << PadToWidth("RESOURCE", 48) << "  REQUEST ID\n";
  }
  int printed = 0;
  bool cancelled = false;
  absl::Status print_status;
  while (true) {
    std::unique_lock<std::mutex> lock(mu);
    auto ready = [&] { return !queue.empty() || stream_done; };
    if (args.follow) {
      cv.wait(lock, ready);
    } else if (!cv.wait_for(lock, absl::ToChronoMilliseconds(args.idle), ready)) {
      cancelled = true;  // idle: every stored event has been delivered
      break;
    }
    if (queue.empty()) break;  // the stream ended (an error, or the server closed it)
    v1::WatchEventsResponse message = std::move(queue.front());
    queue.pop_front();
    lock.unlock();
    if (json) {
      print_status = PrintJson(message, out);
      if (!print_status.ok()) {
        // A payload type this build does not know cannot be mapped to JSON; print the envelope.
        message.mutable_event()->clear_payload();
        print_status = PrintJson(message, out);
      }
    } else {
      const cv1::Event& e = message.event();
      std::string type = e.type();
      if (const size_t dot = type.rfind('.'); dot != std::string::npos) type = type.substr(dot + 1);
      const std::string line =
          absl::StrCat(PadToWidth(absl::StrCat(e.sequence()), 6), "  ",
                       PadToWidth(FormatTimestamp(e.commit_time()), 30), "  ", PadToWidth(type, 36),
                       "  ", PadToWidth(e.resource(), 48), "  ", e.request_id());
      out << absl::StripTrailingAsciiWhitespace(line) << '\n';
    }
    out.flush();
    ++printed;
    if (!print_status.ok() || (args.limit > 0 && printed >= args.limit)) {
      cancelled = true;
      break;
    }
  }
  if (cancelled) context.TryCancel();
  reading.join();
  const grpc::Status status = reader->Finish();
  ECOPLAN_RETURN_IF_ERROR(print_status);
  if (cancelled && status.error_code() == grpc::StatusCode::CANCELLED) return absl::OkStatus();
  return common::FromGrpcStatus(status);
}

// The command line.

CommandGroup registry_internal::EventsGroup() {
  CommandGroup group{"events", "the registry's event log", {}, ""};
  group.commands.push_back(
      {"watch",
       "[--after N] [--limit N] [--follow] [--idle DURATION]",
       "print events: sequence, time, type, resource, request id",
       0,
       0,
       {{"after", "N", "only events with a sequence greater than N (default 0: all)"},
        {"limit", "N", "stop after N events"},
        {"follow", "", "keep following new events until interrupted"},
        {"idle", "DURATION", "without --follow: stop when no event came for this long (1s)"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         EventsWatchArgs watch;
         if (auto after = args.Optional("after")) {
           if (!absl::SimpleAtoi(*after, &watch.after)) {
             return UsageError(
                 absl::StrCat("--after needs a sequence number, not \"", *after, "\""));
           }
         }
         ECOPLAN_ASSIGN_OR_RETURN(watch.limit, args.Int("limit", 0));
         watch.follow = args.Has("follow");
         if (auto idle = args.Optional("idle")) {
           if (!absl::ParseDuration(*idle, &watch.idle) || watch.idle <= absl::ZeroDuration()) {
             return UsageError(
                 absl::StrCat("--idle needs a positive duration, not \"", *idle, "\""));
           }
         }
         return EventsWatch(ctx, watch, out);
       })});
  group.notes =
      "Without --follow the command stops once the stream has been silent for --idle (1s):\n"
      "the API has no call that tells the last stored sequence, so silence marks the end of\n"
      "the stored events. --output json prints one WatchEventsResponse per line.\n";
  return group;
}

}  // namespace ecoplan::ctl
