#include "common/mapping/proto_values.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ecoplan::common {
namespace {

TEST(DateMappingTest, RoundTripsAndRejectsImpossibleDays) {
  ecoplan::common::v1::Date d = DateToProto(absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(d.year(), 2026);
  EXPECT_EQ(d.month(), 2);
  EXPECT_EQ(d.day(), 28);
  absl::StatusOr<absl::CivilDay> back = DateFromProto(d, "due");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, absl::CivilDay(2026, 2, 28));

  d.set_day(30);
  absl::StatusOr<absl::CivilDay> bad = DateFromProto(d, "due");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "due is not a valid calendar date: 2026-2-30");
  EXPECT_EQ(StoredDateFromProto(d), absl::CivilDay(2026, 3, 2));  // normalizes, no check

  ecoplan::common::v1::Date unset;
  EXPECT_FALSE(DateFromProto(unset, "as_of").ok());
}

TEST(TimeMappingTest, ExactToTheNanosecondAndFloored) {
  const absl::Time t = absl::FromUnixSeconds(1700000000) + absl::Nanoseconds(123456789);
  google::protobuf::Timestamp ts = TimeToProto(t);
  EXPECT_EQ(ts.seconds(), 1700000000);
  EXPECT_EQ(ts.nanos(), 123456789);
  EXPECT_EQ(TimeFromProto(ts), t);

  const absl::Time before_1970 = absl::FromUnixSeconds(-2) + absl::Milliseconds(250);
  ts = TimeToProto(before_1970);
  EXPECT_EQ(ts.seconds(), -2);
  EXPECT_EQ(ts.nanos(), 250000000);
  EXPECT_EQ(TimeFromProto(ts), before_1970);
}

TEST(TimeMappingTest, NeverIsUnset) {
  EXPECT_EQ(TimeToProto(absl::InfinitePast()).ByteSizeLong(), 0u);
  EXPECT_EQ(TimeToProto(absl::InfiniteFuture()).ByteSizeLong(), 0u);
  EXPECT_EQ(TimeFromProtoOrPast(google::protobuf::Timestamp()), absl::InfinitePast());
  EXPECT_EQ(TimeFromProto(google::protobuf::Timestamp()), absl::UnixEpoch());
  const absl::Time t = absl::FromUnixSeconds(5);
  EXPECT_EQ(TimeFromProtoOrPast(TimeToProto(t)), t);
}

TEST(DurationMappingTest, RoundTripsWithTheSignOnBothParts) {
  const absl::Duration d = -(absl::Seconds(3) + absl::Milliseconds(500));
  google::protobuf::Duration p = DurationToProto(d);
  EXPECT_EQ(p.seconds(), -3);
  EXPECT_EQ(p.nanos(), -500000000);
  EXPECT_EQ(DurationFromProto(p), d);
  EXPECT_EQ(DurationFromProto(DurationToProto(absl::Minutes(90))), absl::Minutes(90));
}

TEST(ResourceNameTest, MatchesFormsAndReturnsTheIds) {
  EXPECT_EQ(MatchResourceName("plans/p1/measures/m-2", "plans/{plan}/measures/{measure}"),
            (std::vector<std::string>{"p1", "m-2"}));
  EXPECT_EQ(MatchResourceName("plans/p1", "plans/{plan}"), std::vector<std::string>{"p1"});
  EXPECT_FALSE(MatchResourceName("plans/p1/tasks/m2", "plans/{plan}/measures/{measure}"));
  EXPECT_FALSE(MatchResourceName("plans/p1/measures", "plans/{plan}/measures/{measure}"));
  EXPECT_FALSE(MatchResourceName("plans/", "plans/{plan}"));
  EXPECT_FALSE(MatchResourceName("plans/a b", "plans/{plan}"));
  EXPECT_FALSE(MatchResourceName("plans/" + std::string(129, 'x'), "plans/{plan}"));
  EXPECT_FALSE(MatchResourceName("plans/x", "plans/{plan}",
                                 [](absl::string_view id) { return id.size() > 1; }));
}

TEST(ResourceNameTest, ParseNamesTheFieldAndTheForm) {
  absl::StatusOr<std::vector<std::string>> ids =
      ParseResourceName("rules/r1/x", "rules/{rule}", "rule.name");
  EXPECT_EQ(ids.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ids.status().message(),
            "rule.name: \"rules/r1/x\" is not a resource name of the form rules/{rule}");
  EXPECT_EQ(ParseResourceName("", "rules/{rule}", "rule.name").status().message(),
            "rule.name is required");
  ids = ParseResourceName("rules/r1", "rules/{rule}", "rule.name");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, std::vector<std::string>{"r1"});
}

TEST(ResourceNameTest, LastSegmentAndCollectionId) {
  EXPECT_EQ(LastSegment("plans/p1/measures/m2"), "m2");
  EXPECT_EQ(LastSegment("org-7"), "org-7");
  EXPECT_EQ(LastSegment("plans/p1/"), "");
  EXPECT_EQ(CollectionId("plans/p1/measures/m2", "plans"), "p1");
  EXPECT_EQ(CollectionId("plans/p1", "plans"), "p1");
  EXPECT_EQ(CollectionId("plans//measures/m2", "plans"), "");
  EXPECT_EQ(CollectionId("plansx/p1", "plans"), "");
  EXPECT_EQ(CollectionId("organizations/o1", "plans"), "");
  EXPECT_EQ(CollectionId("plans", "plans"), "");
}

}  // namespace
}  // namespace ecoplan::common
