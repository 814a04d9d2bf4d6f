#pragma once

#include <grpcpp/grpcpp.h>

#include "common/auth/call_authenticator.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/watch_events_reactor.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "services/notification/domain/notifier.h"

namespace ecoplan::notification {

// gRPC edge of the notification service: authenticates and authorizes every
// call (NotificationPolicy), maps v1 messages to Notifier calls and back.
// Reads answer inline; writes (and subscription checks, which resolve host
// names) run on `writer` so no gRPC thread waits on disk or DNS. The streams
// serve `db`'s event log through `hub`. All pointers must outlive the service.
class NotificationServiceImpl final : public v1::NotificationService::CallbackService {
 public:
  NotificationServiceImpl(Notifier* notifier, common::SerialExecutor* writer, common::RocksDb* db,
                          common::WatchEventsHub* hub, const common::CallAuthenticator* auth);

#define ECOPLAN_UNARY(Method)                                          \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx,   \
                                   const v1::Method##Request* request, \
                                   v1::Method##Response* response) override;
  ECOPLAN_UNARY(ListNotifications)
  ECOPLAN_UNARY(GetNotification)
  ECOPLAN_UNARY(MarkNotificationRead)
  ECOPLAN_UNARY(AcknowledgeNotification)
  ECOPLAN_UNARY(CreateRule)
  ECOPLAN_UNARY(GetRule)
  ECOPLAN_UNARY(ListRules)
  ECOPLAN_UNARY(UpdateRule)
  ECOPLAN_UNARY(DeleteRule)
  ECOPLAN_UNARY(MuteRule)
  ECOPLAN_UNARY(SetContacts)
  ECOPLAN_UNARY(GetContacts)
  ECOPLAN_UNARY(CreateSubscription)
  ECOPLAN_UNARY(GetSubscription)
  ECOPLAN_UNARY(ListSubscriptions)
  ECOPLAN_UNARY(UpdateSubscription)
  ECOPLAN_UNARY(DeleteSubscription)
  ECOPLAN_UNARY(RotateSubscriptionSecret)
  ECOPLAN_UNARY(EnableSubscription)
  ECOPLAN_UNARY(ListDeliveries)
  ECOPLAN_UNARY(ReplayDelivery)
  ECOPLAN_UNARY(AcknowledgeStream)
  ECOPLAN_UNARY(RunSchedule)
#undef ECOPLAN_UNARY

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
};

}  // namespace ecoplan::notification
