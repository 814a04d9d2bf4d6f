#include "tools/ecoplanctl/indicator_commands.h"

#include <grpcpp/grpcpp.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/channel.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;

using IStub = iv1::IndicatorService::StubInterface;
using RStub = rv1::RegistryService::StubInterface;

bool Json(const IndicatorContext& ctx) { return ctx.output.format == OutputFormat::kJson; }

template <typename Stub, typename Request, typename Response>
absl::Status Call(const IndicatorContext& ctx, Stub* stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + ctx.timeout));
  return common::FromGrpcStatus((stub->*method)(&context, request, response));
}

absl::StatusOr<std::string> ResolvePlan(const IndicatorContext& ctx, const std::string& plan) {
  if (absl::StartsWith(plan, "plans/")) return plan;
  if (!plan.empty()) return absl::StrCat("plans/", plan);
  if (ctx.registry == nullptr) return UsageError("--plan is required");
  rv1::ListPlansRequest request;
  request.set_page_size(1);
  rv1::ListPlansResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.registry, &RStub::ListPlans, request, &response));
  if (response.plans().empty()) return absl::NotFoundError("no plan has been imported yet");
  return response.plans(0).name();
}

absl::StatusOr<std::string> IndicatorName(const IndicatorContext& ctx, const std::string& plan,
                                          const std::string& indicator) {
  if (absl::StartsWith(indicator, "plans/")) return indicator;
  if (indicator.empty() || absl::StrContains(indicator, "/")) {
    return UsageError(absl::StrCat("\"", indicator, "\" is not an indicator id such as a4-pm25"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  return absl::StrCat(p, "/indicators/", indicator);
}

absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text, absl::string_view flag) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return UsageError(absl::StrCat(flag, " needs a day YYYY-MM-DD, not \"", text, "\""));
  }
  return day;
}

// `text`, or today in Beijing (UTC+8, no daylight saving) when empty.
absl::StatusOr<absl::CivilDay> AsOf(const std::string& text) {
  if (text.empty()) return absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600));
  return ParseDay(text, "--as-of");
}

cv1::Date ToDate(absl::CivilDay day) {
  cv1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::string Short(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

// "ON_TRACK" from INDICATOR_STATUS_ON_TRACK, lower-cased with spaces: "on track".
std::string EnumWord(const std::string& name, absl::string_view prefix) {
  std::string word = absl::AsciiStrToLower(absl::StripPrefix(name, prefix));
  std::replace(word.begin(), word.end(), '_', ' ');
  return word;
}

std::string StatusWord(iv1::IndicatorStatus status) {
  if (status == iv1::INDICATOR_STATUS_UNSPECIFIED) return "-";
  return EnumWord(iv1::IndicatorStatus_Name(status), "INDICATOR_STATUS_");
}

std::string ComparatorSymbol(iv1::Comparator comparator) {
  switch (comparator) {
    case iv1::COMPARATOR_AT_MOST:
      return "≤";
    case iv1::COMPARATOR_LESS_THAN:
      return "<";
    case iv1::COMPARATOR_AT_LEAST:
      return "≥";
    case iv1::COMPARATOR_GREATER_THAN:
      return ">";
    case iv1::COMPARATOR_IMPROVES:
      return "improves";
    default:
      return "?";
  }
}

std::string Number(double value) { return absl::StrCat(value); }

template <typename T>
std::string Optional(bool has, T value, absl::string_view unit = "") {
  if (!has) return "-";
  return unit.empty() ? Number(value) : absl::StrCat(Number(value), " ", unit);
}

// "≤ 27 微克/立方米", "improves", "达到市级要求 (not a number)".
std::string TargetText(const iv1::Indicator& i) {
  if (i.comparator() == iv1::COMPARATOR_IMPROVES) return "improves";
  if (!i.has_target_value()) {
    return i.target_text().empty() ? "-" : absl::StrCat(i.target_text(), " (not a number)");
  }
  return absl::StrCat(ComparatorSymbol(i.comparator()), " ", Number(i.target_value()),
                      i.unit().empty() ? "" : " ", i.unit());
}

std::string Scope(const iv1::Indicator& i) {
  switch (i.scope_kind()) {
    case iv1::SCOPE_KIND_DISTRICT:
      return "district";
    case iv1::SCOPE_KIND_TOWN:
    case iv1::SCOPE_KIND_ORGANIZATION:
      return i.scope_name();
    default:
      return "-";
  }
}

std::string Period(const iv1::Indicator& i) {
  return absl::StrCat(FormatDate(i.period_start()), "..", FormatDate(i.period_end()));
}

absl::StatusOr<iv1::Origin> ParseOrigin(const std::string& text) {
  if (text.empty()) return iv1::ORIGIN_UNSPECIFIED;
  if (text == "annex4") return iv1::ORIGIN_ANNEX_4;
  if (text == "annex5") return iv1::ORIGIN_ANNEX_5;
  if (text == "measure") return iv1::ORIGIN_MEASURE_TEXT;
  if (text == "manual") return iv1::ORIGIN_MANUAL;
  return UsageError(
      absl::StrCat("--origin must be annex4, annex5, measure or manual, not \"", text, "\""));
}

void PrintIndicator(const iv1::Indicator& i, std::ostream& out) {
  PrintFields(
      out, {{"Indicator", i.name()},
            {"Name", i.display_name()},
            {"Scope", Scope(i)},
            {"Target", TargetText(i)},
            {"Target as written", i.target_text()},
            {"Target caliber", i.target_caliber()},
            {"Period", Period(i)},
            {"Aggregation", EnumWord(iv1::Aggregation_Name(i.aggregation()), "AGGREGATION_")},
            {"Source", EnumWord(iv1::SourceKind_Name(i.source()), "SOURCE_KIND_")},
            {"Air-quality item",
             i.air_quality_item() == iv1::AIR_QUALITY_ITEM_UNSPECIFIED
                 ? ""
                 : EnumWord(iv1::AirQualityItem_Name(i.air_quality_item()), "AIR_QUALITY_ITEM_")},
            {"Origin", EnumWord(iv1::Origin_Name(i.origin()), "ORIGIN_")},
            {"Read from", i.source_detail()},
            {"Measures", absl::StrJoin(i.measures(), ", ")},
            {"Owners", absl::StrJoin(i.owners(), "、")},
            {"Retired", i.retired() ? "yes" : ""},
            {"Manually corrected", i.manually_corrected() ? "yes" : ""},
            {"Revision", absl::StrCat(i.revision())},
            {"Etag", i.etag()},
            {"Updated", FormatTimestamp(i.update_time())}});
}

void PrintEvaluation(const iv1::Evaluation& e, std::ostream& out) {
  const iv1::Indicator& i = e.indicator();
  std::string projection = Optional(e.has_projected_value(), e.projected_value(), i.unit());
  if (!e.projection_method().empty())
    absl::StrAppend(&projection, " (", e.projection_method(), ")");
  PrintFields(out, {{"Indicator", i.name()},
                    {"Name", absl::StrCat(i.display_name(), " — ", Scope(i))},
                    {"As of", FormatDate(e.as_of())},
                    {"Value", Optional(e.has_current_value(), e.current_value(), i.unit())},
                    {"Target", TargetText(i)},
                    {"Status", StatusWord(e.status())},
                    {"Why", e.status_reason()},
                    {"Projection", projection},
                    {"Required", e.required_remaining_text()},
                    {"Days counted", absl::StrCat(e.observed_days())},
                    {"Days left", absl::StrCat(e.remaining_days())},
                    {"Standards used", e.standards_used()},
                    {"Notes", absl::StrJoin(e.notes(), "\n")}});
  if (!e.calibers().empty()) {
    out << "\n";
    Table table({"CALIBER", "VALUE", "PROJECTED", "STATUS", "DAYS"});
    for (const iv1::CaliberResult& c : e.calibers()) {
      table.AddRow({c.caliber(), Optional(c.has_current_value(), c.current_value()),
                    Optional(c.has_projected_value(), c.projected_value()), StatusWord(c.status()),
                    absl::StrCat(c.days())});
    }
    table.Print(out);
  }
}

// ---------------------------------------------------------------------------
// PRSA CSV reading

// Lines of a plain or gzip file (zlib reads both), CR LF or LF.
class LineReader {
 public:
  static absl::StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path) {
    gzFile file = path == "-" ? gzdopen(dup(0), "rb") : gzopen(path.c_str(), "rb");
    if (file == nullptr) {
      const int err = errno;
      return absl::Status(
          err == ENOENT ? absl::StatusCode::kNotFound : absl::StatusCode::kPermissionDenied,
          absl::StrCat("cannot open ", path, ": ", std::strerror(err)));
    }
    gzbuffer(file, 1 << 17);
    return std::unique_ptr<LineReader>(new LineReader(path, file));
  }
  ~LineReader() { gzclose(file_); }

  // The next line without its line break; false at the end. Errors: DataLoss
  // for a damaged gzip stream.
  absl::StatusOr<bool> Next(std::string* line) {
    line->clear();
    char buffer[4096];
    while (true) {
      if (gzgets(file_, buffer, sizeof buffer) == nullptr) {
        int code = Z_OK;
        const char* message = gzerror(file_, &code);
        if (code != Z_OK && code != Z_STREAM_END) {
          return absl::DataLossError(absl::StrCat(path_, ": ", message));
        }
        break;
      }
      line->append(buffer);
      if (!line->empty() && line->back() == '\n') break;
    }
    if (line->empty()) return false;
    while (!line->empty() && (line->back() == '\n' || line->back() == '\r')) line->pop_back();
    return true;
  }

 private:
  LineReader(std::string path, gzFile file) : path_(std::move(path)), file_(file) {}
  std::string path_;
  gzFile file_;
};

std::string Unquote(absl::string_view cell) {
  cell = absl::StripAsciiWhitespace(cell);
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') {
    cell = cell.substr(1, cell.size() - 2);
  }
  return std::string(cell);
}

struct CsvColumns {
  int year = -1, month = -1, day = -1, hour = -1, station = -1;
  std::vector<std::pair<int, iv1::Pollutant>> pollutants;
  int max_index = 0;
};

absl::StatusOr<CsvColumns> ParseHeader(const std::string& path, const std::string& line) {
  std::vector<std::string> cells;
  for (absl::string_view cell : absl::StrSplit(line, ',')) cells.push_back(Unquote(cell));
  if (!cells.empty()) cells[0] = std::string(absl::StripPrefix(cells[0], "\xEF\xBB\xBF"));
  CsvColumns c;
  const std::map<std::string, iv1::Pollutant> pollutants = {
      {"PM2.5", iv1::POLLUTANT_PM25}, {"PM10", iv1::POLLUTANT_PM10}, {"SO2", iv1::POLLUTANT_SO2},
      {"NO2", iv1::POLLUTANT_NO2},    {"CO", iv1::POLLUTANT_CO},     {"O3", iv1::POLLUTANT_O3}};
  for (int i = 0; i < static_cast<int>(cells.size()); ++i) {
    const std::string& name = cells[i];
    if (name == "year") c.year = i;
    if (name == "month") c.month = i;
    if (name == "day") c.day = i;
    if (name == "hour") c.hour = i;
    if (name == "station") c.station = i;
    if (auto it = pollutants.find(name); it != pollutants.end()) {
      c.pollutants.emplace_back(i, it->second);
    }
  }
  if (c.year < 0 || c.month < 0 || c.day < 0 || c.hour < 0 || c.station < 0 ||
      c.pollutants.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ": not a PRSA CSV (the header needs year, month, day, hour, station and at least "
        "one of PM2.5, PM10, SO2, NO2, CO, O3): ",
        line.substr(0, 200)));
  }
  c.max_index = std::max({c.year, c.month, c.day, c.hour, c.station});
  for (const auto& [index, p] : c.pollutants) c.max_index = std::max(c.max_index, index);
  return c;
}

struct LoadTotals {
  int64_t rows = 0;
  int64_t readings = 0;
  int64_t missing = 0;  // NA cells
};

// Streams the files' readings into `writer`. Returns the rows and readings
// sent per file. Errors: those of LineReader and ParseHeader, InvalidArgument
// for a malformed row, FailedPrecondition for a station not configured,
// Unavailable when the server closed the stream (its status comes from Finish).
absl::Status StreamFiles(const LoadArgs& args, const std::set<std::string>& stations,
                         grpc::ClientWriterInterface<iv1::IngestObservationsRequest>* writer,
                         std::vector<LoadTotals>* per_file) {
  iv1::IngestObservationsRequest request;
  auto flush = [&]() -> absl::Status {
    if (request.readings().empty()) return absl::OkStatus();
    if (!writer->Write(request)) {
      return absl::UnavailableError("the server closed the stream");
    }
    request.Clear();
    return absl::OkStatus();
  };
  std::set<std::string> checked;
  for (const std::string& path : args.files) {
    LoadTotals totals;
    ECOPLAN_ASSIGN_OR_RETURN(std::unique_ptr<LineReader> reader, LineReader::Open(path));
    std::string line;
    ECOPLAN_ASSIGN_OR_RETURN(bool has_header, reader->Next(&line));
    if (!has_header) return absl::InvalidArgumentError(absl::StrCat(path, ": empty file"));
    ECOPLAN_ASSIGN_OR_RETURN(CsvColumns columns, ParseHeader(path, line));
    int64_t line_number = 1;
    std::vector<absl::string_view> cells;
    while (true) {
      ECOPLAN_ASSIGN_OR_RETURN(bool more, reader->Next(&line));
      if (!more) break;
      ++line_number;
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      cells = absl::StrSplit(line, ',');
      if (static_cast<int>(cells.size()) <= columns.max_index) {
        return absl::InvalidArgumentError(absl::StrCat(path, ":", line_number, ": ", cells.size(),
                                                       " cells, expected at least ",
                                                       columns.max_index + 1));
      }
      int year = 0, month = 0, day = 0, hour = 0;
      if (!absl::SimpleAtoi(cells[columns.year], &year) ||
          !absl::SimpleAtoi(cells[columns.month], &month) ||
          !absl::SimpleAtoi(cells[columns.day], &day) ||
          !absl::SimpleAtoi(cells[columns.hour], &hour) || month < 1 || month > 12 || day < 1 ||
          day > 31 || hour < 0 || hour > 23) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", line_number, ": bad year, month, day or hour"));
      }
      const std::string station =
          args.station.empty() ? Unquote(cells[columns.station]) : args.station;
      if (checked.insert(station).second && stations.count(station) == 0) {
        return absl::FailedPreconditionError(
            absl::StrCat(path, ":", line_number, ": station \"", station,
                         "\" is not configured; run: ecoplanctl indicator stations set ", station,
                         " --town TOWN (or map the rows with --station ID)"));
      }
      const std::string hour_text = absl::StrFormat("%04d-%02d-%02dT%02d", year, month, day, hour);
      ++totals.rows;
      for (const auto& [index, pollutant] : columns.pollutants) {
        const absl::string_view cell = absl::StripAsciiWhitespace(cells[index]);
        if (cell == "NA" || cell.empty() || cell == "\"NA\"") {
          ++totals.missing;
          continue;
        }
        double value = 0;
        if (!absl::SimpleAtod(cell, &value)) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ":", line_number, ": \"", cell, "\" is not a number or NA"));
        }
        iv1::StationReading* r = request.add_readings();
        r->set_station(station);
        r->set_hour(hour_text);
        r->set_pollutant(pollutant);
        r->set_value(value);
        // The PRSA files give every pollutant in µg/m³, CO included.
        r->set_unit(iv1::CONCENTRATION_UNIT_UG_M3);
        ++totals.readings;
        if (request.readings_size() >= args.chunk) ECOPLAN_RETURN_IF_ERROR(flush());
      }
    }
    per_file->push_back(totals);
  }
  return flush();
}

// ---------------------------------------------------------------------------
// The command line

std::function<absl::Status(const CommandEnv&, const ParsedArgs&)> WithContext(
    std::function<absl::Status(const IndicatorContext&, const ParsedArgs&, std::ostream&)> runner) {
  return [runner](const CommandEnv& env, const ParsedArgs& args) -> absl::Status {
    auto indicator = iv1::IndicatorService::NewStub(
        MakeChannel(env.options.indicator_address, env.options.connection));
    auto registry = rv1::RegistryService::NewStub(
        MakeChannel(env.options.registry_address, env.options.connection));
    IndicatorContext ctx;
    ctx.indicator = indicator.get();
    ctx.registry = registry.get();
    ctx.timeout = env.options.timeout;
    ctx.output = env.options.output;
    return runner(ctx, args, *env.out);
  };
}

const FlagSpec kPlan = {"plan", "PLAN", "plan name (plans/…) or id; default: the newest plan"};
const FlagSpec kAsOf = {"as-of", "DAY", "evaluate as of this day (YYYY-MM-DD); default: today"};

}  // namespace

absl::Status IndicatorSync(const IndicatorContext& ctx, const std::string& plan,
                           std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  iv1::SyncPlanRequest request;
  request.set_plan(p);
  iv1::SyncPlanResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.indicator, &IStub::SyncPlan, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  const iv1::ExtractionReport& r = response.report();
  int disagreements = 0;
  for (const iv1::CrossCheck& c : r.cross_checks()) disagreements += c.agrees() ? 0 : 1;
  PrintFields(
      out,
      {{"Plan", r.plan()},
       {"Annex 4 indicators", absl::StrCat(r.annex4_indicator_count())},
       {"Annex 5 indicators", absl::StrCat(r.annex5_indicator_count())},
       {"Measure-text indicators", absl::StrCat(r.measure_text_indicator_count())},
       {"Changed by this sync", absl::StrCat(response.changed_indicator_count())},
       {"Issues", absl::StrCat(r.issues_size())},
       {"Cross-checks", absl::StrCat(r.cross_checks_size(), " (", disagreements, " disagree)")}},
      0, false);
  if (!r.issues().empty()) {
    out << "\n";
    Table table({"WHERE", "TEXT", "WHY"});
    if (!ctx.output.wide) {
      table.SetMaxWidth(0, 40);
      table.SetMaxWidth(1, 40);
    }
    for (const iv1::ExtractionIssue& i : r.issues()) {
      table.AddRow({i.location(), i.text(), i.reason()});
    }
    table.Print(out);
  }
  for (const iv1::CrossCheck& c : r.cross_checks()) {
    if (c.agrees()) continue;
    out << "\ndisagreement: " << Short(c.indicator()) << " (annex 4: " << c.annex_text() << ") vs "
        << Short(c.measure()) << ": " << c.difference() << "\n";
  }
  return absl::OkStatus();
}

absl::Status IndicatorList(const IndicatorContext& ctx, const std::string& plan,
                           const std::string& origin, bool include_retired, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(iv1::Origin o, ParseOrigin(origin));
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  iv1::ListIndicatorsResponse all;
  iv1::ListIndicatorsRequest request;
  request.set_parent(p);
  request.set_include_retired(include_retired);
  request.set_origin(o);
  request.set_page_size(1000);
  for (int page = 0; page < 10000; ++page) {
    iv1::ListIndicatorsResponse response;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.indicator, &IStub::ListIndicators, request, &response));
    for (auto& i : *response.mutable_indicators()) *all.add_indicators() = std::move(i);
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  if (Json(ctx)) return PrintJson(all, out);
  Table table({"ID", "NAME", "SCOPE", "TARGET", "PERIOD", "ORIGIN"});
  if (!ctx.output.wide) table.SetMaxWidth(1, 30);
  for (const iv1::Indicator& i : all.indicators()) {
    table.AddRow({absl::StrCat(Short(i.name()), i.retired() ? " (retired)" : ""), i.display_name(),
                  Scope(i), TargetText(i), Period(i),
                  EnumWord(iv1::Origin_Name(i.origin()), "ORIGIN_")});
  }
  table.Print(out);
  out << all.indicators_size() << " indicators\n";
  return absl::OkStatus();
}

absl::Status IndicatorShow(const IndicatorContext& ctx, const std::string& plan,
                           const std::string& indicator, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(std::string name, IndicatorName(ctx, plan, indicator));
  iv1::GetIndicatorRequest request;
  request.set_name(name);
  iv1::GetIndicatorResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.indicator, &IStub::GetIndicator, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintIndicator(response.indicator(), out);
  return absl::OkStatus();
}

absl::Status IndicatorEvaluate(const IndicatorContext& ctx, const std::string& plan,
                               const std::string& indicator, const std::string& as_of,
                               std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, AsOf(as_of));
  ECOPLAN_ASSIGN_OR_RETURN(std::string name, IndicatorName(ctx, plan, indicator));
  iv1::EvaluateIndicatorRequest request;
  request.set_name(name);
  *request.mutable_as_of() = ToDate(day);
  iv1::EvaluateIndicatorResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.indicator, &IStub::EvaluateIndicator, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintEvaluation(response.evaluation(), out);
  return absl::OkStatus();
}

absl::Status IndicatorRecord(const IndicatorContext& ctx, const std::string& plan,
                             const std::string& as_of, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, AsOf(as_of));
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  iv1::RecordEvaluationRequest request;
  request.set_plan(p);
  *request.mutable_as_of() = ToDate(day);
  iv1::RecordEvaluationResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.indicator, &IStub::RecordEvaluation, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << p << " as of " << absl::FormatCivilTime(day) << ": " << response.changes_size()
      << " status changes recorded (" << response.run().evaluated_count()
      << " indicators evaluated)\n";
  if (response.changes_size() == 0) return absl::OkStatus();
  Table changes({"ID", "FROM", "TO", "VALUE", "TARGET", "REASON"});
  if (!ctx.output.wide) changes.SetMaxWidth(5, 70);
  for (const iv1::IndicatorStatusChanged& c : response.changes()) {
    changes.AddRow({Short(c.indicator()), StatusWord(c.previous_status()), StatusWord(c.status()),
                    Optional(c.has_value(), c.value()), c.target_text(), c.reason()});
  }
  changes.Print(out);
  return absl::OkStatus();
}

absl::Status IndicatorPlan(const IndicatorContext& ctx, const std::string& plan,
                           const std::string& as_of, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, AsOf(as_of));
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  iv1::EvaluatePlanRequest request;
  request.set_plan(p);
  *request.mutable_as_of() = ToDate(day);
  iv1::EvaluatePlanResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.indicator, &IStub::EvaluatePlan, request, &response));
  if (Json(ctx)) return PrintJson(response, out);

  out << p << " as of " << absl::FormatCivilTime(day) << "\n\nIndicators\n";
  Table indicators({"ID", "NAME", "SCOPE", "VALUE", "TARGET", "STATUS", "PROJECTED", "REQUIRED"});
  if (!ctx.output.wide) {
    indicators.SetMaxWidth(1, 24);
    indicators.SetMaxWidth(7, 70);
  }
  for (const iv1::Evaluation& e : response.evaluations()) {
    const iv1::Indicator& i = e.indicator();
    indicators.AddRow(
        {Short(i.name()), i.display_name(), Scope(i),
         Optional(e.has_current_value(), e.current_value()), TargetText(i), StatusWord(e.status()),
         Optional(e.has_projected_value(), e.projected_value()), e.required_remaining_text()});
  }
  indicators.Print(out);
  std::vector<std::string> counts;
  for (const auto& [status, n] : std::map<std::string, int32_t>(response.status_counts().begin(),
                                                                response.status_counts().end())) {
    counts.push_back(absl::StrCat(EnumWord(status, "INDICATOR_STATUS_"), ": ", n));
  }
  out << response.evaluations_size() << " indicators (" << absl::StrJoin(counts, ", ") << ")\n";

  if (!response.town_ranking().empty()) {
    out << "\nTown ranking (PM2.5 to date, µg/m³)\n";
    Table towns({"RANK", "TOWN", "PM2.5", "TARGET", "GAP", "STATUS", "LAST YEAR", "YOY %", "DAYS",
                 "STATIONS"});
    for (const iv1::TownRank& t : response.town_ranking()) {
      towns.AddRow({t.rank() == 0 ? "-" : absl::StrCat(t.rank()), t.town(),
                    Optional(t.has_pm25(), t.pm25()), Optional(t.has_target(), t.target()),
                    Optional(t.has_gap(), t.gap()), StatusWord(t.status()),
                    Optional(t.has_pm25_last_year(), t.pm25_last_year()),
                    Optional(t.has_year_on_year_percent(), t.year_on_year_percent()),
                    absl::StrCat(t.days()), absl::StrJoin(t.stations(), ",")});
    }
    towns.Print(out);
  }
  if (!response.scorecards().empty()) {
    out << "\nDepartment scorecards\n";
    Table cards({"ORGANIZATION", "SCORE", "LED", "RESPONSIBLE", "OVERDUE", "COMPONENTS"});
    if (!ctx.output.wide) cards.SetMaxWidth(5, 90);
    for (const iv1::Scorecard& c : response.scorecards()) {
      std::vector<std::string> parts;
      for (const iv1::ScoreComponent& s : c.components()) {
        parts.push_back(absl::StrCat(s.name(), " ", absl::StrFormat("%.1f", s.points()),
                                     s.detail().empty() ? "" : " (", s.detail(),
                                     s.detail().empty() ? "" : ")"));
      }
      cards.AddRow({c.organization(), absl::StrFormat("%.1f", c.score()),
                    absl::StrCat(c.measures_led()), absl::StrCat(c.measures_responsible()),
                    absl::StrCat(c.overdue_measures()), absl::StrJoin(parts, "; ")});
    }
    cards.Print(out);
  }
  if (!response.reports_source().empty()) out << "\nReports: " << response.reports_source() << "\n";
  return absl::OkStatus();
}

absl::Status StationsSet(const IndicatorContext& ctx, const StationSetArgs& args,
                         std::ostream& out) {
  if (args.id.empty() || absl::StrContains(args.id, "/")) {
    return UsageError(absl::StrCat("\"", args.id, "\" is not a station id such as Dingling"));
  }
  iv1::UpsertStationRequest request;
  iv1::Station* s = request.mutable_station();
  s->set_name(absl::StrCat("stations/", args.id));
  s->set_display_name(args.display_name);
  s->set_town(args.town);
  s->set_counts_for_district(!args.excluded_from_district);
  s->set_demonstration(args.demonstration);
  s->set_note(args.note);
  iv1::UpsertStationResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.indicator, &IStub::UpsertStation, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  const iv1::Station& r = response.station();
  PrintFields(out, {{"Station", r.name()},
                    {"Name", r.display_name()},
                    {"Town", r.town()},
                    {"Counts for district", r.counts_for_district() ? "yes" : "no"},
                    {"Demonstration", r.demonstration() ? "yes" : ""},
                    {"Note", r.note()}});
  return absl::OkStatus();
}

absl::Status StationsList(const IndicatorContext& ctx, std::ostream& out) {
  iv1::ListStationsResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.indicator, &IStub::ListStations, iv1::ListStationsRequest(), &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"ID", "NAME", "TOWN", "DISTRICT", "DEMO", "NOTE"});
  for (const iv1::Station& s : response.stations()) {
    table.AddRow({Short(s.name()), s.display_name(), s.town(),
                  s.counts_for_district() ? "yes" : "no", s.demonstration() ? "yes" : "",
                  s.note()});
  }
  table.Print(out);
  out << response.stations_size() << " stations\n";
  return absl::OkStatus();
}

absl::Status IndicatorLoad(const IndicatorContext& ctx, const LoadArgs& args, std::ostream& out) {
  if (args.files.empty()) return UsageError("indicator load needs at least one FILE");
  if (args.chunk < 1 || args.chunk > 100000) return UsageError("--chunk must be 1..100000");
  iv1::ListStationsResponse listed;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.indicator, &IStub::ListStations, iv1::ListStationsRequest(), &listed));
  std::set<std::string> stations;
  for (const iv1::Station& s : listed.stations()) stations.insert(Short(s.name()));

  grpc::ClientContext context;
  context.set_deadline(
      absl::ToChronoTime(absl::Now() + ctx.timeout * static_cast<int64_t>(args.files.size())));
  iv1::IngestObservationsResponse response;
  std::unique_ptr<grpc::ClientWriterInterface<iv1::IngestObservationsRequest>> writer =
      ctx.indicator->IngestObservations(&context, &response);
  std::vector<LoadTotals> per_file;
  const absl::Status sent = StreamFiles(args, stations, writer.get(), &per_file);
  if (!sent.ok() && !absl::IsUnavailable(sent)) {
    // A local problem (a file, a station): stop the call; what was sent is
    // committed and a re-run counts it as unchanged.
    context.TryCancel();
    (void)writer->Finish();
    return sent;
  }
  writer->WritesDone();
  // When the server closed the stream early, its status says why.
  ECOPLAN_RETURN_IF_ERROR(common::FromGrpcStatus(writer->Finish()));
  ECOPLAN_RETURN_IF_ERROR(sent);
  if (Json(ctx)) return PrintJson(response, out);

  Table files({"FILE", "ROWS", "READINGS", "MISSING (NA)"});
  for (size_t i = 0; i < per_file.size(); ++i) {
    files.AddRow({args.files[i], absl::StrCat(per_file[i].rows), absl::StrCat(per_file[i].readings),
                  absl::StrCat(per_file[i].missing)});
  }
  files.Print(out);
  out << "\n";
  PrintFields(out,
              {{"Accepted", absl::StrCat(response.accepted_count())},
               {"Replaced", absl::StrCat(response.replaced_count())},
               {"Unchanged", absl::StrCat(response.unchanged_count())},
               {"Rejected", absl::StrCat(response.rejected_count())},
               {"Quality flags", absl::StrCat(response.quality_flag_count())},
               {"Batches", absl::StrCat(response.batch_count())}},
              0, false);
  constexpr int kShown = 10;
  if (!response.rejections().empty()) {
    out << "\n";
    Table table({"POSITION", "SERIES", "HOUR", "REJECTED BECAUSE"});
    for (int i = 0; i < std::min(kShown, response.rejections_size()); ++i) {
      const iv1::Rejection& r = response.rejections(i);
      table.AddRow({r.position(), r.series(), r.timestamp(), r.reason()});
    }
    table.Print(out);
    if (response.rejected_count() > kShown) {
      out << "... " << response.rejected_count() - kShown
          << " more (--output json lists the first 1000)\n";
    }
  }
  if (!response.quality_flags().empty()) {
    out << "\n";
    Table table({"POSITION", "SERIES", "HOUR", "FLAG"});
    for (int i = 0; i < std::min(kShown, response.quality_flags_size()); ++i) {
      const iv1::QualityFlag& q = response.quality_flags(i);
      table.AddRow({q.position(), q.series(), q.timestamp(), q.flag()});
    }
    table.Print(out);
    if (response.quality_flag_count() > kShown) {
      out << "... " << response.quality_flag_count() - kShown << " more flags\n";
    }
  }
  return absl::OkStatus();
}

absl::Status IndicatorDaily(const IndicatorContext& ctx, const DailyArgs& args, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay from, ParseDay(args.day, "DAY"));
  absl::CivilDay to = from;
  if (!args.to.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(to, ParseDay(args.to, "--to"));
  }
  iv1::GetDailyAirQualityRequest request;
  request.set_area(args.area.empty() ? "district" : args.area);
  *request.mutable_from() = ToDate(from);
  *request.mutable_to() = ToDate(to);
  request.set_caliber(args.caliber);
  iv1::GetDailyAirQualityResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.indicator, &IStub::GetDailyAirQuality, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  const std::vector<std::string> items = {"PM2.5", "PM10", "SO2", "NO2", "CO", "O3_8h"};
  std::vector<std::string> headers = {"DAY", "AQI", "CATEGORY", "PRIMARY", "STANDARD"};
  headers.insert(headers.end(), items.begin(), items.end());
  Table table(headers);
  for (const iv1::DailyAirQuality& d : response.days()) {
    std::vector<std::string> row = {
        FormatDate(d.date()), d.published() ? absl::StrCat(d.aqi()) : "NA",
        d.published() ? d.category() : "", absl::StrJoin(d.primary_items(), ","), d.standard()};
    for (const std::string& item : items) {
      std::string cell = "-";
      for (const iv1::DailyItemValue& v : d.items()) {
        if (v.item() != item) continue;
        cell = Number(v.value());
        if (v.validity() == "insufficient_data") absl::StrAppend(&cell, "*");
      }
      row.push_back(cell);
    }
    table.AddRow(std::move(row));
  }
  table.Print(out);
  out << response.days_size() << " days of " << request.area()
      << " (CO in mg/m³, others µg/m³; * = insufficient data)\n";
  return absl::OkStatus();
}

std::vector<CommandGroup> IndicatorCommandGroups() {
  CommandGroup g;
  g.name = "indicator";
  g.summary = "indicators, stations, air-quality data and evaluations (indicator service)";
  g.commands.push_back(
      {"sync",
       "[--plan PLAN]",
       "rebuild the plan's indicators from the registry (SyncPlan)",
       0,
       0,
       {kPlan},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return IndicatorSync(ctx, a.Value("plan"), out);
       })});
  g.commands.push_back(
      {"list",
       "[--plan PLAN] [--origin annex4|annex5|measure|manual] [--include-retired]",
       "list the plan's indicators with their targets",
       0,
       0,
       {kPlan,
        {"origin", "ORIGIN", "indicator list: annex4, annex5, measure or manual"},
        {"include-retired", "", "also list retired indicators"}},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return IndicatorList(ctx, a.Value("plan"), a.Value("origin"), a.Has("include-retired"),
                              out);
       })});
  g.commands.push_back(
      {"show",
       "ID [--plan PLAN]",
       "show one indicator (a4-pm25 or plans/…/indicators/…)",
       1,
       1,
       {kPlan},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return IndicatorShow(ctx, a.Value("plan"), a.args()[0], out);
       })});
  g.commands.push_back(
      {"evaluate",
       "ID [--as-of DAY] [--plan PLAN]",
       "evaluate one indicator: value, status, projection, what the rest of the period must do",
       1,
       1,
       {kPlan, kAsOf},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return IndicatorEvaluate(ctx, a.Value("plan"), a.args()[0], a.Value("as-of"), out);
       })});
  g.commands.push_back(
      {"plan",
       "[--as-of DAY] [--plan PLAN]",
       "evaluate the whole plan: indicators, town ranking, department scorecards",
       0,
       0,
       {kPlan, kAsOf},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return IndicatorPlan(ctx, a.Value("plan"), a.Value("as-of"), out);
       })});
  g.commands.push_back(
      {"record",
       "[--as-of DAY] [--plan PLAN]",
       "record the plan's status changes as of the day (once; alerts follow): what the daily job "
       "does",
       0,
       0,
       {kPlan, kAsOf},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return IndicatorRecord(ctx, a.Value("plan"), a.Value("as-of"), out);
       })});
  g.commands.push_back(
      {"stations",
       "set ID --town TOWN [--name NAME] [--not-district] [--demonstration] [--note TEXT] | list",
       "configure a monitoring station and the town it represents, or list them",
       1,
       2,
       {{"town", "TOWN", "stations set: the town or street the station represents"},
        {"name", "NAME", "stations set: display name, e.g. 定陵"},
        {"not-district", "",
         "stations set: leave it out of the district's value (clean-control point)"},
        {"demonstration", "", "stations set: mark it as demonstration configuration"},
        {"note", "TEXT", "stations set: free text"}},
       WithContext(
           [](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) -> absl::Status {
             const std::string& sub = a.args()[0];
             if (sub == "list") {
               if (a.args().size() != 1)
                 return UsageError("indicator stations list takes no argument");
               return StationsList(ctx, out);
             }
             if (sub != "set") {
               return UsageError(
                   absl::StrCat("unknown command \"indicator stations ", sub, "\": set or list"));
             }
             if (a.args().size() != 2)
               return UsageError("indicator stations set needs the station ID");
             StationSetArgs args;
             args.id = a.args()[1];
             args.town = a.Value("town");
             args.display_name = a.Value("name");
             args.excluded_from_district = a.Has("not-district");
             args.demonstration = a.Has("demonstration");
             args.note = a.Value("note");
             return StationsSet(ctx, args, out);
           })});
  g.commands.push_back(
      {"load",
       "FILE.csv[.gz]... [--chunk N] [--station ID]",
       "stream hourly readings of PRSA CSV files (plain or gzip) into the service",
       1,
       10000,
       {{"chunk", "N", "indicator load: readings per streamed message (default 5000)"},
        {"station", "ID", "indicator load: send every row as this station"}},
       WithContext(
           [](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) -> absl::Status {
             LoadArgs args;
             args.files = a.args();
             ECOPLAN_ASSIGN_OR_RETURN(args.chunk, a.Int("chunk", 5000));
             args.station = a.Value("station");
             return IndicatorLoad(ctx, args, out);
           })});
  g.commands.push_back(
      {"daily",
       "DAY [--to DAY] [--area district|towns/NAME|stations/ID] [--caliber VERSION]",
       "daily AQI and the standard version that judged each day",
       1,
       1,
       {{"to", "DAY", "indicator daily: last day (default: DAY)"},
        {"area", "AREA", "indicator daily: district (default), towns/NAME or stations/ID"},
        {"caliber", "VERSION", "indicator daily: judge by HJ 633-2012 or HJ 633—2026 instead"}},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         DailyArgs args;
         args.day = a.args()[0];
         args.to = a.Value("to");
         args.area = a.Value("area");
         args.caliber = a.Value("caliber");
         return IndicatorDaily(ctx, args, out);
       })});
  g.notes =
      "Stations must be configured before their readings are loaded. The PRSA files give CO in\n"
      "µg/m³ (sent as such; the service converts). Loading the same file again changes nothing:\n"
      "every reading is counted as unchanged. The load stream's deadline is --timeout per file.\n";
  return {g};
}

}  // namespace ecoplan::ctl
