#pragma once

// The streaming logic of DocumentService.RenderDocument
// (document_service.proto): validation, the caller's rights, the gathering of
// the month's facts with progress messages, the rendering, the file in chunks
// of at most 1 MiB and the closing `done` with its size and SHA-256. The
// handler (DocumentServiceImpl) authorizes the call (IndicatorPolicy) and
// passes the caller and its writer here.

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/statusor.h"
#include "common/auth/principal.h"
#include "ecoplan/indicator/v1/document_service.pb.h"
#include "services/indicator/documents/month_facts.h"
#include "services/indicator/documents/month_facts_gatherer.h"

namespace ecoplan::indicator {

// The largest chunk of the stream.
inline constexpr size_t kDocumentChunkBytes = 1 << 20;

// A rendered document.
struct RenderedDocument {
  std::string bytes;
  std::string media_type;
  std::string file_name;  // e.g. "台账_2026-05.xlsx"
  int page_count = 0;     // pages (PDF) or sheets (.xlsx)
};

// The 月报 (DOCUMENT_KIND_MONTHLY_REPORT) of the facts: documents/monthly_report_pdf.h.
absl::StatusOr<RenderedDocument> RenderMonthlyReportDocument(const documents::MonthFacts& facts);

// RenderDocument for `caller` (already authorized to call it): on success the
// stream holds progress messages, then the chunks, then `done`.
// INVALID_ARGUMENT naming the field (plan, kind, month, as_of, organization);
// PERMISSION_DENIED for a reporter asking for anything but its own
// organization's ledger; the gatherer's errors (NOT_FOUND, UNAVAILABLE, …);
// CANCELLED when the client went away (a Write failed).
grpc::Status StreamDocument(
    const ecoplan::indicator::v1::RenderDocumentRequest& request, const common::Principal& caller,
    const documents::MonthFactsGatherer& gatherer,
    grpc::ServerWriterInterface<ecoplan::indicator::v1::RenderDocumentResponse>* writer);

// The lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(const std::string& bytes);

}  // namespace ecoplan::indicator
