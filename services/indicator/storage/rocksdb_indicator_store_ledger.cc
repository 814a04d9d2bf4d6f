// RocksDbIndicatorStore: the progress ledger (progress column family: the
// entries, confirmed completions, completion declarations, approved
// extensions, supervision orders and problem items), written from a LedgerChange and loaded back
// into a ProgressLedger.

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/storage/record_io.h"
#include "services/indicator/proto_mapping.h"
#include "services/indicator/storage/indicator_store_keys.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {

using store_keys::EntryKey;
using store_keys::kProgress;
using store_keys::Put;

namespace {

storage::ProgressEntryRecord EntryToRecord(const LedgerEntry& e) {
  storage::ProgressEntryRecord r;
  r.set_organization_id(e.organization_id);
  r.set_organization(e.organization);
  r.set_period(absl::FormatCivilTime(e.period));
  r.set_measure_id(e.measure_id);
  r.set_report(e.report);
  r.set_report_revision(e.report_revision);
  r.set_status(static_cast<int>(e.status));
  r.set_percent_done(e.percent_done);
  r.set_on_time(e.on_time);
  r.set_returned(e.returned);
  *r.mutable_day() = DateToProto(e.day);
  for (const EntryValue& v : e.values) {
    storage::ProgressEntryValueRecord* x = r.add_values();
    x->set_name(v.name);
    x->set_value(v.value);
    x->set_unit(v.unit);
    x->set_indicator_id(v.indicator_id);
    x->set_note(v.note);
  }
  for (const CheckpointStatement& c : e.met_checkpoints) {
    storage::CheckpointMetRecord* x = r.add_met_checkpoints();
    *x->mutable_due_date() = DateToProto(c.due);
    x->set_phrase(c.phrase);
    *x->mutable_stated_date() = DateToProto(c.stated_on);
  }
  return r;
}

// The entry stored under `key`. Errors: DataLoss (a period that does not
// parse), InvalidArgument (a date that does not).
absl::StatusOr<LedgerEntry> EntryFromRecord(const storage::ProgressEntryRecord& r,
                                            const std::string& key) {
  LedgerEntry e;
  e.organization_id = r.organization_id();
  e.organization = r.organization();
  if (!absl::ParseCivilTime(r.period(), &e.period)) {
    return absl::DataLossError(absl::StrCat("malformed period in ", key));
  }
  e.measure_id = r.measure_id();
  e.report = r.report();
  e.report_revision = r.report_revision();
  e.status = static_cast<ReportedStatus>(std::clamp(r.status(), 0, 4));
  e.percent_done = r.percent_done();
  e.on_time = r.on_time();
  e.returned = r.returned();
  ECOPLAN_ASSIGN_OR_RETURN(e.day, DateFromProto(r.day(), "day"));
  for (const storage::ProgressEntryValueRecord& x : r.values()) {
    e.values.push_back({x.name(), x.value(), x.unit(), x.indicator_id(), x.note()});
  }
  for (const storage::CheckpointMetRecord& x : r.met_checkpoints()) {
    CheckpointStatement c;
    ECOPLAN_ASSIGN_OR_RETURN(c.due, DateFromProto(x.due_date(), "due_date"));
    c.phrase = x.phrase();
    ECOPLAN_ASSIGN_OR_RETURN(c.stated_on, DateFromProto(x.stated_date(), "stated_date"));
    e.met_checkpoints.push_back(std::move(c));
  }
  return e;
}

storage::CompletionDeclarationRecord DeclarationToRecord(const CompletionDeclaration& d) {
  storage::CompletionDeclarationRecord r;
  r.set_name(d.name);
  r.set_number(d.number);
  r.set_organization_id(d.organization_id);
  r.set_organization(d.organization);
  *r.mutable_declared() = DateToProto(d.declared);
  r.set_state(static_cast<int>(d.state));
  r.set_comment(d.comment);
  if (d.decided.has_value()) *r.mutable_decided() = DateToProto(*d.decided);
  r.set_indicator_check_overridden(d.indicator_check_overridden);
  r.set_override_reason(d.override_reason);
  return r;
}

absl::StatusOr<CompletionDeclaration> DeclarationFromRecord(
    const storage::CompletionDeclarationRecord& r) {
  CompletionDeclaration d;
  d.name = r.name();
  d.number = r.number();
  d.organization_id = r.organization_id();
  d.organization = r.organization();
  ECOPLAN_ASSIGN_OR_RETURN(d.declared, DateFromProto(r.declared(), "declared"));
  d.state = static_cast<CompletionState>(std::clamp(r.state(), 1, 3));
  d.comment = r.comment();
  if (r.has_decided()) {
    ECOPLAN_ASSIGN_OR_RETURN(d.decided, DateFromProto(r.decided(), "decided"));
  }
  d.indicator_check_overridden = r.indicator_check_overridden();
  d.override_reason = r.override_reason();
  return d;
}

storage::SupervisionOrderRecord OrderToRecord(const SupervisionOrderFact& o) {
  storage::SupervisionOrderRecord r;
  r.set_name(o.name);
  r.set_title(o.title);
  for (const std::string& m : o.measure_ids) r.add_measure_ids(m);
  for (const SupervisionAddresseeFact& a : o.addressees) {
    storage::SupervisionAddresseeRecord* x = r.add_addressees();
    x->set_organization_id(a.organization_id);
    x->set_organization(a.organization);
    for (const SupervisionReplyFact& y : a.replies) {
      storage::SupervisionReplyRecord* z = x->add_replies();
      *z->mutable_reply_time() = TimeToProto(y.reply_time);
      z->set_verdict(static_cast<int>(y.verdict));
      if (y.verify_time.has_value()) *z->mutable_verify_time() = TimeToProto(*y.verify_time);
    }
  }
  *r.mutable_issue_time() = TimeToProto(o.issue_time);
  if (o.close_time.has_value()) *r.mutable_close_time() = TimeToProto(*o.close_time);
  for (const SupervisionDeadline& d : o.deadlines) {
    storage::SupervisionDeadlineRecord* x = r.add_deadlines();
    *x->mutable_since() = TimeToProto(d.since);
    x->set_level(d.level);
    *x->mutable_day() = DateToProto(d.day);
    *x->mutable_time() = TimeToProto(d.time);
  }
  r.set_sequence(o.sequence);
  return r;
}

absl::StatusOr<SupervisionOrderFact> OrderFromRecord(const storage::SupervisionOrderRecord& r) {
  SupervisionOrderFact o;
  o.name = r.name();
  o.id = common::LastSegment(r.name());
  o.title = r.title();
  o.measure_ids.assign(r.measure_ids().begin(), r.measure_ids().end());
  for (const storage::SupervisionAddresseeRecord& x : r.addressees()) {
    SupervisionAddresseeFact a;
    a.organization_id = x.organization_id();
    a.organization = x.organization();
    for (const storage::SupervisionReplyRecord& z : x.replies()) {
      SupervisionReplyFact y;
      y.reply_time = common::TimeFromProto(z.reply_time());
      y.verdict = static_cast<SupervisionVerdict>(std::clamp(z.verdict(), 0, 3));
      if (z.has_verify_time()) y.verify_time = common::TimeFromProto(z.verify_time());
      a.replies.push_back(std::move(y));
    }
    o.addressees.push_back(std::move(a));
  }
  o.issue_time = common::TimeFromProto(r.issue_time());
  if (r.has_close_time()) o.close_time = common::TimeFromProto(r.close_time());
  for (const storage::SupervisionDeadlineRecord& x : r.deadlines()) {
    SupervisionDeadline d;
    d.since = common::TimeFromProto(x.since());
    d.level = x.level();
    ECOPLAN_ASSIGN_OR_RETURN(d.day, DateFromProto(x.day(), "deadlines.day"));
    d.time = common::TimeFromProto(x.time());
    o.deadlines.push_back(std::move(d));
  }
  o.sequence = r.sequence();
  return o;
}

storage::ProblemItemRecord ProblemToRecord(const ProblemItemFact& p) {
  storage::ProblemItemRecord r;
  r.set_name(p.name);
  r.set_measure_id(p.measure_id);
  r.set_code(p.code);
  r.set_title(p.title);
  r.set_organization_id(p.organization_id);
  r.set_organization(p.organization);
  *r.mutable_due() = DateToProto(p.due);
  for (const ProblemStepFact& s : p.steps) {
    storage::ProblemStepRecord* x = r.add_steps();
    x->set_state(static_cast<int>(s.state));
    *x->mutable_time() = TimeToProto(s.time);
    x->set_reopen(s.reopen);
  }
  r.set_sequence(p.sequence);
  return r;
}

absl::StatusOr<ProblemItemFact> ProblemFromRecord(const storage::ProblemItemRecord& r) {
  ProblemItemFact p;
  p.name = r.name();
  p.id = common::LastSegment(r.name());
  p.measure_id = r.measure_id();
  p.code = r.code();
  p.title = r.title();
  p.organization_id = r.organization_id();
  p.organization = r.organization();
  ECOPLAN_ASSIGN_OR_RETURN(p.due, DateFromProto(r.due(), "due"));
  for (const storage::ProblemStepRecord& x : r.steps()) {
    p.steps.push_back({static_cast<ProblemState>(std::clamp(x.state(), 1, 5)),
                       common::TimeFromProto(x.time()), x.reopen()});
  }
  p.sequence = r.sequence();
  return p;
}

// One record of the progress column family into `ledger`; `parts` is its key
// split at '/'. Errors: DataLoss for a key or record that does not parse.
absl::Status LoadLedgerRecord(const std::vector<std::string>& parts, const rocksdb::Slice& key,
                              const rocksdb::Slice& value, ProgressLedger* ledger) {
  if (parts[0] == "e" && parts.size() == 5) {
    storage::ProgressEntryRecord r;
    ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "progress entry", key));
    ECOPLAN_ASSIGN_OR_RETURN(LedgerEntry e, EntryFromRecord(r, key.ToString()));
    ledger->PutEntry(parts[1], std::move(e));
    return absl::OkStatus();
  }
  if (parts[0] == "c" && parts.size() == 3) {
    storage::ConfirmedCompletionRecord r;
    ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "completion", key));
    ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, DateFromProto(r.day(), "day"));
    ledger->PutCompletion(parts[1], parts[2], day);
    return absl::OkStatus();
  }
  if (parts[0] == "d" && parts.size() == 3) {
    storage::CompletionDeclarationRecord r;
    ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "declaration", key));
    ECOPLAN_ASSIGN_OR_RETURN(CompletionDeclaration d, DeclarationFromRecord(r));
    ledger->PutDeclaration(parts[1], parts[2], std::move(d));
    return absl::OkStatus();
  }
  if (parts[0] == "x" && parts.size() == 3) {
    storage::ApprovedExtensionRecord r;
    ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "extension", key));
    ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay due, DateFromProto(r.due(), "due"));
    ledger->PutExtension(parts[1], parts[2], due);
    return absl::OkStatus();
  }
  if (parts[0] == "so" && parts.size() == 3) {
    storage::SupervisionOrderRecord r;
    ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "supervision order", key));
    ECOPLAN_ASSIGN_OR_RETURN(SupervisionOrderFact o, OrderFromRecord(r));
    ledger->PutOrder(parts[1], std::move(o));
    return absl::OkStatus();
  }
  if (parts[0] == "pi" && parts.size() == 3) {
    storage::ProblemItemRecord r;
    ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "problem item", key));
    ECOPLAN_ASSIGN_OR_RETURN(ProblemItemFact p, ProblemFromRecord(r));
    ledger->PutProblem(parts[1], std::move(p));
    return absl::OkStatus();
  }
  return absl::DataLossError(absl::StrCat("malformed progress key ", key.ToString()));
}

}  // namespace

absl::Status RocksDbIndicatorStore::PutLedgerChange(common::WriteRequest& w,
                                                    const LedgerChange& change) const {
  rocksdb::ColumnFamilyHandle* cf = db_->Cf(kProgress);
  for (const LedgerEntry& e : change.deleted_entries) {
    ECOPLAN_RETURN_IF_ERROR(
        common::FromRocksDb(w.batch.Delete(cf, EntryKey(change.plan_id, e)), "delete"));
  }
  for (const LedgerEntry& e : change.put_entries) {
    ECOPLAN_RETURN_IF_ERROR(Put(w.batch, cf, EntryKey(change.plan_id, e), EntryToRecord(e)));
  }
  if (change.completion.has_value()) {
    storage::ConfirmedCompletionRecord r;
    *r.mutable_day() = DateToProto(change.completion->second);
    ECOPLAN_RETURN_IF_ERROR(
        Put(w.batch, cf, absl::StrCat("c/", change.plan_id, "/", change.completion->first), r));
  }
  if (change.declaration.has_value()) {
    ECOPLAN_RETURN_IF_ERROR(Put(w.batch, cf,
                                absl::StrCat("d/", change.plan_id, "/", change.declaration->first),
                                DeclarationToRecord(change.declaration->second)));
  }
  if (change.order.has_value()) {
    ECOPLAN_RETURN_IF_ERROR(Put(w.batch, cf,
                                absl::StrCat("so/", change.plan_id, "/", change.order->id),
                                OrderToRecord(*change.order)));
  }
  if (change.problem.has_value()) {
    ECOPLAN_RETURN_IF_ERROR(Put(w.batch, cf,
                                absl::StrCat("pi/", change.plan_id, "/", change.problem->id),
                                ProblemToRecord(*change.problem)));
  }
  if (change.extension.has_value()) {
    storage::ApprovedExtensionRecord r;
    *r.mutable_due() = DateToProto(change.extension->second);
    ECOPLAN_RETURN_IF_ERROR(
        Put(w.batch, cf, absl::StrCat("x/", change.plan_id, "/", change.extension->first), r));
  }
  return absl::OkStatus();
}

absl::Status RocksDbIndicatorStore::LoadProgress(ProgressLedger* ledger) const {
  return common::ScanPrefix(
      *db_, kProgress, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        const std::vector<std::string> parts = absl::StrSplit(key.ToString(), '/');
        return LoadLedgerRecord(parts, key, value, ledger);
      });
}

}  // namespace ecoplan::indicator
