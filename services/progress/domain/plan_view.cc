#include "services/progress/domain/plan_view.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace ecoplan::progress {

bool MeasureInfo::IsLead(absl::string_view org_id) const {
  return std::find(lead_org_ids.begin(), lead_org_ids.end(), org_id) != lead_org_ids.end();
}

bool MeasureInfo::Owns(absl::string_view org_id) const {
  return IsLead(org_id) || std::find(responsible_org_ids.begin(), responsible_org_ids.end(),
                                     org_id) != responsible_org_ids.end();
}

void PlanInfo::Index() {
  measure_index.clear();
  measures_of_org.clear();
  for (size_t i = 0; i < measures.size(); ++i) {
    MeasureInfo& m = measures[i];
    m.order = static_cast<int>(i);
    measure_index[m.id] = i;
    std::set<std::string> owners(m.lead_org_ids.begin(), m.lead_org_ids.end());
    owners.insert(m.responsible_org_ids.begin(), m.responsible_org_ids.end());
    for (const std::string& org : owners) measures_of_org[org].push_back(i);
  }
}

const MeasureInfo* PlanInfo::FindMeasure(absl::string_view measure_id) const {
  auto it = measure_index.find(measure_id);
  return it == measure_index.end() ? nullptr : &measures[it->second];
}

std::string PlanInfo::OrgName(absl::string_view org_id) const {
  auto it = organizations.find(std::string(org_id));
  return it == organizations.end() ? std::string(org_id) : it->second;
}

void PlanDirectory::SetConnected(bool connected) {
  absl::MutexLock lock(&mu_);
  connected_ = connected;
}

void PlanDirectory::SetConnectedProbe(std::function<bool()> probe) {
  absl::MutexLock lock(&mu_);
  probe_ = std::move(probe);
}

bool PlanDirectory::connected() const {
  std::function<bool()> probe;
  {
    absl::MutexLock lock(&mu_);
    if (!probe_) return connected_;
    probe = probe_;
  }
  return probe();
}

void PlanDirectory::Put(std::shared_ptr<const PlanInfo> plan) {
  absl::MutexLock lock(&mu_);
  auto next = std::make_shared<std::map<std::string, std::shared_ptr<const PlanInfo>>>(*plans_);
  (*next)[plan->id] = std::move(plan);
  plans_ = std::move(next);
}

std::shared_ptr<const PlanInfo> PlanDirectory::Find(absl::string_view plan_id) const {
  absl::MutexLock lock(&mu_);
  auto it = plans_->find(std::string(plan_id));
  return it == plans_->end() ? nullptr : it->second;
}

absl::StatusOr<std::shared_ptr<const PlanInfo>> PlanDirectory::Get(
    absl::string_view plan_id) const {
  std::shared_ptr<const PlanInfo> plan = Find(plan_id);
  if (plan != nullptr) return plan;
  if (connected()) {
    return absl::NotFoundError(absl::StrCat("plan \"plans/", plan_id, "\" does not exist"));
  }
  return absl::UnavailableError(absl::StrCat(
      "plan \"plans/", plan_id,
      "\" is not in this service's view of the registry and the registry cannot be reached "
      "now; nothing can be checked against it, so nothing is accepted: retry later"));
}

std::vector<std::shared_ptr<const PlanInfo>> PlanDirectory::All() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::shared_ptr<const PlanInfo>> out;
  for (const auto& [id, plan] : *plans_) out.push_back(plan);
  return out;
}

}  // namespace ecoplan::progress
