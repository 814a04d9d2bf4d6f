#include "services/progress/domain/problem_csv.h"

#include <csv.h>

#include <array>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/text/normalize.h"
#include "services/progress/domain/progress_recorder.h"

namespace ecoplan::progress {
namespace {

// What libcsv's callbacks fill.
struct CsvState {
  std::vector<CsvRecord> records;
  CsvRecord current;
  bool started = false;  // a record has begun and not ended
  int next_number = 1;
  size_t max_records = 0;
  bool too_many = false;
};

void OnField(void* s, size_t len, void* data) {
  auto* st = static_cast<CsvState*>(data);
  st->current.fields.emplace_back(s == nullptr ? "" : std::string(static_cast<char*>(s), len));
}

void OnRecord(int /*terminator*/, void* data) {
  auto* st = static_cast<CsvState*>(data);
  st->current.number = st->next_number++;
  st->started = false;
  if (st->records.size() >= st->max_records) {
    st->too_many = true;
  } else {
    st->records.push_back(std::move(st->current));
  }
  st->current = CsvRecord();
}

bool IsBlankLine(absl::string_view line) {
  for (char c : line) {
    if (c != '\r' && c != '\n' && c != ' ' && c != '\t') return false;
  }
  return true;
}

// The columns of the file.
enum class Column {
  kMeasure,
  kCode,
  kTitle,
  kOrganization,
  kDueDate,
  kCategory,
  kLocation,
  kSource,
  kDescription,
  kCount,
};

struct ColumnName {
  Column column;
  absl::string_view chinese;
  absl::string_view english;
};

constexpr std::array<ColumnName, static_cast<size_t>(Column::kCount)> kColumns = {{
    {Column::kMeasure, "措施", "measure"},
    {Column::kCode, "编号", "code"},
    {Column::kTitle, "名称", "title"},
    {Column::kOrganization, "责任单位", "organization"},
    {Column::kDueDate, "整改期限", "due_date"},
    {Column::kCategory, "类别", "category"},
    {Column::kLocation, "位置", "location"},
    {Column::kSource, "来源", "source"},
    {Column::kDescription, "说明", "description"},
}};

std::optional<Column> ColumnOf(absl::string_view header) {
  const std::string lower = absl::AsciiStrToLower(header);
  for (const ColumnName& c : kColumns) {
    if (header == c.chinese || lower == c.english) return c.column;
  }
  return std::nullopt;
}

std::string Trim(absl::string_view s) { return std::string(common::TrimDocumentSpace(s)); }

// YYYY-MM-DD, YYYY-M-D or YYYY/M/D.
std::optional<absl::CivilDay> ParseDay(absl::string_view text) {
  const char sep = absl::StrContains(text, '/') ? '/' : '-';
  std::vector<absl::string_view> parts = absl::StrSplit(text, sep);
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].empty() || parts[1].size() > 2 ||
      parts[2].empty() || parts[2].size() > 2) {
    return std::nullopt;
  }
  int y = 0, m = 0, d = 0;
  for (absl::string_view p : parts) {
    for (char c : p) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    }
  }
  if (!absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) ||
      !absl::SimpleAtoi(parts[2], &d)) {
    return std::nullopt;
  }
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
  return day;
}

// The organization a cell names: display name, id or resource name.
std::optional<std::string> FindOrganization(const PlanInfo& plan, absl::string_view text) {
  absl::string_view id = text;
  absl::ConsumePrefix(&id, "organizations/");
  if (plan.organizations.count(std::string(id)) > 0) return std::string(id);
  for (const auto& [org_id, name] : plan.organizations) {
    if (name == text) return org_id;
  }
  return std::nullopt;
}

// The header's columns: for each position, the column or nullopt (an empty
// header cell). Errors: InvalidArgument.
absl::StatusOr<std::vector<std::optional<Column>>> ReadHeader(const CsvRecord& header,
                                                              bool measure_given,
                                                              absl::string_view kind) {
  std::vector<std::optional<Column>> columns;
  std::set<Column> seen;
  for (const std::string& raw : header.fields) {
    const std::string name = Trim(raw);
    if (name.empty()) {
      columns.push_back(std::nullopt);
      continue;
    }
    std::optional<Column> c = ColumnOf(name);
    if (!c.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          kind, ": unknown column \"", name,
          "\" in the header; the columns are 措施/measure, 编号/code, 名称/title, "
          "责任单位/organization, 整改期限/due_date, 类别/category, 位置/location, 来源/source, "
          "说明/description"));
    }
    if (!seen.insert(*c).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(kind, ": column \"", name, "\" appears twice in the header"));
    }
    columns.push_back(c);
  }
  std::vector<std::string> missing;
  for (const ColumnName& c : kColumns) {
    const bool required = c.column == Column::kCode || c.column == Column::kTitle ||
                          c.column == Column::kOrganization || c.column == Column::kDueDate ||
                          (c.column == Column::kMeasure && !measure_given);
    if (required && seen.count(c.column) == 0) {
      missing.push_back(absl::StrCat(c.chinese, "/", c.english));
    }
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kind, ": the header lacks the required column",
                                                   missing.size() > 1 ? "s " : " ",
                                                   absl::StrJoin(missing, ", ")));
  }
  return columns;
}

// Checks one row; appends its errors and returns the draft when it has none.
class RowReader {
 public:
  RowReader(const PlanInfo& plan, absl::string_view measure_id, const CsvRecord& header,
            const std::vector<std::optional<Column>>& columns, const ExistingCodes& existing,
            absl::string_view line_word)
      : plan_(plan), measure_id_(measure_id), existing_(existing), line_word_(line_word) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i]) header_[static_cast<size_t>(*columns[i])] = Trim(header.fields[i]);
    }
    columns_ = columns;
  }

  // nullopt: skipped (all fields empty).
  std::optional<std::optional<ProblemDraft>> Read(const CsvRecord& record,
                                                  std::vector<ImportRowError>* errors) {
    std::array<std::string, static_cast<size_t>(Column::kCount)> cell;
    bool any = false;
    bool stray = false;
    for (size_t i = 0; i < record.fields.size(); ++i) {
      std::string value = Trim(record.fields[i]);
      if (value.empty()) continue;
      any = true;
      if (i >= columns_.size() || !columns_[i].has_value()) {
        stray = true;
        continue;
      }
      cell[static_cast<size_t>(*columns_[i])] = std::move(value);
    }
    if (!any) return std::nullopt;
    line_ = record.number;
    errors_ = errors;
    const size_t before = errors->size();
    if (stray) Error("", "a value in a column without a header");

    ProblemDraft d;
    d.measure_id = MeasureOf(cell[static_cast<size_t>(Column::kMeasure)]);
    d.code = Text(cell, Column::kCode, kMaxProblemCodeLength, true);
    d.title = Text(cell, Column::kTitle, kMaxProblemTitleLength, true);
    d.description = Text(cell, Column::kDescription, kMaxProblemDescriptionLength, false);
    d.location = Text(cell, Column::kLocation, kMaxProblemLocationLength, false);
    d.source = Text(cell, Column::kSource, kMaxProblemSourceLength, false);
    const std::string& category = cell[static_cast<size_t>(Column::kCategory)];
    d.category = category.empty() ? ProblemCategory::kOther : ParseProblemCategory(category);
    if (d.category == ProblemCategory::kUnspecified) {
      Error(Column::kCategory, absl::StrCat("\"", category,
                                            "\" is not a category: 排污口, 黑臭水体, "
                                            "督察反馈问题, 隐患 or 其他"));
    }
    const std::string& due = cell[static_cast<size_t>(Column::kDueDate)];
    if (due.empty()) {
      Error(Column::kDueDate, "the rectification deadline is required (YYYY-MM-DD)");
    } else if (std::optional<absl::CivilDay> day = ParseDay(due); !day.has_value()) {
      Error(Column::kDueDate,
            absl::StrCat("\"", due, "\" is not a date: write YYYY-MM-DD or YYYY/M/D"));
    } else {
      d.due_day = *day;
    }
    Owner(cell[static_cast<size_t>(Column::kOrganization)], &d);
    if (errors->size() == before) Unique(d);
    if (errors->size() != before) return std::optional<ProblemDraft>();
    return std::optional<ProblemDraft>(std::move(d));
  }

 private:
  void Error(Column c, std::string message) {
    Error(header_[static_cast<size_t>(c)], std::move(message));
  }
  void Error(const std::string& column, std::string message) {
    errors_->push_back({line_, column, std::move(message)});
  }

  std::string Text(const std::array<std::string, static_cast<size_t>(Column::kCount)>& cell,
                   Column c, size_t max, bool required) {
    const std::string& value = cell[static_cast<size_t>(c)];
    absl::Status s = CheckText(value, header_[static_cast<size_t>(c)], max, required);
    if (!s.ok()) {
      Error(c, std::string(s.message()));
      return "";
    }
    return value;
  }

  std::string MeasureOf(const std::string& value) {
    if (value.empty()) {
      if (measure_id_.empty()) Error(Column::kMeasure, "the measure is required (e.g. a1-t25-m3)");
      return std::string(measure_id_);
    }
    absl::string_view id = value;
    const std::string prefix = absl::StrCat("plans/", plan_.id, "/measures/");
    if (absl::StartsWith(id, "plans/") && !absl::ConsumePrefix(&id, prefix)) {
      Error(Column::kMeasure, absl::StrCat(value, " is not a measure of plans/", plan_.id));
      return "";
    }
    if (!measure_id_.empty() && id != measure_id_) {
      Error(Column::kMeasure,
            absl::StrCat("the import is for measure ", measure_id_, ", not ", id));
      return "";
    }
    if (plan_.FindMeasure(id) == nullptr) {
      Error(Column::kMeasure,
            absl::StrCat("measure ", id, " is not a measure of plans/", plan_.id));
      return "";
    }
    return std::string(id);
  }

  void Owner(const std::string& value, ProblemDraft* d) {
    if (value.empty()) {
      Error(Column::kOrganization, "the owner organization is required");
      return;
    }
    std::optional<std::string> org = FindOrganization(plan_, value);
    if (!org.has_value()) {
      Error(Column::kOrganization,
            absl::StrCat("\"", value, "\" is not an organization of plan ", plan_.id));
      return;
    }
    d->org_id = *org;
    const MeasureInfo* m = plan_.FindMeasure(d->measure_id);
    if (m != nullptr && !m->Owns(*org)) {
      Error(Column::kOrganization,
            absl::StrCat(plan_.OrgName(*org), " neither leads nor is responsible for measure ",
                         d->measure_id));
    }
  }

  void Unique(const ProblemDraft& d) {
    const std::pair<std::string, std::string> key(d.measure_id, d.code);
    if (auto it = existing_.find(key); it != existing_.end()) {
      Error(Column::kCode,
            absl::StrCat("code ", d.code, " is already in the ledger of measure ", d.measure_id,
                         " (plans/", plan_.id, "/problems/", it->second, ")"));
      return;
    }
    auto [it, fresh] = in_file_.emplace(key, line_);
    if (!fresh) {
      Error(Column::kCode,
            absl::StrCat("code ", d.code, " appears already on ", line_word_, " ", it->second));
    }
  }

  const PlanInfo& plan_;
  const absl::string_view measure_id_;
  const ExistingCodes& existing_;
  const absl::string_view line_word_;
  std::array<std::string, static_cast<size_t>(Column::kCount)> header_;
  std::vector<std::optional<Column>> columns_;
  std::map<std::pair<std::string, std::string>, int> in_file_;
  int line_ = 0;
  std::vector<ImportRowError>* errors_ = nullptr;
};

}  // namespace

absl::StatusOr<std::vector<CsvRecord>> ReadCsv(absl::string_view csv, size_t max_records) {
  absl::ConsumePrefix(&csv, "\xEF\xBB\xBF");
  if (!common::IsValidUtf8(csv)) {
    return absl::InvalidArgumentError(absl::StrCat("csv is not UTF-8 (byte ",
                                                   common::FirstInvalidUtf8Offset(csv),
                                                   "); save the sheet as \"CSV UTF-8\""));
  }
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    return absl::InternalError("csv: the parser did not start");
  }
  CsvState st;
  st.max_records = max_records;
  absl::Status status;
  // Fed line by line, so that empty lines (which libcsv skips) are counted
  // in the record numbers.
  for (absl::string_view rest = csv; !rest.empty() && status.ok();) {
    const size_t end = rest.find('\n');
    const absl::string_view line = end == absl::string_view::npos ? rest : rest.substr(0, end + 1);
    rest.remove_prefix(line.size());
    if (!st.started && IsBlankLine(line)) {
      ++st.next_number;
      continue;
    }
    st.started = true;
    if (csv_parse(&parser, line.data(), line.size(), OnField, OnRecord, &st) != line.size()) {
      status = absl::InvalidArgumentError(absl::StrCat("csv: malformed quoting in record ",
                                                       st.next_number, " (",
                                                       csv_strerror(csv_error(&parser)), ")"));
    }
    if (st.too_many) break;
  }
  if (status.ok() && !st.too_many && csv_fini(&parser, OnField, OnRecord, &st) != 0) {
    status = absl::InvalidArgumentError(absl::StrCat(
        "csv: record ", st.next_number, " ends inside a quoted field (a quote is missing)"));
  }
  csv_free(&parser);
  if (!status.ok()) return status;
  if (st.too_many) {
    return absl::InvalidArgumentError(absl::StrCat("csv: more than ", max_records, " records"));
  }
  return std::move(st.records);
}

ProblemCategory ParseProblemCategory(absl::string_view text) {
  const std::string t = Trim(text);
  if (t == "排污口") return ProblemCategory::kDrainageOutlet;
  if (t == "黑臭水体") return ProblemCategory::kBlackOdorousWater;
  if (t == "督察反馈问题" || t == "督察反馈" || t == "检查发现") {
    return ProblemCategory::kInspectionFinding;
  }
  if (t == "隐患") return ProblemCategory::kHazard;
  if (t == "其他") return ProblemCategory::kOther;
  const std::string upper = absl::AsciiStrToUpper(t);
  absl::string_view u = upper;
  absl::ConsumePrefix(&u, "PROBLEM_CATEGORY_");
  if (u == "DRAINAGE_OUTLET") return ProblemCategory::kDrainageOutlet;
  if (u == "BLACK_ODOROUS_WATER") return ProblemCategory::kBlackOdorousWater;
  if (u == "INSPECTION_FINDING") return ProblemCategory::kInspectionFinding;
  if (u == "HAZARD") return ProblemCategory::kHazard;
  if (u == "OTHER") return ProblemCategory::kOther;
  return ProblemCategory::kUnspecified;
}

absl::StatusOr<ProblemImport> CheckProblemRecords(const std::vector<CsvRecord>& records,
                                                  const ProblemFileWords& words,
                                                  const PlanInfo& plan,
                                                  absl::string_view measure_id,
                                                  const ExistingCodes& existing) {
  if (records.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(words.kind, ": the file is empty; the first ", words.line, " is the header"));
  }
  if (!measure_id.empty() && plan.FindMeasure(measure_id) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("measure plans/", plan.id, "/measures/", measure_id, " not found"));
  }
  const CsvRecord& header = records.front();
  absl::StatusOr<std::vector<std::optional<Column>>> columns =
      ReadHeader(header, !measure_id.empty(), words.kind);
  if (!columns.ok()) return columns.status();
  RowReader reader(plan, measure_id, header, *columns, existing, words.line);
  ProblemImport out;
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& record = records[i];
    std::optional<std::optional<ProblemDraft>> row = reader.Read(record, &out.errors);
    if (!row.has_value()) continue;
    ++out.rows;
    if (row->has_value()) out.accepted.push_back({record.number, **std::move(row)});
  }
  return out;
}

absl::StatusOr<ProblemImport> ParseProblemCsv(absl::string_view csv, const PlanInfo& plan,
                                              absl::string_view measure_id,
                                              const ExistingCodes& existing) {
  if (csv.size() > kMaxImportBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("csv: ", csv.size(), " bytes; at most 8 MiB (", kMaxImportBytes, ")"));
  }
  absl::StatusOr<std::vector<CsvRecord>> records = ReadCsv(csv, kMaxImportRows + 1);
  if (!records.ok()) {
    if (absl::StrContains(records.status().message(), "more than")) {
      return absl::InvalidArgumentError(
          absl::StrCat("csv: more than ", kMaxImportRows, " rows; split the file"));
    }
    return records.status();
  }
  return CheckProblemRecords(*records, {"csv", "line"}, plan, measure_id, existing);
}

}  // namespace ecoplan::progress
