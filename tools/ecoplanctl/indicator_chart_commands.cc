// `ecoplanctl indicator chart`: a chart drawn by the indicator server
// (DocumentService.RenderChart) saved to a file, SVG or PNG by its extension.

#include <fstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/indicator_commands.h"
#include "tools/ecoplanctl/indicator_common.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

using DStub = iv1::DocumentService::StubInterface;

using indicator_internal::Call;
using indicator_internal::kPlan;
using indicator_internal::ParseDay;
using indicator_internal::ResolvePlan;
using indicator_internal::ToDate;
using indicator_internal::WithContext;

absl::StatusOr<int> Side(const std::string& text, absl::string_view flag) {
  int value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < 240 || value > 4096) {
    return UsageError(
        absl::StrCat("--", flag, " needs a number of pixels 240..4096, not \"", text, "\""));
  }
  return value;
}

}  // namespace

absl::Status IndicatorChart(const IndicatorContext& ctx, const ChartArgs& args, std::ostream& out) {
  if (ctx.document == nullptr) return absl::FailedPreconditionError("no document service stub");
  if (args.file.empty()) return UsageError("-o FILE is required (its extension: .svg or .png)");
  const std::string lower = absl::AsciiStrToLower(args.file);
  iv1::RenderChartRequest request;
  if (absl::EndsWith(lower, ".svg")) {
    request.set_format(iv1::IMAGE_FORMAT_SVG);
  } else if (absl::EndsWith(lower, ".png")) {
    request.set_format(iv1::IMAGE_FORMAT_PNG);
  } else {
    return UsageError(absl::StrCat("\"", args.file, "\": the file must end in .svg or .png"));
  }
  if (args.width.empty() != args.height.empty()) {
    return UsageError("--width and --height go together (both unset: 960 × 540)");
  }
  if (!args.width.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(int width, Side(args.width, "width"));
    ECOPLAN_ASSIGN_OR_RETURN(int height, Side(args.height, "height"));
    request.set_width(width);
    request.set_height(height);
  }
  if (!args.as_of.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, ParseDay(args.as_of, "as-of"));
    *request.mutable_as_of() = ToDate(day);
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::string plan, ResolvePlan(ctx, args.plan));
  request.set_plan(plan);
  if (args.what == "good-days") {
    request.set_kind(iv1::CHART_KIND_GOOD_DAYS_RATIO);
  } else if (args.what == "towns") {
    request.set_kind(iv1::CHART_KIND_TOWN_RANKING);
  } else if (args.what == "timeliness") {
    request.set_kind(iv1::CHART_KIND_REPORTING_TIMELINESS);
    request.set_period(args.period);
  } else if (args.what.empty() || absl::StrContains(args.what, "/")) {
    return UsageError(absl::StrCat("\"", args.what,
                                   "\" is neither good-days, towns, timeliness nor an indicator "
                                   "id such as a4-pm25"));
  } else {
    request.set_kind(iv1::CHART_KIND_INDICATOR_TRAJECTORY);
    request.set_indicator(absl::StrCat(plan, "/indicators/", args.what));
  }
  if (!args.period.empty() && request.kind() != iv1::CHART_KIND_REPORTING_TIMELINESS) {
    return UsageError("--period is for the timeliness chart only");
  }
  iv1::RenderChartResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.document, &DStub::RenderChart, request, &response));
  std::ofstream file(args.file, std::ios::binary | std::ios::trunc);
  file.write(response.content().data(), static_cast<std::streamsize>(response.content().size()));
  file.close();
  if (!file) return absl::InternalError(absl::StrCat("cannot write ", args.file));
  out << args.file << ": " << response.title() << " (" << response.media_type() << ", "
      << response.content().size() << " bytes";
  if (request.width() > 0) out << ", " << request.width() << "×" << request.height();
  out << ")\n";
  for (const iv1::ChartSeries& series : response.series()) {
    out << "  " << series.name() << ": " << series.points_size() << " point"
        << (series.points_size() == 1 ? "" : "s");
    if (series.points_size() > 0) {
      const iv1::ChartPoint& last = series.points(series.points_size() - 1);
      out << ", last " << last.label() << " " << indicator_internal::Number(last.value());
    }
    out << "\n";
  }
  return absl::OkStatus();
}

namespace indicator_internal {

void AddChartCommands(CommandGroup& group) {
  group.commands.push_back(
      {"chart",
       "INDICATOR|good-days|towns|timeliness -o FILE [--as-of DAY] [--width W --height H] "
       "[--period YYYY-MM] [--plan PLAN]",
       "save a chart drawn by the server (.svg or .png by FILE's extension): an indicator's "
       "trajectory against its target, the cumulative 优良天数比率, the town ranking, or the "
       "reporting timeliness of a period",
       1,
       1,
       {kPlan,
        {"as-of", "DAY", "the chart as of this day (YYYY-MM-DD); default: today"},
        {"out", "FILE", "the file to write, .svg or .png", "o"},
        {"width", "PIXELS", "width 240..4096 (with --height; default 960)"},
        {"height", "PIXELS", "height 240..4096 (with --width; default 540)"},
        {"period", "YYYY-MM", "timeliness only: the reporting period; default: the month before"}},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         ChartArgs args;
         args.what = a.args()[0];
         args.plan = a.Value("plan");
         args.file = a.Value("out");
         args.as_of = a.Value("as-of");
         args.width = a.Value("width");
         args.height = a.Value("height");
         args.period = a.Value("period");
         return IndicatorChart(ctx, args, out);
       })});
}

}  // namespace indicator_internal
}  // namespace ecoplan::ctl
