// The JSON of a ListMeasures page of 50 measures (about 55 KB, as the HTTP
// front door answers it): protobuf 3.21's BinaryToJsonString through a
// TypeResolver, against parsing the bytes and AppendProtoJson's reflection
// walk, and AppendWireJson straight from the bytes; and a SubmitReport body
// the other way, protobuf's JsonToBinaryString against JsonToWireFastPath
// (docs/PERFORMANCE.md "HTTP/JSON beside gRPC").

#include <benchmark/benchmark.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/http/proto_json.h"
#include "common/http/proto_json_memo.h"
#include "common/http/service_methods.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "ecoplan/registry/v1/registry_service.pb.h"

namespace ecoplan::common {
namespace {

namespace pb = ::google::protobuf;
namespace rv1 = ::ecoplan::registry::v1;

// A page shaped like the seed plan's: long Chinese texts, two lead and three
// responsible units, a deadline, two checkpoints, a source span.
std::string MeasuresPage() {
  rv1::ListMeasuresResponse page;
  for (int i = 1; i <= 50; ++i) {
    rv1::Measure* m = page.add_measures();
    m->set_name(absl::StrCat("plans/2026-5b6a16527908/tasks/a2-t", i, "/measures/a2-t", i, "-m1"));
    m->set_task(absl::StrCat("plans/2026-5b6a16527908/tasks/a2-t", i));
    m->set_ordinal(1);
    std::string text;
    for (int k = 0; k < 12; ++k) text += "加强扬尘污染精细化管控，落实“六个百分之百”要求，";
    m->set_text(text);
    m->set_featured(i % 3 == 0);
    m->mutable_deadline()->set_raw("2026年12月底前");
    for (const char* org : {"区住房城乡建设委", "区城市管理委"}) {
      m->add_lead_organizations()->set_organization(absl::StrCat("organizations/", org));
    }
    for (const char* org : {"各镇街", "区交通局", "区水务局"}) {
      m->add_responsible_organizations()->set_organization(absl::StrCat("organizations/", org));
    }
    m->mutable_source()->set_first_line(100 + i);
    m->mutable_source()->set_last_line(104 + i);
    m->set_etag(absl::StrCat("\"r", i, "\""));
    m->set_revision(3);
    m->set_task_title("强化扬尘污染综合治理");
    m->set_annex_number(2);
    m->set_section_id("二");
    m->mutable_update_time()->set_seconds(1775005200 + i);
    for (int c = 0; c < 2; ++c) {
      rv1::Checkpoint* checkpoint = m->add_checkpoints();
      checkpoint->set_kind(rv1::CHECKPOINT_KIND_DUE);
      checkpoint->set_phrase("6月底前");
      checkpoint->mutable_due_date()->set_year(2026);
      checkpoint->mutable_due_date()->set_month(6 + c * 6);
      checkpoint->mutable_due_date()->set_day(30);
    }
  }
  page.set_next_page_token("Cg5hMi10NTAvbWVhc3VyZXM");
  page.set_total_size(224);
  return page.SerializeAsString();
}

void BM_ProtobufBinaryToJson(benchmark::State& state) {
  const std::string bytes = MeasuresPage();
  std::unique_ptr<pb::util::TypeResolver> resolver(pb::util::NewTypeResolverForDescriptorPool(
      "type.googleapis.com", pb::DescriptorPool::generated_pool()));
  const std::string url = "type.googleapis.com/ecoplan.registry.v1.ListMeasuresResponse";
  size_t size = 0;
  for (auto _ : state) {
    std::string json;
    benchmark::DoNotOptimize(pb::util::BinaryToJsonString(resolver.get(), url, bytes, &json,
                                                          pb::util::JsonPrintOptions()));
    size = json.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  state.counters["json_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_ProtobufBinaryToJson);

void BM_ParseAndAppendProtoJson(benchmark::State& state) {
  const std::string bytes = MeasuresPage();
  size_t size = 0;
  for (auto _ : state) {
    pb::Arena arena;
    auto* page = pb::Arena::CreateMessage<rv1::ListMeasuresResponse>(&arena);
    page->ParseFromString(bytes);
    std::string json;
    benchmark::DoNotOptimize(AppendProtoJson(*page, &json));
    size = json.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  state.counters["json_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_ParseAndAppendProtoJson);

void BM_AppendWireJson(benchmark::State& state) {
  const std::string bytes = MeasuresPage();
  const pb::Descriptor* type = rv1::ListMeasuresResponse::descriptor();
  size_t size = 0;
  for (auto _ : state) {
    std::string json;
    json.reserve(bytes.size() * 2);
    benchmark::DoNotOptimize(AppendWireJson(type, bytes, &json));
    size = json.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  state.counters["json_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_AppendWireJson);  // the same page again: its measures come from the memo

// A page whose measures the thread has not printed before.
void BM_AppendWireJsonFirstTime(benchmark::State& state) {
  const std::string bytes = MeasuresPage();
  const pb::Descriptor* type = rv1::ListMeasuresResponse::descriptor();
  size_t size = 0;
  for (auto _ : state) {
    state.PauseTiming();
    proto_json::JsonMemo::ForThisThread().Clear();
    state.ResumeTiming();
    std::string json;
    json.reserve(bytes.size() * 2);
    benchmark::DoNotOptimize(AppendWireJson(type, bytes, &json));
    size = json.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  state.counters["json_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_AppendWireJsonFirstTime);

// A SubmitReport body as the load generator sends it: 5 entries with texts, a
// value and an evidence link (about 1.9 kB).
std::string SubmitReportBody() {
  progress::v1::SubmitReportRequest request;
  request.set_parent("plans/2026-5b6a16527908");
  request.set_organization("plans/2026-5b6a16527908/organizations/区水务局");
  request.set_period("2026-05");
  request.set_etag("\"r7\"");
  request.set_request_id("loadgen-3-1234");
  for (int i = 1; i <= 5; ++i) {
    progress::v1::ReportEntry* entry = request.add_entries();
    entry->set_measure(
        absl::StrCat("plans/2026-5b6a16527908/tasks/a2-t", i, "/measures/a2-t", i, "-m1"));
    entry->set_status(progress::v1::MEASURE_STATUS_IN_PROGRESS);
    entry->set_percent_done(40 + i);
    entry->set_work_done("完成河道巡查12次，清理垃圾3.5吨，整改问题点位8处。");
    entry->set_problems("部分点位整改进度滞后。");
    entry->set_next_steps("下月完成剩余点位整改并开展复查。");
    progress::v1::QuantitativeValue* value = entry->add_values();
    value->set_name("巡查次数");
    value->set_value(12);
    value->set_unit("次");
    entry->add_evidence_links("https://example.gov.cn/evidence/2026-05/" + std::to_string(i));
  }
  std::string json;
  (void)pb::util::MessageToJsonString(request, &json);
  return json;
}

void BM_ProtobufJsonToBinary(benchmark::State& state) {
  const std::string body = SubmitReportBody();
  std::unique_ptr<pb::util::TypeResolver> resolver(pb::util::NewTypeResolverForDescriptorPool(
      "type.googleapis.com", pb::DescriptorPool::generated_pool()));
  const std::string url = "type.googleapis.com/ecoplan.progress.v1.SubmitReportRequest";
  for (auto _ : state) {
    std::string binary;
    benchmark::DoNotOptimize(pb::util::JsonToBinaryString(resolver.get(), url, body, &binary,
                                                          pb::util::JsonParseOptions()));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ProtobufJsonToBinary);

void BM_JsonToWireFastPath(benchmark::State& state) {
  const std::string body = SubmitReportBody();
  const pb::Descriptor* type = progress::v1::SubmitReportRequest::descriptor();
  for (auto _ : state) {
    std::string binary;
    benchmark::DoNotOptimize(JsonToWireFastPath(type, body, &binary));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_JsonToWireFastPath);

}  // namespace
}  // namespace ecoplan::common

BENCHMARK_MAIN();
