#include "services/indicator/domain/monthly_assessment.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::indicator {
namespace {

std::string MonthText(absl::CivilMonth m) { return absl::FormatCivilTime(m); }

const char* ColourName(Colour c) {
  switch (c) {
    case Colour::kGreen:
      return "green";
    case Colour::kYellow:
      return "yellow";
    case Colour::kRed:
      return "red";
  }
  return "green";
}

std::string FactText(const ScoreFact& f) {
  return absl::StrFormat("%s (credit %.2f)", f.outcome, f.credit);
}

// Every fact of a scorecard by key.
std::map<std::string, const ScoreFact*> FactsOf(const Scorecard& card) {
  std::map<std::string, const ScoreFact*> out;
  for (const ScoreComponent& c : card.components) {
    for (const ScoreFact& f : c.facts) out[f.key] = &f;
  }
  return out;
}

void LightCorrections(const MonthAssessment& closed, const MonthScores& now,
                      std::vector<Adjustment>* out) {
  std::map<std::string, const MeasureLight*> then;
  for (const MeasureLight& l : closed.scores.lights) then[l.measure_id] = &l;
  for (const MeasureLight& l : now.lights) {
    auto it = then.find(l.measure_id);
    if (it == then.end() || it->second->colour == l.colour) continue;
    Adjustment a;
    a.corrects = closed.month;
    a.item = absl::StrCat("light/", l.measure_id);
    a.before = ColourName(it->second->colour);
    a.after = ColourName(l.colour);
    a.reference = l.completion;
    a.detail =
        absl::StrCat("the light of ", l.measure_id, " as of ", absl::FormatCivilTime(closed.as_of),
                     " is now ", a.after, " (", l.reasons.empty() ? "" : l.reasons.front(),
                     "); it was ", a.before, " when ", MonthText(closed.month), " closed");
    out->push_back(std::move(a));
  }
}

// What `month` said of `org`'s fact `key`: its text, or "not counted".
std::string FactTextIn(const MonthAssessment& month, const std::string& org,
                       const std::string& key) {
  for (const Scorecard& card : month.scores.scorecards) {
    if (card.organization != org) continue;
    for (const ScoreComponent& c : card.components) {
      for (const ScoreFact& f : c.facts) {
        if (f.key == key) return FactText(f);
      }
    }
  }
  return "not counted";
}

// The first closed month from which every closed month up to `closed` said
// `before` of the fact (`earlier`: the closed months before `closed`, oldest
// first). A fact not counted then is attributed to `closed` itself.
absl::CivilMonth FirstMonthSaying(const MonthAssessment& closed,
                                  const std::vector<const MonthAssessment*>& earlier,
                                  const std::string& org, const std::string& key,
                                  const std::string& before) {
  absl::CivilMonth first = closed.month;
  if (before == "not counted") return first;
  for (auto it = earlier.rbegin(); it != earlier.rend(); ++it) {
    if ((*it)->month != first - 1 || FactTextIn(**it, org, key) != before) break;
    first = (*it)->month;
  }
  return first;
}

void FactCorrection(const MonthAssessment& closed,
                    const std::vector<const MonthAssessment*>& earlier, const std::string& org,
                    const std::string& key, const ScoreFact* then, const ScoreFact* now,
                    std::vector<Adjustment>* out) {
  if (then != nullptr && now != nullptr && then->outcome == now->outcome &&
      then->credit == now->credit) {
    return;
  }
  Adjustment a;
  a.organization = org;
  a.item = key;
  a.before = then ? FactText(*then) : "not counted";
  a.after = now ? FactText(*now) : "not counted";
  a.corrects = FirstMonthSaying(closed, earlier, org, key, a.before);
  a.reference = now != nullptr && !now->reference.empty() ? now->reference
                : then != nullptr                         ? then->reference
                                                          : "";
  const std::string months =
      a.corrects == closed.month
          ? MonthText(closed.month)
          : absl::StrCat(MonthText(a.corrects), " to ", MonthText(closed.month));
  a.detail = absl::StrCat(org, ", ", key, ": ", now ? now->detail : then->detail, " (", months,
                          " closed with ", a.before, ")");
  out->push_back(std::move(a));
}

// "28 (off_track; 20 audited days, 11 provisional)".
std::string SnapshotText(const IndicatorSnapshot& s) {
  return absl::StrCat(s.value.has_value() ? absl::StrFormat("%g", *s.value) : "no value", " (",
                      IndicatorStatusName(s.status), "; ", s.data.audited_days, " audited days, ",
                      s.data.provisional_days, " provisional)");
}

void IndicatorCorrections(const MonthAssessment& closed, const MonthScores& now,
                          std::vector<Adjustment>* out) {
  std::map<std::string, const IndicatorSnapshot*> then;
  for (const IndicatorSnapshot& s : closed.scores.indicators) then[s.indicator_id] = &s;
  for (const IndicatorSnapshot& s : now.indicators) {
    auto it = then.find(s.indicator_id);
    if (it == then.end()) continue;
    const IndicatorSnapshot& was = *it->second;
    if (was.value == s.value && was.status == s.status) continue;
    Adjustment a;
    a.corrects = closed.month;
    a.item = absl::StrCat("indicator/", s.indicator_id);
    a.before = SnapshotText(was);
    a.after = SnapshotText(s);
    a.reference = s.indicator_id;
    a.detail =
        absl::StrCat(s.indicator_id, " as of ", absl::FormatCivilTime(closed.as_of), " is now ",
                     a.after, "; ", MonthText(closed.month), " closed with ", a.before);
    out->push_back(std::move(a));
  }
}

// The indicators whose data were more provisional when `closed` closed than now.
std::set<std::string> AuditedSince(const MonthAssessment& closed, const MonthScores& now) {
  std::map<std::string, int> then;
  for (const IndicatorSnapshot& s : closed.scores.indicators) {
    then[s.indicator_id] = s.data.provisional_days;
  }
  std::set<std::string> out;
  for (const IndicatorSnapshot& s : now.indicators) {
    auto it = then.find(s.indicator_id);
    if (it != then.end() && it->second > s.data.provisional_days) out.insert(s.indicator_id);
  }
  return out;
}

// Sets the cause of each correction (see Corrections).
void AttributeCauses(const MonthAssessment& closed, const MonthScores& now,
                     std::vector<Adjustment>* out) {
  const std::set<std::string> audited = AuditedSince(closed, now);
  std::set<std::string> audited_measures;
  for (const IndicatorSnapshot& s : now.indicators) {
    if (audited.count(s.indicator_id)) {
      audited_measures.insert(s.measures.begin(), s.measures.end());
    }
  }
  std::set<std::string> audited_orgs;
  auto rests_on_audited = [&](const Adjustment& a) {
    constexpr absl::string_view kIndicator = "indicator/", kFact = "indicators_on_track/",
                                kLight = "light/";
    if (absl::StartsWith(a.item, kIndicator)) {
      return audited.count(a.item.substr(kIndicator.size())) > 0;
    }
    if (absl::StartsWith(a.item, kFact)) return audited.count(a.item.substr(kFact.size())) > 0;
    if (absl::StartsWith(a.item, kLight)) {
      return audited_measures.count(a.item.substr(kLight.size())) > 0;
    }
    return false;
  };
  for (Adjustment& a : *out) {
    if (a.item == "score") continue;
    a.cause = rests_on_audited(a) ? CorrectionCause::kAuditedData : CorrectionCause::kDataChanged;
    if (a.cause == CorrectionCause::kAuditedData) {
      if (!a.organization.empty()) audited_orgs.insert(a.organization);
      absl::StrAppend(&a.detail, "; cause: audited monitoring data replaced the provisional data ",
                      MonthText(closed.month), " closed on");
    }
  }
  for (Adjustment& a : *out) {
    if (a.item != "score") continue;
    a.cause = audited_orgs.count(a.organization) ? CorrectionCause::kAuditedData
                                                 : CorrectionCause::kDataChanged;
  }
}

}  // namespace

const char* ContestStateName(ContestState state) {
  switch (state) {
    case ContestState::kPending:
      return "pending";
    case ContestState::kAccepted:
      return "accepted";
    case ContestState::kRejected:
      return "rejected";
  }
  return "pending";
}

std::string Contest::Name() const { return absl::StrCat("plans/", plan_id, "/contests/", number); }

absl::CivilDay LastDayOf(absl::CivilMonth month) {
  return absl::CivilDay(absl::CivilMonth(month + 1)) - 1;
}

absl::Status CheckClosable(absl::CivilMonth month, absl::CivilDay today,
                           std::optional<absl::CivilDay> issue_date,
                           std::optional<absl::CivilMonth> latest_closed) {
  if (LastDayOf(month) >= today) {
    return absl::FailedPreconditionError(absl::StrCat(MonthText(month), " has not ended (today is ",
                                                      absl::FormatCivilTime(today),
                                                      "): a month closes after its last day"));
  }
  if (issue_date.has_value() && month < absl::CivilMonth(*issue_date)) {
    return absl::FailedPreconditionError(absl::StrCat(MonthText(month),
                                                      " is before the plan was issued on ",
                                                      absl::FormatCivilTime(*issue_date)));
  }
  if (latest_closed.has_value() && month <= *latest_closed) {
    return absl::FailedPreconditionError(absl::StrCat(
        MonthText(month), " is not after the latest closed month ", MonthText(*latest_closed)));
  }
  if (latest_closed.has_value() && month != *latest_closed + 1) {
    return absl::FailedPreconditionError(absl::StrCat("months close in order: close ",
                                                      MonthText(*latest_closed + 1), " before ",
                                                      MonthText(month)));
  }
  return absl::OkStatus();
}

std::vector<Adjustment> Corrections(const MonthAssessment& closed, const MonthScores& now,
                                    const std::vector<const MonthAssessment*>& earlier) {
  std::vector<Adjustment> out;
  LightCorrections(closed, now, &out);
  IndicatorCorrections(closed, now, &out);
  std::map<std::string, const Scorecard*> then_cards, now_cards;
  for (const Scorecard& c : closed.scores.scorecards) then_cards[c.organization] = &c;
  for (const Scorecard& c : now.scorecards) now_cards[c.organization] = &c;
  std::map<std::string, std::pair<const Scorecard*, const Scorecard*>> orgs;
  for (const auto& [org, c] : then_cards) orgs[org].first = c;
  for (const auto& [org, c] : now_cards) orgs[org].second = c;
  static const Scorecard kNone;
  for (const auto& [org, pair] : orgs) {
    const Scorecard& then = pair.first ? *pair.first : kNone;
    const Scorecard& current = pair.second ? *pair.second : kNone;
    const auto then_facts = FactsOf(then);
    const auto now_facts = FactsOf(current);
    std::map<std::string, std::pair<const ScoreFact*, const ScoreFact*>> keys;
    for (const auto& [k, f] : then_facts) keys[k].first = f;
    for (const auto& [k, f] : now_facts) keys[k].second = f;
    for (const auto& [key, facts] : keys) {
      FactCorrection(closed, earlier, org, key, facts.first, facts.second, &out);
    }
    // Rounded to the displayed precision, so float noise is no correction.
    const double change = std::round((current.score - then.score) * 100) / 100;
    if (change != 0) {
      Adjustment a;
      a.corrects = closed.month;
      a.organization = org;
      a.item = "score";
      a.before = absl::StrFormat("%.2f", then.score);
      a.after = absl::StrFormat("%.2f", current.score);
      a.points = change;
      a.detail = absl::StrFormat(
          "%s: the score of %s as corrected is %.2f, %+.2f on the %.2f it "
          "closed with",
          org, MonthText(closed.month), current.score, change, then.score);
      out.push_back(std::move(a));
    }
  }
  AttributeCauses(closed, now, &out);
  return out;
}

void VersionCorrections(const std::vector<const MonthAssessment*>& closed,
                        std::vector<Adjustment>* adjustments) {
  for (Adjustment& a : *adjustments) {
    if (a.kind != AdjustmentKind::kCorrection) continue;
    int earlier = 0;
    for (const MonthAssessment* m : closed) {
      for (const Adjustment& b : m->adjustments) {
        earlier += b.kind == AdjustmentKind::kCorrection && b.corrects == a.corrects &&
                   b.organization == a.organization && b.item == a.item;
      }
    }
    a.version = earlier + 1;
  }
}

std::vector<Adjustment> ContestAdjustments(const std::vector<Contest>& decided) {
  std::vector<Adjustment> out;
  for (const Contest& c : decided) {
    if (c.state != ContestState::kAccepted) continue;
    Adjustment a;
    a.kind = AdjustmentKind::kContest;
    a.corrects = c.month;
    a.organization = c.organization;
    a.item = c.item;
    a.before = "contested";
    a.after = "accepted";
    a.points = c.points;
    a.reference = c.Name();
    a.detail = absl::StrFormat("contest %d of %s on %s of %s accepted by %s: %s (%+.2f points)",
                               c.number, c.organization, c.item, MonthText(c.month), c.decided_by,
                               c.comment, c.points);
    out.push_back(std::move(a));
  }
  return out;
}

absl::Status CheckContest(const MonthAssessment& closed, const Contest& contest) {
  if (contest.reason.empty()) {
    return absl::InvalidArgumentError("reason is required: say why the item is wrong");
  }
  if (!closed.closed) {
    return absl::FailedPreconditionError(
        absl::StrCat(MonthText(closed.month),
                     " is not closed: only a closed month's items are "
                     "contested (an open month still follows the data)"));
  }
  if (absl::StartsWith(contest.item, "light/")) {
    const std::string measure = contest.item.substr(6);
    for (const MeasureLight& l : closed.scores.lights) {
      if (l.measure_id != measure) continue;
      const bool owns =
          std::find(l.owners.begin(), l.owners.end(), contest.organization) != l.owners.end() ||
          std::find(l.responsible.begin(), l.responsible.end(), contest.organization) !=
              l.responsible.end();
      if (!owns) {
        return absl::FailedPreconditionError(
            absl::StrCat(contest.organization, " neither leads nor is responsible for ", measure));
      }
      return absl::OkStatus();
    }
    return absl::NotFoundError(
        absl::StrCat("no light of ", measure, " in ", MonthText(closed.month)));
  }
  for (const Scorecard& card : closed.scores.scorecards) {
    if (card.organization != contest.organization) continue;
    if (FactsOf(card).count(contest.item) > 0) return absl::OkStatus();
    return absl::NotFoundError(absl::StrCat("no item ", contest.item, " on the scorecard of ",
                                            contest.organization, " for ",
                                            MonthText(closed.month)));
  }
  return absl::NotFoundError(
      absl::StrCat("no scorecard of ", contest.organization, " for ", MonthText(closed.month)));
}

void NarrowMonthToOrganization(const std::string& name, const std::set<std::string>& measure_ids,
                               MonthAssessment* month) {
  auto named = [&](const std::vector<std::string>& orgs) {
    return !name.empty() && std::find(orgs.begin(), orgs.end(), name) != orgs.end();
  };
  std::set<std::string> kept_measures;
  std::vector<MeasureLight> lights;
  for (MeasureLight& l : month->scores.lights) {
    if (name.empty()) break;
    if (measure_ids.count(l.measure_id) > 0 || named(l.owners) || named(l.responsible)) {
      kept_measures.insert(l.measure_id);
      lights.push_back(std::move(l));
    }
  }
  month->scores.lights = std::move(lights);
  std::vector<Scorecard> cards;
  for (Scorecard& c : month->scores.scorecards) {
    if (!name.empty() && c.organization == name) cards.push_back(std::move(c));
  }
  month->scores.scorecards = std::move(cards);
  std::vector<Adjustment> adjustments;
  for (Adjustment& a : month->adjustments) {
    const bool own_light = absl::StartsWith(a.item, "light/") && a.organization.empty() &&
                           kept_measures.count(a.item.substr(6)) > 0;
    if ((!name.empty() && a.organization == name) || own_light) {
      adjustments.push_back(std::move(a));
    }
  }
  month->adjustments = std::move(adjustments);
  std::vector<Contest> contests;
  for (Contest& c : month->decided_contests) {
    if (!name.empty() && c.organization == name) contests.push_back(std::move(c));
  }
  month->decided_contests = std::move(contests);
  std::map<std::string, double> points;
  if (auto it = month->contest_points.find(name); it != month->contest_points.end()) {
    points.insert(*it);
  }
  month->contest_points = std::move(points);
}

absl::Status CheckDecision(const Contest& contest, bool accept, double points,
                           const std::string& comment) {
  if (contest.state != ContestState::kPending) {
    return absl::FailedPreconditionError(absl::StrCat(contest.Name(), " was already ",
                                                      ContestStateName(contest.state), " by ",
                                                      contest.decided_by));
  }
  if (comment.empty()) {
    return absl::InvalidArgumentError("comment is required: the decision is on record");
  }
  if (!(points >= -100 && points <= 100)) {
    return absl::InvalidArgumentError(
        absl::StrCat("points must be between -100 and 100, got ", points));
  }
  if (!accept && points != 0) {
    return absl::InvalidArgumentError("points are given only when a contest is accepted");
  }
  return absl::OkStatus();
}

}  // namespace ecoplan::indicator
