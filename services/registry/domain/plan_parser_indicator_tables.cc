// Indicator tables of a plan document (the annexes that are not task tables):
// rows, header rows, and the town table whose row labels name the district's
// towns and streets. See plan_parser.h for the format.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/registry/domain/organization_directory.h"
#include "services/registry/domain/plan_parser_internal.h"

namespace ecoplan::registry::parser_internal {
namespace {

// Rows: a blank line followed by a TAB line starts a row.
std::vector<std::vector<const Cell*>> GroupRows(const std::vector<Cell>& cells) {
  std::vector<std::vector<const Cell*>> rows;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i == 0 || cells[i - 1].trailing_blank_lines > 0) rows.emplace_back();
    rows.back().push_back(&cells[i]);
  }
  return rows;
}

TableRow MakeRow(const std::vector<const Cell*>& cs) {
  TableRow row;
  for (const Cell* c : cs) {
    TableCell cell;
    cell.text = c->Joined();
    cell.state = cell.text.empty()       ? CellState::kBlankMerged
                 : IsDashOnly(cell.text) ? CellState::kNotApplicable
                                         : CellState::kValue;
    row.cells.push_back(std::move(cell));
  }
  row.source = SourceSpan{cs.front()->first_line, cs.back()->last_line};
  return row;
}

}  // namespace

absl::Status Parser::ParseIndicatorTables(const std::vector<Cell>& cells, Annex* annex) {
  IndicatorTable* table = nullptr;
  std::string first_label;
  for (const std::vector<const Cell*>& cells_of_row : GroupRows(cells)) {
    TableRow row = MakeRow(cells_of_row);
    const std::string label = row.cells.front().text;
    const bool starts_table = table == nullptr || (label == first_label && !table->rows.empty());
    if (starts_table) {
      if (table != nullptr && table->rows.empty()) {
        return Error(table->source.first_line, "indicator table has a header but no data rows");
      }
      annex->indicator_tables.emplace_back();
      table = &annex->indicator_tables.back();
      table->index = static_cast<int>(annex->indicator_tables.size()) - 1;
      table->source = row.source;
      first_label = label;
      table->header_rows.push_back(std::move(row));
      continue;
    }
    table->source.last_line = row.source.last_line;
    if (table->rows.empty() && label.empty() && table->header_rows.size() == 1) {
      // A second header row under group labels: its first cell sits under the
      // (vertically merged) label of the first.
      Warn(row.source.first_line, "two-level-header",
           absl::StrCat("indicator table ", table->index, " of annex ", annex->number,
                        " has two header rows; which leaf columns each of the ",
                        table->header_rows.front().cells.size() - 1,
                        " upper labels spans is not in the text"));
      table->header_rows.push_back(std::move(row));
      continue;
    }
    CheckIndicatorRow(*table, row);
    table->rows.push_back(std::move(row));
  }
  if (table != nullptr && table->rows.empty()) {
    return Error(table->source.first_line, "indicator table has a header but no data rows");
  }
  CollectTownNames(*annex);
  return absl::OkStatus();
}

// Warns about a data row that does not fit the table's columns or has no label.
void Parser::CheckIndicatorRow(const IndicatorTable& table, const TableRow& row) {
  const std::string& label = row.cells.front().text;
  const size_t columns = table.header_rows.back().cells.size();
  if (row.cells.size() < columns) {
    Warn(row.source.first_line, "short-table-row",
         absl::StrCat("row «", label, "» has ", row.cells.size(), " cells for ", columns,
                      " columns (cells merged across columns in the original); kept as written"));
  } else if (row.cells.size() > columns) {
    Warn(row.source.first_line, "long-table-row",
         absl::StrCat("row «", label, "» has ", row.cells.size(), " cells for ", columns,
                      " columns; kept as written"));
  }
  if (label.empty()) {
    Warn(row.source.first_line, "row-without-label",
         "an indicator row has no label in its first cell");
  }
}

// A table whose row labels are all towns and streets lists the district's
// towns and streets: they are organizations, and 各镇街 stands for them.
void Parser::CollectTownNames(const Annex& annex) {
  for (const IndicatorTable& t : annex.indicator_tables) {
    bool all_towns = !t.rows.empty();
    for (const TableRow& row : t.rows) {
      const OrganizationKind kind = ClassifyOrganizationKind(row.cells.front().text);
      all_towns =
          all_towns && (kind == OrganizationKind::kTown || kind == OrganizationKind::kStreet);
    }
    if (!all_towns) continue;
    for (const TableRow& row : t.rows) town_names_.push_back(row.cells.front().text);
  }
}

}  // namespace ecoplan::registry::parser_internal
