#pragma once

// The AssessmentStore port on the indicator service's RocksDB. Key layout
// (column family "assessments"; plan ids never contain '/'):
//   rules/<plan_id>                       → v1.PlanScoringRules
//   months/<plan_id>/<YYYY-MM>            → v1.MonthlyAssessment (closed, as answered)
//   contests/<plan_id>/<number: u64 BE>   → v1.Contest (latest state)
//   requests/<request_id>                 → "<Method> <resource>" (StoredAssessmentRequest;
//                                           before common/idempotency: the resource alone)
// Each write goes in one synced WriteBatch with its event
// (v1.ScoringRulesChanged, MonthClosed, ContestFiled, ContestDecided).
// Thread-safe; `db` must outlive it.

#include <string>
#include <vector>

#include "common/storage/rocksdb_db.h"
#include "services/indicator/domain/monthly_assessments.h"

namespace ecoplan::indicator {

class RocksDbAssessmentStore : public AssessmentStore {
 public:
  static constexpr char kColumnFamily[] = "assessments";
  // Column families this store needs; pass them to RocksDb::Open.
  static std::vector<std::string> ColumnFamilies() { return {kColumnFamily}; }

  explicit RocksDbAssessmentStore(common::RocksDb* db) : db_(db) {}

  // Errors: DataLoss for a record that does not parse, or the mapped RocksDB error.
  absl::StatusOr<AssessmentRecords> Load() const override;
  void Commit(AssessmentWrite write, std::function<void(absl::Status)> done) override;

 private:
  common::RocksDb* const db_;
};

}  // namespace ecoplan::indicator
