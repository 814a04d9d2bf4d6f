// SignWebhook against the Standard Webhooks reference vector, VerifyWebhook
// (the receiver side of Standard Webhooks), and the replay of the
// webhook-signature fuzz corpus (and every crash the fuzzer ever found, which
// is added to it) in every build.

#include "services/notification/domain/webhook_signature.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/testing/corpus.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "services/notification/domain/webhook_signature_invariants.h"

namespace ecoplan::notification {
namespace {

using common::CorpusInput;
using common::ReadCorpus;
using common::ReadFileBytes;

// The Standard Webhooks reference vector.
constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr char kId[] = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr char kTimestamp[] = "1614265330";
constexpr char kBody[] = R"({"test": 2432232314})";
constexpr char kSignature[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const absl::Time kSent = absl::FromUnixSeconds(1614265330);

std::string Key() { return ParseWebhookSecret(kSecret).value(); }

TEST(WebhookSignatureTest, MatchesTheStandardWebhooksReferenceVector) {
  // From the Standard Webhooks reference test suite.
  ASSERT_OK_AND_ASSIGN(std::string key,
                       ParseWebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
  EXPECT_EQ(SignWebhook(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookVerifyTest, AcceptsTheReferenceVectorAmongOtherEntries) {
  EXPECT_OK(VerifyWebhook({Key()}, {kId, kTimestamp, kSignature}, kBody, kSent));
  const std::string header = absl::StrCat("v2,abc v1,AAAA  ", kSignature, " v1a,x");
  EXPECT_OK(VerifyWebhook({"another-key-0123456789abcdef", Key()}, {kId, kTimestamp, header}, kBody,
                          kSent + absl::Minutes(5)));
}

TEST(WebhookVerifyTest, RefusesChangedContentWrongKeysAndStaleDeliveries) {
  auto code = [](const absl::Status& s) { return s.code(); };
  const WebhookHeaders good{kId, kTimestamp, kSignature};
  EXPECT_EQ(code(VerifyWebhook({Key()}, good, R"({"test": 2432232315})", kSent)),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code(VerifyWebhook({Key()}, {"msg_other", kTimestamp, kSignature}, kBody, kSent)),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code(VerifyWebhook({Key()}, {kId, "1614265331", kSignature}, kBody, kSent)),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code(VerifyWebhook({"wrong-key-0123456789abcdef"}, good, kBody, kSent)),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code(VerifyWebhook({}, good, kBody, kSent)), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code(VerifyWebhook({Key()}, good, kBody, kSent + absl::Seconds(301))),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code(VerifyWebhook({Key()}, good, kBody, kSent - absl::Seconds(301))),
            absl::StatusCode::kUnauthenticated);
}

TEST(WebhookVerifyTest, RefusesMalformedHeadersAsInvalidArgument) {
  for (const char* ts : {"", "+1614265330", " 1614265330", "01614265330", "1614265330.0",
                         "-1614265330", "99999999999999999999", "253402300800", "1e9"}) {
    EXPECT_EQ(VerifyWebhook({Key()}, {kId, ts, kSignature}, kBody, kSent).code(),
              absl::StatusCode::kInvalidArgument)
        << ts;
  }
  EXPECT_EQ(VerifyWebhook({Key()}, {"", kTimestamp, kSignature}, kBody, kSent).code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* sig : {"", " ", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1"}) {
    EXPECT_EQ(VerifyWebhook({Key()}, {kId, kTimestamp, sig}, kBody, kSent).code(),
              absl::StatusCode::kInvalidArgument)
        << sig;
  }
}

TEST(WebhookSignatureCorpusTest, EveryCorpusInputSatisfiesTheInvariants) {
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_WEBHOOK_SIGNATURE_CORPUS_DIR);
  for (const CorpusInput& input : corpus) {
    EXPECT_OK(CheckWebhookSignatureInput(input.bytes)) << input.path;
  }
  EXPECT_GE(corpus.size(), 8u);
}

// The corpus reaches the accepting path, not only refusals.
TEST(WebhookSignatureCorpusTest, TheReferenceVectorOfTheCorpusVerifies) {
  const std::string input = ReadFileBytes(
      std::filesystem::path(ECOPLAN_WEBHOOK_SIGNATURE_CORPUS_DIR) / "reference_vector");
  EXPECT_EQ(input,
            absl::StrCat(kSecret, "\n", kId, "\n", kTimestamp, "\n", kSignature, "\n", kBody));
}

}  // namespace
}  // namespace ecoplan::notification
