#include "common/audit/audit_log.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

#include "common/storage/key_codec.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"

namespace ecoplan::common {
namespace {

namespace admin_v1 = ::ecoplan::admin::v1;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    log_.reset();
    db_.reset();
    RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.clock = &clock_;
    ASSERT_OK_AND_ASSIGN(db_, RocksDb::Open(options));
    ASSERT_OK_AND_ASSIGN(log_, AuditLog::Open(db_.get(), &clock_));
  }

  // Appends a record one minute after the previous one.
  uint64_t Add(const std::string& subject, const std::string& org, const std::string& method,
               const std::string& code) {
    clock_.Advance(absl::Minutes(1));
    admin_v1::AuditRecord record;
    record.set_method(method);
    record.set_code(code);
    record.mutable_actor()->set_authenticated(!subject.empty());
    record.mutable_actor()->set_subject(subject);
    record.mutable_actor()->set_organization_id(org);
    absl::StatusOr<uint64_t> sequence = log_->Append(record);
    EXPECT_OK(sequence);
    return sequence.ok() ? *sequence : 0;
  }

  std::vector<uint64_t> Sequences(const admin_v1::ListAuditRecordsRequest& request) {
    absl::StatusOr<admin_v1::ListAuditRecordsResponse> page = log_->List(request);
    EXPECT_OK(page);
    std::vector<uint64_t> out;
    if (page.ok()) {
      for (const admin_v1::AuditRecord& r : page->records()) out.push_back(r.sequence());
    }
    return out;
  }

  void AddSix() {
    Add("admin-1", "", "/ecoplan.registry.v1.RegistryService/ImportPlan", "OK");  // 1
    Add("rep-1", "o-1", "/ecoplan.registry.v1.RegistryService/ImportPlan",
        "PERMISSION_DENIED");                                                              // 2
    Add("", "", "/ecoplan.registry.v1.RegistryService/UpdateMeasure", "UNAUTHENTICATED");  // 3
    Add("admin-1", "", "/ecoplan.registry.v1.RegistryService/UpdateMeasure", "OK");        // 4
    Add("rep-2", "o-2", "/ecoplan.progress.v1.ProgressService/SubmitReport", "OK");        // 5
    Add("rep-1", "o-1", "/ecoplan.progress.v1.ProgressService/SubmitReport", "OK");        // 6
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<RocksDb> db_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, AppendAssignsIncreasingSequencesNamesAndTimes) {
  const absl::Time before = clock_.Now();
  EXPECT_EQ(Add("a", "", "/x.Y/Z", "OK"), 1u);
  EXPECT_EQ(Add("a", "", "/x.Y/Z", "OK"), 2u);
  ASSERT_OK_AND_ASSIGN(admin_v1::ListAuditRecordsResponse page,
                       log_->List(admin_v1::ListAuditRecordsRequest()));
  ASSERT_EQ(page.records_size(), 2);
  EXPECT_EQ(page.records(0).name(), "auditRecords/00000000000000000002");
  EXPECT_EQ(page.records(1).name(), "auditRecords/00000000000000000001");
  EXPECT_EQ(page.records(1).time().seconds(), absl::ToUnixSeconds(before + absl::Minutes(1)));
  EXPECT_TRUE(page.next_page_token().empty());
}

TEST_F(AuditLogTest, RecordsSurviveAReopenAndTheSequenceContinues) {
  AddSix();
  Open();
  EXPECT_EQ(Add("a", "", "/x.Y/Z", "OK"), 7u);
  EXPECT_EQ(Sequences(admin_v1::ListAuditRecordsRequest()),
            (std::vector<uint64_t>{7, 6, 5, 4, 3, 2, 1}));
}

TEST_F(AuditLogTest, FiltersBySubjectOrganizationMethodAndCode) {
  AddSix();
  admin_v1::ListAuditRecordsRequest by_subject;
  by_subject.set_subject("rep-1");
  EXPECT_EQ(Sequences(by_subject), (std::vector<uint64_t>{6, 2}));

  admin_v1::ListAuditRecordsRequest by_org;
  by_org.set_organization_id("o-2");
  EXPECT_EQ(Sequences(by_org), (std::vector<uint64_t>{5}));

  admin_v1::ListAuditRecordsRequest by_short_method;
  by_short_method.set_method("UpdateMeasure");
  EXPECT_EQ(Sequences(by_short_method), (std::vector<uint64_t>{4, 3}));

  admin_v1::ListAuditRecordsRequest by_full_method;
  by_full_method.set_method("/ecoplan.progress.v1.ProgressService/SubmitReport");
  EXPECT_EQ(Sequences(by_full_method), (std::vector<uint64_t>{6, 5}));

  admin_v1::ListAuditRecordsRequest refused;
  refused.add_codes("PERMISSION_DENIED");
  refused.add_codes("UNAUTHENTICATED");
  EXPECT_EQ(Sequences(refused), (std::vector<uint64_t>{3, 2}));

  admin_v1::ListAuditRecordsRequest combined;
  combined.set_subject("rep-1");
  combined.add_codes("OK");
  combined.set_oldest_first(true);
  EXPECT_EQ(Sequences(combined), (std::vector<uint64_t>{6}));
}

TEST_F(AuditLogTest, FiltersByTimeRangeStartInclusiveEndExclusive) {
  const absl::Time t0 = clock_.Now();
  AddSix();  // record n at t0 + n minutes
  admin_v1::ListAuditRecordsRequest request;
  request.mutable_start_time()->set_seconds(absl::ToUnixSeconds(t0 + absl::Minutes(2)));
  request.mutable_end_time()->set_seconds(absl::ToUnixSeconds(t0 + absl::Minutes(5)));
  EXPECT_EQ(Sequences(request), (std::vector<uint64_t>{4, 3, 2}));
}

TEST_F(AuditLogTest, PagesNewestFirstAndOldestFirstWithoutOverlapOrGap) {
  AddSix();
  for (bool oldest_first : {false, true}) {
    std::vector<uint64_t> all;
    admin_v1::ListAuditRecordsRequest request;
    request.set_page_size(4);
    request.set_oldest_first(oldest_first);
    int pages = 0;
    for (; pages < 10; ++pages) {
      ASSERT_OK_AND_ASSIGN(admin_v1::ListAuditRecordsResponse page, log_->List(request));
      for (const auto& r : page.records()) all.push_back(r.sequence());
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    EXPECT_EQ(pages, 1) << "two pages of 4 and 2";
    EXPECT_EQ(all, oldest_first ? (std::vector<uint64_t>{1, 2, 3, 4, 5, 6})
                                : (std::vector<uint64_t>{6, 5, 4, 3, 2, 1}));
  }
}

TEST_F(AuditLogTest, PaginatesWithAFilter) {
  AddSix();
  admin_v1::ListAuditRecordsRequest request;
  request.add_codes("OK");
  request.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(admin_v1::ListAuditRecordsResponse first, log_->List(request));
  ASSERT_EQ(first.records_size(), 2);
  EXPECT_EQ(first.records(0).sequence(), 6u);
  EXPECT_EQ(first.records(1).sequence(), 5u);
  request.set_page_token(first.next_page_token());
  ASSERT_OK_AND_ASSIGN(admin_v1::ListAuditRecordsResponse second, log_->List(request));
  ASSERT_EQ(second.records_size(), 2);
  EXPECT_EQ(second.records(0).sequence(), 4u);
  EXPECT_EQ(second.records(1).sequence(), 1u);
}

TEST_F(AuditLogTest, RefusesBadRequests) {
  admin_v1::ListAuditRecordsRequest big;
  big.set_page_size(1001);
  EXPECT_STATUS_CODE(log_->List(big), absl::StatusCode::kInvalidArgument);
  admin_v1::ListAuditRecordsRequest token;
  token.set_page_token("garbage");
  EXPECT_STATUS_CODE(log_->List(token), absl::StatusCode::kInvalidArgument);
  admin_v1::ListAuditRecordsRequest other_order;
  other_order.set_page_token("n5");
  other_order.set_oldest_first(true);
  EXPECT_STATUS_CODE(log_->List(other_order), absl::StatusCode::kInvalidArgument);
  admin_v1::ListAuditRecordsRequest code;
  code.add_codes("DENIED");
  EXPECT_STATUS_CODE(log_->List(code), absl::StatusCode::kInvalidArgument);
  admin_v1::ListAuditRecordsRequest range;
  range.mutable_start_time()->set_seconds(100);
  range.mutable_end_time()->set_seconds(100);
  EXPECT_STATUS_CODE(log_->List(range), absl::StatusCode::kInvalidArgument);
}

TEST_F(AuditLogTest, AnAppendAfterShutdownFailsAndLeavesTheLogAsItWas) {
  Add("a", "", "/x.Y/Z", "OK");
  db_->Shutdown();
  admin_v1::AuditRecord record;
  record.set_method("/x.Y/Z");
  EXPECT_STATUS_CODE(log_->Append(record), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Sequences(admin_v1::ListAuditRecordsRequest()), (std::vector<uint64_t>{1}));
}

TEST_F(AuditLogTest, TheLogIsItsOwnColumnFamilyBesideTheEventLog) {
  Add("a", "", "/x.Y/Z", "OK");
  // Appending an audit record adds no event: WatchEvents never shows it.
  EXPECT_EQ(db_->LastEventSequence(), 0u);
  ASSERT_OK_AND_ASSIGN(std::string value,
                       db_->Get(AuditLog::kColumnFamily, std::string("\0\0\0\0\0\0\0\1", 8)));
  admin_v1::AuditRecord stored;
  ASSERT_TRUE(stored.ParseFromString(value));
  EXPECT_EQ(stored.actor().subject(), "a");
}

}  // namespace
}  // namespace ecoplan::common

namespace ecoplan::common {
namespace {

// The hash chain: each record's chain_hash covers its predecessor's; a
// record written without one (before the chain existed) is not checked; an
// altered, removed or moved record is reported with its sequence.
class AuditChainTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    log_.reset();
    db_.reset();
    RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.clock = &clock_;
    ASSERT_OK_AND_ASSIGN(db_, RocksDb::Open(options));
    ASSERT_OK_AND_ASSIGN(log_, AuditLog::Open(db_.get(), &clock_));
  }

  void Add(const std::string& subject) {
    admin_v1::AuditRecord record;
    record.set_method("/ecoplan.registry.v1.RegistryService/ImportPlan");
    record.set_code("OK");
    record.mutable_actor()->set_subject(subject);
    ASSERT_OK(log_->Append(record).status());
  }

  // Writes `record` straight into the column family, as an intruder would.
  void Put(uint64_t sequence, const admin_v1::AuditRecord& record) {
    ASSERT_TRUE(db_->db()
                    ->Put(rocksdb::WriteOptions(), db_->Cf(AuditLog::kColumnFamily),
                          EncodeUint64(sequence), record.SerializeAsString())
                    .ok());
  }
  admin_v1::AuditRecord Get(uint64_t sequence) {
    std::string bytes;
    EXPECT_TRUE(db_->db()
                    ->Get(rocksdb::ReadOptions(), db_->Cf(AuditLog::kColumnFamily),
                          EncodeUint64(sequence), &bytes)
                    .ok());
    admin_v1::AuditRecord record;
    EXPECT_TRUE(record.ParseFromString(bytes));
    return record;
  }

  admin_v1::VerifyAuditLogResponse Verify(int max_records = 0, const std::string& token = "") {
    admin_v1::VerifyAuditLogRequest request;
    request.set_max_records(max_records);
    request.set_page_token(token);
    absl::StatusOr<admin_v1::VerifyAuditLogResponse> response = log_->Verify(request);
    EXPECT_OK(response);
    return response.ok() ? *response : admin_v1::VerifyAuditLogResponse();
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<RocksDb> db_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditChainTest, ChainsEveryRecordToThePreviousOneAcrossARestart) {
  Add("a");
  Add("b");
  Open();  // the chain continues from the stored last record
  Add("c");
  const admin_v1::AuditRecord first = Get(1), second = Get(2), third = Get(3);
  EXPECT_EQ(first.chain_hash(), AuditChainHash("", first));
  EXPECT_EQ(second.chain_hash(), AuditChainHash(first.chain_hash(), second));
  EXPECT_EQ(third.chain_hash(), AuditChainHash(second.chain_hash(), third));
  EXPECT_EQ(third.chain_hash().size(), 32u);
  const admin_v1::VerifyAuditLogResponse verified = Verify();
  EXPECT_FALSE(verified.has_broken()) << verified.DebugString();
  EXPECT_EQ(verified.records_examined(), 3u);
  EXPECT_EQ(verified.last_verified_sequence(), 3u);
  EXPECT_EQ(verified.last_verified_hash(), third.chain_hash());
  EXPECT_TRUE(verified.next_page_token().empty());
}

TEST_F(AuditChainTest, StartsAtTheFirstRecordThatHasAHash) {
  // Two records of an earlier version, without hashes.
  for (uint64_t sequence : {1, 2}) {
    admin_v1::AuditRecord old;
    old.set_sequence(sequence);
    old.set_method("/ecoplan.registry.v1.RegistryService/ImportPlan");
    Put(sequence, old);
  }
  Open();
  Add("new");
  EXPECT_EQ(Get(3).chain_hash(), AuditChainHash("", Get(3)));
  const admin_v1::VerifyAuditLogResponse verified = Verify();
  EXPECT_FALSE(verified.has_broken()) << verified.DebugString();
  EXPECT_EQ(verified.records_unchained(), 2u);
  EXPECT_EQ(verified.last_verified_sequence(), 3u);
}

TEST_F(AuditChainTest, NamesTheFirstRecordAlteredRemovedOrMoved) {
  for (const char* s : {"a", "b", "c", "d"}) Add(s);
  admin_v1::AuditRecord altered = Get(2);
  altered.mutable_actor()->set_subject("someone-else");
  Put(2, altered);
  admin_v1::VerifyAuditLogResponse v = Verify();
  ASSERT_TRUE(v.has_broken());
  EXPECT_EQ(v.broken().sequence(), 2u) << v.broken().reason();
  EXPECT_EQ(v.last_verified_sequence(), 1u);

  // Its hash recomputed too: then the next one no longer follows.
  altered.set_chain_hash(AuditChainHash(Get(1).chain_hash(), altered));
  Put(2, altered);
  v = Verify();
  ASSERT_TRUE(v.has_broken());
  EXPECT_EQ(v.broken().sequence(), 3u) << v.broken().reason();
  EXPECT_NE(v.broken().reason().find("does not follow sequence 2"), std::string::npos);
}

TEST_F(AuditChainTest, NamesTheRecordAfterARemovedOneAndAMovedOne) {
  for (const char* s : {"a", "b", "c", "d"}) Add(s);
  const admin_v1::AuditRecord third = Get(3);
  ASSERT_TRUE(
      db_->db()
          ->Delete(rocksdb::WriteOptions(), db_->Cf(AuditLog::kColumnFamily), EncodeUint64(3))
          .ok());
  admin_v1::VerifyAuditLogResponse v = Verify();
  ASSERT_TRUE(v.has_broken());
  EXPECT_EQ(v.broken().sequence(), 4u);
  EXPECT_NE(v.broken().reason().find("does not follow sequence 2"), std::string::npos);

  Put(3, Get(4));  // record 4's bytes under key 3
  v = Verify();
  ASSERT_TRUE(v.has_broken());
  EXPECT_EQ(v.broken().sequence(), 3u);
  EXPECT_NE(v.broken().reason().find("says it is sequence 4"), std::string::npos);
  Put(3, third);
  EXPECT_FALSE(Verify().has_broken());
}

TEST_F(AuditChainTest, VerifiesPageByPage) {
  for (const char* s : {"a", "b", "c", "d", "e"}) Add(s);
  admin_v1::VerifyAuditLogResponse page = Verify(2);
  EXPECT_EQ(page.records_examined(), 2u);
  EXPECT_EQ(page.next_page_token(), "v2");
  page = Verify(2, page.next_page_token());
  EXPECT_EQ(page.last_verified_sequence(), 4u);
  page = Verify(2, page.next_page_token());
  EXPECT_EQ(page.records_examined(), 1u);
  EXPECT_EQ(page.last_verified_sequence(), 5u);
  EXPECT_TRUE(page.next_page_token().empty());
  EXPECT_FALSE(page.has_broken());
  admin_v1::VerifyAuditLogRequest bad;
  bad.set_page_token("n3");
  EXPECT_STATUS_CODE(log_->Verify(bad).status(), absl::StatusCode::kInvalidArgument);
  bad.set_page_token("");
  bad.set_max_records(-1);
  EXPECT_STATUS_CODE(log_->Verify(bad).status(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::common
