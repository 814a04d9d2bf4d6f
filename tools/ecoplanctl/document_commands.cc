#include "tools/ecoplanctl/document_commands.h"

#include <openssl/evp.h>
#include <stdio.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/channel.h"
#include "tools/ecoplanctl/indicator_common.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) absl::StrAppendFormat(&hex, "%02x", digest[i]);
  return hex;
}

// The stream's deadline: --timeout, but at least five minutes (a document
// of a big plan takes a while).
std::chrono::system_clock::time_point Deadline(const CallPolicy& call) {
  const absl::Duration d = std::max(call.timeout, absl::Minutes(5));
  return std::chrono::system_clock::now() + std::chrono::milliseconds(absl::ToInt64Milliseconds(d));
}

}  // namespace

absl::Status ReportMonthly(iv1::DocumentService::StubInterface* documents,
                           const IndicatorContext& indicator, const MonthlyDocumentArgs& args,
                           std::ostream& out, std::ostream& notes) {
  iv1::RenderDocumentRequest request;
  if (args.format == "xlsx") {
    request.set_kind(iv1::DOCUMENT_KIND_LEDGER);
  } else if (args.format == "pdf") {
    request.set_kind(iv1::DOCUMENT_KIND_MONTHLY_REPORT);
    if (!args.organization.empty()) {
      return UsageError("--organization is for --format xlsx (one organization's 台账) only");
    }
  } else {
    return UsageError(absl::StrCat("--format must be xlsx or pdf, not \"", args.format, "\""));
  }
  if (args.month.empty()) return UsageError("--month YYYY-MM is required");
  request.set_month(args.month);
  if (!args.as_of.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day,
                             indicator_internal::ParseDay(args.as_of, "--as-of"));
    *request.mutable_as_of() = indicator_internal::ToDate(day);
  }
  request.set_organization(args.organization);
  ECOPLAN_ASSIGN_OR_RETURN(std::string plan, indicator_internal::ResolvePlan(indicator, args.plan));
  request.set_plan(plan);

  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline(indicator.call));
  std::unique_ptr<grpc::ClientReaderInterface<iv1::RenderDocumentResponse>> reader =
      documents->RenderDocument(&ctx, request);
  std::string bytes;
  std::optional<iv1::DocumentDone> done;
  iv1::RenderDocumentResponse msg;
  while (reader->Read(&msg)) {
    switch (msg.part_case()) {
      case iv1::RenderDocumentResponse::kProgress:
        notes << "[" << msg.progress().done_steps() + 1 << "/" << msg.progress().total_steps()
              << "] " << msg.progress().stage() << "\n"
              << std::flush;
        break;
      case iv1::RenderDocumentResponse::kChunk:
        bytes += msg.chunk();
        break;
      case iv1::RenderDocumentResponse::kDone:
        done = msg.done();
        break;
      default:
        break;
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return common::FromGrpcStatus(status);
  if (!done.has_value()) {
    return absl::DataLossError("the stream ended without its `done` message; nothing written");
  }
  if (done->size_bytes() != static_cast<int64_t>(bytes.size())) {
    return absl::DataLossError(absl::StrCat("received ", bytes.size(), " bytes, the server sent ",
                                            done->size_bytes(), "; nothing written"));
  }
  if (Sha256Hex(bytes) != done->sha256()) {
    return absl::DataLossError(
        "the SHA-256 of the bytes received differs from the server's; "
        "nothing written");
  }
  const std::string file = args.file.empty() ? done->file_name() : args.file;
  const std::string part = absl::StrCat(file, ".part");
  {
    std::ofstream f(part, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) {
      ::remove(part.c_str());
      return absl::UnavailableError(absl::StrCat("cannot write ", part));
    }
  }
  if (::rename(part.c_str(), file.c_str()) != 0) {
    ::remove(part.c_str());
    return absl::UnavailableError(absl::StrCat("cannot rename ", part, " to ", file));
  }
  const iv1::DocumentDone& d = *done;
  out << file << "  " << bytes.size() << " bytes  "
      << (request.kind() == iv1::DOCUMENT_KIND_LEDGER ? "sheets " : "pages ") << d.page_count()
      << "  as of "
      << absl::StrFormat("%04d-%02d-%02d", d.as_of().year(), d.as_of().month(), d.as_of().day())
      << (d.month_closed() ? " (closed month)" : " (open month)") << "\n";
  return absl::OkStatus();
}

std::vector<CommandGroup> DocumentCommandGroups() {
  CommandGroup g;
  g.name = "report";
  g.summary = "the 月报 (PDF) and the 台账 (.xlsx) of a month (indicator server)";
  Command monthly;
  monthly.verb = "monthly";
  monthly.synopsis =
      "--month YYYY-MM --format xlsx|pdf [-o FILE] [--as-of DAY] [--organization ID] [--plan P]";
  monthly.summary = "download the month's 月报 (pdf) or 台账 (xlsx), with progress";
  monthly.flags = {
      indicator_internal::kPlan,
      {"month", "MONTH", "the month, YYYY-MM"},
      {"format", "FORMAT", "xlsx (the 台账) or pdf (the 月报)"},
      {"out", "FILE", "the file to write (default: the server's name, e.g. 台账_2026-05.xlsx)",
       "o"},
      {"as-of", "DAY",
       "an open month's as-of day (YYYY-MM-DD); default: its last day, or today if earlier"},
      {"organization", "ID", "--format xlsx: one organization's 台账 (its id, o-…)"},
  };
  monthly.run = [](const CommandEnv& env, const ParsedArgs& a) -> absl::Status {
    MonthlyDocumentArgs args;
    args.plan = a.Value("plan");
    args.month = a.Value("month");
    args.format = a.Value("format");
    args.file = a.Value("out");
    args.as_of = a.Value("as-of");
    args.organization = a.Value("organization");
    auto documents = iv1::DocumentService::NewStub(
        MakeChannel(env.options.indicator_address, env.options.connection));
    auto registry = ecoplan::registry::v1::RegistryService::NewStub(
        MakeChannel(env.options.registry_address, env.options.connection));
    IndicatorContext ctx;
    ctx.registry = registry.get();
    ctx.call = PolicyOf(env);
    ctx.output = env.options.output;
    ctx.notes = env.err;
    return ReportMonthly(documents.get(), ctx, args, *env.out, *env.err);
  };
  g.commands.push_back(std::move(monthly));
  g.notes =
      "report monthly writes FILE only once the whole document arrived and its size and SHA-256\n"
      "match the server's (through FILE.part); progress lines go to stderr.\n";
  return {g};
}

}  // namespace ecoplan::ctl
