#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/storage/rocksdb_db.h"
#include "ecoplan/common/v1/event.pb.h"

namespace ecoplan::common {

// Builds an event for a change: type = payload's full name, resource, request
// id, actor, payload packed into Any. Sequence and time are set at commit.
ecoplan::common::v1::Event MakeEvent(const google::protobuf::Message& payload,
                                     absl::string_view resource, absl::string_view request_id = {},
                                     absl::string_view actor = {});

}  // namespace ecoplan::common
