// What the indicator command files share; see indicator_common.h.

#include "tools/ecoplanctl/indicator_common.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/mapping/proto_values.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/channel.h"
#include "tools/ecoplanctl/output.h"

namespace ecoplan::ctl::indicator_internal {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace rv1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;

using IStub = iv1::IndicatorService::StubInterface;
using RStub = rv1::RegistryService::StubInterface;

}  // namespace

bool Json(const IndicatorContext& ctx) { return ctx.output.format == OutputFormat::kJson; }

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

cv1::Date ToDate(absl::CivilDay day) { return common::DateToProto(day); }

std::string Short(absl::string_view name) { return common::LastSegment(name); }

std::string Number(double value) { return absl::StrCat(value); }

std::string CheckpointsText(const ecoplan::indicator::v1::MeasureLight& light) {
  namespace iv1 = ::ecoplan::indicator::v1;
  std::vector<std::string> parts;
  for (const iv1::MeasureCheckpoint& c : light.checkpoints()) {
    std::string state;
    switch (c.state()) {
      case iv1::MEASURE_CHECKPOINT_STATE_UPCOMING:
        state = "upcoming";
        break;
      case iv1::MEASURE_CHECKPOINT_STATE_MET:
        state = "met";
        break;
      case iv1::MEASURE_CHECKPOINT_STATE_MET_LATE:
        state = "met late";
        break;
      case iv1::MEASURE_CHECKPOINT_STATE_MISSED:
        state = "missed";
        break;
      default:
        state = "-";
    }
    std::string part = absl::StrCat(c.phrase(), " ", FormatDate(c.due_date()), " ", state);
    if (!c.organization().empty()) {
      absl::StrAppend(&part, " (", c.organization(), ", ", FormatDate(c.stated_date()), ")");
    }
    parts.push_back(std::move(part));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

std::string SupervisionText(const ecoplan::indicator::v1::MeasureLight& light) {
  namespace iv1 = ::ecoplan::indicator::v1;
  std::vector<std::string> parts;
  for (const iv1::MeasureSupervisionOrder& o : light.supervision_orders()) {
    std::string part = absl::StrCat("督办 ", Short(o.order()), " ", o.level(), " due ",
                                    FormatDate(o.reply_due_date()));
    if (!o.overdue_organizations().empty()) {
      absl::StrAppend(&part, ", overdue ", absl::StrJoin(o.overdue_organizations(), ", "));
    }
    parts.push_back(std::move(part));
  }
  if (light.has_problems()) {
    const iv1::MeasureProblemLedger& p = light.problems();
    parts.push_back(absl::StrCat("清单 ", p.unresolved(), "/", p.total(), " unresolved, ",
                                 p.overdue(), " overdue",
                                 p.clear_all_required() ? " (动态清零)" : ""));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

std::string SupervisionText(const ecoplan::indicator::v1::Scorecard& card) {
  std::vector<std::string> parts;
  const auto& s = card.supervision();
  if (s.orders() > 0) {
    parts.push_back(absl::StrCat("督办 ", s.orders(), " (", s.open(), " open), replies ",
                                 s.replies_on_time(), "/", s.replies_due(), " on time, ",
                                 s.replies_late(), " late, ", s.replies_overdue(), " overdue"));
  }
  const auto& p = card.problems();
  if (p.total() > 0) {
    parts.push_back(absl::StrCat("清单 ", p.total(), " (", p.unresolved(), " unresolved, ",
                                 p.overdue(), " overdue, ", p.reopened(), " reopened)"));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

std::function<absl::Status(const CommandEnv&, const ParsedArgs&)> WithContext(
    std::function<absl::Status(const IndicatorContext&, const ParsedArgs&, std::ostream&)> runner) {
  return [runner](const CommandEnv& env, const ParsedArgs& args) -> absl::Status {
    // One channel for both services of the indicator server.
    std::shared_ptr<grpc::Channel> channel =
        MakeChannel(env.options.indicator_address, env.options.connection);
    auto indicator = iv1::IndicatorService::NewStub(channel);
    auto assessment = iv1::AssessmentService::NewStub(channel);
    auto document = iv1::DocumentService::NewStub(channel);
    auto registry = rv1::RegistryService::NewStub(
        MakeChannel(env.options.registry_address, env.options.connection));
    IndicatorContext ctx;
    ctx.indicator = indicator.get();
    ctx.assessment = assessment.get();
    ctx.document = document.get();
    ctx.registry = registry.get();
    ctx.call = PolicyOf(env);
    ctx.output = env.options.output;
    ctx.notes = env.err;
    return runner(ctx, args, *env.out);
  };
}

}  // namespace ecoplan::ctl::indicator_internal
