#include "services/progress/domain/indicator_view.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace ecoplan::progress {
namespace {

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string WithUnit(double value, absl::string_view unit) {
  return unit.empty() ? absl::StrCat(value) : absl::StrCat(value, " ", unit);
}

// The status is the judgement; a missing value with a judged status (never
// expected) still counts as judged.
bool Supports(const IndicatorFacts& facts) {
  switch (facts.status) {
    case IndicatorState::kAchieved:
    case IndicatorState::kOnTrack:
    case IndicatorState::kAtRisk:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::string_view IndicatorStateName(IndicatorState state) {
  switch (state) {
    case IndicatorState::kAchieved:
      return "ACHIEVED";
    case IndicatorState::kOnTrack:
      return "ON_TRACK";
    case IndicatorState::kAtRisk:
      return "AT_RISK";
    case IndicatorState::kOffTrack:
      return "OFF_TRACK";
    case IndicatorState::kInsufficientData:
      return "INSUFFICIENT_DATA";
    default:
      return "NOT_EVALUATED";
  }
}

void IndicatorDirectory::MarkReceived() {
  absl::MutexLock lock(&mu_);
  received_ = true;
}

bool IndicatorDirectory::received() const {
  absl::MutexLock lock(&mu_);
  return received_;
}

void IndicatorDirectory::SetBacklogProbe(std::function<uint64_t()> probe) {
  backlog_probe_ = std::move(probe);
}

uint64_t IndicatorDirectory::backlog() const { return backlog_probe_ ? backlog_probe_() : 0; }

void IndicatorDirectory::Put(std::shared_ptr<const IndicatorFacts> indicator) {
  absl::MutexLock lock(&mu_);
  auto next = std::make_shared<Map>(*indicators_);
  (*next)[{indicator->plan_id, indicator->id}] = std::move(indicator);
  indicators_ = std::move(next);
}

std::shared_ptr<const IndicatorFacts> IndicatorDirectory::Find(
    absl::string_view plan_id, absl::string_view indicator_id) const {
  std::shared_ptr<const Map> all;
  {
    absl::MutexLock lock(&mu_);
    all = indicators_;
  }
  auto it = all->find({std::string(plan_id), std::string(indicator_id)});
  return it == all->end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const IndicatorFacts>> IndicatorDirectory::OfMeasure(
    absl::string_view plan_id, absl::string_view measure_id) const {
  std::shared_ptr<const Map> all;
  {
    absl::MutexLock lock(&mu_);
    all = indicators_;
  }
  std::vector<std::shared_ptr<const IndicatorFacts>> out;
  // A plan has at most a few hundred indicators: a scan of its range is cheap.
  for (auto it = all->lower_bound({std::string(plan_id), ""});
       it != all->end() && it->first.first == plan_id; ++it) {
    const std::vector<std::string>& measures = it->second->measure_ids;
    if (std::find(measures.begin(), measures.end(), measure_id) != measures.end()) {
      out.push_back(it->second);
    }
  }
  return out;
}

std::string DescribeIndicator(const IndicatorFacts& f) {
  std::string line = absl::StrCat(f.id, " «", f.display_name, "»: ", IndicatorStateName(f.status));
  if (f.value.has_value()) {
    absl::StrAppend(&line, "; latest value ", WithUnit(*f.value, f.unit));
    if (f.value_date.has_value()) {
      absl::StrAppend(&line, " on ", DayText(*f.value_date));
    } else if (f.as_of.has_value()) {
      absl::StrAppend(&line, " as of ", DayText(*f.as_of));
    }
  } else {
    absl::StrAppend(&line, "; no value yet");
    if (f.as_of.has_value()) absl::StrAppend(&line, " (evaluated as of ", DayText(*f.as_of), ")");
  }
  const std::optional<double> target =
      f.status_target.has_value() ? f.status_target : f.target_value;
  const std::string& target_text =
      !f.status_target_text.empty() ? f.status_target_text : f.target_text;
  if (!target_text.empty()) {
    absl::StrAppend(&line, "; target ", target_text);
    // The number too, unless the words already hold it ("达到30%以上", "≥ 30 %").
    if (target.has_value() && !absl::StrContains(target_text, absl::StrCat(*target))) {
      absl::StrAppend(&line, " (", WithUnit(*target, f.unit), ")");
    }
  } else if (target.has_value()) {
    absl::StrAppend(&line, "; target ", WithUnit(*target, f.unit));
  } else {
    absl::StrAppend(&line, "; no numeric target");
  }
  return line;
}

IndicatorCheck CheckIndicators(
    const std::vector<std::shared_ptr<const IndicatorFacts>>& indicators) {
  IndicatorCheck check;
  for (const std::shared_ptr<const IndicatorFacts>& f : indicators) {
    if (f == nullptr || f->retired) continue;
    std::string line = DescribeIndicator(*f);
    if (f->stretch) {
      // 力争/鼓励: shown with the facts, never a reason to refuse a completion.
      absl::StrAppend(&line, " (a stretch goal: not checked)");
    } else if (!Supports(*f)) {
      check.failing.push_back(line);
    }
    check.lines.push_back(std::move(line));
  }
  return check;
}

absl::Status IndicatorCheckStatus(absl::string_view measure_id, const IndicatorCheck& check) {
  if (check.passed()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "measure ", measure_id,
      " cannot be confirmed as completed: its indicator data does not "
      "support it (",
      absl::StrJoin(check.failing, "; "),
      "). Confirm only when the indicator is on track, or override the check with "
      "override_indicator_check and an override_reason (ecoplanctl completion confirm MEASURE N "
      "--override-indicator-check --reason TEXT), which is recorded in the completion"));
}

}  // namespace ecoplan::progress
