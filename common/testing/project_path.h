#pragma once

#include <string_view>

namespace ecoplan::common {

// The absolute path of `relative`, a path given from the top of the checkout this binary was
// built from (for example "seeds/x.txt" or "build/tools/ecoplanctl/ecoplanctl"). Tests and
// benchmarks name their data and the binaries they start this way, through the macros that
// ecoplan_path_definitions (CMakeLists.txt) defines, so that no object file but one carries the
// checkout's folder and a fresh clone elsewhere reuses ccache's entries. The answer lives as long
// as the process: it may initialize a `const char* const` at namespace scope.
const char* ProjectPath(std::string_view relative);

}  // namespace ecoplan::common
