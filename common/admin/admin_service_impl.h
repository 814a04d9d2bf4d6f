#pragma once

#include <string>

#include "common/admin/backup_manager.h"
#include "common/audit/audit_log.h"
#include "common/auth/call_authenticator.h"
#include "common/concurrency/serial_executor.h"
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
  BackupManager* const backups_;
  const std::string service_name_;
  const CallAuthenticator* const auth_;
  const AuditLog* const audit_;
  SerialExecutor worker_;  // last member: drained before the others go
};

}  // namespace ecoplan::common
