#include "common/idempotency/request_ledger.h"

#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::common {
namespace {

using ::testing::HasSubstr;

TEST(ValidateRequestIdTest, AcceptsNoneAndPrintableAsciiUpTo128Characters) {
  EXPECT_OK(ValidateRequestId(""));
  EXPECT_OK(ValidateRequestId("r"));
  // What the tools and tests send today: ctl-<hex>, lg-<run>-<n>-<n>, UUIDs, names with dashes.
  EXPECT_OK(ValidateRequestId("ctl-0123456789abcdef0123456789abcdef"));
  EXPECT_OK(ValidateRequestId("lg-1733470000-3-17"));
  EXPECT_OK(ValidateRequestId("9f1c2d3e-4b5a-6789-abcd-ef0123456789"));
  EXPECT_OK(ValidateRequestId("month-e2e-o-jt-3"));
  EXPECT_OK(ValidateRequestId("a/b:c_d.e~!{}"));
  EXPECT_OK(ValidateRequestId(std::string(64, 'r')));
  EXPECT_OK(ValidateRequestId(std::string(65, 'r')));
  EXPECT_OK(ValidateRequestId(std::string(kMaxRequestIdLength, 'r')));
}

TEST(ValidateRequestIdTest, RefusesLongerIdsSpacesControlAndNonAsciiCharacters) {
  absl::Status long_id = ValidateRequestId(std::string(kMaxRequestIdLength + 1, 'r'));
  EXPECT_EQ(long_id.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(long_id.message()), HasSubstr("longer than 128"));
  for (const std::string& bad :
       {std::string("a b"), std::string("a\tb"), std::string("a\nb"), std::string("a\x7f"),
        std::string("请求-1"), std::string("x\0y", 3)}) {
    absl::Status s = ValidateRequestId(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(s.message()), HasSubstr("request_id: character ")) << bad;
  }
  EXPECT_THAT(std::string(ValidateRequestId("ab cd").message()), HasSubstr("character 3 "));
}

TEST(RequestLedgerTest, DecidesFreshRetryOrReused) {
  const RequestRecord earlier{"req-1", "CreateRule", "rules/r1", "fp-1", 0};
  // No id, or none stored: fresh.
  ASSERT_OK_AND_ASSIGN(RequestDecision none,
                       RequestLedger::Decide({"", "CreateRule", "rules/r1", ""}, &earlier));
  EXPECT_EQ(none, RequestDecision::kFresh);
  ASSERT_OK_AND_ASSIGN(RequestDecision fresh,
                       RequestLedger::Decide({"req-2", "CreateRule", "rules/r2", "fp-2"}, nullptr));
  EXPECT_EQ(fresh, RequestDecision::kFresh);
  // The same method, resource and content: a retry.
  ASSERT_OK_AND_ASSIGN(
      RequestDecision retry,
      RequestLedger::Decide({"req-1", "CreateRule", "rules/r1", "fp-1"}, &earlier));
  EXPECT_EQ(retry, RequestDecision::kRetry);
  // A call that does not name its resource or carry a fingerprint matches on the method.
  ASSERT_OK_AND_ASSIGN(retry, RequestLedger::Decide({"req-1", "CreateRule", "", ""}, &earlier));
  EXPECT_EQ(retry, RequestDecision::kRetry);

  // Another method, resource or content: one error, one message.
  for (const RequestCall& call : {RequestCall{"req-1", "DeleteRule", "rules/r1", ""},
                                  RequestCall{"req-1", "CreateRule", "rules/r2", ""},
                                  RequestCall{"req-1", "CreateRule", "rules/r1", "fp-other"}}) {
    absl::StatusOr<RequestDecision> reused = RequestLedger::Decide(call, &earlier);
    EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(reused.status().message(),
              "request_id \"req-1\" was already used for CreateRule of rules/r1; use a new "
              "request_id for a new request");
  }
  // An invalid id is refused before anything is looked up.
  EXPECT_EQ(RequestLedger::Decide({"a b", "CreateRule", "", ""}, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RequestLedgerTest, RecordsOfOlderReleasesWithoutMethodMatchOnTheResource) {
  const RequestRecord legacy{"req-1", "", "plans/p/contests/3", "", 0};
  ASSERT_OK_AND_ASSIGN(
      RequestDecision d,
      RequestLedger::Decide({"req-1", "DecideContest", "plans/p/contests/3", ""}, &legacy));
  EXPECT_EQ(d, RequestDecision::kRetry);
  absl::StatusOr<RequestDecision> other =
      RequestLedger::Decide({"req-1", "DecideContest", "plans/p/contests/4", ""}, &legacy);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(other.status().message()),
              HasSubstr("was already used for another request of plans/p/contests/3"));
}

TEST(RequestLedgerTest, InMemoryLedgerAnswersTheFirstRecordOnRetry) {
  RequestLedger ledger;
  ASSERT_OK_AND_ASSIGN(const RequestRecord* first,
                       ledger.Check({"sub-1", "CreateSubscription", "", ""}));
  EXPECT_EQ(first, nullptr);
  ledger.Record({"sub-1", "CreateSubscription", "subscriptions/s-3", "", 0});
  ledger.Record({"replay-1", "ReplayDelivery", "subscriptions/s-3/deliveries/4", "", 9});
  EXPECT_EQ(ledger.size(), 2u);

  ASSERT_OK_AND_ASSIGN(const RequestRecord* again,
                       ledger.Check({"sub-1", "CreateSubscription", "", ""}));
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->resource, "subscriptions/s-3");
  ASSERT_OK_AND_ASSIGN(
      again, ledger.Check({"replay-1", "ReplayDelivery", "subscriptions/s-3/deliveries/4", ""}));
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->revision, 9);

  absl::StatusOr<const RequestRecord*> reused =
      ledger.Check({"sub-1", "RotateSubscriptionSecret", "subscriptions/s-3", ""});
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(reused.status().message()),
              HasSubstr("\"sub-1\" was already used for CreateSubscription of subscriptions/s-3"));
  EXPECT_EQ(ledger.Find("nope"), nullptr);
}

}  // namespace
}  // namespace ecoplan::common
