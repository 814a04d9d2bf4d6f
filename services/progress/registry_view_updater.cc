#include "services/progress/registry_view_updater.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "services/progress/proto_mapping.h"

namespace ecoplan::progress {
namespace {

namespace rv1 = ::ecoplan::registry::v1;

void AddIds(const google::protobuf::RepeatedPtrField<rv1::OrgRef>& refs,
            std::vector<std::string>* ids) {
  auto add = [ids](absl::string_view name) {
    std::string id = common::LastSegment(name);
    if (!id.empty() && std::find(ids->begin(), ids->end(), id) == ids->end()) ids->push_back(id);
  };
  for (const rv1::OrgRef& ref : refs) {
    if (ref.target_case() == rv1::OrgRef::kOrganization) add(ref.organization());
    for (const std::string& member : ref.members()) add(member);
  }
}

void AddNames(const google::protobuf::RepeatedPtrField<rv1::OrgRef>& refs, PlanInfo* plan) {
  for (const rv1::OrgRef& ref : refs) {
    if (ref.target_case() == rv1::OrgRef::kOrganization) {
      plan->organizations.emplace(common::LastSegment(ref.organization()), ref.written_name());
    }
  }
}

common::FollowEffect NoEffect() { return common::FollowEffect(); }

}  // namespace

MeasureInfo MeasureFromRegistry(const rv1::Measure& m) {
  MeasureInfo info;
  info.id = common::LastSegment(m.name());
  info.text = m.text();
  info.deadline_raw = m.deadline().raw();
  info.deadline_kind = m.deadline().kind();
  if (m.deadline().has_window_start()) {
    if (auto d = common::DateFromProto(m.deadline().window_start(), "d"); d.ok())
      info.window_start = *d;
  }
  if (m.deadline().has_due_date()) {
    if (auto d = common::DateFromProto(m.deadline().due_date(), "d"); d.ok()) info.due = *d;
  }
  AddIds(m.lead_organizations(), &info.lead_org_ids);
  AddIds(m.responsible_organizations(), &info.responsible_org_ids);
  // Checkpoints of the text, each with the days its occurrences are due.
  for (const rv1::Checkpoint& c : m.checkpoints()) {
    CheckpointInfo checkpoint;
    checkpoint.phrase = c.phrase();
    if (c.kind() == rv1::CHECKPOINT_KIND_RECURRING) {
      for (const auto& day : c.due_dates()) {
        if (auto d = common::DateFromProto(day, "d"); d.ok()) checkpoint.dues.push_back(*d);
      }
    } else if (c.has_due_date()) {
      if (auto d = common::DateFromProto(c.due_date(), "d"); d.ok()) checkpoint.dues.push_back(*d);
    }
    std::sort(checkpoint.dues.begin(), checkpoint.dues.end());
    info.checkpoints.push_back(std::move(checkpoint));
  }
  return info;
}

RegistryViewUpdater::RegistryViewUpdater(RocksDbReportStore* store, PlanDirectory* plans,
                                         rv1::RegistryService::StubInterface* registry,
                                         absl::Duration call_timeout, common::Logger log)
    : store_(store),
      plans_(plans),
      registry_(registry),
      call_timeout_(call_timeout),
      log_(std::move(log)) {}

absl::Status RegistryViewUpdater::LoadStoredViews() {
  ECOPLAN_ASSIGN_OR_RETURN(auto views, store_->LoadPlanViews());
  for (auto& view : views) plans_->Put(std::move(view));
  return absl::OkStatus();
}

absl::StatusOr<common::FollowEffect> RegistryViewUpdater::Publish(std::shared_ptr<PlanInfo> plan,
                                                                  uint64_t sequence) {
  plan->registry_sequence = sequence;
  plan->Index();
  common::FollowEffect effect;
  ECOPLAN_RETURN_IF_ERROR(store_->PutPlanView(effect.write.batch, *plan));
  effect.on_committed = [this, plan = std::shared_ptr<const PlanInfo>(plan)] { plans_->Put(plan); };
  return effect;
}

absl::StatusOr<std::shared_ptr<PlanInfo>> RegistryViewUpdater::ExportedPlan(
    const std::string& name) {
  rv1::ExportPlanRequest request;
  request.set_name(name);
  rv1::ExportPlanResponse exported;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
  ECOPLAN_RETURN_IF_ERROR(
      common::FromGrpcStatus(registry_->ExportPlan(&context, request, &exported)));
  auto plan = std::make_shared<PlanInfo>();
  plan->id = common::CollectionId(exported.plan().name(), "plans");
  plan->title = exported.plan().title();
  plan->year = exported.plan().year();
  plan->time_zone =
      exported.plan().time_zone().empty() ? "Asia/Shanghai" : exported.plan().time_zone();
  plan->reporting_due_day =
      exported.plan().reporting_due_day() > 0 ? exported.plan().reporting_due_day() : 25;
  if (exported.plan().has_issue_date()) {
    if (auto d = common::DateFromProto(exported.plan().issue_date(), "issue_date"); d.ok()) {
      plan->issue_date = *d;
    }
  }
  for (const rv1::Organization& org : exported.organizations()) {
    plan->organizations[common::LastSegment(org.name())] = org.display_name();
  }
  for (const rv1::Task& task : exported.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      plan->measures.push_back(MeasureFromRegistry(m));
      AddNames(m.lead_organizations(), plan.get());
      AddNames(m.responsible_organizations(), plan.get());
    }
  }
  return plan;
}

absl::Status RegistryViewUpdater::RefreshOldViews() {
  absl::Status retry = absl::OkStatus();
  for (const std::shared_ptr<const PlanInfo>& old : plans_->All()) {
    if (old->stored_format >= kPlanViewFormat) continue;
    absl::StatusOr<std::shared_ptr<PlanInfo>> plan = ExportedPlan(absl::StrCat("plans/", old->id));
    if (!plan.ok()) {
      const absl::StatusCode code = plan.status().code();
      if (code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded) {
        log_.Warn("cannot refresh a plan view of an older format yet; trying again",
                  {{"plan", old->id}, {"error", plan.status().ToString()}});
        if (retry.ok()) retry = plan.status();
      } else {
        log_.Warn("plan view of an older format not refreshed: the registry does not export it",
                  {{"plan", old->id}, {"error", plan.status().ToString()}});
      }
      continue;
    }
    std::shared_ptr<PlanInfo> fresh = *std::move(plan);
    fresh->registry_sequence = old->registry_sequence;  // the events applied stay applied
    fresh->stored_format = kPlanViewFormat;
    fresh->Index();
    ECOPLAN_RETURN_IF_ERROR(store_->WritePlanView(*fresh));
    size_t checkpoints = 0;
    for (const MeasureInfo& m : fresh->measures) checkpoints += m.checkpoints.size();
    log_.Info("plan view of an older format refreshed from the registry",
              {{"plan", fresh->id},
               {"stored_format", old->stored_format},
               {"format", kPlanViewFormat},
               {"measures", fresh->measures.size()},
               {"checkpoints", checkpoints},
               {"registry_sequence", fresh->registry_sequence}});
    plans_->Put(std::move(fresh));
  }
  return retry;
}

common::StreamOpener RegistryViewUpdater::WithViewRefresh(common::StreamOpener open) {
  return common::PreparedFirst(
      std::move(open), [this] { return RefreshOldViews(); },
      [this](const absl::Status& failed) {
        log_.Warn(
            "plan views of an older format not all refreshed; trying again before the next "
            "stream",
            {{"error", failed.ToString()}});
      });
}

absl::StatusOr<common::FollowEffect> RegistryViewUpdater::Handle(
    const ecoplan::common::v1::Event& event) {
  if (event.type() == "ecoplan.registry.v1.PlanImported") {
    rv1::PlanImported imported;
    if (!event.payload().UnpackTo(&imported)) {
      return absl::InvalidArgumentError("PlanImported payload does not parse");
    }
    ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<PlanInfo> plan, ExportedPlan(imported.plan()));
    log_.Info("registry plan imported into the view", {{"plan", plan->id},
                                                       {"measures", plan->measures.size()},
                                                       {"registry_sequence", event.sequence()}});
    return Publish(std::move(plan), event.sequence());
  }
  if (event.type() == "ecoplan.registry.v1.MeasureUpdated" ||
      event.type() == "ecoplan.registry.v1.SupervisionTaskCreated") {
    std::vector<rv1::Measure> measures;
    if (event.type() == "ecoplan.registry.v1.MeasureUpdated") {
      rv1::MeasureUpdated updated;
      if (!event.payload().UnpackTo(&updated)) {
        return absl::InvalidArgumentError("MeasureUpdated payload does not parse");
      }
      measures.push_back(updated.revision().after());
    } else {
      rv1::SupervisionTaskCreated created;
      if (!event.payload().UnpackTo(&created)) {
        return absl::InvalidArgumentError("SupervisionTaskCreated payload does not parse");
      }
      measures.assign(created.task().measures().begin(), created.task().measures().end());
    }
    if (measures.empty()) return NoEffect();
    const std::string plan_id = common::CollectionId(measures[0].name(), "plans");
    std::shared_ptr<const PlanInfo> current = plans_->Find(plan_id);
    if (current == nullptr) {
      log_.Warn("registry event for a plan not in the view; ignored",
                {{"plan", plan_id}, {"type", event.type()}, {"sequence", event.sequence()}});
      return NoEffect();
    }
    auto plan = std::make_shared<PlanInfo>(*current);
    for (const rv1::Measure& m : measures) {
      MeasureInfo info = MeasureFromRegistry(m);
      AddNames(m.lead_organizations(), plan.get());
      AddNames(m.responsible_organizations(), plan.get());
      auto it = std::find_if(plan->measures.begin(), plan->measures.end(),
                             [&](const MeasureInfo& x) { return x.id == info.id; });
      if (it != plan->measures.end()) {
        *it = std::move(info);
      } else {
        plan->measures.push_back(std::move(info));
      }
    }
    return Publish(std::move(plan), event.sequence());
  }
  return NoEffect();
}

}  // namespace ecoplan::progress
