#pragma once

// The document commands of ecoplanctl (ecoplan.indicator.v1.DocumentService on
// the indicator server): `report monthly` asks RenderDocument for the 月报
// (--format pdf) or a 台账 (--format xlsx), prints each progress message on
// the notes stream as it arrives ("[3/10] 评估指标"), and writes the file only
// when the stream ended with `done` and the bytes' size and SHA-256 match it:
// to FILE.part first, renamed to FILE at the end, so no partial file is ever
// left under FILE.

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ecoplan/indicator/v1/document_service.grpc.pb.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/indicator_commands.h"

namespace ecoplan::ctl {

struct MonthlyDocumentArgs {
  std::string plan;          // --plan; empty = the newest plan
  std::string month;         // --month YYYY-MM (required)
  std::string format;        // --format xlsx | pdf (required)
  std::string file;          // -o / --out FILE; empty = the server's file name
  std::string as_of;         // --as-of YYYY-MM-DD; empty = as the server decides
  std::string organization;  // --organization ID (xlsx only): one organization's ledger
};

// RenderDocument, streamed to a file. `indicator` resolves the plan (its
// registry stub). Errors: usage errors, the stream's status, DataLoss when the
// stream ended without `done` or the bytes do not match it, the file's errors.
absl::Status ReportMonthly(ecoplan::indicator::v1::DocumentService::StubInterface* documents,
                           const IndicatorContext& indicator, const MonthlyDocumentArgs& args,
                           std::ostream& out, std::ostream& notes);

// The "report" group's document command (merged with the progress service's
// "report" commands).
std::vector<CommandGroup> DocumentCommandGroups();

}  // namespace ecoplan::ctl
