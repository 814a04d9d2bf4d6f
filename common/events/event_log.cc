#include "common/events/event_log.h"

#include <string>

namespace ecoplan::common {

ecoplan::common::v1::Event MakeEvent(const google::protobuf::Message& payload,
                                     absl::string_view resource, absl::string_view request_id,
                                     absl::string_view actor) {
  ecoplan::common::v1::Event event;
  event.set_type(payload.GetDescriptor()->full_name());
  event.set_resource(std::string(resource));
  event.set_request_id(std::string(request_id));
  event.set_actor(std::string(actor));
  // Type URL "type.googleapis.com/<full name>": consumers unpack with Is<T>() / UnpackTo().
  event.mutable_payload()->PackFrom(payload);
  return event;
}

}  // namespace ecoplan::common
