#pragma once

// In-memory IndicatorStore for domain tests. Commits apply on the fake's own
// thread (as RocksDb's committer thread does: the evaluator commits some
// changes while it holds its lock), in order; Commit waits for its turn.
// hold_commits(true) queues them until ReleaseCommits(), so tests can see
// what runs while a commit is in flight; FailNextCommit makes the next one
// fail without writing anything. A new evaluator over the same fake Loads
// what was committed, like a restart.

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/concurrency/serial_executor.h"
#include "services/indicator/domain/indicator_store.h"

namespace ecoplan::indicator {

class FakeIndicatorStore final : public IndicatorStore {
 public:
  absl::StatusOr<std::vector<Indicator>> LoadIndicators() const override {
    absl::MutexLock lock(&mu_);
    std::vector<Indicator> out;
    for (const auto& [key, i] : indicators_) out.push_back(i);
    return out;
  }
  absl::StatusOr<std::vector<IndicatorRevision>> ListRevisions(
      absl::string_view plan_id, absl::string_view id) const override {
    absl::MutexLock lock(&mu_);
    auto it = revisions_.find({std::string(plan_id), std::string(id)});
    return it == revisions_.end() ? std::vector<IndicatorRevision>() : it->second;
  }
  absl::StatusOr<std::vector<Station>> LoadStations() const override {
    absl::MutexLock lock(&mu_);
    std::vector<Station> out;
    for (const auto& [id, s] : stations_) out.push_back(s);
    return out;
  }
  absl::Status LoadReadings(
      size_t chunk,
      const std::function<absl::Status(std::vector<ReadingWrite>)>& fn) const override {
    std::vector<ReadingWrite> all;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [key, r] : readings_) {
        ReadingWrite w = r;
        w.previous.reset();
        all.push_back(std::move(w));
      }
    }
    for (size_t i = 0; i < all.size(); i += chunk) {
      const size_t end = std::min(all.size(), i + chunk);
      absl::Status s = fn(std::vector<ReadingWrite>(all.begin() + i, all.begin() + end));
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::map<std::string, std::map<std::string, std::vector<ReportedValue>>>>
  LoadReportedValues() const override {
    absl::MutexLock lock(&mu_);
    std::map<std::string, std::map<std::string, std::vector<ReportedValue>>> out;
    for (const auto& [key, value] : reported_) {
      out[std::get<0>(key)][std::get<1>(key)].push_back({std::get<2>(key), value});
    }
    return out;
  }
  absl::StatusOr<std::map<std::string, std::map<std::string, IndicatorStatus>>> LoadStatuses()
      const override {
    absl::MutexLock lock(&mu_);
    return statuses_;
  }
  absl::StatusOr<std::map<std::string, absl::CivilDay>> LoadRecordedThrough() const override {
    absl::MutexLock lock(&mu_);
    return recorded_through_;
  }
  absl::StatusOr<std::map<std::string, ExtractionReport>> LoadReports() const override {
    absl::MutexLock lock(&mu_);
    return reports_;
  }
  absl::StatusOr<std::map<std::string, PlanView>> LoadPlanViews() const override {
    absl::MutexLock lock(&mu_);
    return views_;
  }
  absl::StatusOr<std::vector<RequestRecord>> LoadRequests() const override {
    absl::MutexLock lock(&mu_);
    std::vector<RequestRecord> out;
    for (const auto& [id, r] : requests_) out.push_back(r);
    return out;
  }
  absl::StatusOr<std::map<std::string, common::CalendarRule>> LoadCalendars() const override {
    absl::MutexLock lock(&mu_);
    return calendars_;
  }
  absl::StatusOr<std::vector<common::HolidayYear>> LoadHolidays() const override {
    absl::MutexLock lock(&mu_);
    std::vector<common::HolidayYear> out;
    for (const auto& [y, h] : holidays_) out.push_back(h);
    return out;
  }
  absl::Status LoadProgress(ProgressLedger* ledger) const override {
    absl::MutexLock lock(&mu_);
    for (const LedgerChange& c : ledger_changes_) ledger->Apply(c);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<ExceptionalEvent>> LoadExceptionalEvents() const override {
    absl::MutexLock lock(&mu_);
    std::vector<ExceptionalEvent> out;
    for (const auto& [id, e] : exceptional_events_) out.push_back(e);
    return out;
  }

  void CommitAsync(Change change, std::function<void(absl::StatusOr<Committed>)> done) override {
    absl::MutexLock lock(&mu_);
    held_.emplace_back(std::move(change), std::move(done));
    if (!hold_) DrainLocked();
  }
  absl::StatusOr<Committed> Commit(Change change) override {
    absl::Notification finished;
    absl::StatusOr<Committed> result;
    CommitAsync(std::move(change), [&](absl::StatusOr<Committed> r) {
      result = std::move(r);
      finished.Notify();
    });
    finished.WaitForNotification();
    return result;
  }

  // --- Test controls.
  void hold_commits(bool hold) {
    absl::MutexLock lock(&mu_);
    hold_ = hold;
  }
  // Applies the queued commits in order (on the fake's thread).
  void ReleaseCommits() {
    absl::MutexLock lock(&mu_);
    DrainLocked();
  }
  size_t held_commits() const {
    absl::MutexLock lock(&mu_);
    return held_.size();
  }
  // The next commit fails with `status` and writes nothing.
  void FailNextCommit(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_next_ = std::move(status);
  }
  // Every change committed so far (not the failed ones), in commit order.
  std::vector<Change> committed() const {
    absl::MutexLock lock(&mu_);
    return committed_;
  }
  // The sequence of the last event written (0: none).
  uint64_t last_sequence() const {
    absl::MutexLock lock(&mu_);
    return sequence_;
  }
  // Waits until every commit handed over so far has answered.
  void Flush() {
    absl::Notification done;
    executor_->Submit([&done] { done.Notify(); });
    done.WaitForNotification();
  }
  // Stored values, for assertions.
  std::optional<double> ReportedValueOf(const std::string& plan_id, const std::string& id,
                                        absl::CivilDay day) const {
    absl::MutexLock lock(&mu_);
    auto it = reported_.find({plan_id, id, day});
    if (it == reported_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<RunOutcome> runs() const {
    absl::MutexLock lock(&mu_);
    return runs_;
  }

 private:
  using Job = std::pair<Change, std::function<void(absl::StatusOr<Committed>)>>;

  // Hands the queued commits to the fake's thread.
  void DrainLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (!held_.empty()) {
      auto job = std::make_shared<Job>(std::move(held_.front()));
      held_.pop_front();
      executor_->Submit([this, job] { Apply(std::move(job->first), std::move(job->second)); });
    }
  }

  static int EventsOf(const Change& c) {
    return static_cast<int>(c.indicators.size()) +
           (c.run.has_value() ? static_cast<int>(c.run->changes.size()) : 0) +
           (c.observations.has_value() ? 1 : 0) + (c.exceptional_event.has_value() ? 1 : 0);
  }

  void Apply(Change c, std::function<void(absl::StatusOr<Committed>)> done) {
    absl::StatusOr<Committed> result;
    {
      absl::MutexLock lock(&mu_);
      if (!fail_next_.ok()) {
        result = fail_next_;
        fail_next_ = absl::OkStatus();
      } else {
        result = ApplyLocked(c);
        committed_.push_back(std::move(c));
      }
    }
    done(std::move(result));
  }

  Committed ApplyLocked(const Change& c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const IndicatorWrite& w : c.indicators) {
      indicators_[{w.indicator.plan_id, w.indicator.id}] = w.indicator;
      revisions_[{w.indicator.plan_id, w.indicator.id}].push_back(w.revision);
    }
    if (c.run.has_value()) {
      for (const RecordedChange& r : c.run->changes) {
        statuses_[c.run->plan_id][r.indicator_id] = r.status;
      }
      if (!c.run->changes.empty()) {
        auto [it, added] = recorded_through_.emplace(c.run->plan_id, c.run->as_of);
        if (!added) it->second = std::max(it->second, c.run->as_of);
      }
      if (!c.run->changes.empty()) runs_.push_back(*c.run);
    }
    if (c.station.has_value()) stations_[c.station->id] = *c.station;
    for (const ReadingWrite& r : c.readings) {
      readings_[std::make_tuple(r.station, static_cast<int>(r.pollutant), r.hour)] = r;
    }
    for (const ReportedValueWrite& v : c.values) {
      const auto key = std::make_tuple(v.plan_id, v.indicator_id, v.day);
      if (v.value.has_value()) {
        reported_[key] = *v.value;
      } else {
        reported_.erase(key);
      }
    }
    if (c.ledger.has_value()) ledger_changes_.push_back(*c.ledger);
    if (c.plan_view.has_value()) views_[c.plan_view->plan_id] = *c.plan_view;
    if (c.report.has_value()) reports_[c.report->plan_id] = *c.report;
    if (c.calendar.has_value()) calendars_[c.calendar->first] = c.calendar->second;
    if (c.holidays.has_value()) holidays_[c.holidays->year] = *c.holidays;
    if (c.request.has_value()) requests_[c.request->request_id] = *c.request;
    if (c.exceptional_event.has_value()) {
      exceptional_events_[c.exceptional_event->first.id] = c.exceptional_event->first;
    }
    Committed out;
    const int events = EventsOf(c);
    if (events > 0) {
      out.first_sequence = sequence_ + 1;
      sequence_ += static_cast<uint64_t>(events);
      out.last_sequence = sequence_;
    }
    return out;
  }

  mutable absl::Mutex mu_;
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Job> held_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_next_ ABSL_GUARDED_BY(mu_);
  std::vector<Change> committed_ ABSL_GUARDED_BY(mu_);
  uint64_t sequence_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::pair<std::string, std::string>, Indicator> indicators_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, std::vector<IndicatorRevision>> revisions_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, Station> stations_ ABSL_GUARDED_BY(mu_);
  std::map<std::tuple<std::string, int, absl::CivilHour>, ReadingWrite> readings_
      ABSL_GUARDED_BY(mu_);
  std::map<std::tuple<std::string, std::string, absl::CivilDay>, double> reported_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::map<std::string, IndicatorStatus>> statuses_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, absl::CivilDay> recorded_through_ ABSL_GUARDED_BY(mu_);
  std::vector<RunOutcome> runs_ ABSL_GUARDED_BY(mu_);
  std::vector<LedgerChange> ledger_changes_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, PlanView> views_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ExtractionReport> reports_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, common::CalendarRule> calendars_ ABSL_GUARDED_BY(mu_);
  std::map<int, common::HolidayYear> holidays_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, RequestRecord> requests_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ExceptionalEvent> exceptional_events_ ABSL_GUARDED_BY(mu_);
  // Last: destroyed first, so queued commits finish while the state is alive.
  std::unique_ptr<common::SerialExecutor> executor_ = std::make_unique<common::SerialExecutor>();
};

}  // namespace ecoplan::indicator
