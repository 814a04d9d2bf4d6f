#pragma once

// AuditLog: a service's append-only record of who called what, when, from
// where, with which outcome and what it changed (docs/SECURITY.md "Audit").
//
//   ECOPLAN_ASSIGN_OR_RETURN(std::unique_ptr<AuditLog> audit, AuditLog::Open(db, &clock));
//   audit->AppendAsync(record, [](absl::StatusOr<uint64_t> sequence) { … });
//   ECOPLAN_ASSIGN_OR_RETURN(ListAuditRecordsResponse page, audit->List(request));
//
// Key layout, in the column family "audit" of the service's RocksDb (which
// every RocksDb has, see rocksdb_db.h):
//   <sequence: 8 bytes big-endian>  →  ecoplan.admin.v1.AuditRecord
// The stored value is the API message itself: the record has no other
// representation, and protobuf's field rules (add, never renumber) keep old
// records readable.
//
// Tamper evidence: each record carries chain_hash = SHA-256(previous
// record's chain_hash ‖ the record's canonical bytes), the canonical bytes
// being its serialization with chain_hash cleared (AuditChainHash). The chain
// starts at the first record that carries a hash (records written before it
// existed have none) and continues across restarts (Open reads the last
// record's hash). Verify walks the stored bytes and reports the first record
// that does not follow its predecessor: a record removed, altered or moved.
// Removing the newest records is only visible against a
// hash noted earlier (Verify returns the last one).
//
// Append-only: this class has no method that edits or deletes a record, and
// no RPC does. Records live as long as the database (and its backups); there
// is no retention limit (docs/OPERATIONS.md "Audit log").
//
// Sequences increase by one per record, in commit order: the RocksDb's
// committer thread stamps each record (sequence, name, chain hash) as it puts
// it into the group's batch (Stamp), whether the record is written alone
// (AppendAsync) or in the batch of the change it records (the capture's
// CommitContributor, audit_interceptor.h). A group whose write fails gives its
// sequences and chain state back (GroupWritten), so the log has no gaps; after
// a restart it continues after its last stored record.
//
// Thread-safe. `db` and `clock` must outlive it.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/storage/rocksdb_db.h"
#include "common/time/clock.h"
#include "ecoplan/admin/v1/admin_service.pb.h"

namespace ecoplan::common {

class AuditLog {
 public:
  // The column family of the records.
  static constexpr char kColumnFamily[] = "audit";
  // At most this many records are examined per List call.
  static constexpr int kMaxScannedPerList = 10000;
  static constexpr int kDefaultPageSize = 100;
  static constexpr int kMaxPageSize = 1000;

  // Opens the log over `db` and finds its last sequence. Errors: DataLoss (a
  // key that is not 8 bytes), or the mapped RocksDB error.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(RocksDb* db, const Clock* clock);

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Stamps `record` — unless already set — with the time, and commits it
  // durably (synced) through the RocksDb's group committer, which gives it the
  // next sequence, its name and its chain hash. `done` runs on the committer thread (it must be
  // quick) with the sequence, or with the commit's error (Unavailable after shutdown, Internal …);
  // it is called exactly once.
  void AppendAsync(ecoplan::admin::v1::AuditRecord record,
                   std::function<void(absl::StatusOr<uint64_t>)> done);
  // The same, blocking until the record is synced. Not from a committer callback.
  absl::StatusOr<uint64_t> Append(ecoplan::admin::v1::AuditRecord record);

  // The records matching `request`'s filters, one page, newest first unless
  // oldest_first. Errors: InvalidArgument (page size, page token, time range,
  // unknown code name), DataLoss (a record that does not parse).
  absl::StatusOr<ecoplan::admin::v1::ListAuditRecordsResponse> List(
      const ecoplan::admin::v1::ListAuditRecordsRequest& request) const;

  // Checks the hash chain (see above). Errors: InvalidArgument (page token,
  // max_records), or the mapped RocksDB error; a broken chain is an OK
  // answer with `broken` set.
  absl::StatusOr<ecoplan::admin::v1::VerifyAuditLogResponse> Verify(
      const ecoplan::admin::v1::VerifyAuditLogRequest& request) const;
  static constexpr int kDefaultVerifyRecords = 100000;
  static constexpr int kMaxVerifyRecords = 1000000;

  // The database the log writes into (and whose event log the capture reads).
  RocksDb* db() const { return db_; }

  // For CommitContributors, on the committer thread only: gives `record` the
  // next sequence, its name and its chain hash, puts it into `batch` and
  // returns the sequence. Every Stamp of a group must be followed by
  // GroupWritten with the group's outcome before the next group's first Stamp.
  uint64_t Stamp(ecoplan::admin::v1::AuditRecord* record, rocksdb::WriteBatch* batch);
  // After the group's write: keeps the stamped records (applied) or gives
  // their sequences and chain state back (not applied). Committer thread only.
  void GroupWritten(bool applied);

 private:
  AuditLog(RocksDb* db, const Clock* clock, uint64_t last_sequence, std::string last_hash);

  RocksDb* const db_;
  const Clock* const clock_;
  // Committer thread only (set by Open before any commit).
  uint64_t last_sequence_;     // the last record stamped
  std::string last_hash_;      // its chain_hash
  uint64_t written_sequence_;  // the last record written
  std::string written_hash_;   // its chain_hash
};

// SHA-256 (32 bytes) over `previous` (the previous record's chain_hash; empty
// for the first record of the chain) followed by `record`'s canonical bytes:
// its deterministic serialization with chain_hash cleared.
std::string AuditChainHash(absl::string_view previous,
                           const ecoplan::admin::v1::AuditRecord& record);

// "auditRecords/00000000000000000042".
std::string AuditRecordName(uint64_t sequence);

}  // namespace ecoplan::common
