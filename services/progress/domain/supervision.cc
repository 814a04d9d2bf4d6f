#include "services/progress/domain/supervision.h"

namespace ecoplan::progress {

SupervisionReplyState SupervisionAddressee::state() const {
  const SupervisionReply* last = latest();
  if (last == nullptr) return SupervisionReplyState::kAwaitingReply;
  switch (last->verdict) {
    case SupervisionVerdict::kAccepted:
      return SupervisionReplyState::kAccepted;
    case SupervisionVerdict::kReturned:
      return SupervisionReplyState::kReturned;
    case SupervisionVerdict::kPending:
    case SupervisionVerdict::kSuperseded:  // never the latest; read as pending
      break;
  }
  return SupervisionReplyState::kReplied;
}

int SupervisionAddressee::late_replies() const {
  int n = 0;
  for (const SupervisionReply& r : replies) n += r.late ? 1 : 0;
  return n;
}

const SupervisionAddressee* SupervisionOrder::Find(absl::string_view org_id) const {
  for (const SupervisionAddressee& a : addressees) {
    if (a.org_id == org_id) return &a;
  }
  return nullptr;
}

SupervisionAddressee* SupervisionOrder::Find(absl::string_view org_id) {
  for (SupervisionAddressee& a : addressees) {
    if (a.org_id == org_id) return &a;
  }
  return nullptr;
}

int ReplyWorkingDays(SupervisionLevel level) {
  switch (level) {
    case SupervisionLevel::kRed:
      return 2;
    case SupervisionLevel::kYellow:
      return 5;
    case SupervisionLevel::kBlue:
    case SupervisionLevel::kUnspecified:
      break;
  }
  return 10;
}

absl::string_view LevelName(SupervisionLevel level) {
  switch (level) {
    case SupervisionLevel::kBlue:
      return "BLUE";
    case SupervisionLevel::kYellow:
      return "YELLOW";
    case SupervisionLevel::kRed:
      return "RED";
    case SupervisionLevel::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

bool IsOverdue(const SupervisionOrder& order, const SupervisionAddressee& org, absl::Time now) {
  if (order.state != SupervisionOrderState::kOpen || now < order.due_time) return false;
  const SupervisionReplyState s = org.state();
  return s == SupervisionReplyState::kAwaitingReply || s == SupervisionReplyState::kReturned;
}

bool IsOverdue(const SupervisionOrder& order, absl::Time now) {
  for (const SupervisionAddressee& a : order.addressees) {
    if (IsOverdue(order, a, now)) return true;
  }
  return false;
}

ReplyDeadline DeadlineOnDay(absl::CivilDay day, absl::TimeZone zone) {
  return {day, absl::FromCivil(absl::CivilSecond(day + 1), zone)};
}

ReplyDeadline DeadlineAfter(absl::Time now, int working_days, const common::WorkingDays& days,
                            absl::TimeZone zone) {
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  return DeadlineOnDay(days.AddWorkingDays(today, working_days), zone);
}

}  // namespace ecoplan::progress
