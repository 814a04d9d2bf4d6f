#include "services/notification/notification_service_impl.h"

#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/edge/reactors.h"
#include "common/mapping/proto_values.h"
#include "common/status/status_macros.h"
#include "services/notification/notification_policy.h"
#include "services/notification/proto_mapping.h"
#include "services/notification/stream_filter.h"

namespace ecoplan::notification {
namespace {

using common::AnswerInline;
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
      c.role = Caller::Role::kViewer;
      break;
    case common::Role::kSupervisor:  // not admitted by NotificationPolicy (yet): reads at most
      c.role = Caller::Role::kViewer;
      c.organization_id.clear();  // and never changes an inbox
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

// Starts a write once `who` allows it (refused calls never start): `start(caller, done)` runs
// inline on the gRPC thread, or on `executor` when given (a write that first resolves a host
// name), under a WriteOrigin of the caller and `request_id` (the request's, or empty). The call is
// finished from `done`, once the write is durable (on the committer's thread), with `fill(value)`
// filling the response when it succeeded. No thread waits for the commit.
template <typename T, typename Start, typename Fill>
grpc::ServerUnaryReactor* AnswerWrite(grpc::CallbackServerContext* ctx, absl::StatusOr<Caller> who,
                                      common::SerialExecutor* executor, std::string request_id,
                                      Start start, Fill fill) {
  if (!who.ok()) return FinishUnary(ctx, who.status());
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto run = [reactor, who = *std::move(who), request_id = std::move(request_id),
              start = std::move(start), fill = std::move(fill)]() mutable {
    // The write's events name the caller and the call's request id: the audit log's changes.
    const WriteOrigin origin(who.subject, request_id);
    start(who, Done<T>([reactor, fill](absl::StatusOr<T> result) {
            absl::Status status = result.status();
            if (status.ok()) status = fill(*result);
            reactor->Finish(common::ToGrpcStatus(status));
          }));
  };
  if (executor != nullptr) {
    executor->Submit(std::move(run));
  } else {
    run();
  }
  return reactor;
}

// A write answering only its status, as one answering nothing (std::monostate).
using Nothing = std::monostate;
DoneStatus AnswerNothing(Done<Nothing> done) {
  return [done = std::move(done)](absl::Status status) {
    if (status.ok()) {
      done(Nothing());
    } else {
      done(status);
    }
  };
}
absl::Status FillNothing(const Nothing&) { return absl::OkStatus(); }

absl::Status CheckKind(int kind, absl::string_view field) {
  if (kind < 0 || kind > kMaxKind) {
    return absl::InvalidArgumentError(absl::StrCat(field, " names an unknown kind: ", kind));
  }
  return absl::OkStatus();
}

}  // namespace

bool StreamSlots::TryAcquire(const std::string& subject) {
  std::lock_guard<std::mutex> lock(mu_);
  int& open = open_[subject];
  if (open >= max_per_subject_) return false;
  ++open;
  return true;
}

void StreamSlots::Release(const std::string& subject) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(subject);
  if (it != open_.end() && --it->second <= 0) open_.erase(it);
}

int StreamSlots::open(const std::string& subject) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(subject);
  return it == open_.end() ? 0 : it->second;
}

NotificationServiceImpl::NotificationServiceImpl(Notifier* notifier, common::SerialExecutor* writer,
                                                 common::RocksDb* db, common::WatchEventsHub* hub,
                                                 const common::CallAuthenticator* auth,
                                                 NotificationServiceOptions options)
    : notifier_(notifier),
      writer_(writer),
      db_(db),
      hub_(hub),
      auth_(auth),
      slots_(std::make_shared<StreamSlots>(options.max_streams_per_subject)) {}

namespace {

// A filter that holds a stream slot of `subject` for as long as the stream keeps it (the stream
// owns its filter and destroys it when it is gone), passing `inner`'s verdict (all when empty).
// Errors: ResourceExhausted (the subject has no slot left).
absl::StatusOr<common::EventFilter> HoldingSlot(const std::shared_ptr<StreamSlots>& slots,
                                                const std::string& subject,
                                                common::EventFilter inner) {
  if (!slots->TryAcquire(subject)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "subject \"", subject, "\" already has ", slots->max_per_subject(),
        " streams open (--max_streams_per_subject); close one before opening another"));
  }
  // Released when the stream destroys its filter (the handle keeps `slots` alive).
  std::shared_ptr<void> slot(nullptr, [slots, subject](void*) { slots->Release(subject); });
  return common::EventFilter(
      [slot = std::move(slot), inner = std::move(inner)](const ecoplan::common::v1::Event& event) {
        return !inner || inner(event);
      });
}

}  // namespace

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
  return AnswerWrite<Notification>(
      ctx, Authorize(ctx, auth_, "MarkNotificationRead"), nullptr, "",
      [this, request](const Caller& who, Done<Notification> done) {
        absl::StatusOr<uint64_t> number = ParseNotificationName(request->name(), "name");
        if (!number.ok()) return done(number.status());
        notifier_->MarkRead(who, *number, std::move(done));
      },
      [response](const Notification& n) {
        *response->mutable_notification() = ToProto(n);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::AcknowledgeNotification(
    grpc::CallbackServerContext* ctx, const v1::AcknowledgeNotificationRequest* request,
    v1::AcknowledgeNotificationResponse* response) {
  return AnswerWrite<Notification>(
      ctx, Authorize(ctx, auth_, "AcknowledgeNotification"), nullptr, "",
      [this, request](const Caller& who, Done<Notification> done) {
        absl::StatusOr<uint64_t> number = ParseNotificationName(request->name(), "name");
        if (!number.ok()) return done(number.status());
        AcknowledgeNote note;
        note.comment = request->comment();
        note.external_reference = request->external_reference();
        notifier_->Acknowledge(who, *number, note, std::move(done));
      },
      [response](const Notification& n) {
        *response->mutable_notification() = ToProto(n);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::CreateRule(grpc::CallbackServerContext* ctx,
                                                              const v1::CreateRuleRequest* request,
                                                              v1::CreateRuleResponse* response) {
  return AnswerWrite<Rule>(
      ctx, Authorize(ctx, auth_, "CreateRule"), nullptr, request->request_id(),
      [this, request](const Caller&, Done<Rule> done) {
        absl::StatusOr<Rule> rule = FromProto(request->rule());
        if (!rule.ok()) return done(rule.status());
        notifier_->CreateRule(*rule, request->request_id(), std::move(done));
      },
      [response](const Rule& rule) {
        *response->mutable_rule() = ToProto(rule);
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
  return AnswerWrite<Rule>(
      ctx, Authorize(ctx, auth_, "UpdateRule"), nullptr, "",
      [this, request](const Caller&, Done<Rule> done) {
        absl::StatusOr<Rule> rule = FromProto(request->rule());
        if (!rule.ok()) return done(rule.status());
        notifier_->UpdateRule(*rule, request->rule().etag(), std::move(done));
      },
      [response](const Rule& rule) {
        *response->mutable_rule() = ToProto(rule);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::DeleteRule(grpc::CallbackServerContext* ctx,
                                                              const v1::DeleteRuleRequest* request,
                                                              v1::DeleteRuleResponse*) {
  return AnswerWrite<Nothing>(
      ctx, Authorize(ctx, auth_, "DeleteRule"), nullptr, "",
      [this, request](const Caller&, Done<Nothing> done) {
        absl::StatusOr<std::string> id = ParseName(request->name(), "rules", "name");
        if (!id.ok()) return done(id.status());
        notifier_->DeleteRule(*id, request->etag(), AnswerNothing(std::move(done)));
      },
      FillNothing);
}

grpc::ServerUnaryReactor* NotificationServiceImpl::MuteRule(grpc::CallbackServerContext* ctx,
                                                            const v1::MuteRuleRequest* request,
                                                            v1::MuteRuleResponse* response) {
  return AnswerWrite<Rule>(
      ctx, Authorize(ctx, auth_, "MuteRule"), nullptr, "",
      [this, request](const Caller& who, Done<Rule> done) {
        absl::StatusOr<std::string> id = ParseName(request->name(), "rules", "name");
        if (!id.ok()) return done(id.status());
        std::string org;
        if (!request->organization().empty()) {
          absl::StatusOr<std::string> parsed =
              ParseName(request->organization(), "organizations", "organization");
          if (!parsed.ok()) return done(parsed.status());
          org = *parsed;
        }
        std::optional<absl::Time> until;
        if (request->has_until()) until = common::TimeFromProto(request->until());
        notifier_->MuteRule(who, *id, until, org, request->etag(), std::move(done));
      },
      [response](const Rule& rule) {
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
  return AnswerWrite<OrgContacts>(
      ctx, Authorize(ctx, auth_, "SetContacts", common::ResourceScope::OwnedBy({*org})), nullptr,
      "",
      [this, request, org = *org](const Caller&, Done<OrgContacts> done) {
        std::vector<Contact> contacts;
        for (const v1::Contact& c : request->contacts()) contacts.push_back(FromProto(c));
        notifier_->SetContacts(org, contacts, request->etag(), std::move(done));
      },
      [response](const OrgContacts& stored) {
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
  // On the writer: the address is checked by resolving its host name.
  return AnswerWrite<Subscription>(
      ctx, Authorize(ctx, auth_, "CreateSubscription"), writer_, request->request_id(),
      [this, request](const Caller& who, Done<Subscription> done) {
        v1::Subscription input = request->subscription();
        input.clear_name();
        absl::StatusOr<Subscription> s = FromProto(input);
        if (!s.ok()) return done(s.status());
        s->owner = who.subject;
        notifier_->CreateSubscription(*s, request->secret(), request->request_id(),
                                      std::move(done));
      },
      [this, response](const Subscription& s) {
        *response->mutable_subscription() = ToProto(s, notifier_->PendingCount(s.id));
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
  // On the writer: the address is checked by resolving its host name.
  return AnswerWrite<Subscription>(
      ctx, Authorize(ctx, auth_, "UpdateSubscription"), writer_, "",
      [this, request](const Caller& who, Done<Subscription> done) {
        absl::StatusOr<Subscription> s = FromProto(request->subscription());
        if (!s.ok()) return done(s.status());
        if (s->id.empty()) return done(absl::InvalidArgumentError("subscription.name is required"));
        if (absl::Status owns = CheckOwnsSubscription(*notifier_, who, s->id); !owns.ok()) {
          return done(owns);
        }
        notifier_->UpdateSubscription(*s, request->subscription().etag(), std::move(done));
      },
      [this, response](const Subscription& s) {
        *response->mutable_subscription() = ToProto(s, notifier_->PendingCount(s.id));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::DeleteSubscription(
    grpc::CallbackServerContext* ctx, const v1::DeleteSubscriptionRequest* request,
    v1::DeleteSubscriptionResponse*) {
  return AnswerWrite<Nothing>(
      ctx, Authorize(ctx, auth_, "DeleteSubscription"), nullptr, "",
      [this, request](const Caller& who, Done<Nothing> done) {
        absl::StatusOr<std::string> id = ParseName(request->name(), "subscriptions", "name");
        if (!id.ok()) return done(id.status());
        if (absl::Status owns = CheckOwnsSubscription(*notifier_, who, *id); !owns.ok()) {
          return done(owns);
        }
        notifier_->DeleteSubscription(*id, request->etag(), AnswerNothing(std::move(done)));
      },
      FillNothing);
}

grpc::ServerUnaryReactor* NotificationServiceImpl::RotateSubscriptionSecret(
    grpc::CallbackServerContext* ctx, const v1::RotateSubscriptionSecretRequest* request,
    v1::RotateSubscriptionSecretResponse* response) {
  return AnswerWrite<Subscription>(
      ctx, Authorize(ctx, auth_, "RotateSubscriptionSecret"), nullptr, request->request_id(),
      [this, request](const Caller& who, Done<Subscription> done) {
        absl::StatusOr<std::string> id = ParseName(request->name(), "subscriptions", "name");
        if (!id.ok()) return done(id.status());
        if (absl::Status owns = CheckOwnsSubscription(*notifier_, who, *id); !owns.ok()) {
          return done(owns);
        }
        const absl::Duration grace = common::DurationFromProto(request->previous_secret_grace());
        notifier_->RotateSecret(*id, request->secret(), grace, request->request_id(),
                                std::move(done));
      },
      [this, response](const Subscription& s) {
        *response->mutable_subscription() = ToProto(s, notifier_->PendingCount(s.id));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::EnableSubscription(
    grpc::CallbackServerContext* ctx, const v1::EnableSubscriptionRequest* request,
    v1::EnableSubscriptionResponse* response) {
  return AnswerWrite<Subscription>(
      ctx, Authorize(ctx, auth_, "EnableSubscription"), nullptr, "",
      [this, request](const Caller& who, Done<Subscription> done) {
        absl::StatusOr<std::string> id = ParseName(request->name(), "subscriptions", "name");
        if (!id.ok()) return done(id.status());
        if (absl::Status owns = CheckOwnsSubscription(*notifier_, who, *id); !owns.ok()) {
          return done(owns);
        }
        notifier_->EnableSubscription(*id, request->enabled(), std::move(done));
      },
      [this, response](const Subscription& s) {
        *response->mutable_subscription() = ToProto(s, notifier_->PendingCount(s.id));
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
  return AnswerWrite<Delivery>(
      ctx, Authorize(ctx, auth_, "ReplayDelivery"), nullptr, request->request_id(),
      [this, request](const Caller& who, Done<Delivery> done) {
        auto name = ParseDeliveryName(request->name(), "name");
        if (!name.ok()) return done(name.status());
        if (absl::Status owns = CheckOwnsSubscription(*notifier_, who, name->first); !owns.ok()) {
          return done(owns);
        }
        notifier_->ReplayDelivery(name->first, name->second, request->request_id(),
                                  std::move(done));
      },
      [response](const Delivery& d) {
        *response->mutable_delivery() = ToProto(d);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::AcknowledgeStream(
    grpc::CallbackServerContext* ctx, const v1::AcknowledgeStreamRequest* request,
    v1::AcknowledgeStreamResponse* response) {
  return AnswerWrite<StreamConsumer>(
      ctx, Authorize(ctx, auth_, "AcknowledgeStream"), nullptr, "",
      [this, request](const Caller& who, Done<StreamConsumer> done) {
        absl::StatusOr<std::string> consumer =
            ParseName(request->consumer(), "streamConsumers", "consumer");
        if (!consumer.ok()) return done(consumer.status());
        notifier_->AcknowledgeStream(who, *consumer, request->sequence(), request->reset(),
                                     std::move(done));
      },
      [response](const StreamConsumer& consumer) {
        response->set_sequence(consumer.position);
        response->set_owner(consumer.owner);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* NotificationServiceImpl::RunSchedule(grpc::CallbackServerContext* ctx,
                                                               const v1::RunScheduleRequest*,
                                                               v1::RunScheduleResponse* response) {
  // On the writer: deciding a run goes over every plan.
  return AnswerWrite<int>(
      ctx, Authorize(ctx, auth_, "RunSchedule"), writer_, "",
      [this](const Caller&, Done<int> done) { notifier_->RunSchedule(std::move(done)); },
      [this, response](int created) {
        response->set_created(created);
        *response->mutable_now() = common::TimeToProto(notifier_->ScheduleTime());
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
    absl::StatusOr<uint64_t> position = notifier_->ConsumerPosition(*who, *consumer);
    if (!position.ok()) {
      return new RefusedStream<v1::StreamNotificationsResponse>(position.status());
    }
    after = *position;
  }
  absl::StatusOr<common::EventFilter> filter = StreamFilterOf(*request);
  if (!filter.ok()) return new RefusedStream<v1::StreamNotificationsResponse>(filter.status());
  filter = HoldingSlot(slots_, who->subject, *std::move(filter));
  if (!filter.ok()) return new RefusedStream<v1::StreamNotificationsResponse>(filter.status());
  return hub_->NewReactor<v1::StreamNotificationsResponse>(ctx, db_, after, *std::move(filter));
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* NotificationServiceImpl::WatchEvents(
    grpc::CallbackServerContext* ctx, const v1::WatchEventsRequest* request) {
  absl::StatusOr<Caller> who = Authorize(ctx, auth_, "WatchEvents");
  if (!who.ok()) return new RefusedStream<v1::WatchEventsResponse>(who.status());
  absl::StatusOr<common::EventFilter> slot = HoldingSlot(slots_, who->subject, {});
  if (!slot.ok()) return new RefusedStream<v1::WatchEventsResponse>(slot.status());
  return hub_->NewReactor<v1::WatchEventsResponse>(ctx, db_, request->after_sequence(),
                                                   *std::move(slot));
}

}  // namespace ecoplan::notification
