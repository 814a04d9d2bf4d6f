#include "services/progress/domain/supervision_desk.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status/status_macros.h"
#include "services/progress/domain/progress_recorder_internal.h"

namespace ecoplan::progress {

using internal::Fingerprinter;
using internal::PlanZone;

namespace {

// The method names of request records: stored, so they must not change.
constexpr absl::string_view kIssueMethod = "IssueSupervisionOrder";
constexpr absl::string_view kReplyMethod = "ReplySupervisionOrder";
constexpr absl::string_view kVerifyMethod = "VerifySupervisionReply";
constexpr absl::string_view kRaiseMethod = "RaiseSupervisionLevel";
constexpr absl::string_view kCloseMethod = "CloseSupervisionOrder";
constexpr absl::string_view kAcknowledgeMethod = "AcknowledgeSupervisionOrder";

// Serializer keys: a plan's orders (issuing assigns the next id) and one order.
std::string PlanOrdersKey(absl::string_view plan_id) { return absl::StrCat("so/", plan_id); }
std::string OrderKey(absl::string_view plan_id, absl::string_view order_id) {
  return absl::StrCat("so/", plan_id, "/", order_id);
}
// What a request record names as its resource.
std::string OrderResource(absl::string_view plan_id, absl::string_view order_id) {
  return absl::StrCat(plan_id, "/", order_id);
}

absl::string_view ReplyStateName(SupervisionReplyState s) {
  switch (s) {
    case SupervisionReplyState::kAwaitingReply:
      return "AWAITING_REPLY";
    case SupervisionReplyState::kReplied:
      return "REPLIED";
    case SupervisionReplyState::kReturned:
      return "RETURNED";
    case SupervisionReplyState::kAccepted:
      return "ACCEPTED";
    case SupervisionReplyState::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

absl::Status CheckLevel(SupervisionLevel level, absl::string_view field) {
  if (level == SupervisionLevel::kBlue || level == SupervisionLevel::kYellow ||
      level == SupervisionLevel::kRed) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(field, " is required: BLUE, YELLOW or RED"));
}

absl::Status CheckEvidence(const std::vector<std::string>& links) {
  if (links.size() > kMaxEvidenceLinks) {
    return absl::InvalidArgumentError(
        absl::StrCat("evidence_links: at most ", kMaxEvidenceLinks, " links"));
  }
  for (size_t i = 0; i < links.size(); ++i) {
    ECOPLAN_RETURN_IF_ERROR(CheckUrl(links[i], absl::StrCat("evidence_links[", i, "]")));
  }
  return absl::OkStatus();
}

absl::Status CheckIssue(const OrderIssue& issue) {
  ECOPLAN_RETURN_IF_ERROR(CheckText(issue.title, "title", kMaxOrderTitleLength, true));
  ECOPLAN_RETURN_IF_ERROR(CheckText(issue.description, "description", kMaxOrderTextLength, true));
  if (issue.source.kind == SupervisionSourceKind::kUnspecified ||
      static_cast<int>(issue.source.kind) > static_cast<int>(SupervisionSourceKind::kAdHoc)) {
    return absl::InvalidArgumentError(
        "source.kind is required: a 12345 ticket, a review meeting, an inspection finding, a "
        "lagging indicator or ad hoc");
  }
  ECOPLAN_RETURN_IF_ERROR(CheckText(issue.source.reference, "source.reference",
                                    kMaxSourceReferenceLength,
                                    issue.source.kind == SupervisionSourceKind::kHotlineTicket));
  ECOPLAN_RETURN_IF_ERROR(CheckLevel(issue.level, "level"));
  if (issue.measure_ids.empty() || issue.measure_ids.size() > kMaxOrderMeasures) {
    return absl::InvalidArgumentError(
        absl::StrCat("measures: 1..", kMaxOrderMeasures, " measures of the plan"));
  }
  if (std::set<std::string>(issue.measure_ids.begin(), issue.measure_ids.end()).size() !=
      issue.measure_ids.size()) {
    return absl::InvalidArgumentError("measures: a measure is named twice");
  }
  if (issue.org_ids.size() > kMaxOrderOrganizations) {
    return absl::InvalidArgumentError(
        absl::StrCat("organizations: at most ", kMaxOrderOrganizations));
  }
  if (std::set<std::string>(issue.org_ids.begin(), issue.org_ids.end()).size() !=
      issue.org_ids.size()) {
    return absl::InvalidArgumentError("organizations: an organization is named twice");
  }
  if (issue.due_day.has_value() && issue.due_time.has_value()) {
    return absl::InvalidArgumentError("give at most one of reply_due_date and reply_due_time");
  }
  return CheckText(issue.external_case_number, "external_case_number", kMaxCaseNumberLength, false);
}

// The addressees of `issue` on `plan` (its measures checked): the given
// organizations, each owning one of the measures, or the measures' leads.
absl::StatusOr<std::vector<std::string>> Addressees(const OrderIssue& issue, const PlanInfo& plan) {
  std::vector<const MeasureInfo*> measures;
  for (const std::string& id : issue.measure_ids) {
    const MeasureInfo* m = plan.FindMeasure(id);
    if (m == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("measure plans/", plan.id, "/measures/", id, " not found"));
    }
    measures.push_back(m);
  }
  std::vector<std::string> orgs = issue.org_ids;
  if (orgs.empty()) {
    for (const MeasureInfo* m : measures) {
      for (const std::string& lead : m->lead_org_ids) {
        if (std::find(orgs.begin(), orgs.end(), lead) == orgs.end()) orgs.push_back(lead);
      }
    }
    if (orgs.empty()) {
      return absl::InvalidArgumentError(
          "organizations: the measures have no lead organization; name the organizations");
    }
    if (orgs.size() > kMaxOrderOrganizations) orgs.resize(kMaxOrderOrganizations);
    return orgs;
  }
  for (const std::string& org : orgs) {
    if (plan.organizations.count(org) == 0) {
      return absl::NotFoundError(
          absl::StrCat("organizations/", org, " is not an organization of plan ", plan.id));
    }
    const bool owns = std::any_of(measures.begin(), measures.end(),
                                  [&org](const MeasureInfo* m) { return m->Owns(org); });
    if (!owns) {
      return absl::PermissionDeniedError(absl::StrCat(
          "organizations/", org,
          " neither leads nor is responsible for any measure of the order; address the "
          "organizations that own them"));
    }
  }
  return orgs;
}

// Checks the organization that asked for `issue`: one of `plan`'s view (the
// registry's organizations the plan names). Errors: NotFound.
absl::Status CheckRequester(const OrderIssue& issue, const PlanInfo& plan) {
  if (issue.requesting_org_id.empty() || plan.organizations.count(issue.requesting_org_id) > 0) {
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("requesting_organization: organizations/",
                                          issue.requesting_org_id,
                                          " is not an organization of plan ", plan.id));
}

// The reply deadline of a new order: the explicit day (end of it) or time,
// else the level's working days from now. Errors: InvalidArgument (in the past).
absl::StatusOr<ReplyDeadline> DeadlineOf(const OrderIssue& issue, absl::Time now,
                                         absl::TimeZone zone,
                                         const std::function<common::WorkingDays()>& working_days) {
  if (issue.due_day.has_value()) {
    if (*issue.due_day < absl::ToCivilDay(now, zone)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "reply_due_date: ", absl::FormatCivilTime(*issue.due_day), " is before today"));
    }
    return DeadlineOnDay(*issue.due_day, zone);
  }
  if (issue.due_time.has_value()) {
    if (*issue.due_time <= now) return absl::InvalidArgumentError("reply_due_time: not after now");
    return ReplyDeadline{absl::ToCivilDay(*issue.due_time - absl::Nanoseconds(1), zone),
                         *issue.due_time};
  }
  return DeadlineAfter(now, ReplyWorkingDays(issue.level), working_days(), zone);
}

// What a retry of IssueSupervisionOrder must repeat to be the same call.
std::string IssueFingerprint(const OrderIssue& issue) {
  Fingerprinter fp;
  fp.Add(issue.plan_id).Add(issue.title).Add(issue.description);
  fp.Add(static_cast<int>(issue.source.kind)).Add(issue.source.reference);
  fp.Add(static_cast<int>(issue.level));
  for (const std::string& m : issue.measure_ids) fp.Add(m);
  fp.Add("|");
  for (const std::string& o : issue.org_ids) fp.Add(o);
  fp.Add(issue.due_day ? absl::FormatCivilTime(*issue.due_day) : "");
  fp.Add(issue.due_time ? absl::FormatTime(*issue.due_time) : "");
  fp.Add(issue.external_case_number);
  // Only when set, so that the records of retries stored before the field
  // existed keep their fingerprints.
  if (!issue.requesting_org_id.empty()) fp.Add("requested by").Add(issue.requesting_org_id);
  return fp.Done();
}

// The order `issue` opens (its id is assigned under the plan's key).
SupervisionOrder NewOrder(const OrderIssue& issue, const std::vector<std::string>& orgs,
                          const ReplyDeadline& deadline, absl::Time now, const Caller& caller) {
  SupervisionOrder order;
  order.plan_id = issue.plan_id;
  order.title = issue.title;
  order.description = issue.description;
  order.source = issue.source;
  order.level = issue.level;
  order.measure_ids = issue.measure_ids;
  for (const std::string& org : orgs) order.addressees.push_back({org, {}});
  order.due_day = deadline.day;
  order.due_time = deadline.time;
  order.due_explicit = issue.due_day.has_value() || issue.due_time.has_value();
  order.external_case_number = issue.external_case_number;
  order.state = SupervisionOrderState::kOpen;
  order.issue_time = now;
  order.issued_by = caller.actor;
  order.issuing_org_id = caller.org_id;
  order.requesting_org_id = issue.requesting_org_id;
  order.version = 1;
  return order;
}

// The next id of `year` after the plan's `existing` orders: 2026-001, 2026-002, ….
std::string NextOrderId(const std::vector<SupervisionOrder>& existing, int year) {
  int last = 0;
  const std::string prefix = absl::StrCat(year, "-");
  for (const SupervisionOrder& o : existing) {
    int n = 0;
    if (absl::StartsWith(o.id, prefix) && absl::SimpleAtoi(o.id.substr(prefix.size()), &n)) {
      last = std::max(last, n);
    }
  }
  return absl::StrFormat("%d-%03d", year, last + 1);
}

}  // namespace

absl::Status NotFoundOrder(absl::string_view plan_id, absl::string_view order_id) {
  return absl::NotFoundError(absl::StrCat("supervision order plans/", plan_id,
                                          "/supervisionOrders/", order_id, " not found"));
}

absl::Status CheckIssuer(const Caller& caller, absl::string_view what) {
  if (caller.role == Caller::Role::kAdministrator || caller.role == Caller::Role::kSupervisor) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("only the supervision office (supervisor) or the bureau may ", what));
}

SupervisionDesk::SupervisionDesk(SupervisionStore* store, const PlanDirectory* plans,
                                 const common::Clock* clock,
                                 std::function<common::WorkingDays()> working_days,
                                 std::function<void(std::function<void()>)> dispatch)
    : store_(store),
      plans_(plans),
      clock_(clock),
      working_days_(std::move(working_days)),
      serializer_(std::move(dispatch)) {}

void SupervisionDesk::RunSerialized(const Caller& caller, const std::string& resource_key,
                                    std::function<void(std::shared_ptr<void>)> fn) {
  serializer_.RunForRequest(caller.request_id, resource_key, std::move(fn));
}

absl::StatusOr<std::optional<RequestRecord>> SupervisionDesk::CheckRequest(
    const Caller& caller, absl::string_view method, absl::string_view fingerprint) {
  return internal::FindRetry(caller, method, fingerprint,
                             [this](absl::string_view id) { return store_->FindRequest(id); });
}

void SupervisionDesk::Commit(SupervisionChange change, std::shared_ptr<void> guard,
                             Callback<SupervisionOrder> done) {
  std::shared_ptr<const SupervisionOrder> order = change.order;
  const Caller caller = change.caller;
  store_->CommitOrderAsync(std::move(change),
                           [order, caller, guard = std::move(guard), done](absl::Status s) {
                             if (!s.ok()) return done(s);
                             done(VisibleTo(*order, caller));
                           });
}

void SupervisionDesk::Issue(const OrderIssue& issue, const Caller& caller,
                            Callback<SupervisionOrder> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckIssuer(caller, "issue supervision orders");
  if (valid.ok()) valid = CheckIssue(issue);
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan_or = plans_->Get(issue.plan_id);
  if (!plan_or.ok()) return done(plan_or.status());
  std::shared_ptr<const PlanInfo> plan = *plan_or;
  absl::StatusOr<std::vector<std::string>> orgs = Addressees(issue, *plan);
  if (!orgs.ok()) return done(orgs.status());
  if (absl::Status s = CheckRequester(issue, *plan); !s.ok()) return done(s);

  const absl::Time now = clock_->Now();
  const absl::TimeZone zone = PlanZone(*plan);
  absl::StatusOr<ReplyDeadline> deadline = DeadlineOf(issue, now, zone, working_days_);
  if (!deadline.ok()) return done(deadline.status());
  const std::string fingerprint = IssueFingerprint(issue);
  auto order = std::make_shared<SupervisionOrder>(NewOrder(issue, *orgs, *deadline, now, caller));
  const int year = static_cast<int>(absl::ToCivilDay(now, zone).year());

  RunSerialized(caller, PlanOrdersKey(issue.plan_id), [=](std::shared_ptr<void> guard) mutable {
    auto seen = CheckRequest(caller, kIssueMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value()) {
      const std::string& resource = (*seen)->resource;
      absl::StatusOr<std::optional<SupervisionOrder>> first =
          store_->GetOrder(issue.plan_id, resource.substr(resource.rfind('/') + 1));
      if (!first.ok()) return done(first.status());
      if (!first->has_value()) return done(absl::InternalError("retried order is missing"));
      return done(VisibleTo(**first, caller));
    }
    absl::StatusOr<std::vector<SupervisionOrder>> existing = store_->ListOrders(issue.plan_id);
    if (!existing.ok()) return done(existing.status());
    order->id = NextOrderId(*existing, year);
    SupervisionChange change;
    change.order = order;
    change.request = RequestRecord{caller.request_id, std::string(kIssueMethod),
                                   OrderResource(issue.plan_id, order->id), fingerprint, 1};
    change.events = {SupervisionEventType::kIssued};
    change.caller = caller;
    change.time = now;
    Commit(std::move(change), std::move(guard), std::move(done));
  });
}

void SupervisionDesk::EditOrder(const std::string& plan_id, const std::string& order_id,
                                absl::string_view method, const std::string& fingerprint,
                                const std::string& etag, const Caller& caller, Edit edit,
                                Callback<SupervisionOrder> done) {
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  RunSerialized(
      caller, OrderKey(plan_id, order_id),
      [=, method = std::string(method)](std::shared_ptr<void> guard) {
        auto seen = CheckRequest(caller, method, fingerprint);
        if (!seen.ok()) return done(seen.status());
        if (seen->has_value() && (*seen)->resource != OrderResource(plan_id, order_id)) {
          return done(absl::InvalidArgumentError(
              absl::StrCat("request_id \"", caller.request_id, "\" was already used for ", method,
                           " of ", (*seen)->resource, "; use a new request_id for a new request")));
        }
        absl::StatusOr<std::optional<SupervisionOrder>> current =
            store_->GetOrder(plan_id, order_id);
        if (!current.ok()) return done(current.status());
        if (!current->has_value()) return done(NotFoundOrder(plan_id, order_id));
        if (seen->has_value()) return done(VisibleTo(**current, caller));
        // An acknowledgement (签收) is of the order as it stands, closed ones
        // included: the command center acknowledges the closure (结案) too.
        if ((*current)->state == SupervisionOrderState::kClosed && method != kAcknowledgeMethod) {
          return done(absl::FailedPreconditionError(
              absl::StrCat("supervision order ", order_id, " is closed (销号)")));
        }
        if (!etag.empty() && etag != SupervisionEtag(**current)) {
          return done(
              absl::AbortedError(absl::StrCat("etag ", etag, " is stale; the order is at ",
                                              SupervisionEtag(**current), ": read it again")));
        }
        auto order = std::make_shared<SupervisionOrder>(**std::move(current));
        SupervisionChange change;
        absl::Status edited = edit(*order, change);
        if (!edited.ok()) return done(edited);
        ++order->version;
        change.order = order;
        change.request = RequestRecord{caller.request_id, method, OrderResource(plan_id, order_id),
                                       fingerprint, order->version};
        change.caller = caller;
        change.time = clock_->Now();
        Commit(std::move(change), std::move(guard), std::move(done));
      });
}

void SupervisionDesk::Reply(const OrderReply& reply, const Caller& caller,
                            Callback<SupervisionOrder> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok() && reply.org_id.empty()) {
    valid = absl::InvalidArgumentError("organization is required");
  }
  if (valid.ok()) valid = CheckActsFor(caller, reply.org_id);
  if (valid.ok()) valid = CheckText(reply.content, "content", kMaxOrderTextLength, true);
  if (valid.ok()) valid = CheckEvidence(reply.evidence_links);
  if (!valid.ok()) return done(valid);
  Fingerprinter fp;
  fp.Add(reply.plan_id).Add(reply.order_id).Add(reply.org_id).Add(reply.content);
  for (const std::string& l : reply.evidence_links) fp.Add(l);
  const absl::Time now = clock_->Now();
  EditOrder(
      reply.plan_id, reply.order_id, kReplyMethod, fp.Done(), reply.etag, caller,
      [reply, caller, now](SupervisionOrder& order, SupervisionChange& change) -> absl::Status {
        SupervisionAddressee* a = order.Find(reply.org_id);
        if (a == nullptr) {
          return absl::PermissionDeniedError(absl::StrCat(
              "organizations/", reply.org_id, " is not addressed by supervision order ", order.id));
        }
        if (a->state() == SupervisionReplyState::kAccepted) {
          return absl::FailedPreconditionError(absl::StrCat("the reply of organizations/",
                                                            reply.org_id, " to supervision order ",
                                                            order.id, " was already accepted"));
        }
        if (a->replies.size() >= kMaxRepliesPerOrganization) {
          return absl::FailedPreconditionError(
              absl::StrCat("organizations/", reply.org_id, " has replied ",
                           kMaxRepliesPerOrganization, " times to this order"));
        }
        int total = 0;
        for (const SupervisionAddressee& other : order.addressees) {
          total += static_cast<int>(other.replies.size());
        }
        if (SupervisionReply* last = a->latest();
            last != nullptr && last->verdict == SupervisionVerdict::kPending) {
          last->verdict = SupervisionVerdict::kSuperseded;
        }
        SupervisionReply r;
        r.number = total + 1;
        r.content = reply.content;
        r.evidence_links = reply.evidence_links;
        r.time = now;
        r.late = now >= order.due_time;
        r.replied_by = caller.actor;
        a->replies.push_back(std::move(r));
        change.org_id = reply.org_id;
        change.events = {SupervisionEventType::kReplied};
        return absl::OkStatus();
      },
      std::move(done));
}

void SupervisionDesk::Verify(const std::string& plan_id, const std::string& order_id,
                             const std::string& org_id, bool accept, const std::string& comment,
                             const std::string& etag, const Caller& caller,
                             Callback<SupervisionOrder> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckIssuer(caller, "verify replies to supervision orders");
  if (valid.ok() && org_id.empty()) valid = absl::InvalidArgumentError("organization is required");
  if (valid.ok()) valid = CheckText(comment, "comment", kMaxCommentLength, !accept);
  if (!valid.ok()) return done(valid);
  const std::string fingerprint = Fingerprinter()
                                      .Add(plan_id)
                                      .Add(order_id)
                                      .Add(org_id)
                                      .Add(accept ? "a" : "r")
                                      .Add(comment)
                                      .Done();
  const absl::Time now = clock_->Now();
  EditOrder(
      plan_id, order_id, kVerifyMethod, fingerprint, etag, caller,
      [=](SupervisionOrder& order, SupervisionChange& change) -> absl::Status {
        SupervisionAddressee* a = order.Find(org_id);
        if (a == nullptr) {
          return absl::PermissionDeniedError(absl::StrCat(
              "organizations/", org_id, " is not addressed by supervision order ", order.id));
        }
        if (a->state() != SupervisionReplyState::kReplied) {
          return absl::FailedPreconditionError(absl::StrCat("organizations/", org_id,
                                                            " has no reply awaiting verification (",
                                                            ReplyStateName(a->state()), ")"));
        }
        SupervisionReply* r = a->latest();
        r->verdict = accept ? SupervisionVerdict::kAccepted : SupervisionVerdict::kReturned;
        r->verdict_comment = comment;
        r->verify_time = now;
        r->verified_by = caller.actor;
        change.org_id = org_id;
        change.events = {accept ? SupervisionEventType::kReplyAccepted
                                : SupervisionEventType::kReplyReturned};
        return absl::OkStatus();
      },
      std::move(done));
}

void SupervisionDesk::Raise(const std::string& plan_id, const std::string& order_id,
                            SupervisionLevel level, const std::string& reason,
                            const std::string& etag, const Caller& caller,
                            Callback<SupervisionOrder> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckIssuer(caller, "raise supervision orders");
  if (valid.ok()) valid = CheckLevel(level, "level");
  if (valid.ok()) valid = CheckText(reason, "reason", kMaxCommentLength, true);
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  const std::string fingerprint =
      Fingerprinter().Add(plan_id).Add(order_id).Add(static_cast<int>(level)).Add(reason).Done();
  const absl::Time now = clock_->Now();
  const ReplyDeadline deadline =
      DeadlineAfter(now, ReplyWorkingDays(level), working_days_(), PlanZone(**plan));
  EditOrder(
      plan_id, order_id, kRaiseMethod, fingerprint, etag, caller,
      [=](SupervisionOrder& order, SupervisionChange& change) -> absl::Status {
        if (static_cast<int>(level) <= static_cast<int>(order.level)) {
          return absl::FailedPreconditionError(absl::StrCat("supervision order ", order.id,
                                                            " is already ", LevelName(order.level),
                                                            "; a raise must go above it"));
        }
        SupervisionLevelChange c;
        c.from = order.level;
        c.to = level;
        c.reason = reason;
        c.time = now;
        c.changed_by = caller.actor;
        c.due_day = deadline.day;
        order.level_changes.push_back(std::move(c));
        order.level = level;
        order.due_day = deadline.day;
        order.due_time = deadline.time;
        order.due_explicit = false;
        change.events = {SupervisionEventType::kLevelRaised};
        return absl::OkStatus();
      },
      std::move(done));
}

void SupervisionDesk::Close(const std::string& plan_id, const std::string& order_id,
                            const std::string& comment, const std::string& etag,
                            const Caller& caller, Callback<SupervisionOrder> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckIssuer(caller, "close supervision orders");
  if (valid.ok()) valid = CheckText(comment, "comment", kMaxCommentLength, false);
  if (!valid.ok()) return done(valid);
  const std::string fingerprint = Fingerprinter().Add(plan_id).Add(order_id).Add(comment).Done();
  const absl::Time now = clock_->Now();
  EditOrder(
      plan_id, order_id, kCloseMethod, fingerprint, etag, caller,
      [=](SupervisionOrder& order, SupervisionChange& change) -> absl::Status {
        std::vector<std::string> outstanding;
        for (const SupervisionAddressee& a : order.addressees) {
          if (a.state() != SupervisionReplyState::kAccepted) {
            outstanding.push_back(
                absl::StrCat("organizations/", a.org_id, " (", ReplyStateName(a.state()), ")"));
          }
        }
        if (!outstanding.empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("supervision order ", order.id,
                           " cannot be closed: not every reply is accepted yet: ",
                           absl::StrJoin(outstanding, ", ")));
        }
        order.state = SupervisionOrderState::kClosed;
        order.close_time = now;
        order.closed_by = caller.actor;
        order.close_comment = comment;
        change.events = {SupervisionEventType::kClosed};
        return absl::OkStatus();
      },
      std::move(done));
}

void SupervisionDesk::Acknowledge(const std::string& plan_id, const std::string& order_id,
                                  const std::string& case_number, const std::string& comment,
                                  const std::string& etag, const Caller& caller,
                                  Callback<SupervisionOrder> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok() && caller.role != Caller::Role::kViewer &&
      caller.role != Caller::Role::kSupervisor && caller.role != Caller::Role::kAdministrator) {
    valid = absl::PermissionDeniedError(
        "only the command center (viewer), the supervision office or the bureau acknowledges "
        "supervision orders");
  }
  if (valid.ok()) {
    valid = CheckText(case_number, "external_case_number", kMaxCaseNumberLength, false);
  }
  if (valid.ok()) valid = CheckText(comment, "comment", kMaxCommentLength, false);
  if (!valid.ok()) return done(valid);
  const std::string fingerprint =
      Fingerprinter().Add(plan_id).Add(order_id).Add(case_number).Add(comment).Done();
  const absl::Time now = clock_->Now();
  EditOrder(
      plan_id, order_id, kAcknowledgeMethod, fingerprint, etag, caller,
      [=](SupervisionOrder& order, SupervisionChange& change) -> absl::Status {
        if (!case_number.empty()) {
          if (order.external_case_number.empty()) {
            order.external_case_number = case_number;
          } else if (order.external_case_number != case_number) {
            return absl::FailedPreconditionError(
                absl::StrCat("supervision order ", order.id, " already carries case number ",
                             order.external_case_number, ", not ", case_number));
          }
        }
        order.acknowledgements.push_back({caller.actor, now, comment});
        change.events = {SupervisionEventType::kAcknowledged};
        return absl::OkStatus();
      },
      std::move(done));
}

}  // namespace ecoplan::progress
