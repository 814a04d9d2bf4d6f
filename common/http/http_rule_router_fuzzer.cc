// libFuzzer target: HttpRuleRouter over the four services' real rules on
// arbitrary "VERB\npath\nquery\nbody" inputs must never crash and keeps
// CheckRouterInput. Built with -DECOPLAN_FUZZ=ON and clang (scripts/fuzz.sh);
// corpus in testdata/http_rule_router_corpus/, replayed by
// http_rule_router_corpus_test in every build.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "common/http/http_rule_router_invariants.h"
#include "common/http/http_rule_router_real_services.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ecoplan::common::HttpRuleRouter* router = [] {
    auto built = ecoplan::common::HttpRuleRouter::Build(ecoplan::common::RealServiceDescriptors());
    if (!built.ok()) std::abort();
    return new ecoplan::common::HttpRuleRouter(*std::move(built));
  }();
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  if (!ecoplan::common::CheckRouterInput(*router, input).ok()) std::abort();
  return 0;
}
