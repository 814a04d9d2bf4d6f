#include "common/events/event_log.h"

#include <google/protobuf/timestamp.pb.h>
#include <gtest/gtest.h>

namespace ecoplan::common {
namespace {

TEST(MakeEventTest, FillsTypeResourceAndPacksThePayload) {
  google::protobuf::Timestamp payload;
  payload.set_seconds(42);
  const v1::Event event = MakeEvent(payload, "plans/p1", "req-7", "user:alice");
  EXPECT_EQ(event.type(), "google.protobuf.Timestamp");
  EXPECT_EQ(event.resource(), "plans/p1");
  EXPECT_EQ(event.request_id(), "req-7");
  EXPECT_EQ(event.actor(), "user:alice");
  EXPECT_EQ(event.sequence(), 0u);  // Set by the committer.
  EXPECT_EQ(event.payload().type_url(), "type.googleapis.com/google.protobuf.Timestamp");
  google::protobuf::Timestamp unpacked;
  ASSERT_TRUE(event.payload().UnpackTo(&unpacked));
  EXPECT_EQ(unpacked.seconds(), 42);
}

TEST(MakeEventTest, RequestIdAndActorAreOptional) {
  const v1::Event event = MakeEvent(google::protobuf::Timestamp(), "plans/p1");
  EXPECT_TRUE(event.request_id().empty());
  EXPECT_TRUE(event.actor().empty());
}

}  // namespace
}  // namespace ecoplan::common
