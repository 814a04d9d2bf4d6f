// The recorder's shared machinery (progress_recorder_internal.h).

#include "services/progress/domain/progress_recorder_internal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "absl/strings/str_format.h"

namespace ecoplan::progress::internal {
namespace {

// Stored request records hold fingerprints: a number must hash as the text it always did,
// printf's "%.17g", whatever formats it now.
TEST(FingerprinterTest, ANumberHashesAsItsPrintfText) {
  for (double v : {0.0, -0.0, 1.0, 40.0, 8.5, 0.1, 1.0 / 3, 99.99, 1e-7, 1e21, 123456789.123,
                   -42.25, 5e-324, std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::infinity(), std::nan("")}) {
    const std::string text = absl::StrFormat("%.17g", v);
    EXPECT_EQ(Fingerprinter().Add(v).Done(), Fingerprinter().Add(text).Done()) << text;
  }
  EXPECT_NE(Fingerprinter().Add(0.1).Done(), Fingerprinter().Add(0.2).Done());
}

}  // namespace
}  // namespace ecoplan::progress::internal
