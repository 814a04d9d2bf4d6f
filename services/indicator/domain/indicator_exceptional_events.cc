// IndicatorEvaluator, exceptional events (例外事件): the bureau marks days or
// hours as affected by an event (沙尘, …) and withdraws markings; evaluations
// read the published events and give the figure without their days beside
// the official one (domain/exceptional_event.h, plan_evaluation.cc). Every
// write holds the key "exceptionalEvents" (ids are numbered in order) and,
// with a request id, "q/<id>" (a retry waits for the call it repeats). No
// recorded status depends on them (the official figure counts every day), so
// a marking triggers no recording run.

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/indicator/domain/indicator_evaluator.h"

namespace ecoplan::indicator {
namespace {

constexpr char kWriteKey[] = "exceptionalEvents";
constexpr absl::string_view kCreateEventMethod = "CreateExceptionalEvent";
constexpr absl::string_view kWithdrawMethod = "WithdrawExceptionalEvent";

}  // namespace

void IndicatorEvaluator::CreateExceptionalEvent(ExceptionalEvent event, std::string request_id,
                                                std::string actor, Done<ExceptionalEvent> done) {
  serializer_.RunForRequest(
      request_id, kWriteKey,
      [this, event = std::move(event), request_id = std::move(request_id), actor = std::move(actor),
       done = std::move(done)](Lease lease) mutable {
        absl::MutexLock lock(&mu_);
        absl::StatusOr<const RequestRecord*> retried =
            requests_.Check({request_id, kCreateEventMethod, "", ""});
        if (!retried.ok()) {
          done(retried.status());
          return;
        }
        if (*retried != nullptr) {
          for (const ExceptionalEvent& e : exceptional_events_) {
            if (ExceptionalEventName(e.id) == (*retried)->resource) {
              done(e);  // a retry: the event the first call created
              return;
            }
          }
          done(absl::InternalError(absl::StrCat("request ", request_id, " names ",
                                                (*retried)->resource, ", which is not held")));
          return;
        }
        if (absl::Status s = ValidateExceptionalEvent(event, book_.stations()); !s.ok()) {
          done(s);
          return;
        }
        event.id = absl::StrCat("ev-", exceptional_events_.size() + 1);
        event.state = ExceptionalEventState::kActive;
        event.create_time = clock_->Now();
        event.created_by = actor;
        Change c;
        c.exceptional_event = std::make_pair(event, std::string("created"));
        if (!request_id.empty()) {
          c.request = RequestRecord{request_id, std::string(kCreateEventMethod),
                                    ExceptionalEventName(event.id), "", 0};
        }
        c.request_id = request_id;
        c.actor = std::move(actor);
        std::optional<RequestRecord> request = c.request;
        CommitThen<ExceptionalEvent>(
            std::move(c),
            [this, event, request = std::move(request), lease = std::move(lease)](bool ok) mutable {
              if (ok) {
                absl::MutexLock lock(&mu_);
                exceptional_events_.push_back(event);
                if (request.has_value()) requests_.Record(*request);
              }
              lease.reset();
            },
            event, std::move(done));
      });
}

void IndicatorEvaluator::WithdrawExceptionalEvent(const std::string& id, std::string reason,
                                                  std::string request_id, std::string actor,
                                                  Done<ExceptionalEvent> done) {
  serializer_.RunForRequest(
      request_id, kWriteKey,
      [this, id, reason = std::move(reason), request_id = std::move(request_id),
       actor = std::move(actor), done = std::move(done)](Lease lease) mutable {
        absl::MutexLock lock(&mu_);
        absl::StatusOr<const RequestRecord*> retried =
            requests_.Check({request_id, kWithdrawMethod, ExceptionalEventName(id), ""});
        if (!retried.ok()) {
          done(retried.status());
          return;
        }
        auto it = std::find_if(exceptional_events_.begin(), exceptional_events_.end(),
                               [&](const ExceptionalEvent& e) { return e.id == id; });
        if (it == exceptional_events_.end()) {
          done(
              absl::NotFoundError(absl::StrCat("no exceptional event ", ExceptionalEventName(id))));
          return;
        }
        if (*retried != nullptr) {
          done(*it);  // a retry: the event as the first call withdrew it
          return;
        }
        if (!it->active()) {
          done(absl::FailedPreconditionError(
              absl::StrCat(ExceptionalEventName(id), " was already withdrawn")));
          return;
        }
        if (reason.empty()) {
          done(absl::InvalidArgumentError("reason: required (audit trail)"));
          return;
        }
        ExceptionalEvent after = *it;
        after.state = ExceptionalEventState::kWithdrawn;
        after.withdraw_time = clock_->Now();
        after.withdrawn_by = actor;
        after.withdraw_reason = std::move(reason);
        Change c;
        c.exceptional_event = std::make_pair(after, std::string("withdrawn"));
        if (!request_id.empty()) {
          c.request = RequestRecord{request_id, std::string(kWithdrawMethod),
                                    ExceptionalEventName(id), "", 0};
        }
        c.request_id = request_id;
        c.actor = std::move(actor);
        std::optional<RequestRecord> request = c.request;
        CommitThen<ExceptionalEvent>(
            std::move(c),
            [this, after, request = std::move(request), lease = std::move(lease)](bool ok) mutable {
              if (ok) {
                absl::MutexLock lock(&mu_);
                for (ExceptionalEvent& e : exceptional_events_) {
                  if (e.id == after.id) e = after;
                }
                if (request.has_value()) requests_.Record(*request);
              }
              lease.reset();
            },
            after, std::move(done));
      });
}

std::vector<ExceptionalEvent> IndicatorEvaluator::ListExceptionalEvents(bool active_only) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<ExceptionalEvent> out;
  for (const ExceptionalEvent& e : exceptional_events_) {
    if (!active_only || e.active()) out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [](const ExceptionalEvent& a, const ExceptionalEvent& b) {
    if (a.first_hour != b.first_hour) return a.first_hour < b.first_hour;
    if (a.id.size() != b.id.size()) return a.id.size() < b.id.size();  // ev-2 before ev-10
    return a.id < b.id;
  });
  return out;
}

std::map<absl::CivilDay, std::vector<std::string>> IndicatorEvaluator::ExceptionalEventsByDay(
    const std::string& area, absl::CivilDay from, absl::CivilDay to) const {
  absl::ReaderMutexLock lock(&mu_);
  std::map<absl::CivilDay, std::vector<std::string>> out;
  const std::set<std::string> stations = AreaStations(book_.stations(), area);
  for (const ExceptionalEvent& e : exceptional_events_) {
    const absl::CivilDay first = std::max(from, e.first_day());
    const absl::CivilDay last = std::min(to, e.last_day());
    for (absl::CivilDay d = first; d <= last; ++d) {
      if (TouchesDay(e, stations, d, std::nullopt)) out[d].push_back(ExceptionalEventName(e.id));
    }
  }
  return out;
}

}  // namespace ecoplan::indicator
