#pragma once

// What reading a problem ledger (问题清单) from a CSV file or an .xlsx
// workbook must satisfy whatever the bytes — it is a file people upload:
// checked by problem_csv_fuzzer and problem_xlsx_fuzzer on arbitrary input
// and by ProblemCsvCorpusTest / ProblemXlsxCorpusTest on the committed
// corpora (testdata/problem_csv_corpus/, testdata/problem_xlsx_corpus/) in
// every build.
//
// Against a small plan (one 排污口 measure owned by two organizations, one code
// already in its ledger): the whole file is refused only with
// InvalidArgument; otherwise every data row is either accepted or refused,
// refused rows are reported in file order with a record number after the
// header's, accepted rows name a code and title, an owner of their measure
// and a day, and no code is accepted twice for a measure or again when the
// ledger has it.

#include <memory>
#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/domain/problem_csv.h"

namespace ecoplan::progress {

namespace problem_csv_internal {

inline std::shared_ptr<PlanInfo> FuzzPlan() {
  auto plan = std::make_shared<PlanInfo>();
  plan->id = "p-fuzz";
  plan->title = "美丽门头沟建设2026年行动计划";
  plan->year = 2026;
  plan->organizations = {{"o-water", "区水务局"}, {"o-town", "龙泉镇"}, {"o-other", "区商务局"}};
  MeasureInfo outlets;
  outlets.id = "a1-t25-m3";
  outlets.text = "以违规排污口动态清零为目标";
  outlets.deadline_raw = "年底前";
  outlets.deadline_kind = 1;
  outlets.due = absl::CivilDay(2026, 12, 31);
  outlets.lead_org_ids = {"o-water"};
  outlets.responsible_org_ids = {"o-town"};
  MeasureInfo other = outlets;
  other.id = "a1-t7-m4";
  other.lead_org_ids = {"o-other"};
  other.responsible_org_ids = {};
  plan->measures = {outlets, other};
  plan->Index();
  return plan;
}

}  // namespace problem_csv_internal

// The invariants of one file's outcome `parsed` against `plan` and
// `existing` (see above).
inline absl::Status CheckProblemImport(const absl::StatusOr<ProblemImport>& parsed,
                                       const PlanInfo* plan, const ExistingCodes& existing) {
  if (!parsed.ok()) {
    if (parsed.status().code() != absl::StatusCode::kInvalidArgument) {
      return absl::InternalError(absl::StrCat("a whole file refused with ",
                                              parsed.status().ToString(),
                                              "; only INVALID_ARGUMENT is expected"));
    }
    return absl::OkStatus();
  }
  std::set<int> refused_lines;
  int last_error_line = 1;
  for (const ImportRowError& e : parsed->errors) {
    if (e.line < 2 || e.line < last_error_line) {
      return absl::InternalError(absl::StrCat("refused row at record ", e.line, " after ",
                                              last_error_line, ": not in file order"));
    }
    if (e.message.empty()) return absl::InternalError("a refused row without a message");
    last_error_line = e.line;
    refused_lines.insert(e.line);
  }
  std::set<std::pair<std::string, std::string>> codes;
  int last_line = 1;
  for (const ProblemRow& row : parsed->accepted) {
    const ProblemDraft& d = row.draft;
    if (row.line <= last_line || refused_lines.count(row.line) > 0) {
      return absl::InternalError(
          absl::StrCat("accepted row ", row.line, " out of order or refused"));
    }
    last_line = row.line;
    if (d.code.empty() || d.title.empty()) {
      return absl::InternalError(absl::StrCat("row ", row.line, " accepted without code or title"));
    }
    const MeasureInfo* measure = plan->FindMeasure(d.measure_id);
    if (measure == nullptr || !measure->Owns(d.org_id)) {
      return absl::InternalError(absl::StrCat("row ", row.line, " accepted for ", d.org_id,
                                              ", not an owner of measure ", d.measure_id));
    }
    if (existing.count({d.measure_id, d.code}) > 0 ||
        !codes.insert({d.measure_id, d.code}).second) {
      return absl::InternalError(
          absl::StrCat("row ", row.line, " accepted code ", d.code, " twice"));
    }
  }
  if (static_cast<int>(parsed->accepted.size() + refused_lines.size()) != parsed->rows) {
    return absl::InternalError(absl::StrCat(parsed->rows, " rows read, ", parsed->accepted.size(),
                                            " accepted and ", refused_lines.size(), " refused"));
  }
  return absl::OkStatus();
}

inline const ExistingCodes& FuzzExistingCodes() {
  static const ExistingCodes* const existing =
      new ExistingCodes{{{"a1-t25-m3", "PWK-EXIST"}, "00001"}};
  return *existing;
}

inline absl::Status CheckProblemCsvInput(absl::string_view input) {
  static const std::shared_ptr<PlanInfo> plan = problem_csv_internal::FuzzPlan();
  return CheckProblemImport(ParseProblemCsv(input, *plan, "a1-t25-m3", FuzzExistingCodes()),
                            plan.get(), FuzzExistingCodes());
}

inline absl::Status CheckProblemXlsxInput(absl::string_view input) {
  static const std::shared_ptr<PlanInfo> plan = problem_csv_internal::FuzzPlan();
  return CheckProblemImport(ParseProblemXlsx(input, *plan, "a1-t25-m3", FuzzExistingCodes()),
                            plan.get(), FuzzExistingCodes());
}

}  // namespace ecoplan::progress
