#pragma once

#include <grpcpp/support/message_allocator.h>

#include "ecoplan/progress/v1/progress_service.pb.h"
#include "services/progress/domain/model.h"
#include "services/progress/storage/report_bytes_scope.h"

namespace ecoplan::progress {

// Fills SubmitReport's answer with `report`. When `serialized` holds the
// bytes the store wrote for exactly this report state (report_bytes_scope.h),
// the answer's `report` field is those bytes, kept as the answer's wire field
// (an unknown field of number SubmitReportResponse::kReportFieldNumber), which
// serializes verbatim: the client, the HTTP front door and the interceptors
// see the same bytes as from ToProto. Otherwise (a retry answered with the
// first call's revision, or a change built on another thread) the report is
// converted with ToProto. Moves the bytes out of `serialized`.
void FillSubmitReportAnswer(const Report& report, SerializedReport& serialized,
                            v1::SubmitReportResponse* response);

// Places each SubmitReport call's request and response on one protobuf arena
// whose first block is part of the holder: the request's parse allocates its
// strings and entries there, and the call's end frees them all at once, with
// one free of the holder. Install with
// ProgressServiceImpl::SetMessageAllocatorFor_SubmitReport; must outlive the
// server. Thread-safe (holds no state).
class SubmitReportMessages final
    : public grpc::MessageAllocator<v1::SubmitReportRequest, v1::SubmitReportResponse> {
 public:
  grpc::MessageHolder<v1::SubmitReportRequest, v1::SubmitReportResponse>* AllocateMessages()
      override;
};

}  // namespace ecoplan::progress
