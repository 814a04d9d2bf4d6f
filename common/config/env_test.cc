#include "common/config/env.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace ecoplan::common {
namespace {

class EnvTest : public ::testing::Test {
 protected:
  void TearDown() override { unsetenv("ECOPLAN_TEST_VALUE"); }
  static void Set(const char* value) { setenv("ECOPLAN_TEST_VALUE", value, 1); }
};

TEST_F(EnvTest, UnsetOrEmptyGivesTheFallback) {
  EXPECT_EQ(EnvIntOr("ECOPLAN_TEST_VALUE", 50051), 50051);
  EXPECT_EQ(EnvOr("ECOPLAN_TEST_VALUE", "var/registry"), "var/registry");
  EXPECT_TRUE(EnvBoolOr("ECOPLAN_TEST_VALUE", true));
  Set("");
  EXPECT_EQ(EnvIntOr("ECOPLAN_TEST_VALUE", 50051), 50051);
  EXPECT_FALSE(EnvBoolOr("ECOPLAN_TEST_VALUE", false));
}

TEST_F(EnvTest, ParsesValuesThatAreSet) {
  Set("50061");
  EXPECT_EQ(EnvIntOr("ECOPLAN_TEST_VALUE", 50051), 50061);
  Set("TRUE");
  EXPECT_TRUE(EnvBoolOr("ECOPLAN_TEST_VALUE", false));
  Set("no");
  EXPECT_FALSE(EnvBoolOr("ECOPLAN_TEST_VALUE", true));
  Set("0");
  EXPECT_FALSE(EnvBoolOr("ECOPLAN_TEST_VALUE", true));
}

TEST_F(EnvTest, AnIntegerThatDoesNotParseStopsTheProcessNamingTheVariable) {
  Set("5OO51");
  EXPECT_EXIT(EnvIntOr("ECOPLAN_TEST_VALUE", 50051), ::testing::ExitedWithCode(2),
              "ECOPLAN_TEST_VALUE=\"5OO51\" is not an integer");
}

TEST_F(EnvTest, ABooleanThatDoesNotParseStopsTheProcess) {
  Set("enabled");
  EXPECT_EXIT(EnvBoolOr("ECOPLAN_TEST_VALUE", false), ::testing::ExitedWithCode(2),
              "ECOPLAN_TEST_VALUE=\"enabled\" is not a boolean");
}

}  // namespace
}  // namespace ecoplan::common
