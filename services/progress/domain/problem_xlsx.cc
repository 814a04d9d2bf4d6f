// Reading a problem ledger (问题清单) from an .xlsx workbook: its first
// worksheet's rows (common/spreadsheet) checked as a CSV file's records.

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/spreadsheet/xlsx_reader.h"
#include "services/progress/domain/problem_csv.h"

namespace ecoplan::progress {

absl::StatusOr<ProblemImport> ParseProblemXlsx(absl::string_view xlsx, const PlanInfo& plan,
                                               absl::string_view measure_id,
                                               const ExistingCodes& existing) {
  if (xlsx.size() > kMaxImportBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("xlsx: ", xlsx.size(), " bytes; at most 8 MiB (", kMaxImportBytes, ")"));
  }
  common::XlsxLimits limits;
  limits.max_unpacked_bytes = kMaxXlsxUnpackedBytes;
  limits.max_rows = kMaxImportRows + 1;  // and the header
  absl::StatusOr<std::vector<common::SheetRow>> rows = common::ReadFirstWorksheet(xlsx, limits);
  if (!rows.ok()) {
    if (absl::StartsWith(rows.status().message(), "xlsx: more than")) {
      return absl::InvalidArgumentError(
          absl::StrCat("xlsx: more than ", kMaxImportRows, " rows; split the file"));
    }
    return rows.status();
  }
  std::vector<CsvRecord> records;
  records.reserve(rows->size());
  for (common::SheetRow& row : *rows) records.push_back({row.number, std::move(row.cells)});
  return CheckProblemRecords(records, {"xlsx", "row"}, plan, measure_id, existing);
}

absl::StatusOr<ProblemImport> ParseProblemFile(const ProblemFile& file, const PlanInfo& plan,
                                               absl::string_view measure_id,
                                               const ExistingCodes& existing) {
  if (file.format == ProblemFileFormat::kXlsx) {
    return ParseProblemXlsx(file.bytes, plan, measure_id, existing);
  }
  return ParseProblemCsv(file.bytes, plan, measure_id, existing);
}

}  // namespace ecoplan::progress
