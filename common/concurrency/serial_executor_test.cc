#include "common/concurrency/serial_executor.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"

namespace ecoplan::common {
namespace {

TEST(SerialExecutorTest, RunsInSubmissionOrderOnOneThread) {
  std::vector<int> order;
  std::thread::id first_thread;
  bool one_thread = true;
  absl::Notification done;
  {
    SerialExecutor executor;
    for (int i = 0; i < 100; ++i) {
      executor.Submit([&, i] {
        if (i == 0) first_thread = std::this_thread::get_id();
        one_thread = one_thread && first_thread == std::this_thread::get_id();
        order.push_back(i);
        if (i == 99) done.Notify();
      });
    }
    done.WaitForNotification();
  }
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  EXPECT_TRUE(one_thread);
  EXPECT_NE(first_thread, std::this_thread::get_id());
}

TEST(SerialExecutorTest, DestructorRunsEverythingQueued) {
  int ran = 0;
  {
    SerialExecutor executor;
    for (int i = 0; i < 50; ++i) executor.Submit([&] { ++ran; });
  }
  EXPECT_EQ(ran, 50);
}

}  // namespace
}  // namespace ecoplan::common
