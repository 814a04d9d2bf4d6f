#include "services/progress/domain/problem.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status/status_macros.h"
#include "services/progress/domain/progress_recorder.h"

namespace ecoplan::progress {
namespace {

bool IsBureau(const Caller& caller) {
  return caller.role == Caller::Role::kAdministrator || caller.role == Caller::Role::kSupervisor;
}

// One row of the transition table.
struct Rule {
  ProblemTransition transition;
  std::vector<ProblemState> from;
  ProblemState to;
  bool owner;  // the owner's step; else the bureau's or the 督查室's
};

const std::vector<Rule>& Table() {
  static const std::vector<Rule>* const kTable = new std::vector<Rule>{
      {ProblemTransition::kStartRectification,
       {ProblemState::kOpen},
       ProblemState::kRectifying,
       true},
      {ProblemTransition::kClaimRectified,
       {ProblemState::kOpen, ProblemState::kRectifying},
       ProblemState::kRectificationClaimed,
       true},
      {ProblemTransition::kVerify,
       {ProblemState::kRectificationClaimed},
       ProblemState::kVerified,
       false},
      {ProblemTransition::kClose, {ProblemState::kVerified}, ProblemState::kClosed, false},
      {ProblemTransition::kReopen,
       {ProblemState::kRectificationClaimed, ProblemState::kVerified, ProblemState::kClosed},
       ProblemState::kRectifying,
       false},
  };
  return *kTable;
}

const Rule* FindRule(ProblemTransition t) {
  for (const Rule& r : Table()) {
    if (r.transition == t) return &r;
  }
  return nullptr;
}

// The steps allowed from `state`, for the message of a refused step.
std::string AllowedFrom(ProblemState state) {
  std::vector<std::string> names;
  for (const Rule& r : Table()) {
    if (std::find(r.from.begin(), r.from.end(), state) != r.from.end()) {
      names.emplace_back(ProblemTransitionName(r.transition));
    }
  }
  return names.empty() ? "none" : absl::StrJoin(names, ", ");
}

}  // namespace

absl::string_view ProblemStateName(ProblemState state) {
  switch (state) {
    case ProblemState::kOpen:
      return "OPEN";
    case ProblemState::kRectifying:
      return "RECTIFYING";
    case ProblemState::kRectificationClaimed:
      return "RECTIFICATION_CLAIMED";
    case ProblemState::kVerified:
      return "VERIFIED";
    case ProblemState::kClosed:
      return "CLOSED";
    case ProblemState::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

absl::string_view ProblemTransitionName(ProblemTransition transition) {
  switch (transition) {
    case ProblemTransition::kStartRectification:
      return "START_RECTIFICATION";
    case ProblemTransition::kClaimRectified:
      return "CLAIM_RECTIFIED";
    case ProblemTransition::kVerify:
      return "VERIFY";
    case ProblemTransition::kClose:
      return "CLOSE";
    case ProblemTransition::kReopen:
      return "REOPEN";
    case ProblemTransition::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

bool IsOverdue(const ProblemItem& item, absl::Time now, absl::TimeZone zone) {
  if (item.state != ProblemState::kOpen && item.state != ProblemState::kRectifying) return false;
  return now >= absl::FromCivil(absl::CivilSecond(item.due_day + 1), zone);
}

absl::Status CheckDraftFields(const ProblemDraft& d, absl::string_view prefix) {
  auto field = [&prefix](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (d.measure_id.empty()) return absl::InvalidArgumentError(field("measure") + " is required");
  ECOPLAN_RETURN_IF_ERROR(CheckText(d.code, field("code"), kMaxProblemCodeLength, true));
  ECOPLAN_RETURN_IF_ERROR(CheckText(d.title, field("title"), kMaxProblemTitleLength, true));
  ECOPLAN_RETURN_IF_ERROR(
      CheckText(d.description, field("description"), kMaxProblemDescriptionLength, false));
  ECOPLAN_RETURN_IF_ERROR(
      CheckText(d.location, field("location"), kMaxProblemLocationLength, false));
  ECOPLAN_RETURN_IF_ERROR(CheckText(d.source, field("source"), kMaxProblemSourceLength, false));
  if (static_cast<int>(d.category) < 0 ||
      static_cast<int>(d.category) > static_cast<int>(ProblemCategory::kOther)) {
    return absl::InvalidArgumentError(field("category") + " is not a known category");
  }
  if (d.org_id.empty()) return absl::InvalidArgumentError(field("organization") + " is required");
  if (d.due_day == absl::CivilDay() || d.due_day.year() < 2000 || d.due_day.year() > 2100) {
    return absl::InvalidArgumentError(field("rectification_due_date") +
                                      " is required (a day of 2000..2100)");
  }
  return absl::OkStatus();
}

absl::Status CheckDraftInPlan(const ProblemDraft& d, const PlanInfo& plan,
                              absl::string_view prefix) {
  const MeasureInfo* m = plan.FindMeasure(d.measure_id);
  if (m == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(prefix, "measure: plans/", plan.id, "/measures/", d.measure_id, " not found"));
  }
  if (plan.organizations.count(d.org_id) == 0) {
    return absl::NotFoundError(absl::StrCat(prefix, "organization: organizations/", d.org_id,
                                            " is not an organization of plan ", plan.id));
  }
  if (!m->Owns(d.org_id)) {
    return absl::PermissionDeniedError(
        absl::StrCat(prefix, "organization: ", plan.OrgName(d.org_id), " (organizations/", d.org_id,
                     ") neither leads nor is responsible for measure ", d.measure_id));
  }
  return absl::OkStatus();
}

ProblemItem NewProblemItem(const std::string& plan_id, const std::string& id, const ProblemDraft& d,
                           absl::Time now, const std::string& actor) {
  ProblemItem item;
  item.plan_id = plan_id;
  item.id = id;
  item.measure_id = d.measure_id;
  item.code = d.code;
  item.title = d.title;
  item.description = d.description;
  item.category =
      d.category == ProblemCategory::kUnspecified ? ProblemCategory::kOther : d.category;
  item.location = d.location;
  item.source = d.source;
  item.org_id = d.org_id;
  item.due_day = d.due_day;
  item.state = ProblemState::kOpen;
  ProblemStep created;
  created.state = ProblemState::kOpen;
  created.time = now;
  created.actor = actor;
  item.steps.push_back(std::move(created));
  item.create_time = now;
  item.update_time = now;
  item.version = 1;
  return item;
}

std::string NextProblemId(const std::vector<std::string>& existing_ids, int offset) {
  int last = 0;
  for (const std::string& id : existing_ids) {
    int n = 0;
    if (absl::SimpleAtoi(id, &n)) last = std::max(last, n);
  }
  return absl::StrFormat("%05d", last + 1 + offset);
}

absl::Status CheckStepRequest(const ProblemStepRequest& step) {
  if (FindRule(step.transition) == nullptr) {
    return absl::InvalidArgumentError(
        "transition is required: START_RECTIFICATION, CLAIM_RECTIFIED, VERIFY, CLOSE or REOPEN");
  }
  ECOPLAN_RETURN_IF_ERROR(CheckText(step.comment, "comment", kMaxCommentLength,
                                    step.transition == ProblemTransition::kReopen));
  if (step.evidence_links.size() > kMaxEvidenceLinks) {
    return absl::InvalidArgumentError(
        absl::StrCat("evidence_links: at most ", kMaxEvidenceLinks, " links"));
  }
  if (step.transition == ProblemTransition::kClaimRectified && step.evidence_links.empty()) {
    return absl::InvalidArgumentError(
        "evidence_links: at least one link to the evidence is required to claim rectification");
  }
  for (size_t i = 0; i < step.evidence_links.size(); ++i) {
    ECOPLAN_RETURN_IF_ERROR(
        CheckUrl(step.evidence_links[i], absl::StrCat("evidence_links[", i, "]")));
  }
  return absl::OkStatus();
}

absl::Status ApplyStep(ProblemItem& item, const ProblemStepRequest& step, const Caller& caller,
                       absl::Time now) {
  const Rule* rule = FindRule(step.transition);
  if (rule == nullptr) return CheckStepRequest(step);
  const absl::string_view name = ProblemTransitionName(step.transition);
  if (rule->owner) {
    const bool owner = IsBureau(caller) ||
                       (caller.role == Caller::Role::kReporter && caller.org_id == item.org_id);
    if (!owner) {
      return absl::PermissionDeniedError(
          absl::StrCat(name, " of problem ", item.id, " is for its owner organizations/",
                       item.org_id, " (or the bureau or the supervision office acting for it)"));
    }
  } else if (!IsBureau(caller)) {
    return absl::PermissionDeniedError(absl::StrCat(
        name, " of problem ", item.id, " is for the bureau or the supervision office"));
  }
  if (std::find(rule->from.begin(), rule->from.end(), item.state) == rule->from.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("problem ", item.id, " is ", ProblemStateName(item.state), ": ", name,
                     " is not allowed from it; allowed: ", AllowedFrom(item.state)));
  }
  if (item.steps.size() >= kMaxProblemSteps) {
    return absl::FailedPreconditionError(
        absl::StrCat("problem ", item.id, " has reached ", kMaxProblemSteps, " steps"));
  }
  ProblemStep s;
  s.transition = step.transition;
  s.state = rule->to;
  s.time = now;
  s.actor = caller.actor;
  s.comment = step.comment;
  s.evidence_links = step.evidence_links;
  item.steps.push_back(std::move(s));
  item.state = rule->to;
  if (step.transition == ProblemTransition::kReopen) ++item.reopen_count;
  item.update_time = now;
  return absl::OkStatus();
}

}  // namespace ecoplan::progress
