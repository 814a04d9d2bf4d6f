#pragma once

// Builds a plan's indicators from what the registry imported: the district's
// row of annex 4 (every table), each town's row of annex 5, and the
// quantitative targets in measure texts; reports what could not become an
// indicator and cross-checks annex 4 against measure texts that restate it.
//
// Column alignment of annex-4 rows. The registry keeps each table row as
// written: a blank cell was merged vertically with the cell above (BLANK), and a
// row with fewer cells than columns had cells merged across columns, which the
// text does not show. We resolve a blank cell from the nearest row above with
// the same number of cells (the same merge layout), and place cells under
// columns only where the placement is certain: from the left while every
// earlier cell is a number (a number is one column wide), and likewise from the
// right. A text cell (e.g. 达到市级要求) may span several columns, so it is
// placed at its starting (or ending) column only and placement stops there.
// Cells that cannot be placed are reported, never guessed; an unknown target is
// never 0.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/indicator/domain/model.h"

namespace ecoplan::indicator {

// A table cell as the registry exported it.
enum class CellState : uint8_t { kValue, kBlankMerged, kNotApplicable };
struct SourceCell {
  std::string text;
  CellState state = CellState::kValue;
};
using SourceRow = std::vector<SourceCell>;
struct SourceTable {
  int index = 0;
  std::vector<SourceRow> header_rows;
  std::vector<SourceRow> rows;
};

struct SourceMeasure {
  std::string id;  // within the plan, e.g. "a1-t2-m3"
  std::string text;
  std::vector<std::string> leads;  // lead organizations (canonical names)
};

// What the registry knows about a plan, as needed here.
struct PlanSource {
  std::string plan_id;
  int year = 0;
  std::string district;  // e.g. "门头沟区"
  std::vector<SourceTable> annex4;
  std::vector<SourceTable> annex5;
  std::vector<SourceMeasure> measures;
};

struct PlanIndicators {
  std::vector<Indicator> indicators;  // ordered by id
  ExtractionReport report;
};

// Builds every indicator of `plan` (revision 0, origin set, period = the plan
// year). Pure; never fails: whatever cannot be read is in report.issues.
PlanIndicators BuildPlanIndicators(const PlanSource& plan);

// How much two names for the same thing agree, in [0, 1]: the share of the
// character pairs of `label` (years, bracketed units and 全区 dropped; 比率 and
// 占比 read as 比例) found in `subject`, 0 unless the label's last pair (the
// head noun of a Chinese noun phrase) is among them. The measure-text
// cross-check and the matching of reported values use it.
double NameSimilarity(absl::string_view label, absl::string_view subject);

}  // namespace ecoplan::indicator
