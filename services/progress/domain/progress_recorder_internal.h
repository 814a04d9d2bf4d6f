#pragma once

// Pieces the ProgressRecorder's use-case files share (progress_recorder_*.cc):
// the method names request records carry, the request fingerprint, the
// serializer keys, the field checks, and the report helpers both the writes
// and the reads use. Not part of the recorder's interface: include it only
// from those files.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"
#include "services/progress/domain/model.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/report_store.h"

namespace ecoplan::progress::internal {

// The method names of request records (RequestRecord.method): stored, so a
// retry after an upgrade must find the same names.
inline constexpr absl::string_view kSubmitMethod = "SubmitReport";
inline constexpr absl::string_view kAcceptMethod = "AcceptReport";
inline constexpr absl::string_view kReturnMethod = "ReturnReport";
inline constexpr absl::string_view kRequestExtensionMethod = "RequestExtension";
inline constexpr absl::string_view kDecideExtensionMethod = "DecideExtension";
inline constexpr absl::string_view kDeclareMethod = "DeclareCompletion";
inline constexpr absl::string_view kDecideCompletionMethod = "DecideCompletion";
inline constexpr absl::string_view kCalendarMethod = "UpdateReportingCalendar";
inline constexpr absl::string_view kHolidaysMethod = "LoadHolidays";
inline constexpr absl::string_view kPrefillMethod = "PrefillReport";

// FNV-1a over the parts, separated so that ("ab","c") differs from ("a","bc").
// Request records store the result: its definition must not change.
class Fingerprinter {
 public:
  Fingerprinter& Add(absl::string_view part) {
    for (unsigned char c : part) Mix(c);
    Mix(0x1f);
    return *this;
  }
  // Numbers are hashed as their text (as request records store them): printf's
  // "%.17g", which std::to_chars is specified to write, without printf's cost
  // or an allocation. The text must not change: fingerprints are stored.
  Fingerprinter& Add(double v) {
    char text[32];
    const std::to_chars_result r =
        std::to_chars(text, text + sizeof(text), v, std::chars_format::general, 17);
    return Add(absl::string_view(text, r.ec == std::errc() ? r.ptr - text : 0));
  }
  Fingerprinter& Add(int v) { return Add(absl::AlphaNum(v).Piece()); }
  std::string Done() const { return absl::StrCat(absl::Hex(hash_, absl::kZeroPad16)); }

 private:
  void Mix(unsigned char c) {
    hash_ ^= c;
    hash_ *= 1099511628211ull;
  }
  uint64_t hash_ = 14695981039346656037ull;
};

// The record of the earlier call when `caller`'s request id was used before
// for the same `method` and `fingerprint` (a retry: answer, do not write);
// nullopt for a fresh call or no id. `find` looks the id up in the store
// (ReportStore, SupervisionStore and ProblemStore share the records).
// Errors: InvalidArgument (the id was used for another call), the store's.
template <typename Find>
absl::StatusOr<std::optional<RequestRecord>> FindRetry(const Caller& caller,
                                                       absl::string_view method,
                                                       absl::string_view fingerprint,
                                                       const Find& find) {
  if (caller.request_id.empty()) return std::optional<RequestRecord>();
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<RequestRecord> seen, find(caller.request_id));
  ECOPLAN_ASSIGN_OR_RETURN(
      common::RequestDecision decision,
      common::RequestLedger::Decide({caller.request_id, method, "", fingerprint},
                                    seen ? &*seen : nullptr));
  if (decision == common::RequestDecision::kFresh) return std::optional<RequestRecord>();
  return seen;
}

// Serializer keys: a report, and a measure (its extensions and completions).
std::string ReportKey(absl::string_view plan_id, absl::string_view report_id);
std::string MeasureKey(absl::string_view plan_id, absl::string_view measure_id);

absl::Status NotFoundReport(absl::string_view plan_id, absl::string_view report_id);

// The plan's time zone; UTC+8 when its name does not load.
absl::TimeZone PlanZone(const PlanInfo& plan);

// "DRAFT", "SUBMITTED", … as the revision notes and errors spell a state.
absl::string_view StateName(ReportState s);

// What changed between two versions of a report, one line per field;
// `before` is null for a new report.
std::vector<std::string> Diff(const Report* before, const Report& after);

// Sort key of a report: period order, then organization.
std::tuple<int, int, int, std::string> ReportOrder(const Report& r);

// The measure `measure_id` of `plan`, which `org_id` leads: NotFound when the
// plan has no such measure, PermissionDenied (saying that only a lead
// organization `what`) when the organization does not lead it.
absl::StatusOr<const MeasureInfo*> LedMeasure(const PlanInfo& plan, absl::string_view measure_id,
                                              absl::string_view org_id, absl::string_view what);

// InvalidArgument (naming `field`) unless `period` is of the plan's year and a
// period the plan's reporting calendar asks for.
absl::Status CheckPeriodInPlan(const Period& period, const PlanInfo& plan,
                               const CalendarRule& calendar, absl::string_view field);

// The field checks below take the field's name as a callable returning it,
// so that a valid request (the usual case) builds no names at all.

template <typename Name>
absl::Status CheckTextNamed(absl::string_view value, const Name& field, size_t max_chars,
                            bool required) {
  if (value.empty()) {
    return required ? absl::InvalidArgumentError(absl::StrCat(field(), " is required"))
                    : absl::OkStatus();
  }
  const std::optional<size_t> chars = common::ValidUtf8Length(value);
  if (!chars.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(field(), " is not valid UTF-8 (byte ",
                                                   common::FirstInvalidUtf8Offset(value), ")"));
  }
  if (*chars > max_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field(), " is longer than ", max_chars, " characters"));
  }
  if (required && common::TrimDocumentSpace(value).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field(), " is required (only spaces given)"));
  }
  return absl::OkStatus();
}

template <typename Name>
absl::Status CheckUrlNamed(absl::string_view url, const Name& field) {
  ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(url, field, kMaxUrlLength, true));
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "https://") && !absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat(field(), " must be an http:// or https:// URL"));
  }
  if (rest.empty() || rest[0] == '/' || rest[0] == '?' || rest[0] == '#') {
    return absl::InvalidArgumentError(absl::StrCat(field(), " has no host"));
  }
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(field(), " contains spaces or control characters"));
    }
  }
  return absl::OkStatus();
}

}  // namespace ecoplan::progress::internal
