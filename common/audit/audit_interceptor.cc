#include "common/audit/audit_interceptor.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/mapping/proto_values.h"

namespace ecoplan::common {
namespace {

namespace admin_v1 = ::ecoplan::admin::v1;
using grpc::experimental::InterceptionHookPoints;

constexpr size_t kMaxMessageBytes = 512;
constexpr size_t kMaxResourceBytes = 256;
constexpr int kMaxResources = 8;
constexpr int kMaxChanges = 32;

// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t n;
  uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// `text` as valid UTF-8 (a proto3 string field must be: a record that does not
// parse would hide every later one from a scan) of at most `max_bytes`,
// invalid bytes replaced by '?', cut at a character boundary.
std::string CleanUtf8(absl::string_view text, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  for (size_t i = 0; i < text.size();) {
    const size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      if (out.size() + 1 > max_bytes) break;
      out.push_back('?');
      ++i;
      continue;
    }
    if (out.size() + n > max_bytes) break;
    out.append(text.data() + i, n);
    i += n;
  }
  return out;
}

bool IsResourceNameField(const google::protobuf::FieldDescriptor& field) {
  const std::string& name = field.name();
  return name == "name" || name == "parent" ||
         (absl::EndsWith(name, "_name") && name != "display_name");
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

bool IsRefusal(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::PERMISSION_DENIED;
}

// One call's capture. Lives as long as the call; the record is built at
// PRE_SEND_STATUS and handed to the factory, which proceeds once it is synced.
class AuditInterceptor : public grpc::experimental::Interceptor {
 public:
  AuditInterceptor(AuditInterceptorFactory* factory, grpc::experimental::ServerRpcInfo* info,
                   std::string method, bool read_only)
      : factory_(factory),
        info_(info),
        method_(std::move(method)),
        read_only_(read_only),
        start_time_(factory->clock().Now()),
        start_sequence_(factory->log().db()->LastEventSequence()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (!saw_request_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      saw_request_ = true;  // the first message of a stream names what it is about
      const void* message = methods->GetRecvMessage();
      if (message != nullptr) {
        ExtractAuditRequestFields(*static_cast<const google::protobuf::Message*>(message),
                                  &request_id_, &resources_);
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      if (!read_only_ || IsRefusal(status.error_code())) {
        const uint64_t through_sequence = factory_->log().db()->LastEventSequence();
        const absl::Time end_time = factory_->clock().Now();
        // This hook may run on the committer thread (a handler finishing in its
        // commit callback), so the record — token verification included — is
        // built on the factory's worker. The call (this interceptor, its
        // context) lives until Proceed().
        factory_->Capture([this, status, end_time] { return BuildRecord(status, end_time); },
                          start_sequence_, through_sequence, [methods] { methods->Proceed(); });
        return;  // proceeds once the record is synced
      }
    }
    methods->Proceed();
  }

 private:
  admin_v1::AuditRecord BuildRecord(const grpc::Status& status, absl::Time now) const {
    admin_v1::AuditRecord record;
    *record.mutable_time() = TimeToProto(now);
    *record.mutable_duration() = DurationToProto(now - start_time_);
    record.set_method(CleanUtf8(method_, kMaxResourceBytes));
    record.set_call_kind(read_only_ ? admin_v1::AUDIT_CALL_KIND_READ
                                    : admin_v1::AUDIT_CALL_KIND_WRITE);
    record.set_code(CodeName(status.error_code()));
    record.set_message(CleanUtf8(status.error_message(), kMaxMessageBytes));
    record.set_request_id(request_id_);
    for (const std::string& resource : resources_) record.add_resources(resource);
    const grpc::ServerContextBase* ctx = info_->server_context();
    if (ctx != nullptr) {
      record.set_peer(CleanUtf8(ctx->peer(), kMaxResourceBytes));
      // The same check the handler made (the metadata has not changed); only
      // the verified principal is kept, never the credentials.
      absl::StatusOr<Principal> who = factory_->authenticator().Authenticate(*ctx);
      if (who.ok()) {
        admin_v1::AuditActor* actor = record.mutable_actor();
        actor->set_authenticated(true);
        actor->set_subject(CleanUtf8(who->subject, kMaxResourceBytes));
        actor->set_organization_id(CleanUtf8(who->organization_id, kMaxResourceBytes));
        actor->set_role(std::string(RoleName(who->role)));
        actor->set_authenticated_via(std::string(AuthenticatedViaName(who->via)));
        actor->set_issuer(CleanUtf8(who->issuer, kMaxResourceBytes));
      }
    }
    return record;
  }

  AuditInterceptorFactory* const factory_;
  grpc::experimental::ServerRpcInfo* const info_;
  const std::string method_;
  const bool read_only_;
  const absl::Time start_time_;
  const uint64_t start_sequence_;
  bool saw_request_ = false;
  std::string request_id_;
  std::vector<std::string> resources_;
};

}  // namespace

void ExtractAuditRequestFields(const google::protobuf::Message& message, std::string* request_id,
                               std::vector<std::string>* resources) {
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  const google::protobuf::Reflection* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated()) continue;
    if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING &&
        field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      if (field->name() == "request_id") {
        *request_id = CleanUtf8(reflection->GetString(message, field), kMaxResourceBytes);
      } else if (IsResourceNameField(*field)) {
        const std::string value = reflection->GetString(message, field);
        if (!value.empty() && resources->size() < kMaxResources) {
          resources->push_back(CleanUtf8(value, kMaxResourceBytes));
        }
      }
    } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
               reflection->HasField(message, field)) {
      const google::protobuf::Message& inner = reflection->GetMessage(message, field);
      const google::protobuf::FieldDescriptor* name =
          inner.GetDescriptor()->FindFieldByName("name");
      if (name != nullptr && !name->is_repeated() &&
          name->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
        const std::string value = inner.GetReflection()->GetString(inner, name);
        if (!value.empty() && resources->size() < kMaxResources) {
          resources->push_back(CleanUtf8(value, kMaxResourceBytes));
        }
      }
    }
  }
}

bool IsReadOnlyMethod(absl::string_view method_path) {
  const size_t slash = method_path.rfind('/');
  const absl::string_view name =
      slash == absl::string_view::npos ? method_path : method_path.substr(slash + 1);
  for (absl::string_view prefix :
       {"Get", "List", "Watch", "Export", "Evaluate", "Resolve", "Summarize", "Stream"}) {
    // "Get" followed by an upper-case letter: GetPlan, not a hypothetical "Getaway".
    if (absl::StartsWith(name, prefix) && name.size() > prefix.size() &&
        absl::ascii_isupper(static_cast<unsigned char>(name[prefix.size()]))) {
      return true;
    }
  }
  return false;
}

AuditInterceptorFactory::AuditInterceptorFactory(AuditLog* log,
                                                 const CallAuthenticator* authenticator,
                                                 const Clock* clock, MetricsRegistry* metrics,
                                                 Logger logger, AuditCaptureOptions options)
    : log_(log),
      authenticator_(authenticator),
      clock_(clock),
      logger_(std::move(logger)),
      options_(std::move(options)) {
  if (metrics != nullptr) {
    records_ = metrics->AddCounter("ecoplan_audit_records_total",
                                   "Audit records written, by method and answered code",
                                   {"grpc_method", "grpc_code"});
    failures_ = metrics->AddCounter(
        "ecoplan_audit_write_failures_total",
        "Audited calls whose audit record could not be written (the call was answered anyway)", {});
  }
}

grpc::experimental::Interceptor* AuditInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  const absl::string_view method = info->method() == nullptr ? "" : info->method();
  if (!absl::StartsWith(method, options_.method_prefix)) return nullptr;
  return new AuditInterceptor(this, info, std::string(method), options_.is_read_only(method));
}

void AuditInterceptorFactory::Capture(std::function<admin_v1::AuditRecord()> build,
                                      uint64_t after_sequence, uint64_t through_sequence,
                                      std::function<void()> proceed) {
  worker_.Submit([this, build = std::move(build), after_sequence, through_sequence,
                  proceed = std::move(proceed)]() mutable {
    admin_v1::AuditRecord record = build();
    AddChanges(record, after_sequence, through_sequence);
    const std::string method = record.method();
    const std::string code = record.code();
    log_->AppendAsync(std::move(record), [this, method, code, proceed = std::move(proceed)](
                                             absl::StatusOr<uint64_t> sequence) {
      if (sequence.ok()) {
        if (records_ != nullptr) records_->Increment({method, code});
      } else {
        if (failures_ != nullptr) failures_->Increment({});
        logger_.Error(
            "audit record not written",
            {{"method", method}, {"code", code}, {"error", sequence.status().ToString()}});
      }
      proceed();
    });
  });
}

void AuditInterceptorFactory::AddChanges(admin_v1::AuditRecord& record, uint64_t after_sequence,
                                         uint64_t through_sequence) const {
  if (record.call_kind() != admin_v1::AUDIT_CALL_KIND_WRITE || !record.actor().authenticated() ||
      through_sequence <= after_sequence) {
    return;
  }
  const size_t window = static_cast<size_t>(
      std::min<uint64_t>(through_sequence - after_sequence, options_.max_events_examined));
  absl::StatusOr<std::vector<ecoplan::common::v1::Event>> events =
      log_->db()->ReadEvents(after_sequence, window);
  if (!events.ok()) {
    logger_.Error("audit: cannot read the call's events",
                  {{"method", record.method()}, {"error", events.status().ToString()}});
    return;
  }
  uint32_t count = 0;
  for (const ecoplan::common::v1::Event& event : *events) {
    if (event.sequence() > through_sequence) break;
    if (event.actor() != record.actor().subject()) continue;
    if (!record.request_id().empty() && event.request_id() != record.request_id()) continue;
    ++count;
    if (record.changes_size() < kMaxChanges) {
      admin_v1::AuditChange* change = record.add_changes();
      change->set_event_sequence(event.sequence());
      change->set_type(CleanUtf8(event.type(), kMaxResourceBytes));
      change->set_resource(CleanUtf8(event.resource(), kMaxResourceBytes));
    }
  }
  record.set_change_count(count);
}

}  // namespace ecoplan::common
