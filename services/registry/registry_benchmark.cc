// Benchmarks of the registry's paths: a durable import of the seed plan (parse,
// map, one synced RocksDB write), and the query a department makes most ("what
// do we lead?") in the domain and through gRPC.

#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "common/server/run_server.h"
#include "common/storage/rocksdb_db.h"
#include "common/testing/project_path.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "services/registry/domain/task_registry.h"
#include "services/registry/registry_policy.h"
#include "services/registry/registry_service_impl.h"
#include "services/registry/storage/rocksdb_plan_store.h"
#include "services/registry/testing/blocking_registry.h"

namespace ecoplan::registry {
namespace {

std::string ReadSeed() {
  std::ifstream in(ECOPLAN_SEED_PATH, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// A registry on a fresh RocksDB in a temporary folder.
struct Fixture {
  explicit Fixture(const std::string& path) {
    common::RocksDbOptions options;
    options.path = path;
    options.column_families = RocksDbPlanStore::ColumnFamilies();
    db = common::RocksDb::Open(options).value();
    store = std::make_unique<RocksDbPlanStore>(db.get());
    registry = std::make_unique<BlockingRegistry>(store.get(), &clock);
    if (!registry->Load().ok()) std::abort();
  }
  common::RealClock clock;
  std::unique_ptr<common::RocksDb> db;
  std::unique_ptr<RocksDbPlanStore> store;
  std::unique_ptr<BlockingRegistry> registry;
};

void BM_ImportSeedPlanDurably(benchmark::State& state) {
  const std::string seed = ReadSeed();
  common::TempDir dir;
  int run = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto fixture = std::make_unique<Fixture>(dir.Sub(std::to_string(run++)));
    state.ResumeTiming();
    absl::StatusOr<ImportResult> result = fixture->registry->ImportPlan(seed, false, "", {});
    if (!result.ok() || result->already_imported) {
      state.SkipWithError("import failed");
      return;
    }
    state.PauseTiming();
    fixture.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_ImportSeedPlanDurably)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ListMeasuresLedByOrganization(benchmark::State& state) {
  const std::string seed = ReadSeed();
  common::TempDir dir;
  Fixture fixture(dir.Sub("db"));
  const std::string plan_id = fixture.registry->ImportPlan(seed, false, "", {})->plan.id;
  MeasureQueryInput query;
  query.organization = "区生态环境局";
  query.role = OrgRole::kLead;
  for (auto _ : state) {
    absl::StatusOr<MeasurePage> page = fixture.registry->ListMeasures(plan_id, query, {});
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_ListMeasuresLedByOrganization)->Unit(benchmark::kMicrosecond);

void BM_ListMeasuresOverGrpc(benchmark::State& state) {
  const std::string seed = ReadSeed();
  common::TempDir dir;
  Fixture fixture(dir.Sub("db"));
  const std::string plan_id = fixture.registry->ImportPlan(seed, false, "", {})->plan.id;
  common::SerialExecutor reader;
  common::WatchEventsHub hub;
  // Development mode: the benchmark measures the query, not token checks.
  common::CallAuthenticator auth(common::DevelopmentModeOptions(), nullptr, &RegistryPolicy(),
                                 nullptr, nullptr, common::Logger("registry_benchmark"));
  RegistryServiceImpl service(fixture.registry.get(), &reader, fixture.db.get(), &hub, &auth);
  common::ServerOptions options;
  options.host = "127.0.0.1";
  auto server = common::RunningServer::Start(options, {&service}).value();
  auto stub = v1::RegistryService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server->port()), grpc::InsecureChannelCredentials()));
  v1::ListMeasuresRequest request;
  request.set_parent("plans/" + plan_id);
  request.mutable_filter()->set_organization("区生态环境局");
  request.mutable_filter()->set_role(v1::ORG_ROLE_LEAD);
  for (auto _ : state) {
    grpc::ClientContext ctx;
    v1::ListMeasuresResponse response;
    if (!stub->ListMeasures(&ctx, request, &response).ok()) {
      state.SkipWithError("rpc failed");
      break;
    }
    state.counters["measures"] = response.measures_size();
  }
  hub.Shutdown();
  server->Shutdown();
}
BENCHMARK(BM_ListMeasuresOverGrpc)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace ecoplan::registry

BENCHMARK_MAIN();
