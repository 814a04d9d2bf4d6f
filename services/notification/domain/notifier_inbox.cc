// Notifier: the inbox (list, read, mark read, acknowledge).

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"
#include "services/notification/domain/notifier.h"

namespace ecoplan::notification {

namespace {

// Whether `text` (valid UTF-8) holds a control character: C0, DEL or C1.
bool HasControlCharacter(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) return true;
    // U+0080..U+009F are encoded as C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < text.size()) {
      const unsigned char next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

absl::Status CheckUtf8(absl::string_view text, absl::string_view field) {
  if (common::IsValidUtf8(text)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, " is not valid UTF-8 (byte ", common::FirstInvalidUtf8Offset(text), ")"));
}

}  // namespace

absl::Status ValidateAcknowledgeNote(const AcknowledgeNote& note) {
  ECOPLAN_RETURN_IF_ERROR(CheckUtf8(note.comment, "comment"));
  if (common::Utf8Length(note.comment) > kMaxAcknowledgeComment) {
    return absl::InvalidArgumentError(
        absl::StrCat("comment is longer than ", kMaxAcknowledgeComment, " characters"));
  }
  const std::string& ref = note.external_reference;
  ECOPLAN_RETURN_IF_ERROR(CheckUtf8(ref, "external_reference"));
  if (common::Utf8Length(ref) > kMaxExternalReference) {
    return absl::InvalidArgumentError(
        absl::StrCat("external_reference is longer than ", kMaxExternalReference, " characters"));
  }
  if (HasControlCharacter(ref)) {
    return absl::InvalidArgumentError(
        "external_reference must be printable (no control characters, no line breaks)");
  }
  return absl::OkStatus();
}

absl::StatusOr<InboxPage> Notifier::ListInbox(const Caller& caller,
                                              const std::string& organization_id, bool unread_only,
                                              Kind kind, int page_size,
                                              const std::string& page_token) {
  if (!caller.MayReadFor(organization_id)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "a reporter of ", caller.organization_id, " may not read the inbox of ", organization_id));
  }
  if (page_size < 0 || page_size > 500) {
    return absl::InvalidArgumentError("page_size must be 0..500");
  }
  return store_->ListInbox(organization_id, unread_only, kind, page_size == 0 ? 50 : page_size,
                           page_token);
}

absl::StatusOr<Notification> Notifier::GetNotification(const Caller& caller, uint64_t number) {
  ECOPLAN_ASSIGN_OR_RETURN(Notification n, store_->GetNotification(number));
  if (!caller.MayReadFor(n.recipient)) {
    return absl::PermissionDeniedError("the notification belongs to another organization");
  }
  return n;
}

namespace {

std::string NotificationKey(uint64_t number) { return absl::StrCat("notification/", number); }

// Why `caller` may not change a notification (mark it read, acknowledge it).
absl::Status RefuseChange(const Caller& caller) {
  if (caller.role == Caller::Role::kViewer && caller.organization_id.empty()) {
    return absl::PermissionDeniedError(
        "a viewer marks and acknowledges only its own organization's notifications, and these "
        "credentials name no organization");
  }
  if (caller.role == Caller::Role::kService) {
    return absl::PermissionDeniedError("a service does not mark or acknowledge notifications");
  }
  return absl::PermissionDeniedError("the notification belongs to another organization");
}

}  // namespace

// Under the notification's key: its read and acknowledge times change only there.
void Notifier::MarkRead(const Caller& caller, uint64_t number, Done<Notification> done) {
  WriteFor<Notification>(
      {NotificationKey(number)},
      [this, caller, number](Changes* changes) -> absl::StatusOr<Notification> {
        ECOPLAN_ASSIGN_OR_RETURN(Notification n, store_->GetNotification(number));
        if (!caller.MayChangeFor(n.recipient)) return RefuseChange(caller);
        if (n.read_time.has_value()) return n;
        n.read_time = Now();
        changes->notifications.push_back(n);
        ChangeEvent read;
        read.type = ChangeEvent::Type::kNotificationRead;
        read.notification_number = n.number;
        changes->events.push_back(read);
        return n;
      },
      std::move(done));
}

absl::StatusOr<Notification> Notifier::MarkRead(const Caller& caller, uint64_t number) {
  return Await<Notification>([&](Done<Notification> done) { MarkRead(caller, number, done); });
}

// Under the notification's key, and kEmitKey when it escalates: the schedule changes its
// escalation too.
void Notifier::Acknowledge(const Caller& caller, uint64_t number, const AcknowledgeNote& note,
                           Done<Notification> done) {
  if (absl::Status valid = ValidateAcknowledgeNote(note); !valid.ok()) {
    done(valid);
    return;
  }
  absl::StatusOr<Notification> found = store_->GetNotification(number);
  if (!found.ok()) {
    done(found.status());
    return;
  }
  std::vector<std::string> keys = {NotificationKey(number)};
  if (!found->escalation_key.empty()) keys.push_back(kEmitKey);
  WriteFor<Notification>(
      std::move(keys),
      [this, caller, number, note](Changes* changes) -> absl::StatusOr<Notification> {
        ECOPLAN_ASSIGN_OR_RETURN(Notification n, store_->GetNotification(number));
        if (!caller.MayChangeFor(n.recipient)) return RefuseChange(caller);
        ChangeEvent event;
        event.type = ChangeEvent::Type::kNotificationAcknowledged;
        event.notification_number = n.number;
        if (n.acknowledge_time.has_value()) {
          // A repeat answers the first acknowledgement; a reference learned later is recorded.
          const std::string& ref = note.external_reference;
          if (ref.empty() || ref == n.external_reference) return n;
          if (!n.external_reference.empty()) {
            return absl::FailedPreconditionError(absl::StrCat(
                "notifications/", NotificationId(n.number), " was acknowledged with reference \"",
                n.external_reference, "\"; it cannot be given another (\"", ref, "\")"));
          }
          n.external_reference = ref;
          changes->notifications.push_back(n);
          changes->events.push_back(event);
          return n;
        }
        n.acknowledge_time = Now();
        if (!n.read_time.has_value()) n.read_time = n.acknowledge_time;
        n.acknowledged_by = caller.subject;
        n.acknowledge_comment = note.comment;
        n.external_reference = note.external_reference;
        changes->notifications.push_back(n);
        if (!n.escalation_key.empty()) {
          auto e = state_.escalations.find(n.escalation_key);
          if (e != state_.escalations.end()) {
            Escalation acked = e->second;
            acked.acknowledged = true;
            changes->escalations.push_back(acked);
          }
        }
        changes->events.push_back(event);
        return n;
      },
      std::move(done));
}

absl::StatusOr<Notification> Notifier::Acknowledge(const Caller& caller, uint64_t number,
                                                   const AcknowledgeNote& note) {
  return Await<Notification>(
      [&](Done<Notification> done) { Acknowledge(caller, number, note, done); });
}

}  // namespace ecoplan::notification
