// Parses the seed plan document: the cost of one ImportPlan parse.

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "common/testing/project_path.h"
#include "services/registry/domain/plan_parser.h"

namespace ecoplan::registry {
namespace {

std::string ReadSeed() {
  std::ifstream in(ECOPLAN_SEED_PATH, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void BM_ParseSeedPlan(benchmark::State& state) {
  const std::string seed = ReadSeed();
  if (seed.empty()) {
    state.SkipWithError((std::string("cannot read ") + ECOPLAN_SEED_PATH).c_str());
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<ParsedPlan> parsed = ParsePlanDocument(seed);
    if (!parsed.ok()) {
      state.SkipWithError("parse failed");
      return;
    }
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * seed.size()));
}
BENCHMARK(BM_ParseSeedPlan)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ecoplan::registry
