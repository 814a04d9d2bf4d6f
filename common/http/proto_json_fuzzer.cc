// Fuzzing the JSON printer and parser of proto_json.h with what clients and
// handlers could hand them (scripts/fuzz.sh). The first byte picks the
// direction and the message type; the rest is the input.
//
// JSON → wire: whatever JsonToWireFastPath takes, protobuf's parser must take
// too and read as the same message (the fast path never accepts more).
// Wire → JSON: bytes protobuf reads as the type must print (or be refused as
// out of the JSON range), and the JSON must read back as the same message.

#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "common/http/proto_json.h"
#include "ecoplan/common/v1/event.pb.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "ecoplan/registry/v1/registry_service.pb.h"

namespace {

namespace pb = ::google::protobuf;

bool Same(const pb::Message& a, const pb::Message& b) {
  pb::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  pb::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  return differencer.Compare(a, b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const pb::Descriptor* types[] = {
      ecoplan::progress::v1::SubmitReportRequest::descriptor(),
      ecoplan::registry::v1::ListMeasuresResponse::descriptor(),
      ecoplan::common::v1::Event::descriptor(),
  };
  const pb::Descriptor* type = types[(data[0] >> 1) % 3];
  const absl::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const pb::Message* prototype = pb::MessageFactory::generated_factory()->GetPrototype(type);
  std::unique_ptr<pb::Message> theirs(prototype->New());

  if ((data[0] & 1) == 0) {  // JSON → wire
    std::string wire;
    if (!ecoplan::common::JsonToWireFastPath(type, input, &wire).ok()) return 0;
    const std::string json(input);
    if (!pb::util::JsonStringToMessage(json, theirs.get()).ok()) std::abort();
    std::unique_ptr<pb::Message> ours(prototype->New());
    if (!ours->ParseFromString(wire) || !Same(*ours, *theirs)) std::abort();
    return 0;
  }
  // wire → JSON
  if (!theirs->ParseFromArray(input.data(), static_cast<int>(input.size()))) return 0;
  theirs->DiscardUnknownFields();
  std::string json;
  const absl::Status printed = ecoplan::common::AppendWireJson(type, input, &json);
  if (!printed.ok()) {
    if (!absl::IsInvalidArgument(printed)) std::abort();  // a Timestamp out of range, an odd Any
    return 0;
  }
  std::unique_ptr<pb::Message> back(prototype->New());
  if (!pb::util::JsonStringToMessage(json, back.get()).ok() || !Same(*back, *theirs)) {
    std::abort();
  }
  return 0;
}
