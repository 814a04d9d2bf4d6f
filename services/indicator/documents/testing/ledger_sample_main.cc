// ledger_sample_xlsx DIR: writes DIR/ledger.xlsx (the whole plan's 台账 of
// the sample month), DIR/ledger_o-sw.xlsx (区水务局's) and DIR/facts.json
// (the MonthFacts they were drawn from, each answer as the API's JSON), for
// the exceljs read-back in tests/documents.

#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "services/indicator/documents/ledger_xlsx.h"
#include "services/indicator/documents/testing/ledger_sample_facts.h"

namespace {

using ::ecoplan::indicator::documents::MonthFacts;

template <typename Message>
std::string Json(const Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  if (!google::protobuf::util::MessageToJsonString(m, &out, options).ok()) return "null";
  return out;
}

template <typename Range>
std::string JsonArray(const Range& items) {
  std::vector<std::string> parts;
  for (const auto& m : items) parts.push_back(Json(m));
  return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
}

bool Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: ledger_sample_xlsx DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  const MonthFacts facts = ecoplan::indicator::documents::testing::SampleLedgerFacts();
  for (const auto& [file, org] : std::vector<std::pair<std::string, std::string>>{
           {"ledger.xlsx", ""}, {"ledger_o-sw.xlsx", "o-sw"}}) {
    absl::StatusOr<std::string> xlsx = ecoplan::indicator::documents::RenderLedgerXlsx(facts, org);
    if (!xlsx.ok() || !Write(absl::StrCat(dir, "/", file), *xlsx)) {
      std::cerr << "cannot write " << file << ": " << xlsx.status() << "\n";
      return 1;
    }
  }
  const std::string json = absl::StrCat(
      "{\"month\":\"", facts.month, "\",\"asOf\":\"", absl::FormatCivilTime(facts.as_of),
      "\",\"sheets\":[\"",
      absl::StrJoin(ecoplan::indicator::documents::LedgerSheetNames(), "\",\""), "\"]",
      ",\"organizations\":", JsonArray(facts.organizations),
      ",\"measures\":", JsonArray(facts.measures), ",\"evaluation\":", Json(facts.evaluation),
      ",\"reports\":", JsonArray(facts.reports), ",\"submissions\":", Json(facts.submissions),
      ",\"extensions\":", JsonArray(facts.extensions),
      ",\"completions\":", JsonArray(facts.completions), "}");
  if (!Write(absl::StrCat(dir, "/facts.json"), json)) {
    std::cerr << "cannot write facts.json\n";
    return 1;
  }
  return 0;
}
