#include "common/concurrency/keyed_serializer.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ecoplan::common {
namespace {

TEST(KeyedSerializerTest, SameKeyWaitsForTheLeaseDifferentKeysDoNot) {
  std::deque<std::function<void()>> dispatched;
  KeyedSerializer serializer(
      [&](std::function<void()> fn) { dispatched.push_back(std::move(fn)); });
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

TEST(KeyedSerializerTest, WaitersRunInArrivalOrderAndTheKeyIsFreeAfterTheLast) {
  std::deque<std::function<void()>> dispatched;
  KeyedSerializer serializer(
      [&](std::function<void()> fn) { dispatched.push_back(std::move(fn)); });
  std::vector<int> ran;
  std::vector<std::shared_ptr<KeyedSerializer::Lease>> held;
  for (int i = 0; i < 4; ++i) {
    serializer.Run("k", [&, i](std::shared_ptr<KeyedSerializer::Lease> l) {
      ran.push_back(i);
      held.push_back(std::move(l));
    });
  }
  EXPECT_EQ(ran, (std::vector<int>{0}));
  for (int i = 1; i < 4; ++i) {
    held.clear();  // releases the key to the next waiter
    ASSERT_EQ(dispatched.size(), 1u);
    auto next = std::move(dispatched.front());
    dispatched.pop_front();
    next();
    EXPECT_EQ(ran.back(), i);
    EXPECT_EQ(serializer.held_keys(), 1u);
  }
  held.clear();
  EXPECT_TRUE(dispatched.empty());
  EXPECT_EQ(serializer.held_keys(), 0u);
  // Free again: runs at once.
  serializer.Run("k", [&](std::shared_ptr<KeyedSerializer::Lease>) { ran.push_back(9); });
  EXPECT_EQ(ran.back(), 9);
}

// A retry carries the request id of the call it repeats: it waits for that
// call even when it names another resource, and a call without an id only
// waits for its resource. One lease holds both keys until dropped.
TEST(KeyedSerializerTest, ARequestIdIsASecondKeyTakenFirst) {
  std::deque<std::function<void()>> dispatched;
  KeyedSerializer serializer(
      [&](std::function<void()> fn) { dispatched.push_back(std::move(fn)); });
  std::vector<std::string> ran;
  std::shared_ptr<KeyedSerializer::Lease> first;
  serializer.RunForRequest("r1", "report/a", [&](std::shared_ptr<KeyedSerializer::Lease> l) {
    ran.push_back("first");
    first = std::move(l);
  });
  EXPECT_EQ(serializer.held_keys(), 2u);  // q/r1 and report/a
  serializer.RunForRequest(
      "r1", "report/b", [&](std::shared_ptr<KeyedSerializer::Lease>) { ran.push_back("retry"); });
  serializer.RunForRequest(
      "", "report/b", [&](std::shared_ptr<KeyedSerializer::Lease>) { ran.push_back("other"); });
  EXPECT_EQ(ran, (std::vector<std::string>{"first", "other"}));
  first.reset();  // both keys released: the retry may go
  ASSERT_EQ(dispatched.size(), 1u);
  dispatched.front()();
  EXPECT_EQ(ran, (std::vector<std::string>{"first", "other", "retry"}));
  EXPECT_EQ(serializer.held_keys(), 0u);
}

// A commit callback may drop its lease on the committer thread after the
// serializer's owner has gone (a server or test shutting down): the release
// touches only the shared state, and the work still waiting never runs.
TEST(KeyedSerializerTest, ALeaseMayOutliveTheSerializerAndWhatWaitedDoesNotRun) {
  std::deque<std::function<void()>> dispatched;
  std::vector<std::string> ran;
  std::shared_ptr<KeyedSerializer::Lease> held;
  auto serializer = std::make_unique<KeyedSerializer>(
      [&](std::function<void()> fn) { dispatched.push_back(std::move(fn)); });
  serializer->Run("report/a", [&](std::shared_ptr<KeyedSerializer::Lease> l) {
    ran.push_back("first");
    held = std::move(l);
  });
  serializer->RunForRequest(
      "r2", "report/a", [&](std::shared_ptr<KeyedSerializer::Lease>) { ran.push_back("waiting"); });
  serializer.reset();
  held.reset();
  EXPECT_TRUE(dispatched.empty());
  EXPECT_EQ(ran, (std::vector<std::string>{"first"}));
}

}  // namespace
}  // namespace ecoplan::common
