#include "services/indicator/documents/testing/ledger_sample_facts.h"

#include <google/protobuf/text_format.h>

#include <cstdlib>
#include <string>

namespace ecoplan::indicator::documents::testing {
namespace {

template <typename Message>
Message Parse(const std::string& text) {
  Message m;
  if (!google::protobuf::TextFormat::ParseFromString(text, &m)) std::abort();
  return m;
}

}  // namespace

MonthFacts SampleLedgerFacts() {
  namespace rv1 = ::ecoplan::registry::v1;
  namespace pv1 = ::ecoplan::progress::v1;
  namespace iv1 = ::ecoplan::indicator::v1;
  MonthFacts f;
  f.plan_name = "plans/p2026";
  f.plan = Parse<rv1::Plan>(R"pb(name: "plans/p2026" title: "2026年生态环境保护工作计划")pb");
  f.month = "2026-05";
  f.as_of = absl::CivilDay(2026, 5, 31);
  f.organizations = {
      Parse<rv1::Organization>(R"pb(name: "organizations/o-jt" display_name: "区交通局")pb"),
      Parse<rv1::Organization>(R"pb(name: "organizations/o-sw" display_name: "区水务局")pb"),
      Parse<rv1::Organization>(R"pb(name: "organizations/o-zz" display_name: "张镇")pb"),
  };
  f.measures = {
      Parse<rv1::Measure>(R"pb(
        name: "plans/p2026/measures/a1-t3-m7"
        task_title: "推进交通运输结构调整"
        annex_number: 1
        section_id: "s1"
        text: "推广新能源公交车，年底前新能源公交车占比达到30%。"
        featured: true
        deadline {
          raw: "12月底前"
          kind: DEADLINE_KIND_DUE_DATE
          due_date { year: 2026 month: 12 day: 31 }
        }
        lead_organizations { written_name: "区交通局" organization: "organizations/o-jt" }
        responsible_organizations {
          written_name: "各镇街"
          group { kind: ORG_GROUP_KIND_ALL_TOWNS }
          members: "organizations/o-zz"
        }
      )pb"),
      Parse<rv1::Measure>(R"pb(
        name: "plans/p2026/measures/a1-t4-m1"
        task_title: "加强水环境治理"
        annex_number: 1
        section_id: "s2"
        text: "完成黑臭水体整治。"
        deadline {
          raw: "5月底前"
          kind: DEADLINE_KIND_DUE_DATE
          due_date { year: 2026 month: 5 day: 31 }
        }
        lead_organizations { written_name: "区水务局" organization: "organizations/o-sw" }
      )pb"),
      Parse<rv1::Measure>(R"pb(
        name: "plans/p2026/measures/a2-t1-m2"
        task_title: "扬尘管控"
        annex_number: 2
        section_id: "s1"
        text: "每月开展道路扬尘检查。"
        deadline { raw: "长期坚持" kind: DEADLINE_KIND_ONGOING }
        lead_organizations { written_name: "区交通局" organization: "organizations/o-jt" }
      )pb"),
  };
  f.evaluation = Parse<iv1::EvaluatePlanResponse>(R"pb(
    evaluations {
      indicator {
        name: "plans/p2026/indicators/a4-pm25"
        display_name: "PM2.5年均浓度"
        unit: "μg/m³"
        scope_name: "全区"
        comparator: COMPARATOR_AT_MOST
        target_value: 32
        target_text: "≤32"
        owners: "区生态环境局"
      }
      as_of { year: 2026 month: 5 day: 31 }
      current_value: 35.5
      target_value: 32
      status: INDICATOR_STATUS_AT_RISK
      projected_value: 33.25
      projection_method: "季节调整"
      required_remaining_value: 29.75
      required_remaining_text: "其余214天平均不高于29.75"
      remaining_days: 214
      observed_days: 151
    }
    evaluations {
      indicator {
        name: "plans/p2026/indicators/a1-t3-m7-i1"
        display_name: "新能源公交车占比"
        unit: "%"
        comparator: COMPARATOR_AT_LEAST
        target_value: 30
        owners: "区交通局"
        measures: "plans/p2026/measures/a1-t3-m7"
      }
      as_of { year: 2026 month: 5 day: 31 }
      current_value: 26
      target_value: 30
      status: INDICATOR_STATUS_ON_TRACK
      remaining_days: 214
      observed_days: 1
    }
    measure_lights {
      measure: "plans/p2026/measures/a1-t3-m7"
      colour: MEASURE_COLOUR_YELLOW
      reasons: "5月报告滞后"
      owners: "区交通局"
      progress {
        organization: "区交通局"
        lead: true
        period: "2026-05"
        status: "in_progress"
        percent_done: 60
        on_time: true
      }
      due_date { year: 2026 month: 12 day: 31 }
      completion_state: MEASURE_COMPLETION_STATE_NONE
    }
    measure_lights {
      measure: "plans/p2026/measures/a1-t4-m1"
      colour: MEASURE_COLOUR_RED
      reasons: "due 2026-05-31 passed"
      reasons_zh: "完成时限2026年5月31日已过"
      owners: "区水务局"
      due_date { year: 2026 month: 6 day: 30 }
      original_due_date { year: 2026 month: 5 day: 31 }
      completion_state: MEASURE_COMPLETION_STATE_DECLARED
    }
    measure_lights {
      measure: "plans/p2026/measures/a2-t1-m2"
      colour: MEASURE_COLOUR_GREEN
      owners: "区交通局"
      completion_state: MEASURE_COMPLETION_STATE_NONE
    }
    scorecards {
      organization: "区交通局"
      score: 92.5
      measures_led: 2
      reports_due: 1
      reports_on_time: 1
      components { name: "按时报送" points: 20 }
    }
    scorecards {
      organization: "区水务局"
      score: 71
      measures_led: 1
      overdue_measures: 1
      reports_due: 1
      reports_late: 1
    }
  )pb");
  f.reports = {
      Parse<pv1::Report>(R"pb(
        name: "plans/p2026/reports/o-jt_2026-05"
        organization: "organizations/o-jt"
        organization_display_name: "区交通局"
        period: "2026-05"
        state: REPORT_STATE_SUBMITTED
        entries {
          measure: "plans/p2026/measures/a1-t3-m7"
          status: MEASURE_STATUS_IN_PROGRESS
          percent_done: 60
          work_done: "新增新能源公交车20辆"
        }
        entries {
          measure: "plans/p2026/measures/a2-t1-m2"
          status: MEASURE_STATUS_IN_PROGRESS
          percent_done: 45.5
          work_done: "检查道路12条"
        }
        first_submit_time { seconds: 1780624800 }
        last_submit_time { seconds: 1780624800 }
        due_time { seconds: 1780761599 }
        timeliness: TIMELINESS_ON_TIME
      )pb"),
      Parse<pv1::Report>(R"pb(
        name: "plans/p2026/reports/o-sw_2026-05"
        organization: "organizations/o-sw"
        organization_display_name: "区水务局"
        period: "2026-05"
        state: REPORT_STATE_SUBMITTED
        entries {
          measure: "plans/p2026/measures/a1-t4-m1"
          status: MEASURE_STATUS_DELAYED
          percent_done: 80
          problems: "雨季施工受限"
        }
        first_submit_time { seconds: 1780804800 }
        last_submit_time { seconds: 1780804800 }
        due_time { seconds: 1780761599 }
        timeliness: TIMELINESS_LATE
        lateness { seconds: 43201 }
      )pb"),
  };
  f.submissions = Parse<pv1::GetSubmissionStatusResponse>(R"pb(
    period: "2026-05"
    organizations {
      organization: "organizations/o-jt"
      organization_display_name: "区交通局"
      state: SUBMISSION_STATE_ON_TIME
      report_state: REPORT_STATE_SUBMITTED
      owned_measure_count: 2
    }
    organizations {
      organization: "organizations/o-sw"
      organization_display_name: "区水务局"
      state: SUBMISSION_STATE_LATE
      report_state: REPORT_STATE_SUBMITTED
      owned_measure_count: 1
      lateness { seconds: 43201 }
    }
    organizations {
      organization: "organizations/o-zz"
      organization_display_name: "张镇"
      state: SUBMISSION_STATE_MISSING
      owned_measure_count: 1
      measures_without_entry: "plans/p2026/measures/a1-t3-m7"
    }
    on_time_count: 1
    late_count: 1
    missing_count: 1
  )pb");
  f.extensions = {
      Parse<pv1::Extension>(R"pb(
        name: "plans/p2026/measures/a1-t4-m1/extensions/1"
        measure: "plans/p2026/measures/a1-t4-m1"
        organization: "organizations/o-sw"
        request_number: 1
        current_due_date { year: 2026 month: 5 day: 31 }
        original_due_date { year: 2026 month: 5 day: 31 }
        requested_due_date { year: 2026 month: 6 day: 30 }
        reason: "雨季施工受限"
        state: EXTENSION_STATE_APPROVED
        request_time { seconds: 1779076800 }
        decision_time { seconds: 1779264000 }
      )pb"),
      // April's: not in the May ledger.
      Parse<pv1::Extension>(R"pb(
        name: "plans/p2026/measures/a2-t1-m2/extensions/1"
        measure: "plans/p2026/measures/a2-t1-m2"
        organization: "organizations/o-jt"
        request_number: 1
        reason: "四月的申请"
        state: EXTENSION_STATE_REJECTED
        request_time { seconds: 1776124800 }
        decision_time { seconds: 1776211200 }
      )pb"),
  };
  f.completions = {
      Parse<pv1::Completion>(R"pb(
        name: "plans/p2026/measures/a1-t4-m1/completions/1"
        measure: "plans/p2026/measures/a1-t4-m1"
        organization: "organizations/o-sw"
        declaration_number: 1
        description: "黑臭水体整治完成"
        evidence_links: "https://example.org/ev/1"
        state: COMPLETION_STATE_DECLARED
        declare_time { seconds: 1780200000 }
      )pb"),
  };
  return f;
}

}  // namespace ecoplan::indicator::documents::testing
