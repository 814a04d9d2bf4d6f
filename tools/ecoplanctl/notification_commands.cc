#include "tools/ecoplanctl/notification_commands.h"

#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tools/ecoplanctl/channel.h"
#include "tools/ecoplanctl/output.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace nv1 = ::ecoplan::notification::v1;

const FlagSpec kServerFlag = {"notification", "ADDRESS",
                              "the notification server (host:port); default "
                              "$ECOPLAN_NOTIFICATION_ADDRESS or 127.0.0.1:50054"};

std::unique_ptr<nv1::NotificationService::Stub> StubFor(const CommandEnv& env,
                                                        const ParsedArgs& args) {
  const char* env_address = std::getenv("ECOPLAN_NOTIFICATION_ADDRESS");
  const std::string fallback =
      env_address != nullptr && *env_address != '\0' ? env_address : "127.0.0.1:50054";
  return nv1::NotificationService::NewStub(
      MakeChannel(args.Value("notification", fallback), env.options.connection));
}

// "o-1" or "organizations/o-1" → "organizations/o-1".
std::string Named(const std::string& value, absl::string_view collection) {
  return absl::StartsWith(value, absl::StrCat(collection, "/"))
             ? value
             : absl::StrCat(collection, "/", value);
}

// An inbox: organizations/o-…, o-…, or a name or alias the registry resolves
// (区生态环境局, 区水务局): an unknown id would only show an empty inbox.
absl::StatusOr<std::string> InboxOf(const CommandEnv& env, const std::string& value) {
  if (absl::StartsWith(value, "organizations/")) return value;
  if (absl::StartsWith(value, "o-") && !absl::StrContains(value, "/")) {
    return absl::StrCat("organizations/", value);
  }
  auto registry = ecoplan::registry::v1::RegistryService::NewStub(
      MakeChannel(env.options.registry_address, env.options.connection));
  ecoplan::registry::v1::ResolveOrganizationRequest request;
  request.set_written_name(value);
  ecoplan::registry::v1::ResolveOrganizationResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(
      PolicyOf(env), registry.get(),
      &ecoplan::registry::v1::RegistryService::Stub::ResolveOrganization, request, &response));
  if (response.organizations_size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", value, "\" names ", response.organizations_size(),
                     " organizations of the registry (at --registry ", env.options.registry_address,
                     "); give one name, or its id o-…"));
  }
  return response.organizations(0).name();
}

// Each kind's label in the users' words (docs/API.md and services/notification/README.md use
// the same).
struct KindLabel {
  nv1::NotificationKind kind;
  const char* label;
};
constexpr KindLabel kKindLabels[] = {
    {nv1::NOTIFICATION_KIND_REPORT_DUE_SOON, "报告将到期"},
    {nv1::NOTIFICATION_KIND_REPORT_OVERDUE, "报告逾期"},
    {nv1::NOTIFICATION_KIND_MEASURE_DEADLINE_APPROACHING, "措施将到期"},
    {nv1::NOTIFICATION_KIND_MEASURE_OVERDUE, "措施逾期"},
    {nv1::NOTIFICATION_KIND_REPORT_RETURNED, "报告退回"},
    {nv1::NOTIFICATION_KIND_INDICATOR_AT_RISK, "指标风险"},
    {nv1::NOTIFICATION_KIND_INDICATOR_OFF_TRACK, "指标偏离"},
    {nv1::NOTIFICATION_KIND_MEASURE_REASSIGNED, "责任单位调整"},
    {nv1::NOTIFICATION_KIND_MEASURE_DEADLINE_CHANGED, "时限调整"},
    {nv1::NOTIFICATION_KIND_PLAN_IMPORTED, "计划导入"},
    {nv1::NOTIFICATION_KIND_DIGEST, "汇总"},
    {nv1::NOTIFICATION_KIND_MEASURE_CHECKPOINT_APPROACHING, "节点将到期"},
    {nv1::NOTIFICATION_KIND_INDICATOR_RECOVERED, "指标恢复"},
    {nv1::NOTIFICATION_KIND_MONTH_CLOSED, "月度结账"},
    {nv1::NOTIFICATION_KIND_CONTEST_FILED, "收到申诉"},
    {nv1::NOTIFICATION_KIND_CONTEST_DECIDED, "申诉决定"},
    {nv1::NOTIFICATION_KIND_SUPERVISION_ORDER_ISSUED, "督办下达"},
    {nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_OVERDUE, "催办"},
    {nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_RETURNED, "回复退回"},
    {nv1::NOTIFICATION_KIND_SUPERVISION_LEVEL_RAISED, "督办升级"},
    {nv1::NOTIFICATION_KIND_SUPERVISION_ORDER_CLOSED, "督办销号"},
    {nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_RECEIVED, "待核查回复"},
    {nv1::NOTIFICATION_KIND_SUPERVISION_TASK_ASSIGNED, "督办任务"},
    {nv1::NOTIFICATION_KIND_REPORT_AWAITING_REVIEW, "待审报告"},
    {nv1::NOTIFICATION_KIND_EXTENSION_REQUESTED, "延期申请"},
    {nv1::NOTIFICATION_KIND_COMPLETION_DECLARED, "办结申请"},
    {nv1::NOTIFICATION_KIND_PROBLEM_ITEM_OVERDUE, "问题逾期"},
    {nv1::NOTIFICATION_KIND_PROBLEM_RECTIFICATION_CLAIMED, "待核查整改"},
    {nv1::NOTIFICATION_KIND_PROBLEM_ITEM_REOPENED, "问题重新打开"},
    {nv1::NOTIFICATION_KIND_PROBLEM_ITEM_OPENED, "问题交办"},
    {nv1::NOTIFICATION_KIND_PROBLEM_ITEM_CLOSED, "问题销号"},
};

const char* LabelOf(nv1::NotificationKind kind) {
  for (const KindLabel& k : kKindLabels) {
    if (k.kind == kind) return k.label;
  }
  return "";
}

// "SUPERVISION_REPLY_OVERDUE 催办".
std::string KindName(nv1::NotificationKind kind) {
  std::string name(absl::StripPrefix(nv1::NotificationKind_Name(kind), "NOTIFICATION_KIND_"));
  const char* label = LabelOf(kind);
  return *label == '\0' ? name : absl::StrCat(name, " ", label);
}

// --kind: the label (催办), or the name with or without its prefix, in any case.
absl::StatusOr<nv1::NotificationKind> ParseKind(const std::string& value) {
  for (const KindLabel& k : kKindLabels) {
    if (value == k.label) return k.kind;
  }
  std::string name = absl::AsciiStrToUpper(value);
  if (!absl::StartsWith(name, "NOTIFICATION_KIND_"))
    name = absl::StrCat("NOTIFICATION_KIND_", name);
  nv1::NotificationKind kind;
  if (nv1::NotificationKind_Parse(name, &kind) && kind != nv1::NOTIFICATION_KIND_UNSPECIFIED) {
    return kind;
  }
  std::string known;
  for (const KindLabel& k : kKindLabels)
    absl::StrAppend(&known, known.empty() ? "" : ", ", k.label);
  return absl::InvalidArgumentError(
      absl::StrCat("--kind: unknown kind \"", value, "\" (a kind name, or one of: ", known, ")"));
}

// The ACK cell of an inbox row: "yes", with the acknowledger's reference (案件号) when given.
std::string AckCell(const nv1::Notification& n) {
  if (!n.has_acknowledge_time()) return "";
  return n.external_reference().empty() ? "yes" : absl::StrCat("yes ", n.external_reference());
}

absl::Status Inbox(const CommandEnv& env, const ParsedArgs& args) {
  nv1::ListNotificationsRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(std::string inbox, InboxOf(env, args.args()[0]));
  request.set_parent(inbox);
  request.set_unread_only(args.Has("unread"));
  if (args.Has("kind")) {
    ECOPLAN_ASSIGN_OR_RETURN(nv1::NotificationKind kind, ParseKind(args.Value("kind")));
    request.set_kind(kind);
  }
  ECOPLAN_ASSIGN_OR_RETURN(int page_size, args.Int("page-size", 50));
  request.set_page_size(page_size);
  request.set_page_token(args.Value("page-token"));
  nv1::ListNotificationsResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::ListNotifications, request,
                                    &response));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  Table table({"NAME", "KIND", "SEVERITY", "CREATED", "READ", "ACK", "TITLE"});
  for (const nv1::Notification& n : response.notifications()) {
    const std::string severity(absl::StripPrefix(nv1::Severity_Name(n.severity()), "SEVERITY_"));
    table.AddRow({n.name(), KindName(n.kind()), severity, FormatTimestamp(n.create_time()),
                  n.has_read_time() ? "yes" : "", AckCell(n), n.title()});
  }
  table.Print(*env.out);
  *env.out << response.notifications_size() << " shown, " << response.unread_count() << " unread\n";
  if (!response.next_page_token().empty()) {
    *env.out << "more: --page-token " << response.next_page_token() << "\n";
  }
  return absl::OkStatus();
}

// One notification, label: value; `full` adds its text and recipient (notify show).
absl::Status PrintNotification(const CommandEnv& env, const nv1::Notification& n, bool full) {
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(n, *env.out);
  std::vector<std::pair<std::string, std::string>> fields = {{"Notification", n.name()},
                                                             {"Kind", KindName(n.kind())}};
  if (full) {
    fields.push_back({"Severity", std::string(absl::StripPrefix(nv1::Severity_Name(n.severity()),
                                                                "SEVERITY_"))});
    fields.push_back(
        {"Recipient", n.recipient_display_name().empty()
                          ? n.recipient()
                          : absl::StrCat(n.recipient_display_name(), " (", n.recipient(), ")")});
  }
  fields.push_back({"Title", n.title()});
  if (full) fields.push_back({"Body", n.body()});
  fields.push_back({"Resource", n.resource()});
  if (full) {
    fields.push_back({"Period", n.period()});
    fields.push_back({"Created", FormatTimestamp(n.create_time())});
  }
  fields.push_back({"Why", n.reason().explanation()});
  fields.push_back({"Read", n.has_read_time() ? FormatTimestamp(n.read_time()) : ""});
  fields.push_back(
      {"Acknowledged",
       n.has_acknowledge_time()
           ? absl::StrCat(
                 FormatTimestamp(n.acknowledge_time()),
                 n.acknowledged_by().empty() ? "" : absl::StrCat(" by ", n.acknowledged_by()))
           : ""});
  fields.push_back({"Disposal", n.acknowledge_comment()});
  fields.push_back({"Reference", n.external_reference()});
  PrintFields(*env.out, fields);
  return absl::OkStatus();
}

absl::Status Show(const CommandEnv& env, const ParsedArgs& args) {
  nv1::GetNotificationRequest request;
  request.set_name(Named(args.args()[0], "notifications"));
  nv1::GetNotificationResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::GetNotification, request,
                                    &response));
  return PrintNotification(env, response.notification(), true);
}

absl::Status Read(const CommandEnv& env, const ParsedArgs& args) {
  nv1::MarkNotificationReadRequest request;
  request.set_name(Named(args.args()[0], "notifications"));
  nv1::MarkNotificationReadResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::MarkNotificationRead, request,
                                    &response));
  return PrintNotification(env, response.notification(), false);
}

absl::Status Ack(const CommandEnv& env, const ParsedArgs& args) {
  nv1::AcknowledgeNotificationRequest request;
  request.set_name(Named(args.args()[0], "notifications"));
  request.set_comment(args.Value("comment"));
  request.set_external_reference(args.Value("ref"));
  nv1::AcknowledgeNotificationResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::AcknowledgeNotification,
                                    request, &response));
  return PrintNotification(env, response.notification(), false);
}

absl::Status Rules(const CommandEnv& env, const ParsedArgs& args) {
  nv1::ListRulesResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::ListRules,
                                    nv1::ListRulesRequest(), &response));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  Table table({"RULE", "KIND", "ENABLED", "LEAD DAYS", "ESCALATE AFTER", "RESPOND WITHIN",
               "MUTED UNTIL", "ETAG"});
  for (const nv1::Rule& r : response.rules()) {
    std::string lead;
    for (int d : r.lead_days()) lead += absl::StrCat(lead.empty() ? "" : ",", d);
    table.AddRow({r.name(), KindName(r.kind()), r.enabled() ? "yes" : "no", lead,
                  r.escalation_grace_working_days() > 0
                      ? absl::StrCat(r.escalation_grace_working_days(), " working days")
                      : "",
                  r.respond_within_working_days() > 0
                      ? absl::StrCat(r.respond_within_working_days(), " working days")
                      : "",
                  r.has_muted_until() ? FormatTimestamp(r.muted_until()) : "", r.etag()});
  }
  table.Print(*env.out);
  return absl::OkStatus();
}

absl::Status Subscriptions(const CommandEnv& env, const ParsedArgs& args) {
  nv1::ListSubscriptionsResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::ListSubscriptions,
                                    nv1::ListSubscriptionsRequest(), &response));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  Table table({"SUBSCRIPTION", "STATE", "PENDING", "URL", "SECRET", "REASON"});
  for (const nv1::Subscription& s : response.subscriptions()) {
    const std::string state(
        absl::StripPrefix(nv1::SubscriptionState_Name(s.state()), "SUBSCRIPTION_STATE_"));
    table.AddRow({s.name(), state, absl::StrCat(s.pending_deliveries()), s.url(),
                  s.secrets_size() > 0 ? s.secrets(0).fingerprint() : "", s.state_reason()});
  }
  table.Print(*env.out);
  return absl::OkStatus();
}

absl::Status Deliveries(const CommandEnv& env, const ParsedArgs& args) {
  nv1::ListDeliveriesRequest request;
  request.set_parent(Named(args.args()[0], "subscriptions"));
  ECOPLAN_ASSIGN_OR_RETURN(int page_size, args.Int("page-size", 50));
  request.set_page_size(page_size);
  request.set_page_token(args.Value("page-token"));
  nv1::ListDeliveriesResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::ListDeliveries, request,
                                    &response));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  Table table({"DELIVERY", "STATE", "ATTEMPTS", "LAST STATUS", "LAST ERROR", "WEBHOOK ID"});
  for (const nv1::Delivery& d : response.deliveries()) {
    const std::string state(
        absl::StripPrefix(nv1::DeliveryState_Name(d.state()), "DELIVERY_STATE_"));
    const bool any = d.attempts_size() > 0;
    table.AddRow({d.name(), state, absl::StrCat(d.attempt_count()),
                  any ? absl::StrCat(d.attempts(d.attempts_size() - 1).status_code()) : "",
                  any ? d.attempts(d.attempts_size() - 1).error() : "", d.webhook_id()});
  }
  table.Print(*env.out);
  if (!response.next_page_token().empty()) {
    *env.out << "more: --page-token " << response.next_page_token() << "\n";
  }
  return absl::OkStatus();
}

absl::Status Replay(const CommandEnv& env, const ParsedArgs& args) {
  nv1::ReplayDeliveryRequest request;
  request.set_name(args.args()[0]);
  nv1::ReplayDeliveryResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::ReplayDelivery, request,
                                    &response));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  *env.out << "queued " << response.delivery().name() << " (webhook-id "
           << response.delivery().webhook_id() << ")\n";
  return absl::OkStatus();
}

absl::Status Enable(const CommandEnv& env, const ParsedArgs& args) {
  nv1::EnableSubscriptionRequest request;
  request.set_name(Named(args.args()[0], "subscriptions"));
  request.set_enabled(!args.Has("disable"));
  nv1::EnableSubscriptionResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::EnableSubscription, request,
                                    &response));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  *env.out << response.subscription().name() << " "
           << nv1::SubscriptionState_Name(response.subscription().state()) << "\n";
  return absl::OkStatus();
}

// A new signing secret: "whsec_" + base64 of 32 bytes from the kernel's CSPRNG.
absl::StatusOr<std::string> NewSecret() {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string bytes(32, '\0');
  if (!urandom.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    return absl::InternalError("cannot read /dev/urandom for a new webhook secret");
  }
  return absl::StrCat("whsec_", absl::Base64Escape(bytes));
}

// Prints a secret the server will never show again.
void PrintSecretOnce(std::ostream& out, const std::string& secret) {
  out << "secret: " << secret << "\n"
      << "This secret is shown once and never again (the server keeps only its fingerprint):\n"
      << "give it to the receiver now, to check the webhook-signature header.\n";
}

std::vector<std::string> CommaList(const std::string& value) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
    out.emplace_back(absl::StripAsciiWhitespace(part));
  }
  return out;
}

// --kinds, --organizations, --plans, --description into `s` (only the flags given; an empty
// value clears the filter: every kind, organization or plan).
absl::Status ApplyFilters(const CommandEnv& env, const ParsedArgs& args, nv1::Subscription* s) {
  if (args.Has("kinds")) {
    s->clear_kinds();
    for (const std::string& k : CommaList(args.Value("kinds"))) {
      ECOPLAN_ASSIGN_OR_RETURN(nv1::NotificationKind kind, ParseKind(k));
      s->add_kinds(kind);
    }
  }
  if (args.Has("organizations")) {
    s->clear_organizations();
    for (const std::string& o : CommaList(args.Value("organizations"))) {
      ECOPLAN_ASSIGN_OR_RETURN(std::string organization, InboxOf(env, o));
      s->add_organizations(organization);
    }
  }
  if (args.Has("plans")) {
    s->clear_plans();
    for (const std::string& p : CommaList(args.Value("plans"))) s->add_plans(Named(p, "plans"));
  }
  if (args.Has("description")) s->set_description(args.Value("description"));
  return absl::OkStatus();
}

void PrintSubscription(std::ostream& out, const nv1::Subscription& s) {
  std::string kinds, organizations, plans;
  for (int k : s.kinds()) {
    absl::StrAppend(&kinds, kinds.empty() ? "" : ", ",
                    KindName(static_cast<nv1::NotificationKind>(k)));
  }
  for (const std::string& o : s.organizations()) {
    absl::StrAppend(&organizations, organizations.empty() ? "" : ", ", o);
  }
  for (const std::string& p : s.plans()) absl::StrAppend(&plans, plans.empty() ? "" : ", ", p);
  PrintFields(out, {{"Subscription", s.name()},
                    {"URL", s.url()},
                    {"State", std::string(absl::StripPrefix(nv1::SubscriptionState_Name(s.state()),
                                                            "SUBSCRIPTION_STATE_"))},
                    {"Description", s.description()},
                    {"Kinds", kinds.empty() ? "all" : kinds},
                    {"Organizations", organizations.empty() ? "all" : organizations},
                    {"Plans", plans.empty() ? "all" : plans},
                    {"Secret", s.secrets_size() > 0 ? s.secrets(0).fingerprint() : ""},
                    {"Etag", s.etag()}});
}

absl::StatusOr<nv1::Subscription> GetSubscription(const CommandEnv& env, const ParsedArgs& args) {
  nv1::GetSubscriptionRequest request;
  request.set_name(Named(args.args()[0], "subscriptions"));
  nv1::GetSubscriptionResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::GetSubscription, request,
                                    &response));
  return response.subscription();
}

absl::Status Subscribe(const CommandEnv& env, const ParsedArgs& args) {
  nv1::CreateSubscriptionRequest request;
  request.mutable_subscription()->set_url(args.args()[0]);
  ECOPLAN_RETURN_IF_ERROR(ApplyFilters(env, args, request.mutable_subscription()));
  ECOPLAN_ASSIGN_OR_RETURN(std::string secret, NewSecret());
  request.set_secret(secret);
  // A retry of this call (UnaryCall's policy) creates one subscription.
  ECOPLAN_ASSIGN_OR_RETURN(std::string request_id, NewSecret());
  request.set_request_id(absl::StrCat("ctl-subscribe-", request_id.substr(6, 22)));
  nv1::CreateSubscriptionResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::CreateSubscription, request,
                                    &response));
  if (env.options.output.format == OutputFormat::kJson) {
    // The secret is not in the response (write-only): it goes to stderr, once.
    PrintSecretOnce(*env.err, secret);
    return PrintJson(response, *env.out);
  }
  PrintSubscription(*env.out, response.subscription());
  PrintSecretOnce(*env.out, secret);
  return absl::OkStatus();
}

absl::Status Unsubscribe(const CommandEnv& env, const ParsedArgs& args) {
  ECOPLAN_ASSIGN_OR_RETURN(nv1::Subscription current, GetSubscription(env, args));
  nv1::DeleteSubscriptionRequest request;
  request.set_name(current.name());
  request.set_etag(current.etag());
  nv1::DeleteSubscriptionResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::DeleteSubscription, request,
                                    &response));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  *env.out << "deleted " << current.name() << " (" << current.url() << ") and its "
           << current.pending_deliveries() << " pending deliveries\n";
  return absl::OkStatus();
}

absl::Status RotateSecret(const CommandEnv& env, const ParsedArgs& args) {
  nv1::RotateSubscriptionSecretRequest request;
  request.set_name(Named(args.args()[0], "subscriptions"));
  absl::Duration grace = absl::Hours(24);
  if (args.Has("grace") && !absl::ParseDuration(args.Value("grace"), &grace)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--grace: \"", args.Value("grace"), "\" is not a duration (e.g. 24h, 0s)"));
  }
  request.mutable_previous_secret_grace()->set_seconds(absl::ToInt64Seconds(grace));
  ECOPLAN_ASSIGN_OR_RETURN(std::string secret, NewSecret());
  request.set_secret(secret);
  ECOPLAN_ASSIGN_OR_RETURN(std::string request_id, NewSecret());
  request.set_request_id(absl::StrCat("ctl-rotate-", request_id.substr(6, 22)));
  nv1::RotateSubscriptionSecretResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::RotateSubscriptionSecret,
                                    request, &response));
  if (env.options.output.format == OutputFormat::kJson) {
    PrintSecretOnce(*env.err, secret);
    return PrintJson(response, *env.out);
  }
  *env.out << response.subscription().name() << ": new secret "
           << (response.subscription().secrets_size() > 0
                   ? response.subscription().secrets(0).fingerprint()
                   : "")
           << "; the previous one keeps signing for " << absl::FormatDuration(grace) << "\n";
  PrintSecretOnce(*env.out, secret);
  return absl::OkStatus();
}

absl::Status Update(const CommandEnv& env, const ParsedArgs& args) {
  if (!args.Has("url") && !args.Has("kinds") && !args.Has("organizations") && !args.Has("plans") &&
      !args.Has("description")) {
    return absl::InvalidArgumentError(
        "nothing to change: give --url, --kinds, --organizations, --plans or --description");
  }
  ECOPLAN_ASSIGN_OR_RETURN(nv1::Subscription current, GetSubscription(env, args));
  nv1::UpdateSubscriptionRequest request;
  *request.mutable_subscription() = current;
  if (args.Has("url")) request.mutable_subscription()->set_url(args.Value("url"));
  ECOPLAN_RETURN_IF_ERROR(ApplyFilters(env, args, request.mutable_subscription()));
  nv1::UpdateSubscriptionResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::UpdateSubscription, request,
                                    &response));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  PrintSubscription(*env.out, response.subscription());
  return absl::OkStatus();
}

absl::Status RunSchedule(const CommandEnv& env, const ParsedArgs& args) {
  nv1::RunScheduleResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &nv1::NotificationService::Stub::RunSchedule,
                                    nv1::RunScheduleRequest(), &response));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  *env.out << "created " << response.created() << " notifications\n";
  return absl::OkStatus();
}

}  // namespace

std::vector<CommandGroup> NotificationCommandGroups() {
  CommandGroup g;
  g.name = "notify";
  g.summary = "notifications: inboxes, rules, webhook subscriptions and deliveries";
  const FlagSpec page_size = {"page-size", "N", "at most N per page (1..500)"};
  const FlagSpec page_token = {"page-token", "TOKEN", "the next page, from a previous listing"};
  g.commands.push_back(
      {"inbox",
       "ORGANIZATION [--unread] [--kind KIND] [--page-size N] [--page-token T]",
       "an organization's notifications, newest first; ORGANIZATION: a name (区水务局) or its id",
       1,
       1,
       {kServerFlag,
        {"unread", "", "only unread ones"},
        {"kind", "KIND",
         "only this kind: its name (SUPERVISION_REPLY_OVERDUE) or label (催办, 督办下达 …)"},
        page_size,
        page_token},
       Inbox});
  g.commands.push_back({"show",
                        "NOTIFICATION",
                        "one notification in full: its text, and who acknowledged it with what "
                        "disposal note and reference",
                        1,
                        1,
                        {kServerFlag},
                        Show});
  g.commands.push_back(
      {"read", "NOTIFICATION", "mark a notification read", 1, 1, {kServerFlag}, Read});
  g.commands.push_back(
      {"ack",
       "NOTIFICATION [--comment TEXT] [--ref CASE_NUMBER]",
       "acknowledge (签收) a notification: an overdue item stops escalating; a repeat changes "
       "nothing, except that a reference given later is recorded",
       1,
       1,
       {kServerFlag,
        {"comment", "TEXT", "a disposal note (处置意见), up to 2000 characters"},
        {"ref", "CASE_NUMBER",
         "your own reference, e.g. the command center's case number (案件号), up to 64 "
         "characters"}},
       Ack});
  g.commands.push_back({"rules", "", "the notification rules", 0, 0, {kServerFlag}, Rules});
  g.commands.push_back({"subscriptions",
                        "",
                        "webhook subscriptions (secrets as fingerprints)",
                        0,
                        0,
                        {kServerFlag},
                        Subscriptions});
  g.commands.push_back({"deliveries",
                        "SUBSCRIPTION [--page-size N] [--page-token T]",
                        "a subscription's deliveries and their last attempt",
                        1,
                        1,
                        {kServerFlag, page_size, page_token},
                        Deliveries});
  g.commands.push_back({"replay",
                        "DELIVERY",
                        "queue a delivery again (same webhook-id); the subscription's waiting "
                        "delivery is attempted at once",
                        1,
                        1,
                        {kServerFlag},
                        Replay});
  g.commands.push_back({"enable",
                        "SUBSCRIPTION [--disable]",
                        "re-enable a failing or disabled subscription (or disable it); its "
                        "waiting delivery is attempted at once",
                        1,
                        1,
                        {kServerFlag, {"disable", "", "disable instead"}},
                        Enable});
  const FlagSpec kinds = {"kinds", "KIND,…",
                          "only these kinds (names or labels, e.g. 催办,REPORT_OVERDUE); "
                          "empty: all"};
  const FlagSpec organizations = {
      "organizations", "ORG,…",
      "only notifications to these organizations (names, aliases or ids); empty: all"};
  const FlagSpec plans = {"plans", "PLAN,…", "only these plans; empty: all"};
  const FlagSpec description = {"description", "TEXT", "what the subscription is for"};
  g.commands.push_back(
      {"subscribe",
       "URL [--kinds K,…] [--organizations O,…] [--plans P,…] [--description TEXT]",
       "create a webhook subscription with a new signing secret, printed ONCE (the server keeps "
       "only its fingerprint)",
       1,
       1,
       {kServerFlag, kinds, organizations, plans, description},
       Subscribe});
  g.commands.push_back(
      {"update",
       "SUBSCRIPTION [--url URL] [--kinds K,…] [--organizations O,…] [--plans P,…] "
       "[--description TEXT]",
       "change a subscription's URL, filters or description",
       1,
       1,
       {kServerFlag,
        {"url", "URL", "the new receiving URL"},
        kinds,
        organizations,
        plans,
        description},
       Update});
  g.commands.push_back(
      {"rotate-secret",
       "SUBSCRIPTION [--grace DURATION]",
       "sign with a new secret, printed ONCE; the previous one keeps signing for --grace "
       "(default 24h, at most 168h; 0s drops it at once)",
       1,
       1,
       {kServerFlag, {"grace", "DURATION", "how long the previous secret keeps signing"}},
       RotateSecret});
  g.commands.push_back({"unsubscribe",
                        "SUBSCRIPTION",
                        "delete a subscription and its pending deliveries",
                        1,
                        1,
                        {kServerFlag},
                        Unsubscribe});
  g.commands.push_back({"run-schedule",
                        "",
                        "run the schedule now (administrators)",
                        0,
                        0,
                        {kServerFlag},
                        RunSchedule});
  g.notes =
      "Names may be given with or without their collection: o-1a2b or organizations/o-1a2b,\n"
      "n-000000000042 or notifications/n-000000000042.\n"
      "Kinds show with their label: 督办下达, 催办, 回复退回, 督办升级, 督办销号, 待核查回复,\n"
      "督办任务, 待审报告, 延期申请, 办结申请, 问题逾期, 待核查整改, 问题重新打开, 问题交办,\n"
      "问题销号, …; --kind takes either.\n"
      "The command center (a viewer token whose org names its organization) reads, marks and\n"
      "acknowledges its own inbox: notify ack n-… --ref 案件号 --comment 处置意见.\n";
  return {g};
}

}  // namespace ecoplan::ctl
