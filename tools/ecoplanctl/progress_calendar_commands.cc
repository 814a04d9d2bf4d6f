// The "calendar" and "holidays" commands: a plan's reporting calendar and the
// holiday list its due days are counted with.

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/progress_commands.h"
#include "tools/ecoplanctl/progress_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;

using PStub = pv1::ProgressService::StubInterface;
using RStub = rv1::RegistryService::StubInterface;

using progress_internal::Bind;
using progress_internal::Call;
using progress_internal::Date;
using progress_internal::Json;
using progress_internal::kPlan;
using progress_internal::NewRequestId;
using progress_internal::ReadAll;
using progress_internal::ResolvePlan;

}  // namespace

absl::Status CalendarShow(const ProgressContext& ctx, const std::string& plan, std::ostream& out) {
  pv1::GetReportingCalendarRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  request.set_name(p + "/reportingCalendar");
  pv1::GetReportingCalendarResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::GetReportingCalendar, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  const pv1::ReportingCalendar& c = response.calendar();
  out << c.name() << "  (" << c.time_zone() << ", "
      << (c.overridden() ? "set by administrator" : "from the plan") << ", etag " << c.etag()
      << ")\n";
  Table table({"period", "due", "holidays known"});
  for (const pv1::PeriodDue& d : c.period_dues()) {
    table.AddRow({d.period(), Date(d.due_date()), d.holidays_known() ? "yes" : "no"});
  }
  table.Print(out);
  return absl::OkStatus();
}

namespace {

absl::StatusOr<pv1::DueRule> ParseRule(const std::string& text, int month_offset,
                                       absl::string_view flag) {
  pv1::DueRule rule;
  int n = 0;
  if (absl::StartsWith(text, "day:") && absl::SimpleAtoi(text.substr(4), &n)) {
    rule.set_day_of_month(n);
  } else if (absl::StartsWith(text, "working-day:") && absl::SimpleAtoi(text.substr(12), &n)) {
    rule.set_nth_working_day(n);
  } else {
    return UsageError(
        absl::StrCat("--", flag, " needs day:N or working-day:N, not \"", text, "\""));
  }
  rule.set_month_offset(month_offset);
  return rule;
}

}  // namespace

absl::Status CalendarSet(const ProgressContext& ctx, const CalendarSetArgs& args,
                         std::ostream& out) {
  pv1::UpdateReportingCalendarRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, args.plan));
  pv1::ReportingCalendar* c = request.mutable_calendar();
  c->set_name(p + "/reportingCalendar");
  ECOPLAN_ASSIGN_OR_RETURN(*c->mutable_monthly_due(),
                           ParseRule(args.due, args.month_offset, "due"));
  if (!args.summary_due.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*c->mutable_summary_due(),
                             ParseRule(args.summary_due, args.month_offset, "summary-due"));
  }
  c->set_quarterly_summaries(args.quarterly);
  c->set_half_year_summaries(args.half_year);
  c->set_annual_summary(args.annual);
  request.set_request_id(NewRequestId());
  pv1::UpdateReportingCalendarResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::UpdateReportingCalendar, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << "calendar set (etag " << response.calendar().etag() << ")\n";
  return absl::OkStatus();
}

absl::Status HolidaysLoad(const ProgressContext& ctx, const std::string& file, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(std::string text, ReadAll(file));
  pv1::LoadHolidaysRequest request;
  pv1::HolidayCalendar* h = request.mutable_holidays();
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    absl::CivilDay day;
    if (!absl::ParseCivilTime(words[0], &day) || words.size() > 2 ||
        (words.size() == 2 && words[1] != "workday" && words[1] != "holiday")) {
      return UsageError(absl::StrCat(file, ":", line_number,
                                     ": expected \"YYYY-MM-DD\" or \"YYYY-MM-DD workday\""));
    }
    if (h->year() == 0) h->set_year(static_cast<int32_t>(day.year()));
    cv1::Date* d =
        words.size() == 2 && words[1] == "workday" ? h->add_make_up_workdays() : h->add_holidays();
    d->set_year(static_cast<int32_t>(day.year()));
    d->set_month(day.month());
    d->set_day(day.day());
  }
  if (h->year() == 0) return UsageError(absl::StrCat(file, " lists no day"));
  request.set_request_id(NewRequestId());
  pv1::LoadHolidaysResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::LoadHolidays, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << "loaded " << response.holidays().holidays_size() << " holidays and "
      << response.holidays().make_up_workdays_size() << " make-up working days for "
      << response.holidays().year() << "\n";
  return absl::OkStatus();
}

// The command line.

CommandGroup progress_internal::CalendarGroup() {
  CommandGroup group{"calendar", "a plan's reporting calendar", {}, ""};
  group.commands.push_back(
      {"show",
       "[--plan PLAN]",
       "the due day of every period",
       0,
       0,
       {kPlan},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return CalendarShow(ctx, args.Value("plan"), out);
       })});
  group.commands.push_back(
      {"set",
       "--due day:N|working-day:N [--month-offset N] [--summary-due day:N|working-day:N] "
       "[--quarterly] [--half-year] [--annual] [--plan PLAN]",
       "override the calendar (administrator)",
       0,
       0,
       {kPlan,
        {"due", "RULE", "day:25 or working-day:2"},
        {"month-offset", "N", "0: the period's last month; 1: the month after"},
        {"summary-due", "RULE", "rule of summaries; default: the monthly rule"},
        {"quarterly", "", "ask for quarterly summaries"},
        {"half-year", "", "ask for half-year summaries"},
        {"annual", "", "ask for an annual summary"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args,
               std::ostream& out) -> absl::Status {
         CalendarSetArgs a;
         a.plan = args.Value("plan");
         a.due = args.Value("due");
         if (a.due.empty()) return UsageError("--due is required");
         ECOPLAN_ASSIGN_OR_RETURN(a.month_offset, args.Int("month-offset", 0));
         a.summary_due = args.Value("summary-due");
         a.quarterly = args.Has("quarterly");
         a.half_year = args.Has("half-year");
         a.annual = args.Has("annual");
         return CalendarSet(ctx, a, out);
       })});
  return group;
}

CommandGroup progress_internal::HolidaysGroup() {
  CommandGroup group{
      "holidays", "public holidays and make-up working days (法定节假日 / 调休)", {}, ""};
  group.commands.push_back(
      {"load",
       "FILE",
       "load a year's days (administrator)",
       1,
       1,
       {},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return HolidaysLoad(ctx, args.args()[0], out);
       })});
  group.notes =
      "FILE: one day per line, \"2026-10-01\" for a holiday or \"2026-10-10 workday\" for a\n"
      "make-up working day; # starts a comment.\n";
  return group;
}

}  // namespace ecoplan::ctl
