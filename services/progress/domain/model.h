#pragma once

// Progress reports and everything around them as plain structs, free of
// protobuf and gRPC. Mapped to the v1 contract in proto_mapping.cc; the
// storage adapter stores those v1 messages inside its own records.

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/reporting_calendar.h"

namespace ecoplan::progress {

enum class MeasureStatus {
  kUnspecified = 0,
  kNotStarted = 1,
  kInProgress = 2,
  kCompleted = 3,
  kDelayed = 4,
  kBlocked = 5
};

struct QuantitativeValue {
  std::string name;
  double value = 0;
  std::string unit;
  bool operator==(const QuantitativeValue& o) const {
    return name == o.name && value == o.value && unit == o.unit;
  }
};

// An occurrence of a checkpoint of the measure's text that an entry states as
// met: identified by its due day; the phrase is for readability.
struct CheckpointMet {
  absl::CivilDay due;
  std::string phrase;  // e.g. "5月底前"; filled from the plan view when empty
  bool operator==(const CheckpointMet& o) const { return due == o.due && phrase == o.phrase; }
};

// Where a figure came from when another system holds it (一数一源).
struct ValueSource {
  std::string system;                           // e.g. 市生态环境统计系统
  std::string record_id;                        // the record's id or document number (文号) there
  absl::Time file_time = absl::InfinitePast();  // when it was filed there
  bool operator==(const ValueSource& o) const {
    return system == o.system && record_id == o.record_id && file_time == o.file_time;
  }
};

// What became of a prefilled field (see FieldOrigin in progress_service.proto
// for the rule, report_provenance.h for the code).
enum class FieldOrigin { kUnspecified = 0, kPrefilled = 1, kConfirmed = 2, kCorrected = 3 };

// The provenance of one field of an entry that another system prefilled.
struct FieldProvenance {
  std::string field;  // "status", "percent_done", "work_done", "problems", "next_steps",
                      // "values[<name>]"
  FieldOrigin origin = FieldOrigin::kUnspecified;
  ValueSource source;
  std::string prefilled_value;  // as FieldText renders it (report_provenance.h)
  std::string pushed_by;
  absl::Time push_time = absl::InfinitePast();
  bool operator==(const FieldProvenance& o) const {
    return field == o.field && origin == o.origin && source == o.source &&
           prefilled_value == o.prefilled_value && pushed_by == o.pushed_by &&
           push_time == o.push_time;
  }
};

// One measure's progress in a report.
struct ReportEntry {
  std::string measure_id;  // registry id, e.g. "a1-t3-m2"
  MeasureStatus status = MeasureStatus::kUnspecified;
  double percent_done = 0;
  std::string work_done;   // 工作进展
  std::string problems;    // 存在问题
  std::string next_steps;  // 下步计划
  std::vector<QuantitativeValue> values;
  std::vector<std::string> evidence_links;
  std::vector<CheckpointMet> met_checkpoints = {};  // checkpoints stated met
  // The fields another system prefilled (only those; every other counted
  // field was typed), in the order they were first pushed.
  std::vector<FieldProvenance> provenance = {};
};

enum class ReportState {
  kUnspecified = 0,
  kDraft = 1,
  kSubmitted = 2,
  kReturned = 3,
  kAccepted = 4
};
enum class Timeliness { kUnspecified = 0, kOnTime = 1, kLate = 2 };

// A report of one organization for one period of one plan. Its id is
// "<org_id>_<period>".
struct Report {
  std::string plan_id;
  std::string org_id;
  std::string org_display_name;
  std::string period;  // canonical text, e.g. "2026-05"
  ReportState state = ReportState::kUnspecified;
  std::vector<ReportEntry> entries;
  std::string summary;
  int revision = 0;
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
  std::optional<absl::Time> first_submit_time;
  std::optional<absl::Time> last_submit_time;
  std::optional<absl::Time> due_time;  // recorded at the first submission
  Timeliness timeliness = Timeliness::kUnspecified;
  absl::Duration lateness = absl::ZeroDuration();
  std::string review_comment;
  std::string submitted_by;
  std::string reviewed_by;

  std::string id() const { return org_id + "_" + period; }
};

// A report's etag: changes with every revision. Opaque to clients.
inline std::string ReportEtag(const Report& report) {
  return "r" + std::to_string(report.revision);
}

enum class RevisionAction {
  kUnspecified = 0,
  kDraftSaved = 1,
  kSubmitted = 2,
  kRevised = 3,
  kReturned = 4,
  kAccepted = 5,
  kPrefilled = 6  // figures pushed by another system merged into the draft
};

// One change of a report, with the report after it.
struct ReportRevision {
  int revision = 0;
  RevisionAction action = RevisionAction::kUnspecified;
  absl::Time time = absl::InfinitePast();
  std::string actor;
  std::string comment;
  std::vector<std::string> changes;
  Report report;
  std::string request_id;
};

// The reporting calendar is common (common/calendar/reporting_calendar.h):
// periods, due rules, working days and the issue-date rule are defined there
// once, for progress, notification and indicator alike.
using common::CalendarAsksFor;
using common::DefaultCalendar;
using common::DueOf;
using common::DueRule;
using common::DuesOfYear;
using common::IsOwed;
using common::ParsePeriod;
using common::Period;
using common::PeriodDueDay;
using common::ValidateDueRule;
using common::ValidateHolidayYear;
using common::WorkingDays;

// A plan's reporting calendar, as the progress service keeps it.
struct CalendarRule : common::CalendarRule {
  bool overridden = false;  // set by an administrator
  int version = 0;          // etag "c<version>"
};

inline std::string CalendarEtag(const CalendarRule& rule) {
  return "c" + std::to_string(rule.version);
}

// The public holidays and make-up working days of one year, as loaded.
struct HolidayYear : common::HolidayYear {
  absl::Time update_time = absl::InfinitePast();
};

enum class ExtensionState { kUnspecified = 0, kPending = 1, kApproved = 2, kRejected = 3 };

struct Extension {
  std::string plan_id;
  std::string measure_id;
  std::string org_id;
  int number = 0;  // 1-based per measure
  std::optional<absl::CivilDay> current_due;
  std::optional<absl::CivilDay> original_due;
  absl::CivilDay requested_due;
  std::string reason;
  ExtensionState state = ExtensionState::kUnspecified;
  std::string decision_comment;
  absl::Time request_time = absl::InfinitePast();
  std::optional<absl::Time> decision_time;
  std::string requested_by;
  std::string decided_by;
};

enum class CompletionState { kUnspecified = 0, kDeclared = 1, kConfirmed = 2, kRejected = 3 };

struct Completion {
  std::string plan_id;
  std::string measure_id;
  std::string org_id;
  int number = 0;  // 1-based per measure
  std::string description;
  std::vector<std::string> evidence_links;
  CompletionState state = CompletionState::kUnspecified;
  std::string decision_comment;
  absl::Time declare_time = absl::InfinitePast();
  std::optional<absl::Time> decision_time;
  std::string declared_by;
  std::string decided_by;
  // Set when the bureau confirmed against the indicator data (see
  // ProgressRecorder::DecideCompletion), with its reason.
  bool indicator_check_overridden = false;
  std::string override_reason;
  // The indicator facts the confirmation was checked against, one line each.
  std::vector<std::string> indicator_checks;
};

// Who is calling, as the gRPC edge authenticated it (the token's role,
// organization and subject). The domain's checks (CheckActsFor,
// CheckAdministrator) apply to every role; the default is the least
// privileged one.
struct Caller {
  // kSupervisor: the 督查室, which issues and verifies supervision orders.
  enum class Role { kAdministrator = 1, kReporter = 2, kViewer = 3, kService = 4, kSupervisor = 5 };
  Role role = Role::kViewer;
  std::string org_id;  // for kReporter: the one organization it reports for
  std::string actor;   // who, for the audit trail
  std::string request_id;
};

}  // namespace ecoplan::progress
