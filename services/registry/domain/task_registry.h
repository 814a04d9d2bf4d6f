#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/concurrency/keyed_serializer.h"
#include "common/time/clock.h"
#include "services/registry/domain/events.h"
#include "services/registry/domain/measure_query.h"
#include "services/registry/domain/model.h"
#include "services/registry/domain/organization_directory.h"
#include "services/registry/domain/plan_parser.h"
#include "services/registry/domain/plan_store.h"

namespace ecoplan::registry {

// Outcome of ImportPlan.
struct ImportResult {
  Plan plan;
  bool already_imported = false;  // same document imported before; nothing written
};

// An organization reference given by a caller: a name, alias or group word,
// and for a group word the members it stands for (names or aliases).
struct OrgRefInput {
  std::string written_name;
  std::vector<std::string> member_names;
};

// A correction of one measure. Unset optionals are left as they are.
struct MeasureUpdate {
  std::string plan_id;
  std::string measure_id;
  std::optional<std::string> deadline_raw;
  std::optional<std::vector<OrgRefInput>> leads;
  std::optional<std::vector<OrgRefInput>> responsibles;
  // Checkpoints as phrases (5月底前, 按季度, 两轮次 …); an empty list removes them.
  std::optional<std::vector<std::string>> checkpoint_phrases;
  std::string etag;    // required: the etag the caller read
  std::string reason;  // required
};

// One measure of a supervision task being created.
struct SupervisionMeasureDraft {
  std::string text;
  std::string deadline_raw;
  std::vector<OrgRefInput> leads;
  std::vector<OrgRefInput> responsibles;
};

// An ad-hoc supervision task (督办任务) being created.
struct SupervisionTaskDraft {
  std::string plan_id;
  std::string title;
  std::string description;
  // Who assigns it: empty, or a name that resolves to one organization of the
  // registry (stored as its canonical name).
  std::string assigned_by;
  // Set when the caller may assign in its own organization's name only (a
  // viewer such as the command center): assigned_by must resolve to it, and
  // an empty assigned_by becomes its name.
  std::string assigning_organization_id;
  std::vector<SupervisionMeasureDraft> measures;
};

// A plan's export: the plan, all its tasks and the organizations it names.
struct PlanExport {
  Plan plan;
  std::vector<Task> tasks;
  std::vector<Organization> organizations;
};

// How an organization name resolved.
struct Resolution {
  OrgRef reference;
  std::vector<Organization> organizations;
};

// Limits on caller-supplied text, in Unicode code points.
inline constexpr size_t kMaxDocumentBytes = 4 << 20;
inline constexpr size_t kMaxReasonLength = 500;
inline constexpr size_t kMaxTitleLength = 200;
inline constexpr size_t kMaxDescriptionLength = 4000;
inline constexpr size_t kMaxMeasureTextLength = 4000;
inline constexpr size_t kMaxNameLength = 100;
inline constexpr size_t kMaxOrgRefs = 100;
inline constexpr size_t kMaxSupervisionMeasures = 50;
inline constexpr size_t kMaxCheckpoints = 20;

// The task registry's use cases: import plans, answer queries, correct
// measures, create supervision tasks.
//
// Reads are served from an immutable in-memory view of every plan (a plan is
// a few hundred records), swapped atomically after each durable write, so a
// query never waits for a writer and pagination walks a fixed order.
// Writes take one key of a common::KeyedSerializer: each is decided on the
// thread that holds the key, against the state including every earlier write,
// committed through the store's asynchronous commit (the group committer),
// published in the commit's callback before the key is released, and answered
// through `done` only once durable (on the store's committer thread, or at
// once when nothing is written); no thread waits on disk. The key is one for
// the whole registry, not one per plan: an import changes the organization
// directory every plan's corrections and supervision tasks resolve names
// against, request ids are one namespace across plans, and the published
// state is one immutable snapshot built from the previous one, so two writes
// published at once would lose one. Writes are administrative and rare (an
// import a year, a few corrections a month): the coarse key costs nothing.
// Parsing a document and the checks that need no state run before the key,
// on the caller's thread.
//
// Thread-safe. `store` and `clock` must outlive the registry. `dispatch` runs a
// write that had to wait for the key (an executor's Submit); empty: inline,
// on the thread that released the key (tests with a store that answers at once).
//
// The implementation is split by concept: task_registry.cc (loading, the plan
// views, request ids), and task_registry_plans.cc, _queries.cc, _measures.cc,
// _supervision.cc and _organizations.cc (the use cases).
class TaskRegistry {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  TaskRegistry(PlanStore* store, const common::Clock* clock,
               std::function<void(std::function<void()>)> dispatch = nullptr);

  // Loads every plan and organization from the store. Call once before use.
  absl::Status Load();

  // Parses and stores a plan document. Errors: InvalidArgument (empty,
  // oversized, not UTF-8, or malformed document: the message names the line;
  // bad time zone); InvalidArgument when `context.request_id` was used for
  // another request. The same document again → already_imported, no write.
  void ImportPlan(absl::string_view document_text, bool validate_only, absl::string_view time_zone,
                  const ChangeContext& context, Done<ImportResult> done);
  // Parses and stores a plan from its Word document: `docx` is the .docx file
  // as received, at most kMaxDocumentBytes (docx_plan_reader.h: read into the
  // text format, then parsed as ImportPlan parses text; provenance names
  // document positions). Plan.source_media_type is the .docx media type.
  // Errors as ImportPlan (messages naming the document position), and
  // InvalidArgument for a file that is not a readable .docx: "not a .docx
  // document: …" or "docx: …" (a zip bomb, a DOCTYPE, nesting too deep …).
  // The same file again → already_imported, no write.
  void ImportPlanDocx(absl::string_view docx, bool validate_only, absl::string_view time_zone,
                      const ChangeContext& context, Done<ImportResult> done);

  // Errors: NotFound.
  absl::StatusOr<Plan> GetPlan(absl::string_view plan_id) const;
  // Every plan, newest import first, without annex details.
  absl::StatusOr<PlanPage> ListPlans(const PageRequest& page) const;
  // Errors: NotFound.
  absl::StatusOr<PlanExport> ExportPlan(absl::string_view plan_id) const;

  // Errors: NotFound.
  absl::StatusOr<Task> GetTask(absl::string_view plan_id, absl::string_view task_id) const;
  // The measure and its task (for context). Errors: NotFound.
  absl::StatusOr<std::pair<Measure, Task>> GetMeasure(absl::string_view plan_id,
                                                      absl::string_view measure_id) const;

  // Filtered lists in document order. Errors: NotFound (plan, or the filter's
  // organization); InvalidArgument (page size, page token, filter).
  absl::StatusOr<TaskPage> ListTasks(absl::string_view plan_id, const MeasureQueryInput& query,
                                     const PageRequest& page) const;
  absl::StatusOr<MeasurePage> ListMeasures(absl::string_view plan_id,
                                           const MeasureQueryInput& query,
                                           const PageRequest& page) const;

  // Corrects a measure and records the revision. Errors: NotFound; Aborted
  // (stale etag); InvalidArgument (no field to change, missing etag or reason,
  // unknown organization, unresolvable deadline, reused request id). Answers
  // the measure and its task (for context), as written.
  void UpdateMeasure(const MeasureUpdate& update, const ChangeContext& context,
                     Done<std::pair<Measure, Task>> done);
  // Errors: NotFound.
  absl::StatusOr<std::vector<MeasureRevision>> ListRevisions(absl::string_view plan_id,
                                                             absl::string_view measure_id) const;

  // Creates a supervision task. `context.request_id` is required; a retry
  // with the same id and content returns the task created the first time.
  // Errors: NotFound (plan); InvalidArgument (fields; reused request id).
  void CreateSupervisionTask(const SupervisionTaskDraft& draft, const ChangeContext& context,
                             Done<Task> done);

  // Errors: NotFound.
  absl::StatusOr<Organization> GetOrganization(absl::string_view org_id) const;
  // Organizations of `kind` (kUnspecified for all) in name order.
  absl::StatusOr<OrganizationPage> ListOrganizations(OrganizationKind kind,
                                                     const PageRequest& page) const;
  // Errors: NotFound when the name is unknown; InvalidArgument when empty or too long.
  absl::StatusOr<Resolution> ResolveOrganization(absl::string_view written_name) const;

 private:
  // An immutable plan with lookup tables.
  struct PlanView {
    StoredPlan stored;
    absl::flat_hash_map<std::string, size_t> task_index;  // task id → index
    absl::flat_hash_map<std::string, std::pair<size_t, size_t>>
        measure_index;  // measure id → (task, measure)
    // Each organization's measures, for filters by organization.
    MeasuresByOrganization measures_by_organization;
  };
  struct State {
    absl::flat_hash_map<std::string, std::shared_ptr<const PlanView>> plans;
    std::shared_ptr<const OrganizationDirectory> organizations;
  };

  static std::shared_ptr<const PlanView> MakeView(StoredPlan stored);
  std::shared_ptr<const State> Snapshot() const;
  absl::StatusOr<std::shared_ptr<const PlanView>> FindPlan(const State& state,
                                                           absl::string_view plan_id) const;
  // Returns the earlier outcome's resource when `request_id` was used before
  // for the same method and content (a retry); InvalidArgument when it was used
  // for another method, resource or content (common::RequestLedger::Decide).
  absl::StatusOr<std::optional<std::string>> CheckRequest(absl::string_view request_id,
                                                          absl::string_view method,
                                                          absl::string_view fingerprint);
  // Resolves organization inputs (names, aliases, group words with their
  // members); `field` names them in errors.
  absl::StatusOr<std::vector<OrgRef>> ResolveInputs(const OrganizationDirectory& directory,
                                                    const std::vector<OrgRefInput>& inputs,
                                                    absl::string_view field) const;
  // `before` with the changes of `update` (resolved against `directory` and
  // `plan`); appends the names of the changed fields to `changed`.
  absl::StatusOr<Measure> Corrected(const MeasureUpdate& update, const Measure& before,
                                    const OrganizationDirectory& directory, const Plan& plan,
                                    std::vector<std::string>* changed) const;
  // Measure `i` of a supervision task `task_id` created at `now`.
  absl::StatusOr<Measure> DraftedMeasure(const SupervisionMeasureDraft& in, size_t i,
                                         const std::string& task_id, absl::Time now,
                                         const Plan& plan,
                                         const OrganizationDirectory& directory) const;
  // Stores `parsed` (the import of either format) unless a plan with its id
  // exists or `validate_only`.
  void ImportParsed(absl::StatusOr<ParsedPlan> parsed, bool validate_only,
                    const ChangeContext& context, Done<ImportResult> done);
  // Makes `next` the state readers see (after its change is durable).
  void Publish(std::shared_ptr<const State> next);

  // A write as decided under the key: the answer, and unless nothing is to be
  // written, the state to publish once `commit` (which calls the store) is durable.
  template <typename T>
  struct Decided {
    explicit Decided(T a) : answer(std::move(a)) {}
    Decided(T a, std::shared_ptr<const State> n) : answer(std::move(a)), next(std::move(n)) {}
    T answer;
    std::shared_ptr<const State> next;  // null: nothing to write, answer at once
    std::function<void(PlanStore::Done)> commit;
  };
  // Takes the registry's write key, runs `decide` against the state then,
  // commits what it decided, publishes it and releases the key, then answers.
  template <typename T>
  void RunWrite(std::function<absl::StatusOr<Decided<T>>()> decide, Done<T> done);

  PlanStore* const store_;
  const common::Clock* const clock_;

  mutable absl::Mutex state_mu_;
  std::shared_ptr<const State> state_ ABSL_GUARDED_BY(state_mu_);
  common::KeyedSerializer writes_;  // one key: see the class comment
};

template <typename T>
void TaskRegistry::RunWrite(std::function<absl::StatusOr<Decided<T>>()> decide, Done<T> done) {
  writes_.Run("registry", [this, decide = std::move(decide), done = std::move(done)](
                              std::shared_ptr<common::KeyedSerializer::Lease> lease) mutable {
    absl::StatusOr<Decided<T>> decided = decide();
    if (!decided.ok() || decided->next == nullptr) {
      lease.reset();
      if (!decided.ok()) {
        done(decided.status());
      } else {
        done(std::move(decided->answer));
      }
      return;
    }
    decided->commit([this, answer = std::move(decided->answer), next = std::move(decided->next),
                     lease = std::move(lease), done = std::move(done)](absl::Status s) mutable {
      if (s.ok()) Publish(std::move(next));
      lease.reset();  // published: the next write may be decided
      if (!s.ok()) {
        done(s);
        return;
      }
      done(std::move(answer));
    });
  });
}

}  // namespace ecoplan::registry
