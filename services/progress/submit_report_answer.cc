#include "services/progress/submit_report_answer.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/unknown_field_set.h>

#include <string>
#include <utility>

#include "services/progress/proto_mapping.h"

namespace ecoplan::progress {
namespace {

using Holder = grpc::MessageHolder<v1::SubmitReportRequest, v1::SubmitReportResponse>;

// A request of five entries with their texts (≈ 2 KB on the wire) takes
// about as much again in memory (the strings' buffers are not on the arena):
// 8 KB holds its messages, and the answer's few fields
// when the report comes as bytes, without a second block in the usual case.
constexpr size_t kFirstBlockBytes = 8 << 10;

class ArenaHolder final : public Holder {
 public:
  ArenaHolder() : arena_(Options(first_block_)) {
    set_request(google::protobuf::Arena::CreateMessage<v1::SubmitReportRequest>(&arena_));
    set_response(google::protobuf::Arena::CreateMessage<v1::SubmitReportResponse>(&arena_));
  }
  void Release() override { delete this; }

 private:
  static google::protobuf::ArenaOptions Options(char* block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block;
    options.initial_block_size = kFirstBlockBytes;
    return options;
  }

  alignas(16) char first_block_[kFirstBlockBytes];
  google::protobuf::Arena arena_;
};

}  // namespace

void FillSubmitReportAnswer(const Report& report, SerializedReport& serialized,
                            v1::SubmitReportResponse* response) {
  if (!serialized.Encodes(report)) {
    ToProto(report, response->mutable_report());
    return;
  }
  std::string* field =
      response->GetReflection()->MutableUnknownFields(response)->AddLengthDelimited(
          v1::SubmitReportResponse::kReportFieldNumber);
  *field = std::move(serialized.bytes());
}

Holder* SubmitReportMessages::AllocateMessages() { return new ArenaHolder(); }

}  // namespace ecoplan::progress
