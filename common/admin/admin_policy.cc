#include "common/admin/admin_policy.h"

#include "absl/strings/str_cat.h"

namespace ecoplan::common {

const PolicyTable& AdminPolicy() {
  static const PolicyTable* const kPolicy = [] {
    auto* t = new PolicyTable;
    t->service = "ecoplan.admin.v1.AdminService";
    // Of the service principals, only the backup CronJobs (subject "backup"):
    // CreateBackup prunes old backups, so a follower must never reach it.
    for (const char* method : {"CreateBackup", "ListBackups"}) {
      t->Allow(method, {Role::kAdministrator}, {}, "operators and the backup CronJob");
      t->AllowServices(method, {std::string(kBackupSubject)});
    }
    t->Allow("ListAuditRecords", {Role::kAdministrator}, {},
             "the bureau's administrators only (who did what, from where)");
    t->Allow("VerifyAuditLog", {Role::kAdministrator}, {},
             "the bureau's administrators only (checks the audit log's hash chain)");
    return t;
  }();
  return *kPolicy;
}

std::string AdminMethod(absl::string_view method) {
  return absl::StrCat("/", AdminPolicy().service, "/", method);
}

std::unique_ptr<CallAuthenticator> AdminAuthenticator(const ServerSecurity& security,
                                                      MetricsRegistry* metrics,
                                                      const Logger& logger) {
  return std::make_unique<CallAuthenticator>(security.authenticator_options,
                                             security.verifier.get(), &AdminPolicy(),
                                             security.limiter.get(), metrics, logger);
}

}  // namespace ecoplan::common
