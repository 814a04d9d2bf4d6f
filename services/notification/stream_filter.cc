#include "services/notification/stream_filter.h"

#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/notification/proto_mapping.h"

namespace ecoplan::notification {
namespace {

constexpr char kCreatedType[] = "ecoplan.notification.v1.NotificationCreated";
constexpr int kMaxKinds = 64;  // every kind, with room for more
constexpr int kMaxOrganizations = 100;

struct Filter {
  absl::flat_hash_set<int> kinds;
  absl::flat_hash_set<std::string> organizations;  // as names, organizations/{id}
  absl::flat_hash_set<int> severities;

  bool Matches(const common::v1::Event& event) const {
    if (event.type() != kCreatedType) return false;
    v1::NotificationCreated created;
    if (!event.payload().UnpackTo(&created)) return false;
    const v1::Notification& n = created.notification();
    return (kinds.empty() || kinds.contains(n.kind())) &&
           (organizations.empty() || organizations.contains(n.recipient())) &&
           (severities.empty() || severities.contains(n.severity()));
  }
};

}  // namespace

absl::StatusOr<common::EventFilter> StreamFilterOf(const v1::StreamNotificationsRequest& request) {
  if (request.kinds().empty() && request.organizations().empty() && request.severities().empty()) {
    return common::EventFilter();
  }
  if (request.kinds_size() > kMaxKinds) {
    return absl::InvalidArgumentError(absl::StrCat("kinds: at most ", kMaxKinds, " kinds"));
  }
  if (request.organizations_size() > kMaxOrganizations) {
    return absl::InvalidArgumentError(
        absl::StrCat("organizations: at most ", kMaxOrganizations, " organizations"));
  }
  auto filter = std::make_shared<Filter>();
  for (int i = 0; i < request.kinds_size(); ++i) {
    const int kind = request.kinds(i);
    if (kind == v1::NOTIFICATION_KIND_UNSPECIFIED || !v1::NotificationKind_IsValid(kind)) {
      return absl::InvalidArgumentError(absl::StrCat("kinds[", i, "]: not a notification kind"));
    }
    filter->kinds.insert(kind);
  }
  for (int i = 0; i < request.organizations_size(); ++i) {
    absl::StatusOr<std::string> id = ParseName(request.organizations(i), "organizations",
                                               absl::StrCat("organizations[", i, "]"));
    if (!id.ok()) return id.status();
    filter->organizations.insert(absl::StrCat("organizations/", *id));
  }
  for (int i = 0; i < request.severities_size(); ++i) {
    const int severity = request.severities(i);
    if (severity == v1::SEVERITY_UNSPECIFIED || !v1::Severity_IsValid(severity)) {
      return absl::InvalidArgumentError(absl::StrCat("severities[", i, "]: not a severity"));
    }
    filter->severities.insert(severity);
  }
  return common::EventFilter(
      [filter](const common::v1::Event& event) { return filter->Matches(event); });
}

}  // namespace ecoplan::notification
