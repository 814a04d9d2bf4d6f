#include "services/progress/domain/keyed_serializer.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

namespace ecoplan::progress {
namespace {

TEST(KeyedSerializerTest, SameKeyWaitsForTheLeaseDifferentKeysDoNot) {
  std::deque<std::function<void()>> dispatched;
  KeyedSerializer serializer([&](std::function<void()> fn) { dispatched.push_back(std::move(fn)); });
  std::vector<std::string> ran;
  std::shared_ptr<KeyedSerializer::Lease> held;
  serializer.Run("a", [&](std::shared_ptr<KeyedSerializer::Lease> l) {
    ran.push_back("a1");
    held = std::move(l);
  });
  serializer.Run("a", [&](std::shared_ptr<KeyedSerializer::Lease>) { ran.push_back("a2"); });
  serializer.Run("b", [&](std::shared_ptr<KeyedSerializer::Lease>) { ran.push_back("b1"); });
  EXPECT_EQ(ran, (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(serializer.held_keys(), 1u);
  held.reset();  // releases "a": a2 is handed to the dispatcher, not run inline
  EXPECT_EQ(ran.size(), 2u);
  ASSERT_EQ(dispatched.size(), 1u);
  dispatched.front()();
  EXPECT_EQ(ran, (std::vector<std::string>{"a1", "b1", "a2"}));
  EXPECT_EQ(serializer.held_keys(), 0u);
}

}  // namespace
}  // namespace ecoplan::progress
