#include "services/indicator/storage/rocksdb_assessment_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/events/event_log.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/storage/record_io.h"
#include "services/indicator/assessment_mapping.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;

std::string BigEndian(uint64_t n) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, n >>= 8) out[i] = static_cast<char>(n & 0xff);
  return out;
}

absl::Status Put(common::WriteRequest& w, rocksdb::ColumnFamilyHandle* cf, const std::string& key,
                 const std::string& value) {
  return common::FromRocksDb(w.batch.Put(cf, key, value), "put");
}

}  // namespace

absl::StatusOr<AssessmentRecords> RocksDbAssessmentStore::Load() const {
  AssessmentRecords out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kColumnFamily, "rules/", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        v1::PlanScoringRules record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "scoring rules", key));
        absl::StatusOr<PlanScoringRules> rules = FromProto(record);
        if (!rules.ok()) return absl::DataLossError(rules.status().message());
        out.rules.push_back(*std::move(rules));
        return absl::OkStatus();
      }));
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kColumnFamily, "months/", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        v1::MonthlyAssessment record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "closed month", key));
        absl::StatusOr<MonthAssessment> month = FromProto(record);
        if (!month.ok()) return absl::DataLossError(month.status().message());
        out.months.push_back(*std::move(month));
        return absl::OkStatus();
      }));
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kColumnFamily, "contests/",
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        v1::Contest record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "contest", key));
        absl::StatusOr<Contest> contest = FromProto(record);
        if (!contest.ok()) return absl::DataLossError(contest.status().message());
        out.contests.push_back(*std::move(contest));
        return absl::OkStatus();
      }));
  ECOPLAN_RETURN_IF_ERROR(
      common::ScanPrefix(*db_, kColumnFamily, "requests/",
                         [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
                           out.requests[key.ToString().substr(9)] = value.ToString();
                           return absl::OkStatus();
                         }));
  return out;
}

void RocksDbAssessmentStore::Commit(AssessmentWrite write, std::function<void(absl::Status)> done) {
  common::WriteRequest w;
  rocksdb::ColumnFamilyHandle* cf = db_->Cf(kColumnFamily);
  absl::Status s;
  if (write.rules.has_value()) {
    const v1::PlanScoringRules rules = ToProto(*write.rules);
    s.Update(Put(w, cf, absl::StrCat("rules/", write.plan_id), rules.SerializeAsString()));
    v1::ScoringRulesChanged event;
    *event.mutable_rules() = rules;
    w.events.push_back(common::MakeEvent(event, rules.name(), write.request_id, write.actor));
  }
  if (write.closed_month.has_value()) {
    const v1::MonthlyAssessment month = ToProto(*write.closed_month);
    s.Update(Put(w, cf,
                 absl::StrCat("months/", write.plan_id, "/",
                              absl::FormatCivilTime(write.closed_month->month)),
                 month.SerializeAsString()));
    v1::MonthClosed event;
    event.set_name(month.name());
    event.set_closed_by(month.closed_by());
    event.set_reason(month.reason());
    event.set_adjustment_count(month.adjustments_size());
    w.events.push_back(common::MakeEvent(event, month.name(), write.request_id, write.actor));
  }
  if (write.contest.has_value()) {
    const v1::Contest contest = ToProto(*write.contest);
    s.Update(Put(w, cf,
                 absl::StrCat("contests/", write.plan_id, "/", BigEndian(write.contest->number)),
                 contest.SerializeAsString()));
    if (write.contest->state == ContestState::kPending) {
      v1::ContestFiled event;
      *event.mutable_contest() = contest;
      w.events.push_back(common::MakeEvent(event, contest.name(), write.request_id, write.actor));
    } else {
      v1::ContestDecided event;
      *event.mutable_contest() = contest;
      w.events.push_back(common::MakeEvent(event, contest.name(), write.request_id, write.actor));
    }
  }
  if (!write.request_id.empty()) {
    s.Update(Put(w, cf, absl::StrCat("requests/", write.request_id), write.resource));
  }
  if (!s.ok()) return done(s);
  db_->CommitAsync(std::move(w), [done = std::move(done)](absl::StatusOr<common::CommitResult> r) {
    done(r.status());
  });
}

}  // namespace ecoplan::indicator
