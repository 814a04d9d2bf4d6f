#include "services/indicator/proto_mapping.h"

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/indicator/exceptional_event_mapping.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;

template <typename E>
E Clamp(int value, int max) {
  return static_cast<E>(value >= 0 && value <= max ? value : 0);
}

}  // namespace

absl::StatusOr<std::string> ParsePlanName(absl::string_view name, absl::string_view field) {
  absl::StatusOr<std::vector<std::string>> ids =
      common::ParseResourceName(name, "plans/{plan}", field);
  if (!ids.ok()) return ids.status();
  return std::move((*ids)[0]);
}

v1::Indicator ToProto(const Indicator& i) {
  v1::Indicator p;
  p.set_name(IndicatorName(i.plan_id, i.id));
  p.set_display_name(i.display_name);
  p.set_unit(i.unit);
  p.set_scope_kind(static_cast<v1::ScopeKind>(i.scope_kind));
  p.set_scope_name(i.scope_name);
  p.set_comparator(static_cast<v1::Comparator>(i.comparator));
  if (i.target_value.has_value()) p.set_target_value(*i.target_value);
  p.set_target_text(i.target_text);
  *p.mutable_period_start() = DateToProto(i.period_start);
  *p.mutable_period_end() = DateToProto(i.period_end);
  p.set_aggregation(static_cast<v1::Aggregation>(i.aggregation));
  p.set_source(static_cast<v1::SourceKind>(i.source));
  p.set_air_quality_item(static_cast<v1::AirQualityItem>(i.air_quality_item));
  for (const std::string& m : i.measures)
    p.add_measures(absl::StrCat("plans/", i.plan_id, "/measures/", m));
  for (const std::string& o : i.owners) p.add_owners(o);
  p.set_origin(static_cast<v1::Origin>(i.origin));
  p.set_source_detail(i.source_detail);
  p.set_target_caliber(i.target_caliber);
  p.set_retired(i.retired);
  p.set_etag(IndicatorEtag(i));
  p.set_revision(i.revision);
  *p.mutable_update_time() = TimeToProto(i.update_time);
  p.set_manually_corrected(i.manually_corrected);
  p.set_retired_reason(i.retired_reason);
  p.set_retired_by_sync(i.retired_by_sync);
  p.set_stretch(i.stretch);
  p.set_target_basis(static_cast<v1::TargetBasis>(i.target_basis));
  if (i.target_change.has_value()) p.set_target_change(*i.target_change);
  if (i.baseline_value.has_value()) p.set_baseline_value(*i.baseline_value);
  return p;
}

Indicator FromProto(const v1::Indicator& p) {
  Indicator i;
  i.display_name = p.display_name();
  i.unit = p.unit();
  i.scope_kind = Clamp<ScopeKind>(p.scope_kind(), 3);
  i.scope_name = p.scope_name();
  i.comparator = Clamp<Comparator>(p.comparator(), 5);
  if (p.has_target_value()) i.target_value = p.target_value();
  i.target_text = p.target_text();
  if (p.has_period_start()) {
    if (auto d = DateFromProto(p.period_start(), "period_start"); d.ok()) i.period_start = *d;
  }
  if (p.has_period_end()) {
    if (auto d = DateFromProto(p.period_end(), "period_end"); d.ok()) i.period_end = *d;
  }
  i.aggregation = Clamp<Aggregation>(p.aggregation(), 6);
  i.source = Clamp<SourceKind>(p.source(), 2);
  i.air_quality_item = Clamp<AirQualityItem>(p.air_quality_item(), 7);
  for (const std::string& m : p.measures()) {
    const size_t slash = m.rfind('/');
    i.measures.push_back(slash == std::string::npos ? m : m.substr(slash + 1));
  }
  i.owners.assign(p.owners().begin(), p.owners().end());
  i.source_detail = p.source_detail();
  i.target_caliber = p.target_caliber();
  i.stretch = p.stretch();
  i.target_basis = Clamp<TargetBasis>(p.target_basis(), 2);
  if (p.has_target_change()) i.target_change = p.target_change();
  if (p.has_baseline_value()) i.baseline_value = p.baseline_value();
  return i;
}

absl::StatusOr<Indicator> StoredIndicatorFromProto(const v1::Indicator& p) {
  auto name = ParseIndicatorName(p.name(), "indicator.name");
  if (!name.ok()) return name.status();
  Indicator i = FromProto(p);
  i.plan_id = name->first;
  i.id = name->second;
  i.origin = Clamp<Origin>(p.origin(), 4);
  i.retired = p.retired();
  i.retired_reason = p.retired_reason();
  i.retired_by_sync = p.retired_by_sync();
  i.manually_corrected = p.manually_corrected();
  i.revision = p.revision();
  i.update_time = TimeFromProtoOrPast(p.update_time());
  return i;
}

v1::IndicatorRevision ToProto(const IndicatorRevision& r) {
  v1::IndicatorRevision p;
  p.set_revision(r.revision);
  *p.mutable_time() = TimeToProto(r.time);
  p.set_actor(r.actor);
  p.set_reason(r.reason);
  if (r.before.has_value()) *p.mutable_before() = ToProto(*r.before);
  *p.mutable_after() = ToProto(r.after);
  return p;
}

absl::StatusOr<IndicatorRevision> FromProto(const v1::IndicatorRevision& p) {
  IndicatorRevision r;
  r.revision = p.revision();
  r.time = TimeFromProtoOrPast(p.time());
  r.actor = p.actor();
  r.reason = p.reason();
  if (p.has_before()) {
    auto before = StoredIndicatorFromProto(p.before());
    if (!before.ok()) return before.status();
    r.before = *before;
  }
  auto after = StoredIndicatorFromProto(p.after());
  if (!after.ok()) return after.status();
  r.after = *after;
  return r;
}

v1::Station ToProto(const Station& s) {
  v1::Station p;
  p.set_name(absl::StrCat("stations/", s.id));
  p.set_display_name(s.display_name);
  p.set_town(s.town);
  p.set_counts_for_district(s.counts_for_district);
  p.set_demonstration(s.demonstration);
  p.set_note(s.note);
  return p;
}

Station FromProto(const v1::Station& p) {
  Station s;
  absl::string_view id = p.name();
  absl::ConsumePrefix(&id, "stations/");
  s.id = std::string(id);
  s.display_name = p.display_name();
  s.town = p.town();
  s.counts_for_district = p.counts_for_district();
  s.demonstration = p.demonstration();
  s.note = p.note();
  return s;
}

v1::ExtractionReport ToProto(const ExtractionReport& r) {
  v1::ExtractionReport p;
  p.set_plan(absl::StrCat("plans/", r.plan_id));
  p.set_annex4_indicator_count(r.annex4_count);
  p.set_annex5_indicator_count(r.annex5_count);
  p.set_measure_text_indicator_count(r.measure_text_count);
  for (const ExtractionIssue& i : r.issues) {
    v1::ExtractionIssue* q = p.add_issues();
    q->set_location(i.location);
    q->set_text(i.text);
    q->set_reason(i.reason);
  }
  for (const CrossCheck& c : r.cross_checks) {
    v1::CrossCheck* q = p.add_cross_checks();
    q->set_indicator(IndicatorName(r.plan_id, c.indicator_id));
    q->set_measure(absl::StrCat("plans/", r.plan_id, "/measures/", c.measure_id));
    q->set_annex_text(c.annex_text);
    q->set_measure_text(c.measure_text);
    q->set_agrees(c.agrees);
    q->set_difference(c.difference);
  }
  *p.mutable_time() = TimeToProto(r.time);
  return p;
}

absl::StatusOr<ExtractionReport> FromProto(const v1::ExtractionReport& p) {
  ExtractionReport r;
  absl::StatusOr<std::string> plan = ParsePlanName(p.plan(), "report");
  if (!plan.ok()) return plan.status();
  r.plan_id = *std::move(plan);
  r.annex4_count = p.annex4_indicator_count();
  r.annex5_count = p.annex5_indicator_count();
  r.measure_text_count = p.measure_text_indicator_count();
  for (const v1::ExtractionIssue& i : p.issues())
    r.issues.push_back({i.location(), i.text(), i.reason()});
  const std::string measures = absl::StrCat("plans/", r.plan_id, "/measures/");
  for (const v1::CrossCheck& c : p.cross_checks()) {
    CrossCheck check;
    auto name = ParseIndicatorName(c.indicator(), "cross_check.indicator");
    if (!name.ok()) return name.status();
    check.indicator_id = name->second;
    absl::string_view measure = c.measure();
    absl::ConsumePrefix(&measure, measures);
    check.measure_id = std::string(measure);
    check.annex_text = c.annex_text();
    check.measure_text = c.measure_text();
    check.agrees = c.agrees();
    check.difference = c.difference();
    r.cross_checks.push_back(std::move(check));
  }
  r.time = TimeFromProtoOrPast(p.time());
  return r;
}

v1::IndicatorStatusChanged StatusChangedEvent(const std::string& plan_id, absl::CivilDay as_of,
                                              const RecordedChange& c) {
  v1::IndicatorStatusChanged e;
  e.set_indicator(IndicatorName(plan_id, c.indicator_id));
  e.set_previous_status(ToProto(c.previous));
  e.set_status(ToProto(c.status));
  *e.mutable_as_of() = DateToProto(as_of);
  e.set_reason(c.reason);
  for (const std::string& o : c.owners) e.add_owners(o);
  if (!c.measure_id.empty()) {
    e.set_measure(absl::StrCat("plans/", plan_id, "/measures/", c.measure_id));
  }
  if (c.value.has_value()) e.set_value(*c.value);
  if (c.value_day.has_value()) *e.mutable_value_date() = DateToProto(*c.value_day);
  if (c.target.has_value()) e.set_target(*c.target);
  e.set_target_text(c.target_text);
  return e;
}

v1::EvaluationRun RunToProto(const RunOutcome& run) {
  v1::EvaluationRun out;
  out.set_plan(absl::StrCat("plans/", run.plan_id));
  *out.mutable_as_of() = DateToProto(run.as_of);
  out.set_trigger(run.trigger == EvaluationTrigger::kDaily     ? v1::EVALUATION_TRIGGER_DAILY
                  : run.trigger == EvaluationTrigger::kNewData ? v1::EVALUATION_TRIGGER_NEW_DATA
                                                               : v1::EVALUATION_TRIGGER_REQUEST);
  *out.mutable_time() = TimeToProto(run.time);
  out.set_evaluated_count(run.evaluated);
  out.set_changed_count(static_cast<int32_t>(run.changes.size()));
  out.set_actor(run.actor);
  return out;
}

v1::IndicatorStatus ToProto(IndicatorStatus status) {
  return static_cast<v1::IndicatorStatus>(status);
}

IndicatorStatus FromProto(v1::IndicatorStatus status) { return Clamp<IndicatorStatus>(status, 5); }

v1::Evaluation ToProto(const Indicator& indicator, const Evaluation& e) {
  v1::Evaluation p;
  *p.mutable_indicator() = ToProto(indicator);
  *p.mutable_as_of() = DateToProto(e.as_of);
  if (e.data.has_value()) *p.mutable_data_verification() = ToProto(*e.data);
  if (e.current_value) p.set_current_value(*e.current_value);
  if (e.target_value) p.set_target_value(*e.target_value);
  p.set_status(ToProto(e.status));
  p.set_status_reason(e.status_reason);
  p.set_status_reason_zh(e.status_reason_zh);
  if (e.projected_value) p.set_projected_value(*e.projected_value);
  if (e.projected_low) p.set_projected_low(*e.projected_low);
  if (e.projected_high) p.set_projected_high(*e.projected_high);
  p.set_projection_method(e.projection_method);
  p.set_projection_method_zh(e.projection_method_zh);
  if (e.required_remaining_value) p.set_required_remaining_value(*e.required_remaining_value);
  p.set_required_remaining_text(e.required_remaining_text);
  p.set_required_remaining_text_zh(e.required_remaining_text_zh);
  p.set_remaining_days(e.remaining_days);
  p.set_observed_days(e.observed_days);
  p.set_standards_used(e.standards_used);
  p.set_standards_used_zh(e.standards_used_zh);
  for (const CaliberResult& c : e.calibers) {
    v1::CaliberResult* q = p.add_calibers();
    q->set_caliber(c.caliber);
    if (c.current_value) q->set_current_value(*c.current_value);
    if (c.projected_value) q->set_projected_value(*c.projected_value);
    q->set_status(ToProto(c.status));
    q->set_days(c.days);
  }
  for (const std::string& n : e.notes) p.add_notes(n);
  for (const std::string& n : e.notes_zh) p.add_notes_zh(n);
  AddExceptionalEventsFigure(e, &p);
  return p;
}

v1::TownRank ToProto(const TownRank& t) {
  v1::TownRank p;
  p.set_rank(t.rank);
  if (t.data.has_value()) *p.mutable_data_verification() = ToProto(*t.data);
  p.set_town(t.town);
  if (t.pm25) p.set_pm25(*t.pm25);
  if (t.target) p.set_target(*t.target);
  if (t.gap) p.set_gap(*t.gap);
  p.set_status(ToProto(t.status));
  if (t.pm25_last_year) p.set_pm25_last_year(*t.pm25_last_year);
  if (t.year_on_year_percent) p.set_year_on_year_percent(*t.year_on_year_percent);
  p.set_days(t.days);
  for (const std::string& s : t.stations) p.add_stations(s);
  return p;
}

v1::MeasureLight ToProto(absl::string_view plan_id, const MeasureLight& l) {
  v1::MeasureLight p;
  p.set_measure(absl::StrCat("plans/", plan_id, "/measures/", l.measure_id));
  p.set_colour(static_cast<v1::MeasureColour>(l.colour));
  for (const std::string& r : l.reasons) p.add_reasons(r);
  for (const std::string& r : l.reasons_zh) p.add_reasons_zh(r);
  for (const std::string& o : l.owners) p.add_owners(o);
  for (const OwnerProgress& o : l.progress) {
    v1::MeasureOwnerProgress* q = p.add_progress();
    q->set_organization(o.organization);
    q->set_lead(o.lead);
    q->set_period(absl::FormatCivilTime(o.period));
    q->set_status(ReportedStatusName(o.status));
    q->set_percent_done(o.percent_done);
    q->set_on_time(o.on_time);
    q->set_returned(o.returned);
  }
  p.set_completion_confirmed(l.completion_confirmed);
  if (l.due.has_value()) *p.mutable_due_date() = DateToProto(*l.due);
  if (l.original_due.has_value()) *p.mutable_original_due_date() = DateToProto(*l.original_due);
  for (const std::string& o : l.responsible) p.add_responsible_organizations(o);
  for (const CheckpointJudgement& c : l.checkpoints) {
    v1::MeasureCheckpoint* q = p.add_checkpoints();
    q->set_phrase(c.phrase);
    *q->mutable_due_date() = DateToProto(c.due);
    switch (c.state) {
      case CheckpointState::kUpcoming:
        q->set_state(v1::MEASURE_CHECKPOINT_STATE_UPCOMING);
        break;
      case CheckpointState::kMet:
        q->set_state(v1::MEASURE_CHECKPOINT_STATE_MET);
        break;
      case CheckpointState::kMetLate:
        q->set_state(v1::MEASURE_CHECKPOINT_STATE_MET_LATE);
        break;
      case CheckpointState::kMissed:
        q->set_state(v1::MEASURE_CHECKPOINT_STATE_MISSED);
        break;
    }
    q->set_organization(c.organization);
    q->set_report(c.report);
    if (c.stated_on.has_value()) *q->mutable_stated_date() = DateToProto(*c.stated_on);
  }
  switch (l.completion_state) {
    case CompletionState::kNone:
      p.set_completion_state(v1::MEASURE_COMPLETION_STATE_NONE);
      break;
    case CompletionState::kDeclared:
      p.set_completion_state(v1::MEASURE_COMPLETION_STATE_DECLARED);
      break;
    case CompletionState::kConfirmed:
      p.set_completion_state(v1::MEASURE_COMPLETION_STATE_CONFIRMED);
      break;
    case CompletionState::kRejected:
      p.set_completion_state(v1::MEASURE_COMPLETION_STATE_REJECTED);
      break;
  }
  p.set_completion(l.completion);
  p.set_counted_completed(l.counted_completed);
  for (const LightSupervisionOrder& o : l.supervision_orders) {
    v1::MeasureSupervisionOrder* q = p.add_supervision_orders();
    q->set_order(o.order);
    q->set_title(o.title);
    q->set_level(o.level);
    if (o.reply_due.has_value()) *q->mutable_reply_due_date() = DateToProto(*o.reply_due);
    for (const std::string& org : o.overdue_organizations) q->add_overdue_organizations(org);
  }
  if (l.problems.has_value()) {
    v1::MeasureProblemLedger* q = p.mutable_problems();
    q->set_total(l.problems->total);
    q->set_unresolved(l.problems->unresolved);
    q->set_overdue(l.problems->overdue);
    q->set_claimed(l.problems->claimed);
    for (const std::string& item : l.problems->overdue_items) q->add_overdue_items(item);
    q->set_clear_all_required(l.problems->clear_all_required);
  }
  return p;
}

namespace {

v1::ScoreRole ToProto(const ScoreRole& r) {
  v1::ScoreRole p;
  p.set_measures(r.measures);
  p.set_measures_due(r.measures_due);
  p.set_measures_completed(r.measures_completed);
  p.set_overdue_measures(r.overdue_measures);
  for (const std::string& o : r.overdue) p.add_overdue(o);
  for (const std::string& o : r.overdue_zh) p.add_overdue_zh(o);
  p.set_reports_due(r.reports_due);
  p.set_reports_on_time(r.reports_on_time);
  p.set_reports_late(r.reports_late);
  p.set_reports_missing(r.reports_missing);
  p.set_checkpoints_due(r.checkpoints_due);
  p.set_checkpoints_met(r.checkpoints_met);
  p.set_checkpoints_met_late(r.checkpoints_met_late);
  p.set_checkpoints_missed(r.checkpoints_missed);
  return p;
}

}  // namespace

v1::Scorecard ToProto(const Scorecard& c) {
  v1::Scorecard p;
  p.set_organization(c.organization);
  p.set_score(c.score);
  for (const ScoreComponent& s : c.components) {
    v1::ScoreComponent* q = p.add_components();
    q->set_name(s.name);
    if (s.rate) q->set_rate(*s.rate);
    q->set_weight(s.weight);
    q->set_points(s.points);
    q->set_detail(s.detail);
    for (const ScoreFact& f : s.facts) {
      v1::ScoreFact* g = q->add_facts();
      g->set_key(f.key);
      g->set_role(f.role);
      g->set_outcome(f.outcome);
      g->set_credit(f.credit);
      g->set_reference(f.reference);
      g->set_detail(f.detail);
    }
  }
  p.set_measures_led(c.measures_led);
  p.set_overdue_measures(c.overdue_measures);
  p.set_reports_due(c.reports_due);
  p.set_reports_on_time(c.reports_on_time);
  p.set_reports_late(c.reports_late);
  p.set_reports_missing(c.reports_missing);
  p.set_measures_responsible(c.measures_responsible);
  *p.mutable_as_lead() = ToProto(c.as_lead);
  *p.mutable_as_responsible() = ToProto(c.as_responsible);
  v1::ScoreSupervision* s = p.mutable_supervision();
  s->set_orders(c.supervision.orders);
  s->set_open(c.supervision.open);
  s->set_replies_due(c.supervision.replies_due);
  s->set_replies_on_time(c.supervision.replies_on_time);
  s->set_replies_late(c.supervision.replies_late);
  s->set_replies_overdue(c.supervision.replies_overdue);
  for (const std::string& o : c.supervision.overdue) s->add_overdue(o);
  v1::ScoreProblems* q = p.mutable_problems();
  q->set_total(c.problems.total);
  q->set_unresolved(c.problems.unresolved);
  q->set_overdue(c.problems.overdue);
  q->set_reopened(c.problems.reopened);
  return p;
}

v1::DailyAirQuality ToProto(const DistrictDay& day, const DailyAqi& aqi,
                            absl::string_view validity_standard) {
  v1::DailyAirQuality p;
  *p.mutable_date() = DateToProto(day.day);
  p.set_standard(aqi.standard_id);
  p.set_validity_standard(std::string(validity_standard));
  p.set_published(aqi.published());
  *p.mutable_data_verification() = ToProto(TallyVerification({day}, day.day, day.day));
  if (aqi.published()) {
    p.set_aqi(aqi.aqi);
    p.set_category(std::string(AqiCategoryName(aqi.category)));
  }
  for (int k = 0; k < kDailyItemCount; ++k) {
    const DailyItem item = static_cast<DailyItem>(k);
    if (Contains(aqi.primary_items, item)) p.add_primary_items(std::string(DailyItemName(item)));
    if (Contains(aqi.missing_items, item)) p.add_missing_items(std::string(DailyItemName(item)));
    const DailyStatistic& s = day.values[k];
    if (s.samples == 0 && !s.usable()) continue;
    v1::DailyItemValue* v = p.add_items();
    v->set_item(std::string(DailyItemName(item)));
    v->set_value(s.value);
    v->set_validity(std::string(ValidityName(s.validity)));
    v->set_samples(s.samples);
    if (aqi.items[k].in_aqi && aqi.items[k].iaqi.has_iaqi) v->set_iaqi(aqi.items[k].iaqi.iaqi);
  }
  return p;
}

v1::DataVerification VerificationToProto(Verification v) {
  return v == Verification::kAudited ? v1::DATA_VERIFICATION_AUDITED
                                     : v1::DATA_VERIFICATION_PROVISIONAL;
}

Verification VerificationFromProto(v1::DataVerification v) {
  return v == v1::DATA_VERIFICATION_AUDITED ? Verification::kAudited : Verification::kProvisional;
}

v1::DataVerificationSummary ToProto(const DataDays& days) {
  v1::DataVerificationSummary p;
  if (days.empty()) {
    p.set_verification(v1::DATA_VERIFICATION_UNSPECIFIED);
  } else if (days.provisional_days == 0) {
    p.set_verification(v1::DATA_VERIFICATION_AUDITED);
  } else if (days.audited_days == 0 && days.hours.audited_hours == 0) {
    p.set_verification(v1::DATA_VERIFICATION_PROVISIONAL);
  } else {
    p.set_verification(v1::DATA_VERIFICATION_MIXED);
  }
  p.set_audited_days(days.audited_days);
  p.set_provisional_days(days.provisional_days);
  p.set_audited_hours(days.hours.audited_hours);
  p.set_provisional_hours(days.hours.provisional_hours);
  return p;
}

DataDays DataDaysFromProto(const v1::DataVerificationSummary& p) {
  DataDays d;
  d.audited_days = p.audited_days();
  d.provisional_days = p.provisional_days();
  d.hours.audited_hours = p.audited_hours();
  d.hours.provisional_hours = p.provisional_hours();
  return d;
}

absl::StatusOr<Pollutant> PollutantFromProto(v1::Pollutant pollutant) {
  switch (pollutant) {
    case v1::POLLUTANT_PM25:
      return Pollutant::kPm25;
    case v1::POLLUTANT_PM10:
      return Pollutant::kPm10;
    case v1::POLLUTANT_SO2:
      return Pollutant::kSo2;
    case v1::POLLUTANT_NO2:
      return Pollutant::kNo2;
    case v1::POLLUTANT_CO:
      return Pollutant::kCo;
    case v1::POLLUTANT_O3:
      return Pollutant::kO3;
    default:
      return absl::InvalidArgumentError("pollutant is not set");
  }
}

}  // namespace ecoplan::indicator
