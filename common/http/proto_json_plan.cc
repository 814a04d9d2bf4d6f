#include "common/http/proto_json_plan.h"

#include <algorithm>

namespace ecoplan::common::proto_json {

namespace pb = ::google::protobuf;
using Field = pb::FieldDescriptor;

PlanCache& PlanCache::Instance() {
  static PlanCache* cache = new PlanCache();
  return *cache;
}

const MessagePlan* PlanCache::For(const pb::Descriptor* type) {
  // Plans are never changed or freed, so each thread keeps the ones it has
  // looked up and takes the lock only for a type it meets the first time
  // (every HTTP call looks up two).
  thread_local absl::flat_hash_map<const pb::Descriptor*, const MessagePlan*> known;
  if (auto it = known.find(type); it != known.end()) return it->second;
  const MessagePlan* plan = nullptr;
  {
    absl::MutexLock lock(&mu_);
    plan = BuildLocked(type);
  }
  known.emplace(type, plan);
  return plan;
}

// A type reached again while its own plan is being made (a recursive message)
// gets the same pointer: the plan is in the map before its children are made.
const MessagePlan* PlanCache::BuildLocked(const pb::Descriptor* type) {
  std::unique_ptr<MessagePlan>& slot = plans_[type];
  if (slot != nullptr) return slot.get();
  slot = std::make_unique<MessagePlan>();
  MessagePlan* plan = slot.get();
  plan->type = type;
  if (type->file()->name().rfind("google/protobuf/", 0) == 0 &&
      type->full_name() != "google.protobuf.Empty") {
    plan->special = type->full_name() == "google.protobuf.Timestamp"  ? Special::kTimestamp
                    : type->full_name() == "google.protobuf.Duration" ? Special::kDuration
                                                                      : Special::kReflect;
    return plan;
  }
  int largest = 0;
  for (int i = 0; i < type->field_count(); ++i) {
    largest = std::max(largest, type->field(i)->number());
  }
  if (largest > 4096) {  // a sparse numbering: left to reflection
    plan->special = Special::kReflect;
    return plan;
  }
  plan->index_by_number.assign(largest + 1, -1);
  plan->fields.resize(type->field_count());
  for (int i = 0; i < type->field_count(); ++i) {
    const Field* field = type->field(i);
    FieldPlan& f = plan->fields[i];
    f.field = field;
    f.type = field->type();
    f.wire_type = ExpectedWireType(field);
    f.repeated = field->is_repeated();
    f.map = field->is_map();
    f.key.push_back('"');
    f.key.append(field->json_name());  // lowerCamel identifiers: nothing to escape
    f.key.append("\":");
    plan->index_by_number[field->number()] = i;
    plan->index_by_name.emplace(field->json_name(), i);
    plan->index_by_name.emplace(field->name(), i);
  }
  for (int i = 0; i < type->field_count(); ++i) {  // after: a child may be this type
    const Field* field = type->field(i);
    if (field->cpp_type() == Field::CPPTYPE_MESSAGE) {
      plan->fields[i].message = BuildLocked(field->message_type());
    }
  }
  return plan;
}

int ExpectedWireType(const Field* field) {
  switch (field->type()) {
    case Field::TYPE_DOUBLE:
    case Field::TYPE_FIXED64:
    case Field::TYPE_SFIXED64:
      return kFixed64;
    case Field::TYPE_FLOAT:
    case Field::TYPE_FIXED32:
    case Field::TYPE_SFIXED32:
      return kFixed32;
    case Field::TYPE_STRING:
    case Field::TYPE_BYTES:
    case Field::TYPE_MESSAGE:
      return kLengthDelimited;
    default:
      return kVarint;
  }
}

}  // namespace ecoplan::common::proto_json
