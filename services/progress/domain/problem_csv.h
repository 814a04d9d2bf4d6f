#pragma once

// Reading a problem ledger (问题清单) from a CSV file or an .xlsx workbook,
// as saved by Excel or WPS: pure functions over bytes in memory, with no
// store and no clock. Reading a file into records (ReadCsv; the first
// worksheet's rows, common/spreadsheet/xlsx_reader.h) is apart from
// checking the records (CheckProblemRecords), which both formats share.
//
// The file (RFC 4180, read with Debian's libcsv in strict mode):
//   - UTF-8, with or without a byte-order mark; lines end in LF or CRLF;
//   - fields separated by commas, optionally quoted ("…"), a quote inside a
//     quoted field doubled (""); a quoted field may hold commas and newlines;
//   - the first record is the header; empty lines and rows whose fields are
//     all empty are skipped;
//   - every record has a number, the header being 1: the line number, unless a
//     quoted field of an earlier record spans lines (empty lines count).
//
// Header names, Chinese or English (English case-insensitive), in any order;
// an unknown or repeated name refuses the whole file:
//   措施 / measure           a1-t25-m3 or plans/{plan}/measures/a1-t25-m3;
//                            required unless the import names the measure
//   编号 / code              required, unique within the measure's ledger
//   名称 / title             required
//   责任单位 / organization  display name, id or organizations/{id}; required
//   整改期限 / due_date      YYYY-MM-DD or YYYY/M/D; required
//   类别 / category          排污口, 黑臭水体, 督察反馈问题 (检查发现), 隐患, 其他, or
//                            the suffix of v1.ProblemCategory (DRAINAGE_OUTLET …);
//                            empty: 其他
//   位置 / location, 来源 / source, 说明 / description   optional
//
// The workbook (.xlsx): its first worksheet, the header in its first row
// with a value; a row's number is the worksheet's row number (the header
// usually being 1); rows with no value are skipped; date cells read as
// YYYY-MM-DD and numbers as their shortest decimal text (a code 12, not
// 12.0). Up to kMaxImportBytes packed, kMaxXlsxUnpackedBytes unpacked and
// kMaxImportRows rows.
//
// A row with an error is refused with its record number, the column (as in
// the header) and a message; the others are accepted.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/domain/problem.h"

namespace ecoplan::progress {

inline constexpr size_t kMaxImportBytes = 8u << 20;  // 8 MiB
inline constexpr int kMaxImportRows = 5000;
inline constexpr size_t kMaxXlsxUnpackedBytes = 64u << 20;  // 64 MiB, against zip bombs

// One record of a file: a CSV record or a worksheet row with a value, with
// its number (see above) and its fields.
struct CsvRecord {
  int number = 0;
  std::vector<std::string> fields;
};

// The records of `csv` (a UTF-8 byte-order mark stripped, empty lines
// skipped). Errors: InvalidArgument (not UTF-8, malformed quoting, over
// `max_records` records).
absl::StatusOr<std::vector<CsvRecord>> ReadCsv(absl::string_view csv, size_t max_records);

// A refused row.
struct ImportRowError {
  int line = 0;
  std::string column;  // as in the header; empty for the whole row
  std::string message;
};

// An accepted row.
struct ProblemRow {
  int line = 0;
  ProblemDraft draft;
};

struct ProblemImport {
  int rows = 0;  // data rows read (without the header and skipped rows)
  std::vector<ProblemRow> accepted;
  std::vector<ImportRowError> errors;
};

// (measure id, code) → item id of the items already in the plan's ledgers.
using ExistingCodes = std::map<std::pair<std::string, std::string>, std::string>;

// Reads the rows of `csv` for `plan`. `measure_id` (may be empty) is the
// measure of rows without a measure column. Rows are checked for their
// fields and limits, their measure and owner in the plan, and codes
// repeated within the file or already in `existing`.
// Errors (the whole file): InvalidArgument (over kMaxImportBytes or
// kMaxImportRows, not CSV, no header, an unknown or repeated column, a
// required column missing).
absl::StatusOr<ProblemImport> ParseProblemCsv(absl::string_view csv, const PlanInfo& plan,
                                              absl::string_view measure_id,
                                              const ExistingCodes& existing);

// How messages name a file's kind and its records: {"csv", "line"},
// {"xlsx", "row"}.
struct ProblemFileWords {
  absl::string_view kind;
  absl::string_view line;
};

// Checks `records` (the first the header) for `plan`, as ParseProblemCsv
// does; messages name the file and its records with `words`. Errors (the
// whole file): InvalidArgument (no header, an unknown or repeated column, a
// required column missing), NotFound (`measure_id` not in the plan).
absl::StatusOr<ProblemImport> CheckProblemRecords(const std::vector<CsvRecord>& records,
                                                  const ProblemFileWords& words,
                                                  const PlanInfo& plan,
                                                  absl::string_view measure_id,
                                                  const ExistingCodes& existing);

// Reads the first worksheet of the workbook `xlsx` and checks its rows as
// ParseProblemCsv does. Errors (the whole file): InvalidArgument ("not an
// .xlsx workbook: …", over kMaxImportBytes, kMaxXlsxUnpackedBytes or
// kMaxImportRows, and as CheckProblemRecords).
absl::StatusOr<ProblemImport> ParseProblemXlsx(absl::string_view xlsx, const PlanInfo& plan,
                                               absl::string_view measure_id,
                                               const ExistingCodes& existing);

// The file of an import and its format.
enum class ProblemFileFormat { kCsv, kXlsx };
struct ProblemFile {
  ProblemFileFormat format = ProblemFileFormat::kCsv;
  std::string bytes;
};

// ParseProblemCsv or ParseProblemXlsx, by `file`'s format.
absl::StatusOr<ProblemImport> ParseProblemFile(const ProblemFile& file, const PlanInfo& plan,
                                               absl::string_view measure_id,
                                               const ExistingCodes& existing);

// The category a cell names (see above); kUnspecified when it names none.
ProblemCategory ParseProblemCategory(absl::string_view text);

}  // namespace ecoplan::progress
