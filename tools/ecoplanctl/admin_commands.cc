#include "tools/ecoplanctl/admin_commands.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"
#include "tools/ecoplanctl/channel.h"
#include "tools/ecoplanctl/output.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace admin_v1 = ::ecoplan::admin::v1;

const FlagSpec kTargetFlag = {"target", "ADDRESS",
                              "the server to act on (host:port); default: the --registry address"};

std::unique_ptr<admin_v1::AdminService::Stub> StubFor(const CommandEnv& env, const ParsedArgs& args) {
  return admin_v1::AdminService::NewStub(
      MakeChannel(args.Value("target", env.options.registry_address), env.options.connection));
}

std::string Size(int64_t bytes) {
  if (bytes >= (1 << 20)) return absl::StrCat(bytes / (1 << 20), " MiB");
  if (bytes >= (1 << 10)) return absl::StrCat(bytes / (1 << 10), " KiB");
  return absl::StrCat(bytes, " B");
}

void PrintBackups(const google::protobuf::RepeatedPtrField<admin_v1::Backup>& backups,
                  std::ostream& out) {
  Table table({"NAME", "TAKEN", "LAST EVENT", "SIZE", "PATH"});
  for (const admin_v1::Backup& b : backups) {
    table.AddRow({b.name(), FormatTimestamp(b.create_time()), absl::StrCat(b.last_event_sequence()),
                  Size(b.size_bytes()), b.path()});
  }
  table.Print(out);
}

absl::Status Backup(const CommandEnv& env, const ParsedArgs& args) {
  ECOPLAN_ASSIGN_OR_RETURN(int keep_last, args.Int("keep-last", 0));
  if (keep_last < 0) return UsageError("--keep-last must not be negative");
  admin_v1::CreateBackupRequest request;
  request.set_keep_last(keep_last);
  admin_v1::CreateBackupResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + env.options.timeout));
  ECOPLAN_RETURN_IF_ERROR(
      common::FromGrpcStatus(StubFor(env, args)->CreateBackup(&context, request, &response)));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  const admin_v1::Backup& b = response.backup();
  PrintFields(*env.out, {{"Backup", b.name()},
                         {"Service", b.service()},
                         {"Path", b.path()},
                         {"Taken", FormatTimestamp(b.create_time())},
                         {"Last event", absl::StrCat(b.last_event_sequence())},
                         {"Size", Size(b.size_bytes())}});
  for (const std::string& deleted : response.deleted_backups()) {
    *env.out << "deleted " << deleted << "\n";
  }
  return absl::OkStatus();
}

absl::Status ListBackups(const CommandEnv& env, const ParsedArgs& args) {
  admin_v1::ListBackupsResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + env.options.timeout));
  ECOPLAN_RETURN_IF_ERROR(common::FromGrpcStatus(
      StubFor(env, args)->ListBackups(&context, admin_v1::ListBackupsRequest(), &response)));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  PrintBackups(response.backups(), *env.out);
  *env.out << response.backups_size() << " backups\n";
  return absl::OkStatus();
}

}  // namespace

std::vector<CommandGroup> AdminCommandGroups() {
  CommandGroup admin;
  admin.name = "admin";
  admin.summary = "operator commands of any ecoplan server (backups)";
  admin.commands.push_back(
      {"backup", "[--target ADDRESS] [--keep-last N]",
       "take a backup of the server's database into its backup directory",
       0,
       0,
       {kTargetFlag, {"keep-last", "N", "then delete the oldest backups beyond N (0: keep all)"}},
       Backup});
  admin.commands.push_back({"backups", "[--target ADDRESS]", "list the server's backups, newest first",
                            0, 0, {kTargetFlag}, ListBackups});
  admin.notes =
      "A backup is a complete RocksDB database. To restore, stop the service and start it with\n"
      "--db_path on a copy of the backup directory (docs/OPERATIONS.md).\n";
  return {admin};
}

}  // namespace ecoplan::ctl
