#include "services/indicator/domain/dashboard_internal.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace ecoplan::indicator::dashboard_internal {

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

std::string DayZh(absl::CivilDay d) {
  return absl::StrCat(d.year(), "年", d.month(), "月", d.day(), "日");
}

std::string MonthZh(absl::CivilMonth m) { return absl::StrCat(m.year(), "年", m.month(), "月"); }

bool Confirmed(const MeasureInfo& m) {
  return m.completion_confirmed ||
         (m.declaration.has_value() && m.declaration->state == CompletionState::kConfirmed);
}

std::vector<const MeasureIndicator*> IndicatorsWith(const MeasureInfo& m, IndicatorStatus status) {
  std::vector<const MeasureIndicator*> out;
  for (const MeasureIndicator& i : m.indicators) {
    if (i.status == status && !i.stretch) out.push_back(&i);
  }
  return out;
}

bool Overridden(const MeasureInfo& m) {
  return m.declaration.has_value() && m.declaration->state == CompletionState::kConfirmed &&
         m.declaration->indicator_check_overridden;
}

int UnresolvedProblems(const MeasureInfo& m, absl::CivilDay as_of) {
  int n = 0;
  for (const ProblemItemFact& item : m.problems) {
    if (ProblemAsOf(item, as_of).unresolved) ++n;
  }
  return n;
}

bool ClearingIncomplete(const MeasureInfo& m, absl::CivilDay as_of) {
  return m.clear_all_required && UnresolvedProblems(m, as_of) > 0;
}

bool CountedCompleted(const MeasureInfo& m, absl::CivilDay as_of) {
  return Confirmed(m) && (IndicatorsWith(m, IndicatorStatus::kOffTrack).empty() || Overridden(m)) &&
         !ClearingIncomplete(m, as_of);
}

std::string DeclarationText(const CompletionDeclaration& d) {
  return absl::StrCat("declaration ", d.number, " by ", d.organization, " on ", Day(d.declared));
}

std::string DeclarationTextZh(const CompletionDeclaration& d) {
  return absl::StrCat(d.organization, DayZh(d.declared), "的第", d.number, "次办结申请");
}

namespace {

bool Owns(const MeasureInfo& m, const std::string& org) {
  return std::find(m.owners.begin(), m.owners.end(), org) != m.owners.end() ||
         std::find(m.responsible.begin(), m.responsible.end(), org) != m.responsible.end();
}

// A statement names the occurrence by its day; its phrase, when it is one of
// the checkpoints due that day, picks among them.
bool NamesAnother(const MeasureInfo& m, const CheckpointDue& checkpoint, absl::CivilDay due,
                  const std::string& phrase) {
  if (phrase.empty() || phrase == checkpoint.phrase) return false;
  for (const CheckpointDue& c : m.checkpoints) {
    if (c.phrase == phrase && std::find(c.dues.begin(), c.dues.end(), due) != c.dues.end()) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<JudgedCheckpoint> JudgeCheckpoints(const MeasureInfo& m,
                                               const std::vector<const ProgressReport*>& entries,
                                               absl::CivilDay as_of) {
  std::vector<JudgedCheckpoint> out;
  for (const CheckpointDue& c : m.checkpoints) {
    for (absl::CivilDay due : c.dues) {
      JudgedCheckpoint j{CheckpointJudgement{c.phrase, due}};
      for (const ProgressReport* r : entries) {
        if (r->returned || !Owns(m, r->organization)) continue;
        for (const CheckpointStatement& s : r->met_checkpoints) {
          if (s.due != due || s.stated_on > as_of || NamesAnother(m, c, due, s.phrase)) continue;
          if (j.statement == nullptr || s.stated_on < j.statement->stated_on) {
            j.report = r;
            j.statement = &s;
          }
        }
      }
      if (j.statement != nullptr) {
        j.judgement.organization = j.report->organization;
        j.judgement.report = j.report->report;
        j.judgement.stated_on = j.statement->stated_on;
        j.judgement.state =
            j.statement->stated_on <= due ? CheckpointState::kMet : CheckpointState::kMetLate;
      } else if (as_of > due) {
        j.judgement.state = CheckpointState::kMissed;
      }
      out.push_back(std::move(j));
    }
  }
  return out;
}

std::string StatementText(const JudgedCheckpoint& c) {
  if (c.report == nullptr || c.statement == nullptr) return "";
  std::string out = absl::StrCat("by ", c.report->organization, " in ");
  if (!c.report->report.empty()) absl::StrAppend(&out, c.report->report, " ");
  absl::StrAppend(&out, "(report for ", absl::FormatCivilTime(c.report->period), ") submitted on ",
                  Day(c.statement->stated_on));
  return out;
}

std::string StatementTextZh(const JudgedCheckpoint& c) {
  if (c.report == nullptr || c.statement == nullptr) return "";
  return absl::StrCat(c.report->organization, "于", DayZh(c.statement->stated_on), "在",
                      MonthZh(c.report->period), "报告中说明");
}

std::string CheckpointText(const CheckpointJudgement& j) {
  return absl::StrCat("checkpoint «", j.phrase, "» of the measure text due ", Day(j.due));
}

std::string CheckpointTextZh(const CheckpointJudgement& j) {
  return absl::StrCat("措施原文节点「", j.phrase, "」（", DayZh(j.due), "）");
}

}  // namespace ecoplan::indicator::dashboard_internal
