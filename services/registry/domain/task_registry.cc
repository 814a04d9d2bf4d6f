#include "services/registry/domain/task_registry.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/calendar/checkpoints.h"
#include "common/calendar/deadline.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"
#include "services/registry/domain/plan_parser.h"

namespace ecoplan::registry {
namespace {

constexpr absl::string_view kImportMethod = "ImportPlan";
constexpr absl::string_view kUpdateMethod = "UpdateMeasure";
constexpr absl::string_view kCreateSupervisionMethod = "CreateSupervisionTask";
constexpr absl::string_view kOrganizationsPrefix = "organizations/";

absl::Status CheckText(absl::string_view value, absl::string_view field, size_t max_chars,
                       bool required) {
  if (value.empty()) {
    return required ? absl::InvalidArgumentError(absl::StrCat(field, " is required"))
                    : absl::OkStatus();
  }
  if (!common::IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not valid UTF-8"));
  }
  if (common::Utf8Length(value) > max_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is longer than ", max_chars, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckRequestId(absl::string_view request_id, bool required) {
  ECOPLAN_RETURN_IF_ERROR(CheckText(request_id, "request_id", kMaxRequestIdLength, required));
  for (char c : request_id) {
    if (static_cast<unsigned char>(c) < 0x20) {
      return absl::InvalidArgumentError("request_id contains control characters");
    }
  }
  return absl::OkStatus();
}

// FNV-1a over the parts, separated so that ("ab","c") differs from ("a","bc").
std::string Fingerprint(const std::vector<std::string>& parts) {
  uint64_t hash = 14695981039346656037ull;
  for (const std::string& part : parts) {
    for (unsigned char c : part) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
    hash ^= 0x1f;
    hash *= 1099511628211ull;
  }
  return absl::StrCat(absl::Hex(hash, absl::kZeroPad16));
}

std::string RefsText(const std::vector<OrgRefInput>& refs) {
  std::vector<std::string> parts;
  for (const OrgRefInput& ref : refs) {
    parts.push_back(absl::StrCat(ref.written_name, "[", absl::StrJoin(ref.member_names, ","), "]"));
  }
  return absl::StrJoin(parts, ";");
}

Deadline ToDeadline(absl::string_view raw, const common::ResolvedDeadline& resolved) {
  Deadline d;
  d.raw = std::string(raw);
  switch (resolved.kind) {
    case common::DeadlineKind::kDueDate:
      d.kind = DeadlineKind::kDueDate;
      break;
    case common::DeadlineKind::kWindow:
      d.kind = DeadlineKind::kWindow;
      break;
    case common::DeadlineKind::kOngoing:
      d.kind = DeadlineKind::kOngoing;
      break;
    default:
      d.kind = DeadlineKind::kUnresolved;
      break;
  }
  d.window_start = resolved.window_start;
  d.due = resolved.due;
  return d;
}

// Resolves the checkpoint phrases a caller typed, each exactly one checkpoint.
absl::StatusOr<std::vector<common::Checkpoint>> ResolveCheckpoints(
    const std::vector<std::string>& phrases, const common::CheckpointContext& context) {
  std::vector<common::Checkpoint> out;
  for (size_t i = 0; i < phrases.size(); ++i) {
    const std::string normalized = common::NormalizeDocumentText(phrases[i]);
    ECOPLAN_ASSIGN_OR_RETURN(common::Checkpoint c,
                             common::ResolveCheckpointPhrase(
                                 normalized, context, absl::StrCat("checkpoints[", i, "].phrase")));
    out.push_back(std::move(c));
  }
  return out;
}

// Resolves deadline words a caller typed; unlike a document, a caller gets
// InvalidArgument instead of an unresolved deadline.
absl::StatusOr<Deadline> ResolveCallerDeadline(absl::string_view raw, int year,
                                               absl::string_view field) {
  ECOPLAN_RETURN_IF_ERROR(CheckText(raw, field, 64, /*required=*/true));
  const std::string normalized = common::NormalizeDocumentText(raw);
  Deadline d = ToDeadline(normalized, common::ResolveDeadline(normalized, year));
  if (d.kind == DeadlineKind::kUnresolved) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", raw,
        "\" is not a deadline this registry understands (e.g. 年底前, 6月底前, 10月底, 6-9月, "
        "长期实施, 持续推进)"));
  }
  return d;
}

}  // namespace

TaskRegistry::TaskRegistry(PlanStore* store, const common::Clock* clock)
    : store_(store), clock_(clock), state_(std::make_shared<State>()) {}

std::shared_ptr<const TaskRegistry::PlanView> TaskRegistry::MakeView(StoredPlan stored) {
  auto view = std::make_shared<PlanView>();
  view->stored = std::move(stored);
  for (size_t t = 0; t < view->stored.tasks.size(); ++t) {
    const Task& task = view->stored.tasks[t];
    view->task_index[task.id] = t;
    for (size_t m = 0; m < task.measures.size(); ++m) {
      view->measure_index[task.measures[m].id] = {t, m};
    }
  }
  return view;
}

namespace {

// Plans stored before measures had checkpoints get those of their texts (the
// same as a fresh import would give); corrected lists are kept.
void AddMissingCheckpoints(StoredPlan* plan) {
  for (Task& task : plan->tasks) {
    for (Measure& m : task.measures) {
      if (!m.checkpoints.empty() || m.checkpoints_corrected) continue;
      m.checkpoints =
          common::ExtractCheckpoints(
              m.text, CheckpointContextOf(plan->plan.year, plan->plan.issue_date, m.deadline))
              .checkpoints;
    }
  }
}

}  // namespace

absl::Status TaskRegistry::Load() {
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<StoredPlan> plans, store_->LoadPlans());
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Organization> orgs, store_->LoadOrganizations());
  auto state = std::make_shared<State>();
  for (StoredPlan& plan : plans) {
    AddMissingCheckpoints(&plan);
    std::string id = plan.plan.id;
    state->plans[id] = MakeView(std::move(plan));
  }
  state->organizations = std::make_shared<const OrganizationDirectory>(std::move(orgs));
  absl::MutexLock lock(&state_mu_);
  state_ = std::move(state);
  return absl::OkStatus();
}

std::shared_ptr<const TaskRegistry::State> TaskRegistry::Snapshot() const {
  absl::MutexLock lock(&state_mu_);
  return state_;
}

absl::StatusOr<std::shared_ptr<const TaskRegistry::PlanView>> TaskRegistry::FindPlan(
    const State& state, absl::string_view plan_id) const {
  auto it = state.plans.find(plan_id);
  if (it == state.plans.end()) {
    return absl::NotFoundError(absl::StrCat("plan \"plans/", plan_id, "\" does not exist"));
  }
  return it->second;
}

absl::StatusOr<std::optional<std::string>> TaskRegistry::CheckRequest(
    absl::string_view request_id, absl::string_view method, absl::string_view fingerprint) {
  if (request_id.empty()) return std::optional<std::string>();
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<RequestRecord> seen, store_->FindRequest(request_id));
  if (!seen) return std::optional<std::string>();
  if (seen->method != method || seen->fingerprint != fingerprint) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id \"", request_id, "\" was already used for a different ",
                     seen->method, " request; use a new request id for a new request"));
  }
  return std::optional<std::string>(seen->resource);
}

absl::StatusOr<ImportResult> TaskRegistry::ImportPlan(absl::string_view document_text,
                                                      bool validate_only,
                                                      absl::string_view time_zone,
                                                      const ChangeContext& context) {
  if (document_text.empty()) return absl::InvalidArgumentError("document_text is required");
  if (document_text.size() > kMaxDocumentBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("document_text is larger than ", kMaxDocumentBytes, " bytes"));
  }
  if (!common::IsValidUtf8(document_text)) {
    return absl::InvalidArgumentError("document_text is not valid UTF-8");
  }
  ECOPLAN_RETURN_IF_ERROR(CheckRequestId(context.request_id, /*required=*/false));
  ParseOptions options;
  if (!time_zone.empty()) {
    absl::TimeZone tz;
    if (time_zone.size() > 64 || !absl::LoadTimeZone(std::string(time_zone), &tz)) {
      return absl::InvalidArgumentError(
          absl::StrCat("time_zone: \"", time_zone.substr(0, 64), "\" is not an IANA time zone"));
    }
    options.time_zone = std::string(time_zone);
  }
  ECOPLAN_ASSIGN_OR_RETURN(ParsedPlan parsed, ParsePlanDocument(document_text, options));

  absl::MutexLock write_lock(&write_mu_);
  std::shared_ptr<const State> state = Snapshot();
  if (auto it = state->plans.find(parsed.plan.id); it != state->plans.end()) {
    return ImportResult{it->second->stored.plan, /*already_imported=*/true};
  }
  if (validate_only) return ImportResult{std::move(parsed.plan), false};

  // The plan id is derived from the content, so a retried import is found above;
  // the request record only guards against reusing the id for another document.
  const std::string fingerprint = Fingerprint({parsed.plan.id});
  ECOPLAN_RETURN_IF_ERROR(CheckRequest(context.request_id, kImportMethod, fingerprint).status());

  const absl::Time now = clock_->Now();
  StoredPlan stored{std::move(parsed.plan), std::move(parsed.tasks)};
  stored.plan.import_time = now;
  for (Task& task : stored.tasks) {
    task.create_time = now;
    for (Measure& m : task.measures) m.update_time = now;
  }
  // Organizations already known (from earlier plans) keep their aliases.
  std::vector<Organization> merged = state->organizations->MergedWith(parsed.organizations);
  std::optional<RequestRecord> request;
  if (!context.request_id.empty()) {
    request = RequestRecord{std::string(kImportMethod), fingerprint, stored.plan.id};
  }
  const PlanImported event{stored.plan.id, stored.plan.title, stored.plan.document_number,
                           stored.plan.summary};
  ECOPLAN_RETURN_IF_ERROR(store_->CommitImport(stored, merged, request, event, context));

  Plan plan = stored.plan;
  auto next = std::make_shared<State>(*state);
  next->plans[plan.id] = MakeView(std::move(stored));
  next->organizations = std::make_shared<const OrganizationDirectory>(std::move(merged));
  {
    absl::MutexLock lock(&state_mu_);
    state_ = std::move(next);
  }
  return ImportResult{std::move(plan), false};
}

absl::StatusOr<Plan> TaskRegistry::GetPlan(absl::string_view plan_id) const {
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, plan_id));
  return view->stored.plan;
}

absl::StatusOr<PlanPage> TaskRegistry::ListPlans(const PageRequest& page) const {
  ECOPLAN_ASSIGN_OR_RETURN(int size, EffectivePageSize(page.page_size, kPlanPageLimits));
  std::shared_ptr<const State> state = Snapshot();
  // Newest import first; ties by id. The position is "<import micros>/<id>" inverted.
  std::vector<const Plan*> plans;
  for (const auto& [id, view] : state->plans) plans.push_back(&view->stored.plan);
  std::sort(plans.begin(), plans.end(), [](const Plan* a, const Plan* b) {
    if (a->import_time != b->import_time) return a->import_time > b->import_time;
    return a->id < b->id;
  });
  auto position_of = [](const Plan& p) {
    return absl::StrCat(absl::Hex(INT64_MAX - absl::ToUnixMicros(p.import_time), absl::kZeroPad16),
                        "/", p.id);
  };
  std::string after;
  if (!page.page_token.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(after, DecodePageToken(page.page_token, "plans"));
  }
  PlanPage result;
  for (const Plan* plan : plans) {
    const std::string position = position_of(*plan);
    if (!after.empty() && position <= after) continue;
    if (static_cast<int>(result.plans.size()) == size) {
      result.next_page_token = EncodePageToken("plans", position_of(result.plans.back()));
      break;
    }
    Plan brief = *plan;
    brief.annexes.clear();
    brief.warnings.clear();
    result.plans.push_back(std::move(brief));
  }
  return result;
}

absl::StatusOr<PlanExport> TaskRegistry::ExportPlan(absl::string_view plan_id) const {
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, plan_id));
  PlanExport out{view->stored.plan, view->stored.tasks, {}};
  std::vector<std::string> ids;
  for (const Task& task : view->stored.tasks) {
    for (const Measure& m : task.measures) {
      for (const auto* refs : {&m.leads, &m.responsibles}) {
        for (const OrgRef& ref : *refs) {
          if (!ref.org_id.empty()) ids.push_back(ref.org_id);
          ids.insert(ids.end(), ref.member_ids.begin(), ref.member_ids.end());
        }
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (const std::string& id : ids) {
    if (const Organization* org = state->organizations->FindById(id)) {
      out.organizations.push_back(*org);
    }
  }
  std::sort(out.organizations.begin(), out.organizations.end(),
            [](const Organization& a, const Organization& b) { return a.name < b.name; });
  return out;
}

absl::StatusOr<Task> TaskRegistry::GetTask(absl::string_view plan_id,
                                           absl::string_view task_id) const {
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, plan_id));
  auto it = view->task_index.find(task_id);
  if (it == view->task_index.end()) {
    return absl::NotFoundError(
        absl::StrCat("task \"plans/", plan_id, "/tasks/", task_id, "\" does not exist"));
  }
  return view->stored.tasks[it->second];
}

absl::StatusOr<std::pair<Measure, Task>> TaskRegistry::GetMeasure(
    absl::string_view plan_id, absl::string_view measure_id) const {
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, plan_id));
  auto it = view->measure_index.find(measure_id);
  if (it == view->measure_index.end()) {
    return absl::NotFoundError(
        absl::StrCat("measure \"plans/", plan_id, "/measures/", measure_id, "\" does not exist"));
  }
  const Task& task = view->stored.tasks[it->second.first];
  Task context = task;
  context.measures.clear();
  return std::make_pair(task.measures[it->second.second], std::move(context));
}

namespace {

// Resolves the filter's organization (resource name, name or alias) to an id.
absl::StatusOr<MeasureQuery> ResolveQuery(const OrganizationDirectory& directory,
                                          const MeasureQueryInput& input) {
  ECOPLAN_RETURN_IF_ERROR(ValidateQuery(input));
  MeasureQuery query{input, ""};
  if (input.organization.empty()) return query;
  absl::string_view name = input.organization;
  if (absl::ConsumePrefix(&name, kOrganizationsPrefix)) {
    if (directory.FindById(name) == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("filter.organization: \"", input.organization, "\" does not exist"));
    }
    query.organization_id = std::string(name);
    return query;
  }
  absl::StatusOr<OrgRef> ref = directory.Resolve(name);
  if (!ref.ok() || ref->org_id.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "filter.organization: \"", input.organization,
        "\" is not an organization name or alias (group words such as 各镇街 name no single "
        "organization)"));
  }
  query.organization_id = ref->org_id;
  return query;
}

}  // namespace

absl::StatusOr<TaskPage> TaskRegistry::ListTasks(absl::string_view plan_id,
                                                 const MeasureQueryInput& input,
                                                 const PageRequest& page) const {
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, plan_id));
  ECOPLAN_ASSIGN_OR_RETURN(MeasureQuery query, ResolveQuery(*state->organizations, input));
  return ListMatchingTasks(view->stored.tasks, query, plan_id, page);
}

absl::StatusOr<MeasurePage> TaskRegistry::ListMeasures(absl::string_view plan_id,
                                                       const MeasureQueryInput& input,
                                                       const PageRequest& page) const {
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, plan_id));
  ECOPLAN_ASSIGN_OR_RETURN(MeasureQuery query, ResolveQuery(*state->organizations, input));
  ECOPLAN_ASSIGN_OR_RETURN(MeasurePage result,
                           ListMatchingMeasures(view->stored.tasks, query, plan_id, page));
  // The page points into this snapshot's tasks; keep them alive by copying the
  // task context each measure needs.
  MeasurePage owned;
  owned.next_page_token = std::move(result.next_page_token);
  owned.total_size = result.total_size;
  owned.measures = std::move(result.measures);
  owned.keep_alive = view;
  return owned;
}

absl::StatusOr<std::vector<OrgRef>> TaskRegistry::ResolveInputs(
    const OrganizationDirectory& directory, const std::vector<OrgRefInput>& inputs,
    absl::string_view field) const {
  if (inputs.size() > kMaxOrgRefs) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " has more than ", kMaxOrgRefs, " organizations"));
  }
  std::vector<OrgRef> refs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string item = absl::StrCat(field, "[", i, "]");
    const OrgRefInput& input = inputs[i];
    ECOPLAN_RETURN_IF_ERROR(
        CheckText(input.written_name, absl::StrCat(item, ".written_name"), kMaxNameLength, true));
    absl::StatusOr<OrgRef> ref =
        directory.Resolve(common::NormalizeDocumentText(input.written_name));
    if (!ref.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          item, ".written_name: \"", input.written_name,
          "\" is not a known organization, alias or group word; see ListOrganizations"));
    }
    if (ref->group == OrgGroupKind::kNone && !input.member_names.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(item, ".members: only a group word (e.g. 相关镇街) takes members"));
    }
    if (ref->group != OrgGroupKind::kNone && !input.member_names.empty()) {
      if (input.member_names.size() > kMaxOrgRefs) {
        return absl::InvalidArgumentError(absl::StrCat(item, ".members: too many members"));
      }
      ref->member_ids.clear();
      for (size_t j = 0; j < input.member_names.size(); ++j) {
        absl::string_view member = input.member_names[j];
        absl::StatusOr<OrgRef> m;
        if (absl::ConsumePrefix(&member, kOrganizationsPrefix) &&
            directory.FindById(member) != nullptr) {
          OrgRef direct;
          direct.written_name = std::string(member);
          direct.org_id = std::string(member);
          m = direct;
        } else {
          m = directory.Resolve(common::NormalizeDocumentText(input.member_names[j]));
        }
        if (!m.ok() || m->org_id.empty()) {
          return absl::InvalidArgumentError(absl::StrCat(item, ".members[", j, "]: \"",
                                                         input.member_names[j],
                                                         "\" is not a known organization"));
        }
        if (std::find(ref->member_ids.begin(), ref->member_ids.end(), m->org_id) ==
            ref->member_ids.end()) {
          ref->member_ids.push_back(m->org_id);
        }
      }
      ref->group_resolved = true;
    }
    refs.push_back(*std::move(ref));
  }
  return refs;
}

absl::StatusOr<Measure> TaskRegistry::UpdateMeasure(const MeasureUpdate& update,
                                                    const ChangeContext& context) {
  if (!update.deadline_raw && !update.leads && !update.responsibles && !update.checkpoint_phrases) {
    return absl::InvalidArgumentError(
        "update_mask names no field to change (deadline, lead_organizations, "
        "responsible_organizations, checkpoints)");
  }
  if (update.checkpoint_phrases) {
    if (update.checkpoint_phrases->size() > kMaxCheckpoints) {
      return absl::InvalidArgumentError(
          absl::StrCat("checkpoints: at most ", kMaxCheckpoints, " checkpoints"));
    }
    for (size_t i = 0; i < update.checkpoint_phrases->size(); ++i) {
      ECOPLAN_RETURN_IF_ERROR(CheckText((*update.checkpoint_phrases)[i],
                                        absl::StrCat("checkpoints[", i, "].phrase"), 64, true));
    }
  }
  if (update.etag.empty()) {
    return absl::InvalidArgumentError("etag is required: read the measure and pass its etag");
  }
  ECOPLAN_RETURN_IF_ERROR(CheckText(update.reason, "reason", kMaxReasonLength, true));
  ECOPLAN_RETURN_IF_ERROR(CheckRequestId(context.request_id, /*required=*/false));
  if (update.leads && update.leads->empty()) {
    return absl::InvalidArgumentError("lead_organizations: a measure needs at least one lead");
  }

  absl::MutexLock write_lock(&write_mu_);
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, update.plan_id));
  auto it = view->measure_index.find(update.measure_id);
  if (it == view->measure_index.end()) {
    return absl::NotFoundError(absl::StrCat("measure \"plans/", update.plan_id, "/measures/",
                                            update.measure_id, "\" does not exist"));
  }
  const Task& task = view->stored.tasks[it->second.first];
  const Measure& before = task.measures[it->second.second];

  const std::string fingerprint = Fingerprint(
      {update.plan_id, update.measure_id, update.deadline_raw.value_or("\x01"),
       update.leads ? RefsText(*update.leads) : "\x01",
       update.responsibles ? RefsText(*update.responsibles) : "\x01",
       update.checkpoint_phrases ? absl::StrJoin(*update.checkpoint_phrases, "\x02") : "\x01",
       update.etag, update.reason});
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<std::string> earlier,
                           CheckRequest(context.request_id, kUpdateMethod, fingerprint));
  if (earlier) return before;  // the retried change is the current state or was superseded

  if (update.etag != MeasureEtag(before)) {
    return absl::AbortedError(
        absl::StrCat("measure \"plans/", update.plan_id, "/measures/", update.measure_id,
                     "\" changed since it was read (etag \"", update.etag, "\", now \"",
                     MeasureEtag(before), "\"); read it again and retry"));
  }

  Measure after = before;
  std::vector<std::string> changed;
  if (update.deadline_raw) {
    ECOPLAN_ASSIGN_OR_RETURN(
        after.deadline,
        ResolveCallerDeadline(*update.deadline_raw, view->stored.plan.year, "deadline.raw"));
    changed.push_back("deadline");
  }
  if (update.leads) {
    ECOPLAN_ASSIGN_OR_RETURN(
        after.leads, ResolveInputs(*state->organizations, *update.leads, "lead_organizations"));
    changed.push_back("lead_organizations");
  }
  if (update.responsibles) {
    ECOPLAN_ASSIGN_OR_RETURN(
        after.responsibles,
        ResolveInputs(*state->organizations, *update.responsibles, "responsible_organizations"));
    changed.push_back("responsible_organizations");
  }
  const Plan& plan = view->stored.plan;
  if (update.checkpoint_phrases) {
    ECOPLAN_ASSIGN_OR_RETURN(
        after.checkpoints,
        ResolveCheckpoints(*update.checkpoint_phrases,
                           CheckpointContextOf(plan.year, plan.issue_date, after.deadline)));
    after.checkpoints_corrected = true;
    changed.push_back("checkpoints");
  } else if (update.deadline_raw && !after.checkpoints_corrected) {
    // Recurring dues end at the due day: the text's checkpoints follow the new deadline.
    after.checkpoints =
        common::ExtractCheckpoints(after.text,
                                   CheckpointContextOf(plan.year, plan.issue_date, after.deadline))
            .checkpoints;
  }
  const absl::Time now = clock_->Now();
  after.revision = before.revision + 1;
  after.update_time = now;

  MeasureRevision revision{after.revision, now,    context.actor, update.reason,
                           changed,        before, after,         context.request_id};
  Task changed_task = task;
  changed_task.measures[it->second.second] = after;
  std::optional<RequestRecord> request;
  if (!context.request_id.empty()) {
    request =
        RequestRecord{std::string(kUpdateMethod), fingerprint,
                      absl::StrCat("plans/", update.plan_id, "/measures/", update.measure_id)};
  }
  ECOPLAN_RETURN_IF_ERROR(
      store_->CommitMeasureUpdate(update.plan_id, changed_task, revision, request,
                                  MeasureUpdated{update.plan_id, revision}, context));
  StoredPlan next_plan = view->stored;
  next_plan.tasks[it->second.first] = std::move(changed_task);
  auto next = std::make_shared<State>(*state);
  next->plans[update.plan_id] = MakeView(std::move(next_plan));
  {
    absl::MutexLock lock(&state_mu_);
    state_ = std::move(next);
  }
  return after;
}

absl::StatusOr<std::vector<MeasureRevision>> TaskRegistry::ListRevisions(
    absl::string_view plan_id, absl::string_view measure_id) const {
  ECOPLAN_RETURN_IF_ERROR(GetMeasure(plan_id, measure_id).status());
  return store_->ListRevisions(plan_id, measure_id);
}

absl::StatusOr<Task> TaskRegistry::CreateSupervisionTask(const SupervisionTaskDraft& draft,
                                                         const ChangeContext& context) {
  ECOPLAN_RETURN_IF_ERROR(CheckRequestId(context.request_id, /*required=*/true));
  ECOPLAN_RETURN_IF_ERROR(CheckText(draft.title, "title", kMaxTitleLength, true));
  ECOPLAN_RETURN_IF_ERROR(
      CheckText(draft.description, "description", kMaxDescriptionLength, false));
  ECOPLAN_RETURN_IF_ERROR(CheckText(draft.assigned_by, "assigned_by", kMaxNameLength, false));
  if (draft.measures.empty()) {
    return absl::InvalidArgumentError("measures: a supervision task needs at least one measure");
  }
  if (draft.measures.size() > kMaxSupervisionMeasures) {
    return absl::InvalidArgumentError(
        absl::StrCat("measures: at most ", kMaxSupervisionMeasures, " measures"));
  }
  std::vector<std::string> parts{draft.plan_id, draft.title, draft.description, draft.assigned_by};
  for (const SupervisionMeasureDraft& m : draft.measures) {
    parts.push_back(m.text);
    parts.push_back(m.deadline_raw);
    parts.push_back(RefsText(m.leads));
    parts.push_back(RefsText(m.responsibles));
  }
  const std::string fingerprint = Fingerprint(parts);

  absl::MutexLock write_lock(&write_mu_);
  std::shared_ptr<const State> state = Snapshot();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanView> view, FindPlan(*state, draft.plan_id));
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<std::string> earlier,
                           CheckRequest(context.request_id, kCreateSupervisionMethod, fingerprint));
  if (earlier) {
    absl::string_view task_id = *earlier;
    if (auto pos = task_id.rfind('/'); pos != absl::string_view::npos) {
      task_id = task_id.substr(pos + 1);
    }
    return GetTask(draft.plan_id, task_id);
  }

  int number = 1;
  for (const Task& t : view->stored.tasks) {
    if (t.origin == TaskOrigin::kSupervision) number = std::max(number, t.sequence_number + 1);
  }
  const absl::Time now = clock_->Now();
  Task task;
  task.id = absl::StrCat("s", number);
  task.origin = TaskOrigin::kSupervision;
  task.sequence_number = number;
  task.title = common::NormalizeDocumentText(draft.title);
  task.description = draft.description;
  task.assigned_by = draft.assigned_by;
  task.create_time = now;
  for (size_t i = 0; i < draft.measures.size(); ++i) {
    const SupervisionMeasureDraft& in = draft.measures[i];
    const std::string field = absl::StrCat("measures[", i, "]");
    ECOPLAN_RETURN_IF_ERROR(
        CheckText(in.text, absl::StrCat(field, ".text"), kMaxMeasureTextLength, true));
    Measure m;
    m.id = absl::StrCat(task.id, "-m", i + 1);
    m.task_id = task.id;
    m.ordinal = static_cast<int>(i + 1);
    m.text = in.text;
    m.update_time = now;
    ECOPLAN_ASSIGN_OR_RETURN(m.deadline,
                             ResolveCallerDeadline(in.deadline_raw, view->stored.plan.year,
                                                   absl::StrCat(field, ".deadline.raw")));
    if (in.leads.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".lead_organizations: at least one lead is required"));
    }
    ECOPLAN_ASSIGN_OR_RETURN(m.leads, ResolveInputs(*state->organizations, in.leads,
                                                    absl::StrCat(field, ".lead_organizations")));
    ECOPLAN_ASSIGN_OR_RETURN(m.responsibles,
                             ResolveInputs(*state->organizations, in.responsibles,
                                           absl::StrCat(field, ".responsible_organizations")));
    const Plan& plan = view->stored.plan;
    m.checkpoints = common::ExtractCheckpoints(
                        m.text, CheckpointContextOf(plan.year, plan.issue_date, m.deadline))
                        .checkpoints;
    task.measures.push_back(std::move(m));
  }

  StoredPlan next_plan = view->stored;
  next_plan.tasks.push_back(task);
  ++next_plan.plan.summary.supervision_task_count;
  std::optional<RequestRecord> request =
      RequestRecord{std::string(kCreateSupervisionMethod), fingerprint,
                    absl::StrCat("plans/", draft.plan_id, "/tasks/", task.id)};
  ECOPLAN_RETURN_IF_ERROR(store_->CommitSupervisionTask(
      draft.plan_id, task, request, SupervisionTaskCreated{draft.plan_id, task}, context));
  auto next = std::make_shared<State>(*state);
  next->plans[draft.plan_id] = MakeView(std::move(next_plan));
  {
    absl::MutexLock lock(&state_mu_);
    state_ = std::move(next);
  }
  return task;
}

absl::StatusOr<Organization> TaskRegistry::GetOrganization(absl::string_view org_id) const {
  std::shared_ptr<const State> state = Snapshot();
  const Organization* org = state->organizations->FindById(org_id);
  if (org == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("organization \"organizations/", org_id, "\" does not exist"));
  }
  return *org;
}

absl::StatusOr<OrganizationPage> TaskRegistry::ListOrganizations(OrganizationKind kind,
                                                                 const PageRequest& page) const {
  ECOPLAN_ASSIGN_OR_RETURN(int size, EffectivePageSize(page.page_size, kOrganizationPageLimits));
  const std::string fingerprint = absl::StrCat("orgs-", static_cast<int>(kind));
  std::string after;
  if (!page.page_token.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(after, DecodePageToken(page.page_token, fingerprint));
  }
  std::shared_ptr<const State> state = Snapshot();
  std::vector<Organization> all = state->organizations->List(kind);  // name order
  OrganizationPage result;
  for (const Organization& org : all) {
    const std::string position = absl::StrCat(org.name, "\x1f", org.id);
    if (!after.empty() && position <= after) continue;
    if (static_cast<int>(result.organizations.size()) == size) {
      const Organization& last = result.organizations.back();
      result.next_page_token =
          EncodePageToken(fingerprint, absl::StrCat(last.name, "\x1f", last.id));
      break;
    }
    result.organizations.push_back(org);
  }
  return result;
}

absl::StatusOr<Resolution> TaskRegistry::ResolveOrganization(absl::string_view written_name) const {
  ECOPLAN_RETURN_IF_ERROR(CheckText(written_name, "written_name", kMaxNameLength, true));
  std::shared_ptr<const State> state = Snapshot();
  absl::StatusOr<OrgRef> ref =
      state->organizations->Resolve(common::NormalizeDocumentText(written_name));
  if (!ref.ok()) {
    return absl::NotFoundError(
        absl::StrCat("\"", written_name, "\" is not a known organization, alias or group word"));
  }
  Resolution out{*ref, {}};
  if (!ref->org_id.empty()) {
    if (const Organization* org = state->organizations->FindById(ref->org_id)) {
      out.organizations.push_back(*org);
    }
  }
  for (const std::string& id : ref->member_ids) {
    if (const Organization* org = state->organizations->FindById(id)) {
      out.organizations.push_back(*org);
    }
  }
  return out;
}

}  // namespace ecoplan::registry
