#include "common/testing/project_path.h"

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "common/testing/project_root.h"

namespace ecoplan::common {

const char* ProjectPath(std::string_view relative) {
  // Each distinct path is kept once, in a node that never moves, for the process's lifetime.
  static std::mutex mutex;
  static auto* const paths = new std::set<std::string, std::less<>>();
  std::string path(kProjectRoot);
  path.append("/").append(relative);
  std::lock_guard lock(mutex);
  return paths->insert(std::move(path)).first->c_str();
}

}  // namespace ecoplan::common
