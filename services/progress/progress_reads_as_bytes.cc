// ProgressServiceImpl: GetReport and GetSubmissionStatus answered as bytes.
//
// Both are registered (RegisterByteAnswers) with the generated v1 request and
// a grpc::ByteBuffer answer, as the registry's ListMeasures is: gRPC parses
// the request into the v1 message, so the interceptors (authentication, audit,
// metrics) see what they saw before; the answer is the v1 response's wire
// form, built without a response message:
// - GetReport sends the report's bytes as the store keeps them (the
//   ReportRecord's field 1), framed as GetReportResponse's field 1, instead of
//   parsing the record, converting it to a domain Report and back and
//   serializing it again;
// - GetSubmissionStatus sends the serialized answer kept beside the shared
//   status it was built from: the slice refers to those bytes (and holds a
//   reference to them), so nothing is copied or serialized per call.
// The HTTP front door forwards answer bytes through a GenericStub, so it reads
// the same bytes.

#include "services/progress/progress_reads_as_bytes.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/edge/reactors.h"
#include "common/status/status_macros.h"
#include "services/progress/progress_service_impl.h"
#include "services/progress/proto_mapping.h"

namespace ecoplan::progress {
namespace {

using common::AnswerInline;
using common::FinishUnary;
using common::Principal;
using common::ResourceScope;

// The index of ProgressService's method `name` (the order of the descriptor,
// which is the generated service's registration order).
int MethodIndex(absl::string_view name) {
  return v1::GetReportRequest::descriptor()
      ->file()
      ->FindServiceByName("ProgressService")
      ->FindMethodByName(std::string(name))
      ->index();
}

// A slice over `bytes`, which it keeps alive until gRPC releases the slice.
grpc::Slice SliceOwning(std::shared_ptr<const std::string> bytes) {
  if (bytes->empty()) return grpc::Slice();
  auto* keep = new std::shared_ptr<const std::string>(std::move(bytes));
  return grpc::Slice(
      const_cast<char*>((*keep)->data()), (*keep)->size(),
      [](void* p) { delete static_cast<std::shared_ptr<const std::string>*>(p); }, keep);
}

// A slice over `bytes`, moved into it.
grpc::Slice SliceOwning(std::string bytes) {
  if (bytes.empty()) return grpc::Slice();
  auto* keep = new std::string(std::move(bytes));
  return grpc::Slice(
      keep->data(), keep->size(), [](void* p) { delete static_cast<std::string*>(p); }, keep);
}

// The wire form of a message whose only field is `field` (length-delimited)
// holding `bytes`: the field's tag and length (copied), then `bytes` (not
// copied).
grpc::ByteBuffer SoleFieldAnswer(uint32_t field, std::string bytes) {
  char header[16];
  size_t n = 0;
  for (uint64_t v : {(uint64_t{field} << 3) | 2, uint64_t{bytes.size()}}) {
    while (v >= 0x80) {
      header[n++] = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    header[n++] = static_cast<char>(v);
  }
  grpc::Slice slices[2] = {grpc::Slice(header, n), SliceOwning(std::move(bytes))};
  return grpc::ByteBuffer(slices, 2);
}

}  // namespace

v1::GetSubmissionStatusResponse SubmissionStatusToProto(const std::string& plan_id,
                                                        const SubmissionStatus& status) {
  v1::GetSubmissionStatusResponse out;
  out.set_period(status.due.period.ToString());
  *out.mutable_due() = ToProto(status.due);
  for (const OrgSubmission& o : status.organizations) {
    v1::OrganizationSubmission* po = out.add_organizations();
    po->set_organization(OrganizationName(o.org_id));
    po->set_organization_display_name(o.org_name);
    po->set_state(static_cast<v1::SubmissionState>(o.state));
    if (!o.report_id.empty()) po->set_report(ReportName(plan_id, o.report_id));
    po->set_report_state(static_cast<v1::ReportState>(o.report_state));
    po->set_owned_measure_count(o.owned_measure_count);
    for (const std::string& m : o.measures_without_entry) {
      po->add_measures_without_entry(MeasureName(plan_id, m));
    }
    if (o.state == SubmissionState::kLate) {
      po->mutable_lateness()->set_seconds(absl::ToInt64Seconds(o.lateness));
    }
    *po->mutable_burden() = ToProto(o.burden);
  }
  out.set_on_time_count(status.on_time);
  out.set_late_count(status.late);
  out.set_draft_only_count(status.draft_only);
  out.set_missing_count(status.missing);
  out.set_owed(status.owed);
  *out.mutable_burden() = ToProto(status.burden);
  return out;
}

void ProgressServiceImpl::RegisterByteAnswers() {
  // The generated base registered these methods with v1 answers; each handler
  // here replaces one at the same method index.
  MarkMethodCallback(
      MethodIndex("GetReport"),
      new grpc::internal::CallbackUnaryHandler<v1::GetReportRequest, grpc::ByteBuffer>(
          [this](grpc::CallbackServerContext* ctx, const v1::GetReportRequest* request,
                 grpc::ByteBuffer* response) { return GetReportAsBytes(ctx, request, response); }));
  MarkMethodCallback(
      MethodIndex("GetSubmissionStatus"),
      new grpc::internal::CallbackUnaryHandler<v1::GetSubmissionStatusRequest, grpc::ByteBuffer>(
          [this](grpc::CallbackServerContext* ctx, const v1::GetSubmissionStatusRequest* request,
                 grpc::ByteBuffer* response) {
            return GetSubmissionStatusAsBytes(ctx, request, response);
          }));
}

// Inline: one RocksDB point read. The store hands back the report's bytes as
// written (RocksDbReportStore::GetReportBytes); a store that keeps none (the
// fakes of the tests) answers through the domain Report as before.
grpc::ServerUnaryReactor* ProgressServiceImpl::GetReportAsBytes(grpc::CallbackServerContext* ctx,
                                                                const v1::GetReportRequest* request,
                                                                grpc::ByteBuffer* response) {
  absl::StatusOr<std::pair<std::string, std::string>> ids =
      ParseReportName(request->name(), "name");
  absl::StatusOr<Principal> who = AuthorizeFor(
      ctx, "GetReport",
      ids.ok() ? absl::StatusOr<std::string>(OrganizationOfReport(ids->second)) : ids.status());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerInline(ctx, [&]() -> absl::Status {
    absl::StatusOr<std::string> bytes = recorder_->GetReportBytes(ids->first, ids->second);
    if (bytes.ok()) {
      *response = SoleFieldAnswer(v1::GetReportResponse::kReportFieldNumber, *std::move(bytes));
      return absl::OkStatus();
    }
    if (!absl::IsUnimplemented(bytes.status())) return bytes.status();
    ECOPLAN_ASSIGN_OR_RETURN(Report r, recorder_->GetReport(ids->first, ids->second));
    v1::GetReportResponse answer;
    ToProto(r, answer.mutable_report());
    grpc::Slice slice = SliceOwning(answer.SerializeAsString());
    *response = grpc::ByteBuffer(&slice, 1);
    return absl::OkStatus();
  });
}

// Inline: the recorder answers from its shared status while the period's
// reports, the plan and the calendars are unchanged, and otherwise scans one
// period's reports (a RocksDB prefix, in memory or the block cache). The
// answer built from a status is kept serialized beside it, and each call's
// answer is a slice over those bytes.
grpc::ServerUnaryReactor* ProgressServiceImpl::GetSubmissionStatusAsBytes(
    grpc::CallbackServerContext* ctx, const v1::GetSubmissionStatusRequest* request,
    grpc::ByteBuffer* response) {
  absl::StatusOr<Principal> who = Authorize(ctx, "GetSubmissionStatus", ResourceScope::Any());
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerInline(ctx, [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string plan_id, ParsePlanName(request->plan(), "plan"));
    ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const SubmissionStatus> status,
                             recorder_->SharedSubmissionStatus(plan_id, request->period()));
    const std::string key = absl::StrCat(plan_id, "/", request->period());
    std::shared_ptr<const std::string> bytes;
    {
      absl::MutexLock lock(&answers_mu_);
      auto it = status_answers_.find(key);
      if (it != status_answers_.end() && it->second.status == status) bytes = it->second.bytes;
    }
    if (bytes == nullptr) {
      bytes = std::make_shared<const std::string>(
          SubmissionStatusToProto(plan_id, *status).SerializeAsString());
      absl::MutexLock lock(&answers_mu_);
      if (status_answers_.size() >= 1024 && status_answers_.count(key) == 0) {
        status_answers_.clear();
      }
      status_answers_[key] = StatusAnswer{status, bytes};
    }
    grpc::Slice slice = SliceOwning(std::move(bytes));
    *response = grpc::ByteBuffer(&slice, 1);
    return absl::OkStatus();
  });
}

}  // namespace ecoplan::progress
