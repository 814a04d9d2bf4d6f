#pragma once

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/admin/admin_policy.h"
#include "common/admin/backup_manager.h"
#include "common/audit/audit_log.h"
#include "common/auth/call_authenticator.h"
#include "common/concurrency/serial_executor.h"
#include "common/status/grpc_status.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"

namespace ecoplan::common {

// gRPC edge of the operator API (ecoplan.admin.v1.AdminService), served by
// every ecoplan server beside its own service. Backups run on their own
// thread, never on a gRPC thread. Every call is authenticated and authorized
// by `auth` against AdminPolicy(). `backups` and `auth` must outlive the service.
class AdminServiceImpl final : public ecoplan::admin::v1::AdminService::CallbackService {
 public:
  // `service_name` is recorded in each Backup, e.g. "ecoplan.registry.v1.RegistryService".
  // `audit` (may be null: ListAuditRecords is then FAILED_PRECONDITION) must
  // outlive the service too.
  AdminServiceImpl(BackupManager* backups, std::string service_name, const CallAuthenticator* auth,
                   const AuditLog* audit = nullptr);

  grpc::ServerUnaryReactor* CreateBackup(
      grpc::CallbackServerContext* ctx, const ecoplan::admin::v1::CreateBackupRequest* request,
      ecoplan::admin::v1::CreateBackupResponse* response) override;
  grpc::ServerUnaryReactor* ListBackups(grpc::CallbackServerContext* ctx,
                                        const ecoplan::admin::v1::ListBackupsRequest* request,
                                        ecoplan::admin::v1::ListBackupsResponse* response) override;
  grpc::ServerUnaryReactor* ListAuditRecords(
      grpc::CallbackServerContext* ctx, const ecoplan::admin::v1::ListAuditRecordsRequest* request,
      ecoplan::admin::v1::ListAuditRecordsResponse* response) override;
  grpc::ServerUnaryReactor* VerifyAuditLog(
      grpc::CallbackServerContext* ctx, const ecoplan::admin::v1::VerifyAuditLogRequest* request,
      ecoplan::admin::v1::VerifyAuditLogResponse* response) override;

 private:
  // Authorizes `method`, then answers with `read(audit log)` computed off the
  // gRPC thread (a scan of the log); FAILED_PRECONDITION without a log.
  template <typename Response, typename Read>
  grpc::ServerUnaryReactor* AnswerFromAuditLog(grpc::CallbackServerContext* ctx,
                                               absl::string_view method, Response* response,
                                               Read read) {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    if (absl::Status allowed =
            auth_->Authorize(*ctx, AdminMethod(method), ResourceScope::Any()).status();
        !allowed.ok()) {
      reactor->Finish(ToGrpcStatus(allowed));
      return reactor;
    }
    if (audit_ == nullptr) {
      reactor->Finish(
          ToGrpcStatus(absl::FailedPreconditionError("this server keeps no audit log")));
      return reactor;
    }
    worker_.Submit([this, reactor, response, read = std::move(read)] {
      absl::StatusOr<Response> result = read(*audit_);
      if (result.ok()) *response = std::move(*result);
      reactor->Finish(ToGrpcStatus(result.status()));
    });
    return reactor;
  }

  BackupManager* const backups_;
  const std::string service_name_;
  const CallAuthenticator* const auth_;
  const AuditLog* const audit_;
  SerialExecutor worker_;  // last member: drained before the others go
};

}  // namespace ecoplan::common
