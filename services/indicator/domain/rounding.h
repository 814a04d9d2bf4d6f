#pragma once

// Numeric rounding rules used by the air-quality standards.
//
// Binary doubles cannot hold most decimal fractions: 26.45 is stored as
// 26.449999999999999289..., and a mean computed from hourly values carries a few
// units of error in its last place. A naive `std::round(x * 10) / 10` therefore
// decides "ties" by representation noise. Both functions below scale the value by
// 10^decimals and treat anything within a relative tolerance of 1e-9 of a
// decision point (a half for RoundHalfEven, an integer for RoundUp) as lying
// exactly on it. The tolerance is ~10^6 times larger than the error of the sums
// and means we compute (a year of hourly values is ~10^4 additions of ~1e-16
// relative error each) and ~10^5 times smaller than the resolution of monitoring
// data (at most 5 significant digits), so it never changes a genuine non-tie.

namespace ecoplan::indicator {

// Largest `decimals` accepted by the functions below (10^15 < 2^53, so the scaled
// integer stays exact).
inline constexpr int kMaxRoundingDecimals = 15;

// Rounds `value` to `decimals` decimal places per GB/T 8170-2008 (数值修约规则):
// a discarded part above half rounds up, below half rounds down, exactly half
// rounds to the even neighbour ("四舍六入五成双"), symmetric for negatives.
// Examples: RoundHalfEven(2.5, 0) == 2, RoundHalfEven(3.5, 0) == 4,
// RoundHalfEven(0.125, 2) == 0.12, RoundHalfEven(26.45, 1) == 26.4,
// RoundHalfEven(26.55, 1) == 26.6.
// The result is the double nearest to the rounded decimal (what parsing its
// decimal string would give). `decimals` is clamped to [0, kMaxRoundingDecimals].
// NaN and infinities are returned unchanged; so are values too large to carry
// `decimals` fractional digits in a double.
double RoundHalfEven(double value, int decimals);

// Rounds `value` up to the next integer ("进位取整"), as HJ 633 prescribes for the
// IAQI: 63.2 -> 64, 63.0 -> 63. A value within the relative tolerance above an
// integer (63.00000000001, arithmetic noise) stays that integer.
double RoundUp(double value);

}  // namespace ecoplan::indicator
