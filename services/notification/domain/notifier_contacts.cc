// Notifier: the contacts of each organization (联络员, 分管领导, 主要领导).

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/notification/domain/notifier.h"

namespace ecoplan::notification {

namespace {

absl::Status ValidateContacts(const std::string& organization_id,
                              const std::vector<Contact>& contacts) {
  if (organization_id.empty() || organization_id.size() > 64) {
    return absl::InvalidArgumentError("organization must be organizations/{id}");
  }
  if (contacts.size() > 20) return absl::InvalidArgumentError("contacts: at most 20");
  for (size_t i = 0; i < contacts.size(); ++i) {
    const Contact& c = contacts[i];
    const int level = static_cast<int>(c.level);
    if (level < 1 || level > 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("contacts[", i, "].level must be LIAISON, DEPUTY_HEAD or HEAD"));
    }
    if (c.display_name.empty() || c.display_name.size() > 64 * 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("contacts[", i, "].display_name: 1..64 characters"));
    }
    if (c.address.size() > 128 * 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("contacts[", i, "].address: at most 128 characters"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

void Notifier::SetContacts(const std::string& organization_id, const std::vector<Contact>& contacts,
                           const std::string& etag, Done<OrgContacts> done) {
  if (absl::Status valid = ValidateContacts(organization_id, contacts); !valid.ok()) {
    done(valid);
    return;
  }
  WriteFor<OrgContacts>(
      {absl::StrCat("contacts/", organization_id)},
      [this, organization_id, contacts, etag](Changes* changes) -> absl::StatusOr<OrgContacts> {
        OrgContacts current;
        current.organization_id = organization_id;
        auto it = state_.contacts.find(organization_id);
        if (it != state_.contacts.end()) current = it->second;
        const std::string current_etag = absl::StrCat("c", current.revision);
        if (current.revision > 0 && etag != current_etag) {
          return absl::AbortedError(
              absl::StrCat("stale etag for the contacts of ", organization_id));
        }
        current.contacts = contacts;
        ++current.revision;
        changes->contacts.push_back(current);
        ChangeEvent changed;
        changed.type = ChangeEvent::Type::kContactsChanged;
        changed.organization_id = organization_id;
        changes->events.push_back(changed);
        return current;
      },
      std::move(done));
}

absl::StatusOr<OrgContacts> Notifier::SetContacts(const std::string& organization_id,
                                                  const std::vector<Contact>& contacts,
                                                  const std::string& etag) {
  return Await<OrgContacts>(
      [&](Done<OrgContacts> done) { SetContacts(organization_id, contacts, etag, done); });
}

OrgContacts Notifier::GetContacts(const std::string& organization_id) const {
  absl::MutexLock lock(&mu_);
  auto it = state_.contacts.find(organization_id);
  if (it != state_.contacts.end()) return it->second;
  OrgContacts none;
  none.organization_id = organization_id;
  return none;
}

}  // namespace ecoplan::notification
