#pragma once

// The framing of RocksDbReportStore's writes: a report is written three times
// by one change (current record, revision snapshot, event payload). An
// embedded message is on the wire a length-delimited field holding the
// message's bytes, so the report is serialized once and those bytes are
// framed into each record. Internal to the storage adapter.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ecoplan/common/v1/event.pb.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "services/progress/domain/report_store.h"
#include "services/progress/storage/progress_storage.pb.h"

namespace ecoplan::progress::report_framing {

namespace cv1 = ::ecoplan::common::v1;

// A report is written three times by one change (current record, revision
// snapshot, event payload). An embedded message is on the wire a
// length-delimited field holding the message's bytes, so the report is
// serialized once and those bytes are framed into each record.
inline void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Size of a length-delimited field of `size` bytes (tag, length, bytes).
inline size_t FieldSize(uint32_t field, size_t size) {
  return VarintSize(uint64_t{field} << 3) + VarintSize(size) + size;
}

// Appends the tag and length of a length-delimited field (wire type 2).
inline void AppendFieldHeader(uint32_t field, size_t size, std::string* out) {
  AppendVarint((uint64_t{field} << 3) | 2, out);
  AppendVarint(size, out);
}

inline void AppendField(uint32_t field, absl::string_view bytes, std::string* out) {
  AppendFieldHeader(field, bytes.size(), out);
  out->append(bytes.data(), bytes.size());
}

// Field numbers of the records and payloads that embed a v1.Report.
inline constexpr uint32_t kReportRecordReport = storage::ReportRecord::kReportFieldNumber;
inline constexpr uint32_t kRevisionRecordRevision = storage::RevisionRecord::kRevisionFieldNumber;
inline constexpr uint32_t kRevisionReport = v1::ReportRevision::kReportFieldNumber;
inline constexpr uint32_t kPayloadReport = v1::ReportSubmitted::kReportFieldNumber;
inline constexpr uint32_t kRevisedChanges = v1::ReportRevised::kChangesFieldNumber;
static_assert(v1::ReportDraftSaved::kReportFieldNumber == kPayloadReport &&
                  v1::ReportRevised::kReportFieldNumber == kPayloadReport &&
                  v1::ReportReturned::kReportFieldNumber == kPayloadReport &&
                  v1::ReportAccepted::kReportFieldNumber == kPayloadReport,
              "every report event holds the report in the same field");

// storage.RevisionRecord{revision: `header` with report = `report_bytes`}.
inline std::string RevisionRecordBytes(const v1::ReportRevision& header,
                                       absl::string_view report_bytes) {
  std::string header_bytes;
  header.SerializeToString(&header_bytes);
  const size_t revision_size =
      header_bytes.size() + FieldSize(kRevisionReport, report_bytes.size());
  std::string out;
  out.reserve(FieldSize(kRevisionRecordRevision, revision_size));
  AppendFieldHeader(kRevisionRecordRevision, revision_size, &out);
  out.append(header_bytes);
  AppendField(kRevisionReport, report_bytes, &out);
  return out;
}

// The event of a report change, as common::MakeEvent would build it from the
// payload message `Payload` holding the report (and, for ReportRevised, the
// changes), with the report's bytes framed instead of serialized again.
template <typename Payload>
cv1::Event ReportEvent(absl::string_view report_bytes, const std::vector<std::string>* changes,
                       std::string resource, const Caller& caller) {
  const std::string& type = Payload::descriptor()->full_name();
  std::string payload;
  size_t size = FieldSize(kPayloadReport, report_bytes.size());
  if (changes != nullptr) {
    for (const std::string& c : *changes) size += FieldSize(kRevisedChanges, c.size());
  }
  payload.reserve(size);
  AppendField(kPayloadReport, report_bytes, &payload);
  if (changes != nullptr) {
    for (const std::string& c : *changes) AppendField(kRevisedChanges, c, &payload);
  }
  cv1::Event event;
  event.set_type(type);
  event.set_resource(std::move(resource));
  event.set_request_id(caller.request_id);
  event.set_actor(caller.actor);
  event.mutable_payload()->set_type_url(absl::StrCat("type.googleapis.com/", type));
  event.mutable_payload()->set_value(std::move(payload));
  return event;
}

}  // namespace ecoplan::progress::report_framing
