#include "services/progress/progress_policy.h"

#include "absl/strings/str_cat.h"

namespace ecoplan::progress {

const common::PolicyTable& ProgressPolicy() {
  using common::Role;
  static const common::PolicyTable* const kPolicy = [] {
    // Services are let in by subject (AllowServices below), never by role.
    const std::set<Role> everyone = {Role::kAdministrator, Role::kReporter, Role::kViewer,
                                     Role::kSupervisor};
    // The 督查室 (supervisor) follows the plan: it reads what the bureau reads.
    const std::set<Role> readers = {Role::kAdministrator, Role::kViewer, Role::kSupervisor};
    const std::set<Role> issuers = {Role::kAdministrator, Role::kSupervisor};
    const std::set<Role> reporter = {Role::kReporter};
    auto* t = new common::PolicyTable;
    t->service = "ecoplan.progress.v1.ProgressService";
    t->Allow("SubmitReport", {Role::kAdministrator, Role::kReporter}, reporter,
             "a reporter for its own organization; the bureau for any");
    for (const char* method : {"GetReport", "ListReports", "ListReportRevisions"}) {
      t->Allow(method, everyone, reporter,
               "reports and drafts are read by their own organization, the bureau, the command "
               "center and services");
    }
    t->Allow("PrefillReport", {Role::kAdministrator}, {},
             "the bureau's integration pushes figures another system holds (一数一源) into "
             "drafts; its subject is recorded");
    t->Allow("AcceptReport", {Role::kAdministrator}, {}, "the bureau reviews");
    t->Allow("ReturnReport", {Role::kAdministrator}, {}, "the bureau reviews");
    t->Allow("GetSubmissionStatus", readers, {}, "the bureau's list of who has not reported");
    t->Allow("GetMeasureProgress", everyone, {},
             "a reporter sees only its own organization's entries");
    t->Allow("ListMeasureHistory", everyone, reporter,
             "a reporter: its own organization's entries");
    t->Allow("RequestExtension", {Role::kAdministrator, Role::kReporter}, reporter,
             "the lead organization asks (延期申请)");
    t->Allow("DecideExtension", {Role::kAdministrator}, {}, "the bureau decides");
    t->Allow("DeclareCompletion", {Role::kAdministrator, Role::kReporter}, reporter,
             "an owning organization declares (办结)");
    t->Allow("ConfirmCompletion", {Role::kAdministrator}, {}, "the bureau signs off");
    t->Allow("RejectCompletion", {Role::kAdministrator}, {}, "the bureau sends it back");
    for (const char* method :
         {"ListExtensions", "ListCompletions", "GetReportingCalendar", "GetHolidays"}) {
      t->Allow(method, everyone, {}, "deadlines and the calendar are public within the government");
    }
    t->Allow("UpdateReportingCalendar", {Role::kAdministrator}, {}, "the bureau sets the calendar");
    t->Allow("LoadHolidays", {Role::kAdministrator}, {},
             "the bureau loads 法定节假日 and 调休 each year");
    t->Allow("WatchEvents", readers, {}, "change feed for services and monitoring");
    t->Allow("IssueSupervisionOrder", issuers, {}, "the 督查室 or the bureau issues 督办单");
    for (const char* method :
         {"VerifySupervisionReply", "RaiseSupervisionLevel", "CloseSupervisionOrder"}) {
      t->Allow(method, issuers, {}, "the issuing side verifies, raises and closes (销号)");
    }
    t->Allow("ReplySupervisionOrder", {Role::kAdministrator, Role::kReporter}, reporter,
             "an addressed organization replies (回复); the bureau for any");
    t->Allow("AcknowledgeSupervisionOrder",
             {Role::kAdministrator, Role::kViewer, Role::kSupervisor}, {},
             "the command center (viewer), the 督查室 or the bureau acknowledges (签收)");
    for (const char* method : {"GetSupervisionOrder", "ListSupervisionOrders"}) {
      t->Allow(method, everyone, {},
               "a reporter: only orders addressed to its organization, only its own replies");
    }
    for (const char* method : {"CreateProblemItem", "ImportProblemItems"}) {
      t->Allow(method, issuers, {},
               "the 督查室 or the bureau keeps the problem ledgers (问题清单)");
    }
    for (const char* method : {"GetProblemItem", "ListProblemItems", "SummarizeProblemItems"}) {
      t->Allow(method, everyone, {}, "a reporter: only its own organization's problem items");
    }
    t->Allow("TransitionProblemItem", {Role::kAdministrator, Role::kReporter, Role::kSupervisor},
             {},
             "the owner starts and claims rectification; the 督查室 or the bureau verifies, "
             "closes (销号) and reopens");
    // The followers: the indicator and notification services follow the
    // change feed and the holidays (deadlines); the indicator service also
    // reads the calendar and what its documents (月报) show.
    for (const char* method : {"WatchEvents", "GetHolidays"}) {
      t->AllowServices(method, {"indicator", "notification"});
    }
    for (const char* method :
         {"GetReportingCalendar", "GetSubmissionStatus", "ListReports", "ListExtensions",
          "ListCompletions", "ListSupervisionOrders", "ListProblemItems"}) {
      t->AllowServices(method, {"indicator"});
    }
    return t;
  }();
  return *kPolicy;
}

std::string ProgressMethod(absl::string_view method) {
  return absl::StrCat("/", ProgressPolicy().service, "/", method);
}

}  // namespace ecoplan::progress
