#pragma once

// The 台账 (ledger) of a plan's month as an .xlsx workbook, drawn from the
// API answers in MonthFacts and nothing else: every number in it is one the
// API returned for the same plan and day. Pure (no gRPC): written with
// libxlsxwriter to a temporary file and read back.
//
// The sheets, in this order (document_service.proto, DOCUMENT_KIND_LEDGER,
// lists their headers): 措施, 月度报告, 报送情况, 延期, 完成, 指标, 考核.
// Each has a bold header row that stays in view (frozen), an autofilter over
// its rows, column widths for the Chinese text, days and times as real Excel
// dates (yyyy-mm-dd, yyyy-mm-dd hh:mm, Asia/Shanghai), numbers as numbers
// (percentages as fractions with a % format), and a measure's colour cell
// filled red, yellow or green.
//
// `organization` (an organization id, "o-…", or "organizations/o-…"; empty =
// the whole plan) narrows the workbook to one organization's ledger: the
// measures it leads or is responsible for (group words counted through their
// members), its reports, its submission row, the extensions and completions
// it asked for or of its measures, the indicators it owns and its scorecard.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/indicator/documents/month_facts.h"

namespace ecoplan::indicator::documents {

// The workbook's bytes. Errors: Internal when libxlsxwriter or the temporary
// file fails.
absl::StatusOr<std::string> RenderLedgerXlsx(const MonthFacts& facts,
                                             const std::string& organization);

// The sheet names, in workbook order (the `page_count` of a ledger is their number).
const std::vector<std::string>& LedgerSheetNames();

// "台账_2026-05.xlsx", or "台账_2026-05_区交通局.xlsx" for one organization's
// (its display name, else its id).
std::string LedgerFileName(const MonthFacts& facts, const std::string& organization);

// The media type of an .xlsx workbook.
inline constexpr char kXlsxMediaType[] =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

}  // namespace ecoplan::indicator::documents
