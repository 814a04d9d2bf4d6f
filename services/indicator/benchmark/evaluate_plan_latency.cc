// EvaluatePlan latency through gRPC, for docs/PERFORMANCE.md (## Indicator):
// `--calls` sequential calls (after `--warmup` more) of one plan as of one day
// against a running indicator_server (plaintext, --insecure_development_mode),
// printing p50, p99 and the largest latency with the response's size.
// Used by measure_ingest.sh (EVAL_CLIENT) and measure_growth.sh; --dump writes
// the last answer as text, to compare two servers' answers.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "google/protobuf/text_format.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50053", "indicator server address");
ABSL_FLAG(std::string, plan, "", "plan id (e.g. 2026-6214509723db)");
ABSL_FLAG(std::string, as_of, "2016-06-30", "YYYY-MM-DD");
ABSL_FLAG(int, calls, 100, "measured calls");
ABSL_FLAG(int, warmup, 5, "calls before measuring");
ABSL_FLAG(std::string, dump, "",
          "write the last response here as text (to compare two servers' answers)");

namespace v1 = ::ecoplan::indicator::v1;

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::vector<std::string> ymd = absl::StrSplit(absl::GetFlag(FLAGS_as_of), '-');
  int y = 0, m = 0, d = 0;
  if (ymd.size() != 3 || !absl::SimpleAtoi(ymd[0], &y) || !absl::SimpleAtoi(ymd[1], &m) ||
      !absl::SimpleAtoi(ymd[2], &d) || absl::GetFlag(FLAGS_plan).empty()) {
    std::fprintf(stderr, "usage: --plan ID --as_of YYYY-MM-DD [--target ADDR]\n");
    return 2;
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 << 20);
  auto stub = v1::IndicatorService::NewStub(grpc::CreateCustomChannel(
      absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args));
  v1::EvaluatePlanRequest request;
  request.set_plan("plans/" + absl::GetFlag(FLAGS_plan));
  request.mutable_as_of()->set_year(y);
  request.mutable_as_of()->set_month(m);
  request.mutable_as_of()->set_day(d);
  std::vector<double> ms;
  v1::EvaluatePlanResponse last;
  size_t bytes = 0;
  int evaluations = 0;
  const int warmup = absl::GetFlag(FLAGS_warmup), calls = absl::GetFlag(FLAGS_calls);
  for (int i = 0; i < warmup + calls; ++i) {
    grpc::ClientContext ctx;
    v1::EvaluatePlanResponse response;
    const auto t0 = std::chrono::steady_clock::now();
    grpc::Status s = stub->EvaluatePlan(&ctx, request, &response);
    const auto t1 = std::chrono::steady_clock::now();
    if (!s.ok()) {
      std::fprintf(stderr, "EvaluatePlan: %d %s\n", s.error_code(), s.error_message().c_str());
      return 1;
    }
    if (i >= warmup) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    bytes = response.ByteSizeLong();
    evaluations = response.evaluations_size();
    last = std::move(response);
  }
  if (!absl::GetFlag(FLAGS_dump).empty()) {
    std::string text;
    google::protobuf::TextFormat::PrintToString(last, &text);
    std::ofstream(absl::GetFlag(FLAGS_dump)) << text;
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))];
  };
  std::printf(
      "EvaluatePlan as of %s: %zu calls, p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d evaluations, "
      "%zu bytes)\n",
      absl::GetFlag(FLAGS_as_of).c_str(), ms.size(), at(0.5), at(0.99), ms.back(), evaluations,
      bytes);
  return 0;
}
