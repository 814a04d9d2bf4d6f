// The "indicator stations" command: the monitoring stations and the towns they represent.

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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
using indicator_internal::Short;
using indicator_internal::WithContext;

}  // namespace

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

// The command line.

void indicator_internal::AddStationCommands(CommandGroup& group) {
  group.commands.push_back(
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
}

}  // namespace ecoplan::ctl
