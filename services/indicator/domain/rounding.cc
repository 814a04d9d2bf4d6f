#include "services/indicator/domain/rounding.h"

#include <algorithm>
#include <cmath>

namespace ecoplan::indicator {
namespace {

// Relative tolerance for "lies on the decision point"; see the header for why
// 1e-9 separates arithmetic noise from real data.
constexpr double kRelativeTolerance = 1e-9;

constexpr double kPowersOfTen[kMaxRoundingDecimals + 1] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// Beyond 2^52 every double is an integer, so there is nothing left to round.
constexpr double kAllIntegersAbove = 4503599627370496.0;  // 2^52

double Tolerance(double scaled) { return kRelativeTolerance * std::max(1.0, std::fabs(scaled)); }

}  // namespace

double RoundHalfEven(double value, int decimals) {
  if (!std::isfinite(value)) return value;
  decimals = std::clamp(decimals, 0, kMaxRoundingDecimals);
  const double scale = kPowersOfTen[decimals];
  const double scaled = std::fabs(value) * scale;
  if (scaled >= kAllIntegersAbove) return value;

  const double lower = std::floor(scaled);
  const double fraction = scaled - lower;
  double rounded;
  if (std::fabs(fraction - 0.5) <= Tolerance(scaled)) {
    // A tie in decimal terms: keep the even neighbour.
    rounded = std::fmod(lower, 2.0) == 0.0 ? lower : lower + 1.0;
  } else {
    rounded = fraction < 0.5 ? lower : lower + 1.0;
  }
  // `rounded` and `scale` are exact integers, so one division yields the double
  // nearest to the decimal result (IEEE division is correctly rounded).
  const double result = rounded / scale;
  return std::signbit(value) ? -result : result;
}

double RoundUp(double value) {
  if (!std::isfinite(value)) return value;
  const double nearest = std::nearbyint(value);
  if (std::fabs(value - nearest) <= Tolerance(value)) return nearest;
  return std::ceil(value);
}

}  // namespace ecoplan::indicator
