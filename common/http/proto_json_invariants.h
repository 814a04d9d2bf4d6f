#pragma once

// What the JSON printer and the JSON → wire fast path of proto_json.h keep on
// any input, checked by the libFuzzer target (proto_json_fuzzer.cc,
// scripts/fuzz.sh) and by the corpus replay in every build
// (proto_json_corpus_test.cc).

#include <google/protobuf/message.h>
#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/http/proto_json.h"
#include "ecoplan/common/v1/event.pb.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "ecoplan/registry/v1/registry_service.pb.h"

namespace ecoplan::common {

namespace proto_json_invariants_internal {

inline bool SameMessage(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  return differencer.Compare(a, b);
}

}  // namespace proto_json_invariants_internal

// Input: one byte, then the text. The byte's low bit picks the direction, the
// rest the message type (a request, a page, an event).
// JSON → wire: whatever JsonToWireFastPath takes, protobuf's parser takes too
// and reads as the same message (the fast path never accepts more).
// Wire → JSON: bytes protobuf reads as the type print (or are refused as out
// of the JSON range, InvalidArgument), and the JSON reads back as the same
// message.
inline absl::Status CheckProtoJsonInput(absl::string_view data) {
  namespace pb = ::google::protobuf;
  using proto_json_invariants_internal::SameMessage;
  if (data.empty()) return absl::OkStatus();
  const pb::Descriptor* types[] = {
      ecoplan::progress::v1::SubmitReportRequest::descriptor(),
      ecoplan::registry::v1::ListMeasuresResponse::descriptor(),
      ecoplan::common::v1::Event::descriptor(),
  };
  const unsigned char selector = static_cast<unsigned char>(data[0]);
  const pb::Descriptor* type = types[(selector >> 1) % 3];
  const absl::string_view input = data.substr(1);
  const pb::Message* prototype = pb::MessageFactory::generated_factory()->GetPrototype(type);
  std::unique_ptr<pb::Message> theirs(prototype->New());

  if ((selector & 1) == 0) {  // JSON → wire
    std::string wire;
    if (!JsonToWireFastPath(type, input, &wire).ok()) return absl::OkStatus();
    const auto parsed = pb::util::JsonStringToMessage(std::string(input), theirs.get());
    if (!parsed.ok()) {
      return absl::InternalError(absl::StrCat("the fast path took what protobuf refuses (",
                                              std::string(parsed.message()), "): ", input));
    }
    std::unique_ptr<pb::Message> ours(prototype->New());
    if (!ours->ParseFromString(wire) || !SameMessage(*ours, *theirs)) {
      return absl::InternalError(absl::StrCat("the fast path read ", input, " as ",
                                              ours->ShortDebugString(), ", protobuf as ",
                                              theirs->ShortDebugString()));
    }
    return absl::OkStatus();
  }
  // wire → JSON
  if (!theirs->ParseFromArray(input.data(), static_cast<int>(input.size()))) {
    return absl::OkStatus();
  }
  theirs->DiscardUnknownFields();
  std::string json;
  const absl::Status printed = AppendWireJson(type, input, &json);
  if (!printed.ok()) {
    if (absl::IsInvalidArgument(printed))
      return absl::OkStatus();  // a Timestamp out of range, an odd Any
    return absl::InternalError(absl::StrCat("printing failed: ", printed.ToString()));
  }
  std::unique_ptr<pb::Message> back(prototype->New());
  if (!pb::util::JsonStringToMessage(json, back.get()).ok() || !SameMessage(*back, *theirs)) {
    return absl::InternalError(absl::StrCat("printed ", json, " for ", theirs->ShortDebugString(),
                                            ", which reads back as ", back->ShortDebugString()));
  }
  return absl::OkStatus();
}

}  // namespace ecoplan::common
