#include "services/indicator/registry_plan_follower.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"
#include "services/indicator/follow_effect.h"
#include "services/indicator/proto_mapping.h"

namespace ecoplan::indicator {
namespace {

namespace rv1 = ::ecoplan::registry::v1;

SourceTable TableFrom(const rv1::IndicatorTable& t) {
  auto row = [](const rv1::TableRow& r) {
    SourceRow out;
    for (const rv1::TableCell& c : r.cells()) {
      SourceCell cell;
      cell.text = c.text();
      cell.state = c.state() == rv1::CELL_STATE_BLANK_MERGED     ? CellState::kBlankMerged
                   : c.state() == rv1::CELL_STATE_NOT_APPLICABLE ? CellState::kNotApplicable
                                                                 : CellState::kValue;
      out.push_back(std::move(cell));
    }
    return out;
  };
  SourceTable out;
  out.index = t.index();
  for (const rv1::TableRow& r : t.header_rows()) out.header_rows.push_back(row(r));
  for (const rv1::TableRow& r : t.rows()) out.rows.push_back(row(r));
  return out;
}

// Canonical names of the organizations a reference stands for.
std::vector<std::string> Names(const google::protobuf::RepeatedPtrField<rv1::OrgRef>& refs,
                               const std::map<std::string, std::string>* display) {
  std::vector<std::string> out;
  auto add = [&](const std::string& name, const std::string& written) {
    std::string n = written;
    if (display != nullptr) {
      auto it = display->find(name);
      if (it != display->end()) n = it->second;
    }
    if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  for (const rv1::OrgRef& ref : refs) {
    if (ref.target_case() == rv1::OrgRef::kOrganization)
      add(ref.organization(), ref.written_name());
    for (const std::string& member : ref.members())
      add(member, display ? "" : common::LastSegment(member));
  }
  return out;
}

// A registry date, or nothing when it is unset or not a date.
std::optional<absl::CivilDay> DayOf(bool set, const ecoplan::common::v1::Date& date) {
  if (!set) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = DateFromProto(date, "date");
  if (!day.ok()) return std::nullopt;
  return *day;
}

MeasureView ViewOf(const rv1::Measure& m, const std::map<std::string, std::string>* display) {
  MeasureView v;
  v.id = common::LastSegment(m.name());
  v.due = DayOf(m.deadline().has_due_date(), m.deadline().due_date());
  const std::vector<std::string> leads = Names(m.lead_organizations(), display);
  v.owners = leads;
  // 责任单位: group words (各镇街) stand for their members; a lead is not listed twice.
  for (const std::string& n : Names(m.responsible_organizations(), display)) {
    if (std::find(leads.begin(), leads.end(), n) == leads.end()) {
      v.responsible_organizations.push_back(n);
    }
  }
  v.clear_all_required = absl::StrContains(common::NormalizeDocumentText(m.text()), "动态清零");
  // Checkpoints of the text: each with the day(s) it is due.
  for (const rv1::Checkpoint& c : m.checkpoints()) {
    CheckpointView due;
    due.phrase = c.phrase();
    if (c.kind() == rv1::CHECKPOINT_KIND_RECURRING) {
      for (const ecoplan::common::v1::Date& d : c.due_dates()) {
        if (std::optional<absl::CivilDay> day = DayOf(true, d)) due.due_dates.push_back(*day);
      }
    } else if (std::optional<absl::CivilDay> day = DayOf(c.has_due_date(), c.due_date())) {
      due.due_dates.push_back(*day);
    }
    v.checkpoints.push_back(std::move(due));
  }
  // Who sees the measure's colour: its lead and responsible organizations, by id.
  for (const auto* refs : {&m.lead_organizations(), &m.responsible_organizations()}) {
    for (const rv1::OrgRef& ref : *refs) {
      std::vector<std::string> ids;
      if (ref.target_case() == rv1::OrgRef::kOrganization) {
        ids.push_back(common::LastSegment(ref.organization()));
      }
      for (const std::string& member : ref.members()) ids.push_back(common::LastSegment(member));
      for (const std::string& id : ids) {
        const std::vector<std::string>& held = v.organization_ids;
        if (!id.empty() && std::find(held.begin(), held.end(), id) == held.end()) {
          v.organization_ids.push_back(id);
        }
      }
    }
  }
  return v;
}

}  // namespace

MeasureView MeasureViewFromRegistry(const rv1::Measure& measure,
                                    const std::map<std::string, std::string>& organizations) {
  return ViewOf(measure, &organizations);
}

RegistryPlan FromRegistryExport(const rv1::ExportPlanResponse& exported) {
  RegistryPlan out;
  const rv1::Plan& plan = exported.plan();
  std::map<std::string, std::string> display;
  for (const rv1::Organization& o : exported.organizations()) {
    display[o.name()] = o.display_name();
    out.view.organization_names[common::LastSegment(o.name())] = o.display_name();
  }
  out.source.plan_id = common::CollectionId(plan.name(), "plans");
  out.source.year = plan.year();
  out.source.district = plan.district();
  for (const rv1::Annex& annex : plan.annexes()) {
    if (annex.kind() != rv1::ANNEX_KIND_INDICATOR_TABLE) continue;
    std::vector<SourceTable>* into = annex.number() == 4   ? &out.source.annex4
                                     : annex.number() == 5 ? &out.source.annex5
                                                           : nullptr;
    if (into == nullptr) continue;
    for (const rv1::IndicatorTable& t : annex.indicator_tables()) into->push_back(TableFrom(t));
  }
  out.view.plan_id = out.source.plan_id;
  out.view.year = plan.year();
  out.view.reporting_due_day = plan.reporting_due_day();
  out.view.issue_date = DayOf(plan.has_issue_date(), plan.issue_date());
  for (const rv1::Task& task : exported.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      SourceMeasure sm;
      sm.id = common::LastSegment(m.name());
      // The registry keeps texts as the document writes them (full-width
      // digits and signs too); targets are read from the normalized form.
      sm.text = common::NormalizeDocumentText(m.text());
      sm.leads = Names(m.lead_organizations(), &display);
      out.source.measures.push_back(std::move(sm));
      out.view.measures.push_back(ViewOf(m, &display));
    }
  }
  return out;
}

RegistryPlanFollower::RegistryPlanFollower(IndicatorEvaluator* evaluator,
                                           const RocksDbIndicatorStore* store,
                                           rv1::RegistryService::StubInterface* registry,
                                           absl::Duration call_timeout, common::Logger log)
    : evaluator_(evaluator),
      store_(store),
      registry_(registry),
      call_timeout_(call_timeout),
      log_(std::move(log)) {}

absl::Status RegistryPlanFollower::RefreshOldViews() {
  absl::Status retry = absl::OkStatus();
  for (const PlanView& old : evaluator_->OldFormatViews()) {
    rv1::ExportPlanRequest request;
    request.set_name(absl::StrCat("plans/", old.plan_id));
    rv1::ExportPlanResponse exported;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
    const absl::Status read =
        common::FromGrpcStatus(registry_->ExportPlan(&context, request, &exported));
    if (!read.ok()) {
      if (absl::IsUnavailable(read) || absl::IsDeadlineExceeded(read)) {
        log_.Warn("cannot refresh a plan view of an older format yet; trying again",
                  {{"plan", old.plan_id}, {"error", read.ToString()}});
        if (retry.ok()) retry = read;
      } else {
        log_.Warn("plan view of an older format not refreshed: the registry does not export it",
                  {{"plan", old.plan_id}, {"error", read.ToString()}});
      }
      continue;
    }
    PlanView view = FromRegistryExport(exported).view;
    view.plan_id = old.plan_id;
    view.registry_sequence = old.registry_sequence;  // the events applied stay applied
    size_t checkpoints = 0;
    for (const MeasureView& m : view.measures) checkpoints += m.checkpoints.size();
    const size_t measures = view.measures.size();
    ECOPLAN_RETURN_IF_ERROR(evaluator_->CommitEffectNow(evaluator_->PrepareViewRefresh(view)));
    log_.Info("plan view of an older format refreshed from the registry",
              {{"plan", old.plan_id},
               {"stored_format", old.stored_format},
               {"format", kPlanViewFormat},
               {"measures", measures},
               {"checkpoints", checkpoints},
               {"registry_sequence", old.registry_sequence}});
  }
  return retry;
}

common::StreamOpener RegistryPlanFollower::WithViewRefresh(common::StreamOpener open) {
  return common::PreparedFirst(
      std::move(open), [this] { return RefreshOldViews(); },
      [this](const absl::Status& failed) {
        log_.Warn(
            "plan views of an older format not all refreshed; trying again before the next "
            "stream",
            {{"error", failed.ToString()}});
      });
}

absl::StatusOr<common::FollowEffect> RegistryPlanFollower::Handle(
    const ecoplan::common::v1::Event& event) {
  std::optional<SyncEffect> effect;
  if (event.type() == "ecoplan.registry.v1.PlanImported") {
    rv1::PlanImported imported;
    if (!event.payload().UnpackTo(&imported)) {
      return absl::InvalidArgumentError("PlanImported payload does not parse");
    }
    rv1::ExportPlanRequest request;
    request.set_name(imported.plan());
    rv1::ExportPlanResponse exported;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
    ECOPLAN_RETURN_IF_ERROR(
        common::FromGrpcStatus(registry_->ExportPlan(&context, request, &exported)));
    RegistryPlan plan = FromRegistryExport(exported);
    plan.view.registry_sequence = event.sequence();
    ECOPLAN_ASSIGN_OR_RETURN(SyncEffect sync, evaluator_->PrepareSync(plan.source, plan.view, ""));
    log_.Info("registry plan synced", {{"plan", plan.source.plan_id},
                                       {"changed_indicators", sync.changed},
                                       {"registry_sequence", event.sequence()}});
    effect = std::move(sync);
  } else if (event.type() == "ecoplan.registry.v1.MeasureUpdated") {
    rv1::MeasureUpdated updated;
    if (!event.payload().UnpackTo(&updated)) {
      return absl::InvalidArgumentError("MeasureUpdated payload does not parse");
    }
    const rv1::Measure& m = updated.revision().after();
    // The event names organizations by resource name (group members) and as
    // written (an alias): the plan's organization list gives their canonical
    // names, which reports use.
    rv1::ExportPlanRequest request;
    request.set_name(absl::StrCat("plans/", common::CollectionId(m.name(), "plans")));
    rv1::ExportPlanResponse exported;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
    ECOPLAN_RETURN_IF_ERROR(
        common::FromGrpcStatus(registry_->ExportPlan(&context, request, &exported)));
    std::map<std::string, std::string> display;
    for (const rv1::Organization& o : exported.organizations())
      display[o.name()] = o.display_name();
    ECOPLAN_ASSIGN_OR_RETURN(
        SyncEffect sync, evaluator_->PrepareMeasureUpdate(common::CollectionId(m.name(), "plans"),
                                                          MeasureViewFromRegistry(m, display)));
    effect = std::move(sync);
  }
  if (!effect.has_value()) return common::FollowEffect();
  return FollowEffectOf(*store_, *std::move(effect));
}

}  // namespace ecoplan::indicator
