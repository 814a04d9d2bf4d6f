#include "services/indicator/indicator_policy.h"

#include <set>

#include "absl/strings/str_cat.h"

namespace ecoplan::indicator {

const common::PolicyTable& IndicatorPolicy() {
  using common::Role;
  static const common::PolicyTable* const kPolicy = [] {
    // Services are let in by subject (AllowServices below), never by role.
    const std::set<Role> everyone = {Role::kAdministrator, Role::kReporter, Role::kViewer};
    const std::string read = "targets, data and evaluations are public within the government";
    const std::string own =
        "a read; a reporter sees only its own organization's lights, scores and reported values";
    auto* t = new common::PolicyTable;
    t->service = "ecoplan.indicator.v1.IndicatorService";
    t->Allow("SyncPlan", {Role::kAdministrator}, {}, "the bureau rebuilds a plan's indicators");
    for (const char* method : {"CreateIndicator", "UpdateIndicator", "RetireIndicator"}) {
      t->Allow(method, {Role::kAdministrator}, {}, "the bureau corrects targets (audit trail)");
    }
    t->Allow("UpsertStation", {Role::kAdministrator}, {},
             "the bureau configures monitoring stations");
    t->Allow("IngestObservations", {Role::kAdministrator}, {},
             "bulk loads by the bureau (no service ingests)");
    for (const char* method : {"GetExtractionReport", "GetIndicator", "ListIndicators",
                               "ListIndicatorRevisions", "ListStations", "GetDailyAirQuality"}) {
      t->Allow(method, everyone, {}, read);
    }
    for (const char* method : {"EvaluateIndicator", "EvaluatePlan"}) {
      t->Allow(method, everyone, {}, own);
    }
    t->Allow("RecordEvaluation", {Role::kAdministrator}, {},
             "records status changes and raises alerts (the bureau; the scheduled job runs "
             "inside the service)");
    for (const char* method : {"CreateExceptionalEvent", "WithdrawExceptionalEvent"}) {
      t->Allow(method, {Role::kAdministrator}, {},
               "the bureau marks days affected by exceptional events (例外事件, audit trail)");
    }
    t->Allow("ListExceptionalEvents", everyone, {}, read);
    t->Allow("WatchEvents", {Role::kAdministrator, Role::kViewer}, {},
             "change feed for services and monitoring");
    // The followers: progress and notification follow the change feed; the
    // notification service reads an indicator's name for its messages.
    t->AllowServices("WatchEvents", {"progress", "notification"});
    t->AllowServices("GetIndicator", {"notification"});
    return t;
  }();
  return *kPolicy;
}

std::string IndicatorMethod(absl::string_view method) {
  return absl::StrCat("/", IndicatorPolicy().service, "/", method);
}

const common::PolicyTable& AssessmentPolicy() {
  using common::Role;
  static const common::PolicyTable* const kPolicy = [] {
    const std::set<Role> everyone = {Role::kAdministrator, Role::kReporter, Role::kViewer};
    auto* t = new common::PolicyTable;
    t->service = "ecoplan.indicator.v1.AssessmentService";
    for (const char* method : {"GetScoringRules", "ListClosedMonths"}) {
      t->Allow(method, everyone, {}, "the rules and the closing calendar are public");
    }
    for (const char* method : {"GetMonthlyAssessment", "ListContests"}) {
      t->Allow(method, everyone, {},
               "a read; a reporter sees only its own organization's lights, scores, adjustments "
               "and contests");
    }
    t->Allow("UpdateScoringRules", {Role::kAdministrator}, {},
             "the bureau sets the rules of 综合考评 (audit trail)");
    t->Allow("CloseMonth", {Role::kAdministrator}, {}, "the bureau closes a month (月度结账)");
    t->Allow("ContestItem", {Role::kAdministrator, Role::kReporter}, {},
             "a reporter contests (申诉) items of its own organization only (checked by the "
             "handler); the bureau on any organization's behalf");
    t->Allow("DecideContest", {Role::kAdministrator}, {}, "the bureau accepts or rejects");
    return t;
  }();
  return *kPolicy;
}

std::string AssessmentMethod(absl::string_view method) {
  return absl::StrCat("/", AssessmentPolicy().service, "/", method);
}

const common::PolicyTable& DocumentPolicy() {
  using common::Role;
  static const common::PolicyTable* const kPolicy = [] {
    auto* t = new common::PolicyTable;
    t->service = "ecoplan.indicator.v1.DocumentService";
    t->Allow("RenderChart", {Role::kAdministrator, Role::kReporter, Role::kViewer}, {},
             "a read; a reporter only charts of public data: air-quality indicators, the "
             "优良天数比率, the town ranking (checked by the handler)");
    t->Allow("RenderDocument", {Role::kAdministrator, Role::kReporter, Role::kViewer}, {},
             "a read; a reporter only a ledger (台账) of its own organization (checked by the "
             "handler)");
    return t;
  }();
  return *kPolicy;
}

std::string DocumentMethod(absl::string_view method) {
  return absl::StrCat("/", DocumentPolicy().service, "/", method);
}

}  // namespace ecoplan::indicator
