#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/auth/call_authenticator.h"
#include "common/concurrency/serial_executor.h"
#include "common/edge/reactors.h"
#include "common/events/watch_events_reactor.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "services/notification/domain/notifier.h"

namespace ecoplan::notification {

// gRPC edge of the notification service: authenticates and authorizes every
// call (NotificationPolicy), maps v1 messages to Notifier calls and back.
// Reads answer inline; writes are started inline and answered from their
// commit's callback (Notifier: "Where a write becomes durable"), so no thread
// waits on disk; those that first check a subscription's address (which
// resolves host names) and RunSchedule start on `writer`, so no gRPC thread
// waits on DNS either. The streams
// serve `db`'s event log through `hub`. All pointers must outlive the service.
//
// Streams (StreamNotifications and WatchEvents together) are limited per
// subject: one more than `max_streams_per_subject` open at once is refused
// with RESOURCE_EXHAUSTED; a slot is freed when its stream is gone.
struct NotificationServiceOptions {
  int max_streams_per_subject = 16;  // --max_streams_per_subject
};

// Counts the open streams of each subject. Thread-safe.
class StreamSlots {
 public:
  explicit StreamSlots(int max_per_subject) : max_per_subject_(max_per_subject) {}
  // Takes a slot of `subject`; false when it already holds max_per_subject.
  bool TryAcquire(const std::string& subject);
  void Release(const std::string& subject);
  int open(const std::string& subject) const;
  int max_per_subject() const { return max_per_subject_; }

 private:
  const int max_per_subject_;
  mutable std::mutex mu_;
  std::map<std::string, int> open_;
};

class NotificationServiceImpl final : public v1::NotificationService::CallbackService {
 public:
  NotificationServiceImpl(Notifier* notifier, common::SerialExecutor* writer, common::RocksDb* db,
                          common::WatchEventsHub* hub, const common::CallAuthenticator* auth,
                          NotificationServiceOptions options = {});

  ECOPLAN_UNARY_RPC(ListNotifications);
  ECOPLAN_UNARY_RPC(GetNotification);
  ECOPLAN_UNARY_RPC(MarkNotificationRead);
  ECOPLAN_UNARY_RPC(AcknowledgeNotification);
  ECOPLAN_UNARY_RPC(CreateRule);
  ECOPLAN_UNARY_RPC(GetRule);
  ECOPLAN_UNARY_RPC(ListRules);
  ECOPLAN_UNARY_RPC(UpdateRule);
  ECOPLAN_UNARY_RPC(DeleteRule);
  ECOPLAN_UNARY_RPC(MuteRule);
  ECOPLAN_UNARY_RPC(SetContacts);
  ECOPLAN_UNARY_RPC(GetContacts);
  ECOPLAN_UNARY_RPC(CreateSubscription);
  ECOPLAN_UNARY_RPC(GetSubscription);
  ECOPLAN_UNARY_RPC(ListSubscriptions);
  ECOPLAN_UNARY_RPC(UpdateSubscription);
  ECOPLAN_UNARY_RPC(DeleteSubscription);
  ECOPLAN_UNARY_RPC(RotateSubscriptionSecret);
  ECOPLAN_UNARY_RPC(EnableSubscription);
  ECOPLAN_UNARY_RPC(ListDeliveries);
  ECOPLAN_UNARY_RPC(ReplayDelivery);
  ECOPLAN_UNARY_RPC(AcknowledgeStream);
  ECOPLAN_UNARY_RPC(RunSchedule);

  grpc::ServerWriteReactor<v1::StreamNotificationsResponse>* StreamNotifications(
      grpc::CallbackServerContext* ctx, const v1::StreamNotificationsRequest* request) override;
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* ctx, const v1::WatchEventsRequest* request) override;

 private:
  Notifier* const notifier_;
  common::SerialExecutor* const writer_;
  common::RocksDb* const db_;
  common::WatchEventsHub* const hub_;
  const common::CallAuthenticator* const auth_;
  // Shared with the streams' filters, which hold a slot each (they may outlive a call).
  const std::shared_ptr<StreamSlots> slots_;
};

}  // namespace ecoplan::notification
