// The indicator commands on air-quality observations: load the Beijing PRSA CSV files
// (plain or gzip) and read the daily AQI back.

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
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/indicator_commands.h"
#include "tools/ecoplanctl/indicator_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;

using IStub = iv1::IndicatorService::StubInterface;
using RStub = rv1::RegistryService::StubInterface;

using indicator_internal::Call;
using indicator_internal::Json;
using indicator_internal::Number;
using indicator_internal::ParseDay;
using indicator_internal::Short;
using indicator_internal::ToDate;
using indicator_internal::WithContext;

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
        r->set_verification(args.audited ? iv1::DATA_VERIFICATION_AUDITED
                                         : iv1::DATA_VERIFICATION_PROVISIONAL);
        ++totals.readings;
        if (request.readings_size() >= args.chunk) ECOPLAN_RETURN_IF_ERROR(flush());
      }
    }
    per_file->push_back(totals);
  }
  return flush();
}

}  // namespace

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
      absl::ToChronoTime(absl::Now() + ctx.call.timeout * static_cast<int64_t>(args.files.size())));
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
               {"Audited over provisional", absl::StrCat(response.audited_replaced_count())},
               {"Kept audited", absl::StrCat(response.kept_audited_count())},
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

// The command line.

void indicator_internal::AddObservationCommands(CommandGroup& group) {
  group.commands.push_back(
      {"load",
       "FILE.csv[.gz]... [--chunk N] [--station ID] [--audited]",
       "stream hourly readings of PRSA CSV files (plain or gzip) into the service",
       1,
       10000,
       {{"chunk", "N", "indicator load: readings per streamed message (default 5000)"},
        {"station", "ID", "indicator load: send every row as this station"},
        {"audited", "",
         "indicator load: the files hold audited (审核) values, which replace the provisional "
         "(实时) ones of their hours (default: provisional, never replacing audited ones)"}},
       WithContext(
           [](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) -> absl::Status {
             LoadArgs args;
             args.files = a.args();
             ECOPLAN_ASSIGN_OR_RETURN(args.chunk, a.Int("chunk", 5000));
             args.station = a.Value("station");
             args.audited = a.Has("audited");
             return IndicatorLoad(ctx, args, out);
           })});
  group.commands.push_back(
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
}

}  // namespace ecoplan::ctl
