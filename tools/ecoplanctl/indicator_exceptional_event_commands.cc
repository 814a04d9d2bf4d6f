// The "indicator exceptional-event" command: days or hours the bureau marks as
// affected by an exceptional event (例外事件: 沙尘, …), listed and withdrawn.
// Evaluations then give the figure without those days beside the official one.

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/assessment_common.h"
#include "tools/ecoplanctl/indicator_commands.h"
#include "tools/ecoplanctl/indicator_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

using IStub = iv1::IndicatorService::StubInterface;

using assessment_internal::RequestId;
using indicator_internal::Call;
using indicator_internal::Json;
using indicator_internal::ParseDay;
using indicator_internal::Short;
using indicator_internal::ToDate;
using indicator_internal::WithContext;

absl::StatusOr<iv1::ExceptionalEventKind> ParseKind(const std::string& text) {
  const std::string k = absl::AsciiStrToLower(text);
  if (k == "sand-dust" || k == "sand_dust" || k == "沙尘") {
    return iv1::EXCEPTIONAL_EVENT_KIND_SAND_DUST;
  }
  if (k == "wildfire") return iv1::EXCEPTIONAL_EVENT_KIND_WILDFIRE;
  if (k == "other") return iv1::EXCEPTIONAL_EVENT_KIND_OTHER;
  return UsageError(absl::StrCat("--kind: \"", text, "\" is not sand-dust, wildfire or other"));
}

absl::StatusOr<iv1::Pollutant> ParsePollutant(const std::string& text) {
  const std::string p = absl::AsciiStrToUpper(text);
  if (p == "PM2.5" || p == "PM25") return iv1::POLLUTANT_PM25;
  if (p == "PM10") return iv1::POLLUTANT_PM10;
  if (p == "SO2") return iv1::POLLUTANT_SO2;
  if (p == "NO2") return iv1::POLLUTANT_NO2;
  if (p == "CO") return iv1::POLLUTANT_CO;
  if (p == "O3") return iv1::POLLUTANT_O3;
  return UsageError(
      absl::StrCat("--pollutants: \"", text, "\" is not one of PM2.5, PM10, SO2, NO2, CO, O3"));
}

std::string KindText(iv1::ExceptionalEventKind kind) {
  switch (kind) {
    case iv1::EXCEPTIONAL_EVENT_KIND_SAND_DUST:
      return "沙尘";
    case iv1::EXCEPTIONAL_EVENT_KIND_WILDFIRE:
      return "森林草原火灾";
    case iv1::EXCEPTIONAL_EVENT_KIND_OTHER:
      return "其他";
    default:
      return "?";
  }
}

std::string PollutantsText(const iv1::ExceptionalEvent& e) {
  std::vector<std::string> names;
  for (int p : e.pollutants()) {
    std::string name = iv1::Pollutant_Name(static_cast<iv1::Pollutant>(p));
    name = name.substr(name.find('_') + 1);
    names.push_back(name == "PM25" ? "PM2.5" : name);
  }
  return absl::StrJoin(names, ",");
}

std::string RangeText(const iv1::ExceptionalEvent& e) {
  if (e.has_hours()) return absl::StrCat(e.hours().first_hour(), " .. ", e.hours().last_hour());
  auto day = [](const ecoplan::common::v1::Date& d) {
    return absl::FormatCivilTime(absl::CivilDay(d.year(), d.month(), d.day()));
  };
  return e.first_day().year() == 0 ? ""
                                   : absl::StrCat(day(e.first_day()), " .. ", day(e.last_day()));
}

void PrintEvent(const iv1::ExceptionalEvent& e, std::ostream& out) {
  std::vector<std::string> stations;
  for (const std::string& s : e.stations()) stations.push_back(Short(s));
  PrintFields(
      out, {{"Event", e.name()},
            {"Kind", e.description().empty()
                         ? KindText(e.kind())
                         : absl::StrCat(KindText(e.kind()), "（", e.description(), "）")},
            {"Range", RangeText(e)},
            {"Pollutants", PollutantsText(e)},
            {"Stations", stations.empty() ? "all" : absl::StrJoin(stations, ",")},
            {"Reason", e.reason()},
            {"Basis", absl::StrJoin({e.basis().number(), e.basis().title(), e.basis().url()}, " ")},
            {"State", e.state() == iv1::EXCEPTIONAL_EVENT_STATE_WITHDRAWN ? "withdrawn" : "active"},
            {"Marked by", e.created_by()},
            {"Withdrawn by", e.withdrawn_by()},
            {"Withdraw reason", e.withdraw_reason()}});
}

}  // namespace

absl::Status ExceptionalEventCreate(const IndicatorContext& ctx, const ExceptionalEventArgs& args,
                                    std::ostream& out) {
  iv1::CreateExceptionalEventRequest request;
  iv1::ExceptionalEvent* e = request.mutable_exceptional_event();
  ECOPLAN_ASSIGN_OR_RETURN(iv1::ExceptionalEventKind kind, ParseKind(args.kind));
  e->set_kind(kind);
  e->set_description(args.description);
  if (args.pollutants.empty()) {
    return UsageError("--pollutants: at least one, e.g. PM10,PM2.5");
  }
  for (const std::string& p : args.pollutants) {
    ECOPLAN_ASSIGN_OR_RETURN(iv1::Pollutant pollutant, ParsePollutant(p));
    e->add_pollutants(pollutant);
  }
  for (const std::string& s : args.stations) {
    e->add_stations(absl::StartsWith(s, "stations/") ? s : absl::StrCat("stations/", s));
  }
  if (!args.from_hour.empty() || !args.to_hour.empty()) {
    if (!args.from.empty() || !args.to.empty()) {
      return UsageError("give --from/--to (days) or --from-hour/--to-hour (hours), not both");
    }
    e->mutable_hours()->set_first_hour(args.from_hour);
    e->mutable_hours()->set_last_hour(args.to_hour.empty() ? args.from_hour : args.to_hour);
  } else {
    ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay from, ParseDay(args.from, "from"));
    ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay to,
                             ParseDay(args.to.empty() ? args.from : args.to, "to"));
    *e->mutable_first_day() = ToDate(from);
    *e->mutable_last_day() = ToDate(to);
  }
  e->set_reason(args.reason);
  e->mutable_basis()->set_number(args.basis_number);
  e->mutable_basis()->set_title(args.basis_title);
  e->mutable_basis()->set_url(args.basis_url);
  request.set_request_id(RequestId(ctx, args.request_id));
  iv1::CreateExceptionalEventResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.indicator, &IStub::CreateExceptionalEvent, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintEvent(response.exceptional_event(), out);
  return absl::OkStatus();
}

absl::Status ExceptionalEventList(const IndicatorContext& ctx, bool active_only,
                                  std::ostream& out) {
  iv1::ListExceptionalEventsRequest request;
  request.set_active_only(active_only);
  iv1::ListExceptionalEventsResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.indicator, &IStub::ListExceptionalEvents, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"ID", "KIND", "RANGE", "POLLUTANTS", "STATIONS", "STATE", "BASIS", "REASON"});
  for (const iv1::ExceptionalEvent& e : response.exceptional_events()) {
    std::vector<std::string> stations;
    for (const std::string& s : e.stations()) stations.push_back(Short(s));
    table.AddRow({Short(e.name()), KindText(e.kind()), RangeText(e), PollutantsText(e),
                  stations.empty() ? "all" : absl::StrJoin(stations, ","),
                  e.state() == iv1::EXCEPTIONAL_EVENT_STATE_WITHDRAWN ? "withdrawn" : "active",
                  e.basis().number().empty() ? e.basis().title() : e.basis().number(), e.reason()});
  }
  table.Print(out);
  out << response.exceptional_events_size() << " exceptional events\n";
  return absl::OkStatus();
}

absl::Status ExceptionalEventWithdraw(const IndicatorContext& ctx, const std::string& id,
                                      const std::string& reason, const std::string& request_id,
                                      std::ostream& out) {
  iv1::WithdrawExceptionalEventRequest request;
  request.set_name(
      absl::StartsWith(id, "exceptionalEvents/") ? id : absl::StrCat("exceptionalEvents/", id));
  request.set_reason(reason);
  request.set_request_id(RequestId(ctx, request_id));
  iv1::WithdrawExceptionalEventResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.indicator, &IStub::WithdrawExceptionalEvent, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintEvent(response.exceptional_event(), out);
  return absl::OkStatus();
}

// The command line.

void indicator_internal::AddExceptionalEventCommands(CommandGroup& group) {
  group.commands.push_back(
      {"exceptional-event",
       "create --kind sand-dust|wildfire|other --pollutants PM10,PM2.5 (--from DAY [--to DAY] | "
       "--from-hour YYYY-MM-DDTHH [--to-hour …]) [--station ID]… --reason TEXT "
       "--basis-number NO [--basis-title T] [--basis-url URL] [--description TEXT] "
       "[--request-id ID] | list [--active] | withdraw ID --reason TEXT [--request-id ID]",
       "mark days affected by an exceptional event (例外事件: 沙尘, …), list or withdraw them",
       1,
       2,
       {{"kind", "KIND", "create: sand-dust (沙尘), wildfire (森林草原火灾) or other"},
        {"description", "TEXT", "create: what happened (required for other)"},
        {"pollutants", "LIST", "create: affected pollutants, comma-separated (PM2.5,PM10,…)"},
        {"station", "ID", "create: an affected station (repeat); default: every station"},
        {"from", "DAY", "create: first affected day (YYYY-MM-DD, Asia/Shanghai)"},
        {"to", "DAY", "create: last affected day; default: --from"},
        {"from-hour", "HOUR", "create: first affected hour instead (YYYY-MM-DDTHH)"},
        {"to-hour", "HOUR", "create: last affected hour; default: --from-hour"},
        {"reason", "TEXT", "create, withdraw: why (audit trail)"},
        {"basis-number", "NO", "create: 文号 of the document the marking rests on"},
        {"basis-title", "TITLE", "create: its title"},
        {"basis-url", "URL", "create: where it is published"},
        {"active", "", "list: leave out withdrawn events"},
        {"request-id", "ID", "create, withdraw: idempotency key (default: generated, printed)"}},
       WithContext(
           [](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) -> absl::Status {
             const std::string& sub = a.args()[0];
             if (sub == "list") {
               if (a.args().size() != 1) {
                 return UsageError("indicator exceptional-event list takes no argument");
               }
               return ExceptionalEventList(ctx, a.Has("active"), out);
             }
             if (sub == "withdraw") {
               if (a.args().size() != 2) {
                 return UsageError("indicator exceptional-event withdraw needs the event ID");
               }
               return ExceptionalEventWithdraw(ctx, a.args()[1], a.Value("reason"),
                                               a.Value("request-id"), out);
             }
             if (sub != "create") {
               return UsageError(absl::StrCat("unknown command \"indicator exceptional-event ", sub,
                                              "\": create, list or withdraw"));
             }
             if (a.args().size() != 1) {
               return UsageError("indicator exceptional-event create takes flags only");
             }
             ExceptionalEventArgs args;
             args.kind = a.Value("kind");
             args.description = a.Value("description");
             for (const std::string& list : a.Values("pollutants")) {
               for (absl::string_view p : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
                 args.pollutants.emplace_back(absl::StripAsciiWhitespace(p));
               }
             }
             args.stations = a.Values("station");
             args.from = a.Value("from");
             args.to = a.Value("to");
             args.from_hour = a.Value("from-hour");
             args.to_hour = a.Value("to-hour");
             args.reason = a.Value("reason");
             args.basis_number = a.Value("basis-number");
             args.basis_title = a.Value("basis-title");
             args.basis_url = a.Value("basis-url");
             args.request_id = a.Value("request-id");
             return ExceptionalEventCreate(ctx, args, out);
           })});
}

}  // namespace ecoplan::ctl
