// StreamDocument with a fake writer (the messages collected) and in-process
// fakes of the registry and the progress service: the request's validation,
// a reporter's rights, the progress, chunks and `done`, the ledger read back.

#include "services/indicator/document_streaming.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/spreadsheet/xlsx_reader.h"
#include "services/indicator/documents/testing/fake_upstreams.h"
#include "services/indicator/documents/testing/ledger_sample_facts.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class CollectingWriter final : public grpc::ServerWriterInterface<v1::RenderDocumentResponse> {
 public:
  std::vector<v1::RenderDocumentResponse> messages;
  // Write fails from this message on (the client went away); -1: never.
  int fail_from = -1;

  void SendInitialMetadata() override {}
  bool Write(const v1::RenderDocumentResponse& msg, grpc::WriteOptions) override {
    if (fail_from >= 0 && static_cast<int>(messages.size()) >= fail_from) return false;
    messages.push_back(msg);
    return true;
  }
};

class StreamDocumentTest : public ::testing::Test {
 protected:
  StreamDocumentTest()
      : sample_(documents::testing::SampleLedgerFacts()),
        upstreams_(sample_),
        answers_(sample_, absl::CivilDay(2026, 6, 10)),
        gatherer_(upstreams_.registry_stub.get(), upstreams_.progress_stub.get(), &answers_) {
    admin_.role = common::Role::kAdministrator;
    admin_.subject = "bureau";
  }

  static v1::RenderDocumentRequest Ledger() {
    v1::RenderDocumentRequest r;
    r.set_plan("plans/p2026");
    r.set_kind(v1::DOCUMENT_KIND_LEDGER);
    r.set_month("2026-05");
    return r;
  }

  grpc::Status Run(const v1::RenderDocumentRequest& r, const common::Principal& who) {
    writer_.messages.clear();
    return StreamDocument(r, who, gatherer_, &writer_);
  }

  documents::MonthFacts sample_;
  documents::testing::FakeUpstreams upstreams_;
  documents::testing::FakeAnswers answers_;
  documents::MonthFactsGatherer gatherer_;
  CollectingWriter writer_;
  common::Principal admin_;
};

TEST_F(StreamDocumentTest, LedgerStreamsProgressChunksAndDone) {
  grpc::Status s = Run(Ledger(), admin_);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const auto& m = writer_.messages;
  ASSERT_GE(m.size(), 12u);
  // Progress first, in order, each with the total.
  int progress = 0;
  while (progress < static_cast<int>(m.size()) && m[progress].has_progress()) {
    EXPECT_EQ(m[progress].progress().done_steps(), progress);
    EXPECT_EQ(m[progress].progress().total_steps(), 10);
    ++progress;
  }
  EXPECT_EQ(progress, 10);
  EXPECT_EQ(m[0].progress().stage(), "读取规划");
  EXPECT_EQ(m[8].progress().stage(), "生成台账");
  // Then the chunks, then done.
  std::string bytes;
  size_t i = progress;
  for (; i < m.size() && m[i].has_chunk(); ++i) {
    EXPECT_LE(m[i].chunk().size(), kDocumentChunkBytes);
    bytes += m[i].chunk();
  }
  ASSERT_EQ(i + 1, m.size());
  ASSERT_TRUE(m.back().has_done());
  const v1::DocumentDone& done = m.back().done();
  EXPECT_EQ(done.size_bytes(), static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(done.sha256(), Sha256Hex(bytes));
  EXPECT_EQ(done.sha256().size(), 64u);
  EXPECT_EQ(done.media_type(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(done.file_name(), "台账_2026-05.xlsx");
  EXPECT_EQ(done.page_count(), 7);
  EXPECT_EQ(done.as_of().year(), 2026);
  EXPECT_EQ(done.as_of().month(), 5);
  EXPECT_EQ(done.as_of().day(), 31);
  EXPECT_FALSE(done.month_closed());
  // The bytes are the workbook.
  auto rows = common::ReadFirstWorksheet(bytes);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_THAT(*rows, SizeIs(4));
  EXPECT_EQ((*rows)[1].cells[0], "a1-t3-m7");
}

TEST_F(StreamDocumentTest, SameRequestSameDocument) {
  ASSERT_TRUE(Run(Ledger(), admin_).ok());
  const std::string first = writer_.messages.back().done().sha256();
  ASSERT_TRUE(Run(Ledger(), admin_).ok());
  EXPECT_EQ(writer_.messages.back().done().sha256(), first);
}

TEST_F(StreamDocumentTest, InvalidFieldsAreNamed) {
  struct Case {
    std::function<void(v1::RenderDocumentRequest*)> change;
    const char* field;
  };
  const std::vector<Case> cases = {
      {[](auto* r) { r->set_plan("p2026"); }, "plan"},
      {[](auto* r) { r->set_plan("plans/"); }, "plan"},
      {[](auto* r) { r->set_kind(v1::DOCUMENT_KIND_UNSPECIFIED); }, "kind"},
      {[](auto* r) { r->set_month("2026-5"); }, "month"},
      {[](auto* r) { r->set_month("2026-13"); }, "month"},
      {[](auto* r) { r->set_month("May"); }, "month"},
      {[](auto* r) {
         r->mutable_as_of()->set_year(2026);
         r->mutable_as_of()->set_month(2);
         r->mutable_as_of()->set_day(30);
       },
       "as_of"},
      // Valid, but outside the month.
      {[](auto* r) {
         r->mutable_as_of()->set_year(2026);
         r->mutable_as_of()->set_month(6);
         r->mutable_as_of()->set_day(1);
       },
       "as_of"},
      {[](auto* r) {
         r->set_kind(v1::DOCUMENT_KIND_MONTHLY_REPORT);
         r->set_organization("o-sw");
       },
       "organization"},
  };
  for (const Case& c : cases) {
    v1::RenderDocumentRequest r = Ledger();
    c.change(&r);
    grpc::Status s = Run(r, admin_);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << r.ShortDebugString();
    EXPECT_THAT(s.error_message(), HasSubstr(c.field)) << r.ShortDebugString();
    EXPECT_FALSE(!writer_.messages.empty() && writer_.messages.back().has_done());
  }
}

TEST_F(StreamDocumentTest, ReporterGetsOnlyItsOwnLedger) {
  common::Principal reporter;
  reporter.role = common::Role::kReporter;
  reporter.organization_id = "o-sw";
  // Anything else: denied before anything is gathered.
  const int calls = upstreams_.registry.calls;
  EXPECT_EQ(Run(Ledger(), reporter).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::RenderDocumentRequest other = Ledger();
  other.set_organization("o-jt");
  EXPECT_EQ(Run(other, reporter).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::RenderDocumentRequest report = Ledger();
  report.set_kind(v1::DOCUMENT_KIND_MONTHLY_REPORT);
  EXPECT_EQ(Run(report, reporter).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(upstreams_.registry.calls, calls);
  // Its own.
  v1::RenderDocumentRequest own = Ledger();
  own.set_organization("organizations/o-sw");
  grpc::Status s = Run(own, reporter);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(writer_.messages.back().done().file_name(), "台账_2026-05_区水务局.xlsx");
}

TEST_F(StreamDocumentTest, MonthlyReportIsAPdfOfTheSameFacts) {
  v1::RenderDocumentRequest r = Ledger();
  r.set_kind(v1::DOCUMENT_KIND_MONTHLY_REPORT);
  grpc::Status s = Run(r, admin_);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const auto& m = writer_.messages;
  ASSERT_TRUE(m.back().has_done());
  EXPECT_EQ(m[8].progress().stage(), "生成月报");
  std::string bytes;
  for (const auto& msg : m) bytes += msg.chunk();
  const v1::DocumentDone& done = m.back().done();
  EXPECT_EQ(done.media_type(), "application/pdf");
  EXPECT_EQ(done.file_name(), "月报_2026-05.pdf");
  EXPECT_EQ(done.size_bytes(), static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(done.sha256(), Sha256Hex(bytes));
  EXPECT_GE(done.page_count(), 1);
  EXPECT_EQ(bytes.substr(0, 5), "%PDF-");
}

TEST_F(StreamDocumentTest, UpstreamDownIsUnavailableWithoutDone) {
  upstreams_.progress.fail = grpc::StatusCode::UNAVAILABLE;
  grpc::Status s = Run(Ledger(), admin_);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(s.error_message(), HasSubstr("progress service"));
  for (const auto& m : writer_.messages) EXPECT_TRUE(m.has_progress());
}

TEST_F(StreamDocumentTest, ClientGoneIsCancelled) {
  writer_.fail_from = 3;
  EXPECT_EQ(Run(Ledger(), admin_).error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_THAT(writer_.messages, SizeIs(3));
}

TEST_F(StreamDocumentTest, ClosedMonthSaysSo) {
  answers_.closed = {"plans/p2026/months/2026-05"};
  answers_.closed_as_of = absl::CivilDay(2026, 5, 31);
  ASSERT_TRUE(Run(Ledger(), admin_).ok());
  EXPECT_TRUE(writer_.messages.back().done().month_closed());
}

}  // namespace
}  // namespace ecoplan::indicator
