// RocksDbReportStore: the local views fed by other services' events — the
// registry's plans (plan_views) and the indicator service's facts
// (indicator_views) — loaded and written.

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/record_io.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/storage/progress_storage.pb.h"
#include "services/progress/storage/report_store_keys.h"
#include "services/progress/storage/rocksdb_report_store.h"

namespace ecoplan::progress {
namespace {

namespace cv1 = ::ecoplan::common::v1;

// A stored date that does not parse is left out (as it always was).
MeasureInfo MeasureFromRecord(const storage::MeasureView& m) {
  MeasureInfo info;
  info.id = m.id();
  info.text = m.text();
  info.deadline_raw = m.deadline().raw();
  info.deadline_kind = m.deadline().kind();
  if (m.deadline().has_window_start()) {
    if (auto d = common::DateFromProto(m.deadline().window_start(), "d"); d.ok())
      info.window_start = *d;
  }
  if (m.deadline().has_due_date()) {
    if (auto d = common::DateFromProto(m.deadline().due_date(), "d"); d.ok()) info.due = *d;
  }
  info.lead_org_ids.assign(m.lead_org_ids().begin(), m.lead_org_ids().end());
  info.responsible_org_ids.assign(m.responsible_org_ids().begin(), m.responsible_org_ids().end());
  for (const storage::CheckpointView& c : m.checkpoints()) {
    CheckpointInfo checkpoint;
    checkpoint.phrase = c.phrase();
    for (const auto& day : c.due_dates()) {
      if (auto d = common::DateFromProto(day, "d"); d.ok()) checkpoint.dues.push_back(*d);
    }
    info.checkpoints.push_back(std::move(checkpoint));
  }
  return info;
}

std::shared_ptr<PlanInfo> PlanFromRecord(const storage::PlanViewRecord& record) {
  auto plan = std::make_shared<PlanInfo>();
  plan->id = record.id();
  plan->title = record.title();
  plan->year = record.year();
  plan->time_zone = record.time_zone();
  plan->reporting_due_day = record.reporting_due_day();
  plan->registry_sequence = record.registry_sequence();
  plan->stored_format = static_cast<int>(record.format());
  if (record.has_issue_date()) {
    if (auto d = common::DateFromProto(record.issue_date(), "issue_date"); d.ok()) {
      plan->issue_date = *d;
    }
  }
  plan->organizations.insert(record.organizations().begin(), record.organizations().end());
  for (const storage::MeasureView& m : record.measures()) {
    plan->measures.push_back(MeasureFromRecord(m));
  }
  plan->Index();
  return plan;
}

}  // namespace

using report_keys::kIndicatorViewCompleteKey;
using report_keys::kIndicatorViews;
using report_keys::kMeta;
using report_keys::kPlanViews;
using report_keys::Put;
using report_keys::PutBytes;

absl::StatusOr<std::vector<std::shared_ptr<PlanInfo>>> RocksDbReportStore::LoadPlanViews() {
  std::vector<std::shared_ptr<PlanInfo>> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kPlanViews, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::PlanViewRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "plan view", key));
        out.push_back(PlanFromRecord(record));
        return absl::OkStatus();
      }));
  return out;
}

absl::Status RocksDbReportStore::WritePlanView(const PlanInfo& plan) {
  common::WriteRequest write;
  ECOPLAN_RETURN_IF_ERROR(PutPlanView(write.batch, plan));
  return db_->Commit(std::move(write)).status();
}

absl::Status RocksDbReportStore::PutPlanView(rocksdb::WriteBatch& batch, const PlanInfo& plan) {
  storage::PlanViewRecord record;
  record.set_id(plan.id);
  record.set_title(plan.title);
  record.set_year(plan.year);
  record.set_time_zone(plan.time_zone);
  record.set_reporting_due_day(plan.reporting_due_day);
  record.set_registry_sequence(plan.registry_sequence);
  record.set_format(kPlanViewFormat);  // a view is always written whole, as this release has it
  if (plan.issue_date.has_value()) *record.mutable_issue_date() = ToProto(*plan.issue_date);
  record.mutable_organizations()->insert(plan.organizations.begin(), plan.organizations.end());
  for (const MeasureInfo& m : plan.measures) {
    storage::MeasureView* v = record.add_measures();
    v->set_id(m.id);
    v->set_text(m.text);
    cv1::Deadline* d = v->mutable_deadline();
    d->set_raw(m.deadline_raw);
    d->set_kind(static_cast<cv1::DeadlineKind>(m.deadline_kind));
    if (m.window_start) *d->mutable_window_start() = ToProto(*m.window_start);
    if (m.due) *d->mutable_due_date() = ToProto(*m.due);
    for (const std::string& id : m.lead_org_ids) v->add_lead_org_ids(id);
    for (const std::string& id : m.responsible_org_ids) v->add_responsible_org_ids(id);
    for (const CheckpointInfo& c : m.checkpoints) {
      storage::CheckpointView* cv = v->add_checkpoints();
      cv->set_phrase(c.phrase);
      for (absl::CivilDay d : c.dues) *cv->add_due_dates() = ToProto(d);
    }
  }
  return Put(batch, db_->Cf(kPlanViews), plan.id, record);
}

absl::StatusOr<std::vector<std::shared_ptr<IndicatorFacts>>>
RocksDbReportStore::LoadIndicatorViews() {
  std::vector<std::shared_ptr<IndicatorFacts>> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kIndicatorViews, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::IndicatorViewRecord r;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "indicator view", key));
        auto f = std::make_shared<IndicatorFacts>();
        f->plan_id = r.plan_id();
        f->id = r.id();
        f->display_name = r.display_name();
        f->unit = r.unit();
        f->measure_ids.assign(r.measure_ids().begin(), r.measure_ids().end());
        f->retired = r.retired();
        if (r.has_target_value()) f->target_value = r.target_value();
        f->target_text = r.target_text();
        f->status = r.status() >= 0 && r.status() <= 5 ? static_cast<IndicatorState>(r.status())
                                                       : IndicatorState::kUnknown;
        if (r.has_value()) f->value = r.value();
        if (r.has_value_date()) {
          if (auto d = common::DateFromProto(r.value_date(), "value_date"); d.ok())
            f->value_date = *d;
        }
        if (r.has_as_of()) {
          if (auto d = common::DateFromProto(r.as_of(), "as_of"); d.ok()) f->as_of = *d;
        }
        if (r.has_status_target()) f->status_target = r.status_target();
        f->status_target_text = r.status_target_text();
        f->reason = r.reason();
        f->sequence = r.sequence();
        out.push_back(std::move(f));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<bool> RocksDbReportStore::IndicatorViewCompleted() {
  absl::StatusOr<std::string> marker = db_->Get(kMeta, kIndicatorViewCompleteKey);
  if (absl::IsNotFound(marker.status())) return false;
  ECOPLAN_RETURN_IF_ERROR(marker.status());
  return true;
}

absl::Status RocksDbReportStore::MarkIndicatorViewCompleted() {
  common::WriteRequest write;
  ECOPLAN_RETURN_IF_ERROR(PutBytes(write.batch, db_->Cf(kMeta), kIndicatorViewCompleteKey, ""));
  return db_->Commit(std::move(write)).status();
}

absl::Status RocksDbReportStore::PutIndicatorView(rocksdb::WriteBatch& batch,
                                                  const IndicatorFacts& f) {
  storage::IndicatorViewRecord r;
  r.set_plan_id(f.plan_id);
  r.set_id(f.id);
  r.set_display_name(f.display_name);
  r.set_unit(f.unit);
  for (const std::string& m : f.measure_ids) r.add_measure_ids(m);
  r.set_retired(f.retired);
  if (f.target_value) r.set_target_value(*f.target_value);
  r.set_target_text(f.target_text);
  r.set_status(static_cast<int32_t>(f.status));
  if (f.value) r.set_value(*f.value);
  if (f.value_date) *r.mutable_value_date() = ToProto(*f.value_date);
  if (f.as_of) *r.mutable_as_of() = ToProto(*f.as_of);
  if (f.status_target) r.set_status_target(*f.status_target);
  r.set_status_target_text(f.status_target_text);
  r.set_reason(f.reason);
  r.set_sequence(f.sequence);
  return Put(batch, db_->Cf(kIndicatorViews), absl::StrCat(f.plan_id, "/", f.id), r);
}

}  // namespace ecoplan::progress
