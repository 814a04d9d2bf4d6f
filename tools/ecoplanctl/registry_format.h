#pragma once

// How the registry commands print plans, tasks, measures and organizations
// as text (--output table); JSON goes through PrintJson (output.h).

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tools/ecoplanctl/registry_commands.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl::registry_internal {

inline constexpr int kTextWidth = 48;  // measure texts and titles in tables, without --wide
inline constexpr int kOrgsWidth = 24;  // organization lists in tables, without --wide

// Written names, joined with 、.
std::string OrgNames(const google::protobuf::RepeatedPtrField<ecoplan::registry::v1::OrgRef>& refs);
// An organization reference in full: what the written name stands for.
std::string OrgRefDetail(const ecoplan::registry::v1::OrgRef& ref);
std::string OrgRefsDetail(
    const google::protobuf::RepeatedPtrField<ecoplan::registry::v1::OrgRef>& refs);
// "lines 100-102" of the plan document.
std::string Lines(const ecoplan::common::v1::SourceSpan& span);
std::string SectionOf(absl::string_view section, absl::string_view subsection);
std::string OriginWord(ecoplan::registry::v1::TaskOrigin origin);
std::string KindWord(ecoplan::registry::v1::OrganizationKind kind);
std::string GroupKindWord(ecoplan::registry::v1::OrgGroupKind kind);
std::string Indent(absl::string_view text, int spaces);

// The measures table (long texts cut unless --wide) and one row of it.
Table MeasureTable(const RegistryContext& ctx);
void AddMeasureRow(Table& table, const ecoplan::registry::v1::Measure& m);

// "按季度: 2026-06-30, 2026-09-30, 2026-12-31"; "5月底前: 2026-05-31"; "两轮次: 2 rounds by …".
std::string FormatCheckpoint(const ecoplan::registry::v1::Checkpoint& c);
std::string FormatCheckpoints(const ecoplan::registry::v1::Measure& m);

// A measure in full, every field on its own line; `context` adds the task's
// title, annex and section.
void PrintMeasure(const ecoplan::registry::v1::Measure& m, std::ostream& out, int indent,
                  bool context = false);
void PrintTask(const ecoplan::registry::v1::Task& task, std::ostream& out);
void PrintPlanMetadata(const ecoplan::registry::v1::Plan& plan, std::ostream& out);
void PrintSummary(const ecoplan::registry::v1::PlanSummary& s, std::ostream& out);
void PrintWarnings(const ecoplan::registry::v1::Plan& plan, std::ostream& out);
void PrintAnnexes(const ecoplan::registry::v1::Plan& plan, std::ostream& out);

// Prints a merged ListMeasuresResponse (a table, or JSON).
absl::Status PrintMeasures(const RegistryContext& ctx,
                           const ecoplan::registry::v1::ListMeasuresResponse& response,
                           std::ostream& out);

}  // namespace ecoplan::ctl::registry_internal
