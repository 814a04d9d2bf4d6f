#include "services/indicator/domain/rounding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ecoplan::indicator {
namespace {

TEST(RoundHalfEvenTest, ExactHalvesGoToTheEvenNeighbour) {
  EXPECT_EQ(RoundHalfEven(2.5, 0), 2.0);
  EXPECT_EQ(RoundHalfEven(3.5, 0), 4.0);
  EXPECT_EQ(RoundHalfEven(0.5, 0), 0.0);
  EXPECT_EQ(RoundHalfEven(1.5, 0), 2.0);
  EXPECT_EQ(RoundHalfEven(0.125, 2), 0.12);
  EXPECT_EQ(RoundHalfEven(0.375, 2), 0.38);
}

TEST(RoundHalfEvenTest, NonHalvesRoundToNearest) {
  EXPECT_EQ(RoundHalfEven(2.4999, 0), 2.0);
  EXPECT_EQ(RoundHalfEven(2.5001, 0), 3.0);
  EXPECT_EQ(RoundHalfEven(1.06, 1), 1.1);  // GB/T 8170: 六入
  EXPECT_EQ(RoundHalfEven(1.04, 1), 1.0);  // 四舍
  EXPECT_EQ(RoundHalfEven(35.7, 0), 36.0);
}

TEST(RoundHalfEvenTest, DecimalHalvesNotExactInBinaryAreTies) {
  // 26.45 is stored as 26.4499999999999992894572642399...; a naive rounding says 26.4
  // for the wrong reason and 26.55 (stored as 26.5500000000000007105...) says 26.6.
  EXPECT_EQ(RoundHalfEven(26.45, 1), 26.4);
  EXPECT_EQ(RoundHalfEven(26.55, 1), 26.6);
  EXPECT_EQ(RoundHalfEven(26.35, 1), 26.4);  // stored 26.3500000000000014...
  EXPECT_EQ(RoundHalfEven(2.675, 2),
            2.68);  // stored 2.67499999999999982236431605997495353221893310546875
  EXPECT_EQ(RoundHalfEven(1.005, 2), 1.0);  // stored 1.00499999999999989...
  EXPECT_EQ(RoundHalfEven(0.45, 1), 0.4);
  EXPECT_EQ(RoundHalfEven(0.35, 1), 0.4);
}

TEST(RoundHalfEvenTest, ComputedMeansWithNoiseStillTie) {
  // Arithmetic lands a hair off the decimal half; the tie rule must still apply.
  const double mean = (26.4 + 26.5) / 2;  // 26.45 mathematically
  EXPECT_EQ(RoundHalfEven(mean, 1), 26.4);
  const double sum = 0.1 + 0.2 + 0.25;  // 0.55 mathematically, 0.55000000000000004 in binary
  EXPECT_EQ(RoundHalfEven(sum, 1), 0.6);
  const double ratio = 100.0 * 1 / 8;  // 12.5
  EXPECT_EQ(RoundHalfEven(ratio, 0), 12.0);
}

TEST(RoundHalfEvenTest, IsSymmetricForNegatives) {
  EXPECT_EQ(RoundHalfEven(-2.5, 0), -2.0);
  EXPECT_EQ(RoundHalfEven(-3.5, 0), -4.0);
  EXPECT_EQ(RoundHalfEven(-26.45, 1), -26.4);
  EXPECT_EQ(RoundHalfEven(-1.26, 1), -1.3);
}

TEST(RoundHalfEvenTest, ResultIsTheDoubleOfTheDecimal) {
  EXPECT_EQ(RoundHalfEven(0.1 + 0.2, 1), 0.3);  // not 0.30000000000000004
  EXPECT_EQ(RoundHalfEven(123.456, 2), 123.46);
  EXPECT_EQ(RoundHalfEven(7.0, 3), 7.0);
}

TEST(RoundHalfEvenTest, PassesThroughNonFiniteAndHugeValues) {
  EXPECT_TRUE(std::isnan(RoundHalfEven(std::numeric_limits<double>::quiet_NaN(), 1)));
  EXPECT_EQ(RoundHalfEven(std::numeric_limits<double>::infinity(), 1),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(RoundHalfEven(1e20, 2), 1e20);
}

TEST(RoundHalfEvenTest, ClampsDecimals) {
  EXPECT_EQ(RoundHalfEven(2.5, -3), 2.0);  // treated as 0 decimals
  EXPECT_EQ(RoundHalfEven(0.1, 40), 0.1);
}

TEST(RoundUpTest, RoundsFractionsUpAndKeepsIntegers) {
  EXPECT_EQ(RoundUp(63.2), 64.0);
  EXPECT_EQ(RoundUp(63.0), 63.0);
  EXPECT_EQ(RoundUp(113.6363), 114.0);
  EXPECT_EQ(RoundUp(50.0013), 51.0);
  EXPECT_EQ(RoundUp(0.0), 0.0);
}

TEST(RoundUpTest, IgnoresArithmeticNoiseAboveAnInteger) {
  EXPECT_EQ(RoundUp(63.00000000000001), 63.0);
  const double noisy = 0.1 * 3 * 10;  // 3.0000000000000004
  EXPECT_EQ(RoundUp(noisy), 3.0);
  EXPECT_EQ(RoundUp(62.99999999999999), 63.0);
}

}  // namespace
}  // namespace ecoplan::indicator
