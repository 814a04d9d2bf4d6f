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
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
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

bool IsOrganizationField(const google::protobuf::FieldDescriptor& field) {
  return field.name() == "organization" || field.name() == "organization_id";
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

// The record of a call as far as the call itself tells: time, method, kind,
// code, message, peer, client, forwarded-for claim and, with valid
// credentials, the actor (only the verified principal, never credentials).
admin_v1::AuditRecord BaseRecord(const AuditInterceptorFactory& factory,
                                 const grpc::ServerContextBase* ctx, absl::string_view method,
                                 admin_v1::AuditCallKind kind, const grpc::Status& status,
                                 absl::Time start, absl::Time now) {
  admin_v1::AuditRecord record;
  *record.mutable_time() = TimeToProto(now);
  *record.mutable_duration() = DurationToProto(now - start);
  record.set_method(CleanUtf8(method, kMaxResourceBytes));
  record.set_call_kind(kind);
  record.set_code(CodeName(status.error_code()));
  record.set_message(CleanUtf8(status.error_message(), kMaxMessageBytes));
  if (ctx == nullptr) return record;
  record.set_peer(CleanUtf8(ctx->peer(), kMaxResourceBytes));
  const ClientAddress client = factory.authenticator().Client(*ctx);
  record.set_client_address(CleanUtf8(client.address, kMaxResourceBytes));
  record.set_forwarded_for(CleanUtf8(client.forwarded_for, kMaxResourceBytes));
  // The same check the handler made (the metadata has not changed); only
  // the verified principal is kept, never the credentials.
  absl::StatusOr<Principal> who = factory.authenticator().Authenticate(*ctx);
  if (who.ok()) {
    admin_v1::AuditActor* actor = record.mutable_actor();
    actor->set_authenticated(true);
    actor->set_subject(CleanUtf8(who->subject, kMaxResourceBytes));
    actor->set_organization_id(CleanUtf8(who->organization_id, kMaxResourceBytes));
    actor->set_role(std::string(RoleName(who->role)));
    actor->set_authenticated_via(std::string(AuthenticatedViaName(who->via)));
    actor->set_issuer(CleanUtf8(who->issuer, kMaxResourceBytes));
  }
  return record;
}

// Appends to `record` the changes among `events` (in sequence order) that
// the caller made: events up to `through_sequence` whose actor is the
// record's subject and, when the call has a request id, whose request id is
// the call's. Only for authenticated write calls.
void AppendCallChanges(admin_v1::AuditRecord& record,
                       const std::vector<ecoplan::common::v1::Event>& events,
                       uint64_t through_sequence) {
  uint32_t count = 0;
  for (const ecoplan::common::v1::Event& event : events) {
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

// The audit record of a write call, contributed to the batch of the first
// change the call commits (CommitContributorScope around its handler): the
// record and the change it acknowledges are one synced write. Its code is OK,
// its time the commit time, its duration from the call's start to the commit,
// its changes the events of that change; the rest is what the call told
// before its handler ran (`prototype`). Close() at the answer says whether the
// record was written; later commits of the call only count (uncovered).
class CallRecord : public CommitContributor {
 public:
  struct Outcome {
    bool written = false;            // in a change's batch, applied
    uint64_t uncovered_commits = 0;  // other commits of the call, without the record
  };

  CallRecord(AuditLog* log, admin_v1::AuditRecord prototype, absl::Time start)
      : log_(log), prototype_(std::move(prototype)), start_(start) {}

  void Contribute(const CommitResult& result, const std::vector<ecoplan::common::v1::Event>& events,
                  rocksdb::WriteBatch* batch) override {
    absl::MutexLock lock(&mu_);
    if (state_ != State::kOpen) {
      ++uncovered_commits_;
      return;
    }
    admin_v1::AuditRecord record = prototype_;
    *record.mutable_time() = TimeToProto(result.commit_time);
    *record.mutable_duration() = DurationToProto(result.commit_time - start_);
    record.set_code(CodeName(grpc::StatusCode::OK));
    if (record.call_kind() == admin_v1::AUDIT_CALL_KIND_WRITE && record.actor().authenticated()) {
      AppendCallChanges(record, events, UINT64_MAX);
    }
    log_->Stamp(&record, batch);
    state_ = State::kPending;
  }

  void Written(bool applied) override {
    log_->GroupWritten(applied);
    absl::MutexLock lock(&mu_);
    if (state_ == State::kPending) state_ = applied ? State::kWritten : State::kOpen;
  }

  // At the answer: no later commit carries the record.
  Outcome Close() {
    absl::MutexLock lock(&mu_);
    Outcome outcome{state_ == State::kWritten, uncovered_commits_};
    // A commit still in flight (a handler that answered before its commit
    // was done) keeps its record: the answer's own record is written too.
    if (state_ != State::kPending) state_ = State::kClosed;
    return outcome;
  }

  const admin_v1::AuditRecord& prototype() const { return prototype_; }

 private:
  enum class State { kOpen, kPending, kWritten, kClosed };

  AuditLog* const log_;
  const admin_v1::AuditRecord prototype_;
  const absl::Time start_;
  absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kOpen;
  uint64_t uncovered_commits_ ABSL_GUARDED_BY(mu_) = 0;
};

// One call's capture. Lives as long as the call; the record is built at
// PRE_SEND_STATUS and handed to the factory, which proceeds once it is synced
// (or counted into its client's aggregate, for a throttled call).
class AuditInterceptor : public grpc::experimental::Interceptor {
 public:
  AuditInterceptor(AuditInterceptorFactory* factory, grpc::experimental::ServerRpcInfo* info,
                   std::string method, bool read_only, bool always_recorded, bool known)
      : factory_(factory),
        info_(info),
        method_(std::move(method)),
        read_only_(read_only),
        always_recorded_(always_recorded),
        known_(known),
        start_time_(factory->clock().Now()),
        start_sequence_(factory->log().db()->LastEventSequence()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (!saw_request_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      saw_request_ = true;  // the first message of a stream names what it is about
      const void* message = methods->GetRecvMessage();
      if (message != nullptr && known_) {
        ExtractAuditRequestFields(*static_cast<const google::protobuf::Message*>(message),
                                  &request_id_, &resources_, &target_organization_);
      }
      if (known_ && !read_only_ && factory_->options().record_in_change_batch &&
          info_->type() == grpc::experimental::ServerRpcInfo::Type::UNARY &&
          !methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
        // A write: its record goes into the batch of the change its handler
        // commits. Built now, on the call's thread, with what the call tells
        // before it runs; the handler runs inside Proceed() when the
        // interceptors after this one proceed at once (they do), so the
        // scope covers the commits it makes before returning.
        call_record_ = std::make_shared<CallRecord>(
            &factory_->log(), BuildRecord(grpc::Status::OK, start_time_, /*use_prototype=*/false),
            start_time_);
        CommitContributorScope scope(call_record_);
        methods->Proceed();
        return;
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const bool recorded = !read_only_ || always_recorded_ || IsRefusal(status.error_code());
      const bool throttled = status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED &&
                             IsThrottledMessage(status.error_message());
      if (call_record_ != nullptr) {
        const CallRecord::Outcome outcome = call_record_->Close();
        if (outcome.written && status.ok() && outcome.uncovered_commits == 0) {
          // The record was synced with the change: nothing more to write.
          factory_->CountRecorded(method_, CodeName(status.error_code()));
          methods->Proceed();
          return;
        }
        // Otherwise (no change committed, an error after one, or more than
        // one commit) the call's record is written on its own, as below.
      }
      const absl::Time end_time = factory_->clock().Now();
      // This hook may run on the committer thread (a handler finishing in its
      // commit callback), so the record — token verification included — is
      // built on the factory's worker. The call (this interceptor, its
      // context) lives until Proceed().
      if (throttled &&
          (recorded || absl::StartsWith(status.error_message(), kRefusalThrottledMessage))) {
        factory_->Aggregate([this, status, end_time] { return BuildRecord(status, end_time); },
                            [methods] { methods->Proceed(); });
        return;
      }
      if (recorded || !known_) {
        const uint64_t through_sequence = factory_->log().db()->LastEventSequence();
        factory_->Capture(
            [this, status, end_time] {
              AuditInterceptorFactory::CapturedCall call{BuildRecord(status, end_time), false};
              // Calls no handler authorized — a made-up or unserved method, a
              // request that does not parse — take from the client's refusal
              // budget here (the handlers' refusals already did, in the
              // CallAuthenticator): past it they are only counted.
              const bool unserved = status.error_code() == grpc::StatusCode::UNIMPLEMENTED;
              const bool anonymous = !call.record.actor().authenticated() &&
                                     status.error_code() != grpc::StatusCode::UNAUTHENTICATED;
              if (unserved || anonymous) {
                call.throttled =
                    !factory_->authenticator().ThrottleRefusal(call.record.client_address()).ok();
              }
              return call;
            },
            start_sequence_, through_sequence, [methods] { methods->Proceed(); });
        return;  // proceeds once the record is synced
      }
    }
    methods->Proceed();
  }

 private:
  admin_v1::AuditRecord BuildRecord(const grpc::Status& status, absl::Time now,
                                    bool use_prototype = true) const {
    if (use_prototype && call_record_ != nullptr) {
      // Who, from where and what: as found before the handler ran.
      admin_v1::AuditRecord record = call_record_->prototype();
      *record.mutable_time() = TimeToProto(now);
      *record.mutable_duration() = DurationToProto(now - start_time_);
      record.set_code(CodeName(status.error_code()));
      record.set_message(CleanUtf8(status.error_message(), kMaxMessageBytes));
      return record;
    }
    if (!known_) {
      // Never the path itself: it is the client's free text, of any length.
      const grpc::Status unknown(status.error_code(),
                                 absl::StrCat("unknown method ", UnknownMethodExcerpt(method_)));
      return BaseRecord(*factory_, info_->server_context(), "unknown",
                        admin_v1::AUDIT_CALL_KIND_UNSPECIFIED, unknown, start_time_, now);
    }
    admin_v1::AuditRecord record =
        BaseRecord(*factory_, info_->server_context(), method_,
                   read_only_ ? admin_v1::AUDIT_CALL_KIND_READ : admin_v1::AUDIT_CALL_KIND_WRITE,
                   status, start_time_, now);
    record.set_request_id(request_id_);
    for (const std::string& resource : resources_) record.add_resources(resource);
    record.set_target_organization_id(target_organization_);
    return record;
  }

  AuditInterceptorFactory* const factory_;
  grpc::experimental::ServerRpcInfo* const info_;
  const std::string method_;
  const bool read_only_;
  const bool always_recorded_;
  const bool known_;
  const absl::Time start_time_;
  const uint64_t start_sequence_;
  bool saw_request_ = false;
  std::string request_id_;
  std::vector<std::string> resources_;
  std::string target_organization_;
  std::shared_ptr<CallRecord> call_record_;  // a write's record, for the change's batch
};

}  // namespace

void ExtractAuditRequestFields(const google::protobuf::Message& message, std::string* request_id,
                               std::vector<std::string>* resources) {
  ExtractAuditRequestFields(message, request_id, resources, nullptr);
}

void ExtractAuditRequestFields(const google::protobuf::Message& message, std::string* request_id,
                               std::vector<std::string>* resources, std::string* organization_id) {
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  const google::protobuf::Reflection* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated()) continue;
    if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING &&
        field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      if (field->name() == "request_id") {
        *request_id = CleanUtf8(reflection->GetString(message, field), kMaxResourceBytes);
      } else if (IsOrganizationField(*field)) {
        if (organization_id != nullptr) {
          *organization_id = CleanUtf8(reflection->GetString(message, field), kMaxResourceBytes);
        }
      } else if (IsResourceNameField(*field)) {
        const std::string value = reflection->GetString(message, field);
        if (!value.empty() && resources->size() < kMaxResources) {
          resources->push_back(CleanUtf8(value, kMaxResourceBytes));
        }
      }
    } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
               reflection->HasField(message, field)) {
      const google::protobuf::Message& inner = reflection->GetMessage(message, field);
      // The organization of the resource the request carries (e.g. a report's).
      for (const char* org_field : {"organization", "organization_id"}) {
        const google::protobuf::FieldDescriptor* org =
            inner.GetDescriptor()->FindFieldByName(org_field);
        if (organization_id != nullptr && organization_id->empty() && org != nullptr &&
            !org->is_repeated() && org->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
          *organization_id =
              CleanUtf8(inner.GetReflection()->GetString(inner, org), kMaxResourceBytes);
        }
      }
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
  // Reads whose names do not say so ("Verify" alone also names writes, e.g.
  // VerifySupervisionReply).
  if (name == "VerifyAuditLog") return true;
  for (absl::string_view prefix :
       {"Get", "List", "Watch", "Export", "Evaluate", "Resolve", "Stream", "Summarize"}) {
    // "Get" followed by an upper-case letter: GetPlan, not a hypothetical "Getaway".
    if (absl::StartsWith(name, prefix) && name.size() > prefix.size() &&
        absl::ascii_isupper(static_cast<unsigned char>(name[prefix.size()]))) {
      return true;
    }
  }
  return false;
}

bool IsAlwaysRecordedMethod(absl::string_view method_path) {
  return method_path == "/ecoplan.notification.v1.NotificationService/GetContacts" ||
         method_path == "/ecoplan.admin.v1.AdminService/ListAuditRecords" ||
         method_path == "/ecoplan.admin.v1.AdminService/VerifyAuditLog";
}

bool IsKnownMethod(absl::string_view method_path) {
  if (!absl::ConsumePrefix(&method_path, "/")) return false;
  const size_t slash = method_path.find('/');
  if (slash == absl::string_view::npos) return false;
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(method_path.substr(0, slash)));
  return service != nullptr &&
         service->FindMethodByName(std::string(method_path.substr(slash + 1))) != nullptr;
}

std::string UnknownMethodExcerpt(absl::string_view method_path) {
  constexpr size_t kMaxExcerpt = 64;
  std::string out = "\"";
  for (size_t i = 0; i < method_path.size() && i < kMaxExcerpt; ++i) {
    const char c = method_path[i];
    out.push_back(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                          c == '/' || c == '-'
                      ? c
                      : '?');
  }
  absl::StrAppend(&out, method_path.size() > kMaxExcerpt ? "…" : "", "\" (", method_path.size(),
                  " bytes)");
  return out;
}

AuditInterceptorFactory::AuditInterceptorFactory(AuditLog* log,
                                                 const CallAuthenticator* authenticator,
                                                 const Clock* clock, MetricsRegistry* metrics,
                                                 Logger logger, AuditCaptureOptions options)
    : log_(log),
      authenticator_(authenticator),
      clock_(clock),
      logger_(std::move(logger)),
      options_(std::move(options)),
      window_(authenticator->refusal_throttle() != nullptr
                  ? authenticator->refusal_throttle()->options().window
                  : options_.aggregate_window) {
  if (metrics != nullptr) {
    records_ = metrics->AddCounter("ecoplan_audit_records_total",
                                   "Audit records written, by method and answered code",
                                   {"grpc_method", "grpc_code"});
    failures_ = metrics->AddCounter(
        "ecoplan_audit_write_failures_total",
        "Audited calls whose audit record could not be written (the call was answered anyway)", {});
    aggregated_ = metrics->AddCounter(
        "ecoplan_audit_throttled_calls_total",
        "Throttled calls counted into aggregated audit records instead of records of their own",
        {});
  }
  flusher_ = std::thread([this] {
    absl::MutexLock lock(&aggregate_mu_);
    while (!stopping_) {
      aggregate_mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1));
      if (stopping_) break;
      aggregate_mu_.Unlock();
      FlushAggregates(/*all=*/false);
      aggregate_mu_.Lock();
    }
  });
}

AuditInterceptorFactory::~AuditInterceptorFactory() {
  {
    absl::MutexLock lock(&aggregate_mu_);
    stopping_ = true;
  }
  flusher_.join();
  FlushAggregates(/*all=*/true);
}

grpc::experimental::Interceptor* AuditInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  const absl::string_view method = info->method() == nullptr ? "" : info->method();
  if (!absl::StartsWith(method, options_.method_prefix)) return nullptr;
  const MethodClass c = ClassOf(method);
  return new AuditInterceptor(this, info, std::string(method), c.read_only, c.always_recorded,
                              c.known);
}

AuditInterceptorFactory::MethodClass AuditInterceptorFactory::ClassOf(absl::string_view method) {
  {
    absl::ReaderMutexLock lock(&classes_mu_);
    auto it = classes_.find(method);
    if (it != classes_.end()) return it->second;
  }
  MethodClass c;
  c.known = options_.is_known(method);
  c.read_only = c.known && options_.is_read_only(method);
  c.always_recorded = c.known && options_.is_always_recorded(method);
  if (c.known) {
    absl::MutexLock lock(&classes_mu_);
    classes_.emplace(method, c);
  }
  return c;
}

void AuditInterceptorFactory::Capture(std::function<CapturedCall()> build, uint64_t after_sequence,
                                      uint64_t through_sequence, std::function<void()> proceed) {
  worker_.Submit([this, build = std::move(build), after_sequence, through_sequence,
                  proceed = std::move(proceed)]() mutable {
    CapturedCall call = build();
    if (call.throttled) {
      Count(std::move(call.record));  // past the client's refusal budget: only counted
      proceed();
      return;
    }
    AddChanges(call.record, after_sequence, through_sequence);
    Write(std::move(call.record), std::move(proceed));
  });
}

void AuditInterceptorFactory::Aggregate(std::function<admin_v1::AuditRecord()> build,
                                        std::function<void()> proceed) {
  worker_.Submit([this, build = std::move(build), proceed = std::move(proceed)] {
    Count(build());
    proceed();
  });
}

void AuditInterceptorFactory::Count(admin_v1::AuditRecord record) {
  if (aggregated_ != nullptr) aggregated_->Increment({});
  std::string key = absl::StrCat(record.client_address(), "\n", record.actor().subject());
  absl::MutexLock lock(&aggregate_mu_);
  auto it = aggregates_.find(key);
  if (it == aggregates_.end()) {
    if (aggregates_.size() >= options_.max_aggregated_clients) {
      key = "*";  // one record for every client beyond the bound
      record.clear_actor();
      record.set_client_address("(other clients)");
      record.clear_forwarded_for();
      it = aggregates_.find(key);
    }
    if (it == aggregates_.end()) {
      it = aggregates_.emplace(key, Aggregated()).first;
      it->second.start = clock_->Now();
      it->second.first = record;
    }
  }
  Aggregated& aggregate = it->second;
  ++aggregate.count;
  if (std::find(aggregate.methods.begin(), aggregate.methods.end(), record.method()) ==
      aggregate.methods.end()) {
    if (aggregate.methods.size() < 4) {
      aggregate.methods.push_back(record.method());
    } else {
      ++aggregate.more_methods;
    }
  }
}

void AuditInterceptorFactory::FlushAggregates(bool all) {
  const absl::Time now = clock_->Now();
  std::vector<Aggregated> due;
  {
    absl::MutexLock lock(&aggregate_mu_);
    for (auto it = aggregates_.begin(); it != aggregates_.end();) {
      if (all || now - it->second.start >= window_) {
        due.push_back(std::move(it->second));
        aggregates_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  for (Aggregated& aggregate : due) {
    admin_v1::AuditRecord record;
    *record.mutable_time() = TimeToProto(now);
    *record.mutable_duration() = DurationToProto(now - aggregate.start);
    record.set_method(aggregate.methods.empty() ? "" : aggregate.methods.front());
    record.set_call_kind(admin_v1::AUDIT_CALL_KIND_THROTTLED_REFUSALS);
    record.set_code(CodeName(grpc::StatusCode::RESOURCE_EXHAUSTED));
    const std::string methods = absl::StrCat(
        absl::StrJoin(aggregate.methods, ", "),
        aggregate.more_methods > 0 ? absl::StrCat(" and ", aggregate.more_methods, " more")
                                   : std::string());
    record.set_message(
        CleanUtf8(absl::StrCat(aggregate.count,
                               " calls throttled after too many refusals (or over the "
                               "rate limit), not recorded one by one; methods: ",
                               methods),
                  kMaxMessageBytes));
    *record.mutable_actor() = aggregate.first.actor();
    record.set_client_address(aggregate.first.client_address());
    record.set_forwarded_for(aggregate.first.forwarded_for());
    record.set_refused_count(aggregate.count);
    // The log's one line per client and window.
    logger_.Warn("calls throttled after too many refusals",
                 {{"client", record.client_address()},
                  {"subject", record.actor().subject()},
                  {"count", static_cast<int64_t>(aggregate.count)},
                  {"window", absl::FormatDuration(now - aggregate.start)},
                  {"methods", methods}});
    if (all) {
      // From the destructor: wait, the database goes next.
      absl::Notification written;
      Write(std::move(record), [&written] { written.Notify(); });
      written.WaitForNotification();
    } else {
      Write(std::move(record), nullptr);
    }
  }
}

void AuditInterceptorFactory::Write(admin_v1::AuditRecord record, std::function<void()> done) {
  const std::string method = record.method();
  const std::string code = record.code();
  log_->AppendAsync(std::move(record), [this, method, code,
                                        done = std::move(done)](absl::StatusOr<uint64_t> sequence) {
    if (sequence.ok()) {
      CountRecorded(method, code);
    } else {
      if (failures_ != nullptr) failures_->Increment({});
      // One line per outage (a full disk refuses thousands a second); the
      // count is ecoplan_audit_write_failures_total.
      if (!audit_failing_.exchange(true)) {
        logger_.Error(
            "audit record not written; until one is, further failures are only counted "
            "(ecoplan_audit_write_failures_total)",
            {{"method", method}, {"code", code}, {"error", sequence.status().ToString()}});
      }
    }
    if (done) done();
  });
}

void AuditInterceptorFactory::CountRecorded(const std::string& method, const std::string& code) {
  if (records_ != nullptr) records_->Increment({method, code});
  if (audit_failing_.exchange(false)) logger_.Info("audit records written again");
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
  AppendCallChanges(record, *events, through_sequence);
}

}  // namespace ecoplan::common
