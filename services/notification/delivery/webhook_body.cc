#include "services/notification/delivery/webhook_body.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/notification/proto_mapping.h"

namespace ecoplan::notification {

bool WebhookBodies::Printed::Describes(const Notification& n) const {
  return read_time == n.read_time && acknowledge_time == n.acknowledge_time &&
         acknowledged_by == n.acknowledged_by && acknowledge_comment == n.acknowledge_comment &&
         external_reference == n.external_reference;
}

std::shared_ptr<const WebhookBodies::Printed> WebhookBodies::PrintData(const Notification& n) {
  auto printed = std::make_shared<Printed>();
  printed->read_time = n.read_time;
  printed->acknowledge_time = n.acknowledge_time;
  printed->acknowledged_by = n.acknowledged_by;
  printed->acknowledge_comment = n.acknowledge_comment;
  printed->external_reference = n.external_reference;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  const v1::Notification proto = ToProto(n);
  (void)google::protobuf::util::MessageToJsonString(proto, &printed->data, options);
  // Typed by what happened, so a receiver routes without reading the data:
  // "notification.supervision_reply_overdue", "notification.report_overdue" …
  absl::string_view kind = v1::NotificationKind_Name(proto.kind());
  absl::ConsumePrefix(&kind, "NOTIFICATION_KIND_");
  printed->type = absl::StrCat("notification.", absl::AsciiStrToLower(kind));
  return printed;
}

std::string WebhookBodies::Assemble(const Printed& printed, absl::Time now) {
  return absl::StrCat(R"({"type":")", printed.type, R"(","timestamp":")",
                      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone()),
                      R"(","data":)", printed.data, "}");
}

std::string WebhookBodies::Print(const Notification& notification, absl::Time now) {
  return Assemble(*PrintData(notification), now);
}

std::string WebhookBodies::For(const Notification& notification, absl::Time now) {
  std::shared_ptr<const Printed> printed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = printed_.find(notification.number);
    if (it != printed_.end() && it->second->Describes(notification)) printed = it->second;
  }
  if (printed == nullptr) {
    printed = PrintData(notification);  // outside the lock: the workers print side by side
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = printed_.insert_or_assign(notification.number, printed);
    if (inserted) {
      order_.push_back(notification.number);
      while (order_.size() > capacity_) {
        printed_.erase(order_.front());
        order_.pop_front();
      }
    }
  }
  return Assemble(*printed, now);
}

}  // namespace ecoplan::notification
