#include "services/notification/notification_service_impl.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/edge/reactors.h"
#include "common/mapping/proto_values.h"
#include "common/status/status_macros.h"
#include "services/notification/notification_policy.h"
#include "services/notification/proto_mapping.h"

namespace ecoplan::notification {
namespace {

using common::AnswerInline;
using common::AnswerOn;
using common::FinishUnary;
using common::RefusedStream;

Caller CallerOf(const common::Principal& p) {
  Caller c;
  c.subject = p.subject;
  c.organization_id = p.organization_id;
  switch (p.role) {
    case common::Role::kAdministrator:
      c.role = Caller::Role::kAdministrator;
      break;
    case common::Role::kReporter:
      c.role = Caller::Role::kReporter;
      break;
    case common::Role::kViewer:
    case common::Role::kSupervisor:  // not admitted by NotificationPolicy (yet): reads at most
      c.role = Caller::Role::kViewer;
      break;
    case common::Role::kService:
      c.role = Caller::Role::kService;
      break;
  }
  return c;
}

// A viewer (the command center) changes only the subscriptions it created;
// the bureau any.
absl::Status CheckSubscriptionOwner(const Caller& who, const Subscription& s) {
  if (who.role != Caller::Role::kViewer || s.owner == who.subject) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "subscriptions/", s.id, " was created by another caller; a viewer changes only its own"));
}

absl::StatusOr<Caller> Authorize(
    grpc::CallbackServerContext* ctx, const common::CallAuthenticator* auth,
    absl::string_view method, const common::ResourceScope& scope = common::ResourceScope::Any()) {
  if (auth == nullptr) return CallerOf(common::DevelopmentPrincipal());
  ECOPLAN_ASSIGN_OR_RETURN(common::Principal p,
                           auth->Authorize(*ctx, NotificationMethod(method), scope));
  return CallerOf(p);
}

// Whether `who` may change subscription `id` (see CheckSubscriptionOwner);
// NotFound when there is none.
absl::Status CheckOwnsSubscription(const Notifier& notifier, const Caller& who,
                                   const std::string& id) {
  ECOPLAN_ASSIGN_OR_RETURN(Subscription current, notifier.GetSubscription(id));
  return CheckSubscriptionOwner(who, current);
}

// What MarkNotificationRead and AcknowledgeNotification run on the writer
// thread: `change` (a Notifier method) the caller's notification `name` (the
// request's, which outlives the call) and answer with it.
template <typename Response>
auto ChangeOfNotification(Notifier* notifier,
                          absl::StatusOr<Notification> (Notifier::*change)(const Caller&, uint64_t),
                          const std::string& name, Response* response) {
  return [notifier, change, &name, response](const Caller& who) -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(uint64_t number, ParseNotificationName(name, "name"));
    ECOPLAN_ASSIGN_OR_RETURN(Notification n, (notifier->*change)(who, number));
    *response->mutable_notification() = ToProto(n);
    return absl::OkStatus();
  };
}

absl::Status CheckKind(int kind, absl::string_view field) {
  if (kind < 0 || kind > kMaxKind) {
    return absl::InvalidArgumentError(absl::StrCat(field, " names an unknown kind: ", kind));
  }
  return absl::OkStatus();
}

}  // namespace

NotificationServiceImpl::NotificationServiceImpl(Notifier* notifier, common::SerialExecutor* writer,
                                                 common::RocksDb* db, common::WatchEventsHub* hub,
                                                 const common::CallAuthenticator* auth)
    : notifier_(notifier), writer_(writer), db_(db), hub_(hub), auth_(auth) {}

grpc::ServerUnaryReactor* NotificationServiceImpl::ListNotifications(
    grpc::CallbackServerContext* ctx, const v1::ListNotificationsRequest* request,
    v1::ListNotificationsResponse* response) {
  return AnswerInline(
      ctx, Authorize(ctx, auth_, "ListNotifications"), [&](const Caller& who) -> absl::Status {
        ECOPLAN_ASSIGN_OR_RETURN(std::string org,
                                 ParseName(request->parent(), "organizations", "parent"));
        ECOPLAN_RETURN_IF_ERROR(CheckKind(request->kind(), "kind"));
        if (request->page_token().size() > 64)
          return absl::InvalidArgumentError("page_token too long");
        ECOPLAN_ASSIGN_OR_RETURN(InboxPage page,
                                 notifier_->ListInbox(who, org, request->unread_only(),
                                                      static_cast<Kind>(request->kind()),
                                                      request->page_size(), request->page_token()));
        for (const Notification& n : page.notifications)
          *response->add_notifications() = ToProto(n);
        response->set_next_page_token(page.next_page_token);
        response->set_unread_count(page.unread_count);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::GetNotification(
    grpc::CallbackServerContext* ctx, const v1::GetNotificationRequest* request,
    v1::GetNotificationResponse* response) {
  return AnswerInline(
      ctx, Authorize(ctx, auth_, "GetNotification"), [&](const Caller& who) -> absl::Status {
        ECOPLAN_ASSIGN_OR_RETURN(uint64_t number, ParseNotificationName(request->name(), "name"));
        ECOPLAN_ASSIGN_OR_RETURN(Notification n, notifier_->GetNotification(who, number));
        *response->mutable_notification() = ToProto(n);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::MarkNotificationRead(
    grpc::CallbackServerContext* ctx, const v1::MarkNotificationReadRequest* request,
    v1::MarkNotificationReadResponse* response) {
  return AnswerOn(ctx, Authorize(ctx, auth_, "MarkNotificationRead"), writer_,
                  ChangeOfNotification(notifier_, &Notifier::MarkRead, request->name(), response));
}

grpc::ServerUnaryReactor* NotificationServiceImpl::AcknowledgeNotification(
    grpc::CallbackServerContext* ctx, const v1::AcknowledgeNotificationRequest* request,
    v1::AcknowledgeNotificationResponse* response) {
  return AnswerOn(
      ctx, Authorize(ctx, auth_, "AcknowledgeNotification"), writer_,
      ChangeOfNotification(notifier_, &Notifier::Acknowledge, request->name(), response));
}

grpc::ServerUnaryReactor* NotificationServiceImpl::CreateRule(grpc::CallbackServerContext* ctx,
                                                              const v1::CreateRuleRequest* request,
                                                              v1::CreateRuleResponse* response) {
  return AnswerOn(ctx, Authorize(ctx, auth_, "CreateRule"), writer_,
                  [this, request, response]() -> absl::Status {
                    ECOPLAN_ASSIGN_OR_RETURN(Rule rule, FromProto(request->rule()));
                    ECOPLAN_ASSIGN_OR_RETURN(Rule created,
                                             notifier_->CreateRule(rule, request->request_id()));
                    *response->mutable_rule() = ToProto(created);
                    return absl::OkStatus();
                  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::GetRule(grpc::CallbackServerContext* ctx,
                                                           const v1::GetRuleRequest* request,
                                                           v1::GetRuleResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "GetRule"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string id, ParseName(request->name(), "rules", "name"));
    ECOPLAN_ASSIGN_OR_RETURN(Rule rule, notifier_->GetRule(id));
    *response->mutable_rule() = ToProto(rule);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::ListRules(grpc::CallbackServerContext* ctx,
                                                             const v1::ListRulesRequest*,
                                                             v1::ListRulesResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "ListRules"), [&]() -> absl::Status {
    for (const Rule& r : notifier_->ListRules()) *response->add_rules() = ToProto(r);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::UpdateRule(grpc::CallbackServerContext* ctx,
                                                              const v1::UpdateRuleRequest* request,
                                                              v1::UpdateRuleResponse* response) {
  return AnswerOn(ctx, Authorize(ctx, auth_, "UpdateRule"), writer_,
                  [this, request, response]() -> absl::Status {
                    ECOPLAN_ASSIGN_OR_RETURN(Rule rule, FromProto(request->rule()));
                    ECOPLAN_ASSIGN_OR_RETURN(Rule updated,
                                             notifier_->UpdateRule(rule, request->rule().etag()));
                    *response->mutable_rule() = ToProto(updated);
                    return absl::OkStatus();
                  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::DeleteRule(grpc::CallbackServerContext* ctx,
                                                              const v1::DeleteRuleRequest* request,
                                                              v1::DeleteRuleResponse*) {
  return AnswerOn(
      ctx, Authorize(ctx, auth_, "DeleteRule"), writer_, [this, request]() -> absl::Status {
        ECOPLAN_ASSIGN_OR_RETURN(std::string id, ParseName(request->name(), "rules", "name"));
        return notifier_->DeleteRule(id, request->etag());
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::MuteRule(grpc::CallbackServerContext* ctx,
                                                            const v1::MuteRuleRequest* request,
                                                            v1::MuteRuleResponse* response) {
  return AnswerOn(ctx, Authorize(ctx, auth_, "MuteRule"), writer_,
                  [this, request, response](const Caller& who) -> absl::Status {
                    ECOPLAN_ASSIGN_OR_RETURN(std::string id,
                                             ParseName(request->name(), "rules", "name"));
                    std::string org;
                    if (!request->organization().empty()) {
                      ECOPLAN_ASSIGN_OR_RETURN(
                          org, ParseName(request->organization(), "organizations", "organization"));
                    }
                    std::optional<absl::Time> until;
                    if (request->has_until()) {
                      until = common::TimeFromProto(request->until());
                    }
                    ECOPLAN_ASSIGN_OR_RETURN(
                        Rule rule, notifier_->MuteRule(who, id, until, org, request->etag()));
                    *response->mutable_rule() = ToProto(rule);
                    return absl::OkStatus();
                  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::SetContacts(
    grpc::CallbackServerContext* ctx, const v1::SetContactsRequest* request,
    v1::SetContactsResponse* response) {
  absl::StatusOr<std::string> org =
      ParseName(request->organization(), "organizations", "organization");
  if (!org.ok()) return FinishUnary(ctx, org.status());
  return AnswerOn(ctx, Authorize(ctx, auth_, "SetContacts", common::ResourceScope::OwnedBy({*org})),
                  writer_, [this, request, response, org = *org]() -> absl::Status {
                    std::vector<Contact> contacts;
                    for (const v1::Contact& c : request->contacts())
                      contacts.push_back(FromProto(c));
                    ECOPLAN_ASSIGN_OR_RETURN(
                        OrgContacts stored, notifier_->SetContacts(org, contacts, request->etag()));
                    for (const Contact& c : stored.contacts) *response->add_contacts() = ToProto(c);
                    response->set_etag(absl::StrCat("c", stored.revision));
                    return absl::OkStatus();
                  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::GetContacts(
    grpc::CallbackServerContext* ctx, const v1::GetContactsRequest* request,
    v1::GetContactsResponse* response) {
  absl::StatusOr<std::string> org =
      ParseName(request->organization(), "organizations", "organization");
  if (!org.ok()) return FinishUnary(ctx, org.status());
  // Contacts are personal data (names, phone numbers): a reporter reads only
  // its own organization's.
  return AnswerInline(
      ctx, Authorize(ctx, auth_, "GetContacts", common::ResourceScope::OwnedBy({*org})),
      [&]() -> absl::Status {
        OrgContacts stored = notifier_->GetContacts(*org);
        for (const Contact& c : stored.contacts) *response->add_contacts() = ToProto(c);
        response->set_etag(stored.revision > 0 ? absl::StrCat("c", stored.revision) : "");
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::CreateSubscription(
    grpc::CallbackServerContext* ctx, const v1::CreateSubscriptionRequest* request,
    v1::CreateSubscriptionResponse* response) {
  return AnswerOn(ctx, Authorize(ctx, auth_, "CreateSubscription"), writer_,
                  [this, request, response](const Caller& who) -> absl::Status {
                    v1::Subscription input = request->subscription();
                    input.clear_name();
                    ECOPLAN_ASSIGN_OR_RETURN(Subscription s, FromProto(input));
                    s.owner = who.subject;
                    ECOPLAN_ASSIGN_OR_RETURN(
                        Subscription created,
                        notifier_->CreateSubscription(s, request->secret(), request->request_id()));
                    *response->mutable_subscription() =
                        ToProto(created, notifier_->PendingCount(created.id));
                    return absl::OkStatus();
                  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::GetSubscription(
    grpc::CallbackServerContext* ctx, const v1::GetSubscriptionRequest* request,
    v1::GetSubscriptionResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "GetSubscription"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string id, ParseName(request->name(), "subscriptions", "name"));
    ECOPLAN_ASSIGN_OR_RETURN(Subscription s, notifier_->GetSubscription(id));
    *response->mutable_subscription() = ToProto(s, notifier_->PendingCount(id));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::ListSubscriptions(
    grpc::CallbackServerContext* ctx, const v1::ListSubscriptionsRequest*,
    v1::ListSubscriptionsResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "ListSubscriptions"), [&]() -> absl::Status {
    for (const Subscription& s : notifier_->ListSubscriptions()) {
      *response->add_subscriptions() = ToProto(s, notifier_->PendingCount(s.id));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::UpdateSubscription(
    grpc::CallbackServerContext* ctx, const v1::UpdateSubscriptionRequest* request,
    v1::UpdateSubscriptionResponse* response) {
  return AnswerOn(
      ctx, Authorize(ctx, auth_, "UpdateSubscription"), writer_,
      [this, request, response](const Caller& who) -> absl::Status {
        ECOPLAN_ASSIGN_OR_RETURN(Subscription s, FromProto(request->subscription()));
        if (s.id.empty()) return absl::InvalidArgumentError("subscription.name is required");
        ECOPLAN_RETURN_IF_ERROR(CheckOwnsSubscription(*notifier_, who, s.id));
        ECOPLAN_ASSIGN_OR_RETURN(Subscription updated,
                                 notifier_->UpdateSubscription(s, request->subscription().etag()));
        *response->mutable_subscription() = ToProto(updated, notifier_->PendingCount(updated.id));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::DeleteSubscription(
    grpc::CallbackServerContext* ctx, const v1::DeleteSubscriptionRequest* request,
    v1::DeleteSubscriptionResponse*) {
  return AnswerOn(ctx, Authorize(ctx, auth_, "DeleteSubscription"), writer_,
                  [this, request](const Caller& who) -> absl::Status {
                    ECOPLAN_ASSIGN_OR_RETURN(std::string id,
                                             ParseName(request->name(), "subscriptions", "name"));
                    ECOPLAN_RETURN_IF_ERROR(CheckOwnsSubscription(*notifier_, who, id));
                    return notifier_->DeleteSubscription(id, request->etag());
                  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::RotateSubscriptionSecret(
    grpc::CallbackServerContext* ctx, const v1::RotateSubscriptionSecretRequest* request,
    v1::RotateSubscriptionSecretResponse* response) {
  return AnswerOn(
      ctx, Authorize(ctx, auth_, "RotateSubscriptionSecret"), writer_,
      [this, request, response](const Caller& who) -> absl::Status {
        ECOPLAN_ASSIGN_OR_RETURN(std::string id,
                                 ParseName(request->name(), "subscriptions", "name"));
        ECOPLAN_RETURN_IF_ERROR(CheckOwnsSubscription(*notifier_, who, id));
        const absl::Duration grace = common::DurationFromProto(request->previous_secret_grace());
        ECOPLAN_ASSIGN_OR_RETURN(
            Subscription s,
            notifier_->RotateSecret(id, request->secret(), grace, request->request_id()));
        *response->mutable_subscription() = ToProto(s, notifier_->PendingCount(id));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::EnableSubscription(
    grpc::CallbackServerContext* ctx, const v1::EnableSubscriptionRequest* request,
    v1::EnableSubscriptionResponse* response) {
  return AnswerOn(ctx, Authorize(ctx, auth_, "EnableSubscription"), writer_,
                  [this, request, response](const Caller& who) -> absl::Status {
                    ECOPLAN_ASSIGN_OR_RETURN(std::string id,
                                             ParseName(request->name(), "subscriptions", "name"));
                    ECOPLAN_RETURN_IF_ERROR(CheckOwnsSubscription(*notifier_, who, id));
                    ECOPLAN_ASSIGN_OR_RETURN(Subscription s,
                                             notifier_->EnableSubscription(id, request->enabled()));
                    *response->mutable_subscription() = ToProto(s, notifier_->PendingCount(id));
                    return absl::OkStatus();
                  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::ListDeliveries(
    grpc::CallbackServerContext* ctx, const v1::ListDeliveriesRequest* request,
    v1::ListDeliveriesResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "ListDeliveries"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string id,
                             ParseName(request->parent(), "subscriptions", "parent"));
    if (request->state() < 0 || request->state() > 3) {
      return absl::InvalidArgumentError("state is not a known delivery state");
    }
    if (request->page_token().size() > 64) return absl::InvalidArgumentError("page_token too long");
    ECOPLAN_ASSIGN_OR_RETURN(
        DeliveryPage page,
        notifier_->ListDeliveries(id, static_cast<DeliveryState>(request->state()),
                                  request->page_size(), request->page_token()));
    for (const Delivery& d : page.deliveries) *response->add_deliveries() = ToProto(d);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::ReplayDelivery(
    grpc::CallbackServerContext* ctx, const v1::ReplayDeliveryRequest* request,
    v1::ReplayDeliveryResponse* response) {
  return AnswerOn(ctx, Authorize(ctx, auth_, "ReplayDelivery"), writer_,
                  [this, request, response](const Caller& who) -> absl::Status {
                    ECOPLAN_ASSIGN_OR_RETURN(auto name, ParseDeliveryName(request->name(), "name"));
                    ECOPLAN_RETURN_IF_ERROR(CheckOwnsSubscription(*notifier_, who, name.first));
                    ECOPLAN_ASSIGN_OR_RETURN(
                        Delivery d,
                        notifier_->ReplayDelivery(name.first, name.second, request->request_id()));
                    *response->mutable_delivery() = ToProto(d);
                    return absl::OkStatus();
                  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::AcknowledgeStream(
    grpc::CallbackServerContext* ctx, const v1::AcknowledgeStreamRequest* request,
    v1::AcknowledgeStreamResponse* response) {
  return AnswerOn(ctx, Authorize(ctx, auth_, "AcknowledgeStream"), writer_,
                  [this, request, response]() -> absl::Status {
                    ECOPLAN_ASSIGN_OR_RETURN(
                        std::string consumer,
                        ParseName(request->consumer(), "streamConsumers", "consumer"));
                    ECOPLAN_ASSIGN_OR_RETURN(
                        uint64_t seq, notifier_->AcknowledgeStream(consumer, request->sequence()));
                    response->set_sequence(seq);
                    return absl::OkStatus();
                  });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::RunSchedule(grpc::CallbackServerContext* ctx,
                                                               const v1::RunScheduleRequest*,
                                                               v1::RunScheduleResponse* response) {
  return AnswerOn(ctx, Authorize(ctx, auth_, "RunSchedule"), writer_,
                  [this, response]() -> absl::Status {
                    ECOPLAN_ASSIGN_OR_RETURN(int created, notifier_->RunSchedule());
                    response->set_created(created);
                    return absl::OkStatus();
                  });
}

grpc::ServerWriteReactor<v1::StreamNotificationsResponse>*
NotificationServiceImpl::StreamNotifications(grpc::CallbackServerContext* ctx,
                                             const v1::StreamNotificationsRequest* request) {
  absl::StatusOr<Caller> who = Authorize(ctx, auth_, "StreamNotifications");
  if (!who.ok()) return new RefusedStream<v1::StreamNotificationsResponse>(who.status());
  uint64_t after = 0;
  if (request->has_after_sequence()) {
    after = request->after_sequence();
  } else if (!request->consumer().empty()) {
    absl::StatusOr<std::string> consumer =
        ParseName(request->consumer(), "streamConsumers", "consumer");
    if (!consumer.ok())
      return new RefusedStream<v1::StreamNotificationsResponse>(consumer.status());
    after = notifier_->ConsumerPosition(*consumer);
  }
  return hub_->NewReactor<v1::StreamNotificationsResponse>(db_, after);
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* NotificationServiceImpl::WatchEvents(
    grpc::CallbackServerContext* ctx, const v1::WatchEventsRequest* request) {
  absl::StatusOr<Caller> who = Authorize(ctx, auth_, "WatchEvents");
  if (!who.ok()) return new RefusedStream<v1::WatchEventsResponse>(who.status());
  return hub_->NewReactor<v1::WatchEventsResponse>(db_, request->after_sequence());
}

}  // namespace ecoplan::notification
