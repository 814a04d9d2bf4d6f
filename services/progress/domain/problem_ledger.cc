#include "services/progress/domain/problem_ledger.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/progress/domain/progress_recorder_internal.h"
#include "services/progress/domain/supervision_desk.h"

namespace ecoplan::progress {

using internal::Fingerprinter;
using internal::PlanZone;

namespace {

// The method names of request records: stored, so they must not change.
constexpr absl::string_view kCreateMethod = "CreateProblemItem";
constexpr absl::string_view kImportMethod = "ImportProblemItems";
constexpr absl::string_view kTransitionMethod = "TransitionProblemItem";

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 500;

// Serializer keys: a plan's ledgers (creating assigns ids and checks codes)
// and one item.
std::string PlanProblemsKey(absl::string_view plan_id) { return absl::StrCat("pb/", plan_id); }
std::string ProblemKey(absl::string_view plan_id, absl::string_view id) {
  return absl::StrCat("pb/", plan_id, "/", id);
}
// What a request record names as its resource.
std::string ProblemResource(absl::string_view plan_id, absl::string_view id) {
  return absl::StrCat(plan_id, "/problems/", id);
}

absl::Status NotFoundProblem(absl::string_view plan_id, absl::string_view id) {
  return absl::NotFoundError(
      absl::StrCat("problem item plans/", plan_id, "/problems/", id, " not found"));
}

absl::Status CheckMayRead(const ProblemItem& item, const Caller& caller) {
  if (caller.role != Caller::Role::kReporter || item.org_id == caller.org_id) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat("problem item ", item.id,
                                                  " belongs to another organization than "
                                                  "organizations/",
                                                  caller.org_id));
}

std::vector<std::string> IdsOf(const std::vector<ProblemItem>& items) {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const ProblemItem& i : items) ids.push_back(i.id);
  return ids;
}

ExistingCodes CodesOf(const std::vector<ProblemItem>& items) {
  ExistingCodes codes;
  for (const ProblemItem& i : items) codes[{i.measure_id, i.code}] = i.id;
  return codes;
}

std::string DraftFingerprint(const std::string& plan_id, const ProblemDraft& d) {
  Fingerprinter fp;
  fp.Add(plan_id).Add(d.measure_id).Add(d.code).Add(d.title).Add(d.description);
  fp.Add(static_cast<int>(d.category)).Add(d.location).Add(d.source).Add(d.org_id);
  fp.Add(absl::FormatCivilTime(d.due_day));
  return fp.Done();
}

void Count(const ProblemItem& item, bool overdue, ProblemTally& t) {
  ++t.total;
  switch (item.state) {
    case ProblemState::kOpen:
      ++t.open;
      break;
    case ProblemState::kRectifying:
      ++t.rectifying;
      break;
    case ProblemState::kRectificationClaimed:
      ++t.claimed;
      break;
    case ProblemState::kVerified:
      ++t.verified;
      break;
    case ProblemState::kClosed:
      ++t.closed;
      break;
    case ProblemState::kUnspecified:
      break;
  }
  if (overdue) ++t.overdue;
  if (item.reopen_count > 0) ++t.reopened;
}

}  // namespace

ProblemLedger::ProblemLedger(ProblemStore* store, const PlanDirectory* plans,
                             const common::Clock* clock,
                             std::function<void(std::function<void()>)> dispatch)
    : store_(store), plans_(plans), clock_(clock), serializer_(std::move(dispatch)) {}

absl::TimeZone ProblemLedger::Zone(absl::string_view plan_id) const {
  std::shared_ptr<const PlanInfo> plan = plans_->Find(plan_id);
  if (plan != nullptr) return PlanZone(*plan);
  return absl::FixedTimeZone(8 * 3600);
}

void ProblemLedger::RunSerialized(const Caller& caller, const std::string& key,
                                  std::function<void(std::shared_ptr<void>)> fn) {
  serializer_.RunForRequest(caller.request_id, key, std::move(fn));
}

absl::StatusOr<std::optional<RequestRecord>> ProblemLedger::CheckRequest(
    const Caller& caller, absl::string_view method, absl::string_view fingerprint) {
  return internal::FindRetry(caller, method, fingerprint,
                             [this](absl::string_view id) { return store_->FindRequest(id); });
}

void ProblemLedger::Create(const std::string& plan_id, const ProblemDraft& draft,
                           const Caller& caller, Callback<ProblemItem> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckIssuer(caller, "create problem items");
  if (valid.ok()) valid = CheckDraftFields(draft, "item.");
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  if (absl::Status s = CheckDraftInPlan(draft, **plan, "item."); !s.ok()) return done(s);
  const std::string fingerprint = DraftFingerprint(plan_id, draft);
  const absl::Time now = clock_->Now();
  RunSerialized(caller, PlanProblemsKey(plan_id), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kCreateMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value()) {
      const std::string& resource = (*seen)->resource;
      absl::StatusOr<std::optional<ProblemItem>> first =
          store_->GetProblem(plan_id, resource.substr(resource.rfind('/') + 1));
      if (!first.ok()) return done(first.status());
      if (!first->has_value()) return done(absl::InternalError("retried item is missing"));
      return done(**std::move(first));
    }
    absl::StatusOr<std::vector<ProblemItem>> existing = store_->ListProblems(plan_id);
    if (!existing.ok()) return done(existing.status());
    for (const ProblemItem& i : *existing) {
      if (i.measure_id == draft.measure_id && i.code == draft.code) {
        return done(absl::AlreadyExistsError(absl::StrCat(
            "item.code: the ledger of measure ", draft.measure_id, " already has code ", draft.code,
            " (plans/", plan_id, "/problems/", i.id, ")")));
      }
    }
    auto item = std::make_shared<const ProblemItem>(
        NewProblemItem(plan_id, NextProblemId(IdsOf(*existing)), draft, now, caller.actor));
    ProblemChange change;
    change.writes.push_back({item, ProblemState::kUnspecified});
    change.request = RequestRecord{caller.request_id, std::string(kCreateMethod),
                                   ProblemResource(plan_id, item->id), fingerprint, 1};
    change.caller = caller;
    change.time = now;
    change.plan = plans_->Find(plan_id);
    change.zone = Zone(plan_id);
    store_->CommitProblemsAsync(std::move(change),
                                [item, guard = std::move(guard), done](absl::Status s) {
                                  if (!s.ok()) return done(s);
                                  done(*item);
                                });
  });
}

void ProblemLedger::Import(const std::string& plan_id, ProblemFile file,
                           const std::string& measure_id, bool validate_only, const Caller& caller,
                           Callback<ProblemImportResult> done) {
  const bool xlsx = file.format == ProblemFileFormat::kXlsx;
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckIssuer(caller, "import problem items");
  if (valid.ok() && file.bytes.size() > kMaxImportBytes) {
    valid =
        absl::InvalidArgumentError(absl::StrCat(xlsx ? "xlsx: " : "csv: ", file.bytes.size(),
                                                " bytes; at most 8 MiB (", kMaxImportBytes, ")"));
  }
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan_or = plans_->Get(plan_id);
  if (!plan_or.ok()) return done(plan_or.status());
  std::shared_ptr<const PlanInfo> plan = *plan_or;
  Fingerprinter fp;
  fp.Add(plan_id).Add(measure_id).Add(validate_only ? "v" : "w").Add(file.bytes);
  // A CSV file's fingerprint is as before workbooks were read, so that the
  // request records stored then still match their retries.
  if (xlsx) fp.Add("xlsx");
  const std::string fingerprint = fp.Done();
  const absl::Time now = clock_->Now();
  auto bytes = std::make_shared<const ProblemFile>(std::move(file));
  RunSerialized(caller, PlanProblemsKey(plan_id), [=](std::shared_ptr<void> guard) {
    absl::StatusOr<std::optional<RequestRecord>> seen =
        validate_only ? std::optional<RequestRecord>()
                      : CheckRequest(caller, kImportMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value()) {
      absl::StatusOr<std::optional<ImportOutcome>> first = store_->FindImport(caller.request_id);
      if (!first.ok()) return done(first.status());
      if (!first->has_value()) return done(absl::InternalError("retried import is missing"));
      ProblemImportResult result;
      result.rows = (*first)->rows;
      result.errors = (*first)->errors;
      result.accepted = static_cast<int>((*first)->item_ids.size());
      for (const std::string& id : (*first)->item_ids) {
        absl::StatusOr<std::optional<ProblemItem>> item = store_->GetProblem(plan_id, id);
        if (!item.ok()) return done(item.status());
        if (item->has_value()) result.items.push_back(**std::move(item));
      }
      return done(std::move(result));
    }
    absl::StatusOr<std::vector<ProblemItem>> existing = store_->ListProblems(plan_id);
    if (!existing.ok()) return done(existing.status());
    absl::StatusOr<ProblemImport> parsed =
        ParseProblemFile(*bytes, *plan, measure_id, CodesOf(*existing));
    if (!parsed.ok()) return done(parsed.status());
    ProblemImportResult result;
    result.rows = parsed->rows;
    result.accepted = static_cast<int>(parsed->accepted.size());
    result.errors = std::move(parsed->errors);
    if (validate_only || parsed->accepted.empty()) return done(std::move(result));
    const std::vector<std::string> ids = IdsOf(*existing);
    ProblemChange change;
    ImportOutcome outcome;
    outcome.rows = result.rows;
    outcome.errors = result.errors;
    for (size_t i = 0; i < parsed->accepted.size(); ++i) {
      auto item = std::make_shared<const ProblemItem>(
          NewProblemItem(plan_id, NextProblemId(ids, static_cast<int>(i)),
                         parsed->accepted[i].draft, now, caller.actor));
      outcome.item_ids.push_back(item->id);
      result.items.push_back(*item);
      change.writes.push_back({std::move(item), ProblemState::kUnspecified});
    }
    change.request = RequestRecord{caller.request_id, std::string(kImportMethod),
                                   std::string(plan_id), fingerprint, 1};
    change.import = std::move(outcome);
    change.caller = caller;
    change.time = now;
    change.plan = plans_->Find(plan_id);
    change.zone = Zone(plan_id);
    auto answer = std::make_shared<ProblemImportResult>(std::move(result));
    store_->CommitProblemsAsync(std::move(change),
                                [answer, guard = std::move(guard), done](absl::Status s) {
                                  if (!s.ok()) return done(s);
                                  done(std::move(*answer));
                                });
  });
}

void ProblemLedger::Transition(const std::string& plan_id, const std::string& problem_id,
                               const ProblemStepRequest& step, const std::string& etag,
                               const Caller& caller, Callback<ProblemItem> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckStepRequest(step);
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  Fingerprinter fp;
  fp.Add(plan_id).Add(problem_id).Add(static_cast<int>(step.transition)).Add(step.comment);
  for (const std::string& l : step.evidence_links) fp.Add(l);
  const std::string fingerprint = fp.Done();
  const absl::Time now = clock_->Now();
  RunSerialized(caller, ProblemKey(plan_id, problem_id), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kTransitionMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value() && (*seen)->resource != ProblemResource(plan_id, problem_id)) {
      return done(absl::InvalidArgumentError(absl::StrCat(
          "request_id \"", caller.request_id, "\" was already used for ", (*seen)->method, " of ",
          (*seen)->resource, "; use a new request_id for a new request")));
    }
    absl::StatusOr<std::optional<ProblemItem>> current = store_->GetProblem(plan_id, problem_id);
    if (!current.ok()) return done(current.status());
    if (!current->has_value()) return done(NotFoundProblem(plan_id, problem_id));
    if (absl::Status s = CheckMayRead(**current, caller); !s.ok()) return done(s);
    if (seen->has_value()) return done(**std::move(current));
    if (!etag.empty() && etag != ProblemEtag(**current)) {
      return done(absl::AbortedError(absl::StrCat("etag ", etag, " is stale; the item is at ",
                                                  ProblemEtag(**current), ": read it again")));
    }
    auto item = std::make_shared<ProblemItem>(**std::move(current));
    const ProblemState from = item->state;
    if (absl::Status s = ApplyStep(*item, step, caller, now); !s.ok()) return done(s);
    ++item->version;
    ProblemChange change;
    change.writes.push_back({item, from});
    change.request =
        RequestRecord{caller.request_id, std::string(kTransitionMethod),
                      ProblemResource(plan_id, problem_id), fingerprint, item->version};
    change.caller = caller;
    change.time = now;
    change.plan = plans_->Find(plan_id);
    change.zone = Zone(plan_id);
    store_->CommitProblemsAsync(std::move(change),
                                [item, guard = std::move(guard), done](absl::Status s) {
                                  if (!s.ok()) return done(s);
                                  done(*item);
                                });
  });
}

absl::StatusOr<ProblemItem> ProblemLedger::Get(const std::string& plan_id,
                                               const std::string& problem_id,
                                               const Caller& caller) {
  ECOPLAN_RETURN_IF_ERROR(plans_->Get(plan_id).status());
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<ProblemItem> item,
                           store_->GetProblem(plan_id, problem_id));
  if (!item.has_value()) return NotFoundProblem(plan_id, problem_id);
  ECOPLAN_RETURN_IF_ERROR(CheckMayRead(*item, caller));
  return *std::move(item);
}

absl::StatusOr<ProblemPage> ProblemLedger::List(const std::string& plan_id, ProblemFilter filter,
                                                const PageRequest& page, const Caller& caller) {
  if (caller.role == Caller::Role::kReporter) {
    if (filter.org_id.empty()) filter.org_id = caller.org_id;
    if (filter.org_id != caller.org_id) {
      return absl::PermissionDeniedError(absl::StrCat("a reporter of organizations/", caller.org_id,
                                                      " lists only its own problem items"));
    }
  }
  if (page.page_size < 0 || page.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be 0..", kMaxPageSize, "; got ", page.page_size));
  }
  int after = 0;
  if (!page.page_token.empty() && (!absl::SimpleAtoi(page.page_token, &after) || after <= 0)) {
    return absl::InvalidArgumentError("page_token is not from a previous response");
  }
  ECOPLAN_RETURN_IF_ERROR(plans_->Get(plan_id).status());
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<ProblemItem> items, store_->ListProblems(plan_id));
  std::sort(items.begin(), items.end(),
            [](const ProblemItem& a, const ProblemItem& b) { return a.id < b.id; });
  const absl::Time now = clock_->Now();
  const absl::TimeZone zone = Zone(plan_id);
  ProblemPage result;
  const size_t size = page.page_size == 0 ? kDefaultPageSize : page.page_size;
  for (ProblemItem& i : items) {
    if (!filter.measure_id.empty() && i.measure_id != filter.measure_id) continue;
    if (!filter.org_id.empty() && i.org_id != filter.org_id) continue;
    if (filter.state != ProblemState::kUnspecified && i.state != filter.state) continue;
    if (filter.unresolved_only &&
        (i.state == ProblemState::kVerified || i.state == ProblemState::kClosed)) {
      continue;
    }
    if (filter.overdue_only && !IsOverdue(i, now, zone)) continue;
    if (filter.category != ProblemCategory::kUnspecified && i.category != filter.category) {
      continue;
    }
    if (!filter.code.empty() && i.code != filter.code) continue;
    ++result.total_size;
    int n = 0;
    if (!absl::SimpleAtoi(i.id, &n) || n <= after) continue;
    if (result.items.size() < size) {
      result.items.push_back(std::move(i));
    } else if (result.next_page_token.empty()) {
      result.next_page_token = result.items.back().id;
    }
  }
  return result;
}

absl::StatusOr<ProblemSummary> ProblemLedger::Summarize(const std::string& plan_id,
                                                        const std::string& measure_id,
                                                        const Caller& caller) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(plan_id));
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<ProblemItem> items, store_->ListProblems(plan_id));
  const absl::Time now = clock_->Now();
  const absl::TimeZone zone = PlanZone(*plan);
  std::map<std::string, ProblemTally> measures;
  std::map<std::string, ProblemTally> orgs;
  ProblemSummary summary;
  for (const ProblemItem& i : items) {
    if (!measure_id.empty() && i.measure_id != measure_id) continue;
    if (caller.role == Caller::Role::kReporter && i.org_id != caller.org_id) continue;
    const bool overdue = IsOverdue(i, now, zone);
    ProblemTally& m = measures[i.measure_id];
    m.key = i.measure_id;
    m.display_name = i.measure_id;
    Count(i, overdue, m);
    ProblemTally& o = orgs[i.org_id];
    o.key = i.org_id;
    o.display_name = plan->OrgName(i.org_id);
    Count(i, overdue, o);
    Count(i, overdue, summary.total);
  }
  for (auto& [id, t] : measures) summary.by_measure.push_back(std::move(t));
  for (auto& [id, t] : orgs) summary.by_organization.push_back(std::move(t));
  std::sort(summary.by_organization.begin(), summary.by_organization.end(),
            [](const ProblemTally& a, const ProblemTally& b) {
              return std::tie(a.display_name, a.key) < std::tie(b.display_name, b.key);
            });
  return summary;
}

}  // namespace ecoplan::progress
