// What routing a resource URL costs on top of the RPC: matching the path
// against one server's rules and building the request message (query string
// or JSON body), for the figures in docs/PERFORMANCE.md ("HTTP resource URLs").

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "common/http/http_rule_router.h"
#include "common/http/http_rule_router_real_services.h"

namespace ecoplan::common {
namespace {

const HttpRuleRouter& Router() {
  static const HttpRuleRouter* router = [] {
    auto built = HttpRuleRouter::Build(RealServiceDescriptors());
    if (!built.ok()) std::abort();
    return new HttpRuleRouter(*std::move(built));
  }();
  return *router;
}

void Run(benchmark::State& state, const char* verb, const char* path, const char* query,
         const std::string& body) {
  const HttpRuleRouter& router = Router();
  for (auto _ : state) {
    auto match = router.Route(verb, path, query, body);
    if (!match.ok()) state.SkipWithError("route failed");
    benchmark::DoNotOptimize(match);
  }
}

// ListMeasures of one organization, led, a page of 50: path and query.
void BM_RouteListMeasuresQuery(benchmark::State& state) {
  Run(state, "GET", "/v1/plans/2026-5b6a16527908/measures",
      "filter.organization=%E5%8C%BA%E4%BA%A4%E9%80%9A%E5%B1%80&filter.role=lead&page_size=50", "");
}
BENCHMARK(BM_RouteListMeasuresQuery);

// GetSubmissionStatus: two path variables, no query.
void BM_RouteSubmissionStatus(benchmark::State& state) {
  Run(state, "GET", "/v1/plans/2026-5b6a16527908/submissions/2026-05", "", "");
}
BENCHMARK(BM_RouteSubmissionStatus);

// SubmitReport with `entries` entries in the JSON body (body "*").
void BM_RouteSubmitReportBody(benchmark::State& state) {
  std::string body =
      R"({"organization": "organizations/o-1a2b3c4d5e", "period": "2026-05", "requestId": "r-1", "entries": [)";
  for (int i = 0; i < state.range(0); ++i) {
    if (i > 0) body += ", ";
    body +=
        R"({"measure": "plans/2026-5b6a16527908/measures/a1-t3-m)" + std::to_string(i) +
        R"(", "status": "MEASURE_STATUS_IN_PROGRESS", "percentDone": 40, "workDone": "已完成辖区内重点路段的排查并建立台账", "nextSteps": "持续推进"})";
  }
  body += "]}";
  Run(state, "POST", "/v1/plans/2026-5b6a16527908/reports", "", body);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * body.size());
}
BENCHMARK(BM_RouteSubmitReportBody)->Arg(1)->Arg(10);

}  // namespace
}  // namespace ecoplan::common

BENCHMARK_MAIN();
