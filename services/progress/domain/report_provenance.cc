#include "services/progress/domain/report_provenance.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/status/status_macros.h"
#include "services/progress/domain/progress_recorder_internal.h"

namespace ecoplan::progress {

using internal::CheckTextNamed;

namespace {

constexpr absl::string_view kStatusField = "status";
constexpr absl::string_view kPercentField = "percent_done";
constexpr absl::string_view kWorkDoneField = "work_done";
constexpr absl::string_view kProblemsField = "problems";
constexpr absl::string_view kNextStepsField = "next_steps";

const QuantitativeValue* FindValue(const ReportEntry& e, absl::string_view name) {
  for (const QuantitativeValue& v : e.values) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

std::string ValueText(const QuantitativeValue& v) {
  return v.unit.empty() ? NumberText(v.value) : absl::StrCat(NumberText(v.value), " ", v.unit);
}

FieldProvenance* FindRecord(ReportEntry& e, absl::string_view field) {
  for (FieldProvenance& p : e.provenance) {
    if (p.field == field) return &p;
  }
  return nullptr;
}

absl::Status CheckSource(const ValueSource& s, const std::string& field, absl::Time now) {
  ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
      s.system, [&] { return absl::StrCat(field, ".system"); }, kMaxSourceSystemLength, true));
  ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
      s.record_id, [&] { return absl::StrCat(field, ".record_id"); }, kMaxSourceRecordIdLength,
      true));
  if (s.file_time == absl::InfinitePast()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".file_time is required: when the figure was filed there"));
  }
  if (s.file_time > now) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".file_time ",
                                                   absl::FormatTime(s.file_time),
                                                   " is after the push; a figure filed later "
                                                   "cannot be pushed now"));
  }
  return absl::OkStatus();
}

absl::Status CheckPrefillEntry(const PrefillEntry& e, size_t index, absl::Time now) {
  auto field = [index](absl::string_view suffix = {}) {
    return absl::StrCat("entries[", index, "]", suffix);
  };
  const bool pushes_entry_fields = e.status != MeasureStatus::kUnspecified ||
                                   e.percent_done.has_value() || !e.work_done.empty() ||
                                   !e.problems.empty() || !e.next_steps.empty();
  if (!pushes_entry_fields && e.values.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field(), ": pushes nothing; give values, a status, percent_done or a text"));
  }
  bool needs_source = pushes_entry_fields;
  for (const PrefillValue& v : e.values) needs_source |= !v.source.has_value();
  if (e.source.has_value()) {
    ECOPLAN_RETURN_IF_ERROR(CheckSource(*e.source, field(".source"), now));
  } else if (needs_source) {
    return absl::InvalidArgumentError(
        absl::StrCat(field(".source"),
                     " is required: where the entry's figures were filed (system, "
                     "record_id, file_time)"));
  }
  if (static_cast<int>(e.status) < 0 || static_cast<int>(e.status) > 5) {
    return absl::InvalidArgumentError(absl::StrCat(field(".status"), " is not a known status"));
  }
  if (e.percent_done.has_value()) {
    const double p = *e.percent_done;
    if (!std::isfinite(p) || p < 0 || p > 100) {
      return absl::InvalidArgumentError(
          absl::StrCat(field(".percent_done"), " must be a number from 0 to 100; got ", p));
    }
    if (e.status == MeasureStatus::kCompleted && p != 100) {
      return absl::InvalidArgumentError(
          absl::StrCat(field(".percent_done"), " must be 100 for a COMPLETED measure"));
    }
    if (e.status == MeasureStatus::kNotStarted && p != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(field(".percent_done"), " must be 0 for a NOT_STARTED measure"));
    }
  }
  ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
      e.work_done, [&] { return field(".work_done"); }, kMaxEntryTextLength, false));
  ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
      e.problems, [&] { return field(".problems"); }, kMaxEntryTextLength, false));
  ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
      e.next_steps, [&] { return field(".next_steps"); }, kMaxEntryTextLength, false));
  if (e.values.size() > kMaxValues) {
    return absl::InvalidArgumentError(
        absl::StrCat(field(".values"), ": at most ", kMaxValues, " values"));
  }
  std::set<absl::string_view> names;
  for (size_t i = 0; i < e.values.size(); ++i) {
    const PrefillValue& pv = e.values[i];
    auto value_field = [&](absl::string_view suffix) {
      return field(absl::StrCat(".values[", i, "]", suffix));
    };
    ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
        pv.value.name, [&] { return value_field(".value.name"); }, kMaxValueNameLength, true));
    ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
        pv.value.unit, [&] { return value_field(".value.unit"); }, kMaxUnitLength, false));
    if (!std::isfinite(pv.value.value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          value_field(".value.value"), " must be a finite number (not NaN or infinite)"));
    }
    if (!names.insert(pv.value.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(value_field(".value.name"), ": ", pv.value.name, " is pushed twice"));
    }
    if (pv.source.has_value()) {
      ECOPLAN_RETURN_IF_ERROR(CheckSource(*pv.source, value_field(".source"), now));
    }
  }
  return absl::OkStatus();
}

}  // namespace

void ReportingBurden::Add(const ReportingBurden& o) {
  field_count += o.field_count;
  typed += o.typed;
  prefilled += o.prefilled;
  confirmed += o.confirmed;
  corrected += o.corrected;
  pending += o.pending;
}

bool ReportingBurden::operator==(const ReportingBurden& o) const {
  return field_count == o.field_count && typed == o.typed && prefilled == o.prefilled &&
         confirmed == o.confirmed && corrected == o.corrected && pending == o.pending;
}

std::string StatusText(MeasureStatus status) {
  switch (status) {
    case MeasureStatus::kNotStarted:
      return "MEASURE_STATUS_NOT_STARTED";
    case MeasureStatus::kInProgress:
      return "MEASURE_STATUS_IN_PROGRESS";
    case MeasureStatus::kCompleted:
      return "MEASURE_STATUS_COMPLETED";
    case MeasureStatus::kDelayed:
      return "MEASURE_STATUS_DELAYED";
    case MeasureStatus::kBlocked:
      return "MEASURE_STATUS_BLOCKED";
    case MeasureStatus::kUnspecified:
      break;
  }
  return "MEASURE_STATUS_UNSPECIFIED";
}

std::string NumberText(double value) {
  // Whole numbers as such ("240", not "2.4e+02"); others in the shortest
  // precision that reads back the same double.
  if (std::trunc(value) == value && std::fabs(value) < 1e15) {
    return absl::StrFormat("%.0f", value == 0 ? 0.0 : value);  // no "-0"
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::string text = absl::StrFormat("%.*g", precision, value);
    if (std::strtod(text.c_str(), nullptr) == value) return text;
  }
  return absl::StrFormat("%.17g", value);
}

std::string ValueField(absl::string_view name) { return absl::StrCat("values[", name, "]"); }

std::optional<std::string> FieldText(const ReportEntry& e, absl::string_view field) {
  if (field == kStatusField) {
    if (e.status == MeasureStatus::kUnspecified) return std::nullopt;
    return StatusText(e.status);
  }
  if (field == kPercentField) return NumberText(e.percent_done);
  const std::string* text = field == kWorkDoneField    ? &e.work_done
                            : field == kProblemsField  ? &e.problems
                            : field == kNextStepsField ? &e.next_steps
                                                       : nullptr;
  if (text != nullptr) {
    if (text->empty()) return std::nullopt;
    return *text;
  }
  absl::string_view name = field;
  if (absl::ConsumePrefix(&name, "values[") && absl::ConsumeSuffix(&name, "]")) {
    const QuantitativeValue* v = FindValue(e, name);
    if (v == nullptr) return std::nullopt;
    return ValueText(*v);
  }
  return std::nullopt;
}

std::vector<std::string> CountedFields(const ReportEntry& e) {
  std::vector<std::string> out;
  if (e.status != MeasureStatus::kUnspecified) {
    out.emplace_back(kStatusField);
    out.emplace_back(kPercentField);
  }
  if (!e.work_done.empty()) out.emplace_back(kWorkDoneField);
  if (!e.problems.empty()) out.emplace_back(kProblemsField);
  if (!e.next_steps.empty()) out.emplace_back(kNextStepsField);
  for (const QuantitativeValue& v : e.values) out.push_back(ValueField(v.name));
  return out;
}

void CarryProvenance(const Report* before, bool draft, std::vector<ReportEntry>* entries) {
  absl::flat_hash_map<absl::string_view, const ReportEntry*> old_entries;
  if (before != nullptr) {
    for (const ReportEntry& e : before->entries) {
      if (!e.provenance.empty()) old_entries[e.measure_id] = &e;
    }
  }
  for (ReportEntry& e : *entries) {
    e.provenance.clear();
    auto it = old_entries.find(e.measure_id);
    if (it == old_entries.end()) continue;
    for (const FieldProvenance& p : it->second->provenance) {
      std::optional<std::string> now = FieldText(e, p.field);
      if (!now.has_value()) continue;  // emptied or removed: no longer reported
      FieldProvenance q = p;
      if (*now != p.prefilled_value) {
        q.origin = FieldOrigin::kCorrected;
      } else {
        q.origin = draft ? FieldOrigin::kPrefilled : FieldOrigin::kConfirmed;
      }
      e.provenance.push_back(std::move(q));
    }
  }
}

ReportingBurden BurdenOf(const Report& report) {
  ReportingBurden b;
  for (const ReportEntry& e : report.entries) {
    std::set<std::string> seen;  // a value name given twice: only the first is prefilled
    for (const std::string& field : CountedFields(e)) {
      ++b.field_count;
      const FieldProvenance* p = nullptr;
      if (seen.insert(field).second) {
        for (const FieldProvenance& x : e.provenance) {
          if (x.field == field) p = &x;
        }
      }
      if (p == nullptr) {
        ++b.typed;
        continue;
      }
      ++b.prefilled;
      switch (p->origin) {
        case FieldOrigin::kConfirmed:
          ++b.confirmed;
          break;
        case FieldOrigin::kCorrected:
          ++b.corrected;
          ++b.typed;
          break;
        case FieldOrigin::kPrefilled:
        case FieldOrigin::kUnspecified:
          ++b.pending;
          break;
      }
    }
  }
  return b;
}

absl::Status CheckPrefillEntries(const std::vector<PrefillEntry>& entries, const PlanInfo& plan,
                                 absl::string_view org_id, absl::Time now) {
  std::set<absl::string_view> seen;
  for (size_t i = 0; i < entries.size(); ++i) {
    const PrefillEntry& e = entries[i];
    if (e.measure_id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("entries[", i, "].measure is required"));
    }
    const MeasureInfo* m = plan.FindMeasure(e.measure_id);
    if (m == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("entries[", i, "].measure: plans/", plan.id,
                                                     "/measures/", e.measure_id,
                                                     " does not exist"));
    }
    if (!m->Owns(std::string(org_id))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entries[", i, "].measure: ", plan.OrgName(std::string(org_id)), " (organizations/",
          org_id, ") neither leads nor is responsible for measure plans/", plan.id, "/measures/",
          e.measure_id, "; push figures only for measures the organization reports on"));
    }
    if (!seen.insert(e.measure_id).second) {
      return absl::InvalidArgumentError(absl::StrCat("entries[", i, "].measure: measure ",
                                                     e.measure_id, " has more than one entry"));
    }
    ECOPLAN_RETURN_IF_ERROR(CheckPrefillEntry(e, i, now));
  }
  return absl::OkStatus();
}

std::vector<std::string> MergePrefill(const std::vector<PrefillEntry>& entries,
                                      const std::string& actor, absl::Time now, Report* draft) {
  std::vector<std::string> kept;
  for (const PrefillEntry& pe : entries) {
    ReportEntry* e = nullptr;
    for (ReportEntry& x : draft->entries) {
      if (x.measure_id == pe.measure_id) e = &x;
    }
    if (e == nullptr) {
      e = &draft->entries.emplace_back();
      e->measure_id = pe.measure_id;
    }
    // Fills `field` unless the organization typed or corrected it (`typed`:
    // not empty and without a record).
    auto fill = [&](absl::string_view field, bool typed, const ValueSource& source,
                    const std::function<void()>& apply) {
      FieldProvenance* p = FindRecord(*e, field);
      if (p != nullptr ? p->origin == FieldOrigin::kCorrected : typed) {
        kept.push_back(absl::StrCat("entries[", pe.measure_id, "].", field));
        return;
      }
      apply();
      FieldProvenance q;
      q.field = std::string(field);
      q.origin = FieldOrigin::kPrefilled;
      q.source = source;
      q.prefilled_value = *FieldText(*e, field);
      q.pushed_by = actor;
      q.push_time = now;
      if (p != nullptr) {
        *p = std::move(q);
      } else {
        e->provenance.push_back(std::move(q));
      }
    };
    // percent_done is the organization's when it set the status itself.
    const FieldProvenance* status_record = FindRecord(*e, kStatusField);
    const bool status_typed =
        e->status != MeasureStatus::kUnspecified &&
        (status_record == nullptr || status_record->origin == FieldOrigin::kCorrected);
    if (pe.status != MeasureStatus::kUnspecified) {
      fill(kStatusField, e->status != MeasureStatus::kUnspecified, *pe.source,
           [&] { e->status = pe.status; });
    }
    if (pe.percent_done.has_value()) {
      fill(kPercentField, status_typed, *pe.source, [&] { e->percent_done = *pe.percent_done; });
    }
    const std::pair<absl::string_view, std::pair<const std::string*, std::string*>> texts[] = {
        {kWorkDoneField, {&pe.work_done, &e->work_done}},
        {kProblemsField, {&pe.problems, &e->problems}},
        {kNextStepsField, {&pe.next_steps, &e->next_steps}}};
    for (const auto& [field, text] : texts) {
      // Named, not a structured binding: lambdas capture those only from C++20.
      const std::string* pushed = text.first;
      std::string* current = text.second;
      if (pushed->empty()) continue;
      fill(field, !current->empty(), *pe.source, [&] { *current = *pushed; });
    }
    for (const PrefillValue& pv : pe.values) {
      const std::string field = ValueField(pv.value.name);
      fill(field, FindValue(*e, pv.value.name) != nullptr, pv.source ? *pv.source : *pe.source,
           [&] {
             for (QuantitativeValue& v : e->values) {
               if (v.name == pv.value.name) {
                 v = pv.value;
                 return;
               }
             }
             e->values.push_back(pv.value);
           });
    }
  }
  return kept;
}

}  // namespace ecoplan::progress
