#pragma once

// What the JSON printer and parser of proto_json.h know of a message type
// before they meet one: for each field its number, its JSON key and the plan
// of its message type, made once per type and kept for the process (a
// server's types are few and fixed). Internal to common/http.

#include <google/protobuf/descriptor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace ecoplan::common::proto_json {

// Types whose JSON is not an object of their fields.
enum class Special { kNone, kTimestamp, kDuration, kReflect };

struct MessagePlan;

struct FieldPlan {
  const google::protobuf::FieldDescriptor* field = nullptr;
  std::string key;                       // "\"jsonName\":"
  const MessagePlan* message = nullptr;  // message fields and map entries
  // The descriptor's answers, kept here: asking it costs a call each time.
  google::protobuf::FieldDescriptor::Type type = google::protobuf::FieldDescriptor::TYPE_INT32;
  int wire_type = 0;  // ExpectedWireType(field)
  bool repeated = false;
  bool map = false;
};

struct MessagePlan {
  const google::protobuf::Descriptor* type = nullptr;
  Special special = Special::kNone;
  std::vector<FieldPlan> fields;
  std::vector<int> index_by_number;  // field number → index in `fields`, -1 for none
  // JSON name and proto name (a parser accepts both) → index in `fields`.
  absl::flat_hash_map<std::string, int> index_by_name;

  const FieldPlan* Find(uint32_t number) const {
    if (number >= index_by_number.size()) return nullptr;
    const int index = index_by_number[number];
    return index < 0 ? nullptr : &fields[index];
  }
  const FieldPlan* FindByName(absl::string_view name) const {
    auto it = index_by_name.find(name);
    return it == index_by_name.end() ? nullptr : &fields[it->second];
  }
};

class PlanCache {
 public:
  static PlanCache& Instance();

  // The plan of `type`, made on first use. Plans never change once made, so
  // their pointers to each other are followed without the lock.
  const MessagePlan* For(const google::protobuf::Descriptor* type) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  PlanCache() = default;  // one per process: For's per-thread memo assumes it

  const MessagePlan* BuildLocked(const google::protobuf::Descriptor* type)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  absl::flat_hash_map<const google::protobuf::Descriptor*, std::unique_ptr<MessagePlan>> plans_
      ABSL_GUARDED_BY(mu_);
};

enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// The wire type a (non-packed) value of `field` has.
int ExpectedWireType(const google::protobuf::FieldDescriptor* field);

}  // namespace ecoplan::common::proto_json
