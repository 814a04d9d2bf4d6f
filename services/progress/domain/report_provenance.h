#pragma once

// 一数一源 (a figure is reported once): figures another system already holds
// prefill an organization's draft (PrefillReport), each field keeping its
// source; the organization confirms or corrects them when it submits; and the
// reporting burden counts what it typed and what came prefilled. Pure
// functions over the report structs; the rules are stated in
// progress_service.proto (FieldOrigin, ReportingBurden, PrefillReport).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/progress/domain/model.h"
#include "services/progress/domain/plan_view.h"

namespace ecoplan::progress {

inline constexpr size_t kMaxSourceSystemLength = 100;
inline constexpr size_t kMaxSourceRecordIdLength = 128;

// One quantitative value pushed, with its own source when it differs from
// the entry's.
struct PrefillValue {
  QuantitativeValue value;
  std::optional<ValueSource> source;
};

// The figures another system holds for one measure; only what is set is pushed.
struct PrefillEntry {
  std::string measure_id;
  std::optional<ValueSource> source;  // of the status, percent, texts and values without their own
  std::vector<PrefillValue> values;
  MeasureStatus status = MeasureStatus::kUnspecified;  // kUnspecified: not pushed
  std::optional<double> percent_done;
  std::string work_done;  // empty: not pushed (likewise problems, next_steps)
  std::string problems;
  std::string next_steps;
};

// A PrefillReport call.
struct ReportPrefill {
  std::string plan_id;
  std::string org_id;
  std::string period;
  std::vector<PrefillEntry> entries;
};

// The draft after a prefill, and the pushed fields it kept as the
// organization typed them ("entries[<measure id>].<field>").
struct PrefillResult {
  Report report;
  std::vector<std::string> kept_fields;
};

// The reporting burden of a report, or a sum of them (ReportingBurden in the proto).
struct ReportingBurden {
  int field_count = 0;
  int typed = 0;
  int prefilled = 0;
  int confirmed = 0;
  int corrected = 0;
  int pending = 0;
  void Add(const ReportingBurden& o);
  bool operator==(const ReportingBurden& o) const;
};

// A status as its proto enum name ("MEASURE_STATUS_IN_PROGRESS").
std::string StatusText(MeasureStatus status);
// A number in its shortest form that reads back exactly ("60", "12.5").
std::string NumberText(double value);
// "values[<name>]".
std::string ValueField(absl::string_view name);

// The current value of `field` of `e` as FieldProvenance.prefilled_value
// renders it; nullopt when the field is empty (status unset, text empty, no
// value of that name). percent_done always has a value.
std::optional<std::string> FieldText(const ReportEntry& e, absl::string_view field);

// The counted fields of `e`, in entry order: status and percent_done when
// the status is set, each non-empty text, each quantitative value.
std::vector<std::string> CountedFields(const ReportEntry& e);

// SubmitReport's rule: sets the provenance of each entry of `entries` (as
// the organization saved or submitted them) from the same measure's entry
// in `before` (null for a new report): a field with a record that is now
// empty loses it; one equal to its prefilled value is PREFILLED in a draft
// (`draft`) and CONFIRMED in a submission; one that differs is CORRECTED.
// Whatever provenance `entries` carried is replaced.
void CarryProvenance(const Report* before, bool draft, std::vector<ReportEntry>* entries);

// The burden of `report`.
ReportingBurden BurdenOf(const Report& report);

// Checks a prefill's entries against `plan` for organization `org_id` at
// `now`: each names a measure the organization owns, once, pushes something
// valid with a complete source. Errors: InvalidArgument naming the field
// (entries[<i>]...).
absl::Status CheckPrefillEntries(const std::vector<PrefillEntry>& entries, const PlanInfo& plan,
                                 absl::string_view org_id, absl::Time now);

// Merges checked `entries` into `draft` (a DRAFT report, or a new one),
// field by field as PrefillReport in the proto says: a field the
// organization typed or corrected is kept (and named in the result), a
// PREFILLED one or an empty one takes the pushed value with a PREFILLED
// record by `actor` at `now`. New entries are appended in push order.
std::vector<std::string> MergePrefill(const std::vector<PrefillEntry>& entries,
                                      const std::string& actor, absl::Time now, Report* draft);

}  // namespace ecoplan::progress
