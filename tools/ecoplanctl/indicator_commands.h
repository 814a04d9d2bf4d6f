#pragma once

// The indicator commands of ecoplanctl (ecoplan.indicator.v1.IndicatorService):
// one function per command, each taking the stubs, its arguments and the
// output sink, so they can be tested against an in-process server.
// IndicatorCommandGroups() binds them to the command line.
//
// Plans default to the newest plan of the registry; indicators are named by
// their id within the plan (a4-pm25) or in full (plans/…/indicators/a4-pm25).
// Days are YYYY-MM-DD; --as-of defaults to today in Beijing (UTC+8). Every
// function returns OK, a usage error (IsUsageError), or the failed call's
// status with its code.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ecoplan/indicator/v1/assessment_service.grpc.pb.h"
#include "ecoplan/indicator/v1/document_service.grpc.pb.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/output.h"

namespace ecoplan::ctl {

struct IndicatorContext {
  ecoplan::indicator::v1::IndicatorService::StubInterface* indicator = nullptr;  // not owned
  // The assessment commands' (assessment_commands.h), served beside IndicatorService.
  ecoplan::indicator::v1::AssessmentService::StubInterface* assessment = nullptr;  // not owned
  // Charts and documents (document_service.proto), served beside IndicatorService.
  ecoplan::indicator::v1::DocumentService::StubInterface* document = nullptr;  // not owned
  // Only to find the newest plan when none is given; may be null (then a plan is required).
  ecoplan::registry::v1::RegistryService::StubInterface* registry = nullptr;  // not owned
  CallPolicy call;  // deadline and retries of each call (unary_call.h)
  OutputOptions output;
  std::ostream* notes = nullptr;  // e.g. a generated request id; may be null
};

// SyncPlan: rebuilds the plan's indicators from the registry; prints the
// extraction report (counts, issues, annex-4/measure-text cross-checks).
absl::Status IndicatorSync(const IndicatorContext& ctx, const std::string& plan, std::ostream& out);
// GetExtractionReport: the report of the last sync, printed as IndicatorSync
// does; any reader may see it (a sync stays an administrator's).
absl::Status IndicatorExtraction(const IndicatorContext& ctx, const std::string& plan,
                                 std::ostream& out);
// ListIndicators, every page. `origin`: "" | annex4 | annex5 | measure | manual.
absl::Status IndicatorList(const IndicatorContext& ctx, const std::string& plan,
                           const std::string& origin, bool include_retired, std::ostream& out);
absl::Status IndicatorShow(const IndicatorContext& ctx, const std::string& plan,
                           const std::string& indicator, std::ostream& out);
// `as_of`: YYYY-MM-DD, empty = today in Beijing.
absl::Status IndicatorEvaluate(const IndicatorContext& ctx, const std::string& plan,
                               const std::string& indicator, const std::string& as_of,
                               std::ostream& out);
// EvaluatePlan: every indicator (value, target, status, projection and what
// the rest of the period must do), the town ranking, department scorecards and
// the measure lights (colour, due day, each checkpoint occurrence and how it
// stands, reasons).
absl::Status IndicatorPlan(const IndicatorContext& ctx, const std::string& plan,
                           const std::string& as_of, std::ostream& out);
// RecordEvaluation: records (once) every indicator status that changed as of
// the day, with its IndicatorStatusChanged event; prints the changes.
// `as_of`: YYYY-MM-DD, empty = today in Beijing.
absl::Status IndicatorRecord(const IndicatorContext& ctx, const std::string& plan,
                             const std::string& as_of, std::ostream& out);

struct StationSetArgs {
  std::string id;                       // e.g. "Dingling"
  std::string town;                     // --town
  std::string display_name;             // --name
  bool excluded_from_district = false;  // --not-district (a clean-control point)
  bool demonstration = false;           // --demonstration
  std::string note;                     // --note
};
absl::Status StationsSet(const IndicatorContext& ctx, const StationSetArgs& args,
                         std::ostream& out);
absl::Status StationsList(const IndicatorContext& ctx, std::ostream& out);

struct LoadArgs {
  // PRSA CSV files (Beijing Multi-Site Air-Quality Data): plain or gzip
  // (detected from the content), "-" = stdin.
  std::vector<std::string> files;
  // Readings per IngestObservations message.
  int chunk = 5000;
  // Every row goes to this station instead of the row's station column.
  std::string station;
  // The files hold audited (审核) values: every reading is sent AUDITED and
  // replaces the provisional (实时) reading of its hour; otherwise they are
  // sent as provisional, and never replace an audited reading.
  bool audited = false;
};
// Streams the readings of the files in one IngestObservations call (deadline:
// ctx.call.timeout per file) and prints the accepted / replaced / unchanged /
// rejected counts. Each row's station must be configured (stations set)
// first: FailedPrecondition otherwise, before anything of that station is
// sent. Errors also: NotFound / InvalidArgument for a missing or malformed file.
absl::Status IndicatorLoad(const IndicatorContext& ctx, const LoadArgs& args, std::ostream& out);

struct DailyArgs {
  std::string day;      // first day
  std::string to;       // last day; empty = `day`
  std::string area;     // district (default) | towns/NAME | stations/ID
  std::string caliber;  // empty = the standard in force on each day
};
// GetDailyAirQuality: AQI, category, primary pollutants and the standard that judged each day.
absl::Status IndicatorDaily(const IndicatorContext& ctx, const DailyArgs& args, std::ostream& out);

struct ChartArgs {
  // An indicator id (a4-pm25: its trajectory), or good-days, towns, timeliness.
  std::string what;
  std::string plan;
  std::string file;   // -o / --out: .svg or .png
  std::string as_of;  // YYYY-MM-DD; empty = today (the server's)
  std::string width;  // pixels, with height; both empty = 960 × 540
  std::string height;
  std::string period;  // timeliness only: YYYY-MM; empty = the month before as_of
};
// DocumentService.RenderChart: writes the image to args.file (its format from
// the extension) and prints the title, media type, size and each series'
// point count with its last point.
absl::Status IndicatorChart(const IndicatorContext& ctx, const ChartArgs& args, std::ostream& out);

// Exceptional events (例外事件): `indicator exceptional-event create|list|withdraw`.
struct ExceptionalEventArgs {
  std::string kind;                                  // --kind: sand-dust, wildfire, other
  std::string description;                           // --description
  std::vector<std::string> pollutants;               // --pollutants PM10,PM2.5
  std::vector<std::string> stations;                 // --station (repeated); empty: every station
  std::string from, to;                              // --from/--to days, or
  std::string from_hour, to_hour;                    // --from-hour/--to-hour (YYYY-MM-DDTHH)
  std::string reason;                                // --reason
  std::string basis_number, basis_title, basis_url;  // --basis-*
  std::string request_id;  // --request-id; empty: generated, printed to notes
};
// Marks the event and prints it as stored.
absl::Status ExceptionalEventCreate(const IndicatorContext& ctx, const ExceptionalEventArgs& args,
                                    std::ostream& out);
// Lists the events (withdrawn ones unless `active_only`).
absl::Status ExceptionalEventList(const IndicatorContext& ctx, bool active_only, std::ostream& out);
// Withdraws event `id` (ev-1 or exceptionalEvents/ev-1) and prints it.
absl::Status ExceptionalEventWithdraw(const IndicatorContext& ctx, const std::string& id,
                                      const std::string& reason, const std::string& request_id,
                                      std::ostream& out);

// The "indicator" command group.
std::vector<CommandGroup> IndicatorCommandGroups();

}  // namespace ecoplan::ctl
