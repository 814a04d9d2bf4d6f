// The projected value alone (ProjectedValue), which the band around a
// projection computes once per past year held: it must be, to the bit, what
// the full projection of the whole profile gives, and what the full projection
// under one year's own profile gave before the band stopped making texts.

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "services/indicator/domain/evaluation_internal.h"

namespace ecoplan::indicator::evaluation_internal {
namespace {

using Runs = std::vector<std::pair<int, int>>;

// The days in [from, to] as (month index, days) runs in calendar order.
Runs RunsOf(absl::CivilDay from, absl::CivilDay to) {
  Runs runs;
  for (absl::CivilDay d = from; d <= to; ++d) {
    if (runs.empty() || runs.back().first != d.month() - 1) runs.emplace_back(d.month() - 1, 0);
    ++runs.back().second;
  }
  return runs;
}

double WeightOf(const Runs& runs, const std::array<double, 12>& per_month) {
  double weight = 0;
  for (const auto& [month, n] : runs) {
    for (int i = 0; i < n; ++i) weight += per_month[month];
  }
  return weight;
}

// Three past years whose months differ (not round numbers: the sums must
// match to the bit, not nearly).
Profile ThreeYears() {
  Profile p;
  p.years = {2023, 2024, 2025};
  for (size_t k = 0; k < p.years.size(); ++k) {
    std::array<double, 12>& factor = p.year_factor.emplace_back();
    std::array<double, 12>& rate = p.year_rate.emplace_back();
    for (int m = 0; m < 12; ++m) {
      factor[m] = 0.61 + 0.097 * ((m * 7 + static_cast<int>(k) * 5) % 11);
      rate[m] = 0.13 + 0.071 * ((m * 5 + static_cast<int>(k) * 3) % 13);
    }
  }
  for (int m = 0; m < 12; ++m) {
    double f = 0, r = 0;
    for (size_t k = 0; k < p.years.size(); ++k) {
      f += p.year_factor[k][m];
      r += p.year_rate[k][m];
    }
    p.factor[m] = f / p.years.size();
    p.rate[m] = r / p.years.size();
  }
  return p;
}

Indicator OfAggregation(Aggregation aggregation) {
  Indicator ind;
  ind.id = "a4";
  ind.unit = aggregation == Aggregation::kMeanOfDaily ? "微克/立方米" : "%";
  ind.comparator = Comparator::kAtMost;
  ind.target_value = 33;
  ind.period_start = absl::CivilDay(2026, 1, 1);
  ind.period_end = absl::CivilDay(2026, 12, 31);
  ind.aggregation = aggregation;
  ind.source = SourceKind::kAirQuality;
  return ind;
}

// The days to `as_of` tallied as TallyYearToDate would: a valid day in five
// of six, two in nine qualifying.
YearToDate Tally(const Indicator& ind, absl::CivilDay as_of, const Profile& profile,
                 bool counting) {
  YearToDate ytd;
  int i = 0;
  for (absl::CivilDay d = ind.period_start; d <= as_of; ++d, ++i) {
    if (i % 6 == 5) continue;
    ++ytd.n;
    ytd.sum += 20 + (i * 37 % 41) * 0.7;
    if (i % 9 < 2) ++ytd.qualifying;
    ++ytd.valid_by_month[d.month() - 1];
    ytd.expected_weight += counting ? profile.rate[d.month() - 1] : profile.factor[d.month() - 1];
  }
  ytd.standards["HJ 633-2012"] = ytd.n;
  return ytd;
}

Projection Project(const ProjectionInput& in) {
  return in.ind.aggregation == Aggregation::kMeanOfDaily             ? ProjectMean(in)
         : in.ind.aggregation == Aggregation::kRatioOfQualifyingDays ? ProjectRatio(in)
                                                                     : ProjectCount(in);
}

TEST(EvaluationProjectionTest, TheValueAloneIsTheProjectionsAndEachYearsOwnToTheBit) {
  const Profile three = ThreeYears();
  const Profile none;
  int checked = 0;
  for (Aggregation aggregation : {Aggregation::kMeanOfDaily, Aggregation::kRatioOfQualifyingDays,
                                  Aggregation::kCountOfDays, Aggregation::kCumulativeCount}) {
    const Indicator ind = OfAggregation(aggregation);
    const bool counting = aggregation != Aggregation::kMeanOfDaily;
    for (const Profile* profile : {&three, &none}) {
      for (absl::CivilDay as_of : {absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 4, 30),
                                   absl::CivilDay(2026, 7, 31), absl::CivilDay(2026, 12, 30)}) {
        SCOPED_TRACE(testing::Message() << "aggregation " << static_cast<int>(aggregation) << ", "
                                        << profile->years.size() << " years, as of " << as_of);
        const YearToDate ytd = Tally(ind, as_of, *profile, counting);
        const int remaining = static_cast<int>(ind.period_end - as_of);
        const Runs runs = RunsOf(as_of + 1, ind.period_end);
        const double remaining_weight = WeightOf(runs, counting ? profile->rate : profile->factor);
        const ProjectionInput in{ind, as_of, ytd, *profile, remaining, remaining_weight, 1, runs};

        // The whole profile: the value is the projection's.
        const double whole = ProjectedValue(in, WeightsOf(in));
        EXPECT_EQ(whole, Project(in).projected);
        if (aggregation == Aggregation::kRatioOfQualifyingDays && in.seasonal()) {
          // A ratio reads the profile day by day: the walk over the days it replaced.
          double good = 0;
          const double scale = ytd.qualifying / ytd.expected_weight;
          for (absl::CivilDay d = as_of + 1; d <= ind.period_end; ++d) {
            good += std::min(1.0, scale * profile->rate[d.month() - 1]);
          }
          EXPECT_EQ(whole, 100.0 * (ytd.qualifying + good) / (ytd.n + remaining));
        }
        ++checked;

        // Each past year's weights: the full projection under that year's
        // own profile, as the band computed it before.
        for (size_t k = 0; k < profile->years.size(); ++k) {
          Profile one;
          one.years = {profile->years[k]};
          one.factor = profile->year_factor[k];
          one.rate = profile->year_rate[k];
          const std::array<double, 12>& w = counting ? one.rate : one.factor;
          YearToDate seen = ytd;
          seen.expected_weight = 0;
          for (int m = 0; m < 12; ++m) seen.expected_weight += ytd.valid_by_month[m] * w[m];
          const double weight = WeightOf(runs, w);
          const ProjectionInput alone{ind, as_of, seen, one, remaining, weight, 1, runs};
          EXPECT_EQ(ProjectedValue(in, {one.rate, seen.expected_weight, weight}),
                    Project(alone).projected)
              << "year " << one.years[0];
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 4 * 4 * (1 + 3) + 4 * 4 * 1);
}

}  // namespace
}  // namespace ecoplan::indicator::evaluation_internal
