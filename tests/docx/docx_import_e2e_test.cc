// The plan imported from its Word document (.docx) through the real
// registry_server and ecoplanctl binaries. The documents are built at test
// time from the seed text by tests/docx/make_plan_docx.mjs with the npm
// `docx` library (the CTest fixture docx_fixtures); the hostile files are
// built here with libzip.
//
// The .docx import of the seed equals its text import field for field; the
// only differences allowed are listed in kProvenanceFields and the plan id
// (it is the sha256 of the text each reads as).

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/docx/testing/docx_fixtures.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

namespace v1 = ::ecoplan::registry::v1;
using ::testing::HasSubstr;
using namespace ::ecoplan::common::testing;  // NOLINT: the fixture builders

const char* const kCtl = ECOPLAN_CTL_PATH;
const char* const kSeed = ECOPLAN_SEED_PATH;
const char* const kFixtures = ECOPLAN_DOCX_FIXTURE_DIR;
constexpr char kDocxType[] =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

// Where the two imports may differ: where things are (lines of a different
// text, document positions, and the line numbers a ParseWarning's message
// quotes: "the row at line 686"), which format and digest the plan came from,
// and when it was imported.
const std::set<std::string> kProvenanceFields = {
    "first_line",        "last_line",         "document_position", "line",        "source_sha256",
    "normalized_sha256", "source_media_type", "import_time",       "create_time", "update_time"};

// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  std::string hex;
  for (unsigned char b : digest) absl::StrAppend(&hex, absl::Hex(b, absl::kZeroPad2));
  return hex;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path
                         << " (made by the docx_fixtures test: node tests/docx/make_plan_docx.mjs)";
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Clears the provenance fields of `message` and everything in it, and puts
// `to_id` for `from_id` in every string (names carry the plan id).
void Normalize(google::protobuf::Message* message, const std::string& from_id,
               const std::string& to_id) {
  const google::protobuf::Reflection* reflection = message->GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (kProvenanceFields.count(field->name()) > 0) {
      reflection->ClearField(message, field);
      continue;
    }
    if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          Normalize(reflection->MutableRepeatedMessage(message, field, i), from_id, to_id);
        }
      } else {
        Normalize(reflection->MutableMessage(message, field), from_id, to_id);
      }
    } else if (message->GetDescriptor()->name() == "ParseWarning" && field->name() == "message") {
      reflection->SetString(message, field,
                            std::regex_replace(reflection->GetString(*message, field),
                                               std::regex("line [0-9]+"), "line N"));
    } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING &&
               field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          reflection->SetRepeatedString(
              message, field, i,
              absl::StrReplaceAll(reflection->GetRepeatedString(*message, field, i),
                                  {{from_id, to_id}}));
        }
      } else {
        reflection->SetString(
            message, field,
            absl::StrReplaceAll(reflection->GetString(*message, field), {{from_id, to_id}}));
      }
    }
  }
}

class DocxImportE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(address_, cluster_.Start("registry", ServerOptions()));
    stub_ = v1::RegistryService::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return ctx;
  }

  grpc::Status ImportFile(const std::string& bytes, v1::ImportPlanResponse* response,
                          const std::string& media_type = kDocxType) {
    v1::ImportPlanRequest request;
    request.set_document_file(bytes);
    request.set_media_type(media_type);
    return stub_->ImportPlan(Context().get(), request, response);
  }

  v1::ExportPlanResponse Export(const std::string& name) {
    v1::ExportPlanRequest request;
    request.set_name(name);
    v1::ExportPlanResponse response;
    grpc::Status status = stub_->ExportPlan(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  int PlanCount() {
    v1::ListPlansResponse response;
    grpc::Status status = stub_->ListPlans(Context().get(), v1::ListPlansRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.plans_size();
  }

  CommandResult Ctl(std::vector<std::string> args) {
    std::vector<std::string> argv{kCtl, "--registry=" + address_};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CommandResult> result = RunCommand(argv);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.value_or(CommandResult{});
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  std::string address_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

TEST_F(DocxImportE2eTest, TheDocxImportOfTheSeedEqualsItsTextImport) {
  v1::ImportPlanRequest text_request;
  text_request.set_document_text(ReadFile(kSeed));
  v1::ImportPlanResponse from_text;
  grpc::Status status = stub_->ImportPlan(Context().get(), text_request, &from_text);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::ImportPlanResponse from_docx;
  const std::string docx = ReadFile(absl::StrCat(kFixtures, "/plan.docx"));
  status = ImportFile(docx, &from_docx);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(from_docx.already_imported());
  // Each plan shows the digest of the file as the user has it.
  EXPECT_EQ(from_text.plan().source_sha256(), Sha256Hex(ReadFile(kSeed)));
  EXPECT_EQ(from_docx.plan().source_sha256(), Sha256Hex(docx));
  EXPECT_EQ(from_text.plan().source_media_type(), "text/plain");
  EXPECT_EQ(from_docx.plan().source_media_type(), kDocxType);
  ASSERT_NE(from_text.plan().name(), from_docx.plan().name());

  v1::ExportPlanResponse text_export = Export(from_text.plan().name());
  v1::ExportPlanResponse docx_export = Export(from_docx.plan().name());
  ASSERT_GT(text_export.tasks_size(), 50);
  ASSERT_GT(text_export.plan().annexes_size(), 4);
  // Provenance of the .docx import names document positions, of the text none.
  const v1::Measure& first = docx_export.tasks(0).measures(0);
  EXPECT_TRUE(absl::StartsWith(first.source().document_position(), "table 1 row "))
      << first.source().document_position();
  EXPECT_EQ(text_export.tasks(0).measures(0).source().document_position(), "");
  for (const v1::ParseWarning& w : docx_export.plan().warnings()) {
    EXPECT_FALSE(w.document_position().empty()) << w.code();
    EXPECT_FALSE(absl::StartsWith(w.code(), "docx-")) << w.code() << " " << w.message();
  }

  const std::string text_id = from_text.plan().name().substr(std::string("plans/").size());
  const std::string docx_id = from_docx.plan().name().substr(std::string("plans/").size());
  Normalize(&docx_export, docx_id, text_id);
  Normalize(&text_export, text_id, text_id);
  google::protobuf::util::MessageDifferencer differencer;
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(text_export, docx_export)) << differences;
}

TEST_F(DocxImportE2eTest, TheSameDocxAgainIsAlreadyImported) {
  const std::string docx = ReadFile(absl::StrCat(kFixtures, "/plan.docx"));
  v1::ImportPlanResponse first;
  ASSERT_TRUE(ImportFile(docx, &first).ok());
  // Also without a media type: told by the zip content.
  v1::ImportPlanResponse again;
  grpc::Status status = ImportFile(docx, &again, "");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(again.already_imported());
  EXPECT_EQ(again.plan().name(), first.plan().name());
  EXPECT_EQ(PlanCount(), 1);
}

TEST_F(DocxImportE2eTest, TrackedChangesAreReadAcceptedWithAWarning) {
  v1::ImportPlanRequest request;
  request.set_document_file(ReadFile(absl::StrCat(kFixtures, "/tracked.docx")));
  request.set_validate_only(true);
  v1::ImportPlanResponse response;
  grpc::Status status = stub_->ImportPlan(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  bool warned = false;
  for (const v1::ParseWarning& w : response.plan().warnings()) {
    if (w.code() != "docx-tracked-changes") continue;
    warned = true;
    EXPECT_TRUE(absl::StartsWith(w.document_position(), "table 1 row ")) << w.document_position();
    EXPECT_GT(w.line(), 0);
  }
  EXPECT_TRUE(warned);
  EXPECT_EQ(PlanCount(), 0);  // validate_only
}

TEST_F(DocxImportE2eTest, HostileFilesAreRefusedAndNothingIsWritten) {
  struct Case {
    std::string what;
    std::string bytes;
    std::string media_type;
    std::string words;
  };
  std::string deep = "<w:p>";
  for (int i = 0; i < 500; ++i) deep += "<w:r>";
  for (int i = 0; i < 500; ++i) deep += "</w:r>";
  deep += "</w:p>";
  std::vector<std::pair<std::string, std::string>> many{{"word/document.xml", DocumentXml(P("a"))}};
  for (int i = 0; i < 1200; ++i) many.emplace_back(absl::StrCat("x/", i), "");
  const std::vector<Case> cases = {
      {"not a zip", "这不是压缩包", kDocxType, "not a .docx document: not a zip archive"},
      {"no document part", ZipArchive({{"word/styles.xml", "<a/>"}}), kDocxType,
       "the archive has no word/document.xml"},
      {"zip bomb", Docx(P(std::string(40u << 20, 'a'))), kDocxType, "word/document.xml declares"},
      {"many entries", ZipArchive(many), kDocxType, "entries, more than 1000"},
      {"doctype",
       DocxWithDocumentXml("<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                           "<w:document><w:body>" +
                           P("&x;") + "</w:body></w:document>"),
       kDocxType, "DOCTYPE"},
      {"deep nesting", Docx(deep), kDocxType, "deeper than 64 levels"},
      {"not XML", DocxWithDocumentXml("<w:document><w:body>"), kDocxType, "is not XML"},
      {"a docx that is no plan", Docx(P("会议纪要")), kDocxType,
       "paragraph 1 (line 1 of the document's text)"},
      {"another media type", Docx(P("a")), "application/pdf", "media_type"},
  };
  for (const Case& c : cases) {
    v1::ImportPlanResponse response;
    grpc::Status status = ImportFile(c.bytes, &response, c.media_type);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.what;
    EXPECT_THAT(status.error_message(), HasSubstr(c.words)) << c.what;
  }
  // Neither or both of the document fields.
  v1::ImportPlanRequest neither;
  v1::ImportPlanResponse response;
  grpc::Status status = stub_->ImportPlan(Context().get(), neither, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("document_text or document_file is required"));
  v1::ImportPlanRequest both;
  both.set_document_text(ReadFile(kSeed));
  both.set_document_file(ReadFile(absl::StrCat(kFixtures, "/plan.docx")));
  status = stub_->ImportPlan(Context().get(), both, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("document_text, document_file"));
  EXPECT_EQ(PlanCount(), 0);
}

TEST_F(DocxImportE2eTest, EcoplanctlImportsTheWordDocument) {
  const std::string docx = absl::StrCat(kFixtures, "/plan.docx");
  CommandResult imported = Ctl({"plan", "import", docx});
  ASSERT_EQ(imported.exit_code, 0) << imported.stderr_text;
  EXPECT_THAT(imported.stdout_text, HasSubstr("Imported: plans/2026-"));
  EXPECT_THAT(imported.stdout_text, HasSubstr("美丽门头沟建设2026年行动计划"));
  EXPECT_THAT(imported.stdout_text, HasSubstr("门政办发〔2026〕1号"));
  // Warnings name where in the document.
  EXPECT_THAT(imported.stdout_text, HasSubstr("WHERE"));
  EXPECT_THAT(imported.stdout_text, HasSubstr("table 1 row "));
  CommandResult again = Ctl({"plan", "import", docx});
  ASSERT_EQ(again.exit_code, 0) << again.stderr_text;
  EXPECT_THAT(again.stdout_text, HasSubstr("Already imported"));
  // A hostile file: refused, the problem named, nothing written.
  const std::string bomb = absl::StrCat(dir_.path(), "/bomb.docx");
  {
    std::ofstream out(bomb, std::ios::binary);
    out << Docx(P(std::string(40u << 20, 'a')));
  }
  CommandResult refused = Ctl({"plan", "import", bomb});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.stderr_text, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(refused.stderr_text, HasSubstr("word/document.xml declares"));
  EXPECT_EQ(PlanCount(), 1);
}

}  // namespace
}  // namespace ecoplan::testing
