#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ecoplan::common {

// One input of a fuzzer's corpus: the file and its bytes.
struct CorpusInput {
  std::filesystem::path path;
  std::string bytes;
};

// Every file of a corpus directory (the fuzzers' seeds and each input one of them ever failed
// on), in name order so that a replay test reports failures in the same order every run. A
// missing directory gives none, which the tests' lower bound on the count then reports.
std::vector<CorpusInput> ReadCorpus(const std::filesystem::path& dir);

// The bytes of one file ("" when it cannot be read).
std::string ReadFileBytes(const std::filesystem::path& path);

}  // namespace ecoplan::common
