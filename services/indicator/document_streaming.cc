#include "services/indicator/document_streaming.h"

#include <openssl/evp.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/mapping/proto_values.h"
#include "common/status/grpc_status.h"
#include "services/indicator/documents/ledger_xlsx.h"
#include "services/indicator/documents/monthly_report_charts.h"
#include "services/indicator/documents/monthly_report_pdf.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;

grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

// "YYYY-MM", exactly.
absl::StatusOr<absl::CivilMonth> ParseMonth(const std::string& text) {
  const bool shaped = text.size() == 7 && text[4] == '-' &&
                      std::all_of(text.begin(), text.begin() + 4, absl::ascii_isdigit) &&
                      absl::ascii_isdigit(text[5]) && absl::ascii_isdigit(text[6]);
  const int month = shaped ? (text[5] - '0') * 10 + (text[6] - '0') : 0;
  if (!shaped || month < 1 || month > 12 || text.substr(0, 4) == "0000") {
    return absl::InvalidArgumentError(
        absl::StrCat("month \"", text, "\" is not a month such as \"2026-05\" (YYYY-MM)"));
  }
  return absl::CivilMonth(std::stoi(text.substr(0, 4)), month);
}

// An organization id ("o-…") or resource name, as "organizations/o-…".
absl::StatusOr<std::string> OrganizationName(const std::string& text) {
  const std::string id(absl::StripPrefix(text, "organizations/"));
  if (!common::IsPrintableSegment(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("organization \"", text, "\" is not an organization id"));
  }
  return absl::StrCat("organizations/", id);
}

}  // namespace

absl::StatusOr<RenderedDocument> RenderMonthlyReportDocument(const documents::MonthFacts& facts) {
  documents::MonthlyReportOptions options;
  documents::UseMonthFactsCharts(&options);
  absl::StatusOr<documents::RenderedPdf> pdf = documents::RenderMonthlyReportPdf(facts, options);
  if (!pdf.ok()) return pdf.status();
  RenderedDocument doc;
  doc.bytes = std::move(pdf->bytes);
  doc.media_type = "application/pdf";
  doc.file_name = absl::StrCat("月报_", facts.month, ".pdf");
  doc.page_count = pdf->page_count;
  return doc;
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

grpc::Status StreamDocument(const v1::RenderDocumentRequest& request,
                            const common::Principal& caller,
                            const documents::MonthFactsGatherer& gatherer,
                            grpc::ServerWriterInterface<v1::RenderDocumentResponse>* writer) {
  // The request, field by field.
  const std::string plan_id(absl::StripPrefix(request.plan(), "plans/"));
  if (!absl::StartsWith(request.plan(), "plans/") || !common::IsPrintableSegment(plan_id)) {
    return Invalid(absl::StrCat("plan \"", request.plan(), "\" is not a plan name (plans/{plan})"));
  }
  if (request.kind() != v1::DOCUMENT_KIND_LEDGER &&
      request.kind() != v1::DOCUMENT_KIND_MONTHLY_REPORT) {
    return Invalid("kind must be DOCUMENT_KIND_MONTHLY_REPORT or DOCUMENT_KIND_LEDGER");
  }
  absl::StatusOr<absl::CivilMonth> month = ParseMonth(request.month());
  if (!month.ok()) return common::ToGrpcStatus(month.status());
  documents::GatherRequest gather;
  gather.plan_name = request.plan();
  gather.month = *month;
  if (request.has_as_of()) {
    absl::StatusOr<absl::CivilDay> day = common::DateFromProto(request.as_of(), "as_of");
    if (!day.ok()) return common::ToGrpcStatus(day.status());
    gather.as_of = *day;
  }
  if (!request.organization().empty()) {
    if (request.kind() != v1::DOCUMENT_KIND_LEDGER) {
      return Invalid("organization is for DOCUMENT_KIND_LEDGER only");
    }
    absl::StatusOr<std::string> org = OrganizationName(request.organization());
    if (!org.ok()) return common::ToGrpcStatus(org.status());
    gather.organization = *org;
  }
  // A reporter: its own organization's ledger only.
  if (caller.role == common::Role::kReporter) {
    const std::string own =
        absl::StrCat("organizations/", absl::StripPrefix(caller.organization_id, "organizations/"));
    if (request.kind() != v1::DOCUMENT_KIND_LEDGER || gather.organization != own) {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          absl::StrCat("a reporter may ask only for its own organization's ledger "
                                       "(kind DOCUMENT_KIND_LEDGER, organization ",
                                       caller.organization_id, ")"));
    }
  }

  // Progress: the gathering's steps, then drawing the document, then sending it.
  const int total = documents::MonthFactsGatherer::kGatherSteps + 2;
  bool gone = false;
  auto progress = [&](const std::string& stage, int done) {
    if (gone) return;
    v1::RenderDocumentResponse msg;
    msg.mutable_progress()->set_stage(stage);
    msg.mutable_progress()->set_done_steps(done);
    msg.mutable_progress()->set_total_steps(total);
    gone = !writer->Write(msg);
  };
  absl::StatusOr<documents::MonthFacts> facts = gatherer.Gather(gather, progress);
  if (gone) return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
  if (!facts.ok()) return common::ToGrpcStatus(facts.status());

  absl::StatusOr<RenderedDocument> doc;
  if (request.kind() == v1::DOCUMENT_KIND_LEDGER) {
    progress("生成台账", total - 2);
    absl::StatusOr<std::string> xlsx = documents::RenderLedgerXlsx(*facts, gather.organization);
    if (!xlsx.ok()) {
      doc = xlsx.status();
    } else {
      RenderedDocument d;
      d.bytes = std::move(*xlsx);
      d.media_type = documents::kXlsxMediaType;
      d.file_name = documents::LedgerFileName(*facts, gather.organization);
      d.page_count = static_cast<int>(documents::LedgerSheetNames().size());
      doc = std::move(d);
    }
  } else {
    progress("生成月报", total - 2);
    doc = RenderMonthlyReportDocument(*facts);
  }
  if (gone) return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
  if (!doc.ok()) return common::ToGrpcStatus(doc.status());

  progress("发送文件", total - 1);
  for (size_t at = 0; at < doc->bytes.size() && !gone; at += kDocumentChunkBytes) {
    v1::RenderDocumentResponse msg;
    msg.set_chunk(doc->bytes.substr(at, kDocumentChunkBytes));
    gone = !writer->Write(msg);
  }
  if (gone) return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
  v1::RenderDocumentResponse last;
  v1::DocumentDone* done = last.mutable_done();
  done->set_media_type(doc->media_type);
  done->set_file_name(doc->file_name);
  done->set_size_bytes(static_cast<int64_t>(doc->bytes.size()));
  done->set_sha256(Sha256Hex(doc->bytes));
  done->set_page_count(doc->page_count);
  *done->mutable_as_of() = common::DateToProto(facts->as_of);
  done->set_month_closed(facts->month_closed);
  if (!writer->Write(last))
    return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
  return grpc::Status::OK;
}

}  // namespace ecoplan::indicator
