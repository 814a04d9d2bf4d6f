#include "common/server/status_page.h"

#include <utility>

namespace ecoplan::common {

void StatusPage::Set(const std::string& name, Render render) {
  absl::MutexLock lock(&mu_);
  objects_[name] = std::move(render);
}

void StatusPage::SetItem(const std::string& list, const std::string& key, Render render) {
  absl::MutexLock lock(&mu_);
  lists_[list][key] = std::move(render);
}

void StatusPage::Remove(const std::string& name) {
  absl::MutexLock lock(&mu_);
  objects_.erase(name);
  lists_.erase(name);
}

nlohmann::ordered_json StatusPage::ToJson(absl::Time now) const {
  nlohmann::ordered_json page = nlohmann::ordered_json::object();
  page["time"] = TimeJson(now);
  // The lock is held while rendering, so Remove() waits for a render using
  // what it is about to destroy.
  absl::MutexLock lock(&mu_);
  std::map<std::string, nlohmann::ordered_json> sections;
  for (const auto& [name, render] : objects_) sections[name] = render();
  for (const auto& [name, items] : lists_) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& [key, render] : items) list.push_back(render());
    sections[name] = std::move(list);
  }
  for (auto& [name, section] : sections) page[name] = std::move(section);
  return page;
}

nlohmann::ordered_json StatusPage::TimeJson(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return nullptr;
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

}  // namespace ecoplan::common
