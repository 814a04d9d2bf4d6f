// ecoplanctl report monthly against a fake DocumentService on 127.0.0.1: the
// request it sends, the progress lines, the file written only when `done`
// matches the bytes (through FILE.part, never a partial FILE), the errors.

#include "tools/ecoplanctl/document_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"
#include "tools/ecoplanctl/testing/command_test.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
using ::testing::HasSubstr;

std::string Sha(const std::string& bytes) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), d, &n, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) absl::StrAppendFormat(&hex, "%02x", d[i]);
  return hex;
}

class FakeDocuments final : public iv1::DocumentService::Service {
 public:
  enum class Mode { kGood, kBadSha, kNoDone, kShort, kError };
  Mode mode = Mode::kGood;
  iv1::RenderDocumentRequest last;
  // 2.5 MiB: three chunks.
  std::string content = std::string(5 << 19, 'x') + "台账";

  grpc::Status RenderDocument(grpc::ServerContext*, const iv1::RenderDocumentRequest* req,
                              grpc::ServerWriter<iv1::RenderDocumentResponse>* w) override {
    last = *req;
    if (mode == Mode::kError) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the progress service could not be reached: ListReports: down");
    }
    const char* stages[] = {"读取规划", "读取措施", "评估指标"};
    for (int i = 0; i < 3; ++i) {
      iv1::RenderDocumentResponse m;
      m.mutable_progress()->set_stage(stages[i]);
      m.mutable_progress()->set_done_steps(i);
      m.mutable_progress()->set_total_steps(3);
      w->Write(m);
    }
    const std::string sent = mode == Mode::kShort ? content.substr(10) : content;
    for (size_t at = 0; at < sent.size(); at += 1 << 20) {
      iv1::RenderDocumentResponse m;
      m.set_chunk(sent.substr(at, 1 << 20));
      w->Write(m);
    }
    if (mode == Mode::kNoDone) return grpc::Status::OK;
    iv1::RenderDocumentResponse m;
    iv1::DocumentDone* d = m.mutable_done();
    d->set_media_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    d->set_file_name("台账_2026-05.xlsx");
    d->set_size_bytes(static_cast<int64_t>(content.size()));
    d->set_sha256(mode == Mode::kBadSha ? std::string(64, '0') : Sha(content));
    d->set_page_count(7);
    d->mutable_as_of()->set_year(2026);
    d->mutable_as_of()->set_month(5);
    d->mutable_as_of()->set_day(31);
    d->set_month_closed(true);
    w->Write(m);
    return grpc::Status::OK;
  }
};

class ReportMonthlyTest : public ctl_testing::CommandTest {
 protected:
  void SetUp() override {
    address_ = Serve({&fake_});
    cli_ = std::make_unique<Cli>("ecoplanctl", "127.0.0.1:1");
    for (auto& group : DocumentCommandGroups()) cli_->AddGroup(std::move(group));
    file_ = ::testing::TempDir() + "/ledger_" + std::to_string(getpid()) + ".xlsx";
    ::unlink(file_.c_str());
  }
  void TearDown() override {
    ::unlink(file_.c_str());
    CommandTest::TearDown();
  }
  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--indicator", address_, "--plan", "plans/p2026"});
    return RunCli(*cli_, args);
  }
  static bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

  FakeDocuments fake_;
  std::string address_;
  std::string file_;
  std::unique_ptr<Cli> cli_;
};

TEST_F(ReportMonthlyTest, WritesTheCheckedFileWithProgress) {
  ASSERT_EQ(Run({"report", "monthly", "--month", "2026-05", "--format", "xlsx", "-o", file_,
                 "--as-of", "2026-05-20", "--organization", "o-sw"}),
            0)
      << err_.str();
  EXPECT_EQ(fake_.last.plan(), "plans/p2026");
  EXPECT_EQ(fake_.last.kind(), iv1::DOCUMENT_KIND_LEDGER);
  EXPECT_EQ(fake_.last.month(), "2026-05");
  EXPECT_EQ(fake_.last.as_of().day(), 20);
  EXPECT_EQ(fake_.last.organization(), "o-sw");
  EXPECT_THAT(err_.str(), HasSubstr("[1/3] 读取规划\n[2/3] 读取措施\n[3/3] 评估指标\n"));
  std::ifstream in(file_, std::ios::binary);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_TRUE(got.str() == fake_.content);
  EXPECT_FALSE(Exists(file_ + ".part"));
  EXPECT_THAT(out_.str(), HasSubstr(file_));
  EXPECT_THAT(out_.str(), HasSubstr(absl::StrCat(fake_.content.size(), " bytes")));
  EXPECT_THAT(out_.str(), HasSubstr("as of 2026-05-31 (closed month)"));
}

TEST_F(ReportMonthlyTest, PdfAsksForTheMonthlyReport) {
  ASSERT_EQ(Run({"report", "monthly", "--month", "2026-05", "--format", "pdf", "--out", file_}), 0)
      << err_.str();
  EXPECT_EQ(fake_.last.kind(), iv1::DOCUMENT_KIND_MONTHLY_REPORT);
  EXPECT_FALSE(fake_.last.has_as_of());
}

TEST_F(ReportMonthlyTest, NoFileUnlessDoneMatches) {
  for (FakeDocuments::Mode mode :
       {FakeDocuments::Mode::kBadSha, FakeDocuments::Mode::kNoDone, FakeDocuments::Mode::kShort}) {
    fake_.mode = mode;
    EXPECT_NE(Run({"report", "monthly", "--month", "2026-05", "--format", "xlsx", "-o", file_}), 0);
    EXPECT_THAT(err_.str(), HasSubstr("nothing written"));
    EXPECT_FALSE(Exists(file_));
    EXPECT_FALSE(Exists(file_ + ".part"));
  }
}

TEST_F(ReportMonthlyTest, ServerErrorIsReported) {
  fake_.mode = FakeDocuments::Mode::kError;
  EXPECT_NE(Run({"report", "monthly", "--month", "2026-05", "--format", "xlsx", "-o", file_}), 0);
  EXPECT_THAT(err_.str(), HasSubstr("progress service"));
  EXPECT_FALSE(Exists(file_));
}

TEST_F(ReportMonthlyTest, UsageErrors) {
  EXPECT_EQ(Run({"report", "monthly", "--month", "2026-05", "--format", "docx", "-o", file_}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--format"));
  EXPECT_EQ(Run({"report", "monthly", "--format", "xlsx", "-o", file_}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--month"));
  EXPECT_EQ(
      Run({"report", "monthly", "--month", "2026-05", "--format", "pdf", "--organization", "o-sw"}),
      2);
  EXPECT_EQ(
      Run({"report", "monthly", "--month", "2026-05", "--format", "xlsx", "--as-of", "2026-5-1"}),
      2);
}

}  // namespace
}  // namespace ecoplan::ctl
