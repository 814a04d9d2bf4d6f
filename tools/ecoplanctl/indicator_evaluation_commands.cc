// The indicator commands on a plan's indicators: sync them from the registry, list and show
// them, evaluate one or the whole plan, and record the status changes.

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
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

using indicator_internal::AsOf;
using indicator_internal::Call;
using indicator_internal::CheckpointsText;
using indicator_internal::Json;
using indicator_internal::kAsOf;
using indicator_internal::kPlan;
using indicator_internal::Number;
using indicator_internal::ResolvePlan;
using indicator_internal::Short;
using indicator_internal::SupervisionText;
using indicator_internal::ToDate;
using indicator_internal::WithContext;

absl::StatusOr<std::string> IndicatorName(const IndicatorContext& ctx, const std::string& plan,
                                          const std::string& indicator) {
  if (absl::StartsWith(indicator, "plans/")) return indicator;
  if (indicator.empty() || absl::StrContains(indicator, "/")) {
    return UsageError(absl::StrCat("\"", indicator, "\" is not an indicator id such as a4-pm25"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  return absl::StrCat(p, "/indicators/", indicator);
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

template <typename T>
std::string Optional(bool has, T value, absl::string_view unit = "") {
  if (!has) return "-";
  return unit.empty() ? Number(value) : absl::StrCat(Number(value), " ", unit);
}

// "≤ 27 微克/立方米", "improves", "达到市级要求 (not a number)", "较上一年度提升5个百分点
// (baseline required)", "< 210 吨/万平方米 (stretch)".
std::string TargetText(const iv1::Indicator& i) {
  const std::string stretch = i.stretch() ? " (stretch)" : "";
  if (i.comparator() == iv1::COMPARATOR_IMPROVES) return "improves";
  if (!i.has_target_value()) {
    if (i.target_basis() != iv1::TARGET_BASIS_UNSPECIFIED && !i.has_baseline_value()) {
      return absl::StrCat(i.target_text(), " (baseline required)", stretch);
    }
    return i.target_text().empty() ? "-"
                                   : absl::StrCat(i.target_text(), " (not a number)", stretch);
  }
  std::string text = absl::StrCat(ComparatorSymbol(i.comparator()), " ", Number(i.target_value()),
                                  i.unit().empty() ? "" : " ", i.unit());
  if (i.target_basis() != iv1::TARGET_BASIS_UNSPECIFIED) {
    absl::StrAppend(&text, " (", i.target_text(), " from ", Number(i.baseline_value()), ")");
  }
  return absl::StrCat(text, stretch);
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
      out,
      {{"Indicator", i.name()},
       {"Name", i.display_name()},
       {"Scope", Scope(i)},
       {"Target", TargetText(i)},
       {"Target as written", i.target_text()},
       {"Stretch goal", i.stretch() ? "yes (力争/鼓励: shown, never counted against owners)" : ""},
       {"Change asked", i.has_target_change() ? Number(i.target_change()) : ""},
       {"Baseline", i.target_basis() == iv1::TARGET_BASIS_UNSPECIFIED ? ""
                    : i.has_baseline_value()
                        ? absl::StrCat(Number(i.baseline_value()), " (the prior year)")
                        : "required: enter the prior year's value"},
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

}  // namespace

// The extraction report: counts, then what was refused and why, then the
// disagreements with annex 4.
void PrintExtractionReport(const IndicatorContext& ctx, const iv1::ExtractionReport& r,
                           std::vector<std::pair<std::string, std::string>> extra,
                           std::ostream& out) {
  int disagreements = 0;
  for (const iv1::CrossCheck& c : r.cross_checks()) disagreements += c.agrees() ? 0 : 1;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Plan", r.plan()},
      {"Annex 4 indicators", absl::StrCat(r.annex4_indicator_count())},
      {"Annex 5 indicators", absl::StrCat(r.annex5_indicator_count())},
      {"Measure-text indicators", absl::StrCat(r.measure_text_indicator_count())}};
  for (auto& field : extra) fields.push_back(std::move(field));
  fields.push_back({"Issues", absl::StrCat(r.issues_size())});
  fields.push_back(
      {"Cross-checks", absl::StrCat(r.cross_checks_size(), " (", disagreements, " disagree)")});
  PrintFields(out, fields, 0, false);
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
}

absl::Status IndicatorSync(const IndicatorContext& ctx, const std::string& plan,
                           std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  iv1::SyncPlanRequest request;
  request.set_plan(p);
  iv1::SyncPlanResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.indicator, &IStub::SyncPlan, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintExtractionReport(
      ctx, response.report(),
      {{"Changed by this sync", absl::StrCat(response.changed_indicator_count())}}, out);
  return absl::OkStatus();
}

absl::Status IndicatorExtraction(const IndicatorContext& ctx, const std::string& plan,
                                 std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  iv1::GetExtractionReportRequest request;
  request.set_plan(p);
  iv1::GetExtractionReportResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.indicator, &IStub::GetExtractionReport, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintExtractionReport(ctx, response.report(), {}, out);
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
    Table cards(
        {"ORGANIZATION", "SCORE", "LED", "RESPONSIBLE", "OVERDUE", "SUPERVISION", "COMPONENTS"});
    if (!ctx.output.wide) {
      cards.SetMaxWidth(5, 50);
      cards.SetMaxWidth(6, 90);
    }
    for (const iv1::Scorecard& c : response.scorecards()) {
      std::vector<std::string> parts;
      for (const iv1::ScoreComponent& s : c.components()) {
        parts.push_back(absl::StrCat(s.name(), " ", absl::StrFormat("%.1f", s.points()),
                                     s.detail().empty() ? "" : " (", s.detail(),
                                     s.detail().empty() ? "" : ")"));
      }
      cards.AddRow({c.organization(), absl::StrFormat("%.1f", c.score()),
                    absl::StrCat(c.measures_led()), absl::StrCat(c.measures_responsible()),
                    absl::StrCat(c.overdue_measures()), SupervisionText(c),
                    absl::StrJoin(parts, "; ")});
    }
    cards.Print(out);
  }
  if (!response.measure_lights().empty()) {
    out << "\nMeasure lights\n";
    Table lights({"MEASURE", "COLOUR", "DUE", "CHECKPOINTS", "SUPERVISION", "REASONS"});
    if (!ctx.output.wide) {
      lights.SetMaxWidth(3, 60);
      lights.SetMaxWidth(4, 50);
      lights.SetMaxWidth(5, 80);
    }
    for (const iv1::MeasureLight& l : response.measure_lights()) {
      lights.AddRow({Short(l.measure()),
                     EnumWord(iv1::MeasureColour_Name(l.colour()), "MEASURE_COLOUR_"),
                     FormatDate(l.due_date()), CheckpointsText(l), SupervisionText(l),
                     absl::StrJoin(l.reasons(), "; ")});
    }
    lights.Print(out);
  }
  if (!response.reports_source().empty()) out << "\nReports: " << response.reports_source() << "\n";
  return absl::OkStatus();
}

// The command line.

void indicator_internal::AddEvaluationCommands(CommandGroup& group) {
  group.commands.push_back(
      {"sync",
       "[--plan PLAN]",
       "rebuild the plan's indicators from the registry (SyncPlan)",
       0,
       0,
       {kPlan},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return IndicatorSync(ctx, a.Value("plan"), out);
       })});
  group.commands.push_back(
      {"extraction",
       "[--plan PLAN]",
       "show how the plan's targets were read at the last sync: counts, what was not taken and "
       "why, cross-checks with annex 4 (GetExtractionReport; any reader)",
       0,
       0,
       {kPlan},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return IndicatorExtraction(ctx, a.Value("plan"), out);
       })});
  group.commands.push_back(
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
  group.commands.push_back(
      {"show",
       "ID [--plan PLAN]",
       "show one indicator (a4-pm25 or plans/…/indicators/…)",
       1,
       1,
       {kPlan},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return IndicatorShow(ctx, a.Value("plan"), a.args()[0], out);
       })});
  group.commands.push_back(
      {"evaluate",
       "ID [--as-of DAY] [--plan PLAN]",
       "evaluate one indicator: value, status, projection, what the rest of the period must do",
       1,
       1,
       {kPlan, kAsOf},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return IndicatorEvaluate(ctx, a.Value("plan"), a.args()[0], a.Value("as-of"), out);
       })});
  group.commands.push_back(
      {"plan",
       "[--as-of DAY] [--plan PLAN]",
       "evaluate the whole plan: indicators, town ranking, department scorecards, measure lights "
       "with their checkpoints",
       0,
       0,
       {kPlan, kAsOf},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return IndicatorPlan(ctx, a.Value("plan"), a.Value("as-of"), out);
       })});
  group.commands.push_back(
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
}

}  // namespace ecoplan::ctl
