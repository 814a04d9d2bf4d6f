#include "services/indicator/domain/supervision_facts.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace ecoplan::indicator {
namespace {

// Asia/Shanghai has no daylight saving time.
const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

// At instant `t`, the addressee had a reply awaiting verification or an
// accepted one: the latest reply received before `t` stands unless it was
// returned before `t`.
bool Answered(const SupervisionAddresseeFact& a, absl::Time t) {
  const SupervisionReplyFact* latest = nullptr;
  for (const SupervisionReplyFact& r : a.replies) {
    if (r.reply_time < t && (latest == nullptr || latest->reply_time <= r.reply_time)) latest = &r;
  }
  if (latest == nullptr) return false;
  if (latest->verdict != SupervisionVerdict::kReturned) return true;
  const absl::Time returned = latest->verify_time.value_or(latest->reply_time);
  return returned >= t;
}

}  // namespace

absl::Time EndOfDay(absl::CivilDay day) { return absl::FromCivil(day + 1, kShanghai); }

std::string SupervisionLevelWord(const std::string& level) {
  if (level == "blue") return "蓝色督办";
  if (level == "yellow") return "黄色督办";
  if (level == "red") return "红色督办";
  return level;
}

OrderStanding OrderAsOf(const SupervisionOrderFact& order, absl::CivilDay as_of) {
  OrderStanding out;
  const absl::Time cut = EndOfDay(as_of);
  if (order.issue_time >= cut) return out;
  if (order.close_time.has_value() && *order.close_time < cut) return out;
  out.open = true;
  for (const SupervisionDeadline& d : order.deadlines) {
    if (d.since < cut || out.deadline == nullptr) out.deadline = &d;
  }
  if (out.deadline == nullptr || out.deadline->time >= cut) return out;
  for (const SupervisionAddresseeFact& a : order.addressees) {
    if (!Answered(a, cut)) out.overdue.push_back(&a);
  }
  return out;
}

std::vector<OwedReply> RepliesOwed(const SupervisionOrderFact& order,
                                   const SupervisionAddresseeFact& addressee,
                                   absl::CivilDay as_of) {
  std::vector<OwedReply> out;
  const absl::Time cut = EndOfDay(as_of);
  if (order.issue_time >= cut) return out;
  const std::vector<SupervisionDeadline>& ds = order.deadlines;
  for (size_t k = 0; k < ds.size(); ++k) {
    const SupervisionDeadline& d = ds[k];
    if (k > 0 && ds[k - 1].day == d.day) continue;  // the same reply day: one reply owed
    if (d.time >= cut) continue;                    // not passed yet
    // Replaced by a level change before it passed: owed no longer.
    size_t next = k + 1;
    while (next < ds.size() && ds[next].day == d.day) ++next;
    if (next < ds.size() && ds[next].since <= d.time) continue;
    if (order.close_time.has_value() && *order.close_time <= d.time) continue;
    if (k > 0 && Answered(addressee, d.since)) continue;
    OwedReply owed;
    owed.deadline = &d;
    for (const SupervisionReplyFact& r : addressee.replies) {
      if (r.reply_time < d.since || r.reply_time >= cut) continue;
      if (!owed.replied.has_value() || r.reply_time < *owed.replied) owed.replied = r.reply_time;
    }
    if (!owed.replied.has_value()) {
      owed.outcome = OwedReply::Outcome::kOverdue;
    } else if (*owed.replied < d.time) {
      owed.outcome = OwedReply::Outcome::kOnTime;
    } else {
      owed.outcome = OwedReply::Outcome::kLate;
    }
    out.push_back(owed);
  }
  return out;
}

ProblemStanding ProblemAsOf(const ProblemItemFact& item, absl::CivilDay as_of) {
  ProblemStanding out;
  const absl::Time cut = EndOfDay(as_of);
  for (const ProblemStepFact& s : item.steps) {
    if (s.time >= cut) continue;
    out.exists = true;
    out.state = s.state;
    if (s.reopen) out.reopened = true;
  }
  if (!out.exists) return out;
  out.unresolved = out.state != ProblemState::kVerified && out.state != ProblemState::kClosed;
  out.claimed = out.state == ProblemState::kClaimed;
  out.overdue = (out.state == ProblemState::kOpen || out.state == ProblemState::kRectifying) &&
                as_of > item.due;
  return out;
}

std::string ProblemItemText(const ProblemItemFact& item) {
  return absl::StrCat(item.code.empty() ? item.id : item.code, " (due ",
                      absl::FormatCivilTime(item.due), ", ", item.organization, ")");
}

std::string ProblemItemTextZh(const ProblemItemFact& item) {
  return absl::StrCat(item.code.empty() ? item.id : item.code, "（", item.due.year(), "年",
                      item.due.month(), "月", item.due.day(), "日到期，", item.organization, "）");
}

}  // namespace ecoplan::indicator
