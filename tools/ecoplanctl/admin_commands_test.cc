// ecoplanctl's admin commands against a real AdminService on a temporary database.

#include "tools/ecoplanctl/admin_commands.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/admin/admin_policy.h"
#include "common/admin/admin_service_impl.h"
#include "common/audit/audit_log.h"
#include "common/server/run_server.h"
#include "common/storage/key_codec.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "tools/ecoplanctl/testing/command_test.h"

namespace ecoplan::ctl {
namespace {

class AdminCommandsTest : public ctl_testing::CommandTest {
 protected:
  void SetUp() override {
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    backups_ = std::make_unique<common::BackupManager>(db_.get(), dir_.Sub("backups"), &clock_);
    common::CallAuthenticatorOptions dev;
    dev.insecure_development_mode = true;
    auth_ = std::make_unique<common::CallAuthenticator>(dev, nullptr, &common::AdminPolicy(),
                                                        nullptr, nullptr, common::Logger("test"));
    ASSERT_OK_AND_ASSIGN(audit_, common::AuditLog::Open(db_.get(), &clock_));
    service_ = std::make_unique<common::AdminServiceImpl>(backups_.get(), "test.Service",
                                                          auth_.get(), audit_.get());
    common::ServerOptions server_options;
    server_options.host = "127.0.0.1";
    ASSERT_OK_AND_ASSIGN(server_, common::RunningServer::Start(server_options, {service_.get()}));
    cli_ = std::make_unique<Cli>("ecoplanctl", absl::StrCat("127.0.0.1:", server_->port()));
    for (auto& group : AdminCommandGroups()) cli_->AddGroup(std::move(group));
  }

  int Run(std::vector<std::string> args) { return RunCli(*cli_, args); }

  common::TempDir dir_;
  common::FakeClock clock_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<common::BackupManager> backups_;
  std::unique_ptr<common::AuditLog> audit_;
  std::unique_ptr<common::CallAuthenticator> auth_;
  std::unique_ptr<common::AdminServiceImpl> service_;
  std::unique_ptr<common::RunningServer> server_;
  std::unique_ptr<Cli> cli_;
};

TEST_F(AdminCommandsTest, TakesListsAndPrunesBackups) {
  ASSERT_EQ(Run({"admin", "backup"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("backups/"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("test.Service"), std::string::npos) << out_.str();
  clock_.Advance(absl::Minutes(1));
  ASSERT_EQ(Run({"admin", "backup", "--keep-last", "1"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("deleted backups/"), std::string::npos) << out_.str();
  ASSERT_EQ(Run({"--output", "json", "admin", "backups"}), 0) << err_.str();
  EXPECT_EQ(out_.str().find("\"name\""), out_.str().rfind("\"name\"")) << out_.str();  // one left
  EXPECT_EQ(Run({"admin", "backup", "--keep-last", "-3"}), 2);
}

TEST_F(AdminCommandsTest, NamesTheServerThatHasNoBackupDirectory) {
  common::BackupManager none(db_.get(), "", &clock_);
  common::AdminServiceImpl service(&none, "test.Service", auth_.get());
  common::ServerOptions options;
  options.host = "127.0.0.1";
  ASSERT_OK_AND_ASSIGN(auto server, common::RunningServer::Start(options, {&service}));
  EXPECT_EQ(Run({"admin", "backup", "--target", absl::StrCat("127.0.0.1:", server->port())}), 1);
  EXPECT_NE(err_.str().find("FAILED_PRECONDITION"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("--backup_dir"), std::string::npos) << err_.str();
}

TEST_F(AdminCommandsTest, ListsAuditRecordsAsATableOrJsonWithFilters) {
  for (const char* code : {"OK", "PERMISSION_DENIED"}) {
    clock_.Advance(absl::Minutes(1));
    ecoplan::admin::v1::AuditRecord record;
    record.set_method("/ecoplan.registry.v1.RegistryService/ImportPlan");
    record.set_code(code);
    record.set_peer("ipv4:10.0.0.9:40000");
    record.mutable_actor()->set_authenticated(true);
    record.mutable_actor()->set_subject(std::string("caller-") + code);
    record.mutable_actor()->set_role("administrator");
    ASSERT_OK(audit_->Append(record));
  }
  ASSERT_EQ(Run({"admin", "audit"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("registry ImportPlan"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("caller-OK"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("ipv4:10.0.0.9:40000"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("2 records"), std::string::npos) << out_.str();

  ASSERT_EQ(Run({"--output", "json", "admin", "audit", "--code", "permission_denied"}), 0)
      << err_.str();
  EXPECT_NE(out_.str().find("caller-PERMISSION_DENIED"), std::string::npos) << out_.str();
  EXPECT_EQ(out_.str().find("caller-OK"), std::string::npos) << out_.str();

  ASSERT_EQ(Run({"admin", "audit", "--page-size", "1"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("more: --page-token n2"), std::string::npos) << out_.str();
  EXPECT_EQ(Run({"admin", "audit", "--since", "yesterday"}), 2);
}

TEST_F(AdminCommandsTest, VerifiesTheAuditChainAndNamesTheFirstBrokenRecord) {
  for (const char* subject : {"a", "b", "c"}) {
    ecoplan::admin::v1::AuditRecord record;
    record.set_method("/ecoplan.registry.v1.RegistryService/ImportPlan");
    record.mutable_actor()->set_subject(subject);
    ASSERT_OK(audit_->Append(record));
  }
  ASSERT_EQ(Run({"admin", "audit", "verify"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("the chain holds"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("auditRecords/00000000000000000003"), std::string::npos) << out_.str();

  // Record 2 altered in the database.
  std::string bytes;
  rocksdb::ColumnFamilyHandle* cf = db_->Cf(common::AuditLog::kColumnFamily);
  ASSERT_TRUE(db_->db()->Get(rocksdb::ReadOptions(), cf, common::EncodeUint64(2), &bytes).ok());
  ecoplan::admin::v1::AuditRecord altered;
  ASSERT_TRUE(altered.ParseFromString(bytes));
  altered.mutable_actor()->set_subject("mallory");
  ASSERT_TRUE(
      db_->db()
          ->Put(rocksdb::WriteOptions(), cf, common::EncodeUint64(2), altered.SerializeAsString())
          .ok());
  out_.str("");
  err_.str("");
  EXPECT_EQ(Run({"admin", "audit", "verify"}), 1);
  EXPECT_NE(err_.str().find("DATA_LOSS"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("breaks at record 2 "), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"admin", "audit", "check"}), 2) << "verify is the only action";
}

}  // namespace
}  // namespace ecoplan::ctl

namespace ecoplan::ctl {
namespace {

// Offline restore: the backup is verified, then swapped in for a stopped
// service's database, the old one kept aside.
TEST_F(AdminCommandsTest, RestoresAVerifiedBackupIntoAStoppedServicesDatabase) {
  common::RocksDbOptions options;
  options.path = dir_.Sub("service-db");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<common::RocksDb> service_db, common::RocksDb::Open(options));
  common::WriteRequest change;
  change.events.emplace_back().set_type("ThingPut");
  ASSERT_TRUE(service_db->Commit(std::move(change)).ok());
  common::BackupManager backups(service_db.get(), dir_.Sub("service-backups"), &clock_);
  ASSERT_OK_AND_ASSIGN(common::BackupInfo backup, backups.Create());
  common::WriteRequest later;
  later.events.emplace_back().set_type("ThingPut");
  ASSERT_TRUE(service_db->Commit(std::move(later)).ok());

  ASSERT_EQ(Run({"admin", "restore", backup.path, "--verify-only"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("every table file read and checked"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("Last event"), std::string::npos);
  out_.str("");
  service_db.reset();  // the service is stopped (a running one: RestoreTest)
  ASSERT_EQ(Run({"admin", "restore", backup.path, "--db", options.path}), 0) << err_.str();
  EXPECT_NE(out_.str().find("restored into " + options.path), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find(".before-restore-"), std::string::npos) << out_.str();
  ASSERT_OK_AND_ASSIGN(service_db, common::RocksDb::Open(options));
  EXPECT_EQ(service_db->LastEventSequence(), 1u);
  EXPECT_EQ(Run({"admin", "restore", backup.path}), 2) << "neither --db nor --verify-only";
}

}  // namespace
}  // namespace ecoplan::ctl
