#include "tools/ecoplanctl/admin_commands.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/admin/restore.h"
#include "common/mapping/proto_values.h"
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

std::unique_ptr<admin_v1::AdminService::Stub> StubFor(const CommandEnv& env,
                                                      const ParsedArgs& args) {
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
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &admin_v1::AdminService::Stub::CreateBackup, request,
                                    &response));
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
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &admin_v1::AdminService::Stub::ListBackups,
                                    admin_v1::ListBackupsRequest(), &response));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  PrintBackups(response.backups(), *env.out);
  *env.out << response.backups_size() << " backups\n";
  return absl::OkStatus();
}

// --since / --until: an RFC 3339 time, or a duration meaning that long ago ("24h").
absl::Status ParseTimeFlag(const ParsedArgs& args, absl::string_view flag,
                           google::protobuf::Timestamp* out) {
  const std::optional<std::string> text = args.Optional(flag);
  if (!text) return absl::OkStatus();
  absl::Time time;
  absl::Duration ago;
  std::string error;
  if (absl::ParseDuration(*text, &ago) && ago >= absl::ZeroDuration()) {
    time = absl::Now() - ago;
  } else if (!absl::ParseTime(absl::RFC3339_full, *text, &time, &error)) {
    return UsageError(absl::StrCat("--", flag,
                                   " must be an RFC 3339 time (2026-03-31T08:00:00+08:00) or a "
                                   "duration ago (24h)"));
  }
  out->set_seconds(absl::ToUnixSeconds(time));
  return absl::OkStatus();
}

// "/ecoplan.registry.v1.RegistryService/ImportPlan" → "registry ImportPlan".
std::string ShortMethod(absl::string_view path) {
  const std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  if (parts.size() != 3) return std::string(path);
  std::vector<absl::string_view> service = absl::StrSplit(parts[1], '.');
  const absl::string_view name = service.size() >= 2 ? service[1] : parts[1];
  return absl::StrCat(name, " ", parts[2]);
}

// "auditRecords/00000000000000000042", as the server names records.
std::string AuditRecordName(uint64_t sequence) {
  return absl::StrFormat("auditRecords/%020u", sequence);
}

std::string Hex(absl::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// `admin audit verify`: the server checks its hash chain (VerifyAuditLog),
// page by page; a break is an error (exit 1) naming the record's sequence.
absl::Status VerifyAudit(const CommandEnv& env, const ParsedArgs& args) {
  std::unique_ptr<admin_v1::AdminService::Stub> stub = StubFor(env, args);
  admin_v1::VerifyAuditLogRequest request;
  uint64_t examined = 0, unchained = 0, last_sequence = 0;
  std::string last_hash;
  admin_v1::VerifyAuditLogResponse response;
  do {
    response.Clear();
    ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), stub.get(),
                                      &admin_v1::AdminService::Stub::VerifyAuditLog, request,
                                      &response));
    examined += response.records_examined();
    unchained += response.records_unchained();
    if (response.last_verified_sequence() != 0) {
      last_sequence = response.last_verified_sequence();
      last_hash = response.last_verified_hash();
    }
    request.set_page_token(response.next_page_token());
  } while (!response.has_broken() && !response.next_page_token().empty());
  if (env.options.output.format == OutputFormat::kJson) {
    ECOPLAN_RETURN_IF_ERROR(PrintJson(response, *env.out));
  } else {
    PrintFields(
        *env.out,
        {{"Records examined", absl::StrCat(examined)},
         {"Before the chain", absl::StrCat(unchained, " (written before records were chained)")},
         {"Last verified", last_sequence == 0 ? "-" : AuditRecordName(last_sequence)},
         {"Its hash", last_hash.empty() ? "-" : Hex(last_hash)}});
  }
  if (response.has_broken()) {
    return absl::DataLossError(absl::StrCat(
        "the audit log's hash chain breaks at record ", response.broken().sequence(), " (",
        AuditRecordName(response.broken().sequence()), "): ", response.broken().reason()));
  }
  if (env.options.output.format != OutputFormat::kJson) {
    *env.out << "the chain holds: no record removed, altered or reordered";
    *env.out << (last_hash.empty() ? "\n" : "; note the hash above to detect a later truncation\n");
  }
  return absl::OkStatus();
}

absl::Status ListAudit(const CommandEnv& env, const ParsedArgs& args) {
  if (!args.args().empty()) {
    if (args.args()[0] != "verify") {
      return UsageError(
          absl::StrCat("unknown audit action \"", args.args()[0], "\": the only one is verify"));
    }
    return VerifyAudit(env, args);
  }
  admin_v1::ListAuditRecordsRequest request;
  ECOPLAN_RETURN_IF_ERROR(ParseTimeFlag(args, "since", request.mutable_start_time()));
  ECOPLAN_RETURN_IF_ERROR(ParseTimeFlag(args, "until", request.mutable_end_time()));
  if (!args.Has("since")) request.clear_start_time();
  if (!args.Has("until")) request.clear_end_time();
  request.set_subject(args.Value("subject"));
  request.set_organization_id(args.Value("org"));
  request.set_method(args.Value("method"));
  for (const std::string& code : args.Values("code")) {
    request.add_codes(absl::AsciiStrToUpper(code));
  }
  ECOPLAN_ASSIGN_OR_RETURN(int page_size, args.Int("page-size", 50));
  if (page_size < 1 || page_size > 1000) return UsageError("--page-size must be 1..1000");
  request.set_page_size(page_size);
  request.set_page_token(args.Value("page-token"));
  request.set_oldest_first(args.Has("oldest-first"));
  admin_v1::ListAuditRecordsResponse response;
  ECOPLAN_RETURN_IF_ERROR(UnaryCall(PolicyOf(env), StubFor(env, args).get(),
                                    &admin_v1::AdminService::Stub::ListAuditRecords, request,
                                    &response));
  if (env.options.output.format == OutputFormat::kJson) return PrintJson(response, *env.out);
  Table table({"SEQ", "TIME", "SUBJECT", "ROLE", "ORG", "METHOD", "CODE", "PEER", "CHANGES"});
  for (const admin_v1::AuditRecord& r : response.records()) {
    table.AddRow({absl::StrCat(r.sequence()), FormatTimestamp(r.time()),
                  r.actor().authenticated() ? r.actor().subject() : "(unauthenticated)",
                  r.actor().role(), r.actor().organization_id(), ShortMethod(r.method()), r.code(),
                  r.peer(), absl::StrCat(r.change_count())});
  }
  table.Print(*env.out);
  *env.out << response.records_size() << " records\n";
  if (!response.next_page_token().empty()) {
    *env.out << "more: --page-token " << response.next_page_token() << "\n";
  }
  return absl::OkStatus();
}

void PrintVerified(const common::VerifiedBackup& b, std::ostream& out) {
  PrintFields(
      out,
      {{"Backup", b.path},
       {"Checksums", "every table file read and checked"},
       {"Last event", absl::StrCat(b.last_event_sequence)},
       {"Last event time",
        b.last_event_sequence == 0 ? "-" : FormatTimestamp(common::TimeToProto(b.last_event_time))},
       {"Column families", absl::StrJoin(b.column_families, ", ")},
       {"Size", Size(b.size_bytes)}});
}

// Offline: the service is stopped and this runs where its volumes are mounted.
absl::Status Restore(const CommandEnv& env, const ParsedArgs& args) {
  const std::string backup = args.args()[0];
  if (args.Has("verify-only")) {
    ECOPLAN_ASSIGN_OR_RETURN(common::VerifiedBackup verified, common::VerifyBackup(backup));
    PrintVerified(verified, *env.out);
    return absl::OkStatus();
  }
  const std::string db = args.Value("db");
  if (db.empty())
    return UsageError("give --db DIR (the stopped service's database) or --verify-only");
  ECOPLAN_ASSIGN_OR_RETURN(common::RestoreResult result,
                           common::RestoreBackup(backup, db, absl::Now()));
  PrintVerified(result.restored, *env.out);
  *env.out << "restored into " << db << "\n";
  if (!result.previous_moved_to.empty()) {
    *env.out << "the previous database is at " << result.previous_moved_to
             << " (delete it once satisfied)\n";
  }
  *env.out << "services following this one that are past event "
           << result.restored.last_event_sequence
           << " must be restored from backups of the same time (docs/OPERATIONS.md)\n";
  return absl::OkStatus();
}

}  // namespace

std::vector<CommandGroup> AdminCommandGroups() {
  CommandGroup admin;
  admin.name = "admin";
  admin.summary = "operator commands of any ecoplan server (backups, audit log)";
  admin.commands.push_back(
      {"backup",
       "[--target ADDRESS] [--keep-last N]",
       "take a backup of the server's database into its backup directory",
       0,
       0,
       {kTargetFlag, {"keep-last", "N", "then delete the oldest backups beyond N (0: keep all)"}},
       Backup});
  admin.commands.push_back({"backups",
                            "[--target ADDRESS]",
                            "list the server's backups, newest first",
                            0,
                            0,
                            {kTargetFlag},
                            ListBackups});
  admin.commands.push_back(
      {"audit",
       "[verify] [--target ADDRESS] [--since T] [--until T] [--subject NAME] [--org ID] "
       "[--method M] [--code CODE]... [--page-size N] [--page-token TOKEN] [--oldest-first]",
       "list the server's audit records (administrators only), newest first; `audit verify` "
       "checks their hash chain and fails naming the first record removed, altered or moved",
       0,
       1,
       {kTargetFlag,
        {"since", "TIME", "records at or after: RFC 3339, or a duration ago (24h)"},
        {"until", "TIME", "records before: RFC 3339, or a duration ago"},
        {"subject", "NAME", "only calls by this subject"},
        {"org", "ID", "only calls by principals of this organization"},
        {"method", "METHOD", "only this method: short name (ImportPlan) or full path"},
        {"code", "CODE", "only this outcome (OK, PERMISSION_DENIED, ...); repeatable"},
        {"page-size", "N", "records per page, 1..1000 (default 50)"},
        {"page-token", "TOKEN", "the next page, from the previous output"},
        {"oldest-first", "", "oldest first instead of newest first"}},
       ListAudit});
  admin.commands.push_back(
      {"restore",
       "BACKUP_DIR (--db DIR | --verify-only)",
       "verify a backup, then replace a stopped service's database with it (offline, no server)",
       1,
       1,
       {{"db", "DIR", "the stopped service's database directory (its --db_path)"},
        {"verify-only", "", "only verify the backup: checksums of every file, last event"}},
       Restore});
  admin.notes =
      "A backup is a complete RocksDB database. To restore, stop the service and run\n"
      "`admin restore BACKUP_DIR --db DIR` where its volumes are mounted: the backup is verified\n"
      "(every table file's checksums), copied beside DIR, verified again and swapped in; the old\n"
      "database stays at DIR.before-restore-<time> (docs/OPERATIONS.md).\n"
      "The audit log records every write and every refused call of the server "
      "(docs/SECURITY.md).\n"
      "`admin audit verify` has the server check the log's hash chain (AdminService.\n"
      "VerifyAuditLog over the stored bytes); it exits 1 naming the first broken record.\n";
  return {admin};
}

}  // namespace ecoplan::ctl
