// The documents the bureau sends out, end to end against the real
// registry_server, progress_server and indicator_server (development mode):
// the seed plan imported, a department's May report submitted, then the 月报
// (PDF) and the 台账 (.xlsx) of May fetched with `ecoplanctl report monthly`
// and a chart with `ecoplanctl indicator chart`. Each is read back as a
// person would get it — the PDF's text with pdftotext, its fonts with
// pdffonts, the workbook with the project's .xlsx reader, the SVG with an XML
// parser — and its figures are compared with what the APIs answer for the
// same plan and day (EvaluatePlan, ListMeasures). The same files are then
// downloaded over the indicator server's HTTP port (resource URLs with
// (ecoplan.api.v1.http_body)) with libcurl, as `curl -o 月报.pdf` would, and
// compared byte for byte with what the gRPC RPCs answer.

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/spreadsheet/xlsx_reader.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/indicator/v1/document_service.grpc.pb.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"
#include "tests/harness/reports.h"
#include "tests/harness/seeded.h"

namespace ecoplan::testing {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

const char* const kSeed = ECOPLAN_SEED_PATH;
const char* const kCtl = ECOPLAN_CTL_PATH;

// `text` without spaces and line breaks: pdftotext breaks wrapped lines.
std::string Squeezed(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) out.push_back(c);
  }
  return out;
}

// An HTTP answer: status, lower-case headers, body.
struct HttpAnswer {
  long status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  const std::string line(data, size * n);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    (*static_cast<std::map<std::string, std::string>*>(
        user))[absl::AsciiStrToLower(line.substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return size * n;
}

// GET `url` with libcurl (HTTP/1.1), as a person's curl would.
HttpAnswer HttpGet(const std::string& url) {
  HttpAnswer answer;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &answer.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 120000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  EXPECT_EQ(rc, CURLE_OK) << url << ": " << curl_easy_strerror(rc);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  curl_easy_cleanup(curl);
  return answer;
}

// `svg` with cairo's surface ids (id="surface6") numberless: cairo counts
// its surfaces per process, so two renderings of one chart differ there only.
std::string WithoutSurfaceIds(std::string svg) {
  const std::string marker = "id=\"surface";
  for (size_t at = svg.find(marker); at != std::string::npos; at = svg.find(marker, at + 1)) {
    size_t end = at + marker.size();
    while (end < svg.size() && absl::ascii_isdigit(static_cast<unsigned char>(svg[end]))) ++end;
    svg.erase(at + marker.size(), end - at - marker.size());
  }
  return svg;
}

class DocumentsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }

  void SetUp() override {
    cluster_.SetCommonFlags({"--insecure_development_mode"});
    ASSERT_OK_AND_ASSIGN(registry_address_, cluster_.Start("registry"));
    ASSERT_OK_AND_ASSIGN(const std::string progress_address,
                         cluster_.Start("progress", Following({"registry"})));
    ASSERT_OK_AND_ASSIGN(indicator_address_,
                         cluster_.Start("indicator", Following({"registry", "progress"})));
    registry_ = rv1::RegistryService::NewStub(
        grpc::CreateChannel(registry_address_, grpc::InsecureChannelCredentials()));
    progress_ = pv1::ProgressService::NewStub(
        grpc::CreateChannel(progress_address, grpc::InsecureChannelCredentials()));
    indicator_ = iv1::IndicatorService::NewStub(
        grpc::CreateChannel(indicator_address_, grpc::InsecureChannelCredentials()));
    documents_ = iv1::DocumentService::NewStub(
        grpc::CreateChannel(indicator_address_, grpc::InsecureChannelCredentials()));
    ASSERT_OK_AND_ASSIGN(plan_, ImportSeedPlan(
                                    *registry_, [] { return Context(); }, kSeed));
    ASSERT_OK(AwaitPlanInProgress(*progress_, plan_.plan().name(), [] { return Context(); }));
  }

  CommandResult Ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {kCtl, "--registry", registry_address_, "--indicator",
                                     indicator_address_};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CommandResult> result = RunCommand(argv, absl::Seconds(120));
    EXPECT_OK(result.status());
    return result.value_or(CommandResult{});
  }

  std::string Tool(const std::string& command) {
    absl::StatusOr<CommandResult> result = RunCommand({"/bin/sh", "-c", command});
    EXPECT_OK(result.status());
    EXPECT_EQ(result->exit_code, 0) << command << "\n" << result->stderr_text;
    return result.value_or(CommandResult{}).stdout_text;
  }

  iv1::EvaluatePlanResponse EvaluatePlan() {
    iv1::EvaluatePlanRequest request;
    request.set_plan(plan_.plan().name());
    *request.mutable_as_of() = Date(2026, 5, 31);
    iv1::EvaluatePlanResponse response;
    grpc::Status s = indicator_->EvaluatePlan(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  std::string registry_address_, indicator_address_;
  std::unique_ptr<rv1::RegistryService::Stub> registry_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_;
  std::unique_ptr<iv1::IndicatorService::Stub> indicator_;
  std::unique_ptr<iv1::DocumentService::Stub> documents_;
  rv1::ExportPlanResponse plan_;
};

TEST_F(DocumentsE2eTest, TheMonthlyReportTheLedgerAndAChartCarryTheApisFigures) {
  // The transport measure that restates annex 4's 货车新能源化率, and its lead.
  iv1::Indicator trucks;
  ASSERT_TRUE(Eventually([&] {
    iv1::ListIndicatorsRequest request;
    request.set_parent(plan_.plan().name());
    request.set_page_size(500);
    iv1::ListIndicatorsResponse response;
    if (!indicator_->ListIndicators(Context().get(), request, &response).ok()) return false;
    for (const iv1::Indicator& i : response.indicators()) {
      if (absl::StrContains(i.display_name(), "货车新能源化率") &&
          i.source() == iv1::SOURCE_KIND_REPORTED && i.measures_size() > 0) {
        trucks = i;
        return true;
      }
    }
    return false;
  })) << cluster_.Log("indicator");
  const std::string measure = trucks.measures(0);
  std::string lead, lead_name;
  for (const rv1::Task& task : plan_.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      if (m.name() == measure) lead = m.lead_organizations(0).organization();
    }
  }
  for (const rv1::Organization& o : plan_.organizations()) {
    if (o.name() == lead) lead_name = o.display_name();
  }
  ASSERT_FALSE(lead_name.empty()) << measure;

  // The lead reports May: 35 % of new trucks new-energy.
  pv1::SubmitReportResponse submitted;
  grpc::Status s;
  ASSERT_TRUE(Eventually([&] {
    s = progress_->SubmitReport(
        Context().get(), TruckShareReport(plan_.plan().name(), lead, measure, 35, ""), &submitted);
    return s.ok();
  })) << s.error_message();
  iv1::EvaluatePlanResponse evaluation;
  ASSERT_TRUE(Eventually([&] {
    evaluation = EvaluatePlan();
    for (const iv1::Evaluation& e : evaluation.evaluations()) {
      if (e.indicator().name() == trucks.name()) return e.has_current_value();
    }
    return false;
  })) << cluster_.Log("indicator");

  // The 月报 of May, as of its last day.
  const std::string pdf = dir_.path() + "/月报.pdf";
  CommandResult made =
      Ctl({"report", "monthly", "--month", "2026-05", "--format", "pdf", "-o", pdf});
  ASSERT_EQ(made.exit_code, 0) << made.stderr_text << cluster_.Log("indicator");
  EXPECT_THAT(made.stderr_text, ::testing::HasSubstr("生成月报"));
  const std::string text = Squeezed(Tool(absl::StrCat("pdftotext '", pdf, "' -")));
  std::map<iv1::MeasureColour, int> colours;
  for (const iv1::MeasureLight& light : evaluation.measure_lights()) ++colours[light.colour()];
  EXPECT_THAT(text, ::testing::HasSubstr(absl::StrCat(
                        "截至2026年5月31日，计划共有工作措施", evaluation.measure_lights_size(),
                        "项，其中绿灯", colours[iv1::MEASURE_COLOUR_GREEN], "项、黄灯",
                        colours[iv1::MEASURE_COLOUR_YELLOW], "项、红灯",
                        colours[iv1::MEASURE_COLOUR_RED], "项")));
  EXPECT_THAT(text, ::testing::HasSubstr(
                        absl::StrCat("共评估量化指标", evaluation.evaluations_size(), "项")));
  EXPECT_THAT(text, ::testing::HasSubstr("一、总体进展"));
  EXPECT_THAT(text, ::testing::HasSubstr("四、报送情况"));
  EXPECT_THAT(text, ::testing::HasSubstr(lead_name));
  // The red measures' reasons as the API gives them in Chinese, one for one
  // with the English ones, which the report does not print.
  int red_reasons = 0;
  for (const iv1::MeasureLight& light : evaluation.measure_lights()) {
    ASSERT_EQ(light.reasons_zh_size(), light.reasons_size()) << light.measure();
    if (light.colour() != iv1::MEASURE_COLOUR_RED || red_reasons >= 3) continue;
    const std::string first = Squeezed(light.reasons_zh(0));
    // A cell holds 400 characters: compare the reason's start.
    EXPECT_THAT(text, ::testing::HasSubstr(first.substr(0, std::min<size_t>(first.size(), 60))))
        << light.measure();
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(Squeezed(light.reasons(0)))))
        << light.measure();
    ++red_reasons;
  }
  for (const iv1::Evaluation& e : evaluation.evaluations()) {
    EXPECT_EQ(e.status_reason_zh().empty(), e.status_reason().empty()) << e.indicator().name();
  }
  // Every font embedded, a CJK one among them (no boxes for missing glyphs).
  const std::string fonts = Tool(absl::StrCat("pdffonts '", pdf, "'"));
  EXPECT_THAT(fonts, ::testing::HasSubstr("NotoSansCJK")) << fonts;
  int font_rows = 0;
  std::vector<std::string> lines = absl::StrSplit(fonts, '\n', absl::SkipEmpty());
  for (size_t i = 2; i < lines.size(); ++i) {  // after the two header lines
    std::vector<std::string> cols = absl::StrSplit(lines[i], ' ', absl::SkipEmpty());
    // name type [encoding…] emb sub uni object ID: emb is the 5th from the end.
    ASSERT_GE(cols.size(), 7u) << lines[i];
    EXPECT_EQ(cols[cols.size() - 5], "yes") << "not embedded: " << lines[i];
    ++font_rows;
  }
  EXPECT_GT(font_rows, 0) << fonts;

  // The 台账 of May: every measure of the plan, one row each, with its lead.
  const std::string xlsx = dir_.path() + "/台账.xlsx";
  made = Ctl({"report", "monthly", "--month", "2026-05", "--format", "xlsx", "-o", xlsx});
  ASSERT_EQ(made.exit_code, 0) << made.stderr_text;
  ASSERT_OK_AND_ASSIGN(const std::string workbook, ReadFile(xlsx));
  ASSERT_OK_AND_ASSIGN(const std::vector<common::SheetRow> rows,
                       common::ReadFirstWorksheet(workbook));
  int measures = 0;
  for (const rv1::Task& task : plan_.tasks()) measures += task.measures_size();
  EXPECT_EQ(static_cast<int>(rows.size()), measures + 1);
  bool found = false;
  for (const common::SheetRow& row : rows) {
    if (row.cells.empty() || !absl::EndsWith(measure, row.cells[0])) continue;
    found = true;
    EXPECT_THAT(absl::StrJoin(row.cells, "|"), ::testing::HasSubstr(lead_name));
  }
  EXPECT_TRUE(found) << measure;

  // The town ranking as SVG: a document with the chart's title.
  const std::string svg = dir_.path() + "/towns.svg";
  made = Ctl({"indicator", "chart", "towns", "-o", svg, "--as-of", "2026-05-31"});
  ASSERT_EQ(made.exit_code, 0) << made.stderr_text;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(svg.c_str())) << svg;
  EXPECT_STREQ(doc.document_element().name(), "svg");
}

TEST_F(DocumentsE2eTest, ChartsAndDocumentsDownloadOverHttpAsTheRpcsFiles) {
  const int http_port = cluster_.http_port("indicator");
  ASSERT_GT(http_port, 0);
  const std::string base =
      absl::StrCat("http://127.0.0.1:", http_port, "/v1/", plan_.plan().name());
  const std::string pm25 = plan_.plan().name() + "/indicators/a4-pm25";

  // The PM2.5 trajectory as of 31 May, over gRPC once the indicator server
  // has the plan, then over HTTP.
  iv1::RenderChartRequest chart_request;
  chart_request.set_plan(plan_.plan().name());
  chart_request.set_kind(iv1::CHART_KIND_INDICATOR_TRAJECTORY);
  chart_request.set_indicator(pm25);
  *chart_request.mutable_as_of() = Date(2026, 5, 31);
  iv1::RenderChartResponse chart;
  grpc::Status s;
  ASSERT_TRUE(Eventually([&] {
    s = documents_->RenderChart(Context().get(), chart_request, &chart);
    return s.ok();
  })) << s.error_message()
      << cluster_.Log("indicator");
  HttpAnswer svg = HttpGet(
      absl::StrCat(base, "/charts/indicator_trajectory?indicator=", pm25, "&as_of=2026-05-31"));
  ASSERT_EQ(svg.status, 200) << svg.body;
  EXPECT_EQ(svg.headers["content-type"], "image/svg+xml");
  EXPECT_EQ(svg.headers["content-disposition"],
            absl::StrCat("attachment; filename*=UTF-8''", chart.file_name()));
  // The same chart, but for cairo's surface serial (a per-process counter).
  EXPECT_EQ(WithoutSurfaceIds(svg.body), WithoutSurfaceIds(chart.content()));
  EXPECT_THAT(svg.body, ::testing::HasSubstr("<svg"));
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_buffer(svg.body.data(), svg.body.size()));
  EXPECT_STREQ(doc.document_element().name(), "svg");

  // The 月报 of May over HTTP, and the same request's stream over gRPC.
  HttpAnswer pdf = HttpGet(absl::StrCat(base, "/documents/monthly_report?month=2026-05"));
  ASSERT_EQ(pdf.status, 200) << pdf.body.substr(0, 500) << cluster_.Log("indicator");
  EXPECT_EQ(pdf.headers["content-type"], "application/pdf");
  // 月报_2026-05.pdf, percent-encoded (RFC 8187).
  EXPECT_EQ(pdf.headers["content-disposition"],
            "attachment; filename*=UTF-8''%E6%9C%88%E6%8A%A5_2026-05.pdf");
  EXPECT_TRUE(absl::StartsWith(pdf.body, "%PDF-")) << pdf.body.substr(0, 16);
  EXPECT_EQ(pdf.headers["content-length"], std::to_string(pdf.body.size()));
  iv1::RenderDocumentRequest document_request;
  document_request.set_plan(plan_.plan().name());
  document_request.set_kind(iv1::DOCUMENT_KIND_MONTHLY_REPORT);
  document_request.set_month("2026-05");
  std::unique_ptr<grpc::ClientContext> ctx = Context(absl::Seconds(120));
  std::unique_ptr<grpc::ClientReader<iv1::RenderDocumentResponse>> reader =
      documents_->RenderDocument(ctx.get(), document_request);
  std::string streamed;
  iv1::DocumentDone done;
  for (iv1::RenderDocumentResponse message; reader->Read(&message);) {
    if (message.has_chunk()) streamed.append(message.chunk());
    if (message.has_done()) done = message.done();
  }
  s = reader->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(static_cast<int64_t>(streamed.size()), done.size_bytes());
  EXPECT_EQ(pdf.body.size(), streamed.size());
  EXPECT_TRUE(pdf.body == streamed) << "the HTTP download differs from the gRPC stream's chunks";

  // A bad month: refused as the RPC refuses it, in Connect's error shape.
  HttpAnswer bad = HttpGet(absl::StrCat(base, "/documents/monthly_report?month=2026-13"));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.headers["content-type"], "application/json");
  const nlohmann::json error = nlohmann::json::parse(bad.body, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(error.is_object()) << bad.body;
  EXPECT_EQ(error.value("code", ""), "invalid_argument");
  EXPECT_THAT(error.value("message", ""), ::testing::HasSubstr("month"));
  EXPECT_EQ(bad.headers.count("content-disposition"), 0u);
}

}  // namespace
}  // namespace ecoplan::testing
