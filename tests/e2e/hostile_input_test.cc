// Hostile requests against the real server binaries (development mode):
// malformed protobuf bytes sent with a generic stub (truncated varints, wrong
// wire types, a length-delimited field longer than the message, deeply nested
// groups, invalid UTF-8 in string fields, unknown fields), messages over the
// size limit, and injection-looking strings in names and filters ("'; DROP
// TABLE", "../../etc/passwd", "${jndi:…}", "<script>", NUL bytes, very long
// names, right-to-left and zero-width characters). Each is refused cleanly with
// INVALID_ARGUMENT, RESOURCE_EXHAUSTED or NOT_FOUND (never UNKNOWN, INTERNAL,
// UNIMPLEMENTED or a crash), nothing is written (the event log and the list
// calls are the same before and after), and the service is still healthy
// (grpc.health.v1 SERVING, a normal call works).
//
// No request message type nests recursively (registry.v1.Section does, but
// only in responses), so deep recursion is tried with nested groups in an
// unknown field, which the protobuf parser descends into.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

const char* const kSeed = ECOPLAN_SEED_PATH;

const std::string kRegistry = "/ecoplan.registry.v1.RegistryService/";
const std::string kProgress = "/ecoplan.progress.v1.ProgressService/";

// --- Protobuf wire format, written by hand so that it can be wrong.
std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string Tag(int field, int wire_type) {
  return Varint((static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire_type));
}
std::string Bytes(int field, const std::string& value) {
  return Tag(field, 2) + Varint(value.size()) + value;
}

// Requests whose bytes do not parse, whatever the method; `string_field` is
// a string field of the method's request type (for invalid UTF-8).
std::vector<std::pair<std::string, std::string>> MalformedRequests(int string_field = 1) {
  std::string deep_groups;  // unknown field 100, groups nested 100000 deep
  for (int i = 0; i < 100000; ++i) deep_groups += Tag(100, 3);
  for (int i = 0; i < 100000; ++i) deep_groups += Tag(100, 4);
  return {
      {"truncated varint", Tag(2, 0) + "\x80\x80"},
      {"truncated tag", "\x80"},
      {"varint longer than ten bytes", Tag(2, 0) + std::string(11, '\xff') + "\x01"},
      {"length beyond the message", Tag(1, 2) + Varint(100) + "abc"},
      {"length beyond 2 GiB", Tag(1, 2) + Varint(uint64_t{1} << 40) + "abc"},
      {"field number zero", std::string("\x00\x01", 2)},
      {"end-group without start", Tag(1, 4)},
      {"unterminated group", Tag(100, 3) + Tag(1, 0) + "\x01"},
      {"reserved wire type 6", Tag(1, 6) + "\x01"},
      {"groups nested 100000 deep", deep_groups},
      {"invalid UTF-8 in a string", Bytes(string_field, "plans/\xc3\x28\xff")},
      {"overlong UTF-8 encoding of '/'", Bytes(string_field, "plans\xc0\xafx")},
      {"UTF-16 surrogate in UTF-8", Bytes(string_field, "plans/\xed\xa0\x80")},
  };
}

// Strings that look like attacks, for names and filters.
std::vector<std::pair<std::string, std::string>> HostileStrings() {
  return {
      {"SQL", "'; DROP TABLE plans; --"},
      {"SQL in a name", "plans/1' OR '1'='1"},
      {"path traversal", "../../etc/passwd"},
      {"path traversal in a name", "plans/../../../../etc/passwd"},
      {"JNDI", "${jndi:ldap://127.0.0.1:1/a}"},
      {"script", "<script>alert(1)</script>"},
      {"NUL byte", std::string("plans/p\0x", 9)},
      {"control characters", "plans/\x01\x1b[2J\r\n"},
      {"right-to-left override",
       "plans/\xe2\x80\xae"
       "txt.exe"},
      {"zero-width characters", "plans/\xe2\x80\x8b\xe2\x80\x8d\xef\xbb\xbf"},
      {"percent-encoded traversal", "plans/%2e%2e%2f%00"},
      {"format string", "%s%s%n%x"},
      {"very long name", "plans/" + std::string(1 << 20, 'a')},
      {"very long wide name", "plans/" +
                                  [] {
                                    std::string s;
                                    for (int i = 0; i < 100000; ++i) s += "门";
                                    return s;
                                  }()},
  };
}

std::string Describe(const grpc::Status& s) {
  return absl::StrCat(s.error_code(), " ", s.error_message().substr(0, 300));
}

// Refused cleanly: one of `allowed`, and a message that does not echo a huge input.
void ExpectRefused(const grpc::Status& s, std::set<grpc::StatusCode> allowed,
                   const std::string& what) {
  EXPECT_TRUE(allowed.count(s.error_code()) > 0) << what << ": " << Describe(s);
  EXPECT_LT(s.error_message().size(), 8192u) << what;
}

class HostileInputTest : public ::testing::Test {
 protected:
  // Starts `name` in development mode without a rate limit; returns a channel
  // that sends oversized requests to it, null on failure.
  std::shared_ptr<grpc::Channel> Start(const std::string& name, ServerOptions options = {}) {
    options.flags.insert(options.flags.begin(), "--rate_limit_per_second=0");
    absl::StatusOr<std::string> address = cluster_.Start(name, options);
    EXPECT_TRUE(address.ok()) << address.status();
    if (!address.ok()) return nullptr;
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(64 << 20);  // so that oversized requests reach the server
    return grpc::CreateCustomChannel(*address, grpc::InsecureChannelCredentials(), args);
  }

  void StartRegistryWithSeed() {
    registry_channel_ = Start("registry");
    ASSERT_NE(registry_channel_, nullptr);
    registry_stub_ = rv1::RegistryService::NewStub(registry_channel_);
    rv1::ImportPlanRequest request;
    request.set_document_text(ReadFile(kSeed).value());
    rv1::ImportPlanResponse response;
    grpc::Status status = registry_stub_->ImportPlan(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << Describe(status);
    plan_ = response.plan().name();
    rv1::ListMeasuresRequest list;
    list.set_parent(plan_);
    list.set_page_size(1);
    rv1::ListMeasuresResponse measures;
    ASSERT_TRUE(registry_stub_->ListMeasures(Context().get(), list, &measures).ok());
    ASSERT_EQ(measures.measures_size(), 1);
    measure_ = measures.measures(0).name();
  }

  void StartProgress() {
    progress_channel_ = Start("progress", Following({"registry"}));
    ASSERT_NE(progress_channel_, nullptr);
    progress_stub_ = pv1::ProgressService::NewStub(progress_channel_);
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {  // until its view of the plan caught up
      pv1::GetReportingCalendarRequest request;
      request.set_name(plan_ + "/reportingCalendar");
      pv1::GetReportingCalendarResponse response;
      if (progress_stub_->GetReportingCalendar(Context().get(), request, &response).ok()) return;
      absl::SleepFor(absl::Milliseconds(20));
    }
    FAIL() << "the progress service never got the plan from the registry";
  }

  // One unary call with the request's bytes as given.
  static grpc::Status RawCall(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& method, const std::string& bytes,
                              std::string* response_bytes = nullptr) {
    grpc::GenericStub stub(channel);
    auto ctx = Context();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status status;
    stub.UnaryCall(ctx.get(), method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) {
                     std::lock_guard<std::mutex> lock(mu);
                     status = std::move(s);
                     done = true;
                     cv.notify_one();
                   });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
    if (response_bytes != nullptr && status.ok()) {
      std::vector<grpc::Slice> slices;
      (void)response.Dump(&slices);
      response_bytes->clear();
      for (const grpc::Slice& s : slices) {
        response_bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
    return status;
  }

  // grpc.health.v1 for the whole server.
  static void ExpectServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& who) {
    HealthCheckRequest request;
    HealthCheckResponse response;
    grpc::Status status = Health::NewStub(channel)->Check(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << who << ": " << Describe(status);
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING) << who;
  }

  // The last sequence of a service's event log (its WatchEvents stream,
  // read until it has been quiet for a moment).
  template <typename Stub, typename Request, typename Response>
  static uint64_t LastSequence(Stub* stub, uint64_t after, int* count) {
    Request request;
    request.set_after_sequence(after);
    auto ctx = Context(absl::Milliseconds(1500));
    auto reader = stub->WatchEvents(ctx.get(), request);
    Response response;
    uint64_t last = after;
    *count = 0;
    while (reader->Read(&response)) {
      last = response.event().sequence();
      ++*count;
    }
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << Describe(status);
    return last;
  }
  uint64_t RegistryLastSequence(uint64_t after = 0, int* count = nullptr) {
    int n = 0;
    const uint64_t last =
        LastSequence<rv1::RegistryService::Stub, rv1::WatchEventsRequest, rv1::WatchEventsResponse>(
            registry_stub_.get(), after, &n);
    if (count != nullptr) *count = n;
    return last;
  }
  uint64_t ProgressLastSequence(uint64_t after = 0, int* count = nullptr) {
    int n = 0;
    const uint64_t last =
        LastSequence<pv1::ProgressService::Stub, pv1::WatchEventsRequest, pv1::WatchEventsResponse>(
            progress_stub_.get(), after, &n);
    if (count != nullptr) *count = n;
    return last;
  }

  int PlanCount() {
    rv1::ListPlansRequest request;
    request.set_page_size(100);
    rv1::ListPlansResponse response;
    grpc::Status status = registry_stub_->ListPlans(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return response.plans_size();
  }
  int ReportCount() {
    pv1::ListReportsRequest request;
    request.set_parent(plan_);
    request.set_page_size(200);
    pv1::ListReportsResponse response;
    grpc::Status status = progress_stub_->ListReports(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return response.reports_size();
  }

  // After the hostile calls: healthy, a normal call works, nothing written.
  void ExpectRegistryUnchanged(uint64_t last_sequence, int plans) {
    ExpectServing(registry_channel_, "registry");
    rv1::GetPlanRequest request;
    request.set_name(plan_);
    rv1::GetPlanResponse response;
    grpc::Status status = registry_stub_->GetPlan(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    int new_events = 0;
    RegistryLastSequence(last_sequence, &new_events);
    EXPECT_EQ(new_events, 0) << "the registry wrote events";
    EXPECT_EQ(PlanCount(), plans);
  }
  void ExpectProgressUnchanged(uint64_t last_sequence, int reports) {
    ExpectServing(progress_channel_, "progress");
    EXPECT_EQ(ReportCount(), reports);
    int new_events = 0;
    ProgressLastSequence(last_sequence, &new_events);
    EXPECT_EQ(new_events, 0) << "the progress service wrote events";
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  std::shared_ptr<grpc::Channel> registry_channel_, progress_channel_;
  std::unique_ptr<rv1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_stub_;
  std::string plan_, measure_;
};

const std::set<grpc::StatusCode> kInvalid = {grpc::StatusCode::INVALID_ARGUMENT};
const std::set<grpc::StatusCode> kInvalidOrNotFound = {grpc::StatusCode::INVALID_ARGUMENT,
                                                       grpc::StatusCode::NOT_FOUND};

TEST_F(HostileInputTest, RegistryRefusesMalformedProtobufBytesAndStaysHealthy) {
  ASSERT_NO_FATAL_FAILURE(StartRegistryWithSeed());
  const uint64_t last = RegistryLastSequence();
  const int plans = PlanCount();
  for (const auto& [method, string_field] :
       std::vector<std::pair<std::string, int>>{{"ImportPlan", 1},
                                                {"GetPlan", 1},
                                                {"ListMeasures", 1},
                                                {"UpdateMeasure", 4},  // reason
                                                {"CreateSupervisionTask", 1},
                                                {"ResolveOrganization", 1},
                                                {"ListPlans", 2}}) {  // page_token
    for (const auto& [what, bytes] : MalformedRequests(string_field)) {
      ExpectRefused(RawCall(registry_channel_, kRegistry + method, bytes), kInvalid,
                    absl::StrCat(method, ": ", what));
    }
  }
  // A method the service does not have stays UNIMPLEMENTED.
  EXPECT_EQ(RawCall(registry_channel_, absl::StrCat(kRegistry, "DropAllPlans"), "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  ASSERT_NO_FATAL_FAILURE(ExpectRegistryUnchanged(last, plans));
}

TEST_F(HostileInputTest, RegistryIgnoresUnknownFieldsAndWrongWireTypesOfKnownOnes) {
  ASSERT_NO_FATAL_FAILURE(StartRegistryWithSeed());
  // GetPlan{name} followed by unknown fields of every wire type, and a shallow
  // group: parsed, the unknown fields skipped, the plan answered.
  const std::string unknown = Tag(100, 0) + Varint(7) + Tag(101, 1) + std::string(8, '\x01') +
                              Bytes(102, "x") + Tag(103, 5) + std::string(4, '\x02') + Tag(104, 3) +
                              Tag(105, 0) + Varint(1) + Tag(104, 4);
  std::string response;
  grpc::Status status = RawCall(registry_channel_, absl::StrCat(kRegistry, "GetPlan"),
                                Bytes(1, plan_) + unknown, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  rv1::GetPlanResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(response));
  EXPECT_EQ(parsed.plan().name(), plan_);
  // name sent as a varint (the wrong wire type) is an unknown field: the name is empty.
  ExpectRefused(RawCall(registry_channel_, absl::StrCat(kRegistry, "GetPlan"), Tag(1, 0) + "\x01"),
                kInvalid, "GetPlan with name as a varint");
}

TEST_F(HostileInputTest, RegistryRefusesOversizedMessagesWithResourceExhausted) {
  ASSERT_NO_FATAL_FAILURE(StartRegistryWithSeed());
  const uint64_t last = RegistryLastSequence();
  const int plans = PlanCount();
  // Over the server's 8 MiB limit: refused before parsing.
  rv1::ImportPlanRequest import;
  import.set_document_text(std::string(9 << 20, 'a'));
  rv1::ImportPlanResponse imported;
  ExpectRefused(registry_stub_->ImportPlan(Context().get(), import, &imported),
                {grpc::StatusCode::RESOURCE_EXHAUSTED}, "9 MiB ImportPlan");
  ExpectRefused(RawCall(registry_channel_, absl::StrCat(kRegistry, "GetPlan"),
                        Bytes(1, std::string(9 << 20, 'p'))),
                {grpc::StatusCode::RESOURCE_EXHAUSTED}, "9 MiB GetPlan");
  // Under the limit but no plan document: refused by the parser.
  import.set_document_text(std::string(6 << 20, 'a'));
  ExpectRefused(registry_stub_->ImportPlan(Context().get(), import, &imported), kInvalid,
                "6 MiB of 'a' as a plan");
  ASSERT_NO_FATAL_FAILURE(ExpectRegistryUnchanged(last, plans));
}

TEST_F(HostileInputTest, RegistryRefusesInjectionLookingNamesAndFilters) {
  ASSERT_NO_FATAL_FAILURE(StartRegistryWithSeed());
  const uint64_t last = RegistryLastSequence();
  const int plans = PlanCount();
  for (const auto& [what, hostile] : HostileStrings()) {
    {
      rv1::GetPlanRequest request;
      request.set_name(hostile);
      rv1::GetPlanResponse response;
      ExpectRefused(registry_stub_->GetPlan(Context().get(), request, &response),
                    kInvalidOrNotFound, "GetPlan " + what);
    }
    {
      rv1::GetMeasureRequest request;
      request.set_name(plan_ + "/measures/" + hostile);
      rv1::GetMeasureResponse response;
      ExpectRefused(registry_stub_->GetMeasure(Context().get(), request, &response),
                    kInvalidOrNotFound, "GetMeasure " + what);
    }
    {
      rv1::GetOrganizationRequest request;
      request.set_name("organizations/" + hostile);
      rv1::GetOrganizationResponse response;
      ExpectRefused(registry_stub_->GetOrganization(Context().get(), request, &response),
                    kInvalidOrNotFound, "GetOrganization " + what);
    }
    {
      rv1::ResolveOrganizationRequest request;
      request.set_written_name(hostile);
      rv1::ResolveOrganizationResponse response;
      ExpectRefused(registry_stub_->ResolveOrganization(Context().get(), request, &response),
                    kInvalidOrNotFound, "ResolveOrganization " + what);
    }
    {
      rv1::ListTasksRequest request;
      request.set_parent(hostile);
      rv1::ListTasksResponse response;
      ExpectRefused(registry_stub_->ListTasks(Context().get(), request, &response),
                    kInvalidOrNotFound, "ListTasks parent " + what);
    }
    // Filters: refused, or matching nothing.
    for (int field = 0; field < 4; ++field) {
      rv1::ListMeasuresRequest request;
      request.set_parent(plan_);
      rv1::MeasureFilter* filter = request.mutable_filter();
      if (field == 0) filter->set_organization(hostile);
      if (field == 1) filter->set_text_contains(hostile);
      if (field == 2) filter->set_section_id(hostile);
      if (field == 3) request.set_page_token(hostile);
      rv1::ListMeasuresResponse response;
      const grpc::Status status = registry_stub_->ListMeasures(Context().get(), request, &response);
      const std::string label = absl::StrCat("ListMeasures filter ", field, " ", what);
      if (status.ok()) {
        EXPECT_EQ(response.measures_size(), 0) << label;
      } else {
        ExpectRefused(status, kInvalidOrNotFound, label);
      }
    }
    {
      rv1::ListPlansRequest request;
      request.set_page_token(hostile);
      rv1::ListPlansResponse response;
      ExpectRefused(registry_stub_->ListPlans(Context().get(), request, &response), kInvalid,
                    "ListPlans page_token " + what);
    }
    // Writes naming what does not exist: refused, nothing written.
    {
      rv1::UpdateMeasureRequest request;
      request.mutable_measure()->set_name(hostile);
      request.mutable_measure()->set_text("新的措施文字");
      request.mutable_update_mask()->add_paths("text");
      request.set_reason("hostile input test");
      rv1::UpdateMeasureResponse response;
      ExpectRefused(registry_stub_->UpdateMeasure(Context().get(), request, &response),
                    kInvalidOrNotFound, "UpdateMeasure " + what);
    }
    {
      rv1::CreateSupervisionTaskRequest request;
      request.set_parent(hostile);
      request.set_title("督办任务");
      rv1::CreateSupervisionTaskResponse response;
      ExpectRefused(registry_stub_->CreateSupervisionTask(Context().get(), request, &response),
                    kInvalidOrNotFound, "CreateSupervisionTask " + what);
    }
    {
      // The time zone is looked up by name: a path must not reach the file system.
      rv1::ImportPlanRequest request;
      request.set_document_text(ReadFile(kSeed).value());
      request.set_time_zone(hostile);
      rv1::ImportPlanResponse response;
      ExpectRefused(registry_stub_->ImportPlan(Context().get(), request, &response), kInvalid,
                    "ImportPlan time_zone " + what);
    }
  }
  ASSERT_NO_FATAL_FAILURE(ExpectRegistryUnchanged(last, plans));
}

TEST_F(HostileInputTest, ProgressRefusesMalformedOversizedAndInjectionLookingRequests) {
  ASSERT_NO_FATAL_FAILURE(StartRegistryWithSeed());
  ASSERT_NO_FATAL_FAILURE(StartProgress());
  const uint64_t last = ProgressLastSequence();
  const int reports = ReportCount();

  for (const char* method :
       {"SubmitReport", "GetReport", "ListReports", "AcceptReport", "RequestExtension",
        "DeclareCompletion", "LoadHolidays", "IssueSupervisionOrder", "ReplySupervisionOrder"}) {
    for (const auto& [what, bytes] : MalformedRequests()) {
      ExpectRefused(RawCall(progress_channel_, absl::StrCat(kProgress, method), bytes), kInvalid,
                    absl::StrCat(method, ": ", what));
    }
  }
  // An entry's string field with invalid UTF-8, two messages deep.
  ExpectRefused(RawCall(progress_channel_, absl::StrCat(kProgress, "SubmitReport"),
                        Bytes(1, plan_) + Bytes(4, Bytes(1, measure_) + Bytes(4, "\xff\xfe"))),
                kInvalid, "SubmitReport entries[0].work_done invalid UTF-8");

  pv1::SubmitReportRequest oversized;
  oversized.set_parent(plan_);
  oversized.set_summary(std::string(9 << 20, 'x'));
  pv1::SubmitReportResponse submitted;
  ExpectRefused(progress_stub_->SubmitReport(Context().get(), oversized, &submitted),
                {grpc::StatusCode::RESOURCE_EXHAUSTED}, "9 MiB SubmitReport");
  oversized.set_summary(std::string(4 << 20, 'x'));
  ExpectRefused(progress_stub_->SubmitReport(Context().get(), oversized, &submitted), kInvalid,
                "4 MiB summary");

  const std::set<grpc::StatusCode> refused = {grpc::StatusCode::INVALID_ARGUMENT,
                                              grpc::StatusCode::NOT_FOUND};
  for (const auto& [what, hostile] : HostileStrings()) {
    for (int field = 0; field < 4; ++field) {
      pv1::SubmitReportRequest request;
      request.set_parent(field == 0 ? hostile : plan_);
      request.set_organization(field == 1 ? hostile : "organizations/hostile-test");
      request.set_period(field == 2 ? hostile : "2026-03");
      pv1::ReportEntry* entry = request.add_entries();
      entry->set_measure(field == 3 ? hostile : measure_);
      entry->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
      entry->set_percent_done(10);
      entry->set_work_done("推进中");
      entry->set_next_steps("继续推进");
      pv1::SubmitReportResponse response;
      ExpectRefused(progress_stub_->SubmitReport(Context().get(), request, &response), refused,
                    absl::StrCat("SubmitReport field ", field, " ", what));
    }
    {
      pv1::GetReportRequest request;
      request.set_name(hostile);
      pv1::GetReportResponse response;
      ExpectRefused(progress_stub_->GetReport(Context().get(), request, &response), refused,
                    "GetReport " + what);
    }
    {
      pv1::GetReportRequest request;
      request.set_name(plan_ + "/reports/" + hostile);
      pv1::GetReportResponse response;
      ExpectRefused(progress_stub_->GetReport(Context().get(), request, &response), refused,
                    "GetReport id " + what);
    }
    for (int field = 0; field < 5; ++field) {
      pv1::ListReportsRequest request;
      request.set_parent(field == 0 ? hostile : plan_);
      if (field == 1) request.set_organization(hostile);
      if (field == 2) request.set_period(hostile);
      if (field == 3) request.set_measure(hostile);
      if (field == 4) request.set_page_token(hostile);
      pv1::ListReportsResponse response;
      const grpc::Status status = progress_stub_->ListReports(Context().get(), request, &response);
      const std::string label = absl::StrCat("ListReports filter ", field, " ", what);
      if (status.ok()) {
        EXPECT_EQ(response.reports_size(), 0) << label;
      } else {
        ExpectRefused(status, refused, label);
      }
    }
  }
  ASSERT_NO_FATAL_FAILURE(ExpectProgressUnchanged(last, reports));
  // A normal write still works afterwards.
  rv1::GetMeasureRequest get;
  get.set_name(measure_);
  rv1::GetMeasureResponse measure;
  ASSERT_TRUE(registry_stub_->GetMeasure(Context().get(), get, &measure).ok());
  ASSERT_GT(measure.measure().lead_organizations_size(), 0);
  pv1::SubmitReportRequest normal;
  normal.set_parent(plan_);
  normal.set_organization(measure.measure().lead_organizations(0).organization());
  normal.set_period("2026-03");
  pv1::ReportEntry* entry = normal.add_entries();
  entry->set_measure(measure_);
  entry->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
  entry->set_percent_done(10);
  entry->set_work_done("推进中");
  entry->set_next_steps("继续推进");
  pv1::SubmitReportResponse response;
  grpc::Status status = progress_stub_->SubmitReport(Context().get(), normal, &response);
  EXPECT_TRUE(status.ok()) << Describe(status);
}

TEST_F(HostileInputTest, IndicatorAndNotificationRefuseMalformedBytesAndStayHealthy) {
  ASSERT_NO_FATAL_FAILURE(StartRegistryWithSeed());
  std::shared_ptr<grpc::Channel> indicator = Start("indicator", Following({"registry"}));
  ASSERT_NE(indicator, nullptr);
  std::shared_ptr<grpc::Channel> notification =
      Start("notification", Following({"registry"}, {"--schedule_interval=1h"}));
  ASSERT_NE(notification, nullptr);
  const std::string kIndicator = "/ecoplan.indicator.v1.IndicatorService/";
  const std::string kNotification = "/ecoplan.notification.v1.NotificationService/";
  for (const auto& [what, bytes] : MalformedRequests()) {
    for (const char* method :
         {"CreateIndicator", "GetIndicator", "ListIndicators", "EvaluatePlan", "UpsertStation"}) {
      ExpectRefused(RawCall(indicator, kIndicator + method, bytes), kInvalid,
                    absl::StrCat("indicator ", method, ": ", what));
    }
    for (const char* method :
         {"CreateRule", "GetRule", "CreateSubscription", "ListNotifications", "SetContacts"}) {
      ExpectRefused(RawCall(notification, kNotification + method, bytes), kInvalid,
                    absl::StrCat("notification ", method, ": ", what));
    }
  }
  ExpectRefused(
      RawCall(indicator, kIndicator + "GetIndicator", Bytes(1, std::string(9 << 20, 'i'))),
      {grpc::StatusCode::RESOURCE_EXHAUSTED}, "9 MiB GetIndicator");
  ExpectRefused(
      RawCall(notification, kNotification + "GetRule", Bytes(1, std::string(9 << 20, 'r'))),
      {grpc::StatusCode::RESOURCE_EXHAUSTED}, "9 MiB GetRule");
  // Unknown methods keep UNIMPLEMENTED: the interceptor only speaks for real methods.
  EXPECT_EQ(RawCall(indicator, kIndicator + "NoSuchMethod", "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  ExpectServing(indicator, "indicator");
  ExpectServing(notification, "notification");
  // A normal call works: an empty request of a list method.
  std::string listed;
  EXPECT_TRUE(RawCall(indicator, kIndicator + "ListStations", "", &listed).ok());
  EXPECT_TRUE(RawCall(notification, kNotification + "ListRules", "", &listed).ok());
}

}  // namespace
}  // namespace ecoplan::testing
