#pragma once

// What the assessment command files of ecoplanctl share, and only they: the
// AssessmentService stub, request ids, naming months, the words and the table
// of contests, and the flags of more than one group. The commands are declared
// in assessment_commands.h, and each concept has its file:
// assessment_{month,contest,scoring}_commands.cc. Calls, plans and binding a
// command to the command line are indicator_common.h's.

#include <optional>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ecoplan/indicator/v1/assessment_service.grpc.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/indicator_commands.h"

namespace ecoplan::ctl::assessment_internal {

using AStub = ::ecoplan::indicator::v1::AssessmentService::StubInterface;

// The assessment stub, or FailedPrecondition when the context has none (a bug of the caller).
absl::StatusOr<AStub*> Stub(const IndicatorContext& ctx);

// `given`, or a new id, printed to ctx.notes so that a failed call can be retried.
std::string RequestId(const IndicatorContext& ctx, const std::string& given);

// "YYYY-MM". Errors: a usage error.
absl::Status CheckMonth(const std::string& text);

// plans/…/months/YYYY-MM as given, or the plan's month YYYY-MM.
absl::StatusOr<std::string> MonthName(const IndicatorContext& ctx, const std::string& plan,
                                      const std::string& month);

// "ACCEPTED" from CONTEST_STATE_ACCEPTED, lower-cased: "accepted".
std::string Word(const std::string& enum_name, absl::string_view prefix);
std::string StateWord(ecoplan::indicator::v1::ContestState state);

// "+2", "-1.5", "0".
std::string Points(double value);

// "2026-07-01T02:00:00Z by admin".
std::string When(const google::protobuf::Timestamp& time, const std::string& who);

void PrintContestsTable(
    const google::protobuf::RepeatedPtrField<ecoplan::indicator::v1::Contest>& contests, bool wide,
    std::ostream& out);

// The command line.

inline const FlagSpec kMonth = {"month", "YYYY-MM", "the month, e.g. 2026-06"};
inline const FlagSpec kReason = {"reason", "TEXT", "why (kept with the change); required"};
inline const FlagSpec kRequestId = {"request-id", "ID",
                                    "idempotency key; default: generated and printed on stderr"};

// --NAME as a number, if given. Errors: a usage error.
absl::StatusOr<std::optional<double>> OptionalNumber(const ParsedArgs& args,
                                                     absl::string_view flag);

// The assessment command groups, gathered in this order by AssessmentCommandGroups().
CommandGroup MonthGroup();    // assessment_month_commands.cc
CommandGroup ContestGroup();  // assessment_contest_commands.cc
CommandGroup ScoringGroup();  // assessment_scoring_commands.cc

}  // namespace ecoplan::ctl::assessment_internal
