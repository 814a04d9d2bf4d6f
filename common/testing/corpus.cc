#include "common/testing/corpus.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

namespace ecoplan::common {

std::vector<CorpusInput> ReadCorpus(const std::filesystem::path& dir) {
  std::vector<CorpusInput> inputs;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.is_regular_file()) inputs.push_back({entry.path(), ReadFileBytes(entry.path())});
  }
  std::sort(inputs.begin(), inputs.end(),
            [](const CorpusInput& a, const CorpusInput& b) { return a.path < b.path; });
  return inputs;
}

std::string ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace ecoplan::common
