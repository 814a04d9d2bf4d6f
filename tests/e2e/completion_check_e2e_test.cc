// Completion checked against data (issue 11): runs the real registry_server,
// progress_server (with --indicator_address) and indicator_server binaries as
// processes, wired as in production (development mode). A department
// declares a measure with a quantitative indicator complete; the bureau
// rejects, the department declares again, and the bureau's confirmation is
// refused with FAILED_PRECONDITION naming the indicator, its value, target and
// the value's day while the indicator is off track; once the reported values
// put it back on track, the confirmation goes through and records the facts
// it was checked against. A second measure, whose indicator has no value,
// is confirmed only with an explicit override and a reason, which the
// completion, its event and the audit log record.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"
#include "tests/harness/reports.h"

namespace ecoplan::testing {
namespace {

namespace av1 = ::ecoplan::admin::v1;
namespace iv1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

const char* const kSeed = ECOPLAN_SEED_PATH;
constexpr char kConfirmMethod[] = "/ecoplan.progress.v1.ProgressService/ConfirmCompletion";

std::string LastSegment(const std::string& name) { return name.substr(name.rfind('/') + 1); }

class CompletionCheckE2eTest : public ::testing::Test {
 protected:
  std::string Log(const std::string& name) { return cluster_.Log(name); }

  // Registry; progress following the registry and the indicator service;
  // indicator following the registry (or, with `indicator_without_plans`, a
  // registry of its own that holds no plan) and progress. Imports the seed
  // plan.
  void StartCluster(bool indicator_without_plans = false) {
    ASSERT_OK_AND_ASSIGN(registry_address_, cluster_.Start("registry"));
    const std::string indicator_registry = indicator_without_plans ? "other-registry" : "registry";
    if (indicator_without_plans) {
      ASSERT_OK(cluster_.Start(indicator_registry).status());
    }
    registry_stub_ = rv1::RegistryService::NewStub(
        grpc::CreateChannel(registry_address_, grpc::InsecureChannelCredentials()));
    // The progress service and the indicator service follow each other's
    // events, so the indicator service's port is reserved before either starts.
    ASSERT_OK_AND_ASSIGN(const std::string indicator_address, cluster_.Reserve("indicator"));
    ASSERT_OK_AND_ASSIGN(progress_address_,
                         cluster_.Start("progress", Following({"registry", "indicator"})));
    auto progress_channel =
        grpc::CreateChannel(progress_address_, grpc::InsecureChannelCredentials());
    progress_stub_ = pv1::ProgressService::NewStub(progress_channel);
    admin_stub_ = av1::AdminService::NewStub(progress_channel);
    // Statuses are recorded only as of the scenario's day (RecordEvaluation).
    ASSERT_OK_AND_ASSIGN(const std::string indicator,
                         cluster_.Start("indicator", Following({indicator_registry, "progress"},
                                                               {"--evaluation_time=off",
                                                                "--evaluation_debounce=0s"})));
    ASSERT_EQ(indicator, indicator_address);
    indicator_stub_ = iv1::IndicatorService::NewStub(
        grpc::CreateChannel(indicator_address, grpc::InsecureChannelCredentials()));

    rv1::ImportPlanRequest import;
    import.set_document_text(ReadFile(kSeed).value());
    rv1::ImportPlanResponse imported;
    grpc::Status s = registry_stub_->ImportPlan(Context().get(), import, &imported);
    ASSERT_TRUE(s.ok()) << s.error_message();
    plan_ = imported.plan().name();
    rv1::ExportPlanRequest export_request;
    export_request.set_name(plan_);
    ASSERT_TRUE(registry_stub_->ExportPlan(Context().get(), export_request, &exported_).ok());
    if (indicator_without_plans) return;
    // The indicator service builds the plan's indicators from the registry's events.
    ASSERT_TRUE(Eventually([&] {
      iv1::ListIndicatorsRequest request;
      request.set_parent(plan_);
      request.set_page_size(500);
      iv1::ListIndicatorsResponse response;
      if (!indicator_stub_->ListIndicators(Context().get(), request, &response).ok()) {
        return false;
      }
      indicators_.assign(response.indicators().begin(), response.indicators().end());
      return !indicators_.empty();
    })) << Log("indicator");
  }

  // The recorded evaluation as of the scenario's day (the scheduler is off in
  // this test): its IndicatorStatusChanged events feed the progress service's
  // completion check.
  void RecordIndicatorStatuses() {
    iv1::RecordEvaluationRequest request;
    request.set_plan(plan_);
    *request.mutable_as_of() = Date(2026, 6, 30);
    iv1::RecordEvaluationResponse response;
    grpc::Status s = indicator_stub_->RecordEvaluation(Context().get(), request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  iv1::Evaluation Evaluate(const std::string& indicator) {
    iv1::EvaluateIndicatorRequest request;
    request.set_name(indicator);
    *request.mutable_as_of() = Date(2026, 6, 30);
    iv1::EvaluateIndicatorResponse response;
    grpc::Status s = indicator_stub_->EvaluateIndicator(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.evaluation();
  }

  // The measure's light as of the scenario's day (EvaluatePlan, a read).
  iv1::MeasureLight LightOf(const std::string& measure) {
    iv1::EvaluatePlanRequest request;
    request.set_plan(plan_);
    *request.mutable_as_of() = Date(2026, 6, 30);
    iv1::EvaluatePlanResponse response;
    grpc::Status s = indicator_stub_->EvaluatePlan(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    for (const iv1::MeasureLight& l : response.measure_lights()) {
      if (l.measure() == measure) return l;
    }
    return iv1::MeasureLight();
  }

  // Waits until the measure's light has `state` and a reason containing `text`.
  iv1::MeasureLight LightWhen(const std::string& measure, iv1::MeasureCompletionState state,
                              const std::string& text) {
    iv1::MeasureLight light;
    Eventually([&] {
      light = LightOf(measure);
      if (light.completion_state() != state) return false;
      for (const std::string& r : light.reasons()) {
        if (absl::StrContains(r, text)) return true;
      }
      return false;
    });
    return light;
  }

  static std::string Reasons(const iv1::MeasureLight& light) {
    return absl::StrJoin(light.reasons(), " | ");
  }

  std::string LeadOf(const std::string& measure) {
    for (const rv1::Task& task : exported_.tasks()) {
      for (const rv1::Measure& m : task.measures()) {
        if (m.name() == measure && m.lead_organizations_size() > 0) {
          return m.lead_organizations(0).organization();
        }
      }
    }
    return "";
  }

  grpc::Status SubmitShare(const std::string& measure, const std::string& lead, double share,
                           const std::string& etag, pv1::SubmitReportResponse* out) {
    return progress_stub_->SubmitReport(Context().get(),
                                        TruckShareReport(plan_, lead, measure, share, etag), out);
  }

  std::string Declare(const std::string& measure, const std::string& lead) {
    pv1::DeclareCompletionRequest declare;
    declare.set_measure(measure);
    declare.set_organization(lead);
    declare.set_description("工作全部完成");
    declare.add_evidence_links("https://www.bjmtg.gov.cn/evidence/done");
    pv1::DeclareCompletionResponse declared;
    grpc::Status s = progress_stub_->DeclareCompletion(Context().get(), declare, &declared);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return declared.completion().name();
  }

  grpc::Status Confirm(const std::string& completion, bool override_check,
                       const std::string& reason, pv1::ConfirmCompletionResponse* out) {
    pv1::ConfirmCompletionRequest confirm;
    confirm.set_name(completion);
    confirm.set_override_indicator_check(override_check);
    confirm.set_override_reason(reason);
    return progress_stub_->ConfirmCompletion(Context().get(), confirm, out);
  }

  // Confirms (without override) until `settled` holds for the answer: the
  // view follows the indicator service's events a few milliseconds behind
  // (UNAVAILABLE until it has heard from it at all).
  grpc::Status ConfirmOnceSettled(const std::string& completion,
                                  const std::function<bool(const grpc::Status&)>& settled,
                                  pv1::ConfirmCompletionResponse* out) {
    grpc::Status s;
    std::vector<std::string> seen;  // every answer until settled, for the failure message
    const bool done = Eventually([&] {
      s = Confirm(completion, false, "", out);
      const std::string answer = absl::StrCat(s.error_code(), " ", s.error_message());
      if (seen.empty() || seen.back() != answer) seen.push_back(answer);
      return settled(s);
    });
    EXPECT_TRUE(done) << "answers, in order:\n"
                      << absl::StrJoin(seen, "\n") << "\n"
                      << Log("progress");
    return s;
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  std::string registry_address_, progress_address_, plan_;
  rv1::ExportPlanResponse exported_;
  std::vector<iv1::Indicator> indicators_;
  std::unique_ptr<rv1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_stub_;
  std::unique_ptr<av1::AdminService::Stub> admin_stub_;
  std::unique_ptr<iv1::IndicatorService::Stub> indicator_stub_;
};

TEST_F(CompletionCheckE2eTest, AConfirmationWaitsUntilTheIndicatorIsOnTrack) {
  ASSERT_NO_FATAL_FAILURE(StartCluster());
  // Annex 4's 货车新能源化率 (≥ 30%) belongs to the measure that restates it.
  iv1::Indicator trucks;
  for (const iv1::Indicator& i : indicators_) {
    if (absl::StrContains(i.display_name(), "货车新能源化率") &&
        i.source() == iv1::SOURCE_KIND_REPORTED && i.measures_size() > 0) {
      trucks = i;
    }
  }
  ASSERT_FALSE(trucks.name().empty());
  ASSERT_EQ(trucks.target_value(), 30);
  const std::string measure = trucks.measures(0);
  const std::string lead = LeadOf(measure);
  ASSERT_FALSE(lead.empty()) << measure;

  // 26% of new trucks are new-energy: off track against ≥ 30%.
  pv1::SubmitReportResponse submitted;
  grpc::Status s;
  ASSERT_TRUE(Eventually([&] {
    s = SubmitShare(measure, lead, 26, "", &submitted);
    return s.ok();
  })) << s.error_message()
      << "\n"
      << Log("progress");
  iv1::Evaluation e;
  ASSERT_TRUE(Eventually([&] {
    e = Evaluate(trucks.name());
    return e.has_current_value() && e.current_value() == 26;
  })) << e.DebugString();
  ASSERT_EQ(e.status(), iv1::INDICATOR_STATUS_OFF_TRACK) << e.DebugString();
  ASSERT_NO_FATAL_FAILURE(RecordIndicatorStatuses());

  // Declared → shown as awaiting confirmation, never green.
  const std::string first = Declare(measure, lead);
  ASSERT_FALSE(first.empty());
  iv1::MeasureLight light = LightWhen(measure, iv1::MEASURE_COMPLETION_STATE_DECLARED,
                                      "(declaration 1), awaiting the bureau's confirmation");
  EXPECT_EQ(light.completion_state(), iv1::MEASURE_COMPLETION_STATE_DECLARED) << Reasons(light);
  EXPECT_NE(light.colour(), iv1::MEASURE_COLOUR_GREEN) << Reasons(light);
  EXPECT_FALSE(light.counted_completed());
  EXPECT_EQ(light.completion(), first);
  // → rejected: reverted, with the bureau's comment.
  pv1::RejectCompletionRequest reject;
  reject.set_name(first);
  reject.set_comment("证明材料不全");
  pv1::RejectCompletionResponse rejected;
  s = progress_stub_->RejectCompletion(Context().get(), reject, &rejected);
  ASSERT_TRUE(s.ok()) << s.error_message();
  light = LightWhen(measure, iv1::MEASURE_COMPLETION_STATE_REJECTED, "rejected by the bureau");
  EXPECT_TRUE(absl::StrContains(Reasons(light), "completion declaration 1 by")) << Reasons(light);
  EXPECT_TRUE(absl::StrContains(Reasons(light), ": 证明材料不全 (declared on")) << Reasons(light);
  EXPECT_FALSE(light.counted_completed());
  // → declared again.
  const std::string second = Declare(measure, lead);
  ASSERT_FALSE(second.empty());
  light = LightWhen(measure, iv1::MEASURE_COMPLETION_STATE_DECLARED, "(declaration 2)");
  EXPECT_EQ(light.completion(), second) << Reasons(light);

  // Refused while the indicator is off track, with the facts.
  pv1::ConfirmCompletionResponse confirmed;
  s = ConfirmOnceSettled(
      second,
      [](const grpc::Status& x) { return absl::StrContains(x.error_message(), "OFF_TRACK"); },
      &confirmed);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  const std::string message = s.error_message();
  EXPECT_TRUE(absl::StrContains(message, LastSegment(trucks.name()))) << message;
  EXPECT_TRUE(absl::StrContains(message, trucks.display_name())) << message;
  EXPECT_TRUE(absl::StrContains(message, "OFF_TRACK; latest value 26 %")) << message;
  EXPECT_TRUE(std::regex_search(message, std::regex("latest value 26 % on 2026-0[1-6]-\\d\\d")))
      << message;
  EXPECT_TRUE(std::regex_search(message, std::regex("; target [^;)]*30"))) << message;
  EXPECT_TRUE(absl::StrContains(message, "override_indicator_check")) << message;

  // The department's revised figure puts the indicator back on track.
  s = SubmitShare(measure, lead, 35, submitted.report().etag(), &submitted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(Eventually([&] {
    e = Evaluate(trucks.name());
    return e.has_current_value() && e.current_value() == 35;
  })) << e.DebugString();
  ASSERT_NO_FATAL_FAILURE(RecordIndicatorStatuses());
  s = ConfirmOnceSettled(
      second, [](const grpc::Status& x) { return x.ok(); }, &confirmed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const pv1::Completion& c = confirmed.completion();
  EXPECT_EQ(c.state(), pv1::COMPLETION_STATE_CONFIRMED);
  EXPECT_FALSE(c.indicator_check_overridden());
  EXPECT_EQ(c.override_reason(), "");
  ASSERT_EQ(c.indicator_checks_size(), 1) << c.DebugString();
  EXPECT_TRUE(absl::StartsWith(c.indicator_checks(0),
                               absl::StrCat(LastSegment(trucks.name()), " «", trucks.display_name(),
                                            "»: ON_TRACK; latest value 35 %")))
      << c.indicator_checks(0);
  // Confirmed and on track: counted as completed.
  ASSERT_TRUE(Eventually([&] {
    light = LightOf(measure);
    return light.counted_completed();
  })) << Reasons(light);
  EXPECT_EQ(light.completion_state(), iv1::MEASURE_COMPLETION_STATE_CONFIRMED);

  // The indicator falls again: the light turns back, red, naming the facts.
  s = SubmitShare(measure, lead, 20, submitted.report().etag(), &submitted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(Eventually([&] {
    light = LightOf(measure);
    return !light.counted_completed();
  })) << Reasons(light);
  EXPECT_EQ(light.colour(), iv1::MEASURE_COLOUR_RED) << Reasons(light);
  EXPECT_EQ(light.completion_state(), iv1::MEASURE_COMPLETION_STATE_CONFIRMED);
  const std::string reasons = Reasons(light);
  EXPECT_TRUE(
      absl::StrContains(reasons, absl::StrCat("but indicator ", LastSegment(trucks.name()), " ",
                                              trucks.display_name(), " is off track: 20 %")))
      << reasons;
  EXPECT_TRUE(absl::StrContains(reasons, "; not counted as completed")) << reasons;
  EXPECT_TRUE(std::regex_search(reasons, std::regex("against [^|]*30"))) << reasons;
}

TEST_F(CompletionCheckE2eTest, TheBureauOverridesWithAReasonOnRecord) {
  ASSERT_NO_FATAL_FAILURE(StartCluster());
  ASSERT_NO_FATAL_FAILURE(RecordIndicatorStatuses());
  // A measure whose indicator has no value (or is off track) as of 2026-06-30.
  iv1::Indicator indicator;
  std::string lead;
  for (const iv1::Indicator& i : indicators_) {
    if (i.measures_size() == 0 || i.retired() || LeadOf(i.measures(0)).empty()) continue;
    const iv1::IndicatorStatus status = Evaluate(i.name()).status();
    if (status == iv1::INDICATOR_STATUS_INSUFFICIENT_DATA ||
        status == iv1::INDICATOR_STATUS_OFF_TRACK) {
      indicator = i;
      lead = LeadOf(i.measures(0));
      break;
    }
  }
  ASSERT_FALSE(indicator.name().empty());
  const std::string measure = indicator.measures(0);
  std::string completion;
  ASSERT_TRUE(Eventually([&] {
    pv1::DeclareCompletionRequest declare;
    declare.set_measure(measure);
    declare.set_organization(lead);
    declare.set_description("工作全部完成");
    declare.add_evidence_links("https://www.bjmtg.gov.cn/evidence/done");
    pv1::DeclareCompletionResponse declared;
    if (!progress_stub_->DeclareCompletion(Context().get(), declare, &declared).ok()) return false;
    completion = declared.completion().name();
    return true;
  })) << Log("progress");

  pv1::ConfirmCompletionResponse confirmed;
  grpc::Status s = ConfirmOnceSettled(
      completion,
      [](const grpc::Status& x) { return x.error_code() != grpc::StatusCode::UNAVAILABLE; },
      &confirmed);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), LastSegment(indicator.name())))
      << s.error_message();
  // An override needs a reason; a reason needs the override.
  s = Confirm(completion, true, "", &confirmed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  s = Confirm(completion, false, "数据尚未入库", &confirmed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();

  const std::string reason = "监测数据尚未入库，已现场核验并查阅纸质台账";
  s = Confirm(completion, true, reason, &confirmed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(confirmed.completion().state(), pv1::COMPLETION_STATE_CONFIRMED);
  EXPECT_TRUE(confirmed.completion().indicator_check_overridden());
  EXPECT_EQ(confirmed.completion().override_reason(), reason);
  const std::string checks = absl::StrJoin(confirmed.completion().indicator_checks(), "\n");
  EXPECT_TRUE(absl::StrContains(checks, LastSegment(indicator.name()))) << checks;

  // Shown with the measure's completions.
  pv1::ListCompletionsRequest list;
  list.set_parent(measure);
  pv1::ListCompletionsResponse listed;
  ASSERT_TRUE(progress_stub_->ListCompletions(Context().get(), list, &listed).ok());
  ASSERT_EQ(listed.completions_size(), 1);
  EXPECT_TRUE(listed.completions(0).indicator_check_overridden());
  EXPECT_EQ(listed.completions(0).override_reason(), reason);

  // Audited: the refusal with its facts, and the override with its event,
  // which carries the reason.
  av1::ListAuditRecordsRequest audit_request;
  audit_request.set_method(kConfirmMethod);
  audit_request.set_oldest_first(true);
  audit_request.set_page_size(1000);
  av1::ListAuditRecordsResponse audit;
  s = admin_stub_->ListAuditRecords(Context().get(), audit_request, &audit);
  ASSERT_TRUE(s.ok()) << s.error_message();
  bool refusal_recorded = false;
  uint64_t confirmed_event = 0;
  for (const av1::AuditRecord& r : audit.records()) {
    if (r.code() == "FAILED_PRECONDITION" &&
        absl::StrContains(r.message(), LastSegment(indicator.name()))) {
      refusal_recorded = true;
    }
    if (r.code() == "OK") {
      for (const av1::AuditChange& change : r.changes()) {
        if (change.type() == "ecoplan.progress.v1.CompletionConfirmed") {
          confirmed_event = change.event_sequence();
        }
      }
    }
  }
  EXPECT_TRUE(refusal_recorded) << audit.DebugString();
  ASSERT_GT(confirmed_event, 0u) << audit.DebugString();
  pv1::WatchEventsRequest watch;
  watch.set_after_sequence(confirmed_event - 1);
  grpc::ClientContext watch_context;
  watch_context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  std::unique_ptr<grpc::ClientReader<pv1::WatchEventsResponse>> stream =
      progress_stub_->WatchEvents(&watch_context, watch);
  pv1::WatchEventsResponse event;
  ASSERT_TRUE(stream->Read(&event));
  watch_context.TryCancel();
  stream->Finish();
  pv1::CompletionConfirmed payload;
  ASSERT_TRUE(event.event().payload().UnpackTo(&payload)) << event.DebugString();
  EXPECT_TRUE(payload.completion().indicator_check_overridden());
  EXPECT_EQ(payload.completion().override_reason(), reason);
  EXPECT_EQ(payload.completion().name(), completion);
}

TEST_F(CompletionCheckE2eTest, AnIndicatorServiceWithoutEventsDoesNotHoldUpConfirmations) {
  // The indicator service follows a registry without plans: it never writes an
  // event, so the progress service learns that its view is complete by asking
  // for the events after its cursor (OUT_OF_RANGE), not from an event.
  ASSERT_NO_FATAL_FAILURE(StartCluster(/*indicator_without_plans=*/true));
  std::string measure, lead;
  for (const rv1::Task& task : exported_.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      if (measure.empty() && m.lead_organizations_size() > 0) {
        measure = m.name();
        lead = m.lead_organizations(0).organization();
      }
    }
  }
  ASSERT_FALSE(measure.empty());
  std::string completion;
  ASSERT_TRUE(Eventually([&] {
    pv1::DeclareCompletionRequest declare;
    declare.set_measure(measure);
    declare.set_organization(lead);
    declare.set_description("工作全部完成");
    declare.add_evidence_links("https://www.bjmtg.gov.cn/evidence/done");
    pv1::DeclareCompletionResponse declared;
    if (!progress_stub_->DeclareCompletion(Context().get(), declare, &declared).ok()) return false;
    completion = declared.completion().name();
    return true;
  })) << Log("progress");
  pv1::ConfirmCompletionResponse confirmed;
  grpc::Status s = ConfirmOnceSettled(
      completion,
      [](const grpc::Status& x) { return x.error_code() != grpc::StatusCode::UNAVAILABLE; },
      &confirmed);
  ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message() << "\n" << Log("progress");
  EXPECT_EQ(confirmed.completion().state(), pv1::COMPLETION_STATE_CONFIRMED);
  EXPECT_EQ(confirmed.completion().indicator_checks_size(), 0);
}

}  // namespace
}  // namespace ecoplan::testing
