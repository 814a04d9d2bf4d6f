#pragma once

// What GetSubmissionStatus answers (progress_reads_as_bytes.cc), exposed so
// that tests can build the answer from a freshly computed status.

#include <string>

#include "ecoplan/progress/v1/progress_service.pb.h"
#include "services/progress/domain/progress_recorder.h"

namespace ecoplan::progress {

// GetSubmissionStatus's answer for `status` of plan `plan_id`.
v1::GetSubmissionStatusResponse SubmissionStatusToProto(const std::string& plan_id,
                                                        const SubmissionStatus& status);

}  // namespace ecoplan::progress
