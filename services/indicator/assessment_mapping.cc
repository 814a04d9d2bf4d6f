#include "services/indicator/assessment_mapping.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/indicator/proto_mapping.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;

std::string MonthText(absl::CivilMonth m) { return absl::FormatCivilTime(m); }

v1::Adjustment ToProto(const Adjustment& a) {
  v1::Adjustment p;
  p.set_kind(a.kind == AdjustmentKind::kContest ? v1::ADJUSTMENT_KIND_CONTEST
                                                : v1::ADJUSTMENT_KIND_CORRECTION);
  p.set_corrects_month(MonthText(a.corrects));
  p.set_organization(a.organization);
  p.set_item(a.item);
  p.set_before(a.before);
  p.set_after(a.after);
  p.set_points(a.points);
  p.set_reference(a.reference);
  p.set_detail(a.detail);
  p.set_cause(a.cause == CorrectionCause::kAuditedData   ? v1::CORRECTION_CAUSE_AUDITED_DATA
              : a.cause == CorrectionCause::kDataChanged ? v1::CORRECTION_CAUSE_DATA_CHANGED
                                                         : v1::CORRECTION_CAUSE_UNSPECIFIED);
  p.set_version(a.version);
  return p;
}

absl::StatusOr<Adjustment> FromProto(const v1::Adjustment& p) {
  Adjustment a;
  a.kind = p.kind() == v1::ADJUSTMENT_KIND_CONTEST ? AdjustmentKind::kContest
                                                   : AdjustmentKind::kCorrection;
  absl::StatusOr<absl::CivilMonth> month = ParseMonth(p.corrects_month(), "corrects_month");
  if (!month.ok()) return month.status();
  a.corrects = *month;
  a.organization = p.organization();
  a.item = p.item();
  a.before = p.before();
  a.after = p.after();
  a.points = p.points();
  a.reference = p.reference();
  a.detail = p.detail();
  a.cause = p.cause() == v1::CORRECTION_CAUSE_AUDITED_DATA   ? CorrectionCause::kAuditedData
            : p.cause() == v1::CORRECTION_CAUSE_DATA_CHANGED ? CorrectionCause::kDataChanged
                                                             : CorrectionCause::kNone;
  a.version = p.version();
  return a;
}

ScoreRole RoleFromProto(const v1::ScoreRole& p) {
  ScoreRole r;
  r.measures = p.measures();
  r.measures_due = p.measures_due();
  r.measures_completed = p.measures_completed();
  r.overdue_measures = p.overdue_measures();
  r.overdue.assign(p.overdue().begin(), p.overdue().end());
  r.overdue_zh.assign(p.overdue_zh().begin(), p.overdue_zh().end());
  r.reports_due = p.reports_due();
  r.reports_on_time = p.reports_on_time();
  r.reports_late = p.reports_late();
  r.reports_missing = p.reports_missing();
  r.checkpoints_due = p.checkpoints_due();
  r.checkpoints_met = p.checkpoints_met();
  r.checkpoints_met_late = p.checkpoints_met_late();
  r.checkpoints_missed = p.checkpoints_missed();
  return r;
}

Scorecard CardFromProto(const v1::Scorecard& p) {
  Scorecard c;
  c.organization = p.organization();
  c.score = p.score();
  for (const v1::ScoreComponent& q : p.components()) {
    ScoreComponent s;
    s.name = q.name();
    if (q.has_rate()) s.rate = q.rate();
    s.weight = q.weight();
    s.points = q.points();
    s.detail = q.detail();
    for (const v1::ScoreFact& f : q.facts()) {
      s.facts.push_back({f.key(), f.role(), f.outcome(), f.credit(), f.reference(), f.detail()});
    }
    c.components.push_back(std::move(s));
  }
  c.measures_led = p.measures_led();
  c.overdue_measures = p.overdue_measures();
  c.reports_due = p.reports_due();
  c.reports_on_time = p.reports_on_time();
  c.reports_late = p.reports_late();
  c.reports_missing = p.reports_missing();
  c.measures_responsible = p.measures_responsible();
  c.as_lead = RoleFromProto(p.as_lead());
  c.as_responsible = RoleFromProto(p.as_responsible());
  const v1::ScoreSupervision& s = p.supervision();
  c.supervision.orders = s.orders();
  c.supervision.open = s.open();
  c.supervision.replies_due = s.replies_due();
  c.supervision.replies_on_time = s.replies_on_time();
  c.supervision.replies_late = s.replies_late();
  c.supervision.replies_overdue = s.replies_overdue();
  c.supervision.overdue.assign(s.overdue().begin(), s.overdue().end());
  c.problems.total = p.problems().total();
  c.problems.unresolved = p.problems().unresolved();
  c.problems.overdue = p.problems().overdue();
  c.problems.reopened = p.problems().reopened();
  return c;
}

// What the month's corrections and contests use of a light: its measure,
// colour, owners, reasons, completion and checkpoints (the rest stays in the
// stored proto).
MeasureLight LightFromProto(const v1::MeasureLight& p) {
  MeasureLight l;
  l.measure_id = p.measure().substr(p.measure().rfind('/') + 1);
  const int colour = p.colour();
  l.colour = colour >= 1 && colour <= 3 ? static_cast<Colour>(colour) : Colour::kGreen;
  l.reasons.assign(p.reasons().begin(), p.reasons().end());
  l.reasons_zh.assign(p.reasons_zh().begin(), p.reasons_zh().end());
  l.owners.assign(p.owners().begin(), p.owners().end());
  l.responsible.assign(p.responsible_organizations().begin(), p.responsible_organizations().end());
  for (const v1::MeasureOwnerProgress& q : p.progress()) {
    OwnerProgress o;
    o.organization = q.organization();
    o.lead = q.lead();
    absl::ParseCivilTime(q.period(), &o.period);
    o.percent_done = q.percent_done();
    o.on_time = q.on_time();
    o.returned = q.returned();
    for (ReportedStatus s :
         {ReportedStatus::kNotStarted, ReportedStatus::kInProgress, ReportedStatus::kCompleted,
          ReportedStatus::kBlocked, ReportedStatus::kDelayed}) {
      if (q.status() == ReportedStatusName(s)) o.status = s;
    }
    l.progress.push_back(std::move(o));
  }
  l.completion_confirmed = p.completion_confirmed();
  l.counted_completed = p.counted_completed();
  l.completion = p.completion();
  switch (p.completion_state()) {
    case v1::MEASURE_COMPLETION_STATE_DECLARED:
      l.completion_state = CompletionState::kDeclared;
      break;
    case v1::MEASURE_COMPLETION_STATE_CONFIRMED:
      l.completion_state = CompletionState::kConfirmed;
      break;
    case v1::MEASURE_COMPLETION_STATE_REJECTED:
      l.completion_state = CompletionState::kRejected;
      break;
    default:
      l.completion_state = CompletionState::kNone;
  }
  if (p.has_due_date()) {
    if (auto d = DateFromProto(p.due_date(), "due_date"); d.ok()) l.due = *d;
  }
  if (p.has_original_due_date()) {
    if (auto d = DateFromProto(p.original_due_date(), "original_due_date"); d.ok()) {
      l.original_due = *d;
    }
  }
  for (const v1::MeasureCheckpoint& q : p.checkpoints()) {
    CheckpointJudgement c;
    c.phrase = q.phrase();
    if (auto d = DateFromProto(q.due_date(), "due_date"); d.ok()) c.due = *d;
    switch (q.state()) {
      case v1::MEASURE_CHECKPOINT_STATE_MET:
        c.state = CheckpointState::kMet;
        break;
      case v1::MEASURE_CHECKPOINT_STATE_MET_LATE:
        c.state = CheckpointState::kMetLate;
        break;
      case v1::MEASURE_CHECKPOINT_STATE_MISSED:
        c.state = CheckpointState::kMissed;
        break;
      default:
        c.state = CheckpointState::kUpcoming;
    }
    c.organization = q.organization();
    c.report = q.report();
    if (q.has_stated_date()) {
      if (auto d = DateFromProto(q.stated_date(), "stated_date"); d.ok()) c.stated_on = *d;
    }
    l.checkpoints.push_back(std::move(c));
  }
  for (const v1::MeasureSupervisionOrder& q : p.supervision_orders()) {
    LightSupervisionOrder o;
    o.order = q.order();
    o.id = q.order().substr(q.order().rfind('/') + 1);
    o.title = q.title();
    o.level = q.level();
    if (q.has_reply_due_date()) {
      if (auto d = DateFromProto(q.reply_due_date(), "reply_due_date"); d.ok()) o.reply_due = *d;
    }
    o.overdue_organizations.assign(q.overdue_organizations().begin(),
                                   q.overdue_organizations().end());
    l.supervision_orders.push_back(std::move(o));
  }
  if (p.has_problems()) {
    LightProblems q;
    q.total = p.problems().total();
    q.unresolved = p.problems().unresolved();
    q.overdue = p.problems().overdue();
    q.claimed = p.problems().claimed();
    q.overdue_items.assign(p.problems().overdue_items().begin(),
                           p.problems().overdue_items().end());
    q.clear_all_required = p.problems().clear_all_required();
    l.problems = std::move(q);
  }
  return l;
}

std::string PlanOf(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  return parts.size() >= 2 ? std::string(parts[1]) : "";
}

}  // namespace

v1::ScoringRules ToProto(const ScoringRules& r) {
  v1::ScoringRules p;
  p.set_on_time_reporting_weight(r.weights.on_time_reporting);
  p.set_completion_of_due_measures_weight(r.weights.completion_of_due_measures);
  p.set_no_overdue_measures_weight(r.weights.no_overdue_measures);
  p.set_indicators_on_track_weight(r.weights.indicators_on_track);
  p.set_late_report_credit(r.late_report_credit);
  p.set_returned_report_credit(r.returned_report_credit);
  p.set_checkpoints_met_weight(r.weights.checkpoints_met);
  p.set_late_checkpoint_credit(r.late_checkpoint_credit);
  p.set_supervision_replies_weight(r.weights.supervision_replies);
  v1::LightRules* lights = p.mutable_light_rules();
  lights->set_yellow_days_before_due(r.lights.yellow_days_before_due);
  lights->set_red_missed_reports(r.lights.red_missed_reports);
  lights->set_yellow_days_before_checkpoint(r.lights.yellow_days_before_checkpoint);
  lights->set_yellow_days_after_late_checkpoint(r.lights.yellow_days_after_late_checkpoint);
  p.set_extensions(r.extensions == ExtensionScoring::kPlanDeadline
                       ? v1::EXTENSION_SCORING_PLAN_DEADLINE
                       : v1::EXTENSION_SCORING_EXTENDED_DEADLINE);
  p.set_description(DescribeScoringRules(r));
  return p;
}

ScoringRules FromProto(const v1::ScoringRules& p) {
  ScoringRules r;
  r.weights.on_time_reporting = p.on_time_reporting_weight();
  r.weights.completion_of_due_measures = p.completion_of_due_measures_weight();
  r.weights.no_overdue_measures = p.no_overdue_measures_weight();
  r.weights.indicators_on_track = p.indicators_on_track_weight();
  r.late_report_credit = p.late_report_credit();
  r.returned_report_credit = p.returned_report_credit();
  r.weights.checkpoints_met = p.checkpoints_met_weight();  // 0 in records from before it existed
  r.late_checkpoint_credit = p.late_checkpoint_credit();
  r.weights.supervision_replies = p.supervision_replies_weight();  // 0 before it existed
  // Unset (a request that leaves them out, rules and months stored before
  // they could be set): the defaults, the rules those months were coloured by.
  const v1::LightRules& lights = p.light_rules();
  if (lights.has_yellow_days_before_due()) {
    r.lights.yellow_days_before_due = lights.yellow_days_before_due();
  }
  if (lights.has_red_missed_reports()) r.lights.red_missed_reports = lights.red_missed_reports();
  if (lights.has_yellow_days_before_checkpoint()) {
    r.lights.yellow_days_before_checkpoint = lights.yellow_days_before_checkpoint();
  }
  if (lights.has_yellow_days_after_late_checkpoint()) {
    r.lights.yellow_days_after_late_checkpoint = lights.yellow_days_after_late_checkpoint();
  }
  switch (p.extensions()) {
    case v1::EXTENSION_SCORING_UNSPECIFIED:
    case v1::EXTENSION_SCORING_EXTENDED_DEADLINE:
      r.extensions = ExtensionScoring::kExtendedDeadline;
      break;
    case v1::EXTENSION_SCORING_PLAN_DEADLINE:
      r.extensions = ExtensionScoring::kPlanDeadline;
      break;
    default:  // an unknown value: ScoringRulesError names it
      r.extensions = static_cast<ExtensionScoring>(0);
  }
  return r;
}

v1::PlanScoringRules ToProto(const PlanScoringRules& r) {
  v1::PlanScoringRules p;
  p.set_name(absl::StrCat("plans/", r.plan_id, "/scoringRules"));
  *p.mutable_rules() = ToProto(r.rules);
  p.set_revision(r.revision);
  p.set_updated_by(r.updated_by);
  if (r.revision > 0) *p.mutable_update_time() = TimeToProto(r.updated_at);
  p.set_reason(r.reason);
  return p;
}

absl::StatusOr<PlanScoringRules> FromProto(const v1::PlanScoringRules& p) {
  PlanScoringRules r;
  r.plan_id = PlanOf(p.name());
  if (r.plan_id.empty()) return absl::DataLossError(absl::StrCat("bad rules name ", p.name()));
  r.rules = FromProto(p.rules());
  r.revision = p.revision();
  r.updated_by = p.updated_by();
  r.updated_at = TimeFromProtoOrPast(p.update_time());
  r.reason = p.reason();
  return r;
}

v1::Contest ToProto(const Contest& c) {
  v1::Contest p;
  p.set_name(c.Name());
  p.set_month(MonthText(c.month));
  p.set_organization(c.organization);
  p.set_item(c.item);
  p.set_reason(c.reason);
  p.set_filed_by(c.filed_by);
  *p.mutable_file_time() = TimeToProto(c.filed_at);
  p.set_state(static_cast<v1::ContestState>(c.state));
  p.set_comment(c.comment);
  p.set_points(c.points);
  p.set_decided_by(c.decided_by);
  if (c.state != ContestState::kPending) *p.mutable_decide_time() = TimeToProto(c.decided_at);
  if (c.recorded_in.has_value()) p.set_recorded_in_month(MonthText(*c.recorded_in));
  return p;
}

absl::StatusOr<Contest> FromProto(const v1::Contest& p) {
  absl::StatusOr<std::pair<std::string, int>> name = ParseContestName(p.name(), "name");
  if (!name.ok()) return name.status();
  absl::StatusOr<absl::CivilMonth> month = ParseMonth(p.month(), "month");
  if (!month.ok()) return month.status();
  Contest c;
  c.plan_id = name->first;
  c.number = name->second;
  c.month = *month;
  c.organization = p.organization();
  c.item = p.item();
  c.reason = p.reason();
  c.filed_by = p.filed_by();
  c.filed_at = TimeFromProtoOrPast(p.file_time());
  const int state = p.state();
  c.state = state >= 1 && state <= 3 ? static_cast<ContestState>(state) : ContestState::kPending;
  c.comment = p.comment();
  c.points = p.points();
  c.decided_by = p.decided_by();
  c.decided_at = TimeFromProtoOrPast(p.decide_time());
  if (!p.recorded_in_month().empty()) {
    absl::StatusOr<absl::CivilMonth> in = ParseMonth(p.recorded_in_month(), "recorded_in_month");
    if (!in.ok()) return in.status();
    c.recorded_in = *in;
  }
  return c;
}

v1::MonthlyAssessment ToProto(const MonthAssessment& m) {
  v1::MonthlyAssessment p;
  p.set_name(absl::StrCat("plans/", m.plan_id, "/months/", MonthText(m.month)));
  p.set_closed(m.closed);
  *p.mutable_as_of() = DateToProto(m.as_of);
  if (m.closed) *p.mutable_close_time() = TimeToProto(m.closed_at);
  p.set_closed_by(m.closed_by);
  p.set_reason(m.reason);
  *p.mutable_rules() = ToProto(m.rules);
  for (const MeasureLight& l : m.scores.lights) *p.add_measure_lights() = ToProto(m.plan_id, l);
  for (const Scorecard& c : m.scores.scorecards) {
    *p.add_scorecards() = ToProto(c);
    v1::MonthScore* s = p.add_scores();
    s->set_organization(c.organization);
    s->set_score(c.score);
    auto points = m.contest_points.find(c.organization);
    const double contest = points == m.contest_points.end() ? 0 : points->second;
    s->set_contest_points(contest);
    s->set_adjusted_score(std::clamp(c.score + contest, 0.0, 100.0));
  }
  for (const Adjustment& a : m.adjustments) *p.add_adjustments() = ToProto(a);
  for (const Contest& c : m.decided_contests) *p.add_decided_contests() = ToProto(c);
  for (const IndicatorSnapshot& s : m.scores.indicators) {
    v1::IndicatorSnapshot* i = p.add_indicators();
    i->set_indicator(s.indicator_id);
    for (const std::string& measure : s.measures) i->add_measures(measure);
    if (s.value.has_value()) i->set_value(*s.value);
    i->set_status(ToProto(s.status));
    *i->mutable_data_verification() = ToProto(s.data);
  }
  if (m.scores.data.has_value()) *p.mutable_data_verification() = ToProto(*m.scores.data);
  return p;
}

absl::StatusOr<MonthAssessment> FromProto(const v1::MonthlyAssessment& p) {
  absl::StatusOr<std::pair<std::string, absl::CivilMonth>> name = ParseMonthName(p.name(), "name");
  if (!name.ok()) return name.status();
  absl::StatusOr<absl::CivilDay> as_of = DateFromProto(p.as_of(), "as_of");
  if (!as_of.ok()) return as_of.status();
  MonthAssessment m;
  m.plan_id = name->first;
  m.month = name->second;
  m.as_of = *as_of;
  m.closed = p.closed();
  m.closed_at = TimeFromProtoOrPast(p.close_time());
  m.closed_by = p.closed_by();
  m.reason = p.reason();
  m.rules = FromProto(p.rules());
  for (const v1::MeasureLight& l : p.measure_lights()) m.scores.lights.push_back(LightFromProto(l));
  for (const v1::Scorecard& c : p.scorecards()) m.scores.scorecards.push_back(CardFromProto(c));
  for (const v1::IndicatorSnapshot& i : p.indicators()) {
    IndicatorSnapshot s;
    s.indicator_id = i.indicator();
    s.measures.assign(i.measures().begin(), i.measures().end());
    if (i.has_value()) s.value = i.value();
    s.status = FromProto(i.status());
    s.data = DataDaysFromProto(i.data_verification());
    m.scores.indicators.push_back(std::move(s));
  }
  if (p.has_data_verification()) m.scores.data = DataDaysFromProto(p.data_verification());
  for (const v1::Adjustment& a : p.adjustments()) {
    absl::StatusOr<Adjustment> adjustment = FromProto(a);
    if (!adjustment.ok()) return adjustment.status();
    m.adjustments.push_back(*std::move(adjustment));
  }
  for (const v1::Contest& c : p.decided_contests()) {
    absl::StatusOr<Contest> contest = FromProto(c);
    if (!contest.ok()) return contest.status();
    m.decided_contests.push_back(*std::move(contest));
  }
  for (const v1::MonthScore& s : p.scores()) {
    if (s.contest_points() != 0) m.contest_points[s.organization()] = s.contest_points();
  }
  return m;
}

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text, absl::string_view field) {
  absl::CivilMonth month;
  if (text.size() != 7 || !absl::ParseCivilTime(text, &month) || month.year() < 2000 ||
      month.year() > 2100) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": «", text, "» is not a month YYYY-MM"));
  }
  return month;
}

absl::StatusOr<std::pair<std::string, absl::CivilMonth>> ParseMonthName(absl::string_view name,
                                                                        absl::string_view field) {
  constexpr absl::string_view kForm = "plans/{plan}/months/{YYYY-MM}";
  std::optional<std::vector<std::string>> ids = common::MatchResourceName(name, kForm);
  if (!ids.has_value()) return common::BadResourceName(field, name, kForm);
  absl::StatusOr<absl::CivilMonth> month = ParseMonth((*ids)[1], field);
  if (!month.ok()) return month.status();
  return std::make_pair(std::move((*ids)[0]), *month);
}

absl::StatusOr<std::pair<std::string, int>> ParseContestName(absl::string_view name,
                                                             absl::string_view field) {
  constexpr absl::string_view kForm = "plans/{plan}/contests/{number}";
  std::optional<std::vector<std::string>> ids = common::MatchResourceName(name, kForm);
  int number = 0;
  if (!ids.has_value() || !absl::SimpleAtoi((*ids)[1], &number) || number < 1) {
    return common::BadResourceName(field, name, kForm);
  }
  return std::make_pair(std::move((*ids)[0]), number);
}

}  // namespace ecoplan::indicator
