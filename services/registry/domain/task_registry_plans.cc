// TaskRegistry: plans: import a plan document, read, list and export plans.

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"
#include "services/registry/domain/docx_plan_reader.h"
#include "services/registry/domain/plan_parser.h"
#include "services/registry/domain/task_registry.h"
#include "services/registry/domain/task_registry_internal.h"

namespace ecoplan::registry {

using registry_internal::CheckRequestId;
using registry_internal::Fingerprint;
using registry_internal::kImportMethod;

namespace {

// Plan.source_media_type of a text import.
constexpr absl::string_view kTextMediaType = "text/plain";

absl::Status CheckDocument(absl::string_view document_text) {
  if (document_text.empty()) return absl::InvalidArgumentError("document_text is required");
  if (document_text.size() > kMaxDocumentBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("document_text is larger than ", kMaxDocumentBytes, " bytes"));
  }
  if (!common::IsValidUtf8(document_text)) {
    return absl::InvalidArgumentError("document_text is not valid UTF-8");
  }
  return absl::OkStatus();
}

// The parse options for a caller's `time_zone` (empty: the default zone).
absl::StatusOr<ParseOptions> ParseOptionsFor(absl::string_view time_zone) {
  ParseOptions options;
  if (!time_zone.empty()) {
    absl::TimeZone tz;
    if (time_zone.size() > 64 || !absl::LoadTimeZone(std::string(time_zone), &tz)) {
      return absl::InvalidArgumentError(
          absl::StrCat("time_zone: \"", time_zone.substr(0, 64), "\" is not an IANA time zone"));
    }
    options.time_zone = std::string(time_zone);
  }
  return options;
}

}  // namespace

void TaskRegistry::ImportPlan(absl::string_view document_text, bool validate_only,
                              absl::string_view time_zone, const ChangeContext& context,
                              Done<ImportResult> done) {
  // Checked and parsed before the write key, on the caller's thread.
  absl::StatusOr<ParsedPlan> parsed = [&]() -> absl::StatusOr<ParsedPlan> {
    ECOPLAN_RETURN_IF_ERROR(CheckDocument(document_text));
    ECOPLAN_RETURN_IF_ERROR(CheckRequestId(context.request_id, /*required=*/false));
    ECOPLAN_ASSIGN_OR_RETURN(ParseOptions options, ParseOptionsFor(time_zone));
    return ParsePlanDocument(document_text, options);
  }();
  if (parsed.ok()) parsed->plan.source_media_type = std::string(kTextMediaType);
  ImportParsed(std::move(parsed), validate_only, context, std::move(done));
}

void TaskRegistry::ImportPlanDocx(absl::string_view docx, bool validate_only,
                                  absl::string_view time_zone, const ChangeContext& context,
                                  Done<ImportResult> done) {
  absl::StatusOr<ParsedPlan> parsed = [&]() -> absl::StatusOr<ParsedPlan> {
    if (docx.empty()) return absl::InvalidArgumentError("document_file is required");
    if (docx.size() > kMaxDocumentBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("document_file is larger than ", kMaxDocumentBytes, " bytes"));
    }
    ECOPLAN_RETURN_IF_ERROR(CheckRequestId(context.request_id, /*required=*/false));
    ECOPLAN_ASSIGN_OR_RETURN(ParseOptions options, ParseOptionsFor(time_zone));
    return ParsePlanDocx(docx, options, kMaxDocumentBytes);
  }();
  ImportParsed(std::move(parsed), validate_only, context, std::move(done));
}

void TaskRegistry::ImportParsed(absl::StatusOr<ParsedPlan> parsed, bool validate_only,
                                const ChangeContext& context, Done<ImportResult> done) {
  if (!parsed.ok()) {
    done(parsed.status());
    return;
  }
  auto shared = std::make_shared<ParsedPlan>(*std::move(parsed));
  RunWrite<ImportResult>(
      [this, shared, validate_only, context]() -> absl::StatusOr<Decided<ImportResult>> {
        ParsedPlan& parsed = *shared;
        std::shared_ptr<const State> state = Snapshot();
        if (auto it = state->plans.find(parsed.plan.id); it != state->plans.end()) {
          return Decided<ImportResult>{{it->second->stored.plan, /*already_imported=*/true}};
        }
        if (validate_only) return Decided<ImportResult>{{std::move(parsed.plan), false}};
        // The plan id is derived from the content, so a retried import is found
        // above; the request record only guards against reusing the id for
        // another document.
        const std::string fingerprint = Fingerprint({parsed.plan.id});
        ECOPLAN_RETURN_IF_ERROR(
            CheckRequest(context.request_id, kImportMethod, fingerprint).status());
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
          request = RequestRecord{context.request_id, std::string(kImportMethod),
                                  absl::StrCat("plans/", stored.plan.id), fingerprint};
        }
        const PlanImported event{stored.plan.id, stored.plan.title, stored.plan.document_number,
                                 stored.plan.summary};
        Decided<ImportResult> decided{{stored.plan, false}};
        std::shared_ptr<const PlanView> view = MakeView(std::move(stored));
        auto next = std::make_shared<State>(*state);
        next->plans[view->stored.plan.id] = view;
        next->organizations = std::make_shared<const OrganizationDirectory>(merged);
        decided.next = std::move(next);
        decided.commit = [this, view, merged = std::move(merged), request, event,
                          context](PlanStore::Done committed) {
          store_->CommitImport(view->stored, merged, request, event, context, std::move(committed));
        };
        return decided;
      },
      std::move(done));
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

}  // namespace ecoplan::registry
