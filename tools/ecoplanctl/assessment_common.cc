// What the assessment command files share; see assessment_common.h.

#include "tools/ecoplanctl/assessment_common.h"

#include <algorithm>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/indicator_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl::assessment_internal {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

using indicator_internal::Number;
using indicator_internal::ResolvePlan;
using indicator_internal::Short;

std::string NewRequestId() {
  std::random_device device;
  return absl::StrFormat("ctl-%016x", (static_cast<uint64_t>(device()) << 32) | device());
}

}  // namespace

// The assessment stub, or FailedPrecondition when the context has none (a bug of the caller).
absl::StatusOr<AStub*> Stub(const IndicatorContext& ctx) {
  if (ctx.assessment == nullptr) {
    return absl::FailedPreconditionError("no connection to the assessment service");
  }
  return ctx.assessment;
}

// `given`, or a new id, printed to ctx.notes so that a failed call can be retried.
std::string RequestId(const IndicatorContext& ctx, const std::string& given) {
  if (!given.empty()) return given;
  std::string id = NewRequestId();
  if (ctx.notes != nullptr) *ctx.notes << "request id: " << id << " (retry with --request-id)\n";
  return id;
}

// "YYYY-MM". Errors: a usage error.
absl::Status CheckMonth(const std::string& text) {
  absl::CivilMonth month;
  if (text.size() != 7 || !absl::ParseCivilTime(text, &month)) {
    return UsageError(absl::StrCat("\"", text, "\" is not a month (YYYY-MM, e.g. 2026-06)"));
  }
  return absl::OkStatus();
}

// plans/…/months/YYYY-MM as given, or the plan's month YYYY-MM.
absl::StatusOr<std::string> MonthName(const IndicatorContext& ctx, const std::string& plan,
                                      const std::string& month) {
  if (absl::StartsWith(month, "plans/")) {
    if (!absl::StrContains(month, "/months/")) {
      return UsageError(absl::StrCat("\"", month, "\" is not a month (plans/…/months/YYYY-MM)"));
    }
    return month;
  }
  ECOPLAN_RETURN_IF_ERROR(CheckMonth(month));
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  return absl::StrCat(p, "/months/", month);
}

// "ACCEPTED" from CONTEST_STATE_ACCEPTED, lower-cased: "accepted".
std::string Word(const std::string& enum_name, absl::string_view prefix) {
  std::string word = absl::AsciiStrToLower(absl::StripPrefix(enum_name, prefix));
  std::replace(word.begin(), word.end(), '_', ' ');
  return word;
}

std::string StateWord(iv1::ContestState state) {
  if (state == iv1::CONTEST_STATE_UNSPECIFIED) return "-";
  return Word(iv1::ContestState_Name(state), "CONTEST_STATE_");
}

// "+2", "-1.5", "0".
std::string Points(double value) {
  if (value == 0) return "0";
  return absl::StrCat(value > 0 ? "+" : "", Number(value));
}

// "2026-07-01T02:00:00Z by admin".
std::string When(const google::protobuf::Timestamp& time, const std::string& who) {
  std::string text = FormatTimestamp(time);
  if (!who.empty()) absl::StrAppend(&text, text.empty() ? "" : " ", "by ", who);
  return text;
}

void PrintContestsTable(const google::protobuf::RepeatedPtrField<iv1::Contest>& contests, bool wide,
                        std::ostream& out) {
  Table table({"#", "MONTH", "ORGANIZATION", "ITEM", "STATE", "POINTS", "RECORDED IN", "REASON",
               "COMMENT"});
  if (!wide) {
    table.SetMaxWidth(7, 40);
    table.SetMaxWidth(8, 40);
  }
  for (const iv1::Contest& c : contests) {
    table.AddRow({Short(c.name()), c.month(), c.organization(), c.item(), StateWord(c.state()),
                  c.state() == iv1::CONTEST_STATE_ACCEPTED ? Points(c.points()) : "",
                  c.recorded_in_month(), c.reason(), c.comment()});
  }
  table.Print(out);
}

// The command line.

// --NAME as a number, if given. Errors: a usage error.
absl::StatusOr<std::optional<double>> OptionalNumber(const ParsedArgs& args,
                                                     absl::string_view flag) {
  std::optional<std::string> text = args.Optional(flag);
  if (!text.has_value()) return std::optional<double>();
  double value = 0;
  if (!absl::SimpleAtod(*text, &value)) {
    return UsageError(absl::StrCat("--", flag, " needs a number, not \"", *text, "\""));
  }
  return std::optional<double>(value);
}

}  // namespace ecoplan::ctl::assessment_internal
