#include "common/audit/audit_log.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <openssl/sha.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>

#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/mapping/proto_values.h"
#include "common/status/rocksdb_status.h"
#include "common/storage/key_codec.h"

namespace ecoplan::common {
namespace {

namespace admin_v1 = ::ecoplan::admin::v1;

// The gRPC code names (numerically identical to absl's).
std::optional<int> ParseCodeName(absl::string_view name) {
  for (int code = 0; code <= 16; ++code) {
    if (absl::StatusCodeToString(static_cast<absl::StatusCode>(code)) == name) return code;
  }
  return std::nullopt;
}

// Page tokens: "n<sequence>" continues newest-first below the sequence,
// "o<sequence>" oldest-first above it. Opaque to clients.
absl::StatusOr<uint64_t> ParsePageToken(absl::string_view token, bool oldest_first) {
  const char want = oldest_first ? 'o' : 'n';
  uint64_t sequence = 0;
  if (token.size() < 2 || token[0] != want || !absl::SimpleAtoi(token.substr(1), &sequence)) {
    return absl::InvalidArgumentError(
        "page_token is not one this server returned for the same order (oldest_first)");
  }
  return sequence;
}

// Whether `record` passes the request's filters (the time range is checked by the caller).
bool Matches(const admin_v1::AuditRecord& record, const admin_v1::ListAuditRecordsRequest& request,
             const std::set<std::string>& codes) {
  if (!request.subject().empty() && record.actor().subject() != request.subject()) return false;
  if (!request.organization_id().empty() &&
      record.actor().organization_id() != request.organization_id()) {
    return false;
  }
  if (!request.method().empty()) {
    const std::string& method = request.method();
    const bool full_path = absl::StartsWith(method, "/");
    if (full_path ? record.method() != method
                  : !absl::EndsWith(record.method(), absl::StrCat("/", method))) {
      return false;
    }
  }
  if (!codes.empty() && codes.count(record.code()) == 0) return false;
  return true;
}

}  // namespace

std::string AuditChainHash(absl::string_view previous, const admin_v1::AuditRecord& record) {
  // A record being stamped has no hash yet and is its own canonical form: it
  // is serialized as it is, not copied first (this runs on the committer
  // thread, for every write).
  std::optional<admin_v1::AuditRecord> copy;
  if (!record.chain_hash().empty()) {
    copy.emplace(record);
    copy->clear_chain_hash();
  }
  const admin_v1::AuditRecord& canonical = copy.has_value() ? *copy : record;
  std::string bytes;
  bytes.reserve(previous.size() + canonical.ByteSizeLong());
  bytes.append(previous.data(), previous.size());
  {
    google::protobuf::io::StringOutputStream stream(&bytes);  // appends
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    canonical.SerializeToCodedStream(&coded);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

std::string AuditRecordName(uint64_t sequence) {
  return absl::StrFormat("auditRecords/%020u", sequence);
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(RocksDb* db, const Clock* clock) {
  std::unique_ptr<rocksdb::Iterator> it(
      db->db()->NewIterator(rocksdb::ReadOptions(), db->Cf(kColumnFamily)));
  it->SeekToLast();
  uint64_t last = 0;
  std::string last_hash;
  if (it->Valid()) {
    std::optional<uint64_t> decoded =
        DecodeUint64(absl::string_view(it->key().data(), it->key().size()));
    if (!decoded) return absl::DataLossError("audit key is not 8 bytes");
    last = *decoded;
    // The chain continues from the last record (none before the chain existed).
    admin_v1::AuditRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("the last audit record (", last, ") does not parse"));
    }
    last_hash = record.chain_hash();
  }
  if (!it->status().ok()) return FromRocksDb(it->status(), "scan audit");
  return std::unique_ptr<AuditLog>(new AuditLog(db, clock, last, std::move(last_hash)));
}

AuditLog::AuditLog(RocksDb* db, const Clock* clock, uint64_t last_sequence, std::string last_hash)
    : db_(db),
      clock_(clock),
      last_sequence_(last_sequence),
      last_hash_(last_hash),
      written_sequence_(last_sequence),
      written_hash_(std::move(last_hash)) {}

uint64_t AuditLog::Stamp(admin_v1::AuditRecord* record, rocksdb::WriteBatch* batch) {
  const uint64_t sequence = ++last_sequence_;
  record->set_sequence(sequence);
  record->set_name(AuditRecordName(sequence));
  last_hash_ = AuditChainHash(last_hash_, *record);
  record->set_chain_hash(last_hash_);
  batch->Put(db_->Cf(kColumnFamily), EncodeUint64(sequence), record->SerializeAsString());
  return sequence;
}

void AuditLog::GroupWritten(bool applied) {
  if (applied) {
    written_sequence_ = last_sequence_;
    written_hash_ = last_hash_;
  } else {
    // Nothing of the group was applied: the next group reuses its sequences.
    last_sequence_ = written_sequence_;
    last_hash_ = written_hash_;
  }
}

namespace {

// A record written on its own (AppendAsync): stamped at commit, in order.
class StandaloneRecord : public CommitContributor {
 public:
  StandaloneRecord(AuditLog* log, admin_v1::AuditRecord record)
      : log_(log), record_(std::move(record)) {}

  void Contribute(const CommitResult&, const std::vector<ecoplan::common::v1::Event>&,
                  rocksdb::WriteBatch* batch) override {
    sequence_ = log_->Stamp(&record_, batch);
  }
  void Written(bool applied) override { log_->GroupWritten(applied); }

  uint64_t sequence() const { return sequence_; }

 private:
  AuditLog* const log_;
  admin_v1::AuditRecord record_;
  uint64_t sequence_ = 0;
};

}  // namespace

void AuditLog::AppendAsync(admin_v1::AuditRecord record,
                           std::function<void(absl::StatusOr<uint64_t>)> done) {
  if (!record.has_time()) *record.mutable_time() = TimeToProto(clock_->Now());
  auto contributor = std::make_shared<StandaloneRecord>(this, std::move(record));
  WriteRequest write;
  write.contributor = contributor;
  db_->CommitAsync(std::move(write),
                   [contributor, done = std::move(done)](absl::StatusOr<CommitResult> result) {
                     if (!result.ok()) {
                       done(result.status());
                       return;
                     }
                     done(contributor->sequence());
                   });
}

absl::StatusOr<uint64_t> AuditLog::Append(admin_v1::AuditRecord record) {
  absl::Notification committed;
  absl::StatusOr<uint64_t> result;
  AppendAsync(std::move(record), [&](absl::StatusOr<uint64_t> r) {
    result = std::move(r);
    committed.Notify();
  });
  committed.WaitForNotification();
  return result;
}

absl::StatusOr<admin_v1::ListAuditRecordsResponse> AuditLog::List(
    const admin_v1::ListAuditRecordsRequest& request) const {
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be between 0 and ", kMaxPageSize));
  }
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  std::optional<absl::Time> start, end;
  if (request.has_start_time()) start = TimeFromProto(request.start_time());
  if (request.has_end_time()) end = TimeFromProto(request.end_time());
  if (start && end && *end <= *start) {
    return absl::InvalidArgumentError("end_time must be after start_time");
  }
  std::set<std::string> codes;
  for (const std::string& code : request.codes()) {
    if (!ParseCodeName(code)) {
      return absl::InvalidArgumentError(absl::StrCat("codes: unknown gRPC code name \"", code,
                                                     "\" (e.g. OK, PERMISSION_DENIED)"));
    }
    codes.insert(code);
  }
  const bool oldest_first = request.oldest_first();
  std::optional<uint64_t> after;  // exclusive bound in the direction of the scan
  if (!request.page_token().empty()) {
    absl::StatusOr<uint64_t> token = ParsePageToken(request.page_token(), oldest_first);
    if (!token.ok()) return token.status();
    after = *token;
  }

  admin_v1::ListAuditRecordsResponse response;
  rocksdb::ReadOptions options;
  options.fill_cache = false;  // audit queries are rare; keep the service's working set cached
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(options, db_->Cf(kColumnFamily)));
  if (oldest_first) {
    if (after) {
      if (*after == UINT64_MAX) return response;
      it->Seek(EncodeUint64(*after + 1));
    } else {
      it->SeekToFirst();
    }
  } else {
    if (after) {
      if (*after == 0) return response;
      it->SeekForPrev(EncodeUint64(*after - 1));
    } else {
      it->SeekToLast();
    }
  }
  int scanned = 0;
  uint64_t last_seen = 0;
  for (; it->Valid(); oldest_first ? it->Next() : it->Prev()) {
    if (scanned == kMaxScannedPerList || response.records_size() == page_size) {
      // More may follow: continue after the last record examined.
      response.set_next_page_token(absl::StrCat(oldest_first ? "o" : "n", last_seen));
      break;
    }
    ++scanned;
    std::optional<uint64_t> sequence =
        DecodeUint64(absl::string_view(it->key().data(), it->key().size()));
    if (!sequence) return absl::DataLossError("audit key is not 8 bytes");
    last_seen = *sequence;
    admin_v1::AuditRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("audit record at key ",
                                              it->key().ToString(/*hex=*/true), " does not parse"));
    }
    const absl::Time time = TimeFromProto(record.time());
    if (start && time < *start) continue;
    if (end && time >= *end) continue;
    if (!Matches(record, request, codes)) continue;
    *response.add_records() = std::move(record);
  }
  if (!it->status().ok()) return FromRocksDb(it->status(), "scan audit");
  return response;
}

absl::StatusOr<admin_v1::VerifyAuditLogResponse> AuditLog::Verify(
    const admin_v1::VerifyAuditLogRequest& request) const {
  if (request.max_records() < 0 || request.max_records() > kMaxVerifyRecords) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_records must be between 0 and ", kMaxVerifyRecords));
  }
  const int max_records =
      request.max_records() == 0 ? kDefaultVerifyRecords : request.max_records();
  rocksdb::ReadOptions options;
  options.fill_cache = false;
  admin_v1::VerifyAuditLogResponse response;
  // The chain state: the hash of the last record verified (empty before the chain starts).
  std::string previous_hash;
  uint64_t previous_sequence = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(options, db_->Cf(kColumnFamily)));
  if (!request.page_token().empty()) {
    uint64_t after = 0;
    if (request.page_token()[0] != 'v' ||
        !absl::SimpleAtoi(absl::string_view(request.page_token()).substr(1), &after) ||
        after == UINT64_MAX) {
      return absl::InvalidArgumentError("page_token is not one VerifyAuditLog returned");
    }
    // Continue from the record the previous call verified last.
    it->Seek(EncodeUint64(after));
    admin_v1::AuditRecord record;
    if (!it->Valid() ||
        DecodeUint64(absl::string_view(it->key().data(), it->key().size())) !=
            std::optional<uint64_t>(after) ||
        !record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      if (!it->status().ok()) return FromRocksDb(it->status(), "scan audit");
      admin_v1::AuditChainBreak* broken = response.mutable_broken();
      broken->set_sequence(after);
      broken->set_reason("the record the previous page ended with is gone or does not parse");
      return response;
    }
    previous_hash = record.chain_hash();
    previous_sequence = after;
    it->Next();
  } else {
    it->SeekToFirst();
  }
  const auto fail = [&response](uint64_t sequence, std::string reason) {
    admin_v1::AuditChainBreak* broken = response.mutable_broken();
    broken->set_sequence(sequence);
    broken->set_reason(std::move(reason));
    response.clear_next_page_token();
  };
  for (; it->Valid(); it->Next()) {
    if (response.records_examined() == static_cast<uint64_t>(max_records)) {
      response.set_next_page_token(absl::StrCat("v", previous_sequence));
      break;
    }
    const std::optional<uint64_t> sequence =
        DecodeUint64(absl::string_view(it->key().data(), it->key().size()));
    if (!sequence) {
      fail(previous_sequence + 1,
           absl::StrCat("a key that is not a sequence follows sequence ", previous_sequence));
      return response;
    }
    response.set_records_examined(response.records_examined() + 1);
    admin_v1::AuditRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      fail(*sequence, "the stored record does not parse (altered)");
      return response;
    }
    if (record.sequence() != *sequence) {
      fail(*sequence, absl::StrCat("the record stored here says it is sequence ", record.sequence(),
                                   " (moved)"));
      return response;
    }
    if (record.chain_hash().empty()) {
      if (previous_hash.empty()) {
        // Before the chain started: a record written by an earlier version.
        response.set_records_unchained(response.records_unchained() + 1);
        previous_sequence = *sequence;
        continue;
      }
      fail(*sequence, absl::StrCat("no chain_hash after the chain started (at or before "
                                   "sequence ",
                                   previous_sequence, "): the record was altered"));
      return response;
    }
    if (AuditChainHash(previous_hash, record) != record.chain_hash()) {
      fail(*sequence,
           previous_hash.empty()
               ? std::string("chain_hash does not match the record: it was altered")
               : absl::StrCat("does not follow sequence ", previous_sequence,
                              ": a record between them was removed, or one of them altered, or "
                              "they were reordered"));
      return response;
    }
    previous_hash = record.chain_hash();
    previous_sequence = *sequence;
    response.set_last_verified_sequence(*sequence);
    response.set_last_verified_hash(previous_hash);
  }
  if (!it->status().ok()) return FromRocksDb(it->status(), "scan audit");
  return response;
}

}  // namespace ecoplan::common
