#include "common/admin/admin_service_impl.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/admin/admin_policy.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"

namespace ecoplan::common {
namespace {

namespace admin_v1 = ::ecoplan::admin::v1;

admin_v1::Backup ToProto(const BackupInfo& info, const std::string& service) {
  admin_v1::Backup out;
  out.set_name(absl::StrCat("backups/", info.id));
  // Relative to the backup directory: the server's file system layout is not
  // the caller's business (operators know their --backup_dir).
  out.set_path(info.id);
  out.mutable_create_time()->set_seconds(absl::ToUnixSeconds(info.create_time));
  out.set_last_event_sequence(info.last_event_sequence);
  out.set_size_bytes(info.size_bytes);
  out.set_service(service);
  return out;
}

}  // namespace

AdminServiceImpl::AdminServiceImpl(BackupManager* backups, std::string service_name,
                                   const CallAuthenticator* auth, const AuditLog* audit)
    : backups_(backups), service_name_(std::move(service_name)), auth_(auth), audit_(audit) {}

grpc::ServerUnaryReactor* AdminServiceImpl::CreateBackup(
    grpc::CallbackServerContext* ctx, const admin_v1::CreateBackupRequest* request,
    admin_v1::CreateBackupResponse* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  if (absl::Status allowed =
          auth_->Authorize(*ctx, AdminMethod("CreateBackup"), ResourceScope::Any()).status();
      !allowed.ok()) {
    reactor->Finish(ToGrpcStatus(allowed));
    return reactor;
  }
  worker_.Submit([this, reactor, request, response] {
    absl::Status status = [&]() -> absl::Status {
      if (request->keep_last() < 0 || request->keep_last() > 1000) {
        return absl::InvalidArgumentError("keep_last must be between 0 and 1000");
      }
      ECOPLAN_ASSIGN_OR_RETURN(BackupInfo info, backups_->Create());
      *response->mutable_backup() = ToProto(info, service_name_);
      ECOPLAN_ASSIGN_OR_RETURN(std::vector<std::string> deleted,
                               backups_->Prune(request->keep_last()));
      for (const std::string& id : deleted)
        response->add_deleted_backups(absl::StrCat("backups/", id));
      return absl::OkStatus();
    }();
    reactor->Finish(ToGrpcStatus(status));
  });
  return reactor;
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListBackups(grpc::CallbackServerContext* ctx,
                                                        const admin_v1::ListBackupsRequest* request,
                                                        admin_v1::ListBackupsResponse* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  if (absl::Status allowed =
          auth_->Authorize(*ctx, AdminMethod("ListBackups"), ResourceScope::Any()).status();
      !allowed.ok()) {
    reactor->Finish(ToGrpcStatus(allowed));
    return reactor;
  }
  worker_.Submit([this, reactor, response] {
    absl::StatusOr<std::vector<BackupInfo>> backups = backups_->List();
    if (backups.ok()) {
      for (const BackupInfo& info : *backups)
        *response->add_backups() = ToProto(info, service_name_);
    }
    reactor->Finish(ToGrpcStatus(backups.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListAuditRecords(
    grpc::CallbackServerContext* ctx, const admin_v1::ListAuditRecordsRequest* request,
    admin_v1::ListAuditRecordsResponse* response) {
  // A scan of up to AuditLog::kMaxScannedPerList records.
  return AnswerFromAuditLog(ctx, "ListAuditRecords", response,
                            [request](const AuditLog& log) { return log.List(*request); });
}

grpc::ServerUnaryReactor* AdminServiceImpl::VerifyAuditLog(
    grpc::CallbackServerContext* ctx, const admin_v1::VerifyAuditLogRequest* request,
    admin_v1::VerifyAuditLogResponse* response) {
  // A scan of up to a million records.
  return AnswerFromAuditLog(ctx, "VerifyAuditLog", response,
                            [request](const AuditLog& log) { return log.Verify(*request); });
}

}  // namespace ecoplan::common
