#include "services/indicator/domain/dashboard.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/indicator/domain/dashboard_internal.h"

namespace ecoplan::indicator {
namespace {

// "2026-04", as absl::FormatCivilTime prints a month, for the years a plan
// has (four digits); without a general formatter: a plan with nothing
// reported prints a month per owner and period.
void AppendMonthText(std::string* out, absl::CivilMonth m) {
  absl::StrAppend(out, m.year(), m.month() < 10 ? "-0" : "-", m.month());
}

using ReportKey = std::pair<std::string, std::string>;  // organization, measure

using dashboard_internal::CheckpointText;
using dashboard_internal::CheckpointTextZh;
using dashboard_internal::ClearingIncomplete;
using dashboard_internal::Confirmed;
using dashboard_internal::CountedCompleted;
using dashboard_internal::Day;
using dashboard_internal::DayZh;
using dashboard_internal::DeclarationText;
using dashboard_internal::DeclarationTextZh;
using dashboard_internal::IndicatorsWith;
using dashboard_internal::JudgeCheckpoints;
using dashboard_internal::JudgedCheckpoint;
using dashboard_internal::MonthZh;
using dashboard_internal::Overridden;
using dashboard_internal::PeriodKey;
using dashboard_internal::StatementText;
using dashboard_internal::StatementTextZh;
using dashboard_internal::UnresolvedProblems;

// Latest report per (organization, measure), the on-time and the late entries,
// and who reported on each measure.
struct ReportIndex {
  std::map<ReportKey, const ProgressReport*> latest;
  std::set<PeriodKey> on_time;
  std::set<PeriodKey> late;
  std::map<std::string, std::set<std::string>> reporters;  // measure → organizations
  std::map<std::string, std::vector<const ProgressReport*>> by_measure;  // every entry
};

ReportIndex Index(const std::vector<ProgressReport>& reports) {
  ReportIndex index;
  for (const ProgressReport& r : reports) {
    const ProgressReport*& latest = index.latest[{r.organization, r.measure_id}];
    if (latest == nullptr || latest->period <= r.period) latest = &r;
    (r.on_time ? index.on_time : index.late).insert({r.organization, r.measure_id, r.period});
    index.reporters[r.measure_id].insert(r.organization);
    index.by_measure[r.measure_id].push_back(&r);
  }
  return index;
}

// An owner's latest report says completed (and the bureau did not return it):
// a claim, never a completion.
const ProgressReport* ReportedCompleted(const ReportIndex& index, const MeasureInfo& m) {
  for (const std::vector<std::string>* list : {&m.owners, &m.responsible}) {
    for (const std::string& owner : *list) {
      auto it = index.latest.find({owner, m.id});
      if (it != index.latest.end() && it->second->status == ReportedStatus::kCompleted &&
          !it->second->returned) {
        return it->second;
      }
    }
  }
  return nullptr;
}

std::vector<OwnerProgress> ProgressOf(const ReportIndex& index, const MeasureInfo& m) {
  std::vector<OwnerProgress> out;
  auto add = [&](const std::string& org, bool lead) {
    auto it = index.latest.find({org, m.id});
    if (it == index.latest.end()) return;
    const ProgressReport& r = *it->second;
    out.push_back({org, lead, r.period, r.status, r.percent_done, r.on_time, r.returned});
  };
  for (const std::string& owner : m.owners) add(owner, true);
  for (const std::string& owner : m.responsible) add(owner, false);
  auto reporters = index.reporters.find(m.id);
  if (reporters != index.reporters.end()) {
    for (const std::string& org : reporters->second) {
      if (std::find(m.owners.begin(), m.owners.end(), org) == m.owners.end() &&
          std::find(m.responsible.begin(), m.responsible.end(), org) == m.responsible.end()) {
        add(org, false);
      }
    }
  }
  return out;
}

// Consecutive most recent due periods without an on-time report by `owner` for `m`.
int MissedAtEnd(const ReportIndex& index, const std::string& owner, const MeasureInfo& m,
                const std::vector<absl::CivilMonth>& due_periods) {
  if (index.on_time.empty()) return static_cast<int>(due_periods.size());
  PeriodKey key{owner, m.id, {}};  // the strings copied once, not per period
  int missed = 0;
  for (auto it = due_periods.rbegin(); it != due_periods.rend(); ++it) {
    std::get<2>(key) = *it;
    if (index.on_time.count(key)) break;
    ++missed;
  }
  return missed;
}

std::string Number(double v) { return absl::StrCat(v); }

// A reason in English and in Chinese, saying the same.
struct Said {
  std::string en, zh;
};

// "a1-t3-m7-i1 新能源车比例 is off track: 26 % on 2026-06-25 against ≥ 30 %".
std::string IndicatorFact(const MeasureIndicator& i, const char* verdict) {
  std::string out = absl::StrCat("indicator ", i.id, " ", i.name, " is ", verdict, ": ");
  if (i.value.has_value()) {
    absl::StrAppend(&out, Number(*i.value), i.unit.empty() ? "" : " ", i.unit);
    if (i.value_day.has_value()) absl::StrAppend(&out, " on ", Day(*i.value_day));
  } else {
    absl::StrAppend(&out, "no value");
  }
  if (!i.target.empty()) absl::StrAppend(&out, " against ", i.target);
  if (!i.status_reason.empty()) absl::StrAppend(&out, " (", i.status_reason, ")");
  return out;
}

// "指标a1-t3-m7-i1新能源车比例偏离目标：2026年6月25日为26%，目标≥ 30 %（…）".
std::string IndicatorFactZh(const MeasureIndicator& i, const char* verdict) {
  std::string out = absl::StrCat("指标", i.id, "「", i.name, "」", verdict, "：");
  if (i.value.has_value()) {
    if (i.value_day.has_value()) absl::StrAppend(&out, DayZh(*i.value_day), "为");
    absl::StrAppend(&out, Number(*i.value), i.unit);
  } else {
    absl::StrAppend(&out, "尚无数值");
  }
  if (!i.target.empty()) absl::StrAppend(&out, "，目标", i.target);
  if (!i.status_reason_zh.empty()) absl::StrAppend(&out, "（", i.status_reason_zh, "）");
  return out;
}

std::string DueText(const MeasureInfo& m) {
  std::string out = absl::StrCat("due ", Day(*m.due));
  if (m.original_due.has_value() && *m.original_due != *m.due) {
    absl::StrAppend(&out, " (extended from ", Day(*m.original_due), ")");
  }
  return out;
}

// "完成时限2026年6月30日（由2026年5月31日延期）".
std::string DueTextZh(const MeasureInfo& m) {
  std::string out = absl::StrCat("完成时限", DayZh(*m.due));
  if (m.original_due.has_value() && *m.original_due != *m.due) {
    absl::StrAppend(&out, "（由", DayZh(*m.original_due), "延期）");
  }
  return out;
}

// A measure's light as the rules judge it: every rule that fires raises the
// colour (the worst wins) and adds its reason; a note adds a reason only.
struct LightJudge {
  MeasureLight light;
  bool fired = false;  // a rule raised the colour

  void Raise(Colour c, Said reason) {
    light.colour = std::max(light.colour, c);
    Note(std::move(reason));
    fired = true;
  }
  void Note(Said reason) {
    light.reasons.push_back(std::move(reason.en));
    light.reasons_zh.push_back(std::move(reason.zh));
  }
};

// The light's facts before any rule: owners, progress, completion, due days.
MeasureLight LightFacts(const ReportIndex& index, const MeasureInfo& m, absl::CivilDay as_of) {
  MeasureLight light;
  light.measure_id = m.id;
  light.owners = m.owners;
  light.responsible = m.responsible;
  light.progress = ProgressOf(index, m);
  light.completion_confirmed = Confirmed(m);
  light.counted_completed = CountedCompleted(m, as_of);
  light.due = m.due;
  light.original_due = m.original_due;
  if (m.declaration.has_value()) {
    light.completion = m.declaration->name;
    light.completion_state = m.declaration->state;
  }
  if (light.completion_confirmed) light.completion_state = CompletionState::kConfirmed;
  return light;
}

// A completion the bureau confirmed, checked against the measure's
// indicators: one off track turns it back (red) unless the bureau overrode
// the check (yellow, counted); one at risk is yellow.
void JudgeConfirmedCompletion(const MeasureInfo& m, LightJudge* judge) {
  const CompletionDeclaration* d = m.declaration ? &*m.declaration : nullptr;
  std::string text = "completion confirmed by the bureau";
  std::string zh = "局方";
  const std::optional<absl::CivilDay> on = m.confirmed_on.has_value() ? m.confirmed_on
                                           : d != nullptr             ? d->decided
                                                                      : std::nullopt;
  if (on.has_value()) {
    absl::StrAppend(&text, " on ", Day(*on));
    absl::StrAppend(&zh, "于", DayZh(*on));
  }
  absl::StrAppend(&zh, "确认办结");
  if (d != nullptr && d->state == CompletionState::kConfirmed) {
    absl::StrAppend(&text, " (", DeclarationText(*d), ")");
    absl::StrAppend(&zh, "（", DeclarationTextZh(*d), "）");
    if (!d->comment.empty()) {
      absl::StrAppend(&text, ": ", d->comment);
      absl::StrAppend(&zh, "：", d->comment);
    }
  }
  const std::vector<const MeasureIndicator*> off = IndicatorsWith(m, IndicatorStatus::kOffTrack);
  const bool overridden = Overridden(m);
  if (off.empty()) {
    judge->Note({text, zh});
    if (overridden) {
      judge->Note({absl::StrCat("the bureau confirmed with the indicator check overridden: ",
                                d->override_reason),
                   absl::StrCat("局方确认时未采用指标核验：", d->override_reason)});
    }
  }
  for (const MeasureIndicator* i : off) {
    if (overridden) {
      // The bureau has said so with a reason on record: counted, but not green.
      judge->Raise(Colour::kYellow,
                   {absl::StrCat(text, ", while ", IndicatorFact(*i, "off track"),
                                 "; counted as completed because the bureau confirmed with the "
                                 "indicator check overridden: ",
                                 d->override_reason),
                    absl::StrCat(zh, "，但", IndicatorFactZh(*i, "偏离目标"),
                                 "；局方确认时未采用指标核验，仍计为办结：", d->override_reason)});
    } else {
      judge->Raise(Colour::kRed,
                   {absl::StrCat(text, ", but ", IndicatorFact(*i, "off track"),
                                 "; not counted as completed"),
                    absl::StrCat(zh, "，但", IndicatorFactZh(*i, "偏离目标"), "；不计为办结")});
    }
  }
  for (const MeasureIndicator* i : IndicatorsWith(m, IndicatorStatus::kAtRisk)) {
    judge->Raise(Colour::kYellow,
                 {absl::StrCat("completion confirmed, but ", IndicatorFact(*i, "at risk")),
                  absl::StrCat("已确认办结，但", IndicatorFactZh(*i, "存在风险"))});
  }
}

// A completion declared and awaiting the bureau, or rejected by it: a note.
void NoteDeclaration(const MeasureInfo& m, LightJudge* judge) {
  const CompletionDeclaration* d = m.declaration ? &*m.declaration : nullptr;
  if (d != nullptr && d->state == CompletionState::kDeclared) {
    judge->Note({absl::StrCat("completion declared by ", d->organization, " on ", Day(d->declared),
                              " (declaration ", d->number, "), awaiting the bureau's confirmation"),
                 absl::StrCat(d->organization, "于", DayZh(d->declared), "申请办结（第", d->number,
                              "次申请），待局方确认")});
  } else if (d != nullptr && d->state == CompletionState::kRejected) {
    std::string text = absl::StrCat("completion declaration ", d->number, " by ", d->organization,
                                    " rejected by the bureau");
    std::string zh = absl::StrCat(DeclarationTextZh(*d), "被局方");
    if (d->decided.has_value()) {
      absl::StrAppend(&text, " on ", Day(*d->decided));
      absl::StrAppend(&zh, "于", DayZh(*d->decided));
    }
    absl::StrAppend(&text, ": ", d->comment.empty() ? "no comment" : d->comment, " (declared on ",
                    Day(d->declared), "); the measure is not completed");
    absl::StrAppend(&zh, "退回：", d->comment.empty() ? "未附意见" : d->comment, "；措施未办结");
    judge->Note({std::move(text), std::move(zh)});
  }
}

// An owner's report claiming the measure completed (not confirmed): a claim,
// shown as one.
void NoteReportedCompletion(const ReportIndex& index, const MeasureInfo& m, LightJudge* judge) {
  const ProgressReport* done = ReportedCompleted(index, m);
  if (done == nullptr) return;
  if (judge->light.completion_state == CompletionState::kNone) {
    judge->light.completion_state = CompletionState::kDeclared;
  }
  std::string text = absl::StrCat("reported completed by ", done->organization,
                                  " in its report for ", absl::FormatCivilTime(done->period));
  std::string zh =
      absl::StrCat(done->organization, "在", MonthZh(done->period), "报告中报送已完成");
  if (!done->report.empty()) absl::StrAppend(&text, " (", done->report, ")");
  absl::StrAppend(&text, ", awaiting the bureau's confirmation");
  absl::StrAppend(&zh, "，待局方确认");
  const CompletionDeclaration* d = m.declaration ? &*m.declaration : nullptr;
  if (d == nullptr || d->state == CompletionState::kRejected) {
    absl::StrAppend(&text, " (no completion declaration pending)");
    absl::StrAppend(&zh, "（尚无待审的办结申请）");
  }
  judge->Note({std::move(text), std::move(zh)});
}

// The (effective) due day: passed (red) or close (yellow).
void JudgeDue(const MeasureInfo& m, absl::CivilDay as_of, const LightRules& rules,
              LightJudge* judge) {
  if (!m.due.has_value()) return;
  const char* not_done = judge->light.completion_confirmed
                             ? "not counted as completed"
                             : "completion not confirmed by the bureau";
  const char* not_done_zh = judge->light.completion_confirmed ? "不计为办结" : "局方尚未确认办结";
  if (as_of > *m.due) {
    judge->Raise(Colour::kRed, {absl::StrCat(DueText(m), " passed, ", not_done),
                                absl::StrCat(DueTextZh(m), "已过，", not_done_zh)});
  } else if (*m.due - as_of <= rules.yellow_days_before_due) {
    judge->Raise(Colour::kYellow,
                 {absl::StrCat(DueText(m), " in ", *m.due - as_of, " days, ", not_done),
                  absl::StrCat("距", DueTextZh(m), "还有", *m.due - as_of, "天，", not_done_zh)});
  }
}

// Each occurrence of each checkpoint of the text: passed ones judged by the
// owners' statements, the next one announced when it is close.
void JudgeCheckpointsOfText(const ReportIndex& index, const MeasureInfo& m, absl::CivilDay as_of,
                            const LightRules& rules, LightJudge* judge) {
  static const std::vector<const ProgressReport*> kNoEntries;
  auto entries = index.by_measure.find(m.id);
  // Each checkpoint's next occurrence not passed (phrase, day): only it is announced.
  std::set<std::pair<std::string, absl::CivilDay>> next;
  for (const CheckpointDue& c : m.checkpoints) {
    auto n = std::lower_bound(c.dues.begin(), c.dues.end(), as_of);
    if (n != c.dues.end()) next.emplace(c.phrase, *n);
  }
  for (JudgedCheckpoint& c : JudgeCheckpoints(
           m, entries == index.by_measure.end() ? kNoEntries : entries->second, as_of)) {
    const CheckpointJudgement& j = c.judgement;
    const std::string what = CheckpointText(j);
    const std::string what_zh = CheckpointTextZh(j);
    switch (j.state) {
      case CheckpointState::kMet:  // on time: nothing to say
        break;
      case CheckpointState::kMetLate: {
        Said text{absl::StrCat(what, " stated met only after its due day: ", StatementText(c)),
                  absl::StrCat(what_zh, "逾期后才说明完成：", StatementTextZh(c))};
        if (as_of - *j.stated_on <= rules.yellow_days_after_late_checkpoint) {
          judge->Raise(Colour::kYellow, std::move(text));
        } else {
          judge->Note(std::move(text));
        }
        break;
      }
      case CheckpointState::kMissed:
        judge->Raise(Colour::kRed,
                     {absl::StrCat(what, " passed: no report of an owner states it met"),
                      absl::StrCat(what_zh, "已过，责任单位报告均未说明完成")});
        break;
      case CheckpointState::kUpcoming: {
        if (next.count({j.phrase, j.due}) > 0 &&
            j.due - as_of <= rules.yellow_days_before_checkpoint) {
          judge->Raise(
              Colour::kYellow,
              {absl::StrCat(
                   what, j.due == as_of ? " today" : absl::StrCat(" in ", j.due - as_of, " days")),
               absl::StrCat(what_zh, j.due == as_of ? "今日到期"
                                                    : absl::StrCat("还有", j.due - as_of, "天"))});
        }
        break;
      }
    }
    judge->light.checkpoints.push_back(std::move(c.judgement));
  }
}

// An owner's reporting: the last periods missed or late, and its latest
// report blocked, delayed or returned.
void JudgeOwner(const ReportIndex& index, const MeasureInfo& m, const std::string& owner, bool lead,
                const std::vector<absl::CivilMonth>& due_periods, const LightRules& rules,
                LightJudge* judge) {
  const int missed = MissedAtEnd(index, owner, m, due_periods);
  const bool listed = missed >= rules.red_missed_reports;  // red, the periods listed
  auto it = index.latest.find({owner, m.id});
  const ProgressReport* r = it == index.latest.end() ? nullptr : it->second;
  if (!listed && missed == 0 &&
      (r == nullptr || (r->status != ReportedStatus::kBlocked &&
                        r->status != ReportedStatus::kDelayed && !r->returned))) {
    return;  // nothing to say: no text made
  }
  // Leads are named plainly; responsible units are marked as such. Each text
  // is made by one StrCat of its pieces: a plan with nothing reported says
  // this of every owner of every measure.
  const absl::string_view unit = lead ? "" : " (responsible unit)";
  const absl::string_view unit_zh = lead ? "" : "（责任单位）";
  if (listed || missed > 0) {
    // The missed periods, oldest first ("2026-04 late, 2026-05 no entry").
    int late = 0;
    std::string periods, periods_zh;
    PeriodKey key{owner, m.id, {}};
    for (size_t k = missed; k-- > 0;) {
      const absl::CivilMonth p = due_periods[due_periods.size() - 1 - k];
      std::get<2>(key) = p;
      const bool was_late = !index.late.empty() && index.late.count(key) > 0;
      late += was_late ? 1 : 0;
      if (!listed) continue;
      if (!periods.empty()) {
        periods.append(", ");
        periods_zh.append("、");
      }
      AppendMonthText(&periods, p);
      periods.append(was_late ? " late" : " no entry");
      absl::StrAppend(&periods_zh, p.year(), "年", p.month(), "月",
                      was_late ? "逾期报送" : "未报送");
    }
    std::string mixed, mixed_zh;
    if (late > 0 && late < missed) {
      mixed = absl::StrCat(late, " late, ", missed - late, " without entry");
      mixed_zh = absl::StrCat(late, "期逾期，", missed - late, "期未报送");
    }
    // string_views on every branch: a std::string branch would make the
    // whole ?: a temporary std::string, gone before the view is read.
    const absl::string_view how = late == 0        ? absl::string_view("no entry")
                                  : late == missed ? absl::string_view("reported late")
                                                   : absl::string_view(mixed);
    const absl::string_view how_zh = late == 0        ? absl::string_view("未报送")
                                     : late == missed ? absl::string_view("逾期报送")
                                                      : absl::string_view(mixed_zh);
    if (listed) {
      judge->Raise(Colour::kRed, {absl::StrCat(owner, unit, " missed the last ", missed,
                                               " reporting periods (", how, "): ", periods),
                                  absl::StrCat(owner, unit_zh, "最近", missed, "期未按时报送（",
                                               how_zh, "）：", periods_zh)});
    } else {
      const absl::CivilMonth last = due_periods.back();
      judge->Raise(Colour::kYellow,
                   {absl::StrCat(owner, unit, " missed the last reporting period ", last.year(),
                                 last.month() < 10 ? "-0" : "-", last.month(), " (", how, ")"),
                    absl::StrCat(owner, unit_zh, last.year(), "年", last.month(), "月",
                                 "未按时报送（", how_zh, "）")});
    }
  }
  if (r == nullptr) return;
  const std::string in = r->report.empty() ? "" : absl::StrCat(", ", r->report);
  const std::string in_zh = r->report.empty() ? "" : absl::StrCat("，", r->report);
  if (r->status == ReportedStatus::kBlocked) {
    judge->Raise(Colour::kYellow,
                 {absl::StrCat(owner, unit, " reports the measure blocked (",
                               absl::FormatCivilTime(r->period), in, ")"),
                  absl::StrCat(owner, unit_zh, "报告措施受阻（", MonthZh(r->period), in_zh, "）")});
  } else if (r->status == ReportedStatus::kDelayed) {
    judge->Raise(Colour::kYellow,
                 {absl::StrCat(owner, unit, " reports the measure delayed (",
                               absl::FormatCivilTime(r->period), in, ")"),
                  absl::StrCat(owner, unit_zh, "报告措施滞后（", MonthZh(r->period), in_zh, "）")});
  }
  if (r->returned) {
    judge->Raise(Colour::kYellow,
                 {absl::StrCat("the bureau returned ", owner, unit, "'s report for ",
                               absl::FormatCivilTime(r->period), in),
                  absl::StrCat("局方退回", owner, unit_zh, MonthZh(r->period), "的报告", in_zh)});
  }
}

// The supervision orders open on the day: each at least yellow, red with an
// overdue addressee ("督办单 2026-003 (黄色督办) open, reply due 2026-06-10;
// 区水务局 overdue").
void JudgeSupervision(const MeasureInfo& m, absl::CivilDay as_of, LightJudge* judge) {
  for (const SupervisionOrderFact& o : m.supervision_orders) {
    const OrderStanding s = OrderAsOf(o, as_of);
    if (!s.open) continue;
    LightSupervisionOrder shown;
    shown.order = o.name;
    shown.id = o.id;
    shown.title = o.title;
    std::string text = absl::StrCat("督办单 ", o.id);
    std::string zh = absl::StrCat("督办单", o.id);
    if (s.deadline != nullptr) {
      shown.level = s.deadline->level;
      shown.reply_due = s.deadline->day;
      absl::StrAppend(&text, " (", SupervisionLevelWord(s.deadline->level), ") open, reply due ",
                      Day(s.deadline->day));
      absl::StrAppend(&zh, "（", SupervisionLevelWord(s.deadline->level), "）未销号，应于",
                      DayZh(s.deadline->day), "前回复");
    } else {
      absl::StrAppend(&text, " open");
      absl::StrAppend(&zh, "未销号");
    }
    for (const SupervisionAddresseeFact* a : s.overdue) {
      shown.overdue_organizations.push_back(a->organization);
    }
    if (s.overdue.empty()) {
      judge->Raise(Colour::kYellow, {std::move(text), std::move(zh)});
    } else {
      absl::StrAppend(&text, "; ", absl::StrJoin(shown.overdue_organizations, ", "), " overdue");
      absl::StrAppend(&zh, "；", absl::StrJoin(shown.overdue_organizations, "、"), "逾期未回复");
      judge->Raise(Colour::kRed, {std::move(text), std::move(zh)});
    }
    judge->light.supervision_orders.push_back(std::move(shown));
  }
  std::sort(
      judge->light.supervision_orders.begin(), judge->light.supervision_orders.end(),
      [](const LightSupervisionOrder& a, const LightSupervisionOrder& b) { return a.id < b.id; });
}

// The problem ledger as of the day: an overdue item turns the measure red; the
// unresolved items are listed ("问题清单: 3 of 12 items unresolved (PWK-0001,
// …), 1 overdue: PWK-0012 (due 2026-05-31, 区水务局)").
void JudgeProblems(const MeasureInfo& m, absl::CivilDay as_of, LightJudge* judge) {
  constexpr size_t kListed = 20;
  LightProblems counts;
  counts.clear_all_required = m.clear_all_required;
  std::vector<std::string> unresolved, overdue_zh;
  for (const ProblemItemFact& item : m.problems) {
    const ProblemStanding s = ProblemAsOf(item, as_of);
    if (!s.exists) continue;
    ++counts.total;
    if (s.claimed) ++counts.claimed;
    if (s.unresolved) {
      ++counts.unresolved;
      if (unresolved.size() < kListed)
        unresolved.push_back(item.code.empty() ? item.id : item.code);
    }
    if (s.overdue) {
      ++counts.overdue;
      counts.overdue_items.push_back(ProblemItemText(item));
      overdue_zh.push_back(ProblemItemTextZh(item));
    }
  }
  if (counts.total == 0) return;
  std::string text, zh;
  if (counts.unresolved == 0) {
    text = absl::StrCat("问题清单: all ", counts.total, " items resolved");
    zh = absl::StrCat("问题清单：", counts.total, "项已全部整改销号");
  } else {
    text = absl::StrCat("问题清单: ", counts.unresolved, " of ", counts.total,
                        " items unresolved (", absl::StrJoin(unresolved, ", "),
                        counts.unresolved > static_cast<int>(kListed) ? ", …" : "", ")");
    zh = absl::StrCat("问题清单：", counts.total, "项中", counts.unresolved, "项未销号（",
                      absl::StrJoin(unresolved, "、"),
                      counts.unresolved > static_cast<int>(kListed) ? "等" : "", "）");
    if (counts.claimed > 0) {
      absl::StrAppend(&text, ", ", counts.claimed, " claimed rectified awaiting verification");
      absl::StrAppend(&zh, "，", counts.claimed, "项已报整改待核查");
    }
  }
  if (counts.overdue > 0) {
    absl::StrAppend(&text, ", ", counts.overdue,
                    " overdue: ", absl::StrJoin(counts.overdue_items, ", "));
    absl::StrAppend(&zh, "，", counts.overdue, "项逾期：", absl::StrJoin(overdue_zh, "、"));
    judge->Raise(Colour::kRed, {std::move(text), std::move(zh)});
  } else {
    judge->Note({std::move(text), std::move(zh)});
  }
  judge->light.problems = std::move(counts);
}

// A completion the bureau confirmed on a measure whose text says 动态清零
// while ledger items are unresolved: not counted as completed, yellow.
void JudgeClearing(const MeasureInfo& m, absl::CivilDay as_of, LightJudge* judge) {
  if (!judge->light.completion_confirmed || !ClearingIncomplete(m, as_of)) return;
  const int unresolved = UnresolvedProblems(m, as_of);
  judge->Raise(
      Colour::kYellow,
      {absl::StrCat("completion confirmed, but the measure text says 动态清零 and ", unresolved,
                    " problem ledger items are unresolved; not counted as completed"),
       absl::StrCat("已确认办结，但措施要求动态清零，问题清单尚有", unresolved,
                    "项未销号；不计为办结")});
}

// One measure's light (the rules in dashboard.h, in the order of its reasons).
MeasureLight ColourMeasure(const ReportIndex& index, const MeasureInfo& m,
                           const std::vector<absl::CivilMonth>& due_periods, absl::CivilDay as_of,
                           const LightRules& rules) {
  LightJudge judge{LightFacts(index, m, as_of)};
  // A reason per owner at most, and a few of the measure's own.
  judge.light.reasons.reserve(m.owners.size() + m.responsible.size() + 4);
  judge.light.reasons_zh.reserve(m.owners.size() + m.responsible.size() + 4);
  if (judge.light.completion_confirmed) {
    JudgeConfirmedCompletion(m, &judge);
    JudgeClearing(m, as_of, &judge);
  } else {
    NoteDeclaration(m, &judge);
    NoteReportedCompletion(index, m, &judge);
  }
  JudgeSupervision(m, as_of, &judge);
  JudgeProblems(m, as_of, &judge);
  if (judge.light.counted_completed) return std::move(judge.light);
  // Not completed (or turned back): the rules for a measure not completed apply.
  JudgeDue(m, as_of, rules, &judge);
  if (!judge.light.counted_completed) JudgeCheckpointsOfText(index, m, as_of, rules, &judge);
  for (const std::string& owner : m.owners) {
    JudgeOwner(index, m, owner, true, due_periods, rules, &judge);
  }
  for (const std::string& owner : m.responsible) {
    JudgeOwner(index, m, owner, false, due_periods, rules, &judge);
  }
  if (!judge.fired) judge.Note({"on schedule", "按计划推进"});
  return std::move(judge.light);
}

}  // namespace

const char* ReportedStatusName(ReportedStatus status) {
  switch (status) {
    case ReportedStatus::kNotStarted:
      return "not_started";
    case ReportedStatus::kInProgress:
      return "in_progress";
    case ReportedStatus::kCompleted:
      return "completed";
    case ReportedStatus::kBlocked:
      return "blocked";
    case ReportedStatus::kDelayed:
      return "delayed";
  }
  return "in_progress";
}

const char* CheckpointStateName(CheckpointState state) {
  switch (state) {
    case CheckpointState::kUpcoming:
      return "upcoming";
    case CheckpointState::kMet:
      return "met";
    case CheckpointState::kMetLate:
      return "met_late";
    case CheckpointState::kMissed:
      return "missed";
  }
  return "upcoming";
}

const char* CompletionStateName(CompletionState state) {
  switch (state) {
    case CompletionState::kNone:
      return "none";
    case CompletionState::kDeclared:
      return "declared";
    case CompletionState::kConfirmed:
      return "confirmed";
    case CompletionState::kRejected:
      return "rejected";
  }
  return "none";
}

bool CompletionDeclaration::operator==(const CompletionDeclaration& o) const {
  return name == o.name && number == o.number && organization_id == o.organization_id &&
         organization == o.organization && declared == o.declared && state == o.state &&
         comment == o.comment && decided == o.decided &&
         indicator_check_overridden == o.indicator_check_overridden &&
         override_reason == o.override_reason;
}

std::vector<MeasureLight> ColourMeasures(const std::vector<MeasureInfo>& measures,
                                         const std::vector<ProgressReport>& reports,
                                         const std::vector<absl::CivilMonth>& due_periods,
                                         absl::CivilDay as_of, const LightRules& rules) {
  const ReportIndex index = Index(reports);
  std::vector<MeasureLight> out;
  out.reserve(measures.size());
  for (const MeasureInfo& m : measures) {
    out.push_back(ColourMeasure(index, m, due_periods, as_of, rules));
  }
  return out;
}

}  // namespace ecoplan::indicator
