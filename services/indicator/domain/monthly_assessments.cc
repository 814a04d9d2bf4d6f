#include "services/indicator/domain/monthly_assessments.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::indicator {
namespace {

std::string MonthName(const std::string& plan_id, absl::CivilMonth month) {
  return absl::StrCat("plans/", plan_id, "/months/", absl::FormatCivilTime(month));
}

std::string RulesName(const std::string& plan_id) {
  return absl::StrCat("plans/", plan_id, "/scoringRules");
}

constexpr absl::string_view kUpdateRulesMethod = "UpdateScoringRules";
constexpr absl::string_view kCloseMonthMethod = "CloseMonth";
constexpr absl::string_view kFileContestMethod = "ContestItem";
constexpr absl::string_view kDecideContestMethod = "DecideContest";

// The month a months/… resource names (a replayed CloseMonth).
std::optional<absl::CivilMonth> MonthOf(const std::string& resource) {
  const size_t at = resource.rfind('/');
  absl::CivilMonth month;
  if (at == std::string::npos || !absl::ParseCivilTime(resource.substr(at + 1), &month)) {
    return std::nullopt;
  }
  return month;
}

std::optional<absl::CivilMonth> LatestClosed(const std::map<absl::CivilMonth, MonthAssessment>& m,
                                             absl::CivilMonth before) {
  auto it = m.lower_bound(before);
  if (it == m.begin()) return std::nullopt;
  return std::prev(it)->first;
}

}  // namespace

MonthlyAssessments::MonthlyAssessments(const PlanScoring* scoring, AssessmentStore* store,
                                       const common::Clock* clock, absl::TimeZone zone,
                                       common::SerialExecutor* executor)
    : scoring_(scoring),
      store_(store),
      clock_(clock),
      zone_(zone),
      executor_(executor),
      serializer_([this](std::function<void()> fn) { executor_->Submit(std::move(fn)); }) {}

std::string StoredAssessmentRequest(const common::RequestRecord& record) {
  return absl::StrCat(record.method, " ", record.resource);
}

common::RequestRecord LoadedAssessmentRequest(const std::string& request_id,
                                              const std::string& stored) {
  common::RequestRecord r;
  r.request_id = request_id;
  const size_t space = stored.find(' ');
  if (space == std::string::npos) {
    r.resource = stored;  // an older release's record: the resource alone
  } else {
    r.method = stored.substr(0, space);
    r.resource = stored.substr(space + 1);
  }
  return r;
}

absl::Status MonthlyAssessments::Load() {
  absl::StatusOr<AssessmentRecords> records = store_->Load();
  if (!records.ok()) return records.status();
  absl::MutexLock lock(&mu_);
  for (PlanScoringRules& r : records->rules) plans_[r.plan_id].rules = std::move(r);
  for (MonthAssessment& m : records->months) plans_[m.plan_id].closed[m.month] = std::move(m);
  for (Contest& c : records->contests) plans_[c.plan_id].contests[c.number] = std::move(c);
  for (const auto& [id, stored] : records->requests) {
    requests_.Record(LoadedAssessmentRequest(id, stored));
  }
  return absl::OkStatus();
}

absl::CivilDay MonthlyAssessments::Today() const { return absl::ToCivilDay(clock_->Now(), zone_); }

PlanScoringRules MonthlyAssessments::RulesFor(const std::string& plan_id) const {
  absl::MutexLock lock(&mu_);
  auto it = plans_.find(plan_id);
  if (it != plans_.end() && it->second.rules.has_value()) return *it->second.rules;
  PlanScoringRules defaults;
  defaults.plan_id = plan_id;
  return defaults;
}

void MonthlyAssessments::Enqueue(const std::string& plan_id, std::function<void()> op) {
  serializer_.Run(plan_id, [this, plan_id, op = std::move(op)](
                               std::shared_ptr<common::KeyedSerializer::Lease> lease) mutable {
    {
      absl::MutexLock lock(&mu_);
      leases_[plan_id] = std::move(lease);
    }
    // Deciding evaluates the plan: never on the caller's thread.
    executor_->Submit(std::move(op));
  });
}

void MonthlyAssessments::Finish(const std::string& plan_id) {
  std::shared_ptr<common::KeyedSerializer::Lease> lease;
  {
    absl::MutexLock lock(&mu_);
    auto it = leases_.find(plan_id);
    if (it == leases_.end()) return;
    lease = std::move(it->second);
    leases_.erase(it);
  }
  // Released outside mu_: the plan's next write is handed to the executor.
}

template <typename T>
void MonthlyAssessments::CommitThen(AssessmentWrite write, std::function<T()> answer,
                                    AssessmentDone<T> done) {
  const std::string plan_id = write.plan_id;
  auto applied = std::make_shared<AssessmentWrite>(write);
  auto finish = [this, plan_id, applied, answer = std::move(answer),
                 done = std::move(done)](absl::Status s) {
    if (!s.ok()) {
      Finish(plan_id);
      done(s);
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      Apply(*applied);
    }
    T value = answer();
    Finish(plan_id);
    done(std::move(value));
  };
  // The store answers on its commit thread: continue on the executor.
  store_->Commit(std::move(write), [this, finish = std::move(finish)](absl::Status s) mutable {
    executor_->Submit([finish = std::move(finish), s]() mutable { finish(s); });
  });
}

void MonthlyAssessments::Apply(const AssessmentWrite& w) {
  PlanState& plan = plans_[w.plan_id];
  if (w.rules.has_value()) plan.rules = *w.rules;
  if (w.closed_month.has_value()) plan.closed[w.closed_month->month] = *w.closed_month;
  if (w.contest.has_value()) plan.contests[w.contest->number] = *w.contest;
  if (!w.request_id.empty()) requests_.Record(LoadedAssessmentRequest(w.request_id, w.resource));
}

absl::StatusOr<std::optional<common::RequestRecord>> MonthlyAssessments::Retried(
    const common::RequestCall& call) const {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<const common::RequestRecord*> first = requests_.Check(call);
  if (!first.ok()) return first.status();
  if (*first == nullptr) return std::optional<common::RequestRecord>();
  return std::optional<common::RequestRecord>(**first);
}

void MonthlyAssessments::UpdateRules(const std::string& plan_id, ScoringRules rules,
                                     int64_t expected_revision, std::string reason,
                                     std::string actor, std::string request_id,
                                     AssessmentDone<PlanScoringRules> done) {
  Enqueue(plan_id, [=, done = std::move(done)]() {
    auto fail = [&](absl::Status s) {
      Finish(plan_id);
      done(s);
    };
    absl::StatusOr<std::optional<common::RequestRecord>> retried =
        Retried({request_id, kUpdateRulesMethod, RulesName(plan_id), ""});
    if (!retried.ok()) return fail(retried.status());
    if (retried->has_value()) {
      PlanScoringRules current = RulesFor(plan_id);
      Finish(plan_id);
      done(current);
      return;
    }
    if (!scoring_->KnowsPlan(plan_id)) {
      return fail(absl::NotFoundError(absl::StrCat("no plan plans/", plan_id)));
    }
    if (std::string error = ScoringRulesError(rules); !error.empty()) {
      return fail(absl::InvalidArgumentError(absl::StrCat("rules.", error)));
    }
    if (reason.empty()) {
      return fail(absl::InvalidArgumentError("reason is required: the rules decide every score"));
    }
    const PlanScoringRules current = RulesFor(plan_id);
    if (expected_revision >= 0 && expected_revision != current.revision) {
      return fail(absl::AbortedError(absl::StrCat("the rules of plans/", plan_id,
                                                  " are at revision ", current.revision, ", not ",
                                                  expected_revision, ": read them again")));
    }
    if (current.revision > 0 && current.rules == rules) {
      Finish(plan_id);
      done(current);
      return;
    }
    AssessmentWrite w;
    w.plan_id = plan_id;
    w.rules = PlanScoringRules{plan_id, rules, current.revision + 1, actor, clock_->Now(), reason};
    w.request_id = request_id;
    w.resource = StoredAssessmentRequest(
        {request_id, std::string(kUpdateRulesMethod), RulesName(plan_id), "", 0});
    w.actor = actor;
    CommitThen<PlanScoringRules>(
        std::move(w), [this, plan_id] { return RulesFor(plan_id); }, done);
  });
}

absl::StatusOr<MonthAssessment> MonthlyAssessments::Compute(const std::string& plan_id,
                                                            absl::CivilMonth month,
                                                            absl::CivilDay as_of) const {
  const ScoringRules rules = RulesFor(plan_id).rules;
  std::optional<MonthAssessment> previous;  // the latest closed month, when it is the one before
  MonthAssessment out;
  {
    absl::MutexLock lock(&mu_);
    if (auto p = plans_.find(plan_id); p != plans_.end()) {
      const std::optional<absl::CivilMonth> latest = LatestClosed(p->second.closed, month);
      if (latest.has_value() && *latest + 1 == month) previous = p->second.closed.at(*latest);
      for (const auto& [n, c] : p->second.contests) {
        if (!c.recorded_in.has_value() || *c.recorded_in > month) continue;
        if (*c.recorded_in == month) out.decided_contests.push_back(c);
        if (c.state == ContestState::kAccepted) out.contest_points[c.organization] += c.points;
      }
    }
  }
  absl::StatusOr<MonthScores> scores = scoring_->Score(plan_id, as_of, rules);
  if (!scores.ok()) return scores.status();
  out.plan_id = plan_id;
  out.month = month;
  out.as_of = as_of;
  out.rules = rules;
  out.scores = *std::move(scores);
  if (previous.has_value()) {
    absl::StatusOr<MonthScores> again = scoring_->Score(plan_id, previous->as_of, previous->rules);
    if (!again.ok()) return again.status();
    // Under the lock: the closed months before it, to name the first month a
    // corrected fact was closed with (closed months never change or go away).
    absl::MutexLock lock(&mu_);
    std::vector<const MonthAssessment*> earlier;
    for (const auto& [m, closed] : plans_.at(plan_id).closed) {
      if (m < previous->month) earlier.push_back(&closed);
    }
    out.adjustments = Corrections(*previous, *again, earlier);
    std::vector<const MonthAssessment*> closed;
    for (const auto& [m, c] : plans_.at(plan_id).closed) closed.push_back(&c);
    VersionCorrections(closed, &out.adjustments);
  }
  for (Adjustment& a : ContestAdjustments(out.decided_contests)) {
    out.adjustments.push_back(std::move(a));
  }
  return out;
}

absl::StatusOr<MonthAssessment> MonthlyAssessments::GetMonth(const std::string& plan_id,
                                                             absl::CivilMonth month) const {
  {
    absl::MutexLock lock(&mu_);
    if (auto p = plans_.find(plan_id); p != plans_.end()) {
      if (auto m = p->second.closed.find(month); m != p->second.closed.end()) return m->second;
    }
  }
  if (!scoring_->KnowsPlan(plan_id)) {
    return absl::NotFoundError(absl::StrCat("no plan plans/", plan_id));
  }
  const absl::CivilDay today = Today();
  if (absl::CivilDay(month) > today) {
    return absl::FailedPreconditionError(absl::StrCat(absl::FormatCivilTime(month),
                                                      " has not begun (today is ",
                                                      absl::FormatCivilTime(today), ")"));
  }
  if (std::optional<absl::CivilDay> issued = scoring_->IssueDate(plan_id);
      issued.has_value() && month < absl::CivilMonth(*issued)) {
    return absl::FailedPreconditionError(absl::StrCat(absl::FormatCivilTime(month),
                                                      " is before the plan was issued on ",
                                                      absl::FormatCivilTime(*issued)));
  }
  return Compute(plan_id, month, std::min(LastDayOf(month), today));
}

std::vector<MonthAssessment> MonthlyAssessments::ClosedMonths(const std::string& plan_id) const {
  absl::MutexLock lock(&mu_);
  std::vector<MonthAssessment> out;
  if (auto p = plans_.find(plan_id); p != plans_.end()) {
    for (const auto& [month, m] : p->second.closed) out.push_back(m);
  }
  return out;
}

void MonthlyAssessments::CloseMonth(const std::string& plan_id, absl::CivilMonth month,
                                    std::string reason, std::string actor, std::string request_id,
                                    AssessmentDone<MonthAssessment> done) {
  Enqueue(plan_id, [=, done = std::move(done)]() {
    DoClose(plan_id, month, reason, actor, request_id, done);
  });
}

void MonthlyAssessments::DoClose(const std::string& plan_id, absl::CivilMonth month,
                                 std::string reason, std::string actor, std::string request_id,
                                 AssessmentDone<MonthAssessment> done) {
  auto fail = [&](absl::Status s) {
    Finish(plan_id);
    done(s);
  };
  absl::StatusOr<std::optional<common::RequestRecord>> retried =
      Retried({request_id, kCloseMonthMethod, MonthName(plan_id, month), ""});
  if (!retried.ok()) return fail(retried.status());
  if (retried->has_value()) {
    std::optional<absl::CivilMonth> closed = MonthOf((*retried)->resource);
    Finish(plan_id);
    if (!closed.has_value()) return done(absl::InternalError("stored request names no month"));
    return done(GetMonth(plan_id, *closed));
  }
  if (!scoring_->KnowsPlan(plan_id)) {
    return fail(absl::NotFoundError(absl::StrCat("no plan plans/", plan_id)));
  }
  if (reason.empty()) {
    return fail(absl::InvalidArgumentError("reason is required: closing freezes the month"));
  }
  std::optional<absl::CivilMonth> latest;
  std::string already_closed;
  {
    absl::MutexLock lock(&mu_);
    const PlanState& plan = plans_[plan_id];
    if (auto m = plan.closed.find(month); m != plan.closed.end()) {
      already_closed =
          absl::StrCat(absl::FormatCivilTime(month), " was closed by ", m->second.closed_by, " at ",
                       absl::FormatTime("%Y-%m-%d %H:%M", m->second.closed_at, zone_));
    }
    if (!plan.closed.empty()) latest = plan.closed.rbegin()->first;
  }
  if (!already_closed.empty()) return fail(absl::AlreadyExistsError(already_closed));
  if (absl::Status s = CheckClosable(month, Today(), scoring_->IssueDate(plan_id), latest);
      !s.ok()) {
    return fail(s);
  }
  absl::StatusOr<MonthAssessment> computed = Compute(plan_id, month, LastDayOf(month));
  if (!computed.ok()) return fail(computed.status());
  computed->closed = true;
  computed->closed_at = clock_->Now();
  computed->closed_by = actor;
  computed->reason = reason;
  AssessmentWrite w;
  w.plan_id = plan_id;
  w.closed_month = *computed;
  w.request_id = request_id;
  w.resource = StoredAssessmentRequest(
      {request_id, std::string(kCloseMonthMethod), MonthName(plan_id, month), "", 0});
  w.actor = actor;
  CommitThen<MonthAssessment>(
      std::move(w), [computed = *std::move(computed)] { return computed; }, done);
}

void MonthlyAssessments::FileContest(Contest contest, std::string actor, std::string request_id,
                                     AssessmentDone<Contest> done) {
  const std::string plan_id = contest.plan_id;
  Enqueue(plan_id, [=, done = std::move(done)]() mutable {
    auto fail = [&](absl::Status s) {
      Finish(plan_id);
      done(s);
    };
    absl::StatusOr<std::optional<common::RequestRecord>> retried =
        Retried({request_id, kFileContestMethod, "", ""});
    if (!retried.ok()) return fail(retried.status());
    if (retried->has_value()) {
      Finish(plan_id);
      const std::string& replayed = (*retried)->resource;
      const size_t at = replayed.rfind('/');
      int number = 0;
      if (at == std::string::npos || !absl::SimpleAtoi(replayed.substr(at + 1), &number)) {
        return done(absl::InternalError("stored request names no contest"));
      }
      return done(GetContest(plan_id, number));
    }
    if (!scoring_->KnowsPlan(plan_id)) {
      return fail(absl::NotFoundError(absl::StrCat("no plan plans/", plan_id)));
    }
    MonthAssessment closed;
    closed.month = contest.month;
    int number = 1;
    {
      absl::MutexLock lock(&mu_);
      const PlanState& plan = plans_[plan_id];
      if (auto m = plan.closed.find(contest.month); m != plan.closed.end()) closed = m->second;
      for (const auto& [n, c] : plan.contests) {
        number = n + 1;
        if (c.state == ContestState::kPending && c.month == contest.month &&
            c.organization == contest.organization && c.item == contest.item) {
          contest.number = n;  // named in the error below
        }
      }
    }
    if (absl::Status s = CheckContest(closed, contest); !s.ok()) return fail(s);
    if (contest.number != 0) {
      return fail(absl::AlreadyExistsError(absl::StrCat(
          contest.Name(), " already contests ", contest.item, " of ", contest.organization, " for ",
          absl::FormatCivilTime(contest.month), " and awaits the bureau's decision")));
    }
    contest.number = number;
    contest.filed_by = actor;
    contest.filed_at = clock_->Now();
    contest.state = ContestState::kPending;
    AssessmentWrite w;
    w.plan_id = plan_id;
    w.contest = contest;
    w.request_id = request_id;
    w.resource = StoredAssessmentRequest(
        {request_id, std::string(kFileContestMethod), contest.Name(), "", 0});
    w.actor = actor;
    CommitThen<Contest>(
        std::move(w), [contest] { return contest; }, done);
  });
}

void MonthlyAssessments::DecideContest(const std::string& plan_id, int number, bool accept,
                                       double points, std::string comment, std::string actor,
                                       std::string request_id, AssessmentDone<Contest> done) {
  Enqueue(plan_id, [=, done = std::move(done)]() {
    auto fail = [&](absl::Status s) {
      Finish(plan_id);
      done(s);
    };
    Contest named;
    named.plan_id = plan_id;
    named.number = number;
    absl::StatusOr<std::optional<common::RequestRecord>> retried =
        Retried({request_id, kDecideContestMethod, named.Name(), ""});
    if (!retried.ok()) return fail(retried.status());
    if (retried->has_value()) {
      Finish(plan_id);
      return done(GetContest(plan_id, number));
    }
    absl::StatusOr<Contest> contest = GetContest(plan_id, number);
    if (!contest.ok()) return fail(contest.status());
    if (absl::Status s = CheckDecision(*contest, accept, points, comment); !s.ok()) {
      return fail(s);
    }
    {
      absl::MutexLock lock(&mu_);
      const PlanState& plan = plans_[plan_id];
      // The contested month is closed, so a latest closed month exists.
      contest->recorded_in = plan.closed.rbegin()->first + 1;
    }
    contest->state = accept ? ContestState::kAccepted : ContestState::kRejected;
    contest->points = points;
    contest->comment = comment;
    contest->decided_by = actor;
    contest->decided_at = clock_->Now();
    AssessmentWrite w;
    w.plan_id = plan_id;
    w.contest = *contest;
    w.request_id = request_id;
    w.resource = StoredAssessmentRequest(
        {request_id, std::string(kDecideContestMethod), contest->Name(), "", 0});
    w.actor = actor;
    CommitThen<Contest>(
        std::move(w), [decided = *contest] { return decided; }, done);
  });
}

absl::StatusOr<Contest> MonthlyAssessments::GetContest(const std::string& plan_id,
                                                       int number) const {
  absl::MutexLock lock(&mu_);
  if (auto p = plans_.find(plan_id); p != plans_.end()) {
    if (auto c = p->second.contests.find(number); c != p->second.contests.end()) return c->second;
  }
  return absl::NotFoundError(absl::StrCat("no contest plans/", plan_id, "/contests/", number));
}

std::vector<Contest> MonthlyAssessments::ListContests(const std::string& plan_id,
                                                      std::optional<absl::CivilMonth> month,
                                                      const std::string& organization) const {
  absl::MutexLock lock(&mu_);
  std::vector<Contest> out;
  if (auto p = plans_.find(plan_id); p != plans_.end()) {
    for (const auto& [n, c] : p->second.contests) {
      if (month.has_value() && c.month != *month) continue;
      if (!organization.empty() && c.organization != organization) continue;
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace ecoplan::indicator
