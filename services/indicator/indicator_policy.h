#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "common/auth/authorization.h"

namespace ecoplan::indicator {

// Who may call each IndicatorService RPC (docs/SECURITY.md's indicator table
// is rendered from this; indicator_policy_test keeps them equal):
// indicators, stations, daily air quality and evaluations are read by every
// role (a reporter's evaluations narrowed to its organization by the
// handler); evaluations are recorded (RecordEvaluation: statuses, alerts) by
// administrators and services; administrators sync plans, create, correct and retire indicators and
// configure stations; observations are ingested by administrators and by
// services (the progress service forwarding reported values); event streams
// are for administrators, viewers (the command center) and services.
const common::PolicyTable& IndicatorPolicy();

// "/ecoplan.indicator.v1.IndicatorService/<method>".
std::string IndicatorMethod(absl::string_view method);

// Who may call each AssessmentService RPC (docs/SECURITY.md's assessment
// table): rules, months and contests are read by every role (a reporter's
// narrowed to its organization by the handler); administrators set the
// scoring rules, close months and decide contests; a reporter contests items
// of its own organization (checked by the handler), an administrator on any
// organization's behalf.
const common::PolicyTable& AssessmentPolicy();

// "/ecoplan.indicator.v1.AssessmentService/<method>".
std::string AssessmentMethod(absl::string_view method);

// Who may call each DocumentService RPC (docs/SECURITY.md's document table):
// charts and documents are reads for every role; the handlers narrow a
// reporter to public data (RenderChart: air-quality indicators, the
// 优良天数比率 and the town ranking; PERMISSION_DENIED otherwise) and to a
// ledger of its own organization (RenderDocument).
const common::PolicyTable& DocumentPolicy();

// "/ecoplan.indicator.v1.DocumentService/<method>".
std::string DocumentMethod(absl::string_view method);

}  // namespace ecoplan::indicator
